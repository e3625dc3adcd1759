"""LabPresenter: everything a LabView does, without a widget: runs, selection, page, tab shown, the debugger.

The presenter folds a run's events into `RunModel`s the moment they arrive, holds what the user
picked (node, visit, attempt, call, timeline page, tab shown) and the debugger's state (breakpoints,
pauses, the runs kept, the fork editor, an edit's error), and runs things (a run's asyncio task,
stop, resume / step / fork). `render()` returns what a view shows: the graph's picture and the
panel's parts (head, timeline, the one tab shown); `handle(message)` turns a click into a
selection or a command. Its owner (a `LabView`, a `BatchView`'s opened example, a test) is told
through ONE callback, ``on_change(ended)``, when something changed: it renders and syncs; `ended`
says a run has just ended or been shown whole (time to refresh a still picture).

Debugger commands are reached the same way from Python (``await presenter.resume(...)``) and from
the browser (a ``resume``/``step``/``fork`` message), so both behave alike:

- `resume` / `step` continue the paused run shown, in the same `RunModel` (same ``run_id``,
  ``seq`` going on): ``program.new_run(_resume=<the pause's checkpoint>, _update=...)``;
- `fork` starts a new run from any step of the run shown (``_resume=Checkpoint.from_events(events, k),
  _fork=True``), kept next to its parent in `runs`;
- `stop` also ends a paused run: it is marked cancelled.

The Calls tab's "Edit and send again" (`resend`, `use_instructions`, `fork_with`; the ``resend`` and
``use-instructions`` / ``fork-with`` messages) is the `playground`'s (lab/model/playground.py): a resend
is one model call of a recorded call's node, run as a task on the loop like a click's run; its variants
are kept there, shown in ``head.debug.playground``; "Fork from here with them" is the debugger's fork.

An update is checked before anything runs (the core's `CheckpointError`, naming the field); from
the browser, the error is shown next to the field instead of being raised. Runs continued from a
click run in the context (``dspy.context(lm=...)``, callbacks) of the Python call that started the
run, since a click has none of its own, as a task on the event loop the frontend handles the click
on; a frontend that handles it with no running loop gets the reason shown (`NO_LOOP`).
"""

from __future__ import annotations

import asyncio
import contextvars
import json
from collections.abc import AsyncIterable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Generic, TypeVar

import dspy
from pydantic import BaseModel

from ...core.checkpoint import Checkpoint
from ...core.eventschema import event_label
from ...core.exceptions import CheckpointError, DspyerLabError, RunPaused
from ...core.graph import END, Graph, StatefulNode
from ...core.program import AgentTranspiler
from .. import runner
from ..adapter import as_graph, contract_events
from ..masking import mask_exception
from ..textview import DEFAULT_SECRET_PATTERNS, MASK, Masker
from ..throttle import Throttle
from .answerform import AnswerError, asks_json, check_unmasked, pending, sent_answer
from .debugview import branch_of, diff_blocks, fork_diff, inherited, next_superstep, run_label, state_fields
from .labstore import StoreChoice, recording_into, store_for, view_store
from .playground import Playground, ProgramVersion, Resent, ResendError, in_context
from .presenter_errors import UnknownVisit, ViewCommandError, ViewError
from .presenter_graph import GraphState
from .runfile import SavedRun, describe_output_model, write_run
from .runmodel import CANCELLED, NodeVisit, RunModel, checked_event, introduced
from .store import RunStore
from .viewmodel import (
    TAB_OF_EVENT,
    TABS,
    Page,
    Screen,
    Selection,
    calls_json,
    error_json,
    essentials_json,
    event_line,
    graph_json,
    node_json,
    play_json,
    result_json,
    run_totals_text,
    selected_visit,
    shown_call,
    shown_state,
    status_text,
    tabs_json,
    timeline_json,
    validation_json,
)
from .waterfall import waterfall_json

__all__ = [
    "KEPT_RUNS",
    "NO_LOOP",
    "NO_LOOP_SEND",
    "STOPPED",
    "STOP_HINT",
    "WHEN",
    "LabPresenter",
    "OnChange",
    "Presenter",
    "Rendered",
    "check_same_nodes",
]

T = TypeVar("T")

OnChange = Callable[[bool], None]
"""How a presenter tells its owner that something changed: ``on_change(ended)`` (`ended`: a run just ended)."""
_Result = Callable[[RunModel], Any]
"""Reads a run's result once its events are consumed."""
_Prepared = tuple[Any, _Result]
"""A run ready to launch: its event stream (not started) and how its result is read."""

STOPPED = "run stopped from the LabView (Stop button or view.stop())"
"""The message of the `asyncio.CancelledError` a stopped run raises."""
STOP_HINT = "This cell waits for the run: use the kernel's interrupt (■) to stop it"
"""Why the Stop button is disabled while a run blocks its cell (clicks wait for the cell)."""
WHEN = ("before", "after")
"""Where a breakpoint pauses a run: before its node runs, or after it ran and routed."""
NO_LOOP = (
    "This frontend handed the click over with no running event loop to run it on: "
    "go on from a cell instead (await view.resume(...), view.step(...) or view.fork(...))"
)
"""What the view shows when a Continue / Step / Run fork click cannot start its run."""
NO_LOOP_SEND = (
    "This frontend handed the click over with no running event loop to send on: "
    "send from a cell instead (await view.resend(call, ...))"
)
"""What the editor shows when a Send click cannot start its model call."""
KEPT_RUNS = 20
"""Runs a view keeps for its selector, the oldest dropped first: a view run in a loop must not hold every run."""


class Presenter:
    """What every presenter does for its owner: tell it through one callback that what `render` returns may
    have changed, at once (a click) or at most `refresh_rate` times a second (events streaming)."""

    def __init__(self, on_change: OnChange | None, refresh_rate: float) -> None:
        self.on_change = on_change
        """Called with ``ended`` whenever what `render` returns may have changed (the owner renders and syncs)."""
        self._ended = False
        self._throttle = Throttle(self._tick, 1.0 / refresh_rate)

    def _changed(self) -> None:
        """Something the user did changed what is shown: the owner renders now."""
        if self.on_change is not None:
            self.on_change(False)

    def _tick(self) -> None:
        ended, self._ended = self._ended, False
        if self.on_change is not None:
            self.on_change(ended)


@dataclass(frozen=True)
class Rendered:
    """What a view shows, as JSON-ready dicts: the graph's picture and the panel's three parts."""

    picture: dict[str, Any]
    """`graph_json` of the run shown plus the debugger's marks (paused node, fork diff, inherited nodes)."""
    head: dict[str, Any]
    """``{"toolbar", "tabs", "focus", "debug"}``: the lines above and beside the panels."""
    timeline: dict[str, Any]
    """`timeline_json`: one page of the run's events."""
    tab: dict[str, Any]
    """``{"id": <tab shown>, ...}``: the one tab the presenter believes is shown, built."""
    play: dict[str, Any] | None = None
    """`play_json` of the run once it is over (None before): what the browser's player clocks frames by. The same
    for every frame of a run: a `LabView` sends it apart, once per run (the head goes at every frame)."""


class LabPresenter(Presenter, Generic[T]):
    """Watch, inspect, stop, save, replay and debug runs of a program: a `LabView` without the widget.

    `program` is a compiled program (dspyer-lab's, or an upstream ``dspyer`` one), or a `Graph`
    (compiled on the first `run`); an upstream ``dspyer`` graph is only drawn. `masker`: one that
    already knows the secrets (a `BatchView`'s), else one is made from `secret_patterns`. `store`: where
    the runs started here are written (`labstore.store_for`). See `LabView` for the other options.
    """

    def __init__(
        self,
        program: Any,
        *,
        secret_patterns: Iterable[str] | None = DEFAULT_SECRET_PATTERNS,
        masker: Masker | None = None,
        display_limit: int | None = 200,
        timeline_window: int = 200,
        refresh_rate: float = 15.0,
        stream_tokens: bool = True,
        store: StoreChoice = None,
        models: Mapping[str, Any] | None = None,
        on_change: OnChange | None = None,
    ) -> None:
        super().__init__(on_change, refresh_rate)
        self._store_choice = store
        if store is not None and store is not True:
            store_for(store)  # a wrong kind of value (or a file that cannot be opened) is refused here
        self.store: RunStore | None = None
        """The store the last run started here was written to (None: none yet, or not stored)."""
        self._store_note = ""
        self.stream_tokens = stream_tokens
        """Whether runs started here stream the model's text token by token (``_stream_tokens``)."""
        self.program: Any = program if hasattr(program, "astream") else None
        """What `run` executes (None for a graph not compiled yet, or a replay)."""
        self._uncompiled: Graph | None = program if isinstance(program, Graph) else None
        self._cannot_run = (
            f"LabView can draw this {type(program).__module__}.{type(program).__name__} but not run it: "
            "compile it first (e.g. dspyer.AgentTranspiler.compile(graph)) and give LabView the program"
        )
        self.graph = GraphState(program)
        """The picture of the run on the graph (statuses, visits, path; ``selected_node`` drives the inspector)."""
        self.masker = masker if masker is not None else Masker(secret_patterns)
        """Masks secret-looking fields in everything displayed (and in saved runs)."""
        self.run_log = RunModel()
        """The run model of the run shown (all its events)."""
        self._task: asyncio.Task[Any] | None = None
        self._shown = self.run_log
        self._sel = Selection()
        self._page = Page(size=timeline_window)
        self._focus = ("node", 0)
        self._tab_shown = "node"
        self._replay = False
        self._blocking = False
        self._quiet = False
        self._output_description = describe_output_model(_output_model(self.program))
        self._screen = Screen(self.masker, display_limit, dict((self._output_description or {}).get("fields") or {}))
        # the debugger
        self._runs: list[RunModel] = []
        self._context: contextvars.Context | None = None
        self._debug_error: dict[str, Any] | None = None
        self._refused: dict[str, Any] | None = None  # the last answer from the page the kernel refused
        self._fork_memo: tuple[tuple[Any, int, int], Checkpoint] | None = None  # the bar is drawn at every render
        self._fork_editing = False
        self._play_memo: tuple[tuple[Any, int], dict[str, Any]] | None = None
        self.play_in_head = True
        """Whether the head carries the player's part (``head["play"]``): for an owner that sends a render as one JSON
        (a BatchView's opened example); a `LabView` sends `Rendered.play` apart, once per run."""
        self.presenter_mode = False
        """Whether the view shows the graph large with the current node's essentials (`head.presenter`), no tables."""
        defaults = getattr(self.program, "defaults", None)
        self._breakpoints = self.checked_breakpoints({
            "before": sorted(getattr(defaults, "interrupt_before", ())),
            "after": sorted(getattr(defaults, "interrupt_after", ())),
        })
        self.playground = Playground(self.program, self.masker, models)
        """The resends of the calls shown (`resend`), the models offered, the program's versions."""
        self.graph.observe(self._graph_clicked, names="selected_node")

    # -- what it shows ------------------------------------------------------------------

    @property
    def events(self) -> list[dict[str, Any]]:
        """The events of the run shown, in order."""
        return list(self.run_log.events)

    @property
    def running(self) -> bool:
        """Whether a run is in progress: from `start`, `run` or `watch` until it is shown how it ended."""
        return self._task is not None

    @property
    def store_note(self) -> str:
        """Where the runs started here are written (``runs stored in .dspyer/runs.sqlite``), or why they are not;
        "" before the first run, or when the view was told not to store."""
        return self._store_note

    @property
    def status(self) -> str:
        """The toolbar's line about the run shown (``finished · 2 steps in 0.512 s``, ``event 3/16 · running ...``)."""
        return status_text(self._shown, self.run_log, self._can_run())

    @property
    def task(self) -> asyncio.Task[Any] | None:
        """The task of the run in progress (None when none runs): what a click's Continue or Run fork started."""
        return self._task

    @property
    def selected_node(self) -> str:
        """The node inspected and highlighted in the graph (``""``: following the run)."""
        return self.graph.selected_node

    @property
    def tab_shown(self) -> str:
        """The panel tab the presenter believes is shown (the one `render` builds)."""
        return self._tab_shown

    @property
    def panel(self) -> dict[str, Any]:
        """Everything the panels can show, every tab built: head (toolbar, tabs, focus, debug), timeline, tabs."""
        log = self._shown
        visit = selected_visit(log, self._sel)
        parent = self._parent_of(self.run_log)
        diff = fork_diff(parent, log) if parent is not None else {}
        panel = {**self._head(log, parent, diff), "timeline": timeline_json(log, self._page, self._screen, visit)}
        for tab in TABS:
            panel[tab] = self._tab_json(tab, log, visit, parent)
        return panel

    def render(self) -> Rendered:
        """What the view shows now: the picture (also set on `graph`) and the panel's parts (only the tab shown built).

        Clipped values carry handles to their full text, valid until the next render.
        """
        log = self._shown
        # handles numbered afresh, in build order: a part built the same is the same text (and is not re-sent)
        self._screen.begin()
        visit = selected_visit(log, self._sel)
        parent = self._parent_of(self.run_log)
        diff = fork_diff(parent, log) if parent is not None else {}  # once: the picture and the debug bar share it
        picture = self._picture(log, parent, diff)
        self.graph.show(log, picture)
        head = self._head(log, parent, diff)
        return Rendered(
            picture=picture,
            head=head,
            timeline=timeline_json(log, self._page, self._screen, visit),
            tab={"id": self._tab_shown, **self._tab_json(self._tab_shown, log, visit, parent)},
            play=self._play() if head["toolbar"]["replay"] else None,
        )

    def open_tab(self, tab: str) -> None:
        """Show panel `tab` (``node``, ``calls``, ``validation``, ``result``, ``error`` or ``waterfall``)."""
        if tab not in TABS:
            raise ViewError(f"no tab {tab!r}: the tabs are {', '.join(TABS)}")
        self._focus_tab(tab)
        self._changed()

    def select(self, node: str | None = None, *, visit: int | None = None, event: int | None = None) -> NodeVisit | None:
        """Inspect a node (its latest visit, following the run), a visit (index in ``run_log.visits``),
        or the visit an event belongs to (index in `events`); with no argument, follow the newest visit."""
        if visit is not None and not 0 <= visit < len(self.run_log.visits):
            raise UnknownVisit(f"visit {visit} is not in this run, which has {len(self.run_log.visits)} visit(s)")
        if event is not None:
            found = self._shown.visit_of_event(event)
            visit = found.index if found is not None else None
        self._sel = Selection(node=node if visit is None else None, visit=visit, attempt=self._sel.attempt)
        self._quiet = True
        try:
            self.graph.selected_node = self._picked_node() or ""
        finally:
            self._quiet = False
        self._changed()
        return selected_visit(self._shown, self._sel)

    def seek(self, step: int) -> None:
        """Show the run as it was after its first `step` events: graph colours and every panel."""
        if self.running:
            raise ViewError("A run is in progress: time travel once it is over")
        events = self.run_log.events
        step = max(0, min(int(step), len(events)))
        self._shown = self.run_log if step == len(events) else self.run_log.at(step)
        self._changed()

    def save(self, path: str | Path, *, mask_secrets: bool = True) -> Path:
        """Write the run shown (graph description + events) to a JSON file that `LabView.load` replays."""
        masker = self.masker if mask_secrets else None
        events: list[Mapping[str, Any]] = list(self.run_log.events)
        return write_run(path, self.graph.graph, events, self._output_description, masker)

    # -- what it runs ---------------------------------------------------------------------

    async def run(self, **inputs: Any) -> T:
        """Run the program on `inputs` while the view follows it; return its typed result (see `LabView.run`)."""
        self._refuse_second_run()
        events, result = self._prepare(inputs)
        return await self._launch(events, result)

    def start(self, **inputs: Any) -> asyncio.Task[T]:
        """Start `run(**inputs)` in the background and return its task at once (see `LabView.start`)."""
        self._refuse_second_run()
        events, result = self._prepare(inputs)
        return self._launch(events, result, background=True)

    async def watch(self, events: AsyncIterable[Mapping[str, Any]] | Iterable[Mapping[str, Any]]) -> RunModel:
        """Follow an event stream (see `LabView.watch`); return the run model."""
        self._refuse_second_run()
        result: asyncio.Task[RunModel] = self._launch(events, lambda log: log, checked=True)
        return await result

    def stop(self) -> bool:
        """Stop the run in progress, begun or still about to begin, or end a paused one; False when there is none."""
        if self._task is None or self._task.done():
            return self._stop_paused()
        self._task.cancel(STOPPED)
        return True

    def show_events(self, events: Iterable[Mapping[str, Any]], *, ours: bool = False) -> None:
        """Show the run of `events` instead of what is shown (a view that runs nothing: `load`, `of_events`).

        They come from a caller, so each is checked first (`EventContractError` names the first bad one; the view
        keeps what it showed); `ours`: they are our engine's (a batch's example), already as the contract says."""
        self._show(events if ours else _checked_events(events))

    def _show(self, events: Iterable[Mapping[str, Any]]) -> None:
        """Show contract events (checked, or read by `read_run`), instead of what is shown."""
        if self.running:
            raise ViewError("A run is in progress: show other events once it is over")
        self._runs.clear()  # the runs kept (original and forks) are those of the events shown
        self._new_run()
        for event in events:
            self.masker.learn(introduced(event))
            self.run_log.apply(event)
        self._end()

    def show_saved(self, saved: SavedRun, *, runnable: bool) -> None:
        """Show a saved run (`read_run`); without a `runnable` program (same nodes) it is only replayed."""
        if not runnable:
            self._uncompiled = None  # the stand-in graph only draws
            self._cannot_run = "This view replays a saved run: it has no program to run"
            self._replay = True
        self._output_description = saved.output_model
        self._screen.output_fields = dict((saved.output_model or {}).get("fields") or {})
        self._show(saved.events)  # `read_run` checked them

    def show_past(self, events: Iterable[Mapping[str, Any]]) -> None:
        """Show a run that already happened (e.g. one example of a batch), running nothing from then on."""
        checked = _checked_events(events)  # before anything changes: a bad event leaves the view as it was
        self.program = self._uncompiled = None
        self._cannot_run = "This view shows a run that already happened: run the program in a LabView of its own"
        self._replay = True
        self._show(checked)

    def close(self) -> None:
        """Stop any run and the pending refresh (a paused run stays paused)."""
        if self.running:
            self.stop()
        self.playground.close()
        self._throttle.cancel()

    def __repr__(self) -> str:
        return f"LabPresenter({len(self.graph.graph.nodes)} nodes, {len(self.run_log.events)} events, {self.run_log.status})"

    # -- the debugger ---------------------------------------------------------------------

    @property
    def breakpoints(self) -> dict[str, list[str]]:
        """``{"before": [node, ...], "after": [node, ...]}``: where runs started here pause."""
        return {when: list(names) for when, names in self._breakpoints.items()}

    @breakpoints.setter
    def breakpoints(self, value: Mapping[str, Any]) -> None:
        self._breakpoints = self.checked_breakpoints(value)
        self._changed()

    def checked_breakpoints(self, value: Mapping[str, Any]) -> dict[str, list[str]]:
        """`value` as breakpoints (``"*"``: every node), or a `ViewCommandError` naming what is wrong."""
        unknown_keys = [k for k in value if k not in WHEN]
        if unknown_keys:
            raise ViewCommandError(f"breakpoints take the keys 'before' and 'after', not {unknown_keys}")
        nodes = list(self.graph.graph.nodes)
        checked: dict[str, list[str]] = {}
        for when in WHEN:
            names = value.get(when) or []
            if names == "*":
                names = nodes
            if isinstance(names, str) or not all(isinstance(n, str) for n in names):
                raise ViewCommandError(f"breakpoints[{when!r}] must be a list of node names or '*', got {names!r}")
            missing = [n for n in names if n not in nodes]
            if missing:
                raise ViewCommandError(
                    f"breakpoints[{when!r}] names unknown node(s) {missing}; the nodes are: {', '.join(nodes)}"
                )
            checked[when] = sorted(set(names))
        return checked

    def toggle_breakpoint(self, node: str, when: str = "before") -> bool:
        """Set or clear the breakpoint `when` (``"before"`` or ``"after"``) node `node`; True when it is now set."""
        if when not in WHEN:
            raise ViewCommandError(f"when must be 'before' or 'after', got {when!r}")
        current = self.breakpoints
        names = current[when]
        now_set = node not in names
        current[when] = [*names, node] if now_set else [n for n in names if n != node]
        self.breakpoints = current
        return now_set

    @property
    def paused(self) -> RunPaused | None:
        """Where the run shown is paused (`node`, `when`, `checkpoint`), or None when it is not paused."""
        log = self.run_log
        event = log.paused
        if log.status != "paused" or event is None:
            return None
        try:
            checkpoint = Checkpoint.from_dict(event.get("checkpoint"))  # type: ignore[arg-type]
        except CheckpointError:  # a tampered file's pause: nothing to resume from
            return None
        return RunPaused(str(event.get("node")), str(event.get("when")), checkpoint, pending(event))

    @property
    def runs(self) -> list[RunModel]:
        """The runs shown, oldest first: runs, continued pauses and forks (one `RunModel` each; the last `KEPT_RUNS`)."""
        return list(self._runs)

    def show_run(self, index: int) -> RunModel:
        """Show run `index` of `runs` (graph, panels, slider); `resume`, `step` and `fork` then act on it."""
        if self.running:
            raise ViewCommandError("A run is in progress: switch runs once it is over")
        if not -len(self._runs) <= index < len(self._runs):
            raise ViewCommandError(f"no run {index}: this view has {len(self._runs)} run(s)")
        self._switch_to(self._runs[index])
        self._changed()
        return self._runs[index]

    @property
    def diff(self) -> dict[str, str]:
        """For a fork shown: node -> ``same``, ``changed``, ``added`` or ``removed`` against its parent's run."""
        parent = self._parent_of(self.run_log)
        return dict(fork_diff(parent, self.run_log)) if parent is not None else {}

    async def resume(self, update: Mapping[str, Any] | None = None) -> T | None:
        """Continue the paused run shown, with `update` applied first (see `LabView.resume`)."""
        return await self._command(self._checked(lambda: self._continued(update, step=False)), continuing=True)

    async def step(self, update: Mapping[str, Any] | None = None) -> T | None:
        """Run the next node of the paused run shown and pause again (see `LabView.step`)."""
        return await self._command(self._checked(lambda: self._continued(update, step=True)), continuing=True)

    async def fork(self, step: int | None = None, update: Mapping[str, Any] | None = None) -> T | None:
        """Run again from a past point of the run shown, as a new run (see `LabView.fork`)."""
        return await self._command(self._checked(lambda: self._forked(step, update)), continuing=False)

    @property
    def waiting(self) -> list[dict[str, Any]]:
        """The interrupts the run shown waits on (`id`, `node`, `task`, `kind`, `value`, `prompt`, `schema`,
        `inputs`, as in its ``paused`` event); empty unless it paused at a person's step."""
        return pending(self.run_log.paused) if self.run_log.status == "paused" else []

    async def answer(self, value: Any) -> T | None:
        """Answer the person's step the run shown waits at and go on (see `LabView.answer`)."""
        return await self._command(self._checked(lambda: self._answering(value)), continuing=True)

    def _answering(self, value: Any) -> _Prepared:
        """The resumed run carrying `value` as the answer (`_answer=`), once it is one the run can take."""
        self._refuse_second_run()
        paused, asks = self.paused, self.waiting
        if paused is None or not asks:
            raise AnswerError(f"Nothing to answer: the run shown is {self.run_log.status}"
                              + (" at a breakpoint (resume it instead)" if paused is not None else ""))
        if len(asks) > 1:
            ids = [str(a.get("id")) for a in asks]
            if not isinstance(value, Mapping) or not value or not set(map(str, value)) <= set(ids):
                raise AnswerError(f"{len(asks)} interrupts wait ({', '.join(ids)}): answer with {{id: value}}")
        check_unmasked(value)
        self._shown = self.run_log
        self._refused = None
        return self._started(_resume=paused.checkpoint, _answer=value, **self._interrupt_options())

    # -- the playground ---------------------------------------------------------------------

    async def resend(
        self,
        call: int | Mapping[str, Any],
        *,
        messages: Sequence[Mapping[str, Any]] | None = None,
        instructions: str | None = None,
        demos: Sequence[Mapping[str, Any]] | None = None,
        inputs: Mapping[str, Any] | None = None,
        lm: Any = None,
    ) -> Resent:
        """Send model call `call` of the run shown again, edited (see `LabView.resend`); the run and program stay."""
        work = self.playground.resend(self.run_log, call, messages=messages, instructions=instructions,
                                      demos=demos, inputs=inputs, lm=lm)
        if dspy.settings.lm is not None or self._context is None:  # the caller's own DSPy settings
            return await work
        # else those of the Python call that started the run, like a click's resume
        return await in_context(self._context, work)

    def use_instructions(self, node_or_variant: str | Resent, instructions: str | None = None, *,
                         demos: Sequence[Mapping[str, Any]] | None = None) -> ProgramVersion:
        """Give a node's predictor new instructions (and demos): a resend's (a `Resent`), or `instructions` for node
        `node_or_variant`. The program changes (``dump_state()``, ``save``); runs from now on use them."""
        version = self.playground.use(node_or_variant, instructions, demos)
        self._changed()
        return version

    def use_context(self, context: contextvars.Context) -> None:
        """Run clicks (Continue, Run fork, Send) in `context`: the DSPy settings (``dspy.context(lm=...)``) of the
        cell that ran what this presenter shows when it did not run it itself (a batch's opened example)."""
        self._context = context

    async def fork_with(self, variant: Resent) -> T | None:
        """Use a resend's instructions (`use_instructions`), then run again from its node's visit as a fork of the run
        shown (the debugger's fork: its parent's id kept); returns like `fork`."""
        return await self._command(self._with_instructions(variant), continuing=False)

    def _with_instructions(self, variant: Resent) -> _Prepared:
        """The fork re-running `variant`'s visit, once `variant`'s instructions are used (everything is checked
        before anything changes: a refused fork leaves the program as it was)."""
        step = self._step_before(variant.call, variant.node)
        use = self.playground.checked_use(variant)
        prepared = self._checked(lambda: self._forked(step, None))
        use()
        self._changed()
        return prepared

    def _step_before(self, call: int, node: str) -> int:
        """The graph step a fork keeps to re-run the visit of model call `call` (the step before its visit's)."""
        _, found, visit = self.playground.recorded(self.run_log, call)
        if found.name != node:
            raise ResendError(f"model call {call} of the run shown is node '{found.name}'s, not '{node}': "
                              "fork with a variant of the run shown")
        if visit.step is None:
            raise ResendError(f"the visit of node '{node}' has no step number (a run saved before them): cannot fork")
        return visit.step - 1

    # -- clicks ---------------------------------------------------------------------------

    def handle(self, message: Mapping[str, Any]) -> dict[str, Any] | None:
        """Do what a browser message asks (``message["type"]`` says what); the reply to send back, if any.

        Messages that do not fit (an unknown node, a stale index) do nothing: a click has no caller to raise to.
        """
        kind = message.get("type")
        if kind == "select":
            if isinstance(message.get("event"), int):
                self._timeline_clicked(message["event"])
            elif isinstance(message.get("visit"), int) and 0 <= message["visit"] < len(self.run_log.visits):
                self.select(visit=message["visit"])
            else:
                node = message.get("node")
                self.select(node if isinstance(node, str) and node in self.graph.drawing.node_ids else None)
                if node:
                    self._focus_tab("node")
                    self._changed()
        elif kind == "tab" and message.get("tab") in TABS:
            # the browser shows it already: no new focus request (same n), but a view made later opens on it
            self._tab_shown = str(message["tab"])
            self._focus = (self._tab_shown, self._focus[1])
            self._changed()
        elif kind == "attempt":
            key = message.get("key")
            if isinstance(key, list) and len(key) == 2 and all(isinstance(k, int) for k in key):
                self._sel = Selection(self._sel.node, self._sel.visit, (key[0], key[1]))
                self._changed()
        elif kind == "call" and isinstance(message.get("index"), int):
            self._sel = replace(self._sel, call=message["index"])
            self._changed()
        elif kind == "seek" and isinstance(message.get("step"), int) and not self.running:
            self.seek(message["step"])
        elif kind == "page" and isinstance(message.get("offset"), int):
            self._page = Page(offset=max(0, message["offset"]), size=self._page.size)
            self._changed()
        elif kind == "stop":
            self.stop()
        elif kind == "full-text" and isinstance(message.get("handle"), str):
            text = self._screen.full_text(message["handle"])
            return {"type": "full-text", "handle": message["handle"],
                    "text": text if text is not None else "(no longer on screen: click again)"}
        elif kind == "breakpoint":
            node, when = message.get("node"), message.get("when")
            if isinstance(node, str) and node in self.graph.graph.nodes and when in WHEN:
                self.toggle_breakpoint(node, str(when))
        elif kind in ("resume", "step", "fork"):
            self._clicked(str(kind), message.get("update"))
        elif kind == "answer":
            self._answer_clicked(message)
        elif kind == "presenter-mode":
            self.set_presenter_mode(bool(message.get("on")))
        elif kind == "fork-editor":
            self._fork_editing = bool(message.get("open"))
            self._debug_error = None
            self._changed()
        elif kind == "show-run" and isinstance(message.get("index"), int) and not self.running:
            if 0 <= message["index"] < len(self._runs):
                self.show_run(message["index"])
        elif kind in ("resend-editor", "resend", "use-instructions", "fork-with", "drop-variant"):
            self._playground_clicked(str(kind), message)
        return None

    def _timeline_clicked(self, index: int) -> None:
        event = self._shown.events[index] if 0 <= index < len(self._shown.events) else {}
        self.select(event=index)
        if event.get("event") == "lm_call":
            self._sel = replace(self._sel, call=index)
        self._focus_tab(TAB_OF_EVENT.get(str(event.get("event")), "node"))
        self._changed()

    def _graph_clicked(self, change: Mapping[str, Any]) -> None:
        if self._quiet:
            return
        if change["new"]:
            self.select(change["new"])
            self._focus_tab("node")
            self._changed()
        else:  # the selected node clicked again: back to following the run
            self.select()

    def _clicked(self, kind: str, texts: Any) -> None:
        """Continue, Step or Run from here: the same commands as from Python, errors shown next to the field."""
        def prepare() -> _Prepared:
            update = _parsed_update(texts)
            return self._forked(None, update) if kind == "fork" else self._continued(update, step=kind == "step")

        try:
            asyncio.get_running_loop()
        except RuntimeError:  # the run's task would have no loop to run on
            self._debug_error = {"field": None, "message": NO_LOOP}
            self._changed()
            return
        try:
            prepared = self._checked(prepare)
        except DspyerLabError:
            return  # shown next to the field: a click has no caller to raise to
        self._command(prepared, continuing=kind != "fork", background=True)

    def _answer_clicked(self, message: Mapping[str, Any]) -> None:
        """The answer form's Submit ({id, values} or {id, json}): refused answers are shown beside their field."""
        try:
            value = sent_answer(self.run_log.paused if self.run_log.status == "paused" else None, self.masker, message)
            _need_loop(NO_LOOP)
            prepared = self._answering(value)
        except DspyerLabError as exc:
            field = exc.field if isinstance(exc, AnswerError) else None
            self._refused = {"id": str(message.get("id")), "field": field, "message": self.masker.mask_text(str(exc))}
            self._changed()
            return
        self._command(prepared, continuing=True, background=True)

    def _playground_clicked(self, kind: str, message: Mapping[str, Any]) -> None:
        """The Calls tab's editor: open / close, Send, Use these instructions, Fork from here with them, drop."""
        pg = self.playground
        pg.error = None
        if kind == "resend-editor":
            pg.editing = message.get("call") if message.get("open") and isinstance(message.get("call"), int) else None
        elif kind == "drop-variant":
            pg.drop(message.get("variant"))
        else:
            try:
                self._playground_command(kind, message)
            except DspyerLabError as exc:  # shown in the editor: a click has no caller to raise to
                pg.error = self.masker.mask_text(str(exc))
        self._changed()

    def _playground_command(self, kind: str, message: Mapping[str, Any]) -> None:
        pg = self.playground
        if self.running:
            raise ResendError("a run is in progress: send again once it is over")
        if kind == "resend":
            _need_loop(NO_LOOP_SEND)
            pg.start(self.run_log, message, self._context, self._changed)
            return
        variant = pg.variant(message.get("variant"))
        result = variant.result if variant is not None else None
        if result is None:
            raise ResendError("that variant is gone or has no answer yet")
        if kind == "use-instructions":
            self.use_instructions(result)
        else:
            _need_loop(NO_LOOP)
            self._command(self._with_instructions(result), continuing=False, background=True)

    # -- telling the owner ----------------------------------------------------------------

    # -- the run --------------------------------------------------------------------------

    def _can_run(self) -> bool:
        return self.program is not None or self._uncompiled is not None

    def _refuse_second_run(self) -> None:
        if self.running:
            raise ViewError("This view is already running (or following) a run; stop() it first")

    def _runnable(self) -> Any:
        if self.program is None and self._uncompiled is not None:
            self.program = self.playground.program = AgentTranspiler.compile(self._uncompiled)
        if self.program is None:
            raise ViewError(self._cannot_run)
        return self.program

    def _prepare(self, inputs: dict[str, Any]) -> _Prepared:
        """The run's event stream, not started, and how its result is read from the finished run.

        Everything that can be refused (no program, unknown or invalid ``_options``) is refused here.
        """
        program = self._runnable()
        self._context = contextvars.copy_context()  # what a click's resume / fork runs in
        if hasattr(program, "new_run"):  # ours: the run hands over the typed result itself (None: it paused)
            fields = {k: v for k, v in inputs.items() if not k.startswith("_")}  # a field named `update` stays an input
            options = {k: v for k, v in inputs.items() if k.startswith("_")}
            return self._recorded_run(program, fields, {**self._interrupt_options(), **options})
        return program.astream(**inputs), lambda log: _upstream_result(program, log)

    def _recorded_run(self, program: Any, inputs: dict[str, Any], options: dict[str, Any]) -> _Prepared:
        """A run of ours, started (its events not yet): recorded into the view's store (`labstore`) as it starts."""
        run = program.new_run(inputs, **{"_stream_tokens": self.stream_tokens, **options})
        self.store, self._store_note = view_store(self._store_choice)
        with recording_into(self.store, program):
            events = run.events()
        return events, lambda log: None if run.paused is not None else run.result

    def _launch(
        self,
        events: AsyncIterable[Mapping[str, Any]] | Iterable[Mapping[str, Any]],
        result: _Result,
        *,
        background: bool = False,
        continuing: bool = False,
        checked: bool = False,
    ) -> asyncio.Task[Any]:
        """Begin following `events` in a task of its own, the one `stop` cancels; return it.

        `_settled` runs when the task is done (before whoever awaits it resumes), however
        it ended, even cancelled before its first step: that is where the outcome is shown.
        `continuing`: the events go on the run shown (a resumed pause) instead of a new run.
        `checked`: the events come from outside our engine (`watch`) and are checked as they come.
        """
        drive = self._drive(events, result, checked)
        task = runner.run_background(drive, name="dspyer-lab LabView run") if background else asyncio.ensure_future(drive)
        self._blocking = not background and runner.blocking()
        self._task = task
        if not continuing:
            self._new_run()
        self._focus_tab("node")
        self._throttle.flush()  # a render that counts for the throttle: the run's first events wait for the next one
        task.add_done_callback(self._settled)
        return task

    async def _drive(
        self, events: AsyncIterable[Mapping[str, Any]] | Iterable[Mapping[str, Any]], result: _Result, checked: bool
    ) -> Any:
        async for event in contract_events(events, self.graph.graph, checked=checked):
            if event.get("event") == "run_start" and self.run_log.events:  # a stream carrying a second run
                self._new_run()
            self._fold(event)
        return result(self.run_log)

    def _settled(self, task: asyncio.Task[Any]) -> None:
        """Show how the run ended; only a run not already finished or failed can be marked cancelled."""
        self._task = None
        self._blocking = False
        error = None if task.cancelled() else task.exception()
        if error is not None:  # masked before anyone sees it: `run`, `await task`, the notebook's traceback
            mask_exception(error, self.masker)
        if self.run_log.status in ("idle", "running"):  # no terminal event came
            if task.cancelled() or (error is not None and not isinstance(error, Exception)):  # stopped, interrupted
                self._fold(self.run_log.closing_event(CANCELLED))
            elif error is not None:  # the stream raised without an `error` event (possibly before its first event)
                self._fold(self.run_log.error_event(error))
        self._end()

    def _fold(self, event: dict[str, Any]) -> None:
        self.masker.learn(introduced(event))
        self.run_log.apply(event)
        if event.get("event") in ("finished", "error", CANCELLED):
            self._throttle.flush()
        else:
            self._throttle.poke()

    def _new_run(self) -> None:
        self._switch_to(RunModel())
        self._keep(self.run_log)

    def _end(self) -> None:
        self._shown = self.run_log
        if self.run_log.status == "failed":
            self._focus_tab("error")
        self._ended = True
        self._throttle.flush()

    def _focus_tab(self, tab: str) -> None:
        """Show `tab`: the browser is asked to (it keeps the user's own choice otherwise), and it is the one built."""
        self._focus = (tab, self._focus[1] + 1)
        self._tab_shown = tab

    def _picked_node(self) -> str | None:
        """The node the user picked, directly or through one of its visits; None while following the run."""
        if self._sel.visit is not None:
            return self.run_log.visits[self._sel.visit].node
        return self._sel.node

    # -- the debugger's commands ------------------------------------------------------------

    def _command(self, prepared: _Prepared, *, continuing: bool, background: bool = False) -> Any:
        """Launch a prepared run (events, result) in the right context; the task (awaitable) of `_launch`."""
        events, result = prepared
        if (not background and dspy.settings.lm is not None) or self._context is None:
            self._context = contextvars.copy_context()  # a Python call: its own dspy settings, remembered
        self._debug_error = None
        self._fork_editing = False
        launch = self._launch
        return self._context.copy().run(lambda: launch(events, result, background=background, continuing=continuing))

    def _checked(self, prepare: Callable[[], _Prepared]) -> _Prepared:
        """`prepare()`, showing what it refuses (a rejected update, nothing paused) before it is raised."""
        try:
            return prepare()
        except DspyerLabError as exc:
            key = getattr(exc, "key", None)
            self._debug_error = {"field": key if isinstance(key, str) else None,
                                 "message": self.masker.mask_text(str(exc))}
            self._changed()
            raise

    def _continued(self, update: Mapping[str, Any] | None, *, step: bool) -> _Prepared:
        self._refuse_second_run()
        paused = self.paused
        if paused is None:
            raise ViewCommandError(f"Nothing to continue: the run shown is {self.run_log.status}, not paused")
        options = self._interrupt_options()
        if step:
            options["_interrupt_before"] = "*"
        self._shown = self.run_log  # continuing from the pause, not from a past step
        return self._started(_resume=paused.checkpoint, _update=update, **options)

    def _forked(self, step: int | None, update: Mapping[str, Any] | None) -> _Prepared:
        self._refuse_second_run()
        checkpoint = self._fork_point(step)
        return self._started(_resume=checkpoint, _fork=True, _update=update, **self._interrupt_options())

    def _fork_point(self, step: int | None, *, shown: bool = False) -> Checkpoint:
        """Where a fork from `step` (None: the step shown) starts. `shown`: only to say so in the bar, at every
        render of the slider, so the events are not checked again (a fork that runs checks them)."""
        log = self.run_log
        if not log.events:
            raise ViewCommandError("No run to fork: run the program first (or load a saved run)")
        k = max(1, min(int(len(self._shown.events) if step is None else _through_step(log.events, step)), len(log.events)))
        if not shown:
            return Checkpoint.from_events(log.events, k)
        key = (log.run_id, len(log.events), k)  # a run only grows: the same length is the same events
        if self._fork_memo is None or self._fork_memo[0] != key:
            self._fork_memo = (key, Checkpoint.from_events(log.events, k, checked=False))
        return self._fork_memo[1]

    def _started(self, **options: Any) -> _Prepared:
        program = self._runnable()
        if not hasattr(program, "new_run"):
            raise ViewCommandError("Pausing, resuming and forking need a dspyer-lab program (AgentTranspiler.compile)")
        return self._recorded_run(program, {}, options)

    def _interrupt_options(self) -> dict[str, Any]:
        """The breakpoints as per-call options (they replace the program's compiled ones)."""
        return {"_interrupt_before": list(self._breakpoints["before"]),
                "_interrupt_after": list(self._breakpoints["after"])}

    def _stop_paused(self) -> bool:
        """End the paused run shown (nothing runs while paused: it is marked cancelled); False if none is paused."""
        log = self.run_log
        if log.status != "paused":
            return False
        closing = log.closing_event(CANCELLED)
        self._fold(closing)
        self._end()
        if self.store is not None:  # where its pause was written: the stored run ends as the view shows it
            self.store.end_paused(closing)
        return True

    # -- the runs kept ----------------------------------------------------------------------

    def _keep(self, run: RunModel) -> None:
        self._runs.append(run)
        while len(self._runs) > KEPT_RUNS:
            self._runs.remove(next(r for r in self._runs if r is not self.run_log and r is not self._shown))

    def _switch_to(self, run: RunModel) -> None:
        self.run_log = self._shown = run
        self._screen.labels.clear()
        self._sel = Selection()
        self._page = Page(size=self._page.size)
        self._quiet = True
        try:
            self.graph.selected_node = ""
        finally:
            self._quiet = False
        self._fork_editing = False
        self._debug_error = None
        self._refused = None
        self.playground.editing = None

    def _parent_of(self, run: RunModel) -> RunModel | None:
        branch = branch_of(run)
        if branch is None:
            return None
        return next((r for r in self._runs if r.run_id == branch[0] and r is not run), None)

    # -- the parts of a render ----------------------------------------------------------------

    def _picture(self, log: RunModel, parent: RunModel | None, diff: Mapping[str, str]) -> dict[str, Any]:
        picture = graph_json(log, self.graph.drawing, self.graph.selected_node, self.masker)
        paused = log.paused if log.status == "paused" else None
        picture["paused"] = {"node": paused.get("node"), "when": paused.get("when")} if paused else None
        picture["diff"] = dict(diff)
        picture["inherited"] = inherited(parent, log) if parent is not None else []
        return picture

    def _head(self, log: RunModel, parent: RunModel | None, diff: Mapping[str, str]) -> dict[str, Any]:
        toolbar = self._toolbar(log)
        return {
            "toolbar": toolbar,
            "tabs": tabs_json(log),
            "focus": {"tab": self._focus[0], "n": self._focus[1]},
            "debug": self._debug(log, toolbar, parent, diff),
            "presenter": essentials_json(log, selected_visit(log, self._sel), self._screen)
            if self.presenter_mode else None,
            **({"play": self._play()} if self.play_in_head and toolbar["replay"] else {}),
        }

    def _toolbar(self, log: RunModel) -> dict[str, Any]:
        n = len(self.run_log.events)
        over = not self.running and n > 0
        last = log.events[-1] if log.events else None
        note = ""
        if over and log is not self.run_log:
            note = f"{len(log.events)}/{n}: {last.get('event')} {event_line(log, len(log.events) - 1, self._screen, 60)}" \
                if last else f"0/{n}: before the run"
        return {
            "status": status_text(log, self.run_log, self._can_run()),
            "run_state": shown_state(log),
            "stop": {
                "shown": not self._replay,
                "enabled": self.running and not self._blocking,
                "hint": STOP_HINT if self.running and self._blocking else ("Stop the run" if self.running else "No run in progress"),
            },
            "replay": {"max": n, "value": len(log.events), "note": note} if over else None,
            "calls": run_totals_text(log),
        }

    def _play(self) -> dict[str, Any]:
        """`play_json` of the whole run, made once per run and length (it goes with every render of a replay)."""
        log = self.run_log
        key = (log.run_id, len(log.events))
        if self._play_memo is None or self._play_memo[0] != key or log.run_id is None:
            self._play_memo = (key, play_json(log))
        return self._play_memo[1]

    def player_command(self, do: str, *, speed: float = 1.0, every: float | None = None, by: int = 1) -> dict[str, Any]:
        """The message that tells the browser's player to `do` ``play`` / ``pause`` / ``step``, checked first: the
        page plays the run with its own clock (every frame a `seek`), so Python and clicks drive one player."""
        if do != "pause":
            if self.running:
                raise ViewError("A run is in progress: play it once it is over")
            if not self.run_log.events:
                raise ViewError("Nothing to play: run the program (or load a saved run) first")
        if do == "play":
            if every is not None:
                if not (isinstance(every, (int, float)) and 0 < every < float("inf")):
                    raise ViewCommandError(f"every= is the seconds per graph step, a positive number, not {every!r}")
                return {"type": "player", "do": "play", "every": float(every)}
            if not (isinstance(speed, (int, float)) and 0 < speed < float("inf")):
                raise ViewCommandError(f"speed= is a positive number (1.0: real time), not {speed!r}")
            return {"type": "player", "do": "play", "speed": float(speed)}
        if do == "step":
            if not isinstance(by, int) or by == 0:
                raise ViewCommandError(f"by= is the graph steps to move, a nonzero int (-1: back one), not {by!r}")
            return {"type": "player", "do": "step", "by": by}
        return {"type": "player", "do": "pause"}

    def set_presenter_mode(self, on: bool) -> None:
        """Show (or leave) presenter mode: the graph large, the current node's essentials in large type."""
        self.presenter_mode = bool(on)
        self._changed()

    def _debug(self, log: RunModel, toolbar: dict[str, Any], parent: RunModel | None,
               diff: Mapping[str, str]) -> dict[str, Any]:
        """The debugger's JSON: pause, "Run from here", runs kept, a fork's comparison, breakpoints; Stop ends a pause."""
        whole = self.run_log
        can_run = not self._replay and (hasattr(self.program, "new_run") or self._uncompiled is not None)
        paused = self.paused if log is whole and can_run else None
        debug: dict[str, Any] = {"can_break": can_run, "paused": None, "fork": None, "runs": None,
                                 "error": self._debug_error, "diff": None, "breakpoints": self._breakpoint_list()}
        visit = selected_visit(log, self._sel)  # the call the calls tab shows, sent again from there
        call = shown_call(visit, self._sel.call)
        debug["playground"] = self.playground.json(log, visit, call.event_index if call else None, self._screen,
                                                   not self.running)
        if paused is not None:
            cp = paused.checkpoint
            debug["paused"] = {
                "node": paused.node, "when": paused.when, "step": cp.step, "next": cp.next, "key": f"{whole.run_id}:{cp.seq}",
                "note": _next_note("next: {}", cp),
                "fields": state_fields(cp.state, self.masker, self._reads(cp.next)),
                "enabled": not self.running,
                "asks": asks_json(log.paused, self.masker, self._refused),
            }
            toolbar["stop"] = {"shown": True, "enabled": not self.running,
                               "hint": "End the paused run (it is marked cancelled)"}
        elif can_run and whole.events and not self.running:
            debug["fork"] = self._fork_json()
        if len(self._runs) > 1:
            current = next((i for i, r in enumerate(self._runs) if r is whole), None)
            debug["runs"] = {"options": [{"value": i, "label": run_label(i, r, self._runs)} for i, r in enumerate(self._runs)],
                             "value": current, "enabled": not self.running}
        if parent is not None:
            index = self._runs.index(parent) + 1
            changed = [n for n, d in diff.items() if d != "same"]
            same = "same outputs" if log.status in ("finished", "failed", CANCELLED) else "same outputs so far"
            debug["diff"] = {"parent": f"run {index}", "changed": changed,
                             "text": f"fork of run {index}: "
                                     + (f"output differs at {', '.join(changed)}" if changed else same)}
        return debug

    def _breakpoint_list(self) -> list[dict[str, str]]:
        """The breakpoints set, in graph order (a node's "before" first), for the list the browser shows and clears."""
        return [{"node": node, "when": when} for node in self.graph.graph.nodes for when in WHEN
                if node in self._breakpoints[when]]

    def _fork_json(self) -> dict[str, Any] | None:
        """The "Run from here" bar at the step seen, in plain words; None where it cannot act (at a run's end)."""
        whole = self.run_log
        try:
            cp = self._fork_point(None, shown=True)
        except (CheckpointError, KeyError, TypeError, ValueError) as exc:  # events that do not follow the contract
            return {"available": False, "note": f"cannot run from here: {exc}", "editing": False}
        if cp.next == END:  # nothing left to run: the bar stays away until the slider moves back
            return None
        step = "superstep" if cp.frontier else "step"  # several instances run next: the step is a superstep
        where = f"from after {step} {cp.step}" if cp.step else "from the start"
        runs = _next_note("{} run next", cp) if cp.frontier else f"node '{cp.next}' runs next"
        fork: dict[str, Any] = {"available": True, "note": f"{where}: {runs}",
                                "editing": self._fork_editing, "key": f"{whole.run_id}:{cp.seq}", "next": cp.next}
        if fork["editing"]:
            fork["fields"] = state_fields(cp.state, self.masker, self._reads(cp.next))
        return fork

    def _reads(self, node: str) -> list[str]:
        """The state fields node `node` reads (an LLM node's input fields; none known for a Python node)."""
        found = self.graph.graph.nodes.get(node)
        return list(found.input_model.model_fields) if isinstance(found, StatefulNode) else []

    def _tab_json(self, tab: str, log: RunModel, visit: NodeVisit | None, parent: RunModel | None) -> dict[str, Any]:
        """One tab's JSON (the node tab of a fork compares the visit with its parent's)."""
        screen, sel = self._screen, self._sel
        if tab == "node":
            picked = sel.node if sel.visit is None else (
                self.run_log.visits[sel.visit].node if sel.visit < len(self.run_log.visits) else None)
            built = node_json(log, visit, picked, screen)
            if parent is not None and visit is not None:
                label = f"run {self._runs.index(parent) + 1} (the parent)"
                built["blocks"] = [*built["blocks"], *diff_blocks(visit, parent, label, log, self.masker)]
            return built
        if tab == "calls":
            return calls_json(log, visit, sel.call, screen)
        if tab == "validation":
            return validation_json(log, visit, sel.attempt, screen)
        if tab == "result":
            return result_json(log, screen)
        if tab == "waterfall":
            return waterfall_json(log, visit, screen)
        return error_json(log, screen)


def check_same_nodes(program: Any, saved: Graph) -> None:
    """Refuse to attach a program to a saved run of another graph (forks would run other nodes)."""
    ours, theirs = list(as_graph(program).nodes), list(saved.nodes)
    if sorted(ours) != sorted(theirs):
        raise ViewError(f"the program's nodes {ours} are not the saved run's {theirs}: load it with the program that made it")


def _output_model(program: Any) -> type[BaseModel] | None:
    model = getattr(program, "output_model", None)
    return model if isinstance(model, type) and issubclass(model, BaseModel) else None


def _upstream_result(program: Any, log: RunModel) -> Any:
    """The result of an upstream ``dspyer`` run, or the error its stream reported without raising it."""
    if log.finished is None:
        error = log.error or {}
        raise ViewError(f"{error.get('error_type', 'Error')}: {error.get('error', 'the run did not finish')}")
    model = _output_model(program)
    if model is not None:
        return model.model_validate(log.finished.get("output"))
    return dspy.Prediction(**dict(log.finished.get("state") or {}))


def _next_note(template: str, cp: Checkpoint) -> str:
    """`template` filled with what the superstep after `cp` runs, then which of it ran already (mid-map)."""
    runs, ran = next_superstep(cp)
    return template.format(runs) + (f" ({ran})" if ran else "")


def _checked_events(events: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Events from a caller, each checked against its kind's TypedDict (`checked_event`)."""
    return [checked_event(event, event_label(i, event)) for i, event in enumerate(events)]


def _parsed_update(texts: Any) -> dict[str, Any] | None:
    """The browser's edits (field -> JSON text) as state values; a `CheckpointError` names the field that is not JSON."""
    if texts is None:
        return None
    if not isinstance(texts, Mapping):
        raise CheckpointError("the edits must map field names to JSON text", key=None)
    values = {}
    for field, text in texts.items():
        if not isinstance(text, str):
            raise CheckpointError(f"field {field!r}: expected JSON text", key=str(field))
        if MASK in text:
            raise CheckpointError(f"field {field!r} still holds the mask {MASK}: type the whole value", key=str(field))
        try:
            values[str(field)] = json.loads(text)
        except json.JSONDecodeError as exc:
            raise CheckpointError(
                f"field {field!r} is not valid JSON ({exc.msg} at line {exc.lineno} column {exc.colno}); "
                'text needs quotes: "like this"', key=str(field)
            ) from None
    return values or None


def _need_loop(reason: str) -> None:
    """A `ResendError` saying `reason` when a click came with no running loop (its model call or run would have none)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        raise ResendError(reason) from None


def _through_step(events: Sequence[Mapping[str, Any]], step: int) -> int:
    """How many of `events` make up the run up to the end of graph step `step` (its last `route`)."""
    first = int(events[0].get("parent_step") or 0)  # a fork counts on from its branch point
    started, done = None, first
    for i, event in enumerate(events):
        kind = event.get("event")
        if kind == "node_start":
            if step == first:
                return i
            started = event.get("step")
        elif kind == "route" and started is not None:
            done = int(started)
            if done == step:  # after the superstep's last route (a fan-out or a map routes several times)
                end = i + 1
                while end < len(events) and events[end].get("event") == "route":
                    end += 1
                return end
    if step == first:
        return len(events)
    raise ViewCommandError(f"No step {step} to fork after: the run shown has steps {first} to {done}")
