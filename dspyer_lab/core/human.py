"""A person in the loop: `interrupt(value)` inside a Python node or router, and the answers that resume it.

The contract (docs/events.md has its rows):

- ``interrupt(value)`` the first time raises a private control signal (an ``Exception``: a node's own
  ``except Exception`` must let it through, as with LangGraph's); the run ends its stream with a ``paused``
  event, ``when`` "interrupt", ``interrupts`` a list of `Interrupt` dicts (id, node, task, value, kind,
  prompt, schema, inputs[, errors]), and the ``checkpoint`` that resumes it (which carries them too).
- ``program.aforward(_resume=checkpoint, _answer=value)`` (``{interrupt_id: value}`` for several) records
  one ``answer`` event per answer (node, task, interrupt_id, value, answered_at) before the node runs again
  from its start; its k-th `interrupt()` call returns the k-th answer (LangGraph's semantics), an unanswered
  one pauses again. Checkpoints carry the answers given so far in their superstep, so replay and fork see them.
- A `HumanNode` asks once per visit (kind "human"): its answer is validated by its output model; a wrong one
  gives a ``validation_error`` with ``errors`` and a ``paused`` again with the same id (``errors`` set).

Values and answers are JSON (the checkpoint that resumes the run is JSON): anything else is an
`InterruptError` where it is given. The core emits them as given; the lab masks them where they enter
(its run model, the run file and the store), as it does every state value.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from contextvars import ContextVar
from typing import Any, Literal, Protocol

from pydantic import BaseModel

from .events import Interrupt, shown
from .exceptions import InterruptError

__all__ = ["Asking", "interrupt", "json_answer", "match_answers"]

_ID = re.compile(r"^.+:\d+\.\d+:\d+$")
"""What an interrupt id looks like (``node:task:k``): a mapping with such keys is answers by id."""


class _Task(Protocol):
    """The engine's task as an asking execution reads it (its id is made only when a question needs it)."""

    node: str

    @property
    def id(self) -> str: ...


class Asking:
    """One node (or router) execution that may ask: the answers given so far to its superstep, its calls so far.

    Made for every Python node and router call, so it is a plain slotted object that computes nothing up front.
    """

    __slots__ = ("answers", "asked", "calls", "router", "task")

    def __init__(self, task: _Task | None, answers: Mapping[str, Any], router: bool = False) -> None:
        self.task = task
        self.answers = answers
        """Interrupt id -> answer, for the whole superstep (this execution reads its own ids)."""
        self.router = router
        self.calls = 0
        self.asked: list[Interrupt] | None = None
        """The questions this execution raised, kept in case the node's code swallowed the signal."""

    def reset(self, task: _Task, router: bool = False) -> Asking:
        """This object for another execution (a run reuses one for the calls that run one at a time)."""
        self.task, self.router, self.calls, self.asked = task, router, 0, None
        return self

    @property
    def node(self) -> str:
        return self._task.node

    @property
    def _task(self) -> _Task:
        if self.task is None:  # a run's reusable one, between two calls: no node is running in this context
            raise InterruptError(
                "interrupt() was called outside a running node: call it inside a Python node or router of a graph's run"
            )
        return self.task

    def next_id(self) -> str:
        """The id of this execution's next question (its k-th `interrupt()` call)."""
        k, self.calls = self.calls, self.calls + 1
        task = self._task
        return f"{task.node}>route:{task.id}:{k}" if self.router else f"{task.node}:{task.id}:{k}"

    def question(
        self,
        value: Any,
        kind: Literal["interrupt", "human"] = "interrupt",
        prompt: str | None = None,
        schema: dict[str, Any] | None = None,
        inputs: dict[str, Any] | None = None,
    ) -> Interrupt:
        """This execution's next question (its id counts the calls so far)."""
        task = self._task
        return {"id": self.next_id(), "node": task.node, "task": task.id, "value": value, "kind": kind,
                "prompt": prompt, "schema": schema, "inputs": inputs}


ASKING: ContextVar[Asking | None] = ContextVar("dspyer_lab_asking", default=None)
"""The node or router running in this context (set by the engine around the call; copied into a worker thread)."""


class _Interrupted(Exception):  # noqa: N818 - a control signal, not an error (private: no caller catches it)
    """The engine's signal that one or more questions wait for a person (never reaches the user: it becomes a pause)."""

    def __init__(self, interrupts: Sequence[Interrupt]) -> None:
        super().__init__(interrupts)
        self.interrupts = list(interrupts)


def interrupt(value: Any) -> Any:
    """Ask a person: pause the run with `value` (JSON: text, numbers, lists, dicts, a pydantic model) and return
    their answer once the run is resumed with ``_answer=``. Call it inside a Python node or router.

    The node runs again from its start on resume; each `interrupt()` call in it returns its answer in order.
    Do not catch the signal it raises (an ``except Exception`` around it should re-raise): if a node swallows
    it, the run pauses all the same when the node returns.
    """
    asking = ASKING.get()
    if asking is None:
        raise InterruptError(
            "interrupt() was called outside a running node: call it inside a Python node or router of a graph's run"
        )
    checked = json_answer(value, f"interrupt() in node {asking.node!r}", asking.node)
    ask = asking.question(checked)
    if ask["id"] in asking.answers:
        return asking.answers[ask["id"]]
    asking.asked = [*(asking.asked or ()), ask]
    raise _Interrupted([ask])


def json_answer(value: Any, where: str, node: str | None = None) -> Any:
    """`value` as JSON (a pydantic model dumped), or an `InterruptError` saying where it came from."""
    try:
        if isinstance(value, BaseModel):
            value = value.model_dump(mode="json")
        return json.loads(json.dumps(value, allow_nan=False))
    except (TypeError, ValueError, RecursionError) as exc:
        raise InterruptError(
            f"{where}: {shown(value)} is not JSON ({exc}); give text, numbers, true/false, None, lists, dicts or a "
            "pydantic model",
            node,
        ) from None


def match_answers(answer: Any, waiting: Sequence[Interrupt]) -> dict[str, Any]:
    """`_answer` as interrupt id -> JSON answer, for the questions `waiting` in a checkpoint.

    One question: `answer` is its answer, unless it is a mapping keyed by interrupt ids. Several: a mapping of
    ids (some of them may stay unanswered). No question waiting, an unknown id: an `InterruptError`.
    """
    if not waiting:
        raise InterruptError(
            "_answer= was given, but the checkpoint has no question waiting (it is not paused at an interrupt)"
        )
    known = [ask["id"] for ask in waiting]
    by_id = isinstance(answer, Mapping) and bool(answer) and all(isinstance(k, str) and _ID.match(k) for k in answer)
    if not by_id and len(waiting) == 1:
        return {known[0]: json_answer(answer, f"the answer to {known[0]!r}", waiting[0]["node"])}
    if not by_id:
        raise InterruptError(
            f"{len(waiting)} questions wait ({', '.join(map(repr, known))}): answer them by id, "
            "_answer={interrupt_id: answer, ...}"
        )
    unknown = next((k for k in answer if k not in known), None)
    if unknown is not None:
        raise InterruptError(f"_answer names interrupt {unknown!r}, which is not waiting; the waiting ones: {', '.join(map(repr, known))}")
    node = {ask["id"]: ask["node"] for ask in waiting}
    return {k: json_answer(v, f"the answer to {k!r}", node[k]) for k, v in answer.items()}
