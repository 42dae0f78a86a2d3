r"""What the MNIST experiments share: their data, their training loop with recorded curves, and
the caption that names the data.

Experiments never import each other; what two of them need lives here (data and training) or in
`._plotting` (figure look, panel grids, shared labels and name tables). The two are apart on
purpose: an experiment's cache key covers every ``dl_notes`` module it imports, so an experiment
that draws no MNIST (optimizer trajectories, convolution geometry) must not import this module,
and is not recomputed when the data or training code changes.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np

from dl_notes import datasets
from dl_notes.train import Trainer, TrainingDiverged

from ._plotting import LANGS

Data = tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]


def mnist(source: str, *, n_train: int | None = None, n_test: int | None = None, flatten: bool = True) -> Data:
    """MNIST from ``source`` as `dl_notes.datasets.load_mnist` gives it, cut to the first images.

    Parameters
    ----------
    source : {"subset", "full"}
        Which MNIST (see `dl_notes.datasets.mnist_source`).
    n_train, n_test : int or None, default None
        Keep only the first ``n_train`` training and ``n_test`` test images; None keeps all.
    flatten : bool, default True
        Images as rows of 784 pixels, else as (1, 28, 28).

    Returns
    -------
    ((x_train, t_train), (x_test, t_test))
        ``x`` of shape (n, 784) (or (n, 1, 28, 28)), float32 in [0, 1]; ``t`` of shape (n,).

    Raises
    ------
    ValueError
        If ``n_train`` or ``n_test`` is not a positive integer or is larger than the set.

    See Also
    --------
    dl_notes.datasets.load_mnist : the course's loader; the page "MNIST".

    Examples
    --------
    >>> (x, t), (x_test, t_test) = mnist(datasets.SUBSET, n_train=5)
    >>> x.shape, t.shape, x.dtype, len(x_test) > 5
    ((5, 784), (5,), dtype('float32'), True)
    """
    (x, t), (x_test, t_test) = datasets.load_mnist(flatten=flatten, source=source)
    n, m = _count("n_train", n_train, len(x)), _count("n_test", n_test, len(x_test))
    return (x[:n], t[:n]), (x_test[:m], t_test[:m])


def _count(name: str, n: int | None, available: int) -> int:
    if n is None:
        return available
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or not 1 <= n <= available:
        raise ValueError(f"mnist: {name} must be None or an integer from 1 to {available}, got {n!r}")
    return int(n)


def describe(source: str) -> dict[str, str]:
    """Which MNIST data produced a result, in every site language: what captions quote.

    Experiments store it as ``values["description"]``; pages put it into their figures' captions.

    >>> sorted(describe(datasets.SUBSET)) == sorted(LANGS)
    True
    """
    return {lang: datasets.describe_mnist(source, lang) for lang in LANGS}


def train(net, data: Data, *, iterations: int, batch_size: int, lr: float, eval_every: int, seed: int,
          optimizer: str = "SGD", record: Mapping[str, Callable[[Trainer], float]] | None = None,
          optimizer_param: Mapping[str, float] | None = None) -> dict:
    r"""Train ``net`` in place with ``optimizer`` and return its recorded curves.

    `dl_notes.train.Trainer` draws the mini-batches from ``seed``: two nets trained with the same
    ``seed`` and data see the same batches. The test accuracy is measured on the whole test set
    every ``eval_every`` iterations and before the first; the training accuracy on as many
    training images. A run that diverges is recorded (``diverged_at``) instead of raised, so that
    one bad setting does not stop a grid.

    Parameters
    ----------
    net
        A network with the course's methods (``params``, ``gradient``, ``loss``, ``accuracy``).
    data : ((x_train, t_train), (x_test, t_test))
        As `mnist` returns it.
    iterations, batch_size, eval_every, seed : int
        Updates, mini-batch size, iterations between measurements, seed of the batches.
    lr : float
        Learning rate.
    optimizer : str, default "SGD"
        Name of a `dl_notes.optim` optimizer.
    record : dict of str to callable, optional
        More measurements at each evaluation, ``{name: fn(trainer) -> float}`` (`Trainer`'s
        ``record``); each comes back as a list under its name.

    Returns
    -------
    dict
        ``iterations`` (the iterations where it measured, 0 first), ``test_acc`` and ``train_acc``
        (one per measurement), ``loss`` (the mean training loss of the mini-batches between two
        measurements, one fewer), ``batch_loss`` (the loss of every mini-batch),
        ``diverged_at`` (the iteration where the loss stopped being finite, or None), and one
        list per ``record`` entry.

    See Also
    --------
    dl_notes.train.Trainer : the training loop; the page "Optimizers on MNIST".

    Examples
    --------
    >>> from dl_notes.nets import MultiLayerNet
    >>> rng = np.random.default_rng(0)
    >>> x, t = rng.random((60, 4), dtype=np.float32), rng.integers(0, 3, 60)
    >>> net = MultiLayerNet(4, [5], 3, seed=0)
    >>> run = train(net, ((x, t), (x, t)), iterations=4, batch_size=10, lr=0.1, eval_every=2, seed=0)
    >>> run["iterations"], len(run["test_acc"]), len(run["loss"]), len(run["batch_loss"]), run["diverged_at"]
    ([0, 2, 4], 3, 2, 4, None)
    """
    (x, t), (x_test, t_test) = data
    # evaluate_sample_num_per_epoch = the test set's size keeps the test set whole and measures
    # the training accuracy on as many training images.
    trainer = Trainer(net, x, t, x_test, t_test, mini_batch_size=batch_size, optimizer=optimizer,
                      optimizer_param={"lr": lr, **(optimizer_param or {})}, evaluate_sample_num_per_epoch=len(x_test), verbose=False,
                      iterations=iterations, eval_every=eval_every, seed=seed, record=record)
    diverged_at = None
    try:
        trainer.train()
    except TrainingDiverged as error:
        diverged_at = error.iteration
    losses = np.asarray(trainer.train_loss_list)
    windows = [losses[a:b].mean() for a, b in zip(trainer.eval_iterations, trainer.eval_iterations[1:])]
    return {
        "iterations": list(trainer.eval_iterations),
        "test_acc": list(trainer.test_acc_list),
        "train_acc": list(trainer.train_acc_list),
        "loss": [float(w) for w in windows],
        "batch_loss": list(trainer.train_loss_list),
        "diverged_at": diverged_at,
        **trainer.records,
    }


def curve_arrays(prefix: str, curves: dict, fields: tuple[str, ...]) -> dict[str, np.ndarray]:
    """The ``fields`` of `train`'s ``curves`` as result arrays named ``'<prefix>/<field>'``.

    >>> curve_arrays("sgd", {"iterations": [0, 5], "test_acc": [0.1, 0.4]}, ("iterations", "test_acc"))
    {'sgd/iterations': array([0, 5]), 'sgd/test_acc': array([0.1, 0.4])}
    """
    return {f"{prefix}/{field}": np.asarray(curves[field]) for field in fields}
