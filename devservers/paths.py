"""Where the read-only shared data is: ``../shared`` beside the checkout, for the tests, the benches and the local arXiv.

It is absent in a public clone; whoever needs it checks ``SHARED.is_dir()`` (the tests skip, a bench falls back).
"""

from __future__ import annotations

from pathlib import Path

SHARED = Path(__file__).resolve().parent.parent.parent / "shared"
"""The read-only shared data beside the checkout (absent in a public clone)."""
