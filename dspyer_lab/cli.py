"""`dspyer-lab` (or `python -m dspyer_lab`): the teaching notebooks in JupyterLab, offline, in one command.

The notebooks are copied to a folder of the user's (default `dspyer-lab-notebooks/`), so edits are theirs
and a second start keeps them. `--execute` runs one notebook headless and writes it as HTML, for a machine
without a browser (or a CI job).
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import shutil
import sys
from collections.abc import Sequence
from pathlib import Path

from .core.exceptions import DspyerLabError

__all__ = ["CliError", "bundled_notebooks", "copy_notebooks", "execute_to_html", "main"]

DEFAULT_DIR = "dspyer-lab-notebooks"
DEFAULT_NOTEBOOK = "01_quickstart.ipynb"
LAB_EXTRA = 'pip install "dspyer-lab[lab]"'


class CliError(DspyerLabError, RuntimeError):
    """A `dspyer-lab` command that cannot go on; the message says what to do."""


def bundled_notebooks() -> Path:
    """The folder of the teaching notebooks: inside the installed wheel, or the repository's own."""
    here = Path(__file__).resolve().parent
    for folder in (here / "notebooks", here.parent / "notebooks"):
        if any(folder.glob("*.ipynb")):
            return folder
    raise CliError(f"the teaching notebooks are not installed next to {here}: reinstall dspyer-lab")


def copy_notebooks(target: Path) -> list[Path]:
    """Copy the notebooks into `target`, keeping any that are already there (they may hold the user's edits)."""
    target.mkdir(parents=True, exist_ok=True)
    copied = []
    for source in sorted(bundled_notebooks().glob("*.ipynb")):
        dest = target / source.name
        if not dest.exists():
            shutil.copyfile(source, dest)
            copied.append(dest)
    return copied


def _require(*modules: str) -> None:
    missing = [m for m in modules if importlib.util.find_spec(m) is None]
    if missing:
        raise CliError(f"{', '.join(missing)} not installed: {LAB_EXTRA}")


def execute_to_html(notebook: Path, out: Path, timeout: int = 600) -> list[str]:
    """Run `notebook` top to bottom in a fresh kernel and write it as HTML; returns the text it printed.

    The widget state is left out of the HTML: offline, a page with it shows nothing where a view was
    (the widget manager cannot load), while without it each view shows its still picture.
    """
    _require("nbclient", "nbconvert", "ipykernel")
    import nbformat
    from nbclient import NotebookClient
    from nbconvert import HTMLExporter

    nb = nbformat.read(notebook, as_version=4)
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3",
                            resources={"metadata": {"path": str(notebook.parent)}})
    client.execute()
    nb.metadata.pop("widgets", None)
    html, _ = HTMLExporter().from_notebook_node(nb)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp")
    tmp.write_text(html, encoding="utf-8")
    os.replace(tmp, out)
    return [o.get("text", "") for cell in nb.cells if cell.cell_type == "code"
            for o in cell.get("outputs", []) if o.get("output_type") == "stream"]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="dspyer-lab",
        description="Open the dspyer-lab notebooks in JupyterLab (offline: the model is scripted).",
    )
    parser.add_argument("--dir", type=Path, default=Path(DEFAULT_DIR),
                        help=f"where the notebooks are copied; files already there are kept (default: {DEFAULT_DIR})")
    parser.add_argument("--notebook", default=DEFAULT_NOTEBOOK, help=f"the notebook to open (default: {DEFAULT_NOTEBOOK})")
    parser.add_argument("--no-browser", action="store_true", help="do not open a browser; JupyterLab prints the URL")
    parser.add_argument("--port", type=int, help="JupyterLab's port (default: the first free one from 8888)")
    parser.add_argument("--execute", nargs="?", const="", metavar="OUT.html", type=str,
                        help="run the notebook headless (no server, no browser) and write it as HTML "
                             "(default: the notebook's name with .html, next to it)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        copied = copy_notebooks(args.dir)
        notebook = args.dir / args.notebook
        if not notebook.exists():
            names = ", ".join(sorted(p.name for p in args.dir.glob("*.ipynb")))
            raise CliError(f"no notebook {args.notebook!r} in {args.dir} (there: {names})")
        print(f"notebooks in {args.dir}/ ({len(copied)} copied, the others kept as they were)", flush=True)
        if args.execute is not None:
            out = Path(args.execute) if args.execute else notebook.with_suffix(".html")
            for text in execute_to_html(notebook, out):
                print(text, end="" if text.endswith("\n") else "\n")
            print(f"wrote {out}")
            return 0
        _require("jupyterlab")
        command = [sys.executable, "-m", "jupyterlab", f"--LabApp.default_url=/lab/tree/{args.notebook}"]
        command += ["--no-browser"] * args.no_browser + [f"--port={args.port}"] * (args.port is not None)
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            command.append("--allow-root")  # a container's or CI's root user: JupyterLab refuses it otherwise
        os.chdir(args.dir)
        os.execv(sys.executable, command)  # JupyterLab takes over this process: Ctrl+C stops it as usual
    except CliError as exc:
        print(f"dspyer-lab: {exc}", file=sys.stderr)
        return 2
    return 0
