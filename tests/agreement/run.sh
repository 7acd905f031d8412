#!/usr/bin/env bash
# Installs scikit-learn and krippendorff in a virtual environment (once) and
# cross-checks `gloss agree` against them. Usage: tests/agreement/run.sh GLOSS [CASES]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
venv="${GLOSS_AGREE_VENV:-$here/../../target/agree-venv}"
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c 'import sklearn, krippendorff' 2>/dev/null; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check scikit-learn krippendorff numpy
fi
"$venv/bin/python" "$here/crosscheck.py" "$@"
