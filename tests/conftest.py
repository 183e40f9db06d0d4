"""Shared fixtures: where ../shared is, and a clean environment for every test."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parent.parent.parent / "shared"
"""The read-only shared data beside the checkout (absent in a public clone)."""

requires_shared = pytest.mark.skipif(not SHARED.is_dir(), reason="../shared is absent (public clone)")


@pytest.fixture
def shared() -> Path:
    """Path to ../shared; skips the test when it is absent."""
    if not SHARED.is_dir():
        pytest.skip("../shared is absent (public clone)")
    return SHARED


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Results must not depend on the machine: drop GitHub and proxy variables."""
    for name in list(os.environ):
        upper = name.upper()
        if upper.startswith("GITHUB_") or upper.endswith("_PROXY") or upper == "KD_TRACKER_TOKEN":
            monkeypatch.delenv(name, raising=False)
