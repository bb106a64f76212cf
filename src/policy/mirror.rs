//! `mirror`: tit-for-tat and its variants.

use super::domains::Domains;
use super::{
    Checks, Dyad, ParamDefault, ParamInfo, ParseContext, ParseNested, Policy, PolicyInfo, Reflex,
    RungDefault, View, at_least_one, config,
};
use crate::error::Problem;
use crate::ladder::{Move, Round, Rung};
use crate::rng::SimRng;
use serde::Deserialize;
use std::collections::VecDeque;

/// Answers with the move last seen from the other side (tit-for-tat).
///
/// Opens with `first`, and plays it until the first answer is due. With `delay = d`
/// the move of round *t* answers what was seen in round *t − 1 − d*. Hostility is
/// answered only after `tolerance` hostile moves in a row (tit-for-two-tats is
/// `tolerance = 2`), and keeps being answered for `duration` rounds after it
/// (two-tits-for-tat is `duration = 2`); within that window the most severe hostile
/// move is answered. Calm and conciliatory moves are mirrored as they are. The answer
/// carries the answered move's magnitude times `scale`.
///
/// A round's package of measures is answered measure by measure, in kind: each on its
/// rung, with its magnitude times `scale`. With `domains`, only measures in those
/// domains are answered and the rest ignored. With `parity = "<stock>"`, an answer on
/// a rung that reduces that stock carries instead the gap that brings the other
/// side's stock in our country down to ours in theirs, and is not made when there is
/// no gap. `tolerance`, `duration` and `settle` read each round's most severe measure.
///
/// With `settle = true` only *unanswered* hostility is answered: a hostile move seen
/// while one of our own hostile moves of at least its level is still unanswered is
/// taken as the counter to it, closing the exchange instead of echoing it forever.
/// Debts are answered oldest first; our own hostile move pays the oldest debt it
/// does not exceed, and a move above every debt provokes anew. `settle` reads the whole history and does not
/// combine with `tolerance` or `duration` above 1.
///
/// # Sources
/// Rapoport's Tit For Tat; Axelrod (1984) for Tit For Two Tats and Two Tits For Tat;
/// Suspicious Tit For Tat is `first` on a hostile rung.
#[derive(Debug, Clone)]
// The fields every decision reads come first, in this order, and the ledger is boxed:
// a plain mirror's round reads one cache line of it, which matters when tens of
// thousands of dyads each hold one.
#[repr(C)]
pub struct Mirror {
    first: Rung,
    /// Whether every measure is answered in kind (no `domains`, no `parity`).
    in_kind: bool,
    delay: u32,
    tolerance: u32,
    duration: u32,
    scale: f64,
    settle: Option<Box<Ledger>>,
    /// The stock whose parity answers restore, as an index into the scenario's stocks
    /// (held in 4 bytes: with 8, a mirror and so every [`Instance`] was a cache line
    /// larger).
    ///
    /// [`Instance`]: super::Instance
    parity: Option<u32>,
    domains: Domains,
}

/// What a mirror does this round.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Choice {
    /// Plays its opening rung.
    Open,
    /// Answers the measures seen this many rounds into the view.
    Answer(usize),
    /// Answers nothing.
    Calm,
}

pub(super) const INFO: PolicyInfo = PolicyInfo {
    name: "mirror",
    summary: "tit-for-tat: answer each measure last seen from the other side in kind",
    memory_depth: Some(1),
    stochastic: false,
    example: "{ kind = \"mirror\" }",
    params: &[
        ParamInfo {
            name: "first",
            default: ParamDefault::Rung(RungDefault::Neutral),
            example: "\"expel\"",
            doc: "opening rung, played until the first answer is due",
        },
        ParamInfo {
            name: "delay",
            default: ParamDefault::Value("0"),
            example: "1",
            doc: "answer this many rounds later",
        },
        ParamInfo {
            name: "tolerance",
            default: ParamDefault::Value("1"),
            example: "2",
            doc: "answer only after this many hostile moves in a row (2 = tit-for-two-tats)",
        },
        ParamInfo {
            name: "duration",
            default: ParamDefault::Value("1"),
            example: "2",
            doc: "keep answering for this many rounds after a hostile move (2 = two-tits-for-tat)",
        },
        ParamInfo {
            name: "scale",
            default: ParamDefault::Value("1.0"),
            example: "0.5",
            doc: "answer's magnitude = received magnitude × scale",
        },
        ParamInfo {
            name: "settle",
            default: ParamDefault::Value("false"),
            example: "true",
            doc: "answer only unanswered hostility, so an exact counter-move closes the exchange",
        },
        ParamInfo {
            name: "domains",
            default: ParamDefault::Described("every domain"),
            example: "[\"diplomatic\"]",
            doc: "answer only measures on rungs of these domains; ignore the rest",
        },
        ParamInfo {
            name: "parity",
            default: ParamDefault::Described("none"),
            example: "\"staff\"",
            doc: "answer a measure that reduces this stock by the gap that restores parity of totals",
        },
    ],
};

/// `mirror`'s parameters as written in a scenario.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Config {
    first: Option<String>,
    delay: u32,
    tolerance: u32,
    duration: u32,
    scale: f64,
    settle: bool,
    domains: Option<Vec<String>>,
    parity: Option<String>,
}

pub(super) fn parse(
    table: &toml::Table,
    cx: &ParseContext,
    _: ParseNested,
) -> Result<Box<dyn Policy>, Vec<Problem>> {
    let c: Config = config(table, &INFO)?;
    let mut checks = Checks::default();
    let mirror = Mirror::from_config(&c, cx, &mut checks);
    checks.done(mirror)
}

impl Mirror {
    /// Plain tit-for-tat opening on `first`.
    #[cfg(test)]
    pub(crate) fn new(first: Rung) -> Mirror {
        Mirror {
            first,
            delay: 0,
            tolerance: 1,
            duration: 1,
            scale: 1.0,
            settle: None,
            domains: Domains::ALL,
            parity: None,
            in_kind: true,
        }
    }

    /// Builds a mirror from its written parameters (shared with `generous`).
    pub(super) fn from_config(c: &Config, cx: &ParseContext, checks: &mut Checks) -> Mirror {
        let neutral = cx.ladder.neutral();
        let tolerance = checks.get(at_least_one("tolerance", c.tolerance), 1);
        let duration = checks.get(at_least_one("duration", c.duration), 1);
        let scale = c.scale;
        checks.require(scale.is_finite() && scale >= 0.0, || {
            Problem::new("scale", format!("{scale} must be a finite number ≥ 0"))
        });
        let settle = c.settle;
        checks.require(!settle || (tolerance == 1 && duration == 1), || {
            Problem::new(
                "settle",
                "settle = true does not combine with tolerance or duration above 1",
            )
        });
        let domains = checks.get(Domains::parse(c.domains.as_deref(), cx), Domains::ALL);
        let parity = c
            .parity
            .as_deref()
            .and_then(|id| checks.get(cx.stock("parity", id).map(Some), None))
            // Each stock is a table of the scenario: there are never 2³² of them.
            .map(|stock| u32::try_from(stock).expect("fewer than 2³² stocks"));
        Mirror {
            first: checks.get(cx.rung_param(&INFO, "first", c.first.as_deref()), neutral),
            delay: c.delay,
            tolerance,
            duration,
            scale,
            settle: settle.then(Box::default),
            in_kind: domains.is_all() && parity.is_none(),
            domains,
            parity,
        }
    }

    fn scaled(&self, m: Move) -> Move {
        Move {
            rung: m.rung,
            magnitude: m.magnitude.map(|x| x * self.scale),
        }
    }

    /// Whether seen move `s` completes a run of `tolerance` hostile moves.
    fn provoked(&self, view: &View<'_>, s: usize) -> bool {
        let tol = self.tolerance as usize;
        if s + 1 < tol {
            return false;
        }
        // Plain loops: this runs twice a round in tournaments, where iterator
        // adapters cost a visible share of the time.
        let mut i = s + 1 - tol;
        while i <= s {
            if !view.ladder().is_hostile(view.seen[i].rung) {
                return false;
            }
            i += 1;
        }
        true
    }

    /// What to do this round: which round's measures to answer, if any.
    #[inline(always)]
    fn choose(&mut self, view: &View<'_>) -> Choice {
        let t = view.len();
        let Some(k) = t.checked_sub(1 + self.delay as usize) else {
            return Choice::Open;
        };
        let ladder = view.ladder();
        if let Some(ledger) = &mut self.settle {
            ledger.catch_up(view, &self.domains);
            return match ledger.debts.front() {
                Some(&(round, _)) if round as usize <= k => Choice::Answer(round as usize),
                _ if ladder.is_hostile(view.seen[k].rung) => Choice::Calm,
                _ => Choice::Answer(k),
            };
        }
        if self.tolerance == 1 && self.duration == 1 {
            // Plain tit-for-tat, the common case: whatever was seen, hostile or not, is
            // answered as it is (the general rule below gives the same move).
            return Choice::Answer(k);
        }
        // The most severe provoking move within the window (the latest among equals).
        let mut answer: Option<usize> = None;
        for s in k.saturating_sub(self.duration as usize - 1)..=k {
            let m = view.seen[s];
            if answer.is_none_or(|a| m.rung >= view.seen[a].rung) && self.provoked(view, s) {
                answer = Some(s);
            }
        }
        match answer {
            Some(s) => Choice::Answer(s),
            None if ladder.is_hostile(view.seen[k].rung) => Choice::Calm,
            None => Choice::Answer(k),
        }
    }

    /// The answer to one measure `m`, or `None` when it is not answered: outside our
    /// domains, or restoring a parity that holds.
    fn answer(&self, view: &View<'_>, m: Move) -> Option<Move> {
        if !self.domains.answers(m.rung) {
            return None;
        }
        if let Some(stock) = self.parity.map(|s| s as usize)
            && view.ladder().rungs[m.rung as usize].reduces == Some(stock)
        {
            let Dyad { actor: us, target: them } = view.dyad();
            let stocks = view.stocks();
            if let (Some(theirs), Some(ours)) =
                (stocks.value(stock, them, us), stocks.value(stock, us, them))
            {
                let gap = theirs - ours;
                return (gap > 0.0).then_some(Move {
                    rung: m.rung,
                    magnitude: Some(gap),
                });
            }
        }
        Some(self.scaled(m))
    }
}

impl Policy for Mirror {
    kind_methods!();

    // Inlined into the engine's call by kind: the decision of every round of a
    // tit-for-tat is a few instructions.
    #[inline(always)]
    fn decide(&mut self, view: &View<'_>, _: &mut SimRng) -> Move {
        match self.choose(view) {
            Choice::Open => Move::on(self.first),
            Choice::Calm => view.neutral(),
            Choice::Answer(s) if self.in_kind => {
                self.scaled(view.seen[s])
            }
            Choice::Answer(s) => view
                .seen_package(s)
                .iter()
                .rev()
                .find_map(|&m| self.answer(view, m))
                .unwrap_or_else(|| view.neutral()),
        }
    }

    /// A plain tit-for-tat's: answering at once, in kind, whatever it saw.
    fn reflex(&self) -> Option<Reflex> {
        let plain = self.delay == 0
            && self.tolerance == 1
            && self.duration == 1
            && self.settle.is_none()
            && self.in_kind;
        let first = self.first;
        plain.then_some(match self.scale {
            1.0 => Reflex::Echo { first },
            scale => Reflex::ScaledEcho { first, scale },
        })
    }

    fn decide_package(&mut self, view: &View<'_>, _: &mut SimRng, package: &mut Vec<Move>) {
        match self.choose(view) {
            Choice::Open => package.push(Move::on(self.first)),
            Choice::Calm => package.push(view.neutral()),
            // One measure, answered in kind: the common case, without filtering.
            Choice::Answer(s)
                if view.sees_single_measures() && self.in_kind =>
            {
                package.push(self.scaled(view.seen[s]))
            }
            Choice::Answer(s) => self.answer_package(view, view.seen_package(s), package),
        }
    }

    fn answer_package(&self, view: &View<'_>, measures: &[Move], package: &mut Vec<Move>) {
        package.extend(measures.iter().filter_map(|&m| self.answer(view, m)));
        if package.is_empty() {
            package.push(view.neutral());
        }
    }

    fn reset(&mut self) {
        if let Some(ledger) = &mut self.settle {
            **ledger = Ledger::default();
        }
    }

    fn memory_depth(&self) -> Option<u32> {
        match self.settle {
            Some(_) => None,
            None => Some(self.delay + self.tolerance + self.duration - 1),
        }
    }

    // The most severe provoking move of the last `duration` rounds answered, each
    // provoking after `tolerance` hostile moves in a row, `delay` rounds back: the
    // earliest round read is `delay + tolerance + duration - 1` back. Domains and
    // parity read rungs and stocks, and a match has no stocks.
    fn window(&self) -> Option<u32> {
        self.memory_depth()
    }
}

/// Who owes whom an answer, read from the history one round at a time.
#[derive(Debug, Clone, Default)]
struct Ledger {
    /// Rounds of the view already read.
    read: usize,
    /// Our hostile moves not yet countered: (round, level).
    provocations: VecDeque<(Round, f64)>,
    /// Their hostile moves not yet answered: (round relative to the view, move).
    debts: VecDeque<(Round, Move)>,
}

impl Ledger {
    /// Reads the rounds not read yet; of what was seen, only the most severe measure
    /// `domains` answers counts.
    fn catch_up(&mut self, view: &View<'_>, domains: &Domains) {
        let ladder = view.ladder();
        while self.read < view.len() {
            let s = self.read as Round;
            let own = view.own[self.read];
            let seen = domains
                .most_severe(view, self.read)
                .unwrap_or_else(|| view.neutral());
            // Both moves of round s were made at once: each can only answer moves of earlier rounds.
            if ladder.is_hostile(seen.rung) {
                let level = ladder.level(seen.rung);
                match self.provocations.iter().position(|&(_, l)| l >= level) {
                    Some(i) => {
                        self.provocations.remove(i);
                    }
                    None => self.debts.push_back((s, seen)),
                }
            }
            if ladder.is_hostile(own.rung) {
                // Our move answers the oldest earlier debt it does not exceed; a move
                // above every debt (an escalation, or an event's shock) provokes anew.
                let level = ladder.level(own.rung);
                let paid = self
                    .debts
                    .iter()
                    .position(|&(r, m)| r < s && ladder.level(m.rung) >= level);
                match paid {
                    Some(i) => {
                        self.debts.remove(i);
                    }
                    None => self.provocations.push_back((s, level)),
                }
            }
            self.read += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::testing::{C, D, Scripted, five_rungs, versus};

    #[test]
    fn settling_ignores_what_its_domains_do_not_answer() {
        // Regression: a sanction outside the mirror's domains became a debt it could
        // never pay, and blocked every later answer.
        let ladder = crate::policy::domains::tests::with_domains();
        let cx = ParseContext::new(&ladder);
        let table: toml::Table = toml::from_str(
            "kind = \"mirror\"\nsettle = true\ndomains = [\"diplomatic\"]",
        )
        .unwrap();
        let mirror = parse(&table, &cx, |_, _| unreachable!()).unwrap();
        crate::engine::testing::boxed(mirror, Box::new(Scripted::cycle([3, 0, 2, 0, 0])))
            .on(ladder)
            .expect([(0, 3), (0, 0), (0, 2), (2, 0), (0, 0)]);
    }

    #[test]
    fn only_a_mirror_that_answers_at_once_in_kind_is_a_reflex() {
        let ladder = crate::policy::domains::tests::with_domains();
        let cx = ParseContext::new(&ladder);
        let reflex = |params: &str| {
            let table: toml::Table = toml::from_str(&format!("kind = \"mirror\"\n{params}")).unwrap();
            parse(&table, &cx, |_, _| unreachable!()).unwrap().reflex()
        };
        let neutral = ladder.neutral();
        assert_eq!(
            reflex(""),
            Some(Reflex::Echo { first: neutral })
        );
        assert_eq!(
            reflex("scale = 0.5"),
            Some(Reflex::ScaledEcho {
                first: neutral,
                scale: 0.5
            })
        );
        for params in [
            "delay = 1",
            "tolerance = 2",
            "duration = 2",
            "settle = true",
            "domains = [\"diplomatic\"]",
        ] {
            assert_eq!(reflex(params), None, "{params}");
        }
    }

    #[test]
    fn tit_for_tat_mirrors_the_previous_round() {
        versus(Mirror::new(C), Scripted::cycle([C, D, D, C])).expect([
            (C, C),
            (C, D),
            (D, D),
            (D, C),
            (C, C),
            (C, D),
        ]);
    }

    #[test]
    fn suspicious_tit_for_tat_opens_hostile() {
        versus(Mirror::new(D), Mirror::new(C)).expect([(D, C), (C, D), (D, C), (C, D)]);
    }

    #[test]
    fn tit_for_two_tats_waits_for_two_in_a_row() {
        let tf2t = Mirror {
            tolerance: 2,
            ..Mirror::new(C)
        };
        versus(tf2t, Scripted::cycle([D, C, D, D, D, C])).expect([
            (C, D),
            (C, C),
            (C, D),
            (C, D),
            (D, D),
            (D, C),
            (C, D),
        ]);
    }

    #[test]
    fn two_tits_for_tat_answers_twice() {
        let two_tits = Mirror {
            duration: 2,
            ..Mirror::new(C)
        };
        versus(two_tits, Scripted::cycle([D, C, C, C])).expect([
            (C, D),
            (D, C),
            (D, C),
            (C, C),
            (C, D),
            (D, C),
        ]);
    }

    #[test]
    fn delay_answers_later() {
        let late = Mirror {
            delay: 2,
            ..Mirror::new(C)
        };
        versus(late, Scripted::cycle([D, C, C, C])).expect([
            (C, D),
            (C, C),
            (C, C),
            (D, C),
            (C, D),
        ]);
    }

    #[test]
    fn two_mirrors_echo_a_shock_forever() {
        let l = five_rungs();
        let m = versus(Mirror::new(0), Mirror::new(0))
            .on(l)
            .force(0, 0, 4, Some(35.0))
            .play(6);
        let rungs: Vec<_> = m.iter().map(|(a, b)| (a.rung, b.rung)).collect();
        assert_eq!(rungs, [(4, 0), (0, 4), (4, 0), (0, 4), (4, 0), (0, 4)]);
        assert!(
            m.iter()
                .skip(1)
                .all(|(a, b)| a.magnitude.or(b.magnitude) == Some(35.0))
        );
    }

    #[test]
    fn two_settling_mirrors_close_after_one_exchange() {
        let settle = || Mirror {
            settle: Some(Box::default()),
            ..Mirror::new(0)
        };
        versus(settle(), settle())
            .on(five_rungs())
            .force(0, 0, 4, Some(35.0))
            .expect([(4, 0), (0, 4), (0, 0), (0, 0), (0, 0)]);
    }

    #[test]
    fn settling_mirror_answers_a_stronger_counter() {
        let settle = Mirror {
            settle: Some(Box::default()),
            ..Mirror::new(0)
        };
        versus(settle, Scripted::cycle([0, 3, 0, 0]))
            .on(five_rungs())
            .force(0, 0, 2, None)
            .expect([(2, 0), (0, 3), (3, 0), (0, 0), (0, 0)]);
    }

    #[test]
    fn settling_mirror_takes_a_weaker_counter_as_closing() {
        let settle = Mirror {
            settle: Some(Box::default()),
            ..Mirror::new(0)
        };
        versus(settle, Scripted::cycle([0, 1, 0, 0]))
            .on(five_rungs())
            .force(0, 0, 2, None)
            .expect([(2, 0), (0, 1), (0, 0), (0, 0)]);
    }

    #[test]
    fn scale_sizes_the_answer() {
        let half = Mirror {
            scale: 0.5,
            ..Mirror::new(0)
        };
        let moves = versus(half, Scripted::cycle([0]))
            .on(five_rungs())
            .force(0, 1, 2, Some(10.0))
            .play(2);
        assert_eq!(
            moves[1].0,
            Move {
                rung: 2,
                magnitude: Some(5.0)
            }
        );
    }

    #[test]
    fn mirrors_conciliation() {
        let l = crate::engine::testing::ladder(&[("concede", -1.0), ("none", 0.0), ("expel", 1.0)]);
        versus(Mirror::new(1), Scripted::cycle([0, 2, 1]))
            .on(l)
            .expect([(1, 0), (0, 2), (2, 1), (1, 0)]);
    }

    #[test]
    fn memory_depth_follows_parameters() {
        assert_eq!(Mirror::new(C).memory_depth(), Some(1));
        assert_eq!(
            Mirror {
                delay: 1,
                tolerance: 2,
                ..Mirror::new(C)
            }
            .memory_depth(),
            Some(3)
        );
        assert_eq!(
            Mirror {
                settle: Some(Box::default()),
                ..Mirror::new(C)
            }
            .memory_depth(),
            None
        );
    }
}
