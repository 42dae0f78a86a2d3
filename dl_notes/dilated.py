r"""Dilated (atrous) convolution: a kernel whose taps are spread ``dilation`` pixels apart.

A dilated convolution reads its input at every $d$-th pixel inside a wider window, so a 3×3
kernel with $d = 2$ covers 5×5 pixels with 9 weights. Stacking dilations 1, 2, 4 makes the
receptive field grow exponentially with depth while the map keeps its size, which is why
segmentation networks use it (Yu and Koltun, 2016) instead of pooling that they would have to
undo. Here it is a `dl_notes.conv.Convolution` with a kernel that has $d - 1$ zeros between the
taps; the gradient of the real weights is read back at the taps. The page セグメンテーション /
Segmentation (``segmentation.md``) teaches it; the 1-D causal version is `dl_notes.wavenet`.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from ._checks import count, forward_cache, parameter
from .conv import Convolution
from .windows import conv_output_size

__all__ = ["dilated_kernel_size", "dilated_output_size", "dilate_kernel", "DilatedConvolution"]


def dilated_kernel_size(filter_size: int, dilation: int) -> int:
    r"""The window a dilated kernel covers: its effective size.

    $$
    FH_d = (FH - 1)\,d + 1
    $$

    See Also
    --------
    DilatedConvolution : the layer (page: Segmentation, ``segmentation.md``).

    Examples
    --------
    >>> dilated_kernel_size(3, 1), dilated_kernel_size(3, 2), dilated_kernel_size(3, 4)
    (3, 5, 9)
    """
    F, d = count("filter_size", filter_size, 1), count("dilation", dilation, 1)
    return (F - 1) * d + 1


def dilated_output_size(input_size: int, filter_size: int, stride: int = 1, pad: int = 0, dilation: int = 1) -> int:
    r"""Output height (or width) of a dilated convolution: the convolution formula with the effective kernel.

    $$
    OH = \left\lfloor \frac{H + 2P - (FH - 1)\,d - 1}{S} \right\rfloor + 1
    $$

    See Also
    --------
    dl_notes.windows.conv_output_size : the formula with $d = 1$ (page: Segmentation, ``segmentation.md``).

    Examples
    --------
    A 3×3 kernel at dilation 2 with pad 2 keeps a 32-pixel map at 32 pixels:

    >>> dilated_output_size(32, 3, pad=2, dilation=2)
    32
    """
    return conv_output_size(input_size, dilated_kernel_size(filter_size, dilation), stride, pad)


def dilate_kernel(W: ArrayLike, dilation: int) -> np.ndarray:
    r"""``W`` with $d - 1$ zeros inserted between neighbouring taps, in both spatial axes.

    $$
    W^{(d)}_{f,c,\,pd,\,qd} = W_{f,c,p,q}, \qquad W^{(d)} = 0 \text{ elsewhere}
    $$

    See Also
    --------
    DilatedConvolution : convolves with it (page: Segmentation, ``segmentation.md``).

    Examples
    --------
    >>> dilate_kernel(np.array([[[[1.0, 2.0], [3.0, 4.0]]]]), 2)[0, 0]
    array([[1., 0., 2.],
           [0., 0., 0.],
           [3., 0., 4.]])
    """
    W = np.asarray(W)
    d = count("dilation", dilation, 1)
    FN, C, FH, FW = W.shape
    out = np.zeros((FN, C, dilated_kernel_size(FH, d), dilated_kernel_size(FW, d)), dtype=W.dtype)
    out[:, :, ::d, ::d] = W
    return out


class DilatedConvolution:
    r"""Convolution layer with dilation $d$: taps $d$ pixels apart.

    $$
    y_{n,f,i,j} = b_f + \sum_{c,p,q} W_{f,c,p,q}\; x_{n,\,c,\,iS + pd - P,\,jS + qd - P}
    $$

    Computed as a `dl_notes.conv.Convolution` with the kernel `dilate_kernel` ``(W, d)``; its
    gradient with respect to that kernel is read at the taps, $\partial L / \partial W_{f,c,p,q}
    = \partial L / \partial W^{(d)}_{f,c,pd,qd}$ (the zeros are not parameters). PyTorch's
    ``F.conv2d(x, W, b, stride, pad, dilation=d)`` gives the same output (the tests check it).

    Parameters
    ----------
    W : ndarray, shape (FN, C, FH, FW)
    b : ndarray, shape (FN,)
    stride : int, default 1
    pad : int, default 0
    dilation : int, default 1
        $d$; 1 is an ordinary convolution.

    Attributes
    ----------
    dW, db : ndarray
        Gradients, set by `backward`.

    See Also
    --------
    dilated_output_size : the size of its output (page: Segmentation, ``segmentation.md``).
    dl_notes.wavenet.CausalConv1D : the 1-D causal counterpart.

    Examples
    --------
    >>> x = np.arange(25.0).reshape(1, 1, 5, 5)
    >>> conv = DilatedConvolution(np.ones((1, 1, 2, 2)), np.zeros(1), dilation=2)
    >>> conv.forward(x)[0, 0]                     # x[i, j] + x[i, j+2] + x[i+2, j] + x[i+2, j+2]
    array([[24., 28., 32.],
           [44., 48., 52.],
           [64., 68., 72.]])
    """

    def __init__(self, W: np.ndarray, b: np.ndarray, stride: int = 1, pad: int = 0, dilation: int = 1) -> None:
        parameter("DilatedConvolution: W", W, 4, layout="(FN, C, FH, FW)")
        self.W, self.b = W, b
        self.dilation = count("DilatedConvolution: dilation", dilation, 1)
        self.conv = Convolution(dilate_kernel(W, self.dilation), b, stride, pad)
        self.stride, self.pad = self.conv.stride, self.conv.pad
        self.dW: np.ndarray | None = None
        self.db: np.ndarray | None = None

    def forward(self, x: ArrayLike) -> np.ndarray:
        """The feature maps, shape (N, FN, OH, OW), in the dtype of ``W``."""
        self.conv.W[:, :, ::self.dilation, ::self.dilation] = self.W   # W may have been updated in place
        return self.conv.forward(x)

    def backward(self, dout: ArrayLike) -> np.ndarray:
        """Store ``dW`` (at the taps) and ``db``; return dL/dx."""
        forward_cache("DilatedConvolution.backward", self.conv.x_shape)
        dx = self.conv.backward(dout)
        d = self.dilation
        self.dW = self.conv.dW[:, :, ::d, ::d].copy()                        # (FN, C, FH, FW)
        self.db = self.conv.db
        return dx

    def __repr__(self) -> str:
        return (f"DilatedConvolution(W: {self.W.shape} {self.W.dtype}, stride={self.stride}, pad={self.pad}, "
                f"dilation={self.dilation})")
