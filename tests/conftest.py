"""Fixtures shared by the whole suite."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

# Offline machine: LiteLLM must read its bundled model metadata instead of trying to download it.
os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"

# The lab records every run it shows to `.dspyer/runs.sqlite` in the working directory: the suite's
# runs (and the kernels and apps its browser tests start, which inherit this) go to one store of the
# session's own instead of the checkout. Tests of the default location set or unset it themselves.
if "DSPYER_LAB_STORE" not in os.environ:
    import tempfile

    os.environ["DSPYER_LAB_STORE"] = str(Path(tempfile.mkdtemp(prefix="dspyer-lab-tests-")) / "runs.sqlite")


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    """test-artifacts/ at the repo root (gitignored; CI keeps it): screenshots, logs, executed notebooks."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture
def shell() -> Iterator[Any]:
    """IPython's process-wide shell with the extension loaded; names the test binds are removed afterwards."""
    from IPython.core.interactiveshell import InteractiveShell

    sh = InteractiveShell.instance()
    before = set(sh.user_ns)
    sh.run_line_magic("load_ext", "dspyer_lab")
    yield sh
    sh.run_line_magic("unload_ext", "dspyer_lab")
    for name in set(sh.user_ns) - before:
        del sh.user_ns[name]
