r"""Semantic segmentation: a class for every pixel, its loss, and how to score it.

A segmentation network outputs scores of shape (N, K, H, W), one vector of $K$ class scores per
pixel. `PixelSoftmaxWithLoss` is softmax cross-entropy averaged over all pixels. The scores are
compared with the truth by

- `pixel_accuracy`: the fraction of pixels labelled right. When one class (the background)
  covers most pixels, labelling everything background already scores high;
- `confusion_matrix` and `class_iou`: per class $\mathrm{IoU} = TP / (TP + FP + FN)$, the
  overlap of the predicted and true regions of the class over their union;
- `mean_iou`: their mean over the classes, each class weighing the same however few pixels it has.

The page セグメンテーション / Segmentation (``segmentation.md``) teaches them.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from ._checks import array, count, forward_cache, image_batch
from .seq2seq import log_softmax

__all__ = ["pixel_accuracy", "confusion_matrix", "class_iou", "mean_iou", "PixelSoftmaxWithLoss"]


def _label_maps(where: str, pred: ArrayLike, truth: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    pred, truth = np.asarray(pred), np.asarray(truth)
    if pred.shape != truth.shape:
        raise ValueError(f"{where}: pred has shape {pred.shape} and truth {truth.shape}; give label maps of one shape")
    for name, a in (("pred", pred), ("truth", truth)):
        if a.dtype.kind not in "iu":
            raise TypeError(f"{where}: {name} must hold integer class labels, got dtype {a.dtype} "
                            f"(take scores.argmax(axis=1) first)")
        if a.size == 0:
            raise ValueError(f"{where}: {name} is empty")
    return pred, truth


def pixel_accuracy(pred: ArrayLike, truth: ArrayLike) -> float:
    r"""The fraction of pixels whose predicted class is the true class.

    $$
    \mathrm{PA} = \frac{\sum_k TP_k}{\text{number of pixels}}
    $$

    See Also
    --------
    mean_iou : the measure that a dominant background does not inflate (page: Segmentation, ``segmentation.md``).

    Examples
    --------
    >>> pixel_accuracy(np.array([[0, 0], [1, 2]]), np.array([[0, 1], [1, 2]]))
    0.75
    """
    pred, truth = _label_maps("pixel_accuracy", pred, truth)
    return float(np.mean(pred == truth))


def confusion_matrix(pred: ArrayLike, truth: ArrayLike, num_classes: int) -> np.ndarray:
    r"""Pixel counts by true class (rows) and predicted class (columns).

    $$
    M_{k,l} = \#\{\text{pixels with truth } k \text{ and prediction } l\}
    $$

    so $TP_k = M_{k,k}$, $FN_k = \sum_l M_{k,l} - M_{k,k}$ (row), $FP_k = \sum_l M_{l,k} - M_{k,k}$ (column).

    Parameters
    ----------
    pred, truth : array_like of int, same shape
        Class labels in ``0 .. num_classes - 1``.
    num_classes : int
        $K$.

    Returns
    -------
    ndarray of int64, shape (K, K)

    Raises
    ------
    ValueError
        When the shapes differ or a label is outside ``0 .. K - 1``.

    Examples
    --------
    >>> confusion_matrix(np.array([0, 0, 1, 2]), np.array([0, 1, 1, 2]), 3)
    array([[1, 0, 0],
           [1, 1, 0],
           [0, 0, 1]])
    """
    pred, truth = _label_maps("confusion_matrix", pred, truth)
    K = count("confusion_matrix: num_classes", num_classes, 1)
    for name, a in (("pred", pred), ("truth", truth)):
        if a.min() < 0 or a.max() >= K:
            raise ValueError(f"confusion_matrix: {name} has labels from {a.min()} to {a.max()}, "
                             f"expected 0 .. {K - 1} for num_classes = {K}")
    return np.bincount(truth.ravel() * K + pred.ravel(), minlength=K * K).reshape(K, K)


def class_iou(matrix: ArrayLike) -> np.ndarray:
    r"""Intersection over union of every class from a confusion matrix; NaN for a class in neither map.

    $$
    \begin{aligned}
    \mathrm{IoU}_k &= \frac{TP_k}{TP_k + FP_k + FN_k} \\
    &= \frac{M_{k,k}}{\sum_l M_{k,l} + \sum_l M_{l,k} - M_{k,k}}
    \end{aligned}
    $$

    A class that is neither in the truth nor in the prediction has $0 / 0$: it gets NaN, and
    `mean_iou` leaves it out. A class only predicted (or only true) gets 0.

    See Also
    --------
    confusion_matrix : the counts it reads (page: Segmentation, ``segmentation.md``).

    Examples
    --------
    >>> class_iou(np.array([[1, 0, 0], [1, 1, 0], [0, 0, 1]]))
    array([0.5, 0.5, 1. ])
    >>> class_iou(np.array([[2, 0], [0, 0]]))                   # class 1 appears nowhere
    array([ 1., nan])
    """
    M = array("class_iou: matrix", matrix, ndim=2, layout="(K, K)")
    if M.shape[0] != M.shape[1]:
        raise ValueError(f"class_iou: matrix must be square (K, K), got shape {M.shape}")
    tp = np.diag(M).astype(np.float64)
    union = M.sum(axis=0) + M.sum(axis=1) - tp
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(union > 0, tp / np.where(union > 0, union, 1), np.nan)


def mean_iou(pred: ArrayLike, truth: ArrayLike, num_classes: int) -> float:
    r"""The mean of `class_iou` over the classes present in the truth or the prediction.

    $$
    \mathrm{mIoU} = \frac{1}{|\mathcal{K}|} \sum_{k \in \mathcal{K}} \frac{TP_k}{TP_k + FP_k + FN_k}
    $$

    with $\mathcal{K}$ the classes with $TP_k + FP_k + FN_k > 0$, counted over all the pixels
    of all the images given (one confusion matrix for the whole set, as in the PASCAL VOC
    evaluation), the background included.

    See Also
    --------
    class_iou : the per-class values (page: Segmentation, ``segmentation.md``).

    Examples
    --------
    Everything predicted as background: pixel accuracy 0.75, but mean IoU (0.75 + 0) / 2.

    >>> truth = np.array([[0, 0], [0, 1]])
    >>> pixel_accuracy(np.zeros_like(truth), truth), mean_iou(np.zeros_like(truth), truth, 2)
    (0.75, 0.375)
    """
    return float(np.nanmean(class_iou(confusion_matrix(pred, truth, num_classes))))


class PixelSoftmaxWithLoss:
    r"""Softmax over the classes at every pixel and cross-entropy with the true class, averaged over pixels.

    $$
    \begin{gathered}
    L = -\frac{1}{NHW} \sum_{n,h,w} \log \frac{\exp s_{n,\,t_{nhw},\,h,w}}{\sum_k \exp s_{n,k,h,w}} \\
    \frac{\partial L}{\partial s_{n,k,h,w}} = \frac{y_{n,k,h,w} - [k = t_{nhw}]}{NHW}
    \end{gathered}
    $$

    with $y$ the per-pixel softmax. It is `dl_notes.losses.SoftmaxWithLoss` with every pixel a
    sample.

    Attributes
    ----------
    y : ndarray, shape (N, K, H, W)
        The softmax of the last ``forward``.

    See Also
    --------
    dl_notes.fcn.SmallFCN, dl_notes.fcn.SmallUNet : the networks trained with it (page: Segmentation, ``segmentation.md``).

    Examples
    --------
    >>> loss = PixelSoftmaxWithLoss()
    >>> s = np.zeros((1, 2, 1, 2))                     # two pixels, two classes, equal scores
    >>> round(loss.forward(s, np.array([[[0, 1]]])), 4)  # log 2
    0.6931
    >>> loss.backward()[0, :, 0]
    array([[-0.25,  0.25],
           [ 0.25, -0.25]])
    """

    def __init__(self) -> None:
        self.y: np.ndarray | None = None
        self.t: np.ndarray | None = None
        self.loss: float | None = None

    def forward(self, x: ArrayLike, t: ArrayLike) -> float:
        """The mean cross-entropy over all N·H·W pixels."""
        where = "PixelSoftmaxWithLoss.forward"
        x = image_batch(where, x)
        N, K, H, W = x.shape
        t = np.asarray(t)
        if t.shape != (N, H, W) or t.dtype.kind not in "iu":
            raise ValueError(f"{where}: t must be integer labels of shape (N, H, W) = {(N, H, W)}, "
                             f"got {t.dtype} of shape {t.shape}")
        if t.min() < 0 or t.max() >= K:
            raise ValueError(f"{where}: t has labels from {t.min()} to {t.max()}, expected 0 .. {K - 1}")
        log_y = log_softmax(np.moveaxis(x, 1, -1))                           # (N, H, W, K)
        self.y, self.t = np.moveaxis(np.exp(log_y), -1, 1), t                # (N, K, H, W)
        picked = np.take_along_axis(log_y, t[..., None], axis=-1)            # (N, H, W, 1)
        self.loss = float(-picked.mean())
        return self.loss

    def backward(self, dout: float = 1) -> np.ndarray:
        """dL/dx, shape (N, K, H, W)."""
        y = forward_cache("PixelSoftmaxWithLoss.backward", self.y)
        N, K, H, W = y.shape
        dx = y.copy()
        np.put_along_axis(dx, self.t[:, None], np.take_along_axis(dx, self.t[:, None], axis=1) - 1, axis=1)
        return dx * (dout / (N * H * W))
