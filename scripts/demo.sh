#!/usr/bin/env bash
# The main job on the bundled example: install into .venv, import the Connexi register, summarise it,
# validate it, trace where a client's home address goes, and draw the data flows. Results land in out/.
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
echo; "$G" info out/connexi.ttl
echo; "$G" validate out/connexi.ttl || [ $? -eq 1 ]   # exit 1 = the register has violations (it does)
echo; "$G" trace "home address" out/connexi.ttl --subject Clients
echo; "$G" report out/connexi.ttl -o out/connexi-register.html --lang en
"$G" viz out/connexi.ttl -o out/connexi-graph.html
echo "open out/connexi-graph.html (data flows) and out/connexi-register.html (the register as a document)"
