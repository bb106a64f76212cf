#!/usr/bin/env python3
"""Time the speed tournament in the axelrod library (see README.md).

    peers/axelrod/.venv/bin/python peers/axelrod/bench_library.py [--breakdown]

Entrants: the 10 deterministic strategies of reference.py plus Random(0.5);
200 turns, 50 repetitions, noise 0.05, self-play included (library default),
serial play (processes=None), fixed seed.

Prints:
    library_import_seconds=<float>   wall time of `import axelrod`
    library_seconds=<float>          wall time of tournament.play(...) only
    library_cpu_seconds=<float>      CPU time of this process during play(...)

Choice of play() options (axelrod 4.14.0, Tournament.play(build_results=True,
filename=None, processes=None, progress_bar=True)):
  * processes=None is the serial path; processes=1 would mean "all CPUs" and
    spawn worker processes.
  * progress_bar=False, so no tqdm output is drawn.
  * Results cannot be kept purely in memory: play() always streams every
    match's moves to a CSV file (a temporary one from mkstemp when
    filename=None, deleted afterwards), and ResultSet then reads that CSV back
    with dask to compute scores, normalised_scores, ranking, payoff matrix...
    filename=None vs a named file makes no material difference, so we keep the
    default (temporary file, cleaned up).
  * build_results=True (the default) is kept: with build_results=False the
    library skips per-match scoring and the ResultSet, so it would produce no
    scores or ranking at all, and that would not be the same work as a
    tournament that reports a ranking. `--breakdown` additionally times the
    build_results=False variant for information only (printed as
    library_seconds_no_results=..., not the headline number).
"""

import sys
import time
import warnings

t0 = time.perf_counter()
import axelrod as axl  # noqa: E402

library_import_seconds = time.perf_counter() - t0

TURNS = 200
REPETITIONS = 50
NOISE = 0.05
SEED = 1


def entrants():
    return [
        axl.Cooperator(),
        axl.Defector(),
        axl.TitForTat(),
        axl.Grudger(),
        axl.Alternator(),
        axl.SuspiciousTitForTat(),
        axl.TitFor2Tats(),
        axl.TwoTitsForTat(),
        axl.WinStayLoseShift(),
        axl.CyclerCCD(),
        axl.Random(0.5),
    ]


def timed_play(build_results):
    tournament = axl.Tournament(
        entrants(),
        turns=TURNS,
        repetitions=REPETITIONS,
        noise=NOISE,
        seed=SEED,
    )
    start = time.perf_counter()
    cpu_start = time.process_time()
    results = tournament.play(
        build_results=build_results, processes=None, progress_bar=False
    )
    elapsed = time.perf_counter() - start
    cpu = time.process_time() - cpu_start
    return elapsed, cpu, results


def main():
    print(f"library_import_seconds={library_import_seconds:.6f}")
    elapsed, cpu, results = timed_play(build_results=True)
    print(f"library_seconds={elapsed:.6f}")
    print(f"library_cpu_seconds={cpu:.6f}")
    if "--breakdown" in sys.argv[1:]:
        print("library_ranking=" + " | ".join(results.ranked_names))
        with warnings.catch_warnings():
            # "results will not be accessible": expected for this variant.
            warnings.simplefilter("ignore", UserWarning)
            elapsed_nr, _, _ = timed_play(build_results=False)
        print(f"library_seconds_no_results={elapsed_nr:.6f}")


if __name__ == "__main__":
    main()
