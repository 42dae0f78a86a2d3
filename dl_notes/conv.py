r"""Convolution, built on im2col.

A convolution slides ``FN`` filters of shape (C, FH, FW) over a batch of shape (N, C, H, W).
`dl_notes.windows.im2col` copies every receptive field into one row of a matrix, so the whole
convolution is one matrix product, the product an Affine layer computes; `dl_notes.windows.col2im`
adds the rows back into an image for the backward pass. The window geometry, padding and
im2col are shared with pooling and live in `dl_notes.windows`.

`conv2d_naive` is the same convolution written as loops: the oracle of the tests and the
slow side of the speed comparison on the convolution page.

``im2col``, ``col2im`` and ``conv_output_size`` can be imported from here too: the site's
pages and notebooks have always imported them from ``dl_notes.conv``, as the course's
``common/layers.py`` imports them next to its ``Convolution`` (they are not listed in
``__all__``, so the API reference shows them once, under `dl_notes.windows`).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from ._checks import array, count, forward_cache, image_batch, parameter, upstream_gradient
from .windows import (  # noqa: F401  (im2col, col2im, conv_output_size: re-exported, see above)
    col2im, conv_output_size, im2col, output_shape, pad_images, scatter_windows, window_view,
)

__all__ = ["conv2d_naive", "Convolution"]


def conv2d_naive(x: ArrayLike, W: ArrayLike, b: ArrayLike | None = None, stride: int = 1,
                 pad: int = 0, *, strict: bool = False) -> np.ndarray:
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
    strict : bool, default False
        Raise, rather than round down, when the stride does not divide
        (`dl_notes.windows.conv_output_size`).

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
    S, P = count("conv2d_naive: stride", stride, 1), count("conv2d_naive: pad", pad, 0)
    OH, OW = output_shape(H, W_in, FH, FW, S, P, strict=strict, caller="conv2d_naive")
    b = np.zeros(FN, dtype=W.dtype) if b is None else np.asarray(b)
    xp = pad_images(x, P)                                                 # (N, C, H+2P, W+2P)
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
    strict : bool, default False
        When the stride does not divide $H + 2P - FH$, the output size is rounded down, as
        in the course's code and PyTorch (`dl_notes.windows.conv_output_size`): the last
        rows or columns that no window reaches do not affect the output, and their
        gradient in ``backward`` is zero. ``strict=True`` makes ``forward`` raise instead.

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
        different number of channels, is smaller than a filter, or (with ``strict``) does
        not tile with this stride and pad.

    See Also
    --------
    dl_notes.windows.im2col : the unfolding it computes (per image, transposed).
    dl_notes.windows.col2im : its adjoint, in the backward pass.
    conv2d_naive : the loop oracle.

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

    At stride 2 a 5x5 input holds $(5 - 2)/2 + 1 = 2.5$ windows a side: rounded down to 2,
    and the last row and column feed no output.

    >>> conv = Convolution(np.ones((1, 1, 2, 2)), np.zeros(1), stride=2)
    >>> conv.forward(np.ones((1, 1, 5, 5))).shape
    (1, 1, 2, 2)
    >>> conv.backward(np.ones((1, 1, 2, 2)))[0, 0]
    array([[1., 1., 1., 1., 0.],
           [1., 1., 1., 1., 0.],
           [1., 1., 1., 1., 0.],
           [1., 1., 1., 1., 0.],
           [0., 0., 0., 0., 0.]])
    """

    def __init__(self, W: np.ndarray, b: np.ndarray, stride: int = 1, pad: int = 0, *,
                 input_grad: bool = True, strict: bool = False) -> None:
        parameter("Convolution: W", W, 4, layout="(FN, C, FH, FW)")
        parameter("Convolution: b", b, 1, layout="(FN,)")
        if b.shape != (W.shape[0],):
            raise ValueError(f"Convolution: b has shape {b.shape}, but W of shape {W.shape} has FN = {W.shape[0]} "
                             f"filters; give b of shape ({W.shape[0]},)")
        self.W, self.b = W, b
        self.stride = count("Convolution: stride", stride, 1)
        self.pad = count("Convolution: pad", pad, 0)
        self.input_grad = bool(input_grad)
        self.strict = bool(strict)
        self.dW: np.ndarray | None = None
        self.db: np.ndarray | None = None
        self.cols: np.ndarray | None = None
        self.x_shape: tuple[int, ...] | None = None
        self.out_hw: tuple[int, int] | None = None

    def forward(self, x: ArrayLike) -> np.ndarray:
        """The feature maps, shape (N, FN, OH, OW), C-contiguous, in the dtype of ``W``."""
        where = "Convolution.forward"
        x = image_batch(where, x, self.W.dtype)
        FN, C, FH, FW = self.W.shape
        N, _, H, W = x.shape
        _check_channels(where, x, self.W)
        S, P = self.stride, self.pad
        OH, OW = output_shape(H, W, FH, FW, S, P, strict=self.strict, caller=where)
        self.cols = _unfold(x, FH, FW, S, P, OH, OW)                     # (N, C*FH*FW, OH*OW)
        self.x_shape, self.out_hw = x.shape, (OH, OW)
        col_W = self.W.reshape(FN, -1)                                    # (FN, C*FH*FW)
        out = np.matmul(col_W, self.cols)                                 # (N, FN, OH*OW)
        out += self.b[:, None]
        return out.reshape(N, FN, OH, OW)                                 # (N, FN, OH, OW)

    def backward(self, dout: ArrayLike) -> np.ndarray | None:
        """Store ``dW`` and ``db``; return dL/dx, shape (N, C, H, W) (None if not ``input_grad``)."""
        where = "Convolution.backward"
        N, C, H, W = forward_cache(where, self.x_shape)
        FN, _, FH, FW = self.W.shape
        OH, OW = self.out_hw
        dout = upstream_gradient(where, dout, (N, FN, OH, OW), self.W.dtype)
        dout = dout.reshape(N, FN, OH * OW)                               # (N, FN, OH*OW)
        col_W = self.W.reshape(FN, -1)                                    # (FN, C*FH*FW)
        self.db = dout.sum(axis=(0, 2))                                   # (FN,)
        self.dW = np.matmul(dout, self.cols.transpose(0, 2, 1)).sum(axis=0).reshape(FN, C, FH, FW)
        if not self.input_grad:
            return None
        dcols = np.matmul(col_W.T, dout)                                  # (N, C*FH*FW, OH*OW)
        return _fold(dcols, self.x_shape, FH, FW, self.stride, self.pad, OH, OW)  # (N, C, H, W)

    def __repr__(self) -> str:
        strict = ", strict=True" if self.strict else ""
        return f"Convolution(W: {self.W.shape} {self.W.dtype}, stride={self.stride}, pad={self.pad}{strict})"


def _unfold(x: np.ndarray, FH: int, FW: int, S: int, P: int, OH: int, OW: int) -> np.ndarray:
    """im2col transposed per image: (N, C*FH*FW, OH*OW)."""
    N, C = x.shape[:2]
    out = np.empty((N, C * FH * FW, OH * OW), dtype=x.dtype)
    windows = window_view(pad_images(x, P), FH, FW, OH, OW, S)          # (N, C, OH, OW, FH, FW)
    # (N, C, FH, FW, OH, OW) order: each copied run is a row of OW pixels, contiguous on both sides
    np.copyto(out.reshape(N, C, FH, FW, OH, OW), windows.transpose(0, 1, 4, 5, 2, 3))
    return out


def _fold(dcols: np.ndarray, x_shape: tuple[int, ...], FH: int, FW: int, S: int, P: int,
          OH: int, OW: int) -> np.ndarray:
    """The adjoint of `_unfold`: col2im for per-image transposed columns."""
    N, C = x_shape[:2]
    windows = dcols.reshape(N, C, FH, FW, OH, OW).transpose(0, 1, 4, 5, 2, 3)   # (N, C, OH, OW, FH, FW)
    return scatter_windows(windows, x_shape, S, P)                        # (N, C, H, W)
