//! bench-shared.toml's tournament in axelrod-rs: its round robin (every pair once,
//! self-play included, matches spread over all cores by the library) of the eight
//! shared strategies, 200 rounds a match with noise 0.05, played 50 times.
//! It writes nothing; it prints the winner of the last repetition so the work is kept.

use axelrod_rs::StrategyType;
use axelrod_rs::game::MatchConfig;
use axelrod_rs::tournament::RoundRobinTournament;

const REPETITIONS: usize = 50;

fn main() {
    let strategies = vec![
        StrategyType::AlwaysCooperate,
        StrategyType::AlwaysDefect,
        StrategyType::TitForTat,
        StrategyType::Grudger,
        StrategyType::SuspiciousTitForTat,
        StrategyType::TitForTwoTats,
        StrategyType::Pavlov,
        StrategyType::Random,
    ];
    let config = MatchConfig::with_rounds_and_noise(200, 0.05);
    let mut winner = String::new();
    for _ in 0..REPETITIONS {
        let result = RoundRobinTournament::with_strategies(strategies.clone(), config.clone()).run();
        winner = result.winner().map(|w| w.name.clone()).unwrap_or_default();
    }
    println!("winner of the last repetition: {winner}");
}
