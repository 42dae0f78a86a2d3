r"""What the MNIST data in use holds: images per class in each split, and sample digits.

It reads the data that ``load_mnist`` gives (the embedded subset, or full MNIST when
``DL_NOTES_MNIST=full``), counts the images of each class in the training and test sets, and
draws ``per_class`` random training images of each digit. It also hands the subset's provenance
(source package, checksums, sizes) to the dataset page, so that no number there is typed by hand.

``DEFAULT.source`` is the source active when this module is imported: it is part of the
configuration, hence of the cache key, so switching ``DL_NOTES_MNIST`` re-runs the experiment
instead of serving a result computed from the other data. ``TINY`` always uses the subset.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from dl_notes import datasets

from ._plotting import check_lang, style
from ._result import Result

TITLE = {"ja": "MNIST データの中身", "en": "What is in the MNIST data"}


@dataclass(frozen=True)
class Config:
    """Which data (``"subset"`` or ``"full"``), how many sample digits per class, and their seed."""

    source: str = datasets.SUBSET
    per_class: int = 10
    seed: int = 0


DEFAULT = Config(source=datasets.mnist_source())
TINY = Config(source=datasets.SUBSET, per_class=2)

MB = 1e6


def class_shares(counts: np.ndarray) -> np.ndarray:
    """Percentage of each class: ``100 * counts / counts.sum()``.

    >>> class_shares(np.array([1, 3]))
    array([25., 75.])
    """
    return 100 * counts / counts.sum()


def run(config: Config) -> Result:
    if config.per_class < 1:
        raise ValueError(f"per_class must be >= 1, got {config.per_class}")
    (x, t), (x_test, t_test) = datasets.load_mnist(normalize=False, flatten=False, source=config.source)
    rng = np.random.default_rng(config.seed)
    n = datasets.N_CLASSES
    train_counts, test_counts = np.bincount(t, minlength=n), np.bincount(t_test, minlength=n)
    picks = np.stack([rng.choice(np.flatnonzero(t == c), config.per_class, replace=False) for c in range(n)])
    shares = class_shares(train_counts + test_counts)
    provenance = datasets.mnist_provenance()
    full_download = sum(size for _, size, _ in datasets.FILES.values())
    full_images = sum(datasets.FULL_SIZES.values())
    values = {
        "source": config.source,
        "description": {lang: datasets.describe_mnist(config.source, lang) for lang in ("ja", "en")},
        "n_train": int(len(t)),
        "n_test": int(len(t_test)),
        "n_total": int(len(t) + len(t_test)),
        "train_counts": train_counts.tolist(),
        "test_counts": test_counts.tolist(),
        "share_min": float(shares.min()),
        "share_min_digit": int(shares.argmin()),
        "share_max": float(shares.max()),
        "share_max_digit": int(shares.argmax()),
        # How far apart the class mix of the two sets is: 0 for a perfectly stratified split.
        "max_share_gap": float(np.abs(class_shares(train_counts) - class_shares(test_counts)).max()),
        "ink_percent": float(100 * (x > 0).mean()),
        "per_class": config.per_class,
        "subset": _subset_facts(provenance),
        "full": {
            "n_train": datasets.FULL_SIZES["train"],
            "n_test": datasets.FULL_SIZES["test"],
            "n_total": full_images,
            "download_megabytes": full_download / MB,
            # The .gz files are kept next to the .npy arrays (uint8 images and labels, 128-byte headers).
            "cache_megabytes": (full_download + full_images * (28 * 28 + 1) + 4 * 128) / MB,
            "mirrors": list(datasets.MIRRORS),
            # Offline, each mirror is given up after TIMEOUT seconds at most.
            "give_up_seconds": len(datasets.MIRRORS) * datasets.TIMEOUT,
        },
    }
    arrays = {
        "train_counts": train_counts,
        "test_counts": test_counts,
        "samples": x[picks, 0],  # (10, per_class, 28, 28)
        "sample_index": picks,  # (10, per_class): positions in x_train
    }
    return Result(arrays=arrays, values=values)


def _subset_facts(provenance: dict) -> dict:
    sizes = provenance["split"]["sizes"]
    return {
        "n_train": sizes["train"],
        "n_test": sizes["test"],
        "n_total": sizes["train"] + sizes["test"],
        "test_percent": 100 * provenance["split"]["test_fraction"],
        "split_seed": provenance["split"]["seed"],
        "megabytes": provenance["file"]["bytes"] / MB,
        "sha256": provenance["file"]["sha256"],
        "package": provenance["source"]["package"],
        "version": provenance["source"]["version"],
        "source_sha256": provenance["source"]["sha256"],
        "cross_check_package": provenance["cross_check"]["package"],
        "cross_check_version": provenance["cross_check"]["version"],
        "cross_check_found": provenance["cross_check"]["images_found_byte_for_byte_with_same_label"],
        "license": provenance["license"]["name"],
    }


TEXT = {
    "ja": {"digit": "数字（クラス）", "count": "枚数", "train": "訓練データ", "test": "テストデータ",
           "samples": "訓練データから各クラス {k} 枚（無作為抽出）"},
    "en": {"digit": "digit (class)", "count": "images", "train": "training set", "test": "test set",
           "samples": "{k} random training images per class"},
}


def plot_counts(result: Result, lang: str):
    """Bars of the number of images of each digit, training and test sets side by side."""
    import matplotlib.pyplot as plt

    text = TEXT[check_lang(lang)]
    digits = np.arange(datasets.N_CLASSES)
    with style(lang):
        figure, ax = plt.subplots(figsize=(7, 3.6), layout="constrained")
        for offset, key in ((-0.2, "train"), (0.2, "test")):
            bars = ax.bar(digits + offset, result.arrays[f"{key}_counts"], width=0.4, label=text[key])
            ax.bar_label(bars, fontsize=7, padding=1)
        ax.set(xticks=digits, xlabel=text["digit"], ylabel=text["count"], title=result.values["description"][lang])
        ax.margins(y=0.12)
        ax.legend(loc="upper right", fontsize="small", ncols=2)
    return figure


def plot_samples(result: Result, lang: str):
    """A grid of sample digits, one row per class, as one image (a small PNG)."""
    import matplotlib.pyplot as plt

    text = TEXT[check_lang(lang)]
    samples = result.arrays["samples"]  # (10, k, 28, 28)
    rows, k = samples.shape[:2]
    gap = 2
    mosaic = np.full((rows * (28 + gap) - gap, k * (28 + gap) - gap), 255, dtype=np.uint8)
    for r in range(rows):
        for c in range(k):
            # Ink dark on white paper, as the digits were written.
            mosaic[r * (28 + gap):r * (28 + gap) + 28, c * (28 + gap):c * (28 + gap) + 28] = 255 - samples[r, c]
    with style(lang):
        figure, ax = plt.subplots(figsize=(0.42 * k + 1.0, 0.42 * rows + 0.8), layout="constrained")
        ax.imshow(mosaic, cmap="gray", vmin=0, vmax=255, interpolation="nearest")
        ax.set_yticks([r * (28 + gap) + 14 for r in range(rows)], [str(r) for r in range(rows)])
        ax.set_xticks([])
        ax.tick_params(length=0)
        for side in ax.spines.values():
            side.set_visible(False)
        ax.set_title(text["samples"].format(k=k), fontsize="medium")
    return figure


FIGURES = {"class_counts": plot_counts, "samples.png": plot_samples}
