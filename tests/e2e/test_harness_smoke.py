"""Harness smoke test: widgets render and update live in JupyterLab, and widget text cannot run code."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .helpers import LabServer, cell_outputs, open_and_run_all, wait_for_output, write_notebook

pytestmark = pytest.mark.browser

PAYLOAD = '<img src=x onerror="window.__pwned=1">'
LATER_PAYLOAD = "<script>window.__pwned=2</script><a href=\"javascript:window.__pwned=3\">'quotes'</a>"

CELLS = [
    "import ipywidgets, anywidget, traitlets\n"
    "slider = ipywidgets.IntSlider(value=7, description='smoke')\n"
    "slider",
    # A minimal anywidget: the text trait rendered with textContent, as every dspyer-lab view must.
    "class Echo(anywidget.AnyWidget):\n"
    "    _esm = '''\n"
    "    function render({ model, el }) {\n"
    "      const p = document.createElement('p');\n"
    "      p.className = 'e2e-echo';\n"
    "      const show = () => { p.textContent = model.get('text'); };\n"
    "      show();\n"
    "      model.on('change:text', show);\n"
    "      el.appendChild(p);\n"
    "    }\n"
    "    export default { render };\n"
    "    '''\n"
    "    text = traitlets.Unicode('').tag(sync=True)\n"
    "\n"
    "echo = Echo(text='first value')\n"
    "echo",
    f"evil = Echo(text={PAYLOAD!r})\nevil",
    "slider.value = 42\necho.text = 'updated from a later cell'",
    f"evil.text = {PAYLOAD!r} + {LATER_PAYLOAD!r}\nprint('done')",
]


def test_widgets_render_update_and_show_markup_as_text(lab_page, lab_server: LabServer) -> None:
    notebook = write_notebook(lab_server, "harness_smoke.ipynb", CELLS)
    open_and_run_all(lab_page, lab_server, notebook)
    wait_for_output(lab_page, 4, "done")

    expect(cell_outputs(lab_page, 0).locator(".widget-readout")).to_have_text("42")
    expect(cell_outputs(lab_page, 1).locator(".e2e-echo")).to_have_text("updated from a later cell")
    evil = cell_outputs(lab_page, 2).locator(".e2e-echo")
    expect(evil).to_have_text(PAYLOAD + LATER_PAYLOAD)
    expect(evil.locator("img, script, a")).to_have_count(0)
    assert lab_page.evaluate("() => window.__pwned") is None
