#!/usr/bin/env bash
# Measured performance figures, for the README and for issues about speed.
#
#   scripts/bench.sh          every figure below
#   scripts/bench.sh model    only the fourth
#
# Builds release, then prints:
#   1. engine throughput on one thread (examples/throughput.rs: two `mirror` actors
#      with noise, 100 rounds, no timeline), in million actor-rounds per second;
#   2. wall time and peak memory of `escalate compare` over 3 variants × 100,000
#      replicates × 100 rounds (benches/two-mirrors.toml and its two [[variants]]);
#   3. peak memory of one variant at 10,000 and at 1,000,000 replicates: the
#      aggregation keeps histograms, not replicates, so the two should be close;
#   4. the same for `escalate run` on a scenario with stocks, lasting measures and
#      stop rules (benches/model.toml: 3 actors, 100 rounds, noise), with no timeline
#      and with the default one (the first 100 replicates): stocks, levels in force
#      and outcomes are aggregated as they come too.
#
# Peak memory is the maximum resident set size reported by GNU time
# (/usr/bin/time -v), as is the CPU time (user + system: compare it with the wall
# time to see whether other work on the machine took cores away); without GNU time
# only wall times are printed. The load average before and after says how busy the
# machine was.
# Criterion benchmarks are separate: `cargo bench` (benches/engine.rs, benches/montecarlo.rs).
set -euo pipefail

part="${1:-all}"
case "$part" in
    all | model) ;;
    *)
        echo "usage: scripts/bench.sh [model]" >&2
        exit 2
        ;;
esac

cd "$(dirname "$0")/.."
target="${CARGO_TARGET_DIR:-target}"
cargo build --release --quiet --bin escalate --example throughput
escalate="$target/release/escalate"
scenario=benches/two-mirrors.toml
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo

# Runs `escalate VERB …` and prints its wall time and peak memory.
measure() {
    local label="$1"
    shift
    if [ -x /usr/bin/time ]; then
        /usr/bin/time -v "$escalate" "$@" -q >/dev/null 2>"$scratch/time"
        local wall cpu rss
        wall=$(grep 'Elapsed (wall clock)' "$scratch/time" | awk '{print $NF}')
        cpu=$(awk -F': ' '/User time|System time/ { s += $2 } END { printf "%.2f", s }' "$scratch/time")
        rss=$(grep 'Maximum resident set size' "$scratch/time" | awk '{print $NF}')
        printf '%-52s wall %s  cpu %s s  peak memory %.1f MB\n' "$label" "$wall" "$cpu" \
            "$(awk -v kb="$rss" 'BEGIN { print kb / 1024 }')"
    else
        local start end
        start=$(date +%s.%N)
        "$escalate" "$@" -q >/dev/null
        end=$(date +%s.%N)
        printf '%-52s wall %.2f s   peak memory: /usr/bin/time not available\n' "$label" "$(awk -v a="$start" -v b="$end" 'BEGIN { print b - a }')"
    fi
}

if [ "$part" = all ]; then
    "$target/release/examples/throughput" 5
    echo
    measure "compare 3 variants × 100,000 × 100 rounds" \
        compare "$scenario" --replicates 100000 --out "$scratch/three"
    measure "compare 1 variant × 10,000 × 100 rounds" \
        compare "$scenario" --vary b=mirror --replicates 10000 --out "$scratch/small"
    measure "compare 1 variant × 1,000,000 × 100 rounds" \
        compare "$scenario" --vary b=mirror --replicates 1000000 --out "$scratch/large"
fi

model=benches/model.toml
for timeline in none 100; do
    measure "run model × 10,000 × 100 rounds, timeline $timeline" \
        run "$model" --replicates 10000 --timeline "$timeline" --out "$scratch/model"
    measure "run model × 1,000,000 × 100 rounds, timeline $timeline" \
        run "$model" --replicates 1000000 --timeline "$timeline" --out "$scratch/model"
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
