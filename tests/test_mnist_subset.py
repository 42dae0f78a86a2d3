"""The mnist_subset experiment: TINY runs offline, its numbers match the data, its figures draw."""

from __future__ import annotations

import importlib

import numpy as np
import pytest

from dl_notes import datasets
from dl_notes.experiments import Result, get, mnist_subset
from dl_notes.experiments._figures import figure_bytes


@pytest.fixture(scope="module")
def result() -> Result:
    return mnist_subset.run(mnist_subset.TINY)


def test_tiny_counts_every_image_of_the_subset(result):
    (_, t), (_, t_test) = datasets.load_mnist(source="subset")
    v = result.values
    assert (v["n_train"], v["n_test"], v["n_total"]) == (len(t), len(t_test), len(t) + len(t_test))
    assert v["train_counts"] == np.bincount(t, minlength=10).tolist()
    assert v["test_counts"] == np.bincount(t_test, minlength=10).tolist()
    assert sum(v["train_counts"]) == v["n_train"]
    assert v["description"]["en"] == datasets.describe_mnist("subset", "en")


def test_class_shares_and_gap(result):
    v = result.values
    counts = np.add(v["train_counts"], v["test_counts"])
    assert v["share_min"] == pytest.approx(100 * counts.min() / counts.sum())
    assert v["share_max_digit"] == counts.argmax() and v["share_min_digit"] == counts.argmin()
    assert 0 <= v["max_share_gap"] < 0.1  # stratified: the two sets' class mix differs by < 0.1 point


def test_samples_are_training_images_of_their_row_class(result):
    (x, t), _ = datasets.load_mnist(normalize=False, flatten=False, source="subset")
    samples, index = result.arrays["samples"], result.arrays["sample_index"]
    assert samples.shape == (10, mnist_subset.TINY.per_class, 28, 28) and samples.dtype == np.uint8
    np.testing.assert_array_equal(t[index], np.repeat(np.arange(10)[:, None], index.shape[1], axis=1))
    np.testing.assert_array_equal(samples, x[index, 0])
    assert len(np.unique(index)) == index.size


def test_run_is_deterministic_and_seeded():
    a, b = mnist_subset.run(mnist_subset.TINY), mnist_subset.run(mnist_subset.TINY)
    np.testing.assert_array_equal(a.arrays["sample_index"], b.arrays["sample_index"])
    other = mnist_subset.run(mnist_subset.Config(per_class=2, seed=1))
    assert not np.array_equal(a.arrays["sample_index"], other.arrays["sample_index"])


def test_subset_facts_come_from_the_provenance(result):
    facts, record = result.values["subset"], datasets.mnist_provenance()
    assert facts["sha256"] == record["file"]["sha256"]
    assert facts["megabytes"] == pytest.approx(datasets.SUBSET_FILE.stat().st_size / 1e6)
    assert (facts["package"], facts["license"], facts["cross_check_found"]) == ("mnist", "CC BY-SA 3.0", 5000)
    assert result.values["full"]["download_megabytes"] == pytest.approx(11.594722)


def test_default_source_follows_the_environment(monkeypatch):
    monkeypatch.setenv("DL_NOTES_MNIST", "full")
    try:
        assert importlib.reload(mnist_subset).DEFAULT.source == "full"
        assert mnist_subset.TINY.source == "subset"
    finally:
        monkeypatch.delenv("DL_NOTES_MNIST")
        importlib.reload(mnist_subset)
    assert mnist_subset.DEFAULT.source == "subset"


def test_bad_config_is_refused():
    with pytest.raises(ValueError, match="per_class must be >= 1, got 0"):
        mnist_subset.run(mnist_subset.Config(per_class=0))


def test_registered_as_an_experiment():
    assert get("mnist_subset") is mnist_subset


@pytest.mark.parametrize("lang", ["ja", "en"])
@pytest.mark.parametrize("name", sorted(mnist_subset.FIGURES))
def test_figures_draw_in_both_languages(result, name, lang):
    figure = mnist_subset.FIGURES[name](result, lang)
    texts = [t.get_text() for ax in figure.axes for t in (ax.title, ax.xaxis.label, ax.yaxis.label)]
    japanese = any(any("\u3040" <= ch <= "\u9fff" for ch in text) for text in texts)
    assert japanese == (lang == "ja"), texts
    suffix = ".png" if name.endswith(".png") else ".svg"
    data = figure_bytes(figure, suffix)
    assert data.startswith(b"\x89PNG") if suffix == ".png" else b"<svg" in data[:500]


def test_counts_title_names_the_data(result):
    figure = mnist_subset.plot_counts(result, "en")
    assert figure.axes[0].get_title() == datasets.describe_mnist("subset", "en")
    figure_bytes(figure, ".svg")
