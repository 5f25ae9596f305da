"""Faults: a build killed at any moment loses nothing, and the next build finishes the job.

Every article's graph is written in one transaction, so after ``kill -9`` or
Ctrl-C each article in the store is complete (the same triples a clean build
gives it) or absent, and building again adds exactly the absent ones. A second
writer is refused at once, and an export that fails leaves the previous file.
"""

from __future__ import annotations

import errno
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyoxigraph as ox
import pytest
from typer.testing import CliRunner

from safekg import api, cli
from safekg.errors import ExitCode
from safekg.formats import RdfFormat
from safekg.graph import graph_iri
from safekg.store import LocalStore, lock_file, open_store

REPO = Path(__file__).resolve().parent.parent
ARTICLES = REPO / "data" / "articles"
COPIES = 6  # of the bundled articles, each under a new id: 30 articles
KILL_SEEDS = range(10)

SAFEKG = [sys.executable, "-c", "from safekg.cli import main; main()"]
# The same build through the library, writing every few articles (the CLI writes
# 256 at a time), so that a kill can fall between two transactions of one build;
# it prints a line as each article is stored.
BUILD_IN_BATCHES = [
    sys.executable,
    "-c",
    "import sys; from safekg import api; "
    "api.build([sys.argv[1]], store_location=sys.argv[2], jobs=1, batch_size=int(sys.argv[3]), "
    "on_progress=lambda status, item: print(status, flush=True))",
]

Graphs = dict[str, frozenset[ox.Triple]]


#: Graphs a build makes again from the articles at its end (links, dataset description):
#: derived, so they are left out of the comparison of article graphs.
DERIVED = {graph_iri("links"), graph_iri("dataset")}


def graphs_of(location: Path) -> Graphs:
    """Every article graph of the store with its triples; the default graph under its own key."""
    found: dict[str, set[ox.Triple]] = {}
    with open_store(location, read_only=True) as store:
        assert isinstance(store, LocalStore)
        for quad in store.pyoxigraph.quads_for_pattern(None, None, None, None):
            name = quad.graph_name
            key = name.value if isinstance(name, ox.NamedNode) else "(default graph)"
            if key in DERIVED:
                continue
            found.setdefault(key, set()).add(quad.triple)
    return {key: frozenset(triples) for key, triples in found.items()}


def wait_for_lock(process: subprocess.Popen[bytes], location: Path) -> None:
    """Until ``process`` holds the store for writing (its pid is in the lock file)."""
    deadline = time.monotonic() + 60
    lock = lock_file(location)
    while time.monotonic() < deadline:
        assert process.poll() is None, "the build ended before it took the store"
        if lock.is_file() and lock.read_text(encoding="ascii").strip() == str(process.pid):
            return
        time.sleep(0.01)
    pytest.fail("the build did not take the store within 60 s")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("faults") / "articles"
    folder.mkdir()
    for copy in range(COPIES):
        for path in sorted(ARTICLES.glob("*.txt")):
            shutil.copy(path, folder / f"copy{copy}_{path.name}")
    return folder


@pytest.fixture(scope="module")
def clean(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Graphs, float]:
    """A clean build of the corpus through the CLI: its store, its graphs, its duration."""
    location = tmp_path_factory.mktemp("clean") / "store"
    started = time.monotonic()
    done = subprocess.run([*SAFEKG, "build", str(corpus), "--store", str(location)], check=False)
    seconds = time.monotonic() - started
    assert done.returncode == 0
    graphs = graphs_of(location)
    assert len(graphs) == 5 * COPIES
    assert set(graphs) == {graph_iri(path.stem) for path in corpus.iterdir()}
    return location, graphs, seconds


def assert_whole_or_absent(location: Path, expected: Graphs, what: str) -> set[str]:
    """Each graph in the store equals its clean build; returns the graphs found."""
    if not location.is_dir():  # stopped before the store was made
        return set()
    found = graphs_of(location)
    assert "(default graph)" not in found, what
    for name, triples in found.items():
        assert name in expected, f"{what}: unexpected graph {name}"
        missing, extra = len(expected[name] - triples), len(triples - expected[name])
        assert (missing, extra) == (0, 0), f"{what}: {name} lacks {missing}, has {extra} extra"
    return set(found)


def test_a_build_killed_at_random_moments_loses_nothing(
    corpus: Path, clean: tuple[Path, Graphs, float], tmp_path: Path
) -> None:
    _, expected, seconds = clean
    partial = 0
    for seed in KILL_SEEDS:
        rng = random.Random(seed)
        location = tmp_path / f"store{seed}"
        if seed % 3 == 0:  # the CLI, at any moment of its life
            command = [*SAFEKG, "build", str(corpus), "--store", str(location)]
            process = subprocess.Popen(command, stderr=subprocess.DEVNULL)
            time.sleep(rng.uniform(0.05, seconds * 1.1))
        else:  # in batches, after some articles are stored (the first second is start-up)
            batch = rng.choice([1, 2, 5])
            command = [*BUILD_IN_BATCHES, str(corpus), str(location), str(batch)]
            process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
            assert process.stdout is not None
            for _ in range(rng.randrange(1, len(expected) - 2 * batch)):
                assert process.stdout.readline() == b"built\n"
            time.sleep(rng.uniform(0, 0.02))
        process.kill()
        process.wait()
        if process.stdout is not None:
            process.stdout.close()
        present = assert_whole_or_absent(location, expected, f"seed {seed}, after kill -9")
        partial += 0 < len(present) < len(expected)
        report = api.build([corpus], store_location=location, jobs=1)
        assert report.complete
        assert {graph_iri(article_id) for article_id in report.built} == set(expected) - present
        assert len(report.skipped) == len(present)
        assert graphs_of(location) == expected, f"seed {seed}: the next build did not finish"
    assert partial, "no kill fell between two writes: the test proved nothing"


def test_building_the_same_articles_again_changes_nothing(
    corpus: Path, clean: tuple[Path, Graphs, float], tmp_path: Path
) -> None:
    location, expected, _ = clean
    copy = Path(shutil.copytree(location, tmp_path / "store"))
    again = api.build([corpus], store_location=copy, jobs=1)
    assert again.built == () and len(again.skipped) == len(expected)
    forced = api.build([corpus], store_location=copy, jobs=1, force=True)
    assert len(forced.built) == len(expected)
    assert graphs_of(copy) == expected


@pytest.mark.parametrize("jobs", [1, 2])
def test_ctrl_c_stops_a_build_with_one_line_and_loses_nothing(
    corpus: Path, clean: tuple[Path, Graphs, float], tmp_path: Path, jobs: int
) -> None:
    _, expected, _ = clean
    location = tmp_path / "store"
    command = [*SAFEKG, "build", str(corpus), "--store", str(location), "--jobs", str(jobs)]
    # a session of its own, so that the signal goes to its whole process group, as Ctrl-C does
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True
    )
    try:
        wait_for_lock(process, location)
        time.sleep(random.Random(jobs).uniform(0.05, 0.4))  # the build takes 1-2 s more
        os.killpg(process.pid, signal.SIGINT)
        out, err = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    assert process.returncode == 130, f"exit {process.returncode}: {err.decode()}"
    assert out == b""
    assert err.decode().splitlines() == ["safekg: interrupted"]
    present = assert_whole_or_absent(location, expected, f"-j {jobs}, after Ctrl-C")
    report = api.build([corpus], store_location=location, jobs=1)
    assert len(report.built) == len(expected) - len(present)
    assert graphs_of(location) == expected


def children_of(pid: int) -> set[int]:
    """The processes whose parent is ``pid`` (from /proc)."""
    found: set[int] = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # the process ended meanwhile
            continue
        if int(fields[1]) == pid:
            found.add(int(stat.parent.name))
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads processes from /proc")
def test_the_workers_end_when_the_build_is_killed(corpus: Path, tmp_path: Path) -> None:
    command = [*SAFEKG, "build", str(corpus), "--store", str(tmp_path / "store"), "--jobs", "2"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while len(workers := children_of(process.pid)) < 2 and time.monotonic() < deadline:
            assert process.poll() is None, "the build ended before its workers started"
            time.sleep(0.01)
        assert len(workers) >= 2, "the build started no workers"
    finally:
        process.kill()
        process.wait()
    deadline = time.monotonic() + 10
    while any(alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(alive(pid) for pid in workers), "workers ran on after the build was killed"


# Holds the store open for writing until its standard input closes.
HOLD_THE_STORE = [
    sys.executable,
    "-c",
    "import sys; from safekg.store import open_store\n"
    "with open_store(sys.argv[1]):\n    sys.stdin.read()",
]


def test_a_second_writer_or_a_reader_is_refused_at_once(
    corpus: Path, clean: tuple[Path, Graphs, float], tmp_path: Path
) -> None:
    location, expected, _ = clean
    copy = Path(shutil.copytree(location, tmp_path / "store"))
    holder = subprocess.Popen([*HOLD_THE_STORE, str(copy)], stdin=subprocess.PIPE)
    try:
        wait_for_lock(holder, copy)
        started = time.monotonic()
        second = subprocess.run(
            [*SAFEKG, "build", str(corpus), "--store", str(copy), "--force"],
            capture_output=True,
            text=True,
            check=False,
        )
        reader = subprocess.run(
            [*SAFEKG, "stats", "--store", str(copy)], capture_output=True, text=True, check=False
        )
        assert time.monotonic() - started < 20, "refused only after waiting"
    finally:
        holder.communicate(b"", timeout=60)
    for refused in (second, reader):
        assert refused.returncode == ExitCode.STORE_LOCKED
        assert refused.stdout == ""
        assert refused.stderr.splitlines() == [
            f"safekg: another process (process {holder.pid}) is writing to the store at "
            f"{copy}; try again when it is done"
        ]
    assert graphs_of(copy) == expected


def test_a_failed_export_leaves_the_previous_file(
    clean: tuple[Path, Graphs, float], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    location, _, _ = clean
    target = tmp_path / "graph.nq"
    target.write_bytes(b"the previous export\n")

    def disk_full(fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", disk_full)  # as safekg.atomic flushes the new file
    result = CliRunner().invoke(cli.app, ["export", "--store", str(location), "-o", str(target)])
    assert result.exit_code == ExitCode.USAGE
    assert result.stderr.strip().splitlines() == [
        f"safekg: cannot write {target}: No space left on device"
    ]
    assert target.read_bytes() == b"the previous export\n"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["graph.nq"]


def test_an_export_killed_at_random_moments_leaves_the_old_file_or_the_new(
    clean: tuple[Path, Graphs, float], tmp_path: Path
) -> None:
    location, _, _ = clean
    new = api.export(RdfFormat.NQUADS, store_location=location)
    assert new
    target = tmp_path / "graph.nq"
    command = [*SAFEKG, "export", "--store", str(location), "-o", str(target)]
    for seed in range(5):
        target.write_bytes(b"the previous export\n")
        process = subprocess.Popen(command, stderr=subprocess.DEVNULL)
        time.sleep(random.Random(seed).uniform(0.3, 1.5))
        process.kill()
        process.wait()
        assert target.read_bytes() in (b"the previous export\n", new), f"seed {seed}"
