r"""Up-sampling layers for segmentation: transposed convolution, and max unpooling with switches.

A segmentation network shrinks its feature maps to see more context, then has to grow them back
to one score per pixel. Two ways to grow a map are here:

- `TransposedConvolution` (often called "deconvolution", although it inverts nothing): each input
  pixel stamps a copy of the kernel, scaled by its value, onto the output, ``stride`` pixels
  apart, and overlapping stamps add up. It is exactly the backward pass of a convolution with
  respect to its input, so its forward pass is `dl_notes.windows.col2im` and its backward pass
  `dl_notes.windows.im2col`, the two halves of `dl_notes.conv.Convolution` swapped.
  `conv_transpose2d_naive` is the same as loops, the oracle of the tests;
  `bilinear_kernel` is the kernel that makes it bilinear interpolation (FCN's initialisation).
- `MaxPoolingWithSwitches` and `MaxUnpooling` (SegNet): pooling remembers where each maximum came
  from (the "switches"), and unpooling puts each value back there, zeros elsewhere.

The page セグメンテーション / Segmentation (``segmentation.md``) teaches them.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from ._checks import array, count, forward_cache, image_batch, parameter, upstream_gradient
from .windows import col2im, im2col

__all__ = ["transposed_conv_output_size", "conv_transpose2d_naive", "TransposedConvolution", "bilinear_kernel",
           "MaxPoolingWithSwitches", "MaxUnpooling"]


def transposed_conv_output_size(input_size: int, filter_size: int, stride: int = 1, pad: int = 0,
                                output_padding: int = 0) -> int:
    r"""Output height (or width) of a transposed convolution: the convolution output-size formula solved for $H$.

    $$
    OH = (H - 1)\,S - 2P + FH + \mathrm{OP}
    $$

    A convolution with the same $FH$, $S$, $P$ maps an $OH$-pixel input back to $H$ pixels
    (`dl_notes.windows.conv_output_size`). When $S > 1$ several $OH$ do (the floor in that
    formula), and the output padding $\mathrm{OP} < S$ picks one of them, as in PyTorch.

    Parameters
    ----------
    input_size : int
        $H$, >= 1.
    filter_size : int
        $FH$, >= 1.
    stride : int, default 1
        $S$, >= 1.
    pad : int, default 0
        $P$, the rows cut from each side of the output, >= 0.
    output_padding : int, default 0
        $\mathrm{OP}$, rows added at the bottom (right), 0 <= OP < S.

    Returns
    -------
    int

    Raises
    ------
    ValueError
        When ``output_padding`` is not below ``stride``, or the result is below 1.

    See Also
    --------
    TransposedConvolution : the layer whose output has this size (page: Segmentation, ``segmentation.md``).

    Examples
    --------
    FCN's final up-sampling (kernel 64, stride 32, pad 16) multiplies the size by 32:

    >>> transposed_conv_output_size(7, 64, stride=32, pad=16)
    224
    >>> transposed_conv_output_size(2, 3, stride=2), transposed_conv_output_size(2, 3, 2, output_padding=1)
    (5, 6)
    """
    H, FH = count("input_size", input_size, 1), count("filter_size", filter_size, 1)
    S, P, OP = count("stride", stride, 1), count("pad", pad, 0), count("output_padding", output_padding, 0)
    if OP >= S:
        raise ValueError(f"transposed_conv_output_size: output_padding = {OP} must be smaller than stride = {S} "
                         f"(a larger one adds rows that no input pixel reaches)")
    OH = (H - 1) * S - 2 * P + FH + OP
    if OH < 1:
        raise ValueError(f"transposed_conv_output_size: (H - 1)*stride - 2*pad + filter_size + output_padding = {OH} "
                         f"< 1 for H={H}, filter_size={FH}, stride={S}, pad={P}; use a smaller pad")
    return OH


def conv_transpose2d_naive(x: ArrayLike, W: ArrayLike, b: ArrayLike | None = None, stride: int = 1, pad: int = 0,
                           output_padding: int = 0) -> np.ndarray:
    r"""Transposed convolution written as loops: every input pixel adds a scaled kernel to the output.

    $$
    y_{n,\,o,\,iS+p-P,\,jS+q-P} \mathrel{+}= x_{n,c,i,j}\, W_{c,o,p,q}, \qquad y \leftarrow y + b_o
    $$

    summed over $c$, $i$, $j$, $p$, $q$; stamps that fall in the $P$ cut rows and columns are
    dropped. Slow and obviously right: the oracle of `TransposedConvolution`.

    Parameters
    ----------
    x : array_like, shape (N, C_in, H, W)
    W : array_like, shape (C_in, C_out, FH, FW)
        PyTorch's layout for ``conv_transpose2d``: the same array as the weight of the
        convolution it transposes.
    b : array_like, shape (C_out,), optional
    stride, pad, output_padding : int
        As in `transposed_conv_output_size`.

    Returns
    -------
    ndarray, shape (N, C_out, OH, OW)

    See Also
    --------
    TransposedConvolution : the same from a matrix product and col2im.

    Examples
    --------
    A 2x2 input of ones with a 3x3 kernel of ones at stride 2: the stamps overlap on the middle
    row and column, which get 2 (and the centre 4).

    >>> conv_transpose2d_naive(np.ones((1, 1, 2, 2)), np.ones((1, 1, 3, 3)), stride=2)[0, 0]
    array([[1., 1., 2., 1., 1.],
           [1., 1., 2., 1., 1.],
           [2., 2., 4., 2., 2.],
           [1., 1., 2., 1., 1.],
           [1., 1., 2., 1., 1.]])
    """
    x = array("conv_transpose2d_naive: x", x, ndim=4, layout="(N, C_in, H, W)")
    W = array("conv_transpose2d_naive: W", W, ndim=4, layout="(C_in, C_out, FH, FW)")
    N, C, H, W_in = x.shape
    _check_channels("conv_transpose2d_naive", x, W)
    _, O, FH, FW = W.shape
    S, P = count("stride", stride, 1), count("pad", pad, 0)
    OH = transposed_conv_output_size(H, FH, S, P, output_padding)
    OW = transposed_conv_output_size(W_in, FW, S, P, output_padding)
    full = np.zeros((N, O, OH + 2 * P, OW + 2 * P), dtype=np.result_type(x, W))   # before the pad is cut
    for n in range(N):
        for c in range(C):
            for i in range(H):
                for j in range(W_in):
                    full[n, :, i * S:i * S + FH, j * S:j * S + FW] += x[n, c, i, j] * W[c]   # (C_out, FH, FW)
    y = full[:, :, P:P + OH, P:P + OW]
    return y if b is None else y + np.asarray(b)[:, None, None]


def _check_channels(where: str, x: np.ndarray, W: np.ndarray) -> None:
    if x.shape[1] != W.shape[0]:
        raise ValueError(f"{where}: x has C_in = {x.shape[1]} channels (shape {x.shape}), but W of shape {W.shape} "
                         f"expects C_in = {W.shape[0]} (W is (C_in, C_out, FH, FW), PyTorch's layout)")


class TransposedConvolution:
    r"""Transposed convolution layer: up-sampling with a learned kernel, computed with col2im.

    $$
    OH = (H - 1)\,S - 2P + FH + \mathrm{OP}
    $$

    A convolution with weight $W$ maps $u$ (N, C_out, OH, OW) to $x$ (N, C_in, H, W) as
    $x = \mathrm{col}(u)\, W_{\mathrm{col}}^\top$ with $\mathrm{col} = \mathrm{im2col}$; its
    backward pass sends $\partial L / \partial x$ back as $\mathrm{col2im}(\cdot\, W_{\mathrm{col}})$.
    The transposed convolution *is* that backward pass, used as a forward pass:

    $$
    \begin{gathered}
    y = \mathrm{col2im}\!\left(X\, W_{\mathrm{col}}\right) + b \\
    \frac{\partial L}{\partial X} = \mathrm{im2col}\!\left(\frac{\partial L}{\partial y}\right) W_{\mathrm{col}}^\top \\
    \frac{\partial L}{\partial W_{\mathrm{col}}} = X^\top\, \mathrm{im2col}\!\left(\frac{\partial L}{\partial y}\right)
    \end{gathered}
    $$

    where $X$ (N·H·W, C_in) holds the input pixels as rows and $W_{\mathrm{col}}$ is ``W``
    reshaped to (C_in, C_out·FH·FW). So ``TransposedConvolution(W).forward(u)`` equals
    ``Convolution(W).backward(u)`` for the same array ``W`` (the tests check it).

    Parameters
    ----------
    W : ndarray, shape (C_in, C_out, FH, FW)
        The kernels, floating point, in PyTorch's ``ConvTranspose2d`` layout.
    b : ndarray, shape (C_out,)
    stride : int, default 1
    pad : int, default 0
        Rows and columns cut from each side of the output.
    output_padding : int, default 0
        Extra rows and columns at the bottom and right, below ``stride``.

    Attributes
    ----------
    dW, db : ndarray
        Gradients, set by `backward`.

    Raises
    ------
    TypeError
        When ``W`` or ``b`` is not floating point.
    ValueError
        When the shapes do not fit, or ``output_padding >= stride``.

    See Also
    --------
    conv_transpose2d_naive : the loop oracle.
    dl_notes.conv.Convolution : the layer whose backward pass this is (page: Segmentation, ``segmentation.md``).

    Examples
    --------
    >>> up = TransposedConvolution(np.ones((1, 1, 2, 2)), np.zeros(1), stride=2)
    >>> up.forward(np.array([[[[1.0, 2.0], [3.0, 4.0]]]]))[0, 0]    # each pixel becomes a 2x2 block
    array([[1., 1., 2., 2.],
           [1., 1., 2., 2.],
           [3., 3., 4., 4.],
           [3., 3., 4., 4.]])
    >>> up.backward(np.ones((1, 1, 4, 4)))[0, 0], up.db
    (array([[4., 4.],
           [4., 4.]]), array([16.]))
    """

    def __init__(self, W: np.ndarray, b: np.ndarray, stride: int = 1, pad: int = 0, output_padding: int = 0) -> None:
        parameter("TransposedConvolution: W", W, 4, layout="(C_in, C_out, FH, FW)")
        parameter("TransposedConvolution: b", b, 1, layout="(C_out,)")
        if b.shape != (W.shape[1],):
            raise ValueError(f"TransposedConvolution: b has shape {b.shape}, but W of shape {W.shape} has "
                             f"C_out = {W.shape[1]}; give b of shape ({W.shape[1]},)")
        self.W, self.b = W, b
        self.stride = count("TransposedConvolution: stride", stride, 1)
        self.pad = count("TransposedConvolution: pad", pad, 0)
        self.output_padding = count("TransposedConvolution: output_padding", output_padding, 0)
        if self.output_padding >= self.stride:
            raise ValueError(f"TransposedConvolution: output_padding = {self.output_padding} must be smaller than "
                             f"stride = {self.stride}")
        self.dW: np.ndarray | None = None
        self.db: np.ndarray | None = None
        self.X: np.ndarray | None = None
        self.x_shape: tuple[int, ...] | None = None
        self.out_shape: tuple[int, ...] | None = None

    def forward(self, x: ArrayLike) -> np.ndarray:
        """The up-sampled maps, shape (N, C_out, OH, OW), in the dtype of ``W``."""
        where = "TransposedConvolution.forward"
        x = image_batch(where, x, self.W.dtype)
        _check_channels(where, x, self.W)
        N, C, H, W_in = x.shape
        _, O, FH, FW = self.W.shape
        S, P, OP = self.stride, self.pad, self.output_padding
        OH, OW = (transposed_conv_output_size(n, F, S, P, OP) for n, F in ((H, FH), (W_in, FW)))
        self.X = x.transpose(0, 2, 3, 1).reshape(N * H * W_in, C)            # (N*H*W, C_in)
        col = self.X @ self.W.reshape(C, O * FH * FW)                         # (N*H*W, C_out*FH*FW)
        y = col2im(col, (N, O, OH, OW), FH, FW, S, P)                         # (N, C_out, OH, OW)
        y += self.b[:, None, None]
        self.x_shape, self.out_shape = x.shape, y.shape
        return y

    def backward(self, dout: ArrayLike) -> np.ndarray:
        """Store ``dW`` and ``db``; return dL/dx, shape (N, C_in, H, W)."""
        where = "TransposedConvolution.backward"
        N, C, H, W_in = forward_cache(where, self.x_shape)
        _, O, FH, FW = self.W.shape
        dout = upstream_gradient(where, dout, self.out_shape, self.W.dtype)
        dcol = im2col(dout, FH, FW, self.stride, self.pad)                    # (N*H*W, C_out*FH*FW)
        self.db = dout.sum(axis=(0, 2, 3))                                    # (C_out,)
        self.dW = (self.X.T @ dcol).reshape(self.W.shape)                     # (C_in, C_out, FH, FW)
        dX = dcol @ self.W.reshape(C, -1).T                                   # (N*H*W, C_in)
        return dX.reshape(N, H, W_in, C).transpose(0, 3, 1, 2)               # (N, C_in, H, W)

    def __repr__(self) -> str:
        return (f"TransposedConvolution(W: {self.W.shape} {self.W.dtype}, stride={self.stride}, pad={self.pad}, "
                f"output_padding={self.output_padding})")


def bilinear_kernel(in_channels: int, out_channels: int, kernel_size: int, dtype=np.float64) -> np.ndarray:
    r"""The transposed-convolution weight that up-samples by bilinear interpolation (d2l's ``bilinear_kernel``).

    $$
    w_{p,q} = \left(1 - \frac{|p - c|}{f}\right) \left(1 - \frac{|q - c|}{f}\right), \qquad
    f = \left\lceil \frac{K}{2} \right\rceil, \quad
    c = \begin{cases} f - 1 & K \text{ odd} \\ f - \tfrac12 & K \text{ even} \end{cases}
    $$

    Channel $c$ feeds output channel $c$ only (the other weights are zero). With
    $K = 2S$ and $P = S/2$ a `TransposedConvolution` with this weight enlarges a map $S$ times
    by bilinear interpolation; FCN starts its up-sampling layers from it.

    Parameters
    ----------
    in_channels, out_channels : int
    kernel_size : int
        $K$.
    dtype : float32 or float64, default float64

    Returns
    -------
    ndarray, shape (in_channels, out_channels, K, K)

    See Also
    --------
    TransposedConvolution : the layer it initialises (page: Segmentation, ``segmentation.md``).

    Examples
    --------
    >>> bilinear_kernel(1, 1, 4)[0, 0]
    array([[0.0625, 0.1875, 0.1875, 0.0625],
           [0.1875, 0.5625, 0.5625, 0.1875],
           [0.1875, 0.5625, 0.5625, 0.1875],
           [0.0625, 0.1875, 0.1875, 0.0625]])
    """
    C, O, K = count("in_channels", in_channels), count("out_channels", out_channels), count("kernel_size", kernel_size)
    f = (K + 1) // 2
    centre = f - 1 if K % 2 == 1 else f - 0.5
    line = 1 - np.abs(np.arange(K) - centre) / f                              # (K,)
    W = np.zeros((C, O, K, K), dtype=dtype)
    for c in range(min(C, O)):
        W[c, c] = np.outer(line, line)
    return W


class MaxPoolingWithSwitches:
    r"""Max pooling over non-overlapping S x S windows that remembers where each maximum was (the switches).

    $$
    y_{n,c,i,j} = \max_{0 \le p, q < S} x_{n,\,c,\,iS+p,\,jS+q}, \qquad
    s_{n,c,i,j} = (iS + p^*)\,W + (jS + q^*)
    $$

    where $(p^*, q^*)$ is the position of the maximum (the first in row order on ties, as
    `dl_notes.pooling.Pooling`). The switch $s$ is a flat index into the $H \times W$ map, as
    PyTorch's ``return_indices=True`` gives it. `MaxUnpooling` reads them (SegNet,
    Badrinarayanan et al., 2017); ``backward`` is the same as max pooling's.

    Parameters
    ----------
    size : int, default 2
        $S$, the window and the stride. Sizes that do not divide drop the last rows and columns.

    Attributes
    ----------
    switches : ndarray of int64, shape (N, C, OH, OW)
        Set by `forward`.

    See Also
    --------
    MaxUnpooling : puts values back at the switches (page: Segmentation, ``segmentation.md``).

    Examples
    --------
    >>> pool = MaxPoolingWithSwitches(2)
    >>> x = np.array([[[[1.0, 5.0, 2.0, 0.0], [3.0, 4.0, 6.0, 1.0]]]])
    >>> pool.forward(x), pool.switches
    (array([[[[5., 6.]]]]), array([[[[1, 6]]]]))
    """

    def __init__(self, size: int = 2) -> None:
        self.size = count("MaxPoolingWithSwitches: size", size, 1)
        self.switches: np.ndarray | None = None
        self.x_shape: tuple[int, ...] | None = None

    def forward(self, x: ArrayLike) -> np.ndarray:
        """The pooled maps, shape (N, C, H // S, W // S); stores ``switches``."""
        where = "MaxPoolingWithSwitches.forward"
        x = image_batch(where, x)
        N, C, H, W = x.shape
        S = self.size
        OH, OW = H // S, W // S
        if OH < 1 or OW < 1:
            raise ValueError(f"{where}: the {H}x{W} maps are smaller than the {S}x{S} window")
        windows = x[:, :, :OH * S, :OW * S].reshape(N, C, OH, S, OW, S).transpose(0, 1, 2, 4, 3, 5)
        windows = windows.reshape(N, C, OH, OW, S * S)                       # (N, C, OH, OW, S*S)
        k = windows.argmax(axis=-1)                                           # (N, C, OH, OW): first max
        rows = np.arange(OH)[:, None] * S + k // S
        cols = np.arange(OW)[None, :] * S + k % S
        self.switches = rows * W + cols                                       # flat index into H*W
        self.x_shape = x.shape
        return np.take_along_axis(windows, k[..., None], axis=-1)[..., 0]

    def backward(self, dout: ArrayLike) -> np.ndarray:
        """dL/dx, shape (N, C, H, W): each gradient to its window's maximum, zeros elsewhere."""
        where = "MaxPoolingWithSwitches.backward"
        N, C, H, W = forward_cache(where, self.x_shape)
        dout = upstream_gradient(where, dout, self.switches.shape, np.asarray(dout).dtype)
        return _unpool(dout, self.switches, (H, W))

    def __repr__(self) -> str:
        return f"MaxPoolingWithSwitches(size={self.size})"


def _unpool(x: np.ndarray, switches: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """Zeros of shape (N, C, *size) with each value of ``x`` at its switch (a flat index into the map)."""
    N, C = x.shape[:2]
    out = np.zeros((N, C, size[0] * size[1]), dtype=x.dtype)                 # (N, C, H*W)
    np.put_along_axis(out, switches.reshape(N, C, -1), x.reshape(N, C, -1), axis=-1)
    return out.reshape(N, C, *size)


class MaxUnpooling:
    r"""Max unpooling: each value goes back where its pooling window's maximum was, zeros elsewhere.

    $$
    \begin{gathered}
    u_{n,c,h,w} = \begin{cases} x_{n,c,i,j} & \text{if } hW + w = s_{n,c,i,j} \\ 0 & \text{otherwise} \end{cases} \\
    \frac{\partial L}{\partial x_{n,c,i,j}} = \frac{\partial L}{\partial u_{n,c,h,w}}\Big|_{hW + w = s_{n,c,i,j}}
    \end{gathered}
    $$

    It has no weights: the positions come from the switches of the `MaxPoolingWithSwitches`
    layer it is paired with (SegNet's decoder reads its encoder's), so fine detail lost by
    pooling comes back at the right place.

    Parameters
    ----------
    pool : MaxPoolingWithSwitches
        The layer whose last ``switches`` and input size to use.

    See Also
    --------
    MaxPoolingWithSwitches : records the switches (page: Segmentation, ``segmentation.md``).

    Examples
    --------
    >>> pool = MaxPoolingWithSwitches(2)
    >>> _ = pool.forward(np.array([[[[1.0, 5.0, 2.0, 0.0], [3.0, 4.0, 6.0, 1.0]]]]))
    >>> MaxUnpooling(pool).forward(np.array([[[[10.0, 20.0]]]]))[0, 0]
    array([[ 0., 10.,  0.,  0.],
           [ 0.,  0., 20.,  0.]])
    """

    def __init__(self, pool: MaxPoolingWithSwitches) -> None:
        if not isinstance(pool, MaxPoolingWithSwitches):
            raise TypeError(f"MaxUnpooling: pool must be a MaxPoolingWithSwitches, got {type(pool).__name__}")
        self.pool = pool
        self.switches: np.ndarray | None = None

    def forward(self, x: ArrayLike) -> np.ndarray:
        """Shape (N, C, H, W) of the pooling layer's input."""
        where = "MaxUnpooling.forward"
        switches = forward_cache(where, self.pool.switches)
        x = image_batch(where, x)
        if x.shape != switches.shape:
            raise ValueError(f"{where}: x has shape {x.shape}, but the pooling layer's switches have shape "
                             f"{switches.shape}; unpool the maps that layer produced")
        self.switches = switches
        return _unpool(x, switches, self.pool.x_shape[2:])

    def backward(self, dout: ArrayLike) -> np.ndarray:
        """dL/dx, shape (N, C, OH, OW): the gradient read at the switches."""
        where = "MaxUnpooling.backward"
        switches = forward_cache(where, self.switches)
        N, C = switches.shape[:2]
        dout = np.asarray(dout)
        if dout.shape != (N, C, *self.pool.x_shape[2:]):
            raise ValueError(f"{where}: dout must have the output's shape {(N, C, *self.pool.x_shape[2:])}, "
                             f"got {dout.shape}")
        flat = dout.reshape(N, C, -1)                                         # (N, C, H*W)
        return np.take_along_axis(flat, switches.reshape(N, C, -1), axis=-1).reshape(switches.shape)
