r"""Generated sequence data for the recurrent-network chapters: seeded, exact and licence-free.

Every generator takes ``rng`` or ``seed`` and returns NumPy arrays shaped for the time layers,
inputs (N, T, D) and targets (N, T) or (N,), so that a page, a notebook and a test draw the
same data.
"""

from __future__ import annotations

import numpy as np

__all__: list[str] = []
