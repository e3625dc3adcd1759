"""The lab on parallel runs (issue 21): real engine runs folded by the RunModel and shown by the presenters.

One research graph over `ScriptedLM`: `plan` fans out to two LLM searches (their calls in flight together), a
join runs `collect` once both are done, and its router maps `summarize` over what they found with `Send`;
`notes` are merged by `operator.add`. What a user sees is asserted: statuses, a map's progress, the state at
each superstep, waterfall lanes, a map's instances in the node tab, the paused and "Run from here" texts,
and a batch's heat and its failing instance.
"""

from __future__ import annotations

import asyncio
import operator
import re
from typing import Annotated, Any

import dspy
from pydantic import BaseModel

from dspyer_lab import AgentTranspiler, Graph, ScriptedLM, Send, StatefulNode
from dspyer_lab.lab.dot import build_drawing, render_svg
from dspyer_lab.lab.model.presenter import LabPresenter
from dspyer_lab.lab.model.presenter_batch import BatchPresenter
from dspyer_lab.lab.model.runmodel import RunModel

from core_helpers import by_kind, collect

BAD = "docs: unreadable"


class Query(BaseModel):
    query: str


class WebHits(BaseModel):
    web: list[str]
    notes: Annotated[list[str], operator.add]


class DocHits(BaseModel):
    docs: list[str]
    notes: Annotated[list[str], operator.add]


class Report(BaseModel):
    notes: Annotated[list[str], operator.add]


async def summarize(state: dict[str, Any]) -> dict[str, Any]:
    """One document's note; when the list holds an unreadable one, it fails and the others wait to be cancelled."""
    if state["doc"] == BAD:
        await asyncio.sleep(0)  # the instances after it start meanwhile
        raise ValueError(f"cannot read {state['doc']!r}")
    if BAD in state["found"]:
        await asyncio.Event().wait()
    return {"notes": [f"N({state['doc']})"]}


def program() -> Any:
    g = Graph().add_node("plan", lambda state: None, inline=True)
    g.add_node(StatefulNode("search_web", Query, WebHits)).add_node(StatefulNode("search_docs", Query, DocHits))
    g.add_node("collect", lambda state: {"found": state["web"] + state["docs"]}, inline=True)
    g.add_node("summarize", summarize)
    g.add_edge("plan", "search_web").add_edge("plan", "search_docs")
    g.add_edge(["search_web", "search_docs"], "collect")
    g.add_conditional_edges("collect", lambda state: [Send("summarize", {"doc": d}) for d in state["found"]],
                            ["summarize"])
    return AgentTranspiler.compile(g.set_entry_point("plan"), Report)


def scripted(docs: tuple[str, ...] = ("docs: safety",)) -> ScriptedLM:
    return ScriptedLM({
        "search_web": {"web": ["web: farms", "web: costs"], "notes": ["searched the web"]},
        "search_docs": {"docs": list(docs), "notes": ["searched the docs"]},
    }, latency=0.05)


async def run_events(docs: tuple[str, ...] = ("docs: safety",)) -> list[dict[str, Any]]:
    with dspy.context(lm=scripted(docs)):
        events, _ = await collect(program().astream(query="tides"))
    return events


def after(events: list[dict[str, Any]], test: Any, nth: int = 1) -> int:
    """How many events there are up to and including the `nth` one that passes `test`."""
    seen = 0
    for i, event in enumerate(events):
        seen += bool(test(event))
        if seen == nth:
            return i + 1
    raise AssertionError("no such event")


# -- the run model ------------------------------------------------------------------------------


async def test_folding_a_run_gives_the_engines_state_after_each_superstep_and_each_visit_its_own_view() -> None:
    events = await run_events()
    run = RunModel.replay(events)
    assert run.status == "finished" and run.state == events[-1]["state"]
    fan_out, mapped = (i + 1 for i, e in enumerate(events) if e["event"] == "merge")
    for node, merged in (("search_web", fan_out), ("summarize", mapped)):  # the engine's state after that superstep
        with dspy.context(lm=scripted()):
            paused, _ = await collect(program().astream(query="tides", _interrupt_after=[node]))
        assert run.at(merged).state == paused[-1]["checkpoint"]["state"], node
    # the searches' notes merged by the reducer in the order they started, whichever ended first
    assert run.at(fan_out).state["notes"] == ["searched the web", "searched the docs"]
    assert run.at(mapped).state == events[-1]["state"]  # the map's merge: nothing is written after it
    assert run.at(mapped).state["notes"] == ["searched the web", "searched the docs",
                                             "N(web: farms)", "N(web: costs)", "N(docs: safety)"]
    web, docs = run.visits_of("search_web")[0], run.visits_of("search_docs")[0]
    assert web.state_before is docs.state_before and "notes" not in web.state_before  # both read the same state
    assert web.state_after is not None and web.state_after["notes"] == ["searched the web"]  # its own writes
    assert web.changed_keys == ["web", "notes"]
    for k in range(len(events) + 1):  # a seek is the replay of the first k events
        assert run.at(k).state == RunModel.replay(events[:k]).state, k
        assert run.at(k).node_status() == RunModel.replay(events[:k]).node_status(), k


async def test_two_instances_open_at_once_are_two_running_visits() -> None:
    events = await run_events()
    both = after(events, lambda e: e["event"] == "node_start" and e["node"] == "search_docs")
    assert not any(e["event"] == "node_end" and e["node"].startswith("search") for e in events[:both])
    run = RunModel.replay(events).at(both)
    assert [(v.node, v.status) for v in run.visits[-2:]] == [("search_web", "running"), ("search_docs", "running")]
    assert run.node_status()["search_web"] == run.node_status()["search_docs"] == "running"
    calls = after(events, lambda e: e["event"] == "lm_call", 2)
    ended = RunModel.replay(events).at(calls)
    assert [len(v.calls) for v in ended.visits[-2:]] == [1, 1]  # each call went to its own instance


async def test_a_failing_instance_fails_and_its_cancelled_siblings_are_cancelled() -> None:
    events = await run_events(("docs: safety", BAD))
    assert events[-1]["event"] == "error" and events[-1]["index"] == 3
    run = RunModel.replay(events)
    instances = run.instances("summarize")
    assert [(v.instance, v.status) for v in instances] == [(0, "cancelled"), (1, "cancelled"), (2, "cancelled"),
                                                          (3, "failed")]
    assert instances[3].error == "cannot read 'docs: unreadable'" and run.failed_visit is instances[3]
    assert [v.inputs["doc"] for v in instances] == ["web: farms", "web: costs", "docs: safety", BAD]  # state + its Send
    assert "doc" not in instances[3].state_before  # the shared state: the Send's arg is the instance's own
    assert run.node_status()["summarize"] == "failed" and run.progress(["summarize"]) == {"summarize": (0, 4)}
    assert run.state == events[-1]["state"] and "notes" in run.state  # the state before the map's superstep


# -- what the lab shows ---------------------------------------------------------------------------


async def test_the_graph_shows_a_maps_progress_its_send_edge_and_the_join() -> None:
    presenter: LabPresenter[Any] = LabPresenter(program())
    with dspy.context(lm=scripted()):
        await presenter.run(query="tides")
    drawing = presenter.graph.drawing
    assert drawing.joins == {"j0": "collect waits for search_web and search_docs"}
    joined = [e for e in drawing.edges if e.kind == "join"]
    assert [(e.source, e.target, e.join) for e in joined] == [("search_web", "collect", "j0"),
                                                            ("search_docs", "collect", "j0")]
    assert "j0 -> n3" in drawing.source and "n1 -> j0" in drawing.source  # the sources meet, then one edge on
    picture = presenter.render().picture
    assert all(picture["path"].get(e.id) == 1 for e in joined)  # the join fired once: it waited for both
    assert picture["progress"]["summarize"]["text"] == "3/3" and picture["status"]["summarize"] == "done"
    first, *lines = picture["progress"]["summarize"]["hint"].splitlines()  # the hover text of "3/3 done"
    assert first == "summarize: 3/3 done" and [line.split(" · ")[0] for line in lines] == ["#0 done", "#1 done", "#2 done"]
    assert set(picture["progress"]) == {"summarize"}  # no other node ran twice in one superstep
    send = drawing.find_edge("collect", "summarize", None)
    assert send is not None and picture["sends"] == {send.id: 3}
    still = presenter.graph.to_svg()  # the picture kept in the notebook says the same
    assert 'data-progress="3/3"' in still and ">3/3 done</text>" in still and ">Send ×3</text>" in still
    assert "<title>collect waits for search_web and search_docs</title>" in still
    assert re.search(r'class="edge dl-join-out j0" data-path="true"', still)  # from the junction on to collect

    events = presenter.events
    two_done = after(events, lambda e: e["event"] == "node_end" and e["node"] == "summarize", 2)
    presenter.handle({"type": "seek", "step": two_done})
    picture = presenter.render().picture
    assert picture["progress"]["summarize"]["text"] == "2/3" and picture["status"]["summarize"] == "running"
    searching = after(events, lambda e: e["event"] == "node_start" and e["node"] == "search_docs")
    presenter.handle({"type": "seek", "step": searching})
    shown = presenter.render()
    assert shown.picture["status"]["search_web"] == shown.picture["status"]["search_docs"] == "running"
    assert shown.head["toolbar"]["status"].startswith("replaying superstep 2 of 4 (3 of 7 visits)")


async def test_the_waterfall_packs_overlapping_searches_in_two_lanes_and_a_click_selects_a_bar() -> None:
    presenter: LabPresenter[Any] = LabPresenter(program())
    with dspy.context(lm=scripted()):
        await presenter.run(query="tides")
    presenter.open_tab("waterfall")
    shown = presenter.render().tab
    bars = {(b["node"], b["task"]): b for b in shown["bars"]}
    web, docs = bars[("search_web", "2.0")], bars[("search_docs", "2.1")]
    assert web["lane"] != docs["lane"] and docs["start"] < web["end"] and web["start"] < docs["end"]
    assert bars[("plan", "1.0")]["lane"] == bars[("collect", "3.0")]["lane"] == 0  # one after another: one lane
    assert [lane["label"] for lane in shown["lanes"]][:2] == ["lane 1", "lane 2"]
    assert [c["outcome"] for c in docs["calls"]] == ["answer"]
    waiting, other = presenter.run_log.model_time_split()  # the two calls in flight together count once
    assert waiting < presenter.run_log.call_totals.model_time and other is not None and other > 0
    presenter.handle({"type": "select", "visit": docs["visit"]})
    assert presenter.render().tab["selected"] == docs["visit"] and presenter.selected_node == "search_docs"


async def test_the_node_tab_lists_a_maps_instances_and_a_click_selects_the_failed_one() -> None:
    presenter: LabPresenter[Any] = LabPresenter(program())
    with dspy.context(lm=scripted((BAD, "docs: safety"))):  # the third instance fails, the fourth started after it
        await asyncio.gather(presenter.run(query="tides"), return_exceptions=True)
    assert "instance #2" in presenter.panel["node"]["blocks"][0]["facts"]  # the failed one, not the newest visit
    presenter.handle({"type": "select", "node": "summarize"})
    blocks = presenter.render().tab["blocks"]
    (rows,) = [b["instances"] for b in blocks if "instances" in b]
    assert [(r["label"], r["status"]) for r in rows] == [("#0", "cancelled"), ("#1", "cancelled"),
                                                         ("#2", "failed"), ("#3", "cancelled")]
    assert rows[2]["failure"] == "cannot read 'docs: unreadable'" and rows[2]["selected"]
    assert {"title": "Instances in step 4: 0/4 done"} in blocks
    presenter.handle({"type": "select", "visit": rows[3]["visit"]})  # a click on another instance shows it
    assert presenter.render().tab["blocks"][0]["facts"][:4] == ["summarize (python)", "visit 4", "instance #3",
                                                                "step 4"]
    presenter.handle({"type": "select", "visit": rows[2]["visit"]})
    tab = presenter.render().tab
    assert tab["blocks"][0]["facts"][:3] == ["summarize (python)", "visit 3", "instance #2"]
    assert "failed" in tab["blocks"][0]["facts"]
    inputs = next(b["table"]["rows"] for b in tab["blocks"] if "table" in b)
    assert ["doc", BAD] in inputs  # what this instance read: the state and its Send's arg
    assert presenter.render().picture["status"]["summarize"] == "failed"
    hint = presenter.render().picture["progress"]["summarize"]["hint"]
    assert "#2 failed: cannot read 'docs: unreadable'" in hint and "#3 cancelled" in hint


async def test_a_pause_before_a_map_says_which_instances_run_next_and_run_from_here_names_the_superstep() -> None:
    presenter: LabPresenter[Any] = LabPresenter(program())
    presenter.toggle_breakpoint("summarize")
    with dspy.context(lm=scripted()):
        await presenter.run(query="tides")
    paused = presenter.render().head["debug"]["paused"]
    assert paused["node"] == "summarize" and paused["note"] == "next: 'summarize' ×3"
    presenter.toggle_breakpoint("summarize")
    with dspy.context(lm=scripted()):
        await presenter.resume()
    assert presenter.run_log.status == "finished"

    events = presenter.events
    routed = after(events, lambda e: e["event"] == "route" and e["source"] == "collect", 3)
    presenter.handle({"type": "seek", "step": routed})
    fork = presenter.render().head["debug"]["fork"]
    assert fork["note"] == "from after superstep 3: 'summarize' ×3 run next"
    one_done = after(events, lambda e: e["event"] == "node_end" and e["node"] == "summarize", 1)
    presenter.handle({"type": "seek", "step": one_done})
    fork = presenter.render().head["debug"]["fork"]
    assert fork["note"] == "from after superstep 3: 'summarize' ×3 run next (1 of them ran already: summarize #0)"

    with dspy.context(lm=scripted()):  # a fork after superstep 3 runs the map again, after all of its routes
        await presenter.fork(step=3, update={"notes": []})
    forked = presenter.run_log
    assert [e["node"] for e in by_kind(forked.events, "node_start")] == ["summarize"] * 3
    assert forked.status == "finished" and forked.state["notes"] == ["N(web: farms)", "N(web: costs)", "N(docs: safety)"]


async def test_a_batch_counts_every_instance_and_opening_a_failed_example_selects_its_failed_instance() -> None:
    batch = BatchPresenter(program())
    inputs = [{"query": "tides"}, {"query": "waves"}]

    def docs_for(inputs: dict[str, Any]) -> dict[str, Any]:
        found = ["docs: safety", BAD] if inputs["query"] == "waves" else ["docs: safety"]
        return {"docs": found, "notes": ["searched the docs"]}

    lm = ScriptedLM({"search_web": {"web": ["web: farms", "web: costs"], "notes": ["searched the web"]},
                     "search_docs": docs_for})
    with dspy.context(lm=lm):
        await batch.launch(inputs, None, 2, {})
    heat = batch.render().picture["heat"]["nodes"]
    assert heat["summarize"]["stats"]["visits"] == 3 + 4 and heat["collect"]["stats"]["visits"] == 2
    assert heat["summarize"]["title"].startswith("summarize: 7 visit(s)")
    lab = batch.open(1)
    tab = lab.render().tab if lab.tab_shown == "node" else {"blocks": lab.panel["node"]["blocks"]}
    facts = tab["blocks"][0]["facts"]
    assert facts[0] == "summarize (python)" and "instance #3" in facts and "failed" in facts
    assert by_kind(lab.events, "error")[0]["index"] == 3


def test_a_join_of_hostile_names_is_drawn_with_its_names_as_text() -> None:
    names = ['a"><script>x</script>', "b & {c}"]
    g = Graph().add_node("start", lambda state: None)
    for name in [*names, "w <w>"]:
        g.add_node(name, lambda state: None)
    g.add_edge("start", names[0]).add_edge("start", names[1]).add_edge(names, "w <w>").set_entry_point("start")
    drawing = build_drawing(g)
    assert drawing.joins == {"j0": 'w <w> waits for a"><script>x</script> and b & {c}'}
    still = render_svg(drawing)
    assert "<script>" not in still and "waits for a&quot;&gt;&lt;script&gt;x&lt;/script&gt; and b &amp; {c}" in still


async def test_a_maps_instances_waiting_for_a_slot_count_in_its_progress() -> None:
    async def work(state: dict[str, Any]) -> dict[str, Any]:
        await asyncio.sleep(0)
        return {"notes": [str(state["i"])]}

    g = Graph().add_node("fan", lambda state: None, inline=True).add_node("work", work)
    g.add_conditional_edges("fan", lambda state: [Send("work", {"i": i}) for i in range(5)], ["work"])
    events, _ = await collect(AgentTranspiler.compile(g.set_entry_point("fan"), Report, max_concurrency=2).astream())
    run = RunModel.replay(events)
    first = after(events, lambda e: e["event"] == "node_end" and e["node"] == "work")
    early = run.at(first)
    assert len(early.instances("work")) < 5  # two run at a time: the others have not started
    assert early.progress(["work"]) == {"work": (1, 5)} and early.node_status()["work"] == "running"
    assert run.progress(["work"]) == {"work": (5, 5)} and run.node_status()["work"] == "done"


async def test_a_long_map_lists_its_failed_instance_first_in_the_hover_text_and_the_node_tab() -> None:
    async def work(state: dict[str, Any]) -> dict[str, Any]:
        if state["i"] == 240:
            raise ValueError("item 240 is bad")
        await asyncio.Event().wait()
        return {}

    g = Graph().add_node("fan", lambda state: None, inline=True).add_node("work", work)
    g.add_conditional_edges("fan", lambda state: [Send("work", {"i": i}) for i in range(250)], ["work"])
    presenter: LabPresenter[Any] = LabPresenter(AgentTranspiler.compile(g.set_entry_point("fan")))
    await asyncio.gather(presenter.run(), return_exceptions=True)
    hint = presenter.render().picture["progress"]["work"]["hint"].splitlines()
    assert hint[0] == "work: 0/250 done" and len(hint) == 1 + 30 + 1
    assert "#240 failed: item 240 is bad" in hint and hint[-1].startswith("… and 220 more")
    presenter.handle({"type": "select", "node": "work"})
    blocks = presenter.render().tab["blocks"]
    (rows,) = [b["instances"] for b in blocks if "instances" in b]
    assert len(rows) == 200 and rows[-1]["label"] == "#240" and rows[-1]["selected"]
    assert {"title": "Instances in step 2: 0/250 done (200 listed: the failed ones first)"} in blocks


class Doc(BaseModel):
    doc: str


async def test_a_retry_inside_a_map_belongs_to_its_instance_and_shows_in_its_bar() -> None:
    asked: dict[str, int] = {}

    def note(inputs: dict[str, Any]) -> Any:
        asked[inputs["doc"]] = asked.get(inputs["doc"], 0) + 1
        return "no fields here" if inputs["doc"] == "b" and asked["b"] == 1 else {"notes": [inputs["doc"]]}

    g = Graph().add_node("fan", lambda state: None, inline=True).add_node(StatefulNode("note", Doc, Report))
    g.add_conditional_edges("fan", lambda state: [Send("note", {"doc": d}) for d in state["docs"]], ["note"])
    presenter: LabPresenter[Any] = LabPresenter(AgentTranspiler.compile(g.set_entry_point("fan"), Report))
    with dspy.context(lm=ScriptedLM({"note": note}, latency=0.02)):
        result = await presenter.run(docs=["a", "b", "c"])
    assert result.notes == ["a", "b", "c"]
    a, b, c = presenter.run_log.instances("note")
    assert ([len(v.failures) for v in (a, b, c)], [len(v.calls) for v in (a, b, c)]) == ([0, 1, 0], [1, 2, 1])
    presenter.open_tab("waterfall")
    bars = {bar["visit"]: bar for bar in presenter.render().tab["bars"]}
    assert [c["outcome"] for c in bars[b.index]["calls"]] == ["rejected", "answer"]
    assert "note · visit 2 · #1" in bars[b.index]["hint"] and "1 rejected answer" in bars[b.index]["hint"]
    presenter.handle({"type": "select", "visit": b.index})
    presenter.open_tab("validation")
    assert presenter.render().tab["scope"] == "1 rejected answer(s) of node 'note' (visit 2)"


async def test_a_stream_that_raises_without_an_error_event_fails_one_instance_and_cancels_the_others() -> None:
    events = await run_events()
    both = after(events, lambda e: e["event"] == "node_start" and e["node"] == "search_docs")
    run = RunModel.replay(events[:both])
    run.apply(run.error_event(RuntimeError("the stream broke")))
    web, docs = run.visits[-2:]
    assert (web.status, docs.status, run.failed_visit) == ("failed", "cancelled", web)


async def test_a_secret_in_a_sends_arg_never_reaches_the_page_or_a_saved_run(tmp_path: Any) -> None:
    secret = "sk-parallel-0123456789abcdef"
    g = Graph().add_node("fan", lambda state: None, inline=True)
    g.add_node("use", lambda state: {"used": [len(state["api_key"])]})
    g.add_conditional_edges("fan", lambda state: [Send("use", {"api_key": secret}) for _ in range(2)], ["use"])

    class Used(BaseModel):
        used: Annotated[list[int], operator.add]

    presenter: LabPresenter[Any] = LabPresenter(AgentTranspiler.compile(g.set_entry_point("fan"), Used))
    await presenter.run()
    assert any(e["event"] == "route" and e.get("send_arg") == {"api_key": secret} for e in presenter.events)
    assert presenter.run_log.state["used"] == [len(secret)] * 2
    for i, event in enumerate(presenter.events):  # every event picked in the timeline, in every tab
        presenter.select(event=i)
        for tab in ("node", "result", "waterfall"):
            presenter.open_tab(tab)
            assert secret not in repr(presenter.render()), (event["event"], tab)
    saved = presenter.save(tmp_path / "run.json")
    assert secret not in saved.read_text()
