"""The run store (issue 22's foundation): runs recorded through the core's hook, read back after their process.

Each test has its own database under tmp_path; processes that write at once, or die mid-run,
are real subprocesses (`_child`), waited on through the database's own state.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

import dspy
import pytest
from core_helpers import echo_chain_program, echo_script

import dspyer_lab
from dspyer_lab import END, AgentTranspiler, Graph, RunPaused, ScriptedLM, StoreVersionError, UnknownRunError
from dspyer_lab.core.recording import active_sink, add_sink, remove_sink
from dspyer_lab.lab.model.presenter import LabPresenter
from dspyer_lab.lab.model.store import SCHEMA_VERSION, RunStore, default_store
from dspyer_lab.lab.textview import MASK

SECRET = "sk-test-7f3a9c1e5b2d4f6a8c0e"


@pytest.fixture
def store(tmp_path: Path) -> Any:
    with RunStore(tmp_path / "runs.sqlite") as opened:
        yield opened


def scripted() -> ScriptedLM:
    return ScriptedLM(echo_script())


def kinds(events: list[dict[str, Any]]) -> list[str]:
    return [e["event"] for e in events]


def secret_program() -> Any:
    """A Python node that echoes its api_key into free text, long enough to be interned."""
    def use_key(state: dict[str, Any]) -> dict[str, Any]:
        return {"log": f"connected with {state['api_key']}; " + "x" * 300}

    g = Graph().add_node("connect", use_key).add_edge("connect", END).set_entry_point("connect")
    return AgentTranspiler.compile(g)


# -- round trips ---------------------------------------------------------------------


def test_a_finished_run_reads_back_with_its_summary_and_events(store: RunStore) -> None:
    program = echo_chain_program()
    with dspy.context(lm=scripted()), dspyer_lab.record_to(store):
        result = program(query="ice")
    [run] = store.runs()
    assert run.status == "finished" and run.parent_run_id is None and run.program == "Summary"
    assert run.inputs == {"query": "ice"} and run.output == {"summary": result.summary} and run.error is None
    assert run.duration is not None and run.duration >= 0 and run.ended is not None and run.ended >= run.started
    assert run.total_tokens > 0 and run.models == ["scripted/offline"] and run.graph_hash
    saved = store.load(run.run_id)
    assert kinds(saved.events) == [
        "run_start", "node_start", "lm_call", "node_end", "route",
        "node_start", "lm_call", "node_end", "route", "finished",
    ]
    assert saved.events[-1]["output"] == {"summary": "S(A(ice))"}
    assert list(saved.graph.nodes) == ["answer", "summarize"] and saved.output_model["name"] == "Summary"


def test_a_failed_run_keeps_its_error(store: RunStore) -> None:
    program = echo_chain_program()
    with dspy.context(lm=ScriptedLM({"answer": {"answer": "a"}})), dspyer_lab.record_to(store):
        with pytest.raises(Exception, match="no answer for node 'summarize'"):
            program(query="q")
    [run] = store.runs()
    assert run.status == "failed" and run.output is None
    assert run.error is not None and "no answer for node 'summarize'" in run.error
    assert kinds(store.load(run.run_id).events)[-1] == "error"


def test_a_paused_run_goes_on_in_its_row_and_a_fork_names_its_parent(store: RunStore) -> None:
    program = echo_chain_program()
    with dspy.context(lm=scripted()), dspyer_lab.record_to(store):
        with pytest.raises(RunPaused) as paused:
            program(query="q", _interrupt_after=["answer"])
        parent = paused.value.checkpoint.run_id
        assert store.run(parent).status == "paused"
        program(_resume=paused.value.checkpoint)  # the same run goes on
        fork = program.new_run(resume=paused.value.checkpoint, fork=True)
        dspyer_lab.core.sync.run_sync(fork.finish())
    assert store.run(parent).status == "finished" and store.run(parent).nodes == ["answer", "summarize"]
    resumed = store.load(parent).events
    assert kinds(resumed).count("paused") == 1 and kinds(resumed)[-1] == "finished"
    assert [e["seq"] for e in resumed] == sorted(e["seq"] for e in resumed)
    forked = store.run(fork.run_id)
    assert forked.parent_run_id == parent and forked.status == "finished"
    assert store.load(fork.run_id).events[0]["parent_run_id"] == parent


def test_a_stored_run_opens_in_a_lab_presenter_as_it_ended(store: RunStore) -> None:
    program = echo_chain_program()
    live: LabPresenter[Any] = LabPresenter(program)
    with dspy.context(lm=scripted()), dspyer_lab.record_to(store):
        dspyer_lab.core.sync.run_sync(live.run(query="ice"))
    [run] = store.runs()
    replay: LabPresenter[Any] = LabPresenter(store.load(run.run_id).graph)
    replay.show_saved(store.load(run.run_id), runnable=False)
    assert replay.run_log.status == live.run_log.status == "finished"
    assert replay.run_log.state == live.run_log.state
    assert replay.graph.node_status == live.graph.node_status
    assert len(replay.run_log.visits) == len(live.run_log.visits) == 2


async def test_a_run_row_names_the_nodes_visited_and_the_node_that_failed(store: RunStore) -> None:
    program = echo_chain_program()
    with dspy.context(lm=scripted()), dspyer_lab.record_to(store):
        async for event in program.astream(query="ice"):
            if event["event"] == "run_start":  # listed as it starts: no node yet
                started = store.run(event["run_id"])
                assert (started.status, started.nodes, started.error_node) == ("running", [], None)
    with dspy.context(lm=ScriptedLM({"answer": {"answer": "a"}})), dspyer_lab.record_to(store):
        with pytest.raises(Exception, match="no answer for node 'summarize'"):
            await program.aforward(query="q")
    failed, finished = store.runs()
    assert (finished.nodes, finished.error_node) == (["answer", "summarize"], None)
    assert (failed.status, failed.nodes, failed.error_node) == ("failed", ["answer", "summarize"], "summarize")


def test_a_node_visited_again_and_again_is_named_once_in_first_visit_order(store: RunStore) -> None:
    def tick(state: dict[str, Any]) -> dict[str, Any]:
        return {"i": state["i"] + 1}

    g = Graph().add_node("start", lambda state: {"i": 0}).add_node("tick", tick).add_edge("start", "tick")
    g.add_conditional_edges("tick", lambda state: "again" if state["i"] < 5 else "stop", {"again": "tick", "stop": END})
    with dspyer_lab.record_to(store):
        AgentTranspiler.compile(g.set_entry_point("start"))(i=0)
    [run] = store.runs()
    assert run.nodes == ["start", "tick"] and run.error_node is None


# -- listing, deleting, limits ---------------------------------------------------------


def test_runs_are_listed_newest_first_and_filtered(store: RunStore) -> None:
    chain, secret = echo_chain_program(), secret_program()
    with dspy.context(lm=scripted()), dspyer_lab.record_to(store):
        for query in ("one", "two", "three"):
            chain(query=query)
        secret(api_key="k")
    with dspy.context(lm=ScriptedLM({})), dspyer_lab.record_to(store), pytest.raises(Exception):
        chain(query="four")
    listed = store.runs()
    assert [r.inputs for r in listed] == [{"query": "four"}, {"api_key": MASK}, {"query": "three"},
                                          {"query": "two"}, {"query": "one"}]
    assert [r.inputs["query"] for r in store.runs(program="Summary", status="finished")] == ["three", "two", "one"]
    assert [r.status for r in store.runs(status="failed")] == ["failed"]
    assert [r.inputs["query"] for r in store.runs(program="Summary", limit=2)] == ["four", "three"]
    assert len(store.runs(limit=None)) == 5 and store.runs(limit=0) == []
    with pytest.raises(dspyer_lab.StoreError, match="'done' is not a run status"):
        store.runs(status="done")


def test_delete_one_or_many_and_an_unknown_id_is_named(store: RunStore) -> None:
    program = echo_chain_program()
    with dspy.context(lm=scripted()), dspyer_lab.record_to(store):
        ids = [program.new_run(query=q) for q in ("a", "b", "c")]
        for run in ids:
            dspyer_lab.core.sync.run_sync(run.finish())
    store.delete(ids[0].run_id)
    store.delete([ids[1].run_id])
    assert [r.run_id for r in store.runs()] == [ids[2].run_id]
    with pytest.raises(UnknownRunError) as unknown:
        store.delete([ids[2].run_id, "nope"])
    assert str(unknown.value) == f"run store {str(store.path)!r} holds no run 'nope'"
    assert len(store.runs()) == 1  # nothing deleted
    with pytest.raises(UnknownRunError, match="'gone'"):
        store.load("gone")
    with sqlite3.connect(store.path) as db:  # its events went with it
        assert db.execute("SELECT COUNT(*) FROM chunks WHERE run_id = ?", (ids[0].run_id,)).fetchone() == (0,)


def test_the_oldest_runs_are_evicted_past_the_limit(tmp_path: Path) -> None:
    program = echo_chain_program()
    with RunStore(tmp_path / "r.sqlite", max_runs=3) as store:
        with dspy.context(lm=scripted()), dspyer_lab.record_to(store):
            for query in "abcde":
                program(query=query)
        assert [r.inputs["query"] for r in store.runs()] == ["e", "d", "c"]
    with RunStore(tmp_path / "b.sqlite", max_bytes=1) as tiny:  # any run is over a byte: evicted once it ends
        with dspy.context(lm=scripted()), dspyer_lab.record_to(tiny):
            program(query="a")
        assert tiny.runs() == []


def test_a_database_of_a_newer_schema_is_refused_in_one_line(tmp_path: Path) -> None:
    path = tmp_path / "runs.sqlite"
    RunStore(path).close()
    with sqlite3.connect(path) as db:
        db.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    with pytest.raises(StoreVersionError) as refused:
        RunStore(path)
    message = str(refused.value)
    assert "\n" not in message and str(path) in message and "99" in message and f"up to {SCHEMA_VERSION}" in message


# -- secrets -------------------------------------------------------------------------


def test_a_secret_input_never_reaches_the_database_files(store: RunStore) -> None:
    program = secret_program()
    with dspyer_lab.record_to(store):
        program(api_key=SECRET)
    [run] = store.runs()
    assert run.inputs == {"api_key": MASK}
    assert SECRET not in str(store.load(run.run_id).events)
    files = [p for p in store.path.parent.iterdir() if p.name.startswith(store.path.name)]
    assert {p.name for p in files} >= {"runs.sqlite", "runs.sqlite-wal"}
    for path in files:
        data = path.read_bytes()
        assert SECRET.encode() not in data and SECRET.encode("utf-16-le") not in data, path


def test_a_secret_echoed_in_a_small_value_even_json_escaped_or_in_a_later_run_is_masked(store: RunStore) -> None:
    tricky = 'pw-"quoted\\and-long'  # a quote and a backslash: JSON writes it escaped

    def echo(state: dict[str, Any]) -> dict[str, Any]:
        return {"note": f"k={state.get('api_key')} p={state.get('password')} s={state.get('said')}"}

    g = Graph().add_node("echo", echo).add_edge("echo", END).set_entry_point("echo")
    program = AgentTranspiler.compile(g)
    with dspyer_lab.record_to(store):
        program(api_key=SECRET, password=tricky)
        program(said=SECRET)  # no secret-named field in this run: the store knows the value from the first
    later, first = store.runs()
    assert store.load(first.run_id).events[-1]["output"]["note"] == f"k={MASK} p={MASK} s=None"
    assert store.load(later.run_id).events[-1]["output"]["note"] == f"k=None p=None s={MASK}"
    assert later.inputs == {"said": MASK}
    data = b"".join(p.read_bytes() for p in store.path.parent.iterdir() if p.name.startswith(store.path.name))
    for secret in (SECRET, tricky, json.dumps(tricky)[1:-1]):
        assert secret.encode() not in data


def test_a_secret_field_is_masked_in_every_spelling_of_its_name_and_only_there(store: RunStore) -> None:
    secret = ["OPENAI_API_KEY", "accessTokenV2", "token_2", "db-password", "Authorization", "api\nkey", 'my"token']
    plain = ["prompt_tokens", "key_points", "tokenizer_name", "keyboard", "monkey"]

    def spill(state: dict[str, Any]) -> dict[str, Any]:
        return {"spilt": {name: f"value of {name}" for name in secret + plain}}

    g = Graph().add_node("spill", spill).add_edge("spill", END).set_entry_point("spill")
    with dspyer_lab.record_to(store):
        AgentTranspiler.compile(g)(spilt={})
    [run] = store.runs()
    [end] = [e for e in store.load(run.run_id).events if e["event"] == "node_end"]
    assert end["patch"]["spilt"] == {**dict.fromkeys(secret, MASK), **{name: f"value of {name}" for name in plain}}


# -- the core's hook -----------------------------------------------------------------


async def test_record_true_records_sync_aforward_and_astream_to_the_default_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DSPYER_LAB_STORE", str(tmp_path / "default.sqlite"))
    program = echo_chain_program()
    with dspy.context(lm=scripted()):
        await program.aforward(query="async", _record=True)
        [e async for e in program.astream(query="stream", _record=True)]
        program(query="plain")  # not asked: not recorded
        await program.aforward(query="off", _record=False)
    store = default_store()
    assert store is not None and store is default_store() and store.path == tmp_path / "default.sqlite"
    assert [r.inputs["query"] for r in store.runs()] == ["stream", "async"]


async def test_record_to_records_every_run_while_active(store: RunStore) -> None:
    program = echo_chain_program()
    with dspy.context(lm=scripted()):
        with dspyer_lab.record_to(store):
            assert active_sink() is store
            await program.aforward(query="a")
            [e async for e in program.astream(query="b")]
            await program.aforward(query="skipped", _record=False)
        program(query="after")
        dspyer_lab.record_to(store)
        try:
            await program.acall(query="c")
        finally:
            dspyer_lab.record_to(None)
    assert active_sink() is None
    assert [r.inputs["query"] for r in store.runs()] == ["c", "b", "a"]
    assert all(r.status == "finished" for r in store.runs())


async def test_a_stream_left_early_is_stored_as_cancelled(store: RunStore) -> None:
    program = echo_chain_program()
    with dspy.context(lm=scripted()), dspyer_lab.record_to(store):
        stream = program.astream(query="q")
        async for event in stream:
            if event["event"] == "node_end":
                break
        await stream.aclose()  # type: ignore[attr-defined]
    [run] = store.runs()
    assert run.status == "cancelled" and kinds(store.load(run.run_id).events)[-1] == "node_end"


def test_an_added_sink_gets_every_run_beside_the_store_even_when_another_sink_fails(store: RunStore) -> None:
    """A store records the runs `record_to` and ``_record`` say; a sink added with `add_sink` (a tracer) every run."""
    class Broken:
        def event(self, event: Any) -> None:
            raise RuntimeError("this sink is broken")

        def close(self) -> None:
            pass

    class Kept:
        def __init__(self) -> None:
            self.events: list[str] = []
            self.closed = False

        def event(self, event: Any) -> None:
            self.events.append(event["event"])

        def close(self) -> None:
            self.closed = True

    kept: list[Kept] = []

    def keep(run: Any) -> Kept:
        kept.append(Kept())
        return kept[-1]

    def broken(run: Any) -> Broken:
        return Broken()

    program = echo_chain_program()
    add_sink(keep)
    try:
        with dspy.context(lm=scripted()):
            program(query="alone")  # no store active: the added sink alone
            with dspyer_lab.record_to(store):
                program(query="both")
                program(query="unstored", _record=False)  # out of the store, not out of the added sink
                add_sink(broken)
                with pytest.raises(RuntimeError, match="this sink is broken"):
                    program(query="broken")
    finally:
        remove_sink(keep)
        remove_sink(broken)
    assert [k.events[0] for k in kept] == ["run_start"] * 4 and all(k.closed for k in kept)
    assert kept[1].events == kinds(store.load(store.runs(status="finished")[0].run_id).events)
    assert [r.inputs["query"] for r in store.runs()] == ["broken", "both"]


def test_runs_without_recording_write_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DSPYER_LAB_STORE", str(tmp_path / "never.sqlite"))
    program = echo_chain_program()
    with dspy.context(lm=scripted()):
        program(query="a")
        dspyer_lab.core.sync.run_sync(program.aforward(query="b"))
    assert list(tmp_path.iterdir()) == []
    monkeypatch.setenv("DSPYER_LAB_STORE", "off")
    assert default_store() is None
    with dspy.context(lm=scripted()):
        program(query="c", _record=True)  # asked, but the store is off
    assert list(tmp_path.iterdir()) == []


async def test_every_example_of_a_batch_is_recorded_and_the_batch_stored(store: RunStore) -> None:
    program = echo_chain_program()
    with dspy.context(lm=scripted()), dspyer_lab.record_to(store):
        batch = program.new_batch([{"query": str(i)} for i in range(5)], concurrency=2)
        runs: dict[int, str] = {}
        async for index, event in batch.events():
            runs.setdefault(index, event["run_id"])
    assert sorted(r.inputs["query"] for r in store.runs()) == [str(i) for i in range(5)]
    store.save_batch("b1", program="Summary", started=time.time(), status="finished", scores={"mean": 0.8},
                     examples=[(i, runs[i], 0.8) for i in range(5)])
    [stored] = store.batches()
    assert stored.scores == {"mean": 0.8} and [e[1] for e in stored.examples] == [runs[i] for i in range(5)]
    assert all(store.run(run_id).status == "finished" for _, run_id, _ in stored.examples if run_id)


# -- processes -----------------------------------------------------------------------

_CHILD = """
import sys, dspy, dspyer_lab
sys.path.insert(0, {tests!r})
from core_helpers import echo_chain_program, echo_script
from dspyer_lab import ScriptedLM
from dspyer_lab.lab.model.store import RunStore
store = RunStore({path!r})
program = echo_chain_program()
"""


def _child(tmp_path: Path, body: str, **names: Any) -> subprocess.Popen[bytes]:
    code = _CHILD.format(tests=str(Path(__file__).parent), path=str(tmp_path / "runs.sqlite"))
    code += textwrap.dedent(body).format(**names)
    return subprocess.Popen([sys.executable, "-c", code], stderr=subprocess.PIPE)


def test_two_processes_writing_200_runs_each_at_once(tmp_path: Path) -> None:
    body = """
    with dspy.context(lm=ScriptedLM(echo_script())), dspyer_lab.record_to(store):
        for i in range(200):
            program(query="{who}-%d" % i)
    """
    children = [_child(tmp_path, body, who=who) for who in ("left", "right")]
    for child in children:
        _, err = child.communicate(timeout=600)
        assert child.returncode == 0, err.decode()
    with RunStore(tmp_path / "runs.sqlite") as store:
        runs = store.runs()
        assert len(runs) == 400 and all(r.status == "finished" for r in runs)
        assert {r.inputs["query"] for r in runs} == {f"{w}-{i}" for w in ("left", "right") for i in range(200)}
        for run in runs:
            assert store.load(run.run_id).events[-1]["output"] == {"summary": f"S(A({run.inputs['query']}))"}
    with sqlite3.connect(tmp_path / "runs.sqlite") as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)


def test_a_process_killed_mid_run_leaves_an_interrupted_run(tmp_path: Path) -> None:
    child = _child(tmp_path, """
    import time
    from dspyer_lab import AgentTranspiler, Graph, END
    def first(state):
        return {{"step": 1}}
    def second(state):
        time.sleep(600)  # killed long before
        return {{"step": 2}}
    g = Graph().add_node("first", first).add_node("second", second)
    g.add_edge("first", "second").add_edge("second", END).set_entry_point("first")
    with dspyer_lab.record_to(store):
        AgentTranspiler.compile(g)(step=0, api_key={secret!r})
    """, secret=SECRET)
    path = tmp_path / "runs.sqlite"
    try:
        events = _wait_for_node_end(path, child)
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=60)
    finally:
        if child.poll() is None:
            child.kill()
    with RunStore(path) as store:
        [run] = store.runs()
        assert run.status == "interrupted" and store.runs(status="interrupted") == [run]
        saved = store.load(run.run_id)
        assert kinds(saved.events) == events == ["run_start", "node_start", "node_end"]
        replay: LabPresenter[Any] = LabPresenter(saved.graph)
        replay.show_saved(saved, runnable=False)
        assert replay.run_log.state["step"] == 1
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert SECRET.encode() not in b"".join(p.read_bytes() for p in tmp_path.iterdir() if p.is_file())


def _wait_for_node_end(path: Path, child: subprocess.Popen[bytes]) -> list[str]:
    """The stored event kinds of the child's run once its first node's end is written (the child must still run)."""
    while True:
        assert child.poll() is None, child.stderr.read().decode() if child.stderr else ""
        if path.exists():
            try:
                with sqlite3.connect(path, timeout=30) as db:
                    rows = db.execute("SELECT events FROM chunks ORDER BY n").fetchall()
            except sqlite3.OperationalError:  # the schema is not there yet
                rows = []
            found = [e["event"] for (text,) in rows for e in json.loads(text)]
            if "node_end" in found:
                return found
        time.sleep(0.05)  # polling the child's database for the state the test needs


def test_a_file_that_is_not_a_store_is_refused_in_one_line(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("not a database " * 100)
    with pytest.raises(dspyer_lab.StoreError) as refused:
        RunStore(path)
    assert str(path) in str(refused.value) and "\n" not in str(refused.value)
    with pytest.raises(dspyer_lab.OptionValueError, match="record_to"):
        dspyer_lab.record_to("runs.sqlite")  # type: ignore[arg-type]
    assert active_sink() is None


def test_a_second_store_object_of_the_file_reads_what_the_first_recorded(tmp_path: Path) -> None:
    """`RunStore(path)` in a cell reads the runs a view's store of the same file has not committed yet."""
    with RunStore(tmp_path / "runs.sqlite") as writer, RunStore(tmp_path / "runs.sqlite") as reader:
        with dspy.context(lm=scripted()), dspyer_lab.record_to(writer):
            echo_chain_program()(query="seen?")
        [run] = reader.runs()
        assert run.inputs == {"query": "seen?"} and run.status == "finished"
