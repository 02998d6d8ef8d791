#!/usr/bin/env bash
# The test command from the README: a fresh venv, a real (non-editable) install, the whole suite.
# Usage: bash scripts/test.sh [pytest args...]
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${VENV:-.venv}
[ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
"$VENV/bin/python" -m pip install --quiet --upgrade pip
"$VENV/bin/python" -m pip install --quiet ".[test]"
# pytest (not `python -m pytest`) so the installed wheel is tested, not the checkout folder
"$VENV/bin/pytest" "$@"
