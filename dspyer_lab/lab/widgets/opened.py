"""A run drawn inside another view (a BatchView's opened example, a RunsView's opened run), with no child widget.

The view syncs the run's `LabPresenter` render into two traits of its own (``_open_picture``,
``_open_panel``); js/src/ui/opened.js shows the LabView UI from them, and tags what that UI sends
``{"to": <the view's tag>}`` (its presenter routes those to the run's presenter and tags the replies
the same). So an opened run works wherever the view itself renders (JupyterLab, Notebook 7, marimo).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import traitlets

from ..model.presenter import Rendered
from .base import ViewWidget

__all__ = ["OpenedRunView"]


class OpenedRunView(ViewWidget):
    """A `ViewWidget` that draws one run inside itself (see the module docstring)."""

    _open_picture = traitlets.Dict(help="the opened run's picture (as a LabView's `_picture`)").tag(sync=True)
    _open_panel = traitlets.Unicode(
        "", help="the opened run's panel as JSON {head, timeline, tab} (a LabView's three parts; '' if none)"
    ).tag(sync=True)

    presenter: Any
    """The view's presenter: `handle(message)` answers its clicks (a `BatchPresenter`, a `RunsPresenter`)."""

    _opened_tag = "example"
    """What the browser tags the opened run's messages with (``{"to": ...}``)."""

    def _show_opened(self, shown: Rendered | None) -> None:
        """Sync the opened run's render (None: nothing opened); call inside the view's ``hold_sync``."""
        self._open_picture = shown.picture if shown is not None else {}
        self._open_panel = "" if shown is None else json.dumps(
            {"head": shown.head, "timeline": shown.timeline, "tab": shown.tab}, ensure_ascii=False)

    def _on_message(self, content: Mapping[str, Any]) -> None:
        """A click, for the view's presenter (which routes the opened run's to it); replies go back as sent.

        The opened run's page asking for the runtime or sending a snapshot was answered already by the view
        (`ViewWidget._dispatch`): the run's presenter has nothing to do with it."""
        if content.get("to") == self._opened_tag and content.get("type") in ("snapshot", "need-runtime"):
            return
        reply = self.presenter.handle(content)
        if reply is not None:
            self.send(reply)
