"""The lab in a notebook: saved size, creation messages, comms per view, and a run's overhead.

    python bench/bench_lab.py               # 6 views, a 200-step run, 5 trials each

Two notebooks, each run in a real Jupyter kernel driven by nbclient (as "Run All" would; no
browser, so no snapshot comes back and the local `dot` draws the static picture): one shows the
views whose saved state is measured, the other makes the measurements below it.

  saved widget state   a notebook showing 6 LabViews (each after a short run), executed and
                       saved with its widget state (nbclient stores it, like JupyterLab's
                       "save widget state"): the size of that state, and of the whole file.
  creation message     the `comm_open` state of one more LabView and GraphView (what reaches the
                       browser when a view is created; the first view on a page also gets the
                       Graphviz runtime once, as a custom message: its size is shown apart).
  comms per view       widgets (comms) a LabView opens.
  %%dspyer overhead    a 200-step run (write (LLM, ScriptedLM latency 0) -> count (Python), 100
                       rounds) run bare (`program.aforward`) and through the `%%dspyer` cell magic
                       (which builds and shows a LabView and runs it, streaming tokens by default;
                       also with --no-stream), interleaved, in the same kernel; median wall time.
                       Target: %%dspyer <= 1.3x bare. A latency-0 model is the worst case for the
                       lab: its fixed cost per model call is not hidden behind any waiting.
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
from pathlib import Path
from textwrap import dedent

import nbformat

ROOT = Path(__file__).resolve().parent.parent

SETUP = f"""
import json, os, statistics, sys, time
os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
sys.path[:0] = [{str(ROOT)!r}, {str(ROOT / "bench")!r}]
import ipywidgets
from ipywidgets.widgets.widget import _instances
from bench_graphview import fresh_lm, loop_program
from dspyer_lab import GraphView, LabView
from dspyer_lab.lab.runner import run_blocking
from dspyer_lab.lab.widgets.runtime import runtime_bytes
import dspy
%load_ext dspyer_lab
small = loop_program(2)
program = loop_program(100)  # 200 node executions
"""
VIEW = """
view = LabView(small)
display(view)
with dspy.context(lm=fresh_lm()):
    run_blocking(view.run(topic="owls"))
"""
MEASURE = """
def opened(make):
    before = set(_instances)
    view = make()
    new = [w for key, w in _instances.items() if key not in before]
    sizes = [len(json.dumps(w.get_state(), default=str)) for w in new]
    return view, len(new), sum(sizes)

_, lab_comms, lab_bytes = opened(lambda: LabView(small))
_, graph_comms, graph_bytes = opened(lambda: GraphView(small))
print(json.dumps({"lab_comms": lab_comms, "lab_bytes": lab_bytes, "graph_comms": graph_comms,
                  "graph_bytes": graph_bytes, "runtime_bytes": len(runtime_bytes())}))
"""
TIMING = """
def bare_run():
    with dspy.context(lm=fresh_lm()):
        start = time.perf_counter()
        run_blocking(program.aforward(topic="owls"))
        return time.perf_counter() - start

def magic_run(flags=""):
    start = time.perf_counter()
    get_ipython().run_cell_magic("dspyer", "-i topic=owls --lm scripted --program program " + flags, "lm = fresh_lm()")
    return time.perf_counter() - start

paths = {{"bare": bare_run, "magic": magic_run, "magic_no_stream": lambda: magic_run("--no-stream")}}
for fn in paths.values():
    fn()  # warm up every path
times = {{name: [] for name in paths}}
for i in range({repeats}):
    for name in (list(paths) if i % 2 == 0 else list(reversed(paths))):
        times[name].append(paths[name]())
print(json.dumps({{name: statistics.median(t) for name, t in times.items()}}))
"""


def executed(cells: list[str]) -> nbformat.NotebookNode:
    """A notebook of `cells`, run top to bottom in a fresh kernel (widget state stored, as on save)."""
    from nbclient import NotebookClient

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(dedent(c).strip()) for c in cells])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    NotebookClient(nb, timeout=600, kernel_name="python3").execute()
    return nb


def run(views: int, repeats: int) -> dict[str, float]:
    # Two notebooks: nbclient keeps the state of every widget ever opened (it ignores comm_close,
    # where JupyterLab drops a closed widget), so the views made by the timings would count as saved.
    shown = executed([SETUP, *[VIEW] * views])
    state = shown.metadata.get("widgets", {}).get("application/vnd.jupyter.widget-state+json", {}).get("state", {})
    figures: dict[str, float] = {
        "widget_state_bytes": len(json.dumps(state)),
        "notebook_bytes": len(nbformat.writes(shown)),
        "views": views,
    }
    measured = executed([SETUP, MEASURE, TIMING.format(repeats=repeats)])
    for cell in measured.cells[-2:]:
        text = "".join(o.get("text", "") for o in cell.outputs if o["output_type"] == "stream")
        figures.update(json.loads(text.strip().splitlines()[-1]))
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--views", type=int, default=6)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    f = run(args.views, args.repeats)
    print(f"python {platform.python_version()}, {platform.machine()}; kernels via nbclient")
    print("| figure | measured | target |")
    print("|---|---:|---:|")
    print(f"| widget state saved, {f['views']} LabViews | {f['widget_state_bytes'] / 1e6:.2f} MB | <= 1.6 MB |")
    print(f"| whole notebook file, {f['views']} LabViews | {f['notebook_bytes'] / 1e6:.2f} MB | |")
    print(f"| LabView creation message(s) | {f['lab_bytes'] / 1e3:.0f} KB | < 100 KB |")
    print(f"| GraphView creation message | {f['graph_bytes'] / 1e3:.0f} KB | < 100 KB |")
    print(f"| Graphviz runtime, once per page (custom message, not saved) | {f['runtime_bytes'] / 1e6:.2f} MB | |")
    print(f"| comms per LabView / GraphView | {f['lab_comms']} / {f['graph_comms']} | a handful |")
    for label, key in (("%%dspyer (tokens streamed, the default)", "magic"), ("%%dspyer --no-stream", "magic_no_stream")):
        print(f"| 200-step run: bare / {label} (median of {args.repeats}) | {f['bare']:.3f} s / {f[key]:.3f} s"
              f" = {f[key] / f['bare']:.2f}x | <= 1.3x |")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
