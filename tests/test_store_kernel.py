"""Runs outlive the kernel (issue 22: "Restart the kernel: the runs browser lists the runs of the previous kernel
and opens any of them"): a LabView run in one real kernel is listed, and opens with the same node statuses, in
the next kernel started in the same directory (the default store, ``.dspyer/runs.sqlite``); a kernel killed
mid-run leaves its run readable there as ``interrupted``.
"""

from __future__ import annotations

import json
import os
import signal
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from test_magics import Kernel

pytestmark = pytest.mark.kernel

SETUP = """
import asyncio, json, os
import dspy
from dspyer_lab import END, AgentTranspiler, Graph, ScriptedLM, StatefulNode
from dspyer_lab.lab.widgets import LabView
from pydantic import BaseModel

class Question(BaseModel):
    query: str

class Answer(BaseModel):
    answer: str

def program():
    g = Graph().add_node("ask", lambda state: {"query": state["query"].upper()})
    g.add_node(StatefulNode("answer", Question, Answer))
    g.add_edge("ask", "answer").add_edge("answer", END).set_entry_point("ask")
    return AgentTranspiler.compile(g, output_model=Answer)
"""


class _Kernel(Kernel):
    """A python3 kernel started in `cwd` with the default store (no DSPYER_LAB_STORE), run cell by cell."""

    def __init__(self, cwd: Path) -> None:
        super().__init__(cwd, env={k: v for k, v in os.environ.items() if k != "DSPYER_LAB_STORE"})
        self.pid = int(self.printed("import os\nprint(os.getpid())"))

    def shutdown(self) -> None:
        """Shut the kernel down as a restart does (or clean up after one that was killed)."""
        self.client.stop_channels()
        if self.manager.is_alive():
            self.manager.shutdown_kernel()
        else:
            self.manager.cleanup_resources()


@pytest.fixture
def kernels(tmp_path: Path) -> Iterator[Any]:
    """Start kernels in tmp_path, one after another; each is shut down at the end if still up."""
    started: list[_Kernel] = []

    def start() -> _Kernel:
        kernel = _Kernel(tmp_path)
        started.append(kernel)
        kernel.printed(SETUP)
        return kernel

    yield start
    for kernel in started:
        if kernel.client.channels_running:
            kernel.shutdown()


def test_the_runs_of_a_kernel_are_listed_and_open_in_the_next_one(kernels: Any, tmp_path: Path) -> None:
    first = kernels()
    ran = json.loads(first.printed("""
ran = []
view = LabView(program())
with dspy.context(lm=ScriptedLM({"answer": lambda i: {"answer": "A " + i["query"]}})):
    await view.run(query="kept")
ran.append([view.run_log.run_id, view.graph.node_status])
with dspy.context(lm=ScriptedLM({})):  # no answer scripted: "answer" fails
    try:
        await view.run(query="broken")
    except Exception:
        pass
ran.append([view.run_log.run_id, view.graph.node_status])
print(json.dumps(ran))
"""))
    first.shutdown()
    assert (tmp_path / ".dspyer" / "runs.sqlite").is_file()

    second = kernels()
    listed = json.loads(second.printed("""
from dspyer_lab import default_store
from dspyer_lab.lab.widgets.runs import RunsView
runs = default_store().runs()
browser = RunsView()
opened = {}
for row in browser.runs:  # each run the browser lists, opened in it
    presenter = browser.open(row.run_id)
    opened[row.run_id] = [presenter.graph.node_status, presenter.status]
print(json.dumps({"runs": [[r.run_id, r.status, r.inputs, r.output] for r in runs],
                  "browsed": [r.run_id for r in browser.runs], "opened": opened}))
"""))
    (kept, kept_statuses), (broken, broken_statuses) = ran
    assert listed["runs"] == [[broken, "failed", {"query": "broken"}, None],
                              [kept, "finished", {"query": "kept"}, {"answer": "A KEPT"}]]
    assert listed["browsed"] == [broken, kept]
    assert kept_statuses == {"ask": "done", "answer": "done"} and broken_statuses == {"ask": "done", "answer": "failed"}
    assert listed["opened"][kept][0] == kept_statuses and listed["opened"][kept][1].startswith("finished")
    assert listed["opened"][broken][0] == broken_statuses and listed["opened"][broken][1].startswith("failed")


def test_a_kernel_killed_mid_run_leaves_an_interrupted_run(kernels: Any) -> None:
    doomed = kernels()
    run_id = doomed.printed("""
view = LabView(program())
with dspy.context(lm=ScriptedLM({"answer": {"answer": "never"}}, latency=600)):
    task = view.start(query="slow")
while not any(e["event"] == "node_end" for e in view.events):  # "ask" done: "answer" waits on its model
    await asyncio.sleep(0.01)
view.store.wait()  # what was written so far is in the file
print(view.run_log.run_id)
""")
    os.kill(doomed.pid, signal.SIGKILL)
    doomed.manager.provisioner.process.wait(timeout=60)  # reaped, as a notebook server does: gone, not a zombie

    after = kernels()
    found = json.loads(after.printed("""
from dspyer_lab import default_store
store = default_store()
run = store.runs()[0]
events = store.load(run.run_id).events
print(json.dumps({"run_id": run.run_id, "status": run.status, "kinds": [e["event"] for e in events]}))
"""))
    assert found["run_id"] == run_id and found["status"] == "interrupted"
    assert found["kinds"][:3] == ["run_start", "node_start", "node_end"]
