"""The still output of a view whose graph's statuses never change (a BatchView, an OptimizeView): republished
when the text outline it ends with (the view's status line) went stale."""

from __future__ import annotations

from typing import Any

from .base import ViewWidget

__all__ = ["OutlineStill"]


class OutlineStill(ViewWidget):
    """A `ViewWidget` whose still output follows its outline's status line, not its nodes' statuses."""

    _outline_shown: str | None = None
    """The text outline (ending with the status line) of the still output last published (display, update)."""

    def _repr_mimebundle_(self, **kwargs: Any) -> tuple[dict, dict] | None:
        bundle = super()._repr_mimebundle_(**kwargs)
        if bundle is not None:
            self._outline_shown = bundle[0].get("text/plain")
        return bundle

    def refresh_snapshot(self) -> None:
        """The run ended: publish the still output again if the status line its text ends with is stale.

        `SnapshotMixin.refresh_snapshot` republishes only when a node's drawn status changed (and, for a
        view a browser draws, leaves it to the browser's picture), and these views change none: their nodes stay
        idle, what they show is drawn in the page only, and no browser sends text. So the output kept the
        outline of its display, "... ready", in a saved notebook (nbclient's or JupyterLab's) and its
        exports. Only the still output is updated: the live view is never made again.
        """
        if self._snapshot_display_id is None or self._outline() == self._outline_shown:
            return
        self._publish_still()
