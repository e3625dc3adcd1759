"""Concurrency benchmark: N concurrent runs of a two-LLM-node chain (question -> draft -> answer).

Every run makes two chained model calls against the loopback `ChatServer`, which waits
`--latency` seconds (default 200 ms) before each answer, so the ideal wall time of N
concurrent runs is 2 x latency whatever N is. The server runs in a thread of this process
(sharing the GIL: a streamed answer's per-chunk server work competes with the client), or with
`--server-process` in a child process. Configurations, all in one process and against the
same kind of server:

  hand-written   the two calls written by hand with `dspy.Predict(sig).acall`, chained
  hand-written +tokens  the same two calls streamed by hand with `dspy.streamify` and a
                 `StreamListener` per output field, every chunk read (what DSPy's own streaming costs)
  dspyer-lab     `await program.aforward(...)` of a dspyer_lab graph with two StatefulNodes
  astream        every event of `program.astream(...)` read: the default, an `lm_call` per model call
  astream -calls the same with `_lm_calls=False` (what capturing the model calls costs)
  astream +tokens the same with `_stream_tokens=True`: the server streams (SSE, word by word over
                 the same latency) and `token` events are made (what streaming costs)
  dspyer 0.3.6   the same graph on the PyPI package `dspyer==0.3.6` (skipped if not installed)

Fairness: every trial gets a fresh server, a fresh `dspy.LM` (so fresh connection pools:
no kept-alive connection from an earlier trial), and a fresh event loop (so a fresh
default thread pool). All configurations use identical LM settings; trials are
interleaved (hand, ours, dspyer, hand, ...) so machine drift hits them alike.

    python bench/bench_concurrency.py                    # N = 64 and 256, 3 trials each
    python bench/bench_concurrency.py --n 64 --repeats 5
    python bench/bench_concurrency.py --only hand-written "hand-written +tokens" astream "astream +tokens" --server-process
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")  # offline: no model-metadata download

import dspy
from dspy.streaming import StreamListener
from pydantic import BaseModel, Field

import dspyer_lab
from dspyer_lab.testing import ChatServer

# --------------------------------------------------------------------------- the chain, three ways

DRAFT_DOC = "Write a short first draft answering the question."
ANSWER_DOC = "Polish the draft into the final answer to the question."


class Question(BaseModel):
    question: str = Field(description="The user's question")


class Draft(BaseModel):
    draft: str = Field(description="A first draft of the answer")


class QuestionAndDraft(BaseModel):
    question: str = Field(description="The user's question")
    draft: str = Field(description="A first draft of the answer")


class Answer(BaseModel):
    answer: str = Field(description="The final answer")


class DraftSig(dspy.Signature):
    """Write a short first draft answering the question."""

    question: str = dspy.InputField(desc="The user's question")
    draft: str = dspy.OutputField(desc="A first draft of the answer")


class AnswerSig(dspy.Signature):
    """Polish the draft into the final answer to the question."""

    question: str = dspy.InputField(desc="The user's question")
    draft: str = dspy.InputField(desc="A first draft of the answer")
    answer: str = dspy.OutputField(desc="The final answer")


Chain = Callable[[str], Awaitable[str]]


def hand_written() -> Chain:
    draft, answer = dspy.Predict(DraftSig), dspy.Predict(AnswerSig)

    async def run(question: str) -> str:
        d = await draft.acall(question=question)
        return (await answer.acall(question=question, draft=d.draft)).answer

    return run


class HandChain(dspy.Module):
    """The hand-written chain as one DSPy module, so `dspy.streamify` can stream both of its calls."""

    def __init__(self) -> None:
        super().__init__()
        self.draft, self.answer = dspy.Predict(DraftSig), dspy.Predict(AnswerSig)

    async def aforward(self, question: str) -> dspy.Prediction:
        d = await self.draft.acall(question=question)
        return await self.answer.acall(question=question, draft=d.draft)


def hand_streamed() -> Chain:
    """The hand-written chain under `dspy.streamify`, a `StreamListener` per output field, every chunk read.

    A listener keeps the state of one stream, so each run gets its own listeners (and so its own
    `streamify` wrapper): sharing them across concurrent runs would mix the runs' chunks.
    """
    chain = HandChain()

    async def run(question: str) -> str:
        listeners = [StreamListener("draft", predict=chain.draft, predict_name="draft"),
                     StreamListener("answer", predict=chain.answer, predict_name="answer")]
        stream = dspy.streamify(chain, stream_listeners=listeners, is_async_program=True)
        texts: dict[str, str] = {}
        result: dspy.Prediction | None = None
        async for value in stream(question=question):
            if isinstance(value, dspy.Prediction):
                result = value
            elif isinstance(value, dspy.streaming.StreamResponse):
                texts[value.signature_field_name] = texts.get(value.signature_field_name, "") + value.chunk
        if result is None or texts.get("answer") != result.answer:
            raise RuntimeError(f"streamed text {texts.get('answer')!r} is not the answer {result!r}")
        return result.answer

    return run


def build_graph(module) -> object:
    """The same two-node graph for dspyer_lab and dspyer 0.3.6 (they share the graph API)."""
    graph = module.Graph()
    graph.add_node(module.StatefulNode("drafter", Question, Draft, instructions=DRAFT_DOC))
    graph.add_node(module.StatefulNode("writer", QuestionAndDraft, Answer, instructions=ANSWER_DOC))
    graph.add_edge("drafter", "writer")
    graph.add_edge("writer", "__end__")
    graph.set_entry_point("drafter")
    return graph


def transpiled(module) -> Chain:
    program = module.AgentTranspiler.compile(build_graph(module), output_model=Answer)

    async def run(question: str) -> str:
        return (await program.aforward(question=question)).answer

    return run


def streamed(**options: object) -> Chain:
    """The dspyer_lab program with every event of `astream` read (what a view or a log consumer pays)."""
    program = dspyer_lab.AgentTranspiler.compile(build_graph(dspyer_lab), output_model=Answer)

    async def run(question: str) -> str:
        last: dict = {}
        async for event in program.astream(question=question, **options):
            last = event
        return last["output"]["answer"]

    return run


def dspyer_module():
    try:
        import dspyer
    except ImportError:
        return None
    return dspyer


# --------------------------------------------------------------------------- trials


@dataclass
class Trial:
    seconds: float
    """Wall time of the batch."""
    cpu: float
    """CPU time of the batch, client and server: overhead, less noisy than wall time."""
    client_cpu: float
    """`cpu` less the server's: what the client alone spent (a streamed answer costs the server too)."""
    max_in_flight: int
    """The most requests the server held at once."""


SERVER_SCRIPT = """
import json, sys, time
from dspyer_lab.testing import ChatServer
with ChatServer(latency=float(sys.argv[1])) as server:
    print(server.base_url, flush=True)
    for _ in sys.stdin:  # each line asks for the counters and the CPU this process has used
        stats = {"requests": server.request_count, "max_in_flight": server.max_in_flight, "cpu": time.process_time()}
        print(json.dumps(stats), flush=True)
"""


class InProcessServer:
    """The `ChatServer` in a thread of this process (the default): it shares the GIL with the client."""

    def __init__(self, latency: float) -> None:
        self.server = ChatServer(latency=latency)

    def __enter__(self) -> InProcessServer:
        self.server.start()
        assert self.server._thread is not None and self.server._thread.ident is not None
        self._clock = time.pthread_getcpuclockid(self.server._thread.ident)  # the server thread's CPU clock
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.stop()

    @property
    def base_url(self) -> str:
        return self.server.base_url

    def cpu(self) -> float:
        """CPU seconds the server has used (its thread's clock)."""
        return time.clock_gettime(self._clock)

    def counters(self) -> tuple[int, int]:
        """Requests answered and the most held at once."""
        return self.server.request_count, self.server.max_in_flight


class ChildProcessServer:
    """The `ChatServer` in a child process: no GIL shared with the client, its CPU is its own process's."""

    def __init__(self, latency: float) -> None:
        env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(Path(__file__).resolve().parent.parent),
                                                            os.environ.get("PYTHONPATH", "")])}
        self._process = subprocess.Popen([sys.executable, "-c", SERVER_SCRIPT, str(latency)], env=env, text=True,
                                         stdin=subprocess.PIPE, stdout=subprocess.PIPE)

    def __enter__(self) -> ChildProcessServer:
        assert self._process.stdout is not None
        self.base_url = self._process.stdout.readline().strip()
        if not self.base_url:
            raise RuntimeError("the ChatServer child process did not start")
        return self

    def __exit__(self, *exc: object) -> None:
        assert self._process.stdin is not None
        self._process.stdin.close()
        self._process.wait(timeout=30)

    def _ask(self) -> dict:
        assert self._process.stdin is not None and self._process.stdout is not None
        self._process.stdin.write("stats\n")
        self._process.stdin.flush()
        return json.loads(self._process.stdout.readline())

    def cpu(self) -> float:
        return float(self._ask()["cpu"])

    def counters(self) -> tuple[int, int]:
        stats = self._ask()
        return stats["requests"], stats["max_in_flight"]


Server = InProcessServer | ChildProcessServer


def make_lm(base_url: str) -> dspy.LM:
    return dspy.LM("openai/test-model", api_base=base_url, api_key="test", cache=False)


async def _timed(make_chain: Callable[[], Chain], n: int, server: Server) -> Trial:
    lm = make_lm(server.base_url)
    try:
        with dspy.context(lm=lm):
            chain = make_chain()
            server_started = server.cpu()
            started, cpu_started = time.perf_counter(), time.process_time()
            answers = await asyncio.gather(*(chain(f"question {i}") for i in range(n)))
            seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
            server_cpu = server.cpu() - server_started
    finally:
        await lm.aclose()
    requests, max_in_flight = server.counters()
    if requests != 2 * n or len(set(answers)) != n or not all(a.startswith("answer ") for a in answers):
        distinct = len(set(answers))
        raise RuntimeError(f"bad run: {requests} requests for {n} chains, {distinct} distinct answers")
    if isinstance(server, InProcessServer):  # the process's CPU includes the server thread's
        return Trial(seconds, cpu, cpu - server_cpu, max_in_flight)
    return Trial(seconds, cpu + server_cpu, cpu, max_in_flight)


def trial(make_chain: Callable[[], Chain], n: int, latency: float, child_server: bool = False) -> Trial:
    """One timed batch of n concurrent chains: fresh server, fresh LM, fresh event loop."""
    with (ChildProcessServer if child_server else InProcessServer)(latency) as server:
        return asyncio.run(_timed(make_chain, n, server))


# --------------------------------------------------------------------------- report


def versions() -> str:
    def v(dist: str) -> str:
        try:
            return metadata.version(dist)
        except metadata.PackageNotFoundError:
            return "not installed"

    cpus = os.cpu_count() or 1
    return (
        f"machine: {platform.machine()}, nproc={cpus} (default thread pool: {min(32, cpus + 4)} threads), "
        f"{platform.system()} {platform.release()}\n"
        f"python {platform.python_version()}, dspy {v('dspy')}, dspyer-lab {v('dspyer-lab')}, "
        f"dspyer {v('dspyer')}, litellm {v('litellm')}"
    )


def cell(trials: list[Trial] | None) -> str:
    if not trials:
        return "n/a"
    times = [t.seconds for t in trials]
    return f"{statistics.median(times):.2f} s (best {min(times):.2f})"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, nargs="+", default=[64, 256], help="concurrent runs per batch")
    parser.add_argument("--repeats", type=int, default=3, help="trials per configuration and N")
    parser.add_argument("--latency", type=float, default=0.2, help="server latency per answer, seconds")
    parser.add_argument("--only", nargs="+", metavar="NAME", help="run only these configurations (names as in the table)")
    parser.add_argument("--server-process", action="store_true",
                        help="run the ChatServer in a child process (no GIL shared with the client)")
    args = parser.parse_args()

    old = dspyer_module()
    configs: dict[str, Callable[[], Chain] | None] = {
        "hand-written": hand_written,
        "hand-written +tokens": hand_streamed,
        "dspyer-lab": lambda: transpiled(dspyer_lab),
        "astream": streamed,
        "astream -calls": lambda: streamed(_lm_calls=False),
        "astream +tokens": lambda: streamed(_stream_tokens=True),
        "dspyer 0.3.6": (lambda: transpiled(old)) if old is not None else None,
    }
    if unknown := sorted(set(args.only or ()) - set(configs)):
        parser.error(f"unknown configuration(s) {unknown}; known: {list(configs)}")
    runnable = {name: make for name, make in configs.items() if make is not None and name in (args.only or configs)}
    for make in runnable.values():  # warm-up: lazy imports and caches, outside every timing
        trial(make, 2, 0.0, args.server_process)

    load_before = " ".join(f"{x:.2f}" for x in os.getloadavg())
    results: dict[tuple[str, int], list[Trial]] = {}
    for n in args.n:
        for rep in range(args.repeats):
            for name, make in runnable.items():
                t = trial(make, n, args.latency, args.server_process)
                results.setdefault((name, n), []).append(t)
                print(
                    f"  N={n} trial {rep + 1}/{args.repeats} {name:>15}: {t.seconds:.3f} s, cpu {t.cpu:.3f} s "
                    f"(client {t.client_cpu:.3f} s), "
                    f"server max in flight {t.max_in_flight}",
                    file=sys.stderr,
                    flush=True,
                )

    ideal = 2 * args.latency
    print(versions())
    print(f"ChatServer in {'a child process' if args.server_process else 'this process (a thread)'}; "
          f"load average before / after: {load_before} / {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"\nmedian of {args.repeats} trials (best in parentheses); ideal = 2 x {args.latency * 1000:.0f} ms\n")
    print("| N | ideal | " + " | ".join(runnable) + " |")
    print("|---|---|" + "---|" * len(runnable))
    for n in args.n:
        print(f"| {n} | {ideal:.2f} s | " + " | ".join(cell(results[(name, n)]) for name in runnable) + " |")

    def ratio(name: str, base: str, n: int, of: Callable[[Trial], float]) -> str:
        return f"{statistics.median(map(of, results[(name, n)])) / statistics.median(map(of, results[(base, n)])):.2f}x"

    pairs = [(a, b) for a, b in [
        ("dspyer-lab", "hand-written"), ("astream", "hand-written"), ("astream -calls", "hand-written"),
        ("astream", "astream -calls"), ("astream +tokens", "astream"), ("hand-written +tokens", "hand-written"),
        ("astream +tokens", "hand-written +tokens"),
    ] if a in runnable and b in runnable]
    print("\nratios of medians, wall time / client CPU (targets: astream <= 1.1x hand-written, +tokens <= 1.2x astream)\n")
    print("| N | " + " | ".join(f"{a} / {b}" for a, b in pairs) + " |")
    print("|---|" + "---|" * len(pairs))
    for n in args.n:
        cells = [f"{ratio(a, b, n, lambda t: t.seconds)} / {ratio(a, b, n, lambda t: t.client_cpu)}" for a, b in pairs]
        print(f"| {n} | " + " | ".join(cells) + " |")
    print("\nclient CPU seconds per batch (median; the server's CPU not counted)\n")
    print("| N | " + " | ".join(runnable) + " |")
    print("|---|" + "---|" * len(runnable))
    for n in args.n:
        cells = [f"{statistics.median(t.client_cpu for t in results[(name, n)]):.2f} s" for name in runnable]
        print(f"| {n} | " + " | ".join(cells) + " |")
    where = "a child process" if args.server_process else "a thread of this process, sharing the GIL with the client"
    print(f"\nserver CPU seconds per batch (median; the ChatServer runs in {where})\n")
    print("| N | " + " | ".join(runnable) + " |")
    print("|---|" + "---|" * len(runnable))
    for n in args.n:
        cells = [f"{statistics.median(t.cpu - t.client_cpu for t in results[(name, n)]):.2f} s" for name in runnable]
        print(f"| {n} | " + " | ".join(cells) + " |")
    print("\nCPU seconds per batch, client and server (median) / server-side max concurrent requests (max over trials)\n")
    print("| N | " + " | ".join(runnable) + " |")
    print("|---|" + "---|" * len(runnable))
    for n in args.n:
        cells = []
        for name in runnable:
            trials = results[(name, n)]
            cells.append(f"{statistics.median(t.cpu for t in trials):.2f} s / {max(t.max_in_flight for t in trials)}")
        print(f"| {n} | " + " | ".join(cells) + " |")
    print(f"\ncommand: python {' '.join(sys.argv)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
