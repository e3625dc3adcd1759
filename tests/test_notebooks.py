"""The teaching notebooks: committed clean, and each one runs top to bottom in a real kernel, offline.

Every notebook executes with nbclient in a temporary copy of notebooks/ (files a notebook
saves land there, not in the repo), must produce no error output, and must show what it
teaches (checked on its printed outputs). The executed copies go to
test-artifacts/notebooks/ for inspection.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import nbformat
import pytest

from dspyer_lab.lab.widgets.snapshot import drawn_statuses

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
NAMES = [
    "01_quickstart.ipynb",
    "02_routing_and_loops.ipynb",
    "03_async_and_streaming.ipynb",
    "04_debugging_with_the_lab.ipynb",
    "05_optimizing.ipynb",
    "06_debugging_step_by_step.ipynb",
    "07_batch_and_evaluate.ipynb",
    "08_parallel_research.ipynb",
    "09_history_and_compare.ipynb",
    "10_fix_and_optimize.ipynb",
    "11_teaching_with_the_lab.ipynb",
    "12_human_in_the_loop.ipynb",
]
CELL_TIMEOUT = 120
WIDGET = "application/vnd.jupyter.widget-view+json"


def output_text(cell: nbformat.NotebookNode) -> str:
    """Everything a code cell printed or displayed as plain text."""
    parts = []
    for output in cell.get("outputs", []):
        if output["output_type"] == "stream":
            parts.append(output["text"])
        elif output["output_type"] in ("execute_result", "display_data"):
            parts.append(output["data"].get("text/plain", ""))
    return "".join(parts)


def shown_view(cell: nbformat.NotebookNode) -> tuple[dict, dict]:
    """The widget output a cell displays and its still output, the one right after it (see snapshot.py)."""
    outputs = cell.outputs
    (at,) = [i for i, o in enumerate(outputs) if o["output_type"] == "display_data" and WIDGET in o["data"]]
    return outputs[at]["data"], outputs[at + 1]["data"]


def pictured(cell: nbformat.NotebookNode) -> tuple[str, dict[str, str]]:
    """The widget a cell displays (its model id) and the node statuses its still SVG picture draws."""
    widget, still = shown_view(cell)
    return widget[WIDGET]["model_id"], dict(drawn_statuses(still["image/svg+xml"]) or ())


def saved_state(nb: nbformat.NotebookNode, model_id: str) -> dict:
    """The synced state of widget `model_id` as the executed notebook saved it (its widget-state metadata)."""
    return nb.metadata["widgets"]["application/vnd.jupyter.widget-state+json"]["state"][model_id]["state"]


def code_cells(nb: nbformat.NotebookNode) -> list[nbformat.NotebookNode]:
    return [cell for cell in nb.cells if cell.cell_type == "code"]


def cell_with(nb: nbformat.NotebookNode, source_snippet: str) -> nbformat.NotebookNode:
    """The one code cell whose source contains `source_snippet`."""
    found = [cell for cell in code_cells(nb) if source_snippet in cell.source]
    assert len(found) == 1, f"expected one cell containing {source_snippet!r}, found {len(found)}"
    return found[0]


# -- committed notebooks --------------------------------------------------------------


def test_every_notebook_is_listed_and_only_those_exist() -> None:
    assert sorted(p.name for p in NOTEBOOKS.glob("*.ipynb")) == NAMES
    readme = (NOTEBOOKS / "README.md").read_text()
    for name in NAMES:
        assert name in readme, f"{name} is not described in notebooks/README.md"


@pytest.mark.parametrize("name", NAMES)
def test_committed_notebook_is_clean(name: str) -> None:
    """No outputs (diffs stay readable, nothing stale), and a python3 kernelspec (no kernel dialog)."""
    raw = (NOTEBOOKS / name).read_text()
    assert '"output_type"' not in raw
    nb = nbformat.reads(raw, as_version=4)
    nbformat.validate(nb)
    assert nb.metadata["kernelspec"]["name"] == "python3"
    assert nb.metadata["kernelspec"]["language"] == "python"
    for cell in code_cells(nb):
        assert cell.outputs == [] and cell.execution_count is None, cell.source[:60]
    sources = "\n".join(cell.source for cell in code_cells(nb))
    assert "real model" in "\n".join(c.source for c in nb.cells if c.cell_type == "markdown").lower()
    assert 'os.environ.get("OPENAI_API_KEY")' in sources, "the real-model cell must be guarded by an API key check"


# -- executed notebooks ---------------------------------------------------------------


def check_quickstart(nb: nbformat.NotebookNode) -> None:
    text = output_text(cell_with(nb, "print(repr(result))"))
    assert "CitedAnswer(" in text
    assert "'kb-2'" in text and "'kb-3'" not in text
    assert "attempt 1 rejected" in output_text(cell_with(nb, "validation_error"))
    assert output_text(cell_with(nb, "dspyer_view.play(")).startswith("finished · 2 steps")  # play leaves the run as it was


def check_routing(nb: nbformat.NotebookNode) -> None:
    routed = output_text(cell_with(nb, "with dspy.context(lm=triage_lm)"))
    assert "! triage attempt 1 rejected: ['route']" in routed
    assert "triage --refund--> refund" in routed
    assert "clean --urgent--> page_oncall" in routed
    loop = output_text(cell_with(nb, "with dspy.context(lm=writer_lm):\n    await trace("))
    assert loop.count("critic --revise--> revise") == 2 and "critic --accept--> __end__" in loop
    assert "{'draft': 3, 'critic': 3, 'revise': 2}" in output_text(cell_with(nb, "dspyer_lab.show(writer_program)"))
    assert "MaxStepsExceeded - Run stopped after max_steps=10" in output_text(cell_with(nb, "except MaxStepsExceeded"))
    assert "Tagline(tagline='Coffee that wakes you up.', score=6)" in output_text(cell_with(nb, '_on_max_steps="return"'))


def check_async(nb: nbformat.NotebookNode) -> None:
    streamed = output_text(cell_with(nb, "async for event in program.astream(query=\"Find details"))
    assert "[!] Validation failed at solve: - confidence" in streamed
    assert "[+] Completed node solve with state patch: {'solution': 'Topic X is a caching layer.', 'confidence': 0.8}" in streamed
    assert output_text(cell_with(nb, "seen = []")).strip() == "['run_start', 'node_start', 'lm_call', 'node_end']"
    watched = output_text(cell_with(nb, "_stream_tokens=True"))
    assert "  plan.plan: Look up 'topic Y' and summarise it.\n[plan] model call: sent ['system', 'user']" in watched
    assert "  solve.solution: Details on topic Y.  solve.confidence: 0.9\n[solve] model call:" in watched
    handled = output_text(cell_with(nb, "async def handle_request"))
    assert "{'status': 'success', 'data': {'solution': 'Details on question 49.', 'confidence': 0.9}}" in handled
    assert "10 runs, 10 distinct run_ids, one per run: True" in output_text(cell_with(nb, "def run_ids_and_answer"))


def check_debugging(nb: nbformat.NotebookNode) -> None:
    inspected = output_text(cell_with(nb, 'view.select("extract")'))
    assert "extract: done after 2 attempts" in inspected
    assert "offending values {'currency': 'euros'}" in inspected and "3-letter ISO 4217 code" in inspected
    assert "patch: {'total': 1250.0, 'currency': 'EUR'}" in inspected
    failed = output_text(cell_with(nb, "except NodeValidationError"))
    assert "NodeValidationError in node 'extract' after 3 attempts" in failed and "rejected attempts: 3" in failed
    stopped = output_text(cell_with(nb, "stoppable.stop()"))
    assert "stopped: True" in stopped and "the run was cancelled" in stopped and "status: cancelled" in stopped
    moved = output_text(cell_with(nb, "replay.seek(4)"))  # the slider, moved from code, time-travels
    assert "slider at step 4 of 15: 4/15: validation_error" in moved
    # The counts printed agree with the slider: the view's events less its token events (not saved) are the
    # replay's events, one slider step each.
    held = output_text(cell_with(nb, 'view.save("invoice_run.json")'))
    found = re.search(r"the view holds (\d+) events: (\d+) token events \(not saved\) and (\d+) others \(saved\)", held)
    assert found, held
    total, tokens, kept = map(int, found.groups())
    assert tokens > 0 and kept == total - tokens, held
    replayed = re.search(r"replayed: (\d+) events, one slider step each", moved)
    assert replayed, moved
    assert int(replayed.group(1)) == kept == 15, (held, moved)
    assert "{'extract': 'retrying', 'check': 'idle', 'summarize': 'idle'}" in moved
    # Each section shows its own run in its own view; each output's static picture has that run's end.
    pictures = [
        pictured(cell_with(nb, snippet))
        for snippet in ("result = await view.run", "failing = dspyer_lab.show", "stoppable = dspyer_lab.show")
    ]
    assert len({model for model, _ in pictures}) == 3, pictures
    assert [statuses["extract"] for _, statuses in pictures] == ["done", "failed", "cancelled"], pictures
    walk = output_text(cell_with(nb, "replay.seek(step)")).splitlines()
    assert len(walk) == 16 == kept + 1  # steps 0 to 15
    assert walk[2].split()[:4] == ["2", "extract=running", "check=idle", "summarize=idle"]
    assert walk[3].split()[:6] == ["3", "extract=running", "check=idle", "summarize=idle", "3/15:", "lm_call"]
    assert walk[4].split()[:6] == ["4", "extract=retrying", "check=idle", "summarize=idle", "4/15:", "validation_error"]
    assert walk[15].split()[:4] == ["15", "extract=done", "check=done", "summarize=done"]


def check_optimizing(nb: nbformat.NotebookNode) -> None:
    demos = output_text(cell_with(nb, "optimizer.compile(program"))
    assert demos.count(": 3 demos") == 2
    assert "Works great, I love it." in demos and "another charger" not in demos and "Arrived late" not in demos
    loaded = output_text(cell_with(nb, "fresh.load("))
    assert "before load: [0, 0]" in loaded and "after load:  [3, 3]" in loaded
    assert "Handled(label='negative'" in loaded


def check_stepping(nb: nbformat.NotebookNode) -> None:
    paused = output_text(cell_with(nb, "view.breakpoints = {\"before\": [\"headline\"]}\ndisplay(view)"))
    assert "result: None\ntoolbar: paused before node 'headline' · step 1\npaused before 'headline' after step 1" in paused
    assert "summary at the pause: This release adds support for Python 3.8" in paused
    rejected = output_text(cell_with(nb, '"summary": 42'))
    assert "rejected edit of 'summary' for node 'headline'" in rejected and "still: paused before node 'headline'" in rejected
    resumed = output_text(cell_with(nb, "result = await view.resume(update={\"summary\": FIXED})"))
    assert "Notes(headline='Drops Python 3.8'" in resumed  # the edit reached the next node
    assert "runs in the view: 1 | run_ids in the events: 1" in resumed
    assert "events: run_start node_start lm_call node_end route paused update node_start lm_call node_end" in resumed
    stepped = output_text(cell_with(nb, "stepper.step()"))
    assert "paused before node 'summarize' · step 0" in stepped
    assert "paused before node 'headline' · step 1 | {'summarize': 'done', 'headline': 'idle', 'publish': 'idle'}" in stepped
    assert "paused before node 'publish' · step 2 | {'summarize': 'done', 'headline': 'done', 'publish': 'idle'}" in stepped
    assert "finished: Notes(headline='Adds Support For Python 3.8'" in stepped
    stopped = output_text(cell_with(nb, "stepper.stop()"))
    assert "stopped: True | after: cancelled · after 0 steps" in stopped
    assert "runs kept: ['finished', 'cancelled']" in stopped
    forked = output_text(cell_with(nb, "past.fork(update="))
    assert "run from here: from after step 1: node 'headline' runs next" in forked
    assert "Notes(headline='Speeds Up Parsing'" in forked
    assert "run 1: finished\nrun 2: finished, fork of " in forked and "after step 1" in forked
    assert "outputs compared with the parent: {'headline': 'changed', 'publish': 'changed'}" in forked
    assert "same model, same state: {'headline': 'same', 'publish': 'same'}" in output_text(cell_with(nb, "past.show_run(0)"))
    assert "Paused before node 'headline' (step 1)" in output_text(cell_with(nb, "%%dspyer -i changes="))
    assert "Notes(headline='Drops Python 3.8'" in output_text(cell_with(nb, "await dspyer_view.resume"))


def check_batch(nb: nbformat.NotebookNode) -> None:
    ran = output_text(cell_with(nb, "outcomes = await view.run("))
    assert "finished · 20/20 done · 4 failed · " in ran and ran.strip().endswith("mean score 0.750")
    found = output_text(cell_with(nb, "worst = max("))
    assert "billing_reply   visits  9  retries  8  failures 4  failure rate 44%" in found
    assert "failing node: billing_reply" in found and "failed examples: [2, 7, 11, 15]" in found
    opened = output_text(cell_with(nb, "opened = view.open("))
    assert "example 2 -> failed · NodeValidationError in node 'billing_reply'" in opened
    assert opened.count("rejected: 'Sorry, I am not allowed to talk about refunds.'") == 3
    assert "4 of 20 failed" in output_text(cell_with(nb, "print(dspyer_view.status)"))
    model, statuses = pictured(cell_with(nb, "view = BatchView(program)"))  # a widget with its static picture
    assert model and set(statuses) == {"classify", "billing_reply", "shipping_reply"}
    # Each saved BatchView says its batch finished: the widget state, and the output's text (read where no
    # widget renders), not the "ready" of its display before the batch.
    for snippet in ("view = BatchView(program)", "%%dspyer --batch dataset"):
        cell = cell_with(nb, snippet)
        model, _ = pictured(cell)
        panel = json.loads(saved_state(nb, model)["_panel"])
        assert panel["state"] == "finished", panel["progress"]
        assert panel["progress"]["text"].startswith("finished · 20/20 done · 4 failed · "), panel["progress"]
        shown = shown_view(cell)[1]["text/plain"]
        assert shown.splitlines()[-1].startswith("finished · 20/20 done · 4 failed · "), shown


def check_parallel(nb: nbformat.NotebookNode) -> None:
    ran = output_text(cell_with(nb, 'dspyer_view.open_tab("waterfall")'))
    assert "superstep 2: search_web, search_docs (2 at once)" in ran  # the fan-out ran both searches together
    assert "superstep 4: summarize[0], summarize[1], summarize[2], summarize[3], summarize[4] (2 at once)" in ran
    assert "finished · 5 steps for 10 node visits" in ran  # max_steps counts supersteps
    notes = output_text(cell_with(nb, "for note in result.notes")).splitlines()
    assert notes[0] == "'Tidal energy, from 5 sources.'" and [n.split(":")[0] for n in notes[1:]] == [
        " - Tidal farms in Scotland", " - The cost of tidal power", " - Turbines under the sea",
        " - Maintenance schedule", " - Safety at sea"]  # the reducer merged them in the order of the Sends
    clash = output_text(cell_with(nb, "except ParallelWriteError"))
    assert "ParallelWriteError: Nodes 'from_web' and 'from_docs' both wrote field 'finding'" in clash
    model, statuses = pictured(cell_with(nb, '%%dspyer -i topic="tidal energy"'))
    assert model and set(statuses.values()) == {"done"} and len(statuses) == 6, statuses
    assert json.loads(saved_state(nb, model)["_tab"])["id"] == "waterfall"  # the view saved on its waterfall tab


def printed(cell: nbformat.NotebookNode) -> list[str]:
    """The lines a code cell printed (not what it displayed)."""
    return "".join(o["text"] for o in cell.get("outputs", []) if o["output_type"] == "stream").splitlines()


def check_history(nb: nbformat.NotebookNode) -> None:
    assert "runs are stored in history.sqlite" in output_text(cell_with(nb, "%dspyer store history.sqlite"))
    runs = printed(cell_with(nb, "runs_diff = CompareView(first, second)"))
    assert runs == ["A: classify | B: classify -> shipping_reply",
                    "the paths part after classify: A goes to END, B to shipping_reply",
                    "classify: output.category other -> shipping"], runs
    batches = printed(cell_with(nb, "batches_diff = CompareView("))
    hand = batches[0].removeprefix("by hand: ")  # the counts the notebook makes from the outcomes themselves
    assert hand == "fixed 3 broken 2" and batches[1].startswith(f"compared: {hand} same 7 changed 0"), batches
    assert batches[2].startswith("score +0.08 (95% CI ") and batches[2].endswith(", n=12)"), batches
    browsed = printed(cell_with(nb, "browser = RunsView("))
    assert browsed == ["26 runs of triage", "10 of them reached shipping_reply"], browsed
    restarted = printed(cell_with(nb, 'store = RunStore("history.sqlite")'))
    assert restarted[0].startswith("finished {'ticket': 'Tracking number does not work'} -> {'category': 'shipping'")
    assert restarted[-1].startswith("finished · 2 steps")  # the stored run replayed in a LabView
    recorded = output_text(cell_with(nb, "_record=True"))
    assert recorded.strip() == "[('Is there a dark mode?', 'finished'), ('Where is my refund?', 'finished')]"
    spans = printed(cell_with(nb, "exporter = InMemorySpanExporter()"))
    assert [line.split(" {")[0] for line in spans[:-1]] == [
        "chat scripted/offline", "classify", "chat scripted/offline", "billing_reply", "invoke_agent triage"], spans
    assert spans[-1] == "1 stored run exported"
    assert output_text(cell_with(nb, "store=False")).strip() == "None · 28 runs stored"


def check_fix_and_optimize(nb: nbformat.NotebookNode) -> None:
    resent = printed(cell_with(nb, "as_it_was = await view.resend(call)"))
    assert resent == ["as it was: False · - grade: Value error, grade must be between 0 and 10 (got 70)",
                      "fixed: True · {'grade': 7, 'comment': 'Clear, 10 words.'}",
                      "second opinion: True · {'grade': 8, 'comment': 'Lively.'} · scripted/offline"], resent
    forked = printed(cell_with(nb, "result = await view.fork_with(fixed)"))
    assert forked[0].startswith("finished · 2 steps") and forked[1:3] == [
        "grade=7 comment='Clear, 10 words.'", "a fork of the failed run"], forked
    assert forked[3:] == ["['Grade the essay out of 10 (an integer from 0 to 10) and say in one line why.']",
                          "grade=7 comment='Clear, 4 words.'"], forked  # dump_state, then a fresh program loaded
    model, _ = pictured(cell_with(nb, "optimizing = OptimizeView("))
    assert json.loads(saved_state(nb, model)["_optimize"])["state"] == "finished"  # the view saved as it ended
    trials = printed(cell_with(nb, "for trial in optimizing.model.trials"))
    assert trials[0] == "trial 1: 66.67 on the valset" and "best: 100.0" in trials, trials
    hand = trials[-3].removeprefix("by hand: ")  # the counts the notebook makes from the two programs' outputs
    assert hand == "fixed 2 broken 0" and trials[-2] == f"compared: {hand} same 4", trials
    assert trials[-1] == "classify · instructions changed: True · demos 0 -> 4", trials
    assert printed(cell_with(nb, "reloaded.load(str(path))")) == ["label='negative'"]
    magic = printed(cell_with(nb, 'print(type(searched).__name__, "·", dspyer_view.status)'))
    assert magic[0].startswith("TranspiledProgram · finished · 19/19 trials"), magic


def check_teaching(nb: nbformat.NotebookNode) -> None:
    live = printed(cell_with(nb, 'result = await view.run(question="What is 12 x 13?")'))
    assert live[0].startswith("finished · 3 steps") and live[1] == "Well done: 12 x 13 = 156.", live
    for snippet in ("view.play(speed=0.5)", "view.play(every=3)", "view.play_step(-1)"):  # play never changes the run
        assert printed(cell_with(nb, snippet)) == live[:1], snippet
    assert printed(cell_with(nb, "view.presenter_mode = True")) == [
        "solve · retrying",
        "The model said (attempt 1): answer: 146",
        "rejected: - answer: Value error, 146 is not 12 x 13: check the work (got 146)",
    ]
    (written,) = printed(cell_with(nb, "view.to_html(path"))
    assert re.fullmatch(r"multiplication_run\.html: one file of \d+ KB", written), written
    shown = cell_with(nb, "Replay(path)")
    assert printed(shown)[0].startswith('<iframe src="multiplication_run.html" sandbox="allow-scripts"')
    script, still = [o["data"] for o in shown.outputs if o["output_type"] == "display_data"]
    assert "srcdoc=" in script["application/javascript"] and "dl-export-data" in script["application/javascript"]
    assert dict(drawn_statuses(still["image/svg+xml"]) or ()) == {"read_problem": "done", "solve": "done", "feedback": "done"}


def check_human_in_the_loop(nb: nbformat.NotebookNode) -> None:
    asked = printed(cell_with(nb, "view = LabView(program)"))
    assert asked[:2] == ["result: None", "waiting for an answer at node 'review' · step 2"], asked
    assert "the form: [('approved', 'checkbox'), ('edited_body', 'textarea'), ('reason', 'select')]" in asked
    assert asked[-1] == "outbox: []", asked  # nothing sent while the person has not answered
    rejected = printed(cell_with(nb, 'view.answer({"reason": "ship it"})'))
    assert rejected[:3] == ["result: None", "rejected: ['approved'] - Field required",
                            "rejected: ['reason'] - Input should be 'looks good', 'fixed the tone', 'fixed a fact' or "
                            "'not needed'"], rejected
    assert rejected[3].startswith("beside the form's fields: {'approved': 'Field required', 'reason': ")
    assert rejected[-1] == "same question: True · outbox: []", rejected
    approved = printed(cell_with(nb, '"reason": "fixed the tone"})'))
    assert approved[0] == "Outcome(sent=True, reason='fixed the tone')" and approved[1].startswith("finished · 3 steps")
    assert approved[2] == ("outbox: [{'to': 'Ada', 'subject': 'About the Friday demo', "
                           "'body': 'Hi Ada, see you at the Friday demo at 10!'}]"), approved  # the edit was sent
    confirmed = printed(cell_with(nb, "yes_no = LabView(quick)"))
    assert confirmed == ["result: None", "asked: Send 'About the budget' to Grace?", "Approve/Reject buttons: True",
                         "sent before the answer: 1 emails",
                         "Outcome(sent=True, reason='confirmed')",
                         "send ran 2 times (again from its start on resume) · sent: 2 emails"], confirmed
    queued = printed(cell_with(nb, "batch = BatchView(program)"))
    assert queued == ["waiting · 0/5 done · 5 waiting for an answer", "review queue: 5 waiting, examples [0, 1, 2, 3, 4]"]
    answered = printed(cell_with(nb, "for index in [3, 0, 4, 1, 2]:"))
    assert answered[0].startswith("finished · 5/5 done · ") and answered[1] == "waiting: []", answered
    assert answered[2:7] == ["0 Ada -> finished sent=True reason='looks good'",
                             "1 Grace -> finished sent=True reason='looks good'",
                             "2 Alan -> finished sent=False reason='not needed'",
                             "3 Edsger -> finished sent=True reason='looks good'",
                             "4 Barbara -> finished sent=True reason='looks good'"], answered  # every one finished
    assert answered[7] == "sent by the batch: ['Edsger', 'Ada', 'Barbara', 'Grace']", answered  # in the answers' order
    model, _ = pictured(cell_with(nb, "batch = BatchView(program)"))
    panel = json.loads(saved_state(nb, model)["_panel"])
    assert panel["state"] == "finished" and panel["review"]["count"] == 0, panel["progress"]  # the queue emptied
    kept = printed(cell_with(nb, 'if event["event"] == "answer":'))
    edited = "{'approved': True, 'edited_body': 'Hi Ada, see you at the Friday demo at 10!', 'reason': 'fixed the tone'}"
    assert kept[:5] == ["paused at review", "answer to review: {'reason': 'ship it'}", "validation_error at review",
                        "paused at review", f"answer to review: {edited}"], kept
    assert kept[5].startswith('timeline: review: answered {"approved": true, "edited_body": "Hi Ada'), kept
    assert printed(cell_with(nb, "store.load(view.run_log.run_id)")) == [
        f"saved run: [{{'reason': 'ship it'}}, {edited}]", f"run store: [{{'reason': 'ship it'}}, {edited}]"]
    waited = output_text(cell_with(nb, '%%dspyer -i recipient=Alan'))
    assert "Waiting for an answer at node 'review': answer in the view's form, or `result = await dspyer_view.answer(" in waited
    reply = printed(cell_with(nb, "reply = await dspyer_view.answer("))
    assert reply[0].startswith("Outcome(sent=False, reason='not needed') · finished · 3 steps"), reply


CHECKS: dict[str, Callable[[nbformat.NotebookNode], None]] = {
    "01_quickstart.ipynb": check_quickstart,
    "02_routing_and_loops.ipynb": check_routing,
    "03_async_and_streaming.ipynb": check_async,
    "04_debugging_with_the_lab.ipynb": check_debugging,
    "05_optimizing.ipynb": check_optimizing,
    "06_debugging_step_by_step.ipynb": check_stepping,
    "07_batch_and_evaluate.ipynb": check_batch,
    "08_parallel_research.ipynb": check_parallel,
    "09_history_and_compare.ipynb": check_history,
    "10_fix_and_optimize.ipynb": check_fix_and_optimize,
    "11_teaching_with_the_lab.ipynb": check_teaching,
    "12_human_in_the_loop.ipynb": check_human_in_the_loop,
}


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A throwaway copy of notebooks/ (with runs/), where the notebooks execute and save their files."""
    path = tmp_path_factory.mktemp("notebooks") / "notebooks"
    shutil.copytree(NOTEBOOKS, path)
    return path


@pytest.mark.kernel
@pytest.mark.parametrize("name", NAMES)
def test_notebook_runs_offline(name: str, workdir: Path, artifacts_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from nbclient import NotebookClient

    for key in ("OPENAI_API_KEY", "ANTHROPIC_API_KEY"):  # the kernel inherits the environment: stay offline
        monkeypatch.delenv(key, raising=False)
    nb = nbformat.read(workdir / name, as_version=4)
    client = NotebookClient(
        nb, timeout=CELL_TIMEOUT, kernel_name="python3", resources={"metadata": {"path": str(workdir)}}
    )
    try:
        client.execute()
    finally:
        out = artifacts_dir / "notebooks"
        out.mkdir(exist_ok=True)
        nbformat.write(nb, out / name)
    left = sorted(p.name for p in workdir.iterdir() if not (NOTEBOOKS / p.name).exists() and p.name != "__pycache__")
    for left_behind in left:  # whatever a notebook writes next to itself must be git-ignored: a clone stays clean
        ignored = subprocess.run(["git", "check-ignore", "-q", f"notebooks/{left_behind}"], cwd=NOTEBOOKS.parent)
        assert ignored.returncode == 0, f"{name} left notebooks/{left_behind} behind, and git does not ignore it"
    errors = [o for cell in code_cells(nb) for o in cell.outputs if o["output_type"] == "error"]
    assert not errors, json.dumps(errors, indent=1)[:2000]
    assert all(cell.execution_count for cell in code_cells(nb)), "every code cell ran"
    CHECKS[name](nb)
