"""dl_notes.parallel: shards, the data-parallel gradient and step (exact in float64), worker
processes, stale gradients, and model parallelism's stages."""

from __future__ import annotations

import numpy as np
import pytest

from dl_notes.gradcheck import numerical_gradient, relative_error
from dl_notes.nets import MultiLayerNet, SimpleConvNet
from dl_notes.optim import SGD
from dl_notes.parallel import (ProcessWorkers, StaleGradients, data_parallel_gradient, gradient_bytes,
                               model_parallel_gradient, shard, split_layers, sync_sgd_step)


def data(n: int = 24, d: int = 6, classes: int = 3, seed: int = 0):
    rng = np.random.default_rng(seed)
    return rng.standard_normal((n, d)), rng.integers(0, classes, n)


def mlp(**kwargs) -> MultiLayerNet:
    return MultiLayerNet(6, [7, 5], 3, dtype=np.float64, seed=0, **kwargs)


@pytest.mark.parametrize("B, K", [(10, 1), (10, 3), (10, 10), (7, 2), (24, 5)])
def test_shards_are_contiguous_and_even(B, K):
    x, t = data(B)
    shards = shard(x, t, K)
    sizes = [len(x_k) for x_k, _ in shards]
    assert len(shards) == K and sum(sizes) == B and max(sizes) - min(sizes) <= 1
    np.testing.assert_array_equal(np.concatenate([x_k for x_k, _ in shards]), x)
    np.testing.assert_array_equal(np.concatenate([t_k for _, t_k in shards]), t)


@pytest.mark.parametrize("workers, error, message", [
    (0, ValueError, "workers must be an integer >= 1, got 0"),
    (11, ValueError, "workers must be from 1 to the batch size 10, got 11"),
    (2.0, TypeError, "workers must be an integer"),
])
def test_shard_rejects_impossible_worker_counts(workers, error, message):
    x, t = data(10)
    with pytest.raises(error, match=message):
        shard(x, t, workers)


def test_shard_needs_one_label_per_sample():
    x, t = data(10)
    with pytest.raises(ValueError, match="x has 10 samples but t has 9"):
        shard(x, t[:9], 2)


@pytest.mark.parametrize("K", [1, 2, 3, 4, 8, 24])
@pytest.mark.parametrize("weight_decay", [0.0, 0.1])
def test_data_parallel_gradient_is_the_full_batch_gradient(K, weight_decay):
    """sum_k B_k / B grad L_k = grad L, to rounding in float64 (uneven shards too)."""
    net = mlp(weight_decay_lambda=weight_decay)
    x, t = data()
    whole = {key: g.copy() for key, g in net.gradient(x, t).items()}
    loss = net.last_loss
    split = data_parallel_gradient(net, x, t, K)
    for key in whole:
        np.testing.assert_allclose(split[key], whole[key], rtol=0, atol=1e-12, err_msg=f"{key}, K={K}")
    assert net.last_loss == pytest.approx(loss, abs=1e-12)


def test_batch_norm_breaks_the_equality():
    """Each worker normalises over its own shard: the docstring's exception."""
    net = MultiLayerNet(6, [7], 3, use_batchnorm=True, dtype=np.float64, seed=0)
    x, t = data()
    whole = {key: g.copy() for key, g in net.gradient(x, t).items()}
    split = data_parallel_gradient(net, x, t, 4)
    assert np.abs(split["W1"] - whole["W1"]).max() > 1e-6


@pytest.mark.parametrize("K", [2, 4, 8])
def test_synchronous_sgd_over_k_workers_is_sgd_with_k_times_the_batch(K):
    """N steps of K workers with batch B each = N steps of one worker with batch K·B (float64)."""
    B, steps = 5, 20
    x, t = data(200)
    workers, one = mlp(), mlp()
    opt_workers, opt_one = SGD(lr=0.1), SGD(lr=0.1)
    rng = np.random.default_rng(1)
    for _ in range(steps):
        batch = rng.choice(len(x), K * B, replace=False)
        loss_k = sync_sgd_step(workers, opt_workers, x[batch], t[batch], K)
        loss_1 = sync_sgd_step(one, opt_one, x[batch], t[batch], 1)
        assert loss_k == pytest.approx(loss_1, abs=1e-12)
    for key in one.params:
        np.testing.assert_allclose(workers.params[key], one.params[key], rtol=0, atol=1e-12, err_msg=key)


def test_data_parallel_gradient_keeps_float32():
    net = MultiLayerNet(6, [5], 3, seed=0)
    x, t = data()
    assert data_parallel_gradient(net, x.astype(np.float32), t, 3)["W1"].dtype == np.float32


@pytest.fixture(scope="module")
def two_workers():
    net = mlp(weight_decay_lambda=0.01)
    with ProcessWorkers(net, 2) as pool:
        yield net, pool


def test_worker_processes_give_the_in_process_gradient(two_workers):
    net, pool = two_workers
    x, t = data(11)
    got = pool.gradient(x, t)
    expected = data_parallel_gradient(net, x, t, 2)
    for key in expected:
        np.testing.assert_allclose(got[key], expected[key], rtol=0, atol=1e-12, err_msg=key)
    assert pool.last_loss == pytest.approx(net.last_loss, abs=1e-12)
    assert len(pool.last_cpu_seconds) == 2 and min(pool.last_cpu_seconds) >= 0


def test_worker_processes_read_the_current_parameters(two_workers):
    """An update in the parent reaches the workers at the next step."""
    net, pool = two_workers
    x, t = data(12)
    sync_sgd_step(net, SGD(lr=0.5), x, t, pool)
    got = pool.gradient(x, t)
    expected = data_parallel_gradient(net, x, t, 2)
    np.testing.assert_allclose(got["W1"], expected["W1"], rtol=0, atol=1e-12)


def test_closed_workers_say_so():
    pool = ProcessWorkers(mlp(), 1)
    pool.close()
    x, t = data()
    with pytest.raises(ValueError, match="the workers are closed"):
        pool.gradient(x, t)


def stale_reference(tau: int, steps: int, lr: float = 0.1):
    """W_{t+1} = W_t - lr * grad L(W_{t - min(tau, t)}), written out with a list of snapshots."""
    net = mlp()
    x, t = data()
    history = []
    for step in range(steps):
        history.append({k: p.copy() for k, p in net.params.items()})
        current = history[-1]
        old = history[step - min(tau, step)]
        probe = mlp()
        for key in probe.params:
            probe.params[key][...] = old[key]
        grads = probe.gradient(x, t)
        for key in net.params:
            net.params[key][...] = current[key] - lr * grads[key]
    return net


@pytest.mark.parametrize("tau", [0, 1, 3])
def test_stale_gradients_follow_the_delayed_update(tau):
    stale = StaleGradients(mlp(), tau)
    x, t = data()
    optimizer = SGD(lr=0.1)
    for _ in range(6):
        optimizer.update(stale.params, stale.gradient(x, t))
    expected = stale_reference(tau, 6)
    for key in expected.params:
        np.testing.assert_allclose(stale.params[key], expected.params[key], rtol=0, atol=1e-12, err_msg=key)
    assert stale.delays == [min(tau, s) for s in range(6)]


def test_staleness_zero_is_plain_sgd():
    stale, plain = StaleGradients(mlp(), 0), mlp()
    x, t = data()
    for _ in range(3):
        SGD(lr=0.1).update(stale.params, stale.gradient(x, t))
        SGD(lr=0.1).update(plain.params, plain.gradient(x, t))
    np.testing.assert_array_equal(stale.params["W1"], plain.params["W1"])
    assert stale.accuracy(*data()) == plain.accuracy(*data())


def test_random_staleness_is_seeded_and_bounded():
    x, t = data()
    runs = []
    for _ in range(2):
        stale = StaleGradients(mlp(), 4, random=True, seed=3)
        for _ in range(30):
            SGD(lr=0.01).update(stale.params, stale.gradient(x, t))
        runs.append(stale.delays)
    assert runs[0] == runs[1] and max(runs[0]) <= 4 and len(set(runs[0])) > 1
    assert all(d <= s for s, d in enumerate(runs[0]))


def test_stale_gradients_leave_the_current_parameters():
    stale = StaleGradients(mlp(), 2)
    x, t = data()
    before = {k: p.copy() for k, p in stale.params.items()}
    stale.gradient(x, t)
    for key in before:
        np.testing.assert_array_equal(stale.params[key], before[key])


@pytest.mark.parametrize("staleness, error", [(-1, ValueError), (1.5, TypeError)])
def test_staleness_must_be_a_count(staleness, error):
    with pytest.raises(error, match="staleness"):
        StaleGradients(mlp(), staleness)


@pytest.mark.parametrize("make, stages", [
    (lambda: mlp(), 2), (lambda: mlp(), 5),
    (lambda: MultiLayerNet(6, [7, 5], 3, use_batchnorm=True, weight_decay_lambda=0.1, dtype=np.float64, seed=0), 3),
])
def test_model_parallel_gradient_is_the_network_gradient(make, stages):
    net = make()
    x, t = data()
    grads, crossings = model_parallel_gradient(net, x, t, split_layers(net, stages))
    grads = {k: g.copy() for k, g in grads.items()}
    loss = net.last_loss
    expected = net.gradient(x, t)
    for key in expected:
        np.testing.assert_array_equal(grads[key], expected[key], err_msg=key)
    assert loss == net.last_loss and len(crossings) == stages - 1
    for c in crossings:
        assert c["forward_bytes"] == c["backward_bytes"] == int(np.prod(c["shape"])) * 8


def test_model_parallel_gradient_matches_numerical_differences():
    """The float64 gradient check, through the stages."""
    net = MultiLayerNet(4, [5, 5], 3, activation="tanh", dtype=np.float64, seed=0)
    x, t = np.random.default_rng(0).standard_normal((6, 4)), np.arange(6) % 3
    grads, _ = model_parallel_gradient(net, x, t, split_layers(net, 3))
    for key, param in net.params.items():
        numeric = numerical_gradient(lambda _: net.loss(x, t, train_flg=True), param)
        assert relative_error(grads[key], numeric) < 1e-6, key


def test_simple_conv_net_crossing_is_the_pooled_feature_map():
    net = SimpleConvNet((1, 12, 12), {"filter_num": 3, "filter_size": 3, "pad": 0, "stride": 1}, hidden_size=4,
                        seed=0)
    x = np.random.default_rng(0).random((2, 1, 12, 12), dtype=np.float32)
    stages = split_layers(net, 2)
    _, crossings = model_parallel_gradient(net, x, np.array([0, 1]), stages)
    assert stages[0][-1] == "Pool1" and crossings[0]["shape"] == [2, 3, 5, 5]
    assert crossings[0]["forward_bytes"] == 2 * 3 * 5 * 5 * 4


def test_stages_must_list_the_layers_in_order():
    net = mlp()
    names = list(net.layers)
    x, t = data()
    with pytest.raises(ValueError, match="stages must list the layers"):
        model_parallel_gradient(net, x, t, [names[2:], names[:2]])


@pytest.mark.parametrize("stages, error", [(0, ValueError), (6, ValueError), ("2", TypeError)])
def test_split_layers_rejects_impossible_stage_counts(stages, error):
    with pytest.raises(error, match="stages"):
        split_layers(mlp(), stages)


def test_gradient_bytes_counts_every_parameter():
    net = mlp()
    assert gradient_bytes(net) == 8 * (6 * 7 + 7 + 7 * 5 + 5 + 5 * 3 + 3)
