"""dl_notes.grid_detector: targets round-trip to the exact boxes, the loss and the net pass gradient checks, decoding and NMS agree."""

from __future__ import annotations

import numpy as np
import pytest

from _reference import SOURCES, load_reference, reference
from dl_notes.boxes import box_iou
from dl_notes.gradcheck import check_layer, check_network
from dl_notes.grid_detector import GridDetectionLoss, GridDetector, cell_boxes, decode, encode_targets
from dl_notes.shapes import make_scenes


@pytest.fixture(scope="module")
def scenes():
    return make_scenes(60, size=32, seed=3)


def test_targets_round_trip_to_the_exact_boxes(scenes):
    t = encode_targets(scenes.boxes, scenes.labels, size=32, grid=4)
    corners = cell_boxes(t[..., 1:3], t[..., 3:5], 32)
    for n, (boxes, labels) in enumerate(zip(scenes.boxes, scenes.labels)):
        cells = t[n, ..., 0] == 1
        decoded = sorted(map(tuple, corners[n][cells]))
        assert int(cells.sum()) <= len(boxes)
        if cells.sum() == len(boxes):                          # no two centres in one cell
            assert decoded == sorted(map(tuple, boxes))          # exact: cell sides and sizes are powers of two
            assert sorted(t[n][cells][:, 5].astype(int)) == sorted(labels)
    assert (t[..., 1:5] >= 0).all() and (t[..., 1:5] <= 1).all()


def test_two_centres_in_one_cell_the_larger_object_keeps_it():
    boxes = [np.array([[0.0, 0.0, 2.0, 2.0], [0.0, 0.0, 6.0, 6.0]])]
    t = encode_targets(boxes, [np.array([0, 1])], size=16, grid=2)
    assert t[0, 0, 0, 5] == 1 and t[0, ..., 0].sum() == 1


def targets(rng, N, S, K):
    t = np.zeros((N, S, S, 6))
    t[..., 0] = rng.random((N, S, S)) < 0.4
    t[..., 1:5] = rng.random((N, S, S, 4))
    t[..., 5] = rng.integers(0, K, (N, S, S))
    return t


def test_loss_layer_gradient():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((3, 5 + 3, 2, 2))
    errors = check_layer(GridDetectionLoss(), x, targets(rng, 3, 2, 3))
    assert errors["x"] < 1e-7, errors


def test_loss_keeps_dtype_and_is_stable_for_large_logits():
    rng = np.random.default_rng(1)
    layer = GridDetectionLoss()
    x = (rng.standard_normal((2, 7, 2, 2)) * 1000).astype(np.float32)
    assert np.isfinite(layer.forward(x, targets(rng, 2, 2, 2)))
    dx = layer.backward()
    assert dx.dtype == np.float32 and np.isfinite(dx).all()


def test_network_gradient_float64():
    rng = np.random.default_rng(2)
    net = GridDetector(size=8, n_classes=2, channels=(3,), seed=0, dtype=np.float64)
    x = rng.random((3, 3, 8, 8))
    t = targets(rng, 3, net.grid, 2)
    errors = check_network(net, x, t)
    assert max(errors.values()) < 1e-5, errors


def test_detect_without_and_with_nms():
    net = GridDetector(size=16, channels=(4, 4), seed=0)
    x = np.random.default_rng(0).random((2, 3, 16, 16)).astype(np.float32)
    raw = net.detect(x, score_threshold=0.0, iou_threshold=None)
    kept = net.detect(x, score_threshold=0.0, iou_threshold=0.3)
    assert [len(b) for b, _, _ in raw] == [16, 16]               # one box per cell
    for (b0, s0, _), (b1, s1, _) in zip(raw, kept):
        assert len(b1) <= len(b0) and np.all(np.diff(s1) <= 0)
        assert set(map(tuple, b1)) <= set(map(tuple, b0))


def test_decode_score_is_objectness_times_class_probability():
    x = np.zeros((1, 7, 1, 1))
    x[0, 0] = np.log(3)                                          # objectness 0.75
    x[0, 5] = np.log(3)                                          # classes 0.75, 0.25
    boxes, scores, labels = decode(x, 8)[0]
    assert scores[0] == pytest.approx(0.5625) and labels[0] == 0
    np.testing.assert_allclose(boxes[0], [2, 2, 6, 6])           # sigmoid(0) = 1/2 everywhere


@pytest.mark.parametrize("call, match", [
    (lambda: GridDetectionLoss().forward(np.zeros((1, 5, 2, 2)), np.zeros((1, 2, 2, 6))), "K >= 1"),
    (lambda: GridDetectionLoss().forward(np.zeros((1, 7, 2, 2)), np.zeros((1, 3, 3, 6))), r"t must have shape \(1, 2, 2, 6\)"),
    (lambda: encode_targets([np.array([[0, 0, 40, 4]])], [np.array([0])], 32, 4), "inside the 32x32 image"),
    (lambda: GridDetector(size=20, channels=(4, 4, 4)), "divisible by 2\\*\\*len\\(channels\\) = 8"),
])
def test_bad_input_is_named(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_backward_before_forward():
    with pytest.raises(RuntimeError, match="GridDetectionLoss.backward: call forward first"):
        GridDetectionLoss().backward()


def test_accuracy_points_to_map():
    with pytest.raises(TypeError, match="mean_average_precision"):
        GridDetector(size=16, channels=(4, 4)).accuracy(np.zeros((1, 3, 16, 16)), np.zeros((1, 4, 4, 6)))


# --- PyTorch reference values (tests/references/grid_detection.npz) -----------------------------

LOSS_CASES = sorted({key.rsplit(".", 1)[0] for key in load_reference("grid_detection") if key.startswith("loss_")})
IOU_CASES = sorted({key.rsplit(".", 1)[0] for key in load_reference("grid_detection") if key.startswith("iou_")})


def test_reference_fixture_is_complete():
    assert len(LOSS_CASES) == 4 and len(IOU_CASES) == 2
    assert str(load_reference("grid_detection")["torch_version"]).startswith("2.")


@pytest.mark.parametrize("source", SOURCES)
@pytest.mark.parametrize("case", LOSS_CASES)
def test_loss_matches_pytorch(case, source):
    ref = reference("grid_detection", source)
    x, t = ref[f"{case}.x"], ref[f"{case}.t"]
    layer = GridDetectionLoss()
    loss = layer.forward(x, t)
    dx = layer.backward()
    assert dx.dtype == np.float32
    np.testing.assert_allclose(loss, ref[f"{case}.loss"], rtol=1e-5, err_msg=f"{case}: loss")
    np.testing.assert_allclose(dx, ref[f"{case}.dx"], rtol=1e-4, atol=1e-6, err_msg=f"{case}: dx")


@pytest.mark.parametrize("source", SOURCES)
@pytest.mark.parametrize("case", IOU_CASES)
def test_box_iou_matches_pytorch(case, source):
    ref = reference("grid_detection", source)
    np.testing.assert_allclose(box_iou(ref[f"{case}.boxes1"], ref[f"{case}.boxes2"]), ref[f"{case}.iou"], rtol=1e-6)
