"""Batches on Ray (issue 25): `program.abatch(..., executor=RayExecutor(...))` behaves as a local `abatch`.

One local Ray (``num_cpus=2``) for the module, started once. The workers import this module and
`core_helpers` (the tests directory is on their ``PYTHONPATH``, the worker's own environment), while
`Reply` says ``__main__`` the way a notebook's class does, so it travels by value. Workers die for
real: a node kills its own process (``os.kill``) mid-batch. Nothing waits on a clock: "no actor left"
waits for Ray to say every CPU is free again, with a deadline.
"""

from __future__ import annotations

import asyncio
import builtins
import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import dspy
import pytest
from IPython.core.error import UsageError
from pydantic import BaseModel, create_model

from dspyer_lab import (
    AgentTranspiler,
    Graph,
    MissingDependencyError,
    NodeValidationError,
    RayExecutor,
    ScriptedLM,
    StatefulNode,
    WorkerLostError,
)
from dspyer_lab.testing import ChatServer

from core_helpers import Question
from http_helpers import aclose_lm

ray = pytest.importorskip("ray")
pytestmark = pytest.mark.ray

TESTS = str(Path(__file__).parent)

Reply = create_model("Reply", __module__="__main__", answer=(str, ...))
"""An output model defined as a notebook defines one (module ``__main__``): cloudpickle sends it by value."""


def answer(inputs: dict[str, Any]) -> Any:
    return "no fields here" if "garbage" in inputs["query"] else {"answer": f"A({inputs['query']})"}


def lm() -> ScriptedLM:
    return ScriptedLM({"answer": answer})


def hazard(state: dict[str, Any]) -> None:
    """Kills its own worker process for ``kill-once:PATH`` (the first time: PATH marks it) and ``kill-always``."""
    query = state["query"]
    if query.startswith("kill-once:"):
        marker = Path(query.split(":", 1)[1])
        if not marker.exists():
            marker.touch()
            os.kill(os.getpid(), signal.SIGKILL)
    if query.startswith("kill-always"):
        os.kill(os.getpid(), signal.SIGKILL)


def program() -> Any:
    """query -> [answer] (LLM) -> [hazard] (Python) -> END; output `Reply`."""
    g = Graph().add_node(StatefulNode("answer", Question, Reply)).add_node("hazard", hazard)
    return AgentTranspiler.compile(g.add_edge("answer", "hazard").set_entry_point("answer"), output_model=Reply)


def same(local: list[Any], remote: list[Any]) -> None:
    assert [(type(x), str(x)) for x in remote] == [(type(x), str(x)) for x in local]


@pytest.fixture(scope="module")
def executor() -> Any:
    """A local Ray with 2 CPUs whose workers can import the tests' modules, and an executor on it."""
    path = os.environ.get("PYTHONPATH", "")
    os.environ["PYTHONPATH"] = os.pathsep.join(p for p in (TESTS, path) if p)
    try:
        ray.init(address="local", num_cpus=2, include_dashboard=False, log_to_driver=False)
    finally:
        os.environ["PYTHONPATH"] = path
    ex = RayExecutor(num_workers=2, concurrency_per_worker=4)
    yield ex
    ex.shutdown()
    ray.shutdown()


async def no_actor_left(timeout: float = 30.0) -> None:
    """Wait until Ray has every CPU free again (each worker actor holds one while it lives)."""
    async def free() -> None:
        while ray.available_resources().get("CPU", 0) < 2:
            await asyncio.sleep(0.05)

    await asyncio.wait_for(free(), timeout)


# --------------------------------------------------------------------------- results


async def test_results_equal_local_abatch_with_failures_at_their_indices(executor: RayExecutor) -> None:
    inputs = [{"query": "garbage" if i in (2, 9) else f"q{i}"} for i in range(12)]
    prog = program()
    with dspy.context(lm=lm()):
        local = await prog.abatch(inputs)
        remote = await prog.abatch(inputs, executor=executor)
    same(local, remote)
    assert type(remote[0]).__name__ == "Reply" and remote[0].answer == "A(q0)"
    assert isinstance(remote[2], NodeValidationError) and isinstance(remote[9], NodeValidationError)
    assert executor.label == "on Ray · 2 workers"
    assert len(executor.workers) == 2  # kept up for the next batch


def test_sync_batch_takes_the_executor_and_raises_the_first_failure(executor: RayExecutor) -> None:
    prog = program()
    with dspy.context(lm=lm()):
        assert [r.answer for r in prog.batch([{"query": "a"}, {"query": "b"}], executor=executor)] == ["A(a)", "A(b)"]
        with pytest.raises(NodeValidationError):
            prog.batch([{"query": "a"}, {"query": "garbage"}], executor=executor, return_exceptions=False)


async def test_stream_scores_and_metric_errors_as_locally(executor: RayExecutor) -> None:
    examples = [dspy.Example(query=f"q{i}", gold=f"A(q{i})" if i % 2 else "x").with_inputs("query") for i in range(6)]

    def metric(example: Any, prediction: Any) -> Any:
        return "bad" if example.query == "q4" else prediction.answer == example.gold

    prog = program()
    with dspy.context(lm=lm()):
        local = prog.new_batch(examples, metric=metric)
        await local.run()
        remote = prog.new_batch(examples, metric=metric, executor=executor)
        kinds = [(i, e["event"]) for i, e in [pair async for pair in remote.events()]]
    assert remote.scores == local.scores == {0: 0.0, 1: 1.0, 2: 0.0, 3: 1.0, 5: 1.0}
    assert type(remote.metric_errors[4]) is type(local.metric_errors[4])
    for i in range(6):  # each input's events in order: its run, then its score
        mine = [k for j, k in kinds if j == i]
        assert mine[0] == "run_start" and mine[-2:] == ["finished", "score"]
    assert {remote.status(i) for i in range(6)} == {"finished"}


async def test_what_cannot_travel_is_named_in_one_line_and_the_executor_stays_usable(executor: RayExecutor) -> None:
    from dspyer_lab import WorkerSetupError

    prog = program()
    unsendable = ScriptedLM({"answer": answer})
    unsendable.guard = threading.Lock()  # a lock does not pickle
    with dspy.context(lm=unsendable):
        with pytest.raises(WorkerSetupError) as caught:
            await prog.abatch([{"query": "a"}], executor=executor)
    assert str(caught.value) == ("RayExecutor could not send dspy.settings.lm (ScriptedLM) to the workers: "
                                 "TypeError: cannot pickle '_thread.lock' object")
    with dspy.context(lm=lm()):
        assert [r.answer for r in await prog.abatch([{"query": "a"}], executor=executor)] == ["A(a)"]


async def test_runs_that_pause_end_their_shard_without_an_outcome_as_locally(executor: RayExecutor) -> None:
    from dspyer_lab import BatchStateError

    prog = program()
    with dspy.context(lm=lm()):
        local = prog.new_batch([{"query": "a"}, {"query": "b"}], _interrupt_before=["hazard"])
        remote = prog.new_batch([{"query": "a"}, {"query": "b"}], _interrupt_before=["hazard"], executor=executor)
        for batch in (local, remote):
            with pytest.raises(BatchStateError, match="2 of 2 batch input"):
                await batch.run()
        streamed = prog.new_batch([{"query": "a"}], _interrupt_before=["hazard"], executor=executor)
        assert [event["event"] async for _, event in streamed.events()][-1] == "paused"


# --------------------------------------------------------------------------- the lab, and Stop
# (in an order that restarts the workers least: Stop kills them, an LM's key changes their environment)


async def test_batch_presenter_on_ray_follows_stores_and_opens_a_failed_example(
    executor: RayExecutor, tmp_path: Path
) -> None:
    from dspyer_lab.lab.model.presenter_batch import BatchPresenter
    from dspyer_lab.lab.model.store import RunStore

    inputs = [{"query": "garbage" if i == 5 else f"q{i}"} for i in range(10)]
    presenter = BatchPresenter(program(), store=tmp_path / "runs.db", executor=executor)
    with dspy.context(lm=lm()):
        outcomes = await presenter.launch(inputs, None, 4, {})
    panel = presenter.render().panel
    assert panel["where"] == "on Ray · 2 workers"
    assert panel["progress"]["done"] == 10 and panel["progress"]["failed"] == 1
    assert presenter.status.startswith("finished · 10/10 done · 1 failed")
    assert isinstance(outcomes[5], NodeValidationError)
    opened = presenter.open(5)
    assert opened.run_log.failed_visit is not None and opened.run_log.failed_visit.node == "answer"
    presenter.store.wait()
    store = RunStore(tmp_path / "runs.db")
    try:
        runs = store.runs()
        assert len(runs) == 10 and sorted(r.status for r in runs).count("failed") == 1
        assert [b.batch_id for b in store.batches()] == [presenter.batch_id]
    finally:
        store.close()


async def test_a_secret_input_never_travels_back_from_the_workers_of_a_batch_view(
    executor: RayExecutor, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The lab's masker goes to the workers with the program: every event is masked there, before it is sent."""
    from ray import cloudpickle

    from dspyer_lab.lab.model.presenter_batch import BatchPresenter

    secret = "sk-live-4f7a9c2e1b"
    received: list[bytes] = []
    execute = executor.execute

    def spied(batch: Any) -> Any:
        async def items() -> Any:
            async with contextlib.aclosing(execute(batch)) as sent:
                async for item in sent:
                    received.append(cloudpickle.dumps(item))
                    yield item
        return items()

    monkeypatch.setattr(executor, "execute", spied)
    presenter = BatchPresenter(program(), store=False, executor=executor)
    with dspy.context(lm=lm()):
        outcomes = await presenter.launch([{"query": f"q{i}", "api_key": secret} for i in range(4)], None, 4, {})
    assert [o.answer for o in outcomes] == [f"A(q{i})" for i in range(4)]
    assert len(received) > 8 and not any(secret.encode() in item for item in received)
    assert any(b"api_key" in item for item in received)  # the field travelled, its value masked


async def test_a_run_that_asks_a_person_on_a_worker_fails_with_one_line_instead_of_waiting(executor: RayExecutor) -> None:
    """A remote batch cannot take answers yet: the run that asks ends failed at its index, saying why; the others go on."""
    from dspyer_lab import HumanNode, InterruptError

    class Approval(BaseModel):
        ok: bool

    g = Graph().add_node("ask", lambda state: None).add_node(HumanNode("review", Question, Approval))
    asking = AgentTranspiler.compile(g.add_edge("ask", "review").set_entry_point("ask"))
    with dspy.context(lm=lm()):
        outcomes = await asking.abatch([{"query": "a"}, {"query": "b"}], executor=executor)
    assert [type(o) for o in outcomes] == [InterruptError, InterruptError]
    assert str(outcomes[0]).startswith("node 'review' asks a person (interrupt() or a HumanNode): a batch on Ray cannot")


async def test_cancel_kills_every_actor(executor: RayExecutor) -> None:
    prog = program()
    started = asyncio.Event()

    async def consume() -> None:
        async for _, event in prog.abatch_stream([{"query": f"q{i}"} for i in range(400)], executor=executor):
            if event["event"] == "finished":
                started.set()

    with dspy.context(lm=ScriptedLM({"answer": answer}, latency=0.05)):
        task = asyncio.ensure_future(consume())
        await started.wait()
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
    assert executor.workers == []
    await no_actor_left()


RAY_CELL = """
from pydantic import BaseModel
from dspyer_lab import Graph, ScriptedLM, StatefulNode
class Q(BaseModel):
    question: str
class A(BaseModel):
    answer: str
lm = ScriptedLM({"answer": lambda inputs: "no fields" if inputs["question"] == "bad" else {"answer": inputs["question"]}})
g = Graph().add_node(StatefulNode("answer", Q, A)).set_entry_point("answer")
cases = [{"question": q} for q in ("a", "bad", "c", "d")]
"""


async def test_a_ray_batch_cell_runs_on_ray_and_binds_the_outcomes(shell: Any, executor: RayExecutor) -> None:
    from dspyer_lab.lab.widgets import BatchView

    magics = shell.magics_manager.registry["DspyerMagics"]
    await magics.dspyer_cell_async("--batch cases --ray --ray-workers 2 --concurrency 2 --lm scripted --out got", RAY_CELL)
    view = shell.user_ns["dspyer_view"]
    assert isinstance(view, BatchView) and view.panel["where"] == "on Ray · 2 workers"
    got = shell.user_ns["got"]
    assert [type(o).__name__ for o in got] == ["Prediction", "NodeValidationError", "Prediction", "Prediction"]
    assert [o.answer for i, o in enumerate(got) if i != 1] == ["a", "c", "d"]
    with pytest.raises(UsageError, match="--ray needs --batch NAME"):
        shell.run_cell_magic("dspyer", "--ray --no-run", RAY_CELL)
    with pytest.raises(UsageError, match="--ray-workers needs --ray"):
        shell.run_cell_magic("dspyer", "--batch cases --ray-workers 2", RAY_CELL)


# --------------------------------------------------------------------------- real HTTP and its key; workers that die


async def test_http_lm_on_workers_and_no_api_key_in_events_or_the_store(executor: RayExecutor, tmp_path: Path) -> None:
    from dspyer_lab.lab.model.presenter_batch import BatchPresenter

    key = "sk-test-0123456789abcdefSECRETKEY"
    server = ChatServer().start()
    http_lm = dspy.LM("openai/test-model", api_base=server.base_url, api_key=key, cache=False, num_retries=0)
    prog = program()
    inputs = [{"query": f"q{i}"} for i in range(6)]
    try:
        with dspy.context(lm=http_lm):
            local = await prog.abatch(inputs)
            events = [pair async for pair in prog.abatch_stream(inputs, executor=executor)]
            presenter = BatchPresenter(prog, store=tmp_path / "runs.db", executor=executor)
            remote = await presenter.launch(inputs, None, 4, {})
    finally:
        server.stop()
        await aclose_lm(http_lm)
    assert server.request_count == 18  # the workers reached the loopback server too: 3 batches of 6
    same(local, remote)
    assert all(type(r).__name__ == "Reply" for r in remote)
    assert key not in json.dumps([e for _, e in events], default=str)
    presenter.store.wait()
    files = list(tmp_path.iterdir())
    assert any(f.name == "runs.db" for f in files)
    assert key.encode() not in b"".join(f.read_bytes() for f in files)
    assert http_lm.kwargs["api_key"] == key  # the driver's LM is untouched


async def test_a_killed_worker_loses_nothing_and_a_poisonous_input_fails_with_the_cause(tmp_path: Path) -> None:
    ex = RayExecutor(num_workers=2, concurrency_per_worker=4, max_retries=1)
    inputs = [{"query": f"q{i}"} for i in range(16)]
    inputs[3] = {"query": f"kill-once:{tmp_path / 'three'}"}
    inputs[11] = {"query": "kill-always"}
    prog = program()
    try:
        with dspy.context(lm=lm()):
            batch = prog.new_batch(inputs, executor=ex)
            starts: dict[int, int] = {}
            async for index, event in batch.events():
                if event["event"] == "run_start":
                    starts[index] = starts.get(index, 0) + 1
    finally:
        ex.shutdown()
    assert (tmp_path / "three").exists()  # its first worker died in it
    assert batch.results[3].answer == f"A({inputs[3]['query']})"
    assert sorted(batch.results) == [i for i in range(16) if i != 11]
    error = batch.errors[11]
    assert isinstance(error, WorkerLostError) and error.attempts == 2  # max_retries=1: two tries
    assert "batch input 11 was lost with its worker 2 time(s)" in str(error)
    assert {batch.status(i) for i in range(16)} == {"finished", "failed"}
    await no_actor_left()


# --------------------------------------------------------------------------- without Ray


def test_without_ray_the_error_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch) -> None:
    real_import = builtins.__import__

    def no_ray(name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "ray" or name.startswith("ray."):
            raise ImportError("No module named 'ray'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_ray)
    monkeypatch.delitem(sys.modules, "ray", raising=False)
    with pytest.raises(MissingDependencyError) as caught:
        RayExecutor()
    assert str(caught.value) == 'RayExecutor needs "dspyer-lab[ray]" (pip install "dspyer-lab[ray]")'


JOIN = """
import asyncio, sys
import dspy
sys.path.insert(0, {tests!r})
from test_ray_executor import lm, program
from dspyer_lab import RayExecutor

executor = RayExecutor(address="auto", num_workers=1, concurrency_per_worker=2)  # RAY_ADDRESS: the running cluster
with dspy.context(lm=lm()):
    results = asyncio.run(program().abatch([{{"query": "a"}}, {{"query": "b"}}], executor=executor))
print([r.answer for r in results], executor.label)
executor.shutdown()
"""


def test_address_auto_joins_a_running_cluster(tmp_path: Path) -> None:
    """`ray start --head` stands in for a team's cluster: another process's batch joins it and runs there."""
    port = _free_port()
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in (TESTS, os.environ.get("PYTHONPATH", "")) if p),
           "RAY_AUTH_MODE": "disabled"}  # a token file left in ~/.ray by another cluster must not turn it on
    head = subprocess.Popen(
        [sys.executable, "-m", "ray.scripts.scripts", "start", "--head", "--block", f"--port={port}", "--num-cpus=1",
         "--include-dashboard=false", "--disable-usage-stats"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )
    try:
        done = subprocess.run([sys.executable, "-c", JOIN.format(tests=TESTS)], capture_output=True, text=True,
                              timeout=240, env={**env, "RAY_ADDRESS": f"127.0.0.1:{port}"})
        assert done.returncode == 0, done.stderr[-3000:]
        assert done.stdout.strip().splitlines()[-1] == "['A(a)', 'A(b)'] on Ray · 1 worker"
    finally:
        os.killpg(head.pid, signal.SIGTERM)  # the head and the processes it started
        head.wait(timeout=60)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])
