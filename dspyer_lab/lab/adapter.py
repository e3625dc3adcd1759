"""Event streams from elsewhere, made to follow dspyer-lab's event contract.

The views only understand the contract of `dspyer_lab.core.events`. The upstream
`dspyer` package (0.3.x) streams a looser dialect from its ``astream``: no
``run_id``/``seq``/``ts``, no ``run_start`` or ``route`` events, ``node_end`` carries
the whole state as ``outputs`` instead of a ``patch``, ``finished`` carries a
``prediction`` object and ``error`` only a message. `contract_events` rewrites such
a stream on the fly (contract events pass through untouched), and `as_graph` turns
an upstream graph or program into a `Graph` so it can be drawn.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import AsyncIterable, AsyncIterator, Iterable, Mapping
from typing import Any

from ..core.events import jsonable
from ..core.eventschema import event_label
from ..core.graph import END, Graph, StatefulNode
from .model.runmodel import checked_event

__all__ = ["as_graph", "contract_events", "is_contract_event"]

_ENVELOPE = ("run_id", "seq", "ts")


def is_contract_event(event: Mapping[str, Any]) -> bool:
    """True for an event that already carries the contract's envelope (``run_id``, ``seq``, ``ts``)."""
    return all(key in event for key in _ENVELOPE)


async def contract_events(
    stream: AsyncIterable[Mapping[str, Any]] | Iterable[Mapping[str, Any]],
    graph: Graph | None = None,
    *,
    checked: bool = False,
) -> AsyncIterator[dict[str, Any]]:
    """Yield `stream`'s events (async or plain iterable) in the contract's shape; `graph` (when
    known) supplies node kinds and input fields.

    Contract events are passed on as they are, not copied (the engine makes a new dict per event and
    never changes it). `checked`: for a stream from outside the engine (`watch`), each event passed on
    (translated ones too) is first checked against its kind's TypedDict and passed on as a copy
    (`checked_event`: an `EventContractError` names the event, by its index in what is passed on, and
    the field at fault).

    Upstream-dialect mapping: ``run_start`` is synthesized from the first node's view of the
    state; a ``route`` (decision unknown, so None) is synthesized between consecutive nodes
    and to END before ``finished``; ``node_end.patch`` is the difference between the states
    before and after the node (a key the node removed appears with value None, which is
    how upstream's merge patches remove keys); ``validation_error.feedback`` is upstream's
    formatted error (what its refiner is sent) and ``raw_output`` is empty (not reported).
    """
    translator = _Translator(graph)
    iterator = aiter(stream) if isinstance(stream, AsyncIterable) else _async(stream)
    passed = 0
    try:
        async for event in iterator:
            for out in (event,) if is_contract_event(event) else translator.translate(event):
                if checked:
                    yield checked_event(out, event_label(passed, out))
                else:
                    yield out if type(out) is dict else dict(out)
                passed += 1
    finally:
        close = getattr(iterator, "aclose", None)
        if close is not None:
            await close()


async def _async(events: Iterable[Mapping[str, Any]]) -> AsyncIterator[Mapping[str, Any]]:
    for event in events:
        yield event


class _Translator:
    """State of one upstream run while it is being rewritten."""

    def __init__(self, graph: Graph | None) -> None:
        self.graph = graph
        self.run_id = uuid.uuid4().hex[:12]
        self.seq = 0
        self.started: float | None = None
        self.state: dict[str, Any] = {}
        self.steps = 0
        self.current: str | None = None
        """The node that started and has not ended."""
        self.previous: str | None = None
        """The last node that ended (source of the next synthesized route)."""
        self.node_started = 0.0
        self.failures = 0
        self.fields_seen = 0

    def make(self, event_kind: str, /, **payload: Any) -> dict[str, Any]:
        event = {"event": event_kind, "run_id": self.run_id, "seq": self.seq, "ts": time.time()}
        self.seq += 1
        event.update(payload)
        return event

    def translate(self, event: Mapping[str, Any]) -> list[dict[str, Any]]:
        kind = event.get("event")
        out: list[dict[str, Any]] = []
        if self.started is None:
            self.started = time.perf_counter()
            first_state = event.get("inputs") if kind == "node_start" else {}
            self.state = dict(jsonable(first_state or {}))
            out.append(self.make("run_start", inputs=dict(self.state)))
        if kind == "node_start":
            node = str(event.get("node"))
            if self.previous is not None:
                out.append(self.make("route", source=self.previous, decision=None, target=node))
            self.steps += 1
            self.current, self.node_started, self.failures, self.fields_seen = node, time.perf_counter(), 0, 0
            state = jsonable(event.get("inputs") or {})
            out.append(
                self.make("node_start", node=node, kind=self._kind(node), step=self.steps, inputs=self._inputs(node, state))
            )
        elif kind == "validation_error":
            node = str(event.get("node"))
            all_fields = [str(f) for f in event.get("failed_fields") or []]
            fields = list(dict.fromkeys(f.split(".")[0] for f in all_fields[self.fields_seen :]))
            self.fields_seen = len(all_fields)
            self.failures += 1
            attempt = int(event.get("attempt") or self.failures)
            retries = self._max_retries(node)
            will_retry = True if retries is None else attempt <= retries
            message = str(event.get("error") or "")
            out.append(
                self.make(
                    "validation_error",
                    node=node,
                    attempt=attempt,
                    max_attempts=None if retries is None else retries + 1,
                    error=message,
                    failed_fields=fields,
                    raw_output="",
                    feedback=message if will_retry else "",
                    will_retry=will_retry,
                )
            )
        elif kind == "node_end":
            node = str(event.get("node"))
            after = dict(jsonable(event.get("outputs") or {}))
            patch = {k: v for k, v in after.items() if k not in self.state or self.state[k] != v}
            patch.update({k: None for k in self.state if k not in after})
            self.state = after
            out.append(
                self.make(
                    "node_end",
                    node=node,
                    patch=patch,
                    duration=time.perf_counter() - self.node_started,
                    attempts=self.failures + 1,
                )
            )
            self.previous, self.current = node, None
        elif kind == "finished":
            if self.previous is not None:
                out.append(self.make("route", source=self.previous, decision=None, target=END))
            out.append(
                self.make(
                    "finished",
                    output=jsonable(event.get("prediction")),
                    state=dict(self.state),
                    steps=self.steps,
                    duration=time.perf_counter() - self.started,
                )
            )
        elif kind == "error":
            out.append(
                self.make(
                    "error",
                    node=self.current,
                    error=str(event.get("error") or ""),
                    error_type=str(event.get("error_type") or "Error"),
                    traceback=str(event.get("traceback") or ""),
                    state=dict(self.state),
                )
            )
        else:  # e.g. upstream's step_limit: kept, with the envelope, for the timeline
            payload = {k: jsonable(v) for k, v in event.items() if k != "event"}
            out.append(self.make(str(kind), **payload))
        return out

    def _node(self, name: str) -> Any:
        return None if self.graph is None else self.graph.nodes.get(name)

    def _kind(self, name: str) -> str:
        if self.graph is not None and name in self.graph.nodes:
            return self.graph.node_kind(name)
        return "llm"

    def _inputs(self, name: str, state: dict[str, Any]) -> dict[str, Any]:
        node = self._node(name)
        if isinstance(node, StatefulNode):
            return {k: state[k] for k in node.input_model.model_fields if k in state}
        return state

    def _max_retries(self, name: str) -> int | None:
        node = self._node(name)
        return node.max_retries if isinstance(node, StatefulNode) else None


def as_graph(obj: Any) -> Graph:
    """A `Graph` for `obj`: a `Graph`, anything with a ``.graph`` (a compiled program), or an upstream
    ``dspyer`` graph or program (nodes, edges, routers and entry point are carried over)."""
    if isinstance(obj, Graph):
        return obj
    inner = getattr(obj, "graph", None)
    if isinstance(inner, Graph):
        return inner
    nodes = getattr(obj, "_nodes_map", None)  # an upstream program keeps its graph's parts itself
    if nodes is None:
        nodes = getattr(obj, "nodes", None)
    if not isinstance(nodes, Mapping) or not hasattr(obj, "conditional_edges"):
        raise TypeError(f"Cannot draw {type(obj).__name__}: expected a dspyer_lab Graph or a compiled program")
    graph = Graph()
    converted: dict[int, Any] = {}

    def convert(node: Any) -> Any:
        if id(node) not in converted:
            if getattr(node, "is_passthrough", False) and getattr(node, "callable", None) is not None:
                converted[id(node)] = node.callable
            else:
                converted[id(node)] = StatefulNode(
                    node.name, node.input_model, node.output_model, node.instructions, node.max_retries
                )
        return converted[id(node)]

    routers = {id(router) for router, _ in obj.conditional_edges.values() if hasattr(router, "output_model")}
    for name, node in nodes.items():
        if id(node) in routers:
            continue
        step = convert(node)
        if isinstance(step, StatefulNode):
            graph.add_node(step)
        else:
            graph.add_node(name, step)
    for source, target in obj.edges.items():
        graph.add_edge(source, target)
    for source, (router, path_map) in obj.conditional_edges.items():
        decide = convert(router) if hasattr(router, "output_model") else router
        graph.add_conditional_edges(source, decide, dict(path_map))
    graph.set_entry_point(obj.entry_point)
    return graph
