//! One match between two policies, played through the engine or through its
//! two-seat specialisation.
//!
//! A match is a two-actor plan ([`Plan::duel`]): each round both sides decide from the
//! history up to the previous round, then each move trembles with probability `noise`
//! (tossed by gaps, [`Tremble::Gaps`](crate::engine::Tremble::Gaps)) and only the played
//! moves enter both histories and the scores, as in the axelrod library's matches.
//! [`Refereed`] plays it through the [`Engine`]; [`Arena`] plays the same rounds in a
//! lean loop of its own, several times faster, and is what tournaments use. Both are
//! [`Play`]s, and a tester (this module's `agreement` tests) plays the same matches
//! through both and asserts the same moves, the same scores and the same random draws.
//!
//! In the arena a seat decides in one of three ways ([`How`]). A policy with a
//! [`Reflex`] answers the move it saw last, without a view, unless it faces a policy
//! that needs one. A policy with a [window](Policy::window) has each decision looked
//! up by the rungs of its window ([`Window`]), made through a view only the first
//! time the match meets that window. Any other policy decides through a view every
//! round. Looked up, tit-for-two-tats plays more than twice as fast (measured 3
//! December 2026 on the speed tournament of `peers/axelrod/bench-tournament.toml`:
//! against tit-for-tat, 21.0 ns a round of the match before, 9.1 after).

use crate::engine::{DUEL, Engine, Gaps, Plan};
use crate::ladder::{Ladder, Move, Round, Rung};
use crate::payoff::Payoffs;
use crate::policy::{
    Histories, Instance, Observation, PairVisit, Policy, Reflex, Scene, Stocks, View,
};
use crate::rng::SimRng;

/// What one match amounts to for its two sides (seat 0 = `a`, seat 1 = `b`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Outcome {
    /// Each side's total payoff over the match.
    pub payoff: [f64; 2],
    /// Each side's number of hostile moves played.
    pub hostile: [u32; 2],
}

/// Plays matches of `a` against `b`, each from a fresh start, drawing from `rng` (both
/// policies' random choices and the trembles).
pub trait Play {
    /// Plays one match and returns its outcome.
    fn play(&mut self, a: &mut Instance, b: &mut Instance, rng: &mut SimRng) -> Outcome;

    /// The moves played in the last match, seat `a`'s then seat `b`'s.
    fn moves(&self) -> (&[Move], &[Move]);
}

/// How a match is scored: payoffs looked up per pair of rungs, counted in a tally.
#[derive(Debug, Clone)]
struct Scorer {
    rungs: usize,
    /// `table[own * rungs + other]`: the payoff of a round, looked up rather than computed.
    table: Vec<f64>,
    hostile: Vec<bool>,
    /// `tally[a's rung * rungs + b's rung]`: rounds played so, in the current match.
    /// Scores are summed from it after the match: counting is cheaper than adding
    /// payoffs round by round, and the totals are the same.
    tally: Vec<u32>,
}

impl Scorer {
    fn new(ladder: &Ladder, payoffs: &Payoffs) -> Scorer {
        let n = ladder.len() as u16;
        let table = (0..n)
            .flat_map(|own| (0..n).map(move |other| (own, other)))
            .map(|(own, other)| payoffs.score(ladder, own, other))
            .collect();
        Scorer {
            rungs: n as usize,
            table,
            hostile: (0..n).map(|r| ladder.is_hostile(r)).collect(),
            tally: vec![0; n as usize * n as usize],
        }
    }

    /// Counts one round.
    fn count(&mut self, a: Rung, b: Rung) {
        self.tally[a as usize * self.rungs + b as usize] += 1;
    }

    /// Both sides' payoffs and hostile moves from the rounds counted since the last
    /// call, which starts a new tally.
    fn outcome(&mut self) -> Outcome {
        let n = self.rungs;
        let mut outcome = Outcome {
            payoff: [0.0; 2],
            hostile: [0; 2],
        };
        for ra in 0..n {
            for rb in 0..n {
                let count = self.tally[ra * n + rb];
                if count == 0 {
                    continue;
                }
                outcome.payoff[0] += f64::from(count) * self.table[ra * n + rb];
                outcome.payoff[1] += f64::from(count) * self.table[rb * n + ra];
                outcome.hostile[0] += count * u32::from(self.hostile[ra]);
                outcome.hostile[1] += count * u32::from(self.hostile[rb]);
            }
        }
        self.tally.fill(0);
        outcome
    }
}

/// Plays matches through the engine: the reference the [`Arena`] must agree with.
#[derive(Debug, Clone)]
pub struct Refereed<'a> {
    ladder: &'a Ladder,
    payoffs: &'a Payoffs,
    rounds: Round,
    noise: f64,
    scorer: Scorer,
    moves: [Vec<Move>; 2],
}

impl<'a> Refereed<'a> {
    /// Matches of `rounds` rounds on `ladder`, scored by `payoffs`, with tremble `noise`.
    pub fn new(
        ladder: &'a Ladder,
        payoffs: &'a Payoffs,
        rounds: Round,
        noise: f64,
    ) -> Refereed<'a> {
        Refereed {
            ladder,
            payoffs,
            rounds,
            noise,
            scorer: Scorer::new(ladder, payoffs),
            moves: [vec![], vec![]],
        }
    }
}

impl Play for Refereed<'_> {
    fn play(&mut self, a: &mut Instance, b: &mut Instance, rng: &mut SimRng) -> Outcome {
        let plan = Plan::duel(
            self.ladder,
            self.payoffs,
            [a.policy(), b.policy()],
            self.rounds,
            self.noise,
        );
        let mut engine = Engine::reference(plan);
        let trajectory = engine.run(rng);
        for (ma, mb) in trajectory.moves.row(0).iter().zip(trajectory.moves.row(1)) {
            self.scorer.count(ma.rung, mb.rung);
        }
        self.moves = [0, 1].map(|seat| trajectory.moves.row(seat).to_vec());
        self.scorer.outcome()
    }

    fn moves(&self) -> (&[Move], &[Move]) {
        (&self.moves[0], &self.moves[1])
    }
}

/// Plays matches on one ladder with one scoring in a lean loop of its own, reusing its
/// buffers between them: what tournaments use.
#[derive(Debug, Clone)]
pub struct Arena<'a> {
    ladder: &'a Ladder,
    payoffs: &'a Payoffs,
    scorer: Scorer,
    rounds: Round,
    noise: Gaps,
    /// Each seat's moves, one slot per round, written in place: the views handed to
    /// the policies see `[..round]`, and each seat sees the other's as played.
    /// (Pushing instead makes every round reload the vectors' lengths just stored, a
    /// stall that cost a third of a match.)
    history: [Vec<Move>; 2],
    /// Each seat's decisions by window, for a policy with one ([`Looked`]).
    decided: [Vec<Rung>; 2],
}

impl<'a> Arena<'a> {
    /// Matches of `rounds` rounds on `ladder`, scored by `payoffs`, with tremble `noise`.
    pub fn new(ladder: &'a Ladder, payoffs: &'a Payoffs, rounds: Round, noise: f64) -> Arena<'a> {
        let slots = || vec![Move::on(0); rounds as usize];
        Arena {
            ladder,
            payoffs,
            scorer: Scorer::new(ladder, payoffs),
            rounds,
            noise: Gaps::new(noise),
            history: [slots(), slots()],
            decided: Default::default(),
        }
    }
}

impl Arena<'_> {
    /// Plays `a` against `b` from a fresh start, drawing from `rng` (both policies'
    /// random choices and the trembles).
    pub fn play(&mut self, a: &mut Instance, b: &mut Instance, rng: &mut SimRng) -> Outcome {
        a.reset();
        b.reset();
        Instance::visit_pair(a, b, Duel { arena: self, rng })
    }

    /// The moves played in the last match, seat `a`'s then seat `b`'s.
    pub fn moves(&self) -> (&[Move], &[Move]) {
        (&self.history[0], &self.history[1])
    }
}

/// One match in an [`Arena`], whose loop is compiled for each pair of policy types
/// ([`Instance::visit_pair`]): a seat's decision is then a direct call, inlined, not
/// a `match` on its kind every round.
struct Duel<'r, 'a> {
    arena: &'r mut Arena<'a>,
    rng: &'r mut SimRng,
}

impl PairVisit for Duel<'_, '_> {
    type Output = Outcome;

    #[inline]
    fn visit<A: Policy + ?Sized, B: Policy + ?Sized>(self, a: &mut A, b: &mut B) -> Outcome {
        let Duel { arena, rng } = self;
        let rungs = arena.ladder.len();
        let mut decided = std::mem::take(&mut arena.decided);
        let [decided_a, decided_b] = &mut decided;
        let (how_a, how_b) = match (
            How::of(a.reflex(), a.window(), rungs, decided_a),
            How::of(b.reflex(), b.window(), rungs, decided_b),
        ) {
            // A reflex facing a view decides through one too, its decision inlined
            // in a loop compiled for the pair: 1.4 times faster against `random`.
            (How::Reflex(_), How::Viewed) | (How::Viewed, How::Reflex(_)) => {
                (How::Viewed, How::Viewed)
            }
            hows => hows,
        };
        // A looked-up seat's decisions through a view are few, and called through a
        // pointer: its loops are compiled for the kind it meets only.
        macro_rules! against_b {
            ($seat_a:expr) => {
                match how_b {
                    How::Reflex(reflex) => arena.duel($seat_a, Reflexive(reflex, None), rng),
                    How::Looked(window) => {
                        let decide = &mut |view: &View<'_>, r: &mut SimRng| b.decide(view, r);
                        arena.duel(
                            $seat_a,
                            Looked {
                                decide,
                                decided: decided_b,
                                window,
                            },
                            rng,
                        )
                    }
                    How::Viewed => arena.duel($seat_a, Viewed(b), rng),
                }
            };
        }
        let outcome = match how_a {
            How::Reflex(reflex) => against_b!(Reflexive(reflex, None)),
            How::Looked(window) => {
                let decide = &mut |view: &View<'_>, r: &mut SimRng| a.decide(view, r);
                against_b!(Looked {
                    decide,
                    decided: decided_a,
                    window
                })
            }
            How::Viewed => against_b!(Viewed(a)),
        };
        arena.decided = decided;
        outcome
    }
}

/// How a seat of a match decides.
#[derive(Debug, Clone, Copy)]
enum How {
    /// By its policy's reflex ([`Reflexive`]).
    Reflex(Reflex),
    /// Looked up by its policy's window ([`Looked`]).
    Looked(Window),
    /// Through a view every round ([`Viewed`]).
    Viewed,
}

impl How {
    /// How a policy with `reflex` and `window` decides on a ladder of `rungs` rungs,
    /// with its slots in `decided` emptied when it is looked up.
    fn of(
        reflex: Option<Reflex>,
        window: Option<u32>,
        rungs: usize,
        decided: &mut Vec<Rung>,
    ) -> How {
        match (reflex, window.and_then(|w| Window::start(w, rungs))) {
            (Some(reflex), _) => How::Reflex(reflex),
            (None, Some(window)) => {
                decided.clear();
                decided.resize(window.slots(), UNDECIDED);
                How::Looked(window)
            }
            (None, None) => How::Viewed,
        }
    }
}

/// A match so far, from which a seat's view is made when it needs one.
#[derive(Clone, Copy)]
struct SoFar<'a> {
    scene: &'a Scene<'a>,
    /// Both seats' moves so far, each row holding `rounds`.
    history: &'a [Vec<Move>; 2],
    rounds: usize,
}

impl<'a> SoFar<'a> {
    /// The match so far as the engine would observe it.
    #[inline(always)]
    fn observation(self) -> Observation<'a> {
        let [own_a, own_b] = self.history;
        let t = self.rounds;
        Observation {
            scene: self.scene,
            histories: Histories::Duel([&own_a[..t], &own_b[..t]]),
        }
    }
}

/// How one seat of a match decides its rung each round.
trait Seat {
    /// The rung intended this round by the seat `seat` of the match `so_far`.
    fn decide(&mut self, so_far: SoFar<'_>, seat: usize, rng: &mut SimRng) -> Rung;

    /// Takes note of the rungs just played: the seat's `own` and the `other` seat's.
    fn played(&mut self, own: Rung, other: Rung);
}

/// A seat whose policy decides through a view every round.
struct Viewed<'p, P: Policy + ?Sized>(&'p mut P);

impl<P: Policy + ?Sized> Seat for Viewed<'_, P> {
    #[inline(always)]
    fn decide(&mut self, so_far: SoFar<'_>, seat: usize, rng: &mut SimRng) -> Rung {
        let observation = so_far.observation();
        self.0.decide(&View::of(&observation, seat), rng).rung
    }

    #[inline(always)]
    fn played(&mut self, _: Rung, _: Rung) {}
}

/// A seat whose policy decides by its [`Reflex`], from the move last seen (`None`
/// before the first round).
struct Reflexive(Reflex, Option<Move>);

impl Seat for Reflexive {
    #[inline(always)]
    fn decide(&mut self, _: SoFar<'_>, _: usize, _: &mut SimRng) -> Rung {
        self.0.decide(self.1.as_ref()).rung
    }

    #[inline(always)]
    fn played(&mut self, _: Rung, other: Rung) {
        self.1 = Some(Move::on(other));
    }
}

/// A decision made through a view, by a policy of whatever kind.
type Decide<'p> = dyn FnMut(&View<'_>, &mut SimRng) -> Move + 'p;

/// A seat whose policy has a [window](Policy::window): each decision is looked up by
/// the rungs of the window, and made through a view (by `decide`) only when missing.
struct Looked<'p, 'd> {
    decide: &'p mut Decide<'d>,
    /// The rung decided in each slot of the window, or [`UNDECIDED`].
    decided: &'p mut [Rung],
    /// Held here, not behind a reference: updated every round, it then stays in
    /// registers (behind one, it went through memory, 1.2 times slower).
    window: Window,
}

impl Seat for Looked<'_, '_> {
    #[inline(always)]
    fn decide(&mut self, so_far: SoFar<'_>, seat: usize, rng: &mut SimRng) -> Rung {
        let slot = self.window.slot();
        match self.decided[slot] {
            UNDECIDED => {
                let observation = so_far.observation();
                let rung = (self.decide)(&View::of(&observation, seat), rng).rung;
                self.decided[slot] = rung;
                rung
            }
            rung => rung,
        }
    }

    #[inline(always)]
    fn played(&mut self, own: Rung, other: Rung) {
        self.window.push(own, other);
    }
}

/// A slot of [`Looked::decided`] with no decision in it yet.
const UNDECIDED: Rung = Rung::MAX;

/// Slots a [`Window`] may have: a window of up to five rounds on two rungs, or of
/// one round on up to 64.
const MAX_SLOTS: usize = 1 << 13;

/// The rungs of a policy's [window](Policy::window) as a match goes, which name the
/// slot of its decision: the rounds in the window (up to its length), and both
/// sides' rungs in those rounds, packed in bits, the latest lowest.
#[derive(Debug, Clone, Copy)]
struct Window {
    /// Bits of one rung.
    bits: u32,
    /// Bits of a whole window's rungs.
    span: u32,
    length: u32,
    /// Rounds in the window so far.
    filled: u32,
    /// Both sides' rungs in the window so far.
    rungs: usize,
}

impl Window {
    /// The empty window of `length` rounds on a ladder of `rungs` rungs, unless it
    /// has more than [`MAX_SLOTS`] slots.
    fn start(length: u32, rungs: usize) -> Option<Window> {
        let bits = usize::BITS - (rungs - 1).leading_zeros();
        let span = (2 * bits)
            .checked_mul(length)
            .filter(|&s| s < usize::BITS)?;
        let window = Window {
            bits,
            span,
            length,
            filled: 0,
            rungs: 0,
        };
        (length as usize + 1)
            .checked_mul(1 << span)
            .is_some_and(|n| n <= MAX_SLOTS)
            .then_some(window)
    }

    /// The number of slots.
    fn slots(&self) -> usize {
        (self.length as usize + 1) << self.span
    }

    /// The slot of this round's decision.
    #[inline(always)]
    fn slot(&self) -> usize {
        (self.filled as usize) << self.span | self.rungs
    }

    /// Adds a round played, `own` by the policy and `other` toward it.
    #[inline(always)]
    fn push(&mut self, own: Rung, other: Rung) {
        let round = (own as usize) << self.bits | other as usize;
        let mask = (1 << self.span) - 1;
        self.rungs = (self.rungs << (2 * self.bits) | round) & mask;
        self.filled = (self.filled + 1).min(self.length);
    }
}

impl Arena<'_> {
    /// A match of seat `a` against seat `b`.
    // Kept out of `Duel::visit`, whose nine arms made the loop of two grudgers 1.2
    // times slower when inlined there.
    #[inline(never)]
    fn duel(&mut self, mut a: impl Seat, mut b: impl Seat, rng: &mut SimRng) -> Outcome {
        // Moves left before each seat's next tremble.
        let mut steady = [self.noise.gap(rng), self.noise.gap(rng)];
        let scene = Scene {
            ladder: self.ladder,
            payoffs: Some(self.payoffs),
            dyads: &DUEL,
            since: &[0, 0],
            fired: &[],
            stocks: Stocks::NONE,
        };
        let rounds = self.rounds as usize;
        // Every round has its slot: no bounds to check in the loop.
        assert!(self.history.iter().all(|moves| moves.len() == rounds));
        for t in 0..rounds {
            let so_far = SoFar {
                scene: &scene,
                history: &self.history,
                rounds: t,
            };
            // Both decide first, then both tremble.
            let intended = [a.decide(so_far, 0, rng), b.decide(so_far, 1, rng)];
            let [ra, rb] = tremble(&self.noise, self.ladder, intended, &mut steady, rng);
            let [own_a, own_b] = &mut self.history;
            own_a[t] = Move::on(ra);
            own_b[t] = Move::on(rb);
            a.played(ra, rb);
            b.played(rb, ra);
            self.scorer.count(ra, rb);
        }
        self.scorer.outcome()
    }
}

/// Both seats' `intended` rungs as played: each may tremble, seat a's first.
#[inline(always)]
fn tremble(
    noise: &Gaps,
    ladder: &Ladder,
    intended: [Rung; 2],
    [steady_a, steady_b]: &mut [u64; 2],
    rng: &mut SimRng,
) -> [Rung; 2] {
    [
        noise.toss(ladder, intended[0], steady_a, rng),
        noise.toss(ladder, intended[1], steady_b, rng),
    ]
}

impl Play for Arena<'_> {
    fn play(&mut self, a: &mut Instance, b: &mut Instance, rng: &mut SimRng) -> Outcome {
        Arena::play(self, a, b, rng)
    }

    fn moves(&self) -> (&[Move], &[Move]) {
        Arena::moves(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::testing::{C, D, Scripted, two_rungs};
    use crate::ladder::Rung;
    use crate::policy::Policy;
    use crate::rng::run_rng;

    fn pd() -> Payoffs {
        Payoffs::Matrix(vec![vec![3.0, 0.0], vec![5.0, 1.0]])
    }

    fn rungs(moves: &[Move]) -> Vec<Rung> {
        moves.iter().map(|m| m.rung).collect()
    }

    #[test]
    fn scores_each_round_from_both_seats() {
        let (ladder, payoffs) = (two_rungs(), pd());
        let mut arena = Arena::new(&ladder, &payoffs, 4, 0.0);
        let mut a = Scripted::cycle([C, D]).instance();
        let mut b = Scripted::cycle([C, C, D, D]).instance();
        let o = arena.play(&mut a, &mut b, &mut run_rng(0, 0));
        // (C,C) 3/3, (D,C) 5/0, (C,D) 0/5, (D,D) 1/1
        assert_eq!(o.payoff, [9.0, 9.0]);
        assert_eq!(o.hostile, [2, 2]);
        assert_eq!(rungs(arena.moves().0), [C, D, C, D]);
    }

    #[test]
    fn tremble_flips_about_its_share_of_moves_and_scores_played_moves() {
        let (ladder, payoffs) = (two_rungs(), pd());
        let mut arena = Arena::new(&ladder, &payoffs, 10_000, 0.1);
        let (mut a, mut b) = (
            Scripted::cycle([C]).instance(),
            Scripted::cycle([C]).instance(),
        );
        let o = arena.play(&mut a, &mut b, &mut run_rng(3, 1));
        for side in 0..2 {
            let share = f64::from(o.hostile[side]) / 10_000.0;
            assert!((share - 0.1).abs() < 0.01, "seat {side} flipped {share}");
        }
        let (ma, mb) = arena.moves();
        let rescored: f64 = ma
            .iter()
            .zip(mb)
            .map(|(x, y)| payoffs.score(&ladder, x.rung, y.rung))
            .sum();
        assert_eq!(o.payoff[0], rescored);
    }

    #[test]
    fn a_tremble_steps_to_a_neighbouring_rung() {
        let ladder = crate::engine::testing::five_rungs();
        let payoffs = Payoffs::Costs;
        let mut arena = Arena::new(&ladder, &payoffs, 2_000, 1.0);
        let (mut a, mut b) = (
            Scripted::cycle([0]).instance(),
            Scripted::cycle([2]).instance(),
        );
        arena.play(&mut a, &mut b, &mut run_rng(1, 1));
        let (ma, mb) = arena.moves();
        assert!(ma.iter().all(|m| m.rung == 1));
        let up = mb.iter().filter(|m| m.rung == 3).count() as f64 / 2_000.0;
        assert!(mb.iter().all(|m| m.rung == 1 || m.rung == 3));
        assert!((up - 0.5).abs() < 0.05, "{up}");
    }

    #[test]
    fn a_looked_up_decision_knows_the_opening_from_a_calm_window() {
        // A suspicious tit-for-two-tats opens hostile, then echoes: the window of two
        // calm rounds is not the empty window of the first round.
        let (ladder, payoffs) = (two_rungs(), pd());
        let table = toml::from_str::<toml::Table>(
            "p = { kind = \"mirror\", tolerance = 2, first = \"d\" }",
        )
        .unwrap();
        let cx = crate::policy::ParseContext::new(&ladder);
        let mut a = crate::policy::parse_policy(&table["p"], &cx)
            .unwrap()
            .policy
            .instance();
        assert_eq!(a.policy().window(), Some(2));
        let mut b = Scripted::cycle([C]).instance();
        let mut arena = Arena::new(&ladder, &payoffs, 6, 0.0);
        arena.play(&mut a, &mut b, &mut run_rng(0, 0));
        assert_eq!(rungs(arena.moves().0), [D, C, C, C, C, C]);
    }

    #[test]
    fn a_new_match_starts_afresh() {
        let (ladder, payoffs) = (two_rungs(), pd());
        let mut arena = Arena::new(&ladder, &payoffs, 50, 0.2);
        let (mut a, mut b) = (
            Scripted::cycle([C]).instance(),
            Scripted::cycle([D, C]).instance(),
        );
        let first = arena.play(&mut a, &mut b, &mut run_rng(9, 4));
        arena.play(&mut a, &mut b, &mut run_rng(9, 5));
        assert_eq!(first, arena.play(&mut a, &mut b, &mut run_rng(9, 4)));
    }
}
