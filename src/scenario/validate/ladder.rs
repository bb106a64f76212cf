//! The ladder (`[ladder]`) and how moves on it are scored (`[payoffs]`).

use crate::error::{Problem, closest, count, suggestion};
use crate::ladder::{Ladder, Lasts, RungInfo, Threshold};
use crate::payoff::Payoffs;
use crate::scenario::check::{MAX_MAGNITUDE, bounded, check_id, check_name, span, too_large};
use crate::scenario::raw::{RawLadder, RawLasts, RawPayoffs};
use std::ops::Range;
use toml::Spanned;

/// The ladder: at least two rungs of strictly increasing level, unique ids, and
/// thresholds above rungs that are not the top one. A rung's `reduces` names one of
/// the `stocks` (their ids, in file order).
pub(super) fn ladder(raw: RawLadder, stocks: &[String], problems: &mut Vec<Problem>) -> Ladder {
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
        if let Some(domain) = &r.domain {
            check_id("a domain", domain, format!("{key}.domain"), problems);
        }
        let lasts = r
            .lasts
            .as_ref()
            .map_or(Lasts::Rounds(1), |l| lasts(l, &key, at.clone(), problems));
        let reduces = r
            .reduces
            .as_deref()
            .and_then(|id| reduces(id, stocks, &key, at.clone(), problems));
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
            domain: r.domain,
            lasts,
            reduces,
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

/// A rung's `lasts`: a number of rounds ≥ 1, or `"forever"`; else a problem, and
/// one round (the default).
fn lasts(
    raw: &RawLasts,
    key: &str,
    at: Option<Range<usize>>,
    problems: &mut Vec<Problem>,
) -> Lasts {
    let key = format!("{key}.lasts");
    match raw {
        RawLasts::Rounds(n) if *n < 1 => problems.push(
            Problem::new(
                key,
                format!("lasts = {n}: a measure is in force at least the round it is taken"),
            )
            .suggest(Some(
                "give a number of rounds ≥ 1 (1, the default, is the round it is taken), or \"forever\"".into(),
            ))
            .at(at),
        ),
        RawLasts::Rounds(n) => match u32::try_from(*n) {
            Ok(n) => return Lasts::Rounds(n),
            Err(_) => problems.push(
                Problem::new(
                    key,
                    format!("lasts = {n} is too large: at most {} rounds", count(u32::MAX.into())),
                )
                .suggest(Some("write \"forever\" for a measure that never lapses".into()))
                .at(at),
            ),
        },
        RawLasts::Word(word) if word == "forever" => return Lasts::Forever,
        RawLasts::Word(word) => problems.push(
            Problem::new(
                key,
                format!("lasts = {word:?}: give a number of rounds or \"forever\""),
            )
            .suggest(Some(match closest(word, ["forever"]) {
                Some(_) => "did you mean \"forever\"?".into(),
                None => "write a whole number of rounds ≥ 1 without quotes, or \"forever\"".into(),
            }))
            .at(at),
        ),
    }
    Lasts::Rounds(1)
}

/// The stock a rung's measures reduce, as an index into `stocks`; unknown, a problem.
fn reduces(
    id: &str,
    stocks: &[String],
    key: &str,
    at: Option<Range<usize>>,
    problems: &mut Vec<Problem>,
) -> Option<usize> {
    let found = stocks.iter().position(|s| s == id);
    if found.is_none() {
        let hint = if stocks.is_empty() {
            format!("declare it in a [[stocks]] table with id = {id:?}")
        } else {
            suggestion(id, stocks.iter().map(String::as_str))
        };
        problems.push(
            Problem::new(format!("{key}.reduces"), format!("unknown stock {id:?}"))
                .suggest(Some(hint))
                .at(at),
        );
    }
    found
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

#[cfg(test)]
mod tests {
    use crate::ladder::Lasts;
    use crate::scenario::validate::testing::{PACKAGES, edited, parsed, refusals};

    #[test]
    fn reads_a_rungs_domain_duration_and_stock() {
        let s = parsed(PACKAGES);
        let rung = |id: &str| s.ladder.rungs.iter().find(|r| r.id == id).unwrap();
        assert_eq!(rung("none").domain, None);
        assert_eq!(rung("none").lasts, Lasts::Rounds(1));
        assert_eq!(rung("expel").domain.as_deref(), Some("diplomatic"));
        assert_eq!(rung("expel").reduces, Some(0));
        assert_eq!(rung("close").lasts, Lasts::Forever);
        assert_eq!(rung("sanction").lasts, Lasts::Rounds(3));
        assert_eq!(rung("sanction").reduces, None);
    }

    #[test]
    fn refuses_a_duration_below_one_round_or_beyond_a_round_number() {
        let negative = edited("lasts = 3", "lasts = -2");
        assert_eq!(
            refusals(&negative),
            [
                "17:80: ladder.rungs[4].lasts: lasts = -2: a measure is in force at least the round it is taken — give a number of rounds ≥ 1 (1, the default, is the round it is taken), or \"forever\""
            ]
        );
        let huge = edited("lasts = 3", "lasts = 5000000000");
        assert_eq!(
            refusals(&huge),
            [
                "17:80: ladder.rungs[4].lasts: lasts = 5000000000 is too large: at most 4,294,967,295 rounds — write \"forever\" for a measure that never lapses"
            ]
        );
        let float = edited("lasts = 3", "lasts = 1.5");
        assert_eq!(
            refusals(&float),
            [
                "17:80: ladder.rungs[4].lasts: invalid type: floating point `1.5`, expected a whole number of rounds ≥ 1 or \"forever\""
            ]
        );
    }

    #[test]
    fn a_word_far_from_forever_is_told_how_to_write_a_number() {
        let text = edited("lasts = 3", "lasts = \"3\"");
        assert_eq!(
            refusals(&text),
            [
                "17:80: ladder.rungs[4].lasts: lasts = \"3\": give a number of rounds or \"forever\" — write a whole number of rounds ≥ 1 without quotes, or \"forever\""
            ]
        );
    }

    #[test]
    fn a_stock_reduced_without_any_stocks_says_how_to_declare_one() {
        let start = PACKAGES.find("[[stocks]]").unwrap();
        let end = PACKAGES.find("[[actors]]").unwrap();
        let text = format!("{}{}", &PACKAGES[..start], &PACKAGES[end..]).replace(
            "[[stop]]\noutcome = \"no_mission\"",
            "[[stop]]\noutcome = \"no_mission\"\n# ",
        );
        let found = refusals(&text);
        assert!(
            found[0].ends_with(
                "ladder.rungs[2].reduces: unknown stock \"staff\" — declare it in a [[stocks]] table with id = \"staff\""
            ),
            "{found:?}"
        );
    }
}
