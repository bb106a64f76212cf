#!/usr/bin/env bash
# escalate's speed beside its peers and its own floor, measured side by side in one
# run, with the ratio of each figure and the target it is held to.
#
#   scripts/bench.sh          every figure below
#   scripts/bench.sh quick    the same with fewer repetitions and smaller runs
#   scripts/bench.sh model    only the model's figures (the last section)
#
# Builds release, then measures, alternating the two sides of each ratio so that a
# machine whose speed drifts slows both alike:
#   1. engine: examples/throughput.rs (two noisy mirrors, 100 rounds, one thread)
#      against examples/minimal_loop.rs, the same game with the same random-number
#      scheme and nothing else; million actor-rounds per second on the CPU;
#   2. tournament play: examples/tournament_throughput.rs (the bench tournament's
#      match loop, one thread, nothing written) against the minimal loop's duel;
#      nanoseconds per pair-round on the CPU;
#   3. the bench tournament (peers/axelrod/bench-tournament.toml), whole process with
#      every file, against the axelrod library's serial play() (peers/axelrod/bench.sh
#      --quick; skipped with a message when peers/axelrod/setup.sh has not been run);
#   4. the eight strategies escalate shares with axelrod-rs
#      (peers/axelrod-rs/bench-shared.toml), whole process with every file, against
#      axelrod-rs's own round robin (peers/axelrod-rs/setup.sh fetches and builds it;
#      skipped with a message when it cannot);
#   5. `run` per dyad-round, everyone facing everyone, at 10, 25, 50, 100 and 150
#      actors (one thread, no timeline, CPU time over dyads × rounds × replicates);
#   6. `compare benches/two-mirrors.toml` with 1,000,000 replicates, and the bench
#      tournament with 1,000 repetitions, on 2 threads against 1 (wall time, the
#      median of alternated runs);
#   7. peak memory of `compare` at 10,000 and at 1,000,000 replicates;
#   8. the model (benches/model.toml: stocks, lasting measures, stop rules) with and
#      without a timeline, at 10,000 and 1,000,000 replicates.
#
# CPU time is user + system from GNU time (/usr/bin/time), which also gives peak
# memory; it is what a figure would be if nothing else wanted the cores. The load
# average before and after says how busy the machine was. Criterion benchmarks are
# separate: `cargo bench` (benches/).
set -euo pipefail
# Decimal points, whatever the locale, for $EPOCHREALTIME and awk.
export LC_ALL=C

part="${1:-all}"
case "$part" in
    all | quick | model) ;;
    *)
        echo "usage: scripts/bench.sh [quick|model]" >&2
        exit 2
        ;;
esac
if [[ ! -x /usr/bin/time ]]; then
    echo "scripts/bench.sh needs GNU time at /usr/bin/time (Debian: apt-get install time)" >&2
    exit 1
fi

cd "$(dirname "$0")/.."
target="${CARGO_TARGET_DIR:-target}"
cargo build --release --quiet --bin escalate \
    --example throughput --example minimal_loop --example tournament_throughput
escalate="$target/release/escalate"
examples="$target/release/examples"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT

if [[ "$part" == quick ]]; then
    pairs=3 seconds=1 replicates=200000 small=10000 repetitions=200 whole=7 dyad_rounds=20000000
else
    pairs=5 seconds=3 replicates=1000000 small=10000 repetitions=1000 whole=21 dyad_rounds=80000000
fi
charts=()
"$escalate" run --help | grep -q -- '--charts' && charts=(--charts none)

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo

# The median of the numbers on standard input.
median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# Runs a command under GNU time; prints "wall cpu peak_kb". The wall time is taken
# to the microsecond around it: GNU time gives hundredths, a tenth of a run of
# 80 ms.
timed() {
    local start=$EPOCHREALTIME end
    /usr/bin/time -f '%U %S %M' -o "$scratch/time" "$@" >/dev/null 2>"$scratch/stderr" || {
        cat "$scratch/stderr" >&2
        return 1
    }
    end=$EPOCHREALTIME
    awk -v s="$start" -v e="$end" '{ printf "%.6f %.3f %s\n", e - s, $1 + $2, $3 }' "$scratch/time"
}

# Runs a command and prints its wall time in seconds, to the microsecond: GNU time
# gives hundredths, too coarse for a process of a few milliseconds.
wall_of() {
    local start=$EPOCHREALTIME
    "$@" >/dev/null 2>"$scratch/stderr" || {
        cat "$scratch/stderr" >&2
        return 1
    }
    local end=$EPOCHREALTIME
    awk -v s="$start" -v e="$end" 'BEGIN { printf "%.6f\n", e - s }'
}

# One figure of the table: what, escalate's, the reference's, the ratio, the target.
row() { printf '%-44s %16s %22s %10s   %s\n' "$@"; }

if [[ "$part" != model ]]; then
    # 1 and 2: the engine and the tournament loop against the minimal loop, on the CPU.
    for _ in $(seq "$pairs"); do
        "$examples/throughput" "$seconds" | awk '/on the CPU/ { print $1 }' >>"$scratch/engine"
        "$examples/tournament_throughput" "$seconds" | awk '/on the CPU/ { print $1 }' >>"$scratch/pair"
        "$examples/minimal_loop" "$seconds" >"$scratch/minimal"
        awk '/M actor-rounds per second on the CPU/ { print $1 }' "$scratch/minimal" >>"$scratch/engine-floor"
        awk '/ns per pair-round on the CPU/ { print $1 }' "$scratch/minimal" >>"$scratch/pair-floor"
    done
    engine=$(median <"$scratch/engine")
    engine_floor=$(median <"$scratch/engine-floor")
    pair=$(median <"$scratch/pair")
    pair_floor=$(median <"$scratch/pair-floor")

    row "figure" "escalate" "reference" "ratio" "target"
    row "engine, M actor-rounds/s, one core" "$engine" "minimal loop $engine_floor" \
        "$(awk -v a="$engine_floor" -v b="$engine" 'BEGIN { printf "%.2f×", a / b }')" \
        "≥ 120 M, minimal loop ≤ 1.25× faster"
    row "tournament play, ns per pair-round" "$pair" "minimal loop $pair_floor" \
        "$(awk -v a="$pair" -v b="$pair_floor" 'BEGIN { printf "%.2f×", a / b }')" \
        "(minimal loop faster by)"

    # 3: against the axelrod library.
    if [[ -x peers/axelrod/.venv/bin/python ]]; then
        RUNS="$whole" peers/axelrod/bench.sh --quick >"$scratch/library" 2>&1
        library=$(sed -n 's/^library_seconds=\([0-9.]*\).*/\1/p' "$scratch/library")
        tour=$(sed -n 's/^escalate_seconds_median=//p' "$scratch/library")
        row "bench tournament, whole process" "$(awk -v s="$tour" 'BEGIN { printf "%.1f ms", s * 1000 }')" \
            "axelrod play() $(awk -v s="$library" 'BEGIN { printf "%.2f s", s }')" \
            "$(awk -v a="$library" -v b="$tour" 'BEGIN { printf "%.0f×", a / b }')" "≥ 1500× faster"
    else
        row "bench tournament, whole process" "skipped" "" "" \
            "no axelrod library: run peers/axelrod/setup.sh (about 6 GB)"
    fi

    # 4: against axelrod-rs.
    if peers/axelrod-rs/setup.sh >"$scratch/axelrod-rs" 2>&1; then
        driver=peers/axelrod-rs/.build/release/axelrod-rs-driver
        for i in $(seq "$whole"); do
            wall_of "$escalate" tournament peers/axelrod-rs/bench-shared.toml -q \
                --out "$scratch/shared-$i" >>"$scratch/shared"
            wall_of "$driver" >>"$scratch/shared-peer"
            [[ $i -gt 1 ]] && rm -rf "$scratch/shared-$i"
        done
        shared=$(median <"$scratch/shared")
        shared_peer=$(median <"$scratch/shared-peer")
        files=$(find "$scratch/shared-1" -type f | wc -l)
        row "8 shared strategies, whole process" "$(awk -v s="$shared" 'BEGIN { printf "%.1f ms", s * 1000 }')" \
            "axelrod-rs $(awk -v s="$shared_peer" 'BEGIN { printf "%.1f ms", s * 1000 }')" \
            "$(awk -v a="$shared_peer" -v b="$shared" 'BEGIN { printf "%.2f×", a / b }')" \
            "≥ 1.5× faster, writing its $files files"
    else
        row "8 shared strategies, whole process" "skipped" "" "" "$(tail -n 1 "$scratch/axelrod-rs")"
    fi

    # 5: run per dyad-round as actors grow.
    for actors in 10 25 50 100 150; do
        dyads=$((actors * (actors - 1)))
        rounds=50
        reps=$((dyad_rounds / (dyads * rounds) + 1))
        {
            printf '[scenario]\nname = "%s actors"\nrounds = %s\nseed = 3\n\n' "$actors" "$rounds"
            printf '[ladder]\nrungs = [\n  { id = "none", level = 0 },\n  { id = "protest", level = 1 },\n'
            printf '  { id = "expel", level = 2 },\n  { id = "sanction", level = 3 },\n]\n\n'
            printf '[noise]\ntremble = 0.02\nmisperception = 0.05\n\n'
            printf '[limits]\nactors = 200\n\n'
            for a in $(seq "$actors"); do
                printf '[[actors]]\nid = "a%s"\npolicy = { kind = "mirror" }\n\n' "$a"
            done
            printf '[[events]]\nround = 0\nact = { actor = "a1", target = "a2", rung = "expel" }\n'
        } >"$scratch/actors-$actors.toml"
        cpu=$(timed "$escalate" run "$scratch/actors-$actors.toml" --threads 1 --timeline none \
            --replicates "$reps" "${charts[@]}" -q --out "$scratch/actors-$actors" | cut -d' ' -f2)
        ns=$(awk -v c="$cpu" -v d="$dyads" -v r="$rounds" -v n="$reps" 'BEGIN { printf "%.1f", c * 1e9 / (d * r * n) }')
        echo "$actors $ns" >>"$scratch/dyad-rounds"
        rm -rf "$scratch/actors-$actors"
    done
    spread=$(awk 'NR == 1 || $2 > hi { hi = $2 } NR == 1 || $2 < lo { lo = $2 } END { print lo, hi }' "$scratch/dyad-rounds")
    row "run, ns per dyad-round, 10 to 150 actors" "${spread/ / to }" "the same at every size" \
        "$(awk -v s="$spread" 'BEGIN { split(s, v, " "); printf "%.2f×", v[2] / v[1] }')" \
        "highest ≤ 1.3× lowest"

    # 6: two threads against one, alternated, the median of each.
    for _ in $(seq "$pairs"); do
        for threads in 1 2; do
            rm -rf "$scratch/compare-$threads" "$scratch/tour-$threads"
            timed "$escalate" compare benches/two-mirrors.toml --vary b=mirror --replicates "$replicates" \
                --threads "$threads" -q --out "$scratch/compare-$threads" >"$scratch/compare-$threads.time"
            cut -d' ' -f1 "$scratch/compare-$threads.time" >>"$scratch/compare-$threads.walls"
            timed "$escalate" tournament peers/axelrod/bench-tournament.toml --repetitions "$repetitions" \
                --threads "$threads" -q --out "$scratch/tour-$threads" >"$scratch/tour-$threads.time"
            cut -d' ' -f1 "$scratch/tour-$threads.time" >>"$scratch/tour-$threads.walls"
        done
    done
    wall() { median <"$scratch/$1.walls" | awk '{ printf "%.3f", $1 }'; }
    row "compare, $replicates replicates, 2 threads" "$(wall compare-2) s" \
        "1 thread $(wall compare-1) s" \
        "$(awk -v a="$(wall compare-1)" -v b="$(wall compare-2)" 'BEGIN { printf "%.2f×", a / b }')" "≥ 1.85×"
    row "tournament, $repetitions repetitions, 2 threads" "$(wall tour-2) s" \
        "1 thread $(wall tour-1) s" \
        "$(awk -v a="$(wall tour-1)" -v b="$(wall tour-2)" 'BEGIN { printf "%.2f×", a / b }')" "≥ 1.85×"

    # 7: memory flat in replicates.
    timed "$escalate" compare benches/two-mirrors.toml --vary b=mirror --replicates "$small" \
        -q --out "$scratch/compare-small" >"$scratch/compare-small.time"
    peak() { awk '{ printf "%.1f", $3 / 1024 }' "$1"; }
    row "compare peak memory, $replicates replicates" "$(peak "$scratch/compare-2.time") MB" \
        "$small replicates $(peak "$scratch/compare-small.time") MB" \
        "$(awk -v a="$(peak "$scratch/compare-2.time")" -v b="$(peak "$scratch/compare-small.time")" 'BEGIN { printf "%+.1f MB", a - b }')" \
        "within 2 MB"
    echo
    echo "run, ns per dyad-round by actors: $(awk '{ printf "%s%s: %s", (NR > 1 ? ", " : ""), $1, $2 }' "$scratch/dyad-rounds")"
    echo
fi

# 8: the model's stocks, lasting measures and outcomes, aggregated as they come.
for timeline in none 100; do
    for n in 10000 1000000; do
        [[ "$part" == quick && $n -gt 100000 ]] && n=100000
        read -r w c m < <(timed "$escalate" run benches/model.toml --replicates "$n" \
            --timeline "$timeline" -q --out "$scratch/model")
        printf 'run benches/model.toml × %-8s timeline %-5s wall %6.2f s  cpu %7s s  peak memory %6.1f MB\n' \
            "$n" "$timeline" "$w" "$c" "$(awk -v kb="$m" 'BEGIN { print kb / 1024 }')"
    done
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
