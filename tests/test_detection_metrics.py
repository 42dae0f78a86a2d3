"""dl_notes.detection_metrics: VOC matching, precision-recall, AP (both interpolations) by hand and against brute force, mAP."""

from __future__ import annotations

import numpy as np
import pytest

from dl_notes.detection_metrics import (average_precision, average_precision_reference, match_detections,
                                        mean_average_precision, precision_recall)


def ap(tp, n_truth, method="all_point"):
    tp = np.asarray(tp, dtype=bool)
    p, r = precision_recall(tp, -np.arange(len(tp), dtype=float), n_truth)
    return average_precision(p, r, method)


@pytest.mark.parametrize("tp, n_truth, all_point, eleven", [
    ([1, 1, 1], 3, 1.0, 1.0),                                  # perfect
    ([0, 0, 0], 3, 0.0, 0.0),                                  # nothing right
    ([1, 0, 1, 1, 0, 0, 1], 5, 0.2 * (1 + 0.75 + 0.75 + 4 / 7), (3 + 4 * 0.75 + 2 * 4 / 7) / 11),
    ([0, 1], 1, 0.5, 0.5),                                     # the one object found second
    ([1], 2, 0.5, 6 / 11),                                     # half the objects never found: t = 0..0.5 count
])
def test_average_precision_hand_cases(tp, n_truth, all_point, eleven):
    assert ap(tp, n_truth) == pytest.approx(all_point)
    assert ap(tp, n_truth, "11_point") == pytest.approx(eleven)


@pytest.mark.parametrize("seed", range(20))
@pytest.mark.parametrize("method", ["all_point", "11_point"])
def test_average_precision_matches_brute_force(seed, method):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 25))
    tp = rng.random(n) < rng.random()
    n_truth = int(tp.sum() + rng.integers(0 if tp.any() else 1, 4))
    assert ap(tp, n_truth, method) == pytest.approx(average_precision_reference(tp.tolist(), n_truth, method))


def test_precision_recall_sorts_by_score():
    p, r = precision_recall([False, True], [0.1, 0.9], 1)
    assert p.tolist() == [1.0, 0.5] and r.tolist() == [1.0, 1.0]


def test_matching_duplicates_and_threshold():
    truth = [[0, 0, 4, 4]]
    # the higher-scoring of two good boxes takes the object; the other is a duplicate
    assert match_detections([[0, 0, 4, 4], [0, 0, 4, 4]], [0.5, 0.6], truth).tolist() == [False, True]
    half = [[2, 0, 6, 4]]                                     # IoU 1/3 with the truth
    assert match_detections(half, [1.0], truth, 1 / 3).tolist() == [True]   # at the threshold: a hit
    assert match_detections(half, [1.0], truth, 0.5).tolist() == [False]
    assert match_detections(half, [1.0], np.zeros((0, 4))).tolist() == [False]


def test_mean_average_precision_two_classes():
    detections = [
        (np.array([[0, 0, 4, 4], [0, 0, 4, 4], [10, 10, 14, 14]]), np.array([0.9, 0.8, 0.7]), np.array([0, 0, 1])),
        (np.array([[20, 20, 24, 24], [5, 5, 8, 8]]), np.array([0.95, 0.6]), np.array([1, 0])),
    ]
    truths = [(np.array([[0, 0, 4, 4], [10, 10, 14, 14]]), np.array([0, 1])),
              (np.array([[5, 5, 8, 8], [0, 20, 4, 24]]), np.array([0, 1]))]
    m = mean_average_precision(detections, truths, n_classes=3)
    # class 0 ranks: 0.9 hit, 0.8 duplicate, 0.6 hit, of 2 objects -> AP = 0.5*1 + 0.5*(2/3)
    # class 1 ranks: 0.95 miss, 0.7 hit, of 2 objects -> AP = 0.5*0.5
    assert m["ap"][0] == pytest.approx(0.5 + 1 / 3)
    assert m["ap"][1] == pytest.approx(0.25)
    assert np.isnan(m["ap"][2])                               # no objects of class 2: left out of the mean
    assert m["map"] == pytest.approx((0.5 + 1 / 3 + 0.25) / 2)
    assert m["tp"].tolist() == [2, 1, 0] and m["fp"].tolist() == [1, 1, 0] and m["n_truth"].tolist() == [2, 2, 0]


@pytest.mark.parametrize("call, match", [
    (lambda: average_precision([1.0], [0.5], "voc"), "method must be one of 'all_point', '11_point'"),
    (lambda: average_precision([1.0, 1.0], [0.5, 0.2]), "recall must not decrease"),
    (lambda: precision_recall([True, True], [1, 2], 1), "n_truth = 1"),
    (lambda: precision_recall([True], [1, 2], 1), "scores must have one value per detection"),
    (lambda: match_detections([[0, 0, 1, 1]], [1], [[0, 0, 1, 1]], 2), "iou_threshold must be in"),
    (lambda: mean_average_precision([], [([], [])], 2), "same images"),
])
def test_bad_input_is_named(call, match):
    with pytest.raises(ValueError, match=match):
        call()
