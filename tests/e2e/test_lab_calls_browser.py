"""The LabView's model calls in a real JupyterLab: the answer streams into the panel while its node runs,
then the Calls tab shows what the model was sent and said, with totals on the graph and in the toolbar."""

from __future__ import annotations

import re
from pathlib import Path
from textwrap import dedent

import pytest
from playwright.sync_api import Page, expect

from .helpers import LabServer, open_notebook, run_all, wait_for_run, write_notebook
from .test_lab_browser import Lab, header, save_picture

pytestmark = pytest.mark.browser

ANSWER = "Owls hunt at night because their soft feathers let them fly silently toward mice and voles [kb-1]"
STREAMING = dedent(
    f"""
    import dspy
    from pydantic import BaseModel, field_validator
    from dspyer_lab import END, AgentTranspiler, Graph, LabView, ScriptedLM, StatefulNode

    class Question(BaseModel):
        question: str
        api_key: str

    class Answer(BaseModel):
        answer: str

        @field_validator("answer")
        @classmethod
        def cites(cls, value: str) -> str:
            if "[kb-1]" not in value:
                raise ValueError("cite the passage as [kb-1]")
            return value

    graph = Graph().add_node(StatefulNode("answer", Question, Answer)).set_entry_point("answer")
    graph.add_edge("answer", END)
    program = AgentTranspiler.compile(graph, output_model=Answer)
    # the first answer forgets the citation; each streams word by word over 4 s
    lm = ScriptedLM({{"answer": [{{"answer": "Owls hunt at night."}}, {{"answer": {ANSWER!r}}}]}}, latency=4.0)
    """
)
RUN = dedent(
    """
    view = LabView(program)
    display(view)
    with dspy.context(lm=lm):
        result = await view.run(question="Why do owls hunt at night?", api_key="sk-e2e-secret-42")
    print(result.answer)
    """
)
# Records, in the page, every (node status, streamed text) pair the LabView shows, as it changes.
RECORD_STREAM = """() => {
  const seen = window.__streamed = [];
  const look = () => {
    const lab = document.querySelector('.dspyer-lab');
    if (!lab) return;
    const node = lab.querySelector('g.node[data-node="answer"]');
    const stream = lab.querySelector('pre.dl-stream[data-field="answer"]');
    const entry = [node ? node.getAttribute('data-status') : null, stream ? stream.textContent : null];
    const last = seen[seen.length - 1];
    if (!last || last[0] !== entry[0] || last[1] !== entry[1]) seen.push(entry);
  };
  new MutationObserver(look).observe(document.body, {subtree: true, childList: true, characterData: true, attributes: true});
}"""


def test_tokens_stream_into_the_panel_before_the_node_ends_then_the_calls_tab_shows_them(
    lab_page: Page, lab_server: LabServer, e2e_artifacts: Path
) -> None:
    page = lab_page
    notebook = write_notebook(lab_server, "lab_calls.ipynb", [STREAMING, RUN])
    open_notebook(page, lab_server, notebook)
    page.evaluate(RECORD_STREAM)
    run_all(page)
    lab = Lab(page, 1)

    # While the cell blocks on the run: the retry's answer grows in the Node tab, word by word.
    streaming = lab.root.locator('pre.dl-stream[data-field="answer"][data-live="true"]')
    expect(streaming).to_contain_text("soft feathers", timeout=60_000)
    expect(lab.node("answer", "retrying")).to_have_count(1)  # the node has not ended
    save_picture(lab, "lab-streaming.png", e2e_artifacts)
    wait_for_run(page)
    expect(lab.graph).to_have_attribute("data-run-state", "finished")
    lab.settled()

    seen = page.evaluate("() => window.__streamed")
    partial = [text for status, text in seen if status in ("running", "retrying") and text and text != ANSWER]
    assert len(set(partial)) >= 3, seen  # it grew several times while the node ran ...
    assert all(ANSWER.startswith(t) or "Owls hunt at night.".startswith(t) for t in partial), seen  # ... as prefixes
    # ... and then the node ended done (waited for: the page's last record may be older than the run's end)
    expect(lab.node("answer", "done")).to_have_count(1)

    # The Calls tab: both attempts, the messages by role (the system prompt folded), the completion.
    expect(lab.root.locator('button.dl-tab[data-tab="calls"]')).to_have_text("Calls (2)")
    calls = lab.open("Calls")
    expect(calls.locator(".dl-scope")).to_contain_text("node 'answer' (visit 1): 2 model calls")
    expect(header(calls)).to_contain_text("answer · attempt 2 · scripted/offline")
    system = calls.locator('details.dl-msg[data-role="system"]')
    user = calls.locator('details.dl-msg[data-role="user"]')
    expect(system).to_have_count(1)
    expect(user).to_have_attribute("open", "")
    expect(user).to_contain_text("cite the passage as [kb-1]")  # the feedback the retry was sent
    expect(user).not_to_contain_text("sk-e2e-secret-42")  # the key in the prompt is masked
    expect(user).to_contain_text("••••••")
    expect(calls.locator("pre.dl-pre", has_text="[[ ## answer ## ]]").last).to_contain_text(ANSWER)
    expect(system).not_to_have_attribute("open", "")  # the instructions, the same in every call: folded
    system.locator("summary").click()
    expect(system.locator("pre")).to_contain_text("Your input fields are:")
    calls.locator("select.dl-picker").select_option(index=0)  # the first attempt
    expect(header(calls)).to_contain_text("attempt 1")
    expect(calls).not_to_contain_text("cite the passage as [kb-1]")

    # Totals: under the node on the graph, and the run's in the toolbar.
    expect(lab.node("answer")).to_have_attribute("data-calls", "2")
    expect(lab.node("answer").locator("g.dl-calls > text")).to_have_text(re.compile(r"^2 calls · \d+ tok$"))
    expect(lab.root.locator(".dl-toolbar .dl-run-calls")).to_have_text(
        re.compile(r"^2 model calls · \d+ tokens \(\d+ in, \d+ out\) · model \d+\.\d+ s, other \d+\.\d+ s$"))
    save_picture(lab, "lab-calls.png", e2e_artifacts)
