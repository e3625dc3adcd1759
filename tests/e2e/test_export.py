"""A notebook run and saved in a real JupyterLab exports to HTML with the graph's final picture.

The browser draws the graph, sends its own SVG (with the statuses) back, and the kernel puts it in
the view's output under its display_id; JupyterLab saves it in the notebook (and, by default, no
widget state), so `jupyter nbconvert --to html` shows that picture where no widget can render.

With the widget state saved (nbclient's default), the export shows the widget view instead, drawn
by the widget manager (from a CDN: nothing offline) and our ESM, with no kernel to send Graphviz.
The ESM then shows the picture saved in the view's state (``_still``): checked here by rendering the
committed bundle with the exported state in a page whose model never answers, like such a page.
"""

from __future__ import annotations

import base64
import json
import re
import subprocess
import sys
from collections.abc import Iterator
from textwrap import dedent
from typing import Any
from urllib.parse import unquote

import nbformat
import pytest
from playwright.sync_api import Page, expect

from dspyer_lab.lab.widgets.snapshot import drawn_statuses

from .helpers import LabServer, open_and_run_all, open_bundle_page, wait_for_view_settled, write_notebook
from .portable import HOSTILE_NODE, PROGRAM

pytestmark = pytest.mark.browser

RUN = dedent(
    """
    from dspyer_lab.lab.runner import run_blocking
    with dspy.context(lm=scripted()):
        run_blocking(view.run(question=" Capital of France? "))
    """
)
FINAL = {HOSTILE_NODE: "done", "answer": "done"}
_SAVE_JS = "() => window.jupyterapp.commands.execute('docmanager:save')"


def saved_picture(path) -> str | None:
    """The static SVG in the saved view's output, if any."""
    nb = nbformat.read(path, as_version=4)
    for output in nb.cells[1].outputs:
        svg = output.get("data", {}).get("image/svg+xml")
        if svg:
            return svg
    return None


def test_a_notebook_saved_by_jupyterlab_exports_the_browser_picture_with_final_statuses(
    lab_page: Page, lab_server: LabServer
) -> None:
    notebook = write_notebook(lab_server, "export_me.ipynb", [PROGRAM, "view", RUN])
    open_and_run_all(lab_page, lab_server, notebook)
    lab_page.locator('.dspyer-lab[data-run-state="finished"]').wait_for()

    # The browser's picture of the finished run reaches the kernel, then the view's output; then save.
    wait_for_view_settled(lab_page, 1)
    lab_page.evaluate(_SAVE_JS)
    svg = saved_picture(notebook)
    # the local `dot` render embeds a <style>; the browser's copy carries inline paint instead
    assert svg and "<style" not in svg, f"no browser picture was saved: {svg and svg[:300]}"
    assert dict(drawn_statuses(svg) or ()) == FINAL
    assert "widgets" not in nbformat.read(notebook, as_version=4).metadata  # JupyterLab's default: no widget state

    html = notebook.with_suffix(".html")
    subprocess.run(
        [sys.executable, "-m", "jupyter", "nbconvert", "--to", "html", str(notebook), "--output", html.name],
        check=True, capture_output=True,
    )  # fmt: skip
    page = html.read_text()
    (image,) = re.findall(r'<img [^>]*src="data:image/svg\+xml;base64,([^"]+)"', page)
    exported = base64.b64decode(image).decode()
    assert dict(drawn_statuses(exported) or ()) == FINAL
    assert "<img src=x" not in page  # the hostile node name stays text: in the code, and inside the (base64) picture


@pytest.fixture(scope="module")
def exported_view(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The LabView's saved state, read from the HTML export of a notebook executed by nbclient."""
    from nbclient import NotebookClient

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(src.strip()) for src in (PROGRAM, "view", RUN)])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    NotebookClient(nb, timeout=180, kernel_name="python3").execute()
    notebook = tmp_path_factory.mktemp("saved-state") / "executed.ipynb"
    nbformat.write(nb, notebook)
    subprocess.run([sys.executable, "-m", "jupyter", "nbconvert", "--to", "html", str(notebook)], check=True, capture_output=True)
    html = notebook.with_suffix(".html").read_text()
    (text,) = re.findall(r'<script type="application/vnd.jupyter.widget-state\+json">(.*?)</script>', html, re.S)
    (view,) = [m["state"] for m in json.loads(text)["state"].values() if m["state"].get("_kind") == "lab"]
    return view


_RENDER_JS = """async ({state, answer}) => {
  // A model like a widget manager's for a saved view: its state, and no kernel behind `send`
  // (unless `answer`: then the runtime comes, as a kernel sends it).
  const { default: widget } = await import("/widget.js");
  const { fakeModel } = await import("/fake-model.js");
  const { model } = fakeModel(state, { runtime: answer });
  widget.initialize({ model });
  widget.render({ model, el: document.getElementById("out") });
}"""


@pytest.fixture
def saved_page(page: Page) -> Iterator[Page]:
    """A page (no network) serving the committed bundle, as the widget manager loads it."""
    open_bundle_page(page)
    yield page


def still_statuses(page: Page) -> dict[str, str]:
    """The statuses drawn by the placeholder image (decoded from its data: URL), once the image has loaded."""
    image = page.locator(".dspyer-graphview .dl-still img.dl-still-img")
    prefix = "data:image/svg+xml;charset=utf-8,"
    expect(image).to_have_attribute("src", re.compile("^" + re.escape(prefix)))
    expect(image).to_have_js_property("complete", True)  # loaded: a picture the browser could decode ...
    expect(image).not_to_have_js_property("naturalWidth", 0)  # ... with a size
    src = image.get_attribute("src") or ""
    return dict(drawn_statuses(unquote(src[len(prefix):])) or ())


def test_a_saved_view_without_a_kernel_shows_its_last_picture(saved_page: Page, exported_view: dict[str, Any]) -> None:
    assert dict(drawn_statuses(exported_view["_still"]) or ()) == FINAL
    saved_page.evaluate(_RENDER_JS, {"state": exported_view, "answer": False})
    assert still_statuses(saved_page) == FINAL
    note = saved_page.locator(".dl-still-note")
    expect(note).to_have_text("static picture: no kernel")  # the runtime did not come (ask-again time): say why
    expect(saved_page.locator(".dl-stage svg")).to_have_count(0)
    assert {"type": "need-runtime"} in saved_page.evaluate("window.__sent")
    assert saved_page.evaluate("window.__xss") is None  # the hostile name is inside the image, never parsed


def test_the_live_drawing_replaces_the_picture_when_the_runtime_comes(
    saved_page: Page, exported_view: dict[str, Any]
) -> None:
    saved_page.evaluate(_RENDER_JS, {"state": exported_view, "answer": True})
    drawn = saved_page.locator(".dl-stage svg g.node[data-node][data-status]")
    expect(drawn).to_have_count(len(FINAL))
    expect(saved_page.locator(".dl-still")).to_have_count(0)  # the live drawing took the picture's place
    live = drawn.evaluate_all("found => Object.fromEntries(found.map((g) => [g.dataset.node, g.dataset.status]))")
    assert live == FINAL
    assert saved_page.evaluate("window.__xss") is None
