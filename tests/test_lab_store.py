"""The lab writes every run it shows to the run store (issue 22): LabView runs, resumed pauses, forks and
BatchView examples and batches; ``store=False`` / ``DSPYER_LAB_STORE=off`` write nothing; no secret reaches
the file. Each test has its own database under tmp_path (or its own working directory for the default one).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import dspy
import pytest
from IPython.core.error import UsageError
from core_helpers import echo_chain_program, echo_script

import dspyer_lab
from dspyer_lab import END, AgentTranspiler, Graph, ScriptedLM, StoreError
from dspyer_lab.lab.model import labstore
from dspyer_lab.lab.model.store import RunStore
from dspyer_lab.lab.textview import MASK
from dspyer_lab.lab.widgets import BatchView, LabView

SECRET = "sk-test-4b1d9e7c2a6f8e0b3d5c"


@pytest.fixture
def store(tmp_path: Path) -> Any:
    with RunStore(tmp_path / "runs.sqlite") as opened:
        yield opened


@pytest.fixture(autouse=True)
def lab_store_reset() -> Any:
    """`%dspyer store` / `set_store` are process-wide: each test starts from the default."""
    yield
    labstore.set_store(None)


def scripted() -> ScriptedLM:
    return ScriptedLM(echo_script())


def secret_program() -> Any:
    """A Python node that echoes its api_key into free text, long enough to be interned."""
    def use_key(state: dict[str, Any]) -> dict[str, Any]:
        return {"log": f"connected with {state['api_key']}; " + "x" * 300}

    g = Graph().add_node("connect", use_key).add_edge("connect", END).set_entry_point("connect")
    return AgentTranspiler.compile(g)


def statuses_of(events: list[dict[str, Any]], program: Any) -> dict[str, str]:
    """The node statuses a LabView draws for `events` (a replay)."""
    view = LabView.of_events(program, events, store=False)
    return dict(view.graph.node_status)


def database_files(store: RunStore) -> list[Path]:
    return [p for p in store.path.parent.iterdir() if p.name.startswith(store.path.name)]


async def test_a_labview_run_lands_in_its_store_and_replays_to_the_same_statuses(store: RunStore) -> None:
    program = echo_chain_program()
    view = LabView(program, store=store)
    with dspy.context(lm=scripted()):
        result = await view.run(query="ice")
    assert view.store is store
    [run] = store.runs()
    assert run.run_id == view.run_log.run_id and run.status == "finished" and run.program == "Summary"
    assert run.inputs == {"query": "ice"} and run.output == {"summary": result.summary}
    saved = store.load(run.run_id)
    assert statuses_of(saved.events, program) == dict(view.graph.node_status) == {
        "answer": "done", "summarize": "done"}
    assert view._store_note == f"runs stored in {labstore.where(store)}"


async def test_a_stored_run_opens_in_a_labview_and_forks_with_its_program(store: RunStore) -> None:
    program = echo_chain_program()
    with dspy.context(lm=scripted()):
        first = LabView(program, store=store)
        await first.run(query="ice")
        [run] = store.runs()
        replay = LabView.load(store.load(run.run_id), program=program, store=store)
        assert dict(replay.graph.node_status) == {"answer": "done", "summarize": "done"}
        assert replay.status == first.status
        fork = await replay.fork(step=1)
    assert fork.summary == "S(A(ice))"
    forked = store.runs()[0]
    assert forked.parent_run_id == run.run_id and forked.status == "finished"


async def test_the_default_store_is_in_the_working_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DSPYER_LAB_STORE", raising=False)
    view = LabView(echo_chain_program())
    with dspy.context(lm=scripted()):
        await view.run(query="here")
    assert view.store is not None and Path(view.store.path) == tmp_path / ".dspyer" / "runs.sqlite"
    assert [r.inputs for r in view.store.runs()] == [{"query": "here"}]
    assert view._store_note == "runs stored in .dspyer/runs.sqlite"


@pytest.mark.parametrize("how", ["store=False", "DSPYER_LAB_STORE=off", "set_store(False)"])
async def test_a_store_turned_off_writes_nothing(how: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DSPYER_LAB_STORE", raising=False)
    if how == "DSPYER_LAB_STORE=off":
        monkeypatch.setenv("DSPYER_LAB_STORE", "off")
    elif how == "set_store(False)":
        labstore.set_store(False)
    view = LabView(echo_chain_program(), store=False if how == "store=False" else None)
    batch = BatchView(echo_chain_program(), store=False if how == "store=False" else None)
    with dspy.context(lm=scripted()):
        await view.run(query="nowhere")
        await batch.run([{"query": "a"}, {"query": "b"}])
    assert view.store is None and view._store_note == ""
    assert batch.presenter.batch_id is None and batch.panel["store"] is None
    assert list(tmp_path.iterdir()) == []  # no .dspyer folder, no file


async def test_a_lab_store_that_cannot_be_opened_leaves_runs_unstored_and_says_why(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "a-file").write_text("")
    monkeypatch.setenv("DSPYER_LAB_STORE", str(tmp_path / "a-file" / "runs.sqlite"))  # its folder is a file
    view, batch = LabView(echo_chain_program()), BatchView(echo_chain_program())
    with dspy.context(lm=scripted()):
        result = await view.run(query="still runs")
        await batch.run([{"query": "a"}])
    assert result.summary == "S(A(still runs))" and view.store is None and batch.presenter.store is None
    assert view._store_note.startswith("runs not stored: cannot open run store") and "a-file" in view._store_note
    assert batch.panel["store"] == view._store_note
    with pytest.raises(StoreError, match="cannot open run store"):
        LabView(echo_chain_program(), store=tmp_path / "a-file" / "chosen.sqlite")  # chosen: refused at once


async def test_a_path_opens_one_store_per_file_shared_by_views(tmp_path: Path) -> None:
    path = tmp_path / "shared.sqlite"
    first, second = LabView(echo_chain_program(), store=path), LabView(echo_chain_program(), store=str(path))
    with dspy.context(lm=scripted()):
        await first.run(query="one")
        await second.run(query="two")
    assert first.store is second.store and first.store is not None
    assert [r.inputs["query"] for r in first.store.runs()] == ["two", "one"]
    with pytest.raises(StoreError, match="store=3 must be"):
        LabView(echo_chain_program(), store=3)  # type: ignore[arg-type]


async def test_set_store_moves_the_runs_of_views_that_did_not_choose(tmp_path: Path, store: RunStore) -> None:
    assert labstore.set_store(store) is store and labstore.current_store() is store
    view = LabView(echo_chain_program())
    with dspy.context(lm=scripted()):
        await view.run(query="chosen")
    assert view.store is store and [r.inputs for r in store.runs()] == [{"query": "chosen"}]


async def test_a_fork_is_stored_with_its_parent_run_id(store: RunStore) -> None:
    program = echo_chain_program()
    view = LabView(program, store=store)
    with dspy.context(lm=scripted()):
        await view.run(query="root")
        parent = view.run_log.run_id
        await view.fork(step=1, update={"answer": "edited"})
    fork = store.run(view.run_log.run_id)
    assert fork.run_id != parent and fork.parent_run_id == parent and fork.status == "finished"
    assert fork.output == {"summary": "S(edited)"} and store.run(parent).parent_run_id is None


async def test_a_pause_then_continue_is_one_stored_run_that_ends_finished(store: RunStore) -> None:
    program = echo_chain_program()
    view = LabView(program, store=store, breakpoints={"before": ["summarize"]})
    with dspy.context(lm=scripted()):
        assert await view.run(query="wait") is None
        assert [(r.run_id, r.status) for r in store.runs()] == [(view.run_log.run_id, "paused")]
        await view.resume()
    [run] = store.runs()
    assert run.run_id == view.run_log.run_id and run.status == "finished" and run.output == {"summary": "S(A(wait))"}
    events = store.load(run.run_id).events
    assert [e["event"] for e in events].count("paused") == 1 and events[-1]["event"] == "finished"
    assert statuses_of(events, program) == dict(view.graph.node_status)


async def test_stopping_a_paused_run_ends_its_stored_run_cancelled(store: RunStore) -> None:
    """Stop at a breakpoint: the store no longer lists the run as paused (it cannot go on), and its events end
    as the view's do."""
    view = LabView(echo_chain_program(), store=store, breakpoints={"before": ["summarize"]})
    with dspy.context(lm=scripted()):
        assert await view.run(query="halt") is None
    assert view.stop()
    [run] = store.runs()
    assert run.status == "cancelled" and run.ended is not None and run.duration is not None
    stored = [e["event"] for e in store.load(run.run_id).events]
    shown = [e["event"] for e in view.run_log.events if e["event"] != "token"]  # the store keeps a call, not its tokens
    assert stored == shown and stored[-2:] == ["paused", "cancelled"]
    assert not store.end_paused(view.run_log.events[-1])  # ended already: nothing to do


async def test_stepping_on_at_once_after_each_pause_writes_one_whole_run(store: RunStore) -> None:
    """No read between the pauses: the writer takes a pause and the run going on in one round."""
    program = echo_chain_program()
    view = LabView(program, store=store, breakpoints={"before": ["answer", "summarize"]})
    with dspy.context(lm=scripted()):
        assert await view.run(query="step") is None
        assert await view.step() is None
        result = await view.step()
    assert result is not None and result.summary == "S(A(step))"
    [run] = store.runs()
    assert run.status == "finished" and run.nodes == ["answer", "summarize"]
    events = store.load(run.run_id).events
    assert [e["event"] for e in events].count("paused") == 2
    assert [e["seq"] for e in events] == sorted(e["seq"] for e in events)
    assert statuses_of(events, program) == {"answer": "done", "summarize": "done"}


async def test_a_run_shown_from_the_store_is_not_stored_again(store: RunStore) -> None:
    program = echo_chain_program()
    with dspy.context(lm=scripted()):
        await LabView(program, store=store).run(query="once")
    [run] = store.runs()
    view = LabView(program, store=store)
    view.presenter.show_saved(store.load(run.run_id), runnable=True)
    assert view.run_log.run_id == run.run_id and len(store.runs()) == 1


async def test_a_run_recorded_by_record_to_the_same_store_is_written_once(store: RunStore) -> None:
    view = LabView(echo_chain_program(), store=store)
    with dspy.context(lm=scripted()), dspyer_lab.record_to(store):
        await view.run(query="twice?")
    [run] = store.runs()
    assert run.status == "finished" and len(store.load(run.run_id).events) == len(
        [e for e in view.events if e["event"] != "token"])


async def test_a_batchview_stores_every_example_and_the_batch_with_its_scores(store: RunStore) -> None:
    program = echo_chain_program()
    view = BatchView(program, sample_size=1, store=store)  # one run kept whole in the view; all ten stored
    inputs = [{"query": f"q{i}"} for i in range(10)]
    with dspy.context(lm=scripted()):
        await view.run(inputs, metric=lambda example, prediction: prediction.summary.endswith("5))"))
    runs = store.runs()
    assert len(runs) == 10 and {r.status for r in runs} == {"finished"}
    assert sorted(r.inputs["query"] for r in runs) == sorted(i["query"] for i in inputs)
    [batch] = store.batches()
    assert batch.batch_id == view.presenter.batch_id and batch.status == "finished" and batch.program == "Summary"
    assert batch.scores["finished"] == 10 and batch.scores["mean_score"] == pytest.approx(0.1)
    by_id = {r.run_id: r for r in runs}
    assert [i for i, _, _ in batch.examples] == list(range(10))
    for index, run_id, score in batch.examples:
        assert by_id[run_id].inputs == inputs[index] and score == (1.0 if index == 5 else 0.0)
    assert view.panel["store"] == f"batch {batch.batch_id} stored in {labstore.where(store)}"


async def test_a_stopped_batch_is_stored_as_cancelled_with_the_examples_it_started(store: RunStore) -> None:
    import asyncio

    started = asyncio.Event()

    async def slow(state: dict[str, Any]) -> dict[str, Any]:
        if state["n"] == 1:
            started.set()
            await asyncio.Event().wait()  # until the batch is stopped
        return {"out": state["n"]}

    g = Graph().add_node("work", slow).add_edge("work", END).set_entry_point("work")
    view = BatchView(AgentTranspiler.compile(g), store=store)
    task = view.start([{"n": 0}, {"n": 1}], concurrency=2)
    await started.wait()
    view.stop()
    with pytest.raises(asyncio.CancelledError):
        await task
    [batch] = store.batches()
    assert batch.status == "cancelled" and batch.scores["finished"] == 1 and len(batch.examples) == 2
    assert {store.run(run_id).status for _, run_id, _ in batch.examples} == {"finished", "cancelled"}


async def test_a_secret_input_is_nowhere_in_the_database_after_labview_and_batchview_runs(store: RunStore) -> None:
    program = secret_program()
    await LabView(program, store=store).run(api_key=SECRET)
    await BatchView(program, store=store).run([{"api_key": SECRET}, {"api_key": SECRET + "-2"}])
    runs = store.runs()
    assert len(runs) == 3 and all(r.inputs == {"api_key": MASK} for r in runs)
    store.wait()  # everything written: in the WAL, then (closed) checkpointed into the database file
    assert {p.name for p in database_files(store)} >= {"runs.sqlite", "runs.sqlite-wal"}
    for closed in (False, True):
        if closed:
            store.close()
        for path in database_files(store):
            data = path.read_bytes()
            assert SECRET.encode() not in data and SECRET.encode("utf-16-le") not in data, path
    assert os.path.getsize(store.path) > 0


# -- %dspyer store / %dspyer runs ------------------------------------------------------


async def test_dspyer_store_sets_and_says_where_views_store_runs(
    shell: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    shell.run_line_magic("dspyer", "store chosen.sqlite")
    assert capsys.readouterr().out.strip() == "runs are stored in chosen.sqlite"
    view = LabView(echo_chain_program())
    with dspy.context(lm=scripted()):
        await view.run(query="magic")
    assert view.store is not None and Path(view.store.path) == tmp_path / "chosen.sqlite"
    shell.run_line_magic("dspyer", "store")
    assert capsys.readouterr().out.strip() == "runs are stored in chosen.sqlite"
    shell.run_line_magic("dspyer", "store off")
    assert capsys.readouterr().out.strip().startswith("runs are not stored")
    assert labstore.current_store() is None
    shell.run_line_magic("dspyer", "store default")
    assert labstore.current_store() is dspyer_lab.default_store()
    assert "%dspyer store PATH" in dspyer_lab.lab.magics.DspyerMagics.dspyer_line.__doc__


def test_a_dspyer_cell_run_lands_in_the_lab_store(shell: Any, store: RunStore) -> None:
    labstore.set_store(store)
    cell = (
        "from pydantic import BaseModel\n"
        "from dspyer_lab import Graph, ScriptedLM, StatefulNode\n"
        "class Q(BaseModel):\n    question: str\n"
        "class A(BaseModel):\n    answer: str\n"
        "lm = ScriptedLM({'answer': {'answer': '4'}})\n"
        "g = Graph().add_node(StatefulNode('answer', Q, A)).set_entry_point('answer')\n"
    )
    shell.run_cell_magic("dspyer", "-i question=2+2 --lm scripted", cell)
    [run] = store.runs()
    assert run.run_id == shell.user_ns["dspyer_view"].run_log.run_id
    assert (run.status, run.inputs, run.output["answer"]) == ("finished", {"question": "2+2"}, "4")


def test_dspyer_runs_shows_the_stored_runs_filtered(shell: Any, store: RunStore) -> None:
    from dspyer_lab.lab.widgets.runs import RunsView

    program = echo_chain_program()
    shell.user_ns["chain"] = program
    with dspyer_lab.record_to(store):
        with dspy.context(lm=scripted()):
            program(query="ok")
        with dspy.context(lm=ScriptedLM({"answer": {"answer": "a"}})), pytest.raises(dspy.utils.exceptions.LMError):
            program(query="fails")  # no answer scripted for summarize
    labstore.set_store(store)
    shell.run_line_magic("dspyer", "runs --status failed")
    view = shell.user_ns["dspyer_runs"]
    assert isinstance(view, RunsView) and view.store is store
    assert [r.inputs for r in view.runs] == [{"query": "fails"}]
    shell.run_line_magic("dspyer", "runs --program chain")
    assert shell.user_ns["dspyer_runs"].total == 2
    with pytest.raises(dspyer_lab.lab.magics.DspyerCellError, match="not a run status"):
        shell.run_line_magic("dspyer", "runs --status nope")


def test_dspyer_compare_shows_two_stored_runs_or_two_views_side_by_side(shell: Any, store: RunStore) -> None:
    from dspyer_lab.lab.widgets.compare import CompareView

    labstore.set_store(store)
    program = echo_chain_program()
    with dspyer_lab.record_to(store), dspy.context(lm=scripted()):
        program(query="one")
        program(query="two")
    two, one = (r.run_id for r in store.runs())
    shell.run_line_magic("dspyer", f"compare {one} {two}")
    view = shell.user_ns["dspyer_compare"]
    assert isinstance(view, CompareView)
    changed = view.comparison.nodes["answer"].changes
    assert changed and view.comparison.divergence is None  # same path, other values
    shell.user_ns["first"] = LabView.load(store.load(one))
    shell.run_line_magic("dspyer", f"compare first {two}")  # a view by its variable name, and a stored id
    assert shell.user_ns["dspyer_compare"] is not view
    with pytest.raises(UsageError, match="needs two runs or batches"):
        shell.run_line_magic("dspyer", f"compare {one}")
    with pytest.raises(dspyer_lab.lab.magics.DspyerCellError, match="nope"):
        shell.run_line_magic("dspyer", f"compare {one} nope")
    with pytest.raises(UsageError, match="takes one argument at most"):
        shell.run_line_magic("dspyer", "show a b")

