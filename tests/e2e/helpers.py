"""Drive a real JupyterLab (or Notebook 7) in headless Chromium: start the server, open a notebook, run it, read the page.

The e2e fixtures (tests/e2e/conftest.py) build on these; tests import what they need from here, e.g.
``from e2e.helpers import open_and_run_all, wait_for_output``.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import socket
import subprocess
import sys
import textwrap
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import nbformat

if TYPE_CHECKING:
    from playwright.sync_api import Locator, Page

__all__ = [
    "CHROMIUM_ARGS",
    "LabServer",
    "MarimoServer",
    "RunError",
    "StatusRecorder",
    "cell_outputs",
    "chromium_path",
    "css_string",
    "notebook_with_cells",
    "open_and_run_all",
    "open_bundle_page",
    "open_notebook",
    "picture",
    "run_all",
    "run_cell",
    "start_lab",
    "start_marimo",
    "start_notebook7",
    "timed_click",
    "wait_for_run",
    "wait_for_output",
    "wait_for_view_settled",
    "write_notebook",
]

CHROMIUM_ARGS = [
    "--no-sandbox",  # CI runs as root, where Chromium's sandbox refuses to start
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
KERNELSPEC = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
# JupyterLab's own calls home: the "would you like news?" toast and the update check, both off.
_USER_SETTINGS = {
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
        "fetchNews": "false",
        "checkForUpdates": False,
    },
}
_PAGE_CONFIG = {"disabledExtensions": {"@jupyterlab/apputils-extension:announcements": True}}
_NOTEBOOK = ".jp-NotebookPanel"
_ERROR_OUTPUT = f'{_NOTEBOOK} [data-mime-type="application/vnd.jupyter.error"]'
_STDERR_OUTPUT = f'{_NOTEBOOK} [data-mime-type="application/vnd.jupyter.stderr"]'
# Exposed by --LabApp.expose_app_in_browser (set by start_lab).
_KERNEL_READY_JS = """(path) => {
  const panel = [...(window.jupyterapp?.shell.widgets('main') ?? [])].find(w => w.context?.path === path);
  const session = panel?.sessionContext, kernel = session?.session?.kernel;
  return Boolean(session?.isReady && kernel?.connectionStatus === 'connected' && kernel.status === 'idle');
}"""
# Run All has started once some code cell is queued, running or done (its prompt is no longer "[ ]").
_RUN_STARTED_JS = """(notebook) => [...document.querySelectorAll(`${notebook} .jp-CodeCell .jp-InputPrompt`)]
  .some(p => /\\[(\\*|\\d+)\\]/.test(p.textContent))"""
# Run All has finished when no cell is queued/running ("[*]") and every cell ran ("[n]") or one raised.
_RUN_DONE_JS = """([notebook, errorOutput]) => {
  const prompts = [...document.querySelectorAll(`${notebook} .jp-CodeCell .jp-InputPrompt`)]
    .map(p => p.textContent.trim());
  if (prompts.length === 0 || prompts.some(p => p.includes('*'))) return false;
  return document.querySelector(errorOutput) !== null || prompts.every(p => /\\[\\d+\\]/.test(p));
}"""


def chromium_path() -> str | None:
    """The system Chromium to drive (we never download one): $DSPYER_CHROMIUM, else /usr/bin/chromium."""
    path = os.environ.get("DSPYER_CHROMIUM", "/usr/bin/chromium")
    return path if os.access(path, os.X_OK) else None


@dataclass
class LabServer:
    """A running JupyterLab or Notebook 7 (`app`): where it listens, its token, the directory it serves."""

    url: str
    token: str
    root_dir: Path
    process: subprocess.Popen[bytes]
    log_path: Path
    app: str = "lab"

    def lab_url(self, notebook: str) -> str:
        """URL opening `notebook` (relative to root_dir): a fresh JupyterLab workspace, or Notebook 7's page."""
        if self.app == "notebook":
            return f"{self.url}/notebooks/{quote(notebook)}?token={self.token}"
        return f"{self.url}/lab/tree/{quote(notebook)}?reset&token={self.token}"

    def api(self, method: str, path: str, body: Any = None) -> Any:
        """Call the Jupyter Server REST API (`path` like "/api/sessions"); the JSON answer or None."""
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(
            f"{self.url}{path}",
            data=data,
            method=method,
            headers={"Authorization": f"token {self.token}", "Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            payload = response.read()
        return json.loads(payload) if payload else None

    def shutdown_kernels(self) -> None:
        """Stop every session and kernel, so one test's kernel does not eat the CPU of the next."""
        for session in self.api("GET", "/api/sessions"):
            self.api("DELETE", f"/api/sessions/{session['id']}")
        for kernel in self.api("GET", "/api/kernels"):
            self.api("DELETE", f"/api/kernels/{kernel['id']}")

    def stop(self) -> None:
        """Stop the server (it shuts its kernels down on SIGTERM)."""
        _terminate(self.process)


def _terminate(process: subprocess.Popen[bytes]) -> None:
    """Stop a server process: SIGTERM (servers shut their kernels down), SIGKILL after 15 s."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _write_json(path: Path, data: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=1))


def start_lab(work_dir: Path, log_path: Path, timeout: float = 90.0, app: str = "lab") -> LabServer:
    """Start JupyterLab (or, with app="notebook", Notebook 7) on 127.0.0.1 with a random token and private
    config/settings under `work_dir`.

    Returns once the server answers an authenticated request; raises with the server log if it does not.
    """
    name = {"lab": "JupyterLab", "notebook": "Jupyter Notebook"}[app]
    app_class = {"lab": "LabApp", "notebook": "JupyterNotebookApp"}[app]
    root_dir, config_dir = work_dir / "root", work_dir / "config"
    root_dir.mkdir(parents=True)
    _write_json(config_dir / "labconfig" / "page_config.json", _PAGE_CONFIG)
    for name, settings in _USER_SETTINGS.items():
        _write_json(work_dir / "settings" / name, settings)
    env = {
        **os.environ,
        "JUPYTER_CONFIG_DIR": str(config_dir),
        "JUPYTER_RUNTIME_DIR": str(work_dir / "runtime"),
        "JUPYTERLAB_SETTINGS_DIR": str(work_dir / "settings"),
        "JUPYTERLAB_WORKSPACES_DIR": str(work_dir / "workspaces"),
        "JUPYTER_PLATFORM_DIRS": "1",
        "PYTHONUNBUFFERED": "1",
    }
    port, token = _free_port(), secrets.token_hex(16)
    command = [
        sys.executable, "-m", "jupyter", app, "--no-browser",
        "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}", "--ServerApp.port_retries=0",
        "--ServerApp.allow_root=True",  # CI runs as root
        f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root_dir}",
        f"--{app_class}.expose_app_in_browser=True",  # window.jupyterapp, to know when the kernel is ready
    ]  # fmt: skip
    if app == "lab":
        command += ["--LabApp.news_url=None", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"]
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("wb") as log:
        process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    server = LabServer(f"http://127.0.0.1:{port}", token, root_dir, process, log_path, app)
    deadline = time.monotonic() + timeout
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"{name} exited with {process.returncode}:\n{log_path.read_text()[-3000:]}")
        try:
            server.api("GET", "/api/status")
            return server
        except (urllib.error.URLError, ConnectionError):
            if time.monotonic() > deadline:
                server.stop()
                raise RuntimeError(f"{name} did not answer in {timeout}s:\n{log_path.read_text()[-3000:]}")
            time.sleep(0.2)


def start_notebook7(work_dir: Path, log_path: Path, timeout: float = 90.0) -> LabServer:
    """Start Notebook 7 (`jupyter notebook`) like `start_lab`; the same page helpers drive it."""
    return start_lab(work_dir, log_path, timeout, app="notebook")


@dataclass
class MarimoServer:
    """`marimo run APP` serving one app on 127.0.0.1 (no token: loopback only, a throwaway app)."""

    url: str
    process: subprocess.Popen[bytes]
    log_path: Path

    def stop(self) -> None:
        _terminate(self.process)


LAB_MARIMO_APP = '''import marimo

app = marimo.App()


@app.cell
def _():
    import marimo as mo
{program}
    widget = mo.ui.anywidget(view)
    button = mo.ui.run_button(label="Run the program")
    return button, dspy, mo, scripted, view, widget


@app.cell
def _(button, mo, widget):
    mo.vstack([button, widget])
    return


@app.cell
async def _(button, dspy, scripted, view):
    if button.value:
        with dspy.context(lm=scripted()):
            await view.run({inputs})
    return


if __name__ == "__main__":
    app.run()
'''
"""A marimo app showing `view` (a LabView made by `program`, which also defines `dspy` and `scripted()`, a
ScriptedLM factory) with a button that runs it on `inputs` (keyword arguments as source text)."""


def lab_marimo_app(program: str, inputs: str) -> str:
    """The source of `LAB_MARIMO_APP` for `program` (a cell's code, indented into the app's first cell)."""
    return LAB_MARIMO_APP.format(program=textwrap.indent(program.strip(), "    "), inputs=inputs)


def serve_marimo_app(directory: Path, name: str, source: str, log_path: Path) -> Iterator[MarimoServer]:
    """Write the app `source` as `directory/name` and serve it for as long as the generator is suspended
    (a module fixture's body: ``yield from serve_marimo_app(...)``)."""
    app = directory / name
    app.write_text(source)
    server = start_marimo(app, log_path)
    try:
        yield server
    finally:
        server.stop()


def start_marimo(app: Path, log_path: Path, timeout: float = 90.0) -> MarimoServer:
    """Serve the marimo app `app` (`marimo run`, headless) on a free loopback port; returns once it answers."""
    port = _free_port()
    command = [
        sys.executable, "-m", "marimo", "run", str(app), "--headless", "--no-token",
        "--host", "127.0.0.1", "--port", str(port),
    ]  # fmt: skip
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "MARIMO_SKIP_UPDATE_CHECK": "1"}
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            command, env=env, cwd=app.parent, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
        )
    server = MarimoServer(f"http://127.0.0.1:{port}", process, log_path)
    deadline = time.monotonic() + timeout
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"marimo exited with {process.returncode}:\n{log_path.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(server.url, timeout=5):
                return server
        except (urllib.error.URLError, ConnectionError):
            if time.monotonic() > deadline:
                server.stop()
                raise RuntimeError(f"marimo did not answer in {timeout}s:\n{log_path.read_text()[-3000:]}")
            time.sleep(0.2)


def notebook_with_cells(cells: Sequence[str]) -> nbformat.NotebookNode:
    """A notebook of code cells with python3 kernelspec metadata, so JupyterLab opens no kernel dialog.

    Leading and trailing blank lines of each source are dropped (handy with dedented triple-quoted cells).
    """
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source.strip("\n")) for source in cells])
    nb.metadata["kernelspec"] = dict(KERNELSPEC)
    nb.metadata["language_info"] = {"name": "python"}
    return nb


def write_notebook(server: LabServer, name: str, cells: Sequence[str]) -> Path:
    """Write a notebook of `cells` into the server's root dir; returns its path."""
    path = server.root_dir / name
    nbformat.write(notebook_with_cells(cells), path)
    return path


def _into_root(server: LabServer, notebook: Path) -> str:
    """`notebook` as a path relative to the root dir, copying it in (with kernelspec metadata) if outside.

    Only the notebook is copied: one that reads sibling files should be copied in with them by the test.
    """
    notebook = notebook.resolve()
    if notebook.is_relative_to(server.root_dir.resolve()):
        return notebook.relative_to(server.root_dir.resolve()).as_posix()
    nb = nbformat.read(notebook, as_version=4)
    nb.metadata["kernelspec"] = dict(KERNELSPEC)
    nbformat.write(nb, server.root_dir / notebook.name)
    return notebook.name


def open_notebook(page: Page, server: LabServer, notebook: Path, timeout: float = 60_000) -> None:
    """Open `notebook` in JupyterLab and wait until its kernel is connected and idle.

    The toolbar's execution indicator already says "idle" before any kernel is attached (a Run All then
    silently does nothing), so readiness is read from JupyterLab's session context instead.
    """
    path = _into_root(server, notebook)
    page.goto(server.lab_url(path))
    page.wait_for_function(_KERNEL_READY_JS, arg=path, timeout=timeout, polling=100)


def run_all(page: Page) -> None:
    """Click Run > Run All Cells, as a user would, and check that it started the cells."""
    page.locator('.lm-MenuBar-itemLabel:text-is("Run")').click()
    page.locator('.lm-Menu-itemLabel:text-is("Run All Cells")').click()
    page.wait_for_function(_RUN_STARTED_JS, arg=_NOTEBOOK, timeout=10_000, polling=50)


def run_cell(page: Page, index: int) -> None:
    """Run cell `index` (0-based) again, as a user would (click into it, Ctrl+Enter); returns once it started.

    Follow with `wait_for_run` to wait for it to finish.
    """
    prompt = page.locator(f"{_NOTEBOOK} .jp-Cell").nth(index).locator(".jp-InputPrompt")
    before = prompt.inner_text()
    page.locator(f"{_NOTEBOOK} .jp-Cell").nth(index).locator(".jp-InputArea-editor").click()
    page.keyboard.press("Control+Enter")
    prompt.filter(has_not_text=before).wait_for(state="attached", timeout=10_000)


class RunError(AssertionError):
    """A notebook cell raised (or wrote to stderr) during Run All."""


def wait_for_run(page: Page, timeout: float = 120_000, allow_stderr: bool = False) -> None:
    """Wait until Run All has finished: no cell is queued or running and each ran, or one failed.

    Raises RunError with the cell's error text when a cell failed (or wrote to stderr, unless `allow_stderr`).
    """
    page.wait_for_function(_RUN_DONE_JS, arg=[_NOTEBOOK, _ERROR_OUTPUT], timeout=timeout, polling=100)
    error = page.locator(_ERROR_OUTPUT)
    if error.count():
        raise RunError(f"a notebook cell raised:\n{error.first.inner_text()}")
    stderr = page.locator(_STDERR_OUTPUT)
    if stderr.count() and not allow_stderr:
        raise RunError(f"a notebook cell wrote to stderr:\n{stderr.first.inner_text()}")


def open_and_run_all(
    page: Page, server: LabServer, notebook: Path, *, wait: bool = True, timeout: float = 120_000
) -> None:
    """Open `notebook` (copied into the root dir if outside it), wait for the kernel, Run All Cells.

    With `wait=False` it returns right after the click, so a test can watch the page while cells run
    (then call `wait_for_run`).
    """
    open_notebook(page, server, notebook)
    run_all(page)
    if wait:
        wait_for_run(page, timeout=timeout)


def css_string(value: str) -> str:
    """`value` as a quoted CSS string, for attribute selectors on names holding quotes or markup."""
    return '"' + re.sub(r'(["\\])', r"\\\1", value) + '"'


def cell_outputs(page: Page, index: int) -> Locator:
    """The output area of the `index`-th cell (0-based) of the open notebook."""
    return page.locator(f"{_NOTEBOOK} .jp-Cell").nth(index).locator(".jp-OutputArea")


def wait_for_output(page: Page, index: int, text: str | re.Pattern[str], timeout: float = 60_000) -> Locator:
    """Wait until cell `index`'s output contains `text` (a string or a regex); returns the output area."""
    outputs = cell_outputs(page, index)
    outputs.filter(has_text=text).wait_for(state="attached", timeout=timeout)
    return outputs


# A view's still output (the output after its widget's: see lab/widgets/snapshot.py) is final. At a run's end
# the kernel updates the still with the picture of the run's end (its local `dot` render during a cell that
# blocks, the browser's own drawing once it reads the browser's message); the widget view itself is never made
# again. The still is final when it is the browser's drawing (the local render embeds a <style>) of the
# statuses the view draws now; a BatchView's picture never changes (its nodes stay idle): its still's text
# ends with the status line the view shows.
_VIEW_SETTLED_JS = """(index) => {
  const cell = window.jupyterapp?.shell.currentWidget?.content?.widgets?.[index];
  const outputs = cell?.model?.outputs;
  if (!outputs) return false;
  let data = null;
  for (let i = 0; i + 1 < outputs.length; i++) {
    if (outputs.get(i).data['application/vnd.jupyter.widget-view+json']) data = outputs.get(i + 1).data;
  }
  if (data === null) return false;
  const text = (value) => (Array.isArray(value) ? value.join('') : String(value ?? ''));
  const batch = cell.node.querySelector('.dspyer-batch');
  if (batch) {
    const status = batch.querySelector('.dl-batch-progress .dl-status');
    return status !== null && text(data['text/plain']).split('\\n').pop() === status.textContent;
  }
  const svg = text(data['image/svg+xml']);
  const live = cell.node.querySelector('.dspyer-graphview .dl-stage svg');
  if (!svg || svg.includes('<style') || live === null) return false;
  const statuses = (root) => JSON.stringify([...root.querySelectorAll('[data-node]')]
    .map((g) => [g.getAttribute('data-node'), g.getAttribute('data-status')]).sort());
  return statuses(new DOMParser().parseFromString(svg, 'image/svg+xml')) === statuses(live);
}"""


def wait_for_view_settled(page: Page, index: int, timeout: float = 60_000) -> None:
    """After a run (or batch) ended: wait until the still output of the view cell `index` shows is final
    (see `_VIEW_SETTLED_JS`), as a saved notebook would keep it. The browser sends its picture when the view
    is first drawn and when a run ends: not for a seek, nor for a pause (unless what it shows is the first
    picture)."""
    page.wait_for_function(_VIEW_SETTLED_JS, arg=index, timeout=timeout, polling=100)


_BOX_JS = """(found) => {
  if (found.length !== 1) return null;
  found[0].scrollIntoView({block: 'nearest', inline: 'nearest'});
  const box = found[0].getBoundingClientRect();
  return {x: box.x, y: box.y, width: box.width, height: box.height};
}"""


def picture(view: Locator, path: Path, *, grow: bool = True) -> None:
    """Screenshot the element `view`; with `grow`, the window first grows to its height (frontends scroll
    inside the page, so a view taller than the window would be cut).

    No element is held between steps: Playwright's `locator.screenshot`, `bounding_box` and
    `scroll_into_view_if_needed` find the element once and then act on it, and fail ("Element is not
    attached to the DOM") if the frontend makes the view again meanwhile. Here the view is found (and waited
    for) at each step and measured in the same call in the page; the page is shot within its box.
    """
    from playwright.sync_api import expect

    page = view.page
    expect(view).to_be_visible()
    box = view.evaluate_all(_BOX_JS)
    assert box is not None, "the view left the page as it was measured"
    if grow:
        page.set_viewport_size({"width": 1400, "height": max(900, int(box["height"]) + 200)})
        expect(view).to_be_visible()
        box = view.evaluate_all(_BOX_JS)
        assert box is not None, "the view left the page as it was measured"
    page.screenshot(path=path, clip=box, animations="disabled")


class StatusRecorder:
    """Records, in the page, every value an attribute takes on matching elements, in order.

    Install it before Run All; it catches attribute changes and re-rendered elements alike (in open
    shadow roots too), so a test can assert a status sequence such as running -> retrying -> done
    without racing the page.
    Elements are keyed by `key_attr`.
    """

    def __init__(self, page: Page, key_attr: str = "data-node", value_attr: str = "data-status") -> None:
        self.page = page
        page.evaluate(
            """([keyAttr, valueAttr]) => {
              const history = window.__e2eHistory = {};
              const sel = `[${keyAttr}][${valueAttr}]`;
              const roots = new Set();  // the document and every open shadow root (marimo draws widgets in one)
              const options = {subtree: true, childList: true, attributes: true, attributeFilter: [keyAttr, valueAttr]};
              const findRoots = (root) => {
                if (!roots.has(root)) {
                  roots.add(root);
                  new MutationObserver(record).observe(root, options);
                }
                for (const el of root.querySelectorAll('*')) if (el.shadowRoot) findRoots(el.shadowRoot);
              };
              function record(mutations) {
                if (!mutations || mutations.some(m => m.type === 'childList')) findRoots(document);
                for (const root of roots) {
                  for (const el of root.querySelectorAll(sel)) {
                    const key = el.getAttribute(keyAttr), value = el.getAttribute(valueAttr);
                    const seen = history[key] || (history[key] = []);
                    if (seen[seen.length - 1] !== value) seen.push(value);
                  }
                }
              }
              record();
            }""",
            [key_attr, value_attr],
        )
        self._at_install = {key: len(values) for key, values in self.history().items()}

    def history(self) -> dict[str, list[str]]:
        """key -> the successive values seen (consecutive repeats collapsed)."""
        return self.page.evaluate("() => window.__e2eHistory")

    def wait_for(self, key: str, values: list[str], timeout: float = 30_000) -> None:
        """Wait until `key` has taken `values` in this order (others may come between), seen since install.

        The observer records every state the page showed, however briefly, so this never races a state
        shorter than a poll (a node retrying during one 300 ms model call), as waiting for a selector would.
        """
        self.page.wait_for_function(
            """([key, values, from]) => {
              const seen = (window.__e2eHistory[key] || []).slice(from);
              let at = 0;
              for (const value of seen) if (value === values[at]) at += 1;
              return at >= values.length;
            }""",
            arg=[key, values, self._at_install.get(key, 0)],
            timeout=timeout,
        )



_FAKE_MODEL_JS = """// A model like a widget manager's with no kernel behind it: `state` read (and changed by `set`) in place,
// every message sent recorded in window.__sent; with `runtime`, a need-runtime is answered as a kernel does.
export function fakeModel(state, { runtime = false } = {}) {
  const listeners = {};
  const emit = (name, ...args) => { for (const fn of [...(listeners[name] ?? [])]) fn(...args); };
  const set = (name, value) => { state[name] = value; emit(`change:${name}`); };
  window.__sent = [];
  const model = {
    get: (name) => state[name],
    set() {},
    save_changes() {},
    on(name, fn) { (listeners[name] ??= new Set()).add(fn); },
    off(name, fn) { listeners[name]?.delete(fn); },
    send(message) {
      window.__sent.push(message);
      if (!runtime || message.type !== "need-runtime") return;
      fetch("/viz-runtime.js").then((r) => r.arrayBuffer()).then((bytes) => emit("msg:custom", { type: "runtime" }, [bytes]));
    },
  };
  return { model, emit, set };
}
"""


def open_bundle_page(page: Page) -> None:
    """Point `page` (no network) at a site serving the committed bundle and the Graphviz runtime, as a widget
    manager loads them, and open its empty page (an ``#out`` element to render a view into). ``/fake-model.js``
    exports ``fakeModel(state, {runtime})``: a widget model without a kernel, for a view rendered by hand."""
    static = Path(__file__).resolve().parents[2] / "dspyer_lab" / "static"
    files = {
        "/": ("text/html", b'<!doctype html><link rel="stylesheet" href="/widget.css"><div id="out"></div>'),
        "/widget.js": ("text/javascript", (static / "widget.js").read_bytes()),
        "/widget.css": ("text/css", (static / "widget.css").read_bytes()),
        "/viz-runtime.js": ("text/javascript", (static / "viz-runtime.js").read_bytes()),
        "/fake-model.js": ("text/javascript", _FAKE_MODEL_JS.encode()),
    }
    site = "http://dspyer.test"

    def serve(route: Any) -> None:
        kind, body = files.get(route.request.url.removeprefix(site), ("", b""))
        if not kind:
            route.fulfill(status=404)
            return
        route.fulfill(status=200, content_type=kind, body=body)

    page.route(f"{site}/**", serve)
    page.goto(f"{site}/")


_TIME_THE_ANSWER = """(node) => {
  const selected = 'g.node[data-node="' + CSS.escape(node) + '"][data-selected="true"]';
  window.__dspyerAnswered = new Promise((resolve) => {
    let clicked = null;
    document.addEventListener('click', () => { clicked = clicked ?? performance.now(); }, true);
    const check = () => {
      if (clicked !== null && document.querySelector('.dspyer-lab ' + selected)) resolve(performance.now() - clicked);
    };
    new MutationObserver(check).observe(document.body, {subtree: true, childList: true, attributes: true,
                                                        attributeFilter: ['data-selected']});
  });
}"""


def timed_click(page: Page, node: str, click: Callable[[], None]) -> float:
    """Seconds from `click` on node `node` (the page's click event, capture phase) to the kernel's answer: the
    node drawn selected in a LabView. Waits for that answer."""
    page.evaluate(_TIME_THE_ANSWER, node)
    click()
    return float(page.evaluate("window.__dspyerAnswered")) / 1000
