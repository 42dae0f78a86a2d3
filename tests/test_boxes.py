"""dl_notes.boxes: IoU on hand cases and against a pixel count (the Jaccard form), conversions, NMS against a loop oracle."""

from __future__ import annotations

import numpy as np
import pytest

from dl_notes.boxes import box_area, box_center_to_corner, box_corner_to_center, box_iou, nms, nms_reference


@pytest.mark.parametrize("a, b, expected", [
    ([0, 0, 4, 4], [0, 0, 4, 4], 1.0),          # identical
    ([0, 0, 2, 2], [5, 5, 7, 7], 0.0),          # disjoint
    ([0, 0, 4, 4], [4, 0, 8, 4], 0.0),          # touching along an edge: no shared pixel
    ([0, 0, 4, 4], [1, 1, 3, 3], 4 / 16),       # nested
    ([0, 0, 4, 4], [2, 0, 6, 4], 8 / 24),       # half of each overlaps
    ([0, 0, 2, 2], [1, 1, 3, 3], 1 / 7),        # corner overlap
    ([1, 1, 1, 1], [1, 1, 1, 1], 0.0),          # two empty boxes: 0, not 0/0
])
def test_box_iou_hand_cases(a, b, expected):
    assert box_iou([a], [b])[0, 0] == pytest.approx(expected)
    assert box_iou([b], [a])[0, 0] == pytest.approx(expected)


def rasterise(box, size):
    x0, y0, x1, y1 = (int(v) for v in box)
    pixels = np.zeros((size, size), dtype=bool)
    pixels[y0:y1, x0:x1] = True
    return pixels


@pytest.mark.parametrize("seed", range(5))
def test_box_iou_is_the_jaccard_index_of_the_pixels(seed):
    rng = np.random.default_rng(seed)
    size = 12
    corners = np.sort(rng.integers(0, size + 1, size=(2, 8, 2, 2)), axis=3)      # sorted x and y pairs
    boxes1, boxes2 = (np.stack([c[:, 0, 0], c[:, 1, 0], c[:, 0, 1], c[:, 1, 1]], axis=1) for c in corners)
    iou = box_iou(boxes1, boxes2)
    assert iou.shape == (8, 8)
    for i, a in enumerate(boxes1):
        for j, b in enumerate(boxes2):
            A, B = rasterise(a, size), rasterise(b, size)
            tp, fp, fn = (A & B).sum(), (A & ~B).sum(), (~A & B).sum()
            expected = tp / (tp + fp + fn) if tp + fp + fn else 0.0
            assert iou[i, j] == pytest.approx(expected), (a, b)


def test_conversions_round_trip_and_area():
    rng = np.random.default_rng(0)
    xy = rng.integers(0, 20, size=(10, 2))
    boxes = np.concatenate([xy, xy + rng.integers(0, 10, size=(10, 2))], axis=1).astype(np.float64)
    centre = box_corner_to_center(boxes)
    np.testing.assert_array_equal(box_center_to_corner(centre), boxes)
    np.testing.assert_array_equal(centre[:, 2] * centre[:, 3], box_area(boxes))


def test_iou_keeps_float64():
    assert box_iou(np.zeros((1, 4)), np.ones((2, 4))).dtype == np.float64
    assert box_iou(np.zeros((0, 4)), np.ones((2, 4))).shape == (0, 2)


def test_nms_threshold_semantics_suppress_only_above():
    boxes = [[0, 0, 4, 4], [2, 0, 6, 4]]                   # IoU exactly 1/3
    assert nms(boxes, [0.9, 0.8], 1 / 3).tolist() == [0, 1]   # at the threshold: kept
    assert nms(boxes, [0.9, 0.8], 0.33).tolist() == [0]       # above it: suppressed
    assert nms(boxes, [0.8, 0.9], 0.33).tolist() == [1]       # the higher score wins
    assert nms(boxes, [0.9, 0.8], 0.0).tolist() == [0]
    assert nms(boxes, [0.9, 0.8], 1.0).tolist() == [0, 1]


def test_nms_chain_removes_only_through_kept_boxes():
    # B overlaps A and C, A and C do not overlap: A removes B, and C survives (B was never kept).
    boxes = [[0, 0, 4, 4], [2, 0, 6, 4], [4, 0, 8, 4]]
    assert nms(boxes, [0.9, 0.8, 0.7], 0.2).tolist() == [0, 2]


@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize("threshold", [0.0, 0.3, 0.5, 0.7])
def test_nms_matches_the_loop_reference(seed, threshold):
    rng = np.random.default_rng(seed)
    n = 30
    xy = rng.integers(0, 16, size=(n, 2))
    boxes = np.concatenate([xy, xy + rng.integers(1, 8, size=(n, 2))], axis=1).astype(float)
    scores = rng.integers(0, 10, size=n) / 10                 # ties on purpose
    labels = rng.integers(0, 3, size=n)
    assert nms(boxes, scores, threshold).tolist() == nms_reference(boxes.tolist(), scores.tolist(), threshold)
    assert nms(boxes, scores, threshold, labels).tolist() == nms_reference(boxes.tolist(), scores.tolist(),
                                                                           threshold, labels.tolist())


def test_nms_of_nothing():
    assert nms(np.zeros((0, 4)), np.zeros(0)).tolist() == []


@pytest.mark.parametrize("call, match", [
    (lambda: box_iou([[0, 0, 1]], [[0, 0, 1, 1]]), "boxes1 must have 4 columns"),
    (lambda: box_iou([[0, 0, 1, 1]], [[2, 0, 1, 1]]), r"boxes2\[0\] .* x1 < x0"),
    (lambda: box_iou([[0, 0, np.nan, 1]], [[0, 0, 1, 1]]), "boxes1 must be finite"),
    (lambda: box_center_to_corner([[0, 0, -1, 1]]), "widths and heights must be >= 0"),
    (lambda: nms([[0, 0, 1, 1]], [0.5, 0.2]), "scores must have one value per box"),
    (lambda: nms([[0, 0, 1, 1]], [0.5], 1.5), r"iou_threshold must be in \[0, 1\], got 1.5"),
    (lambda: nms([[0, 0, 1, 1]], [0.5], 0.5, labels=[0, 1]), "labels must have one value per box"),
])
def test_bad_input_is_named(call, match):
    with pytest.raises(ValueError, match=match):
        call()
