"""BatchView and its model: the table (order, paging, sort, filter), the heatmap against BatchStats, opening
an example, stopping mid-batch, the metric, and `%%dspyer --batch`.

Runs are real compiled programs on `ScriptedLM`; a mid-batch stop is forced with asyncio conditions, never sleeps.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

import dspy
import pytest
from IPython.core.error import UsageError

from core_helpers import echo_chain_program, echo_script, settle
from dspyer_lab import BatchStats, Graph, ScriptedLM
from dspyer_lab.lab.dot import build_drawing
from dspyer_lab.lab.model.batchmodel import BatchModel, TableQuery, batch_json, example_rows, heat_json
from dspyer_lab.lab.textview import MASK
from dspyer_lab.lab.widgets import BatchView
from dspyer_lab import ViewError
from dspyer_lab.lab.model.presenter import LabPresenter
from test_batch import held_program
from test_panels import HOSTILE, browser_sends, synced_text

FAILING = {1, 4, 7}
"""Inputs whose `answer` never parses (the node fails after its 3 attempts)."""
SECRET = "sk-live-0123456789abcdef"


def garbage_lm() -> ScriptedLM:
    def answer(inputs: dict[str, Any]) -> Any:
        return "no fields here" if "garbage" in inputs["query"] else {"answer": f"A({inputs['query']})"}

    return ScriptedLM({**echo_script(), "answer": answer})


def inputs(n: int = 10) -> list[dict[str, Any]]:
    return [{"query": f"garbage {i}" if i in FAILING else f"q{i}"} for i in range(n)]


def exact(example: Any, prediction: Any) -> float:
    """1 for q0 and q2 only, so the mean (failures count 0) is easy to check."""
    return float(example["query"] in ("q0", "q2"))


async def run_view(view: BatchView, data: list[dict[str, Any]], **kwargs: Any) -> list[Any]:
    with dspy.context(lm=garbage_lm()):
        return await view.run(data, **kwargs)


def panel_rows(view: BatchView) -> list[dict[str, Any]]:
    return view.panel["examples"]["rows"]


# -- the table ----------------------------------------------------------------------------------


async def test_failures_come_first_then_input_order_and_only_a_page_goes_to_the_browser() -> None:
    view = BatchView(echo_chain_program(), page_size=4)
    outcomes = await run_view(view, inputs(10), concurrency=3)
    assert [type(o).__name__ for o in outcomes] == [
        "Summary", "NodeValidationError", "Summary", "Summary", "NodeValidationError",
        "Summary", "Summary", "NodeValidationError", "Summary", "Summary",
    ]
    page = panel_rows(view)
    assert [r["index"] for r in page] == [1, 4, 7, 0]
    assert [r["status"] for r in page] == ["failed", "failed", "failed", "finished"]
    assert page[0]["error_type"] == "NodeValidationError" and page[0]["node"] == "answer" and page[0]["attempts"] == 3
    assert view.panel["examples"]["position"] == "1–4 of 10" and view.panel["examples"]["pages"] == 3
    state = json.loads(view.get_state()["_panel"])  # what was synced: the page, not the other 6 rows
    assert len(state["examples"]["rows"]) == 4

    browser_sends(view, {"type": "table", "page": 2})
    assert [r["index"] for r in panel_rows(view)] == [8, 9]
    assert view.panel["examples"]["position"] == "9–10 of 10"
    browser_sends(view, {"type": "table", "page": 7})  # past the end: the last page
    assert [r["index"] for r in panel_rows(view)] == [8, 9] and view.panel["examples"]["query"]["page"] == 2
    browser_sends(view, {"type": "table", "filter": "failures"})  # a new filter: back to page 1
    assert [r["index"] for r in panel_rows(view)] == [1, 4, 7]
    browser_sends(view, {"type": "table", "filter": "finished", "sort": "index", "descending": True})
    assert [r["index"] for r in panel_rows(view)] == [9, 8, 6, 5]
    browser_sends(view, {"type": "table", "filter": "nonsense", "sort": 3, "page": -1, "descending": "yes"})  # ignored
    assert view.panel["examples"]["query"] == {"filter": "finished", "sort": "index", "descending": True, "page": 0}


def test_sorting_keeps_input_order_among_ties_and_missing_values_last_both_ways() -> None:
    stats = BatchStats(4)
    for i, score in enumerate([0.5, None, 1.0, 0.5]):
        stats.apply(i, {"event": "run_start", "run_id": f"r{i}", "inputs": {"q": i}, "ts": 0.0})
        stats.apply(i, {"event": "finished", "duration": 1.0, "ts": 1.0})
        if score is not None:
            stats.apply(i, {"event": "score", "score": score})
    ascending, _, _ = example_rows(stats, TableQuery(sort="score"))
    descending, _, _ = example_rows(stats, TableQuery(sort="score", descending=True))
    assert [e.index for e in ascending] == [0, 3, 2, 1]
    assert [e.index for e in descending] == [2, 0, 3, 1]
    with pytest.raises(ValueError, match="sort must be one of index, summary, status"):
        TableQuery(sort="nope")


async def test_input_summaries_are_masked_text_even_when_clipped() -> None:
    view = BatchView(echo_chain_program())
    long = "x" * 70  # the summary is cut at 80 characters, in the middle of the key
    data = [{"query": f"{HOSTILE} {long}", "api_key": SECRET}, {"query": "q1", "api_key": SECRET}]
    await run_view(view, data)
    summaries = [r["summary"] for r in panel_rows(view)]
    assert summaries[1] == f'query="q1", api_key="{MASK}"'
    assert summaries[0].startswith(f'query="{HOSTILE}') and summaries[0].endswith("…")
    assert "sk-" not in synced_text(view) and SECRET not in repr(view.stats["examples"])


async def test_a_secret_in_an_error_is_masked_in_the_table_and_in_the_opened_example() -> None:
    def leak(state: dict[str, Any]) -> None:
        raise ValueError(f"refused key {state['api_key']}")

    view = BatchView(Graph().add_node("leak", leak).set_entry_point("leak"))
    await view.run([{"api_key": SECRET}])
    [row] = panel_rows(view)
    assert row["error_type"] == "ValueError" and row["error"] == f"refused key {MASK}"
    lab = view.open(0)
    assert "refused key" in lab.panel["error"]["blocks"][1]["pre"] and SECRET not in str(lab.panel)
    assert "refused key" in view._open_panel and SECRET not in synced_text(view)  # the page's copy of it


# -- the heatmap --------------------------------------------------------------------------------


async def test_the_heatmap_numbers_are_the_batch_stats() -> None:
    program = echo_chain_program()
    view = BatchView(program)
    await run_view(view, inputs(10))
    stats = view.model.stats
    heat = view.picture["heat"]
    assert heat["nodes"].keys() == {"answer", "summarize"}
    for name, node in heat["nodes"].items():
        assert node["stats"] == stats.nodes[name].as_dict()
    assert heat["nodes"]["answer"]["stats"]["failures"] == 3 and heat["nodes"]["answer"]["stats"]["visits"] == 10
    # levels: rates on an absolute scale (30% failures: level 2), visits relative to the busiest node
    assert heat["nodes"]["answer"]["levels"]["failure_rate"] == 2
    assert heat["nodes"]["summarize"]["levels"]["failure_rate"] == 0
    assert heat["nodes"]["answer"]["levels"]["visits"] == 5 and heat["nodes"]["summarize"]["levels"]["visits"] == 4
    assert "failure rate 30% (3)" in heat["nodes"]["answer"]["title"]
    drawing = build_drawing(program.graph)
    counted = {drawing.find_edge(s, t, d).id: n for (s, t, d), n in stats.edges.items()}  # type: ignore[union-attr]
    assert {e: v["count"] for e, v in heat["edges"].items()} == counted
    assert set(counted.values()) == {7}  # answer -> summarize and summarize -> END, once per run that got there
    nodes = {row["node"]: row for row in view.panel["nodes"]}
    assert nodes["answer"]["failure_rate"] == "30% (3)" and nodes["answer"]["visits"] == "10"
    assert view.stats["nodes"]["answer"]["failures"] == 3  # plain data
    assert view.to_pandas("nodes").loc["answer", "failures"] == 3


def test_the_model_alone_folds_a_stream_into_json() -> None:
    """BatchModel and its JSON need no widget: a scripted (index, event) stream of contract events is enough."""
    g = Graph().add_node("a", lambda s: None).set_entry_point("a")
    model = BatchModel(2)
    envelope = [{"run_id": f"r{i}", "seq": 0, "ts": 0.0} for i in range(2)]

    def apply(i: int, event_kind: str, ts: float = 0.0, **fields: Any) -> None:
        model.apply(i, {"event": event_kind, **envelope[i], "ts": ts, **fields})
        envelope[i]["seq"] += 1

    for i in range(2):
        apply(i, "run_start", inputs={"q": i})
        apply(i, "node_start", node="a", kind="python", step=1, inputs=None)
    apply(0, "node_end", 0.5, node="a", patch={}, duration=0.5, attempts=1)
    apply(0, "finished", 0.5, output=None, state={"q": 0}, steps=1, duration=0.5)
    model.end("cancelled")
    drawing = build_drawing(g)
    shown = batch_json(model, drawing, TableQuery())
    assert shown["state"] == "cancelled"
    assert shown["progress"]["text"].startswith("cancelled · 1/2 done · 1 cancelled")
    assert [(r["index"], r["status"]) for r in shown["examples"]["rows"]] == [(1, "cancelled"), (0, "finished")]
    assert heat_json(model.stats, drawing, model.state)["heat"]["nodes"]["a"]["stats"]["visits"] == 2
    run = model.run_of(1)
    assert run is not None and run.status == "cancelled" and [v.status for v in run.visits] == ["cancelled"]


# -- opening an example -------------------------------------------------------------------------


def opened_panel(view: BatchView) -> dict[str, Any]:
    """The opened example's panel as the page draws it below the table."""
    return json.loads(view._open_panel)


async def test_a_failing_example_opens_below_the_table() -> None:
    view = BatchView(echo_chain_program(), sample_size=2)
    await run_view(view, inputs(10))
    lab = view.open(4)
    assert isinstance(lab, LabPresenter) and view.opened == 4  # a LabView's presenter: no hidden widget
    assert lab.events == view.model.stats.events_of(4)
    assert lab.run_log.status == "failed" and lab.status == "failed · NodeValidationError in node 'answer'"
    assert opened_panel(view)["head"]["toolbar"]["status"] == lab.status  # what the page draws below
    assert view._open_picture == lab.render().picture and view._open_picture["status"]["answer"] == "failed"
    assert [r["index"] for r in panel_rows(view) if r["open"]] == [4]
    with pytest.raises(ViewError, match="shows a run that already happened"):
        await lab.run(query="again")

    # clicks on the opened example reach its presenter, and its replies come back through the BatchView
    sent: list[dict[str, Any]] = []
    view.send = lambda content, buffers=None: sent.append(content)  # type: ignore[method-assign]
    browser_sends(view, {"type": "select", "node": "answer", "to": "example"})
    assert lab.graph.selected_node == "answer" and view._open_picture["selected"] == "answer"
    handle = next(b["full"] for b in lab.panel["error"]["blocks"] if "full" in b)
    browser_sends(view, {"type": "full-text", "handle": handle, "to": "example"})
    assert sent[-1]["to"] == "example" and "Traceback" in sent[-1]["text"]

    # sample_size=2 of 10 keeps the finished runs 0 and 5 whole; a stale click on 2 does nothing
    browser_sends(view, {"type": "open", "index": 2})
    assert view.opened == 4
    with pytest.raises(ViewError, match="Example 2's events were not kept: it finished and was not sampled"):
        view.open(2)
    browser_sends(view, {"type": "open", "index": 5})  # shown by the same presenter (made with the BatchView)
    assert view.opened == 5 and lab.run_log.status == "finished" and lab.graph.selected_node == ""
    assert opened_panel(view)["head"]["toolbar"]["status"] == lab.status and lab.status.startswith("finished")
    browser_sends(view, {"type": "close-example"})
    assert view.opened is None and view._open_panel == ""
    browser_sends(view, {"type": "select", "node": "answer", "to": "example"})  # nothing shown: nothing to click
    assert lab.graph.selected_node == ""


# -- stopping, the metric, the blocking path ----------------------------------------------------


async def test_stopping_mid_batch_keeps_the_finished_results_and_leaves_nothing_running() -> None:
    blocked: set[int] = set()
    all_busy = asyncio.Event()

    async def hold(state: dict[str, Any]) -> None:
        if state["i"] < 3:
            return
        blocked.add(state["i"])
        if len(blocked) == 2:
            all_busy.set()
        await asyncio.Event().wait()  # until cancelled

    view = BatchView(held_program(hold))
    with dspy.context(lm=garbage_lm()):
        task = view.start([{"query": f"q{i}", "i": i} for i in range(8)], concurrency=2)
        assert view.running and view.panel["stop"]["enabled"]
        await all_busy.wait()  # runs 0-2 have ended: their events are sent, maybe not yet folded
        browser_sends(view, {"type": "stop"})  # the Stop button
        with pytest.raises(asyncio.CancelledError):
            await task
    assert await settle() == set()
    assert not view.running and not view.stop()
    assert {i: r.answer for i, r in view.results.items()} == {0: "A(q0)", 1: "A(q1)", 2: "A(q2)"}
    progress = view.stats["progress"]
    assert (progress["finished"], progress["cancelled"], progress["running"]) == (3, 2, 0)
    assert view.status.startswith("cancelled · 3/8 done · 2 cancelled")
    assert [(r["index"], r["status"]) for r in panel_rows(view)[:2]] == [(3, "cancelled"), (4, "cancelled")]
    assert view.open(3).run_log.status == "cancelled"  # a cancelled run is kept and opens


async def test_the_metric_mean_counts_failures_as_zero_and_shows_in_the_progress() -> None:
    view = BatchView(echo_chain_program())
    await run_view(view, inputs(5), metric=exact)  # q0, q2 score 1; q3 scores 0; 1 and 4 fail
    assert view.model.stats.mean_score == pytest.approx(0.4)
    assert view.status.endswith("mean score 0.400")
    assert "score" in view.panel["examples"]["columns"]
    assert {r["index"]: r["score"] for r in panel_rows(view)} == {1: "", 4: "", 0: "1.00", 2: "1.00", 3: "0.00"}
    no_metric = BatchView(echo_chain_program())
    await run_view(no_metric, inputs(2))
    assert "score" not in no_metric.panel["examples"]["columns"] and "mean score" not in no_metric.status


def test_the_blocking_path_runs_without_a_loop_and_refuses_bad_inputs_first() -> None:
    view = BatchView(echo_chain_program())
    with dspy.context(lm=garbage_lm()):
        outcomes = view.run_blocking(inputs(3), concurrency=2)
        with pytest.raises(TypeError, match="Batch input 1 is a str"):
            view.run_blocking([{"query": "a"}, "b"])
    assert [type(o).__name__ for o in outcomes] == ["Summary", "NodeValidationError", "Summary"]
    assert view.model.state == "finished" and view.model.stats.total == 3  # the refused batch replaced nothing
    with pytest.raises(TypeError, match="BatchView runs a dspyer_lab Graph or compiled program, got builtins.str"):
        BatchView("program")


# -- %%dspyer --batch -----------------------------------------------------------------------------

CELL = """
from dspyer_lab import AgentTranspiler
program = AgentTranspiler.compile(graph, output_model=Summary)
"""


@pytest.fixture
def shell(shell: Any) -> Any:
    """The shared shell (conftest.py) with what the batch cells name."""
    from core_helpers import Summary, chain_graph

    shell.user_ns.update(graph=chain_graph(), Summary=Summary, lm=garbage_lm(), examples=inputs(4), exact=exact,
                         not_a_list={"query": "q"}, not_callable=3)
    return shell


def test_the_batch_magic_runs_the_cells_program_over_a_list(shell: Any) -> None:
    shell.run_cell_magic("dspyer", "--batch examples --metric exact --concurrency 2 --lm scripted --out scored", CELL)
    view = shell.user_ns["dspyer_view"]
    assert isinstance(view, BatchView) and view.model.state == "finished"
    outcomes = [type(o).__name__ for o in shell.user_ns["scored"]]
    assert outcomes == ["Summary", "NodeValidationError", "Summary", "Summary"]
    assert view.batch is not None and view.batch.concurrency == 2
    assert view.status.startswith("finished · 4/4 done · 1 failed") and view.status.endswith("mean score 0.500")
    assert shell.user_ns["dspyer_program"] is shell.user_ns["program"]


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("--batch nowhere --lm scripted", "--batch nowhere: no such variable"),
        ("--batch not_a_list --lm scripted", "--batch not_a_list: expected a list of dicts or dspy.Examples, got dict"),
        ("--batch examples --metric missing --lm scripted", "--metric missing: no such variable"),
        ("--batch examples --metric not_callable",
         "--metric not_callable: expected a function metric(example, prediction), got int"),
        ("--concurrency 3", "--concurrency needs --batch NAME"),
        ("--metric exact", "--metric needs --batch NAME"),
        ("--batch examples -i query=x", "--batch examples runs over that list's inputs: drop -i"),
        ("--batch '[1]'", "--batch expects a variable name, got '[1]'"),
        ("--batch examples --concurrency 0", "invalid integer >= 1 value: '0'"),
    ],
)
def test_bad_batch_flags_fail_the_cell_with_one_line(shell: Any, line: str, message: str) -> None:
    with pytest.raises(UsageError, match=message.replace("(", r"\(").replace(")", r"\)").replace("[", r"\[")):
        shell.run_cell_magic("dspyer", line, CELL)


async def test_the_batch_magic_in_the_background_binds_the_outcomes_when_awaited(shell: Any) -> None:
    shell.run_cell_magic("dspyer", "--batch examples --lm scripted --background", CELL)
    view, task = shell.user_ns["dspyer_view"], shell.user_ns["dspyer_task"]
    assert isinstance(view, BatchView) and view.running and view.panel["stop"]["enabled"]
    outcomes = await task
    assert [type(o).__name__ for o in outcomes] == ["Summary", "NodeValidationError", "Summary", "Summary"]
    assert shell.user_ns["result"] is outcomes and not view.running
    assert await settle() == set()
