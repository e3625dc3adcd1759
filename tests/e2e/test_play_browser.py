"""Play and presenter mode (issue 24) in real frontends: the quickstart's run played at 1x in JupyterLab shows the
answer node's statuses in the live order with the recorded gaps (measured in the page); pause, step and the keyboard
drive the player; presenter mode fits a 1280x720 projector (its screenshot is docs/presenter-mode.png). Notebook 7 and
marimo: play reaches the end and the keyboard works."""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from textwrap import dedent

import nbformat
import pytest
from playwright.sync_api import Locator, Page, expect

from .helpers import (
    LabServer,
    MarimoServer,
    StatusRecorder,
    cell_outputs,
    lab_marimo_app,
    open_and_run_all,
    serve_marimo_app,
    wait_for_view_settled,
    write_notebook,
)
from .portable import PROGRAM
from .test_batch_browser import MAGIC as BATCH_MAGIC
from .test_batch_browser import SETUP as BATCH_SETUP

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]
QUICKSTART = REPO / "notebooks" / "01_quickstart.ipynb"
DOCS = REPO / "docs"
PICTURE_LIMIT = 300_000
TOLERANCE = 0.20  # the issue's ±20% on each recorded gap
MARK = "PLAY-EXPECTED "

# The run's frames as the kernel folds them (every frame of play is a seek): each status change with its time
# (ms after the first event), the graph steps and the frame where the first answer was rejected.
EXPECTED = dedent(
    f"""
    import json
    view = dspyer_view
    play = json.loads(view._play)
    n, changes, before = len(view.events), [], {{}}
    for p in range(1, n + 1):
        view.seek(p)
        status = dict(view._picture["status"])
        changes += [[node, s, play["t"][p - 1]] for node, s in status.items() if before.get(node) != s]
        before = status
    rejected = next(i for i, e in enumerate(view.events) if e["event"] == "validation_error") + 1
    print({MARK!r} + json.dumps({{"changes": changes, "steps": play["steps"], "n": n, "rejected": rejected}}))
    """
)

# Every data-status change in the page, with when it was drawn (performance.now()), from now on.
TIMED_RECORDER_JS = """() => {
  const seen = window.__played = [];
  const last = {};
  const record = () => {
    const t = performance.now();
    for (const el of document.querySelectorAll('.dspyer-graphview g.node[data-node][data-status]')) {
      const key = el.getAttribute('data-node'), value = el.getAttribute('data-status');
      if (last[key] !== value) { last[key] = value; seen.push([key, value, t]); }
    }
  };
  record();
  new MutationObserver(record).observe(document.body, {subtree: true, childList: true, attributes: true,
    attributeFilter: ['data-status']});
}"""


def quickstart_cells() -> list[str]:
    """The quickstart's code cells up to its live run (its own play and real-model cells left out)."""
    nb = nbformat.read(QUICKSTART, as_version=4)
    cells = [c.source for c in nb.cells if c.cell_type == "code"]
    magic = next(i for i, s in enumerate(cells) if s.startswith("%%dspyer"))
    return cells[: magic + 1]


class Player:
    """The play controls of the one LabView on the page."""

    def __init__(self, page: Page, root: Locator | None = None) -> None:
        self.page = page
        self.root = root if root is not None else page.locator(".dspyer-lab")
        self.controls = self.root.locator(".dl-player")
        self.slider = self.root.locator(".dl-toolbar input.dl-replay")

    def node(self, name: str) -> Locator:
        return self.root.locator(f'.dspyer-graphview g.node[data-node="{name}"]')

    def at(self, position: int) -> None:
        """Paused, the slider (the kernel's frame) at `position`."""
        expect(self.controls).to_have_attribute("data-playing", "false")
        expect(self.slider).to_have_value(str(position))

    def played(self, press: Callable[[], None], n: int, timeout: float = 60_000) -> None:
        """`press` starts play: wait until it played (seen however briefly) and stopped at the end."""
        recorder = StatusRecorder(self.page, key_attr="class", value_attr="data-playing")  # keyed "dl-player"
        press()
        recorder.wait_for("dl-player", ["true", "false"], timeout=timeout)
        self.at(n)

    def play_to_the_end(self, n: int, timeout: float = 60_000) -> None:
        """Press ▶ and wait until the run played to its end (the kernel's last frame on screen)."""
        self.played(self.controls.locator("button.dl-play").click, n, timeout)

    def focus(self) -> None:
        """Click the view where nothing else takes the click: the keys go to the player from then on."""
        self.root.locator(".dl-toolbar .dl-status").click()

    def check_keys_and_end(self, n: int, steps: list[int]) -> None:
        """←, → and space, with the view focused; played at 5x to the end."""
        self.at(n)
        self.focus()
        self.page.keyboard.press("ArrowLeft")
        self.at(steps[-2])
        self.page.keyboard.press("ArrowLeft")
        self.at(steps[-3])
        self.page.keyboard.press("ArrowRight")
        self.at(steps[-2])
        self.controls.locator("select.dl-speed").select_option("5")
        self.focus()
        self.played(lambda: self.page.keyboard.press(" "), n)


def read_expected(page: Page, cell: int) -> dict:
    output = cell_outputs(page, cell)
    expect(output).to_contain_text(MARK, timeout=30_000)
    text = output.inner_text()
    return json.loads(text[text.index(MARK) + len(MARK):].strip().splitlines()[0])


def test_quickstart_plays_at_1x_with_the_recorded_gaps_pauses_steps_and_presents(
    lab_page: Page, lab_server: LabServer, e2e_artifacts: Path
) -> None:
    page = lab_page
    cells = quickstart_cells()
    notebook = write_notebook(lab_server, "play_quickstart.ipynb", [*cells, EXPECTED])
    open_and_run_all(page, lab_server, notebook)
    expected = read_expected(page, len(cells))
    n, steps = expected["n"], expected["steps"]
    wait_for_view_settled(page, len(cells) - 1)
    player = Player(page)
    player.at(n)

    # Play at 1x: the answer node's statuses come in the live order, spaced as they were recorded.
    page.evaluate(TIMED_RECORDER_JS)
    player.play_to_the_end(n)
    played = page.evaluate("() => window.__played")
    played = played[next(i for i, (node, s, _) in enumerate(played) if node == "answer" and s == "idle"):]  # from 0
    want = [(s, t) for node, s, t in expected["changes"] if node == "answer" and s != "idle"]
    got = [(s, t) for node, s, t in played if node == "answer" and s != "idle"]
    assert [s for s, _ in got] == [s for s, _ in want], (played, expected["changes"])
    assert [s for s, _ in want][:2] == ["running", "retrying"] and want[-1][0] == "done"
    gaps = []
    for (_, t0), (_, t1), (_, w0), (_, w1) in zip(got, got[1:], want, want[1:]):
        gaps.append((round(t1 - t0), w1 - w0))
        assert abs((t1 - t0) - (w1 - w0)) <= TOLERANCE * (w1 - w0), gaps
    retrieve_done = next(t for node, s, t in played if node == "retrieve" and s == "done")
    assert retrieve_done <= got[0][1]  # retrieve is done before answer runs, as live
    (e2e_artifacts / "play-gaps.json").write_text(json.dumps({"measured_vs_recorded_ms": gaps}))

    # Pause mid-run: the player stops where it is; step forward and back move by one graph step.
    player.controls.locator("button.dl-play").click()
    expect(player.node("answer")).to_have_attribute("data-status", "running", timeout=10_000)
    player.controls.locator("button.dl-play").click()
    expect(player.controls).to_have_attribute("data-playing", "false")
    pos = int(player.controls.get_attribute("data-pos") or "0")
    player.at(pos)
    assert 0 < pos < n
    following = next(s for s in steps if s > pos)
    player.controls.locator("button.dl-step-fwd").click()
    player.at(following)
    player.controls.locator("button.dl-step-back").click()
    player.at(max([0, *[s for s in steps if s < following]]))
    player.slider.fill(str(n))
    player.at(n)

    # The keyboard, with the view focused.
    player.check_keys_and_end(n, steps)

    # Presenter mode on a 1280x720 projector: the graph and the rejected answer's essentials fit, in large type.
    page.set_viewport_size({"width": 1280, "height": 720})
    page.evaluate("() => window.jupyterapp.commands.execute('application:toggle-left-area')")  # as a presenter would
    expect(page.locator("#jp-left-stack")).to_be_hidden()
    player.root.locator("button.dl-presenter-toggle").click()
    essentials = player.root.locator(".dl-essentials")
    expect(essentials).to_be_visible()
    expect(player.root.locator(".dl-timeline")).to_be_hidden()
    expect(player.root.locator(".dl-side")).to_be_hidden()
    player.slider.fill(str(expected["rejected"]))
    expect(essentials).to_have_attribute("data-status", "retrying")
    expect(essentials).to_contain_text("Rejected")
    expect(essentials).to_contain_text("'kb-3' was not retrieved")
    expect(essentials.locator(".dl-ess-read")).to_contain_text("How long do I have to return a product?")
    fit = player.root.evaluate(
        """(root) => {
          root.scrollIntoView({block: 'start'});
          const box = (sel) => root.querySelector(sel).getBoundingClientRect();
          const parts = [box('.dspyer-graphview svg'), box('.dl-essentials'), box('.dl-ess-rejected'),
                         box('.dl-ess-said'), box('.dl-ess-read .dl-ess-field')];
          const fonts = [...root.querySelectorAll('.dl-essentials :is(.dl-ess-field, pre, .dl-ess-node, .dl-ess-facts, .dl-ess-reject)')]
            .map((el) => parseFloat(getComputedStyle(el).fontSize));
          const panel = parts[1];  // and nothing of it cut off by the panel
          return {inside: parts.every((b) => b.top >= 0 && b.bottom <= innerHeight && b.right <= innerWidth)
                          && parts.slice(2).every((b) => b.bottom <= panel.bottom + 0.5 && b.height > 0),
                  bottoms: parts.map((b) => b.bottom), smallest: Math.min(...fonts), height: innerHeight};
        }"""
    )
    assert fit["inside"], fit
    assert fit["smallest"] >= 20, fit
    shot = e2e_artifacts / "presenter-mode.png"
    page.screenshot(path=shot, animations="disabled")
    assert shot.stat().st_size < PICTURE_LIMIT
    if os.environ.get("DSPYER_UPDATE_DOCS") == "1":
        shutil.copyfile(shot, DOCS / "presenter-mode.png")
    # it follows play: a step on, the answer was accepted
    player.focus()
    page.keyboard.press("ArrowRight")
    expect(essentials).to_have_attribute("data-status", "done")
    expect(essentials.locator(".dl-ess-said")).to_contain_text("kb-2")
    assert page.evaluate("() => window.__xss") is None


RUN = dedent(
    """
    from dspyer_lab.lab.runner import run_blocking
    with dspy.context(lm=scripted()):
        run_blocking(view.run(question=" Capital of France? "))
    print(len(view.events), json.loads(view._play)["steps"])
    """
)


def steps_printed(page: Page, cell: int) -> tuple[int, list[int]]:
    text = cell_outputs(page, cell).inner_text().strip().splitlines()[-1]
    n, steps = text.split(" ", 1)
    return int(n), json.loads(steps)


def test_play_and_keys_in_notebook7(page: Page, notebook7_server: LabServer) -> None:
    notebook = write_notebook(notebook7_server, "notebook7_play.ipynb", [f"import json\n{PROGRAM}", "view", RUN])
    try:
        open_and_run_all(page, notebook7_server, notebook)
        n, steps = steps_printed(page, 2)
        player = Player(page)
        player.controls.locator("select.dl-speed").select_option("5")
        player.play_to_the_end(n)
        player.check_keys_and_end(n, steps)
    finally:
        notebook7_server.shutdown_kernels()


@pytest.fixture(scope="module")
def marimo_app(tmp_path_factory: pytest.TempPathFactory, e2e_artifacts: Path) -> Iterator[MarimoServer]:
    pytest.importorskip("marimo")
    source = lab_marimo_app(PROGRAM, 'question=" Capital of France? "')
    yield from serve_marimo_app(tmp_path_factory.mktemp("marimo_play"), "play_app.py", source,
                                e2e_artifacts / "marimo-play.log")


def test_play_and_keys_in_marimo(page: Page, marimo_app: MarimoServer) -> None:
    page.goto(marimo_app.url)
    player = Player(page)
    expect(player.root.locator("g.node[data-node]")).to_have_count(2, timeout=90_000)
    page.get_by_role("button", name="Run the program").click()
    expect(player.root).to_have_attribute("data-run-state", "finished", timeout=60_000)
    n = int(player.slider.get_attribute("max") or "0")
    player.at(n)
    player.controls.locator("select.dl-speed").select_option("5")
    player.play_to_the_end(n)
    # the graph steps, read from the page: step back from the end to the start, one at a time
    player.focus()
    seen = [n]
    while seen[-1] > 0:
        page.keyboard.press("ArrowLeft")
        expect(player.slider).not_to_have_value(str(seen[-1]))
        seen.append(int(player.slider.input_value()))
    steps = sorted(seen[:-1])
    player.slider.fill(str(n))
    player.check_keys_and_end(n, steps)


def test_an_opened_batch_example_plays_and_presents(lab_page: Page, lab_server: LabServer) -> None:
    """A BatchView's opened example is the same Lab: its player seeks through the BatchView (tagged messages)."""
    page = lab_page
    notebook = write_notebook(lab_server, "play_batch.ipynb", [BATCH_SETUP, BATCH_MAGIC])
    open_and_run_all(page, lab_server, notebook)
    batch = page.locator(".dspyer-batch")
    batch.locator("tr.dl-example").first.click()
    player = Player(page, batch.locator(".dl-opened .dspyer-lab"))
    expect(player.root).to_have_attribute("data-run-state", re.compile("finished|failed"))
    n = int(player.slider.get_attribute("max") or "0")
    player.controls.locator("select.dl-speed").select_option("5")
    player.play_to_the_end(n)
    player.focus()
    page.keyboard.press("ArrowLeft")
    expect(player.slider).not_to_have_value(str(n))
    player.root.locator("button.dl-presenter-toggle").click()
    expect(player.root.locator(".dl-essentials")).to_be_visible()
    expect(player.root.locator(".dl-timeline")).to_be_hidden()
