"""What GraphView and LabView share: the one ESM, the static drawing, the custom-message dispatcher.

Both widgets are rendered by the same bundle (``static/widget.js``); ``_kind`` tells it
whether to draw the graph alone or the whole lab. The browser reads a few synced traits
of JSON and sends clicks back as custom messages (``{"type": ...}``); every message is
first offered to the runtime delivery (the Graphviz runtime, the static snapshot), then
to the widget's own `_on_message`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import anywidget
import traitlets

from ..dot import Drawing, DotNotFoundError
from .runtime import handle_runtime_message
from .snapshot import SnapshotMixin

__all__ = ["ViewWidget"]

_STATIC = Path(__file__).resolve().parent.parent.parent / "static"


class ViewWidget(SnapshotMixin, anywidget.AnyWidget):
    """An anywidget drawn by dspyer-lab's ESM: the graph's layout input, its live picture, a dispatcher,
    and a static SVG of the picture next to the widget in the output (see `SnapshotMixin`)."""

    _esm = _STATIC / "widget.js"
    _css = _STATIC / "widget.css"

    _kind = traitlets.Unicode("graph", help="graph | lab: what the ESM renders").tag(sync=True)
    _layout = traitlets.Dict(help="{dot, nodes: {id: name}, edges: [...]}: the drawing (changes only with the graph)").tag(sync=True)
    _picture = traitlets.Dict(help="graph_json of the run shown: statuses, visits, path, selection").tag(sync=True)
    _still = traitlets.Unicode(
        "", help="the latest static SVG (see snapshot.py): shown by the ESM until Graphviz arrives, or if it never does"
    ).tag(sync=True)

    def __init__(self, **kwargs: Any) -> None:
        # anywidget connects the class's shared `_esm`/`_css` file watchers to a lambda holding the widget,
        # so every view ever made would stay alive: own the traits here, and watch the files (hot reload,
        # ANYWIDGET_HMR=1) through bound methods, which psygnal holds weakly.
        files = {key: getattr(type(self), key) for key in ("_esm", "_css")}
        self.add_traits(**{key: traitlets.Unicode(str(value)).tag(sync=True) for key, value in files.items()})
        super().__init__(**kwargs)
        for key, value in files.items():
            changed = getattr(value, "changed", None)
            if changed is not None:
                changed.connect(self._hot_esm if key == "_esm" else self._hot_css)
        self.on_msg(self._dispatch)

    def _hot_esm(self, text: str) -> None:
        setattr(self, "_esm", text)  # noqa: B010  (the class attribute is the file; the instance's trait its text)

    def _hot_css(self, text: str) -> None:
        setattr(self, "_css", text)  # noqa: B010

    def close(self) -> None:
        """Close the widget and its own `layout` widget (ipywidgets makes one per widget: its comm would outlive us)."""
        layout = getattr(self, "layout", None)
        super().close()
        if layout is not None:
            layout.close()

    @staticmethod
    def _layout_of(drawing: Drawing) -> dict[str, Any]:
        return {"dot": drawing.source, **drawing.svg_map()}

    def _dispatch(self, widget: Any, content: Any, buffers: list[Any]) -> None:
        if not isinstance(content, Mapping):
            return
        if handle_runtime_message(self, content, buffers) or self.handle_snapshot_message(content):
            return
        self._on_message(content)

    def _on_message(self, content: Mapping[str, Any]) -> None:
        """Handle a click or request from the browser (``content["type"]`` says which)."""

    def _outline(self) -> str:
        """A text outline of the graph (and the run), for frontends without widgets or SVG."""
        raise NotImplementedError

    def _svg(self) -> str:
        """The current picture as standalone SVG by the local ``dot`` (may raise `DotNotFoundError`)."""
        raise NotImplementedError

    def _keep_still(self, svg: str) -> None:
        self._still = svg  # synced (and saved with the widget state) only when it differs

    def _snapshot_statuses(self) -> Mapping[str, str]:
        return dict(self._picture.get("status") or {})

    def _snapshot_cache_key(self) -> str | None:
        """What the local picture draws (see `dot.render_svg`): the drawing, node statuses, the edges taken, the
        last one and a map's progress. Not the whole picture: its call counts and model times differ in every run, and each miss
        runs `dot` (~30 ms) when a re-run cell ends with the same picture."""
        picture = self._picture
        progress = {node: shown.get("text") for node, shown in (picture.get("progress") or {}).items()}
        drawn = [picture.get("status"), picture.get("last"), sorted(picture.get("path") or ()), progress]
        return json.dumps([type(self).__qualname__, self._layout, drawn], sort_keys=True, default=str)

    def _local_snapshot(self) -> str | None:
        try:
            return self._svg()
        except DotNotFoundError:
            return None

    def _repr_mimebundle_(self, **kwargs: Any) -> tuple[dict, dict] | None:
        """The widget, its static SVG, and a text outline of the graph where neither can render."""
        bundle = super()._repr_mimebundle_(**kwargs)
        if bundle is None:
            return None
        data, metadata = bundle
        data["text/plain"] = self._outline()
        return data, metadata
