r"""Mini-batch training with the course's ``Trainer`` interface.

Each iteration draws a mini-batch, computes the gradients by backpropagation and lets the
optimizer update the parameters:

$$
\theta \leftarrow \operatorname{update}\Bigl(\theta,\ \nabla_\theta \frac{1}{B} \sum_{n \in \text{batch}} L(x_n, t_n; \theta)\Bigr)
$$

Compared with the course's ``common/trainer.py``: the loss logged for a step is the one that
step's gradient came from (the course runs a second forward pass after the update to log it);
batches come from a seeded generator; training can run for a number of ``iterations`` instead
of ``epochs`` and evaluate at any cadence (``eval_every``); and it stops with
`TrainingDiverged`, naming the iteration, as soon as the loss is not finite.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np

from . import optim
from ._checks import NonFiniteError, count, finite, generator, nonempty, one_of

__all__ = ["Trainer", "TrainingDiverged"]

# The course's names (lower-cased), including its misspelt 'rmsprpo'.
OPTIMIZERS = {"sgd": optim.SGD, "momentum": optim.Momentum, "nesterov": optim.Nesterov, "adagrad": optim.AdaGrad,
              "rmsprop": optim.RMSProp, "rmsprpo": optim.RMSProp, "adam": optim.Adam}


class TrainingDiverged(RuntimeError):
    r"""The loss became NaN or infinite: training stopped at ``iteration``.

    Raised at the first iteration $i$ where

    $$
    L_i \notin \mathbb{R} \quad (\text{NaN or } \pm\infty)
    $$

    before that iteration's update. Usually the learning rate is too large (or the initial
    weights are): lower it and retry.

    Attributes
    ----------
    iteration : int
        The iteration (from 1) whose loss was not finite.
    loss : float

    Examples
    --------
    >>> error = TrainingDiverged("training diverged at iteration 3", iteration=3, loss=float("nan"))
    >>> error.iteration, error.loss
    (3, nan)
    """

    def __init__(self, message: str, iteration: int, loss: float) -> None:
        super().__init__(message)
        self.iteration, self.loss = iteration, loss


class Trainer:
    r"""Train a network on mini-batches and record its loss and accuracies.

    Every iteration samples ``mini_batch_size`` training examples (with replacement, as the
    course does), computes ``network.gradient`` and calls ``optimizer.update(network.params,
    grads)``. An *epoch* is ``len(x_train) / mini_batch_size`` iterations.

    $$
    \text{max\_iter} = \begin{cases} \texttt{iterations} & \text{if given} \\
    \lfloor \texttt{epochs} \cdot \max(N_\text{train} / B,\ 1) \rfloor & \text{otherwise} \end{cases}
    $$

    Accuracy on the training and test data (their first ``evaluate_sample_num_per_epoch``
    samples, if set) is measured before the first iteration, every ``eval_every`` iterations
    (default: once per epoch) and after the last.

    Parameters
    ----------
    network : MultiLayerNet, SimpleConvNet, or any object with ``params``, ``gradient``, ``loss`` and ``accuracy``
    x_train, t_train, x_test, t_test : ndarray
        Data and labels (indices or one-hot).
    epochs : int, default 20
    mini_batch_size : int, default 100
    optimizer : str or dl_notes.optim.Optimizer, default 'SGD'
        'sgd', 'momentum', 'nesterov', 'adagrad', 'rmsprop' or 'adam' (any case), or an
        optimizer object. ``optimizer_name=`` (the course's keyword) is accepted too.
    optimizer_param : dict, default ``{'lr': 0.01}``
        Keyword arguments of the optimizer (``learning_rate`` works too).
    evaluate_sample_num_per_epoch : int, optional
        Measure accuracies on this many samples only (faster); all by default.
    verbose : bool, default True
        Show a progress bar (tqdm, when installed) and the final test accuracy.
    iterations : int, optional
        Train for this many iterations instead of ``epochs``.
    eval_every : int, optional
        Iterations between evaluations; one epoch by default.
    rng : numpy.random.Generator, optional
        For drawing the batches; or ``seed``.
    seed : int, optional
    record : dict of str to callable, optional
        More to measure at each evaluation: ``{name: fn}`` with ``fn(trainer) -> float``,
        called after the accuracies; the values go to ``records[name]``, one per entry of
        ``eval_iterations``. `eval_train` and `eval_test` give the data the accuracies use.

    Attributes
    ----------
    train_loss_list : list of float
        The loss of every iteration (its mini-batch, before the update).
    train_acc_list, test_acc_list : list of float
        Accuracies at each evaluation.
    eval_iterations : list of int
        The number of iterations done at each evaluation (0 for the first).
    records : dict of str to list of float
        What ``record`` measured, aligned with ``eval_iterations``.
    current_iter : int

    Raises
    ------
    TrainingDiverged
        From `train` or `train_step`, when the loss is NaN or infinite.
    ValueError
        For data and labels of different lengths, non-finite data, or unknown optimizer names.
    TypeError
        If a value of ``record`` is not callable.

    Examples
    --------
    >>> from dl_notes.nets import MultiLayerNet
    >>> rng = np.random.default_rng(0)
    >>> x, t = rng.random((200, 20)), rng.integers(0, 3, 200)
    >>> net = MultiLayerNet(20, [10], 3, seed=0)
    >>> trainer = Trainer(net, x, t, x[:50], t[:50], epochs=2, mini_batch_size=50, optimizer="Adam",
    ...                   optimizer_param={"lr": 0.01}, verbose=False, seed=0)
    >>> trainer.train()
    >>> len(trainer.train_loss_list), trainer.eval_iterations, len(trainer.test_acc_list)
    (8, [0, 4, 8], 3)

    Recording the test loss at each evaluation as well:

    >>> test_loss = lambda trainer: trainer.network.loss(*trainer.eval_test)
    >>> trainer = Trainer(net, x, t, x[:50], t[:50], iterations=4, eval_every=2, mini_batch_size=50,
    ...                   verbose=False, seed=0, record={"test_loss": test_loss})
    >>> trainer.train()
    >>> trainer.eval_iterations, [round(v, 3) for v in trainer.records["test_loss"]]
    ([0, 2, 4], [1.106, 1.099, 1.097])
    >>> Trainer(net, x, t, x, t, iterations=10, optimizer_param={"lr": 1e30}, verbose=False, seed=0).train()
    Traceback (most recent call last):
    ...
    dl_notes.train.TrainingDiverged: training diverged at iteration ... of 10 ...; lower the learning rate ...
    """

    def __init__(self, network, x_train, t_train, x_test, t_test, epochs: int = 20, mini_batch_size: int = 100,
                 optimizer: str | optim.Optimizer = "SGD", optimizer_param: dict | None = None,
                 evaluate_sample_num_per_epoch: int | None = None, verbose: bool = True, *,
                 optimizer_name: str | None = None, iterations: int | None = None, eval_every: int | None = None,
                 rng: np.random.Generator | None = None, seed: int | None = None,
                 record: Mapping[str, Callable[["Trainer"], float]] | None = None) -> None:
        self.network = network
        self.x_train, self.t_train = self._data("train", x_train, t_train)
        self.x_test, self.t_test = self._data("test", x_test, t_test)
        self.optimizer = self._optimizer(optimizer_name or optimizer, optimizer_param)
        self.epochs = count("epochs", epochs, 0)
        self.batch_size = count("mini_batch_size", mini_batch_size)
        self.train_size = len(self.x_train)
        self.iter_per_epoch = max(self.train_size / self.batch_size, 1)
        self.max_iter = (count("iterations", iterations, 0) if iterations is not None
                         else int(self.epochs * self.iter_per_epoch))
        self.eval_every = count("eval_every", eval_every) if eval_every is not None else max(1, round(self.iter_per_epoch))
        self.evaluate_sample_num_per_epoch = (None if evaluate_sample_num_per_epoch is None
                                              else count("evaluate_sample_num_per_epoch", evaluate_sample_num_per_epoch))
        self.verbose = bool(verbose)
        self.rng = generator(rng, seed)
        self.current_iter = 0
        self.train_loss_list: list[float] = []
        self.train_acc_list: list[float] = []
        self.test_acc_list: list[float] = []
        self.eval_iterations: list[int] = []
        self.record = self._record(record)
        self.records: dict[str, list[float]] = {name: [] for name in self.record}

    @staticmethod
    def _data(name: str, x, t) -> tuple[np.ndarray, np.ndarray]:
        x, t = nonempty("Trainer", np.asarray(x), f"x_{name}"), np.asarray(t)
        if len(x) != len(t):
            raise ValueError(f"x_{name} has {len(x)} samples but t_{name} has {len(t)}; they must match")
        return finite(f"x_{name}", x), t

    @staticmethod
    def _record(record) -> dict[str, Callable[["Trainer"], float]]:
        record = {} if record is None else dict(record)
        for name, fn in record.items():
            if not isinstance(name, str) or not callable(fn):
                raise TypeError(f"Trainer: record must map names (str) to functions fn(trainer) -> float, "
                                f"got {name!r}: {fn!r}")
        return record

    @staticmethod
    def _optimizer(optimizer, optimizer_param: dict | None) -> optim.Optimizer:
        if isinstance(optimizer, optim.Optimizer):
            if optimizer_param:
                raise ValueError("optimizer_param is for an optimizer given by name; this optimizer "
                                 f"{optimizer!r} is already configured")
            return optimizer
        cls = OPTIMIZERS[one_of("optimizer", optimizer, tuple(OPTIMIZERS))]
        return cls(**({"lr": 0.01} if optimizer_param is None else optimizer_param))

    @property
    def current_epoch(self) -> float:
        """Epochs done so far (fractional)."""
        return self.current_iter / self.iter_per_epoch

    def train_step(self) -> float:
        """One iteration: sample a batch, backpropagate, update. Returns the batch's loss."""
        batch = self.rng.integers(0, self.train_size, self.batch_size)
        x_batch, t_batch = self.x_train[batch], self.t_train[batch]
        iteration = self.current_iter + 1
        # Overflow is expected when training diverges: it is detected below, with a message.
        with np.errstate(over="ignore", invalid="ignore"):
            try:
                grads = self.network.gradient(x_batch, t_batch)
                loss = getattr(self.network, "last_loss", None)
                if loss is None:  # a network that does not record the loss of its gradient pass
                    loss = self.network.loss(x_batch, t_batch)
            except NonFiniteError as error:
                raise self._diverged(iteration, float("nan"), "the network's scores are not finite") from error
        if not np.isfinite(loss):
            raise self._diverged(iteration, loss, f"the loss is {loss}")
        self.optimizer.update(self.network.params, grads)
        self.current_iter = iteration
        self.train_loss_list.append(float(loss))
        if self.current_iter % self.eval_every == 0:
            self.evaluate()
        return float(loss)

    def _diverged(self, iteration: int, loss: float, what: str) -> TrainingDiverged:
        return TrainingDiverged(
            f"training diverged at iteration {iteration} of {self.max_iter} (epoch {iteration / self.iter_per_epoch:.2f}): "
            f"{what}; lower the learning rate (optimizer {self.optimizer!r}) "
            "or check the initial weights and the inputs", iteration, loss)

    @property
    def eval_train(self) -> tuple[np.ndarray, np.ndarray]:
        """``(x, t)``: the training data an evaluation measures (the first
        ``evaluate_sample_num_per_epoch`` samples, or all)."""
        n = self.evaluate_sample_num_per_epoch
        return self.x_train[:n], self.t_train[:n]

    @property
    def eval_test(self) -> tuple[np.ndarray, np.ndarray]:
        """``(x, t)``: the test data an evaluation measures."""
        n = self.evaluate_sample_num_per_epoch
        return self.x_test[:n], self.t_test[:n]

    def evaluate(self) -> tuple[float, float]:
        """Measure and record the training and test accuracy, then what ``record`` asks for;
        return the accuracies."""
        train_acc = self.network.accuracy(*self.eval_train)
        test_acc = self.network.accuracy(*self.eval_test)
        values = {name: float(fn(self)) for name, fn in self.record.items()}
        self.train_acc_list.append(float(train_acc))
        self.test_acc_list.append(float(test_acc))
        self.eval_iterations.append(self.current_iter)
        for name, value in values.items():
            self.records[name].append(value)
        return train_acc, test_acc

    def train(self) -> None:
        """Run every iteration (from where it stands), evaluating before, on the way and after."""
        bar = self._progress_bar()
        if not self.eval_iterations or self.eval_iterations[-1] != self.current_iter:
            self.evaluate()
        try:
            while self.current_iter < self.max_iter:
                loss = self.train_step()
                if bar is not None:
                    bar.update(1)
                    if self.eval_iterations[-1] == self.current_iter:
                        bar.set_postfix(loss=f"{loss:.4f}", train_acc=self.train_acc_list[-1],
                                        test_acc=self.test_acc_list[-1])
        finally:
            if bar is not None:
                bar.close()
        if self.eval_iterations[-1] != self.current_iter:
            self.evaluate()
        if self.verbose:
            print(f"final test accuracy: {self.network.accuracy(self.x_test, self.t_test):.4f}")

    def _progress_bar(self):
        if not self.verbose:
            return None
        try:
            from tqdm.auto import tqdm
        except ImportError:  # tqdm is an optional dependency: train silently
            return None
        return tqdm(total=self.max_iter, initial=self.current_iter, desc="training", unit="it")
