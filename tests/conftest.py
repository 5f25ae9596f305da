"""Fixtures shared by the tests: a store built from the bundled articles, an Oxigraph server."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from safekg.store import Store, open_store

if TYPE_CHECKING:
    from safekg.serve import SafeKGServer

REPO = Path(__file__).resolve().parent.parent
ARTICLES = REPO / "data" / "articles"


@pytest.fixture(autouse=True)
def _no_store_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests say where their store is; the developer's own settings must not leak in."""
    for name in (
        "SAFEKG_STORE",
        "SAFEKG_ENDPOINT_USER",
        "SAFEKG_ENDPOINT_PASSWORD",
        "SAFEKG_ENDPOINT_TOKEN",
    ):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(scope="session")
def built_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An on-disk store built once from data/articles; tests open it read-only."""
    from safekg import api

    location = tmp_path_factory.mktemp("built") / "store"
    report = api.build([ARTICLES], store_location=location)
    assert report.complete, (report.refused, report.invalid)
    assert report.built
    return location


@contextmanager
def serving(location: Path) -> Iterator[SafeKGServer]:
    """``safekg serve`` over the store at ``location``, on a free loopback port, in a thread."""
    from safekg.serve import make_server

    with open_store(location, read_only=True) as store:
        running = make_server(store, "127.0.0.1", 0)
        thread = threading.Thread(target=running.serve_forever, daemon=True)
        thread.start()
        try:
            yield running
        finally:
            running.shutdown()
            running.server_close()
            thread.join(timeout=10)


def oxigraph_binary() -> str:
    """The ``oxigraph`` server that ``pip install oxigraph`` puts beside the interpreter."""
    beside = Path(sys.executable).parent / "oxigraph"
    found = str(beside) if beside.is_file() else shutil.which("oxigraph")
    if found is None:
        pytest.fail("the oxigraph server is missing: pip install '.[dev]' installs it")
    return found


def free_port() -> int:
    """A loopback port that is free now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture
def unused_port() -> int:
    """A loopback port nothing listens on."""
    return free_port()


def _wait_for(port: int, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"oxigraph serve exited with {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    pytest.fail("oxigraph serve did not start in 20 s")


@pytest.fixture(scope="session")
def oxigraph_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The base URL of an Oxigraph server on loopback, for the whole session."""
    port = free_port()
    location = tmp_path_factory.mktemp("oxigraph")
    command = [
        oxigraph_binary(),
        "serve",
        "--location",
        str(location),
        "--bind",
        f"127.0.0.1:{port}",
    ]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait_for(port, process)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def remote_store(oxigraph_server: str) -> Iterator[Store]:
    """A store on the Oxigraph server, emptied before each test."""
    store = open_store(oxigraph_server)
    store.update("DROP SILENT ALL")
    yield store
    store.close()
