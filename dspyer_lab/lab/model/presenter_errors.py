"""The errors of the lab's views and presenters, in the `DspyerLabError` family.

Each also subclasses the builtin a caller would catch for the same mistake (a `RuntimeError` for
a view that cannot do what was asked now, an `IndexError` for a visit it does not have, a
`ValueError` for a debugger command it refuses, a `TypeError` for a program it cannot take).
Exported from ``dspyer_lab`` (loaded on first use).
"""

from __future__ import annotations

from ...core.exceptions import DspyerLabError

__all__ = ["UnknownVisit", "ViewCommandError", "ViewError", "ViewProgramError"]


class ViewError(DspyerLabError, RuntimeError):
    """A view cannot do what was asked (run a replay, start a second run, seek while running, open an example not kept)."""


class UnknownVisit(DspyerLabError, IndexError):
    """`LabView.select` was given a visit index the run does not have."""


class ViewCommandError(DspyerLabError, ValueError):
    """A LabView debugger command cannot be done (nothing paused, a run in progress, bad breakpoints)."""


class ViewProgramError(DspyerLabError, TypeError):
    """A view was given something it cannot run (a `BatchView` of an object that is no graph or compiled program)."""
