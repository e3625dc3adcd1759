"""One HTML file that replays a run anywhere: no kernel, no network, no Graphviz runtime (issue 24).

`export_html` turns a run (a `LabPresenter` or a view that has one, a `SavedRun`, or a run file) into ONE
self-contained document:

- the run goes through a saved run first (`LabPresenter.save` then `read_run`), so exactly what a saved run
  keeps is exported, masked the same way; nothing is read from the live run's raw values;
- the graph is laid out ONCE here by the local ``dot``: the raw layout for the page (js/src/export.js hands it
  to the widget's own `Drawing`, which applies every frame's statuses as the live graph does), and the final
  still picture (`render_svg`) as the page's content before (or without) scripts;
- every frame: for each position p of the run (its first p events), what the live lab shows, computed by a
  `LabPresenter` of the saved run (``seek(p)``, then ``render()`` with each tab shown as the page's tab click
  shows it): the graph's picture, the head,
  the timeline, presenter mode's essentials and every read-only tab. Frames share most of their parts, so
  they are stored hash-consed (`_Table`): every distinct value once, a container as the references of its
  items, a long list cut where its content says (so a timeline that slides by one row shares all but its
  ends with the frame before). A clipped value's full text is stored once, under a handle named by content;
- the page's script is static/export.js (built from js/src/export.js: the widget's `Lab` over a stand-in
  model whose frames are these, played by the same player clock as in a notebook), inlined with the widget's
  CSS. A Content-Security-Policy forbids every request and allows the script and the style by their hashes
  only. The data (gzip, base64: `ENCODING`) sits in a ``<script type="application/json">`` with ``<``, ``>``,
  ``&``, U+2028/9 escaped, read with ``JSON.parse``: a value can never end the element or become markup; the
  page sets every text as a text node (widget.js's rule). The still picture is an ``<img>`` of a data: URL.
"""

from __future__ import annotations

import base64
import functools
import gzip
import hashlib
import html
import json
import re
import tempfile
from collections import OrderedDict
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import graphviz

from ...core.exceptions import DspyerLabError
from ..dot import DotNotFoundError
from .presenter import LabPresenter
from .runfile import MAX_FILE_BYTES, RunSaveError, SavedRun, read_run

__all__ = ["ENCODING", "TABS", "ExportError", "export_batch_html", "export_html", "frames_of", "read_export", "write_html"]

_STATIC = Path(__file__).resolve().parent.parent.parent / "static"
_CHUNK_MIN = 24
"""Lists at least this long are stored as chunks cut by content (shared between frames)."""
ENCODING = "gzip+base64"
"""How the page's data is packed: frames repeat themselves far apart (a frame of a long run is tens of KB), which
hash-consing removes; what is left (texts that differ by a number) gzip shrinks ~10x, and the page unpacks it
with the browser's own DecompressionStream."""
TABS = ("node", "calls", "validation", "result", "error")
"""The tabs a page has: the lab's read-only panels. Not the waterfall: its bars move on a time axis that grows
with every event, so no two frames would share it (a 1,000-event run: ~2 MB more)."""
_SCRIPT_END = re.compile(r"</(script)", re.IGNORECASE)
_JSON_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}
_JSON_UNSAFE = re.compile("[<>&\u2028\u2029]")

_PAGE_CSS = """
body { margin: 0; padding: 12px 16px; font-family: system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif;
  color: #1f2328; background: #fff; }
.dl-export-head { display: flex; gap: 12px; align-items: baseline; flex-wrap: wrap; margin: 0 0 8px; }
.dl-export-title { font-size: 18px; margin: 0; }
.dl-export-note { color: #57606a; font-size: 13px; }
.dl-export-picture { max-width: 100%; height: auto; }
.dl-export-nodes { margin: 8px 0; border-collapse: collapse; font-size: 13px; }
.dl-export-nodes th, .dl-export-nodes td { padding: 2px 10px; text-align: left; border-bottom: 1px solid #d0d7de; }
.dl-export-pick { display: block; margin: 12px 0 6px; }
"""


class ExportError(DspyerLabError, ValueError):
    """What was given cannot be exported (not a run, or a run with no events)."""


def _saved(source: Any) -> SavedRun:
    """The run of `source` as a saved run: masked as `LabView.save` masks it, and nothing else of it read."""
    if isinstance(source, SavedRun):
        return source
    if isinstance(source, (str, Path)):
        return read_run(source)
    presenter = source if isinstance(source, LabPresenter) else getattr(source, "presenter", None)
    if not isinstance(presenter, LabPresenter):
        raise ExportError(f"cannot export a {type(source).__name__}: give a LabView, a LabPresenter, a SavedRun "
                          "or the path of a saved run")
    if presenter.running:
        raise ExportError("a run is in progress: export it once it is over")
    with tempfile.TemporaryDirectory(prefix="dspyer-export-") as folder:
        path = presenter.save(Path(folder) / "run.json")
        return read_run(path, max_bytes=max(MAX_FILE_BYTES, path.stat().st_size))


class _Ref(int):
    """A value `_Table.ref` interned already (its reference), put in a tree interned later."""


class _Table:
    """Hash-consed JSON: every distinct scalar and container stored once, a container as its items' references.

    A reference ``r >= 0`` is ``scalars[r]``; ``r < 0`` is ``nodes[-r - 1]``: ``[0, r...]`` a list, ``[1, key, r,
    key, r...]`` a dict, ``[2, r...]`` a list made of the lists referenced (a long list, cut where an item's
    reference says, so two windows of one long list share their middle chunks). A clipped value's handle (a
    ``"full"`` key; new at every render) is stored as one named by its full text (`full`: handle -> text).

    A dict seen again (the presenter shares what it summarized once, e.g. timeline rows) is found by identity:
    each entry holds its dict, so its id cannot be reused while the entry is there; the oldest entries go first.
    """

    _SEEN_MAX = 65_536

    def __init__(self) -> None:
        self.scalars: list[Any] = []
        self.nodes: list[list[Any]] = []
        self.texts: dict[str, int] = {}
        self.full: Callable[[str], str] = str
        self._scalar_refs: dict[tuple[type, Any], int] = {}
        self._node_refs: dict[tuple[Any, ...], int] = {}
        self._seen: OrderedDict[int, tuple[dict[str, Any], int]] = OrderedDict()

    def ref(self, value: Any) -> int:
        kind = type(value)
        if kind is _Ref:
            return int(value)
        if kind is dict:
            seen = self._seen.get(id(value))
            if seen is not None:
                return seen[1]
            items: list[Any] = [1]
            for key, item in value.items():
                if key == "full" and type(item) is str:
                    text = self.full(item)
                    item = f"x{self.texts.setdefault(text, len(self.texts))}"
                items += [str(key), self.ref(item)]
            found = self._node(items)
            self._seen[id(value)] = (value, found)
            if len(self._seen) > self._SEEN_MAX:
                self._seen.popitem(last=False)
            return found
        if kind is list or kind is tuple:
            refs = [self.ref(item) for item in value]
            if len(refs) < _CHUNK_MIN:
                return self._node([0, *refs])
            chunks, start = [], 0
            for i, r in enumerate(refs):
                if (r * 2654435761) & 0xF0 == 0 and i + 1 - start >= 4:  # a cut after ~1 item in 16, by content
                    chunks.append(self._node([0, *refs[start:i + 1]]))
                    start = i + 1
            if start < len(refs):
                chunks.append(self._node([0, *refs[start:]]))
            return self._node([2, *chunks])
        key = (kind, value)
        scalar = self._scalar_refs.get(key)
        if scalar is None:
            scalar = self._scalar_refs[key] = len(self.scalars)
            self.scalars.append(value)
        return scalar

    def _node(self, items: list[Any]) -> int:
        key = tuple(items)
        found = self._node_refs.get(key)
        if found is None:
            self.nodes.append(items)
            found = self._node_refs[key] = -len(self.nodes)
        return found


def frames_of(presenter: LabPresenter[Any]) -> dict[str, Any]:
    """The page's data for the run `presenter` shows (a replay: `show_saved`): its play part and every frame,
    hash-consed (see `_Table`); the presenter is left at the run's end.

    Frame p (0..len(events)) is what the lab shows after the run's first p events, as the presenter renders it:
    ``{picture, head, timeline, essentials, tabs: {node, calls, validation, result, error}}`` (`TABS`).
    """
    n = len(presenter.run_log.events)
    if not n:
        raise ExportError("the run has no events: there is nothing to replay")
    presenter.presenter_mode = True  # every frame's essentials: the page's toggle shows them or not
    presenter.play_in_head = False  # the play part goes once, not in every frame's head
    table = _Table()
    table.full = lambda handle: str((presenter.handle({"type": "full-text", "handle": handle}) or {}).get("text", ""))
    shown_tab = presenter.render().head["focus"]["tab"]  # the tab the page opens on (a replay moves no focus)
    shown_tab = shown_tab if shown_tab in TABS else "node"
    frames = []
    for p in range(n + 1):
        presenter.seek(p)
        presenter.handle({"type": "tab", "tab": shown_tab})  # as the page's click: no focus request, the tab built
        shown = presenter.render()
        head = dict(shown.head)
        head["debug"] = {**head["debug"], "playground": None}  # read-only: nothing is sent again
        head["tabs"] = [t for t in head["tabs"] if t.get("id") in TABS]
        essentials = head.pop("presenter", None)
        parts = {"picture": shown.picture, "head": head, "timeline": shown.timeline, "essentials": essentials,
                 "tab": _body(shown.tab)}
        frame = {k: _Ref(table.ref(v)) for k, v in parts.items()}  # a render's handles last until the next one
        tabs = {shown_tab: frame.pop("tab")}
        for tab in TABS:
            if tab != shown_tab:
                presenter.handle({"type": "tab", "tab": tab})
                tabs[tab] = _Ref(table.ref(_body(presenter.render().tab)))
        frames.append(table.ref({**frame, "tabs": {t: tabs[t] for t in TABS}}))
    return {
        "layout": {"dot": "(laid out at export)", **presenter.graph.drawing.svg_map()},
        "play": shown.play,
        "scalars": table.scalars,
        "nodes": table.nodes,
        "frames": frames,
        "texts": list(table.texts),
    }


def _body(tab: dict[str, Any]) -> dict[str, Any]:
    """A tab as rendered, without its id (the frame's ``tabs`` is keyed by it)."""
    return {k: v for k, v in tab.items() if k != "id"}


def read_export(document: str) -> dict[str, Any]:
    """The data of a document `export_html` wrote: ``{title, labels, runs: [{layout, svg, play, frames, ...}]}``,
    each run's ``frames`` decoded (frame p: what the lab shows after the first p events). For tests and tools."""
    found = re.search(r'<script type="application/json" id="dl-export-data">(.*?)</script>', document, re.DOTALL)
    if found is None:
        raise ExportError("not a document export_html wrote: no data block")
    payload = json.loads(found.group(1))
    data = json.loads(gzip.decompress(base64.b64decode(payload["data"])).decode("utf-8"))
    for run in data["runs"]:
        run["frames"] = [_decoded(run, r) for r in run["frames"]]
    return {"title": payload["title"], **data}


def _decoded(run: dict[str, Any], r: int) -> Any:
    """Reference `r` of a run's hash-consed data (see `_Table`), as JSON."""
    if r >= 0:
        return run["scalars"][r]
    item = run["nodes"][-r - 1]
    if item[0] == 1:
        return {item[i]: _decoded(run, item[i + 1]) for i in range(1, len(item), 2)}
    if item[0] == 2:
        return [x for chunk in item[1:] for x in _decoded(run, chunk)]
    return [_decoded(run, x) for x in item[1:]]


@functools.lru_cache(maxsize=8)
def _layout_svg(source: str) -> str:
    """The raw layout by the local ``dot`` (titles are DOT ids: the page's `Drawing` maps them to names)."""
    try:
        return str(graphviz.Source(source).pipe(format="svg", encoding="utf-8"))
    except graphviz.ExecutableNotFound as exc:
        raise DotNotFoundError() from exc


def _json_script(data: Any) -> str:
    """JSON that stays text in a ``<script type="application/json">``: no ``<``, ``>``, ``&``, U+2028/9 left."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return _JSON_UNSAFE.sub(lambda m: _JSON_ESCAPES[m.group()], text)


def _script_hash(script: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii") + "'"


def export_html(source: Any, *, title: str | None = None) -> str:
    """ONE self-contained HTML document that replays the run of `source` with no kernel and no network.

    `source`: a `LabView` (or its `LabPresenter`), a `SavedRun`, or the path of a saved run; its run is exported
    as `LabView.save` would save it (secrets masked). `title`: the page's heading (default "dspyer-lab run").
    Before (or without) scripts the page shows the run's final picture.
    """
    data, final = _run_data(_saved(source))
    return _document(title or "dspyer-lab run", [("run", data)], _picture(final), keep=False)


def export_batch_html(picture: str, summary: dict[str, Any], examples: Sequence[tuple[str, Any]], *,
                      title: str | None = None) -> str:
    """ONE self-contained HTML document of a batch: its summary as a still part (`picture`, the graph's SVG; the
    progress line and node table of `summary`, a `batch_json`), and each of `examples` (``(label, source)`` pairs,
    sources as `export_html` takes them) replayable by picking it in the page."""
    runs = [(str(label), _run_data(_saved(source))[0]) for label, source in examples]
    return _document(title or "dspyer-lab batch", runs, _batch_markup(picture, summary), keep=True)


def _run_data(saved: SavedRun) -> tuple[dict[str, Any], str]:
    """A run's data for the page (`frames_of` plus the layout by `dot`) and its final still picture."""
    presenter: LabPresenter[Any] = LabPresenter(saved.graph, store=False)
    presenter.show_saved(saved, runnable=False)
    data = frames_of(presenter)
    data["svg"] = _layout_svg(presenter.graph.drawing.source)
    return data, presenter.graph.to_svg()


def _picture(svg: str) -> str:
    """An SVG as an image from a data: URL: it runs nothing and none of its text is parsed into the page."""
    if not svg.lstrip().startswith("<svg"):
        return ""
    encoded = base64.b64encode(svg.encode("utf-8")).decode("ascii")
    return f'<img class="dl-export-picture" alt="the run\'s graph" src="data:image/svg+xml;base64,{encoded}">'


def _batch_markup(picture: str, summary: dict[str, Any]) -> str:
    """The batch's still part: the progress line, the graph, the node table (every text escaped)."""
    e = html.escape
    columns = ("node", "visits", "retry_rate", "failure_rate", "model_retries", "p50", "p95")
    heads = "".join(f"<th>{e(c.replace('_', ' '))}</th>" for c in columns)
    rows = "".join("<tr>" + "".join(f"<td>{e(str(row.get(c, '')))}</td>" for c in columns) + "</tr>"
                   for row in summary.get("nodes") or ())
    progress = e(str((summary.get("progress") or {}).get("text", "")))
    return (f'<p class="dl-export-progress">{progress}</p>{_picture(picture)}'
            f'<table class="dl-table dl-export-nodes"><thead><tr>{heads}</tr></thead><tbody>{rows}</tbody></table>')


def _document(heading: str, runs: Sequence[tuple[str, dict[str, Any]]], still: str, *, keep: bool) -> str:
    """The page: the still part (kept above the player when `keep`), the packed data of `runs`, the script."""
    script = _SCRIPT_END.sub(r"<\\/\1", (_STATIC / "export.js").read_text(encoding="utf-8")).replace("<!--", "<\\!--")
    css = (_STATIC / "widget.css").read_text(encoding="utf-8") + _PAGE_CSS
    packed = json.dumps({"labels": [label for label, _ in runs], "runs": [data for _, data in runs]},
                        ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    payload = {"title": heading, "encoding": ENCODING,
               "data": base64.b64encode(gzip.compress(packed.encode("utf-8"), mtime=0)).decode("ascii")}
    csp = (f"default-src 'none'; script-src {_script_hash(script)}; style-src {_script_hash(css)}; img-src data:; "
           "base-uri 'none'; form-action 'none'")
    kept = ' data-still="keep"' if keep else ""
    note = ("The run's final picture: open this file in a browser with JavaScript on to replay the run."
            if runs else "No example's run was kept: the batch's summary only.")
    return (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
        f"<meta http-equiv=\"Content-Security-Policy\" content=\"{csp}\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        f"<meta name=\"generator\" content=\"dspyer-lab\">\n<title>{html.escape(heading)}</title>\n"
        f"<style>{css}</style>\n</head><body>\n"
        f"<header class=\"dl-export-head\"><h1 class=\"dl-export-title\">{html.escape(heading)}</h1></header>\n"
        f"<div id=\"dl-export\"{kept}><div class=\"dl-export-still\">{still}"
        f"</div>\n<p class=\"dl-export-note\">{note}</p></div>\n"
        f"<script type=\"application/json\" id=\"dl-export-data\">{_json_script(payload)}</script>\n"
        f"<script type=\"module\">{script}</script>\n</body></html>\n"
    )


def write_html(document: str, path: str | Path) -> Path:
    """Write `document` to `path` at once (a temporary file renamed over it). When writing fails, `RunSaveError`
    says why and the file that was there is left as it was."""
    target = Path(path)
    temporary: Path | None = None
    try:
        with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=target.parent, prefix=f".{target.name}.",
                                         suffix=".tmp", delete=False) as out:
            temporary = Path(out.name)
            out.write(document)
        temporary.replace(target)
    except Exception as exc:  # whatever it is, the old file is intact: say so, with the cause chained
        if temporary is not None:
            temporary.unlink(missing_ok=True)
        cause = " ".join(f"{type(exc).__name__}: {exc}".split())
        raise RunSaveError(f"could not write the page to {str(target)!r} ({cause}); the file there is unchanged") from exc
    return target
