r"""Depthwise and pointwise convolution: the two halves of MobileNet's depthwise separable convolution.

A standard convolution mixes space and channels in one product: each of its M filters sees a
K×K window of all C input channels. MobileNet (Howard et al., 2017) splits it in two layers:

- `DepthwiseConvolution`: one K×K filter per channel, applied to that channel alone
  (spatial mixing, no channel mixing; PyTorch's ``conv2d`` with ``groups=C``);
- `PointwiseConvolution`: a 1×1 convolution, at each pixel a matrix product over the channels
  (channel mixing, no spatial mixing).

Both count the multiply-adds their ``forward`` performed (``mult_adds``), from the shapes of
the operands of the products they ran, so that the cost formulas of `dl_notes.mobilenet` can be
checked against what the layers actually do. `depthwise_conv_naive` is the loop oracle.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from ._checks import array, count, forward_cache, image_batch, parameter, upstream_gradient
from .conv import conv2d_naive
from .windows import offset_view, output_shape, pad_images

__all__ = ["depthwise_conv_naive", "DepthwiseConvolution", "PointwiseConvolution"]


def depthwise_conv_naive(x: ArrayLike, W: ArrayLike, b: ArrayLike | None = None, stride: int = 1,
                         pad: int = 0) -> np.ndarray:
    r"""Depthwise convolution as C separate one-channel convolutions (`dl_notes.conv.conv2d_naive`).

    $$
    y_{n,c,i,j} = b_c + \sum_{p=0}^{K-1} \sum_{q=0}^{K-1} W_{c,0,p,q}\; x_{n,\,c,\,iS+p-P,\,jS+q-P}
    $$

    Slow and obviously right: the oracle that `DepthwiseConvolution` is tested against.

    Parameters
    ----------
    x : array_like, shape (N, C, H, W)
    W : array_like, shape (C, 1, K, K)
        One filter per channel.
    b : array_like, shape (C,), optional
        Zero when omitted.
    stride, pad : int, default 1 and 0

    Returns
    -------
    ndarray, shape (N, C, OH, OW)

    Raises
    ------
    ValueError
        When ``W`` is not (C, 1, K, K) for the C channels of ``x``.

    See Also
    --------
    DepthwiseConvolution : the fast layer (page: MobileNet, ``mobilenet.md``).

    Examples
    --------
    >>> x = np.arange(18.0).reshape(1, 2, 3, 3)
    >>> depthwise_conv_naive(x, np.stack([np.ones((1, 2, 2)), -np.ones((1, 2, 2))]))
    array([[[[  8.,  12.],
             [ 20.,  24.]],
    <BLANKLINE>
            [[-44., -48.],
             [-56., -60.]]]])
    """
    x = array("depthwise_conv_naive: x", x, ndim=4, layout="(N, C, H, W)")
    W = array("depthwise_conv_naive: W", W, ndim=4, layout="(C, 1, K, K)")
    _check_filters("depthwise_conv_naive", x.shape[1], W)
    C = x.shape[1]
    b = np.zeros(C, dtype=W.dtype) if b is None else np.asarray(b)
    return np.concatenate([conv2d_naive(x[:, c:c + 1], W[c:c + 1], b[c:c + 1], stride, pad) for c in range(C)],
                          axis=1)                                          # (N, C, OH, OW)


def _check_filters(where: str, C: int, W: np.ndarray) -> None:
    if W.shape[0] != C or W.shape[1] != 1:
        raise ValueError(f"{where}: W must have shape (C, 1, K, K) = ({C}, 1, K, K) for x with C = {C} channels "
                         f"(one filter per channel), got {W.shape}")


def _bias(where: str, b: np.ndarray | None, n: int) -> np.ndarray | None:
    if b is None:
        return None
    parameter(f"{where}: b", b, 1, layout=f"({n},)")
    if b.shape != (n,):
        raise ValueError(f"{where}: b must have shape ({n},), one bias per output channel, got {b.shape}")
    return b


class DepthwiseConvolution:
    r"""Depthwise convolution layer: one K×K filter per channel, no mixing of channels.

    $$
    y_{n,c,i,j} = b_c + \sum_{p,q} W_{c,0,p,q}\; x_{n,\,c,\,iS+p-P,\,jS+q-P}
    $$

    $$
    \frac{\partial L}{\partial W_{c,0,p,q}} = \sum_{n,i,j} \frac{\partial L}{\partial y_{n,c,i,j}}\,
        x_{n,\,c,\,iS+p-P,\,jS+q-P}, \qquad
    \frac{\partial L}{\partial b_c} = \sum_{n,i,j} \frac{\partial L}{\partial y_{n,c,i,j}}
    $$

    Computed as K·K shifted products: for each filter position $(p, q)$ the strided view of
    the input under it (`dl_notes.windows.offset_view`, no copy) is multiplied by one weight
    per channel and added to the output. im2col would copy each pixel K·K times for a product
    that has a single channel per filter. The forward pass performs

    $$
    \text{mult\_adds} = N \cdot C \cdot OH \cdot OW \cdot K \cdot K
    $$

    multiply-adds, counted from the sizes of the products it runs. Computes in the dtype of ``W``.

    Parameters
    ----------
    W : ndarray, shape (C, 1, K, K)
        One filter per channel (the layout of PyTorch's ``conv2d(..., groups=C)``).
    b : ndarray, shape (C,), optional
        None for no bias (MobileNet has none: the batch normalisation after it shifts instead).
    stride, pad : int, default 1 and 0

    Attributes
    ----------
    dW : ndarray, shape (C, 1, K, K)
    db : ndarray, shape (C,), or None without a bias
    mult_adds : int
        Multiply-adds of the last ``forward`` (the whole batch).

    Raises
    ------
    TypeError
        When ``W`` or ``b`` is not a floating-point array.
    ValueError
        When ``W`` is not (C, 1, K, K), ``b`` not (C,), or (in ``forward``) ``x`` has another
        number of channels or is smaller than a filter.

    See Also
    --------
    depthwise_conv_naive : the loop oracle.
    PointwiseConvolution : the channel-mixing half of a separable convolution.
    dl_notes.mobilenet.depthwise_conv_cost : the formula for ``mult_adds`` (page: MobileNet,
        ``mobilenet.md``).

    Examples
    --------
    >>> x = np.arange(32.0).reshape(1, 2, 4, 4)
    >>> layer = DepthwiseConvolution(np.ones((2, 1, 3, 3)), np.zeros(2))
    >>> layer.forward(x)                     # 3x3 sums, each channel on its own
    array([[[[ 45.,  54.],
             [ 81.,  90.]],
    <BLANKLINE>
            [[189., 198.],
             [225., 234.]]]])
    >>> layer.mult_adds                      # N * C * OH * OW * K * K = 1 * 2 * 2 * 2 * 3 * 3
    72
    >>> dx = layer.backward(np.ones((1, 2, 2, 2)))
    >>> dx[0, 0]
    array([[1., 2., 2., 1.],
           [2., 4., 4., 2.],
           [2., 4., 4., 2.],
           [1., 2., 2., 1.]])
    >>> layer.db
    array([4., 4.])
    """

    def __init__(self, W: np.ndarray, b: np.ndarray | None = None, stride: int = 1, pad: int = 0) -> None:
        where = "DepthwiseConvolution"
        parameter(f"{where}: W", W, 4, layout="(C, 1, K, K)")
        _check_filters(where, W.shape[0], W)
        self.W, self.b = W, _bias(where, b, W.shape[0])
        self.stride = count(f"{where}: stride", stride, 1)
        self.pad = count(f"{where}: pad", pad, 0)
        self.dW: np.ndarray | None = None
        self.db: np.ndarray | None = None
        self.mult_adds = 0
        self.xp: np.ndarray | None = None
        self.x_shape: tuple[int, ...] | None = None
        self.out_hw: tuple[int, int] | None = None

    def forward(self, x: ArrayLike) -> np.ndarray:
        """The filtered maps, shape (N, C, OH, OW), in the dtype of ``W``."""
        where = "DepthwiseConvolution.forward"
        x = image_batch(where, x, self.W.dtype)
        C, _, K, _ = self.W.shape
        N, _, H, W = x.shape
        _check_filters(where, x.shape[1], self.W)
        S, P = self.stride, self.pad
        OH, OW = output_shape(H, W, K, self.W.shape[3], S, P, caller=where)
        self.xp = pad_images(x, P)                                        # (N, C, H+2P, W+2P)
        self.x_shape, self.out_hw = x.shape, (OH, OW)
        out = np.zeros((N, C, OH, OW), dtype=self.W.dtype)
        product = np.empty_like(out)  # reused: one buffer instead of K*K temporaries
        self.mult_adds = 0
        for p in range(K):
            for q in range(self.W.shape[3]):
                shifted = offset_view(self.xp, p, q, OH, OW, S)           # (N, C, OH, OW), a view
                np.multiply(shifted, self.W[:, 0, p, q, None, None], out=product)
                out += product
                self.mult_adds += shifted.size                            # one multiply-add per value
        if self.b is not None:
            out += self.b[:, None, None]
        return out

    def backward(self, dout: ArrayLike) -> np.ndarray:
        """Store ``dW`` (and ``db``); return dL/dx, shape (N, C, H, W)."""
        where = "DepthwiseConvolution.backward"
        N, C, H, W = forward_cache(where, self.x_shape)
        OH, OW = self.out_hw
        dout = upstream_gradient(where, dout, (N, C, OH, OW), self.W.dtype)
        S, P = self.stride, self.pad
        dxp = np.zeros_like(self.xp)                                      # (N, C, H+2P, W+2P)
        dW = np.empty_like(self.W)
        for p in range(self.W.shape[2]):
            for q in range(self.W.shape[3]):
                dW[:, 0, p, q] = np.einsum("ncij,ncij->c", dout, offset_view(self.xp, p, q, OH, OW, S))
                offset_view(dxp, p, q, OH, OW, S)[...] += dout * self.W[:, 0, p, q, None, None]
        self.dW = dW
        self.db = None if self.b is None else dout.sum(axis=(0, 2, 3))    # (C,)
        return dxp[:, :, P:P + H, P:P + W]                                # (N, C, H, W)

    def __repr__(self) -> str:
        return f"DepthwiseConvolution(W: {self.W.shape} {self.W.dtype}, stride={self.stride}, pad={self.pad})"


class PointwiseConvolution:
    r"""Pointwise (1×1) convolution layer: at every pixel, a matrix product over the channels.

    $$
    y_{n,m,i,j} = b_m + \sum_{c} W_{m,c,0,0}\; x_{n,c,i,j}
    $$

    With image $n$ as a matrix $X_n$ of shape (C, H·W) and $W$ as (M, C), the forward pass is
    $Y_n = W X_n + b$ and the backward pass

    $$
    \frac{\partial L}{\partial W} = \sum_n \frac{\partial L}{\partial Y_n} X_n^\top, \qquad
    \frac{\partial L}{\partial X_n} = W^\top \frac{\partial L}{\partial Y_n}
    $$

    No im2col is needed: a 1×1 window is the pixel itself. The forward product performs

    $$
    \text{mult\_adds} = N \cdot M \cdot C \cdot H \cdot W
    $$

    multiply-adds, read from the shapes of its operands. Computes in the dtype of ``W``.

    Parameters
    ----------
    W : ndarray, shape (M, C, 1, 1)
        The course's filter layout with a 1×1 window.
    b : ndarray, shape (M,), optional
        None for no bias.

    Attributes
    ----------
    dW : ndarray, shape (M, C, 1, 1)
    db : ndarray, shape (M,), or None without a bias
    mult_adds : int
        Multiply-adds of the last ``forward`` (the whole batch).

    Raises
    ------
    TypeError
        When ``W`` or ``b`` is not a floating-point array.
    ValueError
        When ``W`` is not (M, C, 1, 1), ``b`` not (M,), or ``x`` has other than C channels.

    See Also
    --------
    DepthwiseConvolution : the spatial half of a separable convolution.
    dl_notes.mobilenet.pointwise_conv_cost : the formula for ``mult_adds`` (page: MobileNet,
        ``mobilenet.md``).

    Examples
    --------
    >>> x = np.arange(8.0).reshape(1, 2, 2, 2)
    >>> layer = PointwiseConvolution(np.array([[[[1.0]], [[1.0]]], [[[1.0]], [[-1.0]]]]))
    >>> layer.forward(x)                     # channel sums and differences, pixel by pixel
    array([[[[ 4.,  6.],
             [ 8., 10.]],
    <BLANKLINE>
            [[-4., -4.],
             [-4., -4.]]]])
    >>> layer.mult_adds                      # N * M * C * H * W = 1 * 2 * 2 * 2 * 2
    16
    >>> _ = layer.backward(np.ones((1, 2, 2, 2)))
    >>> layer.dW[:, :, 0, 0]
    array([[ 6., 22.],
           [ 6., 22.]])
    """

    def __init__(self, W: np.ndarray, b: np.ndarray | None = None) -> None:
        where = "PointwiseConvolution"
        parameter(f"{where}: W", W, 4, layout="(M, C, 1, 1)")
        if W.shape[2:] != (1, 1):
            raise ValueError(f"{where}: W must have shape (M, C, 1, 1), a 1x1 filter, got {W.shape}; "
                             "use dl_notes.conv.Convolution for larger filters")
        self.W, self.b = W, _bias(where, b, W.shape[0])
        self.dW: np.ndarray | None = None
        self.db: np.ndarray | None = None
        self.mult_adds = 0
        self.x: np.ndarray | None = None
        self.x_shape: tuple[int, ...] | None = None

    def forward(self, x: ArrayLike) -> np.ndarray:
        """The mixed maps, shape (N, M, H, W), in the dtype of ``W``."""
        where = "PointwiseConvolution.forward"
        x = image_batch(where, x, self.W.dtype)
        M, C = self.W.shape[:2]
        N, _, H, W = x.shape
        if x.shape[1] != C:
            raise ValueError(f"{where}: x has C = {x.shape[1]} channels (shape {x.shape}), but W of shape "
                             f"{self.W.shape} expects C = {C}")
        self.x, self.x_shape = x.reshape(N, C, H * W), x.shape            # (N, C, H*W)
        W_mat = self.W.reshape(M, C)                                      # (M, C)
        out = np.matmul(W_mat, self.x)                                    # (N, M, H*W)
        # (M, C) @ (C, H*W) for each of N images: M*C*H*W multiply-adds per image
        self.mult_adds = self.x.shape[0] * W_mat.shape[0] * W_mat.shape[1] * self.x.shape[2]
        if self.b is not None:
            out += self.b[:, None]
        return out.reshape(N, M, H, W)                                    # (N, M, H, W)

    def backward(self, dout: ArrayLike) -> np.ndarray:
        """Store ``dW`` (and ``db``); return dL/dx, shape (N, C, H, W)."""
        where = "PointwiseConvolution.backward"
        N, C, H, W = forward_cache(where, self.x_shape)
        M = self.W.shape[0]
        dout = upstream_gradient(where, dout, (N, M, H, W), self.W.dtype).reshape(N, M, H * W)  # (N, M, H*W)
        self.dW = np.tensordot(dout, self.x, axes=([0, 2], [0, 2])).reshape(M, C, 1, 1)
        self.db = None if self.b is None else dout.sum(axis=(0, 2))       # (M,)
        dx = np.matmul(self.W.reshape(M, C).T, dout)                      # (N, C, H*W)
        return dx.reshape(N, C, H, W)                                     # (N, C, H, W)

    def __repr__(self) -> str:
        return f"PointwiseConvolution(W: {self.W.shape} {self.W.dtype})"
