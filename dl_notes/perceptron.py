r"""The perceptron: a weighted sum of the inputs plus a bias, and a step at zero.

A perceptron with weights $w$ and bias $b$ outputs 1 when $b + w \cdot x > 0$ and 0 otherwise.
With the book's weights it computes the logic gates `AND`, `NAND` and `OR`; `XOR` needs two
layers of them. The weights of the gates are data (`GATES`), so a page, a figure and a test read
the same numbers.
"""

from __future__ import annotations

from collections.abc import Sequence
from numbers import Real

import numpy as np

__all__ = ["Perceptron", "GATES", "AND", "NAND", "OR", "XOR", "BINARY_INPUTS", "truth_table", "search_parameters"]

# The four inputs of a two-input gate, in the order the book prints its truth tables.
BINARY_INPUTS = ((0, 0), (1, 0), (0, 1), (1, 1))


def _real(name: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, Real):
        raise TypeError(f"Perceptron: {name} must be a real number, got {value!r}")
    if not np.isfinite(float(value)):
        raise ValueError(f"Perceptron: {name} must be finite, got {value!r}")
    return float(value)


def _inputs(where: str, inputs: tuple, n: int) -> list[np.ndarray]:
    """The inputs as float arrays (0/1, True/False, numbers or arrays of them), checked."""
    if len(inputs) != n:
        raise TypeError(f"{where}: takes {n} inputs (one per weight), got {len(inputs)}")
    arrays = []
    for i, x in enumerate(inputs, 1):
        array = np.asarray(x)
        if array.dtype.kind not in "biuf":
            raise TypeError(f"{where}: input x{i} must be a number or an array of numbers, got {x!r}")
        if not np.all(np.isfinite(array)):
            raise ValueError(f"{where}: input x{i} must be finite, got {x!r}")
        arrays.append(array.astype(np.float64))
    try:
        return np.broadcast_arrays(*arrays)
    except ValueError:
        shapes = ", ".join(str(a.shape) for a in arrays)
        raise ValueError(f"{where}: the inputs must have broadcastable shapes, got {shapes}") from None


class Perceptron:
    r"""A perceptron: weights $w_1, \dots, w_n$, a bias $b$, and a step at zero.

    $$
    y = \begin{cases} 0 & (b + w_1 x_1 + \dots + w_n x_n \le 0) \\
                      1 & (b + w_1 x_1 + \dots + w_n x_n > 0) \end{cases}
    $$

    The bias says how easily the unit fires: $b = -\theta$ for a threshold $\theta$, so the unit
    fires when the weighted sum $w \cdot x$ exceeds $-b$.

    Parameters
    ----------
    w : sequence of float
        The weights $w_1, \dots, w_n$, one per input (at least one).
    b : float
        The bias $b$.
    name : str, default "Perceptron"
        The name its error messages start with (``"AND"`` for the gate).

    Raises
    ------
    TypeError
        If a weight or ``b`` is not a real number.
    ValueError
        If ``w`` is empty or a weight or ``b`` is not finite.

    See Also
    --------
    AND, NAND, OR, XOR : the gates built from it (page: The perceptron).

    Examples
    --------
    >>> unit = Perceptron(w=(0.5, 0.5), b=-0.7)
    >>> unit(1, 1), unit(1, 0)
    (1, 0)
    >>> round(unit.weighted_sum(1, 0), 10)   # -0.7 + 0.5, up to rounding
    -0.2
    >>> unit(np.array([0, 1, 0, 1]), np.array([0, 0, 1, 1]))
    array([0, 0, 0, 1])
    """

    def __init__(self, w: Sequence[float], b: float, name: str = "Perceptron") -> None:
        if isinstance(w, (str, bytes)) or not hasattr(w, "__len__") or len(w) == 0:
            raise ValueError(f"Perceptron: w must be a non-empty sequence of weights, got {w!r}")
        self.w: tuple[float, ...] = tuple(_real(f"w[{i}]", v) for i, v in enumerate(w))
        self.b: float = _real("b", b)
        self.name = name

    def __repr__(self) -> str:
        return f"Perceptron(w={self.w}, b={self.b})"

    def weighted_sum(self, *x) -> float | np.ndarray:
        r"""The weighted sum with the bias, $a = b + w_1 x_1 + \dots + w_n x_n$.

        Parameters
        ----------
        *x : number or array_like of numbers
            One input per weight; arrays are broadcast against each other.

        Returns
        -------
        float or numpy.ndarray
            $a$, a float for scalar inputs, else an array of the inputs' broadcast shape.

        Raises
        ------
        TypeError
            If the number of inputs is not the number of weights, or an input is not numeric.
        ValueError
            If an input is not finite or the shapes do not broadcast.

        Examples
        --------
        >>> Perceptron((0.5, 0.5), -0.2).weighted_sum(1, 1)
        0.8
        """
        xs = _inputs(self.name, x, len(self.w))
        # the book's order, sum(w*x) + b, so that points on the line come out as they do there
        a = sum(wi * xi for wi, xi in zip(self.w, xs)) + self.b
        return float(a) if a.ndim == 0 else a

    def __call__(self, *x) -> int | np.ndarray:
        r"""The output $y = 1$ if $a > 0$ else $0$: an ``int`` for scalar inputs, else an int array."""
        y = (np.asarray(self.weighted_sum(*x)) > 0).astype(np.int64)
        return int(y) if y.ndim == 0 else y


# The book's weights and biases (chapter 2). Many others work: any (w1, w2, b) whose line
# b + w1 x1 + w2 x2 = 0 puts the four inputs on the right sides.
GATES: dict[str, Perceptron] = {
    "AND": Perceptron(w=(0.5, 0.5), b=-0.7, name="AND"),
    "NAND": Perceptron(w=(-0.5, -0.5), b=0.7, name="NAND"),
    "OR": Perceptron(w=(0.5, 0.5), b=-0.2, name="OR"),
}


def AND(x1, x2):
    r"""The AND gate: 1 only when both inputs are 1; one perceptron with $w = (0.5, 0.5)$, $b = -0.7$.

    $$
    y = \begin{cases} 0 & (-0.7 + 0.5 x_1 + 0.5 x_2 \le 0) \\ 1 & (-0.7 + 0.5 x_1 + 0.5 x_2 > 0) \end{cases}
    $$

    Parameters
    ----------
    x1, x2 : number or array_like of numbers
        The inputs (0 or 1 for a logic gate; any finite numbers are accepted).

    Returns
    -------
    int or numpy.ndarray of int
        0 or 1, elementwise for arrays.

    See Also
    --------
    Perceptron : the unit; GATES holds its weights (page: The perceptron).

    Examples
    --------
    >>> [AND(x1, x2) for x1, x2 in BINARY_INPUTS]
    [0, 0, 0, 1]
    """
    return GATES["AND"](x1, x2)


def NAND(x1, x2):
    r"""The NAND gate (not AND): 0 only when both inputs are 1; $w = (-0.5, -0.5)$, $b = 0.7$.

    $$
    y = \begin{cases} 0 & (0.7 - 0.5 x_1 - 0.5 x_2 \le 0) \\ 1 & (0.7 - 0.5 x_1 - 0.5 x_2 > 0) \end{cases}
    $$

    Every parameter of `AND` with its sign flipped. Inputs and output as for `AND`.

    See Also
    --------
    AND : the same unit with the signs flipped (page: The perceptron).

    Examples
    --------
    >>> [NAND(x1, x2) for x1, x2 in BINARY_INPUTS]
    [1, 1, 1, 0]
    """
    return GATES["NAND"](x1, x2)


def OR(x1, x2):
    r"""The OR gate: 1 when at least one input is 1; $w = (0.5, 0.5)$, $b = -0.2$.

    $$
    y = \begin{cases} 0 & (-0.2 + 0.5 x_1 + 0.5 x_2 \le 0) \\ 1 & (-0.2 + 0.5 x_1 + 0.5 x_2 > 0) \end{cases}
    $$

    The weights of `AND` with a bias closer to 0: the unit fires more easily. Inputs and output as
    for `AND`.

    See Also
    --------
    AND : the same weights with a bias further from 0 (page: The perceptron).

    Examples
    --------
    >>> [OR(x1, x2) for x1, x2 in BINARY_INPUTS]
    [0, 1, 1, 1]
    """
    return GATES["OR"](x1, x2)


def XOR(x1, x2):
    r"""The XOR gate: 1 when exactly one input is 1; two layers of perceptrons.

    $$
    s_1 = \mathrm{NAND}(x_1, x_2), \quad s_2 = \mathrm{OR}(x_1, x_2), \quad y = \mathrm{AND}(s_1, s_2)
    $$

    No single perceptron computes XOR: its 1s and 0s cannot be separated by one straight line.

    Parameters
    ----------
    x1, x2 : number or array_like of numbers
        The inputs.

    Returns
    -------
    int or numpy.ndarray of int
        0 or 1, elementwise for arrays.

    See Also
    --------
    NAND, OR, AND : its two layers (page: The perceptron).

    Examples
    --------
    >>> [XOR(x1, x2) for x1, x2 in BINARY_INPUTS]
    [0, 1, 1, 0]
    >>> XOR(np.array([0, 1, 0, 1]), np.array([0, 0, 1, 1]))
    array([0, 1, 1, 0])
    """
    x1, x2 = _inputs("XOR", (x1, x2), 2)
    return AND(NAND(x1, x2), OR(x1, x2))


def truth_table(gate) -> list[int]:
    """The outputs of a two-input ``gate`` on `BINARY_INPUTS` (0,0), (1,0), (0,1), (1,1).

    Parameters
    ----------
    gate : callable
        A function of two inputs, such as `AND` or a `Perceptron` with two weights.

    Returns
    -------
    list of int
        The four outputs.

    Raises
    ------
    TypeError
        If ``gate`` is not callable.

    Examples
    --------
    >>> truth_table(XOR), truth_table(Perceptron((1, 1), -20))
    ([0, 1, 1, 0], [0, 0, 0, 0])
    """
    if not callable(gate):
        raise TypeError(f"truth_table: gate must be a function of two inputs, got {gate!r}")
    return [int(gate(x1, x2)) for x1, x2 in BINARY_INPUTS]


def search_parameters(targets, values) -> np.ndarray:
    r"""Every $(w_1, w_2, b)$ on a grid whose perceptron has the truth table ``targets``.

    Each of $w_1$, $w_2$ and $b$ runs over ``values``; a triple is kept when its unit gives
    ``targets`` on `BINARY_INPUTS`. For AND, NAND and OR many triples do; for XOR none does, on
    any grid (no straight line separates its 1s from its 0s).

    Parameters
    ----------
    targets : sequence of 4 ints (0 or 1)
        The wanted outputs for (0,0), (1,0), (0,1), (1,1).
    values : array_like of float, 1-D
        The grid of each parameter.

    Returns
    -------
    numpy.ndarray, shape (K, 3)
        The K triples $(w_1, w_2, b)$ found, in grid order.

    Raises
    ------
    ValueError
        If ``targets`` is not four 0s and 1s, or ``values`` is not a non-empty 1-D array of finite numbers.

    Examples
    --------
    >>> grid = np.linspace(-1, 1, 5)            # -1, -0.5, 0, 0.5, 1
    >>> search_parameters([0, 0, 0, 1], grid)   # AND
    array([[ 0.5,  0.5, -0.5],
           [ 0.5,  1. , -1. ],
           [ 1. ,  0.5, -1. ],
           [ 1. ,  1. , -1. ]])
    >>> len(search_parameters([0, 1, 1, 0], np.linspace(-1, 1, 201)))   # XOR
    0
    """
    t = np.asarray(targets)
    if t.shape != (4,) or not np.isin(t, (0, 1)).all():
        raise ValueError(f"search_parameters: targets must be four outputs, 0 or 1, got {targets!r}")
    v = np.asarray(values, dtype=np.float64)
    if v.ndim != 1 or v.size == 0 or not np.isfinite(v).all():
        raise ValueError(f"search_parameters: values must be a non-empty 1-D array of finite numbers, got {values!r}")
    w1, w2, b = (g.ravel() for g in np.meshgrid(v, v, v, indexing="ij"))    # each (len(v)**3,)
    x = np.array(BINARY_INPUTS, dtype=np.float64)                            # (4, 2)
    y = (b[:, None] + w1[:, None] * x[:, 0] + w2[:, None] * x[:, 1] > 0)    # (len(v)**3, 4)
    keep = (y == t.astype(bool)).all(axis=1)
    return np.stack([w1[keep], w2[keep], b[keep]], axis=1)
