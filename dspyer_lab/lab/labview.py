"""Where `LabView` and `show` used to live: they are now in `dspyer_lab.lab.widgets.labview` (kept so old imports work)."""

from __future__ import annotations

from .widgets.labview import STOPPED, LabView, show

__all__ = ["STOPPED", "LabView", "show"]
