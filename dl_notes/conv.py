r"""Convolution, built on im2col.

A convolution slides ``FN`` filters of shape (C, FH, FW) over a batch of shape (N, C, H, W).
`im2col` copies every receptive field into one row of a matrix, so the whole convolution
is one matrix product, the product an Affine layer computes; `col2im` adds the rows back
into an image for the backward pass. The row and column order is the course's
(``common/util.py``): rows (N, OH, OW), columns (C, FH, FW), so a student's code runs with only
its imports changed. Two differences: arrays keep their dtype (the course's ``im2col`` always
returns float64), and a geometry whose output size is not an integer is an error
(the course's silently drops the last rows; ``floor=True`` does the same on request).

`conv2d_naive` is the same convolution written as loops: the oracle of the tests and the
slow side of the speed comparison on the convolution page. The pooling layers are in
`dl_notes.pooling` (importable from here too).
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view
from numpy.typing import ArrayLike

from ._checks import array, count, parameter

__all__ = ["conv_output_size", "im2col", "col2im", "conv2d_naive", "Convolution"]


def _output_size(size: int, filter_size: int, stride: int, pad: int, *, where: str,
                 names: tuple[str, str], floor: bool = False) -> int:
    """(size + 2 pad - filter_size) / stride + 1, or an error that says which setting to change."""
    dim, fdim = names
    span = size + 2 * pad - filter_size
    if span < 0:
        raise ValueError(f"{where}: {fdim} = {filter_size} is larger than the padded input "
                         f"({dim} + 2*pad) = {size + 2 * pad}; use a smaller filter or "
                         f"pad={pad + (1 - span) // 2}")
    if span % stride and not floor:
        # A larger pad fixes it if some pad < pad + stride makes the span divisible; else a
        # filter larger by the remainder always does.
        pads = [p for p in range(pad + 1, pad + stride) if (span + 2 * (p - pad)) % stride == 0]
        fix = f"pad={pads[0]}" if pads else f"{fdim}={filter_size + span % stride}"
        hint = " or floor=True" if where in ("conv_output_size", "im2col", "col2im") else ""
        raise ValueError(f"{where}: ({dim} + 2*pad - {fdim}) = {span} is not divisible by "
                         f"stride = {stride}; use {fix}{hint}")
    return span // stride + 1


def conv_output_size(input_size: int, filter_size: int, stride: int = 1, pad: int = 0,
                     floor: bool = False) -> int:
    r"""Output height (or width) of a convolution or pooling window sliding over an input.

    $$
    OH = \frac{H + 2P - FH}{S} + 1
    $$

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
    floor : bool, default False
        Round down when $S$ does not divide $H + 2P - FH$, dropping the last rows as PyTorch and
        the course's ``im2col`` do. By default that is an error.

    Returns
    -------
    int
        $OH \ge 1$. The course's ``common/util.py`` returns a float here.

    Raises
    ------
    ValueError
        When the filter is larger than the padded input, or (unless ``floor``) when $OH$ is not
        an integer; the message says which setting makes it one.
    TypeError
        When a size is not an integer.

    See Also
    --------
    im2col : uses it for both output axes.

    Examples
    --------
    >>> conv_output_size(28, 5)
    24
    >>> conv_output_size(28, 3, stride=1, pad=1)   # "same" padding
    28
    >>> conv_output_size(7, 2, stride=2)
    Traceback (most recent call last):
    ...
    ValueError: conv_output_size: (input_size + 2*pad - filter_size) = 5 is not divisible by stride = 2; use filter_size=3 or floor=True
    >>> conv_output_size(7, 2, stride=2, floor=True)
    3
    """
    H = count("input_size", input_size, 1)
    FH = count("filter_size", filter_size, 1)
    S = count("stride", stride, 1)
    P = count("pad", pad, 0)
    return _output_size(H, FH, S, P, where="conv_output_size", names=("input_size", "filter_size"),
                        floor=bool(floor))


def _geometry(where: str, H: int, W: int, FH: int, FW: int, stride, pad, floor=False, fnames=("FH", "FW")):
    """Checked stride, pad and output size (S, P, OH, OW) of a window sliding over (H, W)."""
    S = count("stride", stride, 1)
    P = count("pad", pad, 0)
    OH = _output_size(H, FH, S, P, where=where, names=("H", fnames[0]), floor=floor)
    OW = _output_size(W, FW, S, P, where=where, names=("W", fnames[1]), floor=floor)
    return S, P, OH, OW


def _pad(x: np.ndarray, P: int, value: float = 0) -> np.ndarray:
    """``x`` with ``P`` rows and columns of ``value`` around each image (no copy when P = 0)."""
    return np.pad(x, [(0, 0), (0, 0), (P, P), (P, P)], constant_values=value) if P else x


def _window(xp: np.ndarray, i: int, j: int, OH: int, OW: int, SH: int, SW: int) -> np.ndarray:
    """Pixel (i, j) of every window: a strided view (N, C, OH, OW) of the padded input ``xp``."""
    return xp[:, :, i:i + SH * (OH - 1) + 1:SH, j:j + SW * (OW - 1) + 1:SW]


def im2col(input_data: ArrayLike, filter_h: int, filter_w: int, stride: int = 1, pad: int = 0, *,
           floor: bool = False) -> np.ndarray:
    r"""Unfold every receptive field of a batch of images into one row of a matrix.

    Row $(n, i, j)$ holds the window under output pixel $(i, j)$ of image $n$, flattened in
    (C, FH, FW) order:

    $$
    \mathrm{col}_{(n,i,j),\,(c,p,q)} = x_{n,\,c,\,iS+p-P,\,jS+q-P}
    $$

    with $x = 0$ outside the image. A convolution with filters $W$ is then one matrix product,
    $\mathrm{col}\, W_{\mathrm{col}}^\top$ (see `Convolution`).

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
    floor : bool, default False
        Allow an $S$ that does not divide $H + 2P - FH$ (the last rows and columns are then never
        covered, as in the course's code).

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
    Convolution : the layer built on it.

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

    3x3 windows at stride 2 do not tile a 6x6 image: $(6 - 3) / 2 + 1$ is not an integer.
    The course's ``im2col`` silently drops the last row and column; here that takes
    ``floor=True``:

    >>> x = np.arange(36).reshape(1, 1, 6, 6)
    >>> im2col(x, 3, 3, stride=2)
    Traceback (most recent call last):
    ...
    ValueError: im2col: (H + 2*pad - filter_h) = 3 is not divisible by stride = 2; use filter_h=4 or floor=True
    >>> col = im2col(x, 3, 3, stride=2, floor=True)
    >>> col.shape
    (4, 9)
    >>> col[:2]
    array([[ 0,  1,  2,  6,  7,  8, 12, 13, 14],
           [ 2,  3,  4,  8,  9, 10, 14, 15, 16]])
    """
    x = array("im2col: input_data", input_data, ndim=4, layout="(N, C, H, W)")
    N, C, H, W = x.shape
    FH = count("filter_h", filter_h, 1)
    FW = count("filter_w", filter_w, 1)
    S, P, OH, OW = _geometry("im2col", H, W, FH, FW, stride, pad, floor, ("filter_h", "filter_w"))
    col = np.empty((N * OH * OW, C * FH * FW), dtype=x.dtype)
    xp = _pad(x, P)                                                       # (N, C, H+2P, W+2P)
    windows = sliding_window_view(xp, (FH, FW), axis=(2, 3))[:, :, ::S, ::S][:, :, :OH, :OW]  # (N, C, OH, OW, FH, FW)
    np.copyto(col.reshape(N, OH, OW, C, FH, FW), windows.transpose(0, 2, 3, 1, 4, 5))
    return col                                                            # (N*OH*OW, C*FH*FW)


def col2im(col: ArrayLike, input_shape: tuple[int, int, int, int], filter_h: int, filter_w: int,
           stride: int = 1, pad: int = 0, *, floor: bool = False) -> np.ndarray:
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
    filter_h, filter_w, stride, pad, floor
        As for `im2col`.

    Returns
    -------
    ndarray, shape (N, C, H, W)
        In the dtype of ``col`` (the course's is always float64); padding is cut off.

    Raises
    ------
    ValueError
        When ``col`` does not have the shape that ``input_shape`` and the geometry give.

    See Also
    --------
    im2col : the forward unfolding.

    Examples
    --------
    Folding back a matrix of ones counts how many 2x2 windows cover each pixel:

    >>> x = np.ones((1, 1, 3, 3))
    >>> col2im(im2col(x, 2, 2), x.shape, 2, 2)[0, 0]
    array([[1., 2., 1.],
           [2., 4., 2.],
           [1., 2., 1.]])
    """
    if len(input_shape) != 4:
        raise ValueError(f"col2im: input_shape must be (N, C, H, W), got {tuple(input_shape)}")
    N, C, H, W = (count(f"input_shape[{k}]", v, 1) for k, v in enumerate(input_shape))
    FH = count("filter_h", filter_h, 1)
    FW = count("filter_w", filter_w, 1)
    S, P, OH, OW = _geometry("col2im", H, W, FH, FW, stride, pad, floor, ("filter_h", "filter_w"))
    col = array("col2im: col", col, ndim=2, layout="(N*OH*OW, C*FH*FW)")
    if col.shape != (N * OH * OW, C * FH * FW):
        raise ValueError(f"col2im: col has shape {col.shape}, but input_shape {(N, C, H, W)} with "
                         f"{FH}x{FW} windows, stride={S}, pad={P} gives ({N * OH * OW}, {C * FH * FW})")
    cols = col.reshape(N, OH, OW, C, FH, FW).transpose(0, 3, 4, 5, 1, 2)   # (N, C, FH, FW, OH, OW)
    img = np.zeros((N, C, H + 2 * P, W + 2 * P), dtype=col.dtype)
    for i in range(FH):
        for j in range(FW):
            _window(img, i, j, OH, OW, S, S)[...] += cols[:, :, i, j]
    return img[:, :, P:P + H, P:P + W]                                    # (N, C, H, W)


def conv2d_naive(x: ArrayLike, W: ArrayLike, b: ArrayLike | None = None, stride: int = 1,
                 pad: int = 0) -> np.ndarray:
    r"""Convolution (cross-correlation, as in every framework) written as plain loops.

    $$
    y_{n,f,i,j} = b_f + \sum_{c=0}^{C-1} \sum_{p=0}^{FH-1} \sum_{q=0}^{FW-1}
        W_{f,c,p,q}\; x_{n,\,c,\,iS+p-P,\,jS+q-P}
    $$

    One Python iteration per output value: slow, and obviously right. It is the oracle that
    the tests hold `Convolution` to, and the baseline of the speed comparison.

    Parameters
    ----------
    x : array_like, shape (N, C, H, W)
    W : array_like, shape (FN, C, FH, FW)
    b : array_like, shape (FN,), optional
        Zero when omitted.
    stride, pad : int, default 1 and 0

    Returns
    -------
    ndarray, shape (N, FN, OH, OW)
        In the dtype NumPy gives ``x * W``.

    See Also
    --------
    Convolution : the same result from im2col and one matrix product.

    Examples
    --------
    >>> x = np.arange(9.0).reshape(1, 1, 3, 3)
    >>> conv2d_naive(x, np.ones((1, 1, 2, 2)))      # sums of 2x2 windows
    array([[[[ 8., 12.],
             [20., 24.]]]])
    """
    x = array("conv2d_naive: x", x, ndim=4, layout="(N, C, H, W)")
    W = array("conv2d_naive: W", W, ndim=4, layout="(FN, C, FH, FW)")
    N, C, H, W_in = x.shape
    FN, _, FH, FW = W.shape
    _check_channels("conv2d_naive", x, W)
    S, P, OH, OW = _geometry("conv2d_naive", H, W_in, FH, FW, stride, pad)
    b = np.zeros(FN, dtype=W.dtype) if b is None else np.asarray(b)
    xp = _pad(x, P)
    y = np.empty((N, FN, OH, OW), dtype=np.result_type(x, W, b))
    for n in range(N):
        for f in range(FN):
            for i in range(OH):
                for j in range(OW):
                    window = xp[n, :, i * S:i * S + FH, j * S:j * S + FW]    # (C, FH, FW)
                    y[n, f, i, j] = np.sum(window * W[f]) + b[f]
    return y


def _check_channels(where: str, x: np.ndarray, W: np.ndarray) -> None:
    if x.shape[1] != W.shape[1]:
        raise ValueError(f"{where}: x has C = {x.shape[1]} channels (shape {x.shape}), but the filters W "
                         f"of shape {W.shape} expect C = {W.shape[1]}; give x of shape (N, {W.shape[1]}, H, W) "
                         f"or filters of shape ({W.shape[0]}, {x.shape[1]}, {W.shape[2]}, {W.shape[3]})")


def _as_float(where: str, x: ArrayLike, dtype: np.dtype | None = None) -> np.ndarray:
    """4-D ``x`` in ``dtype`` (default: its own floating dtype, float64 for integers)."""
    x = array(f"{where}: x", x, ndim=4, layout="(N, C, H, W)")
    if dtype is None:
        dtype = x.dtype if x.dtype.kind == "f" else np.dtype(np.float64)
    return x if x.dtype == dtype else x.astype(dtype)


def _gradient(where: str, dout: ArrayLike, shape: tuple[int, ...] | None, dtype: np.dtype) -> np.ndarray:
    """``dout`` in ``dtype`` if it has the forward output's ``shape``."""
    if shape is None:
        raise RuntimeError(f"{where}: call forward(x) before backward(dout)")
    dout = np.asarray(dout)
    if dout.shape != shape:
        raise ValueError(f"{where}: dout has shape {dout.shape}, but forward returned shape {shape}")
    return dout if dout.dtype == dtype else dout.astype(dtype)


class Convolution:
    r"""Convolution layer: FN filters slid over the input, computed as im2col and a matrix product.

    $$
    y_{n,f,i,j} = b_f + \sum_{c,p,q} W_{f,c,p,q}\; x_{n,\,c,\,iS+p-P,\,jS+q-P}
    $$

    With $\mathrm{col} = \mathrm{im2col}(x)$ of shape (N·OH·OW, C·FH·FW) and $W_{\mathrm{col}}$
    the filters as rows (FN, C·FH·FW), the forward pass is an Affine layer on the rows,
    $Y = \mathrm{col}\, W_{\mathrm{col}}^\top + b$, and so is the backward pass:

    $$
    \frac{\partial L}{\partial W_{\mathrm{col}}} = \left(\frac{\partial L}{\partial Y}\right)^{\!\top} \mathrm{col},
    \qquad
    \frac{\partial L}{\partial b} = \sum_{\text{rows}} \frac{\partial L}{\partial Y},
    \qquad
    \frac{\partial L}{\partial x} = \mathrm{col2im}\!\left(\frac{\partial L}{\partial Y}\, W_{\mathrm{col}}\right)
    $$

    The layer computes exactly these products, one image at a time and transposed: it keeps
    image $n$'s rows of $\mathrm{col}$ as columns, $\mathrm{col}_n^\top$ (C·FH·FW, OH·OW), so
    that $W_{\mathrm{col}} \mathrm{col}_n^\top$ is already image $n$'s output in (FN, OH, OW)
    order. The course's layout gives (N, OH, OW, FN) and needs a transposing copy after the
    forward product and another before the backward ones, each about as slow as the product
    itself at MNIST sizes.

    The layer keeps references to ``W`` and ``b`` (an optimizer updating ``params`` in place
    updates the layer) and computes in the dtype of ``W``: ``x`` and ``dout`` are converted to
    it, so a float32 network stays float32 whatever it is fed.

    Parameters
    ----------
    W : ndarray, shape (FN, C, FH, FW)
        The filters, floating point.
    b : ndarray, shape (FN,)
        One bias per filter.
    stride : int, default 1
        $S$.
    pad : int, default 0
        $P$, zeros added around each input image.
    input_grad : bool, default True
        Compute $\partial L / \partial x$ in `backward`. A network's first layer has no
        use for it (nothing before it learns), and it costs about as much as ``dW``:
        ``input_grad=False`` skips it and ``backward`` returns None, as PyTorch does for an
        input that does not require a gradient.

    Attributes
    ----------
    dW : ndarray, shape (FN, C, FH, FW)
        Gradient of the loss with respect to ``W``, set by `backward`.
    db : ndarray, shape (FN,)
        Gradient with respect to ``b``.
    cols : ndarray, shape (N, C*FH*FW, OH*OW)
        The cache: $\mathrm{col}_n^\top$ of the last input, one matrix per image (the
        course's ``col`` is ``cols.transpose(0, 2, 1).reshape(N*OH*OW, -1)``).

    Raises
    ------
    TypeError
        When ``W`` or ``b`` is not a floating-point array.
    ValueError
        When their shapes do not fit, or (in `forward`) ``x`` is not 4-D, has a
        different number of channels, or does not tile with this stride and pad.

    See Also
    --------
    im2col, col2im, conv2d_naive

    Examples
    --------
    >>> x = np.arange(16.0).reshape(1, 1, 4, 4)
    >>> conv = Convolution(np.ones((1, 1, 2, 2)), np.zeros(1))
    >>> conv.forward(x)                               # sums of 2x2 windows
    array([[[[10., 14., 18.],
             [26., 30., 34.],
             [42., 46., 50.]]]])
    >>> dx = conv.backward(np.ones((1, 1, 3, 3)))
    >>> dx[0, 0]                                      # windows covering each pixel
    array([[1., 2., 2., 1.],
           [2., 4., 4., 2.],
           [2., 4., 4., 2.],
           [1., 2., 2., 1.]])
    >>> conv.dW[0, 0], conv.db                        # sums of the pixels each weight saw
    (array([[45., 54.],
           [81., 90.]]), array([9.]))
    """

    def __init__(self, W: np.ndarray, b: np.ndarray, stride: int = 1, pad: int = 0, *,
                 input_grad: bool = True) -> None:
        parameter("Convolution: W", W, 4, layout="(FN, C, FH, FW)")
        parameter("Convolution: b", b, 1, layout="(FN,)")
        if b.shape != (W.shape[0],):
            raise ValueError(f"Convolution: b has shape {b.shape}, but W of shape {W.shape} has FN = {W.shape[0]} "
                             f"filters; give b of shape ({W.shape[0]},)")
        self.W, self.b = W, b
        self.stride = count("stride", stride, 1)
        self.pad = count("pad", pad, 0)
        self.input_grad = bool(input_grad)
        self.dW: np.ndarray | None = None
        self.db: np.ndarray | None = None
        self.cols: np.ndarray | None = None
        self.x_shape: tuple[int, ...] | None = None
        self.out_hw: tuple[int, int] | None = None

    def forward(self, x: ArrayLike) -> np.ndarray:
        """The feature maps, shape (N, FN, OH, OW), C-contiguous, in the dtype of ``W``."""
        x = _as_float("Convolution", x, self.W.dtype)
        FN, C, FH, FW = self.W.shape
        N, _, H, W = x.shape
        _check_channels("Convolution", x, self.W)
        S, P, OH, OW = _geometry("Convolution", H, W, FH, FW, self.stride, self.pad)
        self.cols = _unfold(x, FH, FW, S, P, OH, OW)                     # (N, C*FH*FW, OH*OW)
        self.x_shape, self.out_hw = x.shape, (OH, OW)
        col_W = self.W.reshape(FN, -1)                                    # (FN, C*FH*FW)
        out = np.matmul(col_W, self.cols)                                 # (N, FN, OH*OW)
        out += self.b[:, None]
        return out.reshape(N, FN, OH, OW)                                 # (N, FN, OH, OW)

    def backward(self, dout: ArrayLike) -> np.ndarray | None:
        """Store ``dW`` and ``db``; return dL/dx, shape (N, C, H, W) (None if not ``input_grad``)."""
        if self.cols is None:
            raise RuntimeError("Convolution: call forward(x) before backward(dout)")
        N, C, H, W = self.x_shape
        FN, _, FH, FW = self.W.shape
        OH, OW = self.out_hw
        dout = _gradient("Convolution", dout, (N, FN, OH, OW), self.W.dtype)
        dout = dout.reshape(N, FN, OH * OW)                               # (N, FN, OH*OW)
        col_W = self.W.reshape(FN, -1)                                    # (FN, C*FH*FW)
        self.db = dout.sum(axis=(0, 2))                                   # (FN,)
        self.dW = np.matmul(dout, self.cols.transpose(0, 2, 1)).sum(axis=0).reshape(FN, C, FH, FW)
        if not self.input_grad:
            return None
        dcols = np.matmul(col_W.T, dout)                                  # (N, C*FH*FW, OH*OW)
        return _fold(dcols, self.x_shape, FH, FW, self.stride, self.pad, OH, OW)  # (N, C, H, W)

    def __repr__(self) -> str:
        return f"Convolution(W: {self.W.shape} {self.W.dtype}, stride={self.stride}, pad={self.pad})"


def _unfold(x: np.ndarray, FH: int, FW: int, S: int, P: int, OH: int, OW: int) -> np.ndarray:
    """im2col transposed per image: (N, C*FH*FW, OH*OW)."""
    N, C = x.shape[:2]
    out = np.empty((N, C * FH * FW, OH * OW), dtype=x.dtype)
    windows = sliding_window_view(_pad(x, P), (FH, FW), axis=(2, 3))[:, :, ::S, ::S]  # (N, C, OH, OW, FH, FW)
    # (N, C, FH, FW, OH, OW) order: each copied run is a row of OW pixels, contiguous on both sides
    np.copyto(out.reshape(N, C, FH, FW, OH, OW), windows.transpose(0, 1, 4, 5, 2, 3))
    return out


def _fold(dcols: np.ndarray, x_shape: tuple[int, ...], FH: int, FW: int, S: int, P: int,
          OH: int, OW: int) -> np.ndarray:
    """The adjoint of `_unfold`: col2im for per-image transposed columns."""
    N, C, H, W = x_shape
    cols = dcols.reshape(N, C, FH, FW, OH, OW)                           # (N, C, FH, FW, OH, OW)
    img = np.zeros((N, C, H + 2 * P, W + 2 * P), dtype=dcols.dtype)
    for i in range(FH):
        for j in range(FW):
            _window(img, i, j, OH, OW, S, S)[...] += cols[:, :, i, j]
    return img[:, :, P:P + H, P:P + W] if P else img                     # (N, C, H, W)


def __getattr__(name: str):
    # The pooling layers moved to dl_notes.pooling, which imports this module: importing them
    # here on first use (not at import time) keeps `from dl_notes.conv import Pooling` working.
    if name in ("Pooling", "GlobalAveragePooling", "GlobalMaxPooling"):
        from . import pooling

        return getattr(pooling, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
