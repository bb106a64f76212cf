//! Domains: the kinds of measure a policy answers (`domains = ["diplomatic"]`), and
//! steps along the rungs of one domain.

use super::{ParseContext, View};
use crate::error::{Problem, suggestion};
use crate::ladder::{Ladder, Move, Rung};

/// The rungs a policy answers: every rung, or those of the domains it names.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Domains(Option<Box<[bool]>>);

impl Domains {
    /// Every rung.
    pub(super) const ALL: Domains = Domains(None);

    /// The rungs of `names` (every rung when `None`), refusing a domain no rung has.
    pub(super) fn parse(names: Option<&[String]>, cx: &ParseContext) -> Result<Domains, Problem> {
        let Some(names) = names else {
            return Ok(Domains::ALL);
        };
        let known = || cx.ladder.rungs.iter().filter_map(|r| r.domain.as_deref());
        if names.is_empty() {
            return Err(
                Problem::new("domains", "`domains = []` answers no measure at all").suggest(Some(
                    "name the domains to answer, or leave `domains` out to answer every domain"
                        .into(),
                )),
            );
        }
        for name in names {
            if !known().any(|d| d == name) {
                let hint = match known().next() {
                    Some(_) => suggestion(name, known()),
                    None => "give rungs a `domain` in [ladder] first".to_string(),
                };
                return Err(Problem::new(
                    "domains",
                    format!("no rung of the ladder has domain {name:?}"),
                )
                .suggest(Some(hint)));
            }
        }
        let answered = cx
            .ladder
            .rungs
            .iter()
            .map(|r| r.domain.as_ref().is_some_and(|d| names.contains(d)))
            .collect();
        Ok(Domains(Some(answered)))
    }

    /// Whether measures on `rung` are answered.
    #[inline]
    pub(super) fn answers(&self, rung: Rung) -> bool {
        self.0.as_ref().is_none_or(|a| a[rung as usize])
    }

    /// Whether every rung is answered.
    #[inline]
    pub(super) fn is_all(&self) -> bool {
        self.0.is_none()
    }

    /// The most severe measure answered among those seen `i` rounds into `view`, if
    /// any.
    #[inline]
    pub(super) fn most_severe(&self, view: &View<'_>, i: usize) -> Option<Move> {
        if self.is_all() {
            return Some(view.seen[i]);
        }
        view.seen_package(i)
            .iter()
            .rev()
            .find(|m| self.answers(m.rung))
            .copied()
    }
}

/// The rung `steps` rungs above (positive) or below (negative) `rung` among the rungs
/// of its domain (the whole ladder when no rung has a domain), staying on the domain's
/// most severe rung above it; `None` below its least severe rung.
pub(super) fn step_in_domain(ladder: &Ladder, rung: Rung, steps: i64) -> Option<Rung> {
    let domain = &ladder.rungs[rung as usize].domain;
    if ladder.rungs.iter().all(|r| r.domain.is_none()) {
        return Some(ladder.shift(rung, steps));
    }
    let same: Vec<Rung> = (0..ladder.len() as Rung)
        .filter(|&r| ladder.rungs[r as usize].domain == *domain)
        .collect();
    let at = same
        .iter()
        .position(|&r| r == rung)
        .expect("a rung is in its own domain") as i64;
    let to = at + steps;
    if to < 0 {
        return None;
    }
    Some(same[(to as usize).min(same.len() - 1)])
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::engine::testing::five_rungs;

    /// The December 2016 ladder with domains: `protest` and `expel` diplomatic,
    /// `sanction` economic, `seize` property.
    pub(crate) fn with_domains() -> Ladder {
        let mut ladder = five_rungs();
        for (rung, domain) in [
            (1, "diplomatic"),
            (2, "diplomatic"),
            (3, "economic"),
            (4, "property"),
        ] {
            ladder.rungs[rung].domain = Some(domain.into());
        }
        ladder
    }

    #[test]
    fn steps_stay_within_a_domain() {
        let ladder = with_domains();
        assert_eq!(step_in_domain(&ladder, 2, -1), Some(1));
        assert_eq!(step_in_domain(&ladder, 1, -1), None, "below the domain");
        assert_eq!(step_in_domain(&ladder, 1, 1), Some(2));
        assert_eq!(step_in_domain(&ladder, 2, 1), Some(2), "the domain's top");
        assert_eq!(step_in_domain(&ladder, 3, 1), Some(3));
        assert_eq!(
            step_in_domain(&five_rungs(), 2, 1),
            Some(3),
            "no domains: the ladder"
        );
    }

    #[test]
    fn a_domain_no_rung_has_is_refused_with_a_suggestion() {
        let ladder = with_domains();
        let cx = ParseContext::new(&ladder);
        let p = Domains::parse(Some(&["diplomatc".to_string()]), &cx).unwrap_err();
        assert_eq!(
            p.suggestion.as_deref(),
            Some("did you mean \"diplomatic\"?")
        );
        assert!(Domains::parse(Some(&[]), &cx).is_err());
        let d = Domains::parse(Some(&["economic".to_string()]), &cx).unwrap();
        assert!(d.answers(3) && !d.answers(2) && !d.answers(0));
    }
}
