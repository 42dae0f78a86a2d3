r"""Networks with the course's interface: a multi-layer perceptron and a small convolutional net.

Both keep their parameters in ``params`` (keys ``W1``, ``b1``, ``gamma1``, ``beta1``, ...) and
their layers in ``layers`` (an ordered dict), and offer ``predict``, ``loss``, ``accuracy``,
``gradient`` (backpropagation) and ``numerical_gradient``, as the course's classes do. The
layers hold the very arrays that ``params`` holds, so an optimizer (or a hand-written
``params[key] -= lr * grads[key]``) that updates ``params`` in place updates the network.

Parameters are float32 unless ``dtype=np.float64`` is asked for (as in gradient checks), and
inputs are converted to that dtype. Random initial weights and dropout masks come from ``rng``
or ``seed``.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Mapping, Sequence

import numpy as np

from ._checks import count, float_dtype, generator, nonnegative, one_of
from .conv import Convolution
from .windows import conv_output_size
from .pooling import Pooling
from .gradcheck import numerical_gradient as _numerical_gradient
from .init import init_weight
from .layers import Affine, BatchNormalization, DropConnect, Dropout, Relu, Sigmoid, SoftmaxWithLoss, Tanh
from .regularizers import L2, ElasticNet

__all__ = ["MultiLayerNet", "SimpleConvNet"]

ACTIVATIONS = {"relu": Relu, "sigmoid": Sigmoid, "tanh": Tanh}
# Layers whose forward pass differs between training and inference.
_TRAIN_AWARE = (BatchNormalization, Dropout, DropConnect)


class _Network:
    """What both networks share; subclasses fill ``params``, ``layers``, ``last_layer`` and ``_owners``.

    ``_owners[key] = (layer, name)`` says that ``params[key]`` is ``layer.<name>`` and its
    gradient ``layer.d<name>``.
    """

    params: dict[str, np.ndarray]
    layers: OrderedDict
    last_layer: SoftmaxWithLoss
    regularizer: ElasticNet | None
    dtype: np.dtype
    _owners: dict[str, tuple[object, str]]

    def predict(self, x: np.ndarray, train_flg: bool = False) -> np.ndarray:
        """The scores (before softmax), shape (N, output_size)."""
        x = np.asarray(x, dtype=self.dtype)
        for layer in self.layers.values():
            x = layer.forward(x, train_flg) if isinstance(layer, _TRAIN_AWARE) else layer.forward(x)
        return x

    def loss(self, x: np.ndarray, t: np.ndarray, train_flg: bool = False) -> float:
        """The mean cross-entropy of ``softmax(predict(x))`` plus the weight penalty."""
        loss = self.last_layer.forward(self.predict(x, train_flg), t)
        if self.regularizer is not None:
            loss += self.regularizer.penalty(self.params[k] for k in self._weight_keys())
        return loss

    def accuracy(self, x: np.ndarray, t: np.ndarray, batch_size: int | None = None) -> float:
        """The fraction of samples whose highest score is the label (labels or one-hot rows).

        ``batch_size`` predicts in chunks to bound memory; every sample counts, the last
        partial chunk too (the book's ``SimpleConvNet.accuracy`` drops it).
        """
        N = len(x)
        step = N if batch_size is None else count("batch_size", batch_size)
        predicted = np.concatenate([self.predict(x[i:i + step]).argmax(axis=1) for i in range(0, N, step)])
        t = np.asarray(t)
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
        """Read parameters written by `save_params` into ``params``, in place (the layers see them)."""
        with np.load(file_name, allow_pickle=False) as saved:
            missing = sorted(set(self.params) - set(saved.files))
            if missing:
                raise ValueError(f"{file_name} has no parameters {missing}; it holds {sorted(saved.files)}")
            for key, param in self.params.items():
                if saved[key].shape != param.shape:
                    raise ValueError(f"{file_name}: {key} has shape {saved[key].shape}, the network's has {param.shape}")
                param[...] = saved[key]

    def _weight_keys(self) -> list[str]:
        return [key for key in self.params if key.startswith("W")]

    def _add(self, name: str, layer: object, **owned: str) -> None:
        """Append ``layer`` under ``name``; ``owned`` maps its attribute names to ``params`` keys."""
        self.layers[name] = layer
        for attribute, key in owned.items():
            self.params[key] = getattr(layer, attribute)
            self._owners[key] = (layer, attribute)

    def _start(self, dtype, rng, seed, regularizer: ElasticNet | None) -> np.random.Generator:
        self.dtype = float_dtype(dtype)
        self.params, self.layers, self._owners = {}, OrderedDict(), {}
        self.last_layer = SoftmaxWithLoss()
        self.regularizer = regularizer
        self.last_loss: float | None = None
        return generator(rng, seed)

    def _zeros(self, n: int) -> np.ndarray:
        return np.zeros(n, dtype=self.dtype)


class MultiLayerNet(_Network):
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
        The layers in order; ``last_layer`` is the `~dl_notes.layers.SoftmaxWithLoss`.
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
        rng = self._start(dtype, rng, seed, regularizer)

        sizes = [self.input_size, *self.hidden_size_list, self.output_size]
        for i in range(1, len(sizes)):
            W = init_weight((sizes[i - 1], sizes[i]), weight_init_std, rng=rng, dtype=self.dtype)
            # The first layer's input is the data: its gradient is never used, so skip computing it.
            self._add(f"Affine{i}", Affine(W, self._zeros(sizes[i]), input_grad=i > 1), W=f"W{i}", b=f"b{i}")
            if i == len(sizes) - 1:
                break
            if self.use_batchnorm:
                bn = BatchNormalization(np.ones(sizes[i], dtype=self.dtype), self._zeros(sizes[i]))
                self._add(f"BatchNorm{i}", bn, gamma=f"gamma{i}", beta=f"beta{i}")
            self._add(f"Activation_function{i}", ACTIVATIONS[self.activation]())
            if self.use_dropout:
                self._add(f"Dropout{i}", Dropout(dropout_ratio, rng=rng))


class SimpleConvNet(_Network):
    r"""The course's convolutional network: Conv → ReLU → Pool → Affine → ReLU → Affine → softmax.

    $$
    h_1 = \operatorname{pool}_{2 \times 2}\bigl(\operatorname{ReLU}(x * W_1 + b_1)\bigr), \quad
    h_2 = \operatorname{ReLU}(h_1 W_2 + b_2), \quad
    y = \operatorname{softmax}(h_2 W_3 + b_3)
    $$

    with $W_1$ of shape (FN, C, FS, FS), max pooling over 2×2 windows with stride 2, and the
    pooled maps flattened to FN·(OH/2)·(OW/2) features for $W_2$.

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
        rng = self._start(dtype, rng, seed, None)

        def weight(shape):
            return init_weight(shape, weight_init_std, rng=rng, dtype=self.dtype)

        self._add("Conv1", Convolution(weight((FN, C, FS, FS)), self._zeros(FN), conv["stride"], conv["pad"],
                                       input_grad=False),  # the data needs no gradient
                  W="W1", b="b1")
        self._add("Relu1", Relu())
        self._add("Pool1", Pooling(2, 2, stride=2))
        pooled = FN * (OH // 2) * (OW // 2)
        self._add("Affine1", Affine(weight((pooled, self.hidden_size)), self._zeros(self.hidden_size)), W="W2", b="b2")
        self._add("Relu2", Relu())
        self._add("Affine2", Affine(weight((self.hidden_size, self.output_size)), self._zeros(self.output_size)),
                  W="W3", b="b3")

    def accuracy(self, x: np.ndarray, t: np.ndarray, batch_size: int | None = 100) -> float:
        """As `MultiLayerNet.accuracy`, in batches of 100 by default as in the book (im2col of
        10,000 MNIST images at once would take half a gigabyte)."""
        return super().accuracy(x, t, batch_size)
