"""Fixtures shared by the whole suite."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# Offline machine: LiteLLM must read its bundled model metadata instead of trying to download it.
os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    """test-artifacts/ at the repo root (gitignored; CI keeps it): screenshots, logs, executed notebooks."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
