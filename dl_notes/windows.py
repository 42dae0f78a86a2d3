r"""Sliding windows: the geometry, padding, gather and scatter that convolution and pooling share.

A convolution (`dl_notes.conv`) and a pooling layer (`dl_notes.pooling`) both slide an
FH x FW window with stride S over a batch of images (N, C, H, W) padded by P on each side; they
differ only in what they do with each window. What they share is here:

- `conv_output_size` and `output_shape`: how many windows fit (rounded down, or with
  ``strict=True`` an error that says which setting to change);
- `pad_images`, `offset_view` and `window_view`: the padded input and strided views of its
  windows (no copies);
- `scatter_windows`: the adjoint of `window_view`, adding windows back into an image;
- `im2col` and `col2im`: the windows as matrix rows, in the course's order
  (``common/util.py``): rows (N, OH, OW), columns (C, FH, FW);
- `im2col_loop`: the course's im2col as loops, the oracle that tests and benchmarks hold the
  fast path to.

A geometry whose stride does not divide $H + 2P - FH$ is rounded down, as in the course's
code and PyTorch: the windows stop before the end, and the last rows (or columns) that no window
reaches are dropped. ``strict=True`` makes that an error instead. One difference from the
course's code: arrays keep their dtype (the course's ``im2col`` always returns float64).
The im2col page of the site teaches these functions; the CNN page teaches the output size.
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view
from numpy.typing import ArrayLike

from ._checks import array, count

__all__ = ["conv_output_size", "output_shape", "pad_images", "offset_view", "window_view", "scatter_windows",
           "im2col", "col2im", "im2col_loop"]

def _output_size(size: int, filter_size: int, stride: int, pad: int, *, caller: str,
                 names: tuple[str, str], strict: bool = False) -> int:
    """floor((size + 2 pad - filter_size) / stride) + 1; if ``strict``, an error when that floors."""
    dim, fdim = names
    span = size + 2 * pad - filter_size
    if span < 0:
        raise ValueError(f"{caller}: {fdim} = {filter_size} is larger than the padded input "
                         f"({dim} + 2*pad) = {size + 2 * pad}; use a smaller filter or "
                         f"pad={pad + (1 - span) // 2}")
    if span % stride and strict:
        # A larger pad fixes it if some pad < pad + stride makes the span divisible; else a
        # filter larger by the remainder always does.
        pads = [p for p in range(pad + 1, pad + stride) if (span + 2 * (p - pad)) % stride == 0]
        fix = f"pad={pads[0]}" if pads else f"{fdim}={filter_size + span % stride}"
        raise ValueError(f"{caller}: ({dim} + 2*pad - {fdim}) = {span} is not divisible by "
                         f"stride = {stride} (strict=True); use {fix}, or strict=False to round "
                         f"down to {span // stride + 1} windows")
    return span // stride + 1


def conv_output_size(input_size: int, filter_size: int, stride: int = 1, pad: int = 0, *,
                     strict: bool = False) -> int:
    r"""Output height (or width) of a convolution or pooling window sliding over an input.

    $$
    OH = \left\lfloor \frac{H + 2P - FH}{S} \right\rfloor + 1
    $$

    When $S$ does not divide $H + 2P - FH$ the size is rounded down, as the course's ``im2col``
    and PyTorch do: the last window ends before the padded input does, and the last
    $(H + 2P - FH) \bmod S$ rows of the padded input are in no window (those that are not
    padding are dropped from the computation).

    Parameters
    ----------
    input_size : int
        $H$, the input height (or width), >= 1.
    filter_size : int
        $FH$, the filter (or pooling window) height, >= 1.
    stride : int, default 1
        $S$, the step between two windows, >= 1.
    pad : int, default 0
        $P$, the zeros added on each side, >= 0.
    strict : bool, default False
        Raise instead of rounding down when $S$ does not divide $H + 2P - FH$.

    Returns
    -------
    int
        $OH \ge 1$. The course's ``common/util.py`` returns a float here (3.5 where this
        returns 3).

    Raises
    ------
    ValueError
        When the filter is larger than the padded input, or (with ``strict``) when
        $(H + 2P - FH) / S$ is not an integer; the message says which setting makes it one.
    TypeError
        When a size is not an integer.

    See Also
    --------
    output_shape : both output axes at once, for images.

    Examples
    --------
    >>> conv_output_size(28, 5)
    24
    >>> conv_output_size(28, 3, stride=1, pad=1)   # "same" padding
    28
    >>> conv_output_size(7, 2, stride=2)                # 2.5 windows: the last row is dropped
    3
    >>> conv_output_size(7, 2, stride=2, strict=True)
    Traceback (most recent call last):
    ...
    ValueError: conv_output_size: (input_size + 2*pad - filter_size) = 5 is not divisible by stride = 2 (strict=True); use filter_size=3, or strict=False to round down to 3 windows
    """
    H = count("conv_output_size: input_size", input_size, 1)
    FH = count("conv_output_size: filter_size", filter_size, 1)
    S = count("conv_output_size: stride", stride, 1)
    P = count("conv_output_size: pad", pad, 0)
    return _output_size(H, FH, S, P, caller="conv_output_size", names=("input_size", "filter_size"),
                        strict=bool(strict))


def output_shape(H: int, W: int, FH: int, FW: int, stride: int | tuple[int, int] = 1, pad: int = 0, *,
                 strict: bool = False, caller: str = "output_shape",
                 names: tuple[str, str] = ("FH", "FW")) -> tuple[int, int]:
    r"""Output height and width of FH x FW windows sliding over H x W images: the one geometry check.

    $$
    OH = \left\lfloor \frac{H + 2P - FH}{S_H} \right\rfloor + 1, \qquad
    OW = \left\lfloor \frac{W + 2P - FW}{S_W} \right\rfloor + 1
    $$

    Every function and layer that slides windows calls it, so a geometry that does not fit
    gets the same message everywhere, prefixed with the caller's name.

    Parameters
    ----------
    H, W : int
        The input's height and width, >= 1.
    FH, FW : int
        The window's height and width, >= 1.
    stride : int or (int, int), default 1
        $S$, or $(S_H, S_W)$.
    pad : int, default 0
        $P$, added on each side, >= 0.
    strict : bool, default False
        Raise instead of rounding down when a stride does not divide (see `conv_output_size`).
    caller : str, default "output_shape"
        The function or layer that the error messages name.
    names : (str, str), default ("FH", "FW")
        What the caller calls $FH$ and $FW$ (``("pool_h", "pool_w")`` for pooling), so that
        the message names the caller's own argument.

    Returns
    -------
    (int, int)
        $(OH, OW)$.

    Raises
    ------
    ValueError
        When the window is larger than the padded input, or (with ``strict``) a stride does not
        divide; the message says which setting makes it divide.
    TypeError
        When a size, the stride or the pad is not an integer.

    See Also
    --------
    conv_output_size : one axis, with the course's signature.

    Examples
    --------
    >>> output_shape(28, 28, 5, 5)
    (24, 24)
    >>> output_shape(4, 6, 2, 3, stride=(2, 3))
    (2, 2)
    >>> output_shape(5, 5, 2, 2, stride=2)              # the last row and column are dropped
    (2, 2)
    >>> output_shape(5, 5, 2, 2, stride=2, strict=True, caller="Pooling", names=("pool_h", "pool_w"))
    Traceback (most recent call last):
    ...
    ValueError: Pooling: (H + 2*pad - pool_h) = 3 is not divisible by stride = 2 (strict=True); use pool_h=3, or strict=False to round down to 2 windows
    """
    fh, fw = names
    H, W = count(f"{caller}: H", H, 1), count(f"{caller}: W", W, 1)
    FH, FW = count(f"{caller}: {fh}", FH, 1), count(f"{caller}: {fw}", FW, 1)
    if isinstance(stride, tuple):
        SH, SW = (count(f"{caller}: stride[{k}]", s, 1) for k, s in enumerate(stride))
    else:
        SH = SW = count(f"{caller}: stride", stride, 1)
    P = count(f"{caller}: pad", pad, 0)
    OH = _output_size(H, FH, SH, P, caller=caller, names=("H", fh), strict=bool(strict))
    OW = _output_size(W, FW, SW, P, caller=caller, names=("W", fw), strict=bool(strict))
    return OH, OW


def pad_images(x: np.ndarray, pad: int, value: float = 0) -> np.ndarray:
    r"""``x`` with ``pad`` rows and columns of ``value`` around each image.

    $$
    x^{\mathrm{pad}}_{n,c,h,w} = \begin{cases} x_{n,c,h-P,w-P} & \text{inside} \\
        v & \text{in the border of width } P \end{cases}
    $$

    Parameters
    ----------
    x : ndarray, shape (N, C, H, W)
    pad : int
        $P$, >= 0.
    value : float, default 0
        $v$: zeros for a convolution and average pooling, $-\infty$ for max pooling (so that
        padding never wins).

    Returns
    -------
    ndarray, shape (N, C, H + 2P, W + 2P)
        In the dtype of ``x``; ``x`` itself (no copy) when ``pad`` is 0.

    Raises
    ------
    ValueError
        When ``x`` is not 4-D or ``pad`` is negative.

    Examples
    --------
    >>> pad_images(np.ones((1, 1, 1, 2)), 1)[0, 0]
    array([[0., 0., 0., 0.],
           [0., 1., 1., 0.],
           [0., 0., 0., 0.]])
    """
    x = array("pad_images: x", x, ndim=4, layout="(N, C, H, W)")
    P = count("pad_images: pad", pad, 0)
    return np.pad(x, [(0, 0), (0, 0), (P, P), (P, P)], constant_values=value) if P else x


def offset_view(xp: np.ndarray, p: int, q: int, OH: int, OW: int, stride: int | tuple[int, int]) -> np.ndarray:
    r"""Pixel (p, q) of every window, as one strided view of the padded input.

    $$
    v_{n,c,i,j} = x^{\mathrm{pad}}_{n,\,c,\,iS_H+p,\,jS_W+q}
    $$

    A loop over the $FH \times FW$ offsets with one such view each visits every pixel of
    every window in $FH \cdot FW$ NumPy calls: that is how the course's ``im2col`` and
    ``col2im`` work, and how pooling reduces its windows and scatters their gradients.

    Parameters
    ----------
    xp : ndarray, shape (N, C, H + 2P, W + 2P)
        The padded input (`pad_images`), or an image-sized buffer to write into.
    p, q : int
        The offset in the window, $0 \le p < FH$, $0 \le q < FW$.
    OH, OW : int
        The number of windows (`output_shape`).
    stride : int or (int, int)
        $S$, or $(S_H, S_W)$.

    Returns
    -------
    ndarray, shape (N, C, OH, OW)
        A view: writing to it writes to ``xp``. No checks: it is the inner step of loops
        whose geometry `output_shape` has checked.

    See Also
    --------
    window_view : all offsets at once.

    Examples
    --------
    >>> x = np.arange(16).reshape(1, 1, 4, 4)
    >>> offset_view(x, 1, 0, 2, 2, stride=2)[0, 0]     # pixel (1, 0) of the four 2x2 windows
    array([[ 4,  6],
           [12, 14]])
    """
    SH, SW = stride if isinstance(stride, tuple) else (stride, stride)
    return xp[:, :, p:p + SH * (OH - 1) + 1:SH, q:q + SW * (OW - 1) + 1:SW]


def window_view(xp: np.ndarray, FH: int, FW: int, OH: int, OW: int, stride: int) -> np.ndarray:
    r"""Every FH x FW window of the padded input, as one read-only strided view.

    $$
    v_{n,c,i,j,p,q} = x^{\mathrm{pad}}_{n,\,c,\,iS+p,\,jS+q}
    $$

    Parameters
    ----------
    xp : ndarray, shape (N, C, H + 2P, W + 2P)
        The padded input (`pad_images`).
    FH, FW : int
        The window.
    OH, OW : int
        The number of windows (`output_shape`); when it rounded down, the windows past them are cut.
    stride : int
        $S$.

    Returns
    -------
    ndarray, shape (N, C, OH, OW, FH, FW)
        A read-only view of ``xp`` (``sliding_window_view``): copying it in any axis order lays
        the windows out in one NumPy call. No checks, as for `offset_view`.

    See Also
    --------
    scatter_windows : the adjoint, which adds windows back into an image.
    im2col : copies this view into the course's row order.

    Examples
    --------
    >>> x = np.arange(9).reshape(1, 1, 3, 3)
    >>> window_view(x, 2, 2, 2, 2, stride=1)[0, 0, 1, 0]   # the window under output (1, 0)
    array([[3, 4],
           [6, 7]])
    """
    windows = sliding_window_view(xp, (FH, FW), axis=(2, 3))                # (N, C, H', W', FH, FW)
    return windows[:, :, ::stride, ::stride][:, :, :OH, :OW]                 # (N, C, OH, OW, FH, FW)


def scatter_windows(windows: np.ndarray, input_shape: tuple[int, int, int, int], stride: int,
                    pad: int) -> np.ndarray:
    r"""Add windows back at their places in the image: the adjoint of `window_view`.

    $$
    x_{n,\,c,\,h,\,w} = \sum_{\substack{i,\,j,\,p,\,q:\\ iS+p-P = h,\; jS+q-P = w}} v_{n,c,i,j,p,q}
    $$

    A pixel that $k$ windows cover receives the sum of its $k$ copies: the gradient of a
    pixel that fed $k$ outputs. The padding is cut off.

    Parameters
    ----------
    windows : ndarray, shape (N, C, OH, OW, FH, FW)
        One value per pixel of each window (any axis order in memory: a transposed view is fine).
    input_shape : tuple of 4 ints
        (N, C, H, W) of the image.
    stride, pad : int
        $S$ and $P$, as for the windows' `window_view`.

    Returns
    -------
    ndarray, shape (N, C, H, W)
        In the dtype of ``windows``.

    Raises
    ------
    ValueError
        When ``windows`` is not 6-D, or ``input_shape`` does not start with its (N, C).

    See Also
    --------
    col2im : the same from the course's matrix layout.

    Examples
    --------
    Ones in every window of a 3x3 image count how many 2x2 windows cover each pixel:

    >>> scatter_windows(np.ones((1, 1, 2, 2, 2, 2)), (1, 1, 3, 3), stride=1, pad=0)[0, 0]
    array([[1., 2., 1.],
           [2., 4., 2.],
           [1., 2., 1.]])
    """
    windows = array("scatter_windows: windows", windows, ndim=6, layout="(N, C, OH, OW, FH, FW)")
    N, C, OH, OW, FH, FW = windows.shape
    if len(input_shape) != 4 or tuple(input_shape[:2]) != (N, C):
        raise ValueError(f"scatter_windows: input_shape must be (N, C, H, W) = ({N}, {C}, H, W) for windows of "
                         f"shape {windows.shape}, got {tuple(input_shape)}")
    _, _, H, W = input_shape
    P = pad
    img = np.zeros((N, C, H + 2 * P, W + 2 * P), dtype=windows.dtype)   # (N, C, H+2P, W+2P)
    for p in range(FH):
        for q in range(FW):
            offset_view(img, p, q, OH, OW, stride)[...] += windows[..., p, q]
    return img[:, :, P:P + H, P:P + W] if P else img                     # (N, C, H, W)


def im2col(input_data: ArrayLike, filter_h: int, filter_w: int, stride: int = 1, pad: int = 0, *,
           strict: bool = False) -> np.ndarray:
    r"""Unfold every receptive field of a batch of images into one row of a matrix.

    Row $(n, i, j)$ holds the window under output pixel $(i, j)$ of image $n$, flattened in
    (C, FH, FW) order:

    $$
    \mathrm{col}_{(n,i,j),\,(c,p,q)} = x_{n,\,c,\,iS+p-P,\,jS+q-P}
    $$

    with $x = 0$ outside the image. A convolution with filters $W$ is then one matrix product,
    $\mathrm{col}\, W_{\mathrm{col}}^\top$ (see `dl_notes.conv.Convolution`).

    Parameters
    ----------
    input_data : array_like, shape (N, C, H, W)
        The images; any numeric dtype, kept.
    filter_h, filter_w : int
        $FH$ and $FW$, the window size.
    stride : int, default 1
        $S$.
    pad : int, default 0
        $P$, zeros added on each side.
    strict : bool, default False
        Raise when $S$ does not divide $H + 2P - FH$ (or $W + 2P - FW$). By default the output
        size is rounded down as in the course's code and PyTorch (`conv_output_size`): the last
        rows and columns that no window reaches are in no row of the result.

    Returns
    -------
    ndarray, shape (N*OH*OW, C*FH*FW)
        A new C-contiguous array (never a view of the input), in the dtype of ``input_data``.

    Raises
    ------
    ValueError
        When ``input_data`` is not 4-D, or the geometry does not fit (see
        `conv_output_size`).

    See Also
    --------
    col2im : the adjoint, which the backward pass uses.
    im2col_loop : the same matrix from the course's loops, the oracle of the tests.

    Examples
    --------
    The course's check: a 4x4 image, 2x2 windows.

    >>> x = np.arange(16).reshape(1, 1, 4, 4)
    >>> col = im2col(x, 2, 2)
    >>> col.shape
    (9, 4)
    >>> col[:3]
    array([[0, 1, 4, 5],
           [1, 2, 5, 6],
           [2, 3, 6, 7]])

    With one pixel of zero padding there are 5x5 windows; the first ones hang over the corner:

    >>> col = im2col(x, 2, 2, pad=1)
    >>> col.shape
    (25, 4)
    >>> col[:3]
    array([[0, 0, 0, 0],
           [0, 0, 0, 1],
           [0, 0, 1, 2]])

    3x3 windows at stride 2 do not tile a 6x6 image: $(6 - 3) / 2 + 1 = 2.5$. As in the
    course's code, that rounds down to 2x2 windows, and the last row (pixels 30 to 35) and the
    last column (5, 11, ..., 35) are in no window; ``strict=True`` makes it an error:

    >>> x = np.arange(36).reshape(1, 1, 6, 6)
    >>> col = im2col(x, 3, 3, stride=2)
    >>> col.shape
    (4, 9)
    >>> col[:2]
    array([[ 0,  1,  2,  6,  7,  8, 12, 13, 14],
           [ 2,  3,  4,  8,  9, 10, 14, 15, 16]])
    >>> im2col(x, 3, 3, stride=2, strict=True)
    Traceback (most recent call last):
    ...
    ValueError: im2col: (H + 2*pad - filter_h) = 3 is not divisible by stride = 2 (strict=True); use filter_h=4, or strict=False to round down to 2 windows
    """
    x = array("im2col: input_data", input_data, ndim=4, layout="(N, C, H, W)")
    N, C, H, W = x.shape
    S, P = count("im2col: stride", stride, 1), count("im2col: pad", pad, 0)
    OH, OW = output_shape(H, W, filter_h, filter_w, S, P, strict=strict, caller="im2col",
                          names=("filter_h", "filter_w"))
    FH, FW = int(filter_h), int(filter_w)
    col = np.empty((N * OH * OW, C * FH * FW), dtype=x.dtype)
    windows = window_view(pad_images(x, P), FH, FW, OH, OW, S)           # (N, C, OH, OW, FH, FW)
    np.copyto(col.reshape(N, OH, OW, C, FH, FW), windows.transpose(0, 2, 3, 1, 4, 5))
    return col                                                            # (N*OH*OW, C*FH*FW)


def col2im(col: ArrayLike, input_shape: tuple[int, int, int, int], filter_h: int, filter_w: int,
           stride: int = 1, pad: int = 0, *, strict: bool = False) -> np.ndarray:
    r"""Fold the rows of an im2col matrix back into images, adding where windows overlap.

    $$
    x_{n,\,c,\,h,\,w} = \sum_{\substack{i,\,j,\,p,\,q:\\ iS+p-P = h,\; jS+q-P = w}}
        \mathrm{col}_{(n,i,j),\,(c,p,q)}
    $$

    This is the transpose (adjoint) of `im2col`, not its inverse: a pixel seen by $k$
    windows comes back $k$ times. That is exactly what backpropagation needs, since a pixel
    that feeds $k$ outputs receives the sum of their gradients.

    Parameters
    ----------
    col : array_like, shape (N*OH*OW, C*FH*FW)
        Rows ordered (N, OH, OW), columns (C, FH, FW), as `im2col` makes them.
    input_shape : tuple of 4 ints
        (N, C, H, W) of the images ``col`` came from.
    filter_h, filter_w, stride, pad, strict
        As for `im2col`.

    Returns
    -------
    ndarray, shape (N, C, H, W)
        In the dtype of ``col`` (the course's is always float64); padding is cut off. Rows and
        columns that no window reaches (when the size was rounded down) are zero: they fed no
        output, so their gradient is zero.

    Raises
    ------
    ValueError
        When ``col`` does not have the shape that ``input_shape`` and the geometry give.

    See Also
    --------
    im2col : the forward unfolding.
    scatter_windows : the same from the windows' own layout.

    Examples
    --------
    Folding back a matrix of ones counts how many 2x2 windows cover each pixel:

    >>> x = np.ones((1, 1, 3, 3))
    >>> col2im(im2col(x, 2, 2), x.shape, 2, 2)[0, 0]
    array([[1., 2., 1.],
           [2., 4., 2.],
           [1., 2., 1.]])

    At stride 2 the 2x2 windows never reach the last row and column, which stay zero:

    >>> col2im(im2col(x, 2, 2, stride=2), x.shape, 2, 2, stride=2)[0, 0]
    array([[1., 1., 0.],
           [1., 1., 0.],
           [0., 0., 0.]])
    """
    if len(input_shape) != 4:
        raise ValueError(f"col2im: input_shape must be (N, C, H, W), got {tuple(input_shape)}")
    N, C, H, W = (count(f"col2im: input_shape[{k}]", v, 1) for k, v in enumerate(input_shape))
    S, P = count("col2im: stride", stride, 1), count("col2im: pad", pad, 0)
    OH, OW = output_shape(H, W, filter_h, filter_w, S, P, strict=strict, caller="col2im",
                          names=("filter_h", "filter_w"))
    FH, FW = int(filter_h), int(filter_w)
    col = array("col2im: col", col, ndim=2, layout="(N*OH*OW, C*FH*FW)")
    if col.shape != (N * OH * OW, C * FH * FW):
        raise ValueError(f"col2im: col has shape {col.shape}, but input_shape {(N, C, H, W)} with "
                         f"{FH}x{FW} windows, stride={S}, pad={P} gives ({N * OH * OW}, {C * FH * FW})")
    windows = col.reshape(N, OH, OW, C, FH, FW).transpose(0, 3, 1, 2, 4, 5)   # (N, C, OH, OW, FH, FW)
    return scatter_windows(windows, (N, C, H, W), S, P)                  # (N, C, H, W)


def im2col_loop(input_data: ArrayLike, filter_h: int, filter_w: int, stride: int = 1, pad: int = 0, *,
                strict: bool = False) -> np.ndarray:
    r"""`im2col` as the course writes it: a loop over the window offsets, then one transpose.

    $$
    \mathrm{col}_{(n,i,j),\,(c,p,q)} = x_{n,\,c,\,iS+p-P,\,jS+q-P}
    $$

    The course's ``common/util.py`` algorithm: for each of the $FH \times FW$ offsets
    $(p, q)$, one strided slice copies pixel $(p, q)$ of every window into an
    (N, C, FH, FW, OH, OW) array, which ``transpose(0, 4, 5, 1, 2, 3)`` reorders to rows
    (N, OH, OW) and columns (C, FH, FW). It shares no code with `im2col`, so it is the oracle
    that the tests hold `im2col`, `col2im` and pooling to, and the course's side of the
    speed comparisons (the im2col page, ``scripts/bench.py``). Unlike the course's, it keeps
    the dtype of the input and checks the geometry as `im2col` does.

    Parameters
    ----------
    input_data, filter_h, filter_w, stride, pad, strict
        As for `im2col`.

    Returns
    -------
    ndarray, shape (N*OH*OW, C*FH*FW)
        Equal to ``im2col(input_data, ...)``, element for element.

    Raises
    ------
    ValueError
        As `im2col`.

    See Also
    --------
    im2col : the same matrix from one strided view and one copy.
    dl_notes.conv.conv2d_naive : the loop oracle of the convolution itself.

    Examples
    --------
    >>> x = np.arange(16).reshape(1, 1, 4, 4)
    >>> im2col_loop(x, 2, 2)[:3]
    array([[0, 1, 4, 5],
           [1, 2, 5, 6],
           [2, 3, 6, 7]])
    >>> bool((im2col_loop(x, 3, 3, pad=1) == im2col(x, 3, 3, pad=1)).all())
    True
    """
    x = array("im2col_loop: input_data", input_data, ndim=4, layout="(N, C, H, W)")
    N, C, H, W = x.shape
    S, P = count("im2col_loop: stride", stride, 1), count("im2col_loop: pad", pad, 0)
    OH, OW = output_shape(H, W, filter_h, filter_w, S, P, strict=strict, caller="im2col_loop",
                          names=("filter_h", "filter_w"))
    FH, FW = int(filter_h), int(filter_w)
    xp = np.pad(x, [(0, 0), (0, 0), (P, P), (P, P)])                   # (N, C, H+2P, W+2P)
    col = np.zeros((N, C, FH, FW, OH, OW), dtype=x.dtype)
    for p in range(FH):
        for q in range(FW):
            col[:, :, p, q] = xp[:, :, p:p + S * OH:S, q:q + S * OW:S]  # (N, C, OH, OW)
    return col.transpose(0, 4, 5, 1, 2, 3).reshape(N * OH * OW, -1)     # (N*OH*OW, C*FH*FW)
