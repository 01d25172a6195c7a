#!/usr/bin/env bash
# One clean, concatenable CSV from a shell loop over power costs: the first run writes the
# header, the rest add rows; --tag adds a column that says which run each row is from.
set -euo pipefail
minecalc project --halving 2028 --period year -f csv --power-cost 0.03 --tag power_cost=0.03
for p in 0.05 0.07; do
  minecalc project --halving 2028 --period year -f csv --no-header --power-cost "$p" --tag power_cost="$p"
done
