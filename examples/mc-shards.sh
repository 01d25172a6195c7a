#!/usr/bin/env bash
# A Monte Carlo run split into 4 shards run 2 at a time with xargs -P (GNU parallel or a batch
# runner works the same way: each task runs one --shard K/N). Each shard runs its slice of the
# paths (every path has its own random stream) and writes a partial file; the same command with
# --merge FILES prints the unsharded run's output, byte for byte. --start pins the run (a shard
# started on another day would be another run, and the merge would refuse its file). Works in a
# temporary folder and removes it; -q keeps the parallel runs from interleaving warnings.
set -euo pipefail
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
mc=(-q project --start 2026-06-26 --halving 2028 --paths 1000 --price-vol 50 --capex 10000 --seed 1 -f csv)
seq 1 4 | xargs -P 2 -I{} minecalc "${mc[@]}" --shard {}/4 -o "$dir/part-{}.mcp"
minecalc "${mc[@]}" --merge "$dir"/part-{1..4}.mcp -o "$dir/merged.csv"
minecalc "${mc[@]}" -o "$dir/whole.csv"
cmp "$dir/merged.csv" "$dir/whole.csv"
cat "$dir/merged.csv"
