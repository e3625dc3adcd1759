"""One HTML file that replays a run (issue 24, item 3): `LabView.to_html`, `BatchView.to_html`, `%dspyer export`.

The document is checked as a browser would get it: one page, no request anywhere (a strict CSP, no URL but
XML namespaces), the data block inert, every frame what the lab shows at that step, secrets masked.
The browser side (file://, network blocked, play, keys, hostile payloads, opening time): tests/e2e/
test_export_html_browser.py.
"""

from __future__ import annotations

import asyncio
import base64
import json
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import dspy
import pytest

from dspyer_lab import ScriptedLM
from dspyer_lab.lab.model.export import TABS, ExportError, export_html, read_export
from dspyer_lab.lab.model.presenter import LabPresenter
from dspyer_lab.lab.model.runfile import RunSaveError, read_run
from dspyer_lab.lab.textview import MASK
from dspyer_lab.lab.widgets import BatchView, LabView
from dspyer_lab.lab.widgets.snapshot import drawn_statuses
from core_helpers import echo_chain_program
from test_batchview import garbage_lm, inputs
from test_compare import GOOD, QUESTION, WRONG, quickstart_program
from test_panels import HOSTILE
from test_play import SECRET, finished_view

BUDGET = 300 * 1024
"""The page without the run (script, styles, layout, markup) stays under this (issue 24)."""
NAMESPACES = {"http://www.w3.org/2000/svg", "http://www.w3.org/1998/Math/MathML", "http://www.w3.org/1999/xlink", "http://www.w3.org/1999/xhtml",
              "http://www.w3.org/XML/1998/namespace", "http://www.w3.org/2000/xmlns/"}
"""URLs a page may name without fetching anything: XML namespaces (the drawing's SVG, Preact's SVG and MathML)."""


class Page(HTMLParser):
    """The elements of a document, as a browser's parser sees them."""

    def __init__(self, document: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self._in_script: dict[str, str | None] | None = None
        self.feed(document)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag == "script":
            self._in_script = dict(attrs)

    def handle_data(self, data: str) -> None:
        if self._in_script is not None:
            self.scripts.append((self._in_script, data))
            self._in_script = None

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = None


def quickstart_view() -> LabView[Any]:
    """The quickstart's run: `answer` cites a passage it was not given, is told so, and corrects itself."""
    view = LabView(quickstart_program())
    with dspy.context(lm=ScriptedLM({"answer": [WRONG, GOOD]})):
        asyncio.run(view.run(question=QUESTION))
    return view


def same_frame(frame: dict[str, Any], presenter: LabPresenter[Any], p: int) -> None:
    """Frame `p` of an export is what `presenter` (of the same saved run) shows at step p (handles aside)."""
    presenter.seek(p)
    shown, panel = presenter.render(), presenter.panel
    unhandled = re.compile(r'"full": "[^"]*"')
    same = lambda a, b: unhandled.sub("", json.dumps(a, sort_keys=True)) == unhandled.sub("", json.dumps(b, sort_keys=True))  # noqa: E731
    assert frame["picture"] == shown.picture
    assert same(frame["timeline"], shown.timeline)
    assert frame["head"]["toolbar"] == shown.head["toolbar"]
    assert same(frame["essentials"], shown.head["presenter"])
    for tab in TABS:
        assert same(frame["tabs"][tab], panel[tab]), tab


def test_every_frame_is_what_the_lab_shows_at_that_step(tmp_path: Path) -> None:
    view = asyncio.run(finished_view())
    document = view.to_html()
    data = read_export(document)
    (run,) = data["runs"]
    saved = read_run(view.save(tmp_path / "run.json"))
    assert len(run["frames"]) == len(saved.events) + 1  # position 0 (before the run) to the end
    presenter: LabPresenter[Any] = LabPresenter(saved.graph)
    presenter.show_saved(saved, runnable=False)
    presenter.presenter_mode = True
    for p in range(len(run["frames"])):
        same_frame(run["frames"][p], presenter, p)
    # the node's statuses as the live graph took them, in order (one entry per change)
    statuses = [f["picture"]["status"].get("rate", "idle") for f in run["frames"]]
    changes = [s for i, s in enumerate(statuses) if i == 0 or s != statuses[i - 1]]
    assert changes == ["idle", "running", "retrying", "done"]
    assert len(run["play"]["t"]) == len(saved.events) and run["play"]["steps"][-1] == len(saved.events)
    # a clipped value's full text travels once, under a handle the page can answer
    handles = set(re.findall(r'"full": "(x\d+)"', json.dumps(run["frames"])))
    assert handles and all(0 <= int(h[1:]) < len(run["texts"]) for h in handles)


def test_the_page_fetches_nothing_and_its_data_stays_text() -> None:
    view = asyncio.run(finished_view())
    document = view.to_html(title="</title><script>window.__xss=1</script>")
    page = Page(document)
    csp = [a["content"] for tag, a in page.tags if tag == "meta" and a.get("http-equiv") == "Content-Security-Policy"]
    assert len(csp) == 1 and "default-src 'none'" in (csp[0] or "") and "connect-src" not in (csp[0] or "")
    assert "'unsafe-" not in (csp[0] or "") and "script-src 'sha256-" in (csp[0] or "") and "style-src 'sha256-" in (
        csp[0] or "")
    scripts = [(a.get("type"), text) for a, text in page.scripts]
    assert [t for t, _ in scripts] == ["application/json", "module"]  # one inert data block, one script (by hash)
    assert [tag for tag, _ in page.tags].count("script") == 2  # the title's <script> stayed text
    assert not any(a.get("src") or a.get("href") for tag, a in page.tags if tag in ("script", "link"))
    outside_csp = document.replace(csp[0] or "", "")
    urls = set(re.findall(r"(?:https?:)?//[\w.-]+\.[a-z]{2,}[^\s\"'<>)]*", outside_csp))
    assert urls <= NAMESPACES, urls - NAMESPACES
    (still,) = [a["src"] for tag, a in page.tags if tag == "img"]  # before (or without) scripts: the final picture
    assert still is not None and still.startswith("data:image/svg+xml;base64,")
    svg = base64.b64decode(still.split(",", 1)[1]).decode("utf-8")
    assert drawn_statuses(svg) == (("rate", "done"), ("shout", "done"))
    data_block = scripts[0][1]
    assert not re.search(r"[<>&\u2028\u2029]", data_block)  # nothing in it can end the element
    data = read_export(document)
    assert data["title"] == "</title><script>window.__xss=1</script>"
    text = json.dumps(data, ensure_ascii=False)
    assert HOSTILE in text  # the model's answer, as text for the page to show as text
    assert SECRET not in document and SECRET not in text and MASK in text  # masked as in a saved run


def test_the_quickstart_stays_within_its_size_budget(tmp_path: Path) -> None:
    view = quickstart_view()
    document = view.to_html()
    run_file = view.save(tmp_path / "run.json").stat().st_size
    size = len(document.encode("utf-8"))
    data = re.search(r'id="dl-export-data">(.*?)</script>', document, re.DOTALL)
    assert data is not None
    assert size - len(data.group(1)) < BUDGET  # the player itself
    assert size < BUDGET + run_file  # the budget: 300 KB plus the run's own data


def test_a_saved_run_exports_the_same_page_as_its_view(tmp_path: Path) -> None:
    view = asyncio.run(finished_view())
    saved = view.save(tmp_path / "run.json")
    document = view.to_html(tmp_path / "run.html", title="rating")
    assert (tmp_path / "run.html").read_text(encoding="utf-8") == document
    assert export_html(saved, title="rating") == document == LabView.load(saved).to_html(title="rating")
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temporary file left behind
    (tmp_path / "run.html").write_text("the old page", encoding="utf-8")
    with pytest.raises(RunSaveError, match="the file there is unchanged"):
        view.to_html(tmp_path / "run.html" / "x.html")  # a file is no folder
    with pytest.raises(RunSaveError, match="could not write the page"):
        view.to_html(tmp_path)  # a folder is no file
    assert (tmp_path / "run.html").read_text(encoding="utf-8") == "the old page"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_nothing_to_replay_is_refused_in_one_line() -> None:
    view = LabView(quickstart_program())
    with pytest.raises(ExportError, match="no events"):
        view.to_html()
    with pytest.raises(ExportError, match="cannot export a dict"):
        export_html({"events": []})


async def test_a_batch_exports_its_summary_and_its_failed_examples_first() -> None:
    view = BatchView(echo_chain_program(), sample_size=2)
    with dspy.context(lm=garbage_lm()):
        await view.run([{**i, "api_key": SECRET} for i in inputs(10)])
    document = view.to_html(max_examples=4)
    data = read_export(document)
    assert data["labels"][:3] == ["#1 failed at answer", "#4 failed at answer", "#7 failed at answer"]
    assert len(data["labels"]) == len(data["runs"]) == 4 and data["labels"][3].endswith("finished")
    page = Page(document)
    assert ("div", {"id": "dl-export", "data-still": "keep"}) in page.tags  # the summary stays above the player
    assert "answer" in document and "failure rate" in document  # the node table, as text
    for run in data["runs"]:
        assert run["frames"][-1]["head"]["toolbar"]["replay"]["value"] == len(run["frames"]) - 1
    assert SECRET not in document and SECRET not in json.dumps(data)


def test_the_export_magic_writes_the_last_view_or_a_named_one(shell: Any, tmp_path: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    from IPython.core.error import UsageError

    shell.user_ns["dspyer_view"] = view = asyncio.run(finished_view())
    shell.user_ns["other"] = quickstart_view()
    shell.run_line_magic("dspyer", f"export {tmp_path / 'last.html'}")
    assert "last.html" in capsys.readouterr().out
    assert (tmp_path / "last.html").read_text(encoding="utf-8") == view.to_html()
    shell.run_line_magic("dspyer", f"export {tmp_path / 'other.html'} --view other")
    assert read_export((tmp_path / "other.html").read_text(encoding="utf-8"))["runs"][0]["frames"]
    with pytest.raises(UsageError, match="needs the .html file"):
        shell.run_line_magic("dspyer", "export")
    with pytest.raises(UsageError, match="nothing is not a LabView"):
        shell.run_line_magic("dspyer", f"export {tmp_path / 'x.html'} --view nothing")
