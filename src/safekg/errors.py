"""One error type for everything safekg refuses, each with its exit code."""

from __future__ import annotations


class ExitCode:
    """Process exit codes, documented in the README."""

    OK = 0
    NOT_CONFORMING = 1  # the graph does not conform to the shapes; or no result
    USAGE = 2  # bad usage or bad input
    SOME_REFUSED = 3  # some input articles were refused, the rest were built
    QUERY_REFUSED = 4  # the query would write, or reach files or the network
    QUERY_BUDGET = 5  # the query ran over its time or memory budget
    STORE_LOCKED = 6  # another process is writing to the store
    ENDPOINT_UNAVAILABLE = 7  # the remote SPARQL endpoint did not answer


class SafeKGError(Exception):
    """Anything safekg refuses to do, with a one-line message for the user."""

    exit_code: int = ExitCode.USAGE


class IngestError(SafeKGError):
    """An article file that cannot be read."""


class ExtractionError(SafeKGError):
    """A rule or gazetteer file that is malformed."""


class StoreError(SafeKGError):
    """The store cannot be opened or written."""


class StoreLockedError(StoreError):
    exit_code = ExitCode.STORE_LOCKED


class EndpointError(StoreError):
    exit_code = ExitCode.ENDPOINT_UNAVAILABLE


class QueryRefusedError(SafeKGError):
    """A query that would write, or read files or the network."""

    exit_code = ExitCode.QUERY_REFUSED


class QueryBudgetError(SafeKGError):
    """A query that ran over its time or memory budget."""

    exit_code = ExitCode.QUERY_BUDGET


class ValidationError(SafeKGError):
    """A graph that does not conform to the shapes."""

    exit_code = ExitCode.NOT_CONFORMING
