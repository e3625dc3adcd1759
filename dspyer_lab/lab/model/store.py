"""The run store: every recorded run in an embedded SQLite database, read back after the kernel is gone.

`RunStore(path)` is a sink of the core's recording hook (`dspyer_lab.record_to(store)`,
``program(..., _record=True)``): each run's events are masked and encoded exactly as a saved run's
(`runfile`: secrets masked, large values stored once, streamed tokens dropped when their ``lm_call``
carries the text) in the run's own thread, in chunks: at each node's end, and at the run's start and end,
which also write its row (status, inputs, output, error, totals), so it is listed (``running``) while it
runs. A writer thread commits the chunks of every run in one transaction every `_COMMIT_EVERY` seconds (a
commit costs more than its writes); reads wait for it (`RunStore.wait`). A run whose writing process is
gone before its end reads back as ``interrupted``, with the events written so far (and its start's totals).

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
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ...core.exceptions import StoreError, StoreVersionError, UnknownRunError
from ..textview import Masker
from .runmodel import introduced
from .runfile import (
    FORMAT,
    VERSION,
    SavedRun,
    _to_json,
    _Writer,
    _streamed_then_answered,
    describe_graph,
    describe_output_model,
    parse_run,
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
    "RunStore",
    "StoredBatch",
    "StoredRun",
    "default_store",
]

DEFAULT_PATH = Path(".dspyer") / "runs.sqlite"
"""Where `default_store` keeps runs, relative to the working directory (as MLflow's ``./mlruns``)."""

DEFAULT_MAX_RUNS = 10_000
"""The newest runs a store keeps unless given `max_runs=`."""

DEFAULT_MAX_BYTES = 500 * 2**20
"""Bytes of encoded events a store keeps unless given `max_bytes=` (whichever limit comes first)."""

STATUSES = ("running", "finished", "failed", "cancelled", "paused", "interrupted")
"""A stored run's status: ``cancelled`` its stream was stopped before its end; ``interrupted`` its process died."""

_FLUSH_AT = frozenset({"run_start", "node_end", "paused", "finished", "error"})
"""Events after which the buffered events are written (a node's tokens and calls go in one transaction)."""

_LAST = frozenset({"paused", "finished", "error"})
"""Events that end a run's stream (a paused run may go on later, in the same row)."""

_FLUSH_EVERY = 1000
"""Buffered events written anyway (a node streaming many tokens)."""

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
            writer TEXT, size INTEGER NOT NULL DEFAULT 0)""",
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
    "prompt_tokens, completion_tokens, total_tokens, cost, models, writer"
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
    return _process_token(pid) == writer


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
        self.max_runs = max_runs
        self.max_bytes = max_bytes
        self._lock = threading.Lock()
        self.masker = Masker()
        """Masks every run written here, and learns each one's secrets: a secret of one run is masked in all
        (as a BatchView's masker does for its examples)."""
        self._masking = threading.Lock()  # runs in several threads share the masker
        self._evict_every = max(1, min(100, (max_runs or 10_000) // 100))
        """Runs ended between two evictions: a store holds at most `max_runs` plus 1% (100 at most) runs."""
        self._since_eviction = (0, 0)  # runs ended and bytes written since the last eviction
        self._written = threading.Condition()  # guards the writer thread's queue and counters
        self._pending: list[tuple[str, tuple[Any, ...]]] = []
        self._queued = self._done = 0  # statements handed to the writer thread, and written
        self._writer: threading.Thread | None = None
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
            description = _to_json(describe_graph(program.graph))
            output = describe_output_model(getattr(program, "output_model", None))
            digest = hashlib.sha256(description.encode("utf-8", "surrogatepass")).hexdigest()[:16]
            known = self._graphs[program] = (digest, description, _to_json(output) if output is not None else None)
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
                (batch_id, program, started, ended, status, _to_json(scores)),
            )
            self._db.execute("DELETE FROM batch_runs WHERE batch_id = ?", (batch_id,))
            self._db.executemany("INSERT INTO batch_runs (batch_id, idx, run_id, score) VALUES (?,?,?,?)", rows)

    def _queue(self, statements: list[tuple[str, tuple[Any, ...]]], ended: int | None = None) -> None:
        """Hand a run's statements to the writer thread, which commits all that are waiting in one transaction.

        `ended`: the run ended, having written that many bytes; every 1% of `max_runs` runs ended (100 at most) or
        of `max_bytes` written, an eviction follows (counting runs and bytes scans the table: not at every end).
        A write that failed is raised here (or by the next read) once, as a `StoreError`."""
        with self._written:
            self._raise_failure()
            self._pending.extend(statements)
            if ended is not None:
                runs, size = self._since_eviction[0] + 1, self._since_eviction[1] + ended
                if runs >= self._evict_every or (self.max_bytes is not None and size * 100 >= self.max_bytes):
                    runs, size = 0, 0
                    self._pending.append(_EVICT)
                self._since_eviction = (runs, size)
            self._queued += len(statements)
            if self._writer is None:
                self._writer = threading.Thread(target=self._write_loop, name=f"dspyer-store-{self.path.name}",
                                                daemon=True)
                self._writer.start()
            self._written.notify_all()

    def _write_loop(self) -> None:
        """The writer thread: commit what is queued, in one transaction; exit after a second with nothing to do."""
        while True:
            with self._written:
                if not self._pending and not self._written.wait_for(lambda: bool(self._pending), timeout=1.0):
                    self._writer = None
                    return
            time.sleep(_COMMIT_EVERY)  # let the runs' next writes join this transaction (a commit costs most)
            with self._written:
                batch, self._pending = self._pending, []
            failure: BaseException | None = None
            try:
                with self._write():
                    for sql, args in batch:
                        if sql == _EVICT[0]:
                            self._evict()
                        else:
                            self._db.execute(sql, args)
            except BaseException as exc:  # kept, and raised in the recording's thread (`_raise_failure`)
                failure = exc
            with self._written:
                self._done += sum(1 for item in batch if item is not _EVICT)
                if failure is not None and self._failure is None:
                    self._failure = failure
                self._written.notify_all()

    def _raise_failure(self) -> None:
        """Raise (once) the error of a write the writer thread could not make; call holding `_written`."""
        failure, self._failure = self._failure, None
        if failure is not None:
            if isinstance(failure, StoreError):
                raise failure
            raise StoreError(f"run store {str(self.path)!r} could not be written ({type(failure).__name__}: "
                             f"{failure})") from failure

    def wait(self) -> None:
        """Return once every run event handed to the store so far is written (reads call it first)."""
        with self._written:
            self._written.wait_for(lambda: self._done >= self._queued or self._failure is not None)
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
        self.wait()
        if status is not None and status not in STATUSES:
            raise StoreError(f"status {status!r} is not a run status (one of {', '.join(STATUSES)})")
        if limit is not None and (not isinstance(limit, int) or isinstance(limit, bool) or limit < 0):
            raise StoreError(f"limit={limit!r} must be an integer >= 0 or None")
        self._mark_interrupted()
        where, args = [], []
        if program is not None:
            where.append("program = ?")
            args.append(program)
        if status is not None:
            where.append("status = ?")
            args.append(status)
        sql = f"SELECT {_RUN_COLUMNS} FROM runs" + (" WHERE " + " AND ".join(where) if where else "")
        sql += " ORDER BY started DESC, rowid DESC" + (" LIMIT ?" if limit is not None else "")
        with self._lock:
            rows = self._db.execute(sql, (*args, limit) if limit is not None else args).fetchall()
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

    def batches(self, program: str | None = None) -> list[StoredBatch]:
        """Stored batches, newest first (only `program`'s when given), each with its examples."""
        self.wait()
        sql = "SELECT batch_id, program, started, ended, status, scores FROM batches"
        args: tuple[Any, ...] = ()
        if program is not None:
            sql, args = sql + " WHERE program = ?", (program,)
        with self._lock:
            rows = self._db.execute(sql + " ORDER BY started DESC", args).fetchall()
            result = []
            for batch_id, prog, started, ended, status, scores in rows:
                examples = self._db.execute(
                    "SELECT idx, run_id, score FROM batch_runs WHERE batch_id = ? ORDER BY idx", (batch_id,)
                ).fetchall()
                result.append(StoredBatch(batch_id, prog, started, ended, status, json.loads(scores), examples))
        return result


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
     prompt, completion, total, cost, models, _writer) = row
    return StoredRun(
        run_id, parent, program, graph_hash, status, started, ended, duration,
        json.loads(inputs) if inputs is not None else None, json.loads(output) if output is not None else None,
        error, prompt, completion, total, cost, json.loads(models),
    )


def _program_name(program: Any) -> str:
    """How runs of `program` are listed: its ``name`` if it has one, else its output model's, else its entry node."""
    name = getattr(program, "name", None)
    if isinstance(name, str) and name:
        return name
    model = getattr(program, "output_model", None)
    return getattr(model, "__name__", None) or str(program.graph.entry_point)


class _Recording:
    """One run being written: its events buffered and appended at node ends, its summary kept up to date."""

    def __init__(self, store: RunStore, run: Run[Any]) -> None:
        self.store = store
        self.run_id = run.run_id
        self.program = _program_name(run.program)
        self.graph = store._graph(run.program)
        self.masker = store.masker
        with store._masking:
            self.masker.learn(run.inputs)
        self.writer = _Writer(self.masker)
        self.buffer: list[Mapping[str, Any]] = []
        self.summary: dict[str, Any] = {
            "parent_run_id": None, "inputs": run.inputs, "output": None, "status": "running", "error": None,
            "started": time.time(), "ended": None, "duration": None,
            "prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0, "cost": None,
        }
        self.models: list[str] = []
        self.chunk = 0
        self.size = 0
        self._resumed = run.resume is not None and not run.fork
        """A paused run going on: its row and chunks are there already; this appends to them."""
        self._began = False

    def event(self, event: Event) -> None:
        """Take the run's next event: fold it into the summary; write the buffer at a node's end and the run's."""
        e: Mapping[str, Any] = event
        kind, summary = e["event"], self.summary
        if kind == "run_start":
            summary.update(started=e["ts"], parent_run_id=e.get("parent_run_id"), inputs=e["inputs"])
        elif kind == "lm_call":
            usage = e.get("usage") or {}
            for key in ("prompt_tokens", "completion_tokens", "total_tokens"):
                summary[key] += usage.get(key) or 0
            if e.get("cost") is not None:
                summary["cost"] = (summary["cost"] or 0.0) + e["cost"]
            if e["model"] not in self.models:
                self.models.append(e["model"])
        elif kind == "finished":
            summary.update(status="finished", output=e["output"], duration=e["duration"])
        elif kind == "error":
            summary.update(status="failed", error=f"{e['error_type']}: {e['error']}")
        elif kind == "paused":
            summary["status"] = "paused"
        self.buffer.append(e)
        if kind in _FLUSH_AT or len(self.buffer) >= _FLUSH_EVERY:
            self.flush(e["ts"], last=kind in _LAST)

    def close(self) -> None:
        """The run's stream ended: write what is left; a run that did not finish, fail or pause was cancelled."""
        if self.summary["status"] == "running":
            self.summary["status"] = "cancelled"
        elif not self.buffer:
            return  # its last event (finished, error, paused) was written with it
        self.flush(time.time(), last=True)

    def _continue_stored(self) -> None:
        """A resumed run appends to its stored chunks: number them on, and index its values after the stored ones."""
        with self.store._lock:
            chunks, values, size = self.store._db.execute(
                "SELECT COUNT(*), COALESCE(SUM(json_array_length(value_table)), 0), "
                "(SELECT size FROM runs WHERE run_id = ?) FROM chunks WHERE run_id = ?",
                (self.run_id, self.run_id),
            ).fetchone()
        self.chunk, self.size = chunks, self.size + (size or 0)
        self.writer.values[:0] = [None] * values  # placeholders: the stored table's values come first on reading

    def flush(self, now: float, last: bool = False) -> None:
        """Append the buffered events (masked, encoded as a saved run's) and the run's summary, in one transaction.

        `last`: the run's end (its last event, or its stream closed): its end time is set and the store evicts."""
        events, self.buffer = self.buffer, []
        if self._resumed and not self._began:
            self._continue_stored()
        covered = _streamed_then_answered(events)
        first = len(self.writer.values)
        summary, mask, store = self.summary, self.masker.mask, self.store
        if last:
            summary["ended"] = now
            if summary["duration"] is None:
                summary["duration"] = now - summary["started"]
        with store._masking:
            for event in events:  # the chunk's secrets first: one echoed before it is introduced is masked too
                self.masker.learn(introduced(event))
            encoded = _to_json([self.writer.event(e) for i, e in enumerate(events) if i not in covered])
            row = None
            if last or not self._began:
                output = _to_json(mask(summary["output"])) if summary["output"] is not None else None
                row = (
                    self.run_id, summary["parent_run_id"], self.program, self.graph[0], summary["status"],
                    summary["started"], _to_json(mask(summary["inputs"])), output, mask(summary["error"]),
                    summary["ended"], summary["duration"], summary["prompt_tokens"], summary["completion_tokens"],
                    summary["total_tokens"], summary["cost"], _to_json(self.models), None, _ME,
                )
        table = _to_json(self.writer.values[first:])
        self.size += len(encoded) + len(table)
        statements: list[tuple[str, tuple[Any, ...]]] = []
        if not self._began:
            self._began = True
            if self.graph[0] not in store._graphs_written:
                store._graphs_written.add(self.graph[0])
                statements.append(("INSERT OR IGNORE INTO graphs (hash, description, output_model) VALUES (?,?,?)",
                                   self.graph))
        if events:
            statements.append((_APPEND, (self.run_id, self.chunk, first, table, encoded)))
            self.chunk += 1
        if row is not None:
            statements.append((_UPSERT, (*row[:-2], self.size, _ME)))
        store._queue(statements, ended=self.size if last else None)


_COMMIT_EVERY = 0.02
"""Seconds the writer thread gathers writes before committing them together: a process killed loses at most
about this much of its runs' last events."""

_EVICT = ("evict", ())
"""A writer thread's queue item: evict past the limits (`RunStore._evict`)."""

_open_stores: weakref.WeakSet[RunStore] = weakref.WeakSet()


@atexit.register
def _write_everything() -> None:
    """At the interpreter's exit, what runs handed to a store is written before the writer threads stop."""
    for store in list(_open_stores):
        store.wait()


_APPEND = "INSERT INTO chunks (run_id, n, first_value, value_table, events) VALUES (?,?,?,?,?)"

_WRITTEN = (
    "run_id", "parent_run_id", "program", "graph_hash", "status", "started", "inputs", "output", "error", "ended",
    "duration", "prompt_tokens", "completion_tokens", "total_tokens", "cost", "models", "size", "writer",
)
_UPSERT = (
    f"INSERT INTO runs ({', '.join(_WRITTEN)}) VALUES ({', '.join('?' * len(_WRITTEN))}) ON CONFLICT (run_id) DO UPDATE SET "
    + ", ".join(
        f"{c} = excluded.{c}" for c in _WRITTEN
        if c not in ("run_id", "program", "graph_hash", "started", "inputs")  # a resumed run keeps its first ones
    )
)
"""A run's row: made by its first write, brought up to date by the others."""


_defaults: dict[str, RunStore] = {}
_defaults_lock = threading.Lock()


def default_store() -> RunStore | None:
    """The store runs go to by default: ``DSPYER_LAB_STORE`` (a path, or ``off`` for none), else
    ``.dspyer/runs.sqlite`` in the working directory; one `RunStore` per file, shared by every caller."""
    setting = os.environ.get("DSPYER_LAB_STORE", "").strip()
    if setting.lower() == "off":
        return None
    path = os.path.realpath(setting or DEFAULT_PATH)
    with _defaults_lock:
        store = _defaults.get(path)
        if store is None:
            store = _defaults[path] = RunStore(path)
        return store

