"""The run store: every recorded run in an embedded SQLite database, read back after the kernel is gone.

`RunStore(path)` is a sink of the core's recording hook (`dspyer_lab.record_to(store)`,
``program(..., _record=True)``). In the run's own thread a recording only buffers the run's events and hands
them over (at each node's end, and at the run's start and end) to the store's writer thread, which every
`_COMMIT_EVERY` seconds takes what every run handed over and, per run, masks and encodes it exactly as a saved
run's (`runfile.EventEncoder`: secrets masked, large values stored once, streamed tokens dropped when their
``lm_call`` carries the text) into one chunk, and writes all the chunks in one transaction, with the rows of the
runs that started or ended (status, inputs, output, error, totals, the nodes visited), so a run is listed
(``running``) while it runs. Reads wait for the writer (`RunStore.wait`). A run whose writing process is gone
before its end reads back as ``interrupted``, with the events written so far (and its start's totals).

The database is in WAL mode with a busy timeout, so several processes (kernels) write at once.
Its schema is versioned (`SCHEMA_VERSION`, migrated step by step on open); a newer file is refused
(`StoreVersionError`). It is bounded: past `max_runs` runs or `max_bytes` bytes of events, the
oldest runs that are not running are evicted after runs end (defaults `DEFAULT_MAX_RUNS`, `DEFAULT_MAX_BYTES`;
checked every 1% of either, so a store briefly holds up to 1% more).

Where: `default_store()`, ``.dspyer/runs.sqlite`` in the working directory, or ``DSPYER_LAB_STORE=PATH``
(``off``: no store).
"""

from __future__ import annotations

import atexit
import hashlib
import json
import os
import sqlite3
import threading
import time
import weakref
from collections import deque
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ...core.exceptions import StoreError, StoreVersionError, UnknownRunError
from ...core.recording import program_name
from ..textview import Masker
from .runfile import (
    FORMAT,
    VERSION,
    EventEncoder,
    SavedRun,
    answered_tokens,
    describe_graph,
    describe_output_model,
    parse_run,
    to_json,
)

if TYPE_CHECKING:
    from ...core.engine import Run
    from ...core.events import Event

__all__ = [
    "DEFAULT_MAX_BYTES",
    "DEFAULT_MAX_RUNS",
    "DEFAULT_PATH",
    "SCHEMA_VERSION",
    "STATUSES",
    "SORT_KEYS",
    "RunPage",
    "RunStore",
    "StoredBatch",
    "StoredRun",
    "default_store",
    "shared_store",
]

DEFAULT_PATH = Path(".dspyer") / "runs.sqlite"
"""Where `default_store` keeps runs, relative to the working directory (as MLflow's ``./mlruns``)."""

DEFAULT_MAX_RUNS = 10_000
"""The newest runs a store keeps unless given `max_runs=`."""

DEFAULT_MAX_BYTES = 500 * 2**20
"""Bytes of encoded events a store keeps unless given `max_bytes=` (whichever limit comes first)."""

STATUSES = ("running", "finished", "failed", "cancelled", "paused", "interrupted")
"""A stored run's status: ``cancelled`` its stream was stopped before its end; ``interrupted`` its process died."""

_HANDOFF = frozenset({"run_start", "node_end", "paused", "finished", "error"})
"""Events after which a run hands its buffered events to the writer thread (a node's tokens and calls together)."""

_LAST = frozenset({"paused", "finished", "error"})
"""Events that end a run's stream (a paused run may go on later, in the same row)."""

_HANDOFF_EVERY = 1000
"""Buffered events handed over anyway (a node streaming many tokens)."""

_MIGRATIONS: list[Sequence[str]] = [
    (  # version 1
        "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
        "CREATE TABLE graphs (hash TEXT PRIMARY KEY, description TEXT NOT NULL, output_model TEXT)",
        """CREATE TABLE runs (
            run_id TEXT PRIMARY KEY, parent_run_id TEXT, program TEXT, graph_hash TEXT,
            inputs TEXT, output TEXT, status TEXT NOT NULL, error TEXT,
            started REAL NOT NULL, ended REAL, duration REAL,
            prompt_tokens INTEGER NOT NULL DEFAULT 0, completion_tokens INTEGER NOT NULL DEFAULT 0,
            total_tokens INTEGER NOT NULL DEFAULT 0, cost REAL, models TEXT NOT NULL DEFAULT '[]',
            writer TEXT, size INTEGER NOT NULL DEFAULT 0,
            nodes TEXT NOT NULL DEFAULT '[]', error_node TEXT)""",
        "CREATE INDEX runs_by_started ON runs (started)",
        "CREATE INDEX runs_by_program ON runs (program, started)",
        "CREATE INDEX runs_by_status ON runs (status, started)",
        """CREATE TABLE chunks (
            run_id TEXT NOT NULL, n INTEGER NOT NULL, first_value INTEGER NOT NULL,
            value_table TEXT NOT NULL, events TEXT NOT NULL, PRIMARY KEY (run_id, n)) WITHOUT ROWID""",
        """CREATE TABLE batches (
            batch_id TEXT PRIMARY KEY, program TEXT, started REAL NOT NULL, ended REAL,
            status TEXT NOT NULL, scores TEXT)""",
        """CREATE TABLE batch_runs (
            batch_id TEXT NOT NULL, idx INTEGER NOT NULL, run_id TEXT, score REAL,
            PRIMARY KEY (batch_id, idx)) WITHOUT ROWID""",
    ),
]
"""Schema migrations, applied in order: step i brings a database from version i to i + 1."""

SCHEMA_VERSION = len(_MIGRATIONS)
"""The schema version this dspyer-lab writes; a database of a newer one is refused."""


@dataclass(frozen=True)
class StoredRun:
    """One stored run, as `RunStore.runs` lists it (inputs and output masked; times in epoch seconds)."""

    run_id: str
    parent_run_id: str | None
    program: str | None
    graph_hash: str | None
    status: str
    started: float
    ended: float | None
    duration: float | None
    inputs: Any
    output: Any
    error: str | None
    prompt_tokens: int
    completion_tokens: int
    total_tokens: int
    cost: float | None
    models: list[str]
    nodes: list[str]
    """The nodes the run visited, in first-visit order."""
    error_node: str | None
    """The node whose failure ended the run (None: it did not fail, or failed outside a node)."""


@dataclass(frozen=True)
class RunPage:
    """One page of `RunStore.query`: its runs and how many runs match in all (for "rows 21-40 of 312")."""

    runs: list[StoredRun]
    total: int


SORT_KEYS = ("started", "program", "status", "duration", "total_tokens", "cost", "error")
"""The columns `RunStore.query` sorts by."""


@dataclass(frozen=True)
class StoredBatch:
    """One stored batch: its examples' run ids and scores, by input index."""

    batch_id: str
    program: str | None
    started: float
    ended: float | None
    status: str
    scores: Any
    """The batch's scores summary (whatever the writer gave, e.g. mean and counts)."""
    examples: list[tuple[int, str | None, float | None]]


_RUN_COLUMNS = (
    "run_id, parent_run_id, program, graph_hash, status, started, ended, duration, inputs, output, error, "
    "prompt_tokens, completion_tokens, total_tokens, cost, models, writer, nodes, error_node"
)


def _process_token(pid: int) -> str:
    """`pid` and its start time (Linux: /proc), so a later process reusing the pid is not taken for the writer."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as file:
            started = file.read().rsplit(b")", 1)[1].split()[19].decode()
    except (OSError, IndexError):
        started = ""
    return f"{pid}:{started}"


_ME = _process_token(os.getpid())


def _writer_alive(writer: str | None) -> bool:
    """Whether the process that wrote a ``running`` row still runs (the same pid and start time)."""
    if not writer:
        return False
    pid = int(writer.split(":", 1)[0])
    if pid == os.getpid():
        return writer == _ME
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, another user's
        return True
    return _process_token(pid) == writer and not _zombie(pid)


def _zombie(pid: int) -> bool:
    """A process that has exited but was not reaped yet (its parent has not waited for it): gone for our purpose."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as file:
            return file.read().rsplit(b")", 1)[1].split()[0] == b"Z"
    except (OSError, IndexError):
        return False


class RunStore:
    """Runs in a SQLite database at `path` (see the module docstring); a sink for `dspyer_lab.record_to`.

    Args:
        path: the database file (its folder is made); ``-wal`` and ``-shm`` files live beside it.
        max_runs: most runs kept (the oldest evicted as runs end, see the module docstring); None: no limit.
        max_bytes: most bytes of encoded events kept; None: no limit.
        busy_timeout: seconds a write waits for another process's transaction.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        max_runs: int | None = DEFAULT_MAX_RUNS,
        max_bytes: int | None = DEFAULT_MAX_BYTES,
        busy_timeout: float = 30.0,
    ) -> None:
        for name, limit in (("max_runs", max_runs), ("max_bytes", max_bytes)):
            if limit is not None and (not isinstance(limit, int) or isinstance(limit, bool) or limit < 1):
                raise StoreError(f"RunStore {name}={limit!r} must be a positive integer or None")
        self.path = Path(path)
        self._file = os.path.realpath(self.path)
        self.max_runs = max_runs
        self.max_bytes = max_bytes
        self._lock = threading.Lock()
        self.masker = Masker()
        """Masks every run written here, and learns each one's secrets: a secret of one run is masked in all
        (as a BatchView's masker does for its examples)."""
        self._evict_every = max(1, min(100, (max_runs or 10_000) // 100))
        """Runs ended between two evictions: a store holds at most `max_runs` plus 1% (100 at most) runs."""
        self._since_eviction = (0, 0)  # runs ended and bytes written since the last eviction
        self._inbox: deque[tuple[_Recording | None, Any, float | None]] = deque()
        """What runs hand the writer thread: (recording, its events, when its stream closed or None), and
        `wait`'s (None, an Event to set, None). A deque: appending takes no lock, in the run's thread."""
        self._wake = threading.Event()  # `wait` wakes the writer thread before its next round
        self._starting = threading.Lock()  # one writer thread at a time
        self._writer: threading.Thread | None = None
        self._writing = False  # the writer thread holds items it took from the inbox and has not written yet
        self._failure: BaseException | None = None
        _open_stores.add(self)
        self._graphs_written: set[str] = set()
        """Graph hashes written by this store object (a run of a known graph skips that statement)."""
        self._graphs: weakref.WeakKeyDictionary[Any, tuple[str, str, str | None]] = weakref.WeakKeyDictionary()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(
                self.path, timeout=busy_timeout, isolation_level=None, check_same_thread=False
            )
        except (OSError, sqlite3.Error) as exc:
            raise StoreError(f"cannot open run store {str(self.path)!r}: {exc}") from exc
        try:
            self._db.execute(f"PRAGMA busy_timeout = {int(busy_timeout * 1000)}")
            self._db.execute("PRAGMA journal_mode = WAL")
            self._db.execute("PRAGMA synchronous = NORMAL")  # WAL: a crash loses at most the last commits, never the file
            self._migrate()
        except BaseException as exc:
            self._db.close()
            if isinstance(exc, sqlite3.Error):
                raise StoreError(f"cannot open run store {str(self.path)!r}: {exc}") from exc
            raise

    def __repr__(self) -> str:
        return f"RunStore({str(self.path)!r})"

    def close(self) -> None:
        """Write what is queued, then close the database connection (runs being recorded cannot write after this)."""
        self.wait()
        with self._lock:
            self._db.close()

    def __enter__(self) -> RunStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- schema ----------------------------------------------------------------------

    def _version(self) -> int:
        has_meta = self._db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'").fetchone()
        if not has_meta:
            return 0
        row = self._db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        return int(row[0]) if row else 0

    def _migrate(self) -> None:
        """Bring the database to `SCHEMA_VERSION`, one step at a time, each step with its version in one transaction."""
        with self._write():
            version = self._version()
            if version > SCHEMA_VERSION:
                raise StoreVersionError(str(self.path), version, SCHEMA_VERSION)
            for step in _MIGRATIONS[version:]:
                for statement in step:
                    self._db.execute(statement)
                version += 1
                self._db.execute(
                    "INSERT OR REPLACE INTO meta (key, value) VALUES ('schema_version', ?)", (str(version),)
                )

    def _write(self) -> _Transaction:
        return _Transaction(self)

    # -- writing ---------------------------------------------------------------------

    def __call__(self, run: Run[Any]) -> _Recording:
        """The recording of `run` (the core's recording hook calls this when a recorded run starts)."""
        return _Recording(self, run)

    def _graph(self, program: Any) -> tuple[str, str, str | None]:
        """The graph's hash, description and output model description (JSON), worked out once per program."""
        known = self._graphs.get(program)
        if known is None:
            description = to_json(describe_graph(program.graph))
            output = describe_output_model(getattr(program, "output_model", None))
            digest = hashlib.sha256(description.encode("utf-8", "surrogatepass")).hexdigest()[:16]
            known = self._graphs[program] = (digest, description, to_json(output) if output is not None else None)
        return known

    def save_batch(
        self,
        batch_id: str,
        *,
        program: str | None,
        started: float,
        status: str,
        scores: Any = None,
        examples: Iterable[tuple[int, str | None, float | None]] = (),
        ended: float | None = None,
    ) -> None:
        """Store (or replace) a batch: its scores summary and, per input index, its run id and score."""
        self.wait()
        rows = [(batch_id, int(i), run_id, score) for i, run_id, score in examples]
        with self._write():
            self._db.execute(
                "INSERT OR REPLACE INTO batches (batch_id, program, started, ended, status, scores) VALUES (?,?,?,?,?,?)",
                (batch_id, program, started, ended, status, to_json(scores)),
            )
            self._db.execute("DELETE FROM batch_runs WHERE batch_id = ?", (batch_id,))
            self._db.executemany("INSERT INTO batch_runs (batch_id, idx, run_id, score) VALUES (?,?,?,?)", rows)

    def _take(self, recording: _Recording, events: list[Mapping[str, Any]], closed: float | None = None) -> None:
        """Hand the writer thread a run's next events (in the run's thread: no lock, no encoding here).

        A write that failed is raised here (or by the next read) once, as a `StoreError`."""
        self._inbox.append((recording, events, closed))
        if self._writer is None:
            self._start_writer()
        if self._failure is not None:
            self._raise_failure()

    def _start_writer(self) -> None:
        with self._starting:
            if self._writer is None:
                self._writer = threading.Thread(target=self._write_loop, name=f"dspyer-store-{self.path.name}",
                                                daemon=True)
                self._writer.start()

    def _write_loop(self) -> None:
        """The writer thread: every `_COMMIT_EVERY` seconds (or when `wait` asks), take everything the runs
        handed over, encode it and write it in one transaction; exit after `_IDLE` seconds with nothing to do."""
        idle = 0.0
        while True:
            self._wake.wait(_COMMIT_EVERY)
            self._wake.clear()
            inbox, items = self._inbox, []
            self._writing = True  # before taking any: `wait` sees the items in the inbox or this
            while inbox:
                items.append(inbox.popleft())
            if items:
                idle = 0.0
                self._write_items(items)
            self._writing = False
            if items:
                continue
            idle += _COMMIT_EVERY
            if idle >= _IDLE:
                with self._starting:
                    if not inbox:  # a run handing events over now sees no writer, and starts one
                        self._writer = None
                        return

    def _write_items(self, items: list[tuple[_Recording | None, Any, float | None]]) -> None:
        """Encode the runs' events (each run's in one chunk) and write them with their rows, in one transaction;
        then set the events of the `wait` calls among `items`."""
        seen: dict[str, _Recording] = {}
        for at, (recording, _, _) in enumerate(items):
            if recording is None:
                continue
            if seen.setdefault(recording.run_id, recording) is not recording and recording.resumed:
                # a paused run going on reads what its pause wrote (`_continue_stored`): write that first
                self._write_items(items[:at])
                self._write_items(items[at:])
                return
        waiting: list[threading.Event] = []
        taken: dict[_Recording, tuple[list[Mapping[str, Any]], float | None]] = {}
        for recording, events, closed in items:
            if recording is None:
                waiting.append(events)
            elif recording in taken:  # the run's lists are the writer's once handed over: extended in place
                before, was_closed = taken[recording]
                before.extend(events)
                taken[recording] = (before, closed if closed is not None else was_closed)
            else:
                taken[recording] = (events, closed)
        if not taken:  # only `wait` calls (a closed store's too)
            for event in waiting:
                event.set()
            return
        try:
            graphs: list[tuple[str, str, str | None]] = []
            chunks: list[tuple[Any, ...]] = []
            rows: list[tuple[Any, ...]] = []
            evict = False
            for recording, (events, closed) in taken.items():
                graph, chunk, row = recording.encode(events, closed)
                if graph is not None and graph[0] not in self._graphs_written:
                    self._graphs_written.add(graph[0])
                    graphs.append(graph)
                if chunk is not None:
                    chunks.append(chunk)
                if row is not None:
                    rows.append(row)
                    if row[4] != "running":  # its status: the run ended (or paused)
                        evict = self._count_ended(recording.size) or evict
            with self._write():
                self._db.executemany(_GRAPH, graphs)
                _insert(self._db, _APPEND, chunks)
                _insert(self._db, _UPSERT, rows)
                if evict:
                    self._evict()
        except BaseException as exc:  # kept, and raised in a run's thread (`_take`) or by the next read
            if self._failure is None:
                self._failure = exc
        finally:
            for event in waiting:
                event.set()

    def end_paused(self, event: Mapping[str, Any]) -> bool:
        """A paused run that will not go on (its view's Stop): append its closing `event` (``cancelled``, from the
        view that stopped it) to its stored events, and its row reads as the view shows it. False when the store
        holds no paused run of that id (not recorded here, or it went on)."""
        self.wait()  # the pause's own chunks and row first
        run_id, ended = event["run_id"], event["ts"]
        encoded = to_json([event])
        with self._write():
            row = self._db.execute(
                "SELECT (SELECT COUNT(*) FROM chunks WHERE run_id = ?), "
                "(SELECT COALESCE(SUM(json_array_length(value_table)), 0) FROM chunks WHERE run_id = ?) "
                "FROM runs WHERE run_id = ? AND status = 'paused'", (run_id, run_id, run_id),
            ).fetchone()
            if row is None:
                return False
            self._db.execute("INSERT INTO chunks (run_id, n, first_value, value_table, events) VALUES (?,?,?,?,?)",
                             (run_id, row[0], row[1], "[]", encoded))
            self._db.execute(
                "UPDATE runs SET status = ?, ended = ?, duration = ? - started, size = size + ? WHERE run_id = ?",
                (event["event"], ended, ended, len(encoded) + 2, run_id),
            )
        return True

    def _count_ended(self, size: int) -> bool:
        """A run ended having written `size` bytes; whether to evict now: every 1% of `max_runs` runs ended (100 at
        most) or of `max_bytes` written (counting runs and bytes scans the table: not at every end)."""
        runs, total = self._since_eviction[0] + 1, self._since_eviction[1] + size
        due = runs >= self._evict_every or (self.max_bytes is not None and total * 100 >= self.max_bytes)
        self._since_eviction = (0, 0) if due else (runs, total)
        return due

    def _raise_failure(self) -> None:
        """Raise (once) the error of a write the writer thread could not make."""
        failure, self._failure = self._failure, None
        if failure is not None:
            if isinstance(failure, StoreError):
                raise failure
            raise StoreError(f"run store {str(self.path)!r} could not be written ({type(failure).__name__}: "
                             f"{failure})") from failure

    def wait(self) -> None:
        """Return once every run event handed so far to this store, or to another `RunStore` of the same file in
        this process, is written (reads call it first: a read sees the runs this process recorded)."""
        for other in list(_open_stores):
            if other is not self and other._file == self._file:
                other._wait_own()
        self._wait_own()

    def _wait_own(self) -> None:
        if not self._inbox and not self._writing:  # nothing handed over is unwritten
            self._raise_failure()
            return
        written = threading.Event()
        self._inbox.append((None, written, None))
        if self._writer is None:
            self._start_writer()
        self._wake.set()
        written.wait()
        self._raise_failure()

    def _evict(self) -> None:
        """Delete the oldest runs not running past `max_runs` / `max_bytes` (inside a write transaction)."""
        doomed: list[str] = []
        if self.max_runs is not None:
            doomed += [row[0] for row in self._db.execute(
                "SELECT run_id FROM runs WHERE status != 'running' ORDER BY started DESC LIMIT -1 OFFSET ?",
                (self.max_runs,),
            )]
        if self.max_bytes is not None:
            (total,) = self._db.execute("SELECT COALESCE(SUM(size), 0) FROM runs").fetchone()
            if total > self.max_bytes:
                for run_id, size in self._db.execute(
                    "SELECT run_id, size FROM runs WHERE status != 'running' ORDER BY started"
                ).fetchall():
                    if total <= self.max_bytes:
                        break
                    if run_id not in doomed:
                        doomed.append(run_id)
                        total -= size
        self._delete(doomed)

    def _delete(self, run_ids: Sequence[str]) -> None:
        for start in range(0, len(run_ids), 500):
            part = list(run_ids[start:start + 500])
            marks = ",".join("?" * len(part))
            self._db.execute(f"DELETE FROM chunks WHERE run_id IN ({marks})", part)
            self._db.execute(f"DELETE FROM runs WHERE run_id IN ({marks})", part)

    # -- reading ---------------------------------------------------------------------

    def _mark_interrupted(self) -> None:
        """``running`` rows whose writing process is gone become ``interrupted`` (their events stay)."""
        with self._lock:
            rows = self._db.execute("SELECT run_id, writer FROM runs WHERE status = 'running'").fetchall()
        dead = [run_id for run_id, writer in rows if not _writer_alive(writer)]
        if dead:
            with self._write():
                self._db.executemany(
                    "UPDATE runs SET status = 'interrupted' WHERE run_id = ? AND status = 'running'",
                    [(run_id,) for run_id in dead],
                )

    def runs(self, program: str | None = None, status: str | None = None, limit: int | None = None) -> list[StoredRun]:
        """Stored runs, newest first; only `program`'s, only of `status`; `limit` newest (None: every one)."""
        if limit is not None and (not isinstance(limit, int) or isinstance(limit, bool) or limit < 0):
            raise StoreError(f"limit={limit!r} must be an integer >= 0 or None")
        return self._select(_where(program=program, status=status), "started", True, 0, limit)

    def query(
        self,
        *,
        program: str | None = None,
        status: str | None = None,
        node: str | None = None,
        text: str | None = None,
        since: float | None = None,
        until: float | None = None,
        sort: str = "started",
        descending: bool = True,
        offset: int = 0,
        limit: int = 20,
    ) -> RunPage:
        """One page of the runs that match every filter given, sorted by `sort` (one of `SORT_KEYS`), and their count.

        `node`: runs that visited that node; `text`: the error text contains it (any case); `since`/`until`:
        started at or after / before these epoch seconds. Runs without a value sort last; ties newest first."""
        if sort not in SORT_KEYS:
            raise StoreError(f"sort={sort!r} is not a run column to sort by (one of {', '.join(SORT_KEYS)})")
        for name, number in (("offset", offset), ("limit", limit)):
            if not isinstance(number, int) or isinstance(number, bool) or number < 0:
                raise StoreError(f"{name}={number!r} must be an integer >= 0")
        where = _where(program=program, status=status, node=node, text=text, since=since, until=until)
        runs = self._select(where, sort, descending, offset, limit)
        with self._lock:
            (total,) = self._db.execute(f"SELECT COUNT(*) FROM runs{where.sql}", where.args).fetchone()
        return RunPage(runs, total)

    def programs(self) -> list[str]:
        """The program names runs are stored under, sorted (a filter's choices)."""
        self.wait()
        with self._lock:
            rows = self._db.execute("SELECT DISTINCT program FROM runs WHERE program IS NOT NULL ORDER BY program")
            return [name for (name,) in rows.fetchall()]

    def _select(self, where: _Filter, sort: str, descending: bool, offset: int, limit: int | None) -> list[StoredRun]:
        self.wait()
        self._mark_interrupted()
        direction = "DESC" if descending else "ASC"
        if sort == "started":
            order = f"started {direction}, rowid {direction}"
        else:
            order = f"{sort} IS NULL, {sort} {direction}, started DESC, rowid DESC"
        sql = f"SELECT {_RUN_COLUMNS} FROM runs{where.sql} ORDER BY {order} LIMIT ? OFFSET ?"
        with self._lock:
            rows = self._db.execute(sql, (*where.args, -1 if limit is None else limit, offset)).fetchall()
        return [_stored_run(row) for row in rows]

    def run(self, run_id: str) -> StoredRun:
        """The stored record of `run_id` (`UnknownRunError` when there is none)."""
        self.wait()
        self._mark_interrupted()
        with self._lock:
            row = self._db.execute(f"SELECT {_RUN_COLUMNS} FROM runs WHERE run_id = ?", (run_id,)).fetchone()
        if row is None:
            raise UnknownRunError(run_id, str(self.path))
        return _stored_run(row)

    def load(self, run_id: str) -> SavedRun:
        """The run's events and graph, as `LabView.load` reads a saved run (`presenter.show_saved`)."""
        self.wait()
        with self._lock:
            row = self._db.execute(
                "SELECT g.description, g.output_model FROM runs r LEFT JOIN graphs g ON g.hash = r.graph_hash "
                "WHERE r.run_id = ?", (run_id,),
            ).fetchone()
            chunks = self._db.execute(
                "SELECT first_value, value_table, events FROM chunks WHERE run_id = ? ORDER BY n", (run_id,)
            ).fetchall()
        if row is None:
            raise UnknownRunError(run_id, str(self.path))
        values: list[Any] = []
        events: list[Any] = []
        for first, table, encoded in chunks:
            if first != len(values):
                raise StoreError(f"run {run_id!r} in {str(self.path)!r} is missing part of its value table")
            values += json.loads(table)
            events += json.loads(encoded)
        data = {
            "format": FORMAT,
            "version": VERSION,
            "masked": True,
            "graph": json.loads(row[0]) if row[0] is not None else {"nodes": []},
            "output_model": json.loads(row[1]) if row[1] is not None else None,
            "values": values,
            "events": events,
        }
        return parse_run(data)

    def delete(self, run_ids: str | Iterable[str]) -> None:
        """Delete one run or several; an id the store does not hold is an error (nothing is deleted then)."""
        self.wait()
        ids = [run_ids] if isinstance(run_ids, str) else list(run_ids)
        with self._write():
            for run_id in ids:
                if self._db.execute("SELECT 1 FROM runs WHERE run_id = ?", (run_id,)).fetchone() is None:
                    raise UnknownRunError(run_id, str(self.path))
            self._delete(ids)

    def batches(
        self, program: str | None = None, *, limit: int | None = None, offset: int = 0
    ) -> list[StoredBatch]:
        """Stored batches, newest first (only `program`'s when given), each with its examples; `limit` of them
        from the `offset`-th (None: every one), as the runs browser pages them."""
        self.wait()
        sql = "SELECT batch_id, program, started, ended, status, scores FROM batches"
        args: tuple[Any, ...] = ()
        if program is not None:
            sql, args = sql + " WHERE program = ?", (program,)
        with self._lock:
            rows = self._db.execute(sql + " ORDER BY started DESC LIMIT ? OFFSET ?",
                                    (*args, -1 if limit is None else limit, offset)).fetchall()
            return [self._stored_batch(row) for row in rows]

    def batch_count(self, program: str | None = None) -> int:
        """How many batches are stored (only `program`'s when given)."""
        self.wait()
        with self._lock:
            if program is None:
                return int(self._db.execute("SELECT COUNT(*) FROM batches").fetchone()[0])
            return int(self._db.execute("SELECT COUNT(*) FROM batches WHERE program = ?", (program,)).fetchone()[0])

    def batch(self, batch_id: str) -> StoredBatch:
        """Stored batch `batch_id` with its examples (`StoreError` naming it when the store holds none)."""
        self.wait()
        with self._lock:
            row = self._db.execute("SELECT batch_id, program, started, ended, status, scores FROM batches "
                                   "WHERE batch_id = ?", (batch_id,)).fetchone()
            if row is None:
                raise StoreError(f"no batch {batch_id!r} in run store {str(self.path)!r}")
            return self._stored_batch(row)

    def _stored_batch(self, row: Sequence[Any]) -> StoredBatch:
        batch_id, program, started, ended, status, scores = row
        examples = self._db.execute(
            "SELECT idx, run_id, score FROM batch_runs WHERE batch_id = ? ORDER BY idx", (batch_id,)
        ).fetchall()
        return StoredBatch(batch_id, program, started, ended, status, json.loads(scores), examples)

    def delete_batches(self, batch_ids: str | Iterable[str], *, runs: bool = False) -> list[str]:
        """Delete one stored batch or several; with `runs`, their examples' runs too (else those stay in the
        runs table). An id the store does not hold is a `StoreError` and nothing is deleted. Returns the ids of
        the runs deleted."""
        self.wait()
        ids = [batch_ids] if isinstance(batch_ids, str) else list(batch_ids)
        with self._write():
            doomed: list[str] = []
            for batch_id in ids:
                if self._db.execute("SELECT 1 FROM batches WHERE batch_id = ?", (batch_id,)).fetchone() is None:
                    raise StoreError(f"no batch {batch_id!r} in run store {str(self.path)!r}")
                if runs:
                    doomed += [run_id for (run_id,) in self._db.execute(
                        "SELECT b.run_id FROM batch_runs b JOIN runs r ON r.run_id = b.run_id WHERE b.batch_id = ?",
                        (batch_id,))]
            marks = ",".join("?" * len(ids))
            self._db.execute(f"DELETE FROM batch_runs WHERE batch_id IN ({marks})", ids)
            self._db.execute(f"DELETE FROM batches WHERE batch_id IN ({marks})", ids)
            doomed = list(dict.fromkeys(doomed))
            self._delete(doomed)
        return doomed


@dataclass(frozen=True)
class _Filter:
    """A WHERE clause over `runs` (" WHERE ..." or "") and its arguments."""

    sql: str
    args: tuple[Any, ...]


def _where(
    *,
    program: str | None = None,
    status: str | None = None,
    node: str | None = None,
    text: str | None = None,
    since: float | None = None,
    until: float | None = None,
) -> _Filter:
    if status is not None and status not in STATUSES:
        raise StoreError(f"status {status!r} is not a run status (one of {', '.join(STATUSES)})")
    for name, when in (("since", since), ("until", until)):
        if when is not None and (not isinstance(when, (int, float)) or isinstance(when, bool)):
            raise StoreError(f"{name}={when!r} must be epoch seconds (a number) or None")
    clauses: list[str] = []
    args: list[Any] = []
    for clause, value in (
        ("program = ?", program),
        ("status = ?", status),
        ("started >= ?", since),
        ("started < ?", until),
        ("EXISTS (SELECT 1 FROM json_each(runs.nodes) WHERE json_each.value = ?)", node),
        ("error LIKE ? ESCAPE '\\'", None if text is None else "%" + _like_escape(text) + "%"),
    ):
        if value is not None:
            clauses.append(clause)
            args.append(value)
    return _Filter(" WHERE " + " AND ".join(clauses) if clauses else "", tuple(args))


def _like_escape(text: str) -> str:
    r"""`text` matched literally by LIKE ... ESCAPE '\' (SQLite's LIKE ignores ASCII case already)."""
    return text.replace("\\", "\\\\").replace("%", r"\%").replace("_", r"\_")


class _Transaction:
    """``BEGIN IMMEDIATE`` ... ``COMMIT`` under the store's lock; rolled back when the block raises.

    SQLite's own errors (a database locked past the busy timeout, a full disk) come out as `StoreError`
    naming the file, the cause chained."""

    def __init__(self, store: RunStore) -> None:
        self.store = store

    def __enter__(self) -> None:
        self.store._lock.acquire()
        try:
            self.store._db.execute("BEGIN IMMEDIATE")
        except BaseException as exc:
            self.store._lock.release()
            if isinstance(exc, sqlite3.Error):
                raise _store_error(self.store, exc) from exc
            raise

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: object) -> None:
        try:
            self.store._db.execute("COMMIT" if kind is None else "ROLLBACK")
        except sqlite3.Error as failed:
            if kind is None:
                raise _store_error(self.store, failed) from failed
        finally:
            self.store._lock.release()
        if isinstance(exc, sqlite3.Error):
            raise _store_error(self.store, exc) from exc


def _store_error(store: RunStore, exc: sqlite3.Error) -> StoreError:
    return StoreError(f"run store {str(store.path)!r} could not be written ({type(exc).__name__}: {exc})")


def _stored_run(row: Sequence[Any]) -> StoredRun:
    (run_id, parent, program, graph_hash, status, started, ended, duration, inputs, output, error,
     prompt, completion, total, cost, models, _writer, nodes, error_node) = row
    return StoredRun(
        run_id, parent, program, graph_hash, status, started, ended, duration,
        json.loads(inputs) if inputs is not None else None, json.loads(output) if output is not None else None,
        error, prompt, completion, total, cost, json.loads(models), json.loads(nodes), error_node,
    )


class _Recording:
    """One run being written. In the run's thread it only buffers the run's events and hands them to the store's
    writer thread (`RunStore._take`) at each node's end and at the run's start and end; the writer thread keeps
    its summary, masks and encodes its events (`encode`) and writes them."""

    __slots__ = ("store", "run_id", "program", "inputs", "resumed", "buffer", "name", "graph", "encoder", "summary",
                 "models", "nodes", "chunk", "size", "began")

    def __init__(self, store: RunStore, run: Run[Any]) -> None:
        self.store = store
        self.run_id = run.run_id
        self.program = run.program
        self.inputs = run.inputs
        self.resumed = run.resume is not None and not run.fork
        """A paused run going on: its row and chunks are there already; this appends to them."""
        self.buffer: list[Mapping[str, Any]] = []
        # the writer thread's, from here on
        self.name = ""  # the program's, as runs are listed (`program_name`)
        self.graph: tuple[str, str, str | None] | None = None
        self.encoder = EventEncoder(store.masker)
        self.summary: dict[str, Any] = {
            "parent_run_id": None, "inputs": run.inputs, "output": None, "status": "running", "error": None,
            "started": time.time(), "ended": None, "duration": None, "error_node": None,
            "prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0, "cost": None,
        }
        self.models: list[str] = []
        self.nodes: dict[str, None] = {}  # the nodes visited, in first-visit order
        self.chunk = 0
        self.size = 0
        self.began = False

    def event(self, event: Event) -> None:
        """Take the run's next event (in the run's thread): buffer it; hand the buffer over at `_HANDOFF` events."""
        buffer = self.buffer
        buffer.append(event)
        if event["event"] in _HANDOFF or len(buffer) >= _HANDOFF_EVERY:
            self.buffer = []
            self.store._take(self, buffer)

    def close(self) -> None:
        """The run's stream ended, however it ended (a run that did not finish, fail or pause was cancelled)."""
        buffer, self.buffer = self.buffer, []
        self.store._take(self, buffer, closed=time.time())

    def encode(
        self, events: list[Mapping[str, Any]], closed: float | None
    ) -> tuple[tuple[str, str, str | None] | None, tuple[Any, ...] | None, tuple[Any, ...] | None]:
        """In the writer thread: the run's graph row (at its first write), its next chunk of events and its row
        (at its first write and its end), from its next events; `closed`: when its stream ended, if it did."""
        store, summary = self.store, self.summary
        graph = None
        if not self.began:
            graph = self.graph = store._graph(self.program)
            self.name = program_name(self.program)
            store.masker.learn(self.inputs)
            if self.resumed:
                self._continue_stored()
        last = tokens = False
        for e in events:
            kind = e["event"]
            if kind == "node_start":
                self.nodes.setdefault(e["node"])
            elif kind == "token":
                tokens = True
            elif kind == "lm_call":
                usage = e.get("usage") or {}
                for key in ("prompt_tokens", "completion_tokens", "total_tokens"):
                    summary[key] += usage.get(key) or 0
                if e.get("cost") is not None:
                    summary["cost"] = (summary["cost"] or 0.0) + e["cost"]
                if e["model"] not in self.models:
                    self.models.append(e["model"])
            elif kind == "run_start":
                summary.update(started=e["ts"], parent_run_id=e.get("parent_run_id"), inputs=e["inputs"])
            elif kind in _LAST:
                last = True
                summary["ended"] = e["ts"]
                if kind == "finished":
                    summary.update(status="finished", output=e["output"], duration=e["duration"])
                elif kind == "error":
                    summary.update(status="failed", error=f"{e['error_type']}: {e['error']}",
                                   error_node=e.get("node") or e.get("router"))
                else:
                    summary["status"] = "paused"
        if closed is not None and summary["status"] == "running":
            summary.update(status="cancelled", ended=closed)
            last = True
        if last and summary["duration"] is None:
            summary["duration"] = summary["ended"] - summary["started"]
        chunk = None
        if events:
            covered = answered_tokens(events) if tokens else None
            kept = [e for i, e in enumerate(events) if i not in covered] if covered else events
            first = len(self.encoder.values)
            encoded = self.encoder.encode(kept)
            table = to_json(self.encoder.values[first:])
            self.size += len(encoded) + len(table)
            chunk = (self.run_id, self.chunk, first, table, encoded)
            self.chunk += 1
        row = None
        if last or not self.began:
            self.began = True
            mask = store.masker.mask
            assert self.graph is not None
            row = (
                self.run_id, summary["parent_run_id"], self.name, self.graph[0], summary["status"],
                summary["started"], to_json(mask(summary["inputs"])),
                to_json(mask(summary["output"])) if summary["output"] is not None else None,
                mask(summary["error"]), summary["ended"], summary["duration"], summary["prompt_tokens"],
                summary["completion_tokens"], summary["total_tokens"], summary["cost"], to_json(self.models),
                self.size, _ME, to_json(list(self.nodes)), summary["error_node"],
            )
        return graph, chunk, row

    def _continue_stored(self) -> None:
        """A resumed run appends to its stored chunks: number them on, and index its values after the stored ones;
        its nodes so far are the stored ones."""
        with self.store._lock:
            chunks, values, size, nodes = self.store._db.execute(
                "SELECT COUNT(*), COALESCE(SUM(json_array_length(value_table)), 0), "
                "(SELECT size FROM runs WHERE run_id = ?), (SELECT nodes FROM runs WHERE run_id = ?) "
                "FROM chunks WHERE run_id = ?",
                (self.run_id, self.run_id, self.run_id),
            ).fetchone()
        self.chunk, self.size = chunks, self.size + (size or 0)
        self.nodes = dict.fromkeys(json.loads(nodes or "[]"))
        self.encoder.values[:0] = [None] * values  # placeholders: the stored table's values come first on reading


_COMMIT_EVERY = 0.5
"""Seconds the writer thread gathers runs' events before writing them together (a commit costs more than its
writes): a process killed loses at most about this much of its runs' last events."""

_IDLE = 1.0
"""Seconds without events after which the writer thread exits (the next run starts another)."""

_open_stores: weakref.WeakSet[RunStore] = weakref.WeakSet()


@atexit.register
def _write_everything() -> None:
    """At the interpreter's exit, what runs handed to a store is written before the writer threads stop."""
    for store in list(_open_stores):
        store.wait()


_GRAPH = "INSERT OR IGNORE INTO graphs (hash, description, output_model) VALUES (?,?,?)"

_APPEND = "INSERT INTO chunks (run_id, n, first_value, value_table, events) VALUES {rows}"

_WRITTEN = (
    "run_id", "parent_run_id", "program", "graph_hash", "status", "started", "inputs", "output", "error", "ended",
    "duration", "prompt_tokens", "completion_tokens", "total_tokens", "cost", "models", "size", "writer", "nodes",
    "error_node",
)
_UPSERT = (
    f"INSERT INTO runs ({', '.join(_WRITTEN)}) VALUES {{rows}} ON CONFLICT (run_id) DO UPDATE SET "
    + ", ".join(
        f"{c} = excluded.{c}" for c in _WRITTEN
        if c not in ("run_id", "program", "graph_hash", "started", "inputs")  # a resumed run keeps its first ones
    )
)
"""A run's row: made by its first write, brought up to date by the others."""

_VARIABLES = 999
"""Values one SQLite statement takes (the least any SQLite allows: 999 before 3.32)."""


def _insert(db: sqlite3.Connection, sql: str, rows: Sequence[tuple[Any, ...]]) -> None:
    """Run the INSERT `sql` (its ``{rows}``: the VALUES rows) for `rows`, as many in one statement as SQLite takes.

    Not `executemany`: SQLite lets go of the GIL at each row there, and a busy run's thread (an event loop that
    never waits) then keeps it for a switch interval (5 ms) each time: a few thousand rows took seconds."""
    if not rows:
        return
    width = len(rows[0])
    marks = "(" + ",".join("?" * width) + ")"
    step = _VARIABLES // width
    for start in range(0, len(rows), step):
        part = rows[start:start + step]
        db.execute(sql.format(rows=",".join([marks] * len(part))), [value for row in part for value in row])


_shared: dict[str, RunStore] = {}
_shared_lock = threading.Lock()


def shared_store(path: str | os.PathLike[str]) -> RunStore:
    """The `RunStore` of the file at `path`, opened once per file in this process: every view and default naming
    the file shares its connection and writer thread."""
    key = os.path.realpath(os.fspath(path))
    with _shared_lock:
        store = _shared.get(key)
        if store is None:
            store = _shared[key] = RunStore(key)
        return store


def default_store() -> RunStore | None:
    """The store runs go to by default: ``DSPYER_LAB_STORE`` (a path, or ``off`` for none), else
    ``.dspyer/runs.sqlite`` in the working directory (`shared_store`)."""
    setting = os.environ.get("DSPYER_LAB_STORE", "").strip()
    if setting.lower() == "off":
        return None
    return shared_store(setting or DEFAULT_PATH)

