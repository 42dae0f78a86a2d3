"""dl_notes.segmentation and dl_notes.fcn (the page "Segmentation"): pixel accuracy, the confusion matrix
and mean IoU on hand cases and against a brute-force count, the per-pixel loss, float64 gradient
checks of both networks, bad input."""

from __future__ import annotations

import numpy as np
import pytest

from dl_notes.fcn import SmallFCN, SmallUNet
from dl_notes.gradcheck import check_layer, check_network
from dl_notes.losses import SoftmaxWithLoss
from dl_notes.segmentation import PixelSoftmaxWithLoss, class_iou, confusion_matrix, mean_iou, pixel_accuracy
from dl_notes.shapes import make_scenes


def test_metrics_on_a_case_computed_by_eye():
    truth = np.array([[0, 0, 1],
                      [0, 2, 1],
                      [2, 2, 1]])
    pred = np.array([[0, 1, 1],
                     [0, 2, 2],
                     [0, 2, 1]])
    M = confusion_matrix(pred, truth, 3)
    np.testing.assert_array_equal(M, [[2, 1, 0],      # truth 0: two right, one called 1
                                      [0, 2, 1],      # truth 1: two right, one called 2
                                      [1, 0, 2]])     # truth 2: two right, one called 0
    assert pixel_accuracy(pred, truth) == 6 / 9
    np.testing.assert_allclose(class_iou(M), [2 / 4, 2 / 4, 2 / 4])   # TP 2, FP 1, FN 1 for each class
    assert mean_iou(pred, truth, 3) == 0.5


def test_mean_iou_against_a_brute_force_count():
    rng = np.random.default_rng(0)
    truth, pred = rng.integers(0, 5, (3, 7, 6)), rng.integers(0, 4, (3, 7, 6))   # class 4 never predicted
    ious = []
    for k in range(6):                                                            # class 5 in neither
        inter = np.sum((pred == k) & (truth == k))
        union = np.sum((pred == k) | (truth == k))
        if union:
            ious.append(inter / union)
    assert np.isclose(mean_iou(pred, truth, 6), np.mean(ious)) and len(ious) == 5
    assert np.isnan(class_iou(confusion_matrix(pred, truth, 6))[5]) and class_iou(confusion_matrix(pred, truth, 6))[4] == 0


def test_all_background_scores_high_pixel_accuracy_but_low_mean_iou():
    masks = make_scenes(20, seed=0).masks
    background = np.zeros_like(masks)
    assert pixel_accuracy(background, masks) > 0.7
    assert mean_iou(background, masks, 4) < 0.25         # background IoU = its share, the 3 classes 0


def test_pixel_loss_is_softmax_with_loss_over_pixels_and_gradient_checks():
    rng = np.random.default_rng(1)
    x, t = rng.standard_normal((2, 4, 3, 5)), rng.integers(0, 4, (2, 3, 5))
    loss = PixelSoftmaxWithLoss()
    flat = SoftmaxWithLoss()
    rows = x.transpose(0, 2, 3, 1).reshape(-1, 4)                                  # (N*H*W, K)
    assert np.isclose(loss.forward(x, t), flat.forward(rows, t.ravel()))
    np.testing.assert_allclose(loss.backward().transpose(0, 2, 3, 1).reshape(-1, 4), flat.backward(), atol=1e-15)
    errors = check_layer(PixelSoftmaxWithLoss(), x, t)
    assert max(errors.values()) < 1e-8, errors


@pytest.mark.parametrize("net_type", [SmallFCN, SmallUNet])
def test_networks_gradient_check_float64(net_type):
    rng = np.random.default_rng(2)
    net = net_type(3, 4, (2, 3, 4), dtype=np.float64, seed=0)
    x, t = rng.standard_normal((2, 3, 8, 4)), rng.integers(0, 4, (2, 8, 4))
    errors = check_network(net, x, t)
    assert len(errors) == len(net.params) and max(errors.values()) < 1e-6, errors


@pytest.mark.parametrize("net_type", [SmallFCN, SmallUNet])
def test_networks_shapes_dtype_and_a_few_steps_lower_the_loss(net_type):
    from dl_notes.optim import Adam

    scenes = make_scenes(8, size=16, object_size=(4, 8), seed=1)
    net = net_type(seed=0)
    assert net.predict(scenes.images).shape == (8, 4, 16, 16) and net.predict(scenes.images).dtype == np.float32
    first = net.loss(scenes.images, scenes.masks)
    optimizer = Adam(lr=0.01)
    for _ in range(15):
        optimizer.update(net.params, net.gradient(scenes.images, scenes.masks))
    assert net.loss(scenes.images, scenes.masks) < first
    assert net.segment(scenes.images, batch_size=3).shape == (8, 16, 16)
    assert 0 <= net.accuracy(scenes.images, scenes.masks) <= 1


def test_fcn_adds_score_maps_and_unet_concatenates_feature_maps():
    fcn, unet = SmallFCN(channels=(8, 16, 32), seed=0), SmallUNet(channels=(6, 12, 24), seed=0)
    assert fcn.layers["Score2"].W.shape == (4, 16, 1, 1)         # the skip becomes K score maps, then +
    assert unet.layers["Conv4"].W.shape == (12, 24, 3, 3)        # 12 up-sampled + 12 skipped channels


@pytest.mark.parametrize(("call", "error", "message"), [
    (lambda: pixel_accuracy(np.zeros((2, 2), int), np.zeros((2, 3), int)), ValueError, "give label maps of one shape"),
    (lambda: pixel_accuracy(np.zeros((2, 2)), np.zeros((2, 2), int)), TypeError, "argmax(axis=1)"),
    (lambda: confusion_matrix(np.array([0, 3]), np.array([0, 1]), 3), ValueError, "expected 0 .. 2"),
    (lambda: class_iou(np.ones((2, 3))), ValueError, "must be square"),
    (lambda: PixelSoftmaxWithLoss().forward(np.zeros((1, 2, 2, 2)), np.zeros((1, 2), int)), ValueError,
     "t must be integer labels of shape (N, H, W)"),
    (lambda: PixelSoftmaxWithLoss().forward(np.zeros((1, 2, 1, 1)), np.full((1, 1, 1), 2)), ValueError,
     "expected 0 .. 1"),
    (lambda: PixelSoftmaxWithLoss().backward(), RuntimeError, "call forward first"),
    (lambda: SmallFCN(seed=0).predict(np.zeros((1, 3, 10, 10))), ValueError, "multiples of 4"),
    (lambda: SmallUNet(channels=(1, 2)), ValueError, "channels must be 3 widths"),
])
def test_bad_input_names_the_argument(call, error, message):
    with pytest.raises(error) as info:
        call()
    assert message in str(info.value)
