r"""Generated sequence data for the recurrent-network chapters: seeded, exact and licence-free.

Every generator takes ``rng`` or ``seed`` and returns NumPy arrays shaped for the time layers,
inputs (N, T, D) and targets (N, T) or (N,), so that a page, a notebook and a test draw the
same data.
"""

from __future__ import annotations

import numpy as np

from ._checks import count, generator, nonnegative

__all__: list[str] = ["first_symbol_task"]



def first_symbol_task(n: int, length: int, n_classes: int = 4, noise: float = 0.5, *,
                      rng: np.random.Generator | None = None, seed: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    r"""A long-range dependency: name the class of the first step after ``length - 1`` steps of noise.

    Step 1 of each sequence is the one-hot vector of its class $k$; steps 2 to ``length``
    are Gaussian noise, $x_t \sim \mathcal{N}(0, \text{noise}^2 I)$ on the same ``n_classes``
    inputs. The class is asked for only after the last step, so a network must carry it
    across ``length - 1`` noisy steps; guessing scores $1 / \text{n\_classes}$ (chance).

    Parameters
    ----------
    n : int
        Number of sequences.
    length : int
        Time steps T per sequence (at least 1).
    n_classes : int, default 4
        Classes (at least 2), also the number of inputs per step.
    noise : float, default 0.5
        Standard deviation of the distractor steps (0 gives zeros after step 1).
    rng, seed : optional
        The generator, or its seed.

    Returns
    -------
    xs : ndarray, shape (n, length, n_classes), float32
    ts : ndarray, shape (n,), int64
        The class of step 1, in ``range(n_classes)``.

    Raises
    ------
    ValueError
        If a count is too small or ``noise`` is negative.

    Examples
    --------
    >>> xs, ts = first_symbol_task(2, 3, n_classes=3, noise=0.0, seed=0)
    >>> xs.shape, ts.tolist()
    ((2, 3, 3), [2, 1])
    >>> xs[0].tolist()                         # the class at t = 1, then (here noiseless) distractors
    [[0.0, 0.0, 1.0], [0.0, 0.0, 0.0], [0.0, 0.0, 0.0]]
    """
    n, length = count("n", n), count("length", length)
    n_classes = count("n_classes", n_classes, minimum=2)
    noise = nonnegative("noise", noise)
    rng = generator(rng, seed)
    ts = rng.integers(n_classes, size=n)
    xs = noise * rng.standard_normal((n, length, n_classes)) + 0.0  # + 0.0: no -0.0 when noise = 0
    xs[:, 0] = np.eye(n_classes)[ts]
    return xs.astype(np.float32), ts
