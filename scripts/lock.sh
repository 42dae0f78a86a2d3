#!/usr/bin/env bash
# Re-resolve the toolchain: install dl_notes[test] into a throw-away venv and freeze every
# version into requirements.lock, which `make` installs from. Run after changing pyproject.toml.
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 -m venv "$tmp/venv"
"$tmp/venv/bin/pip" install --quiet --disable-pip-version-check -e ".[test]"
{
  echo "# Pinned toolchain for DL Notes; regenerate with \`make lock\` (scripts/lock.sh)."
  "$tmp/venv/bin/pip" freeze --exclude-editable --disable-pip-version-check | grep -v '^dl[-_]notes'
} > requirements.lock
echo "requirements.lock: $(grep -vc '^#' requirements.lock) packages"
