"""A picture that survives: a displayed view is two outputs, the live widget and a still ``image/svg+xml``.

Where no widget can render (an nbconvert HTML export without widget state, nbviewer, GitHub, a
reopened notebook), the graph must still show with its statuses. And a displayed view must never be
re-created while a browser shows it: any `update_display` of the widget's own output makes JupyterLab
and Notebook 7 build a new view (a flash to the picture, a height jump, the user's tab and unfolded
details lost). So `_ipython_display_` publishes two outputs: the widget view (never updated), then the
still picture under a display_id, and only the still is ever updated. The widget's own CSS hides the
still while the live view is on the page (js/src/widget.css: ``.jp-OutputArea-child:has(.dspyer-lab)
+ .jp-OutputArea-child:has(.jp-RenderedSVG)``; JupyterLab, Notebook 7 and nbconvert's HTML share these
classes); where the widget does not render, its CSS is never injected and the still shows. marimo
shows a view as the cell's value through its own anywidget support: one output, no still.

The still is replaced when a better picture exists:

- the browser's own drawing, sent back by js/src/snapshot.js after the first layout and when a
  run ends (``{"type": "snapshot", "svg": ...}``): what the user saw, fonts and all. It is kept
  only if the statuses it draws (its ``data-node``/``data-status`` attributes) are the view's
  current ones, and it replaces the output only when those statuses differ from the picture
  already there (several views of one model each send theirs).
- without a browser (nbclient, CI), a render by the local ``dot`` when displayed and when a run
  ends (`refresh_snapshot`), so an executed-then-exported notebook shows the final statuses.

The same picture is also kept in the widget's own state (`_keep_still`, the synced ``_still`` of
`ViewWidget`): where the widget state *is* saved (nbclient by default, JupyterLab on request),
nbconvert's HTML, nbviewer and a notebook reopened without its kernel pick the widget view, whose
Graphviz runtime no kernel will send; the ESM shows ``_still`` until (unless) the live drawing
comes. It changes only with the picture above (display, run end), never per event.

Priorities (checked in nbconvert 7.17 and JupyterLab 4.6): nbconvert skips the widget view when the
notebook's saved widget state lacks the model (JupyterLab saves no widget state by default) and shows
the widget output's ``text/plain``, left empty (the outline is the still's text); the still has no
``text/html``, which would outrank its ``image/svg+xml``.

`_repr_mimebundle_` (one output, for a caller that asks for a bundle rather than displaying the view)
still carries the widget view, the SVG and the text outline together.
"""

from __future__ import annotations

import json
import uuid
import xml.etree.ElementTree as ET
from collections import OrderedDict
from collections.abc import Mapping
from typing import Any

from .runtime import offer_runtime

__all__ = ["EMPTY_SVG", "MAX_SNAPSHOT_CHARS", "SVG_MIME", "SnapshotMixin", "WIDGET_MIME"]

SVG_MIME = "image/svg+xml"
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
EMPTY_SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="0" height="0"></svg>'
"""The still output before any picture exists (no local `dot`, no browser yet)."""
MAX_SNAPSHOT_CHARS = 4_000_000
"""Larger pictures from the browser are ignored (a graph's SVG is tens of KB)."""

_RENDERED: OrderedDict[str, str | None] = OrderedDict()
"""Recent local renders by what they draw: a re-run cell shows the same idle and final pictures
again, and each `dot` run costs ~50 ms, as much as a whole short run."""
_RENDERED_MAX = 64


class SnapshotMixin:
    """Gives an anywidget view a still ``image/svg+xml`` output after its widget view (mix in first).

    The widget provides `_local_snapshot` (the current picture by the local ``dot``, or None) and,
    unless its ``node_status`` says it, `_snapshot_statuses` (node name -> the status drawn now), offers each custom message to
    `handle_snapshot_message`, and calls `refresh_snapshot` when its run reaches a terminal state.
    """

    _snapshot_svg: str | None = None
    _snapshot_drawn: tuple[tuple[str, str], ...] | None = None  # the statuses the picture shows
    _snapshot_local = True  # the picture is the local `dot` render (a browser's replaces it once)
    _snapshot_from_browser = False
    _snapshot_display_id: str | None = None

    def _local_snapshot(self) -> str | None:
        """The current picture rendered without a browser, or None when that is impossible."""
        raise NotImplementedError

    def _keep_still(self, svg: str) -> None:
        """Keep `svg` where the widget's saved state holds it (the widget class decides how)."""

    def _snapshot_statuses(self) -> Mapping[str, str]:
        """Node name -> status, as the view draws it now (by default its ``node_status``)."""
        statuses = getattr(self, "node_status", None)
        return statuses if isinstance(statuses, Mapping) else {}

    @property
    def snapshot(self) -> str | None:
        """The latest static SVG of this view (from the browser when one drew it), or None."""
        return self._snapshot_svg

    def handle_snapshot_message(self, content: Mapping[str, Any]) -> bool:
        """Take ``{"type": "snapshot", "svg": ...}`` from the browser; True if `content` was one."""
        if not isinstance(content, Mapping) or content.get("type") != "snapshot":
            return False
        svg = content.get("svg")
        if not isinstance(svg, str) or len(svg) > MAX_SNAPSHOT_CHARS or not svg.lstrip().startswith("<svg"):
            return True
        self._snapshot_from_browser = True  # a browser draws this view: it sends the picture at run end
        drawn = drawn_statuses(svg)
        current = self._current_drawn()
        if drawn == current and (current != self._snapshot_drawn or self._snapshot_local):
            self._set_snapshot(svg, current, local=False)  # a stale or repeated picture changes nothing
        return True

    def refresh_snapshot(self) -> None:
        """The run ended: redraw the picture locally unless a browser draws this view (it sends its own)."""
        if self._snapshot_display_id is None or self._snapshot_from_browser:
            return
        current = self._current_drawn()
        if current == self._snapshot_drawn:
            return
        svg = self._rendered_locally()
        if svg is not None:
            self._set_snapshot(svg, current, local=True)

    def _snapshot_cache_key(self) -> str | None:
        """Text that fully determines the local picture, or None not to cache it.

        By default: the synced drawing and picture (`_layout`, `_picture`) with the drawn statuses.
        """
        layout, picture = getattr(self, "_layout", None), getattr(self, "_picture", None)
        if not isinstance(layout, Mapping) or not isinstance(picture, Mapping):
            return None
        return json.dumps([type(self).__qualname__, layout, picture, self._current_drawn()], sort_keys=True, default=str)

    def _rendered_locally(self) -> str | None:
        key = self._snapshot_cache_key()
        if key is None:
            return self._local_snapshot()
        if key in _RENDERED:
            _RENDERED.move_to_end(key)
            return _RENDERED[key]
        svg = _RENDERED[key] = self._local_snapshot()
        if len(_RENDERED) > _RENDERED_MAX:
            _RENDERED.popitem(last=False)
        return svg

    def _current_drawn(self) -> tuple[tuple[str, str], ...]:
        return tuple(sorted(self._snapshot_statuses().items()))

    def _set_snapshot(self, svg: str, drawn: tuple[tuple[str, str], ...], *, local: bool) -> None:
        self._snapshot_svg = svg
        self._snapshot_drawn = drawn
        self._snapshot_local = local
        self._keep_still(svg)
        self._publish_still()

    def _publish_still(self) -> None:
        """Update the still output (never the widget's: that would re-create the live view)."""
        if self._snapshot_display_id is None:
            return
        from IPython.display import update_display

        bundle = self._repr_mimebundle_()
        if bundle is not None:
            update_display(self._still_data(bundle[0]), raw=True, display_id=self._snapshot_display_id)

    def _repr_mimebundle_(self, **kwargs: Any) -> tuple[dict, dict] | None:
        bundle = super()._repr_mimebundle_(**kwargs)  # type: ignore[misc]
        if bundle is None:
            return None
        data, metadata = bundle
        if self._snapshot_svg is None:
            self._snapshot_svg = self._rendered_locally()
            self._snapshot_drawn = self._current_drawn()
        if self._snapshot_svg is not None:
            data[SVG_MIME] = self._snapshot_svg
            self._keep_still(self._snapshot_svg)
        return data, metadata

    @staticmethod
    def _still_data(data: Mapping[str, Any]) -> dict[str, Any]:
        """The still output of a view's bundle: its picture (an empty one until there is one: the output
        must be an image for the widget's CSS to hide it) and its text outline."""
        return {SVG_MIME: data.get(SVG_MIME) or EMPTY_SVG, "text/plain": data.get("text/plain", "")}

    def _ipython_display_(self) -> None:
        """Display the widget, then its still picture under a display_id (see the module doc), and offer
        the Graphviz runtime at once, so the first view can draw the run from its first event."""
        from IPython.display import display

        bundle = self._repr_mimebundle_()
        if bundle is None:
            return
        data, metadata = bundle
        if self._snapshot_display_id is None:
            self._snapshot_display_id = f"dspyer-lab-{uuid.uuid4().hex}"
        widget = {WIDGET_MIME: data[WIDGET_MIME], "text/plain": ""}  # the outline is the still's text
        display(widget, metadata=metadata, raw=True)
        display(self._still_data(data), raw=True, display_id=self._snapshot_display_id)
        offer_runtime(self)  # type: ignore[arg-type]


def drawn_statuses(svg: str) -> tuple[tuple[str, str], ...] | None:
    """(node, status) pairs an SVG of the graph draws (its ``data-node``/``data-status``), sorted; None if unreadable."""
    try:
        root = ET.fromstring(svg)
    except ET.ParseError:
        return None
    found = {el.get("data-node"): el.get("data-status") for el in root.iter() if el.get("data-node") is not None}
    return tuple(sorted((str(node), str(status)) for node, status in found.items()))
