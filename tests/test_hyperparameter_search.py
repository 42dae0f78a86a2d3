"""The book's section 6.5: shuffle, split off validation data, random search on a log scale.

Covers `dl_notes.datasets.shuffle_dataset` and `split_validation`, the experiment
``hyperparameter_search`` and the calls of the book's ``ch06/hyperparameter_optimization.py``.
"""

from __future__ import annotations

import numpy as np
import pytest

from dl_notes.datasets import load_mnist, shuffle_dataset, split_validation
from dl_notes.experiments import hyperparameter_search as exp


# --- shuffle_dataset and split_validation ------------------------------------------------------

@pytest.mark.parametrize("shape", [(12, 3), (12, 1, 4, 4), (12,)])
def test_shuffle_keeps_each_label_with_its_sample_for_any_number_of_axes(shape):
    x = np.arange(np.prod(shape)).reshape(shape)
    t = np.arange(12)
    xs, ts = shuffle_dataset(x, t, seed=1)
    assert xs.shape == x.shape and sorted(ts.tolist()) == list(range(12))
    assert np.array_equal(xs, x[ts])          # sample i went wherever its label went
    assert not np.array_equal(ts, t)          # it did reorder


def test_shuffle_is_reproducible_with_a_seed_and_leaves_the_inputs_alone():
    x, t = np.arange(20).reshape(10, 2), np.arange(10)
    a, b = shuffle_dataset(x, t, seed=3), shuffle_dataset(x, t, rng=np.random.default_rng(3))
    assert np.array_equal(a[0], b[0]) and np.array_equal(a[1], b[1])
    assert np.array_equal(t, np.arange(10))
    state = np.random.get_state()[1].copy()
    shuffle_dataset(x, t)                     # no seed: NumPy's global state is not touched
    assert np.array_equal(np.random.get_state()[1], state)


def test_one_hot_labels_are_shuffled_as_rows():
    t = np.eye(5)[[0, 1, 2, 3, 4]]
    xs, ts = shuffle_dataset(np.arange(5), t, seed=0)
    assert np.array_equal(ts.argmax(axis=1), xs)


@pytest.mark.parametrize("rate, n_val", [(0.2, 100), (0.1, 50), (0.5, 250), (0.999, 499)])
def test_split_sets_aside_int_n_times_rate_disjoint_samples(rate, n_val):
    x, t = np.arange(500), np.arange(500) % 10
    (x_train, t_train), (x_val, t_val) = split_validation(x, t, rate, seed=0)
    assert len(x_val) == n_val == int(500 * rate) and len(x_train) == 500 - n_val
    assert sorted(np.concatenate([x_train, x_val]).tolist()) == list(range(500))
    assert np.array_equal(t_train, x_train % 10) and np.array_equal(t_val, x_val % 10)


def test_split_shuffles_sorted_data_so_that_validation_holds_every_class():
    t = np.repeat(np.arange(10), 50)          # sorted by class, as some data sets are
    _, (_, t_val) = split_validation(np.arange(500), t, 0.2, seed=0)
    assert set(t_val.tolist()) == set(range(10))


@pytest.mark.parametrize("call, error, message", [
    (lambda: shuffle_dataset(np.zeros((3, 2)), np.zeros(4)), ValueError, "same number of samples, got 3 and 4"),
    (lambda: shuffle_dataset(np.float64(1.0), np.zeros(1)), ValueError, "sample axis"),
    (lambda: shuffle_dataset(["a", "b"], [0, 1]), TypeError, "x must be a numeric array"),
    (lambda: shuffle_dataset(np.zeros(2), np.zeros(2), rng=0), TypeError, "rng must be a numpy.random.Generator"),
    (lambda: split_validation(np.zeros(10), np.zeros(10), 1.0), ValueError, "validation_rate must be in [0, 1), got 1.0"),
    (lambda: split_validation(np.zeros(10), np.zeros(10), 0), ValueError, "validation_rate must be in (0, 1), got 0.0"),
    (lambda: split_validation(np.zeros(10), np.zeros(10), "0.2"), TypeError, "validation_rate must be a real number"),
    (lambda: split_validation(np.zeros(4), np.zeros(4), 0.2), ValueError, "int(4 * 0.2) = 0 for validation"),
])
def test_bad_input_names_the_argument_and_the_value(call, error, message):
    with pytest.raises(error) as caught:
        call()
    assert message in str(caught.value)


# --- log-uniform sampling ----------------------------------------------------------------------

def test_log_uniform_spreads_evenly_over_the_powers_of_ten_and_uniform_does_not():
    draws = exp.log_uniform(1e-8, 1e-4, size=200_000, seed=0)
    shares = np.histogram(np.log10(draws), bins=[-8, -7, -6, -5, -4])[0] / draws.size
    assert np.allclose(shares, 0.25, atol=0.01)
    uniform = np.random.default_rng(0).uniform(1e-8, 1e-4, 200_000)
    assert np.mean(uniform >= 1e-5) > 0.89    # a uniform draw almost never tries the small values


def test_log_uniform_is_the_books_expression_and_checks_its_bounds():
    rng_a, rng_b = np.random.default_rng(5), np.random.default_rng(5)
    assert np.allclose(exp.log_uniform(1e-6, 1e-2, size=3, rng=rng_a), 10 ** rng_b.uniform(-6, -2, 3))
    assert isinstance(exp.log_uniform(1e-6, 1e-2, seed=0), float)
    with pytest.raises(ValueError, match="low must be below high, got low=0.01, high=1e-06"):
        exp.log_uniform(1e-2, 1e-6)
    with pytest.raises(ValueError, match="high must be > 0"):
        exp.log_uniform(1e-6, -1)


# --- the experiment ----------------------------------------------------------------------------

def test_the_books_settings():
    c = exp.DEFAULT
    assert (c.n_data, c.validation_rate, c.hidden, c.epochs, c.batch_size) == (500, 0.2, (100,) * 6, 50, 100)
    assert (c.lr_range, c.wd_range) == ((1e-6, 1e-2), (1e-8, 1e-4))


def test_tiny_records_every_trial_in_range_and_orders_them(tiny):
    v, a = tiny.values, tiny.arrays
    c = exp.TINY
    assert a["val_acc"].shape == a["train_acc"].shape == (c.trials, c.epochs + 1)
    assert ((a["lr"] >= 1e-6) & (a["lr"] < 1e-2)).all() and ((a["wd"] >= 1e-8) & (a["wd"] < 1e-4)).all()
    final = a["val_acc"][:, -1]
    assert list(final[v["order"]]) == sorted(final, reverse=True)
    assert v["best"]["trial"] == v["order"][0] and v["best"]["val_acc"] == final.max()
    top = v["order"][:v["top"]]
    assert v["region"]["lr_min"] == a["lr"][top].min() and v["region"]["wd_max"] == a["wd"][top].max()
    assert (v["n_train"], v["n_val"]) == (40, 10)
    assert np.isclose(v["region"]["wd_decades"], np.log10(v["region"]["wd_max"] / v["region"]["wd_min"]))
    late, best = v["best"]["late_epochs"], v["best"]["trial"]
    assert np.isclose(v["best"]["late_gain"], a["train_acc"][best, -1] - a["train_acc"][best, -1 - late])


def test_the_test_data_is_used_once_for_the_chosen_setting(monkeypatch):
    """Only the best trial's network sees the test images, and only after the search."""
    calls = []
    original = exp.MultiLayerNet.accuracy

    def spy(net, x, t, *args, **kwargs):
        calls.append(len(x))
        return original(net, x, t, *args, **kwargs)

    monkeypatch.setattr(exp.MultiLayerNet, "accuracy", spy)
    result = exp.run(exp.TINY)
    n_test = result.values["n_test"]
    assert calls.count(n_test) == 1 and calls[-1] == n_test
    # and the number is the chosen trial retrained from the same seed, measured on the test set
    config = exp.TINY
    (x, t), (x_test, t_test) = load_mnist(source=config.source)
    data = split_validation(x[:config.n_data], t[:config.n_data], config.validation_rate,
                            rng=np.random.default_rng(config.seed))
    best = result.values["best"]
    net, _ = exp.train_trial(config, data, best["lr"], best["wd"])
    assert original(net, x_test, t_test) == best["test_acc"]


def test_figures_draw_in_both_languages(tiny):
    import matplotlib.pyplot as plt

    for lang in ("ja", "en"):
        for plot in exp.FIGURES.values():
            plt.close(plot(tiny, lang))


def test_what_the_page_says_holds(default):
    """docs/hyperparameters.*.md: the region, the best trial and the numbers it quotes."""
    v, a = default.values, default.arrays
    region, best = v["region"], v["best"]
    assert region["lr_min"] <= best["lr"] <= region["lr_max"] and region["wd_min"] <= best["wd"] <= region["wd_max"]
    assert 0.1 < best["val_acc"] <= 1 and 0 < best["test_acc"] <= 1
    assert v["iterations"] == v["epochs"] * v["n_train"] // v["batch_size"]
    assert -1 <= v["corr_wd"] <= 1 and -1 <= v["corr_lr"] <= 1
    assert v["trials"] < v["book_trials"]     # the page says the site runs fewer trials than the book


# --- the book's ch06/hyperparameter_optimization.py with its imports changed -------------------

def test_the_books_search_script_runs_with_dl_notes_imports():
    """The same calls as the script: load_mnist(normalize=True), shuffle_dataset, slicing off 20%,
    MultiLayerNet(input_size=..., hidden_size_list=..., output_size=..., weight_decay_lambda=...),
    Trainer(..., optimizer='sgd', optimizer_param={'lr': ...}, verbose=False) and its accuracy lists,
    for two trials of two epochs."""
    from dl_notes import MultiLayerNet, load_mnist as book_load
    from dl_notes.datasets import shuffle_dataset as book_shuffle
    from dl_notes.train import Trainer

    (x_train, t_train), (x_test, t_test) = book_load(normalize=True)
    x_train, t_train = x_train[:100], t_train[:100]
    n_val = int(x_train.shape[0] * 0.20)
    x_train, t_train = book_shuffle(x_train, t_train)
    x_val, t_val, x_train, t_train = x_train[:n_val], t_train[:n_val], x_train[n_val:], t_train[n_val:]
    results = {}
    for _ in range(2):
        weight_decay, lr = 10 ** np.random.uniform(-8, -4), 10 ** np.random.uniform(-6, -2)
        network = MultiLayerNet(input_size=784, hidden_size_list=[100, 100, 100, 100, 100, 100],
                                output_size=10, weight_decay_lambda=weight_decay)
        trainer = Trainer(network, x_train, t_train, x_val, t_val, epochs=2, mini_batch_size=100,
                          optimizer="sgd", optimizer_param={"lr": lr}, verbose=False)
        trainer.train()
        results[f"lr:{lr}, weight decay:{weight_decay}"] = (trainer.test_acc_list, trainer.train_acc_list)
    ranked = sorted(results.items(), key=lambda item: item[1][0][-1], reverse=True)
    assert len(ranked) == 2
    for _, (val_acc_list, train_acc_list) in ranked:
        assert len(val_acc_list) == len(train_acc_list) == 3   # before training and after each epoch
        assert all(0 <= acc <= 1 for acc in val_acc_list + train_acc_list)
