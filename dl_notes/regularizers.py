r"""Weight penalties against overfitting: L1, L2 (weight decay) and their mix, the Elastic Net.

A regularizer adds a penalty $\Omega(W)$ to the loss and its gradient
$\partial \Omega / \partial W$ to each weight's gradient. As in the course, only the weights
$W$ are penalised, not the biases or the batch-norm $\gamma, \beta$.

``penalty(weights)`` takes an iterable of weight arrays and returns the total, ``grad(W)``
returns the gradient for one array (same shape and dtype).
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from ._checks import nonnegative, positive, unit_interval

__all__ = ["ElasticNet", "L1", "L2", "lp_norm"]


def lp_norm(w: np.ndarray, p: float) -> float:
    r"""The $L_p$ norm of all entries of ``w``: $p = 1$ is L1's, $p = 2$ L2's, ``np.inf`` the largest $|w_i|$.

    $$
    \lVert w \rVert_p = \Bigl( \sum_i |w_i|^p \Bigr)^{1/p}, \qquad
    \lVert w \rVert_\infty = \max_i |w_i|
    $$

    (For $p < 1$ this is not a norm: its unit "ball" is not convex.) The L1 penalty is
    $\lambda \lVert W \rVert_1$; the L2 penalty uses the *square* $\frac{\lambda}{2}\lVert W \rVert_2^2$,
    whose gradient is $\lambda W$.

    Parameters
    ----------
    w : array_like
    p : float
        $p > 0$, or ``np.inf``.

    Raises
    ------
    ValueError
        If $p \le 0$.

    Examples
    --------
    >>> w = np.array([3.0, -4.0])
    >>> lp_norm(w, 1), lp_norm(w, 2), lp_norm(w, np.inf)
    (7.0, 5.0, 4.0)
    """
    a = np.abs(np.asarray(w, dtype=np.float64)).ravel()
    if p == np.inf:
        return float(a.max(initial=0.0))
    p = positive("p", p)
    return float(np.sum(a**p) ** (1 / p))


class ElasticNet:
    r"""The Elastic Net penalty: a mix of L1 and L2 with ratio $\rho$.

    $$
    \Omega(W) = \lambda \left( \rho \sum_{ij} |W_{ij}| + \frac{1 - \rho}{2} \sum_{ij} W_{ij}^2 \right),
    \qquad
    \frac{\partial \Omega}{\partial W} = \lambda \bigl( \rho \operatorname{sign}(W) + (1 - \rho) W \bigr)
    $$

    $\rho = 1$ is `L1`, $\rho = 0$ is `L2`. At $W_{ij} = 0$, where $|W|$ has no
    derivative, $\operatorname{sign}(0) = 0$ is used (a subgradient).

    Parameters
    ----------
    lam : float
        The strength $\lambda \ge 0$.
    l1_ratio : float, default 0.5
        $\rho \in [0, 1]$.

    Raises
    ------
    ValueError
        If $\lambda < 0$ or $\rho \notin [0, 1]$.

    Examples
    --------
    >>> reg = ElasticNet(lam=0.1, l1_ratio=0.5)
    >>> W = np.array([[1.0, -2.0]])
    >>> round(reg.penalty([W]), 6)           # 0.1 * (0.5 * 3 + 0.25 * 5)
    0.275
    >>> reg.grad(W)                          # 0.1 * (0.5 * sign(W) + 0.5 * W)
    array([[ 0.1 , -0.15]])
    """

    def __init__(self, lam: float, l1_ratio: float = 0.5) -> None:
        self.lam = nonnegative("lam", lam)
        self.l1_ratio = unit_interval("l1_ratio", l1_ratio)

    def penalty(self, weights: Iterable[np.ndarray]) -> float:
        total = 0.0
        for W in weights:
            if self.l1_ratio > 0:
                total += self.l1_ratio * float(np.abs(W).sum())
            if self.l1_ratio < 1:
                total += 0.5 * (1 - self.l1_ratio) * float(np.vdot(W, W))  # sum of squares, no temporary
        return self.lam * total

    def grad(self, W: np.ndarray) -> np.ndarray:
        g = (self.lam * (1 - self.l1_ratio)) * W
        if self.l1_ratio > 0:
            g += (self.lam * self.l1_ratio) * np.sign(W)
        return g

    def __repr__(self) -> str:
        return f"{type(self).__name__}(lam={self.lam!r}, l1_ratio={self.l1_ratio!r})"


class L1(ElasticNet):
    r"""The L1 (lasso) penalty, which drives weights to exactly zero.

    $$
    \Omega(W) = \lambda \sum_{ij} |W_{ij}|, \qquad \frac{\partial \Omega}{\partial W} = \lambda \operatorname{sign}(W)
    $$

    Examples
    --------
    >>> W = np.array([3.0, -0.5, 0.0])
    >>> L1(0.01).penalty([W]), L1(0.01).grad(W)
    (0.035, array([ 0.01, -0.01,  0.  ]))
    """

    def __init__(self, lam: float) -> None:
        super().__init__(lam, l1_ratio=1.0)

    def __repr__(self) -> str:
        return f"L1(lam={self.lam!r})"


class L2(ElasticNet):
    r"""The L2 penalty, *weight decay*: the book's ``weight_decay_lambda``.

    $$
    \Omega(W) = \frac{\lambda}{2} \sum_{ij} W_{ij}^2, \qquad \frac{\partial \Omega}{\partial W} = \lambda W
    $$

    The factor $1/2$ makes the gradient $\lambda W$, so an SGD step shrinks every weight by the
    factor $1 - \eta\lambda$ (hence "decay"). The course's overfitting notebook writes the
    penalty with the norm $\|W\|$ instead of its square while still using the gradient
    $\lambda W$; this class uses the square, which that gradient belongs to.

    Examples
    --------
    >>> W = np.array([3.0, -4.0])
    >>> L2(0.1).penalty([W]), L2(0.1).grad(W)
    (1.25, array([ 0.3, -0.4]))
    """

    def __init__(self, lam: float) -> None:
        super().__init__(lam, l1_ratio=0.0)

    def __repr__(self) -> str:
        return f"L2(lam={self.lam!r})"
