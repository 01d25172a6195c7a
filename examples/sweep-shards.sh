#!/usr/bin/env bash
# A sweep split into 4 shards run 2 at a time with xargs -P (GNU parallel or a batch runner
# works the same way: each task runs one --shard K/N), then joined in order: the joined CSV is
# the unsharded sweep's, byte for byte. Works in a temporary folder and removes it; -q keeps
# the parallel runs from interleaving their warnings.
set -euo pipefail
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
sweep=(-q sweep --vary power-cost=0.02:0.10:0.01 --vary price-growth=0,20,40 --halving 2028 -f csv)
seq 1 4 | xargs -P 2 -I{} minecalc "${sweep[@]}" --shard {}/4 -o "$dir/part-{}.csv"
cat "$dir"/part-{1..4}.csv > "$dir/joined.csv"
minecalc "${sweep[@]}" -o "$dir/whole.csv"
cmp "$dir/joined.csv" "$dir/whole.csv"
cat "$dir/joined.csv"
