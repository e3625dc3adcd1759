"""Every code block of the README runs as it stands, in the place it names.

A ```python script``` block is a file run with `python` in an empty folder; a ```python notebook``` block is
cells (split at `# %%`) in a fresh kernel; a ```bash``` block's commands run as written (a command that starts
a server is stopped once it serves; `pytest` only collects, as running the suite inside itself would recurse).
What a block says it prints (its `# ...` comments) is checked for the blocks that print.
"""

from __future__ import annotations

import importlib.metadata
import os
import re
import shlex
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

REPO = Path(__file__).resolve().parent.parent
README = REPO / "README.md"


@dataclass
class Block:
    lang: str
    place: str
    source: str
    line: int

    def __repr__(self) -> str:
        return f"README:{self.line}"


def blocks() -> list[Block]:
    text = README.read_text(encoding="utf-8")
    found = []
    for match in re.finditer(r"^```(\w*)(?: (\w+))?\n(.*?)^```$", text, re.S | re.M):
        line = text.count("\n", 0, match.start()) + 1
        found.append(Block(match.group(1), match.group(2) or "", match.group(3), line))
    return found


def of(lang: str, place: str = "") -> list[Block]:
    return [b for b in blocks() if b.lang == lang and (not place or b.place == place)]


def the_block(place: str, marker: str) -> Block:
    [block] = [b for b in of("python", place) if marker in b.source]
    return block


def run_script(block: Block, folder: Path) -> list[str]:
    """Run the block as `python block.py` in `folder`; its printed lines."""
    script = folder / "block.py"
    script.write_text(block.source, encoding="utf-8")
    done = subprocess.run([sys.executable, str(script)], cwd=folder, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, f"{block!r} failed:\n{done.stderr[-3000:]}"
    return done.stdout.splitlines()


def test_every_block_names_its_language_and_every_python_block_its_place() -> None:
    found = blocks()
    assert found and all(b.lang in ("python", "bash") for b in found), [(b, b.lang) for b in found]
    assert all(b.place in ("script", "notebook") for b in found if b.lang == "python")
    assert len(of("python", "notebook")) >= 1 and len(of("python", "script")) >= 5


@pytest.mark.parametrize("block", of("python", "script"), ids=repr)
def test_script_block_runs_alone(block: Block, tmp_path: Path) -> None:
    run_script(block, tmp_path)


def test_plain_python_quickstart_prints_the_self_correction(tmp_path: Path) -> None:
    out = "\n".join(run_script(the_block("script", "program.astream(question="), tmp_path))
    assert "Answer(answer='Paris.', confidence=0.9)" in out
    assert "validation_error answer" in out and "confidence must be between 0 and 1" in out


def test_model_calls_and_streaming_block_prints_what_it_says(tmp_path: Path) -> None:
    block = the_block("script", "_stream_tokens=True")
    documented = [line[2:] for line in block.source.splitlines() if line.startswith("# ")]
    assert run_script(block, tmp_path) == documented and len(documented) == 7


def test_pause_edit_resume_fork_block_prints_what_it_says(tmp_path: Path) -> None:
    lines = run_script(the_block("script", "Checkpoint, Graph, RunPaused"), tmp_path)
    assert lines[0] == "name before {'topic': 'the sea', 'draft': 'Tides pull.'}"
    assert lines[1] == "title='WAVES RISE.'"  # the model saw the edited draft
    assert lines[2:4] == ["run_start 1 ", "update  {'draft': 'Salt.'}"]  # the fork names the step it branched after
    assert lines[-1] == "finished  {'title': 'SALT.'}"


def test_person_in_the_loop_block_prints_what_it_says(tmp_path: Path) -> None:
    lines = run_script(the_block("script", "HumanNode"), tmp_path)
    question = "review Approve the draft, or edit it before it is sent."
    assert lines[0] == question + " []"
    assert lines[1].startswith(question + " [{'loc': ['approved']") and "'loc': ['draft']" in lines[1]
    assert lines[2:] == ["send Send 'Tea at 6?' now? []", "True"]


def test_lab_debugger_block_prints_what_it_says(tmp_path: Path) -> None:
    assert run_script(the_block("script", "view.fork("), tmp_path) == [
        "{'before': ['name'], 'after': []}", "None paused before node 'name' · step 1",
        "title='WAVES RISE.'", "2 {'name': 'changed'}",
    ]


def test_dataset_block_prints_what_it_says(tmp_path: Path) -> None:
    assert run_script(the_block("script", "BatchStats(batch.total)"), tmp_path) == [
        "['Answer', 'Answer', 'NodeValidationError']",
        "0.6666666666666666 1 NodeValidationError",
    ]


def test_batchview_block_prints_what_it_says(tmp_path: Path) -> None:
    assert run_script(the_block("script", "BatchView(program)"), tmp_path) == [
        "['finished', '3/3 done', '1 failed']",
        "1 · failed · NodeValidationError in node 'answer'",
    ]


def run_in_a_fresh_kernel(block: Block, tmp_path: Path, *more: str) -> list[nbformat.NotebookNode]:
    """Run a notebook block's cells (split at ``# %%``), then cells `more`, in a fresh kernel; the cells run."""
    cells = [cell.strip("\n") for cell in re.split(r"^# %%$", block.source, flags=re.M)]
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(c) for c in [*cells, *more]]
    NotebookClient(nb, kernel_name="python3", timeout=120, resources={"metadata": {"path": str(tmp_path)}}).execute()
    return list(nb.cells)


def printed_by(cell: nbformat.NotebookNode) -> list[str]:
    return "".join(o["text"] for o in cell.outputs if o["output_type"] == "stream").splitlines()


@pytest.mark.kernel
def test_notebook_quickstart_runs_alone_in_a_fresh_kernel(tmp_path: Path) -> None:
    block = of("python", "notebook")[0]
    cells = run_in_a_fresh_kernel(block, tmp_path, "print(repr(result), dspyer_view.graph.node_status)")
    [out] = cells[-1].outputs
    assert out["text"].strip() == "Answer(answer='Paris.', confidence=0.9) {'answer': 'done'}"
    assert any("application/vnd.jupyter.widget-view+json" in o.get("data", {}) for o in cells[-2].outputs)


@pytest.mark.kernel
def test_fix_and_optimize_block_prints_what_it_says(tmp_path: Path) -> None:
    [block] = [b for b in of("python", "notebook") if "OptimizeView(" in b.source]
    fixed, tuned = run_in_a_fresh_kernel(block, tmp_path)
    assert printed_by(fixed) == ["True {'grade': 7, 'comment': 'ok'}", "grade=7 comment='ok'"]
    lines = printed_by(tuned)
    assert lines[-2:] == ["finished · 2/2 examples", "[2]"], lines  # BootstrapFewShot runs no trials: it bootstraps


# -- the bash blocks ------------------------------------------------------------------------


def commands() -> list[str]:
    """Every command of the bash blocks, once each (`a && b` split in two)."""
    found = []
    for block in of("bash"):
        for line in block.source.splitlines():
            line = line.split("  #")[0].strip()
            found += [part.strip() for part in line.split("&&") if part.strip() and part.strip() not in found]
    return found


def test_the_readme_opens_with_the_two_set_up_commands() -> None:
    first = of("bash")[0].source.splitlines()
    assert first == ['pip install -e ".[lab]" && dspyer-lab', 'pip install -e ".[dev]" && pytest']


def test_every_pip_install_names_extras_the_package_has() -> None:
    extras = importlib.metadata.metadata("dspyer-lab").get_all("Provides-Extra") or []
    installs = [c for c in commands() if c.startswith("pip install")]
    assert installs
    for command in installs:
        *_, target = shlex.split(command)
        named = re.fullmatch(r"\.\[(.+)\]", target)
        assert named and set(named.group(1).split(",")) <= set(extras), command


@pytest.mark.parametrize("command", [c for c in commands() if c.startswith("pytest")])
def test_pytest_commands_select_tests(command: str) -> None:
    args = shlex.split(command)[1:]
    env = {k: v for k, v in os.environ.items() if k != "PYTEST_ADDOPTS"}
    done = subprocess.run([sys.executable, "-m", "pytest", *args, "--collect-only", "-q", "-p", "no:cacheprovider"],
                          cwd=REPO, capture_output=True, text=True, timeout=300, env=env)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert re.search(r"^(\d+)/\d+ tests collected|^(\d+) tests? collected", done.stdout, re.M), done.stdout[-500:]


@pytest.mark.parametrize("command", [c for c in commands() if c.split()[0] in ("mypy", "ruff")])
def test_checker_commands_pass(command: str) -> None:
    done = subprocess.run([sys.executable, "-m", *shlex.split(command)], cwd=REPO, capture_output=True, text=True,
                          timeout=600)
    assert done.returncode == 0, done.stdout[-3000:]


def test_every_command_is_one_the_tests_run() -> None:
    for command in commands():
        assert command.split()[0] in ("pip", "pytest", "mypy", "ruff", "dspyer-lab"), command


@pytest.mark.kernel
def test_dspyer_lab_serves_the_quickstart_notebook(tmp_path: Path) -> None:
    """`dspyer-lab` as written: JupyterLab starts on the copied quickstart (BROWSER=true: no browser opens)."""
    import threading
    import urllib.error
    import urllib.request

    [command] = [c for c in commands() if c == "dspyer-lab"]
    server = subprocess.Popen(shlex.split(command), cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              text=True, env={**os.environ, "BROWSER": "true"}, start_new_session=True)
    log: list[str] = []
    url = threading.Event()
    found: list[str] = []

    def read() -> None:  # the whole log, so the server never blocks on a full pipe
        assert server.stdout is not None
        for line in server.stdout:
            log.append(line)
            match = re.search(r"http://(?:127\.0\.0\.1|localhost):(\d+)/lab/tree/01_quickstart\.ipynb\?token=(\w+)", line)
            if match and not found:
                found.extend(match.groups())
                url.set()
        url.set()  # the server exited

    threading.Thread(target=read, daemon=True).start()
    try:
        assert url.wait(timeout=120) and found, "JupyterLab printed no URL for the quickstart:\n" + "".join(log)
        port, token = found
        api = f"http://127.0.0.1:{port}/api/contents/01_quickstart.ipynb?token={token}"  # `localhost` may be ::1
        body = b""
        for _ in range(600):  # until the server answers (it has printed its URL, so it is about to), or exits
            try:
                with urllib.request.urlopen(api, timeout=30) as reply:
                    body = reply.read()
                break
            except urllib.error.URLError:
                assert server.poll() is None, "JupyterLab exited:\n" + "".join(log)
                url.wait(0.1)
        assert b'"%%dspyer' in body, "".join(log)
        assert sorted(p.name for p in (tmp_path / "dspyer-lab-notebooks").glob("*.ipynb"))[0] == "01_quickstart.ipynb"
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=60)


@pytest.mark.kernel
def test_dspyer_lab_execute_writes_the_quickstart_as_html_without_a_browser(tmp_path: Path) -> None:
    done = subprocess.run(["dspyer-lab", "--execute"], cwd=tmp_path, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    html = (tmp_path / "dspyer-lab-notebooks" / "01_quickstart.html").read_text(encoding="utf-8")
    assert "wrote dspyer-lab-notebooks/01_quickstart.html" in done.stdout
    assert "answer: attempt 1 rejected" in done.stdout  # what the quickstart printed, in the terminal too
    assert "data:image/svg+xml" in html and "application/vnd.jupyter.widget-state+json" not in html
