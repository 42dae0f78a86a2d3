r"""Two small fully convolutional networks for pixel labelling: FCN-style (skips added) and U-Net-style (concatenated).

Both have the same encoder: three 3×3 convolutions with ReLU, the second and third after a 2×2
max pooling, so the maps go from $H$ to $H/2$ to $H/4$ pixels while the channels grow. They
differ in how they grow the maps back and reuse the earlier, finer maps (the skips):

- `SmallFCN` (Long et al., 2015): a 1×1 convolution turns the coarsest map into $K$ class
  scores, a transposed convolution (started as bilinear interpolation) doubles their size, and
  the scores of the finer map, from its own 1×1 convolution, are **added**; twice, as FCN-8s.
- `SmallUNet` (Ronneberger et al., 2015): a transposed convolution doubles the feature maps,
  the encoder's maps of the same size are **concatenated** along the channels, and a 3×3
  convolution mixes them; twice, then a 1×1 convolution gives the $K$ scores.

The output is (N, K, H, W), scored by `dl_notes.segmentation.PixelSoftmaxWithLoss`. The nets
have the course's interface (``params``, ``gradient``, ``loss``, ``predict``, ``accuracy``,
here the pixel accuracy). The page セグメンテーション / Segmentation (``segmentation.md``) trains them.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence

import numpy as np

from ._checks import batch, count, float_dtype, generator
from .conv import Convolution
from .init import init_weight
from .layers import Relu
from .pooling import Pooling
from .segmentation import PixelSoftmaxWithLoss, pixel_accuracy
from .upsampling import TransposedConvolution, bilinear_kernel

__all__ = ["SmallFCN", "SmallUNet"]


class _PixelNet:
    """Named layers with course-style ``params`` keys, a per-pixel loss, and the course's methods.

    Subclasses build their layers with `_conv` / `_up` and write `_forward` / `_backward`, where
    the skips are.
    """

    def __init__(self, input_channels: int, num_classes: int, channels: Sequence[int], dtype, rng, seed) -> None:
        self.dtype = float_dtype(dtype)
        self.input_channels = count("input_channels", input_channels)
        self.num_classes = count("num_classes", num_classes, 2)
        if len(channels) != 3:
            raise ValueError(f"{type(self).__name__}: channels must be 3 widths (c1, c2, c3), got {channels!r}")
        self.channels = tuple(count(f"channels[{i}]", c) for i, c in enumerate(channels))
        self.rng = generator(rng, seed)
        self.params: dict[str, np.ndarray] = {}
        self.layers: OrderedDict = OrderedDict()
        self.last_layer = PixelSoftmaxWithLoss()
        self.last_loss: float | None = None
        self._owners: dict[str, tuple[object, str]] = {}

    def _add(self, name: str, layer: object) -> object:
        """Register ``layer``; its ``W`` and ``b`` become ``W<i>``, ``b<i>`` (i counts the layers with weights)."""
        self.layers[name] = layer
        if hasattr(layer, "W"):
            i = len(self._owners) // 2 + 1
            for attribute in ("W", "b"):
                self.params[f"{attribute}{i}"] = getattr(layer, attribute)
                self._owners[f"{attribute}{i}"] = (layer, attribute)
        return layer

    def _conv(self, name: str, C: int, FN: int, F: int) -> Convolution:
        """F×F convolution, 'same' padding, He initialisation, zero bias."""
        W = init_weight((FN, C, F, F), "he", rng=self.rng, dtype=self.dtype)
        return self._add(name, Convolution(W, np.zeros(FN, self.dtype), pad=(F - 1) // 2))

    def _up(self, name: str, C: int, O: int, F: int, W: np.ndarray | None = None) -> TransposedConvolution:
        """Transposed convolution that doubles the size: stride 2, pad (F - 2) / 2."""
        if W is None:
            W = init_weight((C, O, F, F), "he", rng=self.rng, dtype=self.dtype)
        return self._add(name, TransposedConvolution(W.astype(self.dtype), np.zeros(O, self.dtype), 2, (F - 2) // 2))

    def _encoder(self) -> None:
        c1, c2, c3 = self.channels
        self.stages = [
            [self._conv("Conv1", self.input_channels, c1, 3), self._add("Relu1", Relu())],
            [self._add("Pool1", Pooling(2, 2)), self._conv("Conv2", c1, c2, 3), self._add("Relu2", Relu())],
            [self._add("Pool2", Pooling(2, 2)), self._conv("Conv3", c2, c3, 3), self._add("Relu3", Relu())],
        ]

    def _encode(self, x: np.ndarray) -> list[np.ndarray]:
        """The three encoder maps: (c1, H, W), (c2, H/2, W/2), (c3, H/4, W/4)."""
        maps = []
        for stage in self.stages:
            x = _run(stage, x)
            maps.append(x)
        return maps

    def _decode_backward(self, d_maps: list[np.ndarray]) -> None:
        """Backward through the encoder, given each stage's gradient from the decoder (and the next stage)."""
        d = d_maps[2]
        for k in (2, 1, 0):
            if k < 2:
                d = d + d_maps[k]
            d = _run_backward(self.stages[k], d)

    def predict(self, x: np.ndarray, train_flg: bool = False) -> np.ndarray:
        """Class scores for every pixel, shape (N, K, H, W)."""
        x = batch(f"{type(self).__name__}.predict", np.asarray(x, dtype=self.dtype))
        if x.ndim != 4 or x.shape[1] != self.input_channels or x.shape[2] % 4 or x.shape[3] % 4:
            raise ValueError(f"{type(self).__name__}.predict: x must be (N, {self.input_channels}, H, W) with H and W "
                             f"multiples of 4 (two 2x2 poolings, then two doublings), got shape {x.shape}")
        return self._forward(x)

    def loss(self, x: np.ndarray, t: np.ndarray, train_flg: bool = False) -> float:
        """Mean per-pixel cross-entropy."""
        return self.last_layer.forward(self.predict(x, train_flg), t)

    def gradient(self, x: np.ndarray, t: np.ndarray) -> dict[str, np.ndarray]:
        """Gradients of `loss` by backpropagation, keyed like ``params``; the loss is kept in ``last_loss``."""
        self.last_loss = self.loss(x, t, train_flg=True)
        self._backward(self.last_layer.backward(1))
        return {key: getattr(layer, "d" + name) for key, (layer, name) in self._owners.items()}

    def segment(self, x: np.ndarray, batch_size: int = 100) -> np.ndarray:
        """The predicted class of every pixel, shape (N, H, W), predicted ``batch_size`` images at a time."""
        step = count("batch_size", batch_size)
        return np.concatenate([self.predict(x[i:i + step]).argmax(axis=1) for i in range(0, len(x), step)])

    def accuracy(self, x: np.ndarray, t: np.ndarray, batch_size: int = 100) -> float:
        """Pixel accuracy of `segment` against the label maps ``t`` (N, H, W)."""
        return pixel_accuracy(self.segment(x, batch_size), np.asarray(t))


def _run(layers: list, x: np.ndarray) -> np.ndarray:
    for layer in layers:
        x = layer.forward(x)
    return x


def _run_backward(layers: list, dout: np.ndarray) -> np.ndarray:
    for layer in reversed(layers):
        dout = layer.backward(dout)
    return dout


class SmallFCN(_PixelNet):
    r"""FCN-style network: class scores from three depths, up-sampled and **added** (FCN-8s, scaled down).

    $$
    s = \mathrm{up}\bigl(\mathrm{up}(\mathrm{score}_3(f_3)) + \mathrm{score}_2(f_2)\bigr) + \mathrm{score}_1(f_1)
    $$

    $f_1, f_2, f_3$ are the encoder's maps at full, half and quarter size; each
    $\mathrm{score}_k$ is a 1×1 convolution to $K$ channels; $\mathrm{up}$ is a 4×4
    transposed convolution with stride 2 and pad 1, $K \to K$, started at `bilinear_kernel`.
    An addition needs equal shapes, so every skip first becomes $K$ score maps.

    Parameters
    ----------
    input_channels : int, default 3
    num_classes : int, default 4
        $K$, the background included.
    channels : (c1, c2, c3), default (8, 16, 32)
        The encoder's widths.
    dtype : float32 or float64, default float32
    rng : numpy.random.Generator, optional
        Or ``seed``.
    seed : int, optional

    See Also
    --------
    SmallUNet : the same encoder with concatenated skips (page: Segmentation, ``segmentation.md``).

    Examples
    --------
    >>> net = SmallFCN(seed=0)
    >>> net.predict(np.zeros((2, 3, 16, 16))).shape
    (2, 4, 16, 16)
    >>> sum(p.size for p in net.params.values())
    6788
    """

    def __init__(self, input_channels: int = 3, num_classes: int = 4, channels: Sequence[int] = (8, 16, 32), *,
                 dtype=np.float32, rng: np.random.Generator | None = None, seed: int | None = None) -> None:
        super().__init__(input_channels, num_classes, channels, dtype, rng, seed)
        c1, c2, c3 = self.channels
        K = self.num_classes
        self._encoder()
        self.score3 = self._conv("Score3", c3, K, 1)
        self.up3 = self._up("Up3", K, K, 4, bilinear_kernel(K, K, 4))
        self.score2 = self._conv("Score2", c2, K, 1)
        self.up2 = self._up("Up2", K, K, 4, bilinear_kernel(K, K, 4))
        self.score1 = self._conv("Score1", c1, K, 1)

    def _forward(self, x: np.ndarray) -> np.ndarray:
        f1, f2, f3 = self._encode(x)
        s = self.up3.forward(self.score3.forward(f3)) + self.score2.forward(f2)   # (N, K, H/2, W/2)
        return self.up2.forward(s) + self.score1.forward(f1)                      # (N, K, H, W)

    def _backward(self, ds: np.ndarray) -> None:
        df1 = self.score1.backward(ds)                   # an addition passes the gradient to both terms
        ds2 = self.up2.backward(ds)
        df2 = self.score2.backward(ds2)
        df3 = self.score3.backward(self.up3.backward(ds2))
        self._decode_backward([df1, df2, df3])


class SmallUNet(_PixelNet):
    r"""U-Net-style network: feature maps up-sampled and **concatenated** with the encoder's, then convolved.

    $$
    \begin{gathered}
    g_2 = \mathrm{ReLU}\bigl(\mathrm{conv}([\mathrm{up}(f_3);\, f_2])\bigr) \\
    g_1 = \mathrm{ReLU}\bigl(\mathrm{conv}([\mathrm{up}(g_2);\, f_1])\bigr) \\
    s = \mathrm{score}(g_1)
    \end{gathered}
    $$

    $[a; b]$ is the concatenation along the channels; $\mathrm{up}$ a 2×2 transposed
    convolution with stride 2 that halves the channels ($c_3 \to c_2$, $c_2 \to c_1$), so the
    3×3 convolutions see $2c_2$ and $2c_1$ channels; $\mathrm{score}$ a 1×1 convolution to $K$.

    Parameters
    ----------
    input_channels : int, default 3
    num_classes : int, default 4
    channels : (c1, c2, c3), default (6, 12, 24)
        The encoder's widths (the decoder mirrors them).
    dtype : float32 or float64, default float32
    rng : numpy.random.Generator, optional
    seed : int, optional

    See Also
    --------
    SmallFCN : the same encoder with added score maps (page: Segmentation, ``segmentation.md``).

    Examples
    --------
    >>> net = SmallUNet(seed=0)
    >>> net.predict(np.zeros((2, 3, 16, 16))).shape
    (2, 4, 16, 16)
    >>> net.layers["Conv4"].W.shape                  # 2 c2 = 24 channels in: 12 up-sampled, 12 from the skip
    (12, 24, 3, 3)
    """

    def __init__(self, input_channels: int = 3, num_classes: int = 4, channels: Sequence[int] = (6, 12, 24), *,
                 dtype=np.float32, rng: np.random.Generator | None = None, seed: int | None = None) -> None:
        super().__init__(input_channels, num_classes, channels, dtype, rng, seed)
        c1, c2, c3 = self.channels
        self._encoder()
        self.up2 = self._up("Up2", c3, c2, 2)
        self.dec2 = [self._conv("Conv4", 2 * c2, c2, 3), self._add("Relu4", Relu())]
        self.up1 = self._up("Up1", c2, c1, 2)
        self.dec1 = [self._conv("Conv5", 2 * c1, c1, 3), self._add("Relu5", Relu())]
        self.score = self._conv("Score", c1, self.num_classes, 1)

    def _forward(self, x: np.ndarray) -> np.ndarray:
        f1, f2, f3 = self._encode(x)
        g2 = _run(self.dec2, np.concatenate([self.up2.forward(f3), f2], axis=1))   # (N, c2, H/2, W/2)
        g1 = _run(self.dec1, np.concatenate([self.up1.forward(g2), f1], axis=1))   # (N, c1, H, W)
        return self.score.forward(g1)                                               # (N, K, H, W)

    def _backward(self, ds: np.ndarray) -> None:
        c1, c2, _ = self.channels
        d = _run_backward(self.dec1, self.score.backward(ds))     # (N, 2 c1, H, W): split as concatenated
        dg2, df1 = self.up1.backward(d[:, :c1]), d[:, c1:]
        d = _run_backward(self.dec2, dg2)                          # (N, 2 c2, H/2, W/2)
        df3, df2 = self.up2.backward(d[:, :c2]), d[:, c2:]
        self._decode_backward([df1, df2, df3])
