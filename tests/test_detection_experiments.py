"""The experiments of the page "物体検出 / Object detection": box_metrics (IoU, PR curve, AP) and grid_detector_shapes (TINY)."""

from __future__ import annotations

import numpy as np
import pytest

from dl_notes.experiments import box_metrics, grid_detector_shapes


@pytest.fixture(scope="module")
def metrics():
    return box_metrics.run(box_metrics.TINY)


@pytest.fixture(scope="module")
def tiny():
    return grid_detector_shapes.run(grid_detector_shapes.TINY)


def test_box_metrics_iou_is_the_pixel_jaccard_index(metrics):
    v = metrics.values["iou"]
    assert v["iou"] == pytest.approx(v["jaccard"])
    assert v["tp"] + v["fp"] == v["area_a"] and v["tp"] + v["fn"] == v["area_b"]


def test_box_metrics_ranking(metrics):
    v, a = metrics.values["ranking"], metrics.arrays
    assert v["found"] < v["n_truth"]                           # an object is never found: recall stops below 1
    assert v["final_recall"] == pytest.approx(v["found"] / v["n_truth"])
    assert np.all(np.diff(a["envelope"]) <= 0) and np.all(a["envelope"] >= a["precision"])
    assert a["eleven"][-1] == 0                                 # recall 1 is never reached
    assert 0 < v["ap_all_point"] < 1 and 0 < v["ap_11_point"] < 1
    for lang in ("ja", "en"):
        for plot in box_metrics.FIGURES.values():
            assert plot(metrics, lang).axes


def test_grid_detector_tiny_runs_and_reports(tiny):
    v, a = tiny.values, tiny.arrays
    assert np.isfinite(a["loss"]).all() and len(a["loss"]) == len(a["iterations"])
    assert a["loss"][-1] < a["loss"][0]
    assert 0 <= v["map50"] <= 1 and 0 <= v["map75"] <= v["map50"] + 1e-12
    assert v["data"]["train_cells"] + v["data"]["lost_to_shared_cells"] == v["data"]["train_objects"]
    assert v["fps"]["images_per_second"] > 0
    assert a["draw/images"].shape[0] == grid_detector_shapes.TINY.n_draw
    for lang in ("ja", "en"):
        for plot in grid_detector_shapes.FIGURES.values():
            assert plot(tiny, lang).axes


def test_nms_only_removes_boxes(tiny):
    sweep = tiny.values["sweep"]
    none = sweep[0]
    assert none["threshold"] is None
    for row in sweep[1:]:
        assert row["detections"] <= none["detections"] and row["duplicates"] <= none["duplicates"]
        assert row["tp"] + row["fp"] == row["detections"]
    # a lower threshold suppresses at least as much
    counts = [row["detections"] for row in sweep[1:]]
    assert counts == sorted(counts)


def test_duplicates_counts_second_boxes_on_a_found_object():
    truth = [(np.array([[0.0, 0.0, 4.0, 4.0]]), np.array([0]))]
    found = [(np.array([[0.0, 0.0, 4.0, 4.0], [0.0, 0.0, 4.0, 5.0], [9.0, 9.0, 12.0, 12.0]]),
              np.array([0.9, 0.8, 0.7]), np.array([0, 0, 0]))]
    assert grid_detector_shapes.duplicates(found, truth) == 1


def test_bad_config():
    with pytest.raises(ValueError, match="include iou_threshold"):
        grid_detector_shapes.run(grid_detector_shapes.Config(nms_thresholds=(0.3,)))
