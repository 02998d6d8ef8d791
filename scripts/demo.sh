#!/usr/bin/env bash
# The main job on the bundled example: install into .venv, import the Connexi register, summarise it,
# validate it and trace where a client's home address goes. Results land in out/.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${VENV:-.venv}
[ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
"$VENV/bin/python" -m pip install --quiet --upgrade pip
"$VENV/bin/python" -m pip install --quiet .
G="$VENV/bin/gdprgraph"
SEED=data/connexi/connexi-gdprwise-register.txt
mkdir -p out
"$G" import "$SEED" -o out/connexi.ttl
"$G" info out/connexi.ttl
if "$G" --help | grep -q "^  validate"; then
  echo; "$G" validate out/connexi.ttl || [ $? -eq 1 ]   # exit 1 = the register has violations
fi
if "$G" --help | grep -q "^  trace"; then
  echo; "$G" trace "home address" out/connexi.ttl --subject Clients
fi
if "$G" --help | grep -q "^  viz"; then
  "$G" viz out/connexi.ttl -o out/connexi-graph.html && echo "open out/connexi-graph.html in a browser"
fi
