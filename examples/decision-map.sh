#!/usr/bin/env bash
# Margin through the 2028 halving by power cost x BTC price growth, in one streamed CSV,
# then the price growth an S21-class fleet needs to break even through 2032.
set -euo pipefail
minecalc sweep --vary power-cost=0.03:0.08:0.01 --vary price-growth=0,25,50 --halving 2028 -f csv
minecalc breakeven --for price-growth --machine "Antminer S21" --units 100 --power-cost 0.05 \
  --hashrate-growth 30 --until 2032-12-31 -f csv
