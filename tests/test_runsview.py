"""RunsView, the runs browser: stored runs paged, sorted, filtered, opened, forked from, deleted, compared.

Driven through its presenter and the browser's messages (no kernel, no browser); each test has its own
store under tmp_path, filled by running programs with `record_to(store)`.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import dspy
import pytest
from core_helpers import echo_chain_program, echo_script

import dspyer_lab
from dspyer_lab import ScriptedLM, StoreError, UnknownRunError
from dspyer_lab.core.sync import run_sync
from dspyer_lab.lab.model.presenter import LabPresenter
from dspyer_lab.lab.model.presenter_errors import ViewCommandError
from dspyer_lab.lab.model.presenter_runs import RunsPresenter
from dspyer_lab.lab.model.store import RunStore
from dspyer_lab.lab.widgets.runs import RunsView


@pytest.fixture
def store(tmp_path: Path) -> Any:
    with RunStore(tmp_path / "runs.sqlite") as opened:
        yield opened


def fill(store: RunStore, finished: int = 5, failed: int = 2) -> None:
    """`finished` runs of the echo chain (queries q0, q1, ...), then `failed` ones that fail at 'summarize'."""
    program = echo_chain_program()
    with dspy.context(lm=ScriptedLM(echo_script())), dspyer_lab.record_to(store):
        for i in range(finished):
            program(query=f"q{i}")
    with dspy.context(lm=ScriptedLM({"answer": {"answer": "a"}})), dspyer_lab.record_to(store):
        for i in range(failed):
            with pytest.raises(Exception, match="no answer for node 'summarize'"):
                program(query=f"bad{i}")
    store.wait()


def rows(presenter: RunsPresenter) -> list[dict[str, Any]]:
    return presenter.render().panel["runs"]["rows"]


def queries(presenter: RunsPresenter) -> list[str]:
    return [run.inputs["query"] for run in presenter.runs]


# -- the table ---------------------------------------------------------------------------


def test_the_table_pages_the_runs_newest_first_with_their_count(store: RunStore) -> None:
    fill(store, finished=5, failed=2)
    presenter = RunsPresenter(store, page_size=3)
    table = presenter.render().panel["runs"]
    assert table["total"] == 7 and table["pages"] == 3 and table["position"] == "rows 1-3 of 7"
    assert queries(presenter) == ["bad1", "bad0", "q4"]
    first = table["rows"][0]
    assert first["status"] == "failed" and first["program"] == "Summary" and first["total_tokens"]
    assert "no answer for node 'summarize'" in first["error"]
    assert dt.datetime.strptime(first["started"], "%Y-%m-%d %H:%M:%S")  # local time, as text
    presenter.handle({"type": "table", "page": 2})
    assert queries(presenter) == ["q0"] and presenter.render().panel["runs"]["position"] == "rows 7-7 of 7"
    presenter.page(1)
    assert queries(presenter) == ["q3", "q2", "q1"]


def test_a_header_click_sorts_and_a_second_one_reverses(store: RunStore) -> None:
    fill(store, finished=3, failed=1)
    presenter = RunsPresenter(store)
    presenter.handle({"type": "table", "sort": "status", "descending": False})
    assert [r["status"] for r in rows(presenter)] == ["failed", "finished", "finished", "finished"]
    presenter.handle({"type": "table", "sort": "status", "descending": True})
    assert [r["status"] for r in rows(presenter)] == ["finished", "finished", "finished", "failed"]
    presenter.sort("started", descending=False)
    assert queries(presenter) == ["q0", "q1", "q2", "bad0"]
    query = presenter.render().panel["runs"]["query"]
    assert query["sort"] == "started" and query["descending"] is False
    with pytest.raises(ViewCommandError, match="cannot sort by 'inputs'"):
        presenter.sort("inputs")


def test_filters_narrow_the_table_and_a_message_clears_them(store: RunStore) -> None:
    fill(store, finished=4, failed=2)
    presenter = RunsPresenter(store, page_size=2)
    presenter.page(1)
    presenter.handle({"type": "table", "status": "failed"})
    assert presenter.total == 2 and queries(presenter) == ["bad1", "bad0"]
    assert presenter.query.page == 0  # a new filter shows its first page
    presenter.handle({"type": "table", "status": "", "text": "NO ANSWER"})  # the error text, any case
    assert presenter.total == 2
    presenter.handle({"type": "table", "text": "", "node": "summarize"})  # visited 'summarize': every run
    assert presenter.total == 6
    presenter.handle({"type": "table", "node": "nowhere"})
    assert presenter.total == 0 and presenter.render().panel["runs"]["position"] == "no runs"
    presenter.filter(node=None, program="Other")
    assert presenter.total == 0
    presenter.filter(program=None)
    assert presenter.total == 6 and presenter.render().panel["runs"]["programs"] == ["Summary"]
    with pytest.raises(ViewCommandError, match="'done' is not a run status"):
        presenter.filter(status="done")


def test_the_date_filter_takes_days_the_until_day_included(store: RunStore) -> None:
    fill(store, finished=2, failed=0)
    presenter = RunsPresenter(store)
    today = dt.date.today()
    presenter.handle({"type": "table", "since": today.isoformat(), "until": today.isoformat()})
    assert presenter.total == 2
    query = presenter.render().panel["runs"]["query"]
    assert query["since"] == query["until"] == today.isoformat()  # what the date inputs show
    presenter.handle({"type": "table", "since": (today + dt.timedelta(days=1)).isoformat(), "until": ""})
    assert presenter.total == 0
    presenter.filter(since=None, until=today - dt.timedelta(days=1))
    assert presenter.total == 0
    presenter.filter(until=dt.datetime.now() + dt.timedelta(hours=1))
    assert presenter.total == 2
    presenter.handle({"type": "table", "since": "not a date"})  # a stale or odd message changes nothing
    assert presenter.total == 2


def test_the_program_given_is_the_first_filter(store: RunStore) -> None:
    fill(store, finished=2, failed=0)
    program = echo_chain_program()
    assert RunsPresenter(store, program=program).query.program == "Summary"
    assert RunsPresenter(store, program=program).total == 2


# -- opening a run ---------------------------------------------------------------------------


def test_an_opened_run_shows_the_original_runs_statuses_and_events(store: RunStore) -> None:
    program = echo_chain_program()
    live: LabPresenter[Any] = LabPresenter(program, store=store)
    with dspy.context(lm=ScriptedLM({"answer": {"answer": "a"}})):
        with pytest.raises(Exception, match="no answer"):
            run_sync(live.run(query="ice"))
    presenter = RunsPresenter(store)
    [row] = rows(presenter)
    presenter.handle({"type": "open", "run_id": row["run_id"]})
    opened = presenter.run
    assert opened is not None and presenter.opened == row["run_id"]
    shown = presenter.render()
    live.render()
    assert opened.graph.node_status == live.graph.node_status == {"answer": "done", "summarize": "failed"}
    def shape(events: list[dict[str, Any]]) -> list[tuple[str, Any]]:  # streamed tokens are not stored (the call has them)
        return [(e["event"], e.get("node")) for e in events if e["event"] != "token"]

    assert shape(opened.events) == shape(live.events)
    assert opened.run_log.state == live.run_log.state
    assert shown.panel["opened"] == row["run_id"] and shown.run is not None
    assert shown.run.picture["status"] == {"answer": "done", "summarize": "failed"}
    assert shown.run.head["toolbar"]["replay"] is not None  # the slider
    assert shown.run.tab["id"] == "error" and opened.selected_node == "summarize"  # its failure shown
    assert shown.panel["forkable"] is False  # no program given: replay only


def test_the_opened_runs_clicks_are_tagged_and_its_replies_too(store: RunStore) -> None:
    fill(store, finished=1, failed=0)
    presenter = RunsPresenter(store)
    presenter.open(presenter.runs[0].run_id)
    assert presenter.handle({"to": "run", "type": "seek", "step": 0}) is None
    assert presenter.render().run.picture["status"] == {"answer": "idle", "summarize": "idle"}  # type: ignore[union-attr]
    presenter.handle({"to": "run", "type": "tab", "tab": "calls"})
    rendered = presenter.render().run
    assert rendered is not None and rendered.tab["id"] == "calls"
    reply = presenter.handle({"to": "run", "type": "full-text", "handle": "nothing"})
    assert reply is not None and reply["to"] == "run" and reply["type"] == "full-text"
    presenter.handle({"type": "close-run"})
    assert presenter.render().run is None and presenter.handle({"to": "run", "type": "seek", "step": 1}) is None


def test_a_fork_from_an_opened_run_is_stored_with_its_parent(store: RunStore) -> None:
    fill(store, finished=1, failed=0)
    program = echo_chain_program()
    presenter = RunsPresenter(store, program=program)
    parent = presenter.runs[0].run_id
    opened = presenter.open(parent)
    assert presenter.render().panel["forkable"] is True

    async def fork() -> Any:
        with dspy.context(lm=ScriptedLM({"answer": {"answer": "x"}, "summarize": {"summary": "forked"}})):
            return await opened.fork(step=1)

    result = run_sync(fork())
    assert result.summary == "forked"
    store.wait()
    assert presenter.total == 2  # the fork's end read the table again
    fork_row = next(r for r in presenter.runs if r.run_id != parent)
    assert fork_row.parent_run_id == parent and fork_row.status == "finished"
    assert next(r for r in rows(presenter) if r["run_id"] == fork_row.run_id)["parent"] == parent


def test_opening_an_unknown_run_raises_and_a_click_on_it_does_nothing(store: RunStore) -> None:
    presenter = RunsPresenter(store)
    with pytest.raises(UnknownRunError):
        presenter.open("nope")
    presenter.handle({"type": "open", "run_id": "nope"})
    assert presenter.opened is None


def test_a_run_of_another_graph_opens_as_a_replay(store: RunStore) -> None:
    fill(store, finished=1, failed=0)
    other = dspyer_lab.AgentTranspiler.compile(
        dspyer_lab.Graph().add_node("only", lambda s: {}).set_entry_point("only").add_edge("only", dspyer_lab.END))
    presenter = RunsPresenter(store, program=other)
    presenter.filter(program=None)
    presenter.open(presenter.runs[0].run_id)
    assert presenter.render().panel["forkable"] is False


# -- deleting -----------------------------------------------------------------------------------


def test_delete_asks_first_then_removes_the_checked_rows(store: RunStore) -> None:
    fill(store, finished=4, failed=0)
    presenter = RunsPresenter(store)
    first, second, *_ = (run.run_id for run in presenter.runs)
    presenter.open(first)
    presenter.handle({"type": "check", "id": first, "checked": True})
    presenter.handle({"type": "check", "id": second, "checked": True})
    panel = presenter.render().panel
    assert panel["checked"] == [first, second] and panel["can_delete"] and panel["can_compare"]
    presenter.handle({"type": "delete"})
    confirm = presenter.render().panel["confirm"]
    assert confirm == {"ids": [first, second], "text": "Delete 2 runs from the store?"}
    assert presenter.total == 4  # nothing deleted yet
    presenter.handle({"type": "delete-cancel"})
    assert presenter.render().panel["confirm"] is None and presenter.total == 4
    presenter.handle({"type": "delete"})
    presenter.handle({"type": "delete-confirm"})
    panel = presenter.render().panel
    assert presenter.total == 2 and panel["checked"] == [] and panel["notice"] == "deleted 2 runs"
    assert first not in {r["run_id"] for r in panel["runs"]["rows"]} and panel["opened"] is None
    assert {r.run_id for r in store.runs()} == {r.run_id for r in presenter.runs}


def test_deleting_the_last_page_shows_the_page_before(store: RunStore) -> None:
    fill(store, finished=3, failed=0)
    presenter = RunsPresenter(store, page_size=2)
    presenter.page(1)
    presenter.delete([presenter.runs[0].run_id])
    assert presenter.query.page == 0 and len(presenter.runs) == 2
    with pytest.raises(UnknownRunError):
        presenter.delete("nope")


# -- the store changing -------------------------------------------------------------------------


def test_a_run_recorded_by_another_process_appears_on_refresh(store: RunStore, tmp_path: Path) -> None:
    fill(store, finished=1, failed=0)
    presenter = RunsPresenter(store)
    assert presenter.total == 1 and presenter.poll() is False
    code = textwrap.dedent(f"""
        import sys, dspy, dspyer_lab
        sys.path.insert(0, {str(Path(__file__).parent)!r})
        from core_helpers import echo_chain_program, echo_script
        from dspyer_lab import ScriptedLM
        from dspyer_lab.lab.model.store import RunStore
        with RunStore({str(store.path)!r}) as store, dspy.context(lm=ScriptedLM(echo_script())), \\
                dspyer_lab.record_to(store):
            echo_chain_program()(query="elsewhere")
    """)
    subprocess.run([sys.executable, "-c", code], check=True, timeout=300)
    assert presenter.total == 1  # the page read before is kept until the store is read again
    assert presenter.poll() is True and presenter.poll() is False
    assert presenter.total == 2 and queries(presenter)[0] == "elsewhere"
    presenter.handle({"type": "refresh"})
    assert presenter.total == 2


# -- batches ------------------------------------------------------------------------------------------


def test_the_batches_table_lists_a_batch_whose_examples_open_their_runs(store: RunStore) -> None:
    fill(store, finished=2, failed=1)
    runs = store.runs()
    examples = [(0, runs[2].run_id, 1.0), (1, runs[1].run_id, 1.0), (2, runs[0].run_id, 0.0), (3, None, None)]
    store.save_batch("b1", program="Summary", started=runs[2].started, status="finished",
                     scores={"mean": 0.667, "n": 3}, examples=examples)
    presenter = RunsPresenter(store, page_size=3)
    presenter.handle({"type": "mode", "mode": "batches"})
    panel = presenter.render().panel
    assert panel["mode"] == "batches" and "runs" not in panel
    [batch] = panel["batches"]["rows"]
    assert batch["batch_id"] == "b1" and batch["examples"] == "4" and batch["scores"] == "mean 0.667 · n 3"
    presenter.handle({"type": "open-batch", "batch_id": "b1"})
    opened = presenter.render().panel["batches"]["opened"]
    assert [(r["index"], r["status"], r["score"]) for r in opened["rows"]] == [
        (0, "finished", "1"), (1, "finished", "1"), (2, "failed", "0")]
    assert opened["position"] == "rows 1-3 of 4"
    presenter.handle({"type": "batch-page", "page": 1})
    assert [r["status"] for r in presenter.render().panel["batches"]["opened"]["rows"]] == ["not run"]
    presenter.handle({"type": "open", "run_id": runs[0].run_id})
    assert presenter.run is not None and presenter.run.run_log.status == "failed"
    presenter.handle({"type": "mode", "mode": "runs"})
    assert presenter.render().panel["runs"]["total"] == 3


def test_the_batches_table_pages_and_deletes_batches_with_or_without_their_runs(store: RunStore) -> None:
    """Many stored batches come a page at a time; Delete asks first, and deletes the batches alone (their runs
    stay in the runs table) or with their runs."""
    fill(store, finished=5, failed=0)
    runs = sorted(store.runs(), key=lambda r: r.started)
    for k in range(5):  # b0 (oldest) ... b4, each naming one run
        store.save_batch(f"b{k}", program="Summary", started=runs[k].started, status="finished",
                         scores={"mean": 1.0}, examples=[(0, runs[k].run_id, 1.0)])
    presenter = RunsPresenter(store, page_size=2)
    presenter.show("batches")
    table = presenter.render().panel["batches"]
    assert [b["batch_id"] for b in table["rows"]] == ["b4", "b3"] and table["total"] == 5 and table["pages"] == 3
    presenter.handle({"type": "batches-page", "page": 2})
    table = presenter.render().panel["batches"]
    assert [b["batch_id"] for b in table["rows"]] == ["b0"] and table["position"] == "rows 5-5 of 5"

    presenter.handle({"type": "check", "id": "b0"})
    presenter.handle({"type": "delete"})
    confirm = presenter.render().panel["confirm"]
    assert confirm["ids"] == ["b0"] and confirm["runs"] == 1 and store.batch_count() == 5  # asked, not deleted
    presenter.handle({"type": "delete-confirm"})
    panel = presenter.render().panel
    assert panel["notice"] == "deleted 1 batch" and store.batch_count() == 4 and len(store.runs()) == 5
    assert [b["batch_id"] for b in panel["batches"]["rows"]] == ["b2", "b1"]  # page 3 is gone: the last one, 2

    presenter.open(runs[1].run_id)
    presenter.handle({"type": "check", "id": "b1"})
    presenter.handle({"type": "delete"})
    presenter.handle({"type": "delete-confirm", "runs": True})
    panel = presenter.render().panel
    assert panel["notice"] == "deleted 1 batch and 1 run" and panel["opened"] is None  # its run was shown: closed
    assert store.batch_count() == 3 and runs[1].run_id not in {r.run_id for r in store.runs()}
    with pytest.raises(StoreError, match="no batch 'gone'"):
        presenter.delete_batches(["b2", "gone"])
    assert store.batch_count() == 3  # nothing deleted


# -- comparing -----------------------------------------------------------------------------------------


def test_two_checked_runs_compare_inside_the_view(store: RunStore) -> None:
    fill(store, finished=2, failed=0)
    presenter = RunsPresenter(store)
    b, a = (run.run_id for run in presenter.runs)  # newest first
    presenter.handle({"type": "compare"})  # nothing checked: nothing compared
    assert presenter.render().compare is None
    presenter.handle({"type": "check", "id": a})
    presenter.handle({"type": "check", "id": b})
    presenter.handle({"type": "compare"})
    shown = presenter.render()
    compare = shown.compare
    assert shown.panel["compared"] is True and compare is not None and compare["mode"] == "runs"
    assert compare["layout"]["nodes"] and compare["picture"]  # the graph it draws, in the one JSON
    changed = {n["node"]: n["changed"] for n in compare["nodes"]}
    assert "output.answer" in changed["answer"] and "output.summary" in changed["summarize"]
    presenter.handle({"to": "compare", "type": "select", "node": "summarize"})  # its clicks reach it
    assert presenter.render().compare["selected"] == "summarize"  # type: ignore[index]
    presenter.handle({"type": "close-compare"})
    assert presenter.render().compare is None and presenter.handle({"to": "compare", "type": "back"}) is None


def test_two_checked_batches_compare_inside_the_view(store: RunStore) -> None:
    program = echo_chain_program()
    ids: dict[str, list[str]] = {}
    for name, script in (("before", {"answer": {"answer": "a"}}), ("after", echo_script())):
        with dspy.context(lm=ScriptedLM(script)), dspyer_lab.record_to(store):
            outcomes = run_sync(program.abatch([{"query": "x0"}, {"query": "x1"}], return_exceptions=True))
        assert len(outcomes) == 2
        store.wait()
        ids[name] = [r.run_id for r in sorted(store.runs(), key=lambda r: r.started) if r.run_id not in
                     {i for found in ids.values() for i in found}]
    for n, name in enumerate(("before", "after")):
        store.save_batch(name, program="Summary", started=float(n), status="finished",
                         examples=[(i, run_id, None) for i, run_id in enumerate(ids[name])])
    presenter = RunsPresenter(store)
    presenter.show("batches")
    presenter.check("before")
    presenter.check("after")
    panel = presenter.render().panel
    assert panel["can_compare"] and panel["can_delete"]  # two batches: compare them, or delete them
    presenter.handle({"type": "compare"})
    compare = presenter.render().compare
    assert compare is not None and compare["mode"] == "batches"
    assert compare["counts"]["fixed"] == 2 and compare["counts"]["broken"] == 0


def test_a_click_that_fails_says_why_in_the_notice(store: RunStore) -> None:
    fill(store, finished=1, failed=1)
    done, failed = store.runs(status="finished")[0].run_id, store.runs(status="failed")[0].run_id
    store.save_batch("one", program="Summary", started=1.0, status="finished", examples=[(0, done, 1.0)])
    store.save_batch("two", program="Summary", started=2.0, status="finished", examples=[(0, failed, 0.0)])
    presenter = RunsPresenter(store)
    presenter.show("batches")
    presenter.check("one")
    presenter.check("two")
    presenter.handle({"type": "compare"})  # inputs q0 and bad0: not the same dataset
    panel = presenter.render().panel
    assert panel["compared"] is False and "input 0 differs" in panel["notice"]
    presenter.handle({"type": "refresh"})
    assert presenter.render().panel["notice"] is None


# -- the widget ---------------------------------------------------------------------------------------


def test_the_widget_syncs_the_page_and_the_opened_run(store: RunStore) -> None:
    fill(store, finished=2, failed=1)
    view = RunsView(store.path, page_size=2)
    try:
        assert view.store.path == store.path
        panel = view.panel
        assert panel["runs"]["total"] == 3 and len(panel["runs"]["rows"]) == 2
        view._on_message({"type": "table", "status": "failed"})
        assert [r.status for r in view.runs] == ["failed"]
        view._on_message({"type": "open", "run_id": view.runs[0].run_id})
        assert view.opened == view.runs[0].run_id
        assert view._open_picture["status"] == {"answer": "done", "summarize": "failed"}
        assert set(json.loads(view._open_panel)) == {"head", "timeline", "tab"}
        assert view._open_layout["nodes"]  # the opened run's own graph drawing
        sent: list[Any] = []
        view.send = sent.append  # type: ignore[method-assign]
        view._on_message({"to": "run", "type": "full-text", "handle": "nothing"})
        assert sent and sent[0]["to"] == "run"
        view._on_message({"to": "run", "type": "need-runtime"})  # the page's own request: not the run's
        view.close_run()
        assert view._open_panel == "" and view._open_picture == {}
        assert "1 runs" in repr(view)
        view.filter(status=None)  # the Python API: what the messages do
        view.sort("total_tokens", descending=False)
        assert view.panel["runs"]["query"]["sort"] == "total_tokens" and view.runs[0].status == "failed"
        view.page(1)
        assert view.panel["runs"]["position"] == "rows 3-3 of 3"
        view.delete(view.runs[0].run_id)
        assert view.total == 2 and view.panel["runs"]["position"] == "rows 1-2 of 2"
        view.show("batches")
        assert view.panel["mode"] == "batches" and view.batches == []
    finally:
        view.close()


def test_the_widget_refuses_a_store_that_is_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DSPYER_LAB_STORE", "off")
    with pytest.raises(StoreError, match="the run store is off"):
        RunsView()
    with pytest.raises(StoreError, match="takes a RunStore"):
        RunsView(False)  # type: ignore[arg-type]


async def test_a_displayed_view_follows_runs_written_while_it_is_open(
    store: RunStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On a running loop (a kernel's) the view polls the store: a run another connection writes shows up."""
    import asyncio

    import dspyer_lab.lab.widgets.runs as runs_module

    monkeypatch.setattr(runs_module, "POLL_SECONDS", 0.01)
    fill(store, finished=1, failed=0)
    view = RunsView(store)
    try:
        assert view.panel["runs"]["total"] == 1
        with RunStore(store.path) as other, dspy.context(lm=ScriptedLM(echo_script())), dspyer_lab.record_to(other):
            await echo_chain_program().aforward(query="meanwhile")

        async def shown() -> None:
            while view.panel["runs"]["total"] != 2:  # the synced page, as the browser gets it
                await asyncio.sleep(0.01)

        await asyncio.wait_for(shown(), 30)
        assert view.panel["runs"]["rows"][0]["status"] == "finished"
    finally:
        view.close()
    assert view._poll is None  # closed: no more polling
