"""dspyer-lab: build, watch and debug typed LLM state machines in Jupyter.

The core (graph, compiler, engine, ScriptedLM) is imported eagerly; the notebook
layer (widgets, magics) only when first used, so scripts and servers never pay for it.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from .core.batch import Batch
from .core.batchstats import BatchStats
from .core.checkpoint import Checkpoint
from .core.events import BATCH_EVENT_KINDS, EVENT_KINDS
from .core.eventschema import EventContractError
from .core.executor import BatchExecutor, LocalExecutor, Outcome, WorkerLostError
from .core.exceptions import (
    ArgumentTypeError,
    BatchIndexError,
    BatchMismatchError,
    BatchInputError,
    BatchStateError,
    CallOptionError,
    CheckpointError,
    DspyerLabError,
    EventLoopError,
    GraphDefinitionError,
    InterruptError,
    MaxStepsExceeded,
    MetricError,
    MissingDependencyError,
    NodeInputError,
    NodeOutputError,
    NodeStopIteration,
    NodeValidationError,
    OptionValueError,
    OutputModelError,
    ParallelWriteError,
    RouteError,
    RunPaused,
    RunStateError,
    StoreError,
    StoreVersionError,
    UnknownRunError,
)
from .core.graph import END, Graph, GraphWarning, HumanNode, Send, StatefulNode
from .core.human import interrupt
from .core.program import AgentTranspiler, TranspiledProgram
from .core.ray_executor import RayExecutor, RemoteRunError, WorkerSetupError
from .core.recording import record_to, set_default_sink
from .core.scripted import MockCompletionResult, ScriptedLM, ScriptError

if TYPE_CHECKING:
    from .lab.widgets import BatchView as BatchView
    from .lab.widgets import CompareView as CompareView
    from .lab.widgets import GraphView as GraphView
    from .lab.widgets import LabView as LabView
    from .lab.widgets import OptimizeView as OptimizeView
    from .lab.widgets import RunsView as RunsView
    from .lab.widgets import show as show
    from .lab.model.store import RunStore as RunStore
    from .lab.model.store import default_store as default_store
    from .lab.model.labstore import set_store as set_store
    from .lab.model.presenter_errors import UnknownVisit as UnknownVisit
    from .lab.model.presenter_errors import ViewCommandError as ViewCommandError
    from .lab.model.presenter_errors import ViewError as ViewError
    from .lab.model.presenter_errors import ViewProgramError as ViewProgramError
    from .lab.model.playground import ProgramVersion as ProgramVersion
    from .lab.model.playground import Resent as Resent
    from .lab.model.playground import ResendError as ResendError
    from .lab.model.export import ExportError as ExportError
    from .lab.replay import Replay as Replay

__version__ = "0.1.0"

__all__ = [
    "BATCH_EVENT_KINDS",
    "END",
    "EVENT_KINDS",
    "AgentTranspiler",
    "ArgumentTypeError",
    "Batch",
    "BatchIndexError",
    "BatchMismatchError",
    "BatchExecutor",
    "BatchInputError",
    "BatchStateError",
    "BatchStats",
    "CallOptionError",
    "Checkpoint",
    "CheckpointError",
    "DspyerLabError",
    "EventContractError",
    "EventLoopError",
    "Graph",
    "GraphDefinitionError",
    "GraphWarning",
    "HumanNode",
    "InterruptError",
    "LocalExecutor",
    "MaxStepsExceeded",
    "MetricError",
    "MissingDependencyError",
    "MockCompletionResult",
    "NodeInputError",
    "NodeOutputError",
    "NodeStopIteration",
    "NodeValidationError",
    "OptionValueError",
    "Outcome",
    "OutputModelError",
    "ParallelWriteError",
    "RayExecutor",
    "RemoteRunError",
    "RouteError",
    "RunPaused",
    "RunStateError",
    "ScriptError",
    "ScriptedLM",
    "Send",
    "StatefulNode",
    "StoreError",
    "StoreVersionError",
    "TranspiledProgram",
    "UnknownRunError",
    "WorkerLostError",
    "WorkerSetupError",
    "interrupt",
    "load_ipython_extension",
    "record_to",
    "unload_ipython_extension",
]
# BatchView, CompareView, GraphView, LabView, OptimizeView, RunsView and show are public too, but loaded on first use (they
# import the widget stack); they stay out of __all__ so that `from dspyer_lab import *` does not load it. So do the lab's
# errors (ViewError, UnknownVisit, ViewCommandError, ViewProgramError, ResendError), loaded with the lab's model on
# first use, a resend's result and a program's new version (Resent, ProgramVersion),
# the run store (RunStore, default_store, set_store), a run replayed inline or exported (Replay, ExportError), and OpenTelemetry's export
# (instrument, uninstrument, export_run, export_stored: the `otel` extra).


def _default_sink() -> Any:
    """Where ``_record=True`` goes with no `record_to` sink: the lab's store (``%dspyer store``, `set_store`, else
    `default_store`), loaded on first use."""
    from .lab.model.labstore import current_store

    return current_store()


set_default_sink(_default_sink)

_LAZY = {
    "BatchView": "dspyer_lab.lab.widgets",
    "CompareView": "dspyer_lab.lab.widgets",
    "RunsView": "dspyer_lab.lab.widgets",
    "GraphView": "dspyer_lab.lab.widgets",
    "LabView": "dspyer_lab.lab.widgets",
    "OptimizeView": "dspyer_lab.lab.widgets",
    "show": "dspyer_lab.lab.widgets",
    "RunStore": "dspyer_lab.lab.model.store",
    "default_store": "dspyer_lab.lab.model.store",
    "set_store": "dspyer_lab.lab.model.labstore",
    "UnknownVisit": "dspyer_lab.lab.model.presenter_errors",
    "ViewCommandError": "dspyer_lab.lab.model.presenter_errors",
    "ViewError": "dspyer_lab.lab.model.presenter_errors",
    "ViewProgramError": "dspyer_lab.lab.model.presenter_errors",
    "Resent": "dspyer_lab.lab.model.playground",
    "ProgramVersion": "dspyer_lab.lab.model.playground",
    "ResendError": "dspyer_lab.lab.model.playground",
    "Replay": "dspyer_lab.lab.replay",
    "ExportError": "dspyer_lab.lab.model.export",
    "instrument": "dspyer_lab.otel",
    "uninstrument": "dspyer_lab.otel",
    "export_run": "dspyer_lab.otel",
    "export_stored": "dspyer_lab.otel",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'dspyer_lab' has no attribute {name!r}")


def _register_notebook_display() -> None:
    """Inside IPython, display graphs and programs as a live GraphView (widgets load on first display),
    and register the `%%dspyer` / `%dspyer` magics: after `import dspyer_lab`, a `%%dspyer` cell works
    without `%load_ext dspyer_lab` (IPython would only say "cell magic not found")."""
    import sys

    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None else None
    if shell is not None:
        from .lab.display import register_display

        register_display(shell)
        if hasattr(shell, "register_magics"):
            load_ipython_extension(shell)


def load_ipython_extension(ipython: Any) -> None:
    """`%load_ext dspyer_lab`: register the `%%dspyer` / `%dspyer` magics (cheap: no widget imports yet)."""
    from .lab.magics import load_ipython_extension as load

    load(ipython)


def unload_ipython_extension(ipython: Any) -> None:
    from .lab.magics import unload_ipython_extension as unload

    unload(ipython)


_register_notebook_display()
