//! The ladder (`[ladder]`) and how moves on it are scored (`[payoffs]`).

use crate::error::{Problem, suggestion};
use crate::ladder::{Ladder, Lasts, RungInfo, Threshold};
use crate::payoff::Payoffs;
use crate::scenario::check::{MAX_MAGNITUDE, bounded, check_id, check_name, span, too_large};
use crate::scenario::raw::{RawLadder, RawPayoffs};
use toml::Spanned;

/// The ladder: at least two rungs of strictly increasing level, unique ids, and
/// thresholds above rungs that are not the top one.
pub(super) fn ladder(raw: RawLadder, problems: &mut Vec<Problem>) -> Ladder {
    let rungs_span = raw.rungs.span();
    let raw_rungs = raw.rungs.into_inner();
    if raw_rungs.len() < 2 {
        problems.push(
            Problem::new("ladder.rungs", "a ladder needs at least two rungs")
                .at(Some(rungs_span.clone())),
        );
    }
    let mut rungs: Vec<RungInfo> = Vec::new();
    for (i, r) in raw_rungs.into_iter().enumerate() {
        let at = span(&r);
        let r = r.into_inner();
        let key = format!("ladder.rungs[{i}]");
        let level = bounded(r.level, &format!("{key}.level"), at.clone(), problems);
        if let Some(prev) = rungs.last()
            && level <= prev.level
        {
            problems.push(
                Problem::new(
                    format!("{key}.level"),
                    format!(
                        "levels must increase strictly: {level} comes after {} ({})",
                        prev.level, prev.id
                    ),
                )
                .at(at.clone()),
            );
        }
        if rungs.iter().any(|x| x.id == r.id) {
            problems.push(
                Problem::new(format!("{key}.id"), format!("duplicate rung id {:?}", r.id))
                    .at(at.clone()),
            );
        }
        check_id("a rung id", &r.id, format!("{key}.id"), problems);
        if let Some(name) = &r.name {
            check_name(name, false, format!("{key}.name"), problems);
        }
        rungs.push(RungInfo {
            name: r.name.unwrap_or_else(|| r.id.clone()),
            id: r.id,
            level,
            cost: bounded(
                r.cost.unwrap_or(0.0),
                &format!("{key}.cost"),
                at.clone(),
                problems,
            ),
            damage: bounded(
                r.damage.unwrap_or(0.0),
                &format!("{key}.damage"),
                at,
                problems,
            ),
            domain: None,
            lasts: Lasts::Rounds(1),
            reduces: None,
        });
    }
    if rungs.is_empty() {
        rungs.push(RungInfo::new("none", "none", 0.0));
    }
    let mut thresholds = Vec::new();
    for (i, t) in raw.thresholds.into_iter().enumerate() {
        let at = span(&t);
        let t = t.into_inner();
        check_name(
            &t.name,
            false,
            format!("ladder.thresholds[{i}].name"),
            problems,
        );
        let key = format!("ladder.thresholds[{i}].above");
        match rungs.iter().position(|r| r.id == t.above) {
            Some(j) if j + 1 == rungs.len() => problems.push(
                Problem::new(
                    key,
                    format!(
                        "{:?} is the top rung: no move can cross a line above it",
                        t.above
                    ),
                )
                .at(at),
            ),
            Some(j) => thresholds.push(Threshold {
                name: t.name,
                above: j as u16,
            }),
            None => problems.push(
                Problem::new(key, format!("unknown rung {:?}", t.above))
                    .suggest(Some(suggestion(
                        &t.above,
                        rungs.iter().map(|r| r.id.as_str()),
                    )))
                    .at(at),
            ),
        }
    }
    Ladder::new(rungs, thresholds)
}

/// The payoffs: the matrix given, else the rungs' costs and damages if any.
pub(super) fn payoffs(
    raw: Option<Spanned<RawPayoffs>>,
    ladder: &Ladder,
    problems: &mut Vec<Problem>,
) -> Option<Payoffs> {
    if let Some(p) = raw {
        let at = span(&p);
        let matrix = p.into_inner().matrix;
        let n = ladder.len();
        if matrix.len() != n || matrix.iter().any(|row| row.len() != n) {
            problems.push(
                Problem::new("payoffs.matrix", format!("must be {n}×{n}, one row and one column per rung ([own rung][other's rung])"))
                    .at(at),
            );
            return None;
        }
        if matrix.iter().flatten().any(|x| !x.is_finite()) {
            problems.push(Problem::new("payoffs.matrix", "payoffs must be finite numbers").at(at));
            return None;
        }
        let mut large = false;
        for (i, row) in matrix.iter().enumerate() {
            for (j, &x) in row.iter().enumerate() {
                if x.abs() > MAX_MAGNITUDE {
                    large = true;
                    problems.push(
                        Problem::new(format!("payoffs.matrix[{i}][{j}]"), too_large(x))
                            .at(at.clone()),
                    );
                }
            }
        }
        if large {
            return None;
        }
        return Some(Payoffs::Matrix(matrix));
    }
    ladder
        .rungs
        .iter()
        .any(|r| r.cost != 0.0 || r.damage != 0.0)
        .then_some(Payoffs::Costs)
}
