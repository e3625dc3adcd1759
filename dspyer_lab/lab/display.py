"""Show graphs and compiled programs as a live `GraphView` when IPython displays them.

The core never imports the lab, so the formatters are registered by type *name*:
IPython resolves them lazily, the first time such an object is displayed.
"""

from __future__ import annotations

from typing import Any

__all__ = ["DISPLAYED_TYPES", "register_display"]

DISPLAYED_TYPES: tuple[tuple[str, str], ...] = (
    ("dspyer_lab.core.graph", "Graph"),
    ("dspyer_lab.core.program", "TranspiledProgram"),
)
"""(module, class name) of the objects shown as a GraphView."""


def _display_as_graphview(obj: Any) -> None:
    from IPython.display import display

    from .widgets.graph import GraphView  # widgets load on first display, not when the package loads

    display(GraphView(obj))


def register_display(shell: Any = None) -> bool:
    """Make `shell` (default: the running IPython) display graphs and programs as a GraphView.

    The view's bundle also carries a text outline of the graph, which is what frontends
    without widget support show. Returns False when there is no IPython shell.
    """
    if shell is None:
        from IPython import get_ipython

        shell = get_ipython()
    if shell is None:
        return False
    formatter = shell.display_formatter.ipython_display_formatter
    for module, name in DISPLAYED_TYPES:
        formatter.for_type_by_name(module, name, _display_as_graphview)
    return True
