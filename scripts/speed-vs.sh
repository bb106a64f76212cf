#!/usr/bin/env bash
# Engine and tournament speed of this checkout against an earlier commit, measured
# side by side in one run.
#
#   scripts/speed-vs.sh [REV] [PAIRS]     (defaults: HEAD~1, 7)
#
# Builds REV (in a temporary worktree, with its own target folder) and this checkout
# in release, then runs each measurement PAIRS times, alternating old and new so that
# a machine whose speed drifts slows both alike:
#   1. engine throughput on one thread (examples/throughput.rs, 3 s): million
#      actor-rounds per second, on the CPU;
#   2. `escalate compare benches/two-mirrors.toml --vary b=mirror --replicates 200000
#      --threads 1`: CPU seconds (user + system);
#   3. `escalate tournament peers/axelrod/bench-tournament.toml --repetitions 2000
#      --threads 1`: CPU seconds.
# It prints each side's median and the median of the pair-by-pair ratios new/old
# (above 1 = faster for throughput, below 1 = faster for seconds). Set OLD_TARGET to
# a folder to keep REV's build there between calls.
set -euo pipefail

cd "$(dirname "$0")/.."
rev="${1:-HEAD~1}"
pairs="${2:-7}"
scratch="$(mktemp -d)"
cleanup() {
    git worktree remove --force "$scratch/old" >/dev/null 2>&1 || true
    rm -rf "$scratch"
}
trap cleanup EXIT

git worktree add --detach --quiet "$scratch/old" "$rev"
echo "building $rev and this checkout (release)…"
old_target="${OLD_TARGET:-$scratch/old-target}"
(cd "$scratch/old" && CARGO_TARGET_DIR="$old_target" \
    cargo build --release --quiet --bin escalate --example throughput)
cargo build --release --quiet --bin escalate --example throughput
target="${CARGO_TARGET_DIR:-target}"
old_bin="$old_target/release"
new_bin="$target/release"

echo "machine: $(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "old = $(git rev-parse --short "$rev"), new = $(git rev-parse --short HEAD)$(git diff --quiet || echo ' with changes')"
echo

# CPU seconds (user + system) of a command, from bash's own accounting.
cpu_seconds() {
    local TIMEFORMAT='%U %S'
    { time "$@" >/dev/null 2>&1; } 2>&1 | awk '{ printf "%.3f\n", $1 + $2 }'
}

# The on-CPU rate the throughput example prints.
rate() {
    "$1/examples/throughput" 3 | awk '/on the CPU/ { print $1 }'
}

compare_run() {
    local bin="$1" out="$scratch/out-$RANDOM"
    cpu_seconds "$bin/escalate" compare benches/two-mirrors.toml --vary b=mirror \
        --replicates 200000 --threads 1 -q --out "$out"
    rm -rf "$out"
}

tournament_run() {
    local bin="$1" out="$scratch/out-$RANDOM"
    cpu_seconds "$bin/escalate" tournament peers/axelrod/bench-tournament.toml \
        --repetitions 2000 --threads 1 -q --out "$out"
    rm -rf "$out"
}

median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

measure() {
    local label="$1" fn="$2" old new
    : >"$scratch/old.txt"; : >"$scratch/new.txt"; : >"$scratch/ratio.txt"
    for _ in $(seq "$pairs"); do
        old=$("$fn" "$old_bin")
        new=$("$fn" "$new_bin")
        echo "$old" >>"$scratch/old.txt"
        echo "$new" >>"$scratch/new.txt"
        awk -v a="$new" -v b="$old" 'BEGIN { printf "%.4f\n", a / b }' >>"$scratch/ratio.txt"
    done
    printf '%-44s old %8s  new %8s  new/old %s\n' "$label" \
        "$(median <"$scratch/old.txt")" "$(median <"$scratch/new.txt")" "$(median <"$scratch/ratio.txt")"
}

measure "engine, M actor-rounds/s on the CPU" rate
measure "compare 200,000 replicates, CPU s" compare_run
measure "tournament 2,000 repetitions, CPU s" tournament_run
echo
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
