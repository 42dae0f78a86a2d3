r"""Networks with the course's interface: a stack of layers, a multi-layer perceptron and a small convolutional net.

`Network` stacks any layers (`Network.add_layer`); `MultiLayerNet` and `SimpleConvNet` are
built on it. All keep their parameters in ``params`` (keys ``W1``, ``b1``, ``gamma1``, ``beta1``, ...) and
their layers in ``layers`` (an ordered dict), and offer ``predict``, ``loss``, ``accuracy``,
``gradient`` (backpropagation) and ``numerical_gradient``, as the course's classes do. The
layers hold the very arrays that ``params`` holds, so an optimizer (or a hand-written
``params[key] -= lr * grads[key]``) that updates ``params`` in place updates the network.

Parameters are float32 unless ``dtype=np.float64`` is asked for (as in gradient checks), and
inputs are converted to that dtype. Random initial weights and dropout masks come from ``rng``
or ``seed``.
"""

from __future__ import annotations

import functools
import inspect
from collections import OrderedDict
from collections.abc import Mapping, Sequence

import numpy as np

from ._checks import batch, count, float_dtype, generator, labels, nonempty, nonnegative, one_of
from .conv import Convolution
from .windows import conv_output_size
from .pooling import Pooling
from .gradcheck import numerical_gradient as _numerical_gradient
from .init import init_weight
from .layers import Affine, BatchNormalization, Dropout, Relu, Sigmoid, SoftmaxWithLoss, Tanh
from .regularizers import L2, ElasticNet

__all__ = ["Network", "TwoLayerNet", "MultiLayerNet", "SimpleConvNet", "layer_forward"]

ACTIVATIONS = {"relu": Relu, "sigmoid": Sigmoid, "tanh": Tanh}


@functools.lru_cache(maxsize=None)
def _takes_train_flg(layer_type: type) -> bool:
    """Whether a layer's ``forward`` takes ``train_flg`` (it differs between training and inference)."""
    return "train_flg" in inspect.signature(layer_type.forward).parameters


def layer_forward(layer: object, x: np.ndarray, train_flg: bool = False) -> np.ndarray:
    """``layer.forward(x)``, passing ``train_flg`` to the layers that take it (batch norm, dropout).

    Examples
    --------
    >>> from dl_notes.dropout import Dropout
    >>> from dl_notes.layers import Relu
    >>> x = np.array([[-1.0, 2.0]])
    >>> layer_forward(Relu(), x, train_flg=True), layer_forward(Dropout(0.5), x, train_flg=False)
    (array([[0., 2.]]), array([[-1.,  2.]]))
    """
    return layer.forward(x, train_flg) if _takes_train_flg(type(layer)) else layer.forward(x)


class Network:
    r"""A stack of named layers ending in softmax with cross-entropy, with the course's interface.

    Build a network by appending layers with `add_layer`; each call says which attributes of
    the layer are parameters and under which ``params`` key (the course's ``W1``, ``b1``,
    ``gamma1``, ...). The gradient of ``params[key] = layer.<attr>`` is read from
    ``layer.d<attr>`` after ``backward``, as the course's layers store it (``dW``, ``db``,
    ``dgamma``). Then `predict`, `loss`, `accuracy`, `gradient`, `numerical_gradient`,
    `save_params` and `load_params` work for the stack, and a `dl_notes.train.Trainer` or an
    optimizer can train it. `MultiLayerNet` and `SimpleConvNet` are built this way.

    $$
    \text{loss}(x, t) = -\frac{1}{N} \sum_n \log \operatorname{softmax}\bigl(f_L(\cdots f_1(x_n))\bigr)_{t_n}
    + R\bigl(\{W_l\}\bigr)
    $$

    where $f_1, \dots, f_L$ are the layers in order and $R$ the ``regularizer``'s penalty on
    the parameters whose key starts with ``W`` (the weights, not the biases or $\gamma$, $\beta$).

    Parameters
    ----------
    dtype : float32 or float64, default float32
        Inputs are converted to it; the parameters given to `add_layer` should have it.
    regularizer : ElasticNet, optional
        A penalty on the weights (`dl_notes.regularizers.L2`, ``L1``, ``ElasticNet``).

    Attributes
    ----------
    params : dict of str to ndarray
        The parameters declared so far, in order; the very arrays the layers hold.
    layers : OrderedDict
        The layers in order; ``last_layer`` is the `dl_notes.losses.SoftmaxWithLoss`.
    last_loss : float or None
        The loss computed by the last `gradient`.

    See Also
    --------
    MultiLayerNet, SimpleConvNet : networks built on it.
    dl_notes.gradcheck.check_network : checks `gradient` against `numerical_gradient`.

    Examples
    --------
    A one-hidden-layer perceptron, by hand:

    >>> from dl_notes.layers import Affine, Relu
    >>> rng = np.random.default_rng(0)
    >>> net = Network(dtype=np.float64)
    >>> _ = net.add_layer("Affine1", Affine(rng.normal(size=(4, 5)), np.zeros(5)), W="W1", b="b1")
    >>> _ = net.add_layer("Relu1", Relu())
    >>> _ = net.add_layer("Affine2", Affine(rng.normal(size=(5, 3)), np.zeros(3)), W="W2", b="b2")
    >>> list(net.layers), list(net.params)
    (['Affine1', 'Relu1', 'Affine2'], ['W1', 'b1', 'W2', 'b2'])
    >>> x, t = rng.normal(size=(6, 4)), np.array([0, 1, 2, 0, 1, 2])
    >>> grads = net.gradient(x, t)
    >>> grads["W1"] is net.layers["Affine1"].dW, net.predict(x).shape
    (True, (6, 3))
    """

    def __init__(self, *, dtype=np.float32, regularizer: ElasticNet | None = None) -> None:
        self.dtype = float_dtype(dtype)
        self.params: dict[str, np.ndarray] = {}
        self.layers: OrderedDict = OrderedDict()
        self.last_layer = SoftmaxWithLoss()
        self.regularizer = regularizer
        self.last_loss: float | None = None
        self._owners: dict[str, tuple[object, str]] = {}  # key -> (layer, attribute)

    def add_layer(self, name: str, layer: object, **params: str) -> object:
        """Append ``layer`` under ``name``; ``params`` maps its attributes to ``params`` keys.

        ``net.add_layer("Affine1", Affine(W, b), W="W1", b="b1")`` makes ``net.params["W1"]``
        the layer's ``W`` (the same array) and reads its gradient from ``dW``.

        Parameters
        ----------
        name : str
            The key in ``layers``; must be new.
        layer : object
            Anything with ``forward(x)`` and ``backward(dout)``. A layer whose ``forward`` has a
            ``train_flg`` parameter (batch norm, dropout) gets `predict`'s ``train_flg``.
        **params : str
            ``attribute=key`` for each parameter of the layer; each key must be new.

        Returns
        -------
        object
            ``layer``, to keep a handle on it.

        Raises
        ------
        ValueError
            If ``name`` or a key is already used.
        AttributeError
            If ``layer`` has no attribute of a declared name.
        """
        if name in self.layers:
            raise ValueError(f"Network.add_layer: a layer named {name!r} exists already; layers are {list(self.layers)}")
        taken = sorted(set(params.values()) & set(self.params))
        if taken:
            raise ValueError(f"Network.add_layer: params keys {taken} are already used; keys are {list(self.params)}")
        for attribute in params:
            if not hasattr(layer, attribute):
                raise AttributeError(f"Network.add_layer: {type(layer).__name__} has no attribute {attribute!r} "
                                     f"to use as a parameter")
        self.layers[name] = layer
        for attribute, key in params.items():
            self.params[key] = getattr(layer, attribute)
            self._owners[key] = (layer, attribute)
        return layer

    def predict(self, x: np.ndarray, train_flg: bool = False) -> np.ndarray:
        """The scores (before softmax), shape (N, output_size)."""
        x = batch(f"{type(self).__name__}.predict", np.asarray(x, dtype=self.dtype))
        for layer in self.layers.values():
            x = layer_forward(layer, x, train_flg)
        return x

    def loss(self, x: np.ndarray, t: np.ndarray, train_flg: bool = False) -> float:
        """The mean cross-entropy of ``softmax(predict(x))`` plus the weight penalty."""
        loss = self.last_layer.forward(self.predict(x, train_flg), t)
        if self.regularizer is not None:
            loss += self.regularizer.penalty(self.params[k] for k in self._weight_keys())
        return loss

    def accuracy(self, x: np.ndarray, t: np.ndarray, batch_size: int | None = None) -> float:
        """The fraction of samples whose highest score is the label.

        ``t`` holds class indices, shape (N,) or (N, 1), or one-hot rows, shape (N, K) (read
        as in `loss`). ``batch_size`` predicts in chunks to bound memory; every sample counts,
        the last partial chunk too (the book's ``SimpleConvNet.accuracy`` drops it).
        """
        where = f"{type(self).__name__}.accuracy"
        x = nonempty(where, np.asarray(x))  # converted chunk by chunk in predict, to bound memory
        N = len(x)
        step = N if batch_size is None else count("batch_size", batch_size)
        scores = [self.predict(x[i:i + step]) for i in range(0, N, step)]
        predicted = np.concatenate([s.argmax(axis=1) for s in scores])
        t = labels("t", t, N, scores[0].shape[1])  # (N,) indices or (N, K) one-hot
        if t.ndim != 1:
            t = t.argmax(axis=1)
        return float(np.mean(predicted == t))

    def gradient(self, x: np.ndarray, t: np.ndarray) -> dict[str, np.ndarray]:
        """Gradients of ``loss(x, t, train_flg=True)`` by backpropagation, keyed like ``params``.

        The loss of that forward pass is kept in ``last_loss`` (so a trainer can log it without
        another forward pass).
        """
        self.last_loss = self.loss(x, t, train_flg=True)
        dout = self.last_layer.backward(1)
        for layer in reversed(self.layers.values()):
            dout = layer.backward(dout)
        return self.stored_gradients()

    def stored_gradients(self) -> dict[str, np.ndarray]:
        """The gradients the layers stored in their last ``backward``, plus the weight penalty's, keyed like ``params``.

        `gradient` ends with this; a caller that runs the layers itself (stage by stage, or timing
        each layer) reads the same dictionary. The arrays are the layers' own (``dW``, ...): the next
        ``backward`` overwrites them.
        """
        grads = {key: getattr(layer, "d" + name) for key, (layer, name) in self._owners.items()}
        if self.regularizer is not None:
            for key in self._weight_keys():
                grads[key] = grads[key] + self.regularizer.grad(self.params[key])
        return grads

    def numerical_gradient(self, x: np.ndarray, t: np.ndarray) -> dict[str, np.ndarray]:
        """Gradients of ``loss(x, t, train_flg=True)`` by central differences (slow; use float64)."""
        return {key: _numerical_gradient(lambda _: self.loss(x, t, train_flg=True), param)
                for key, param in self.params.items()}

    def save_params(self, file_name: str = "params.pkl") -> None:
        """Write ``params`` to ``file_name`` (NumPy's ``.npz`` format, whatever the name says)."""
        with open(file_name, "wb") as f:
            np.savez(f, **self.params)

    def load_params(self, file_name: str = "params.pkl") -> None:
        """Read parameters written by `save_params` into ``params``, in place (the layers see them).

        All or nothing: every saved array is checked before any parameter changes.
        """
        with np.load(file_name, allow_pickle=False) as saved:
            missing = sorted(set(self.params) - set(saved.files))
            if missing:
                raise ValueError(f"{file_name} has no parameters {missing}; it holds {sorted(saved.files)}")
            arrays = {key: saved[key] for key in self.params}
        for key, param in self.params.items():
            if arrays[key].shape != param.shape:
                raise ValueError(f"{file_name}: {key} has shape {arrays[key].shape}, the network's has {param.shape}; "
                                 "no parameter was changed")
            if not np.can_cast(arrays[key].dtype, param.dtype, casting="same_kind"):
                raise TypeError(f"{file_name}: {key} has dtype {arrays[key].dtype}, which does not fit the network's "
                                f"{param.dtype}; no parameter was changed")
        for key, param in self.params.items():
            param[...] = arrays[key]

    def _weight_keys(self) -> list[str]:
        return [key for key in self.params if key.startswith("W")]


class TwoLayerNet(Network):
    r"""The book's and the course's first trained network: Affine → ReLU → Affine → softmax.

    $$
    h = \phi(x W_1 + b_1), \qquad
    y = \operatorname{softmax}(h W_2 + b_2), \qquad
    \text{loss} = -\frac{1}{N} \sum_n \log y_{n, t_n}
    $$

    with $\phi$ the ReLU (the book's chapter 5 and the course's ``2_1_network_modified``) or,
    with ``activation='sigmoid'``, the sigmoid of the book's chapter 4. The weights start as
    ``weight_init_std`` times standard normal numbers, the biases at zero. The layers are named as
    in the book (``Affine1``, ``Relu1``, ``Affine2``; the loss layer is ``last_layer``, also
    reachable as the book's ``lastLayer``).

    Unlike the other networks it computes in float64 by default, as the book does: its
    `numerical_gradient` is part of the lesson, and with $h = 10^{-4}$ float32's resolution
    would swamp the differences.

    Parameters
    ----------
    input_size : int
        Features per sample (784 for MNIST).
    hidden_size : int
        Hidden units (the book trains 50).
    output_size : int
        Classes.
    weight_init_std : float or str, default 0.01
        A standard deviation, or ``'xavier'``/``'he'`` as in `MultiLayerNet`.
    activation : {'relu', 'sigmoid', 'tanh'}, default 'relu'
    dtype : float32 or float64, default float64
    rng : numpy.random.Generator, optional
        Or ``seed``. With neither, a fresh one.
    seed : int, optional

    See Also
    --------
    MultiLayerNet : any number of hidden layers, batch norm, dropout, weight decay.

    Examples
    --------
    >>> net = TwoLayerNet(input_size=784, hidden_size=50, output_size=10, seed=0)
    >>> {key: param.shape for key, param in net.params.items()}
    {'W1': (784, 50), 'b1': (50,), 'W2': (50, 10), 'b2': (10,)}
    >>> list(net.layers), type(net.lastLayer).__name__
    (['Affine1', 'Relu1', 'Affine2'], 'SoftmaxWithLoss')
    >>> x, t = np.random.default_rng(1).random((3, 784)), np.array([0, 1, 2])
    >>> grads = net.gradient(x, t)
    >>> grads["W1"].shape, grads["W1"].dtype
    ((784, 50), dtype('float64'))
    """

    def __init__(self, input_size: int, hidden_size: int, output_size: int, weight_init_std: float | str = 0.01,
                 activation: str = "relu", *, dtype=np.float64, rng: np.random.Generator | None = None,
                 seed: int | None = None) -> None:
        self.input_size = count("input_size", input_size)
        self.hidden_size = count("hidden_size", hidden_size)
        self.output_size = count("output_size", output_size)
        self.activation = one_of("activation", activation, tuple(ACTIVATIONS))
        super().__init__(dtype=dtype)
        rng = generator(rng, seed)
        sizes = (self.input_size, self.hidden_size, self.output_size)
        for i in (1, 2):
            W = init_weight((sizes[i - 1], sizes[i]), weight_init_std, rng=rng, dtype=self.dtype)
            self.add_layer(f"Affine{i}", Affine(W, np.zeros(sizes[i], dtype=self.dtype)), W=f"W{i}", b=f"b{i}")
            if i == 1:
                self.add_layer(f"{ACTIVATIONS[self.activation].__name__}1", ACTIVATIONS[self.activation]())

    @property
    def lastLayer(self) -> SoftmaxWithLoss:  # noqa: N802 -- the book's name
        """The book's name for `last_layer`."""
        return self.last_layer


class MultiLayerNet(Network):
    r"""A fully connected network: hidden layers with optional batch norm and dropout, then softmax.

    For hidden layers $l = 1, \dots, L$, with $h_0 = x$ and $\phi$ the activation:

    $$
    a_l = h_{l-1} W_l + b_l, \qquad
    h_l = \operatorname{Dropout}\bigl(\phi(\operatorname{BN}_{\gamma_l, \beta_l}(a_l))\bigr)
    $$

    $$
    y = \operatorname{softmax}(h_L W_{L+1} + b_{L+1}), \qquad
    \text{loss} = -\frac{1}{N} \sum_{n} \log y_{n, t_n} + \frac{\lambda}{2} \sum_{l} \lVert W_l \rVert^2
    $$

    (BN and dropout only when asked for.) This is the course's ``MultiLayerNet`` (the book's
    ``MultiLayerNetExtend``): same arguments, ``params`` keys and ``layers`` names
    (``Affine1``, ``BatchNorm1``, ``Activation_function1``, ``Dropout1``, ...).

    Parameters
    ----------
    input_size : int
        Features per sample (784 for MNIST).
    hidden_size_list : sequence of int
        Units per hidden layer, e.g. ``[100, 100]``.
    output_size : int
        Classes.
    activation : {'relu', 'sigmoid', 'tanh'}, default 'relu'
    weight_init_std : float or str, default 'relu'
        A standard deviation, or ``'xavier'``/``'sigmoid'`` ($\sqrt{1/n}$) or
        ``'he'``/``'relu'`` ($\sqrt{2/n}$), any case (see `dl_notes.init.weight_std`).
        Biases start at zero, $\gamma$ at one, $\beta$ at zero.
    weight_decay_lambda : float, default 0
        $\lambda \ge 0$ of the L2 penalty on the weights (not the biases).
    use_dropout : bool, default False
    dropout_ratio : float, default 0.5
        The probability of dropping a unit (the book spells it ``dropout_ration``; both work).
    use_batchnorm : bool, default False
    regularizer : ElasticNet, optional
        Another penalty, e.g. ``L1(0.005)``, instead of ``weight_decay_lambda``.
    dtype : float32 or float64, default float32
    rng : numpy.random.Generator, optional
        For the initial weights and the dropout masks; or ``seed``. With neither, a fresh one.
    seed : int, optional

    Attributes
    ----------
    params : dict of str to ndarray
        ``W1``, ``b1`` (and ``gamma1``, ``beta1`` with batch norm), ..., ``W{L+1}``, ``b{L+1}``.
    layers : OrderedDict
        The layers in order; ``last_layer`` is the `dl_notes.losses.SoftmaxWithLoss`.
    last_loss : float
        The loss computed by the last `gradient`.

    Raises
    ------
    ValueError
        For an unknown activation or initialisation, a negative $\lambda$, or a dropout ratio
        outside $[0, 1)$.

    See Also
    --------
    dl_notes.train.Trainer : trains it with an optimizer.
    dl_notes.gradcheck.check_network : checks `gradient` against `numerical_gradient`.

    Examples
    --------
    >>> net = MultiLayerNet(784, [40, 20], 10, activation="sigmoid", weight_init_std="Xavier",
    ...                     use_batchnorm=True, seed=0)
    >>> list(net.layers)
    ['Affine1', 'BatchNorm1', 'Activation_function1', 'Affine2', 'BatchNorm2', 'Activation_function2', 'Affine3']
    >>> {key: param.shape for key, param in net.params.items()}
    {'W1': (784, 40), 'b1': (40,), 'gamma1': (40,), 'beta1': (40,), 'W2': (40, 20), 'b2': (20,),
     'gamma2': (20,), 'beta2': (20,), 'W3': (20, 10), 'b3': (10,)}
    >>> x, t = np.random.default_rng(1).random((100, 784)), np.arange(100) % 10
    >>> grads = net.gradient(x, t)
    >>> for key in net.params:                    # the course's hand-written SGD step
    ...     net.params[key] -= 0.1 * grads[key]
    >>> net.params["W1"] is net.layers["Affine1"].W, grads["W1"].dtype
    (True, dtype('float32'))
    """

    def __init__(self, input_size: int, hidden_size_list: Sequence[int], output_size: int,
                 activation: str = "relu", weight_init_std: float | str = "relu", weight_decay_lambda: float = 0,
                 use_dropout: bool = False, dropout_ratio: float = 0.5, use_batchnorm: bool = False, *,
                 dropout_ration: float | None = None, regularizer: ElasticNet | None = None, dtype=np.float32,
                 rng: np.random.Generator | None = None, seed: int | None = None) -> None:
        self.input_size = count("input_size", input_size)
        self.hidden_size_list = [count(f"hidden_size_list[{i}]", n) for i, n in enumerate(hidden_size_list)]
        self.output_size = count("output_size", output_size)
        self.hidden_layer_num = len(self.hidden_size_list)
        self.activation = one_of("activation", activation, tuple(ACTIVATIONS))
        self.weight_decay_lambda = nonnegative("weight_decay_lambda", weight_decay_lambda)
        if regularizer is not None and self.weight_decay_lambda:
            raise ValueError(f"give weight_decay_lambda or regularizer, not both (got {weight_decay_lambda} "
                             f"and {regularizer!r})")
        if regularizer is None and self.weight_decay_lambda:
            regularizer = L2(self.weight_decay_lambda)
        self.use_dropout, self.use_batchnorm = bool(use_dropout), bool(use_batchnorm)
        if dropout_ration is not None:  # the book's spelling
            dropout_ratio = dropout_ration
        super().__init__(dtype=dtype, regularizer=regularizer)
        rng = generator(rng, seed)

        sizes = [self.input_size, *self.hidden_size_list, self.output_size]
        for i in range(1, len(sizes)):
            W = init_weight((sizes[i - 1], sizes[i]), weight_init_std, rng=rng, dtype=self.dtype)
            # The first layer's input is the data: its gradient is never used, so skip computing it.
            b = np.zeros(sizes[i], dtype=self.dtype)
            self.add_layer(f"Affine{i}", Affine(W, b, input_grad=i > 1), W=f"W{i}", b=f"b{i}")
            if i == len(sizes) - 1:
                break
            if self.use_batchnorm:
                bn = BatchNormalization(np.ones(sizes[i], dtype=self.dtype), np.zeros_like(b))
                self.add_layer(f"BatchNorm{i}", bn, gamma=f"gamma{i}", beta=f"beta{i}")
            self.add_layer(f"Activation_function{i}", ACTIVATIONS[self.activation]())
            if self.use_dropout:
                self.add_layer(f"Dropout{i}", Dropout(dropout_ratio, rng=rng))


class SimpleConvNet(Network):
    r"""The course's convolutional network: Conv → ReLU → Pool → Affine → ReLU → Affine → softmax.

    $$
    h_1 = \operatorname{pool}_{2 \times 2}\bigl(\operatorname{ReLU}(x * W_1 + b_1)\bigr), \quad
    h_2 = \operatorname{ReLU}(h_1 W_2 + b_2), \quad
    y = \operatorname{softmax}(h_2 W_3 + b_3)
    $$

    with $W_1$ of shape (FN, C, FS, FS), max pooling over 2×2 windows with stride 2, and the
    pooled maps flattened to $\mathrm{FN} \cdot (\mathrm{OH}/2) \cdot (\mathrm{OW}/2)$ features for $W_2$.

    Parameters
    ----------
    input_dim : (C, H, W), default (1, 28, 28)
    conv_param : dict, default ``{'filter_num': 30, 'filter_size': 5, 'pad': 0, 'stride': 1}``
        Missing keys take these defaults.
    hidden_size : int, default 100
    output_size : int, default 10
    weight_init_std : float or str, default 0.01
        As for `MultiLayerNet` (``'he'`` uses $n_\text{in} = C \cdot FS^2$ for $W_1$).
    dtype : float32 or float64, default float32
    rng : numpy.random.Generator, optional
        Or ``seed``.
    seed : int, optional

    Raises
    ------
    ValueError
        If the filters do not tile the input, or the convolution's output has an odd size
        (the 2×2 pooling would drop a row; the book's code silently does).

    Examples
    --------
    >>> net = SimpleConvNet((1, 10, 10), {"filter_num": 4, "filter_size": 3}, hidden_size=8, seed=0)
    >>> {key: param.shape for key, param in net.params.items()}
    {'W1': (4, 1, 3, 3), 'b1': (4,), 'W2': (64, 8), 'b2': (8,), 'W3': (8, 10), 'b3': (10,)}
    >>> list(net.layers)
    ['Conv1', 'Relu1', 'Pool1', 'Affine1', 'Relu2', 'Affine2']
    >>> net.predict(np.zeros((2, 1, 10, 10))).shape
    (2, 10)
    """

    def __init__(self, input_dim: tuple[int, int, int] = (1, 28, 28), conv_param: Mapping[str, int] | None = None,
                 hidden_size: int = 100, output_size: int = 10, weight_init_std: float | str = 0.01, *,
                 dtype=np.float32, rng: np.random.Generator | None = None, seed: int | None = None) -> None:
        conv = {"filter_num": 30, "filter_size": 5, "pad": 0, "stride": 1, **(conv_param or {})}
        unknown = sorted(set(conv) - {"filter_num", "filter_size", "pad", "stride"})
        if unknown:
            raise ValueError(f"conv_param has unknown keys {unknown}; expected filter_num, filter_size, pad, stride")
        C, H, W = (count(f"input_dim[{i}]", n) for i, n in enumerate(input_dim))
        FN, FS = count("filter_num", conv["filter_num"]), count("filter_size", conv["filter_size"])
        OH = conv_output_size(H, FS, conv["stride"], conv["pad"])
        OW = conv_output_size(W, FS, conv["stride"], conv["pad"])
        if OH % 2 or OW % 2:
            raise ValueError(f"the convolution's output is {OH}x{OW}, which 2x2 pooling with stride 2 does not "
                             "tile; change filter_size or pad so that both sizes are even")
        self.input_dim, self.conv_param = (C, H, W), conv
        self.hidden_size, self.output_size = count("hidden_size", hidden_size), count("output_size", output_size)
        super().__init__(dtype=dtype)
        rng = generator(rng, seed)

        def weight(shape):
            return init_weight(shape, weight_init_std, rng=rng, dtype=self.dtype)

        def zeros(n):
            return np.zeros(n, dtype=self.dtype)

        self.add_layer("Conv1", Convolution(weight((FN, C, FS, FS)), zeros(FN), conv["stride"], conv["pad"],
                                            input_grad=False),  # the data needs no gradient
                       W="W1", b="b1")
        self.add_layer("Relu1", Relu())
        self.add_layer("Pool1", Pooling(2, 2, stride=2))
        pooled = FN * (OH // 2) * (OW // 2)
        self.add_layer("Affine1", Affine(weight((pooled, self.hidden_size)), zeros(self.hidden_size)), W="W2", b="b2")
        self.add_layer("Relu2", Relu())
        self.add_layer("Affine2", Affine(weight((self.hidden_size, self.output_size)), zeros(self.output_size)),
                       W="W3", b="b3")

    def accuracy(self, x: np.ndarray, t: np.ndarray, batch_size: int | None = 100) -> float:
        """As `MultiLayerNet.accuracy`, in batches of 100 by default as in the book (im2col of
        10,000 MNIST images at once would take half a gigabyte)."""
        return super().accuracy(x, t, batch_size)
