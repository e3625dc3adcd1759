"""The lab as a calm instrument (issue 20, "Done when"): a view sampled on every frame through a run and its end.

An in-page sampler (requestAnimationFrame) records, per frame, how many LabView roots the page holds (each root
is tagged with a counter the first time it is seen: a view made again gets a new one), whether the live graph
is drawn, the graph's offset in the root and the root's height. Through a run and its end the assertions are:
one root for the whole run, no frame without the live graph after the first drawing, the graph's position and
the view's height constant (within 4 px); a tab and an unfolded message picked mid-run are still there after
the end; a click on a node mid-run is answered (the node drawn selected) within 0.3 s while the run goes on;
a fresh page's first view draws the first node `running`. JupyterLab runs it all; Notebook 7 and marimo what
differs there (how the output is displayed, how the page is laid out). The replay of statuses that arrive
before the drawing is checked on its own with the committed bundle in a page whose runtime comes late.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from textwrap import dedent
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from .helpers import (
    LabServer,
    MarimoServer,
    StatusRecorder,
    open_bundle_page,
    open_notebook,
    lab_marimo_app,
    run_all,
    serve_marimo_app,
    timed_click,
    wait_for_output,
    wait_for_run,
    wait_for_view_settled,
    write_notebook,
)
from .portable import LabOnPage, expect_run_over

pytestmark = pytest.mark.browser

TOLERANCE_PX = 4
ANSWER_S = 0.3

SETUP = dedent(
    """
    %load_ext dspyer_lab
    from pydantic import BaseModel
    from dspyer_lab import Graph, ScriptedLM, StatefulNode

    class Question(BaseModel):
        question: str

    class Draft(BaseModel):
        draft: str

    class Answer(BaseModel):
        answer: str
    """
)
GRAPH = dedent(
    """
    graph = Graph()
    graph.add_node(StatefulNode("first", Question, Draft))
    graph.add_node(StatefulNode("second", Draft, Answer))
    graph.add_edge("first", "second")
    graph.set_entry_point("first")
    """
)
LM = 'ScriptedLM({"first": {"draft": "Paris, most likely."}, "second": {"answer": "Paris"}}, latency=%s)'
RUN = (
    '%%dspyer -i question="Capital of France?" --lm scripted\n'
    f"lm = {LM % 2.5}  # each model call streams for 2.5 s: long enough to click during the run\n" + GRAPH
)
AFTER = 'print("after the run:", result.answer)'

PARTS = [".dl-toolbar", ".dl-debug", ".dl-main", ".dl-side", ".dl-tabs", ".dl-timeline .dl-pager", ".dl-legend", ".dl-panel"]
SAMPLER_JS = """() => {
  const frames = window.__calmFrames = [];
  const PARTS = PARTS_JSON;  // the heights of the view's parts, to say which one moved
  let next = 1;
  let roots = [document];
  let scans = 0;
  const findRoots = () => {  // the document and every open shadow root (marimo draws widgets in one)
    const found = [document];
    const walk = (root) => {
      for (const el of root.querySelectorAll('*')) if (el.shadowRoot) { found.push(el.shadowRoot); walk(el.shadowRoot); }
    };
    walk(document);
    roots = found;
  };
  const tick = () => {
    if (window.__calmStop) return;
    if (scans++ % 20 === 0) findRoots();
    const views = roots.flatMap((root) => [...root.querySelectorAll('.dspyer-lab')]);
    const frame = { t: performance.now(), n: views.length };
    if (views.length === 1) {
      const view = views[0];
      view.__calmId ??= next++;
      const box = view.getBoundingClientRect();
      const svg = view.querySelector('.dspyer-graphview .dl-stage svg');
      frame.id = view.__calmId;
      frame.live = svg !== null && svg.querySelector('g.node[data-node]') !== null;
      frame.height = box.height;
      frame.graph = svg === null ? null : svg.getBoundingClientRect().top - box.top;
      frame.state = view.getAttribute('data-run-state');
      frame.parts = PARTS.map((sel) => Math.round(view.querySelector(sel)?.getBoundingClientRect().height ?? -1));
    }
    frames.push(frame);
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
}""".replace("PARTS_JSON", json.dumps(PARTS))

def sampled(page: Page) -> list[dict[str, Any]]:
    """Stop the sampler; the frames it recorded."""
    return page.evaluate("() => { window.__calmStop = true; return window.__calmFrames; }")


def check_calm(frames: list[dict[str, Any]], frontend: str) -> None:
    """One root, the live graph in every frame after its first drawing, graph offset and height constant."""
    drawn = [i for i, f in enumerate(frames) if f.get("live")]
    assert drawn, f"{frontend}: the live graph was never drawn"
    after = frames[drawn[0]:]
    assert len(after) > 30, f"{frontend}: too few frames sampled ({len(after)})"
    roots = {f.get("id") for f in after}
    assert all(f["n"] == 1 for f in after) and len(roots) == 1, f"{frontend}: views seen {roots}, counts {sorted({f['n'] for f in after})}"
    gaps = [f["t"] for f in after if not f["live"]]
    assert not gaps, f"{frontend}: {len(gaps)} frames without the live graph after its first drawing"
    base = after[0]
    moves = [(round(f["t"] - base["t"]), f["state"], f["graph"], f["height"],
              {part: (b, a) for part, b, a in zip(PARTS, g["parts"], f["parts"]) if a != b})
             for f, g in zip(after[1:], after) if (f["graph"], f["height"]) != (g["graph"], g["height"])]
    graph = [f["graph"] for f in after]
    heights = [f["height"] for f in after]
    print(f"{frontend}: {len(after)} frames; graph offset {min(graph):.1f}-{max(graph):.1f} px,"
          f" height {min(heights):.1f}-{max(heights):.1f} px; changes (ms, state, offset, height): {moves[:12]}")
    assert max(abs(g - base["graph"]) for g in graph) <= TOLERANCE_PX, (frontend, "graph moved", min(graph), max(graph))
    assert max(abs(h - base["height"]) for h in heights) <= TOLERANCE_PX, (frontend, "height changed", min(heights), max(heights))
    states = [f["state"] for f in after]
    assert "running" in states and states[-1] == "finished", (frontend, sorted(set(states)))


def pick_mid_run(page: Page, lab: LabOnPage) -> dict[str, Any]:
    """While `second` runs: click `first` (timed), open the Calls tab and unfold its first folded message,
    tagged in the page so the same element can be found after the end."""
    expect(lab.node("second", "running")).to_have_count(1, timeout=60_000)
    answered = timed_click(page, "first", lab.node("first").click)
    expect(lab.node("second", "running")).to_have_count(1)  # the run still goes on
    calls = lab.open_tab("calls")
    folded = calls.locator("details.dl-msg:not([open])").first
    folded.evaluate("(el) => { el.__calmPicked = true; }")
    folded.locator("summary").click()
    expect(calls.locator("details.dl-msg[open]", has=page.locator("summary"))).not_to_have_count(0)
    assert calls.locator("details.dl-msg").evaluate_all("(found) => found.some((el) => el.__calmPicked && el.open)")
    expect(lab.node("second", "running")).to_have_count(1)  # all of it during the run
    return {"answered": answered}


def check_picks_kept(lab: LabOnPage) -> None:
    expect(lab.root.locator('button.dl-tab[data-tab="calls"]')).to_have_attribute("aria-selected", "true")
    kept = lab.root.locator('.dl-panel[data-tab="calls"] details.dl-msg[open]').evaluate_all(
        "(found) => found.some((el) => el.__calmPicked === true)")
    assert kept, "the message unfolded during the run is folded again, or is another element"


def check_still_hidden(page: Page) -> None:
    """The view's still output is in the page (a saved notebook keeps it), hidden under the live view by the
    widget's CSS (the selectors hold in JupyterLab and Notebook 7)."""
    still = page.locator(".jp-Cell").nth(1).locator(".jp-OutputArea-child:has(.jp-RenderedSVG, .jp-RenderedImage)")
    expect(still).to_have_count(1)
    expect(still).to_be_hidden()


def run_in_notebook(page: Page, server: LabServer, name: str, during: Callable[[LabOnPage], Any]) -> tuple[list, Any]:
    """Open a fresh notebook page, start the sampler and the status recorder, Run All; `during` acts mid-run."""
    notebook = write_notebook(server, name, [SETUP, RUN, AFTER])
    open_notebook(page, server, notebook)
    page.evaluate(SAMPLER_JS)
    recorder = StatusRecorder(page)
    run_all(page)
    lab = LabOnPage(page)
    picked = during(lab)
    wait_for_run(page)
    expect_run_over(lab.root)
    wait_for_output(page, 2, "after the run: Paris")
    wait_for_view_settled(page, 1)  # the still output took the picture of the end: the last display message
    page.wait_for_timeout(300)  # a few more frames after it (sampled: the view must not move meanwhile)
    frames = sampled(page)
    history = recorder.history()
    assert "running" in history.get("first", []), history  # the first view of a fresh page saw the run start
    return frames, picked


def test_jupyterlab_view_is_built_once_answers_and_stays_still_through_a_run(
    lab_page: Page, lab_server: LabServer
) -> None:
    page = lab_page

    def during(lab: LabOnPage) -> dict[str, Any]:
        return pick_mid_run(page, lab)

    frames, picked = run_in_notebook(page, lab_server, "calm_lab.ipynb", during)
    lab = LabOnPage(page)
    print(f"lab: a click on a node mid-run answered in {picked['answered']:.3f} s")
    assert picked["answered"] < ANSWER_S, picked
    check_calm(frames, "lab")
    check_picks_kept(lab)
    check_still_hidden(page)


def test_notebook7_view_is_built_once_and_stays_still_through_a_run(page: Page, notebook7_server: LabServer) -> None:
    def during(lab: LabOnPage) -> None:
        expect(lab.node("second", "running")).to_have_count(1, timeout=60_000)
        lab.open_tab("validation")

    try:
        frames, _ = run_in_notebook(page, notebook7_server, "calm_nb7.ipynb", during)
        check_calm(frames, "notebook7")
        lab = LabOnPage(page)
        expect(lab.root.locator('button.dl-tab[data-tab="validation"]')).to_have_attribute("aria-selected", "true")
        check_still_hidden(page)
    finally:
        notebook7_server.shutdown_kernels()




@pytest.fixture(scope="module")
def calm_marimo(tmp_path_factory: pytest.TempPathFactory, e2e_artifacts: Path) -> Iterator[MarimoServer]:
    pytest.importorskip("marimo")
    classes = "\n".join(line for line in SETUP.splitlines() if not line.startswith(("%", "from")))
    program = "\n".join([
        "import dspy",
        "from pydantic import BaseModel",
        "from dspyer_lab import AgentTranspiler, Graph, LabView, ScriptedLM, StatefulNode",
        classes + GRAPH,
        "view = LabView(AgentTranspiler.compile(graph))",
        f"scripted = lambda: {LM % 1.5}",
    ])
    yield from serve_marimo_app(tmp_path_factory.mktemp("calm-marimo"), "calm_app.py",
                                lab_marimo_app(program, 'question="Capital of France?"'),
                                e2e_artifacts / "calm-marimo.log")


def test_marimo_view_stays_still_through_a_run(page: Page, calm_marimo: MarimoServer) -> None:
    page.goto(calm_marimo.url)
    lab = LabOnPage(page)
    expect(lab.graph.locator("g.node[data-node]")).to_have_count(2, timeout=90_000)
    page.evaluate(SAMPLER_JS)
    page.get_by_role("button", name="Run the program").click()
    expect(lab.node("second", "running")).to_have_count(1, timeout=60_000)
    lab.open_tab("calls")
    expect_run_over(lab.root, timeout=60_000)
    page.wait_for_timeout(300)  # a few frames after the end (sampled: the view must not move meanwhile)
    check_calm(sampled(page), "marimo")
    expect(lab.root.locator('button.dl-tab[data-tab="calls"]')).to_have_attribute("aria-selected", "true")


# ---- statuses that arrive before the drawing ----------------------------------------------------------

_LATE_RUNTIME_JS = """async () => {
  // A LabView's model whose run goes on before the Graphviz runtime arrives: `first` runs and ends, then
  // `second` runs, all before the runtime comes; the drawing must still show `first` running, briefly.
  const { default: widget } = await import("/widget.js");
  const { fakeModel } = await import("/fake-model.js");
  const state = {
    _kind: "lab",
    _layout: { dot: 'digraph { n0 [label="first"]; n1 [label="second"]; n0 -> n1 [class="e0"]; }',
               nodes: { n0: "first", n1: "second" }, edges: [{ id: "e0", source: "first", target: "second", key: null }] },
    _picture: { run_state: "idle", status: { first: "idle", second: "idle" } },
    _head: "{}",
    _timeline: "{}",
    _tab: "{}",
    _still: "",
    breakpoints: { before: [], after: [] },
  };
  const { model, emit, set } = fakeModel(state);
  const picture = (status) => set("_picture", { run_state: "running", status });
  widget.initialize({ model });
  widget.render({ model, el: document.getElementById("out") });
  picture({ first: "running", second: "idle" });
  await new Promise((r) => setTimeout(r, 50));
  picture({ first: "done", second: "running" });
  await new Promise((r) => setTimeout(r, 50));
  const bytes = await (await fetch("/viz-runtime.js")).arrayBuffer();
  emit("msg:custom", { type: "runtime" }, [bytes]);  // the runtime comes only now
}"""


@pytest.fixture
def bundle_page(page: Page) -> Iterator[Page]:
    """A page (no network) serving the committed bundle and the runtime, as a widget manager loads them."""
    open_bundle_page(page)
    yield page


def test_statuses_before_the_drawing_are_drawn_when_it_comes(bundle_page: Page) -> None:
    recorder = StatusRecorder(bundle_page)
    bundle_page.evaluate(_LATE_RUNTIME_JS)
    second = bundle_page.locator('.dl-stage g.node[data-node="second"][data-status="running"]')
    expect(second).to_have_count(1)
    expect(bundle_page.locator('.dl-stage g.node[data-node="first"][data-status="done"]')).to_have_count(1)
    history = recorder.history()
    assert history["first"] == ["idle", "running", "done"], history  # replayed in order, ending on the current
    assert history["second"][-1] == "running", history


# ---- the panel in three traits, and the debugger's marks ----------------------------------------------

_SPLIT_PANEL_JS = """async () => {
  // A LabView's model as the presenter syncs it: `_head`, `_timeline` and `_tab` (the shown tab only).
  const { default: widget } = await import("/widget.js");
  const { fakeModel } = await import("/fake-model.js");
  const json = (value) => JSON.stringify(value);
  const state = window.__state = {
    _kind: "lab",
    _layout: { dot: 'digraph { n0 [label="first"]; n1 [label="second"]; n0 -> n1; }',
               nodes: { n0: "first", n1: "second" }, edges: [] },
    _picture: { run_state: "finished", status: { first: "done", second: "done" } },
    _head: json({
      toolbar: { status: "finished", run_state: "finished", stop: { shown: true, enabled: false }, replay: null },
      tabs: [{ id: "node", title: "Node" }, { id: "calls", title: "Calls (1)" }],
      focus: { tab: "node", n: 1 },
      debug: { can_break: true, fork: { available: false, note: "cannot run from here" },
               breakpoints: [{ node: "first", when: "before" }, { node: "second", when: "after" }] },
    }),
    _timeline: json({ rows: [], position: "no events", older: false, newer: false, offset: 0 }),
    _tab: json({ id: "node", blocks: [{ title: "node body" }] }),
    _still: "",
    breakpoints: { before: ["first"], after: ["second"] },
  };
  const { model, set } = fakeModel(state, { runtime: true });
  window.__set = set;
  widget.initialize({ model });
  widget.render({ model, el: document.getElementById("out") });
}"""


def sent(page: Page) -> list[dict[str, Any]]:
    return [m for m in page.evaluate("window.__sent") if m.get("type") != "need-runtime"]


def test_split_panel_tabs_show_at_once_and_breakpoints_are_listed_and_cleared(bundle_page: Page) -> None:
    page = bundle_page
    page.evaluate(_SPLIT_PANEL_JS)
    root = page.locator(".dspyer-lab")
    expect(root.locator(".dl-stage g.node[data-node]")).to_have_count(2)
    panel = root.locator(".dl-panel")
    expect(panel).to_have_attribute("data-tab", "node")
    expect(panel.locator(".dl-title")).to_have_text("node body")

    # A tab picked: asked for, shown at once ("loading…" the first time), drawn when the kernel sends it.
    root.locator('button.dl-tab[data-tab="calls"]').click()
    assert sent(page)[-1] == {"type": "tab", "tab": "calls"}
    expect(panel).to_have_attribute("data-tab", "calls")
    expect(panel).to_contain_text("loading…")
    page.evaluate("""() => window.__set("_tab", JSON.stringify({ id: "calls", scope: "calls scope", blocks: [] }))""")
    expect(panel.locator(".dl-scope")).to_have_text("calls scope")
    root.locator('button.dl-tab[data-tab="node"]').click()  # back: the body kept from before, at once
    expect(panel.locator(".dl-title")).to_have_text("node body")

    # Every node shows its pins without a hover; the set ones are listed, cleared one by one or all at once.
    page.mouse.move(0, 0)
    faint = root.locator("g.node[data-node] g.dl-bp > .dl-bp-dot").evaluate_all(
        "(dots) => dots.map((d) => Number(getComputedStyle(d).opacity))")
    assert len(faint) == 4 and min(faint) > 0.3, faint
    items = root.locator(".dl-debug .dl-bp-list button.dl-bp-item")
    expect(items).to_have_count(2)
    items.first.click()
    assert sent(page)[-1] == {"type": "breakpoint", "node": "first", "when": "before"}
    before = len(sent(page))
    root.locator(".dl-debug button.dl-bp-clear-all").click()
    assert sent(page)[before:] == [{"type": "breakpoint", "node": "first", "when": "before"},
                                   {"type": "breakpoint", "node": "second", "when": "after"}]
    expect(root.locator(".dl-debug button.dl-fork-open")).to_have_count(0)  # the kernel says it cannot act here
    marks = root.locator(".dl-legend .dl-key[data-mark]").evaluate_all("(keys) => keys.map((k) => k.dataset.mark)")
    assert marks == ["taken", "paused", "breakpoint", "inherited", "diff"], marks
