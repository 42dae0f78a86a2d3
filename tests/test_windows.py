"""dl_notes.windows: im2col and col2im against the course's loop (`im2col_loop`), the geometry,
the strided views and their adjoint, dtypes, the messages students get, and the module layering
(convolution and pooling share this module instead of importing each other)."""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import dl_notes.conv
import dl_notes.pooling
import dl_notes.windows
from _conv_cases import CONV_CASES, assert_message, cases, conv_data, rng_for
from dl_notes.conv import conv2d_naive
from dl_notes.windows import (
    col2im, conv_output_size, im2col, im2col_loop, offset_view, output_shape, pad_images, scatter_windows,
    window_view,
)

ROOT = Path(__file__).resolve().parents[1]
window_cases = cases(CONV_CASES)


def geometry(case):
    return case["FH"], case["FW"], case["S"], case["P"]


# --- the fast path against the loop oracle ---------------------------------------------------

@window_cases
def test_im2col_equals_the_course_loop(case):
    x, _, _ = conv_data(case)
    np.testing.assert_array_equal(im2col(x, *geometry(case)), im2col_loop(x, *geometry(case)))


def test_im2col_rounded_down_equals_the_course_loop():
    x = np.arange(2 * 2 * 6 * 7).reshape(2, 2, 6, 7)
    np.testing.assert_array_equal(im2col(x, 3, 2, stride=2), im2col_loop(x, 3, 2, 2))


def test_col2im_leaves_zeros_where_no_window_reaches():
    """Rounded down, the last rows and columns feed no output: col2im gives them no gradient."""
    x = np.ones((1, 1, 7, 9))
    counts = col2im(im2col(x, 3, 3, stride=3, pad=1), x.shape, 3, 3, stride=3, pad=1)[0, 0]
    # padded 9x11: windows start at 0, 3, 6 and end at padded row 8 (the pad) and padded column 8
    # (input column 7): the last input column (padded 9) is in no window; every row is.
    assert (counts[:, -1] == 0).all() and (counts[:, :-1] > 0).all()
    G = rng_for("dropped").standard_normal(im2col(x, 3, 3, stride=3, pad=1).shape)
    dx = col2im(G, x.shape, 3, 3, stride=3, pad=1)
    assert (dx[..., -1] == 0).all() and (dx[..., :-1] != 0).all()


@window_cases
def test_col2im_is_the_adjoint_of_the_course_loop(case):
    """<im2col_loop(x), G> = <x, col2im(G)> for every x and G: col2im is the transpose of the oracle."""
    rng = rng_for("adjoint", tuple(case.values()))
    x = rng.integers(-9, 10, (case["N"], case["C"], case["H"], case["W"]))
    G = rng.integers(-9, 10, im2col_loop(x, *geometry(case)).shape)
    assert np.sum(im2col_loop(x, *geometry(case)) * G) == np.sum(x * col2im(G, x.shape, *geometry(case)))


def test_the_benchmark_and_the_timed_comparison_use_the_oracle():
    """scripts/bench.py and the im2col page's timing run this oracle, not copies of it."""
    from dl_notes.experiments import im2col_speed

    assert im2col_speed.im2col_loop is im2col_loop
    # bench.py is a script (it imports torch when asked): read it rather than import it.
    tree = ast.parse((ROOT / "scripts" / "bench.py").read_text(encoding="utf-8"))
    imported = {(node.module, alias.name) for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
                for alias in node.names}
    assert ("dl_notes.windows", "im2col_loop") in imported
    course_im2col = next(f for f in tree.body if isinstance(f, ast.FunctionDef) and f.name == "course_im2col")
    assert not any(isinstance(node, ast.For) for node in ast.walk(course_im2col)), "a private loop copy is back"


# --- properties ------------------------------------------------------------------------------

@st.composite
def geometries(draw):
    """A batch and a window that tiles it: (x, FH, FW, S, P)."""
    FH, FW = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    S, P = draw(st.integers(1, 3)), draw(st.integers(0, 2))
    OH, OW = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    H, W = (OH - 1) * S + FH - 2 * P, (OW - 1) * S + FW - 2 * P
    if H < 1 or W < 1:
        H, W, P = H + 2 * P, W + 2 * P, 0
    N, C = draw(st.integers(1, 2)), draw(st.integers(1, 3))
    seed = draw(st.integers(0, 2**16))
    x = np.random.default_rng(seed).integers(-9, 10, (N, C, H, W)).astype(np.float64)
    return x, FH, FW, S, P


def coverage(size, filter_size, stride, pad):
    """How many windows cover each position along one axis, counted directly."""
    out = conv_output_size(size, filter_size, stride, pad)
    counts = np.zeros(size + 2 * pad, dtype=int)
    for i in range(out):
        counts[i * stride:i * stride + filter_size] += 1
    return counts[pad:pad + size]


@settings(max_examples=60, deadline=None)
@given(geometries())
def test_col2im_of_im2col_counts_overlaps(g):
    x, FH, FW, S, P = g
    N, C, H, W = x.shape
    counts = np.outer(coverage(H, FH, S, P), coverage(W, FW, S, P))
    np.testing.assert_array_equal(col2im(im2col(x, FH, FW, S, P), x.shape, FH, FW, S, P), x * counts)


@settings(max_examples=60, deadline=None)
@given(geometries(), st.integers(1, 3))
def test_im2col_times_filters_is_the_convolution(g, FN):
    x, FH, FW, S, P = g
    N, C, H, W = x.shape
    Wt = np.random.default_rng(FN).integers(-3, 4, (FN, C, FH, FW)).astype(np.float64)
    OH, OW = output_shape(H, W, FH, FW, S, P)
    y = (im2col(x, FH, FW, S, P) @ Wt.reshape(FN, -1).T).reshape(N, OH, OW, FN).transpose(0, 3, 1, 2)
    np.testing.assert_array_equal(y, conv2d_naive(x, Wt, None, S, P))   # small integers: exact


@settings(max_examples=100, deadline=None)
@given(st.integers(1, 12), st.integers(1, 6), st.integers(1, 4), st.integers(0, 3))
def test_conv_output_size_is_the_number_of_windows(H, F, S, P):
    span = H + 2 * P - F
    if span < 0:
        with pytest.raises(ValueError, match="larger than the padded input"):
            conv_output_size(H, F, S, P)
        return
    windows = len(range(0, span + 1, S))
    assert conv_output_size(H, F, S, P) == windows
    assert output_shape(H, H + 1, F, F + 1, S, P) == (windows, windows)
    x = np.ones((1, 1, H, H))
    assert im2col(x, F, F, S, P).shape[0] == windows**2
    if span % S:
        with pytest.raises(ValueError, match="is not divisible by stride"):
            conv_output_size(H, F, S, P, strict=True)
    else:
        assert conv_output_size(H, F, S, P, strict=True) == windows


@window_cases
def test_scatter_windows_is_the_adjoint_of_window_view(case):
    """<window_view(pad(x)), V> = <x, scatter_windows(V)>: the gather and the scatter of every layer."""
    rng = rng_for("views", tuple(case.values()))
    x = rng.integers(-9, 10, (case["N"], case["C"], case["H"], case["W"]))
    FH, FW, S, P = geometry(case)
    OH, OW = output_shape(case["H"], case["W"], FH, FW, S, P)
    V = rng.integers(-9, 10, (case["N"], case["C"], OH, OW, FH, FW))
    windows = window_view(pad_images(x, P), FH, FW, OH, OW, S)
    assert np.sum(windows * V) == np.sum(x * scatter_windows(V, x.shape, S, P))


@window_cases
def test_offset_view_is_one_pixel_of_every_window(case):
    x, _, _ = conv_data(case)
    FH, FW, S, P = geometry(case)
    OH, OW = output_shape(case["H"], case["W"], FH, FW, S, P)
    xp = pad_images(x, P)
    windows = window_view(xp, FH, FW, OH, OW, S)                           # (N, C, OH, OW, FH, FW)
    for p, q in [(0, 0), (FH - 1, FW - 1), (FH // 2, 0)]:
        np.testing.assert_array_equal(offset_view(xp, p, q, OH, OW, (S, S)), windows[..., p, q], err_msg=f"{p, q}")


def test_pad_images_pads_only_the_image_axes_with_the_value():
    x = np.ones((2, 3, 2, 2), dtype=np.float32)
    xp = pad_images(x, 1, -np.inf)
    assert xp.shape == (2, 3, 4, 4) and xp.dtype == np.float32
    np.testing.assert_array_equal(xp[:, :, 1:-1, 1:-1], x)
    assert np.all(xp[:, :, 0] == -np.inf) and np.all(xp[:, :, :, -1] == -np.inf)
    assert pad_images(x, 0) is x


# --- dtypes and copies -----------------------------------------------------------------------

@pytest.mark.parametrize("dtype", [np.int64, np.float32, np.float64], ids=str)
@pytest.mark.parametrize("unfold", [im2col, im2col_loop], ids=lambda f: f.__name__)
def test_im2col_and_col2im_keep_dtype(unfold, dtype):
    x = np.arange(2 * 3 * 5 * 5).reshape(2, 3, 5, 5).astype(dtype)
    col = unfold(x, 3, 3, pad=1)
    assert col.dtype == dtype and col.flags.c_contiguous
    assert col2im(col, x.shape, 3, 3, pad=1).dtype == dtype


@pytest.mark.parametrize("unfold", [im2col, im2col_loop], ids=lambda f: f.__name__)
def test_im2col_never_aliases_the_input(unfold):
    x = np.arange(16.0).reshape(1, 1, 4, 4)
    col = unfold(x, 1, 1)                   # 1x1 windows: a view would have been possible
    col[:] = -1
    assert x.min() == 0


# --- bad input: each message names the function, the argument, the value and the fix ---------

BAD = {
    "geometry-pad-fix": (lambda: conv_output_size(7, 3, stride=3, strict=True),
                         ValueError, "conv_output_size: (input_size + 2*pad - filter_size) = 4 is not divisible by "
                                     "stride = 3 (strict=True); use pad=1, or strict=False to round down to 2 windows"),
    "filter-too-large": (lambda: conv_output_size(3, 5),
                         ValueError, "conv_output_size: filter_size = 5 is larger than the padded input "
                                     "(input_size + 2*pad) = 3; use a smaller filter or pad=1"),
    "size-float": (lambda: conv_output_size(28.0, 5),
                   TypeError, "conv_output_size: input_size must be an integer, got 28.0 (float)"),
    "ndim-im2col": (lambda: im2col(np.ones((1, 4, 4)), 2, 2),
                    ValueError, "im2col: input_data must be 4-D (N, C, H, W), got shape (1, 4, 4)"),
    "ndim-im2col-loop": (lambda: im2col_loop(np.ones((1, 4, 4)), 2, 2),
                         ValueError, "im2col_loop: input_data must be 4-D (N, C, H, W), got shape (1, 4, 4)"),
    "pad-negative": (lambda: im2col(np.ones((1, 1, 4, 4)), 2, 2, pad=-1),
                     ValueError, "im2col: pad must be an integer >= 0, got -1"),
    "stride-pair-im2col": (lambda: im2col(np.ones((1, 1, 4, 4)), 2, 2, stride=(1, 2)),
                           TypeError, "im2col: stride must be an integer, got (1, 2) (tuple)"),
    "filter-zero": (lambda: im2col(np.ones((1, 1, 4, 4)), 0, 2),
                    ValueError, "im2col: filter_h must be an integer >= 1, got 0"),
    "im2col-geometry": (lambda: im2col(np.ones((1, 1, 6, 6)), 3, 3, stride=2, strict=True),
                        ValueError, "im2col: (H + 2*pad - filter_h) = 3 is not divisible by stride = 2 (strict=True); "
                                    "use filter_h=4, or strict=False to round down to 2 windows"),
    "im2col-loop-geometry": (lambda: im2col_loop(np.ones((1, 1, 5, 6)), 2, 3, stride=2, strict=True),
                             ValueError, "im2col_loop: (H + 2*pad - filter_h) = 3 is not divisible by stride = 2 "
                                         "(strict=True); use filter_h=3, or strict=False to round down to 2 windows"),
    "col2im-geometry": (lambda: col2im(np.ones((4, 9)), (1, 1, 6, 6), 3, 3, stride=2, strict=True),
                        ValueError, "col2im: (H + 2*pad - filter_h) = 3 is not divisible by stride = 2 (strict=True)"),
    "col2im-shape": (lambda: col2im(np.ones((8, 4)), (1, 1, 4, 4), 2, 2),
                     ValueError, "col2im: col has shape (8, 4), but input_shape (1, 1, 4, 4) with 2x2 windows, "
                                 "stride=1, pad=0 gives (9, 4)"),
    "col2im-input-shape": (lambda: col2im(np.ones((9, 4)), (4, 4), 2, 2),
                           ValueError, "col2im: input_shape must be (N, C, H, W), got (4, 4)"),
    "output-shape-names": (lambda: output_shape(4, 7, 2, 3, (2, 3), strict=True, caller="Pooling",
                                                names=("pool_h", "pool_w")),
                           ValueError, "Pooling: (W + 2*pad - pool_w) = 4 is not divisible by stride = 3 (strict=True); "
                                       "use pad=1, or strict=False to round down to 2 windows"),
    "scatter-ndim": (lambda: scatter_windows(np.ones((1, 1, 2, 2)), (1, 1, 3, 3), 1, 0),
                     ValueError, "scatter_windows: windows must be 6-D (N, C, OH, OW, FH, FW), got shape (1, 1, 2, 2)"),
    "scatter-input-shape": (lambda: scatter_windows(np.ones((2, 1, 2, 2, 2, 2)), (1, 1, 3, 3), 1, 0),
                            ValueError, "scatter_windows: input_shape must be (N, C, H, W) = (2, 1, H, W) for windows "
                                        "of shape (2, 1, 2, 2, 2, 2), got (1, 1, 3, 3)"),
    "pad-images-ndim": (lambda: pad_images(np.ones((4, 4)), 1),
                        ValueError, "pad_images: x must be 4-D (N, C, H, W), got shape (4, 4)"),
}


@pytest.mark.parametrize("name", BAD)
def test_bad_input_gets_a_clear_message(name):
    assert_message(*BAD[name])


# --- layering: convolution and pooling share this module, not each other's privates ----------

def imported_names(module) -> dict[str, list[str]]:
    """{module it imports from (relative, e.g. '.windows'): [names]} from the module's source."""
    tree = ast.parse(inspect.getsource(module))
    found: dict[str, list[str]] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            found.setdefault("." * node.level + (node.module or ""), []).extend(a.name for a in node.names)
    return found


@pytest.mark.parametrize("module", [dl_notes.conv, dl_notes.pooling], ids=lambda m: m.__name__)
def test_conv_and_pooling_import_only_public_names_of_the_library(module):
    private = {source: [n for n in names if n.startswith("_")] for source, names in imported_names(module).items()}
    assert {source: names for source, names in private.items() if names} == {}


def test_conv_and_pooling_do_not_import_each_other():
    assert ".pooling" not in imported_names(dl_notes.conv) and ".conv" not in imported_names(dl_notes.pooling)
    assert ".conv" not in imported_names(dl_notes.windows) and ".pooling" not in imported_names(dl_notes.windows)
    assert not hasattr(dl_notes.conv, "Pooling")


def test_the_layer_input_checks_live_with_the_other_layer_checks():
    """windows.py is window code; the checks every layer applies are in dl_notes._checks."""
    assert not {"image_batch", "upstream_gradient"} & set(vars(dl_notes.windows))
    for module in (dl_notes.conv, dl_notes.pooling):
        assert {"image_batch", "upstream_gradient", "forward_cache"} <= set(imported_names(module)["._checks"])


@pytest.mark.parametrize("name", ["im2col", "col2im", "conv_output_size"])
def test_the_course_functions_stay_importable_from_conv(name):
    """The site's pages and students' ported code import them from dl_notes.conv."""
    assert getattr(dl_notes.conv, name) is getattr(dl_notes.windows, name)
    assert name not in dl_notes.conv.__all__          # documented once, under dl_notes.windows
