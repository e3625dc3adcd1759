"""LabView: the graph plus the inspection panels, driven by a run's events; `show()` displays one.

ONE anywidget over a `LabPresenter` (dspyer_lab.lab.model.presenter), which holds the runs, the
selection, the page, the tab shown and the debugger, and runs things. The widget syncs what the
presenter renders (the graph's picture and the panel) whenever it says something changed (at most
`refresh_rate` times a second while events stream, and once more at the end), and hands the
browser's clicks (custom messages) to `presenter.handle`. The browser draws everything from that
JSON, setting every text with ``textContent``.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, Generic, TypeVar, overload

import dspy
import traitlets
from pydantic import BaseModel

from ...core.exceptions import RunPaused
from ...core.program import TranspiledProgram
from ..model.labstore import StoreChoice
from ..model.playground import ProgramVersion, Resent
from ..model.presenter import STOP_HINT, STOPPED, LabPresenter, check_same_nodes
from ..model.presenter_graph import GraphState
from ..model.runfile import MAX_FILE_BYTES, SavedRun, read_run
from ..model.runmodel import NodeVisit, RunModel
from ..model.store import RunStore
from ..model.viewmodel import status_text
from ..textview import DEFAULT_SECRET_PATTERNS, Masker
from .base import ViewWidget

__all__ = ["STOPPED", "STOP_HINT", "LabView", "show"]

T = TypeVar("T", bound="BaseModel | dspy.Prediction")


class LabView(ViewWidget, Generic[T]):
    """Watch, inspect, stop, save and replay runs of a program in a notebook.

    `program` is a compiled program (dspyer-lab's, or an upstream ``dspyer`` one), or a
    `Graph` (compiled on the first `run`); an upstream ``dspyer`` graph is only drawn.
    Values of fields whose names end with one of `secret_patterns` (see `Masker`) are
    masked wherever they are displayed; values are clipped to `display_limit` characters
    (the full text is one click away); the timeline lists `timeline_window` events at a time.
    With `stream_tokens` (the default) a run streams the model's text into the view as it is
    written (``_stream_tokens=True``; a run's own ``_stream_tokens=False`` turns it off).
    Breakpoints pause runs (`breakpoints`, `toggle_breakpoint`); a paused run goes on with
    `resume` / `step`; `fork` runs again from a past step; `runs` keeps the runs shown.
    Every run started here (resumed pauses in the same stored run, forks with their parent's id) is written
    to `store`: None, the lab's store (``%dspyer store``, `set_store`, else ``.dspyer/runs.sqlite`` or
    ``DSPYER_LAB_STORE``; ``off``: none); False, none; a path or a `RunStore`. A loaded run is not written again,
    nor a stream given to `watch` (its own call says whether it is recorded, e.g. ``_record=True``).
    Any model call of the run shown can be sent again, edited (`resend`; the Calls tab's "Edit and send again"),
    to the run's model or one of `models` (name -> `dspy.LM`, also offered in the browser; add more with
    ``view.models[name] = lm``); `use_instructions` gives the program a resend's instructions, `fork_with`
    re-runs from there with them.
    ``LabView(program)`` of a ``TranspiledProgram[T]`` is a ``LabView[T]``: ``await view.run(...)`` is a ``T``.
    """

    # The panel in three JSON strings, each re-sent (and re-parsed by the browser) only when its text changes.
    # Strings: ipywidgets walks a dict trait's whole tree for binary buffers on every send.
    _head = traitlets.Unicode("{}", help="JSON {toolbar, tabs, focus: {tab, n}, debug}").tag(sync=True)
    _timeline = traitlets.Unicode("{}", help="JSON of viewmodel.timeline_json: one page of the run's events").tag(sync=True)
    _tab = traitlets.Unicode("{}", help="JSON {id, ...}: the one tab the presenter believes is shown").tag(sync=True)
    _play = traitlets.Unicode(
        "", help="JSON of viewmodel.play_json (relative event times, graph steps) once a run is over; '' before"
    ).tag(sync=True)
    _store_note = traitlets.Unicode(
        "", help="where this view's runs are written ('runs stored in .dspyer/runs.sqlite'); '' until one is"
    ).tag(sync=True)
    breakpoints = traitlets.Dict(
        help='{"before": [node, ...], "after": [node, ...]}: where runs of this view pause ("*" for every node)'
    ).tag(sync=True)

    @overload
    def __init__(
        self: LabView[T],
        program: TranspiledProgram[T],
        *,
        secret_patterns: Iterable[str] | None = ...,
        display_limit: int | None = ...,
        timeline_window: int = ...,
        refresh_rate: float = ...,
        stream_tokens: bool = ...,
        masker: Masker | None = ...,
        store: StoreChoice = ...,
        models: Mapping[str, Any] | None = ...,
        **kwargs: Any,
    ) -> None: ...

    @overload
    def __init__(
        self: LabView[Any],
        program: Any,
        *,
        secret_patterns: Iterable[str] | None = ...,
        display_limit: int | None = ...,
        timeline_window: int = ...,
        refresh_rate: float = ...,
        stream_tokens: bool = ...,
        masker: Masker | None = ...,
        store: StoreChoice = ...,
        models: Mapping[str, Any] | None = ...,
        **kwargs: Any,
    ) -> None: ...

    def __init__(
        self,
        program: Any,
        *,
        secret_patterns: Iterable[str] | None = DEFAULT_SECRET_PATTERNS,
        display_limit: int | None = 200,
        timeline_window: int = 200,
        refresh_rate: float = 15.0,
        stream_tokens: bool = True,
        masker: Masker | None = None,
        store: StoreChoice = None,
        models: Mapping[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        self.presenter: LabPresenter[T] = LabPresenter(
            program, secret_patterns=secret_patterns, masker=masker, display_limit=display_limit,
            timeline_window=timeline_window, refresh_rate=refresh_rate, stream_tokens=stream_tokens, store=store,
            models=models,
        )
        """What the view shows and does, without the widget (render, handle, the runs and the debugger)."""
        breakpoints = kwargs.pop("breakpoints", None)
        if breakpoints is not None:
            self.presenter.breakpoints = breakpoints
        super().__init__(_kind="lab", _layout=self._layout_of(self.presenter.graph.drawing),
                         breakpoints=self.presenter.breakpoints, **kwargs)
        self.observe(self._breakpoints_set, names="breakpoints")
        self.presenter.play_in_head = False  # `_play`: sent once per run, not with every frame's head
        self.presenter.on_change = self._presented
        self._presented(False)

    # -- what the presenter holds ---------------------------------------------------------

    @property
    def graph(self) -> GraphState:
        """The picture of the run on the graph (statuses, visits, path; ``selected_node`` drives the inspector)."""
        return self.presenter.graph

    @property
    def program(self) -> Any:
        """What `run` executes (None for a graph not compiled yet, or a replay)."""
        return self.presenter.program

    @property
    def store(self) -> RunStore | None:
        """The run store this view's last run was written to (None: no run yet, or runs are not stored)."""
        return self.presenter.store

    @property
    def masker(self) -> Masker:
        """Masks secret-looking fields in everything displayed (and in saved runs)."""
        return self.presenter.masker

    @property
    def stream_tokens(self) -> bool:
        """Whether runs started here stream the model's text token by token (``_stream_tokens``)."""
        return self.presenter.stream_tokens

    @stream_tokens.setter
    def stream_tokens(self, value: bool) -> None:
        self.presenter.stream_tokens = value

    @property
    def run_log(self) -> RunModel:
        """The run model of the last run (all its events)."""
        return self.presenter.run_log

    @property
    def events(self) -> list[dict[str, Any]]:
        """The events of the last run (or of the loaded run), in order."""
        return self.presenter.events

    @property
    def running(self) -> bool:
        """Whether a run is in progress: from `start`, `run` or `watch` until the view shows how it ended.

        True at once after `start`, before the run's task has had a chance to begin.
        """
        return self.presenter.running

    @property
    def status(self) -> str:
        """The toolbar's line about the run shown (``finished · 2 steps in 0.512 s``, ``event 3/16 · running ...``)."""
        return self.presenter.status

    @property
    def panel(self) -> dict[str, Any]:
        """What the browser can show besides the graph: toolbar, tabs, focus, debug, timeline and every tab."""
        return self.presenter.panel

    def open_tab(self, tab: str) -> None:
        """Show panel `tab` (``node``, ``calls``, ``validation``, ``result``, ``error`` or ``waterfall``) in the browser."""
        self.presenter.open_tab(tab)

    # -- running --------------------------------------------------------------------------

    async def run(self, **inputs: Any) -> T:
        """Run the program on `inputs` while the view follows it; return its typed result.

        The result is what ``program.aforward`` returns: an ``output_model`` instance, or a
        ``dspy.Prediction`` of the final state (None when the run paused at a breakpoint). A failing
        run is shown, then its exception is re-raised; a run stopped with `stop` (or by cancelling the
        awaiting task) raises ``asyncio.CancelledError``. Raises at once, showing nothing, when the
        view cannot run (a replay, a bad ``_option``) or already follows a run.
        """
        return await self.presenter.run(**inputs)

    def start(self, **inputs: Any) -> asyncio.Task[T]:
        """Start `run(**inputs)` in the background and return its task at once.

        In a notebook the cell ends while the run goes on (other cells can run meanwhile);
        ``await task`` gives the result or raises the run's exception. The view is running
        from this call on (`stop` and `close` stop the run even before it has begun). What
        `run` would refuse is refused here, at once: a replay, bad options, a second run.
        """
        return self.presenter.start(**inputs)

    async def watch(self, events: AsyncIterable[Mapping[str, Any]] | Iterable[Mapping[str, Any]]) -> RunModel:
        """Drive the whole view from an event stream (``program.astream(...)``, upstream ``dspyer``'s
        ``astream``, or any (async) iterable of contract events); return the run model.

        Each event is checked against its kind's TypedDict as it comes: one off the contract ends the run as
        failed with an `EventContractError` naming it and the field (the events before it stay shown).
        The stream's exception is re-raised after the view shows it; `stop` (or cancelling
        the awaiting task) closes the stream, marks the run cancelled and raises
        ``asyncio.CancelledError``.
        """
        return await self.presenter.watch(events)

    def stop(self) -> bool:
        """Stop the run in progress, begun or still about to begin; False when there is none.

        The run's task is cancelled (its ``await`` raises ``asyncio.CancelledError`` naming
        the Stop button): the engine closes at once, so nothing keeps running, and the view
        marks the run cancelled. A run that ended meanwhile keeps its outcome. A run paused
        at a breakpoint (nothing runs) is marked cancelled.
        """
        return self.presenter.stop()

    def select(self, node: str | None = None, *, visit: int | None = None, event: int | None = None) -> NodeVisit | None:
        """Inspect a node (its latest visit, following the run), a visit (index in ``run_log.visits``),
        or the visit an event belongs to (index in `events`); with no argument, follow the newest visit.

        The graph highlights the inspected node (its ``selected_node``).
        """
        return self.presenter.select(node, visit=visit, event=event)

    def seek(self, step: int) -> None:
        """Show the run as it was after its first `step` events: graph colours and every panel."""
        self.presenter.seek(step)

    # -- play and presenter mode -----------------------------------------------------------

    def play(self, speed: float = 1.0, *, every: float | None = None) -> None:
        """Play the run shown in the page from where the slider is (from the start once at the end), and return at once.

        The browser's player replays the recorded events with its own clock, the graph, the panels, the streamed
        tokens and the waterfall moving as they did live (each frame is the run at that event: `seek`). `speed`: 1.0
        is real time, 2.0 twice as fast, 0.5 half; `every`: seconds per graph step instead (a node starting or
        routing on), whatever the model's speed. The same as the ▶ button and its speed menu; the run never changes.
        Needs the view on the page (a frontend shows it); `ViewError` when a run is in progress or none was shown.
        """
        self.send(self.presenter.player_command("play", speed=speed, every=every))

    def pause(self) -> None:
        """Pause the page's player (the ⏸ button, or space); the slider stays where it is."""
        self.send(self.presenter.player_command("pause"))

    def play_step(self, by: int = 1) -> None:
        """Move the page's player `by` graph steps (-1: back one), paused: the ◀▮ / ▮▶ buttons, or the arrow keys.
        (`step` is the debugger's: it runs the next node of a paused run.)"""
        self.send(self.presenter.player_command("step", by=by))

    @property
    def presenter_mode(self) -> bool:
        """Whether the view shows the graph large with the current node's essentials in large type (what it read,
        what the model said, why it was rejected), the timeline and tables hidden: for a projector. Set it, or
        click the toolbar's "Presenter" button; it follows play."""
        return self.presenter.presenter_mode

    @presenter_mode.setter
    def presenter_mode(self, on: bool) -> None:
        self.presenter.set_presenter_mode(on)

    def save(self, path: str | Path, *, mask_secrets: bool = True) -> Path:
        """Write the last run (graph description + events) to a JSON file that `load` replays.

        Secret-looking fields are masked in the file too unless `mask_secrets` is False. Model
        calls are kept; the token chunks of an answer its ``lm_call`` carries whole are not.
        """
        return self.presenter.save(path, mask_secrets=mask_secrets)

    def to_html(self, path: str | Path | None = None, *, title: str | None = None) -> str:
        """ONE self-contained HTML file that replays the run shown: the graph laid out by the local ``dot``, a player
        (play, pause, step, speed, space / left / right) and the panels, read-only, with no kernel and no network.

        Secrets are masked as in a saved run (`save`). Returns the document; with `path`, also writes it there
        (at once: a failed write leaves the file that was there). See lab/model/export.py.
        """
        from ..model.export import export_html, write_html

        document = export_html(self.presenter, title=title)
        if path is not None:
            write_html(document, path)
        return document

    @classmethod
    def load(
        cls, path: str | Path | SavedRun, *, program: Any = None, max_bytes: int = MAX_FILE_BYTES, **kwargs: Any
    ) -> LabView[Any]:
        """A view replaying a saved run, without any program or model: drag the step slider to time-travel.

        `path`: a file `save` wrote, or a run read already (``RunStore(...).load(run_id)``). With the `program`
        that made it (same node names), the view can also run again from any of its steps (`fork`) and run
        anew. A file of more than `max_bytes` is refused unread (see `read_run`).
        """
        saved = path if isinstance(path, SavedRun) else read_run(path, max_bytes=max_bytes)
        if program is not None:
            check_same_nodes(program, saved.graph)
        view: LabView[Any] = cls(saved.graph if program is None else program, **kwargs)
        view.presenter.show_saved(saved, runnable=program is not None)
        return view

    @classmethod
    def of_events(cls, program: Any, events: Iterable[Mapping[str, Any]], **kwargs: Any) -> LabView[Any]:
        """A view of a run that already happened, from its events (e.g. one example of a batch run by a
        `BatchView`): the step slider time-travels; it runs nothing (``program`` gives the graph and output model).
        ``masker=``: one that already knows the run's secrets (a BatchView's), used instead of a new one."""
        view: LabView[Any] = cls(program, **kwargs)
        view.presenter.show_past(events)
        return view

    def show_events(self, events: Iterable[Mapping[str, Any]]) -> None:
        """Show the run of `events` instead of what the view shows (a view that runs nothing: `load`, `of_events`).

        Each event is checked first: `EventContractError` names the first one off the contract, and the view
        keeps what it showed."""
        self.presenter.show_events(events)

    # -- the debugger ---------------------------------------------------------------------

    def toggle_breakpoint(self, node: str, when: str = "before") -> bool:
        """Set or clear the breakpoint `when` (``"before"`` or ``"after"``) node `node`; True when it is now set.

        What a click on a node's breakpoint marker in the drawing does.
        """
        return self.presenter.toggle_breakpoint(node, when)

    @property
    def paused(self) -> RunPaused | None:
        """Where the run shown is paused (`node`, `when`, `checkpoint`), or None when it is not paused."""
        return self.presenter.paused

    @property
    def runs(self) -> list[RunModel]:
        """The runs this view has shown, oldest first: runs, continued pauses and forks (one `RunModel` each;
        the last `KEPT_RUNS`)."""
        return self.presenter.runs

    def show_run(self, index: int) -> RunModel:
        """Show run `index` of `runs` (graph, panels, slider); `resume`, `step` and `fork` then act on it."""
        return self.presenter.show_run(index)

    @property
    def diff(self) -> dict[str, str]:
        """For a fork shown: node -> ``same``, ``changed``, ``added`` or ``removed`` against its parent's run
        after the branch step (see `debugview.fork_diff`); empty for a run that is not a fork of a kept run."""
        return self.presenter.diff

    async def resume(self, update: Mapping[str, Any] | None = None) -> T | None:
        """Continue the paused run shown, with `update` (state values) applied first; the Continue button.

        The run goes on in the same run model (same ``run_id``, its ``seq`` continuing). Returns the
        typed result when the run finishes, None when it pauses again (`paused` says where); a failure
        is shown and re-raised, like `run`. A rejected update raises `CheckpointError` naming the field
        before anything runs.
        """
        return await self.presenter.resume(update)

    async def step(self, update: Mapping[str, Any] | None = None) -> T | None:
        """Run the next node of the paused run shown and pause again; the Step button. Returns like `resume`."""
        return await self.presenter.step(update)

    async def fork(self, step: int | None = None, update: Mapping[str, Any] | None = None) -> T | None:
        """Run again from a past point of the run shown, as a new run (a fork, kept in `runs` and shown).

        `step`: the graph steps kept from the run shown (the toolbar's "step N"; ``step=1`` keeps the
        first node's output and runs everything after it); default: the step boundary at or before the
        slider's position (`Checkpoint.from_events`). `update` is applied to the state first.
        Returns like `resume`; `diff` then compares the fork's node outputs with the parent's.
        """
        return await self.presenter.fork(step, update)

    @property
    def waiting(self) -> list[dict[str, Any]]:
        """The person's steps the run shown waits on (`interrupt()` calls, `HumanNode`s), as in its ``paused``
        event: ``id``, ``node``, ``task``, ``kind``, ``value``, ``prompt``, ``schema``, ``inputs``; empty otherwise."""
        return self.presenter.waiting

    async def answer(self, value: Any) -> T | None:
        """Answer the person's step the run shown waits at (the answer form's Submit) and go on, in the same run.

        `value`: the answer (a HumanNode's: a dict of its output fields, or its output model); with several
        steps waiting (parallel branches), ``{interrupt_id: value}`` (ids in `waiting`). Returns like `resume`:
        the result, or None when the run pauses again (a HumanNode's answer rejected: its field errors show
        beside the form's fields, and the node waits for a corrected one). An answer that still holds the mask
        of a secret shown in the question is refused (`AnswerError`) before anything runs.
        """
        return await self.presenter.answer(value)

    # -- the playground -----------------------------------------------------------------------

    @property
    def models(self) -> dict[str, Any]:
        """Name -> `dspy.LM` a resend can go to (``lm="name"``; the browser's model picker), besides the run's own."""
        return self.presenter.playground.models

    @property
    def program_version(self) -> int:
        """1 for the program as given, one more each time `use_instructions` changed it."""
        return self.presenter.playground.version

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
        """Send model call `call` of the run shown again, edited, and return the answer with the node's verdict.

        `call`: the index of an ``lm_call`` event in `events` (the Calls tab's selection), or the event. Edit either
        the raw `messages` (``{"role", "content"}`` dicts, sent as they are), or the node's `instructions`, `demos`
        (dicts of field values) and `inputs` (merged over what the node was given): the node's predictor is copied
        with them. `lm`: a `dspy.LM` or the name of one of `models`; default the node's model, else DSPy's
        configured one (the cell's, else the run's). The answer is parsed and checked as a run does (the same
        error text as the Validation tab). Neither the run nor the program changes. `ResendError` names what is
        wrong (an unknown call, a Python node's, a bad model or edit) before anything is sent.
        """
        return await self.presenter.resend(call, messages=messages, instructions=instructions, demos=demos,
                                           inputs=inputs, lm=lm)

    def use_instructions(self, node_or_variant: str | Resent, instructions: str | None = None, *,
                         demos: Sequence[Mapping[str, Any]] | None = None) -> ProgramVersion:
        """Give a node's predictor new instructions (and demos, when given): a `resend`'s result's, or `instructions`
        for node `node_or_variant`. The program changes (``program.dump_state()``, ``program.save``), a new
        `program_version`; the runs already shown do not."""
        return self.presenter.use_instructions(node_or_variant, instructions, demos=demos)

    async def fork_with(self, variant: Resent) -> T | None:
        """"Fork from here with them": `use_instructions` of `variant`, then run again from its node's visit as a fork
        of the run shown (kept in `runs`, its parent's id in its ``run_start``); returns like `fork`."""
        return await self.presenter.fork_with(variant)

    # -- the widget -------------------------------------------------------------------------

    def close(self) -> None:
        """Stop any run and close the widget (the browser side goes away); a paused run stays paused."""
        presenter = getattr(self, "presenter", None)  # none while a refused `__init__` unwinds
        if presenter is not None:
            presenter.close()
        super().close()

    def __repr__(self) -> str:
        return f"LabView({len(self.graph.graph.nodes)} nodes, {len(self.run_log.events)} events, {self.run_log.status})"

    @traitlets.validate("breakpoints")
    def _valid_breakpoints(self, proposal: Any) -> dict[str, list[str]]:
        return self.presenter.checked_breakpoints(proposal["value"])

    def _breakpoints_set(self, change: Any) -> None:
        if change["new"] != self.presenter.breakpoints:
            self.presenter.breakpoints = change["new"]

    def _presented(self, ended: bool) -> None:
        """The presenter says something changed: sync what it renders (and the still picture once a run ended)."""
        shown = self.presenter.render()
        with self.hold_sync():  # a trait set to the text it holds is not sent again
            self._picture = shown.picture
            self._head = json.dumps(shown.head, ensure_ascii=False)
            self._timeline = json.dumps(shown.timeline, ensure_ascii=False)
            self._tab = json.dumps(shown.tab, ensure_ascii=False)
            self._play = "" if shown.play is None else json.dumps(shown.play, separators=(",", ":"))
            self.breakpoints = self.presenter.breakpoints
            self._store_note = self.presenter.store_note
        if ended:
            self.refresh_snapshot()

    def _on_message(self, content: Mapping[str, Any]) -> None:
        reply = self.presenter.handle(content)
        if reply is not None:
            self.send(reply)

    def _svg(self) -> str:
        return self.graph.to_svg()

    def _outline(self) -> str:
        return f"{self.graph.outline()}\n{status_text(self.run_log, self.run_log, self.program is not None)}"


def show(program_or_graph: Any, **kwargs: Any) -> LabView[Any]:
    """Display a `LabView` of a compiled program or a graph in the notebook and return it.

    ``view = dspyer_lab.show(program)`` then ``await view.run(**inputs)`` (or
    ``view.start(**inputs)`` to keep the kernel free while it runs). Keyword arguments go to `LabView`.
    """
    from IPython.display import display

    view: LabView[Any] = LabView(program_or_graph, **kwargs)
    display(view)
    return view
