#!/usr/bin/env bash
# Regenerate data/connexi/register.ttl, register.yaml and register.xlsx from the GDPRWise seed with the
# CLI, then check that each imports back into the same register (gdprgraph diff exits 0 when equal).
# Usage: bash scripts/make_connexi_data.sh        (PYTHON=/path/to/python to pick the interpreter)
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
G() { "$PYTHON" -m gdprgraph "$@"; }
DIR=data/connexi
SEED=$DIR/connexi-gdprwise-register.txt

G import "$SEED" -o "$DIR/register.ttl"
G export "$DIR/register.ttl" -o "$DIR/register.yaml"
G export "$DIR/register.ttl" -o "$DIR/register.xlsx"
for copy in "$DIR/register.yaml" "$DIR/register.xlsx"; do
  G diff "$DIR/register.ttl" "$copy" >/dev/null || { echo "round trip differs: $copy" >&2; exit 1; }
done
echo "regenerated $DIR/register.{ttl,yaml,xlsx}; all three hold the same register"
