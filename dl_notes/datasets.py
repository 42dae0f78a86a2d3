r"""MNIST for the course: an embedded subset that works offline, and the full set on request.

Two sources give the same arrays in the same layout:

- ``"subset"`` (the default): 10,000 real MNIST digits shipped inside the package
  (``dl_notes/data/mnist_subset.tar.gz``), split into 8,000 training and 2,000 test images with
  the same class proportions. No network, loads in milliseconds. Its origin, checksums and licence
  are in ``dl_notes/data/mnist_subset.json``; ``scripts/build_mnist_subset.py`` rebuilds it.
- ``"full"``: the 60,000 + 10,000 images of the original MNIST files, downloaded once from a
  public mirror into the user cache directory (see `data_dir`), checked against their
  SHA-256, converted to ``.npy`` and reused.

``load_mnist(source=...)`` picks one; without it the environment variable ``DL_NOTES_MNIST``
(``subset`` or ``full``) decides, so a whole site build can switch with one variable.

MNIST is by Yann LeCun and Corinna Cortes, licensed CC BY-SA 3.0. The site's page
"データセット / Dataset" (``docs/dataset.*.md``) shows what the subset holds and where it comes from.
"""

from __future__ import annotations

import functools
import gzip
import http.client
import io
import json
import os
import struct
import sys
import tarfile
import threading
import urllib.request
from math import prod
from pathlib import Path

import numpy as np

from ._checks import array, fraction, generator
from ._files import atomic_write, new_part, read_embedded, remove_stale_parts, sha256_bytes

__all__ = [
    "load_mnist", "download_mnist", "describe_mnist", "mnist_source", "mnist_provenance", "data_dir",
    "read_idx", "to_idx", "ChecksumMismatch", "DownloadFailed", "SOURCES", "MIRRORS", "TIMEOUT", "FILES",
    "shuffle_dataset", "split_validation",
]

SUBSET, FULL = "subset", "full"
SOURCES = (SUBSET, FULL)
ENV_SOURCE = "DL_NOTES_MNIST"
ENV_DATA = "DL_NOTES_DATA"

DATA_DIR = Path(__file__).resolve().parent / "data"
SUBSET_FILE = DATA_DIR / "mnist_subset.tar.gz"
PROVENANCE_FILE = DATA_DIR / "mnist_subset.json"

# Mirrors of the original files, tried in order (yann.lecun.com now often refuses downloads).
MIRRORS = (
    "https://ossci-datasets.s3.amazonaws.com/mnist/",
    "https://storage.googleapis.com/cvdf-datasets/mnist/",
)
# Seconds allowed to open a connection and between two received chunks. With two mirrors, an
# offline machine gives up within 2 x TIMEOUT = 20 s.
TIMEOUT = 10.0
# (file name, size in bytes, SHA-256) of the original files, as listed by tensorflow/datasets
# (tensorflow_datasets/url_checksums/mnist.txt); torchvision lists the same files' MD5.
FILES = {
    "train_images": ("train-images-idx3-ubyte.gz", 9_912_422, "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609"),
    "train_labels": ("train-labels-idx1-ubyte.gz", 28_881, "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c"),
    "test_images": ("t10k-images-idx3-ubyte.gz", 1_648_877, "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6"),
    "test_labels": ("t10k-labels-idx1-ubyte.gz", 4_542, "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6"),
}
FULL_SIZES = {"train": 60_000, "test": 10_000}
# Names of the IDX files inside the embedded archive: the original names, uncompressed.
IDX_NAMES = {
    "train_images": "train-images-idx3-ubyte",
    "train_labels": "train-labels-idx1-ubyte",
    "test_images": "t10k-images-idx3-ubyte",
    "test_labels": "t10k-labels-idx1-ubyte",
}
N_CLASSES = 10
IMAGE_SHAPE = (28, 28)

_DESCRIPTION = {
    "ja": {SUBSET: "MNIST の同梱サブセット（訓練 {train:,} 枚・テスト {test:,} 枚）",
           FULL: "MNIST 全体（訓練 {train:,} 枚・テスト {test:,} 枚）"},
    "en": {SUBSET: "embedded subset ({train:,} training and {test:,} test images)",
           FULL: "full MNIST ({train:,} training and {test:,} test images)"},
}


class ChecksumMismatch(ValueError):
    """A data file whose SHA-256 is not the expected one (corrupted, truncated or replaced)."""


class DownloadFailed(OSError):
    """No mirror delivered a file of full MNIST (no network, all mirrors down or too slow)."""


def mnist_source() -> str:
    """The MNIST source in use when none is given: ``$DL_NOTES_MNIST``, else ``"subset"``.

    Also the check of the environment: a command-line tool calls it first, so that a
    misspelt value stops it at once, before any work.

    Returns
    -------
    str
        ``"subset"`` or ``"full"``.

    Raises
    ------
    ValueError
        If ``DL_NOTES_MNIST`` holds anything else; the message names the variable, its value
        and the values allowed.

    Examples
    --------
    >>> import os
    >>> mnist_source() == os.environ.get("DL_NOTES_MNIST", "subset")
    True
    """
    value = os.environ.get(ENV_SOURCE) or SUBSET
    if value not in SOURCES:
        allowed = " or ".join(map(repr, SOURCES))
        raise ValueError(f"the environment variable {ENV_SOURCE} is {value!r}, but it must be {allowed} "
                         f"(unset or empty means {SUBSET!r}); fix it, e.g. export {ENV_SOURCE}={FULL}, "
                         f"or unset {ENV_SOURCE}")
    return value


def describe_mnist(source: str | None = None, lang: str = "ja") -> str:
    """Which MNIST data a figure or number comes from, for captions, in ``lang``.

    Parameters
    ----------
    source : {"subset", "full"}, optional
        Default: `mnist_source`.
    lang : {"ja", "en"}, default "ja"

    Returns
    -------
    str

    Raises
    ------
    ValueError
        For an unknown ``source`` or ``lang``.

    Examples
    --------
    >>> describe_mnist("subset", "ja")
    'MNIST の同梱サブセット（訓練 8,000 枚・テスト 2,000 枚）'
    >>> describe_mnist("full", "en")
    'full MNIST (60,000 training and 10,000 test images)'
    """
    source = mnist_source() if source is None else _check_source(source, "source")
    if lang not in _DESCRIPTION:
        raise ValueError(f"lang must be one of {tuple(_DESCRIPTION)}, got {lang!r}")
    sizes = FULL_SIZES if source == FULL else mnist_provenance()["split"]["sizes"]
    return _DESCRIPTION[lang][source].format(**sizes)


def mnist_provenance() -> dict:
    """The provenance record of the embedded subset (``dl_notes/data/mnist_subset.json``).

    Returns
    -------
    dict
        Source package and version, SHA-256 of the source and of the stored file, split, licence.

    Examples
    --------
    >>> p = mnist_provenance()
    >>> p["source"]["package"], p["source"]["version"], p["license"]["name"]
    ('mnist', '1.1.0', 'CC BY-SA 3.0')
    """
    return json.loads(_provenance_text())


@functools.lru_cache(maxsize=1)
def _provenance_text() -> str:
    return PROVENANCE_FILE.read_text(encoding="utf-8")


def data_dir() -> Path:
    """Where downloaded datasets live: ``$DL_NOTES_DATA``, else ``$XDG_CACHE_HOME/dl_notes``,
    else ``~/.cache/dl_notes``. Full MNIST goes into its ``mnist/`` folder.

    Examples
    --------
    >>> data_dir().is_absolute()
    True
    """
    if env := os.environ.get(ENV_DATA):
        return Path(env).expanduser().resolve()
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return (Path(base) / "dl_notes").expanduser().resolve()


def read_idx(data: bytes) -> np.ndarray:
    r"""Decode an IDX file of unsigned bytes (the format of the MNIST files).

    The header is two zero bytes, the type code ``0x08`` (unsigned byte), the number of
    dimensions $d$, then $d$ big-endian 32-bit sizes; the values follow in C order.

    Parameters
    ----------
    data : bytes
        The uncompressed file.

    Returns
    -------
    numpy.ndarray of uint8, read-only
        Its shape is the one in the header, e.g. (N, 28, 28) for images, (N,) for labels.

    Raises
    ------
    ValueError
        If the header is not an unsigned-byte IDX header or the length does not match it
        (a truncated or corrupted file).

    Examples
    --------
    >>> read_idx(bytes([0, 0, 8, 1, 0, 0, 0, 3, 7, 2, 1]))
    array([7, 2, 1], dtype=uint8)
    >>> read_idx(bytes([0, 0, 8, 1, 0, 0, 0, 3, 7]))
    Traceback (most recent call last):
    ...
    ValueError: IDX data has 9 bytes but its header (shape (3,)) needs 11: the file is truncated or corrupted
    """
    if len(data) < 4 or data[0] or data[1] or data[2] != 0x08:
        raise ValueError(f"IDX data must start with 00 00 08 <ndim> (unsigned bytes), got {data[:4].hex(' ') or 'nothing'}")
    header = 4 + 4 * data[3]
    if len(data) < header:
        raise ValueError(f"IDX data has {len(data)} bytes, fewer than its {header}-byte header: the file is truncated")
    shape = struct.unpack(f">{data[3]}I", data[4:header])
    if len(data) != header + prod(shape):
        raise ValueError(
            f"IDX data has {len(data)} bytes but its header (shape {shape}) needs {header + prod(shape)}: "
            "the file is truncated or corrupted"
        )
    return np.frombuffer(data, dtype=np.uint8, offset=header).reshape(shape)


def to_idx(array: np.ndarray) -> bytes:
    """Encode a uint8 array as IDX bytes (the inverse of `read_idx`).

    Raises
    ------
    TypeError
        If ``array`` is not a uint8 NumPy array.

    Examples
    --------
    >>> to_idx(np.array([7, 2, 1], dtype=np.uint8)).hex(" ")
    '00 00 08 01 00 00 00 03 07 02 01'
    """
    if not isinstance(array, np.ndarray) or array.dtype != np.uint8:
        raise TypeError(f"array must be a uint8 numpy array, got {getattr(array, 'dtype', type(array).__name__)}")
    return bytes([0, 0, 8, array.ndim]) + struct.pack(f">{array.ndim}I", *array.shape) + array.tobytes()


def load_mnist(
    normalize: bool = True, flatten: bool = True, one_hot_label: bool = False, *, source: str | None = None
) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    r"""MNIST as the course's ``load_mnist`` returns it: ``(x_train, t_train), (x_test, t_test)``.

    With ``normalize``, pixels $k \in \{0, \dots, 255\}$ become $x = k / 255 \in [0, 1]$ (float32);
    with ``one_hot_label``, label $t$ becomes the row $e_t$ of the $10 \times 10$ identity,
    in float32 (the course's loader gives float64, which would turn every float32 loss and
    gradient into float64). Every call returns new arrays: changing them does not change
    what the next call returns.

    Parameters
    ----------
    normalize : bool, default True
        float32 in [0, 1] if True, else the uint8 pixel values.
    flatten : bool, default True
        Images as rows of 784 values if True, else as (1, 28, 28) arrays.
    one_hot_label : bool, default False
        Labels as one-hot rows if True, else as uint8 class indices.
    source : {"subset", "full"}, optional
        The embedded 10,000-image subset or the full 70,000 images (downloaded once, then read
        from the cache). Default: `mnist_source` (``$DL_NOTES_MNIST``, else ``"subset"``).

    Returns
    -------
    (x_train, t_train), (x_test, t_test)
        ``x``: (N, 784) if ``flatten`` else (N, 1, 28, 28); ``t``: (N,) uint8, or (N, 10)
        float32 if ``one_hot_label``. N is 8,000 / 2,000 for the subset, 60,000 / 10,000 for
        full MNIST.

    Raises
    ------
    TypeError
        If a flag is not a bool.
    ValueError
        For an unknown ``source``.
    ChecksumMismatch
        If a data file is corrupted (the message says how to restore it).
    DownloadFailed
        If full MNIST is not in the cache and cannot be downloaded.

    See Also
    --------
    download_mnist, describe_mnist

    Examples
    --------
    >>> (x_train, t_train), (x_test, t_test) = load_mnist(source="subset")
    >>> x_train.shape, x_train.dtype, t_train.shape, t_train.dtype
    ((8000, 784), dtype('float32'), (8000,), dtype('uint8'))
    >>> float(x_train.min()), float(x_train.max()), x_test.shape
    (0.0, 1.0, (2000, 784))
    >>> (x, t), _ = load_mnist(normalize=False, flatten=False, one_hot_label=True, source="subset")
    >>> x.shape, x.dtype, t.shape, t[0].sum()
    ((8000, 1, 28, 28), dtype('uint8'), (8000, 10), np.float32(1.0))
    """
    for name, value in (("normalize", normalize), ("flatten", flatten), ("one_hot_label", one_hot_label)):
        if not isinstance(value, (bool, np.bool_)):
            raise TypeError(f"{name} must be True or False, got {value!r} ({type(value).__name__})")
    source = mnist_source() if source is None else _check_source(source, "source")
    arrays = _subset_arrays() if source == SUBSET else _full_arrays(str(data_dir() / "mnist"), _files_key(FILES))
    return tuple(_course_format(arrays, split, normalize, flatten, one_hot_label) for split in ("train", "test"))


def download_mnist(
    directory: str | Path | None = None,
    *,
    mirrors: tuple[str, ...] | None = None,
    timeout: float | None = None,
    files: dict | None = None,
) -> Path:
    """Make sure the four original MNIST files are in ``directory``, intact; download what is missing.

    Each file is fetched from the first mirror that answers (a mirror that fails, answers
    with an HTTP error or stalls for ``timeout`` seconds is skipped) and checked against its
    size and SHA-256. A download that fails the check is deleted and fetched once more, starting
    with the next mirror; a second failure is an error. Files already present and intact are
    not downloaded again. A file already present that fails the check (one you put there,
    say) is never deleted: it is renamed ``<name>.bad-<first 12 hex digits of its SHA-256>``,
    and a message names it.

    Parameters
    ----------
    directory : str or Path, optional
        Default: ``data_dir() / "mnist"``.
    mirrors : tuple of str, optional
        Base URLs ending in ``/``. Default: `MIRRORS`.
    timeout : float, optional
        Seconds to open a connection and between two chunks. Default: `TIMEOUT`.
    files : dict, optional
        ``{key: (file name, size, sha256)}``. Default: `FILES`.

    Returns
    -------
    Path
        ``directory``.

    Raises
    ------
    DownloadFailed
        If a file cannot be fetched from any mirror; the message lists each mirror's error and
        what to do.
    ChecksumMismatch
        If a file is still wrong after being fetched twice.

    Examples
    --------
    Offline: a directory that already holds the (here: tiny, made-up) files is left alone.

    >>> import hashlib, tempfile
    >>> blob = gzip.compress(to_idx(np.zeros(3, np.uint8)), mtime=0)
    >>> files = {"train_labels": ("labels.gz", len(blob), hashlib.sha256(blob).hexdigest())}
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     _ = (Path(tmp) / "labels.gz").write_bytes(blob)
    ...     download_mnist(tmp, mirrors=("http://127.0.0.1:9/",), files=files) == Path(tmp)
    True
    """
    directory = Path(directory) if directory is not None else data_dir() / "mnist"
    mirrors = tuple(MIRRORS if mirrors is None else mirrors)
    timeout = float(TIMEOUT if timeout is None else timeout)
    if not mirrors or not timeout > 0:
        raise ValueError(f"download_mnist needs at least one mirror and a timeout > 0, got mirrors={mirrors!r}, timeout={timeout!r}")
    directory.mkdir(parents=True, exist_ok=True)
    for name, size, sha256 in (FILES if files is None else files).values():
        if _intact(directory / name, size, sha256):
            continue
        kept = _keep_aside(directory / name, size, sha256)
        try:
            _fetch(name, size, sha256, directory, mirrors, timeout)
        except (DownloadFailed, ChecksumMismatch) as error:
            if kept is None:
                raise
            raise type(error)(f"{error}\n{kept}") from error
    return directory


def _keep_aside(path: Path, size: int, sha256: str) -> str | None:
    """Rename a present but wrong ``path`` to ``<name>.bad-<sha12>``; return the message saying so."""
    if not path.is_file():
        return None
    digest = sha256_bytes(path.read_bytes())
    kept = path.with_name(f"{path.name}.bad-{digest[:12]}")
    message = (f"dl_notes: {path} was not the expected file ({path.stat().st_size} bytes, SHA-256 {digest}; "
               f"expected {size} bytes, SHA-256 {sha256}). It was not deleted: it is now {kept}.")
    os.replace(path, kept)
    print(message, file=sys.stderr)
    return message


# --- in-memory arrays -----------------------------------------------------------------------


@functools.lru_cache(maxsize=1)
def _subset_arrays() -> dict[str, np.ndarray]:
    data = read_embedded(SUBSET_FILE, mnist_provenance()["file"]["sha256"], "MNIST subset",
                         "scripts/build_mnist_subset.py", ChecksumMismatch)
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as archive:
        arrays = {key: read_idx(archive.extractfile(name).read()) for key, name in IDX_NAMES.items()}
    return _checked(arrays, str(SUBSET_FILE))


@functools.lru_cache(maxsize=2)
def _full_arrays(directory: str, files: tuple) -> dict[str, np.ndarray]:
    folder = Path(directory)
    arrays = _read_converted(folder, files)
    if arrays is None:
        print(f"dl_notes: preparing full MNIST in {folder} (once)", file=sys.stderr)
        download_mnist(folder, files={key: spec for key, *spec in files})
        arrays = _convert(folder, files)
    for array in arrays.values():
        array.flags.writeable = False
    return arrays


def _course_format(arrays, split: str, normalize: bool, flatten: bool, one_hot_label: bool):
    images, labels = arrays[f"{split}_images"], arrays[f"{split}_labels"]
    x = images.reshape(len(images), -1) if flatten else images.reshape(len(images), 1, *IMAGE_SHAPE)
    if normalize:
        x = x.astype(np.float32)
        x /= np.float32(255)  # float32 division in place, as the course does
    else:
        x = x.copy()  # callers may modify it without touching the cache
    t = np.eye(N_CLASSES, dtype=np.float32)[labels] if one_hot_label else labels.copy()
    return x, t


def _checked(arrays: dict[str, np.ndarray], where: str) -> dict[str, np.ndarray]:
    for split in ("train", "test"):
        images, labels = arrays[f"{split}_images"], arrays[f"{split}_labels"]
        if images.shape[1:] != IMAGE_SHAPE or labels.shape != images.shape[:1]:
            raise ValueError(f"{where}: {split} images {images.shape} and labels {labels.shape} do not match (N, 28, 28) and (N,)")
        if labels.size and labels.max() >= N_CLASSES:
            raise ValueError(f"{where}: {split} labels must be 0..9, found {int(labels.max())}")
    return arrays


# --- full MNIST on disk: the .gz files, converted once to .npy ------------------------------

MANIFEST = "converted.json"


def _files_key(files: dict) -> tuple:
    return tuple((key, name, size, sha256) for key, (name, size, sha256) in files.items())


def _read_converted(folder: Path, files: tuple) -> dict[str, np.ndarray] | None:
    """The converted arrays if they exist, come from these very files and are intact; else None."""
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(manifest, dict) or manifest.get("sources") != {key: sha256 for key, _, _, sha256 in files}:
        return None
    arrays = {}
    for key, _, _, _ in files:
        path = folder / f"{key}.npy"
        try:
            data = path.read_bytes()
        except OSError:
            return None
        if sha256_bytes(data) != manifest.get("arrays", {}).get(key):
            print(f"dl_notes: {path} is damaged; rebuilding it", file=sys.stderr)
            return None
        arrays[key] = np.load(io.BytesIO(data), allow_pickle=False)
    return arrays


def _convert(folder: Path, files: tuple) -> dict[str, np.ndarray]:
    arrays = {key: read_idx(gzip.decompress((folder / name).read_bytes())) for key, name, _, _ in files}
    _checked(arrays, str(folder))
    digests = {}
    for key, array in arrays.items():
        buffer = io.BytesIO()
        np.save(buffer, array, allow_pickle=False)
        digests[key] = sha256_bytes(buffer.getvalue())
        atomic_write(folder / f"{key}.npy", buffer.getvalue())
    # Written last: it vouches for the .npy files above.
    manifest = {"sources": {key: sha256 for key, _, _, sha256 in files}, "arrays": digests}
    atomic_write(folder / MANIFEST, json.dumps(manifest, indent=1, sort_keys=True).encode())
    return arrays


def _fetch(name: str, size: int, sha256: str, folder: Path, mirrors: tuple[str, ...], timeout: float) -> None:
    order, bad = list(mirrors), []
    for _ in range(2):
        part, mirror = _download_any(name, folder, order, timeout)
        if _intact(part, size, sha256):
            os.replace(part, folder / name)
            return
        bad.append(f"{mirror}{name}: {part.stat().st_size} bytes, SHA-256 {sha256_bytes(part.read_bytes())}")
        part.unlink()
        # Start the second try with the next mirror: this one may keep serving a bad copy.
        i = order.index(mirror)
        order = order[i + 1:] + order[: i + 1]
    raise ChecksumMismatch(
        f"{name} was downloaded twice and was wrong both times (expected {size} bytes, SHA-256 {sha256}); "
        f"got: {'; '.join(bad)}. The bad copies were deleted. Try again later, or download {name} "
        f"yourself and put it in {folder} (it is checked when loaded)."
    )


def _download_any(name: str, folder: Path, mirrors: list[str], timeout: float) -> tuple[Path, str]:
    errors = []
    for mirror in mirrors:
        try:
            return _download(mirror + name, folder, name, timeout), mirror
        except (OSError, http.client.HTTPException) as exc:
            errors.append(f"  {mirror}{name}: {type(exc).__name__}: {exc}")
    names = ", ".join(name for name, _, _ in FILES.values())
    raise DownloadFailed(
        f"full MNIST: could not download {name} from any mirror:\n" + "\n".join(errors) + "\n"
        f"What to do: connect to the internet and try again; or copy the four MNIST files ({names}) "
        f"into {folder} (they are checked against their SHA-256); or use the embedded subset: "
        f"load_mnist(source='subset'), or unset {ENV_SOURCE}."
    )


def _download(url: str, folder: Path, name: str, timeout: float) -> Path:
    response = _open(url, timeout)
    remove_stale_parts(folder / name)
    with response, new_part(folder / name) as (part, out):
        while chunk := response.read(1 << 16):  # each read waits at most `timeout` (socket timeout)
            out.write(chunk)
    print(f"dl_notes: downloaded {url}", file=sys.stderr)
    return part


def _open(url: str, timeout: float):
    """``urlopen`` bounded in wall time: the socket timeout does not cover name resolution,
    which can block for much longer on a machine without network."""
    box: dict = {}

    def target() -> None:
        try:
            box["response"] = urllib.request.urlopen(url, timeout=timeout)
        except BaseException as exc:  # handed over to the caller's thread
            box["error"] = exc

    worker = threading.Thread(target=target, daemon=True)
    worker.start()
    worker.join(timeout)
    if "response" in box:
        return box["response"]
    if "error" in box:
        raise box["error"]
    raise TimeoutError(f"no answer within {timeout:g} s")


def _intact(path: Path, size: int, sha256: str) -> bool:
    return path.is_file() and path.stat().st_size == size and sha256_bytes(path.read_bytes()) == sha256


def _check_source(source: object, name: str) -> str:
    if source not in SOURCES:
        raise ValueError(f"{name} must be one of {SOURCES}, got {source!r}")
    return source


def shuffle_dataset(x: object, t: object, *, rng: np.random.Generator | None = None,
                    seed: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    r"""Data and labels reordered by one random permutation, so that each label stays with its sample.

    The book's ``common.util.shuffle_dataset``: ``x`` may have any number of axes (rows of
    pixels, or images of shape (C, H, W)); only the first axis, the samples, is reordered.
    Without ``rng`` or ``seed`` the order differs from call to call, as in the book (which
    draws from NumPy's global state; this never touches it).

    Parameters
    ----------
    x : array_like, shape (N, ...)
        The samples.
    t : array_like, shape (N,) or (N, K)
        Their labels (indices or one-hot rows).
    rng : numpy.random.Generator, optional
        Where the permutation is drawn from; or ``seed``.
    seed : int, optional

    Returns
    -------
    x, t : ndarray
        New arrays, ``x[p]`` and ``t[p]`` for one permutation ``p`` of ``range(N)``.

    Raises
    ------
    ValueError
        If ``x`` has no sample axis or ``x`` and ``t`` hold different numbers of samples, or
        for both ``rng`` and ``seed``.
    TypeError
        If ``x`` or ``t`` is not numeric, or ``rng`` is not a generator.

    See Also
    --------
    split_validation : shuffle, then set part of the data aside for validation.

    Examples
    --------
    >>> x = np.arange(10).reshape(5, 2)
    >>> xs, ts = shuffle_dataset(x, np.arange(5), seed=0)
    >>> bool((xs[:, 0] == 2 * ts).all()), sorted(ts.tolist())
    (True, [0, 1, 2, 3, 4])
    """
    x, t = _samples(x, t, "shuffle_dataset")
    permutation = generator(rng, seed).permutation(len(x))
    return x[permutation], t[permutation]


def split_validation(x: object, t: object, validation_rate: float = 0.2, *, rng: np.random.Generator | None = None,
                     seed: int | None = None) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    r"""Shuffle the training data and set the first part aside as validation data.

    As the book's section 6.5 does it: with $N$ samples, $N_\text{val} = \lfloor N \cdot r \rfloor$
    for the rate $r$,

    $$
    (x, t) \xrightarrow{\text{shuffle}} (x', t'), \qquad
    \text{validation} = (x'_{0:N_\text{val}},\ t'_{0:N_\text{val}}), \qquad
    \text{training} = (x'_{N_\text{val}:N},\ t'_{N_\text{val}:N})
    $$

    The validation data chooses the hyperparameters; the test data is left for one last
    measurement. Shuffling first matters when the data is sorted (by class, by date, ...): the
    first rows alone would not look like the rest.

    Parameters
    ----------
    x : array_like, shape (N, ...)
        The training samples.
    t : array_like, shape (N,) or (N, K)
        Their labels.
    validation_rate : float, default 0.2
        The share $r$ set aside, $0 < r < 1$; both parts must keep at least one sample.
    rng : numpy.random.Generator, optional
        For the shuffle; or ``seed``.
    seed : int, optional

    Returns
    -------
    ((x_train, t_train), (x_val, t_val))
        $N - N_\text{val}$ training and $N_\text{val}$ validation samples, disjoint.

    Raises
    ------
    ValueError
        If ``validation_rate`` is not in (0, 1), if it leaves either part empty, or for the
        errors of `shuffle_dataset`.
    TypeError
        If ``validation_rate`` is not a number, or for the errors of `shuffle_dataset`.

    See Also
    --------
    shuffle_dataset : the shuffle.

    Examples
    --------
    >>> x, t = np.arange(500 * 2).reshape(500, 2), np.arange(500) % 10
    >>> (x_train, t_train), (x_val, t_val) = split_validation(x, t, 0.2, seed=0)
    >>> len(x_train), len(x_val)
    (400, 100)
    >>> len(set(x_train[:, 0]) | set(x_val[:, 0]))      # every sample in exactly one part
    500
    >>> split_validation(x[:3], t[:3], 0.2)
    Traceback (most recent call last):
    ...
    ValueError: split_validation: validation_rate=0.2 of 3 samples sets aside int(3 * 0.2) = 0 for validation; give more samples or a larger validation_rate
    """
    rate = fraction("validation_rate", validation_rate)
    if rate == 0:
        raise ValueError("split_validation: validation_rate must be in (0, 1), got 0.0")
    x, t = _samples(x, t, "split_validation")
    n_val = int(len(x) * rate)
    if not 0 < n_val < len(x):
        raise ValueError(f"split_validation: validation_rate={rate:g} of {len(x)} samples sets aside "
                         f"int({len(x)} * {rate:g}) = {n_val} for validation; give more samples or a larger validation_rate")
    x, t = shuffle_dataset(x, t, rng=rng, seed=seed)
    return (x[n_val:], t[n_val:]), (x[:n_val], t[:n_val])


def _samples(x: object, t: object, where: str) -> tuple[np.ndarray, np.ndarray]:
    x, t = array("x", x), array("t", t)
    if x.ndim == 0 or t.ndim == 0:
        raise ValueError(f"{where}: x and t must have a sample axis, got shapes {x.shape} and {t.shape}")
    if len(x) != len(t):
        raise ValueError(f"{where}: x and t must hold the same number of samples, got {len(x)} and {len(t)}")
    return x, t
