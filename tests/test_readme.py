"""The README's code runs as written: the plain-Python quickstart, then the notebook quickstart in a kernel."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

README = Path(__file__).resolve().parent.parent / "README.md"


def python_blocks() -> list[str]:
    return re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), re.S)


def test_plain_python_quickstart_runs(capsys: pytest.CaptureFixture[str]) -> None:
    exec(compile(python_blocks()[0], "README quickstart", "exec"), {"__name__": "readme"})
    out = capsys.readouterr().out
    assert "Answer(answer='Paris.', confidence=0.9)" in out
    assert "validation_error answer" in out and "confidence must be between 0 and 1" in out


def test_pause_edit_resume_fork_example_runs(capsys: pytest.CaptureFixture[str]) -> None:
    [block] = [b for b in python_blocks() if "RunPaused" in b]
    exec(compile(block, "README pause/resume/fork", "exec"), {"__name__": "readme"})
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "name before {'topic': 'the sea', 'draft': 'Tides pull.'}"
    assert lines[1] == "title='WAVES RISE.'"  # the model saw the edited draft
    assert lines[2:4] == ["run_start 1 ", "update  {'draft': 'Salt.'}"]  # the fork names the step it branched after
    assert lines[-1] == "finished  {'title': 'SALT.'}"


def test_lab_debugger_example_runs(capsys: pytest.CaptureFixture[str]) -> None:
    [pause] = [b for b in python_blocks() if "RunPaused" in b]
    [lab] = [b for b in python_blocks() if "view.fork(" in b]
    namespace = {"__name__": "readme"}
    exec(compile(pause, "README pause/resume/fork", "exec"), namespace)
    capsys.readouterr()
    exec(compile(lab, "README lab debugger", "exec"), namespace)
    lines = capsys.readouterr().out.splitlines()
    assert lines == ["{'before': ['name'], 'after': []}", "None paused before node 'name' · step 1",
                     "title='WAVES RISE.'", "2 {'name': 'changed'}"]


def test_model_calls_and_streaming_example_runs(capsys: pytest.CaptureFixture[str]) -> None:
    [block] = [b for b in python_blocks() if "_stream_tokens=True" in b]
    exec(compile(block, "README model calls", "exec"), {"__name__": "readme"})
    printed = capsys.readouterr().out.splitlines()
    documented = [line[2:] for line in block.splitlines() if line.startswith("# ")]
    assert printed == documented and len(printed) == 7


@pytest.mark.kernel
def test_notebook_quickstart_runs_in_a_kernel(tmp_path: Path) -> None:
    setup, load, magic = python_blocks()[:3]
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell(setup.replace("asyncio.run(main())", "await main()")),
        nbformat.v4.new_code_cell(load),
        nbformat.v4.new_code_cell(magic),
        nbformat.v4.new_code_cell("print(repr(result), dspyer_view.graph.node_status)"),
    ]
    NotebookClient(nb, kernel_name="python3", timeout=120, resources={"metadata": {"path": str(tmp_path)}}).execute()
    [out] = nb.cells[-1].outputs
    assert out["text"].strip() == "Answer(answer='Paris.', confidence=0.9) {'answer': 'done'}"
    assert any("application/vnd.jupyter.widget-view+json" in o.get("data", {}) for o in nb.cells[2].outputs)
