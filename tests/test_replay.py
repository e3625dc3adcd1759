"""`Replay` (issue 24, item 4): a recorded run that replays inline in a notebook, its export and docs.

The document inside is `to_html`'s (tests/e2e/test_export_firefox.py and test_replay_nbconvert.py replay
it in browsers); here: it goes into an isolated iframe intact and as text, every renderer gets the still,
and a kernel displays it as a script then the still."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import dspy
import pytest

import dspyer_lab
from dspyer_lab import ArgumentTypeError
from dspyer_lab.lab.model.export import ExportError
from dspyer_lab.lab.model.runfile import read_run
from dspyer_lab.lab.replay import Replay
from dspyer_lab.lab.widgets import BatchView
from dspyer_lab.lab.widgets.snapshot import drawn_statuses
from core_helpers import echo_chain_program
from test_batchview import garbage_lm, inputs
from test_panels import HOSTILE
from test_play import SECRET, finished_view

STILL = '<svg xmlns="http://www.w3.org/2000/svg" width="200pt" height="150pt"><g class="node"/></svg>'
DOCUMENT = (
    '<!doctype html><title>run</title><p data-x="a&amp;b">it\'s "quoted" </script><script>window.__xss=1</script>'
    f'<div id="dl-export"><div class="dl-export-still">{STILL}</div></div>'
)


class Exported:
    """Anything with `to_html` replays (a LabView, a BatchView)."""

    def to_html(self, path: str | Path | None = None) -> str:
        return DOCUMENT


class Iframes(HTMLParser):
    """The iframes of a piece of HTML, with their attributes as a browser reads them (entities decoded)."""

    def __init__(self, markup: str) -> None:
        super().__init__()
        self.found: list[dict[str, str | None]] = []
        self.tags: list[str] = []
        self.feed(markup)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        if tag == "iframe":
            self.found.append(dict(attrs))


def test_the_iframe_holds_the_exported_document_intact_and_isolated() -> None:
    replay = Replay(Exported())
    parsed = Iframes(replay._repr_html_())
    assert parsed.tags == ["iframe"]  # nothing of the document is markup of the host page
    (frame,) = parsed.found
    assert frame["srcdoc"] == DOCUMENT  # the browser reads back exactly the exported file
    assert frame["sandbox"] == "allow-scripts"  # its scripts run, in an origin of their own: the host is out of reach
    assert "height: 760px" in (frame["style"] or "")  # sized to the graph (150pt: 200px) plus the player's panels


def test_the_bundle_carries_the_still_for_renderers_without_scripts() -> None:
    bundle = Replay(Exported())._repr_mimebundle_()
    assert set(bundle) == {"text/html", "image/svg+xml", "text/plain"}
    assert bundle["image/svg+xml"] == STILL
    assert bundle["text/plain"].startswith("Replay(")


def test_in_a_kernel_it_is_a_script_that_builds_the_iframe_then_the_still(monkeypatch: pytest.MonkeyPatch) -> None:
    import IPython.display

    shown: list[dict[str, Any]] = []
    monkeypatch.setattr(IPython.display, "display", lambda data, raw=False, **kw: shown.append(data))
    replay = Replay(Exported())
    replay._ipython_display_()
    script, still = shown
    assert set(script) == {"application/javascript", "text/plain"} and script["text/plain"] == ""
    assert still == {"image/svg+xml": STILL, "text/plain": repr(replay)}
    js = script["application/javascript"]
    assert "</script" not in js.lower() and "<!--" not in js  # the export's <script> block cannot be closed early
    (literal,) = [line for line in js.splitlines() if "insertAdjacentHTML" in line]
    markup = json.loads(literal.split("'beforeend', ", 1)[1].rsplit(");", 1)[0].replace("<\\/", "</"))
    assert markup == replay.iframe()


def test_sources_a_file_written_by_to_html_and_a_height(tmp_path: Path) -> None:
    path = tmp_path / "run.html"
    path.write_text(DOCUMENT, encoding="utf-8")
    replay = Replay(path, height=480)
    assert replay.html == DOCUMENT and replay.still == STILL  # the picture the page shows without scripts
    assert "height: 480px" in replay.iframe()
    path.write_text("<!doctype html><p>no picture</p>", encoding="utf-8")
    assert set(Replay(path)._repr_mimebundle_()) == {"text/html", "text/plain"}  # none is made up


async def test_a_view_a_saved_run_and_its_file_replay_the_same_masked_document(tmp_path: Path) -> None:
    view = await finished_view()
    saved = view.save(tmp_path / "run.json")
    replay = Replay(view)
    assert replay.html == view.to_html() == Replay(saved).html == Replay(read_run(saved)).html
    assert SECRET not in replay.html and SECRET not in replay._repr_html_()
    assert replay.still is not None and dict(drawn_statuses(replay.still) or ()) == {"rate": "done", "shout": "done"}
    assert HOSTILE not in replay.iframe()  # the model's markup is text at every level


async def test_a_batch_replays_its_examples_under_its_summary_picture() -> None:
    view = BatchView(echo_chain_program(), sample_size=2)
    with dspy.context(lm=garbage_lm()):
        await view.run([{**i, "api_key": SECRET} for i in inputs(4)])
    replay = Replay(view)
    assert replay.html == view.to_html() and SECRET not in replay.iframe()
    assert replay.still is not None and set(dict(drawn_statuses(replay.still) or ())) == {"answer", "summarize"}


def test_a_wrong_height_is_named() -> None:
    for height in (0, "9", True):
        with pytest.raises(ArgumentTypeError) as raised:
            Replay(Exported(), height=height)
        assert raised.value.argument == "height" and "\n" not in str(raised.value)


@pytest.mark.parametrize("source", [object(), {"events": []}])
def test_what_cannot_be_exported_is_named(source: Any) -> None:
    with pytest.raises(ExportError, match="cannot export a (object|dict)"):
        Replay(source)


def test_the_markdown_snippet_points_at_the_file_and_escapes_its_name() -> None:
    (frame,) = Iframes(Replay.snippet('runs/a "b".html', height=500)).found
    assert frame["src"] == 'runs/a "b".html' and frame["sandbox"] == "allow-scripts"


def test_replay_is_public_and_loaded_on_first_use() -> None:
    assert dspyer_lab.Replay is Replay
    assert "Replay" not in dspyer_lab.__all__
