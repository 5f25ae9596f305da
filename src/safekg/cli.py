"""The ``safekg`` command: a thin shell over ``safekg.api``.

Data goes to stdout, messages to stderr. Anything safekg refuses ends the
command with one line on stderr and the error's exit code (see ``ExitCode``).
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    SpinnerColumn,
    Task,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.text import Text
from typer.core import TyperArgument, TyperGroup, TyperOption

from safekg import __version__, api
from safekg.errors import ExitCode, SafeKGError
from safekg.query import DEFAULT_MAX_MEMORY_MB, DEFAULT_TIMEOUT_S

err = Console(stderr=True, soft_wrap=True, highlight=False)

INTERRUPTED = 130


class _Group(TyperGroup):
    """The error boundary: every refusal becomes one line on stderr and an exit code."""

    def invoke(self, ctx: Any) -> Any:  # Any: typer's own Context class is private
        try:
            return super().invoke(ctx)
        except SafeKGError as error:
            _say(str(error))
            raise typer.Exit(error.exit_code) from None
        except KeyboardInterrupt:
            _say("interrupted")
            raise typer.Exit(INTERRUPTED) from None

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        windows_expand_args: bool = True,
        **extra: Any,
    ) -> Any:
        try:
            code = super().main(args, prog_name, complete_var, False, windows_expand_args, **extra)
        except typer.TyperException as error:  # bad usage: one line, not a box
            where = getattr(getattr(error, "ctx", None), "command_path", None) or "safekg"
            err.print(f"{where}: {error.format_message()} (see --help)", markup=False)
            code = error.exit_code
        except typer.Abort:
            _say("aborted")
            code = ExitCode.USAGE
        code = code if isinstance(code, int) else ExitCode.OK
        if standalone_mode:
            sys.exit(code)
        return code


app = typer.Typer(
    name="safekg",
    cls=_Group,
    help="Turn reporting about child-protection policing into a validated RDF knowledge graph.",
    invoke_without_command=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)

StoreOption = Annotated[
    str | None,
    typer.Option(
        "--store",
        envvar="SAFEKG_STORE",
        metavar="PATH|URL",
        show_default=False,
        help="Store folder, ':memory:' or SPARQL endpoint URL [default: ./safekg-store].",
    ),
]


@app.command()
def build(
    paths: Annotated[
        list[Path],
        typer.Argument(metavar="PATH", help="Article files or folders.", show_default=False),
    ],
    store: StoreOption = None,
    jobs: Annotated[
        int | None,
        typer.Option(
            "--jobs",
            "-j",
            metavar="N",
            help="Extract and validate in this many processes [default: one per core].",
            show_default=False,
        ),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Rebuild articles that have not changed.")
    ] = False,
) -> None:
    """Build the graph from articles: read, extract, validate and store each one.

    Unchanged articles are skipped; articles that cannot be read, or whose graph
    does not conform to the shapes, are reported and not stored (exit 3).
    On a terminal, a progress bar shows articles per second and the time left.

    Example: safekg build data/articles --store safekg-store
    """
    with _progress(api.count_inputs(paths)) as on_progress:
        report = api.build(
            paths, store_location=store, jobs=jobs, force=force, on_progress=on_progress
        )
    for source, reason in report.refused:
        err.print(f"refused {source}: {reason}", markup=False)
    for article_id, text in report.invalid:
        err.print(
            f"not stored {article_id}: its graph does not conform to the shapes", markup=False
        )
        err.print(text.rstrip(), markup=False)
    err.print(
        f"built {len(report.built)}, unchanged {len(report.skipped)}, "
        f"refused {len(report.refused)}, invalid {len(report.invalid)}; "
        f"{report.triples} triples in the store",
        markup=False,
    )
    if not report.complete:
        raise typer.Exit(ExitCode.SOME_REFUSED)


@app.command()
def validate(
    store: StoreOption = None,
    data: Annotated[
        Path | None,
        typer.Option("--data", metavar="FILE", help="Validate this RDF file instead of the store."),
    ] = None,
) -> None:
    """Check the graph against the SHACL shapes; print the report and exit 1 if it fails.

    Example: safekg validate --data graph.ttl
    """
    report = api.validate_file(data) if data else api.validate_store(store_location=store)
    what = str(data) if data else "the store"
    if report.conforms:
        err.print(f"{what} conforms to the shapes", markup=False)
        return
    typer.echo(report.text.rstrip())
    err.print(f"{what} does not conform to the shapes", markup=False)
    raise typer.Exit(ExitCode.NOT_CONFORMING)


@app.command()
def query(
    query: Annotated[
        str,
        typer.Argument(metavar="QUERY", help="SPARQL text, a .rq file, or a named query."),
    ],
    store: StoreOption = None,
    fmt: Annotated[
        str, typer.Option("--format", "-f", metavar="FORMAT", help="table, csv, tsv, json or xml.")
    ] = "table",
    param: Annotated[
        list[str] | None,
        typer.Option("--param", "-p", metavar="NAME=VALUE", help="A named query's parameter."),
    ] = None,
    timeout: Annotated[
        float,
        typer.Option(
            "--timeout", metavar="SECONDS", min=0.001, help="Stop the query after this (exit 5)."
        ),
    ] = DEFAULT_TIMEOUT_S,
    max_memory: Annotated[
        int,
        typer.Option(
            "--max-memory",
            metavar="MB",
            min=0,
            help="Stop the query when it needs this much more memory (exit 5); 0: no limit.",
        ),
    ] = DEFAULT_MAX_MEMORY_MB,
) -> None:
    """Run a read-only SPARQL query or a named query and print its results.

    Updates, SERVICE and FROM are refused (exit 4); a query runs in a child process
    that is stopped when it overruns its time or memory budget (exit 5).

    Example: safekg query arrests-by-agency --format csv
    """
    answer = api.query(
        query,
        store_location=store,
        params=_params(param or []),
        fmt=fmt,
        timeout_s=timeout,
        max_memory_mb=max_memory or None,
    )
    _write(answer)


@app.command()
def queries() -> None:
    """List the named queries: name, a tab, what it answers.

    Example: safekg queries
    """
    from safekg.query import named_queries

    for name, named in sorted(named_queries().items()):
        typer.echo(f"{name}\t{named.description}")


@app.command()
def chart(
    query: Annotated[
        str,
        typer.Argument(metavar="QUERY", help="A named query, a .rq file, or SPARQL SELECT text."),
    ],
    store: StoreOption = None,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", metavar="FILE", help="Write to FILE (.png or .svg)."),
    ] = None,
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format",
            "-f",
            metavar="FORMAT",
            help="png or svg [default: from the output's suffix, else png].",
            show_default=False,
        ),
    ] = None,
    param: Annotated[
        list[str] | None,
        typer.Option("--param", "-p", metavar="NAME=VALUE", help="A named query's parameter."),
    ] = None,
    kind: Annotated[str | None, typer.Option("--kind", metavar="KIND", help="bar or time.")] = None,
    x: Annotated[
        str | None,
        typer.Option("--x", metavar="COLUMN", help="The bars' labels, or the points' dates."),
    ] = None,
    y: Annotated[
        str | None, typer.Option("--y", metavar="COLUMN", help="The numbers to draw.")
    ] = None,
    facet: Annotated[
        str | None, typer.Option("--facet", metavar="COLUMN", help="One panel per value.")
    ] = None,
    series: Annotated[
        str | None, typer.Option("--series", metavar="COLUMN", help="One colour per value.")
    ] = None,
) -> None:
    """Draw a chart of a query's rows as a PNG or SVG file, for reports.

    Named queries are drawn their own way (arrests-by-agency as bars, outcomes-by-agency
    over time, one panel per measure); --kind, --x, --y, --facet and --series choose
    the columns of any other query.

    Example: safekg chart arrests-by-agency -p year=2017 -o arrests-2017.png
    """
    if output is None and fmt != "svg" and sys.stdout.isatty():
        raise SafeKGError("a PNG would go to the terminal: write it to a file with -o FILE")
    data = api.chart(
        query,
        store_location=store,
        params=_params(param or []),
        fmt=fmt,
        output=output,
        kind=kind,
        x=x,
        y=y,
        facet=facet,
        series=series,
    )
    _deliver(data, output)


@app.command()
def serve(
    store: StoreOption = None,
    host: Annotated[
        str, typer.Option("--host", metavar="HOST", help="The address to listen on.")
    ] = "127.0.0.1",
    port: Annotated[
        int, typer.Option("--port", metavar="PORT", help="The port to listen on (0: any free).")
    ] = 8000,
    quiet: Annotated[bool, typer.Option("--quiet", help="Do not log each request.")] = False,
) -> None:
    """Serve the graph on the web until Ctrl-C: pages, charts and a SPARQL endpoint.

    A read-only SPARQL 1.1 endpoint at /sparql (same refusals and budgets as
    safekg query); every https://w3id.org/safekg/id/... resource at /id/... as HTML,
    Turtle, JSON-LD, N-Triples or RDF/XML by the Accept header; the named queries at
    /query. Listens on localhost only unless --host says otherwise.

    Example: safekg serve --store safekg-store --port 8000
    """

    def ready(url: str) -> None:
        err.print(f"serving {url}/ (Ctrl-C to stop)", markup=False)

    def log(line: str) -> None:
        err.print(line, markup=False)

    api.serve(
        store_location=store, host=host, port=port, on_ready=ready, log=None if quiet else log
    )
    err.print("stopped", markup=False)


@app.command()
def export(
    store: StoreOption = None,
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format",
            "-f",
            metavar="FORMAT",
            help="turtle, ntriples, nquads, trig, jsonld or rdfxml "
            "[default: from the output's suffix, else turtle].",
            show_default=False,
        ),
    ] = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", metavar="FILE", help="Write to FILE.")
    ] = None,
) -> None:
    """Write the whole graph in an RDF format, to stdout or a file.

    Example: safekg export --format nquads -o safekg.nq
    """
    data = api.export(fmt, store_location=store, output=output)
    _deliver(data, output)


@app.command()
def facts(
    store: StoreOption = None,
    fmt: Annotated[
        str,
        typer.Option("--format", "-f", metavar="FORMAT", help="jsonl (one record a line) or json."),
    ] = "jsonl",
) -> None:
    """Print every fact the graph holds (agencies, officers, funding, outcomes).

    Example: safekg facts > facts.jsonl
    """
    if fmt not in ("jsonl", "json"):
        raise SafeKGError(f"unknown facts format {fmt!r}: use jsonl or json")
    records = api.facts(store_location=store)
    if fmt == "json":
        typer.echo(json.dumps(list(records), indent=2, ensure_ascii=False, default=_json_value))
        return
    for record in records:
        typer.echo(json.dumps(record, ensure_ascii=False, default=_json_value))


@app.command()
def stats(
    store: StoreOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Count articles, fact records of each kind and triples in the store.

    Example: safekg stats --json
    """
    counts = api.stats(store_location=store)
    if as_json:
        typer.echo(json.dumps(counts))
        return
    for key, value in counts.items():
        typer.echo(f"{key}\t{value}")


@app.command()
def remove(
    ids: Annotated[
        list[str], typer.Argument(metavar="ID", help="Article ids.", show_default=False)
    ],
    store: StoreOption = None,
) -> None:
    """Remove articles and everything found in them from the store.

    Example: safekg remove 001_924c3bbeb742ac3a
    """
    removed = api.remove(ids, store_location=store)
    err.print(f"removed {len(removed)} article{'s' if len(removed) != 1 else ''}", markup=False)


@app.command()
def explain(
    iri: Annotated[
        str,
        typer.Argument(
            help="The fact's IRI, in full or prefixed (ag:..., pe:...).", show_default=False
        ),
    ],
    store: StoreOption = None,
) -> None:
    """Print what the graph says about a fact and the article sentence it came from.

    Example: safekg explain https://w3id.org/safekg/id/observation/001_924c3bbeb742ac3a/...
    """
    typer.echo(api.explain(iri, store_location=store), nl=False)


@app.command()
def link(
    store: StoreOption = None,
    endpoint: Annotated[
        str | None,
        typer.Option(
            help="Also ask this Wikidata-compatible SPARQL endpoint about unknown agencies "
            "(nothing reaches the network without it).",
        ),
    ] = None,
    threshold: Annotated[
        float, typer.Option(min=0.0, max=1.0, help="Lowest score at which a candidate is accepted.")
    ] = 0.85,
) -> None:
    """Link agencies, areas and offences to Wikidata, ONS GSS and legislation.gov.uk.

    Example: safekg link
    """
    report = api.link(store_location=store, endpoint=endpoint, threshold=threshold)
    for target, count in sorted(report.counts.items()):
        err.print(f"{target}\t{count} links", markup=False)
    for item in report.for_review:
        err.print(f"for review: {item}", markup=False)


@app.command()
def reason(
    store: StoreOption = None,
    check: Annotated[
        bool, typer.Option("--check", help="Only check consistency; write nothing.")
    ] = False,
    timeout: Annotated[
        float, typer.Option("--timeout", metavar="SECONDS", help="Stop the reasoner after this.")
    ] = 300.0,
) -> None:
    """Check the graph against the ontology with HermiT and store what follows from it.

    Inferred triples (class memberships, inverse and transitive relations such as a
    unit's chain of parents) replace the named graph
    https://w3id.org/safekg/graph/inferred, which says of itself that it is inferred;
    article graphs are never written. An inconsistent graph is explained on stdout,
    gets no inferred graph, and the command exits 1. Run it again after a build.

    Example: safekg reason --store safekg-store
    """
    result = api.reason(store_location=store, write=not check, timeout_s=timeout)
    if not result.consistent:
        typer.echo(result.message)
        err.print(
            f"the graph is inconsistent with the ontology ({result.seconds:.1f} s)", markup=False
        )
        raise typer.Exit(ExitCode.NOT_CONFORMING)
    where = f"; {result.inferred} inferred triples in {result.graph}" if result.written else ""
    err.print(
        f"consistent: {len(result.graphs)} graphs read{where} ({result.seconds:.1f} s)",
        markup=False,
    )


@app.command("docs", hidden=True)
def docs_command(
    check: Annotated[
        bool, typer.Option("--check", help="Write nothing; exit 1 if a document is stale.")
    ] = False,
) -> None:
    """Regenerate docs/queries.md and the model diagram in docs/model.md."""
    from safekg import docs

    stale = docs.write_docs(check=check)
    for path in stale:
        err.print(f"{'stale' if check else 'wrote'} {path}", markup=False)
    if check and stale:
        raise typer.Exit(ExitCode.NOT_CONFORMING)


@app.command("cli-reference", hidden=True)
def cli_reference_command() -> None:
    """Print the CLI reference in Markdown (the source of docs/cli.md)."""
    typer.echo(cli_reference(), nl=False)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"safekg {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    ctx: typer.Context,
    version: Annotated[
        bool | None,
        typer.Option("--version", callback=_version, is_eager=True, help="Print the version."),
    ] = None,
) -> None:
    """Turn reporting about child-protection policing into a validated RDF knowledge graph."""
    if ctx.invoked_subcommand is None:
        typer.echo(ctx.get_help())


def main() -> None:
    """The ``safekg`` console script."""
    app(prog_name="safekg")


def cli_reference() -> str:
    """The CLI reference in Markdown, generated from the commands themselves."""
    root = typer.main.get_command(app)
    assert isinstance(root, TyperGroup)
    root_ctx = typer.Context(root, info_name="safekg")
    lines = [
        "# safekg command reference",
        "",
        "<!-- Generated by `safekg cli-reference > docs/cli.md`; do not edit by hand. -->",
        "",
        root.help or "",
        "",
        "Every command that touches the graph takes `--store PATH|URL` (or `$SAFEKG_STORE`).",
        "Exit codes are listed in the README.",
        "",
    ]
    for name, command in sorted(root.commands.items()):
        if command.hidden:
            continue
        ctx = typer.Context(command, info_name=name, parent=root_ctx)
        usage = " ".join(command.collect_usage_pieces(ctx))
        lines += [f"## safekg {name}", "", "```", f"safekg {name} {usage}", "```", ""]
        lines += [_dedent(command.help or ""), ""]
        rows = [_param_row(param) for param in command.params if _documented(param)]
        if rows:
            lines += ["| argument / option | meaning |", "|---|---|", *rows, ""]
    return "\n".join(lines).rstrip() + "\n"


def _documented(param: object) -> bool:
    return isinstance(param, TyperArgument | TyperOption) and not param.hidden


def _param_row(param: object) -> str:
    if isinstance(param, TyperOption):
        names = ", ".join(f"`{opt}`" for opt in (*param.opts, *param.secondary_opts))
        if not param.is_flag:
            names += f" `{param.metavar or (param.name or 'value').upper()}`"
        meaning = param.help or ""
        if param.show_default and param.default not in (None, False, (), []):
            meaning += f" [default: {param.default}]"
        if param.envvar:
            meaning += f" [env: {param.envvar}]"
    else:
        assert isinstance(param, TyperArgument)
        names = f"`{param.metavar or (param.name or 'argument').upper()}`"
        meaning = param.help or ""
    return "| " + " | ".join(cell.replace("|", "\\|") for cell in (names, meaning)) + " |"


def _dedent(text: str) -> str:
    return "\n".join(line.strip() for line in text.strip().splitlines())


@contextmanager
def _progress(total: int | None = None) -> Iterator[Callable[[str, str], None] | None]:
    """A progress bar on stderr while building, with articles/s and the time left (when
    ``total`` inputs are expected); nothing unless stderr is a terminal, or under CI."""
    if not err.is_terminal or err.is_dumb_terminal or os.environ.get("CI"):
        yield None
        return
    columns = (
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        _RateColumn(),
        TimeElapsedColumn(),
        TextColumn("eta"),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=err, transient=True) as bar:
        counts: dict[str, int] = {}
        task = bar.add_task("building", total=total)

        def on_progress(status: str, item: str) -> None:
            if status == "compacting":  # the build's last step, not an article
                bar.update(task, description="compacting the store")
                return
            counts[status] = counts.get(status, 0) + 1
            done = ", ".join(f"{key} {value}" for key, value in sorted(counts.items()))
            bar.update(task, advance=1, description=f"building: {done}")

        yield on_progress


class _RateColumn(ProgressColumn):
    """Articles per second, over the last seconds."""

    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        return Text(f"{speed:,.0f} articles/s" if speed else "- articles/s")


def _params(pairs: list[str]) -> dict[str, str]:
    params: dict[str, str] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            raise SafeKGError(f"--param wants NAME=VALUE, not {pair!r}")
        params[name] = value
    return params


def _deliver(data: str | bytes | None, output: object) -> None:
    """Data the library returned goes to stdout; data it wrote to ``output`` is reported."""
    if data is not None:
        _write(data)
    else:
        err.print(f"wrote {output}", markup=False)


def _write(data: str | bytes) -> None:
    if isinstance(data, bytes):
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
    else:
        sys.stdout.write(data if data.endswith("\n") or not data else data + "\n")
        sys.stdout.flush()


def _json_value(value: object) -> object:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def _say(message: str) -> None:
    """One line on stderr, whatever the message holds."""
    err.print(f"safekg: {' '.join(message.split())}", markup=False)
