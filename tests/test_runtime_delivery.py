"""The Graphviz runtime goes to the browser on request, and the output's static picture follows the run.

No browser here: the widget's comm is replaced by a recorder, and `update_display` by a list.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest

from dspyer_lab.lab.widgets import runtime, snapshot
from dspyer_lab.lab.widgets.snapshot import SVG_MIME, SnapshotMixin, drawn_statuses


class Sender:
    def __init__(self) -> None:
        self.sent: list[tuple[dict[str, Any], list[bytes]]] = []

    def send(self, content: dict[str, Any], buffers: Any = None) -> None:
        self.sent.append((content, list(buffers or [])))


def test_need_runtime_is_answered_with_the_runtime_module_as_a_buffer() -> None:
    widget = Sender()
    assert runtime.handle_runtime_message(widget, {"type": "need-runtime"}, [])
    ((content, buffers),) = widget.sent
    assert content == {"type": "runtime"}
    assert buffers == [runtime.RUNTIME_PATH.read_bytes()]
    assert b"export{" in buffers[0] and len(buffers[0]) > 500_000  # the WebAssembly engine, as an ES module


@pytest.mark.parametrize("content", [{"type": "select", "node": "a"}, {"type": "snapshot"}, {}, "need-runtime"])
def test_other_messages_are_left_to_the_widget(content: Any) -> None:
    widget = Sender()
    assert not runtime.handle_runtime_message(widget, content, [])
    assert widget.sent == []


def test_a_broken_install_tells_the_browser_instead_of_leaving_it_waiting(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    monkeypatch.setattr(runtime, "RUNTIME_PATH", tmp_path / "missing.js")
    runtime.runtime_bytes.cache_clear()
    try:
        widget = Sender()
        runtime.send_runtime(widget)
    finally:
        runtime.runtime_bytes.cache_clear()
    ((content, buffers),) = widget.sent
    assert content["type"] == "runtime" and "missing.js" in content["error"] and buffers == []


def picture(statuses: Mapping[str, str]) -> str:
    nodes = "".join(f'<g class="node" data-node="{n}" data-status="{s}"><title>{n}</title></g>' for n, s in statuses.items())
    return f'<svg xmlns="http://www.w3.org/2000/svg">{nodes}</svg>'


class Base:
    def _repr_mimebundle_(self, **kwargs: Any) -> tuple[dict, dict] | None:
        return {"text/plain": "a view", "application/vnd.jupyter.widget-view+json": {"model_id": "m"}}, {}


class View(SnapshotMixin, Base):
    """A view whose statuses the test sets; its local render is a marked picture of them."""

    def __init__(self) -> None:
        self.node_status = {"a": "idle", "b": "idle"}
        self.local_renders = 0

    def _local_snapshot(self) -> str:
        self.local_renders += 1
        return picture(self.node_status).replace("<svg ", '<svg data-local="yes" ')


@pytest.fixture
def updates(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    import IPython.display

    seen: list[dict[str, Any]] = []
    monkeypatch.setattr(IPython.display, "update_display", lambda data, **kw: seen.append(data))
    monkeypatch.setattr(snapshot, "_RENDERED", type(snapshot._RENDERED)())
    return seen


def displayed(view: View) -> View:
    view._repr_mimebundle_()
    view._snapshot_display_id = "d1"  # as `_ipython_display_` sets it
    return view


def test_the_output_bundle_carries_the_picture_and_no_html(updates: list[dict[str, Any]]) -> None:
    bundle = View()._repr_mimebundle_()
    assert bundle is not None
    data, _ = bundle
    assert drawn_statuses(data[SVG_MIME]) == (("a", "idle"), ("b", "idle"))
    assert "text/html" not in data  # nbconvert ranks text/html above image/svg+xml


def test_without_a_browser_the_run_end_is_drawn_locally(updates: list[dict[str, Any]]) -> None:
    view = displayed(View())
    view.node_status = {"a": "done", "b": "failed"}
    view.refresh_snapshot()
    (data,) = updates
    assert drawn_statuses(data[SVG_MIME]) == (("a", "done"), ("b", "failed"))
    view.refresh_snapshot()  # nothing new to draw
    assert len(updates) == 1


def test_the_browser_picture_replaces_the_local_one_once_and_stale_ones_are_ignored(
    updates: list[dict[str, Any]],
) -> None:
    view = displayed(View())
    assert view.handle_snapshot_message({"type": "snapshot", "svg": picture({"a": "idle", "b": "idle"})})
    assert len(updates) == 1 and "data-local" not in updates[0][SVG_MIME]  # the browser's drawing wins
    view.node_status = {"a": "done", "b": "done"}
    view.handle_snapshot_message({"type": "snapshot", "svg": picture({"a": "idle", "b": "idle"})})  # stale
    assert len(updates) == 1
    view.refresh_snapshot()  # a browser draws this view: it sends the end of the run itself
    assert len(updates) == 1 and view.local_renders == 1
    done = picture({"a": "done", "b": "done"})
    view.handle_snapshot_message({"type": "snapshot", "svg": done})
    # two views of one model each send their picture: the same statuses again change nothing
    view.handle_snapshot_message({"type": "snapshot", "svg": done.replace("<title>", "<title> ")})
    assert [drawn_statuses(d[SVG_MIME]) for d in updates][1:] == [(("a", "done"), ("b", "done"))]


@pytest.mark.parametrize("svg", [None, 42, "<html><script>x</script></html>", "<svg" + "x" * snapshot.MAX_SNAPSHOT_CHARS, "<svg><g"])
def test_bad_pictures_from_the_browser_change_nothing(svg: Any, updates: list[dict[str, Any]]) -> None:
    view = displayed(View())
    before = view.snapshot
    assert view.handle_snapshot_message({"type": "snapshot", "svg": svg})
    assert view.snapshot == before and updates == []


def test_a_view_is_displayed_once_and_only_its_still_picture_is_updated(
    monkeypatch: pytest.MonkeyPatch, updates: list[dict[str, Any]]
) -> None:
    """The widget output is published once, with no display_id: updating it would make JupyterLab and
    Notebook 7 build the live view again (a flash, the user's tab lost). The still picture is the second
    output, under a display_id, and is what the run's end updates; the runtime is offered at the display."""
    import IPython.display

    shown: list[tuple[dict[str, Any], str | None]] = []
    monkeypatch.setattr(IPython.display, "display", lambda data, **kw: shown.append((data, kw.get("display_id"))))
    monkeypatch.setattr(runtime, "_offered", True)
    view = View()
    view._ipython_display_()
    (widget, no_id), (still, display_id) = shown
    assert no_id is None and display_id == view._snapshot_display_id
    assert set(widget) == {"application/vnd.jupyter.widget-view+json", "text/plain"} and widget["text/plain"] == ""
    assert drawn_statuses(still[SVG_MIME]) == (("a", "idle"), ("b", "idle")) and still["text/plain"] == "a view"
    view.node_status = {"a": "done", "b": "done"}
    view.refresh_snapshot()
    (update,) = updates
    assert set(update) == {SVG_MIME, "text/plain"}  # the still alone: never the widget view
    assert drawn_statuses(update[SVG_MIME]) == (("a", "done"), ("b", "done"))


def test_the_still_output_is_an_image_even_before_any_picture_exists(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without `dot` and before a browser drew the view, the still is an empty picture: an image, so the
    widget's CSS hides it under the live view (a text output there would show the outline twice)."""
    import IPython.display

    shown: list[dict[str, Any]] = []
    monkeypatch.setattr(IPython.display, "display", lambda data, **kw: shown.append(data))
    monkeypatch.setattr(runtime, "_offered", True)
    view = View()
    monkeypatch.setattr(view, "_local_snapshot", lambda: None)
    monkeypatch.setattr(snapshot, "_RENDERED", type(snapshot._RENDERED)())
    view._ipython_display_()
    assert shown[1][SVG_MIME] == snapshot.EMPTY_SVG and shown[1]["text/plain"] == "a view"
