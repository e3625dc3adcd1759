"""One typed event contract: every kind the engine and a batch make is built by the real engine,
fits its TypedDict in `dspyer_lab.core.events` (the same one that validates files and logs), and
round-trips through a saved run file; the engine's `make` overloads and docs/events.md agree with it."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import dspy
from typing_extensions import get_args, get_overloads, get_type_hints

from dspyer_lab import END, AgentTranspiler, Checkpoint, Graph, HumanNode, ScriptedLM, StatefulNode
from dspyer_lab.core.events import BATCH_EVENT_KINDS, EVENT_KINDS, EVENT_TYPES, Envelope, RunEvents, kind_of
from dspyer_lab.core.eventschema import validate_event
from dspyer_lab.lab.model.presenter import LabPresenter
from dspyer_lab.lab.model.runfile import read_run, write_run
from dspyer_lab.lab.model.runmodel import RunModel

from core_helpers import Question, Scored, collect, echo_chain_program, echo_script

DOCS = Path(__file__).resolve().parent.parent / "docs" / "events.md"
ENVELOPE = set(get_type_hints(Envelope)) | {"event"}


def keys(kind: str) -> tuple[set[str], set[str]]:
    """(every key, the required keys) of `kind`'s TypedDict."""
    event_type = EVENT_TYPES[kind]
    return set(get_type_hints(event_type)), set(event_type.__required_keys__)  # type: ignore[attr-defined]


def program() -> Any:
    """rate (LLM, self-corrects once) -> Python router -> check (Python: raises on answer "boom") -> END."""

    def check(state: dict[str, Any]) -> dict[str, Any]:
        if state["answer"] == "boom":
            raise ValueError("the answer exploded")
        return {"checked": True}

    g = Graph()
    g.add_node(StatefulNode("rate", Question, Scored))
    g.add_node("check", check)
    g.add_conditional_edges("rate", lambda state: "ok" if state["score"] <= 10 else "bad", {"ok": "check", "bad": END})
    g.add_edge("check", END)
    g.set_entry_point("rate")
    return AgentTranspiler.compile(g)


def fan_out() -> Any:
    """split -> (left, right) in one superstep -> END: two tasks, so a merge."""
    g = Graph().add_node("split", lambda state: None, inline=True)
    g.add_node("left", lambda state: {"l": 1}, inline=True).add_node("right", lambda state: {"r": 2}, inline=True)
    g.add_edge("split", "left").add_edge("split", "right").set_entry_point("split")
    return AgentTranspiler.compile(g)


def reviewed() -> Any:
    """review (a person's step: the query's score) -> END: a question, a wrong answer, a right one."""
    g = Graph().add_node(HumanNode("review", Question, Scored, prompt="Rate the question")).add_edge("review", END)
    return AgentTranspiler.compile(g.set_entry_point("review"))


async def asked_run() -> list[dict[str, Any]]:
    """A run of `reviewed()` as one file holds it: paused at the question, a rejected answer, the accepted one."""
    prog = reviewed()
    asked, _ = await collect(prog.astream(query="q"))
    rejected, _ = await collect(prog.astream(_resume=asked[-1]["checkpoint"], _answer={"answer": "a", "score": 99}))
    accepted, error = await collect(prog.astream(_resume=rejected[-1]["checkpoint"], _answer={"answer": "a", "score": 9}))
    assert error is None and accepted[-1]["event"] == "finished"
    return asked + rejected + accepted


def scripted() -> ScriptedLM:
    return ScriptedLM({"rate": [{"answer": "a", "score": 99}, {"answer": "a", "score": 7}]})


async def engine_runs() -> list[list[dict[str, Any]]]:
    """The runs that make every kind of a run's events, each as one file would hold it.

    1. streamed tokens (no lm_call, so the file keeps them), a self-correction, a route, a pause before `check`,
       then its resume with an update that makes `check` fail;
    2. a fork of that run after `run_start` (model calls on): lm_call, a self-correction again, finished;
    3. a fan-out: two tasks in one superstep, merged;
    4. a person's step asked, answered wrongly (validation_error with errors), then rightly (answer events).
    """
    prog = program()
    with dspy.context(lm=scripted()):
        paused, error = await collect(
            prog.astream(query="q", _stream_tokens=True, _lm_calls=False, _interrupt_before=["check"])
        )
        assert error is None and paused[-1]["event"] == "paused"
        failed, error = await collect(prog.astream(_resume=paused[-1]["checkpoint"], _update={"answer": "boom"}))
        assert isinstance(error, ValueError) and failed[-1]["event"] == "error"
        fork, error = await collect(
            prog.astream(_resume=Checkpoint.from_events(paused, 1), _fork=True, _update={"query": "again"})
        )
        assert error is None and fork[-1]["event"] == "finished"
    fanned, error = await collect(fan_out().astream())
    assert error is None
    return [paused + failed, fork, fanned, await asked_run()]


async def batch_run() -> list[dict[str, Any]]:
    """One batch run whose model client is rate limited once (model_retry) and that is scored (score)."""
    script = ScriptedLM(echo_script())
    calls = {"n": 0}

    class RateLimitedOnce:  # DSPy's engine protocol, sync only: the first request gets a 429
        def complete(self, request: Any) -> Any:
            calls["n"] += 1
            if calls["n"] == 1:
                raise dspy.lm15.RateLimitError("slow down", retry_after=0)
            return script._respond(request)

    lm = dspy.LM("scripted/sync-only", cache=False, num_retries=2, engine=RateLimitedOnce())
    with dspy.context(lm=lm):
        batch = echo_chain_program().new_batch([{"query": "a"}], metric=lambda example, prediction: 1.0)
        return [event async for _, event in batch.events()]


async def test_the_engine_makes_every_kind_each_fits_its_typeddict_and_round_trips_through_a_file(
    tmp_path: Path,
) -> None:
    runs = [*await engine_runs(), await batch_run()]
    events = [e for run in runs for e in run]
    assert {e["event"] for e in events} == set(EVENT_TYPES) == set(EVENT_KINDS) | set(BATCH_EVENT_KINDS)
    for i, event in enumerate(events):
        assert validate_event(event, f"event {i}") is None
        every, required = keys(event["event"])
        assert required <= set(event) <= every, event["event"]
    fork_start = runs[1][0]
    assert fork_start["parent_run_id"] == runs[0][0]["run_id"] and fork_start["parent_step"] == 0
    graphs = [program().graph, program().graph, fan_out().graph, reviewed().graph, echo_chain_program().graph]
    for n, (run, graph) in enumerate(zip(runs, graphs)):
        path = write_run(tmp_path / f"run{n}.json", graph, run, None, None)
        assert read_run(path).events == run


async def test_every_kind_the_engine_makes_passes_the_check_of_a_watched_stream_and_folds_the_same() -> None:
    """What `watch` checks (a foreign stream) is what the engine makes: its events pass, copied, and the view's
    run model is the one the fold makes of the engine's own events."""
    runs = [*await engine_runs(), await batch_run()]
    for run, graph in zip(runs, [program(), program(), fan_out(), reviewed(), echo_chain_program()]):
        view = LabPresenter(graph)
        watched = await view.watch(run)
        own = RunModel.replay(run)
        assert watched.events == run and all(a is not b for a, b in zip(watched.events, run))
        assert (watched.status, watched.node_status(), watched.path()) == (own.status, own.node_status(), own.path())


def test_each_make_overload_takes_exactly_its_kinds_fields() -> None:
    """`RunEvents.make(kind, **fields)` is typed per kind: mypy checks the engine's calls against these."""
    made = set()
    for overload in get_overloads(RunEvents.make):
        hints = get_type_hints(overload)
        kind = get_args(hints["kind"])[0]
        fields = get_args(hints["fields"])[0]  # Unpack[...Fields]
        assert kind_of(hints["return"]) == kind and hints["return"] is EVENT_TYPES[kind]
        assert set(get_type_hints(fields)) == keys(kind)[0] - ENVELOPE, kind
        made.add(kind)
    assert made == set(EVENT_TYPES)


def documented_kinds() -> dict[str, str]:
    """Kind -> its row's text, from the tables of docs/events.md."""
    rows = re.findall(r"^\| `(\w+)` \| (.+) \|$", DOCS.read_text(encoding="utf-8"), re.M)
    return dict(rows)


def test_the_docs_tables_list_every_kind_with_every_key() -> None:
    documented = documented_kinds()
    assert set(documented) == set(EVENT_TYPES)
    for kind, text in documented.items():
        named = set(re.findall(r"`(\w+)`", text))
        missing = keys(kind)[0] - ENVELOPE - named
        assert not missing, f"docs/events.md's {kind} row does not name {sorted(missing)}"

