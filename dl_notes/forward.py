r"""The forward pass of a plain fully connected network whose weights are a dict ``W1, b1, W2, ...``.

This is the network of 『ゼロから作るDeep Learning』 chapter 3 and of the course's notebook
``1_1_forward_propagation``, before layers with a backward pass exist: each layer computes

$$
a^{(l)} = z^{(l-1)} W^{(l)} + b^{(l)}, \qquad z^{(l)} = h\bigl(a^{(l)}\bigr), \qquad z^{(0)} = x
$$

with the activation $h$ in the hidden layers and the output function $\sigma$ (identity,
softmax or sigmoid) in the last one. A row of ``x`` is one sample, so the same code runs one
sample of shape (D,) or a batch of shape (N, D).

``W[i, j]`` is the weight from unit ``i`` of the previous layer to unit ``j`` of this one. The
book writes the same weight $w_{j+1,\,i+1}$ (destination first): see `book_weight`.

The teaching page is the chapter "Forward pass" (``forward_pass.md``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from ._checks import array, as_floating, count, generator, positive
from .activations import identity_function, relu, sigmoid, softmax, step_function

__all__ = [
    "ACTIVATIONS", "CourseNetwork", "book_weight", "course_networks", "forward", "forward_trace",
    "init_network", "layer_shapes", "naive_softmax", "n_layers", "random_network",
]

# The functions a layer may apply, by the names the course's notebooks use.
ACTIVATIONS: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "identity": identity_function, "step": step_function, "sigmoid": sigmoid, "relu": relu, "softmax": softmax,
}

Activation = Callable[[np.ndarray], np.ndarray] | str


def _function(name: str, f: Activation) -> Callable[[np.ndarray], np.ndarray]:
    """``f`` itself, or the function of `ACTIVATIONS` that the string ``f`` names."""
    if callable(f):
        return f
    if f not in ACTIVATIONS:
        raise ValueError(f"{name} must be a function or one of {', '.join(map(repr, ACTIVATIONS))}, got {f!r}")
    return ACTIVATIONS[f]


def n_layers(network: Mapping[str, ArrayLike]) -> int:
    r"""The number of layers $L$ of a network dict: ``W1, b1, ..., WL, bL``, no gaps, nothing else.

    Raises
    ------
    ValueError
        If a ``W`` has no ``b`` (or the reverse), the numbering has a gap, or a key is not
        ``W<l>``/``b<l>``.

    Examples
    --------
    >>> n_layers(init_network())
    3
    >>> n_layers({"W1": np.ones((2, 3)), "b1": np.zeros(3), "W3": np.ones((3, 1)), "b3": np.zeros(1)})
    Traceback (most recent call last):
    ...
    ValueError: network must hold W1, b1, ..., WL, bL; got keys ['W1', 'W3', 'b1', 'b3'] (missing W2, b2)
    """
    keys = sorted(network)
    L = max((int(k[1:]) for k in keys if k[:1] in ("W", "b") and k[1:].isdigit()), default=0)
    expected = {f"{p}{l}" for l in range(1, L + 1) for p in "Wb"}
    if L == 0 or set(keys) != expected:
        missing = sorted(expected - set(keys), key=lambda k: (int(k[1:]), k[0] != "W"))
        hint = f" (missing {', '.join(missing)})" if missing else ""
        raise ValueError(f"network must hold W1, b1, ..., WL, bL; got keys {keys}{hint}")
    return L


def forward_trace(network: Mapping[str, ArrayLike], x: ArrayLike, activation: Activation = sigmoid,
                  output: Activation = identity_function) -> list[tuple[np.ndarray, np.ndarray]]:
    r"""Every layer's pre-activation $a^{(l)}$ and output $z^{(l)}$, from the first layer to the last.

    $$
    a^{(l)} = z^{(l-1)} W^{(l)} + b^{(l)}, \qquad
    z^{(l)} = \begin{cases} h\bigl(a^{(l)}\bigr) & l < L \\ \sigma\bigl(a^{(l)}\bigr) & l = L \end{cases}
    $$

    Parameters
    ----------
    network : dict
        ``W1`` of shape (D, H1), ``b1`` of shape (H1,), ..., ``WL`` of shape (H(L-1), K), ``bL``.
    x : array_like
        One sample, shape (D,), or a batch, shape (N, D).
    activation : callable or str, default sigmoid
        $h$, applied in the hidden layers: a function or a name in `ACTIVATIONS` (``"relu"``).
    output : callable or str, default identity_function
        $\sigma$, applied in the last layer (``"softmax"`` for classification).

    Returns
    -------
    list of (ndarray, ndarray)
        ``[(a1, z1), ..., (aL, zL)]``; ``a`` and ``z`` have shape (H_l,) or (N, H_l).

    Raises
    ------
    ValueError
        If the network's keys are not ``W1, b1, ...``, or a shape does not fit the one before it.

    Examples
    --------
    >>> [z.shape for a, z in forward_trace(init_network(), np.ones((5, 2)))]
    [(5, 3), (5, 2), (5, 2)]
    >>> forward_trace(init_network(), np.ones(3))
    Traceback (most recent call last):
    ...
    ValueError: forward: layer 1 cannot take an input of shape (3,): W1 has shape (2, 3), so the input needs 2 features on its last axis
    """
    h, last = _function("activation", activation), _function("output", output)
    L = n_layers(network)
    z = array("x", x, ndim=(1, 2), layout="(D,) or (N, D)")
    trace = []
    for l in range(1, L + 1):
        W = array(f"W{l}", network[f"W{l}"], ndim=2, layout="(inputs, units)")
        b = np.asarray(network[f"b{l}"])
        if z.shape[-1] != W.shape[0]:
            raise ValueError(f"forward: layer {l} cannot take an input of shape {z.shape}: W{l} has shape {W.shape}, "
                             f"so the input needs {W.shape[0]} features on its last axis")
        if b.shape not in ((), (W.shape[1],)):
            raise ValueError(f"forward: b{l} has shape {b.shape}; W{l} has shape {W.shape}, so b{l} needs shape ({W.shape[1]},)")
        a = z @ W + b  # (N, H_l): one row per sample
        z = (h if l < L else last)(a)
        trace.append((a, z))
    return trace


def forward(network: Mapping[str, ArrayLike], x: ArrayLike, activation: Activation = sigmoid,
            output: Activation = identity_function) -> np.ndarray:
    r"""The network's output $y = \sigma\bigl(a^{(L)}\bigr)$ for one sample or a batch.

    $$
    a^{(l)} = z^{(l-1)} W^{(l)} + b^{(l)}, \quad z^{(l)} = h\bigl(a^{(l)}\bigr), \quad
    y = \sigma\bigl(a^{(L)}\bigr)
    $$

    With the defaults this is the book's ``forward(network, x)`` of chapter 3 (sigmoid hidden
    layers, identity output); ``output=softmax`` gives its ``predict`` for MNIST.

    Parameters
    ----------
    network : dict
        ``W1, b1, ..., WL, bL`` (see `forward_trace`).
    x : array_like
        Shape (D,) or (N, D).
    activation : callable or str, default sigmoid
        The hidden layers' activation $h$.
    output : callable or str, default identity_function
        The output function $\sigma$.

    Returns
    -------
    ndarray
        Shape (K,) or (N, K).

    See Also
    --------
    forward_trace : every layer's values, not just the output.

    Examples
    --------
    The book's network on the book's input:

    >>> forward(init_network(), np.array([1.0, 0.5])).round(8)
    array([0.31682708, 0.69627909])

    The course's notebook uses ReLU; a batch of two samples gives two rows:

    >>> forward(init_network(), np.array([[1.0, 0.5], [0.0, 0.0]]), activation="relu", output="softmax").round(4)
    array([[0.3808, 0.6192],
           [0.4373, 0.5627]])
    """
    return forward_trace(network, x, activation, output)[-1][1]


def layer_shapes(network: Mapping[str, ArrayLike], x: ArrayLike) -> list[dict[str, object]]:
    r"""The shapes in each layer's product $z^{(l-1)} W^{(l)} + b^{(l)} = a^{(l)}$ for the input ``x``.

    The last axis of the input must match the first axis of $W^{(l)}$, and the output has the
    second axis of $W^{(l)}$: $(N, D) \times (D, H) \to (N, H)$.

    Parameters
    ----------
    network : dict
        ``W1, b1, ..., WL, bL``.
    x : array_like
        Shape (D,) or (N, D).

    Returns
    -------
    list of dict
        One per layer: ``layer`` (1, 2, ...), and the shapes (tuples) ``input``, ``W``, ``b``,
        ``output``.

    Examples
    --------
    >>> for row in layer_shapes(init_network(), np.zeros((100, 2))):
    ...     print(row["layer"], row["input"], row["W"], row["b"], row["output"])
    1 (100, 2) (2, 3) (3,) (100, 3)
    2 (100, 3) (3, 2) (2,) (100, 2)
    3 (100, 2) (2, 2) (2,) (100, 2)
    """
    x = np.asarray(x)
    rows, inputs = [], x.shape
    for l, (a, _) in enumerate(forward_trace(network, x, identity_function, identity_function), start=1):
        W, b = np.shape(network[f"W{l}"]), np.shape(network[f"b{l}"])
        rows.append({"layer": l, "input": inputs, "W": W, "b": b, "output": a.shape})
        inputs = a.shape
    return rows


def book_weight(network: Mapping[str, ArrayLike], layer: int, to: int, source: int) -> float:
    r"""The book's $w^{(l)}_{jk}$: the weight of layer $l$ from unit $k$ of the previous layer to unit $j$.

    The book numbers units from 1 and writes the destination first; the code's matrix has the
    source on the rows (so that ``x @ W`` works), numbered from 0:

    $$
    w^{(l)}_{jk} = W^{(l)}[k - 1,\ j - 1]
    $$

    So $w^{(1)}_{12}$, from input $x_2$ to the first unit of layer 1, is ``W1[1, 0]``.

    Parameters
    ----------
    network : dict
        ``W1, b1, ...``.
    layer : int
        $l \ge 1$.
    to : int
        $j$, the unit of layer $l$ (from 1).
    source : int
        $k$, the unit of layer $l - 1$ (from 1; the inputs for $l = 1$).

    Returns
    -------
    float

    Raises
    ------
    ValueError
        If an index is outside the network.

    Examples
    --------
    >>> network = init_network()
    >>> book_weight(network, 1, to=1, source=2), float(network["W1"][1, 0])
    (0.2, 0.2)
    >>> book_weight(network, 1, to=4, source=1)
    Traceback (most recent call last):
    ...
    ValueError: book_weight: layer 1 has 3 units (to must be in 1..3), got to=4
    """
    L = n_layers(network)
    if not 1 <= count("layer", layer) <= L:
        raise ValueError(f"book_weight: the network has layers 1..{L}, got layer={layer}")
    W = np.asarray(network[f"W{layer}"])
    for name, value, size, what in (("to", to, W.shape[1], f"layer {layer}"),
                                    ("source", source, W.shape[0], f"layer {layer - 1}")):
        if not 1 <= count(name, value) <= size:
            raise ValueError(f"book_weight: {what} has {size} units ({name} must be in 1..{size}), got {name}={value}")
    return float(W[source - 1, to - 1])


def init_network() -> dict[str, np.ndarray]:
    r"""The book's example 2-3-2-2 network (chapter 3): fixed weights, for following the arithmetic.

    $$
    W^{(1)} = \begin{pmatrix} 0.1 & 0.3 & 0.5 \\ 0.2 & 0.4 & 0.6 \end{pmatrix}, \quad
    W^{(2)} = \begin{pmatrix} 0.1 & 0.4 \\ 0.2 & 0.5 \\ 0.3 & 0.6 \end{pmatrix}, \quad
    W^{(3)} = \begin{pmatrix} 0.1 & 0.3 \\ 0.2 & 0.4 \end{pmatrix}
    $$

    and $b^{(1)} = (0.1, 0.2, 0.3)$, $b^{(2)} = (0.1, 0.2)$, $b^{(3)} = (0.1, 0.2)$. The
    course's notebook (network (c) of `course_networks`) has the same weights with
    $b^{(3)} = (1, 2)$.

    Returns
    -------
    dict
        ``W1, b1, W2, b2, W3, b3``, float64 (new arrays on every call).

    Examples
    --------
    >>> {k: v.shape for k, v in init_network().items()}
    {'W1': (2, 3), 'b1': (3,), 'W2': (3, 2), 'b2': (2,), 'W3': (2, 2), 'b3': (2,)}
    """
    return {
        "W1": np.array([[0.1, 0.3, 0.5], [0.2, 0.4, 0.6]]), "b1": np.array([0.1, 0.2, 0.3]),
        "W2": np.array([[0.1, 0.4], [0.2, 0.5], [0.3, 0.6]]), "b2": np.array([0.1, 0.2]),
        "W3": np.array([[0.1, 0.3], [0.2, 0.4]]), "b3": np.array([0.1, 0.2]),
    }


def random_network(sizes: list[int] | tuple[int, ...], weight_init_std: float = 0.01, *,
                   rng: np.random.Generator | None = None, seed: int | None = None) -> dict[str, np.ndarray]:
    r"""A network dict with Gaussian weights and zero biases, for layer sizes $D, H_1, \dots, K$.

    $$
    W^{(l)}_{ij} \sim \mathcal{N}(0, s^2), \qquad b^{(l)} = 0
    $$

    The book's MNIST network of chapter 3 has sizes (784, 50, 100, 10); its trained weights
    (``sample_weight.pkl``) are not part of this package.

    Parameters
    ----------
    sizes : sequence of int
        At least two sizes: inputs, hidden units..., outputs.
    weight_init_std : float, default 0.01
        $s > 0$.
    rng, seed : optional
        A ``numpy.random.Generator``, or a seed for a new one (not both).

    Returns
    -------
    dict
        ``W1, b1, ..., WL, bL`` with ``L = len(sizes) - 1``, float64.

    Raises
    ------
    ValueError
        If fewer than two sizes are given, a size is not a positive integer, or the std is not positive.

    Examples
    --------
    >>> {k: v.shape for k, v in random_network([784, 50, 100, 10], seed=0).items()}
    {'W1': (784, 50), 'b1': (50,), 'W2': (50, 100), 'b2': (100,), 'W3': (100, 10), 'b3': (10,)}
    """
    sizes = [count("sizes", s) for s in sizes]
    if len(sizes) < 2:
        raise ValueError(f"random_network: sizes needs at least an input and an output size, got {sizes}")
    std, rng = positive("weight_init_std", weight_init_std), generator(rng, seed)
    network = {}
    for l, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:]), start=1):
        network[f"W{l}"] = std * rng.standard_normal((n_in, n_out))
        network[f"b{l}"] = np.zeros(n_out)
    return network


def naive_softmax(x: ArrayLike, axis: int = -1) -> np.ndarray:
    r"""Softmax straight from its definition, without subtracting the maximum: it overflows.

    $$
    y_k = \frac{e^{x_k}}{\sum_j e^{x_j}}
    $$

    $e^{x}$ exceeds the largest float64 (about $1.8 \times 10^{308}$) once $x > 709.78$: it
    becomes ``inf``, and ``inf / inf`` is ``nan``. This function exists to show that failure (it
    returns the ``nan`` quietly, without NumPy's overflow warning); use
    `dl_notes.activations.softmax`, which subtracts the maximum first and gives the same values
    wherever this one does not overflow.

    Parameters
    ----------
    x : array_like
        Scores, shape (K,) or (N, K).
    axis : int, default -1
        The class axis.

    Returns
    -------
    ndarray
        Same shape; ``nan`` where the exponentials overflowed.

    Examples
    --------
    >>> x = np.array([1010.0, 1000.0, 990.0])
    >>> naive_softmax(x)
    array([nan, nan, nan])
    >>> softmax(x).round(3)
    array([1., 0., 0.])
    >>> bool(np.allclose(naive_softmax(x - x.max()), softmax(x)))   # the guard changes nothing else
    True
    """
    x = as_floating(x)
    with np.errstate(over="ignore", invalid="ignore"):
        e = np.exp(x)
        return e / e.sum(axis=axis, keepdims=True)


@dataclass(frozen=True)
class CourseNetwork:
    """One of the six networks of the course's notebook ``1_1_forward_propagation``, with its hand-set weights.

    Attributes
    ----------
    name : str
        ``"a"`` ... ``"f"``, in the notebook's order.
    sizes : tuple of int
        Units per layer, inputs first: (2, 3, 2, 2) for network (c).
    network : dict
        ``W1, b1, ...`` as the notebook sets them.
    x : ndarray
        The notebook's input.
    activation, output : str
        The hidden layers' and the last layer's function, names in `ACTIVATIONS`.
    target : ndarray or None
        The notebook's target ``d`` (None where it has none).

    Examples
    --------
    >>> net = course_networks()["e"]
    >>> net.sizes, net.output, net.forward()
    ((2, 3, 2), 'identity', array([1.02, 2.29]))
    """

    name: str
    sizes: tuple[int, ...]
    network: dict[str, np.ndarray]
    x: np.ndarray
    activation: str
    output: str
    target: np.ndarray | None = None

    def forward(self) -> np.ndarray:
        """The output for the notebook's input: `forward` with this network's functions."""
        return forward(self.network, self.x, self.activation, self.output)


def course_networks() -> dict[str, CourseNetwork]:
    r"""The networks (a)-(f) of the course's notebook ``1_1_forward_propagation``, weights as it sets them.

    (a) one unit, ReLU; (b) one layer of 3 units, sigmoid; (c) the book's 2-3-2-2 network with
    ReLU, identity output and $b^{(3)} = (1, 2)$; (d) 2-3-4 classification, softmax output;
    (e) 2-3-2 regression, identity output; (f) 2-3-1 binary classification, sigmoid output.
    A one-layer network applies only its output function.

    Returns
    -------
    dict of str to CourseNetwork
        Keyed ``"a"`` ... ``"f"``.

    Examples
    --------
    >>> nets = course_networks()
    >>> nets["a"].forward()
    array([1.3])
    >>> nets["d"].sizes, nets["d"].forward().sum().round(12)
    ((2, 3, 4), np.float64(1.0))
    """
    W1 = [[0.1, 0.3, 0.5], [0.2, 0.4, 0.6]]  # the first layer of (c)-(f)
    b1 = [0.1, 0.2, 0.3]
    x = [1.0, 2.0]
    specs = {
        # name: (layers as (W, b) pairs, x, hidden activation, output, target)
        "a": ([([[0.1], [0.2]], 0.5)], [2.0, 3.0], "relu", "relu", None),
        "b": ([([[0.1, 0.2, 0.3], [0.2, 0.3, 0.4], [0.3, 0.4, 0.5], [0.4, 0.5, 0.6]], [0.1, 0.2, 0.3])],
              [1.0, 5.0, 2.0, -1.0], "sigmoid", "sigmoid", None),
        "c": ([(W1, b1), ([[0.1, 0.4], [0.2, 0.5], [0.3, 0.6]], [0.1, 0.2]), ([[0.1, 0.3], [0.2, 0.4]], [1.0, 2.0])],
              x, "relu", "identity", None),
        "d": ([(W1, b1), ([[0.1, 0.4, 0.7, 1.0], [0.2, 0.5, 0.8, 1.1], [0.3, 0.6, 0.9, 1.2]], [0.1, 0.2, 0.3, 0.4])],
              x, "relu", "softmax", [0.0, 0.0, 0.0, 1.0]),
        "e": ([(W1, b1), ([[0.1, 0.4], [0.2, 0.5], [0.3, 0.6]], [0.1, 0.2])], x, "relu", "identity", [2.0, 4.0]),
        "f": ([(W1, b1), ([[0.2], [0.4], [0.6]], [0.1])], x, "relu", "sigmoid", [1.0]),
    }
    nets = {}
    for name, (layers, inputs, activation, output, target) in specs.items():
        network = {}
        for l, (W, b) in enumerate(layers, start=1):
            network[f"W{l}"], network[f"b{l}"] = np.array(W), np.array(b, dtype=np.float64)
        sizes = (len(inputs), *(np.shape(W)[1] for W, _ in layers))
        nets[name] = CourseNetwork(name, sizes, network, np.array(inputs), activation, output,
                                   None if target is None else np.array(target))
    return nets
