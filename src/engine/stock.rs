//! The stocks of a run: how much of each one actor holds in another's country, and
//! how measures on the rungs that reduce a stock bring it down.

use crate::ladder::{Ladder, Measure};
use crate::policy::{Dyad, Stocks};
use crate::scenario::Holding;

/// Every holding's value as a run goes on.
#[derive(Debug, Clone)]
pub(super) struct Holdings {
    /// See [`Stocks::holding`].
    index: Vec<u32>,
    initial: Vec<f64>,
    values: Vec<f64>,
    actors: usize,
}

impl Holdings {
    /// The holdings declared, among `actors` actors.
    pub(super) fn new(holdings: &[Holding], actors: usize) -> Holdings {
        let stocks = holdings.iter().map(|h| h.stock + 1).max().unwrap_or(0);
        let mut index = vec![u32::MAX; stocks * actors * actors];
        for (i, h) in holdings.iter().enumerate() {
            index[(h.stock * actors + h.holder) * actors + h.host] = i as u32;
        }
        let initial: Vec<f64> = holdings.iter().map(|h| h.initial).collect();
        Holdings {
            index,
            values: initial.clone(),
            initial,
            actors,
        }
    }

    /// Whether there is any holding at all.
    pub(super) fn is_empty(&self) -> bool {
        self.initial.is_empty()
    }

    /// Back to the initial values.
    pub(super) fn reset(&mut self) {
        self.values.copy_from_slice(&self.initial);
    }

    /// Each holding's value now.
    pub(super) fn values(&self) -> &[f64] {
        &self.values
    }

    /// The holdings as policies see them.
    pub(super) fn levels(&self) -> Stocks<'_> {
        Stocks {
            holding: &self.index,
            values: &self.values,
            actors: self.actors,
        }
    }

    /// Applies the measures `dyad`'s actor takes: each one with a magnitude, on a rung
    /// that reduces a stock, reduces the target's holding of it in the actor's country
    /// by its magnitude, cut to what is left (the measure's magnitude is cut with it).
    /// A measure without a magnitude, or toward a holding the scenario does not
    /// declare, changes nothing.
    pub(super) fn reduce(&mut self, ladder: &Ladder, dyad: Dyad, measures: &mut [Measure]) {
        for m in measures {
            let (Some(stock), Some(magnitude)) =
                (ladder.rungs[m.rung as usize].reduces, m.magnitude)
            else {
                continue;
            };
            let i = (stock * self.actors + dyad.target) * self.actors + dyad.actor;
            let Some(&h) = self.index.get(i).filter(|&&h| h != u32::MAX) else {
                continue;
            };
            let value = &mut self.values[h as usize];
            let cut = magnitude.min(*value);
            *value -= cut;
            m.magnitude = Some(cut);
        }
    }
}
