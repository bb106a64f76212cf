//! Stocks (`[[stocks]]`): quantities one actor holds in another's country, and how
//! much of each is held at the start.

use crate::error::{Problem, suggestion};
use crate::scenario::check::{bounded, check_id, check_name, span};
use crate::scenario::raw::RawStock;
use crate::scenario::{Holding, Stock};
use toml::Spanned;

/// The stocks (unique, id-like ids) and their holdings, in file order: each between
/// two different known `actors` (their ids), at most once per pair and stock, with a
/// value that is a finite number ≥ 0.
pub(super) fn stocks(
    raw: Vec<Spanned<RawStock>>,
    actors: &[String],
    problems: &mut Vec<Problem>,
) -> (Vec<Stock>, Vec<Holding>) {
    let mut stocks: Vec<Stock> = Vec::new();
    let mut holdings = Vec::new();
    for (i, s) in raw.into_iter().enumerate() {
        let key = format!("stocks[{i}]");
        let at = span(&s);
        let s = s.into_inner();
        let id = s.id.get_ref().clone();
        check_id("a stock id", &id, format!("{key}.id"), problems);
        if stocks.iter().any(|x| x.id == id) {
            problems.push(
                Problem::new(format!("{key}.id"), format!("duplicate stock id {id:?}"))
                    .at(span(&s.id)),
            );
        }
        if let Some(name) = &s.name {
            check_name(name, false, format!("{key}.name"), problems);
        }
        if s.initial.is_empty() {
            problems.push(
                Problem::new(
                    format!("{key}.initial"),
                    format!("stock {id:?} has no holdings: nothing to reduce or compare"),
                )
                .suggest(Some(
                    "list who holds how much where: initial = [ { holder = \"…\", host = \"…\", value = … } ]"
                        .into(),
                ))
                .at(at.clone()),
            );
        }
        let stock = stocks.len();
        let mine = holdings.len();
        for (j, h) in s.initial.into_iter().enumerate() {
            let hkey = format!("{key}.initial[{j}]");
            let hat = span(&h);
            let h = h.into_inner();
            let actor = |name: &str, field: &str, problems: &mut Vec<Problem>| {
                let found = actors.iter().position(|a| a == name);
                if found.is_none() {
                    problems.push(
                        Problem::new(format!("{hkey}.{field}"), format!("unknown actor {name:?}"))
                            .suggest(Some(suggestion(name, actors.iter().map(String::as_str))))
                            .at(hat.clone()),
                    );
                }
                found
            };
            let holder = actor(&h.holder, "holder", problems);
            let host = actor(&h.host, "host", problems);
            let vkey = format!("{hkey}.value");
            let mut value = bounded(h.value, &vkey, hat.clone(), problems);
            if value < 0.0 {
                problems.push(
                    Problem::new(
                        &vkey,
                        format!("{value} is negative: a stock holds 0 or more"),
                    )
                    .at(hat.clone()),
                );
                value = 0.0;
            }
            let (Some(holder), Some(host)) = (holder, host) else {
                continue;
            };
            if holder == host {
                problems.push(
                    Problem::new(
                        format!("{hkey}.host"),
                        format!(
                            "{:?} holds it in its own country: a holding is of one actor in another's",
                            h.host
                        ),
                    )
                    .suggest(Some("give the other actor as host".into()))
                    .at(hat),
                );
                continue;
            }
            if holdings[mine..]
                .iter()
                .any(|x: &Holding| x.holder == holder && x.host == host)
            {
                problems.push(
                    Problem::new(
                        &hkey,
                        format!("stock {id:?} lists {:?} in {:?} twice", h.holder, h.host),
                    )
                    .suggest(Some("give one holding with the whole value".into()))
                    .at(hat),
                );
                continue;
            }
            holdings.push(Holding {
                stock,
                holder,
                host,
                initial: value,
            });
        }
        stocks.push(Stock {
            name: s.name.unwrap_or_else(|| id.clone()),
            id,
        });
    }
    (stocks, holdings)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(initial: &str) -> (Vec<Stock>, Vec<Holding>, Vec<String>) {
        let text = format!("id = \"staff\"\ninitial = {initial}\n");
        let raw: RawStock = toml::from_str(&text).unwrap();
        let mut problems = Vec::new();
        let actors = ["usa".to_string(), "russia".into(), "china".into()];
        let (stocks, holdings) = stocks(
            vec![Spanned::new(0..text.len(), raw)],
            &actors,
            &mut problems,
        );
        let problems = problems
            .iter()
            .map(|p| {
                let hint = p.suggestion.as_deref().unwrap_or_default();
                format!("{}: {} | {hint}", p.key, p.message)
            })
            .collect();
        (stocks, holdings, problems)
    }

    #[test]
    fn reads_holdings_in_file_order_and_names_a_stock_by_its_id() {
        let (stocks, holdings, problems) = read(
            "[ { holder = \"usa\", host = \"russia\", value = 1210 }, { holder = \"russia\", host = \"usa\", value = 490.5 } ]",
        );
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(
            stocks,
            [Stock {
                id: "staff".into(),
                name: "staff".into()
            }]
        );
        assert_eq!(
            holdings,
            [
                Holding {
                    stock: 0,
                    holder: 0,
                    host: 1,
                    initial: 1210.0
                },
                Holding {
                    stock: 0,
                    holder: 1,
                    host: 0,
                    initial: 490.5
                },
            ]
        );
    }

    #[test]
    fn refuses_unknown_actors_with_a_suggestion() {
        let (_, holdings, problems) = read("[ { holder = \"usaa\", host = \"chna\", value = 1 } ]");
        assert!(holdings.is_empty());
        assert_eq!(
            problems,
            [
                "stocks[0].initial[0].holder: unknown actor \"usaa\" | did you mean \"usa\"?",
                "stocks[0].initial[0].host: unknown actor \"chna\" | did you mean \"china\"?",
            ]
        );
    }

    #[test]
    fn refuses_a_holding_in_the_holders_own_country() {
        let (_, holdings, problems) = read("[ { holder = \"usa\", host = \"usa\", value = 1 } ]");
        assert!(holdings.is_empty());
        assert_eq!(
            problems,
            [
                "stocks[0].initial[0].host: \"usa\" holds it in its own country: a holding is of one actor in another's | give the other actor as host"
            ]
        );
    }

    #[test]
    fn refuses_negative_and_huge_values() {
        let (_, holdings, problems) = read(
            "[ { holder = \"usa\", host = \"russia\", value = -1 }, { holder = \"russia\", host = \"usa\", value = 1e13 } ]",
        );
        assert_eq!(holdings.len(), 2);
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(
            problems[0]
                .starts_with("stocks[0].initial[0].value: -1 is negative: a stock holds 0 or more")
        );
        assert!(problems[1].starts_with("stocks[0].initial[1].value: 1e13 is too large"));
    }

    #[test]
    fn refuses_the_same_pair_twice_in_one_stock() {
        let (_, holdings, problems) = read(
            "[ { holder = \"usa\", host = \"russia\", value = 1 }, { holder = \"usa\", host = \"russia\", value = 2 } ]",
        );
        assert_eq!(holdings.len(), 1);
        assert_eq!(
            problems,
            [
                "stocks[0].initial[1]: stock \"staff\" lists \"usa\" in \"russia\" twice | give one holding with the whole value"
            ]
        );
    }

    #[test]
    fn refuses_a_stock_without_holdings() {
        let (stocks, _, problems) = read("[]");
        assert_eq!(stocks.len(), 1);
        assert_eq!(problems.len(), 1);
        assert!(problems[0].starts_with("stocks[0].initial: stock \"staff\" has no holdings"));
    }
}
