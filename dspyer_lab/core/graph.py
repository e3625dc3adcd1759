"""The graph model: typed LLM steps, Python steps, edges and routers.

A `Graph` is only a description. `AgentTranspiler.compile` checks it and turns
it into a `dspy.Module`; the views read it to draw it. Nothing here calls a model.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Literal, Union

import dspy
from pydantic import BaseModel

from .events import shown
from .exceptions import GraphDefinitionError

__all__ = [
    "END",
    "RESERVED_FIELD_NAMES",
    "StatefulNode",
    "HumanNode",
    "PythonNode",
    "Router",
    "Edge",
    "Graph",
    "Join",
    "Send",
    "GraphWarning",
    "NodeKind",
]

END = "__end__"
"""The target that finishes a run. The strings ``"__end__"`` and ``"END"`` are accepted too."""

_END_ALIASES = frozenset({END, "END"})

RESERVED_FIELD_NAMES = frozenset(
    {
        # keywords `dspy.Predict` pops from a call: a state field with one of these names would vanish
        "signature",
        "demos",
        "config",
        "lm",
        "new_signature",
        "prediction",
        # the fields self-correction adds to a retry
        "previous_attempt",
        "validation_feedback",
    }
)
"""Field names a node's input/output model may not use (names starting with ``_`` are reserved too)."""

DECISION_FIELD_NAMES = ("route", "next_step")

NodeKind = Literal["llm", "python", "router", "human"]


class GraphWarning(UserWarning):
    """A graph that runs but is probably not what was meant (e.g. an unreachable node)."""


def decision_key(value: Any) -> str:
    """A router decision as a path_map key: an Enum counts by its value, anything else as text."""
    if isinstance(value, Enum):
        value = value.value
    return value if isinstance(value, str) else str(value)


def _is_end(name: str) -> bool:
    return name in _END_ALIASES


def _check_reserved(owner: str, model: type[BaseModel], role: str) -> None:
    for fname in model.model_fields:
        # a name dspy.Signature itself defines (instructions, fields, ...) cannot be a signature field
        if fname in RESERVED_FIELD_NAMES or fname.startswith("_") or hasattr(dspy.Signature, fname):
            raise GraphDefinitionError(
                f"Node '{owner}': {role} field '{fname}' collides with a reserved name "
                f"(reserved: names starting with '_', {', '.join(sorted(RESERVED_FIELD_NAMES))}, "
                "and the attributes of dspy.Signature such as 'instructions' and 'fields'); rename it."
            )


def _check_contract(name: Any, input_model: Any, output_model: Any) -> None:
    """A typed node's name and its two models (an LLM node's, a person's): what every such node needs."""
    _check_node_name(name)
    for role, model in (("input", input_model), ("output", output_model)):
        if not (isinstance(model, type) and issubclass(model, BaseModel)):
            raise GraphDefinitionError(f"Node '{name}': {role}_model must be a pydantic BaseModel class, got {model!r}")
    if not output_model.model_fields:
        raise GraphDefinitionError(f"Node '{name}': output_model {output_model.__name__} has no fields")


def _check_node_name(name: Any) -> None:
    if not isinstance(name, str) or not name or _is_end(name):
        raise GraphDefinitionError(f"Node name must be a non-empty string other than END, got {name!r}")


class StatefulNode:
    """An LLM step: reads its `input_model` fields from the state, must produce its `output_model`.

    The output model is the contract: its types and validators are checked on every
    answer, and a failing answer is sent back to the model with the validator's
    messages (self-correction) up to `max_retries` times.
    """

    def __init__(
        self,
        name: str,
        input_model: type[BaseModel],
        output_model: type[BaseModel],
        instructions: str | None = None,
        max_retries: int | None = None,
    ) -> None:
        _check_contract(name, input_model, output_model)
        if max_retries is not None and max_retries < 0:
            raise GraphDefinitionError(f"Node '{name}': max_retries must be >= 0, got {max_retries}")
        _check_reserved(name, input_model, "input")
        _check_reserved(name, output_model, "output")
        self.name = name
        """Unique name in the graph; events and views refer to the node by it."""
        self.input_model = input_model
        """What the node reads from the state (validated before the model is called)."""
        self.output_model = output_model
        """What the node must produce; its validated fields become the node's patch."""
        self.instructions = instructions
        """The task description given to the model (defaults to the output model's docstring)."""
        self.max_retries = max_retries
        """Self-correction retries for this node; None means the program's default."""

    @property
    def decision_field(self) -> str:
        """The output field a router node decides with: its single field, or one named route/next_step."""
        fields = list(self.output_model.model_fields)
        if len(fields) == 1:
            return fields[0]
        for candidate in DECISION_FIELD_NAMES:
            if candidate in fields:
                return candidate
        raise GraphDefinitionError(
            f"Router node '{self.name}' has output fields {fields}; a router needs a single output field "
            f"or one named {' or '.join(DECISION_FIELD_NAMES)}"
        )

    def make_signature(self) -> type[dspy.Signature]:
        """The DSPy signature of this node: input fields, then output fields, with their descriptions."""
        fields: dict[str, tuple[Any, Any]] = {}
        for fname, info in self.input_model.model_fields.items():
            fields[fname] = (info.annotation, dspy.InputField(desc=info.description or ""))
        for fname, info in self.output_model.model_fields.items():
            fields[fname] = (info.annotation, dspy.OutputField(desc=info.description or ""))
        own_doc = self.output_model.__dict__.get("__doc__")
        instructions = self.instructions or (inspect.cleandoc(own_doc) if own_doc else None)
        instructions = instructions or f"Given the fields {_names(self.input_model)}, produce the fields {_names(self.output_model)}."
        return dspy.make_signature(fields, instructions, signature_name=_identifier(self.name))

    def __repr__(self) -> str:
        return f"StatefulNode({self.name!r}, {self.input_model.__name__} -> {self.output_model.__name__})"


class HumanNode:
    """A step whose output comes from a person: the run pauses (``when`` "interrupt", kind "human") with the
    node's inputs, `prompt` and `output_model`'s JSON schema, and goes on once an answer fits `output_model`.

    The answer is checked exactly as an LLM node's output is (the same model, the same field-level errors in a
    `validation_error` event); a wrong one leaves the run waiting for a corrected one, a right one is the
    node's patch. It is `StatefulNode`'s contract with a person instead of a model, so it reads like one.
    """

    def __init__(
        self, name: str, input_model: type[BaseModel], output_model: type[BaseModel], prompt: str | None = None
    ) -> None:
        _check_contract(name, input_model, output_model)
        if prompt is not None and not isinstance(prompt, str):
            raise GraphDefinitionError(f"Node '{name}': prompt must be text, got {shown(prompt)}")
        for model in (input_model, output_model):
            bad = next((f for f in model.model_fields if f.startswith("_")), None)
            if bad is not None:
                raise GraphDefinitionError(f"Node '{name}': field '{bad}' starts with '_' (reserved for per-call options)")
        self.name = name
        """Unique name in the graph."""
        self.input_model = input_model
        """What the person is shown from the state (validated first, as an LLM node's inputs are)."""
        self.output_model = output_model
        """What the person must answer; its validated fields become the node's patch."""
        own_doc = output_model.__dict__.get("__doc__")
        self.prompt: str = prompt or (inspect.cleandoc(own_doc) if own_doc else f"Fill in {_names(output_model)}.")
        """The question shown with the form (defaults to the output model's docstring)."""

    def schema(self) -> dict[str, Any]:
        """The JSON schema of the answer (what a form is drawn from)."""
        return self.output_model.model_json_schema()

    def __repr__(self) -> str:
        return f"HumanNode({self.name!r}, {self.input_model.__name__} -> {self.output_model.__name__})"


def _names(model: type[BaseModel]) -> str:
    return ", ".join(f"`{n}`" for n in model.model_fields) or "(none)"


def _identifier(name: str) -> str:
    ident = "".join(ch if ch.isalnum() else "_" for ch in name)
    return ident if ident[:1].isalpha() else f"Node_{ident}"


def runs_on_loop(fn: Callable[..., Any], inline: bool) -> bool:
    """Whether a node or router function runs on the event loop (async, or flagged cheap) rather than in a thread."""
    return inline or inspect.iscoroutinefunction(fn) or inspect.iscoroutinefunction(getattr(fn, "__call__", None))


@dataclass(frozen=True)
class PythonNode:
    """A plain Python step: ``fn(state) -> dict | None``, sync or async; the dict is its patch.

    In a run, a sync `fn` runs in a worker thread (so a slow one never stalls the event loop
    of a server or a notebook) unless `inline` is set; an async one runs on the loop.
    """

    name: str
    """Unique name in the graph."""
    fn: Callable[[dict[str, Any]], Any]
    """The step; it gets a copy of the state and returns the fields it writes."""
    inline: bool = False
    """Run a sync `fn` on the event loop itself: for trivially cheap functions, saving the thread hop."""
    on_loop: bool = field(init=False, repr=False, compare=False)
    """Computed once: `fn` is called on the loop (async or inline), not in a worker thread."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "on_loop", runs_on_loop(self.fn, self.inline))


@dataclass(frozen=True)
class Router:
    """How the successor of `source` is chosen: a Python callable, or `source` itself when it is an LLM router."""

    source: str
    """The node after which the decision is taken."""
    decide: Callable[[dict[str, Any]], Any] | StatefulNode
    """A callable on the state (sync or async), or the LLM router node whose decision field decides."""
    path_map: dict[str, str]
    """Decision -> target node name (or END)."""
    inline: bool = False
    """Run a sync callable on the event loop itself instead of a worker thread (see `PythonNode.inline`)."""
    on_loop: bool = field(init=False, repr=False, compare=False)
    """Computed once: the decision is taken on the loop (an LLM router, an async or inline callable)."""

    def __post_init__(self) -> None:
        on_loop = isinstance(self.decide, StatefulNode) or runs_on_loop(self.decide, self.inline)
        object.__setattr__(self, "on_loop", on_loop)

    @property
    def is_llm(self) -> bool:
        return isinstance(self.decide, StatefulNode)

    @property
    def label(self) -> str:
        """A short name for the decision maker (used in drawings)."""
        if isinstance(self.decide, StatefulNode):
            return self.decide.name
        return getattr(self.decide, "__name__", type(self.decide).__name__)


@dataclass(frozen=True)
class Send:
    """A router's order to run one instance of `node` reading `arg` over the state (a map over a list).

    ``[Send("summarize", {"doc": d}) for d in state["docs"]]`` runs one `summarize` per document,
    concurrently, each seeing ``{**state, **arg}``; `node` must be a target of the router's path_map.
    """

    node: str
    arg: Mapping[str, Any]

    def __post_init__(self) -> None:
        _check_node_name(self.node)
        if not isinstance(self.arg, Mapping):
            raise GraphDefinitionError(f"Send to '{self.node}': arg must be a dict of state values, got {shown(self.arg)}")
        bad = [k for k in self.arg if not isinstance(k, str) or k.startswith("_")]
        if bad:
            raise GraphDefinitionError(
                f"Send to '{self.node}': arg key(s) {bad} are not state keys (strings not starting with '_')"
            )


@dataclass(frozen=True)
class Join:
    """`target` runs once every one of `sources` has finished since it last ran (`add_edge([...], target)`)."""

    sources: tuple[str, ...]
    target: str


@dataclass(frozen=True)
class Edge:
    """One drawable edge of the graph."""

    source: str
    target: str
    """A node name, or END."""
    label: str | None = None
    """The path_map key for a conditional edge."""
    conditional: bool = False
    join: bool = False
    """One source's edge into a join (its target waits for all the join's sources)."""


Node = Union[StatefulNode, PythonNode, HumanNode]


@dataclass(eq=False)
class Graph:
    """A state machine of typed steps. Build it, then `AgentTranspiler.compile(graph, ...)` it.

    The state is a dict. A run starts from its inputs; every node writes a patch into it.
    Several edges from one node run their targets concurrently (docs/design/parallel.md).
    A node with no way out ends its branch; the run ends when no branch goes on.
    """

    nodes: dict[str, Node] = field(default_factory=dict)
    """Name -> node, in insertion order."""
    edges: dict[str, list[str]] = field(default_factory=dict)
    """Static edges: source -> its targets, in the order added (several run concurrently)."""
    routers: dict[str, Router] = field(default_factory=dict)
    """Conditional edges: source -> router."""
    entry_point: str | None = None
    """The first node of every run."""
    joins: list[Join] = field(default_factory=list)
    """Barriers: each target runs once all its sources have finished."""

    # -- building -----------------------------------------------------------------

    def add_node(
        self,
        node: StatefulNode | HumanNode | str,
        fn: Callable[[dict[str, Any]], Any] | None = None,
        *,
        inline: bool = False,
    ) -> Graph:
        """Add an LLM node (`add_node(StatefulNode(...))`), a person's step (`add_node(HumanNode(...))`) or a
        Python node (`add_node(name, fn)`).

        A sync `fn` runs in a worker thread during a run; `inline=True` runs it on the event
        loop instead, for a function so cheap that the thread hop would cost more than it does.
        """
        if isinstance(node, (StatefulNode, HumanNode)):
            if fn is not None:
                raise GraphDefinitionError(f"Node '{node.name}': pass either a {type(node).__name__} or a name and a function")
            if inline:
                raise GraphDefinitionError(f"Node '{node.name}' is not a Python node: inline= applies to Python nodes only")
            new: Node = node
        elif isinstance(node, str):
            _check_node_name(node)
            if fn is None or not callable(fn):
                raise GraphDefinitionError(f"Python node '{node}' needs a callable fn(state) -> dict | None, got {fn!r}")
            new = PythonNode(node, fn, inline)
        else:
            raise GraphDefinitionError(f"add_node expects a StatefulNode, a HumanNode or a name, got {node!r}")
        if new.name in self.nodes and self.nodes[new.name] is not node:
            raise GraphDefinitionError(f"Duplicate node name '{new.name}': every node needs a unique name")
        self.nodes[new.name] = new
        return self

    def add_edge(self, source: str | Sequence[str], target: str) -> Graph:
        """Go from `source` to `target` (a node name or END); a list of sources is a join.

        Several edges from one source run their targets concurrently in the next superstep.
        ``add_edge(["a", "b"], "w")`` runs `w` once both `a` and `b` have finished (a barrier over
        the run), whereas ``add_edge("a", "w")`` plus ``add_edge("b", "w")`` runs `w` after either.
        """
        target = END if _is_end(target) else target
        if isinstance(source, str):
            self._check_free_source(source)
            targets = self.edges.setdefault(source, [])
            if target in targets:
                raise GraphDefinitionError(f"Node '{source}' already has an edge to '{target}'")
            targets.append(target)
            return self
        sources = tuple(source) if isinstance(source, Sequence) else ()
        if len(set(sources)) < 2 or not all(isinstance(s, str) for s in sources) or len(set(sources)) < len(sources):
            raise GraphDefinitionError(
                f"A join into '{target}' needs a list of two or more distinct node names, got {source!r}"
            )
        if target == END or any(_is_end(s) for s in sources):
            raise GraphDefinitionError(f"A join into '{target}' joins nodes into a node; END is neither")
        self.joins.append(Join(sources, target))
        return self

    def add_conditional_edges(
        self,
        source: str,
        router: Callable[[dict[str, Any]], Any] | StatefulNode,
        path_map: Mapping[str, str] | Sequence[str] | None = None,
        *,
        inline: bool = False,
    ) -> Graph:
        """After `source`, let `router` choose the next node through `path_map` (decision -> target).

        `router` is a callable on the state (sync or async) returning a decision, or a
        `StatefulNode` whose decision field (its single output field, or one named
        route/next_step) holds it; an LLM router is added to the graph as a node that
        runs after `source`. A list as `path_map` means each target decides for itself.
        A sync callable runs in a worker thread during a run, or on the loop with `inline=True`.
        """
        if path_map is None:
            raise GraphDefinitionError(f"Conditional edges from '{source}' need a path_map (decision -> target)")
        if isinstance(path_map, Mapping):
            mapping = {decision_key(k): (END if _is_end(v) else v) for k, v in path_map.items()}
        else:
            mapping = {str(v): (END if _is_end(v) else v) for v in path_map}
        if not mapping:
            raise GraphDefinitionError(f"Conditional edges from '{source}' have an empty path_map")
        if isinstance(router, StatefulNode):
            if inline:
                raise GraphDefinitionError(f"Router '{router.name}' is an LLM node: inline= applies to callables only")
            router.decision_field  # noqa: B018 - raises early when the router has no decision field
            self.add_node(router)
            if router.name != source:
                self.add_edge(source, router.name)
            source = router.name
        elif not callable(router):
            raise GraphDefinitionError(f"Router for '{source}' must be a callable or a StatefulNode, got {router!r}")
        self._check_free_source(source)
        self._check_no_edges(source)
        self.routers[source] = Router(source, router, mapping, inline)
        return self

    def set_entry_point(self, name: str) -> Graph:
        """Start every run at `name`."""
        self.entry_point = name
        return self

    def _check_free_source(self, source: str) -> None:
        if _is_end(source):
            raise GraphDefinitionError("END has no outgoing edges")
        if source in self.routers:
            raise GraphDefinitionError(
                f"Node '{source}' already has conditional edges: its router is its only way out "
                "(return a list of keys or Sends from the router to branch)"
            )

    def _check_no_edges(self, source: str) -> None:
        if source in self.edges:
            raise GraphDefinitionError(
                f"Node '{source}' already goes to {', '.join(map(repr, self.edges[source]))}; "
                "a node with conditional edges has no static ones (return a list of keys from the router to branch)"
            )

    def copy(self) -> Graph:
        """A snapshot: adding nodes or edges to the copy (or the original) leaves the other as it was."""
        edges = {source: list(targets) for source, targets in self.edges.items()}
        return Graph(dict(self.nodes), edges, dict(self.routers), self.entry_point, list(self.joins))

    # -- reading ------------------------------------------------------------------

    def node_kind(self, name: str) -> NodeKind:
        """'llm', 'python', 'human' or 'router' (an LLM node that decides the next step)."""
        node = self.nodes[name]
        if isinstance(node, PythonNode):
            return "python"
        if isinstance(node, HumanNode):
            return "human"
        router = self.routers.get(name)
        return "router" if router is not None and router.decide is node else "llm"

    def iter_edges(self) -> Iterator[Edge]:
        """All edges, static, conditional, then the joins' (one per source), for drawing."""
        for source, targets in self.edges.items():
            for target in targets:
                yield Edge(source, target)
        for source, router in self.routers.items():
            for key, target in router.path_map.items():
                yield Edge(source, target, label=key, conditional=True)
        for join in self.joins:
            for source in join.sources:
                yield Edge(source, join.target, join=True)

    def successors(self, name: str) -> list[str]:
        """The nodes `name` may lead to (END when it has no way out)."""
        if name in self.routers:
            return list(dict.fromkeys(self.routers[name].path_map.values()))
        joined = [join.target for join in self.joins if name in join.sources]
        return list(dict.fromkeys([*self.edges.get(name, []), *joined])) or [END]

    def reducers(self, *models: type[BaseModel]) -> dict[str, Callable[[Any, Any], Any]]:
        """State field -> how writes merge (``reducer(current, write)``), from ``Annotated[T, callable]`` on
        the LLM nodes' output models and `models` (the program's output model); one reducer per field."""
        found: dict[str, tuple[str, Callable[[Any, Any], Any]]] = {}
        owners = [(n.name, n.output_model) for n in self.nodes.values() if isinstance(n, (StatefulNode, HumanNode))]
        for owner_name, model in [*owners, *((m.__name__, m) for m in models)]:
            for name, info in model.model_fields.items():
                reducer = next((m for m in reversed(info.metadata) if callable(m) and not isinstance(m, type)), None)
                if reducer is None:
                    continue
                owner, known = found.setdefault(name, (owner_name, reducer))
                if known is not reducer:
                    raise GraphDefinitionError(
                        f"'{owner_name}': field '{name}' has reducer {shown(reducer)}, but '{owner}' "
                        f"declares {shown(known)}; a field has one reducer"
                    )
        return {name: reducer for name, (_, reducer) in found.items()}

    def validate(self) -> list[str]:
        """Raise `GraphDefinitionError` for a graph that cannot run; return the problems of one that runs oddly.

        `AgentTranspiler.compile` turns the problems into `GraphWarning`s.
        """
        if not self.nodes:
            raise GraphDefinitionError("The graph has no nodes")
        if self.entry_point is None:
            raise GraphDefinitionError(
                f"The graph has no entry point; call graph.set_entry_point(name) with one of: {', '.join(self.nodes)}"
            )
        known = f"known nodes: {', '.join(self.nodes)}"
        if self.entry_point not in self.nodes:
            raise GraphDefinitionError(f"Entry point '{self.entry_point}' is not a node; {known}")
        for source, targets in self.edges.items():
            for target in targets:
                if source not in self.nodes:
                    raise GraphDefinitionError(f"Edge from unknown node '{source}' (to '{target}'); {known}")
                if target != END and target not in self.nodes:
                    raise GraphDefinitionError(f"Edge from '{source}' to unknown node '{target}'; {known} (or END)")
        for join in self.joins:
            for name in (*join.sources, join.target):
                if name not in self.nodes:
                    raise GraphDefinitionError(
                        f"Join of {list(join.sources)} into '{join.target}' names unknown node '{name}'; {known}"
                    )
            routed = next((s for s in join.sources if s in self.routers), None)
            if routed is not None:
                raise GraphDefinitionError(
                    f"Node '{routed}' has conditional edges and is a source of the join into '{join.target}': "
                    "its router is its only way out"
                )
        for source, router in self.routers.items():
            if source not in self.nodes:
                raise GraphDefinitionError(f"Conditional edges from unknown node '{source}'; {known}")
            for key, target in router.path_map.items():
                if target != END and target not in self.nodes:
                    raise GraphDefinitionError(
                        f"path_map of '{source}' sends decision {key!r} to unknown node '{target}'; {known} (or END)"
                    )
        seen: set[str] = set()
        todo = [self.entry_point]
        while todo:
            name = todo.pop()
            if name == END or name in seen:
                continue
            seen.add(name)
            todo.extend(self.successors(name))
        problems = [
            f"Node '{name}' is unreachable from the entry point '{self.entry_point}'"
            for name in self.nodes
            if name not in seen
        ]
        return problems

    def __repr__(self) -> str:
        return f"Graph(nodes={list(self.nodes)}, entry_point={self.entry_point!r})"
