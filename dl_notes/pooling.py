r"""Pooling layers: max and average pooling over windows, and global pooling over each map.

Pooling has no weights: it summarises each window of a feature map by its maximum or its mean,
channel by channel, which shrinks the map and makes the output less sensitive to small shifts.
Global pooling summarises a whole map into one number per channel, a parameter-free alternative
to `dl_notes.layers.Flatten` before the classifier. The layers follow the layer contract of
`dl_notes.layers` and are importable from there too, as in the course's ``common/layers.py``.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from ._checks import count, forward_cache, image_batch, one_of, upstream_gradient
from .windows import offset_view, output_shape, pad_images

__all__ = ["Pooling", "GlobalAveragePooling", "GlobalMaxPooling"]


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

    **Stride.** By default the stride is the window (``stride=None`` means
    ``(pool_h, pool_w)``), so windows do not overlap, as with PyTorch's ``MaxPool2d`` and
    Keras' ``MaxPooling2D``. The two copies of the course's code differ here: the book's public
    repository had ``stride=1`` until its commit 77a0807 (2020-09-14, "Change Pooling's stride
    2 from 1") made it ``stride=2``, and the course's ``common/layers.py`` still has
    ``stride=1``. The book's networks pass ``stride=2`` themselves, so they give the same shapes
    with either copy; a call without ``stride`` does not. On a 24x24 map (SimpleConvNet's
    convolution output), ``Pooling(2, 2)`` gives 23x23 with the course's copy and 12x12 with
    the book's current one and here; ``Pooling(3, 3)`` gives 22x22, 11x11 and 8x8 (the
    examples below). Pass ``stride`` to get the same result with every copy.

    **Geometry that does not divide** is rounded down, as in the course's code and PyTorch
    (`dl_notes.windows.conv_output_size`): the last rows or columns that no window reaches do
    not affect the output, and their gradient is zero. ``strict=True`` makes ``forward`` raise
    instead.

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
    strict : bool, default False
        Raise in ``forward``, rather than round down, when a stride does not divide.

    Attributes
    ----------
    xp, out : ndarray
        The cache of max pooling: the (padded) input and the output of the last ``forward``,
        from which ``backward`` finds each window's maximum again. Average pooling needs
        only the shapes.

    Raises
    ------
    ValueError
        For a pad over half the window, an unknown mode, or (in `forward`) an input smaller
        than the window, or (with ``strict``) one the windows do not tile.

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
    >>> maps = np.zeros((1, 30, 24, 24))
    >>> [Pooling(2, 2, stride=s).forward(maps).shape[2:] for s in (1, 2, None)]   # course, book, here
    [(23, 23), (12, 12), (12, 12)]
    >>> [Pooling(3, 3, stride=s).forward(maps).shape[2:] for s in (1, 2, None)]
    [(22, 22), (11, 11), (8, 8)]
    >>> pool = Pooling(2, 2)
    >>> y = pool.forward(np.array([[[[1.0, 3.0], [3.0, 2.0]]]]))
    >>> pool.backward(np.ones_like(y))                # the tie goes to the first 3
    array([[[[0., 1.],
             [0., 0.]]]])
    """

    def __init__(self, pool_h: int, pool_w: int, stride: int | tuple[int, int] | None = None,
                 pad: int = 0, mode: str = "max", *, strict: bool = False) -> None:
        self.pool_h = count("Pooling: pool_h", pool_h, 1)
        self.pool_w = count("Pooling: pool_w", pool_w, 1)
        if stride is None:
            self.stride = self.pool_h if self.pool_h == self.pool_w else (self.pool_h, self.pool_w)
        elif isinstance(stride, tuple):
            self.stride = (count("Pooling: stride[0]", stride[0], 1), count("Pooling: stride[1]", stride[1], 1))
        else:
            self.stride = count("Pooling: stride", stride, 1)
        self.pad = count("Pooling: pad", pad, 0)
        if 2 * self.pad > min(self.pool_h, self.pool_w):
            raise ValueError(f"Pooling: pad = {self.pad} is more than half the {self.pool_h}x{self.pool_w} "
                             f"window, so some windows would hold only padding; use pad <= "
                             f"{min(self.pool_h, self.pool_w) // 2}")
        self.mode = one_of("Pooling: mode", mode, ("max", "avg"))
        self.strict = bool(strict)
        self.xp: np.ndarray | None = None
        self.out: np.ndarray | None = None
        self.x_shape: tuple[int, ...] | None = None
        self.dtype: np.dtype | None = None
        self._geometry: tuple[int, ...] | None = None

    def _strides(self) -> tuple[int, int]:
        return self.stride if isinstance(self.stride, tuple) else (self.stride, self.stride)

    def forward(self, x: ArrayLike) -> np.ndarray:
        """The pooled maps, shape (N, C, OH, OW), in the dtype of ``x``."""
        where = "Pooling.forward"
        x = image_batch(where, x)
        N, C, H, W = x.shape
        PH, PW, P = self.pool_h, self.pool_w, self.pad
        SH, SW = self._strides()
        OH, OW = output_shape(H, W, PH, PW, (SH, SW), P, strict=self.strict, caller=where,
                              names=("pool_h", "pool_w"))
        xp = pad_images(x, P, -np.inf if self.mode == "max" else 0)     # (N, C, H+2P, W+2P)
        windows = [offset_view(xp, i, j, OH, OW, (SH, SW)) for i in range(PH) for j in range(PW)]
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
        where = "Pooling.backward"
        N, C, H, W = forward_cache(where, self.x_shape)
        OH, OW, SH, SW = self._geometry
        PH, PW, P = self.pool_h, self.pool_w, self.pad
        dout = upstream_gradient(where, dout, (N, C, OH, OW), self.dtype)
        # Windows that tile the padded input exactly write every pixel once: no zeroing needed.
        # (Rounded down, they miss the last rows or columns, whose gradient must be zero.)
        tiled = (SH, SW) == (PH, PW) and (OH * SH, OW * SW) == (H + 2 * P, W + 2 * P)
        dxp = (np.empty if tiled else np.zeros)((N, C, H + 2 * P, W + 2 * P), dtype=dout.dtype)  # (N, C, H+2P, W+2P)
        if self.mode == "avg":
            share = dout * (1 / (PH * PW))
        taken = None
        for i in range(PH):
            for j in range(PW):
                target = offset_view(dxp, i, j, OH, OW, (SH, SW))       # (N, C, OH, OW)
                if self.mode == "max":
                    # hit: this position holds the max and no earlier position of the window did
                    hit = offset_view(self.xp, i, j, OH, OW, (SH, SW)) == self.out
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
        strict = ", strict=True" if self.strict else ""
        return (f"Pooling(pool_h={self.pool_h}, pool_w={self.pool_w}, stride={self.stride}, "
                f"pad={self.pad}, mode={self.mode!r}{strict})")


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
        x = image_batch("GlobalAveragePooling.forward", x)
        self.x_shape, self.dtype = x.shape, x.dtype
        return x.mean(axis=(2, 3))                                        # (N, C)

    def backward(self, dout: ArrayLike) -> np.ndarray:
        """dL/dx, shape (N, C, H, W)."""
        where = "GlobalAveragePooling.backward"
        N, C, H, W = forward_cache(where, self.x_shape)
        dout = upstream_gradient(where, dout, (N, C), self.dtype)
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
        x = image_batch("GlobalMaxPooling.forward", x)
        N, C, H, W = x.shape
        flat = x.reshape(N, C, H * W)                                     # (N, C, H*W)
        self.arg = flat.argmax(axis=2)[:, :, None]                        # (N, C, 1)
        self.x_shape, self.dtype = x.shape, x.dtype
        return np.take_along_axis(flat, self.arg, axis=2)[:, :, 0]        # (N, C)

    def backward(self, dout: ArrayLike) -> np.ndarray:
        """dL/dx, shape (N, C, H, W), nonzero only at each channel's maximum."""
        where = "GlobalMaxPooling.backward"
        N, C, H, W = forward_cache(where, self.x_shape)
        dout = upstream_gradient(where, dout, (N, C), self.dtype)
        dx = np.zeros((N, C, H * W), dtype=dout.dtype)                    # (N, C, H*W)
        np.put_along_axis(dx, self.arg, dout[:, :, None], axis=2)
        return dx.reshape(N, C, H, W)
