"""Debian's Firefox ESR, driven over WebDriver BiDi, with the network blocked: for pages opened from ``file://``.

Playwright's own Firefox build cannot be downloaded here, and Selenium needs geckodriver (no Debian package), so
a small Node script (tests/e2e/firefox/driver.mjs, puppeteer-core installed by ``npm ci`` in that folder, no
browser download) launches /usr/bin/firefox-esr and answers one JSON request a line. Every request but the
opened file (and data:/blob: URLs, which never leave the page) is aborted and counted (`Firefox.requests`), and
the profile's proxy points at a closed port.

    with Firefox() as firefox:
        firefox.open(path)                       # a local file
        firefox.wait("() => document.title")     # a JS function, called in the page until truthy
        firefox.eval("(a) => a + 1", 1)
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

FOLDER = Path(__file__).with_name("firefox")
FIREFOX = os.environ.get("DSPYER_FIREFOX", "/usr/bin/firefox-esr")


def unavailable() -> str | None:
    """Why Firefox cannot be driven here, or None."""
    if not Path(FIREFOX).exists():
        return f"no Firefox ESR at {FIREFOX} (apt-get install firefox-esr) or $DSPYER_FIREFOX"
    if shutil.which("node") is None:
        return "no node on PATH (apt-get install nodejs npm) to run tests/e2e/firefox/driver.mjs"
    if not (FOLDER / "node_modules" / "puppeteer-core").is_dir():
        return f"puppeteer-core is not installed: run `npm ci` in {FOLDER}"
    return None


class FirefoxError(AssertionError):
    """The page or the driver failed: the driver's one-line message."""


class Firefox:
    """One headless firefox-esr (one tab at a time) behind the driver script."""

    def __init__(self, timeout: float = 60.0) -> None:
        self._timeout = timeout
        self._next = 0
        self._process = subprocess.Popen(
            ["node", str(FOLDER / "driver.mjs")],
            cwd=FOLDER, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env={**os.environ, "DSPYER_FIREFOX": FIREFOX},
        )  # fmt: skip
        self.version: str = self._answer(0)

    def __enter__(self) -> Firefox:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _answer(self, wanted: int) -> Any:
        assert self._process.stdout is not None
        line = self._process.stdout.readline()
        if not line:
            self._process.wait(timeout=self._timeout)
            stderr = self._process.stderr.read() if self._process.stderr else ""
            raise FirefoxError(f"the Firefox driver exited ({self._process.returncode}): {stderr.strip()[-2000:]}")
        message = json.loads(line)
        assert message["id"] == wanted, message
        if not message["ok"]:
            raise FirefoxError(message["error"])
        return message["value"]

    def _call(self, op: str, **params: Any) -> Any:
        assert self._process.stdin is not None
        self._next += 1
        self._process.stdin.write(json.dumps({"id": self._next, "op": op, **params}) + "\n")
        self._process.stdin.flush()
        return self._answer(self._next)

    def open(self, path: Path, width: int = 1280, height: int = 800) -> float:
        """Open a local file in a fresh tab (earlier requests forgotten); the milliseconds to its load event."""
        return float(self._call("open", url=path.resolve().as_uri(), width=width, height=height)["load_ms"])

    def eval(self, fn: str, *args: Any) -> Any:
        """Call the JS function `fn` with `args` (JSON) in the page; its (awaited) JSON value."""
        return self._call("eval", fn=fn, args=list(args))

    def wait(self, fn: str, *args: Any, timeout: float = 30.0) -> Any:
        """Call `fn` in the page every 50 ms until it returns something truthy; that value."""
        return self._call("wait", fn=fn, args=list(args), timeout=int(timeout * 1000))

    def press(self, key: str) -> None:
        """A real key press (``" "``, ``"ArrowLeft"``) to the element that has the focus."""
        self._call("press", key=key)

    def screenshot(self, path: Path) -> Path:
        self._call("screenshot", path=str(path))
        return path

    def requests(self) -> dict[str, list[str]]:
        """The requests the open page made since `open`: ``allowed`` (the file itself) and ``blocked``."""
        return dict(self._call("requests"))

    def close(self) -> None:
        if self._process.poll() is None:
            assert self._process.stdin is not None
            self._process.stdin.close()
            try:
                self._process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
