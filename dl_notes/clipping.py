r"""Gradient clipping: keep one update from being too large when the gradient explodes.

**Clipping by norm** treats all the gradients of a network as one vector $g$ and, when its
length exceeds a threshold $c$, shrinks it to that length, keeping its direction:

$$
\lVert g \rVert = \sqrt{\textstyle\sum_{\text{arrays}} \sum_{\text{entries}} g_i^2}, \qquad
g \leftarrow g \cdot \frac{c}{\lVert g \rVert} \quad \text{if } \lVert g \rVert > c.
$$

**Clipping by value** limits every entry to $[-c, c]$ on its own (Keras's ``clipvalue``); the
clipped vector generally points elsewhere.

Both change the gradients **in place**, the way the book's second volume does it
(``clip_grads`` in ``common/util.py``), and accept the gradients as a dict (what
``gradient()`` of the networks of `dl_notes` returns) or as a list (the book's ``grads``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np

from ._checks import positive

__all__ = ["clip_grads", "clip_grads_by_value", "global_norm"]

# Added to the norm before dividing, as in the book and in torch.nn.utils.clip_grad_norm_.
EPS = 1e-6


def _arrays(where: str, grads: object) -> list[np.ndarray]:
    if isinstance(grads, Mapping):
        items = list(grads.items())
    elif isinstance(grads, (list, tuple)):
        items = list(enumerate(grads))
    else:
        raise TypeError(f"{where}: grads must be a dict or a list of arrays, got {type(grads).__name__}")
    for key, g in items:
        if not isinstance(g, np.ndarray) or g.dtype.kind != "f":
            kind = g.dtype if isinstance(g, np.ndarray) else type(g).__name__
            raise TypeError(f"{where}: grads[{key!r}] must be a floating-point ndarray (changed in place), got {kind}")
    return [g for _, g in items]


def global_norm(grads: Mapping[str, np.ndarray] | list[np.ndarray]) -> float:
    r"""The length of all the gradients taken as one vector, $\sqrt{\sum g_i^2}$ (computed in float64).

    Examples
    --------
    >>> global_norm({"W": np.array([[3.0]]), "b": np.array([4.0])})
    5.0
    """
    total = 0.0
    for g in _arrays("global_norm", grads):
        v = g.ravel().astype(np.float64, copy=False)
        total += float(v @ v)
    return math.sqrt(total)


def clip_grads(grads: Mapping[str, np.ndarray] | list[np.ndarray], max_norm: float) -> float:
    r"""Clip the gradients by their global norm, in place; return the norm before clipping.

    $$
    \text{rate} = \frac{c}{\lVert g \rVert + \varepsilon}, \qquad
    g \leftarrow \text{rate} \cdot g \quad \text{if rate} < 1
    $$

    with $c$ = ``max_norm`` and $\varepsilon = 10^{-6}$ (the book's and PyTorch's
    ``clip_grad_norm_``; it only keeps the division finite). After clipping the norm is
    ``max_norm`` (up to $\varepsilon$); gradients already within it are left unchanged.
    The course's fill-in: ``grad * rate`` with ``rate = threshold / norm``.

    Parameters
    ----------
    grads : dict of str to ndarray, or list of ndarray
        Floating-point gradients, changed in place.
    max_norm : float
        The threshold $c > 0$.

    Returns
    -------
    float
        $\lVert g \rVert$ before clipping: clipping happened if it exceeds ``max_norm``.

    Examples
    --------
    >>> grads = {"W": np.array([[3.0, 0.0]]), "b": np.array([4.0])}   # norm 5
    >>> clip_grads(grads, max_norm=1.0)
    5.0
    >>> grads["W"].round(6), grads["b"].round(6)                    # same direction, length 1
    (array([[0.6, 0. ]]), array([0.8]))
    >>> clip_grads(grads, max_norm=2.0) < 2.0                       # below the threshold: unchanged
    True
    """
    max_norm = positive("clip_grads: max_norm", max_norm)
    arrays = _arrays("clip_grads", grads)
    norm = global_norm(arrays)
    rate = max_norm / (norm + EPS)
    if rate < 1:
        for g in arrays:
            g *= rate
    return norm


def clip_grads_by_value(grads: Mapping[str, np.ndarray] | list[np.ndarray], clip_value: float) -> int:
    r"""Limit every gradient entry to $[-c, c]$, in place; return how many entries were changed.

    Keras's ``clipvalue`` (the course's ``Adam(clipvalue=0.5)`` demo). Unlike `clip_grads`, it
    changes the direction of the gradient whenever some entries are cut and others are not.

    Examples
    --------
    >>> grads = [np.array([3.0, 0.5]), np.array([[-4.0]])]
    >>> clip_grads_by_value(grads, clip_value=1.0)
    2
    >>> grads
    [array([1. , 0.5]), array([[-1.]])]
    """
    clip_value = positive("clip_grads_by_value: clip_value", clip_value)
    changed = 0
    for g in _arrays("clip_grads_by_value", grads):
        changed += int(np.count_nonzero(np.abs(g) > clip_value))
        np.clip(g, -clip_value, clip_value, out=g)
    return changed
