//! Stocks over replicates: each holding's value per round, summarised in memory that
//! does not grow with the number of replicates.

use super::aggregate::{Stats, ValueCounts};
use crate::scenario::Scenario;

/// Distinct values kept over all of a scenario's (round, holding) cells before each
/// cell's values are snapped to a grid (about 50 MB at most).
const BUDGET: usize = 1 << 20;

/// Fewest and most distinct values one cell keeps exactly.
const CELL_CAP: (usize, usize) = (64, 4096);

/// Every holding's value per round over replicates.
///
/// A stock only falls, from its initial value toward 0, so a cell takes few distinct
/// values in practice (whole diplomats): each (round, holding) keeps one count per
/// distinct value, which gives exact quantiles. Past [`StockTally::cell_cap`]
/// distinct values in a cell, its values are snapped to a grid whose step (a power
/// of two) is the smallest that fits them in half as many: from then on its quantiles
/// are within one step of the exact ones ([`StockTally::resolution`]). The mean is
/// always exact. Replicates are counted in replicate order, so the result is the same
/// for any number of threads.
#[derive(Debug, Clone, PartialEq)]
pub struct StockTally {
    holdings: usize,
    /// `cells[round * holdings + holding]`.
    cells: Vec<ValueCounts>,
    /// Each holding's value at the start, for rounds a trajectory does not cover.
    initial: Vec<f64>,
}

impl StockTally {
    /// An empty tally for `scenario`'s holdings (none when it has no stocks).
    pub fn new(scenario: &Scenario) -> StockTally {
        let holdings = scenario.holdings.len();
        let cells = holdings * scenario.rounds as usize;
        let cap = StockTally::cell_cap(scenario);
        StockTally {
            holdings,
            cells: vec![ValueCounts::with_cap(cap); cells],
            initial: scenario.holdings.iter().map(|h| h.initial).collect(),
        }
    }

    /// Distinct values each (round, holding) cell of `scenario` keeps exactly.
    pub fn cell_cap(scenario: &Scenario) -> usize {
        let cells = (scenario.holdings.len() * scenario.rounds as usize).max(1);
        (BUDGET / cells).clamp(CELL_CAP.0, CELL_CAP.1)
    }

    /// Bytes the tally of `scenario` can grow to: every cell full.
    pub fn bytes(scenario: &Scenario) -> u128 {
        let cells = scenario.holdings.len() as u128 * u128::from(scenario.rounds);
        let per_cell = u128::from(
            scenario
                .replicates
                .min(StockTally::cell_cap(scenario) as u64),
        ) * 48;
        cells * (per_cell + std::mem::size_of::<ValueCounts>() as u128)
    }

    /// Counts one replicate's stocks (`stocks[holding][round]`). A round past the end
    /// of a holding's values holds its last one (its initial value if it has none).
    pub fn add(&mut self, stocks: &[Vec<f64>]) {
        let mut cells = Vec::with_capacity(self.cells.len());
        self.held(stocks, &mut cells);
        self.add_held(&cells);
    }

    /// Appends to `cells` the value [`add`](Self::add) counts in each cell for one
    /// replicate's stocks (`stocks[holding][round]`), in cell order: what
    /// [`add_held`](Self::add_held) takes.
    pub fn held(&self, stocks: &[Vec<f64>], cells: &mut Vec<f64>) {
        let start = cells.len();
        cells.resize(start + self.cells.len(), 0.0);
        let Some(rounds) = self.cells.len().checked_div(self.holdings) else {
            return;
        };
        let out = &mut cells[start..];
        for h in 0..self.holdings {
            let values = stocks.get(h).map_or(&[][..], Vec::as_slice);
            let mut last = self.initial[h];
            for r in 0..rounds {
                if let Some(&v) = values.get(r) {
                    last = v;
                }
                out[r * self.holdings + h] = last;
            }
        }
    }

    /// Counts one replicate's value in each cell, as [`held`](Self::held) gives them.
    /// A cell's grid depends on the order values come in: replicates must come in
    /// replicate order for the same result whatever the threads.
    pub fn add_held(&mut self, cells: &[f64]) {
        for (cell, &v) in self.cells.iter_mut().zip(cells) {
            cell.add(v);
        }
    }

    /// Values one replicate gives [`add_held`](Self::add_held): one per cell.
    pub fn cells(&self) -> usize {
        self.cells.len()
    }

    /// Holding `holding`'s value in `round` over the replicates counted; `None` before any.
    pub fn stats(&self, round: usize, holding: usize) -> Option<Stats> {
        self.cells[round * self.holdings + holding].stats()
    }

    /// The coarsest grid step any cell's quantiles were rounded to; `None` while all
    /// are exact.
    pub fn resolution(&self) -> Option<f64> {
        self.cells
            .iter()
            .filter_map(ValueCounts::resolution)
            .reduce(f64::max)
    }

    /// Rounds covered (0 without holdings).
    pub fn rounds(&self) -> usize {
        self.cells.len().checked_div(self.holdings).unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::{Holding, Stock};

    fn with_holdings(rounds: u32, initial: &[f64]) -> Scenario {
        let mut s = Scenario::default_scenario();
        s.rounds = rounds;
        s.stocks = vec![Stock {
            id: "staff".into(),
            name: "Diplomatic staff".into(),
        }];
        s.holdings = initial
            .iter()
            .enumerate()
            .map(|(i, &initial)| Holding {
                stock: 0,
                holder: i % 2,
                host: 1 - i % 2,
                initial,
            })
            .collect();
        s
    }

    #[test]
    fn counts_each_holding_per_round_and_holds_the_last_value() {
        let s = with_holdings(3, &[1210.0, 490.0]);
        let mut t = StockTally::new(&s);
        t.add(&[vec![1210.0, 1175.0, 420.0], vec![455.0, 455.0, 455.0]]);
        // A replicate stopped after round 0: its last value holds.
        t.add(&[vec![1000.0], vec![490.0, 455.0]]);
        assert_eq!(t.rounds(), 3);
        let last = t.stats(2, 0).unwrap();
        assert_eq!((last.mean, last.p10, last.p90), (710.0, 420.0, 1000.0));
        assert_eq!(t.stats(0, 1).unwrap().mean, 472.5);
        assert_eq!(t.stats(2, 1).unwrap().p50, 455.0);
        assert_eq!(t.resolution(), None);
    }

    #[test]
    fn many_distinct_values_stay_in_bounded_memory_with_an_exact_mean() {
        let s = with_holdings(1, &[1e6]);
        let mut t = StockTally::new(&s);
        let cap = StockTally::cell_cap(&s);
        assert_eq!(cap, CELL_CAP.1);
        let n = 4 * cap;
        for i in 0..n {
            t.add(&[vec![i as f64]]);
        }
        let step = t.resolution().expect("snapped to a grid");
        assert!(t.cells[0].stats().is_some());
        let stats = t.stats(0, 0).unwrap();
        assert_eq!(stats.mean, (n - 1) as f64 / 2.0);
        assert!((stats.p50 - (n / 2 - 1) as f64).abs() <= step);
    }

    #[test]
    fn without_stocks_it_counts_nothing() {
        // The default scenario has a staff stock: take it away.
        let mut s = Scenario::default_scenario();
        s.stocks.clear();
        s.holdings.clear();
        let mut t = StockTally::new(&s);
        t.add(&[]);
        assert_eq!(t.rounds(), 0);
        assert_eq!(StockTally::bytes(&s), 0);
    }
}
