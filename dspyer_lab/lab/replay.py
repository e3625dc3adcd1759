"""A recorded run that replays inline: in a notebook, in its nbconvert export, and in docs (Sphinx, MkDocs).

`Replay` wraps the one-file replay a view exports (`LabView.to_html`) in an ``<iframe srcdoc=...>``: the
document runs in its own sandboxed page (``allow-scripts`` without ``allow-same-origin``), so the host
page's CSS and scripts never reach it and its own never reach the host. Where no script runs, the still
picture of the run's end shows instead:

- ``_repr_html_`` / ``_repr_mimebundle_`` (marimo, or any caller that asks for a representation): the iframe
  as ``text/html``, the still as ``image/svg+xml``, a line of ``text/plain``.
- displayed in a kernel (``_ipython_display_``): two outputs, like the views (widgets/snapshot.py). First a
  small ``application/javascript`` that puts the iframe in its own output and adds a rule that hides the next
  output (in Jupyter's and myst-nb's markup; elsewhere the still stays below the replay); then the still. nbconvert (so
  mkdocs-jupyter), nbsphinx and myst-nb prefer the script to ``text/html``; an export that strips scripts
  (``--HTMLExporter.sanitize_html=True``, GitHub) leaves the first output empty, rather than showing the
  iframe as escaped text, and shows the still. A JupyterLab that does not trust the notebook runs no script
  either: it shows the still.

For a plain Markdown page, write the file and point an iframe at it (`Replay.snippet`).
"""

from __future__ import annotations

import base64
import html
import json
import re
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from ..core.exceptions import ArgumentTypeError

__all__ = ["Replay", "still_of"]

SANDBOX = "allow-scripts"
DEFAULT_HEIGHT = 880
_PLAYER_PX = 560
"""The exported page's height besides the graph (title, toolbar, slider, timeline, tabs), at 1000 px wide."""
_HIDE_STILL = (
    ".jp-OutputArea-child:has(iframe.dspyer-replay) + .jp-OutputArea-child:has(.jp-RenderedSVG, .jp-RenderedImage),"
    " .output_area:has(iframe.dspyer-replay) + .output_area:has(.output_svg), iframe.dspyer-replay + img"
    " { display: none; }"
)
"""The still output right after a replay's, hidden once the script ran (it is there while the page still loads:
a rule, not a one-time lookup): JupyterLab, Notebook 7 and nbconvert's lab template; its classic one; myst-nb,
whose outputs share one element (the iframe lands right after the script, before the still's ``<img>``)."""
_SVG_HEIGHT = re.compile(r'<svg\b[^>]*?\bheight="([\d.]+)(pt|px)?"')
_STILL = re.compile(
    r'<div class="dl-export-still">(?:(?!</div>).)*?(?:(<svg\b.*?</svg>)|<img\b[^>]*?\bsrc="data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)")',
    re.S,
)


@runtime_checkable
class Exportable(Protocol):
    """A view that writes its run as one self-contained HTML file (LabView, BatchView)."""

    def to_html(self, path: str | Path | None = None) -> str: ...


class Replay:
    """The run of `source`, replayable inline: a view (LabView, BatchView), a saved run (a ``.json`` file
    `LabView.save` wrote, or a `SavedRun` read from a store), or an ``.html`` file `to_html` wrote.

    `height`: the iframe's height in CSS pixels (default: the graph's height plus the player and its panels,
    480 to 1000). `still`: the SVG shown where scripts do not run (default: the run's final graph, as the
    exported page shows it without scripts). Secrets are masked as in a saved run (the export does it).
    """

    def __init__(self, source: Any, *, height: int | None = None, still: str | None = None) -> None:
        if height is not None and (not isinstance(height, int) or isinstance(height, bool) or height <= 0):
            raise ArgumentTypeError("height", f"height must be a positive int of CSS pixels, got {height!r}")
        self.html = _document(source)
        self.still = still if still is not None else still_of(self.html)
        self.height = height or _height_for(self.still)

    def __repr__(self) -> str:
        return f"Replay({len(self.html):,} characters of HTML, {self.height} px high)"

    def iframe(self) -> str:
        """The replay as an ``<iframe srcdoc=...>`` element, isolated from the page it is put in."""
        return (
            f'<iframe class="dspyer-replay" title="dspyer-lab run replay" sandbox="{SANDBOX}" '
            f'style="width: 100%; height: {self.height}px; border: 1px solid #d0d7de; border-radius: 6px;" '
            f'srcdoc="{html.escape(self.html, quote=True)}"></iframe>'
        )

    @staticmethod
    def snippet(path: str | Path, height: int = DEFAULT_HEIGHT) -> str:
        """The HTML to paste in a Markdown page (MkDocs, Sphinx with MyST, any static site) to replay a file
        `to_html` wrote next to it: ``<iframe src="run.html" ...>``, sandboxed like the inline replay."""
        src = html.escape(Path(path).as_posix(), quote=True)
        return f'<iframe src="{src}" sandbox="{SANDBOX}" style="width: 100%; height: {height}px; border: 0;"></iframe>'

    def _repr_html_(self) -> str:
        return self.iframe()

    def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, str]:
        data = {"text/html": self.iframe(), "text/plain": repr(self)}
        if self.still:
            data["image/svg+xml"] = self.still
        return data

    def _ipython_display_(self) -> None:
        """The iframe put in place by a script, then the still (see the module doc)."""
        from IPython.display import display

        display({"application/javascript": self.script(), "text/plain": ""}, raw=True)
        if self.still:
            display({"image/svg+xml": self.still, "text/plain": repr(self)}, raw=True)

    def script(self) -> str:
        """JS that puts the iframe in the output it runs in (`element` in JupyterLab, Notebook 7, nbconvert and
        nbsphinx; else its own ``<script>``'s parent) and hides the still output that follows (`_HIDE_STILL`)."""
        markup = json.dumps(self.iframe()).replace("</", "<\\/").replace("<!--", "<\\!--")
        return (
            "(() => {\n"
            '  const own = typeof element !== "undefined" && element ? (element.jquery ? element[0] : element) : null;\n'
            "  const host = own || (document.currentScript && document.currentScript.parentNode);\n"
            "  if (!host) return;\n"
            f"  host.insertAdjacentHTML('beforeend', {markup});\n"
            "  if (!document.getElementById('dspyer-replay-css')) {\n"
            "    const style = document.createElement('style');\n"
            "    style.id = 'dspyer-replay-css';\n"
            f"    style.textContent = {json.dumps(_HIDE_STILL)};\n"
            "    document.head.append(style);\n"
            "  }\n"
            "})();"
        )


def _document(source: Any) -> str:
    """The exported document of `source`: an exported file as it is, a view's `to_html`, else `export_html`'s
    (a saved run or its path; it names what it refuses)."""
    if isinstance(source, (str, Path)) and Path(source).suffix.lower() in (".html", ".htm"):
        return Path(source).read_text(encoding="utf-8")
    if isinstance(source, Exportable):
        return source.to_html()
    from .model.export import export_html

    return export_html(source)


def still_of(document: str) -> str | None:
    """The still picture an exported document shows before (or without) scripts: the run's final graph."""
    match = _STILL.search(document)
    if match is None:
        return None
    return match.group(1) or base64.b64decode(match.group(2)).decode("utf-8")


def _height_for(still: str | None) -> int:
    """The iframe's height: the page around a graph as high as the still (``dot`` writes points)."""
    match = _SVG_HEIGHT.search(still or "")
    if match is None:
        return DEFAULT_HEIGHT
    graph = float(match.group(1)) * (4 / 3 if match.group(2) in (None, "pt") else 1)
    return min(1000, max(480, round(graph) + _PLAYER_PX))
