"""The Graphviz runtime reaches the browser once per page, as a custom message, never as an `_esm`.

A widget's `_esm` is synced with every view and saved with the notebook's widget state, so
inlining the 1.3 MB WebAssembly layout engine there cost ~3 MB per view. Instead the small
ESM asks for it (``{"type": "need-runtime"}``) and the kernel answers with a custom message
whose first buffer is ``static/viz-runtime.js`` (js/src/runtime.js imports it from a Blob URL
and keeps it for the page). Custom messages are never saved, and no server extension or
network is involved.

The browser asks the moment a view's model exists (js/src/widget.js `initialize`), before any view
renders. A kernel reads that request mid-run only while its cell awaits (`%%dspyer`, `await
view.run(...)`); behind a blocking run it would wait for the run's end. So `offer_runtime` also pushes
the runtime unasked, once per kernel, when the first view is displayed. Statuses the run takes before
the drawing is ready are replayed on it when it comes (widget.js `recordEarly`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import Any, Protocol

__all__ = ["RUNTIME_PATH", "handle_runtime_message", "offer_runtime", "runtime_bytes", "send_runtime"]

RUNTIME_PATH = Path(__file__).resolve().parent.parent.parent / "static" / "viz-runtime.js"
"""The built layout engine (js/src/viz-runtime.js): an ES module exporting @viz-js/viz's `instance`."""


class _Sender(Protocol):
    def send(self, content: dict[str, Any], buffers: Sequence[bytes] | None = None) -> None: ...


_offered = False


@cache
def runtime_bytes() -> bytes:
    """The runtime module's bytes (read once per kernel)."""
    return RUNTIME_PATH.read_bytes()


def send_runtime(widget: _Sender) -> None:
    """Send the runtime to the browser through `widget`'s comm (or say why it cannot be sent)."""
    try:
        data = runtime_bytes()
    except OSError as exc:  # a broken install: the view shows this instead of waiting forever
        widget.send({"type": "runtime", "error": f"cannot read the Graphviz runtime {RUNTIME_PATH}: {exc}"})
        return
    widget.send({"type": "runtime"}, buffers=[data])


def handle_runtime_message(widget: _Sender, content: Mapping[str, Any], buffers: Sequence[Any] = ()) -> bool:
    """Answer ``{"type": "need-runtime"}`` from `widget`'s view; True if `content` was that request."""
    if not isinstance(content, Mapping) or content.get("type") != "need-runtime":
        return False
    send_runtime(widget)
    return True


def offer_runtime(widget: _Sender) -> None:
    """Push the runtime through `widget` if no view of this kernel has had it yet (see the module doc)."""
    global _offered
    if _offered:
        return
    _offered = True
    send_runtime(widget)
