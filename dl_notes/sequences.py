r"""Generated sequence data for the recurrent-network chapters: seeded, exact and licence-free.

Every generator takes ``rng`` or ``seed`` and returns NumPy arrays shaped for the time layers,
inputs (N, T, D) and targets (N, T) or (N,), so that a page, a notebook and a test draw the
same data.
"""

from __future__ import annotations

import numpy as np

from ._checks import count, generator

__all__: list[str] = ["adding_problem"]


def adding_problem(n: int, length: int, *, rng: np.random.Generator | None = None,
                   seed: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    r"""The adding problem: add the two numbers of a sequence that carry a marker.

    Every step $t$ has two inputs, a number $v_t$ drawn uniformly from $[0, 1)$ and a marker
    $m_t \in \{0, 1\}$; exactly two steps are marked, one in the first half of the sequence and
    one in the second. The target is $\sum_t m_t v_t$. Predicting its mean (1) gives a mean
    squared error equal to its variance, $2 \cdot \frac{1}{12} = \frac{1}{6}$; doing better
    needs the value of the first marked step kept until the end, which is why Hochreiter and
    Schmidhuber (1997) and Pascanu et al. (2013) use it to study gradients through time.

    Parameters
    ----------
    n : int
        Number of sequences.
    length : int
        Time steps $T \ge 2$.
    rng, seed : optional
        The generator, or its seed.

    Returns
    -------
    xs : ndarray, shape (n, length, 2), float32
        ``xs[..., 0]`` the numbers, ``xs[..., 1]`` the markers.
    ts : ndarray, shape (n,), float32
        The sums.

    Examples
    --------
    >>> xs, ts = adding_problem(3, 6, seed=0)
    >>> xs.shape, ts.shape
    ((3, 6, 2), (3,))
    >>> xs[..., 1].sum(axis=1)                      # two markers per sequence
    array([2., 2., 2.], dtype=float32)
    >>> bool(np.allclose(ts, (xs[..., 0] * xs[..., 1]).sum(axis=1)))
    True
    """
    n, length = count("n", n), count("length", length, minimum=2)
    rng = generator(rng, seed)
    values = rng.random((n, length))
    markers = np.zeros((n, length))
    half = length // 2
    rows = np.arange(n)
    markers[rows, rng.integers(0, half, n)] = 1
    markers[rows, rng.integers(half, length, n)] = 1
    xs = np.stack([values, markers], axis=2).astype(np.float32)
    return xs, (values * markers).sum(axis=1).astype(np.float32)
