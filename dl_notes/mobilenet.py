r"""MobileNet: the cost of a depthwise separable convolution and a small MobileNet-style network.

A standard K×K convolution from C to M channels, with an H×W output, performs H·W·K·K·C·M
multiply-adds. MobileNet (Howard et al., 2017) replaces it by a depthwise convolution (H·W·C·K·K)
followed by a pointwise one (H·W·C·M): the cost functions below are those formulas, and
`multiply_adds` reads what a layer actually computed from the shapes of its products, so that a
test can hold one to the other. `SmallMobileNet` stacks depthwise separable blocks
(`add_separable_block`) into a network with the course's interface.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ._checks import count, generator
from .conv import Convolution
from .depthwise import DepthwiseConvolution, PointwiseConvolution
from .init import init_weight
from .layers import Affine, BatchNormalization, Relu
from .nets import Network
from .pooling import GlobalAveragePooling
from .windows import conv_output_size

__all__ = ["standard_conv_cost", "depthwise_conv_cost", "pointwise_conv_cost", "separable_cost_ratio",
           "multiply_adds", "network_multiply_adds", "add_separable_block", "SmallMobileNet"]


def standard_conv_cost(H: int, W: int, C: int, M: int, K: int) -> int:
    r"""Multiply-adds of a standard K×K convolution from C to M channels with an H×W output.

    $$
    H \cdot W \cdot K \cdot K \cdot C \cdot M
    $$

    Each of the $H \cdot W \cdot M$ outputs is a sum over a K×K window of all C channels.

    Parameters
    ----------
    H, W : int
        The output's height and width.
    C, M : int
        Input and output channels.
    K : int
        The filter's size.

    Returns
    -------
    int

    Raises
    ------
    ValueError
        When a size is not a positive integer.

    See Also
    --------
    separable_cost_ratio : what a depthwise separable convolution costs in comparison (page:
        MobileNet, ``mobilenet.md``).

    Examples
    --------
    >>> standard_conv_cost(14, 14, 32, 64, 3)
    3612672
    """
    H, W, C, M, K = (count(name, v) for name, v in zip("HWCMK", (H, W, C, M, K)))
    return H * W * K * K * C * M


def depthwise_conv_cost(H: int, W: int, C: int, K: int) -> int:
    r"""Multiply-adds of a depthwise convolution: one K×K filter per channel, H×W output.

    $$
    H \cdot W \cdot C \cdot K \cdot K
    $$

    The answer (い) of the course's Day 4 confirmation test 1.

    Raises
    ------
    ValueError
        When a size is not a positive integer.

    See Also
    --------
    dl_notes.depthwise.DepthwiseConvolution : the layer whose ``mult_adds`` this is (page:
        MobileNet, ``mobilenet.md``).

    Examples
    --------
    >>> depthwise_conv_cost(14, 14, 32, 3)
    56448
    """
    H, W, C, K = (count(name, v) for name, v in zip("HWCK", (H, W, C, K)))
    return H * W * C * K * K


def pointwise_conv_cost(H: int, W: int, C: int, M: int) -> int:
    r"""Multiply-adds of a pointwise (1×1) convolution from C to M channels, H×W output.

    $$
    H \cdot W \cdot C \cdot M
    $$

    The answer (う) of the course's Day 4 confirmation test 1.

    Raises
    ------
    ValueError
        When a size is not a positive integer.

    See Also
    --------
    dl_notes.depthwise.PointwiseConvolution : the layer whose ``mult_adds`` this is (page:
        MobileNet, ``mobilenet.md``).

    Examples
    --------
    >>> pointwise_conv_cost(14, 14, 32, 64)
    401408
    """
    H, W, C, M = (count(name, v) for name, v in zip("HWCM", (H, W, C, M)))
    return H * W * C * M


def separable_cost_ratio(M: int, K: int) -> float:
    r"""Cost of a depthwise separable convolution relative to a standard one.

    $$
    \frac{H W C K^2 + H W C M}{H W K^2 C M} = \frac{1}{M} + \frac{1}{K^2}
    $$

    Independent of H, W and C. For large M it approaches $1/K^2$: with 3×3 filters a
    separable convolution costs a little more than a ninth.

    Raises
    ------
    ValueError
        When ``M`` or ``K`` is not a positive integer.

    See Also
    --------
    standard_conv_cost, depthwise_conv_cost, pointwise_conv_cost : the three costs (page:
        MobileNet, ``mobilenet.md``).

    Examples
    --------
    >>> round(separable_cost_ratio(64, 3), 4)
    0.1267
    """
    M, K = count("M", M), count("K", K)
    return 1 / M + 1 / (K * K)


def multiply_adds(layer: object) -> int:
    r"""Multiply-adds of a layer's last ``forward``, read from the operands of its products.

    $$
    (a \times b)\,(b \times c) \;\to\; a \cdot b \cdot c \ \text{multiply-adds}
    $$

    - `dl_notes.conv.Convolution`: per image, (FN, C·FH·FW) times its cached im2col columns
      (C·FH·FW, OH·OW);
    - `dl_notes.layers.Affine`: (N, D) times (D, M);
    - `dl_notes.depthwise.DepthwiseConvolution` and `dl_notes.depthwise.PointwiseConvolution`:
      their own count, ``mult_adds``;
    - any other layer (activation, normalisation, pooling): 0. These do a few operations per
      value, no weighted sums; the MobileNet paper counts only convolutions and fully connected
      layers as well.

    Returns
    -------
    int
        For the whole batch of the last ``forward``.

    Raises
    ------
    RuntimeError
        When a layer with products has not run ``forward`` yet.

    See Also
    --------
    network_multiply_adds : per image, summed over a network (page: MobileNet, ``mobilenet.md``).

    Examples
    --------
    >>> conv = Convolution(np.ones((4, 3, 3, 3)), np.zeros(4))
    >>> _ = conv.forward(np.ones((2, 3, 5, 5)))
    >>> multiply_adds(conv) == 2 * standard_conv_cost(3, 3, 3, 4, 3)
    True
    """
    if isinstance(layer, (DepthwiseConvolution, PointwiseConvolution)):
        return int(layer.mult_adds)
    if isinstance(layer, Convolution):
        if layer.cols is None:
            raise RuntimeError("multiply_adds: the Convolution has no forward pass cached; call forward first")
        N, CFF, OHOW = layer.cols.shape                                   # (N, C*FH*FW, OH*OW)
        return N * layer.W.shape[0] * CFF * OHOW
    if isinstance(layer, Affine):
        if layer.x is None:
            raise RuntimeError("multiply_adds: the Affine layer has no forward pass cached; call forward first")
        return layer.x.shape[0] * layer.x.shape[1] * layer.W.shape[1]     # (N, D) @ (D, M)
    return 0


def network_multiply_adds(net: Network, x: np.ndarray) -> float:
    r"""Multiply-adds per image of a network's forward pass: its layers' `multiply_adds` over N.

    $$
    \frac{1}{N} \sum_{\text{layers}} \text{multiply\_adds}(\text{layer})
    $$

    Runs ``net.predict(x)`` (inference) on the batch ``x`` of N images.

    See Also
    --------
    multiply_adds : one layer (page: MobileNet, ``mobilenet.md``).

    Examples
    --------
    >>> net = SmallMobileNet((1, 8, 8), stem_channels=2, blocks=((4, 1),), seed=0)
    >>> network_multiply_adds(net, np.zeros((3, 1, 8, 8)))   # stem 288, dw 288, pw 128, affine 40
    744.0
    """
    net.predict(x)
    N = len(x)
    return sum(multiply_adds(layer) for layer in net.layers.values()) / N


def add_separable_block(net: Network, index: int, C: int, M: int, *, K: int = 3, stride: int = 1,
                        rng: np.random.Generator, weight_init_std: float | str = "he") -> int:
    r"""Append MobileNet's depthwise separable block to ``net``; return the next parameter index.

    $$
    x \;\to\; \text{depthwise } K{\times}K \;\to\; \text{BN} \;\to\; \text{ReLU}
    \;\to\; \text{pointwise } 1{\times}1 \;\to\; \text{BN} \;\to\; \text{ReLU}
    $$

    Layers ``DepthwiseConv{i}``, ``BatchNorm{i}``, ``Relu{i}``, ``PointwiseConv{i+1}``,
    ``BatchNorm{i+1}``, ``Relu{i+1}`` with parameters ``W{i}``, ``gamma{i}``, ``beta{i}``,
    ``W{i+1}``, ``gamma{i+1}``, ``beta{i+1}`` for ``i = index``. The convolutions have no bias:
    the batch normalisation after each subtracts the mean and adds its own $\beta$. The
    depthwise convolution carries the stride, with ``pad = K // 2`` (same size at stride 1).

    Parameters
    ----------
    net : Network
    index : int
        The number in the first new keys.
    C, M : int
        Input and output channels.
    K, stride : int, default 3 and 1
    rng : numpy.random.Generator
    weight_init_std : float or str, default "he"

    Returns
    -------
    int
        ``index + 2``.

    See Also
    --------
    SmallMobileNet : a network of these blocks (page: MobileNet, ``mobilenet.md``).

    Examples
    --------
    >>> net = Network()
    >>> add_separable_block(net, 1, 4, 8, rng=np.random.default_rng(0))
    3
    >>> list(net.params)
    ['W1', 'gamma1', 'beta1', 'W2', 'gamma2', 'beta2']
    """
    C, M, K, stride = count("C", C), count("M", M), count("K", K), count("stride", stride)
    dtype = net.dtype

    def norm(i: int, channels: int) -> None:
        net.add_layer(f"BatchNorm{i}", BatchNormalization(np.ones(channels, dtype), np.zeros(channels, dtype)),
                      gamma=f"gamma{i}", beta=f"beta{i}")
        net.add_layer(f"Relu{i}", Relu())

    W = init_weight((C, 1, K, K), weight_init_std, rng=rng, dtype=dtype)
    net.add_layer(f"DepthwiseConv{index}", DepthwiseConvolution(W, None, stride, K // 2), W=f"W{index}")
    norm(index, C)
    W = init_weight((M, C, 1, 1), weight_init_std, rng=rng, dtype=dtype)
    net.add_layer(f"PointwiseConv{index + 1}", PointwiseConvolution(W), W=f"W{index + 1}")
    norm(index + 1, M)
    return index + 2


class SmallMobileNet(Network):
    r"""A small MobileNet-style network: a convolution, depthwise separable blocks, average pooling, Affine.

    $$
    x \to \text{conv } K{\times}K / 2 \to \text{BN} \to \text{ReLU}
    \to \underbrace{[\text{dw} \to \text{BN} \to \text{ReLU} \to \text{pw} \to \text{BN} \to \text{ReLU}]}_{\text{each block}}
    \to \text{GAP} \to \text{Affine}
    $$

    The layout of MobileNet (Howard et al., 2017), scaled down to MNIST: a first standard
    convolution with stride 2 (``pad = K // 2``), `add_separable_block` for each ``(M, stride)``
    of ``blocks``, global average pooling (`dl_notes.pooling.GlobalAveragePooling`) and one
    Affine layer to the classes. Parameters ``W1``, ``gamma1``, ``beta1`` (the first convolution,
    whose bias the batch normalisation makes useless and is not a parameter), then two indices
    per block, then ``W``/``b`` of the Affine layer.

    Parameters
    ----------
    input_dim : (C, H, W), default (1, 28, 28)
    stem_channels : int, default 8
        Channels of the first convolution.
    blocks : sequence of (M, stride), default ((16, 1), (32, 2), (64, 1))
    output_size : int, default 10
    kernel_size : int, default 3
    weight_init_std : float or str, default "he"
    dtype : float32 or float64, default float32
    rng : numpy.random.Generator, optional
        Or ``seed``.
    seed : int, optional

    Raises
    ------
    ValueError
        When ``blocks`` is empty or a size is not a positive integer.

    See Also
    --------
    dl_notes.nets.SimpleConvNet : the course's network it is compared with (page: MobileNet,
        ``mobilenet.md``).

    Examples
    --------
    >>> net = SmallMobileNet(seed=0)
    >>> [key for key in net.params if key.startswith("W")]
    ['W1', 'W2', 'W3', 'W4', 'W5', 'W6', 'W7', 'W8']
    >>> sum(p.size for p in net.params.values())
    4266
    >>> net.predict(np.zeros((2, 1, 28, 28))).shape
    (2, 10)
    """

    def __init__(self, input_dim: tuple[int, int, int] = (1, 28, 28), stem_channels: int = 8,
                 blocks: Sequence[tuple[int, int]] = ((16, 1), (32, 2), (64, 1)), output_size: int = 10,
                 kernel_size: int = 3, weight_init_std: float | str = "he", *, dtype=np.float32,
                 rng: np.random.Generator | None = None, seed: int | None = None) -> None:
        super().__init__(dtype=dtype)
        C, H, W = (count(f"input_dim[{i}]", n) for i, n in enumerate(input_dim))
        K, F = count("kernel_size", kernel_size), count("stem_channels", stem_channels)
        self.output_size = count("output_size", output_size)
        if not blocks:
            raise ValueError("SmallMobileNet: blocks must hold at least one (M, stride) pair, got none")
        conv_output_size(H, K, 2, K // 2), conv_output_size(W, K, 2, K // 2)  # raises if the input is too small
        rng = generator(rng, seed)
        dtype = self.dtype
        stem = Convolution(init_weight((F, C, K, K), weight_init_std, rng=rng, dtype=dtype), np.zeros(F, dtype),
                           stride=2, pad=K // 2, input_grad=False)  # the data needs no gradient
        self.add_layer("Conv1", stem, W="W1")
        self.add_layer("BatchNorm1", BatchNormalization(np.ones(F, dtype), np.zeros(F, dtype)),
                       gamma="gamma1", beta="beta1")
        self.add_layer("Relu1", Relu())
        index, channels = 2, F
        for M, stride in blocks:
            index = add_separable_block(self, index, channels, M, K=K, stride=stride, rng=rng,
                                        weight_init_std=weight_init_std)
            channels = M
        self.add_layer("GlobalAvgPool", GlobalAveragePooling())
        self.add_layer("Affine", Affine(init_weight((channels, self.output_size), weight_init_std, rng=rng,
                                                    dtype=dtype), np.zeros(self.output_size, dtype)),
                       W=f"W{index}", b=f"b{index}")

    def accuracy(self, x: np.ndarray, t: np.ndarray, batch_size: int | None = 100) -> float:
        """As `dl_notes.nets.SimpleConvNet.accuracy`: in batches of 100 by default."""
        return super().accuracy(x, t, batch_size)
