r"""Bounding boxes: corner and centre forms, areas, IoU of many boxes at once, non-maximum suppression.

Boxes are rows of corners $(x_0, y_0, x_1, y_1)$ in pixel edges, as `dl_notes.shapes`
gives them: a box covering columns $x_0, \dots, x_1 - 1$ has width $x_1 - x_0$. The
centre form is $(c_x, c_y, w, h)$. The names follow d2l (``box_corner_to_center``,
``box_iou``, ``nms``) so that its chapter reads alongside this module.
"""

from __future__ import annotations

import numpy as np

from ._checks import array, unit_interval

__all__ = ["box_corner_to_center", "box_center_to_corner", "box_area", "box_iou", "nms", "nms_reference"]


def _boxes(name: str, boxes: object) -> np.ndarray:
    """``boxes`` as a float array of shape (n, 4) with x1 >= x0 and y1 >= y0."""
    b = array(name, boxes, ndim=2, layout="(n, 4)")
    if b.shape[1] != 4:
        raise ValueError(f"{name} must have 4 columns (x0, y0, x1, y1), got shape {b.shape}")
    b = b.astype(np.result_type(b.dtype, np.float32))
    if not np.isfinite(b).all():
        raise ValueError(f"{name} must be finite, got {b[~np.isfinite(b).all(axis=1)][:1]}")
    if (b[:, 2] < b[:, 0]).any() or (b[:, 3] < b[:, 1]).any():
        bad = np.flatnonzero((b[:, 2] < b[:, 0]) | (b[:, 3] < b[:, 1]))[0]
        raise ValueError(f"{name}[{bad}] = {b[bad].tolist()} has x1 < x0 or y1 < y0; boxes are corners (x0, y0, x1, y1)")
    return b


def box_corner_to_center(boxes: np.ndarray) -> np.ndarray:
    r"""Corners $(x_0, y_0, x_1, y_1)$ to centre and size $(c_x, c_y, w, h)$.

    $$
    c_x = \frac{x_0 + x_1}{2}, \quad c_y = \frac{y_0 + y_1}{2}, \quad w = x_1 - x_0, \quad h = y_1 - y_0
    $$

    Parameters
    ----------
    boxes : array_like, shape (n, 4)

    Returns
    -------
    numpy.ndarray, shape (n, 4)

    See Also
    --------
    box_center_to_corner : the inverse; the page "物体検出 / Object detection".

    Examples
    --------
    >>> box_corner_to_center([[2, 4, 8, 6]])
    array([[5., 5., 6., 2.]])
    """
    b = _boxes("boxes", boxes)
    x0, y0, x1, y1 = b.T
    return np.stack([(x0 + x1) / 2, (y0 + y1) / 2, x1 - x0, y1 - y0], axis=1)


def box_center_to_corner(boxes: np.ndarray) -> np.ndarray:
    r"""Centre and size $(c_x, c_y, w, h)$ to corners $(x_0, y_0, x_1, y_1)$.

    $$
    x_0 = c_x - \frac{w}{2}, \quad y_0 = c_y - \frac{h}{2}, \quad x_1 = c_x + \frac{w}{2}, \quad y_1 = c_y + \frac{h}{2}
    $$

    Parameters
    ----------
    boxes : array_like, shape (n, 4)
        Rows $(c_x, c_y, w, h)$ with $w, h \ge 0$.

    Returns
    -------
    numpy.ndarray, shape (n, 4)

    Raises
    ------
    ValueError
        If a width or height is negative.

    See Also
    --------
    box_corner_to_center : the inverse; the page "物体検出 / Object detection".

    Examples
    --------
    >>> box_center_to_corner([[5, 5, 6, 2]])
    array([[2., 4., 8., 6.]])
    """
    b = array("boxes", boxes, ndim=2, layout="(n, 4)")
    if b.shape[1] != 4:
        raise ValueError(f"boxes must have 4 columns (cx, cy, w, h), got shape {b.shape}")
    b = b.astype(np.result_type(b.dtype, np.float32))
    if (b[:, 2:] < 0).any():
        raise ValueError(f"boxes: widths and heights must be >= 0, got {b[(b[:, 2:] < 0).any(axis=1)][0].tolist()}")
    cx, cy, w, h = b.T
    return np.stack([cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2], axis=1)


def box_area(boxes: np.ndarray) -> np.ndarray:
    r"""The area $(x_1 - x_0)(y_1 - y_0)$ of each box, shape (n,).

    Examples
    --------
    >>> box_area([[0, 0, 4, 3], [1, 1, 1, 5]])
    array([12.,  0.])
    """
    b = _boxes("boxes", boxes)
    return (b[:, 2] - b[:, 0]) * (b[:, 3] - b[:, 1])


def box_iou(boxes1: np.ndarray, boxes2: np.ndarray) -> np.ndarray:
    r"""Intersection over union of every box of ``boxes1`` with every box of ``boxes2``, shape (n, m).

    $$
    \mathrm{IoU}(A, B) = \frac{|A \cap B|}{|A \cup B|} = \frac{|A \cap B|}{|A| + |B| - |A \cap B|}
    $$

    The intersection of two boxes is the box from the larger of the two $x_0$ to the
    smaller of the two $x_1$ (and the same in $y$), empty when that is negative.
    Counted in pixels, with A the predicted and B the true region, this is the **Jaccard index**
    $\mathrm{TP} / (\mathrm{TP} + \mathrm{FP} + \mathrm{FN})$: TP pixels are in both, FP
    only in the prediction, FN only in the truth. Computed by broadcasting, without loops. Two
    empty boxes have IoU 0 (not 0/0).

    Parameters
    ----------
    boxes1 : array_like, shape (n, 4)
    boxes2 : array_like, shape (m, 4)
        Corners $(x_0, y_0, x_1, y_1)$.

    Returns
    -------
    numpy.ndarray, shape (n, m)
        Values in [0, 1].

    Raises
    ------
    ValueError
        If an array is not (n, 4), not finite, or has $x_1 < x_0$ or $y_1 < y_0$.

    See Also
    --------
    nms : uses it; the page "物体検出 / Object detection".

    Examples
    --------
    Identical, half-shifted, touching and nested boxes:

    >>> box_iou([[0, 0, 4, 4]], [[0, 0, 4, 4], [2, 0, 6, 4], [4, 0, 8, 4], [1, 1, 3, 3]]).round(4)
    array([[1.    , 0.3333, 0.    , 0.25  ]])
    """
    a, b = _boxes("boxes1", boxes1), _boxes("boxes2", boxes2)
    lower = np.maximum(a[:, None, :2], b[None, :, :2])         # (n, m, 2) the intersection's (x0, y0)
    upper = np.minimum(a[:, None, 2:], b[None, :, 2:])         # (n, m, 2) its (x1, y1)
    inter = np.clip(upper - lower, 0, None).prod(axis=2)       # (n, m)
    union = box_area(a)[:, None] + box_area(b)[None, :] - inter
    return np.divide(inter, union, out=np.zeros_like(inter), where=union > 0)


def nms(boxes: np.ndarray, scores: np.ndarray, iou_threshold: float = 0.5,
        labels: np.ndarray | None = None) -> np.ndarray:
    r"""Greedy non-maximum suppression: the indices of the boxes kept, highest score first.

    Repeatedly keep the highest-scoring box left and remove every remaining box whose IoU with it
    is **greater than** ``iou_threshold`` (a box at exactly the threshold stays):

    $$
    \text{remove } j \text{ when } \mathrm{IoU}(b_i, b_j) > \theta \text{ for a kept } b_i \text{ with } s_i \ge s_j
    $$

    With ``labels``, boxes of different classes never suppress each other (NMS per class). Ties
    in score keep the earlier index first (a stable sort). ``iou_threshold = 1`` keeps
    everything; ``0`` keeps no two boxes that overlap at all.

    Parameters
    ----------
    boxes : array_like, shape (n, 4)
        Corners $(x_0, y_0, x_1, y_1)$.
    scores : array_like, shape (n,)
        Confidence of each box.
    iou_threshold : float in [0, 1], default 0.5
    labels : array_like of int, shape (n,), optional
        Class of each box; suppression only within a class.

    Returns
    -------
    numpy.ndarray of int64, shape (k,)
        Indices into ``boxes``, in decreasing score.

    Raises
    ------
    ValueError
        If the shapes disagree or ``iou_threshold`` is outside [0, 1].

    See Also
    --------
    nms_reference : the same rule written as plain loops, the oracle of the tests.
    box_iou : the overlap it thresholds; the page "物体検出 / Object detection".

    Examples
    --------
    >>> boxes = [[0, 0, 4, 4], [1, 0, 5, 4], [8, 8, 10, 10], [0, 1, 4, 5]]
    >>> scores = [0.9, 0.8, 0.7, 0.6]
    >>> nms(boxes, scores, 0.5)            # box 1 (IoU 0.6) and box 3 (IoU 0.6) go
    array([0, 2])
    >>> nms(boxes, scores, 0.5, labels=[0, 1, 0, 0])
    array([0, 1, 2])
    """
    b = _boxes("boxes", boxes)
    s = array("scores", scores, ndim=1, layout="(n,)")
    if len(s) != len(b):
        raise ValueError(f"scores must have one value per box: {len(b)} boxes, got shape {s.shape}")
    theta = unit_interval("iou_threshold", iou_threshold)
    order = np.argsort(-s, kind="stable")
    iou = box_iou(b[order], b[order])                                  # (n, n) in score order
    if labels is not None:
        lab = array("labels", labels, ndim=1, layout="(n,)")
        if len(lab) != len(b):
            raise ValueError(f"labels must have one value per box: {len(b)} boxes, got shape {lab.shape}")
        iou[lab[order][:, None] != lab[order][None, :]] = 0.0         # other classes never suppress
    removed = np.zeros(len(order), dtype=bool)
    for i in range(len(order)):
        if not removed[i]:
            removed[i + 1:] |= iou[i, i + 1:] > theta
    return order[~removed].astype(np.int64)


def nms_reference(boxes: list, scores: list, iou_threshold: float, labels: list | None = None) -> list[int]:
    r"""Non-maximum suppression as plain Python loops, one pair of boxes at a time.

    The slow, obviously correct version of `nms`, used by the tests as an oracle: sort by score
    (stable), walk down the list, and keep a box unless a kept box of its class overlaps it with
    IoU greater than ``iou_threshold``.

    Examples
    --------
    >>> nms_reference([[0, 0, 4, 4], [1, 0, 5, 4], [8, 8, 10, 10]], [0.9, 0.8, 0.7], 0.5)
    [0, 2]
    """
    def iou(p, q):
        w = max(0.0, min(p[2], q[2]) - max(p[0], q[0]))
        h = max(0.0, min(p[3], q[3]) - max(p[1], q[1]))
        union = (p[2] - p[0]) * (p[3] - p[1]) + (q[2] - q[0]) * (q[3] - q[1]) - w * h
        return w * h / union if union > 0 else 0.0

    labels = [0] * len(boxes) if labels is None else list(labels)
    kept: list[int] = []
    for j in sorted(range(len(boxes)), key=lambda k: -scores[k]):
        if all(labels[i] != labels[j] or iou(boxes[i], boxes[j]) <= iou_threshold for i in kept):
            kept.append(j)
    return kept
