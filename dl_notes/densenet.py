r"""DenseNet: dense blocks, whose layers see the concatenation of all earlier outputs, and transition layers.

In a dense block (Huang et al., 2017) layer $l$ takes the block's input and the outputs of
layers $1, \dots, l-1$, concatenated along the channel axis, and adds $k$ new channels (the
growth rate): it sees $k_0 + k(l - 1)$ channels. A transition layer between two blocks
(BN, ReLU, 1×1 convolution, 2×2 average pooling) halves the height and width and, with a
compression $\theta < 1$, the channels. The layers are built from `dl_notes.normalization`,
`dl_notes.conv` and `dl_notes.pooling`, follow the course's layer interface, and expose their
parameters as attributes named in ``parameter_names`` (gradients under ``"d" + name`` after
``backward``), so that `dl_notes.nets.Network.add_layer` can put them into ``params``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ._checks import count, forward_cache, generator, image_batch, positive, upstream_gradient
from .conv import Convolution
from .init import init_weight
from .layers import Relu
from .normalization import BatchNormalization
from .pooling import Pooling

__all__ = ["input_channels", "dense_layer_parameters", "dense_block_parameters", "transition_parameters",
           "densenet_parameters", "DenseLayer", "DenseBlock", "TransitionLayer", "ConvStack"]


def input_channels(k0: int, growth_rate: int, l: int) -> int:  # noqa: E741  (the paper's l)
    r"""The channels that layer $l$ of a dense block sees: the input's and those of the $l - 1$ layers before it.

    $$
    c_l = k_0 + k\,(l - 1)
    $$

    ``l = L + 1`` gives the block's output, $k_0 + kL$ channels.

    See Also
    --------
    DenseBlock : the block (page: DenseNet).

    Examples
    --------
    >>> [input_channels(64, 32, l) for l in (1, 2, 3, 4, 5)]
    [64, 96, 128, 160, 192]
    """
    return count("k0", k0) + count("growth_rate", growth_rate) * (count("l", l) - 1)


def dense_layer_parameters(in_channels: int, growth_rate: int, *, bottleneck: bool = False) -> int:
    r"""Parameters of one `DenseLayer`: BN ($\gamma$, $\beta$) and a 3×3 convolution with biases.

    $$
    P_\text{layer}(c) = 2c + 9ck + k, \qquad
    P_\text{layer}^\text{B}(c) = 2c + 4kc + 4k + 2 \cdot 4k + 9 \cdot 4k \cdot k + k
    $$

    The second is DenseNet-B: a 1×1 convolution to $4k$ channels (with its BN) first.

    See Also
    --------
    DenseLayer : the layer counted (page: DenseNet).

    Examples
    --------
    >>> dense_layer_parameters(64, 32), dense_layer_parameters(64, 32, bottleneck=True)
    (18592, 45600)
    """
    c, k = count("in_channels", in_channels), count("growth_rate", growth_rate)
    if bottleneck:
        return 2 * c + 4 * k * c + 4 * k + 2 * 4 * k + 9 * 4 * k * k + k
    return 2 * c + 9 * c * k + k


def dense_block_parameters(num_layers: int, k0: int, growth_rate: int, *, bottleneck: bool = False) -> int:
    r"""Parameters of a `DenseBlock`: its layers' with the channels each one sees.

    $$
    P_\text{block} = \sum_{l=1}^{L} P_\text{layer}\bigl(k_0 + k(l - 1)\bigr)
    $$

    See Also
    --------
    DenseBlock : the block counted (page: DenseNet).

    Examples
    --------
    >>> dense_block_parameters(4, 64, 32)       # d2l's first block
    130048
    """
    L = count("num_layers", num_layers)
    return sum(dense_layer_parameters(input_channels(k0, growth_rate, l), growth_rate, bottleneck=bottleneck)
               for l in range(1, L + 1))


def transition_parameters(in_channels: int, out_channels: int) -> int:
    r"""Parameters of a `TransitionLayer`: BN and a 1×1 convolution with biases (pooling has none).

    $$
    P_\text{trans} = 2c + c\,c' + c', \qquad c' = \lfloor \theta c \rfloor
    $$

    See Also
    --------
    TransitionLayer : the layer counted (page: DenseNet).

    Examples
    --------
    >>> transition_parameters(192, 96)
    18912
    """
    c, c_out = count("in_channels", in_channels), count("out_channels", out_channels)
    return 2 * c + c * c_out + c_out


def densenet_parameters(num_channels: int = 64, growth_rate: int = 32, arch: Sequence[int] = (4, 4, 4, 4), *,
                        in_channels: int = 1, num_classes: int = 10) -> int:
    r"""Parameters of d2l's ``DenseNet(num_channels, growth_rate, arch)``, the sum of its parts.

    A 7×7 convolution to ``num_channels`` with BN (then max pooling), the dense blocks of
    ``arch`` with a transition layer halving the channels between two blocks, BN and an Affine
    layer after global average pooling:

    $$
    P = (49 C_\text{in} c_0 + c_0) + 2c_0 + \sum_b P_\text{block}^{(b)} + \sum_b P_\text{trans}^{(b)}
      + 2c + (c K + K)
    $$

    with $c$ the channels after the last block and $K$ the classes. The PyTorch reference
    (``dl_notes_references densenet``) records the count of d2l's model for the default
    arguments, on one input channel (Fashion-MNIST) and 10 classes.

    Raises
    ------
    ValueError
        If a count is not a positive integer.

    See Also
    --------
    dense_block_parameters, transition_parameters : the parts (page: DenseNet).

    Examples
    --------
    >>> densenet_parameters()
    758226
    """
    c = count("num_channels", num_channels)
    C, K = count("in_channels", in_channels), count("num_classes", num_classes)
    total = 49 * C * c + c + 2 * c
    for i, L in enumerate(arch):
        total += dense_block_parameters(L, c, growth_rate)
        c = input_channels(c, growth_rate, L + 1)
        if i != len(arch) - 1:
            total += transition_parameters(c, c // 2)
            c //= 2
    return total + 2 * c + c * K + K


class _Composite:
    """Sublayers whose parameters are exposed as attributes (``parameter_names``) of the whole."""

    parameter_names: tuple[str, ...] = ()

    def _expose(self, owners: dict[str, tuple[object, str]]) -> None:
        self._owners = owners
        self.parameter_names = tuple(owners)
        for name, (layer, attribute) in owners.items():
            setattr(self, name, getattr(layer, attribute))
            setattr(self, "d" + name, None)

    def _collect_gradients(self) -> None:
        for name, (layer, attribute) in self._owners.items():
            setattr(self, "d" + name, getattr(layer, "d" + attribute))

    def _run(self, where: str, x: np.ndarray, train_flg: bool) -> np.ndarray:
        """The sublayers in order; batch normalisation gets ``train_flg``."""
        x = image_batch(where, x, self.dtype)
        for layer in self.layers:
            x = layer.forward(x, train_flg) if isinstance(layer, BatchNormalization) else layer.forward(x)
        return x

    def _run_backward(self, dout: np.ndarray) -> np.ndarray:
        for layer in reversed(self.layers):
            dout = layer.backward(dout)
        self._collect_gradients()
        return dout

    @property
    def params(self) -> dict[str, np.ndarray]:
        """The parameters by name: the very arrays the sublayers use."""
        return {name: getattr(self, name) for name in self.parameter_names}


def _bn_relu_conv(C: int, FN: int, F: int, rng: np.random.Generator, dtype) -> list:
    """BN → ReLU → F×F convolution (He initialisation, zero biases, 'same' padding)."""
    bn = BatchNormalization(np.ones(C, dtype), np.zeros(C, dtype))
    conv = Convolution(init_weight((FN, C, F, F), "he", rng=rng, dtype=dtype), np.zeros(FN, dtype), pad=(F - 1) // 2)
    return [bn, Relu(), conv]


class DenseLayer(_Composite):
    r"""One layer of a dense block: BN → ReLU → 3×3 convolution to $k$ channels (pre-activation order).

    $$
    y = W * \mathrm{ReLU}\bigl(\mathrm{BN}(x)\bigr) + b
    $$

    With ``bottleneck=True`` (DenseNet-B) a BN → ReLU → 1×1 convolution to $4k$ channels comes
    first, so that the 3×3 convolution sees $4k$ channels however many the input has.

    Parameters
    ----------
    in_channels : int
        $c$, the channels of the input.
    growth_rate : int
        $k$, the channels of the output.
    bottleneck : bool, default False
    dtype : float32 or float64, default float32
    rng : numpy.random.Generator, optional
        Or ``seed``; draws the He-initialised filters.
    seed : int, optional

    Attributes
    ----------
    parameter_names : tuple of str
        ``("gamma", "beta", "W", "b")``; with a bottleneck ``gamma1`` ... ``b1`` (1×1) and
        ``gamma2`` ... ``b2`` (3×3). Each is an attribute, its gradient ``d<name>``.

    See Also
    --------
    DenseBlock : the layers chained by concatenation (page: DenseNet).
    dense_layer_parameters : their number.

    Examples
    --------
    >>> layer = DenseLayer(3, 2, dtype=np.float64, seed=0)
    >>> layer.parameter_names, layer.W.shape
    (('gamma', 'beta', 'W', 'b'), (2, 3, 3, 3))
    >>> layer.forward(np.ones((2, 3, 4, 4))).shape
    (2, 2, 4, 4)
    >>> sum(p.size for p in layer.params.values()) == dense_layer_parameters(3, 2)
    True
    """

    def __init__(self, in_channels: int, growth_rate: int, *, bottleneck: bool = False, dtype=np.float32,
                 rng: np.random.Generator | None = None, seed: int | None = None) -> None:
        c, k = count("in_channels", in_channels), count("growth_rate", growth_rate)
        rng, dtype = generator(rng, seed), np.dtype(dtype)
        self.in_channels, self.growth_rate, self.dtype = c, k, dtype
        if bottleneck:
            self.layers = _bn_relu_conv(c, 4 * k, 1, rng, dtype) + _bn_relu_conv(4 * k, k, 3, rng, dtype)
            names = [f"{p}{j}" for j in (1, 2) for p in ("gamma", "beta", "W", "b")]
        else:
            self.layers = _bn_relu_conv(c, k, 3, rng, dtype)
            names = ["gamma", "beta", "W", "b"]
        sources = [(layer, a) for layer in self.layers for a in ("gamma", "beta", "W", "b") if hasattr(layer, a)]
        self._expose(dict(zip(names, sources)))

    def forward(self, x: np.ndarray, train_flg: bool = True) -> np.ndarray:
        """The $k$ new channels, shape (N, k, H, W)."""
        return self._run("DenseLayer.forward", x, train_flg)

    def backward(self, dout: np.ndarray) -> np.ndarray:
        """dL/dx, shape (N, c, H, W); stores the parameters' gradients."""
        return self._run_backward(dout)


class DenseBlock(_Composite):
    r"""$L$ dense layers, layer $l$ fed the channel concatenation of the input and all earlier outputs.

    $$
    x_l = H_l\bigl([x_0, x_1, \dots, x_{l-1}]\bigr), \qquad
    \text{output} = [x_0, x_1, \dots, x_L]
    $$

    $[\cdot]$ concatenates along the channels; $x_0$ is the block's input ($k_0$ channels) and
    each $H_l$ a `DenseLayer` adding $k$, so the output has $k_0 + kL$ channels and the same
    height and width. Backward, the gradient of the output is split along the channels: layer
    $l$ gets the slice of $x_l$, which holds the loss's direct share and what the later layers
    have already sent back, and its input gradient is added to the slices of $x_0, \dots, x_{l-1}$.
    Every layer's output reaches the block's output directly, and so the loss.

    Parameters
    ----------
    num_layers : int
        $L$.
    in_channels : int
        $k_0$.
    growth_rate : int
        $k$.
    bottleneck : bool, default False
        DenseNet-B layers.
    dtype, rng, seed
        As for `DenseLayer`.

    Attributes
    ----------
    parameter_names : tuple of str
        Layer $l$'s parameters with $l$ appended (``gamma1``, ``beta1``, ``W1``, ``b1``,
        ``gamma2``, ...; with bottlenecks ``W1_1``, ``W1_2``, ...).

    See Also
    --------
    input_channels : the channels layer $l$ sees (page: DenseNet).
    TransitionLayer : what comes between two blocks.

    Examples
    --------
    >>> block = DenseBlock(3, 4, 2, dtype=np.float64, seed=0)
    >>> [layer.in_channels for layer in block.layers], block.out_channels
    ([4, 6, 8], 10)
    >>> x = np.random.default_rng(0).standard_normal((2, 4, 5, 5))
    >>> y = block.forward(x)
    >>> y.shape, bool((y[:, :4] == x).all())          # the input is the first 4 channels
    ((2, 10, 5, 5), True)
    """

    def __init__(self, num_layers: int, in_channels: int, growth_rate: int, *, bottleneck: bool = False,
                 dtype=np.float32, rng: np.random.Generator | None = None, seed: int | None = None) -> None:
        L, k0, k = count("num_layers", num_layers), count("in_channels", in_channels), count("growth_rate", growth_rate)
        rng, self.dtype = generator(rng, seed), np.dtype(dtype)
        self.in_channels, self.growth_rate = k0, k
        self.out_channels = input_channels(k0, k, L + 1)
        self.layers = [DenseLayer(input_channels(k0, k, l), k, bottleneck=bottleneck, dtype=dtype, rng=rng)
                       for l in range(1, L + 1)]
        suffix = "_" if bottleneck else ""
        self._expose({_numbered(name, l, suffix): (layer, name)
                      for l, layer in enumerate(self.layers, 1) for name in layer.parameter_names})
        self.x_shape: tuple[int, ...] | None = None

    def forward(self, x: np.ndarray, train_flg: bool = True) -> np.ndarray:
        """$[x_0, \\dots, x_L]$, shape (N, k0 + kL, H, W)."""
        x = image_batch("DenseBlock.forward", x, self.dtype)
        N, C, H, W = x.shape
        if C != self.in_channels:
            raise ValueError(f"DenseBlock.forward: x has {C} channels (shape {x.shape}), but the block was built "
                             f"for in_channels = {self.in_channels}")
        out = np.empty((N, self.out_channels, H, W), dtype=self.dtype)   # filled channel slice by slice
        out[:, :C] = x
        for layer in self.layers:
            c = layer.in_channels
            out[:, c:c + self.growth_rate] = layer.forward(out[:, :c], train_flg)
        self.x_shape = x.shape
        return out

    def backward(self, dout: np.ndarray) -> np.ndarray:
        """dL/dx, shape (N, k0, H, W): the input's slice after every layer has added its share."""
        N, _, H, W = forward_cache("DenseBlock.backward", self.x_shape)
        dout = upstream_gradient("DenseBlock.backward", dout, (N, self.out_channels, H, W), self.dtype)
        dfeatures = dout.copy()                                           # (N, k0 + kL, H, W), summed into
        for layer in reversed(self.layers):
            c = layer.in_channels
            dfeatures[:, :c] += layer.backward(dfeatures[:, c:c + self.growth_rate])
        self._collect_gradients()
        return dfeatures[:, :self.in_channels]


def _numbered(name: str, l: int, suffix: str) -> str:
    """``W`` of layer 3 → ``W3``; ``W1`` of layer 3 with bottlenecks → ``W3_1``."""
    if suffix:
        return f"{name[:-1]}{l}_{name[-1]}"
    return f"{name}{l}"


class TransitionLayer(_Composite):
    r"""Between two dense blocks: BN → ReLU → 1×1 convolution to $\lfloor \theta c \rfloor$ channels → 2×2 average pooling.

    $$
    y = \operatorname{avgpool}_{2 \times 2}\Bigl(W * \mathrm{ReLU}\bigl(\mathrm{BN}(x)\bigr) + b\Bigr),
    \qquad c' = \lfloor \theta c \rfloor
    $$

    The pooling halves the height and width (rounding down), which the blocks cannot do: their
    concatenation needs maps of one size. The compression $\theta$ (DenseNet-C: 0.5) keeps the
    channels, which every block adds to, from growing from block to block.

    Parameters
    ----------
    in_channels : int
        $c$.
    compression : float, default 1.0
        $\theta \in (0, 1]$.
    dtype, rng, seed
        As for `DenseLayer`.

    Attributes
    ----------
    parameter_names : tuple of str
        ``("gamma", "beta", "W", "b")``.

    See Also
    --------
    transition_parameters : their number (page: DenseNet).

    Examples
    --------
    >>> layer = TransitionLayer(10, compression=0.5, dtype=np.float64, seed=0)
    >>> layer.out_channels, layer.forward(np.ones((2, 10, 7, 7))).shape
    (5, (2, 5, 3, 3))
    """

    def __init__(self, in_channels: int, compression: float = 1.0, *, dtype=np.float32,
                 rng: np.random.Generator | None = None, seed: int | None = None) -> None:
        c = count("in_channels", in_channels)
        theta = positive("compression", compression)
        if theta > 1:
            raise ValueError(f"compression must be in (0, 1] (theta, the share of channels kept), got {compression!r}")
        self.in_channels, self.out_channels, self.dtype = c, max(1, int(theta * c)), np.dtype(dtype)
        self.layers = _bn_relu_conv(c, self.out_channels, 1, generator(rng, seed), self.dtype) + [Pooling(2, 2, mode="avg")]
        self._expose({name: (self.layers[0 if name in ("gamma", "beta") else 2], name) for name in ("gamma", "beta", "W", "b")})

    def forward(self, x: np.ndarray, train_flg: bool = True) -> np.ndarray:
        """Shape (N, c', H // 2, W // 2)."""
        return self._run("TransitionLayer.forward", x, train_flg)

    def backward(self, dout: np.ndarray) -> np.ndarray:
        """dL/dx, shape (N, c, H, W); stores the parameters' gradients."""
        return self._run_backward(dout)


class ConvStack(_Composite):
    r"""$L$ `DenseLayer` units chained without concatenation: plain, or with identity shortcuts (residual).

    $$
    \text{plain: } x_l = H_l(x_{l-1}), \qquad \text{residual: } x_l = x_{l-1} + H_l(x_{l-1})
    $$

    The comparison of the DenseNet page: the same units, the same depth, connected differently.
    Every unit outputs $k$ channels; with ``shortcut=True`` the input must have $k$ channels too.

    Parameters
    ----------
    num_layers, in_channels, growth_rate : int
        $L$, the input's channels, $k$.
    shortcut : bool, default False
    dtype, rng, seed
        As for `DenseLayer`.

    Raises
    ------
    ValueError
        With ``shortcut=True``, if ``in_channels`` differs from ``growth_rate``.

    See Also
    --------
    DenseBlock : the same units connected by concatenation (page: DenseNet).

    Examples
    --------
    >>> stack = ConvStack(3, 4, 4, shortcut=True, dtype=np.float64, seed=0)
    >>> stack.forward(np.ones((2, 4, 5, 5))).shape, stack.parameter_names[:4]
    ((2, 4, 5, 5), ('gamma1', 'beta1', 'W1', 'b1'))
    """

    def __init__(self, num_layers: int, in_channels: int, growth_rate: int, *, shortcut: bool = False,
                 dtype=np.float32, rng: np.random.Generator | None = None, seed: int | None = None) -> None:
        L, c, k = count("num_layers", num_layers), count("in_channels", in_channels), count("growth_rate", growth_rate)
        if shortcut and c != k:
            raise ValueError(f"ConvStack: identity shortcuts need in_channels == growth_rate, got {c} and {k}")
        rng, self.dtype, self.shortcut = generator(rng, seed), np.dtype(dtype), bool(shortcut)
        self.in_channels, self.out_channels = c, k
        self.layers = [DenseLayer(c if l == 1 else k, k, dtype=dtype, rng=rng) for l in range(1, L + 1)]
        self._expose({f"{name}{l}": (layer, name) for l, layer in enumerate(self.layers, 1) for name in layer.parameter_names})

    def forward(self, x: np.ndarray, train_flg: bool = True) -> np.ndarray:
        """$x_L$, shape (N, k, H, W)."""
        x = image_batch("ConvStack.forward", x, self.dtype)
        for layer in self.layers:
            x = x + layer.forward(x, train_flg) if self.shortcut else layer.forward(x, train_flg)
        return x

    def backward(self, dout: np.ndarray) -> np.ndarray:
        """dL/dx; with shortcuts each unit's input gets its gradient through the unit and around it."""
        for layer in reversed(self.layers):
            dout = dout + layer.backward(dout) if self.shortcut else layer.backward(dout)
        self._collect_gradients()
        return dout
