r"""How object detectors are scored: matching detections to the truth, precision and recall, AP and mAP.

A detection is a box, a class and a confidence score. At an IoU threshold $\theta$ (0.5 in
PASCAL VOC), the detections of one class are taken in decreasing score; each is a **true
positive** if its best-overlapping true box of that class in the same image has
$\mathrm{IoU} \ge \theta$ and has not been matched yet, else a **false positive** (a second
detection of the same object is a false positive: a duplicate). Walking down the ranking gives a
precision and a recall after every detection; the **average precision** (AP) is the area under
that precision–recall curve made monotone, and the **mAP** is the mean of the APs of the classes.
So AP scores the localisation (through $\theta$), the class and the ranking by confidence
together; IoU alone scores only the first.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ._checks import array, count, one_of, unit_interval
from .boxes import box_iou

__all__ = ["match_detections", "precision_recall", "average_precision", "average_precision_reference",
           "mean_average_precision", "METHODS"]

METHODS = ("all_point", "11_point")


def match_detections(boxes: np.ndarray, scores: np.ndarray, true_boxes: np.ndarray,
                     iou_threshold: float = 0.5) -> np.ndarray:
    r"""Which detections of one class in one image are true positives, by the PASCAL VOC rule.

    Detections are visited in decreasing score (ties: earlier index first). Detection $i$
    is a true positive when the true box $j^* = \arg\max_j \mathrm{IoU}(b_i, g_j)$ has

    $$
    \mathrm{IoU}(b_i, g_{j^*}) \ge \theta \quad\text{and}\quad g_{j^*} \text{ is not matched yet}
    $$

    and then $g_{j^*}$ is matched. Otherwise it is a false positive: badly placed, or a
    duplicate of an object already found. (The VOC development kit writes $> \theta$; the
    two differ only when an IoU is exactly $\theta$.)

    Parameters
    ----------
    boxes : array_like, shape (n, 4)
        Detected boxes, corners $(x_0, y_0, x_1, y_1)$.
    scores : array_like, shape (n,)
    true_boxes : array_like, shape (m, 4)
        The true boxes of the same class in the same image.
    iou_threshold : float in [0, 1], default 0.5

    Returns
    -------
    numpy.ndarray of bool, shape (n,)
        True for a true positive, in the order of ``boxes``.

    See Also
    --------
    precision_recall : the curve made from these flags; the page "物体検出 / Object detection".

    Examples
    --------
    Two detections of one object (the second is a duplicate) and one in the wrong place:

    >>> match_detections([[0, 0, 4, 4], [0, 0, 4, 5], [9, 9, 12, 12]], [0.7, 0.9, 0.8], [[0, 0, 4, 4]])
    array([False,  True, False])
    """
    b = array("boxes", boxes, ndim=2, layout="(n, 4)").reshape(-1, 4)
    s = array("scores", scores, ndim=1, layout="(n,)")
    if len(s) != len(b):
        raise ValueError(f"scores must have one value per box: {len(b)} boxes, got shape {s.shape}")
    g = array("true_boxes", true_boxes, ndim=2, layout="(m, 4)").reshape(-1, 4)
    theta = unit_interval("iou_threshold", iou_threshold)
    tp = np.zeros(len(b), dtype=bool)
    if len(b) == 0 or len(g) == 0:
        return tp
    iou = box_iou(b, g)                                             # (n, m)
    matched = np.zeros(len(g), dtype=bool)
    for i in np.argsort(-s, kind="stable"):
        j = int(iou[i].argmax())
        if iou[i, j] >= theta and not matched[j]:
            tp[i] = matched[j] = True
    return tp


def precision_recall(tp: np.ndarray, scores: np.ndarray, n_truth: int) -> tuple[np.ndarray, np.ndarray]:
    r"""Precision and recall after each detection, taken in decreasing score.

    After the $k$ highest-scoring detections, with $\mathrm{TP}_k$ of them true positives,

    $$
    \mathrm{precision}_k = \frac{\mathrm{TP}_k}{k}, \qquad \mathrm{recall}_k = \frac{\mathrm{TP}_k}{\mathrm{TP} + \mathrm{FN}}
    $$

    where $\mathrm{TP} + \mathrm{FN}$ is the number of true objects, ``n_truth``.

    Parameters
    ----------
    tp : array_like of bool, shape (n,)
        Whether each detection is a true positive (`match_detections`).
    scores : array_like, shape (n,)
    n_truth : int
        Number of true objects (at least 1).

    Returns
    -------
    precision, recall : numpy.ndarray, shape (n,)
        In decreasing score (ties: earlier index first).

    See Also
    --------
    average_precision : the area under this curve; the page "物体検出 / Object detection".

    Examples
    --------
    >>> p, r = precision_recall([True, False, True], [0.9, 0.8, 0.7], n_truth=4)
    >>> p.round(3), r
    (array([1.   , 0.5  , 0.667]), array([0.25, 0.25, 0.5 ]))
    """
    t = array("tp", tp, ndim=1, layout="(n,)").astype(bool)
    s = array("scores", scores, ndim=1, layout="(n,)")
    if len(s) != len(t):
        raise ValueError(f"scores must have one value per detection: {len(t)} flags, got shape {s.shape}")
    n_truth = count("n_truth", n_truth)
    hits = np.cumsum(t[np.argsort(-s, kind="stable")])
    if hits.size and hits[-1] > n_truth:
        raise ValueError(f"tp has {hits[-1]} true positives but n_truth = {n_truth}: each object matches once")
    return hits / np.arange(1, len(t) + 1), hits / n_truth


def average_precision(precision: np.ndarray, recall: np.ndarray, method: str = "all_point") -> float:
    r"""The area under the interpolated precision–recall curve.

    The interpolated precision at recall $r$ is the best precision at any recall at least
    $r$ (0 if the ranking never reaches $r$); it makes the saw-toothed curve
    monotone, its upper envelope:

    $$
    p_{\mathrm{interp}}(r) = \max_{k:\ \mathrm{recall}_k \ge r} \mathrm{precision}_k
    $$

    ``"all_point"`` (PASCAL VOC from 2010) integrates it exactly, summing over the recalls
    $r_1 < r_2 < \dots$ the ranking reaches ($r_0 = 0$); ``"11_point"`` (VOC 2007)
    averages it at eleven recalls:

    $$
    \mathrm{AP}_{\mathrm{all}} = \sum_{i} (r_i - r_{i-1})\, p_{\mathrm{interp}}(r_i), \qquad
    \mathrm{AP}_{11} = \frac{1}{11} \sum_{t \in \{0, 0.1, \dots, 1\}} p_{\mathrm{interp}}(t)
    $$

    Parameters
    ----------
    precision, recall : array_like, shape (n,)
        From `precision_recall` (recall non-decreasing).
    method : {"all_point", "11_point"}, default "all_point"

    Returns
    -------
    float
        In [0, 1]; 0 for an empty ranking.

    Raises
    ------
    ValueError
        If the shapes differ, recall decreases, a value is outside [0, 1], or ``method`` is unknown.

    See Also
    --------
    average_precision_reference : the same by brute force.
    mean_average_precision : over classes; the page "物体検出 / Object detection".

    Examples
    --------
    Five objects; the ranking finds them at ranks 1, 3, 4 and 7 and misses one:

    >>> p, r = precision_recall([1, 0, 1, 1, 0, 0, 1], [7, 6, 5, 4, 3, 2, 1], n_truth=5)
    >>> round(average_precision(p, r), 4), round(average_precision(p, r, "11_point"), 4)
    (0.6143, 0.6494)
    """
    p = array("precision", precision, ndim=1, layout="(n,)").astype(np.float64)
    r = array("recall", recall, ndim=1, layout="(n,)").astype(np.float64)
    method = one_of("method", method, METHODS)
    if p.shape != r.shape:
        raise ValueError(f"precision and recall must have the same shape, got {p.shape} and {r.shape}")
    if ((p < 0) | (p > 1) | (r < 0) | (r > 1)).any() or (np.diff(r) < 0).any():
        raise ValueError("precision and recall must be in [0, 1] and recall must not decrease (use precision_recall)")
    if p.size == 0:
        return 0.0
    envelope = np.maximum.accumulate(p[::-1])[::-1]                 # best precision at this recall or later
    if method == "11_point":
        # the first rank whose recall reaches t holds the best precision from there on
        first = np.searchsorted(r, np.arange(11) / 10, side="left")
        return float(np.where(first < len(r), envelope[np.minimum(first, len(r) - 1)], 0.0).mean())
    steps = np.diff(np.concatenate([[0.0], r]))                    # recall gained at each rank
    return float((steps * envelope).sum())


def average_precision_reference(tp: Sequence[bool], n_truth: int, method: str = "all_point") -> float:
    r"""AP of a ranking by brute force: every recall level, every later rank, plain loops.

    The oracle of the tests for `precision_recall` and `average_precision`: ``tp`` lists the
    ranked detections (best first) as true or false positives.

    Examples
    --------
    >>> round(average_precision_reference([1, 0, 1, 1, 0, 0, 1], 5), 4)
    0.6143
    """
    precisions, recalls, hits = [], [], 0
    for k, hit in enumerate(tp, start=1):
        hits += bool(hit)
        precisions.append(hits / k)
        recalls.append(hits / n_truth)

    def interpolated(level: float) -> float:
        return max([p for p, r in zip(precisions, recalls) if r >= level], default=0.0)

    if method == "11_point":
        return sum(interpolated(t / 10) for t in range(11)) / 11
    levels = sorted(set(recalls))
    return sum((r - q) * interpolated(r) for q, r in zip([0.0] + levels, levels))


def mean_average_precision(detections: Sequence[tuple], truths: Sequence[tuple], n_classes: int,
                           iou_threshold: float = 0.5, method: str = "all_point") -> dict:
    r"""AP per class and their mean (mAP) over a set of images.

    $$
    \mathrm{mAP} = \frac{1}{|C|} \sum_{c \in C} \mathrm{AP}_c
    $$

    over the classes $C$ that have at least one true object. Each class's detections from
    all images are ranked together; matching is per image (`match_detections`).

    Parameters
    ----------
    detections : sequence of (boxes, scores, labels)
        Per image: boxes (n, 4), scores (n,), class indices (n,).
    truths : sequence of (boxes, labels)
        Per image: true boxes (m, 4) and their classes (m,).
    n_classes : int
    iou_threshold : float in [0, 1], default 0.5
    method : {"all_point", "11_point"}, default "all_point"

    Returns
    -------
    dict
        ``"ap"`` (array of shape (n_classes,), NaN for a class without objects), ``"map"``,
        ``"precision"`` and ``"recall"`` (one array per class), ``"n_truth"``, ``"tp"`` and
        ``"fp"`` (counts per class).

    See Also
    --------
    average_precision : one class; the page "物体検出 / Object detection".

    Examples
    --------
    Two images, two classes: class 0 is found once of twice, class 1 perfectly.

    >>> detections = [([[0, 0, 4, 4], [5, 5, 9, 9]], [0.9, 0.8], [0, 1]), ([[0, 0, 2, 2]], [0.6], [0])]
    >>> truths = [([[0, 0, 4, 4], [5, 5, 9, 9]], [0, 1]), ([[6, 6, 8, 8]], [0])]
    >>> m = mean_average_precision(detections, truths, n_classes=2)
    >>> m["ap"], m["map"], m["tp"], m["fp"]
    (array([0.5, 1. ]), 0.75, array([1, 1]), array([1, 0]))
    """
    n_classes = count("n_classes", n_classes)
    method = one_of("method", method, METHODS)
    if len(detections) != len(truths):
        raise ValueError(f"detections and truths must list the same images: {len(detections)} and {len(truths)}")
    ranked: list[list[tuple[float, bool]]] = [[] for _ in range(n_classes)]
    n_truth = np.zeros(n_classes, dtype=np.int64)
    for (boxes, scores, labels), (true_boxes, true_labels) in zip(detections, truths):
        boxes, true_boxes = np.asarray(boxes, dtype=np.float64).reshape(-1, 4), np.asarray(true_boxes, dtype=np.float64).reshape(-1, 4)
        scores, labels, true_labels = np.asarray(scores, dtype=np.float64), np.asarray(labels), np.asarray(true_labels)
        for c in range(n_classes):
            mine, theirs = labels == c, true_labels == c
            n_truth[c] += theirs.sum()
            tp = match_detections(boxes[mine], scores[mine], true_boxes[theirs], iou_threshold)
            ranked[c].extend(zip(scores[mine].tolist(), tp.tolist()))
    ap = np.full(n_classes, np.nan)
    precisions, recalls = [], []
    tps, fps = np.zeros(n_classes, dtype=np.int64), np.zeros(n_classes, dtype=np.int64)
    for c in range(n_classes):
        scores_c = np.array([s for s, _ in ranked[c]], dtype=np.float64)
        tp_c = np.array([t for _, t in ranked[c]], dtype=bool)
        tps[c], fps[c] = tp_c.sum(), (~tp_c).sum()
        if n_truth[c] == 0:
            precisions.append(np.zeros(0))
            recalls.append(np.zeros(0))
            continue
        p, r = precision_recall(tp_c, scores_c, int(n_truth[c]))
        precisions.append(p)
        recalls.append(r)
        ap[c] = average_precision(p, r, method)
    present = n_truth > 0
    return {"ap": ap, "map": float(ap[present].mean()) if present.any() else float("nan"),
            "precision": precisions, "recall": recalls, "n_truth": n_truth, "tp": tps, "fp": fps}
