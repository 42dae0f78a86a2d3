r"""Splitting training over workers: data parallelism (synchronous and asynchronous) and model parallelism.

**Data parallelism** gives every worker a copy of the whole network and a part (a shard) of the
mini-batch. Each computes the gradient of the loss on its shard; combined as the mean weighted
by the shard sizes, they are the gradient of the whole mini-batch (`data_parallel_gradient`),
so a synchronous step (`sync_sgd_step`) over $K$ workers with $B$ samples each is the step of one
worker with $K B$ samples. `ProcessWorkers` computes the shard gradients in real worker
processes. **Asynchronous** workers do not wait for each other: a gradient reaches the
parameters after other workers' updates, so it was computed on parameters a few steps old
(`StaleGradients` simulates that staleness). **Model parallelism** splits the network's layers
into stages held by different workers; the activations cross from one stage to the next going
forward and their gradients going back (`model_parallel_gradient` measures those bytes). The
page Speed-up (``speedup.md``) teaches them.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import time
from collections import deque
from collections.abc import Mapping

import numpy as np

from ._checks import batch, count, generator
from .nets import layer_forward

__all__ = ["shard", "data_parallel_gradient", "sync_sgd_step", "StaleGradients", "ProcessWorkers",
           "split_layers", "model_parallel_gradient", "gradient_bytes", "one_blas_thread"]


def shard(x: np.ndarray, t: np.ndarray, workers: int) -> list[tuple[np.ndarray, np.ndarray]]:
    r"""Cut a mini-batch into ``workers`` contiguous shards whose sizes differ by at most one.

    $$
    B = \sum_{k=1}^{K} B_k, \qquad B_k \in \bigl\{\lfloor B / K \rfloor, \lceil B / K \rceil\bigr\}
    $$

    Parameters
    ----------
    x : ndarray, shape (B, ...)
        The inputs.
    t : ndarray, shape (B,) or (B, classes)
        The labels, one per input.
    workers : int
        $K$, from 1 to $B$ (a worker with no sample would have no gradient).

    Returns
    -------
    list of (x_k, t_k)
        $K$ views of ``x`` and ``t``, in order; the first $B \bmod K$ have one sample more.

    Raises
    ------
    ValueError
        If ``workers`` is not an integer from 1 to $B$, or ``x`` and ``t`` differ in length.

    See Also
    --------
    data_parallel_gradient : what the shards are for (page: Speed-up, ``speedup.md``).

    Examples
    --------
    >>> x, t = np.arange(10).reshape(5, 2), np.arange(5)
    >>> [t_k.tolist() for _, t_k in shard(x, t, 2)]
    [[0, 1, 2], [3, 4]]
    >>> [len(x_k) for x_k, _ in shard(x, t, 5)]
    [1, 1, 1, 1, 1]
    """
    x, t = batch("shard", x), np.asarray(t)
    B = len(x)
    if len(t) != B:
        raise ValueError(f"shard: x has {B} samples but t has {len(t)}; give one label per sample")
    K = count("workers", workers)
    if K > B:
        raise ValueError(f"shard: workers must be from 1 to the batch size {B}, got {K}; "
                         "a worker without samples has no gradient")
    bounds = np.cumsum([0] + [B // K + (k < B % K) for k in range(K)])
    return [(x[a:b], t[a:b]) for a, b in zip(bounds[:-1], bounds[1:])]


def _copy(grads: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    # A network's gradient dict holds its layers' own dW arrays, overwritten by the next backward.
    return {key: np.array(g, copy=True) for key, g in grads.items()}


def _combine(parts: list[tuple[dict[str, np.ndarray], float]], sizes: list[int]) -> tuple[dict[str, np.ndarray], float]:
    """Shard gradients and losses averaged with the weights B_k / B (in the gradients' dtype)."""
    B = sum(sizes)
    keys = parts[0][0].keys()
    grads = {key: sum((B_k / B) * g[key] for (g, _), B_k in zip(parts, sizes)) for key in keys}
    loss = sum((B_k / B) * float(loss_k) for (_, loss_k), B_k in zip(parts, sizes))
    return grads, loss


def data_parallel_gradient(net, x: np.ndarray, t: np.ndarray, workers: int) -> dict[str, np.ndarray]:
    r"""The mini-batch gradient computed as ``workers`` simulated workers would: one shard each.

    Worker $k$ computes the gradient of its shard's mean loss $L_k$ on its $B_k$ samples; the
    shard-size-weighted mean of those is the gradient of the mini-batch's mean loss $L$:

    $$
    \nabla L = \sum_{k=1}^{K} \frac{B_k}{B} \nabla L_k
    $$

    This holds when the loss is a mean over samples (plus a penalty on the weights, whose
    gradient every worker adds once and the weights $B_k / B$ sum to one). With batch
    normalisation it does not: each worker normalises over its own shard.

    Parameters
    ----------
    net
        A network with the course's interface (``params``, ``gradient(x, t)``, ``last_loss``).
    x, t : ndarray
        The mini-batch (see `shard`).
    workers : int
        $K$, from 1 to the batch size.

    Returns
    -------
    dict of str to ndarray
        The combined gradient, keyed like ``net.params``, in their dtype. The combined loss is
        left in ``net.last_loss``.

    Raises
    ------
    ValueError
        As `shard`.

    See Also
    --------
    ProcessWorkers : the same in worker processes (page: Speed-up, ``speedup.md``).

    Examples
    --------
    >>> from dl_notes.nets import MultiLayerNet
    >>> rng = np.random.default_rng(0)
    >>> net = MultiLayerNet(4, [5], 3, dtype=np.float64, seed=0)
    >>> x, t = rng.random((10, 4)), rng.integers(0, 3, 10)
    >>> whole = {key: g.copy() for key, g in net.gradient(x, t).items()}
    >>> split = data_parallel_gradient(net, x, t, workers=3)           # shards of 4, 3 and 3
    >>> all(np.allclose(split[key], whole[key], rtol=0, atol=1e-15) for key in whole)
    True
    """
    shards = shard(x, t, workers)
    parts = []
    for x_k, t_k in shards:
        grads = _copy(net.gradient(x_k, t_k))
        parts.append((grads, net.last_loss))
    grads, net.last_loss = _combine(parts, [len(x_k) for x_k, _ in shards])
    return grads


def sync_sgd_step(net, optimizer, x: np.ndarray, t: np.ndarray, workers: int | ProcessWorkers) -> float:
    r"""One synchronous data-parallel step: every worker's gradient, combined, then one update.

    $$
    W \leftarrow W - \eta \sum_{k=1}^{K} \frac{B_k}{B} \nabla L_k(W)
    $$

    With `SGD` this is exactly the step of one worker on the whole mini-batch (up to rounding:
    the sums are taken in another order).

    Parameters
    ----------
    net
        A network with the course's interface.
    optimizer
        A `dl_notes.optim` optimizer (``update(params, grads)``).
    x, t : ndarray
        The mini-batch of all the workers together.
    workers : int or ProcessWorkers
        $K$ simulated workers in this process, or worker processes holding copies of ``net``.

    Returns
    -------
    float
        The mini-batch's loss before the update.

    See Also
    --------
    data_parallel_gradient : the combined gradient (page: Speed-up, ``speedup.md``).

    Examples
    --------
    >>> from dl_notes.nets import MultiLayerNet
    >>> from dl_notes.optim import SGD
    >>> rng = np.random.default_rng(0)
    >>> x, t = rng.random((8, 4)), rng.integers(0, 3, 8)
    >>> one, four = (MultiLayerNet(4, [5], 3, dtype=np.float64, seed=0) for _ in range(2))
    >>> _ = sync_sgd_step(one, SGD(lr=0.1), x, t, workers=1)
    >>> _ = sync_sgd_step(four, SGD(lr=0.1), x, t, workers=4)
    >>> max(float(np.abs(one.params[k] - four.params[k]).max()) for k in one.params) < 1e-15
    True
    """
    if isinstance(workers, ProcessWorkers):
        grads = workers.gradient(x, t)
        loss = workers.last_loss
    else:
        grads = data_parallel_gradient(net, x, t, workers)
        loss = net.last_loss
    optimizer.update(net.params, grads)
    return float(loss)


class StaleGradients:
    r"""A network whose gradients are computed on parameters ``staleness`` updates old (asynchronous SGD).

    With $K$ asynchronous workers, a worker reads the parameters, computes its gradient and
    sends it; meanwhile the others have updated the parameters. The update at step $t$ uses a
    gradient computed on the parameters of step $t - \tau_t$:

    $$
    W_{t+1} = W_t - \eta \nabla L\bigl(W_{t - \tau_t}; x_t\bigr)
    $$

    $\tau_t = \tau$ (fixed), or drawn uniformly from $0, \dots, \tau$ (``random=True``); at the
    start, $\tau_t$ is at most $t$. $\tau = 0$ is plain SGD. Wrap a network and train the wrapper
    with any optimizer or `dl_notes.train.Trainer`: ``params`` is the network's own dict, and
    ``gradient`` evaluates the network at the old parameters and puts the current ones back.

    Parameters
    ----------
    net
        A network with the course's interface.
    staleness : int
        $\tau \ge 0$.
    random : bool, default False
        Draw $\tau_t$ from $0, \dots, \tau$ at every step instead of using $\tau$.
    rng : numpy.random.Generator, optional
        For the random delays; or ``seed``.
    seed : int, optional

    Attributes
    ----------
    params : dict of str to ndarray
        ``net.params`` (the same arrays).
    delays : list of int
        $\tau_t$ of every `gradient` call so far.
    last_loss : float
        The loss of the last `gradient`, at the old parameters (what the worker saw).

    Raises
    ------
    ValueError
        If ``staleness`` is not an integer $\ge 0$.

    See Also
    --------
    sync_sgd_step : the synchronous step, with no staleness (page: Speed-up, ``speedup.md``).

    Examples
    --------
    >>> from dl_notes.nets import MultiLayerNet
    >>> from dl_notes.optim import SGD
    >>> rng = np.random.default_rng(0)
    >>> x, t = rng.random((8, 4)), rng.integers(0, 3, 8)
    >>> stale = StaleGradients(MultiLayerNet(4, [5], 3, dtype=np.float64, seed=0), staleness=2)
    >>> for _ in range(4):
    ...     SGD(lr=0.1).update(stale.params, stale.gradient(x, t))
    >>> stale.delays                                   # at most t at step t
    [0, 1, 2, 2]
    """

    def __init__(self, net, staleness: int, *, random: bool = False, rng: np.random.Generator | None = None,
                 seed: int | None = None) -> None:
        self.net = net
        self.staleness = count("staleness", staleness, minimum=0)
        self.random = bool(random)
        self.rng = generator(rng, seed)
        self.params = net.params
        self.delays: list[int] = []
        self.last_loss: float | None = None
        # the parameters of the last staleness + 1 steps, the newest last
        self._history: deque[dict[str, np.ndarray]] = deque(maxlen=self.staleness + 1)

    def gradient(self, x: np.ndarray, t: np.ndarray) -> dict[str, np.ndarray]:
        """The gradient on ``(x, t)`` at the parameters of $\\tau_t$ steps ago."""
        current = _copy(self.params)
        self._history.append(current)
        tau = int(self.rng.integers(0, self.staleness + 1)) if self.random else self.staleness
        tau = min(tau, len(self._history) - 1)
        self.delays.append(tau)
        old = self._history[-1 - tau]
        for key, param in self.params.items():  # in place: the layers hold these arrays
            param[...] = old[key]
        try:
            grads = _copy(self.net.gradient(x, t))
            self.last_loss = self.net.last_loss
        finally:
            for key, param in self.params.items():
                param[...] = current[key]
        return grads

    def predict(self, x: np.ndarray, train_flg: bool = False) -> np.ndarray:
        """The network's scores at the current parameters."""
        return self.net.predict(x, train_flg)

    def loss(self, x: np.ndarray, t: np.ndarray, train_flg: bool = False) -> float:
        """The network's loss at the current parameters."""
        return self.net.loss(x, t, train_flg)

    def accuracy(self, x: np.ndarray, t: np.ndarray, batch_size: int | None = None) -> float:
        """The network's accuracy at the current parameters."""
        return self.net.accuracy(x, t, batch_size)


def one_blas_thread() -> contextlib.AbstractContextManager:
    """A context in which NumPy's BLAS uses one thread (no limit when threadpoolctl is missing).

    Each worker process (and each experiment of a build) computes with small matrices: a second
    BLAS thread gains nothing there, and two workers on two cores would have four threads fight
    for the cores; when the other core is busy, OpenBLAS's threads wait on each other (measured
    at 100 times slower per product). threadpoolctl is optional, and so is the limit.

    Examples
    --------
    >>> with one_blas_thread():
    ...     np.ones((2, 3)) @ np.ones((3, 2))
    array([[3., 3.],
           [3., 3.]])
    """
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        return contextlib.nullcontext()
    return threadpool_limits(limits=1, user_api="blas")


def _serve(conn, net) -> None:
    """A worker process: receive (parameters, shard), send (gradient, loss, CPU seconds), until None arrives."""
    with one_blas_thread():
        while (message := conn.recv()) is not None:
            params, x, t = message
            start = time.process_time()
            for key, param in net.params.items():
                param[...] = params[key]
            grads = net.gradient(x, t)
            seconds = time.process_time() - start
            conn.send(({key: np.asarray(g) for key, g in grads.items()}, float(net.last_loss), seconds))
    conn.close()


class ProcessWorkers:
    r"""Data-parallel workers as real processes: each holds a copy of ``net`` and computes the
    gradient of one shard.

    `gradient` sends every worker the current parameters and its shard (`shard`), the workers
    compute at the same time, and their gradients come back combined as in
    `data_parallel_gradient`:

    $$
    \nabla L = \sum_{k=1}^{K} \frac{B_k}{B} \nabla L_k
    $$

    What crosses between processes at each step is the parameters (to each worker) and the
    gradients (back), `gradient_bytes` each way per worker. The processes are started with
    "spawn" (safe inside threaded programs and inside other worker processes) and run with one
    BLAS thread each. Use it as a context manager, or call `close`.

    Parameters
    ----------
    net
        A network with the course's interface; it must be picklable. Its parameters are read at
        every `gradient` call.
    workers : int
        The number of processes $K \ge 1$.

    Attributes
    ----------
    last_loss : float
        The mini-batch's loss from the last `gradient`.
    last_cpu_seconds : list of float
        The CPU time each worker spent computing its gradient in the last `gradient` (the work
        each did, whatever else the machine was running).

    See Also
    --------
    data_parallel_gradient : the same computation in this process (page: Speed-up, ``speedup.md``).

    Examples
    --------
    >>> from dl_notes.nets import MultiLayerNet
    >>> rng = np.random.default_rng(0)
    >>> net = MultiLayerNet(4, [5], 3, dtype=np.float64, seed=0)
    >>> x, t = rng.random((10, 4)), rng.integers(0, 3, 10)
    >>> with ProcessWorkers(net, workers=2) as pool:
    ...     grads = pool.gradient(x, t)
    >>> expected = data_parallel_gradient(net, x, t, workers=2)
    >>> all(np.array_equal(grads[key], expected[key]) for key in expected)
    True
    """

    def __init__(self, net, workers: int) -> None:
        self.net = net
        self.workers = count("workers", workers)
        self.last_loss: float | None = None
        self.last_cpu_seconds: list[float] = []
        context = multiprocessing.get_context("spawn")
        self._connections, self._processes = [], []
        try:
            for _ in range(self.workers):
                mine, theirs = context.Pipe()
                process = context.Process(target=_serve, args=(theirs, net))
                process.start()
                theirs.close()
                self._connections.append(mine)
                self._processes.append(process)
        except BaseException:
            self.close()
            raise

    def gradient(self, x: np.ndarray, t: np.ndarray) -> dict[str, np.ndarray]:
        """The mini-batch gradient, one shard per worker process, combined (keyed like ``params``)."""
        if not self._processes:
            raise ValueError("ProcessWorkers.gradient: the workers are closed; make a new ProcessWorkers")
        shards = shard(x, t, self.workers)
        params = dict(self.net.params)
        for conn, (x_k, t_k) in zip(self._connections, shards):
            conn.send((params, x_k, t_k))
        replies = [conn.recv() for conn in self._connections]
        self.last_cpu_seconds = [seconds for _, _, seconds in replies]
        grads, self.last_loss = _combine([(g, loss) for g, loss, _ in replies], [len(x_k) for x_k, _ in shards])
        return grads

    def close(self) -> None:
        """Stop the worker processes (and wait for them)."""
        for conn in self._connections:
            try:
                conn.send(None)
            except (BrokenPipeError, OSError):
                pass
            conn.close()
        for process in self._processes:
            process.join(timeout=10)
            if process.is_alive():
                process.terminate()
        self._connections, self._processes = [], []

    def __enter__(self) -> ProcessWorkers:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def gradient_bytes(net) -> int:
    r"""Bytes of one full gradient (the same as the parameters): what a data-parallel worker sends per step.

    $$
    \text{bytes} = \sum_{\text{parameters } W} \lvert W \rvert \cdot \text{bytes per value}
    $$

    See Also
    --------
    model_parallel_gradient : what model parallelism sends instead (page: Speed-up, ``speedup.md``).

    Examples
    --------
    >>> from dl_notes.nets import MultiLayerNet
    >>> gradient_bytes(MultiLayerNet(784, [100], 10, seed=0))     # (784·100 + 100 + 100·10 + 10) · 4
    318040
    """
    return int(sum(np.asarray(p).nbytes for p in net.params.values()))


def split_layers(net, stages: int) -> list[list[str]]:
    r"""The names of ``net``'s layers cut into ``stages`` contiguous groups of nearly equal length.

    $$
    f = f_S \circ \cdots \circ f_2 \circ f_1
    $$

    Parameters
    ----------
    net
        A network with an ordered ``layers`` dict.
    stages : int
        $S$, from 1 to the number of layers.

    Returns
    -------
    list of list of str
        The layer names of each stage, in order.

    Raises
    ------
    ValueError
        If ``stages`` is not an integer from 1 to the number of layers.

    See Also
    --------
    model_parallel_gradient : runs the stages (page: Speed-up, ``speedup.md``).

    Examples
    --------
    >>> from dl_notes.nets import MultiLayerNet
    >>> split_layers(MultiLayerNet(4, [5, 5], 3, seed=0), 2)
    [['Affine1', 'Activation_function1', 'Affine2'], ['Activation_function2', 'Affine3']]
    """
    names = list(net.layers)
    S = count("stages", stages)
    if S > len(names):
        raise ValueError(f"split_layers: stages must be from 1 to the number of layers {len(names)}, got {S}")
    bounds = np.cumsum([0] + [len(names) // S + (s < len(names) % S) for s in range(S)])
    return [names[a:b] for a, b in zip(bounds[:-1], bounds[1:])]


def model_parallel_gradient(net, x: np.ndarray, t: np.ndarray,
                            stages: list[list[str]]) -> tuple[dict[str, np.ndarray], list[dict]]:
    r"""The gradient computed stage by stage as in model parallelism, and what crosses between stages.

    Stage $s$ holds the layers $f_s$ (`split_layers`). Going forward, stage $s$ sends its output
    $h_s = f_s(h_{s-1})$ to stage $s + 1$; going back, stage $s + 1$ sends
    $\partial L / \partial h_s$, of the same shape. The composition is the network, so the
    output and the gradient are exactly those of ``net.gradient``:

    $$
    y = f_S\bigl(\cdots f_2(f_1(x))\bigr)
    $$

    Parameters
    ----------
    net
        A network built from layers (``layers``, ``last_layer``, ``params``; `dl_notes.nets.Network`).
    x, t : ndarray
        The mini-batch.
    stages : list of list of str
        Every layer name of ``net`` once, in order, grouped into stages.

    Returns
    -------
    grads : dict of str to ndarray
        As ``net.gradient(x, t)``; the loss is left in ``net.last_loss``.
    crossings : list of dict
        One per boundary between stages: ``shape`` of the activation, ``forward_bytes`` (the
        activation) and ``backward_bytes`` (its gradient).

    Raises
    ------
    ValueError
        If ``stages`` does not list the network's layers in order.

    See Also
    --------
    gradient_bytes : what data parallelism sends instead (page: Speed-up, ``speedup.md``).

    Examples
    --------
    >>> from dl_notes.nets import MultiLayerNet
    >>> net = MultiLayerNet(4, [5, 5], 3, dtype=np.float64, seed=0)
    >>> x, t = np.random.default_rng(0).random((6, 4)), np.arange(6) % 3
    >>> grads, crossings = model_parallel_gradient(net, x, t, split_layers(net, 2))
    >>> crossings                                      # a (6, 5) float64 activation: 240 bytes
    [{'shape': [6, 5], 'forward_bytes': 240, 'backward_bytes': 240}]
    """
    flat = [name for stage in stages for name in stage]
    if flat != list(net.layers):
        raise ValueError(f"model_parallel_gradient: stages must list the layers {list(net.layers)} in order, "
                         f"got {stages}")
    h = np.asarray(x, dtype=net.dtype)
    crossings = []
    for s, stage in enumerate(stages):
        for name in stage:
            h = layer_forward(net.layers[name], h, train_flg=True)
        if s < len(stages) - 1:  # sent to the next stage's worker
            crossings.append({"shape": list(h.shape), "forward_bytes": int(h.nbytes)})
    loss = net.last_layer.forward(h, t)
    if net.regularizer is not None:
        loss += net.regularizer.penalty(net.params[k] for k in net.params if k.startswith("W"))
    net.last_loss = loss
    dout = net.last_layer.backward(1)
    for s in range(len(stages) - 1, -1, -1):
        if s < len(stages) - 1:  # received from the next stage's worker
            crossings[s]["backward_bytes"] = int(np.asarray(dout).nbytes)
        for name in reversed(stages[s]):
            dout = net.layers[name].backward(dout)
    return net.stored_gradients(), crossings
