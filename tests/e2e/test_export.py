"""A notebook run and saved in a real JupyterLab exports to HTML with the graph's final picture.

The browser draws the graph, sends its own SVG (with the statuses) back, and the kernel puts it in
the view's output under its display_id; JupyterLab saves it in the notebook (and, by default, no
widget state), so `jupyter nbconvert --to html` shows that picture where no widget can render.
"""

from __future__ import annotations

import base64
import re
import subprocess
import sys
import time
from textwrap import dedent

import nbformat
import pytest
from playwright.sync_api import Page

from dspyer_lab.lab.widgets.snapshot import drawn_statuses

from .helpers import LabServer, open_and_run_all, write_notebook
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

    deadline = time.monotonic() + 60
    while True:  # the browser's picture of the finished run reaches the kernel, then the output; save until it is in
        lab_page.evaluate(_SAVE_JS)
        svg = saved_picture(notebook)
        if svg and "<style" not in svg and dict(drawn_statuses(svg) or ()) == FINAL:
            break  # the local `dot` render embeds a <style>; the browser's copy carries inline paint instead
        assert time.monotonic() < deadline, f"no browser picture with the final statuses was saved: {svg and svg[:300]}"
        time.sleep(0.5)
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
