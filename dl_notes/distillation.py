r"""Knowledge distillation: a small student network learns from a larger teacher's outputs.

The teacher's scores, softened by a temperature $T$, are *soft targets*: besides the right
class they say which wrong classes the teacher finds plausible (a 7 that looks like a 1). The
student is trained on a mix of the usual cross-entropy with the labels and the Kullback–Leibler
divergence from the teacher's softened distribution to its own (Hinton et al., 2015):

$$
L = \alpha\, \mathrm{CE}(y, t) + (1 - \alpha)\, T^2\, \mathrm{KL}\bigl(p_t^T \,\big\|\, p_s^T\bigr),
\qquad p^T = \operatorname{softmax}(z / T)
$$

The page "Lightweighting" (``compression.md``) derives the gradient and measures a distilled
student against the same student trained alone.
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

import numpy as np

from ._checks import batch, forward_cache, labels, positive, unit_interval
from .activations import softmax
from .losses import softmax_cross_entropy
from .activations import log_softmax

__all__ = ["softmax_with_temperature", "distillation_loss", "DistillationLoss", "Distiller"]


def softmax_with_temperature(z: np.ndarray, T: float = 1.0) -> np.ndarray:
    r"""Softmax of the scores divided by the temperature: $p^T_k = e^{z_k / T} / \sum_j e^{z_j / T}$.

    $T = 1$ is the ordinary softmax; a larger $T$ flattens the distribution (towards uniform as
    $T \to \infty$) without changing the order of the classes.

    Parameters
    ----------
    z : ndarray
        Scores (logits), shape (K,) or (N, K).
    T : float, default 1
        Temperature, > 0.

    Returns
    -------
    ndarray
        Same shape; each row sums to 1.

    See Also
    --------
    DistillationLoss : uses it for the soft targets (page: Lightweighting, ``compression.md``).

    Examples
    --------
    >>> z = np.array([4.0, 2.0, 0.0])
    >>> [softmax_with_temperature(z, T).round(3).tolist() for T in (1, 2, 8)]
    [[0.867, 0.117, 0.016], [0.665, 0.245, 0.09], [0.419, 0.326, 0.254]]
    """
    return softmax(np.asarray(z) / positive("T", T), axis=-1)


class DistillationLoss:
    r"""The distillation loss as an output layer: student scores, labels and teacher scores in, loss out.

    For a batch of $N$ samples, with $z_s$ the student's and $z_t$ the teacher's scores:

    $$
    L = \alpha\, \mathrm{CE}(y, t) + (1 - \alpha)\, T^2\, \mathrm{KL}\bigl(p_t^T \,\big\|\, p_s^T\bigr),
    \qquad p^T = \operatorname{softmax}(z / T)
    $$

    with $\mathrm{CE}(y, t) = -\frac{1}{N} \sum_n \log y_{n, t_n}$, $y = \operatorname{softmax}(z_s)$
    and $\mathrm{KL}(p \,\|\, q) = \frac{1}{N} \sum_n \sum_k p_{nk} \log (p_{nk} / q_{nk})$ (PyTorch's
    ``kl_div(..., reduction='batchmean')``). The gradient with respect to the student's scores is

    $$
    \frac{\partial L}{\partial z_s} = \frac{\alpha}{N}\,(y - t)
    + \frac{(1 - \alpha)\, T}{N}\,\bigl(p_s^T - p_t^T\bigr)
    $$

    For one sample with $K$ classes, the KL term alone has the gradient below; for a large $T$,
    $p^T_k \approx (1 + (z_k - \bar z)/T)/K$ with $\bar z$ the mean score, so the difference
    itself shrinks like $1/T$:

    $$
    \frac{\partial\, \mathrm{KL}}{\partial z_s} = \frac{1}{T}\bigl(p_s^T - p_t^T\bigr)
    \approx \frac{1}{K T^2}\bigl((z_s - \bar z_s) - (z_t - \bar z_t)\bigr)
    $$

    The soft term's gradient would fall like $1/T^2$. The factor $T^2$ keeps its scale the same
    whatever $T$ is, so changing $T$ does not silently re-weight the two terms. The teacher's
    scores are constants: no gradient flows into the teacher.

    Parameters
    ----------
    T : float, default 4
        Temperature of the soft targets, > 0.
    alpha : float, default 0.5
        Weight of the hard-label cross-entropy, in [0, 1]; ``alpha=1`` is plain training
        (the teacher's scores may then be None).

    Attributes
    ----------
    loss, hard_loss, soft_loss : float
        The last $L$, $\mathrm{CE}$ and $T^2\,\mathrm{KL}$.

    Raises
    ------
    ValueError
        For shapes that do not match, labels out of range, non-finite scores, or a bad ``T`` or
        ``alpha``.

    See Also
    --------
    Distiller : a student and a teacher trained with it (page: Lightweighting, ``compression.md``).

    Examples
    --------
    >>> layer = DistillationLoss(T=2.0, alpha=0.5)
    >>> z_s = np.array([[1.0, 0.0, -1.0]])
    >>> z_t = np.array([[3.0, 1.0, -1.0]])
    >>> round(layer.forward(z_s, np.array([0]), z_t), 4), round(layer.hard_loss, 4), round(layer.soft_loss, 4)
    (0.3243, 0.4076, 0.2411)
    >>> layer.backward().round(4)
    array([[-0.3261,  0.1848,  0.1413]])
    >>> DistillationLoss(alpha=1.0).forward(z_s, np.array([0]), None) == layer.hard_loss   # plain cross-entropy
    True
    """

    def __init__(self, T: float = 4.0, alpha: float = 0.5) -> None:
        self.T = positive("T", T)
        self.alpha = unit_interval("alpha", alpha)
        self.loss: float | None = None
        self.hard_loss: float | None = None
        self.soft_loss: float | None = None
        self._cache: tuple | None = None

    def forward(self, x: np.ndarray, t: np.ndarray, teacher_logits: np.ndarray | None) -> float:
        where = "DistillationLoss.forward"
        x = batch(where, x)
        if x.ndim != 2:
            raise ValueError(f"{where}: x (the student's scores) must be 2-D (N, K), got shape {x.shape}")
        N, K = x.shape
        t = labels("t", t, N, K)
        t_idx = t if t.ndim == 1 else t.argmax(axis=1)
        y = softmax(x, axis=1)
        self.hard_loss = softmax_cross_entropy(x, t_idx)
        soft = 0.0
        p_s = p_t = None
        if self.alpha < 1:
            if teacher_logits is None:
                raise ValueError(f"{where}: teacher_logits is None, but alpha = {self.alpha} < 1 needs them")
            z_t = batch(where, teacher_logits, "teacher_logits").astype(x.dtype, copy=False)
            if z_t.shape != x.shape:
                raise ValueError(f"{where}: teacher_logits has shape {z_t.shape}, the student's scores x {x.shape}; "
                                 "they must match")
            log_p_s, log_p_t = log_softmax(x / self.T), log_softmax(z_t / self.T)   # (N, K)
            p_s, p_t = np.exp(log_p_s), np.exp(log_p_t)
            kl = float((p_t * (log_p_t - log_p_s)).sum() / N)
            soft = self.T ** 2 * kl
        self.soft_loss = soft
        self.loss = self.alpha * self.hard_loss + (1 - self.alpha) * soft
        self._cache = (y, t_idx, p_s, p_t)
        return self.loss

    def backward(self, dout: float = 1) -> np.ndarray:
        y, t_idx, p_s, p_t = forward_cache("DistillationLoss.backward", self._cache)
        N = len(y)
        dx = y.copy()                                   # (N, K)
        dx[np.arange(N), t_idx] -= 1
        dx *= self.alpha / N
        if p_s is not None:
            dx += (1 - self.alpha) * self.T / N * (p_s - p_t)
        return dx * dout


class _WithTeacher:
    """A `DistillationLoss` with the teacher's scores bound: the ``forward(x, t)`` of an output layer."""

    def __init__(self, layer: DistillationLoss, teacher_logits: np.ndarray | None) -> None:
        self.layer, self.teacher_logits = layer, teacher_logits

    def forward(self, x: np.ndarray, t: np.ndarray) -> float:
        return self.layer.forward(x, t, self.teacher_logits)

    def backward(self, dout: float = 1) -> np.ndarray:
        return self.layer.backward(dout)


class Distiller:
    r"""A student network trained by distillation from a teacher, with the course's network interface.

    ``params``, ``layers``, ``predict`` and ``accuracy`` are the student's; ``loss`` and
    ``gradient`` use `DistillationLoss` with the teacher's scores as soft targets, so a
    `dl_notes.train.Trainer` or an optimizer trains the student by distillation:

    $$
    L = \alpha\, \mathrm{CE}(y, t) + (1 - \alpha)\, T^2\, \mathrm{KL}\bigl(p_t^T \,\big\|\, p_s^T\bigr)
    $$

    The teacher's scores come from ``teacher.predict(x)`` (inference mode), or are passed in as
    ``teacher_logits`` (computed once for a whole data set, which saves a teacher forward pass
    per batch).

    Parameters
    ----------
    student
        A network built on `dl_notes.nets.Network` (`MultiLayerNet`, `SimpleConvNet`, ...).
    teacher : optional
        Anything with ``predict(x)``; may be None if ``teacher_logits`` are always given.
    T : float, default 4
    alpha : float, default 0.5

    See Also
    --------
    DistillationLoss : the loss and its gradient (page: Lightweighting, ``compression.md``).

    Examples
    --------
    >>> from dl_notes.nets import MultiLayerNet
    >>> from dl_notes.gradcheck import check_network
    >>> teacher = MultiLayerNet(4, [8], 3, dtype=np.float64, seed=0)
    >>> student = MultiLayerNet(4, [2], 3, dtype=np.float64, seed=1)
    >>> distiller = Distiller(student, teacher, T=3.0, alpha=0.3)
    >>> x, t = np.random.default_rng(2).standard_normal((5, 4)), np.array([0, 1, 2, 0, 1])
    >>> max(check_network(distiller, x, t).values()) < 1e-6
    True
    >>> distiller.params is student.params, type(student.last_layer).__name__
    (True, 'SoftmaxWithLoss')
    """

    def __init__(self, student, teacher=None, T: float = 4.0, alpha: float = 0.5) -> None:
        self.student, self.teacher = student, teacher
        self.loss_layer = DistillationLoss(T, alpha)
        self.params = student.params
        self.layers = student.layers
        self.last_loss: float | None = None

    def teacher_logits(self, x: np.ndarray) -> np.ndarray:
        """The teacher's scores for ``x`` (inference mode)."""
        if self.teacher is None:
            raise ValueError("Distiller: no teacher was given, so pass teacher_logits")
        return self.teacher.predict(x)

    @contextmanager
    def _soft_targets(self, x: np.ndarray, teacher_logits: np.ndarray | None) -> Iterator[None]:
        """Let the student's own loss and gradient run with the distillation loss as output layer."""
        if teacher_logits is None and self.loss_layer.alpha < 1:
            teacher_logits = self.teacher_logits(x)
        own = self.student.last_layer
        self.student.last_layer = _WithTeacher(self.loss_layer, teacher_logits)
        try:
            yield
        finally:
            self.student.last_layer = own

    def predict(self, x: np.ndarray, train_flg: bool = False) -> np.ndarray:
        """The student's scores."""
        return self.student.predict(x, train_flg)

    def loss(self, x: np.ndarray, t: np.ndarray, train_flg: bool = False,
             teacher_logits: np.ndarray | None = None) -> float:
        """The distillation loss of the student on ``(x, t)`` (plus the student's weight penalty)."""
        with self._soft_targets(x, teacher_logits):
            return self.student.loss(x, t, train_flg)

    def gradient(self, x: np.ndarray, t: np.ndarray, teacher_logits: np.ndarray | None = None) -> dict[str, np.ndarray]:
        """Gradients of the distillation loss with respect to the student's ``params``."""
        with self._soft_targets(x, teacher_logits):
            grads = self.student.gradient(x, t)
        self.last_loss = self.student.last_loss
        return grads

    def accuracy(self, x: np.ndarray, t: np.ndarray, batch_size: int | None = None) -> float:
        """The student's accuracy."""
        return self.student.accuracy(x, t, batch_size)


def distillation_loss(student_logits: np.ndarray, t: np.ndarray, teacher_logits: np.ndarray, T: float = 4.0,
                      alpha: float = 0.5) -> float:
    r"""The distillation loss as a function (`DistillationLoss` without the backward pass).

    $$
    L = \alpha\, \mathrm{CE}(y, t) + (1 - \alpha)\, T^2\, \mathrm{KL}\bigl(p_t^T \,\big\|\, p_s^T\bigr)
    $$

    Examples
    --------
    >>> z = np.array([[2.0, 0.0]])
    >>> round(distillation_loss(z, np.array([0]), z, T=4.0, alpha=0.0), 12)   # same scores: KL = 0
    0.0
    """
    return DistillationLoss(T, alpha).forward(student_logits, t, teacher_logits)
