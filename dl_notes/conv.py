r"""Convolution and pooling layers, built on im2col.

A convolution slides ``FN`` filters of shape (C, FH, FW) over a batch of shape (N, C, H, W).
`im2col` copies every receptive field into one row of a matrix, so the whole convolution
is one matrix product, the product an Affine layer computes; `col2im` adds the rows back
into an image for the backward pass. The row and column order is the course's
(``common/util.py``): rows (N, OH, OW), columns (C, FH, FW), so a student's code runs with only
its imports changed. Two differences: arrays keep their dtype (the course's ``im2col`` always
returns float64), and a geometry whose output size is not an integer is an error
(the course's silently drops the last rows; ``floor=True`` does the same on request).

`conv2d_naive` is the same convolution written as loops: the oracle of the tests and the
slow side of the speed comparison on the convolution page.
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view
from numpy.typing import ArrayLike

from ._checks import array, count, one_of

__all__ = [
    "conv_output_size", "im2col", "col2im", "conv2d_naive",
    "Convolution", "Pooling", "GlobalAveragePooling", "GlobalMaxPooling",
]


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
        dtype = x.dtype if np.issubdtype(x.dtype, np.floating) else np.dtype(np.float64)
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
        for name, value, ndim in (("W", W, 4), ("b", b, 1)):
            if not isinstance(value, np.ndarray) or not np.issubdtype(value.dtype, np.floating):
                raise TypeError(f"Convolution: {name} must be a floating-point numpy array (the layer keeps a "
                                f"reference, which the optimizer updates), got {type(value).__name__}"
                                + (f" of dtype {value.dtype}" if isinstance(value, np.ndarray) else ""))
            if value.ndim != ndim:
                layout = "(FN, C, FH, FW)" if ndim == 4 else "(FN,)"
                raise ValueError(f"Convolution: {name} must be {ndim}-D {layout}, got shape {value.shape}")
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


class Pooling:
    r"""Max or average pooling over PH x PW windows, channel by channel.

    $$
    y_{n,c,i,j} = \max_{0 \le p < PH,\; 0 \le q < PW} x_{n,\,c,\,iS+p-P,\,jS+q-P}
    \quad\text{or}\quad
    y_{n,c,i,j} = \frac{1}{PH\,PW} \sum_{p,q} x_{n,\,c,\,iS+p-P,\,jS+q-P}
    $$

    Backward, max pooling sends each gradient to the position that held the maximum (the first
    one in row order on ties, as ``argmax`` in the course's code and PyTorch do); average
    pooling spreads it evenly, $\partial L / \partial x = \frac{1}{PH\,PW} \partial L / \partial y$
    for each window the pixel is in.

    **Stride.** By default windows do not overlap: ``stride`` is the pool size, as in the book
    (``Pooling(2, 2, stride=2)``) and in PyTorch and Keras. The course's ``Pooling`` defaults to
    ``stride=1`` instead (overlapping windows, output (H - PH + 1) wide): pass ``stride=1`` to
    get it.

    **Padding** (PyTorch's rules): max pooling pads with $-\infty$, so padding never wins;
    average pooling pads with zeros and still divides by $PH\,PW$. ``pad`` may be at most half
    the window. The course's code pads with zeros but then forgets the pad in the output size.

    Parameters
    ----------
    pool_h, pool_w : int
        $PH$, $PW$, the window.
    stride : int or (int, int), optional
        $S$; default ``(pool_h, pool_w)``.
    pad : int, default 0
        $P$, added on each side.
    mode : {"max", "avg"}, default "max"

    Attributes
    ----------
    xp, out : ndarray
        The cache of max pooling: the (padded) input and the output of the last ``forward``,
        from which ``backward`` finds each window's maximum again. Average pooling needs
        only the shapes.

    Raises
    ------
    ValueError
        For a pad over half the window, an unknown mode, or (in `forward`) an input the
        windows do not tile.

    See Also
    --------
    GlobalAveragePooling, GlobalMaxPooling : one window over the whole image.

    Examples
    --------
    >>> x = np.arange(16.0).reshape(1, 1, 4, 4)
    >>> Pooling(2, 2).forward(x)
    array([[[[ 5.,  7.],
             [13., 15.]]]])
    >>> Pooling(2, 2, mode="avg").forward(x)
    array([[[[ 2.5,  4.5],
             [10.5, 12.5]]]])
    >>> Pooling(2, 2, stride=1)                       # the course's default stride
    Pooling(pool_h=2, pool_w=2, stride=1, pad=0, mode='max')
    >>> pool = Pooling(2, 2)
    >>> y = pool.forward(np.array([[[[1.0, 3.0], [3.0, 2.0]]]]))
    >>> pool.backward(np.ones_like(y))                # the tie goes to the first 3
    array([[[[0., 1.],
             [0., 0.]]]])
    """

    def __init__(self, pool_h: int, pool_w: int, stride: int | tuple[int, int] | None = None,
                 pad: int = 0, mode: str = "max") -> None:
        self.pool_h = count("pool_h", pool_h, 1)
        self.pool_w = count("pool_w", pool_w, 1)
        if stride is None:
            self.stride = self.pool_h if self.pool_h == self.pool_w else (self.pool_h, self.pool_w)
        elif isinstance(stride, tuple):
            self.stride = (count("stride[0]", stride[0], 1), count("stride[1]", stride[1], 1))
        else:
            self.stride = count("stride", stride, 1)
        self.pad = count("pad", pad, 0)
        if 2 * self.pad > min(self.pool_h, self.pool_w):
            raise ValueError(f"Pooling: pad = {self.pad} is more than half the {self.pool_h}x{self.pool_w} "
                             f"window, so some windows would hold only padding; use pad <= "
                             f"{min(self.pool_h, self.pool_w) // 2}")
        self.mode = one_of("mode", mode, ("max", "avg"))
        self.xp: np.ndarray | None = None
        self.out: np.ndarray | None = None
        self.x_shape: tuple[int, ...] | None = None
        self.dtype: np.dtype | None = None
        self._geometry: tuple[int, ...] | None = None

    def _strides(self) -> tuple[int, int]:
        return self.stride if isinstance(self.stride, tuple) else (self.stride, self.stride)

    def forward(self, x: ArrayLike) -> np.ndarray:
        """The pooled maps, shape (N, C, OH, OW), in the dtype of ``x``."""
        x = _as_float("Pooling", x)
        N, C, H, W = x.shape
        PH, PW, P = self.pool_h, self.pool_w, self.pad
        SH, SW = self._strides()
        OH = _output_size(H, PH, SH, P, where="Pooling", names=("H", "pool_h"))
        OW = _output_size(W, PW, SW, P, where="Pooling", names=("W", "pool_w"))
        xp = _pad(x, P, -np.inf if self.mode == "max" else 0)           # (N, C, H+2P, W+2P)
        windows = [_window(xp, i, j, OH, OW, SH, SW) for i in range(PH) for j in range(PW)]
        out = windows[0].copy()                                           # (N, C, OH, OW)
        reduce = np.maximum if self.mode == "max" else np.add
        for window in windows[1:]:
            reduce(out, window, out=out)
        if self.mode == "avg":
            out *= 1 / (PH * PW)   # a Python float keeps float32 float32
        # Max pooling finds the argmax again in backward from xp and out: no index array is
        # made on the forward pass, which prediction also uses.
        self.xp, self.out = (xp, out) if self.mode == "max" else (None, None)
        self.x_shape, self.dtype, self._geometry = x.shape, x.dtype, (OH, OW, SH, SW)
        return out

    def backward(self, dout: ArrayLike) -> np.ndarray:
        """dL/dx, shape (N, C, H, W): each gradient back to its window's max (or spread evenly)."""
        if self.x_shape is None:
            raise RuntimeError("Pooling: call forward(x) before backward(dout)")
        N, C, H, W = self.x_shape
        OH, OW, SH, SW = self._geometry
        PH, PW, P = self.pool_h, self.pool_w, self.pad
        dout = _gradient("Pooling", dout, (N, C, OH, OW), self.dtype)
        # Windows that tile the input exactly write every pixel once: no zeroing needed.
        tiled = (SH, SW) == (PH, PW)
        dxp = (np.empty if tiled else np.zeros)((N, C, H + 2 * P, W + 2 * P), dtype=dout.dtype)  # (N, C, H+2P, W+2P)
        if self.mode == "avg":
            share = dout * (1 / (PH * PW))
        taken = None
        for i in range(PH):
            for j in range(PW):
                target = _window(dxp, i, j, OH, OW, SH, SW)             # (N, C, OH, OW)
                if self.mode == "max":
                    # hit: this position holds the max and no earlier position of the window did
                    hit = _window(self.xp, i, j, OH, OW, SH, SW) == self.out
                    if taken is None:
                        taken = hit.copy()
                    else:
                        np.greater(hit, taken, out=hit)                 # hit and not taken
                        taken |= hit
                    # a product, not np.where: no branch to mispredict on random masks
                    share = np.multiply(dout, hit, out=target if tiled else None)
                if not tiled:
                    target += share
                elif self.mode == "avg":
                    target[...] = share
        return dxp[:, :, P:P + H, P:P + W]                                # (N, C, H, W)

    def __repr__(self) -> str:
        return (f"Pooling(pool_h={self.pool_h}, pool_w={self.pool_w}, stride={self.stride}, "
                f"pad={self.pad}, mode={self.mode!r})")


class GlobalAveragePooling:
    r"""Average of each channel over the whole image: (N, C, H, W) to (N, C).

    $$
    y_{n,c} = \frac{1}{HW} \sum_{h,w} x_{n,c,h,w}, \qquad
    \frac{\partial L}{\partial x_{n,c,h,w}} = \frac{1}{HW} \frac{\partial L}{\partial y_{n,c}}
    $$

    Replaces the flatten + Affine head of a CNN with one number per channel (Lin et al.,
    "Network in Network", 2014); PyTorch's ``AdaptiveAvgPool2d(1)`` followed by a flatten.
    ``forward`` returns (N, C) in the dtype of ``x`` (float64 for integers); ``backward``
    returns (N, C, H, W).

    Raises
    ------
    ValueError
        When ``x`` is not 4-D, or ``dout`` is not (N, C).

    See Also
    --------
    GlobalMaxPooling : the maximum instead of the mean.
    Pooling : windows smaller than the image.

    Examples
    --------
    >>> gap = GlobalAveragePooling()
    >>> gap.forward(np.arange(8.0).reshape(1, 2, 2, 2))
    array([[1.5, 5.5]])
    >>> gap.backward(np.array([[4.0, 8.0]]))[0, 1]
    array([[2., 2.],
           [2., 2.]])
    """

    def __init__(self) -> None:
        self.x_shape: tuple[int, ...] | None = None
        self.dtype: np.dtype | None = None

    def forward(self, x: ArrayLike) -> np.ndarray:
        """Channel means, shape (N, C), in the dtype of ``x``."""
        x = _as_float("GlobalAveragePooling", x)
        self.x_shape, self.dtype = x.shape, x.dtype
        return x.mean(axis=(2, 3))                                        # (N, C)

    def backward(self, dout: ArrayLike) -> np.ndarray:
        """dL/dx, shape (N, C, H, W)."""
        dout = _gradient("GlobalAveragePooling", dout, self.x_shape and self.x_shape[:2], self.dtype)
        N, C, H, W = self.x_shape
        dx = np.empty(self.x_shape, dtype=dout.dtype)
        dx[...] = (dout * (1 / (H * W)))[:, :, None, None]
        return dx


class GlobalMaxPooling:
    r"""Maximum of each channel over the whole image: (N, C, H, W) to (N, C).

    $$
    y_{n,c} = \max_{h,w} x_{n,c,h,w}
    $$

    The gradient goes to the position of the maximum (the first one in row order on ties), as
    with PyTorch's ``AdaptiveMaxPool2d(1)``. ``forward`` returns (N, C) in the dtype of ``x``;
    ``backward`` returns (N, C, H, W).

    Raises
    ------
    ValueError
        When ``x`` is not 4-D, or ``dout`` is not (N, C).

    See Also
    --------
    GlobalAveragePooling : the mean instead of the maximum.

    Examples
    --------
    >>> gmp = GlobalMaxPooling()
    >>> gmp.forward(np.array([[[[1.0, 4.0], [4.0, 2.0]]]]))
    array([[4.]])
    >>> gmp.backward(np.array([[3.0]]))
    array([[[[0., 3.],
             [0., 0.]]]])
    """

    def __init__(self) -> None:
        self.x_shape: tuple[int, ...] | None = None
        self.dtype: np.dtype | None = None
        self.arg: np.ndarray | None = None

    def forward(self, x: ArrayLike) -> np.ndarray:
        """Channel maxima, shape (N, C), in the dtype of ``x``."""
        x = _as_float("GlobalMaxPooling", x)
        N, C, H, W = x.shape
        flat = x.reshape(N, C, H * W)                                     # (N, C, H*W)
        self.arg = flat.argmax(axis=2)[:, :, None]                        # (N, C, 1)
        self.x_shape, self.dtype = x.shape, x.dtype
        return np.take_along_axis(flat, self.arg, axis=2)[:, :, 0]        # (N, C)

    def backward(self, dout: ArrayLike) -> np.ndarray:
        """dL/dx, shape (N, C, H, W), nonzero only at each channel's maximum."""
        dout = _gradient("GlobalMaxPooling", dout, self.x_shape and self.x_shape[:2], self.dtype)
        N, C, H, W = self.x_shape
        dx = np.zeros((N, C, H * W), dtype=dout.dtype)                    # (N, C, H*W)
        np.put_along_axis(dx, self.arg, dout[:, :, None], axis=2)
        return dx.reshape(N, C, H, W)
