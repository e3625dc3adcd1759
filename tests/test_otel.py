"""OpenTelemetry export (`dspyer_lab.otel`): a run's events become a trace a team's backend can read.

What a user relies on: the span tree (a run, its node visits, their model calls, sibling spans for a map's
instances), the GenAI attributes a backend keys on (model, tokens), the run's own times (exported after the fact),
error status on failure, secrets masked and prompts exported only when asked. The last test sends a run over
OTLP/HTTP to a real receiver (Arize Phoenix's local server, started on loopback) and reads it back through its API.
"""

from __future__ import annotations

import importlib.metadata
import json
import operator
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

import dspy
import pytest
from pydantic import BaseModel, field_validator

from dspyer_lab import AgentTranspiler, Graph, ScriptedLM, Send, StatefulNode

from core_helpers import by_kind, collect

ROOT = Path(__file__).resolve().parents[1]
SECRET = "sk-live-4f9a7c2e1b"
QUESTION = "What hunts at night?"


class Question(BaseModel):
    question: str


class Rated(BaseModel):
    answer: str
    score: int

    @field_validator("score")
    @classmethod
    def at_most_ten(cls, v: int) -> int:
        if v > 10:
            raise ValueError("score must be at most 10")
        return v


class Keyed(BaseModel):
    question: str
    api_key: str


class Doc(BaseModel):
    doc: str


class Notes(BaseModel):
    notes: Annotated[list[str], operator.add]  # each instance adds its note


BAD = "[[ ## answer ## ]]\nOwls hunt at night.\n\n[[ ## score ## ]]\n99\n\n[[ ## completed ## ]]"
GOOD = {"answer": "Owls, mostly.", "score": 7}


@pytest.fixture
def exporter() -> Iterator[Any]:
    """An SDK tracer provider that keeps finished spans in memory (the `provider` attribute)."""
    pytest.importorskip("opentelemetry.sdk", reason='the otel extra is not installed (pip install "dspyer-lab[otel]")')
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import SimpleSpanProcessor
    from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

    memory = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(memory))
    memory.provider = provider  # type: ignore[attr-defined]
    yield memory
    provider.shutdown()


def export(events: list[dict[str, Any]], exporter: Any, **options: Any) -> dict[str, Any]:
    """Export `events` and return the spans by name (a list for names that repeat)."""
    from dspyer_lab.otel import export_run

    export_run(events, exporter.provider, **options)
    spans: dict[str, Any] = {}
    for span in exporter.get_finished_spans():
        spans.setdefault(span.name, []).append(span)
    return {name: found[0] if len(found) == 1 else found for name, found in spans.items()}


def all_text(exporter: Any) -> str:
    """Every attribute and span event of every exported span, as one text (to search for what must not be there)."""
    parts = []
    for span in exporter.get_finished_spans():
        parts.append(json.dumps({"name": span.name, "attributes": dict(span.attributes), "status": str(span.status.description),
                                 "events": [[e.name, dict(e.attributes)] for e in span.events]}, default=str, ensure_ascii=False))
    return "\n".join(parts)


def ns(ts: float) -> int:
    return int(ts * 1e9)


async def rated_run(question: str = QUESTION) -> list[dict[str, Any]]:
    """The `rate` node answers out of range once, then correctly: one visit, two model calls."""
    g = Graph().add_node(StatefulNode("rate", Question, Rated)).set_entry_point("rate")
    with dspy.context(lm=ScriptedLM({"rate": [BAD, GOOD]})):
        events, error = await collect(AgentTranspiler.compile(g, output_model=Rated).astream(question=question))
    assert error is None
    return events


async def test_a_run_with_a_retry_is_a_run_span_over_its_node_visit_over_its_two_chat_calls(exporter: Any) -> None:
    events = await rated_run()
    spans = export(events, exporter, program="rater")
    run, rate, chats = spans["invoke_agent rater"], spans["rate"], spans["chat scripted/offline"]
    assert run.parent is None and rate.parent.span_id == run.context.span_id
    assert [c.parent.span_id for c in chats] == [rate.context.span_id] * 2
    assert {s.context.trace_id for s in (run, rate, *chats)} == {run.context.trace_id}
    assert run.attributes["gen_ai.operation.name"] == "invoke_agent" and run.attributes["gen_ai.agent.name"] == "rater"
    assert run.attributes["dspyer.run.id"] == events[0]["run_id"] and run.attributes["dspyer.run.status"] == "finished"
    assert run.attributes["dspyer.run.input_fields"] == ("question",)
    assert (rate.attributes["dspyer.node.kind"], rate.attributes["dspyer.step"], rate.attributes["dspyer.attempts"]) == (
        "llm", 1, 2)
    (failure,) = rate.events  # the rejected first answer, with what the validator said
    assert failure.name == "dspyer.validation_error" and failure.attributes["dspyer.will_retry"] is True
    assert failure.attributes["dspyer.failed_fields"] == ("score",)
    for chat, call in zip(chats, by_kind(events, "lm_call")):
        assert chat.attributes["gen_ai.operation.name"] == "chat"
        assert chat.attributes["gen_ai.request.model"] == "scripted/offline" and "gen_ai.provider.name" not in chat.attributes
        assert chat.attributes["gen_ai.usage.input_tokens"] == call["usage"]["prompt_tokens"]
        assert chat.attributes["gen_ai.usage.output_tokens"] == call["usage"]["completion_tokens"]
        assert chat.attributes["dspyer.attempt"] == call["attempt"]
        # the run's times, not the export's: a call ends when its event came and began `duration` before
        assert chat.end_time == ns(call["ts"]) and chat.start_time == ns(call["ts"]) - ns(call["duration"])
    node_start, node_end = by_kind(events, "node_start")[0], by_kind(events, "node_end")[0]
    assert (rate.start_time, rate.end_time) == (ns(node_start["ts"]), ns(node_end["ts"]))
    assert (run.start_time, run.end_time) == (ns(events[0]["ts"]), ns(events[-1]["ts"]))
    assert str(run.status.status_code) == "StatusCode.UNSET"


async def test_a_model_served_by_a_known_provider_names_it(exporter: Any) -> None:
    events = await rated_run()
    for event in by_kind(events, "lm_call"):
        event["model"] = "openai/gpt-4o-mini"  # as a LiteLLM model name says who serves it
    chats = export(events, exporter)["chat openai/gpt-4o-mini"]
    assert {(c.attributes["gen_ai.provider.name"], c.attributes["gen_ai.system"]) for c in chats} == {("openai", "openai")}


async def test_a_failed_run_marks_its_failing_node_and_the_run_as_errors(exporter: Any) -> None:
    def lookup(state: dict[str, Any]) -> dict[str, Any]:
        raise ValueError("the index is offline")

    g = Graph().add_node(StatefulNode("rate", Question, Rated)).add_node("lookup", lookup)
    g.add_edge("rate", "lookup").set_entry_point("rate")
    with dspy.context(lm=ScriptedLM({"rate": GOOD})):
        events, error = await collect(AgentTranspiler.compile(g).astream(question=QUESTION))
    assert isinstance(error, ValueError)
    spans = export(events, exporter, program="lookup-flow")
    run, rate, lookup_span = spans["invoke_agent lookup-flow"], spans["rate"], spans["lookup"]
    assert str(rate.status.status_code) == "StatusCode.UNSET"
    for span in (lookup_span, run):
        assert str(span.status.status_code) == "StatusCode.ERROR" and "the index is offline" in span.status.description
        assert span.attributes["error.type"] == "ValueError"
        (exception,) = [e for e in span.events if e.name == "exception"]
        assert exception.attributes["exception.type"] == "ValueError"
        assert "the index is offline" in exception.attributes["exception.stacktrace"]
    assert run.attributes["dspyer.run.status"] == "error" and lookup_span.attributes["dspyer.node.status"] == "error"
    assert lookup_span.end_time == run.end_time == ns(by_kind(events, "error")[0]["ts"])


async def test_a_maps_instances_are_sibling_spans_that_overlap_each_with_its_own_call(exporter: Any) -> None:
    g = Graph().add_node("fan", lambda state: None, inline=True).add_node(StatefulNode("note", Doc, Notes))
    g.add_conditional_edges("fan", lambda state: [Send("note", {"doc": d}) for d in state["docs"]], ["note"])
    program = AgentTranspiler.compile(g.set_entry_point("fan"))
    with dspy.context(lm=ScriptedLM({"note": lambda inputs: {"notes": [f"N({inputs['doc']})"]}}, latency=0.02)):
        events, error = await collect(program.astream(docs=["a", "b", "c"]))
    assert error is None
    notes_at = [(e["event"], e["seq"]) for e in events if e.get("node") == "note" and e["event"] in ("node_start", "node_end")]
    # the engine started every instance before any answered: the spans must show them running at once
    assert [kind for kind, _ in notes_at] == ["node_start"] * 3 + ["node_end"] * 3
    spans = export(events, exporter, program="mapper")
    run, notes = spans["invoke_agent mapper"], spans["note"]
    assert len(notes) == 3 and {n.parent.span_id for n in notes} == {run.context.span_id}
    assert sorted(n.attributes["dspyer.index"] for n in notes) == [0, 1, 2]
    assert len({n.attributes["dspyer.task"] for n in notes}) == 3
    assert max(n.start_time for n in notes) < min(n.end_time for n in notes)  # all three open at once
    by_id = {n.context.span_id: n for n in notes}
    chats = spans["chat scripted/offline"]
    assert sorted(by_id[c.parent.span_id].attributes["dspyer.index"] for c in chats) == [0, 1, 2]  # one call each


async def test_secrets_are_masked_in_inputs_prompts_and_errors_and_prompts_go_out_only_when_asked(exporter: Any) -> None:
    g = Graph().add_node(StatefulNode("rate", Keyed, Rated)).set_entry_point("rate")
    with dspy.context(lm=ScriptedLM({"rate": [BAD, GOOD]})):
        events, error = await collect(AgentTranspiler.compile(g).astream(question=QUESTION, api_key=SECRET))
    assert error is None and any(SECRET in m["content"] for m in by_kind(events, "lm_call")[0]["messages"])

    spans = export(events, exporter, content=True)
    text = all_text(exporter)
    assert SECRET not in text and "••••••" in text
    details = [e for c in spans["chat scripted/offline"] for e in c.events
               if e.name == "gen_ai.client.inference.operation.details"]
    assert len(details) == 2
    sent = json.loads(details[0].attributes["gen_ai.input.messages"])
    assert [m["role"] for m in sent] == ["system", "user"] and QUESTION in sent[1]["parts"][0]["content"]
    assert json.loads(details[0].attributes["gen_ai.output.messages"])[0]["parts"][0]["content"] == BAD
    (failure,) = spans["rate"].events  # what the validator said, which may quote the answer: only with content
    assert "at most 10" in failure.attributes["dspyer.error"] and "99" in failure.attributes["dspyer.raw_output"]
    assert json.loads(spans["invoke_agent program"].attributes["dspyer.run.inputs"]) == {
        "question": QUESTION, "api_key": "••••••"}

    exporter.clear()
    export(events, exporter)  # content=False: the default
    text = all_text(exporter)
    assert SECRET not in text and QUESTION not in text and "Owls" not in text
    assert "gen_ai.input.messages" not in text and "dspyer.run.inputs" not in text and "at most 10" not in text


async def test_a_run_fed_event_by_event_has_its_spans_before_it_ends(exporter: Any) -> None:
    from dspyer_lab.otel import RunSpans

    events = await rated_run()
    spans = RunSpans(exporter.provider, program="live")
    cut = 1 + [e["event"] for e in events].index("node_end")
    for event in events[:cut]:
        spans.event(event)
    assert [s.name for s in exporter.get_finished_spans()] == ["chat scripted/offline"] * 2 + ["rate"]
    for event in events[cut:]:
        spans.event(event)
    spans.close()
    assert exporter.get_finished_spans()[-1].name == "invoke_agent live" and spans.trace_id is not None


async def test_a_run_cut_short_is_exported_as_interrupted_up_to_its_last_event(exporter: Any) -> None:
    events = await rated_run()
    cut = events[: 1 + [e["event"] for e in events].index("validation_error")]  # a kernel killed mid-node
    spans = export(cut, exporter, program="cut")
    run, rate = spans["invoke_agent cut"], spans["rate"]
    assert run.attributes["dspyer.run.status"] == rate.attributes["dspyer.node.status"] == "interrupted"
    assert run.end_time == rate.end_time == ns(cut[-1]["ts"])
    assert spans["chat scripted/offline"].parent.span_id == rate.context.span_id


def test_without_the_otel_extra_the_module_says_which_command_installs_it() -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    code = "import sys; sys.modules['opentelemetry'] = None; import dspyer_lab; import dspyer_lab.otel"  # as if absent
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 1
    assert done.stderr.strip().splitlines()[-1] == (
        'dspyer_lab.core.exceptions.MissingDependencyError: OpenTelemetry export (dspyer_lab.otel) needs '
        '"dspyer-lab[otel]" (pip install "dspyer-lab[otel]")')


def test_importing_dspyer_lab_loads_no_opentelemetry() -> None:
    code = "import sys, dspyer_lab; print([m for m in sys.modules if m.startswith('opentelemetry')])"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.stdout.strip() == "[]", done.stderr


# -- end to end: a real OTLP receiver on loopback ----------------------------------------------------------------


def _has_phoenix() -> bool:
    """Whether the receiver is installed, asked of its metadata (importing phoenix costs seconds)."""
    try:
        importlib.metadata.version("arize-phoenix")
    except importlib.metadata.PackageNotFoundError:
        return False
    return True


def _free_ports(count: int) -> list[int]:
    """`count` distinct loopback ports free now (all held open at once, so none is handed out twice)."""
    sockets = [socket.socket() for _ in range(count)]
    try:
        for sock in sockets:
            sock.bind(("127.0.0.1", 0))
        return [int(sock.getsockname()[1]) for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


def _get(url: str) -> Any:
    with urllib.request.urlopen(url, timeout=30) as response:
        return json.loads(response.read())


@pytest.fixture
def phoenix(tmp_path: Path) -> Iterator[str]:
    """Arize Phoenix's server on a free loopback port, its data in `tmp_path`; yields its base URL."""
    port, grpc_port = _free_ports(2)
    env = {**os.environ, "PHOENIX_WORKING_DIR": str(tmp_path), "PHOENIX_HOST": "127.0.0.1",
           "PHOENIX_PORT": str(port), "PHOENIX_GRPC_PORT": str(grpc_port), "PHOENIX_TELEMETRY_ENABLED": "false"}
    server = subprocess.Popen([sys.executable, "-m", "phoenix.server.main", "serve"], env=env, cwd=tmp_path,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    log: list[str] = []
    up = threading.Event()

    def drain() -> None:  # read its log as it comes (a full pipe would block the server): listening is a line in it
        assert server.stdout is not None
        for line in server.stdout:
            log.append(line)
            if "Uvicorn running on" in line:  # logged once the socket is bound (after "startup complete")
                up.set()
        up.set()  # it exited: the test below says so, with its log

    threading.Thread(target=drain, daemon=True).start()
    try:
        up.wait(timeout=240)
        assert server.poll() is None, "Phoenix exited:\n" + "".join(log[-30:])
        url = f"http://127.0.0.1:{port}"
        with urllib.request.urlopen(f"{url}/healthz", timeout=30) as response:
            assert response.status == 200
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


@pytest.mark.skipif(not _has_phoenix(), reason="the OTLP receiver of this test, arize-phoenix, is not installed "
                    "(pip install -e '.[dev]' installs it)")
async def test_a_run_exported_over_otlp_http_is_read_back_from_a_real_receiver(phoenix: str) -> None:
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import SimpleSpanProcessor

    from dspyer_lab.otel import export_run

    events = await rated_run()
    provider = TracerProvider(resource=Resource.create({"service.name": "dspyer-lab-test"}))
    provider.add_span_processor(SimpleSpanProcessor(OTLPSpanExporter(endpoint=f"{phoenix}/v1/traces", timeout=30)))
    trace_id = export_run(events, provider, program="rater")
    provider.shutdown()

    spans: list[dict[str, Any]] = []
    deadline = time.monotonic() + 60  # the receiver stores what it accepted in the background: wait until it has all 4
    while len(spans) < 4 and time.monotonic() < deadline:
        found = _get(f"{phoenix}/v1/projects/default/spans?limit=100")["data"]
        spans = [s for s in found if s["context"]["trace_id"] == trace_id]
        if len(spans) < 4:
            threading.Event().wait(0.2)
    by_name: dict[str, list[dict[str, Any]]] = {}
    for span in spans:
        by_name.setdefault(span["name"], []).append(span)
    assert sorted(by_name) == ["chat scripted/offline", "invoke_agent rater", "rate"], spans
    (run,), (rate,), chats = by_name["invoke_agent rater"], by_name["rate"], by_name["chat scripted/offline"]
    assert run["parent_id"] is None and rate["parent_id"] == run["context"]["span_id"]
    assert [c["parent_id"] for c in chats] == [rate["context"]["span_id"]] * 2
    calls = by_kind(events, "lm_call")
    assert sorted((c["attributes"]["gen_ai.usage.input_tokens"], c["attributes"]["gen_ai.usage.output_tokens"])
                  for c in chats) == sorted((e["usage"]["prompt_tokens"], e["usage"]["completion_tokens"]) for e in calls)
    assert run["attributes"]["dspyer.run.id"] == events[0]["run_id"]
    started = datetime.fromisoformat(run["start_time"]).timestamp()
    assert abs(started - events[0]["ts"]) < 1e-5  # the run's own time, kept through the wire and the receiver
    assert rate["status_code"] == "UNSET"
