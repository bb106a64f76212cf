#!/usr/bin/env python3
"""Generate reference.json from the pinned axelrod library (see README.md).

Run with the venv made by setup.sh:

    peers/axelrod/.venv/bin/python peers/axelrod/reference.py

The output is deterministic: every random quantity uses a fixed seed, and the
JSON is written with sorted keys and a fixed indent.
"""

import json
import math
import os
import sys

import numpy as np

import axelrod as axl

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "reference.json")

TURNS = 200
TOURNAMENT_SEED = 1
TOURNAMENT_REPETITIONS = 1
NOISE = 0.05
NOISY_MATCHES = 2000

# (key, constructor text, factory). Factories give fresh instances so that no
# state leaks between matches. "Cycler CCD" is axl.CyclerCCD, which plays
# exactly like axl.Cycler("CCD") but carries the name "Cycler CCD"
# (axl.Cycler("CCD").name is "Cycler" and its str() is "Cycler: CCD").
STRATEGIES = [
    ("Cooperator", "axl.Cooperator()", lambda: axl.Cooperator()),
    ("Defector", "axl.Defector()", lambda: axl.Defector()),
    ("TitForTat", "axl.TitForTat()", lambda: axl.TitForTat()),
    ("Grudger", "axl.Grudger()", lambda: axl.Grudger()),
    ("Alternator", "axl.Alternator()", lambda: axl.Alternator()),
    ("SuspiciousTitForTat", "axl.SuspiciousTitForTat()", lambda: axl.SuspiciousTitForTat()),
    ("TitFor2Tats", "axl.TitFor2Tats()", lambda: axl.TitFor2Tats()),
    ("TwoTitsForTat", "axl.TwoTitsForTat()", lambda: axl.TwoTitsForTat()),
    ("WinStayLoseShift", "axl.WinStayLoseShift()", lambda: axl.WinStayLoseShift()),
    ("CyclerCCD", "axl.CyclerCCD()  # same play as axl.Cycler('CCD')", lambda: axl.CyclerCCD()),
    ("GTFT", "axl.GTFT()  # p computed from the game", lambda: axl.GTFT()),
    ("Random", "axl.Random(0.5)", lambda: axl.Random(0.5)),
]
FACTORY = {key: factory for key, _, factory in STRATEGIES}
DETERMINISTIC_KEYS = [key for key, _, _ in STRATEGIES[:10]]

NOISY_PAIRS = [("TitForTat", "TitForTat"), ("TitForTat", "Defector"), ("GTFT", "TitForTat")]


NOTES = {
    "json_conventions": (
        "Moves are strings of 'C'/'D', one character per turn, as actually played. "
        "Scores in deterministic_pairs are integer totals over the match with the default "
        "game R=3, S=0, T=5, P=1 (payoffs[i][j] is the row player's payoff, index 0 = C, 1 = D). "
        "memory_depth is null where the library says float('inf') (Grudger). "
        "'name' is the class attribute Player.name; 'repr' is str(player), which is what "
        "Tournament/ResultSet use for player names and ranked_names (it appends non-None "
        "__init__ arguments, e.g. 'GTFT: 0.33', 'Random: 0.5')."
    ),
    "normalised_scores": (
        "Tournament.play writes one CSV row per player per match (a self-match also gives two "
        "rows, both with Player index == Opponent index). 'Score per turn' in a row is that "
        "player's total match score divided by the number of turns. ResultSet drops every row "
        "whose Player index equals its Opponent index (self-play is excluded), then "
        "normalised_scores[i][r] = mean of 'Score per turn' over player i's remaining rows in "
        "repetition r, i.e. the plain average over the N-1 other players j of "
        "score(i vs j)/turns (each unordered pair is played once per repetition, with the "
        "lower index as player 1; the average is unweighted). The ranking is "
        "sorted(range(N), key=lambda i: -numpy.nanmedian(normalised_scores[i])), i.e. by "
        "median over repetitions, descending; Python's sort is stable, so ties keep the "
        "original player order (lower index first). ranked_names are str() of the players in "
        "that order. payoff_matrix[i][j] is the mean over repetitions of player i's score per "
        "turn against j; on the diagonal (self-play, which the library plays by default) it is "
        "the mean of the two seats' per-turn scores, but the diagonal never enters "
        "normalised_scores or the ranking. With turns=200 and no noise, "
        "median_payoff_per_turn[i] = (sum over j != i of score_a(i vs j)) / (200 * (N-1)), "
        "which reference.py checks against deterministic_pairs before writing."
    ),
    "tournament_mechanics": (
        "Matches are generated for index pairs (i, j) with i <= j (self-play included), each "
        "as one Match object with a seed from a bulk numpy RandomState(seed) generator; the "
        "same Match object is replayed for every repetition (its RNG continues, it is not "
        "reseeded). A deterministic match (no noise and no stochastic player) is played once "
        "and then served from the Match's DeterministicCache for the other repetitions. "
        "processes=None runs serially in the calling process; processes=1 (or 0, or more than "
        "the CPU count) means cpu_count() spawned worker processes."
    ),
    "noise": (
        "Match.simultaneous_play: both strategies are asked for their intended moves first "
        "(player 1 then player 2; each sees only the history before this turn). Then, if "
        "noise > 0, each intended move is flipped independently with probability noise: "
        "player 1's first, then player 2's, each by drawing r = match_rng.rand() and flipping "
        "iff r < noise (one draw per player per turn, from the Match's own RandomState(seed), "
        "not the players' generators). The flipped (actually played) moves are what get "
        "appended to both histories: a strategy sees the opponent's played move and also its "
        "own played move, never its intended move; scores use the played moves. Noise does "
        "not depend on the strategy and is also applied to deterministic strategies. Before "
        "turn 1 the Match gives each stochastic player (GTFT, Random), in seat order, a seed "
        "drawn from the same match_rng (randint(0, 2**32-1)), so the stream order is: seeds "
        "for stochastic players, then per turn flip(p1), flip(p2). match.normalised_cooperation "
        "and the cooperation rates here count the played moves."
    ),
    "gtft": (
        "GTFT (name 'GTFT', repr 'GTFT: 0.33') is a memory-one player with four-vector "
        "[1, p, 1, p] over (own last, opponent last) = (CC, CD, DC, DD), i.e. it only reads "
        "the opponent's last played move. p is computed from the match's game when match "
        "attributes are received: p = min(1 - (T - R)/(R - S), (R - P)/(T - P)) = "
        "min(1 - 2/3, 2/4) = 1/3 for the default game (unless p is given to the constructor). "
        "First move (opponent history empty): C. Afterwards: opponent's last move C -> C with "
        "no random draw; opponent's last move D -> draw r from GTFT's own RandomState and "
        "play C iff r < 1/3, else D. GTFT is classified stochastic, memory_depth 1."
    ),
    "win_stay_lose_shift": (
        "Win-Stay Lose-Shift (Pavlov): first move C; afterwards C if its own last played move "
        "equals the opponent's last played move (CC or DD), else D (CD or DC). Equivalent to "
        "the four-vector (1, 0, 0, 1). Under noise it reads both played (possibly flipped) "
        "moves."
    ),
    "alternator": (
        "Alternator: first move C; afterwards the opposite of its own last played move "
        "(history[-1] == C -> D, else C). Under noise it flips its own last played move, so a "
        "noise flip shifts its phase rather than being corrected."
    ),
    "tit_for_2_tats": (
        "Tit For 2 Tats: D iff the opponent's last two played moves are both D "
        "(opponent.history[-2:] == [D, D]); otherwise C, so it plays C on turns 1 and 2."
    ),
    "two_tits_for_tat": (
        "Two Tits For Tat: D iff the opponent played D in at least one of its last two moves "
        "(D in opponent.history[-2:]); otherwise C (so C on turn 1). Each opponent D is answered "
        "by D on the next two turns."
    ),
    "other_strategies": (
        "Tit For Tat: C first, then the opponent's last played move. Suspicious Tit For Tat: "
        "C iff the opponent's last played move is C, so D on turn 1. Grudger: C until the "
        "opponent has played D at least once (its defection count over the whole history, "
        "played moves), then D forever; memory_depth inf. Cooperator/Defector: always C/D. "
        "Cycler CCD: repeats C, C, D from turn 1 regardless of the opponent (memory_depth 2). "
        "Random(0.5): each turn C iff its own RNG's rand() < 0.5."
    ),
    "noisy_statistics": (
        "For each pair, match s (s = 0..1999) is axl.Match((A(), B()), turns=200, noise=0.05, "
        "seed=s) with fresh players; per match we take final_score_per_turn() and "
        "normalised_cooperation() (fraction of the player's own played moves that are C). "
        "'mean' is the arithmetic mean over the 2000 matches and 'std' the population "
        "standard deviation (numpy.std, ddof=0) over the 2000 matches, not the standard "
        "error; the standard error of the mean is std/sqrt(2000). The values depend on "
        "numpy's MT19937 stream, so a different RNG should be compared statistically."
    ),
}


def memory_depth_json(depth):
    if isinstance(depth, float) and math.isinf(depth):
        return None
    if float(depth).is_integer():
        return int(depth)
    return depth


def strategy_entries():
    entries = []
    for key, constructor, factory in STRATEGIES:
        player = factory()
        # Match attributes (game, length, noise) are set as a match would.
        player.set_match_attributes(length=TURNS, game=axl.DefaultGame, noise=0)
        entries.append(
            {
                "key": key,
                "constructor": constructor,
                "name": player.name,
                "repr": str(player),
                "memory_depth": memory_depth_json(axl.Classifiers["memory_depth"](player)),
                "stochastic": bool(axl.Classifiers["stochastic"](player)),
            }
        )
    return entries


def moves_string(result, seat):
    return "".join(str(plays[seat]) for plays in result)


def deterministic_pairs():
    pairs = []
    for key_a in DETERMINISTIC_KEYS:
        for key_b in DETERMINISTIC_KEYS:
            a, b = FACTORY[key_a](), FACTORY[key_b]()
            match = axl.Match((a, b), turns=TURNS, noise=0)
            match.play()
            score_a, score_b = match.final_score()
            pairs.append(
                {
                    "a": a.name,
                    "b": b.name,
                    "moves_a": moves_string(match.result, 0),
                    "moves_b": moves_string(match.result, 1),
                    "score_a": int(score_a),
                    "score_b": int(score_b),
                }
            )
    return pairs


def tournament(pairs):
    players = [FACTORY[key]() for key in DETERMINISTIC_KEYS]
    t = axl.Tournament(
        players,
        turns=TURNS,
        repetitions=TOURNAMENT_REPETITIONS,
        noise=0,
        seed=TOURNAMENT_SEED,
    )
    results = t.play(processes=None, progress_bar=False)
    names = [str(p) for p in players]
    normalised = [[float(x) for x in row] for row in results.normalised_scores]
    median = {names[i]: float(np.nanmedian(row)) for i, row in enumerate(normalised)}
    payoff_matrix = [[float(x) for x in row] for row in results.payoff_matrix]

    # Cross-check the explanation in NOTES["normalised_scores"] against the
    # independently played deterministic_pairs.
    total = {(p["a"], p["b"]): p["score_a"] for p in pairs}
    n = len(names)
    for i, a in enumerate(names):
        mine = sum(total[(a, b)] for j, b in enumerate(names) if j != i) / (TURNS * (n - 1))
        assert abs(mine - median[a]) < 1e-12, (a, mine, median[a])
        for j, b in enumerate(names):
            assert abs(total[(a, b)] / TURNS - payoff_matrix[i][j]) < 1e-12, (a, b)
    expected_ranking = sorted(range(n), key=lambda i: -median[names[i]])
    assert [names[i] for i in expected_ranking] == list(results.ranked_names)

    return {
        "turns": TURNS,
        "repetitions": TOURNAMENT_REPETITIONS,
        "noise": 0,
        "seed": TOURNAMENT_SEED,
        "processes": None,
        "self_play": True,
        "players": names,
        "ranking": list(results.ranked_names),
        "median_payoff_per_turn": median,
        "normalised_scores": normalised,
        "payoff_matrix": payoff_matrix,
    }


def stats(values):
    arr = np.asarray(values, dtype=float)
    return {"mean": float(arr.mean()), "std": float(arr.std(ddof=0))}


def noisy():
    out = []
    for key_a, key_b in NOISY_PAIRS:
        pay_a, pay_b, coop_a, coop_b = [], [], [], []
        name_a = name_b = None
        for seed in range(NOISY_MATCHES):
            a, b = FACTORY[key_a](), FACTORY[key_b]()
            name_a, name_b = a.name, b.name
            match = axl.Match((a, b), turns=TURNS, noise=NOISE, seed=seed)
            match.play()
            sa, sb = match.final_score_per_turn()
            ca, cb = match.normalised_cooperation()
            pay_a.append(sa)
            pay_b.append(sb)
            coop_a.append(ca)
            coop_b.append(cb)
        out.append(
            {
                "a": name_a,
                "b": name_b,
                "noise": NOISE,
                "matches": NOISY_MATCHES,
                "turns": TURNS,
                "seeds": f"0..{NOISY_MATCHES - 1}",
                "std_kind": "population (ddof=0)",
                "a_payoff_per_turn": stats(pay_a),
                "b_payoff_per_turn": stats(pay_b),
                "a_cooperation": stats(coop_a),
                "b_cooperation": stats(coop_b),
            }
        )
    return out


def main():
    game = axl.DefaultGame
    R, P, S, T = (int(x) for x in game.RPST())
    assert (R, S, T, P) == (3, 0, 5, 1)
    pairs = deterministic_pairs()
    data = {
        "axelrod_version": axl.__version__,
        "python_version": "%d.%d.%d" % sys.version_info[:3],
        "numpy_version": np.__version__,
        "turns": TURNS,
        "payoffs": [[R, S], [T, P]],
        "strategies": strategy_entries(),
        "deterministic_pairs": pairs,
        "tournament": tournament(pairs),
        "noisy": noisy(),
        "notes": NOTES,
    }
    with open(OUT, "w", encoding="utf-8") as f:
        json.dump(data, f, indent=2, sort_keys=True, allow_nan=False)
        f.write("\n")
    print("wrote reference.json")


if __name__ == "__main__":
    main()
