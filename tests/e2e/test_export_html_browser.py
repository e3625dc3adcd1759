"""The one-file replay (`LabView.to_html`, issue 24 item 3) in Chromium, opened from ``file://`` with every other
request aborted: it replays to the end with the statuses in the live order, pause / step / keys work, hostile
texts stay text, and a 1,000-event run is on screen in under 1 s (the issue's acceptance check, measured in the
page: navigation start to the first frame drawn, ``html[data-first-frame]``).

The page's strict CSP forbids eval, so waits are Playwright's `expect` (never `wait_for_function`).
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import dspy
import pytest
from playwright.sync_api import Page, expect

from dspyer_lab import AgentTranspiler, Graph
from dspyer_lab.lab.widgets import LabView

from .portable import HOSTILE_ANSWER, HOSTILE_NODE, PROGRAM

pytestmark = pytest.mark.browser

SECRET = "sk-live-html-0123456789abcdef"
XSS_INPUT = "</script><img src=x onerror=window.__xss=1> Capital of France?"

_STATUS_LOG_JS = """() => {
  window.__seen = [];
  const log = () => {
    for (const g of document.querySelectorAll('.dl-stage svg g.node[data-node="answer"]')) {
      const s = g.getAttribute('data-status');
      if (window.__seen[window.__seen.length - 1] !== s) window.__seen.push(s);
    }
  };
  log();
  new MutationObserver(log).observe(document.querySelector('.dl-stage'),
    {subtree: true, attributes: true, attributeFilter: ['data-status']});
}"""


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The portable scenario (a hostile node name, a hostile then a good answer) with a hostile question and a
    secret among its inputs, written by `to_html`."""
    scope: dict[str, Any] = {}
    exec(PROGRAM, scope)
    view = scope["view"]
    lm = scope["scripted"]()

    async def run() -> None:
        with dspy.context(lm=lm):
            await view.run(question=XSS_INPUT, api_key=SECRET)

    run_apart(run)
    path = tmp_path_factory.mktemp("export") / "run.html"
    view.to_html(path)
    return path


def run_apart(make: Any) -> None:
    """Run the coroutine `make()` returns on a thread of its own: Playwright's sync API holds this thread's loop."""
    with ThreadPoolExecutor(1) as pool:
        pool.submit(lambda: asyncio.run(make())).result()


def long_run(visits: int) -> LabView[Any]:
    """tick --again--> tick ... --done--> END: 3 events a visit."""
    graph = Graph()
    graph.add_node("tick", lambda state: {"n": state["n"] + 1})
    graph.add_conditional_edges("tick", lambda state: "done" if state["n"] >= visits else "again",
                                {"again": "tick", "done": "__end__"})
    graph.set_entry_point("tick")
    view = LabView(AgentTranspiler.compile(graph, max_steps=visits + 1))
    run_apart(lambda: view.run(n=0))
    return view


@pytest.fixture
def offline(page: Page) -> Iterator[tuple[Page, list[str]]]:
    """The tab with every request but the exported file itself aborted (and kept, to assert there were none)."""
    blocked: list[str] = []

    def route(request_route: Any) -> None:
        url = request_route.request.url
        if url.startswith("file://") and url.endswith(".html"):
            request_route.continue_()
        else:
            blocked.append(url)
            request_route.abort()

    page.route("**/*", route)
    yield page, blocked


def open_file(page: Page, path: Path) -> None:
    page.goto(path.as_uri())
    expect(page.locator("html[data-first-frame]")).to_have_count(1)


def test_the_file_replays_to_the_end_offline_with_the_live_statuses(offline: tuple[Page, list[str]],
                                                                   exported: Path) -> None:
    page, blocked = offline
    open_file(page, exported)
    end = page.locator("input.dl-replay").get_attribute("max")
    player = page.locator(".dl-player")
    assert page.locator('g.node[data-node="answer"][data-status="done"]').count() == 1  # it opens at the end
    page.evaluate(_STATUS_LOG_JS)
    page.locator(".dl-play").click()  # at the end: from the start, at 1x (0.4 s a model call)
    expect(player).to_have_attribute("data-playing", "true")
    expect(player).to_have_attribute("data-playing", "false", timeout=20_000)
    expect(player).to_have_attribute("data-pos", str(end))
    assert page.evaluate("window.__seen") == ["done", "idle", "running", "retrying", "done"]  # as it ran live
    assert blocked == []
    assert page.evaluate("window.__xss") is None


def test_hostile_texts_stay_text_and_the_secret_is_not_in_the_page(offline: tuple[Page, list[str]],
                                                                   exported: Path) -> None:
    page, blocked = offline
    open_file(page, exported)
    assert HOSTILE_NODE in page.locator(".dl-stage svg").text_content()  # the node's name, drawn as text
    expect(page.locator(".dl-timeline")).to_contain_text("window.__xss=1")  # the question, in the run_start row
    page.locator('.dl-tab[data-tab="calls"]').click()
    page.locator('.dl-picker').first.select_option(index=0)  # a read-only page: picking changes nothing
    page.locator('.dl-tab[data-tab="validation"]').click()
    expect(page.locator(".dl-panel")).to_contain_text(HOSTILE_ANSWER.split(" $")[0])  # the rejected answer, as text
    page.locator('.dl-presenter-toggle').click()
    expect(page.locator(".dspyer-lab[data-presenter]")).to_have_count(1)
    expect(page.locator(".dl-essentials")).to_be_visible()
    assert SECRET not in page.content()
    assert page.locator("img[src='x'], script:not([type]):not([type='module'])").count() == 0
    assert page.evaluate("window.__xss") is None
    assert blocked == []


def test_pause_step_and_keys_move_the_player(offline: tuple[Page, list[str]], exported: Path) -> None:
    page, _ = offline
    open_file(page, exported)
    player = page.locator(".dl-player")
    end = int(page.locator("input.dl-replay").get_attribute("max") or 0)
    page.locator(".dl-speed").select_option("every")
    page.locator(".dl-every").fill("30")  # one graph step every 30 s: it cannot reach the end in this test
    page.locator(".dl-every").press("Enter")
    page.locator(".dl-play").click()
    expect(player).to_have_attribute("data-playing", "true")
    page.locator(".dl-play").click()  # pause
    expect(player).to_have_attribute("data-playing", "false")
    paused = int(player.get_attribute("data-pos") or 0)
    assert paused < end
    page.locator(".dl-step-fwd").click()
    expect(player).not_to_have_attribute("data-pos", str(paused))
    forward = int(player.get_attribute("data-pos") or 0)
    assert forward > paused
    page.locator(".dspyer-lab").focus()
    page.keyboard.press("ArrowLeft")
    expect(player).to_have_attribute("data-pos", str(paused))
    page.keyboard.press("ArrowRight")
    expect(player).to_have_attribute("data-pos", str(forward))
    page.keyboard.press(" ")
    expect(player).to_have_attribute("data-playing", "true")
    page.keyboard.press(" ")
    expect(player).to_have_attribute("data-playing", "false")


def test_a_1000_event_run_is_on_screen_in_under_a_second(offline: tuple[Page, list[str]],
                                                          tmp_path: Path) -> None:
    page, blocked = offline
    view = long_run(333)
    assert len(view.events) >= 1000
    path = tmp_path / "long.html"
    view.to_html(path)
    open_file(page, path)
    first = float(page.locator("html").get_attribute("data-first-frame") or "inf")
    assert first < 1000, f"first frame drawn {first:.0f} ms after navigation start"
    expect(page.locator(".dl-player")).to_have_attribute("data-pos", "0")  # the player has not moved yet
    page.locator("input.dl-replay").fill("500")  # the slider seeks a frame
    expect(page.locator(".dl-replay-note")).to_contain_text("500/")
    assert blocked == []


def test_a_clipped_value_shows_whole_from_the_file(offline: tuple[Page, list[str]], tmp_path: Path) -> None:
    page, blocked = offline
    graph = Graph()
    graph.add_node("echo", lambda state: {"text": state["text"].upper()})
    graph.set_entry_point("echo")
    view = LabView(AgentTranspiler.compile(graph))
    run_apart(lambda: view.run(text="a long value " * 40 + "the end"))
    path = tmp_path / "long_value.html"
    view.to_html(path)
    open_file(page, path)
    panel = page.locator(".dl-panel")
    expect(panel).not_to_contain_text("THE END")  # clipped in the table
    panel.locator(".dl-more").first.click()
    expect(panel).to_contain_text("the end")  # the full text, from the file: no kernel to ask
    assert blocked == []


def test_a_node_named_proto_is_drawn_with_its_status(offline: tuple[Page, list[str]], tmp_path: Path) -> None:
    """Frames are rebuilt from the file's tables in the page: a name from the run is a key like any other."""
    page, _ = offline
    graph = Graph()
    graph.add_node("__proto__", lambda state: {"out": "ok"})
    graph.set_entry_point("__proto__")
    view = LabView(AgentTranspiler.compile(graph))
    run_apart(lambda: view.run(x=1))
    path = tmp_path / "proto.html"
    view.to_html(path)
    open_file(page, path)
    expect(page.locator('g.node[data-node="__proto__"]')).to_have_attribute("data-status", "done")
    assert page.evaluate("({}).out") is None
