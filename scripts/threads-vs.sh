#!/usr/bin/env bash
# What a second core gives, and what the whole process costs, for this checkout
# against an earlier commit, measured side by side in one run.
#
#   scripts/threads-vs.sh [REV] [PAIRS]     (defaults: HEAD~1, 3)
#
# Builds REV (in a temporary worktree, with its own target folder; set OLD_BIN to a
# folder holding an `escalate` binary of REV to skip that) and this checkout in
# release (NEW_BIN likewise), then runs each measurement PAIRS times, alternating old and new so that
# a machine whose speed drifts slows both alike:
#   1. `escalate compare benches/two-mirrors.toml --replicates 1000000` at
#      `--threads 1` and `--threads 2`: wall seconds, the speed-up of the second
#      thread, and the peak resident memory;
#   2. the same with 10,000 replicates: the peak memory, which should not grow with
#      replicates;
#   3. `escalate tournament peers/axelrod/bench-tournament.toml --repetitions 1000`
#      at `--threads 1` and `--threads 2`: wall seconds and the speed-up;
#   4. the bench tournament as written (50 repetitions), every file and chart
#      written: whole-process wall milliseconds, on one core per thread.
# Each line gives each side's median and, for the speed-ups, the median of the
# pair-by-pair ratios. Results folders go to a temporary folder.
set -euo pipefail

cd "$(dirname "$0")/.."
rev="${1:-HEAD~1}"
pairs="${2:-3}"
scratch="$(mktemp -d)"
cleanup() {
    git worktree remove --force "$scratch/old" >/dev/null 2>&1 || true
    rm -rf "$scratch"
}
trap cleanup EXIT

if [ -z "${OLD_BIN:-}" ]; then
    git worktree add --detach --quiet "$scratch/old" "$rev"
    echo "building $rev (release)…"
    (cd "$scratch/old" && CARGO_TARGET_DIR="$scratch/old-target" \
        cargo build --release --quiet --bin escalate)
    OLD_BIN="$scratch/old-target/release"
fi
if [ -z "${NEW_BIN:-}" ]; then
    echo "building this checkout (release)…"
    cargo build --release --quiet --bin escalate
    NEW_BIN="${CARGO_TARGET_DIR:-target}/release"
fi
old_bin="$OLD_BIN/escalate"
new_bin="$NEW_BIN/escalate"

echo "machine: $(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "old = $rev, new = $(git rev-parse --short HEAD)$(git diff --quiet || echo ' with changes')"
echo

# Wall seconds and peak resident kilobytes of a command.
timed() {
    /usr/bin/time -f '%e %M' -o "$scratch/time.txt" "$@" >/dev/null 2>&1
    cat "$scratch/time.txt"
}

compare_at() {
    local bin="$1" replicates="$2" threads="$3"
    timed "$bin" compare benches/two-mirrors.toml --replicates "$replicates" \
        --threads "$threads" -q --out "$scratch/out-compare"
}

tournament_at() {
    local bin="$1" repetitions="$2" threads="$3"
    timed "$bin" tournament peers/axelrod/bench-tournament.toml --repetitions "$repetitions" \
        --threads "$threads" -q --out "$scratch/out-tournament"
}

median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# speedup LABEL FN ARG: FN BIN ARG THREADS at 1 and 2 threads, old and new in turn.
speedup() {
    local label="$1" fn="$2" arg="$3" side one two
    for side in old new; do : >"$scratch/$side-1.txt"; : >"$scratch/$side-2.txt"; : >"$scratch/$side-x.txt"; : >"$scratch/$side-m.txt"; done
    for _ in $(seq "$pairs"); do
        for side in old new; do
            local bin="$old_bin"; [ "$side" = new ] && bin="$new_bin"
            read -r one mem1 <<<"$("$fn" "$bin" "$arg" 1)"
            read -r two mem2 <<<"$("$fn" "$bin" "$arg" 2)"
            echo "$one" >>"$scratch/$side-1.txt"
            echo "$two" >>"$scratch/$side-2.txt"
            echo "$mem2" >>"$scratch/$side-m.txt"
            awk -v a="$one" -v b="$two" 'BEGIN { printf "%.3f\n", a / b }' >>"$scratch/$side-x.txt"
        done
    done
    for side in old new; do
        printf '%-40s %s: 1 thread %7s s  2 threads %7s s  speed-up %s×  peak %s MB\n' "$label" "$side" \
            "$(median <"$scratch/$side-1.txt")" "$(median <"$scratch/$side-2.txt")" \
            "$(median <"$scratch/$side-x.txt")" \
            "$(median <"$scratch/$side-m.txt" | awk '{ printf "%.1f", $1 / 1024 }')"
    done
}

speedup "compare, 1,000,000 replicates" compare_at 1000000
speedup "compare, 10,000 replicates" compare_at 10000
speedup "tournament, 1,000 repetitions" tournament_at 1000

: >"$scratch/old.txt"; : >"$scratch/new.txt"
# Whole-process wall milliseconds, to the microsecond.
wall_ms() {
    local start end
    start=$(date +%s%N)
    "$@" >/dev/null 2>&1
    end=$(date +%s%N)
    awk -v a="$start" -v b="$end" 'BEGIN { printf "%.2f\n", (b - a) / 1e6 }'
}
for _ in $(seq $((pairs * 4 + 1))); do
    for side in old new; do
        bin="$old_bin"; [ "$side" = new ] && bin="$new_bin"
        wall_ms "$bin" tournament peers/axelrod/bench-tournament.toml -q \
            --out "$scratch/out-whole" >>"$scratch/$side.txt"
    done
done
printf '%-40s old %s ms  new %s ms\n' "bench tournament, whole process" \
    "$(median <"$scratch/old.txt")" "$(median <"$scratch/new.txt")"
echo
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
