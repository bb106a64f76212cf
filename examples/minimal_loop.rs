//! The floor the engine is measured against: the least a program must do to play the
//! benchmark's games with escalate's random-number scheme (a ChaCha8 stream per
//! replicate or match, Bernoulli coins, a tremble stepping to a neighbouring rung), and
//! nothing else: no scenario, no policies, no outputs.
//!
//! `cargo run --release --example minimal_loop [-- SECONDS]`
//!
//! It prints two figures on one thread, each over wall time and over the time the
//! thread ran on a CPU:
//!
//! - `engine`: benches/two-mirrors.toml's game, two mirrors on five rungs over 100
//!   rounds, each decision trembling with probability 0.02 and each observation misread
//!   with probability 0.05, the moves kept; in million actor-rounds per second, as
//!   examples/throughput.rs prints for the engine;
//! - `tournament`: Tit For Tat against itself on two rungs over 200 rounds, moves
//!   trembling with probability 0.05 at geometric gaps (one draw per tremble, as the
//!   tournament arena draws them), scored from a tally; in nanoseconds per pair-round.

use rand::distr::Bernoulli;
use rand::{Rng, RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::hint::black_box;
use std::time::{Duration, Instant};

mod support;
use support::{budget, on_cpu_ns};

/// A ChaCha8 stream per unit of work, as escalate's `rng::run_rng` makes them.
fn stream(seed: u64, unit: u64) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(unit);
    rng
}

/// One step to a neighbouring rung of `0..=top`, a fair coin choosing in the middle.
#[inline]
fn step_off(rung: u8, top: u8, rng: &mut impl Rng) -> u8 {
    match (rung > 0, rung < top) {
        (true, true) if rng.random_bool(0.5) => rung - 1,
        (true, true) => rung + 1,
        (true, false) => rung - 1,
        (false, true) => rung + 1,
        (false, false) => rung,
    }
}

/// Two noisy mirrors: one replicate, its moves written into `moves`.
fn mirrors(rng: &mut ChaCha8Rng, moves: &mut [Vec<u8>; 2], tremble: Bernoulli, misread: Bernoulli) {
    const TOP: u8 = 4;
    let mut seen = [0u8; 2];
    for t in 0..moves[0].len() {
        let mut played = seen;
        for rung in &mut played {
            if rng.sample(tremble) {
                *rung = step_off(*rung, TOP, rng);
            }
        }
        moves[0][t] = played[0];
        moves[1][t] = played[1];
        // Each actor sees the other's move, perhaps misread.
        for (sees, &rung) in seen.iter_mut().zip(played.iter().rev()) {
            *sees = if rng.sample(misread) {
                step_off(rung, TOP, rng)
            } else {
                rung
            };
        }
    }
}

/// Rounds until the next tremble, drawn from the geometric law of `ln_keep = ln(1 - p)`.
#[inline]
fn gap(ln_keep: f64, rng: &mut impl Rng) -> u64 {
    let u = 1.0 - rng.random::<f64>();
    (u.ln() / ln_keep) as u64
}

/// Tit For Tat against itself with trembles at geometric gaps: one match's payoff to
/// the first seat.
fn duel(rng: &mut ChaCha8Rng, rounds: u32, ln_keep: f64) -> u32 {
    const PAYOFF: [[u32; 2]; 2] = [[3, 0], [5, 1]];
    let mut steady = [gap(ln_keep, rng), gap(ln_keep, rng)];
    let mut last = [0u8; 2];
    let mut tally = [[0u32; 2]; 2];
    for _ in 0..rounds {
        let mut played = [last[1], last[0]];
        for (rung, left) in played.iter_mut().zip(&mut steady) {
            if *left == 0 {
                *rung ^= 1;
                *left = gap(ln_keep, rng);
            } else {
                *left -= 1;
            }
        }
        tally[played[0] as usize][played[1] as usize] += 1;
        last = played;
    }
    (0..2)
        .flat_map(|a| (0..2).map(move |b| (a, b)))
        .map(|(a, b)| tally[a][b] * PAYOFF[a][b])
        .sum()
}

/// Runs `unit` for `budget`, in batches of 1000, and returns the units done, the wall
/// seconds and the seconds on a CPU.
fn timed(budget: Duration, mut unit: impl FnMut(u64)) -> (u64, f64, Option<f64>) {
    for k in 0..1000 {
        unit(k);
    }
    let cpu_start = on_cpu_ns();
    let started = Instant::now();
    let mut done = 0u64;
    while started.elapsed() < budget {
        for _ in 0..1000 {
            unit(done);
            done += 1;
        }
    }
    let wall = started.elapsed().as_secs_f64();
    let cpu = on_cpu_ns()
        .zip(cpu_start)
        .map(|(end, start)| (end - start) as f64 / 1e9);
    (done, wall, cpu)
}

fn main() {
    let budget = budget();

    let (tremble, misread) = (Bernoulli::new(0.02).unwrap(), Bernoulli::new(0.05).unwrap());
    let rounds = 100;
    let mut moves = [vec![0u8; rounds], vec![0u8; rounds]];
    let (replicates, wall, cpu) = timed(budget, |k| {
        mirrors(&mut stream(7, k), &mut moves, tremble, misread);
        black_box(&moves);
    });
    let work = (replicates * 2 * rounds as u64) as f64;
    println!(
        "minimal engine loop: {:.1} M actor-rounds/s (one thread, wall time)",
        work / wall / 1e6
    );
    if let Some(cpu) = cpu {
        println!(
            "        {:.1} M actor-rounds per second on the CPU",
            work / cpu / 1e6
        );
    }

    let (rounds, ln_keep) = (200u32, (-0.05f64).ln_1p());
    let (matches, wall, cpu) = timed(budget, |m| {
        black_box(duel(&mut stream(1, m), rounds, ln_keep));
    });
    let work = (matches * u64::from(rounds)) as f64;
    println!(
        "minimal tournament loop: {:.2} ns per pair-round (one thread, wall time)",
        wall * 1e9 / work
    );
    if let Some(cpu) = cpu {
        println!(
            "        {:.2} ns per pair-round on the CPU",
            cpu * 1e9 / work
        );
    }
}
