"""Gradient clipping: the book's formula, in place, PyTorch's clip_grad_norm_ / clip_grad_value_, bad input."""

from __future__ import annotations

import numpy as np
import pytest

from _reference import SOURCES, recorder, reference
from dl_notes.clipping import EPS, clip_grads, clip_grads_by_value, global_norm


def _grads(dtype=np.float64):
    rng = np.random.default_rng(0)
    return {"Wx": rng.standard_normal((3, 4)).astype(dtype), "Wh": rng.standard_normal((4, 4)).astype(dtype),
            "b": rng.standard_normal(4).astype(dtype)}


def test_global_norm_is_the_norm_of_all_entries_as_one_vector():
    grads = _grads()
    flat = np.concatenate([g.ravel() for g in grads.values()])
    assert global_norm(grads) == pytest.approx(np.linalg.norm(flat), rel=1e-12)
    assert global_norm(list(grads.values())) == global_norm(grads)


@pytest.mark.parametrize("container", [dict, list])
def test_above_the_threshold_the_gradients_are_scaled_by_rate_in_place(container):
    original = _grads()
    grads = original if container is dict else list(original.values())
    arrays = list(original.values())
    before = [a.copy() for a in arrays]
    norm = clip_grads(grads, max_norm=0.5)
    rate = 0.5 / (norm + EPS)                               # the book's rate
    assert norm == pytest.approx(np.sqrt(sum((b ** 2).sum() for b in before)))
    for a, b in zip(arrays, before):
        np.testing.assert_allclose(a, b * rate, rtol=1e-12)  # the same arrays, changed in place
    assert global_norm(grads) == pytest.approx(0.5, abs=1e-6)


def test_clipping_keeps_the_direction():
    grads = _grads()
    before = np.concatenate([g.ravel() for g in grads.values()])
    clip_grads(grads, max_norm=0.1)
    after = np.concatenate([g.ravel() for g in grads.values()])
    cosine = before @ after / (np.linalg.norm(before) * np.linalg.norm(after))
    assert cosine == pytest.approx(1.0, abs=1e-12)


def test_below_the_threshold_nothing_changes():
    grads = _grads()
    before = {k: g.copy() for k, g in grads.items()}
    norm = clip_grads(grads, max_norm=1e3)
    assert norm < 1e3
    for k in grads:
        assert np.array_equal(grads[k], before[k])


def test_float32_stays_float32():
    grads = _grads(np.float32)
    clip_grads(grads, 0.1)
    assert all(g.dtype == np.float32 for g in grads.values())


def test_by_value_cuts_each_entry_and_counts_them():
    grads = _grads()
    before = {k: g.copy() for k, g in grads.items()}
    n = clip_grads_by_value(grads, 0.5)
    assert n == sum(int((np.abs(b) > 0.5).sum()) for b in before.values())
    for k in grads:
        np.testing.assert_array_equal(grads[k], np.clip(before[k], -0.5, 0.5))


def test_by_value_changes_the_direction_where_by_norm_does_not():
    g = {"w": np.array([10.0, 1.0])}
    clip_grads_by_value(g, 1.0)
    assert np.array_equal(g["w"], [1.0, 1.0])                # was 10:1, now 1:1


@pytest.mark.parametrize("bad, error, message", [
    (0, ValueError, "max_norm must be > 0, got 0.0"),
    (-1.0, ValueError, "max_norm must be > 0, got -1.0"),
    (float("nan"), ValueError, "max_norm must be finite"),
    ("1", TypeError, "max_norm must be a real number, got '1'"),
])
def test_bad_max_norm_is_named(bad, error, message):
    with pytest.raises(error, match=message):
        clip_grads(_grads(), bad)


@pytest.mark.parametrize("grads, message", [
    (np.ones(3), "grads must be a dict or a list of arrays, got ndarray"),
    ({"W": [1.0, 2.0]}, r"grads\['W'\] must be a floating-point ndarray \(changed in place\), got list"),
    ([np.ones(2), np.arange(3)], r"grads\[1\] must be a floating-point ndarray \(changed in place\), got int64"),
])
def test_bad_grads_are_named_and_nothing_changes(grads, message):
    with pytest.raises(TypeError, match=message):
        clip_grads(grads, 1.0)
    with pytest.raises(TypeError, match=message):
        clip_grads_by_value(grads, 1.0)


# --- PyTorch: torch.nn.utils.clip_grad_norm_ and clip_grad_value_ (float32) --------------------

@pytest.fixture(params=SOURCES)
def ref(request):
    return reference("clipping", request.param)


def test_norm_and_clipped_gradients_match_pytorch(ref):
    rec = recorder("clipping")
    assert len(ref["max_norms"]) == len(rec.FRACTIONS)
    for k, max_norm in enumerate(ref["max_norms"]):
        grads = [ref[f"grad{i}"].copy() for i in range(len(rec.SHAPES))]
        norm = clip_grads(grads, float(max_norm))
        assert norm == pytest.approx(float(ref[f"norm/{k}"]), rel=1e-6)
        for i, g in enumerate(grads):
            np.testing.assert_allclose(g, ref[f"clipped/{k}/{i}"], rtol=1e-6, atol=1e-7)


def test_the_references_cover_clipping_and_no_clipping(ref):
    norm = float(ref["norm/0"])
    assert [bool(c < norm) for c in ref["max_norms"]] == [True, True, False]


def test_by_value_matches_pytorch(ref):
    rec = recorder("clipping")
    grads = [ref[f"grad{i}"].copy() for i in range(len(rec.SHAPES))]
    clip_grads_by_value(grads, rec.CLIP_VALUE)
    for i, g in enumerate(grads):
        np.testing.assert_array_equal(g, ref[f"by_value/{i}"])
