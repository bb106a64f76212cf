#!/usr/bin/env bash
# Time the same tournament in the axelrod library and in escalate; print both and the ratio.
#
#     peers/axelrod/bench.sh            # the comparison, then 100 entrants × 1000 repetitions
#     peers/axelrod/bench.sh --quick    # the comparison only
#
# The tournament (bench-tournament.toml, and bench_library.py for the library): the
# ten deterministic classic strategies plus Random, 200 rounds a match, 50
# repetitions, self-play, noise 0.05.
#
#   * library: `library_seconds` of bench_library.py, the wall time of
#     Tournament.play(processes=None) alone, the library's fastest honest setting on
#     two cores (serial; processes=1 means all CPUs in spawned workers). Its import
#     (10-30 s) is not counted. Best of LIBRARY_RUNS runs (default 1).
#   * escalate: the whole process of the release build, start-up, parsing, play,
#     and every output file written and synced (matches.csv, tournament.csv,
#     payoff_matrix.csv, run.json, scenario copy, SVG and PNG chart), each run into
#     a new folder. Median and best of RUNS runs (default 21).
#
# ratio is the library's time over escalate's median wall time. cpu_ratio compares
# CPU time (all threads, user + system), which other work on the machine changes
# far less: escalate runs on every core, so when another process holds one of the
# two, its wall time suffers and the library's (one thread) barely does.
#
# Environment: PYTHON (default peers/axelrod/.venv/bin/python, made by setup.sh),
# RUNS, LIBRARY_RUNS, CARGO_TARGET_DIR (as cargo).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
python="${PYTHON:-$here/.venv/bin/python}"
runs="${RUNS:-21}"
library_runs="${LIBRARY_RUNS:-1}"
quick=0
[[ "${1:-}" == "--quick" ]] && quick=1

if [[ ! -x "$python" ]]; then
    echo "no Python with the axelrod library at $python: run peers/axelrod/setup.sh or set PYTHON" >&2
    exit 1
fi

(cd "$root" && cargo build --release --quiet)
bin="${CARGO_TARGET_DIR:-$root/target}/release/escalate"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo

# escalate, whole process, each run into a new folder: wall time, and the CPU time of
# the process (all its threads, user + system) from getrusage.
"$python" - "$bin" "$here/bench-tournament.toml" "$tmp" "$runs" > "$tmp/escalate.txt" <<'PY'
import resource, statistics, subprocess, sys, time
binary, scenario, tmp, runs = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
walls, cpus = [], []
for i in range(runs):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run([binary, "tournament", scenario, "--quiet", "--out", f"{tmp}/run-{i}"],
                   check=True, stdout=subprocess.DEVNULL)
    walls.append(time.perf_counter() - start)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpus.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
print(f"escalate_seconds_median={statistics.median(walls):.6f}")
print(f"escalate_seconds_best={min(walls):.6f}")
print(f"escalate_cpu_seconds_median={statistics.median(cpus):.6f}")
PY
cat "$tmp/escalate.txt"
value() { sed -n "s/^$1=//p" "$2"; }
escalate_median="$(value escalate_seconds_median "$tmp/escalate.txt")"
escalate_best="$(value escalate_seconds_best "$tmp/escalate.txt")"
escalate_cpu="$(value escalate_cpu_seconds_median "$tmp/escalate.txt")"
echo "escalate_ranking=$(tail -n +2 "$tmp/run-0/tournament.csv" | cut -d, -f2 | paste -sd'|' | sed 's/|/ | /g')"

# The library.
library_best=""
library_cpu=""
for i in $(seq "$library_runs"); do
    "$python" "$here/bench_library.py" --breakdown > "$tmp/library.txt"
    sed 's/^/  /' "$tmp/library.txt"
    t="$(value library_seconds "$tmp/library.txt")"
    if [[ -z "$library_best" ]] || awk -v a="$t" -v b="$library_best" 'BEGIN { exit !(a < b) }'; then
        library_best="$t"
        library_cpu="$(value library_cpu_seconds "$tmp/library.txt")"
    fi
done
echo "library_seconds=$library_best   (Tournament.play, processes=None, best of $library_runs)"
echo
awk -v l="$library_best" -v m="$escalate_median" -v b="$escalate_best" -v lc="$library_cpu" -v ec="$escalate_cpu" 'BEGIN {
    printf "ratio=%.0f   (library / escalate, wall, escalate median; %.0f against its best run)\n", l / m, l / b
    printf "cpu_ratio=%.0f   (library / escalate, CPU time: what the ratio is when neither waits for a core)\n", lc / ec
}'

[[ $quick -eq 1 ]] && exit 0

# Practical at scale: 100 entrants of mixed kinds × 1000 repetitions, noise 0.05.
big="$tmp/hundred.toml"
{
    cat <<'EOF'
[scenario]
name = "A hundred entrants"
rounds = 200
seed = 7

[ladder]
rungs = [ { id = "c", name = "Cooperate", level = 0 }, { id = "d", name = "Defect", level = 1 } ]

[payoffs]
matrix = [[3, 0], [5, 1]]

[tournament]
rounds = 200
repetitions = 1000
noise = 0.05
entrants = [
EOF
    for i in $(seq 0 99); do
        case $((i % 10)) in
            0) p="{ kind = \"mirror\", tolerance = $((1 + i % 3)) }" ;;
            1) p="{ kind = \"mirror\", duration = $((1 + i % 4)), first = \"d\" }" ;;
            2) p="{ kind = \"generous\", p = 0.$((1 + i % 9)) }" ;;
            3) p="{ kind = \"threshold\", red_line = \"d\", punish = \"d\", duration = $((1 + i % 7)) }" ;;
            4) p="{ kind = \"pavlov\" }" ;;
            5) p="{ kind = \"script\", rungs = [\"c\", \"c\", \"d\", \"c\", \"d\"], cycle = true, resync = $([[ $((i % 20)) -lt 10 ]] && echo true || echo false) }" ;;
            6) p="{ kind = \"random\", p_hostile = 0.$((1 + i % 9)) }" ;;
            7) p="{ kind = \"hold\", rung = \"$([[ $((i % 20)) -lt 10 ]] && echo c || echo d)\" }" ;;
            8) p="{ kind = \"grit\", patience = $((1 + i % 4)) }" ;;
            9) p="{ kind = \"escalate\" }" ;;
        esac
        echo "  { name = \"entrant $i\", policy = $p },"
    done
    echo "]"
} > "$big"
echo
echo "100 entrants × 1000 repetitions (5,050,000 matches, 1.01 billion rounds), noise 0.05:"
"$python" - "$bin" "$big" "$tmp/hundred" <<'PY'
import resource, subprocess, sys, time
binary, scenario, out = sys.argv[1:4]
start = time.perf_counter()
subprocess.run([binary, "tournament", scenario, "--quiet", "--out", out],
               check=True, stdout=subprocess.DEVNULL)
wall = time.perf_counter() - start
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(f"escalate_seconds_100x1000={wall:.2f}")
print(f"escalate_cpu_seconds_100x1000={usage.ru_utime + usage.ru_stime:.2f}")
print(f"escalate_max_rss_mb_100x1000={usage.ru_maxrss / 1024:.0f}")
PY
echo "matches.csv: $(du -h "$tmp/hundred/matches.csv" | cut -f1), $(($(wc -l < "$tmp/hundred/matches.csv") - 1)) rows"
