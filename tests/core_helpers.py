"""Small shared pieces of the core test suite: models, graph builders, event and task helpers.

Kept deliberately plain so that each test module still reads as a self-contained story.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator, Callable
from typing import Any

from dspy.utils.callback import BaseCallback
from pydantic import BaseModel, Field, field_validator

from dspyer_lab import AgentTranspiler, Graph, StatefulNode

__all__ = [
    "Question",
    "Answer",
    "Scored",
    "Summary",
    "chain_graph",
    "echo_chain_program",
    "echo_script",
    "collect",
    "by_kind",
    "replay_state",
    "other_tasks",
    "settle",
    "LMCallTracker",
]


class Question(BaseModel):
    query: str = Field(description="What the user asked")


class Answer(BaseModel):
    answer: str = Field(description="The answer")


class Scored(BaseModel):
    """Answer the question and rate your confidence from 0 to 10."""

    answer: str
    score: int

    @field_validator("score")
    @classmethod
    def score_in_range(cls, value: int) -> int:
        if not 0 <= value <= 10:
            raise ValueError("score must be between 0 and 10")
        return value


class Summary(BaseModel):
    summary: str


def chain_graph() -> Graph:
    """query -> [answer] (LLM) -> [summarize] (LLM) -> END."""
    g = Graph()
    g.add_node(StatefulNode("answer", Question, Answer))
    g.add_node(StatefulNode("summarize", Answer, Summary))
    g.add_edge("answer", "summarize")
    g.add_edge("summarize", "__end__")
    g.set_entry_point("answer")
    return g


def echo_chain_program() -> Any:
    """`chain_graph()` compiled with `Summary` as its output model."""
    return AgentTranspiler.compile(chain_graph(), output_model=Summary)


def echo_script() -> dict[str, Callable[[dict[str, Any]], dict[str, Any]]]:
    """Answers computed from each node's own inputs, so a mixed-up state shows in the output."""
    return {
        "answer": lambda inputs: {"answer": f"A({inputs['query']})"},
        "summarize": lambda inputs: {"summary": f"S({inputs['answer']})"},
    }


async def collect(stream: AsyncIterator[dict[str, Any]]) -> tuple[list[dict[str, Any]], BaseException | None]:
    """Every event of a stream, and the exception it ended with (None when it finished)."""
    events: list[dict[str, Any]] = []
    try:
        async for event in stream:
            events.append(event)
    except Exception as exc:  # the test inspects it
        return events, exc
    return events, None


def by_kind(events: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    return [e for e in events if e["event"] == kind]


def replay_state(events: list[dict[str, Any]]) -> dict[str, Any]:
    """The state as a view rebuilds it: run_start.inputs, then each node_end.patch in order."""
    state = dict(events[0]["inputs"])
    for event in by_kind(events, "node_end"):
        state.update(event["patch"])
    return state


def other_tasks() -> set[asyncio.Task[Any]]:
    """Tasks of the running loop other than the current one (not done)."""
    current = asyncio.current_task()
    return {t for t in asyncio.all_tasks() if t is not current and not t.done()}


async def settle(min_turns: int = 3, max_turns: int = 50) -> set[asyncio.Task[Any]]:
    """Give the loop a few turns (no wall-clock wait) and return the tasks still pending.

    asyncio closes an abandoned async generator by scheduling `aclose()` as a task on the
    next loop turn (its asyncgen finalizer hook), so a leak only shows after a turn or two.
    """
    for turn in range(max_turns):
        if turn >= min_turns and not other_tasks():
            break
        await asyncio.sleep(0)
    return other_tasks()


class LMCallTracker(BaseCallback):
    """Counts LM calls in flight (between DSPy's on_lm_start and on_lm_end), across threads.

    `started` is set on the first LM call, so a test can act while a model call is in flight.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.in_flight = 0
        self.max_in_flight = 0
        self.started_count = 0
        self.ended: list[BaseException | None] = []
        self.started = asyncio.Event()

    def on_lm_start(self, call_id: str, instance: Any, inputs: dict[str, Any]) -> None:
        with self._lock:
            self.in_flight += 1
            self.started_count += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
        self.started.set()

    def on_lm_end(self, call_id: str, outputs: Any, exception: BaseException | None = None) -> None:
        with self._lock:
            self.in_flight -= 1
            self.ended.append(exception)

