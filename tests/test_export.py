"""A picture that survives: an executed notebook exported to HTML shows the graph with its final statuses.

The notebook runs in a real kernel with nbclient (no browser: the picture is the local `dot`
render, refreshed under the still output's display_id when the run ends), then nbconvert exports it.
A displayed view is two outputs: the widget view, then the still ``image/svg+xml`` (see
lab/widgets/snapshot.py). JupyterLab saves no widget state by default, and without it nbconvert
skips the widget view and shows the still; with the state saved (nbclient's default) it shows both,
and the widget's CSS hides the still once the widget renders; the saved state carries the same
picture (``_still``) for our ESM to show where no kernel sends Graphviz (the browser side:
tests/e2e/test_export.py).
"""

from __future__ import annotations

import base64
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import nbformat
import pytest

from dspyer_lab.lab.widgets.snapshot import drawn_statuses

pytestmark = pytest.mark.kernel

SETUP = """
import dspy
from pydantic import BaseModel
from dspyer_lab import END, AgentTranspiler, Graph, GraphView, ScriptedLM, StatefulNode

class Question(BaseModel):
    question: str

class Answer(BaseModel):
    answer: str

graph = Graph()
graph.add_node("prepare", lambda state: {"question": state["question"].strip()})
graph.add_node(StatefulNode("answer", Question, Answer))
graph.set_entry_point("prepare")
graph.add_edge("prepare", "answer")
graph.add_edge("answer", END)
program = AgentTranspiler.compile(graph)
lm = ScriptedLM({"answer": [{"answer": "Paris"}]})
"""
SHOW = "view = GraphView(program)\nview"
RUN = """
with dspy.context(lm=lm):
    await view.follow(program.astream(question=" Capital of France? "))
print(view.run_state)
"""
SVG_MIME = "image/svg+xml"
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"


def statuses(svg: str) -> dict[str, str]:
    return dict(drawn_statuses(svg) or ())


@pytest.fixture(scope="module")
def executed() -> nbformat.NotebookNode:
    if shutil.which("dot") is None:
        pytest.skip("Graphviz `dot` is not installed: no local picture without a browser")
    from nbclient import NotebookClient

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(src.strip()) for src in (SETUP, SHOW, RUN)])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    NotebookClient(nb, timeout=120, kernel_name="python3").execute()
    return nb


def test_the_view_is_its_widget_then_the_final_picture(executed: nbformat.NotebookNode) -> None:
    assert "finished" in executed.cells[2].outputs[0]["text"]
    widget, still = [o for o in executed.cells[1].outputs if o["output_type"] == "display_data"]
    assert WIDGET_MIME in widget["data"] and SVG_MIME not in widget["data"]
    assert WIDGET_MIME not in still["data"] and "text/html" not in still["data"]  # html would outrank the svg
    assert statuses(still["data"][SVG_MIME]) == {"prepare": "done", "answer": "done"}  # updated at run end


def test_html_export_without_widget_state_shows_the_graph_with_final_statuses(
    executed: nbformat.NotebookNode,
) -> None:
    from nbconvert import HTMLExporter

    nb = nbformat.from_dict(executed)
    nb.metadata.pop("widgets", None)  # as JupyterLab saves notebooks by default
    html, _ = HTMLExporter().from_notebook_node(nb)
    images = re.findall(r'<img [^>]*src="data:image/svg\+xml;base64,([^"]+)"', html)
    assert len(images) == 1
    svg = base64.b64decode(images[0]).decode()
    assert statuses(svg) == {"prepare": "done", "answer": "done"}
    assert WIDGET_MIME not in html  # no empty widget placeholder


def test_saved_widget_state_stays_small(executed: nbformat.NotebookNode) -> None:
    """nbclient saves widget state: each view's `_esm` is the small widget bundle, not Graphviz, and its
    `_still` one picture; six views fit the 1.6 MB budget (bench/bench_lab.py measures six LabViews)."""
    state = executed.metadata["widgets"]["application/vnd.jupyter.widget-state+json"]["state"]
    size = len(nbformat.writes(nbformat.from_dict({"s": state})))
    assert 6 * size <= 1_600_000, size


def export_html(nb: nbformat.NotebookNode, folder: Path, *options: str) -> str:
    """`jupyter nbconvert --to html` of `nb`, as a user runs it."""
    path = folder / "executed.ipynb"
    nbformat.write(nb, path)
    subprocess.run(
        [sys.executable, "-m", "jupyter", "nbconvert", "--to", "html", *options, str(path)], check=True, capture_output=True
    )
    return path.with_suffix(".html").read_text()


def saved_views(html: str) -> dict[str, dict[str, Any]]:
    """model id -> state of every dspyer-lab view in the widget state an HTML export embeds."""
    (text,) = re.findall(r'<script type="application/vnd.jupyter.widget-state\+json">(.*?)</script>', html, re.S)
    state = json.loads(text)["state"]
    return {k: m["state"] for k, m in state.items() if "_still" in m["state"]}


def test_html_export_with_widget_state_keeps_the_final_picture_in_the_saved_view(
    executed: nbformat.NotebookNode, tmp_path: Path
) -> None:
    """With the widget state (as nbclient saves it), the export shows the widget view, not the output's SVG:
    the view's saved state carries the final picture for the ESM to show without a kernel."""
    html = export_html(executed, tmp_path)
    views = saved_views(html)
    (model_id,) = views
    assert f'"model_id": "{model_id}"' in html  # the output's widget view is this model
    still = views[model_id]["_still"]
    assert statuses(still) == {"prepare": "done", "answer": "done"}
    assert still == executed.cells[1].outputs[1]["data"][SVG_MIME]  # the picture the still output carries
    # the still output follows the widget view in the same output area: the rule of the widget's CSS that
    # hides it while the view renders matches nbconvert's markup (the CSS comes with the widget only)
    widget_at, image_at = html.index(f'"model_id": "{model_id}"'), html.index('src="data:image/svg+xml')
    between = html[widget_at:image_at]
    assert between.count('<div class="jp-OutputArea-child') == 1 and 'class="jp-RenderedSVG' in between


def test_html_export_dropping_the_widget_state_shows_the_picture_offline(
    executed: nbformat.NotebookNode, tmp_path: Path
) -> None:
    """The README's way to an export that needs no widget manager (and so no network)."""
    html = export_html(executed, tmp_path, "--ClearMetadataPreprocessor.enabled=True")
    assert '<script type="application/vnd.jupyter.widget-state+json">' not in html
    (image,) = re.findall(r'<img [^>]*src="data:image/svg\+xml;base64,([^"]+)"', html)
    assert statuses(base64.b64decode(image).decode()) == {"prepare": "done", "answer": "done"}
