r"""Quantisation: floating-point formats, rounding to fewer bits, and uniform k-bit integers.

Two ways to store a weight in fewer bits. A shorter floating-point format (float16,
bfloat16) keeps a sign, an exponent and a shorter significand: the relative precision drops,
the range depends on the exponent bits. **Uniform affine quantisation** maps a tensor's range
onto the $2^k$ integers $0, \dots, 2^k - 1$ with one scale $s$ and one zero point $z$ per
tensor; a weight is then stored as a k-bit integer and read back as $s(q - z)$.

The page "Lightweighting" (``compression.md``) teaches both and measures what they do to the
accuracy of trained MNIST networks.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Mapping
from typing import NamedTuple

import numpy as np

from ._checks import count, one_of

__all__ = [
    "FloatFormat", "FLOAT_FORMATS", "memory_bytes", "to_bfloat16", "to_float16", "round_to_format",
    "calculate_qparams", "quantize", "dequantize", "fake_quantize", "quantize_network", "quantized_bytes",
]


class FloatFormat(NamedTuple):
    r"""A binary floating-point format: how many bits hold the sign, the exponent and the significand.

    A normal number is $(-1)^{\text{sign}} \cdot 1.f \cdot 2^{e - \text{bias}}$ with $p$ stored
    significand bits $f$ and the bias $2^{E-1} - 1$ for $E$ exponent bits. Hence

    $$
    \varepsilon = 2^{-p}, \qquad
    x_{\max} = (2 - 2^{-p}) \cdot 2^{2^{E-1} - 1}, \qquad
    x_{\min} = 2^{2 - 2^{E-1}}
    $$

    ($\varepsilon$ the machine epsilon, the gap between 1 and the next number; rounding to
    nearest errs by at most $\varepsilon / 2$ relative to the value; $x_{\min}$ the smallest
    normal number).

    Attributes
    ----------
    name : str
    sign, exponent, significand : int
        Bits of each field (the leading 1 of the significand is not stored).

    See Also
    --------
    FLOAT_FORMATS : float64, float32, float16, bfloat16 (page: Lightweighting, ``compression.md``).

    Examples
    --------
    >>> f = FLOAT_FORMATS["float16"]
    >>> f.bits, f.bytes, f.epsilon, f.max
    (16, 2, 0.0009765625, 65504.0)
    >>> FLOAT_FORMATS["bfloat16"].epsilon, FLOAT_FORMATS["bfloat16"].max == FLOAT_FORMATS["float32"].max
    (0.0078125, False)
    """

    name: str
    sign: int
    exponent: int
    significand: int

    @property
    def bits(self) -> int:
        """Total bits: sign + exponent + significand."""
        return self.sign + self.exponent + self.significand

    @property
    def bytes(self) -> int:
        """Bytes per number (bits / 8)."""
        return self.bits // 8

    @property
    def epsilon(self) -> float:
        r"""Machine epsilon $2^{-p}$: the gap between 1 and the next representable number."""
        return 2.0 ** -self.significand

    @property
    def max(self) -> float:
        r"""The largest finite number, $(2 - 2^{-p}) \cdot 2^{2^{E-1} - 1}$."""
        return (2.0 - 2.0 ** -self.significand) * 2.0 ** (2 ** (self.exponent - 1) - 1)

    @property
    def tiny(self) -> float:
        r"""The smallest positive normal number, $2^{2 - 2^{E-1}}$."""
        return 2.0 ** (2 - 2 ** (self.exponent - 1))


FLOAT_FORMATS: dict[str, FloatFormat] = {
    "float64": FloatFormat("float64", 1, 11, 52),   # IEEE 754 double precision
    "float32": FloatFormat("float32", 1, 8, 23),    # IEEE 754 single precision
    "float16": FloatFormat("float16", 1, 5, 10),    # IEEE 754 half precision
    "bfloat16": FloatFormat("bfloat16", 1, 8, 7),   # Google Brain's: float32's exponent, 7 significand bits
}
"""The formats of the page, by name: IEEE 754 float64, float32 and float16, and bfloat16 (see `FloatFormat`)."""


def _format(fmt: str | FloatFormat) -> FloatFormat:
    if isinstance(fmt, FloatFormat):
        return fmt
    return FLOAT_FORMATS[one_of("fmt", fmt, tuple(FLOAT_FORMATS))]


def memory_bytes(n_params: int, fmt: str | FloatFormat = "float32") -> int:
    r"""Bytes to store ``n_params`` numbers in the format ``fmt``.

    $$
    \text{bytes} = n \cdot \frac{\text{bits}}{8}
    $$

    Parameters
    ----------
    n_params : int
        How many numbers (parameters), >= 0.
    fmt : str or FloatFormat, default "float32"
        ``"float64"``, ``"float32"``, ``"float16"`` or ``"bfloat16"``.

    Returns
    -------
    int

    Raises
    ------
    ValueError
        For a negative count or an unknown format.

    See Also
    --------
    FLOAT_FORMATS : the formats (page: Lightweighting, ``compression.md``).

    Examples
    --------
    The course's "1,024³ float64 parameters take 8 GB": precisely $2^{33}$ bytes, 8 GiB.

    >>> n = 1024 ** 3
    >>> memory_bytes(n, "float64") == 2 ** 33, memory_bytes(n, "float64") / 2 ** 30
    (True, 8.0)
    >>> [memory_bytes(n, f) / 2 ** 30 for f in ("float32", "bfloat16")]
    [4.0, 2.0]
    """
    return count("n_params", n_params, 0) * _format(fmt).bits // 8


def to_bfloat16(x: np.ndarray) -> np.ndarray:
    r"""Round float32 values to bfloat16 precision (round to nearest, ties to even), as float32.

    bfloat16 is the upper 16 bits of a float32: the same sign and 8 exponent bits, 7 of the 23
    significand bits. Rounding adds half of the dropped part's range to the bit pattern $b$ and
    clears the low 16 bits; the added $\text{0x7FFF} + \text{lsb}$ (``lsb`` the lowest kept bit)
    makes an exact tie round to the even neighbour.

    $$
    b' = \bigl(b + \text{0x7FFF} + \lfloor b / 2^{16} \rfloor \bmod 2\bigr) \mathbin{\&} \text{0xFFFF0000}
    $$

    A value past bfloat16's largest number rounds to infinity, as in hardware; NaN stays NaN.

    Parameters
    ----------
    x : ndarray
        Float32 values (other floating dtypes are converted to float32 first).

    Returns
    -------
    ndarray of float32
        The nearest bfloat16 numbers, stored as float32 (the low 16 bits are zero).

    See Also
    --------
    to_float16 : the IEEE half-precision counterpart (page: Lightweighting, ``compression.md``).

    Examples
    --------
    >>> to_bfloat16(np.array([1.0, 1 + 2 ** -8, 1 + 3 * 2 ** -8, 3.14159265], dtype=np.float32)).tolist()
    [1.0, 1.0, 1.015625, 3.140625]
    >>> to_bfloat16(np.array([70000.0, 3 * 2.0 ** 100], dtype=np.float32)).tolist() == [70144.0, 3 * 2.0 ** 100]
    True
    """
    x = np.asarray(x, dtype=np.float32)
    b = x.view(np.uint32).astype(np.uint64)   # wider, so that the addition cannot wrap around
    rounded = ((b + 0x7FFF + ((b >> 16) & 1)) & 0xFFFF0000).astype(np.uint32)
    y = rounded.view(np.float32).copy()
    y[np.isnan(x)] = np.nan
    return y


def to_float16(x: np.ndarray) -> np.ndarray:
    r"""Round values to IEEE float16 precision (round to nearest, ties to even), returned as float32.

    float16 has 5 exponent bits: its largest number is $(2 - 2^{-10}) \cdot 2^{15} = 65{,}504$;
    larger values become infinity and values below about $6 \cdot 10^{-8}$ become zero.

    Parameters
    ----------
    x : ndarray
        Floating-point values.

    Returns
    -------
    ndarray of float32

    See Also
    --------
    to_bfloat16 : same 16 bits, float32's range (page: Lightweighting, ``compression.md``).

    Examples
    --------
    >>> to_float16(np.array([1 + 2 ** -11, 3.14159265, 65504, 70000], dtype=np.float32)).tolist()
    [1.0, 3.140625, 65504.0, inf]
    """
    with np.errstate(over="ignore"):  # overflow to inf is the lesson, not an accident
        return np.asarray(x).astype(np.float16).astype(np.float32)


def round_to_format(x: np.ndarray, fmt: str | FloatFormat) -> np.ndarray:
    r"""Round ``x`` to the precision of ``fmt``; float32 and float64 return ``x`` in that dtype.

    Examples
    --------
    >>> x = np.array([0.1], dtype=np.float32)
    >>> [float(round_to_format(x, f)[0]) for f in ("float32", "float16", "bfloat16")]
    [0.10000000149011612, 0.0999755859375, 0.10009765625]
    """
    name = _format(fmt).name
    if name == "bfloat16":
        return to_bfloat16(x)
    if name == "float16":
        return to_float16(x)
    return np.asarray(x, dtype=name)


def _bits(bits: int, symmetric: bool) -> int:
    bits = count("bits", bits, 2 if symmetric else 1)
    if bits > 16:
        raise ValueError(f"bits must be at most 16 (integers up to uint16), got {bits}")
    return bits


def calculate_qparams(x: np.ndarray, bits: int, symmetric: bool = False) -> tuple[float, int]:
    r"""Scale and zero point that map the range of ``x`` onto the integers $0, \dots, 2^k - 1$.

    The range is widened to include 0, so that 0 (a zero weight, a pruned weight, zero padding)
    is stored exactly:

    $$
    s = \frac{\max - \min}{2^k - 1}, \qquad
    z = \operatorname{clip}\Bigl(\operatorname{round}\Bigl(-\frac{\min}{s}\Bigr), 0, 2^k - 1\Bigr)
    $$

    with $\min = \min(x_{\min}, 0)$, $\max = \max(x_{\max}, 0)$. With ``symmetric=True``,
    $s = \max|x| / (2^{k-1} - 1)$ and $z = 2^{k-1}$ (the integers stand for
    $-(2^{k-1} - 1), \dots, 2^{k-1} - 1$ around the zero point; $2^{k-1}$ pairs with no value below).
    An all-zero tensor gets $s = 1$.

    Parameters
    ----------
    x : ndarray
        The tensor (one scale and zero point for all of it: per-tensor quantisation).
    bits : int
        $k$, from 1 (2 from ``symmetric``) to 16.
    symmetric : bool, default False

    Returns
    -------
    (float, int)
        ``(scale, zero_point)``.

    Raises
    ------
    ValueError
        For ``bits`` out of range, an empty or non-finite ``x``.

    See Also
    --------
    quantize, dequantize, fake_quantize : use them (page: Lightweighting, ``compression.md``).

    Examples
    --------
    The range $[-1, 1]$ at 8 bits: 255 steps of $2/255$, and 0 sits at integer 128 (rounded from 127.5).

    >>> s, z = calculate_qparams(np.array([-1.0, 0.3, 1.0]), 8)
    >>> round(s, 6), z
    (0.007843, 128)
    >>> calculate_qparams(np.array([0.0, 2.0, 4.0]), 2)       # min 0: zero point 0, steps of 4/3
    (1.3333333333333333, 0)
    >>> calculate_qparams(np.array([-0.5, 2.0]), 4, symmetric=True)
    (0.2857142857142857, 8)
    """
    bits = _bits(bits, symmetric)
    x = np.asarray(x)
    if x.size == 0 or not np.isfinite(x).all():
        raise ValueError(f"calculate_qparams: x must be non-empty and finite, got shape {x.shape}")
    levels = 2 ** bits - 1
    if symmetric:
        amax = float(np.abs(x).max())
        return (amax / (2 ** (bits - 1) - 1) if amax > 0 else 1.0), 2 ** (bits - 1)
    lo, hi = min(float(x.min()), 0.0), max(float(x.max()), 0.0)
    if hi == lo:
        return 1.0, 0
    scale = (hi - lo) / levels
    return scale, int(np.clip(round(-lo / scale), 0, levels))


def quantize(x: np.ndarray, scale: float, zero_point: int, bits: int) -> np.ndarray:
    r"""The k-bit integers of ``x``: $q = \operatorname{clip}(\operatorname{round}(x / s) + z, 0, 2^k - 1)$.

    ``round`` halves to even, as NumPy and PyTorch do.

    Parameters
    ----------
    x : ndarray
    scale : float
        $s > 0$.
    zero_point : int
        $z$ in $[0, 2^k - 1]$.
    bits : int
        $k$, 1 to 16.

    Returns
    -------
    ndarray of uint8 (k <= 8) or uint16

    Raises
    ------
    ValueError
        For a scale that is not positive or a zero point outside the integer range.

    See Also
    --------
    dequantize : back to real numbers (page: Lightweighting, ``compression.md``).

    Examples
    --------
    >>> quantize(np.array([-1.0, -0.99, 0.0, 0.3, 1.0, 5.0]), scale=2 / 255, zero_point=128, bits=8)
    array([  0,   2, 128, 166, 255, 255], dtype=uint8)

    ($-1/s = -127.5$ rounds to the even $-128$; 5.0 is out of range and clips to 255.)
    """
    bits = _bits(bits, False)
    levels = 2 ** bits - 1
    if not (isinstance(scale, (int, float, np.floating)) and math.isfinite(scale) and scale > 0):
        raise ValueError(f"quantize: scale must be a finite number > 0, got {scale!r}")
    if not 0 <= int(zero_point) <= levels or int(zero_point) != zero_point:
        raise ValueError(f"quantize: zero_point must be an integer in [0, {levels}] for {bits} bits, got {zero_point!r}")
    q = np.clip(np.round(np.asarray(x, dtype=np.float64) / scale) + int(zero_point), 0, levels)
    return q.astype(np.uint8 if bits <= 8 else np.uint16)


def dequantize(q: np.ndarray, scale: float, zero_point: int, dtype=np.float32) -> np.ndarray:
    r"""Real numbers from k-bit integers: $\hat x = s\,(q - z)$.

    Examples
    --------
    >>> dequantize(np.array([1, 128, 166, 255], dtype=np.uint8), 2 / 255, 128)
    array([-0.99607843,  0.        ,  0.29803923,  0.99607843], dtype=float32)
    """
    return (scale * (np.asarray(q, dtype=np.float64) - int(zero_point))).astype(dtype)


def fake_quantize(x: np.ndarray, bits: int, *, scale: float | None = None, zero_point: int | None = None,
                  symmetric: bool = False) -> np.ndarray:
    r"""``x`` quantised to k bits and read back, in the dtype of ``x``: what a k-bit model computes with.

    $$
    \hat x = s\,\bigl(\operatorname{clip}(\operatorname{round}(x / s) + z, 0, 2^k - 1) - z\bigr)
    $$

    Every value moves by at most $s/2$ inside the range; ``x`` holds at most $2^k$ distinct values
    afterwards. The scale and zero point come from `calculate_qparams` unless given (as
    ``torch.fake_quantize_per_tensor_affine`` takes them).

    Parameters
    ----------
    x : ndarray
        Floating-point values.
    bits : int
    scale, zero_point : optional
        Both or neither.
    symmetric : bool, default False
        For `calculate_qparams`.

    Returns
    -------
    ndarray
        Same shape and dtype as ``x``.

    See Also
    --------
    quantize_network : applies it to a network's weights (page: Lightweighting, ``compression.md``).

    Examples
    --------
    >>> x = np.array([-0.9, -0.2, 0.0, 0.45, 1.1])
    >>> fake_quantize(x, 2)        # 4 levels over [-0.9, 1.1]: steps of 2/3, zero point 1
    array([-0.66666667,  0.        ,  0.        ,  0.66666667,  1.33333333])
    >>> len(np.unique(fake_quantize(np.linspace(-1, 1, 1000), 3)))
    8
    """
    x = np.asarray(x)
    if (scale is None) != (zero_point is None):
        raise ValueError("fake_quantize: give both scale and zero_point, or neither")
    if scale is None:
        scale, zero_point = calculate_qparams(x, bits, symmetric)
    return dequantize(quantize(x, scale, zero_point, bits), scale, zero_point, dtype=x.dtype)


def quantize_network(net, bits: int, *, symmetric: bool = False, inplace: bool = False,
                     keys: list[str] | None = None):
    r"""A network whose weights are fake-quantised to ``bits``, each tensor with its own scale.

    Only the weights (``params`` keys starting with ``W``) are quantised; biases (and batch-norm
    parameters) stay as they are, as integer inference engines keep them at higher precision.
    The network then computes exactly what a k-bit network would, in floating point.

    Parameters
    ----------
    net
        A network with the course's ``params`` (`dl_notes.nets.MultiLayerNet`, `SimpleConvNet`, ...).
    bits : int
    symmetric : bool, default False
    inplace : bool, default False
        Change ``net`` itself; otherwise a deep copy is changed and ``net`` is left alone.
    keys : list of str, optional
        Which parameters to quantise; all the weights by default.

    Returns
    -------
    network
        The quantised network (``net`` itself when ``inplace``).

    See Also
    --------
    quantized_bytes : its size (page: Lightweighting, ``compression.md``).

    Examples
    --------
    >>> from dl_notes.nets import MultiLayerNet
    >>> net = MultiLayerNet(4, [5], 3, seed=0)
    >>> q = quantize_network(net, 2)
    >>> [len(np.unique(q.params[k])) <= 4 for k in ("W1", "W2")], q.params["b1"] is not net.params["b1"]
    ([True, True], True)
    >>> q.layers["Affine1"].W is q.params["W1"]         # the copy's layers share its params
    True
    """
    if not inplace:
        net = copy.deepcopy(net)  # keeps the params/layers sharing inside the copy
    keys = [k for k in net.params if k.startswith("W")] if keys is None else keys
    for key in keys:
        net.params[key][...] = fake_quantize(net.params[key], bits, symmetric=symmetric)
    return net


def quantized_bytes(params: Mapping[str, np.ndarray], bits: int | None = None, *, float_bytes: int = 4,
                    qparam_bytes: int = 8) -> int:
    r"""Bytes to store ``params`` with the weights as k-bit integers and the rest as floats.

    $$
    \text{bytes} = \sum_{W} \Bigl(\Bigl\lceil \frac{k\, n_W}{8} \Bigr\rceil + 8\Bigr)
    + 4 \sum_{\text{others}} n
    $$

    The 8 bytes per weight tensor are its scale (float32) and zero point (int32); the other
    parameters (biases) stay float32. ``bits=None`` counts everything as float32.

    Examples
    --------
    >>> params = {"W1": np.zeros((784, 100)), "b1": np.zeros(100), "W2": np.zeros((100, 10)), "b2": np.zeros(10)}
    >>> quantized_bytes(params), quantized_bytes(params, 8), quantized_bytes(params, 4)
    (318040, 79856, 40156)
    """
    total = 0
    for key, p in params.items():
        if bits is not None and key.startswith("W"):
            total += -(-_bits(bits, False) * p.size // 8) + qparam_bytes
        else:
            total += float_bytes * p.size
    return total
