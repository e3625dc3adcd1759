"""OpenTelemetry export (`dspyer_lab.otel`): a run's events become a trace a team's backend can read.

What a user relies on: the span tree (a run, its node visits, their model calls, sibling spans for a map's
instances), the GenAI attributes a backend keys on (model, tokens), the run's own times (exported after the fact),
error status on failure, secrets masked and prompts exported only when asked. The last test sends a run over
OTLP/HTTP to a real receiver (MLflow's tracking server, started on loopback) and reads it back through its REST API.
"""

from __future__ import annotations

import base64
import importlib.metadata
import json
import operator
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any

import dspy
import pytest
from pydantic import BaseModel

from dspyer_lab import AgentTranspiler, Graph, ScriptedLM, Send, StatefulNode

from core_helpers import by_kind, collect
from test_lm_calls import BAD, GOOD, Question, Rated

ROOT = Path(__file__).resolve().parents[1]
SECRET = "sk-live-4f9a7c2e1b"
QUESTION = "What hunts at night?"


class Keyed(BaseModel):
    question: str
    api_key: str


class Doc(BaseModel):
    doc: str


class Notes(BaseModel):
    notes: Annotated[list[str], operator.add]  # each instance adds its note



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


def _has_mlflow() -> bool:
    """Whether the receiver is installed, asked of its metadata (importing mlflow costs seconds)."""
    try:
        importlib.metadata.version("mlflow")
    except importlib.metadata.PackageNotFoundError:
        return False
    return True


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _get(url: str) -> Any:
    with urllib.request.urlopen(url, timeout=30) as response:
        return json.loads(response.read())


@pytest.fixture
def mlflow_server(tmp_path: Path) -> Iterator[str]:
    """MLflow's tracking server on a free loopback port, its data in `tmp_path` (SQLite: its OTLP endpoint needs a
    SQL store); yields its base URL. The server and the workers it starts are one process group, ended after."""
    port = _free_port()
    env = {**os.environ, "MLFLOW_DISABLE_TELEMETRY": "true", "DO_NOT_TRACK": "true",
           "LITELLM_LOCAL_MODEL_COST_MAP": "True",  # it imports LiteLLM: offline, no model-metadata fetch
           "MLFLOW_SERVER_ENABLE_JOB_EXECUTION": "false"}  # no job workers: up in half the time
    server = subprocess.Popen(
        [sys.executable, "-m", "mlflow", "server", "--host", "127.0.0.1", "--port", str(port), "--workers", "1",
         "--backend-store-uri", f"sqlite:///{tmp_path / 'mlflow.db'}", "--artifacts-destination", str(tmp_path / "artifacts")],
        env=env, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)
    log: list[str] = []

    def drain() -> None:  # read its log as it comes (a full pipe would block the server)
        assert server.stdout is not None
        for line in server.stdout:
            log.append(line)

    threading.Thread(target=drain, daemon=True).start()
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 240
        while True:  # up once its health check answers (it creates its database first)
            assert server.poll() is None, "MLflow's server exited:\n" + "".join(log[-30:])
            try:
                with urllib.request.urlopen(f"{url}/health", timeout=5) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            assert time.monotonic() < deadline, "MLflow's server did not answer in 240 s:\n" + "".join(log[-30:])
            threading.Event().wait(0.2)
        yield url
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def _attributes(span: dict[str, Any]) -> dict[str, Any]:
    """A span's attributes as MLflow's REST API gives them (OTLP JSON: typed values), as plain values."""
    plain: dict[str, Any] = {}
    for item in span.get("attributes", []):
        value = item["value"]
        if "int_value" in value:
            plain[item["key"]] = int(value["int_value"])  # protobuf's JSON may write an int64 as a string
        else:
            plain[item["key"]] = next(iter(value.values()), None)
    return plain


@pytest.mark.skipif(not _has_mlflow(), reason="the OTLP receiver of this test, mlflow, is not installed "
                    "(pip install -e '.[dev]' installs it)")
async def test_a_run_exported_over_otlp_http_is_read_back_from_a_real_receiver(mlflow_server: str) -> None:
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import SimpleSpanProcessor

    from dspyer_lab.otel import export_run

    events = await rated_run()
    provider = TracerProvider(resource=Resource.create({"service.name": "dspyer-lab-test"}))
    exporter = OTLPSpanExporter(endpoint=f"{mlflow_server}/v1/traces", timeout=30,
                                headers={"x-mlflow-experiment-id": "0"})  # MLflow's default experiment
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    trace_id = export_run(events, provider, program="rater")
    provider.shutdown()
    assert trace_id is not None

    spans: list[dict[str, Any]] = []
    deadline = time.monotonic() + 60  # each span was a request of its own: wait until the receiver holds all 4
    while len(spans) < 4 and time.monotonic() < deadline:
        try:
            spans = _get(f"{mlflow_server}/api/3.0/mlflow/traces/get?trace_id=tr-{trace_id}")["trace"]["spans"]
        except urllib.error.HTTPError as missing:  # 404 until its first span is stored
            assert missing.code == 404, missing
        if len(spans) < 4:
            threading.Event().wait(0.2)
    hex_id = {s["span_id"]: base64.b64decode(s["span_id"]).hex() for s in spans}
    by_name: dict[str, list[dict[str, Any]]] = {}
    for span in spans:
        by_name.setdefault(span["name"], []).append(span)
    assert sorted(by_name) == ["chat scripted/offline", "invoke_agent rater", "rate"], spans
    (run,), (rate,), chats = by_name["invoke_agent rater"], by_name["rate"], by_name["chat scripted/offline"]
    assert {base64.b64decode(s["trace_id"]).hex() for s in spans} == {trace_id}
    assert not run.get("parent_span_id") and rate["parent_span_id"] == run["span_id"]
    assert [c["parent_span_id"] for c in chats] == [rate["span_id"]] * 2 and len(set(hex_id.values())) == 4
    calls = by_kind(events, "lm_call")
    assert sorted((_attributes(c)["gen_ai.usage.input_tokens"], _attributes(c)["gen_ai.usage.output_tokens"])
                  for c in chats) == sorted((e["usage"]["prompt_tokens"], e["usage"]["completion_tokens"]) for e in calls)
    assert {_attributes(c)["gen_ai.request.model"] for c in chats} == {"scripted/offline"}
    assert _attributes(run)["dspyer.run.id"] == events[0]["run_id"]
    assert _attributes(run)["gen_ai.operation.name"] == "invoke_agent"
    assert int(run["start_time_unix_nano"]) == ns(events[0]["ts"])  # the run's own time, through the wire and back


# -- live: instrument() traces every run as it runs ------------------------------------------------------------------


@pytest.fixture
def instrumented(exporter: Any) -> Iterator[Any]:
    """Live tracing into the in-memory exporter, stopped after the test."""
    from dspyer_lab.otel import instrument, uninstrument

    instrument(exporter.provider)
    yield exporter
    uninstrument()


async def test_instrument_traces_each_run_live_and_beside_a_store(instrumented: Any, tmp_path: Path) -> None:
    import dspyer_lab
    from dspyer_lab.lab.model.store import RunStore
    from core_helpers import echo_chain_program, echo_script

    program = echo_chain_program()
    with RunStore(tmp_path / "runs.sqlite") as store, dspy.context(lm=ScriptedLM(echo_script())):
        with dspyer_lab.record_to(store):
            seen: list[list[str]] = []
            async for event in program.astream(query="ice"):  # the spans as each event comes
                seen.append([s.name for s in instrumented.get_finished_spans()])
                if event["event"] == "node_end" and event["node"] == "answer":
                    assert seen[-1] == ["chat scripted/offline", "answer"]  # ended with its node, the run still on
            program(query="plain")
        [plain, streamed] = store.runs()  # the store got both runs too
        assert (plain.inputs, streamed.inputs) == ({"query": "plain"}, {"query": "ice"})
        assert store.run(streamed.run_id).nodes == ["answer", "summarize"]
    roots = [s for s in instrumented.get_finished_spans() if s.parent is None]
    assert [r.name for r in roots] == ["invoke_agent Summary"] * 2
    assert [r.attributes["dspyer.run.id"] for r in roots] == [streamed.run_id, plain.run_id]
    for root in roots:
        tree = [s for s in instrumented.get_finished_spans() if s.context.trace_id == root.context.trace_id]
        nodes = {s.name: s for s in tree if s.parent is not None and s.parent.span_id == root.context.span_id}
        assert sorted(nodes) == ["answer", "summarize"] and root.attributes["dspyer.run.status"] == "finished"
        chats = [s for s in tree if s.name == "chat scripted/offline"]
        assert sorted(c.parent.span_id for c in chats) == sorted(n.context.span_id for n in nodes.values())
        assert all(c.attributes["gen_ai.usage.input_tokens"] > 0 for c in chats)


async def test_instrument_without_a_store_traces_every_plain_call_until_it_is_closed(exporter: Any) -> None:
    from dspyer_lab.otel import instrument

    g = Graph().add_node(StatefulNode("rate", Question, Rated)).set_entry_point("rate")
    program = AgentTranspiler.compile(g)
    with dspy.context(lm=ScriptedLM({"rate": GOOD})):
        with instrument(exporter.provider):
            await program.aforward(question=QUESTION)  # makes no events unless recorded: traced all the same
            await program.aforward(question=QUESTION, _record=False)  # kept out of a store only: traced too
        await program.aforward(question=QUESTION)  # after close: not traced
    assert [s.name for s in exporter.get_finished_spans()] == ["chat scripted/offline", "rate", "invoke_agent rate"] * 2


async def test_live_content_goes_out_only_when_asked_and_masked(exporter: Any) -> None:
    from dspyer_lab.otel import instrument, uninstrument

    g = Graph().add_node(StatefulNode("rate", Keyed, Rated)).set_entry_point("rate")
    program = AgentTranspiler.compile(g)
    with dspy.context(lm=ScriptedLM({"rate": GOOD})):
        instrument(exporter.provider, content=True)
        try:
            await program.aforward(question=QUESTION, api_key=SECRET)
        finally:
            uninstrument()
        text = all_text(exporter)
        assert SECRET not in text and QUESTION in text and "gen_ai.input.messages" in text
        exporter.clear()
        with instrument(exporter.provider):
            await program.aforward(question=QUESTION, api_key=SECRET)
    text = all_text(exporter)
    assert SECRET not in text and QUESTION not in text and "gen_ai.input.messages" not in text
    assert "chat scripted/offline" in text


# -- after the fact: the runs a store holds ---------------------------------------------------------------------------


async def test_export_stored_exports_every_run_or_the_ones_named(exporter: Any, tmp_path: Path) -> None:
    import dspyer_lab
    from dspyer_lab import UnknownRunError
    from dspyer_lab.lab.model.store import RunStore
    from dspyer_lab.otel import export_stored
    from core_helpers import echo_chain_program, echo_script

    program = echo_chain_program()
    with RunStore(tmp_path / "runs.sqlite") as store:
        with dspy.context(lm=ScriptedLM(echo_script())), dspyer_lab.record_to(store):
            await program.aforward(query="one")
            await program.aforward(query="two", api_key=SECRET)
        stored = store.runs()
        assert export_stored(store, tracer_provider=exporter.provider, content=True) == 2
        roots = [s for s in exporter.get_finished_spans() if s.parent is None]
        assert sorted(r.attributes["dspyer.run.id"] for r in roots) == sorted(r.run_id for r in stored)
        assert {r.name for r in roots} == {"invoke_agent Summary"}
        assert SECRET not in all_text(exporter)
        assert sorted(s.name for s in exporter.get_finished_spans()) == sorted(
            ["invoke_agent Summary", "answer", "summarize", "chat scripted/offline", "chat scripted/offline"] * 2)
        exporter.clear()
        assert export_stored(store, [stored[-1].run_id], exporter.provider) == 1
        [root] = [s for s in exporter.get_finished_spans() if s.parent is None]
        assert root.attributes["dspyer.run.id"] == stored[-1].run_id
        assert root.start_time == ns(store.load(stored[-1].run_id).events[0]["ts"])  # the run's own time
        exporter.clear()
        with pytest.raises(UnknownRunError, match="'nope'"):
            export_stored(store, [stored[0].run_id, "nope"], exporter.provider)
        assert exporter.get_finished_spans() == ()
