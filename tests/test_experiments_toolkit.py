"""The code experiments share: MNIST cuts, the training loop's curves, shared labels and panel grids."""

from __future__ import annotations

import importlib
import re

import numpy as np
import pytest

from dl_notes import datasets
from dl_notes.experiments import _plotting, names
from dl_notes.experiments._plotting import ACT_NAMES, INIT_NAMES, LABELS, label_edges, note, panels, texts
from dl_notes.experiments._toolkit import describe, mnist, train
from dl_notes.nets import MultiLayerNet


def toy_data(n: int = 60, seed: int = 0):
    rng = np.random.default_rng(seed)
    x, t = rng.random((n, 4), dtype=np.float32), rng.integers(0, 3, n)
    return (x, t), (x[:20], t[:20])


def test_mnist_keeps_the_first_images_of_the_course_loader():
    (x, t), (x_test, t_test) = mnist(datasets.SUBSET, n_train=7, n_test=3, flatten=False)
    (X, T), (X_test, T_test) = datasets.load_mnist(flatten=False, source=datasets.SUBSET)
    assert x.shape == (7, 1, 28, 28) and x_test.shape == (3, 1, 28, 28)
    np.testing.assert_array_equal(x, X[:7])
    np.testing.assert_array_equal(t_test, T_test[:3])


@pytest.mark.parametrize("argument", ["n_train", "n_test"])
@pytest.mark.parametrize("n", [0, -5, 10**9, 2.5, True])
def test_mnist_rejects_impossible_counts(argument, n):
    with pytest.raises(ValueError, match=f"mnist: {argument} must be None or an integer from 1 to"):
        mnist(datasets.SUBSET, **{argument: n})


def test_describe_gives_the_caption_of_each_language():
    assert describe(datasets.SUBSET) == {lang: datasets.describe_mnist(datasets.SUBSET, lang) for lang in ("ja", "en")}


def test_train_records_curves_and_loss_windows():
    net = MultiLayerNet(4, [5], 3, seed=0)
    curves = train(net, toy_data(), iterations=6, batch_size=10, lr=0.1, eval_every=3, seed=0)
    assert curves["iterations"] == [0, 3, 6]
    assert len(curves["test_acc"]) == len(curves["train_acc"]) == 3
    batch = np.asarray(curves["batch_loss"])
    assert len(batch) == 6
    np.testing.assert_allclose(curves["loss"], [batch[:3].mean(), batch[3:].mean()], rtol=1e-6)
    assert curves["diverged_at"] is None


def test_train_with_the_same_seed_repeats_itself_and_another_seed_does_not():
    def run(seed):
        return train(MultiLayerNet(4, [5], 3, seed=0), toy_data(), iterations=4, batch_size=10, lr=0.5,
                     eval_every=2, seed=seed)["batch_loss"]

    assert run(0) == run(0)
    assert run(0) != run(1)


def test_train_records_divergence_instead_of_raising():
    net = MultiLayerNet(4, [5], 3, weight_init_std=10.0, seed=0)
    curves = train(net, toy_data(), iterations=50, batch_size=10, lr=1e30, eval_every=5, seed=0)
    assert isinstance(curves["diverged_at"], int) and 1 <= curves["diverged_at"] <= 50
    assert curves["iterations"][-1] < 50


def test_shared_labels_and_names_exist_in_both_languages():
    assert set(LABELS["ja"]) == set(LABELS["en"])
    assert set(INIT_NAMES["ja"]) == set(INIT_NAMES["en"])
    assert set(ACT_NAMES["ja"]) == set(ACT_NAMES["en"])


def japanese_texts(module) -> list[str]:
    """Every string under a ``"ja"`` key of the module's top-level dicts (titles, labels, legends)."""
    found = []

    def collect(value):
        if isinstance(value, str):
            found.append(value)
        elif isinstance(value, dict):
            for v in value.values():
                collect(v)

    for value in vars(module).values():
        if isinstance(value, dict) and "ja" in value:
            collect(value["ja"])
    return found


def label_problems(text: str) -> list[str]:
    """What a Japanese figure label must not have: English words for glossary terms, "std",
    half-width brackets or colons outside formulas."""
    # Formulas are not prose: $...$, f(x), σ'(x), √(1/n), points (0, 0) and (−3, 4), and {fields} to fill in.
    prose = re.sub(r"\{[^}]*\}", "", text)
    prose = re.sub(r"\$[^$]*\$|[√A-Za-zα-ω'′]\([^)]*\)|\([-−]?\d[^)]*\)", "", prose)
    problems = [f"{word!r} (write {ja!r})" for word, ja in (("std", "標準偏差"), ("sigmoid", "シグモイド関数"),
                                                              ("Gaussian", "正規分布")) if word in prose]
    problems += [f"half-width {mark!r} (write {full!r})" for mark, full in (("(", "（"), (")", "）"), (":", "：")) if mark in prose]
    return problems


@pytest.mark.parametrize("name", ["_plotting", *names()])
def test_japanese_figure_labels_use_the_glossarys_words_and_full_width_marks(name):
    module = _plotting if name == "_plotting" else importlib.import_module(f"dl_notes.experiments.{name}")
    texts_ja = japanese_texts(module)
    if name == "_plotting":
        texts_ja += [*ACT_NAMES["ja"].values(), *INIT_NAMES["ja"].values(), _plotting.std_label(1, "ja")]
    assert {t: p for t in texts_ja if (p := label_problems(t))} == {}


def test_the_label_check_can_fail():
    assert label_problems("sigmoid + Gaussian (std 0.01): x") != []
    assert label_problems("シグモイド関数 + 正規分布（標準偏差 0.01）：$f(x)$、σ'({x:g})、最小点 (0, 0)、Xavier √(1/n)") == []
    assert label_problems("Adam (テストデータ)") != []


def test_activation_and_initialisation_names_are_localised():
    assert ACT_NAMES["ja"]["sigmoid"] == "シグモイド関数" and ACT_NAMES["en"]["sigmoid"] == "sigmoid"
    assert _plotting.std_label(0.01, "ja") == "標準偏差 0.01"


def test_an_experiments_own_text_wins_over_the_shared_label():
    text = texts(ja={"acc": "正解率（%）"}, en={"acc": "accuracy (%)"})
    assert text["ja"]["acc"] == "正解率（%）" and text["en"]["test_acc"] == LABELS["en"]["test_acc"]


def test_note_rejects_an_unknown_language():
    with pytest.raises(ValueError, match="lang must be one of"):
        note("a", "b", "fr")


@pytest.mark.parametrize("count, cols", [(0, None), (3, 0), (2.0, 1), (2, -1)])
def test_panels_rejects_impossible_grids(count, cols):
    with pytest.raises(ValueError, match="panels: (count|cols) must be a positive integer"):
        with panels("en", count, cols, size=(1.0, 1.0)):
            pass


def test_panels_hide_only_the_unused_panels_and_label_the_edges():
    import matplotlib.pyplot as plt

    with panels("ja", 7, 3, size=(2.0, 1.0), sharex=True) as (figure, axes):
        label_edges(axes, "x", "y")
    assert axes.shape == (3, 3)
    assert [ax.get_visible() for ax in axes.flat] == [True] * 7 + [False] * 2
    assert [ax.get_ylabel() for ax in axes[:, 0]] == ["y"] * 3 and axes[0, 1].get_ylabel() == ""
    assert [ax.get_xlabel() for ax in axes[-1]] == ["x"] * 3 and axes[0, 0].get_xlabel() == ""
    np.testing.assert_allclose(figure.get_size_inches(), [6.0, 3.0])
    plt.close(figure)
