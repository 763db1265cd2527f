"""Defaults shared by the CLI and the library, defined once."""

from __future__ import annotations

#: Seed of the synthetic sample and of the wild cluster bootstrap.
SEED = 20240607
#: Wild cluster bootstrap draws (docs/architecture.md, decision 6: B = 9,999).
BOOTSTRAP_DRAWS = 9999
