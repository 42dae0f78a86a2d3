"""The experiments behind the page "Segmentation": transposed_conv_geometry (TINY and DEFAULT: nothing is
trained) and segmentation_shapes (TINY: a few iterations, checking the bookkeeping, not the accuracy)."""

from __future__ import annotations

import numpy as np
import pytest

from dl_notes.experiments import segmentation_shapes as shapes_exp
from dl_notes.experiments import transposed_conv_geometry as geometry_exp
from dl_notes.segmentation import mean_iou, pixel_accuracy
from dl_notes.shapes import make_scenes
from dl_notes.upsampling import transposed_conv_output_size


@pytest.fixture(scope="module", params=["TINY", "DEFAULT"])
def geometry(request):
    return geometry_exp.run(getattr(geometry_exp, request.param))


def test_stamps_overlap_where_the_kernel_is_not_a_multiple_of_the_stride(geometry):
    a, v = geometry.arrays, geometry.values
    assert a["two_k3_s2"].shape == (transposed_conv_output_size(2, 3, 2),) * 2
    assert a["two_k2_s2"].sum() == 4 * a["two"].sum() and a["two_k3_s2"].sum() == 9 * a["two"].sum()
    np.testing.assert_array_equal(a["two_k2_s2"], np.kron(a["two"], np.ones((2, 2))))   # no overlap: blocks
    assert v["checkerboard"]["max"] > v["checkerboard"]["min"] and v["even"]["max"] == v["even"]["min"] == 4


def test_unpooling_keeps_one_value_per_window(geometry):
    a, v = geometry.arrays, geometry.values
    assert v["unpool"]["kept"] == a["unpool_pooled"].size - int((a["unpool_pooled"] == 0).sum())
    np.testing.assert_array_equal(a["unpool_u"].reshape(-1)[a["unpool_switches"].ravel()], a["unpool_pooled"].ravel())


def test_dilated_fields_are_the_formula(geometry):
    a, v = geometry.arrays, geometry.values
    assert v["measured_equals_formula"]
    K = v["kernel_size"]
    np.testing.assert_array_equal(a["dilated/field"], 1 + (K - 1) * (2 ** a["depths"] - 1))
    np.testing.assert_array_equal(a["plain/field"], 1 + (K - 1) * a["depths"])


@pytest.fixture(scope="module")
def shapes():
    return shapes_exp.run(shapes_exp.TINY)


def test_segmentation_bookkeeping(shapes):
    a, v, c = shapes.arrays, shapes.values, shapes_exp.TINY
    for name in shapes_exp.NETS:
        assert a[f"{name}/iterations"][0] == 0 and a[f"{name}/iterations"][-1] == c.iterations
        assert len(a[f"{name}/batch_loss"]) == c.iterations and np.isfinite(a[f"{name}/batch_loss"]).all()
        assert a[f"{name}/pred"].shape == (c.shown, c.size, c.size)
        assert np.isclose(a[f"{name}/mean_iou"][-1], v["final"][name]["mean_iou"])
        assert len(v["final"][name]["class_iou"]) == 4 and v["params"][name] > 0
    assert v["winner"] in shapes_exp.NETS


def test_the_background_baseline_is_recomputed_from_the_same_test_set(shapes):
    v, c = shapes.values, shapes_exp.TINY
    small, large = v["object_size"]
    masks = make_scenes(c.n_test, size=c.size, shapes=c.shapes, object_size=(small, large), seed=c.seed + 1).masks
    assert v["background"]["pixel_accuracy"] == pixel_accuracy(np.zeros_like(masks), masks) == v["background_share"]
    assert v["background"]["mean_iou"] == mean_iou(np.zeros_like(masks), masks, 4)
    assert v["background"]["mean_iou"] < v["background"]["pixel_accuracy"]


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_figures_draw(shapes, geometry, lang):
    import matplotlib.pyplot as plt

    for exp, result in ((shapes_exp, shapes), (geometry_exp, geometry)):
        for plot in exp.FIGURES.values():
            plt.close(plot(result, lang))
