"""The one-file replay (`LabView.to_html`, issue 24) in Debian's Firefox ESR, opened from ``file://`` offline.

Firefox is driven over WebDriver BiDi (tests/e2e/firefox_bidi.py: puppeteer-core, no browser download) with
every request but the file itself aborted and counted. The page's markup is export.js's and player.js's:
``html[data-first-frame]`` (ms after navigation start, once the graph is on screen), ``.dl-player[data-pos]
[data-playing]``, the slider ``input.dl-replay`` (its max is the run's end) and the drawing's
``g.node[data-node][data-status]``.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable, Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

import dspy
import pytest

from dspyer_lab import AgentTranspiler, Graph
from dspyer_lab.lab.widgets import LabView

from .firefox_bidi import Firefox, unavailable
from .portable import HOSTILE_ANSWER, HOSTILE_NODE, PROGRAM

pytestmark = pytest.mark.browser

T = TypeVar("T")
SECRET = "sk-live-ffox-0123456789abcdef"
FINAL = {HOSTILE_NODE: "done", "answer": "done"}

_STATUS_LOG_JS = """() => {
  // every status each node shows from now on, in order (what a viewer sees change)
  window.__seen = [];
  const log = () => {
    for (const g of document.querySelectorAll('.dl-stage svg g.node[data-node]')) {
      const last = window.__seen.filter((s) => s[0] === g.dataset.node).pop();
      if (!last || last[1] !== g.dataset.status) window.__seen.push([g.dataset.node, g.dataset.status]);
    }
  };
  new MutationObserver(log).observe(document.body, { subtree: true, attributes: true, childList: true });
  return true;
}"""
_PLAYER_JS = """() => {
  const p = document.querySelector('.dl-player'), slider = document.querySelector('input.dl-replay');
  return p && slider && { pos: +p.dataset.pos, playing: p.dataset.playing === 'true', end: +slider.max };
}"""
_STATUSES_JS = """() => Object.fromEntries([...document.querySelectorAll('.dl-stage svg g.node[data-node]')]
  .map((g) => [g.dataset.node, g.dataset.status]))"""


@pytest.fixture(scope="module")
def firefox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Firefox]:
    """One headless firefox-esr for the module, past its first page (a new browser's first page pays for its
    content process: not what a file's opening costs)."""
    reason = unavailable()
    if reason and os.environ.get("CI", "").lower() in ("1", "true"):
        pytest.fail(f"CI=true but Firefox cannot be driven: {reason}", pytrace=False)
    if reason:
        pytest.skip(f"Firefox e2e skipped: {reason}")
    blank = tmp_path_factory.mktemp("firefox-warm") / "blank.html"
    blank.write_text("<!doctype html><title>blank</title>", encoding="utf-8")
    with Firefox() as browser:
        browser.open(blank)
        yield browser


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The portable scenario's run (a hostile node name and answer, one rejected answer, 0.4 s per model call)
    with a secret among its inputs, written by `to_html`."""
    scope: dict[str, Any] = {}
    exec(PROGRAM, scope)
    view = scope["view"]

    async def run() -> None:
        with dspy.context(lm=scope["scripted"]()):
            await view.run(question=" Capital of France? ", api_key=SECRET)

    aside(run)
    path = tmp_path_factory.mktemp("firefox") / "run.html"
    view.to_html(path)
    return path


def aside(make: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """`asyncio.run(make())` in a thread of its own: Playwright's sync API (the other e2e tests) keeps a loop
    running in this one."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(lambda: asyncio.run(make())).result()


def long_run(visits: int) -> LabView:
    """tick --again--> tick ... --done--> END: 3 events a visit."""
    graph = Graph()
    graph.add_node("tick", lambda state: {"n": state["n"] + 1})
    graph.add_conditional_edges("tick", lambda state: "done" if state["n"] >= visits else "again",
                                {"again": "tick", "done": "__end__"})  # fmt: skip
    graph.set_entry_point("tick")
    program = AgentTranspiler.compile(graph, max_steps=visits + 1)

    async def events() -> list[dict[str, Any]]:
        return [event async for event in program.astream(n=0)]

    return LabView.of_events(program, aside(events))


def test_an_exported_run_replays_to_the_end_in_firefox_offline(
    firefox: Firefox, exported: Path, e2e_artifacts: Path
) -> None:
    document = exported.read_text(encoding="utf-8")
    assert SECRET not in document  # masked as in a saved run
    assert HOSTILE_ANSWER.split(" ")[0] not in document  # the model's markup is inside the data, escaped
    firefox.open(exported)
    firefox.wait("() => document.documentElement.dataset.firstFrame")
    assert firefox.eval(_STATUSES_JS) == FINAL  # it opens on the run's end
    firefox.eval(_STATUS_LOG_JS)

    firefox.press(" ")  # space plays from the start, at 1x: the two model calls take 0.4 s each
    firefox.wait(f"() => ({_PLAYER_JS})().playing")
    over = firefox.wait(f"() => {{ const s = ({_PLAYER_JS})(); return !s.playing && s.pos === s.end && s; }}", timeout=20)
    assert over["end"] > 0
    assert firefox.eval(_STATUSES_JS) == FINAL
    answer = [status for node, status in firefox.eval("() => window.__seen") if node == "answer"]
    assert answer == ["done", "idle", "running", "retrying", "done"]  # from the end to the start, then as it ran
    assert firefox.eval("() => window.__xss ?? null") is None  # the hostile node name and answer stayed text
    assert HOSTILE_NODE in firefox.eval("() => document.querySelector('.dl-stage svg').textContent")

    firefox.press("ArrowLeft")  # one graph step back, then forward again
    back = firefox.wait(f"() => {{ const s = ({_PLAYER_JS})(); return s.pos < s.end && s; }}")
    firefox.press("ArrowRight")
    firefox.wait(f"(back) => ({_PLAYER_JS})().pos > back", back["pos"])

    firefox.screenshot(e2e_artifacts / "export-firefox.png")
    requests = firefox.requests()
    assert requests["blocked"] == [], requests  # nothing asked of the network (each such request is aborted)
    assert firefox.eval("() => performance.getEntriesByType('resource').map((e) => e.name)") == []  # nor of the disk


def test_a_1000_event_run_opens_in_firefox_in_under_a_second(
    firefox: Firefox, tmp_path: Path, record_property: Any
) -> None:
    view = long_run(333)
    assert len(view.events) >= 1000
    path = tmp_path / "long.html"
    view.to_html(path)
    firefox.open(path)
    first_frame = float(firefox.wait("() => document.documentElement.dataset.firstFrame"))
    record_property("first_frame_ms", first_frame)
    record_property("file_bytes", path.stat().st_size)
    assert first_frame < 1000, f"the first frame of a {len(view.events)}-event run took {first_frame:.0f} ms"
    assert firefox.eval(_STATUSES_JS) == {"tick": "done"}
    assert firefox.requests()["blocked"] == []
