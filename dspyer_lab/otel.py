"""OpenTelemetry export: a run's events (docs/events.md) become one trace, for teams that send traces to a shared
backend (Phoenix, Langfuse, MLflow, Jaeger) instead of keeping them in a notebook.

An optional extra (``pip install "dspyer-lab[otel]"``): ``import dspyer_lab`` never needs it. The trace follows the
OpenTelemetry semantic conventions for generative AI (v1.37+, status Development: "gen-ai-spans" and
"gen-ai-agent-spans"). Attributes used:

- the run: a span ``invoke_agent <program>`` (kind INTERNAL) with ``gen_ai.operation.name = "invoke_agent"`` and
  ``gen_ai.agent.name``;
- each model call (an ``lm_call`` event): a span ``chat <model>`` (kind CLIENT) with ``gen_ai.operation.name =
  "chat"``, ``gen_ai.request.model``, ``gen_ai.usage.input_tokens``, ``gen_ai.usage.output_tokens``, and
  ``gen_ai.provider.name`` with the older ``gen_ai.system`` when the model's name says who serves it
  (``"openai/gpt-4o-mini"``); with ``content=True`` its prompt and completion as the span event
  ``gen_ai.client.inference.operation.details`` holding ``gen_ai.input.messages`` and ``gen_ai.output.messages``
  (JSON in the conventions' ``{role, parts: [{type: "text", content}]}`` form);
- a failure: status ERROR, ``error.type``, and an ``exception`` span event (``exception.type``,
  ``exception.message``, ``exception.stacktrace``: the general exception conventions).

The conventions have no span for a graph's node, so a node visit is a span named after its node (kind INTERNAL),
parent of its model calls; what the conventions do not name is under ``dspyer.*`` (run id, status, node kind, step,
task, attempts, validation failures and retries as span events). Times are the run's own (its events' ``ts``), not
the export's. Everything is masked with the lab's `Masker` before it reaches a span, as saved runs are; prompts,
completions, inputs, outputs and validators' messages (which may quote an answer) are exported only with
``content=True``.

`RunSpans` takes a run's events one at a time (``event(...)`` then ``close()``: the shape of the core's recording
hook, `dspyer_lab.core.recording.RunRecording`). Live: `instrument()` makes every run started afterwards a trace
as it runs (a node's span ends when the node does), beside a run store if one records it too. After the fact:
`export_run` exports one run's events, `export_stored` the runs a `RunStore` holds.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from . import __version__
from .core.exceptions import MissingDependencyError
from .core.recording import add_sink, program_name, remove_sink
from .lab.textview import Masker

if TYPE_CHECKING:
    from .core.engine import Run
    from .lab.model.store import RunStore

try:
    from opentelemetry import trace
    from opentelemetry.trace import Span, SpanKind, Status, StatusCode, TracerProvider
except ImportError as exc:  # the optional extra is not installed: say which command installs it
    raise MissingDependencyError("OpenTelemetry export (dspyer_lab.otel)", '"dspyer-lab[otel]"') from exc

__all__ = ["Instrumentation", "RunSpans", "export_run", "export_stored", "instrument", "uninstrument"]

MAX_TEXT = 8000
"""Longest text put in one attribute (inputs, output, messages, tracebacks); longer is clipped with "…"."""

_PROVIDERS = {  # a LiteLLM-style model prefix -> the conventions' well-known gen_ai.provider.name
    "openai": "openai",
    "azure": "azure.ai.openai",
    "anthropic": "anthropic",
    "gemini": "gcp.gemini",
    "vertex_ai": "gcp.vertex_ai",
    "bedrock": "aws.bedrock",
    "groq": "groq",
    "mistral": "mistral_ai",
    "deepseek": "deepseek",
    "perplexity": "perplexity",
    "xai": "x_ai",
    "cohere": "cohere",
    "watsonx": "ibm.watsonx.ai",
}


def _ns(ts: Any) -> int:
    """An event's Unix seconds as the nanoseconds OpenTelemetry takes."""
    return int(float(ts) * 1e9)


def _clip(text: str) -> str:
    return text if len(text) <= MAX_TEXT else text[: MAX_TEXT - 1] + "…"


def _json(value: Any) -> str:
    return _clip(json.dumps(value, ensure_ascii=False, default=repr))


def _text_parts(role: Any, content: Any) -> dict[str, Any]:
    text = content if isinstance(content, str) else json.dumps(content, ensure_ascii=False, default=repr)
    return {"role": str(role), "parts": [{"type": "text", "content": text}]}


def _visit_key(event: Mapping[str, Any]) -> str:
    """Which visit an event belongs to: its task (unique in a run), else its node (an event without a task)."""
    task = event.get("task")
    return str(task) if task is not None else str(event.get("node"))


def _provider(model: str) -> str | None:
    prefix, slash, _ = model.partition("/")
    return _PROVIDERS.get(prefix) if slash else None


class RunSpans:
    """The spans of one run, built as its events are fed in order; `close` ends whatever is still open.

    A visit is found by its event's ``task`` (unique in a run), so the overlapping instances of a parallel
    superstep or a ``Send`` map are sibling spans, each with its own model calls. A span is started when its
    first event comes, so a live run can feed this as it goes; `masker` (default: a new one, which learns each
    event's secrets as it is fed) may be one that has already learnt the whole run's, as `export_run` passes.
    """

    def __init__(
        self,
        tracer_provider: TracerProvider | None = None,
        *,
        content: bool = False,
        program: str = "program",
        masker: Masker | None = None,
    ) -> None:
        self._tracer = trace.get_tracer("dspyer_lab", __version__, tracer_provider=tracer_provider)
        self._content = content
        self._program = program
        self._masker = masker if masker is not None else Masker()
        self._root: Span | None = None
        self._visits: dict[str, Span] = {}  # open visits by task id (or node name, for events without a task)
        self._status = "interrupted"  # until an event says how the run ended
        self._end: int | None = None  # when the run ended (its last event meanwhile)
        self._closed = False

    @property
    def trace_id(self) -> str | None:
        """The trace's id as 32 hex digits (as backends show it); None before the run's first event."""
        return None if self._root is None else format(self._root.get_span_context().trace_id, "032x")

    def event(self, event: Mapping[str, Any]) -> None:
        """Turn one event into spans or span events (events must come in the run's order, ``run_start`` first)."""
        self._masker.learn(event)
        kind = event.get("event")
        ts = _ns(event["ts"])
        self._end = ts
        if self._root is None:
            self._start_run(event, ts)
            if kind == "run_start":
                return
        handler = getattr(self, f"_on_{kind}", None)
        if handler is not None:
            handler(event, ts)

    def close(self) -> None:
        """End the run's span and any visit still open (cancelled siblings of a failure, or a run cut short)."""
        if self._closed or self._root is None:
            return
        self._closed = True
        for span in self._visits.values():
            span.set_attribute("dspyer.node.status", "cancelled" if self._status == "error" else self._status)
            span.end(end_time=self._end)
        self._visits.clear()
        self._root.set_attribute("dspyer.run.status", self._status)
        self._root.end(end_time=self._end)

    # -- events -------------------------------------------------------------------------------------

    def _start_run(self, event: Mapping[str, Any], ts: int) -> None:
        attributes: dict[str, Any] = {
            "gen_ai.operation.name": "invoke_agent",
            "gen_ai.agent.name": self._program,
            "dspyer.run.id": str(event.get("run_id")),
        }
        inputs = event.get("inputs") if event.get("event") == "run_start" else None
        if isinstance(inputs, Mapping):
            attributes["dspyer.run.input_fields"] = [str(k) for k in inputs]
            if self._content:
                attributes["dspyer.run.inputs"] = _json(self._masker.mask(dict(inputs)))
        if event.get("parent_run_id") is not None:
            attributes["dspyer.run.parent_id"] = str(event["parent_run_id"])
            attributes["dspyer.run.parent_step"] = int(event.get("parent_step") or 0)
        self._root = self._tracer.start_span(
            f"invoke_agent {self._program}", kind=SpanKind.INTERNAL, attributes=attributes, start_time=ts
        )

    def _visit(self, event: Mapping[str, Any]) -> Span | None:
        return self._visits.get(_visit_key(event))

    def _on_node_start(self, event: Mapping[str, Any], ts: int) -> None:
        assert self._root is not None
        attributes: dict[str, Any] = {
            "dspyer.node.name": str(event.get("node")),
            "dspyer.node.kind": str(event.get("kind")),
            "dspyer.step": int(event.get("step") or 0),
        }
        if event.get("task") is not None:
            attributes["dspyer.task"] = str(event["task"])
        if event.get("index") is not None:
            attributes["dspyer.index"] = int(event["index"])
        if self._content and event.get("inputs") is not None:
            attributes["dspyer.node.inputs"] = _json(self._masker.mask(event["inputs"]))
        span = self._tracer.start_span(
            str(event.get("node")), context=trace.set_span_in_context(self._root), kind=SpanKind.INTERNAL,
            attributes=attributes, start_time=ts,
        )
        self._visits[_visit_key(event)] = span

    def _on_lm_call(self, event: Mapping[str, Any], ts: int) -> None:
        assert self._root is not None
        parent = self._visit(event) or self._root
        model = str(event.get("model"))
        attributes: dict[str, Any] = {
            "gen_ai.operation.name": "chat",
            "gen_ai.request.model": model,
            "dspyer.attempt": int(event.get("attempt") or 0),
            "dspyer.cached": bool(event.get("cached")),
        }
        provider = _provider(model)
        if provider is not None:
            attributes["gen_ai.provider.name"] = attributes["gen_ai.system"] = provider
        usage = event.get("usage")
        if isinstance(usage, Mapping):
            for key, name in (("prompt_tokens", "input_tokens"), ("completion_tokens", "output_tokens")):
                if isinstance(usage.get(key), int):
                    attributes[f"gen_ai.usage.{name}"] = usage[key]
        if isinstance(event.get("cost"), (int, float)):
            attributes["dspyer.cost_usd"] = float(event["cost"])
        start = ts - _ns(event.get("duration") or 0)  # the event comes when the call has answered
        span = self._tracer.start_span(
            f"chat {model}", context=trace.set_span_in_context(parent), kind=SpanKind.CLIENT,
            attributes=attributes, start_time=start,
        )
        if self._content:
            messages = event.get("messages")
            sent = [_text_parts(m.get("role"), m.get("content")) for m in self._masker.mask(messages)
                    if isinstance(m, Mapping)] if isinstance(messages, list) else []
            answer = self._masker.mask(event.get("completion"))
            received = [] if answer is None else [{**_text_parts("assistant", answer), "finish_reason": "stop"}]
            span.add_event("gen_ai.client.inference.operation.details", {
                "gen_ai.input.messages": _json(sent), "gen_ai.output.messages": _json(received),
            }, timestamp=ts)
        span.end(end_time=ts)

    def _on_validation_error(self, event: Mapping[str, Any], ts: int) -> None:
        span = self._visit(event)
        if span is None:
            return
        attributes: dict[str, Any] = {
            "dspyer.attempt": int(event.get("attempt") or 0),
            "dspyer.max_attempts": int(event.get("max_attempts") or 0),
            "dspyer.failed_fields": [str(f) for f in event.get("failed_fields") or ()],
            "dspyer.will_retry": bool(event.get("will_retry")),
        }
        if self._content:  # a validator's message may quote the answer (pydantic's input_value=...)
            attributes["dspyer.error"] = _clip(self._masker.mask_text(str(event.get("error"))))
            attributes["dspyer.raw_output"] = _json(self._masker.mask(event.get("raw_output")))
        span.add_event("dspyer.validation_error", attributes, timestamp=ts)

    def _on_model_retry(self, event: Mapping[str, Any], ts: int) -> None:
        span = self._visit(event)
        if span is not None:
            span.add_event("dspyer.model_retry", {
                "dspyer.retry": int(event.get("retry") or 0),
                "dspyer.rate_limited": bool(event.get("rate_limited")),
                "error.type": str(event.get("error_type")),
            }, timestamp=ts)

    def _on_route(self, event: Mapping[str, Any], ts: int) -> None:
        span = self._visit({**event, "node": event.get("source")})
        if span is not None:
            span.add_event("dspyer.route", {
                "dspyer.decision": str(event.get("decision")), "dspyer.target": str(event.get("target")),
            }, timestamp=ts)

    def _on_node_end(self, event: Mapping[str, Any], ts: int) -> None:
        span = self._visits.pop(_visit_key(event), None)
        if span is None:
            return
        span.set_attribute("dspyer.attempts", int(event.get("attempts") or 0))
        span.set_attribute("dspyer.node.status", "done")
        if self._content:
            span.set_attribute("dspyer.node.patch", _json(self._masker.mask(event.get("patch"))))
        span.end(end_time=ts)

    def _on_finished(self, event: Mapping[str, Any], ts: int) -> None:
        assert self._root is not None
        self._status = "finished"
        self._root.set_attribute("dspyer.steps", int(event.get("steps") or 0))
        if self._content:
            self._root.set_attribute("dspyer.run.output", _json(self._masker.mask(event.get("output"))))

    def _on_paused(self, event: Mapping[str, Any], ts: int) -> None:
        assert self._root is not None
        self._status = "paused"
        self._root.set_attribute("dspyer.paused.node", str(event.get("node")))
        self._root.set_attribute("dspyer.paused.when", str(event.get("when")))

    def _on_error(self, event: Mapping[str, Any], ts: int) -> None:
        assert self._root is not None
        self._status = "error"
        error_type = str(event.get("error_type"))
        message = _clip(self._masker.mask_text(str(event.get("error"))))
        failed = [self._root]
        visit = self._visits.pop(_visit_key(event), None)
        if visit is not None:
            failed.insert(0, visit)
        for span in failed:
            span.set_status(Status(StatusCode.ERROR, message))
            span.set_attribute("error.type", error_type)
            span.add_event("exception", {
                "exception.type": error_type,
                "exception.message": message,
                "exception.stacktrace": _clip(self._masker.mask_text(str(event.get("traceback") or ""))),
            }, timestamp=ts)
        if visit is not None:
            visit.set_attribute("dspyer.node.status", "error")
            visit.end(end_time=ts)

    def _on_score(self, event: Mapping[str, Any], ts: int) -> None:
        assert self._root is not None
        if isinstance(event.get("score"), (int, float)):
            self._root.set_attribute("dspyer.score", float(event["score"]))


def export_run(
    events: Iterable[Mapping[str, Any]],
    tracer_provider: TracerProvider | None = None,
    *,
    content: bool = False,
    program: str = "program",
) -> str | None:
    """Export one run's events as a trace through `tracer_provider` (the global one when None); returns its
    trace id (32 hex digits; None for no events).

    `content=True` also exports prompts, completions, inputs and outputs, masked; `program` names the run's span.
    Secrets are learnt from every event first, so one echoed before the field that holds it is masked too.
    """
    events = list(events)
    masker = Masker()
    for event in events:
        masker.learn(event)
    spans = RunSpans(tracer_provider, content=content, program=program, masker=masker)
    for event in events:
        spans.event(event)
    spans.close()
    return spans.trace_id


def export_stored(
    store: RunStore,
    run_ids: Iterable[str] | None = None,
    tracer_provider: TracerProvider | None = None,
    *,
    content: bool = False,
) -> int:
    """Export runs a `RunStore` holds (`run_ids`; None: every one), each as a trace through `tracer_provider` (the
    global one when None), named after its program; returns how many runs were exported.

    The store's events were masked when written; `content=True` exports prompts, completions, inputs and outputs
    too (see `export_run`). An id the store does not hold raises `UnknownRunError` before anything is exported.
    """
    stored = store.runs() if run_ids is None else [store.run(run_id) for run_id in run_ids]
    for run in stored:
        export_run(store.load(run.run_id).events, tracer_provider, content=content, program=run.program or "program")
    return len(stored)


class Instrumentation:
    """Live tracing, as `instrument` started it: every run started while it is on becomes a trace as it runs.

    A sink of the core's recording hook (`dspyer_lab.core.recording.add_sink`): it records beside a run store, not
    instead of it. `close()` (or leaving its ``with`` block) stops it; runs already started finish their traces.
    """

    def __init__(self, tracer_provider: TracerProvider | None = None, *, content: bool = False) -> None:
        self.tracer_provider = tracer_provider
        self.content = content
        add_sink(self)

    def __call__(self, run: Run[Any]) -> RunSpans:
        """The spans of `run`, fed its events as they come (the recording hook calls this as a run starts)."""
        return RunSpans(self.tracer_provider, content=self.content, program=program_name(run.program))

    def close(self) -> None:
        """Stop tracing runs that start from now on."""
        global _current
        remove_sink(self)
        with _instrumenting:
            if _current is self:
                _current = None

    def __enter__(self) -> Instrumentation:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


_instrumenting = threading.Lock()
_current: Instrumentation | None = None


def instrument(tracer_provider: TracerProvider | None = None, *, content: bool = False) -> Instrumentation:
    """Trace every run started from now on (plain calls, `astream`, LabView, BatchView) through `tracer_provider`
    (the global one when None), live: a node's span ends when the node does. `content=True` also exports prompts,
    completions, inputs and outputs, masked (see `export_run`).

    Replaces the tracing a previous `instrument` started; `uninstrument()` or the returned object's `close()` stops
    it. Runs kept out of the run store (``_record=False``, ``store=False``) are traced all the same.
    """
    global _current
    with _instrumenting:
        if _current is not None:
            remove_sink(_current)
        _current = Instrumentation(tracer_provider, content=content)
        return _current


def uninstrument() -> None:
    """Stop the tracing `instrument` started (nothing when none is on)."""
    with _instrumenting:
        current = _current
    if current is not None:
        current.close()
