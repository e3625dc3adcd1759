"""The committed widget bundle (dspyer_lab/static/) is exactly what js/ builds.

`pip install` ships the committed bundle and never runs Node, so a source change that
was not rebuilt (`cd js && npm ci && npm run build`) would silently not reach users.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
JS = ROOT / "js"
STATIC = ROOT / "dspyer_lab" / "static"
OUTPUTS = ("widget.js", "widget.css", "viz-runtime.js")


@pytest.fixture(scope="module")
def fresh_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if shutil.which("node") is None:
        pytest.skip("node is not installed: cannot rebuild the widget bundle to compare it")
    if not (JS / "node_modules" / "esbuild").is_dir():
        pytest.skip("js/node_modules is missing: run `cd js && npm ci` to check the committed bundle")
    out = tmp_path_factory.mktemp("bundle")
    subprocess.run(["node", "build.mjs", "--outdir", str(out)], cwd=JS, check=True, capture_output=True, text=True)
    return out


@pytest.mark.parametrize("name", OUTPUTS)
def test_committed_bundle_matches_the_source_build(fresh_build: Path, name: str):
    built = (fresh_build / name).read_bytes()
    committed = (STATIC / name).read_bytes()
    assert built == committed, f"dspyer_lab/static/{name} is stale: run `cd js && npm run build` and commit it"


def test_widget_bundle_is_small_and_leaves_graphviz_to_the_runtime():
    """The widget `_esm` is synced (and saved) with every view: Graphviz must not be in it."""
    code = (STATIC / "widget.js").read_text(encoding="utf-8")
    assert len(code.encode()) < 100_000
    assert "export{" in code and " as default}" in code  # anywidget's `export default { render }`
    assert "from\"" not in code and "from'" not in code  # nothing left to import at run time
    assert "@viz-js/viz" not in code and "need-runtime" in code  # it asks the kernel for the runtime


def test_runtime_is_one_self_contained_esm_module_exporting_instance():
    code = (STATIC / "viz-runtime.js").read_text(encoding="utf-8")
    assert code.rstrip().endswith("*/")  # bundled license notices close the file
    assert "@viz-js/viz" in code  # Graphviz (WebAssembly) is inside
    assert "from\"" not in code and "from'" not in code  # importable from a Blob URL: no imports left
    assert code.rstrip().split("export{")[-1].split("}")[0].strip().endswith(" as instance")
