"""A notebook that shows a `Replay` (issue 24) replays the run in JupyterLab; executed by nbclient and exported by
nbconvert, it replays the run where the export keeps scripts and shows the still picture where it strips them.

Displayed in a kernel, a Replay is two outputs (lab/replay.py): a small script that puts the exported document
in a sandboxed ``<iframe srcdoc>`` and adds a rule that hides the next output, then the still ``image/svg+xml``. Each export is
opened from ``file://`` in Chromium with every request aborted (nbconvert's own page asks a CDN for
require.js and MathJax: those are refused too, and the replay never needs them).
"""

from __future__ import annotations

import base64
import json
import re
import subprocess
import sys
from pathlib import Path
from textwrap import dedent

import nbformat
import pytest
from playwright.sync_api import Frame, Locator, Page, Request, Route, expect

from dspyer_lab.lab.widgets.snapshot import drawn_statuses

from .helpers import LabServer, open_and_run_all, write_notebook
from .portable import HOSTILE_NODE, PROGRAM

pytestmark = pytest.mark.browser

SHOW = dedent(
    """
    from dspyer_lab import Replay
    with dspy.context(lm=scripted()):
        await view.run(question=" Capital of France? ", api_key="sk-live-nbconvert-0123456789")
    Replay(view)
    """
)
FINAL = {HOSTILE_NODE: "done", "answer": "done"}


@pytest.fixture(scope="module")
def notebook(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from nbclient import NotebookClient

    folder = tmp_path_factory.mktemp("replay-nbconvert")
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(src.strip()) for src in (PROGRAM, SHOW)])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    NotebookClient(nb, timeout=180, kernel_name="python3", resources={"metadata": {"path": str(folder)}}).execute()
    path = folder / "replay.ipynb"
    nbformat.write(nb, path)
    return path


def export(notebook: Path, name: str, *options: str) -> Path:
    subprocess.run(
        [sys.executable, "-m", "jupyter", "nbconvert", "--to", "html", *options, str(notebook), "--output", name],
        check=True, capture_output=True,
    )  # fmt: skip
    return notebook.with_name(f"{name}.html")


def open_offline(page: Page, html: Path) -> list[Request]:
    """Open the file `html` with every other request aborted; the list of those."""
    refused: list[Request] = []

    def route(route: Route) -> None:
        if route.request.url == html.as_uri():
            route.continue_()
        else:
            refused.append(route.request)
            route.abort()

    page.route("**/*", route)
    page.goto(html.as_uri())
    return refused


def replay_to_the_end(iframe: Locator) -> Frame:
    """Play the replay in `iframe` from the start at 1x (0.4 s a model call) to its end; its frame."""
    handle = iframe.element_handle()
    frame = handle.content_frame() if handle is not None else None
    assert frame is not None
    frame.wait_for_selector("html[data-first-frame]", state="attached")
    end = frame.locator("input.dl-replay").get_attribute("max")
    player = frame.locator(".dl-player")
    frame.locator(".dl-play").click()
    expect(player).to_have_attribute("data-playing", "true")
    expect(player).to_have_attribute("data-playing", "false", timeout=20_000)
    expect(player).to_have_attribute("data-pos", str(end))
    statuses = frame.locator(".dl-stage svg g.node[data-node]").evaluate_all(
        "found => Object.fromEntries(found.map((g) => [g.dataset.node, g.dataset.status]))"
    )
    assert statuses == FINAL
    return frame


def test_the_outputs_are_the_script_then_the_still(notebook: Path) -> None:
    outputs = [o for o in nbformat.read(notebook, as_version=4).cells[1].outputs if o["output_type"] == "display_data"]
    assert [sorted(o["data"]) for o in outputs] == [["application/javascript", "text/plain"], ["image/svg+xml", "text/plain"]]
    assert "sk-live-nbconvert" not in json.dumps(outputs)  # masked in the replay as in a saved run


def test_an_export_that_keeps_scripts_replays_the_run_offline(page: Page, notebook: Path) -> None:
    html = export(notebook, "with-scripts")
    refused = open_offline(page, html)
    iframe = page.locator("iframe.dspyer-replay")
    expect(iframe).to_have_count(1)
    expect(page.locator(".jp-RenderedSVG")).to_be_hidden()  # the still gave way to the replay
    frame = replay_to_the_end(iframe)
    assert frame.evaluate("window.__xss ?? null") is None and page.evaluate("window.__xss ?? null") is None
    assert [r.url for r in refused if r.frame == frame] == []  # the replay asked nothing of the network
    assert frame.evaluate("performance.getEntriesByType('resource').length") == 0


def test_an_export_that_strips_scripts_shows_the_still_picture(page: Page, notebook: Path) -> None:
    html = export(notebook, "sanitized", "--HTMLExporter.sanitize_html=True")
    text = html.read_text(encoding="utf-8")
    assert "srcdoc" not in text and "&lt;iframe" not in text  # no script to run, and no iframe shown as text
    open_offline(page, html)
    expect(page.locator("iframe")).to_have_count(0)
    image = page.locator(".jp-RenderedSVG img")
    expect(image).to_be_visible()
    expect(image).not_to_have_js_property("naturalWidth", 0)  # a picture the browser decoded
    src = image.get_attribute("src") or ""
    (encoded,) = re.findall(r"^data:image/svg\+xml;base64,(.+)$", src)
    assert dict(drawn_statuses(base64.b64decode(encoded).decode()) or ()) == FINAL
    assert page.evaluate("window.__xss ?? null") is None


def test_in_jupyterlab_the_replay_plays_in_its_output_and_hides_the_still(lab_page: Page, lab_server: LabServer) -> None:
    open_and_run_all(lab_page, lab_server, write_notebook(lab_server, "replay_inline.ipynb", [PROGRAM, SHOW]))
    iframe = lab_page.locator(".jp-OutputArea-output iframe.dspyer-replay")
    expect(iframe).to_have_count(1)
    still = lab_page.locator(".jp-OutputArea-child:has(iframe.dspyer-replay) + .jp-OutputArea-child")
    expect(still.locator(".jp-RenderedSVG, .jp-RenderedImage")).to_have_count(1)
    expect(still).to_be_hidden()
    frame = replay_to_the_end(iframe)
    assert frame.evaluate("window.__xss ?? null") is None and lab_page.evaluate("window.__xss ?? null") is None
