//! `solidarity`: answer for an ally as if the move had been made against us.

use super::{
    Checks, ParamDefault, ParamInfo, ParseContext, ParseNested, Policy, PolicyInfo, View, config,
};
use crate::error::{Problem, suggestion};
use crate::ladder::Move;
use crate::rng::SimRng;
use serde::Deserialize;

/// Plays as the policy `then`, but shows it, as the target's move toward us in each
/// round, the most severe of the target's measures toward us and toward every actor
/// in `with` (by default the actor's `allies`).
///
/// Moves toward an ally are taken as the ally perceived them, misreadings included;
/// toward an ally who does not face the target (so perceives nothing of it), as
/// played. `then` sees one measure a round, the most severe.
///
/// # Sources
/// The expulsions of March 2018: on the 26th the US expelled 60 Russian officials in
/// solidarity with the UK over the Salisbury poisoning of the 4th, as did many of the
/// UK's allies.
#[derive(Debug, Clone)]
pub struct Solidarity {
    with: Vec<usize>,
    then: Box<dyn Policy>,
    /// The most severe move seen toward us or an ally, by absolute round, as read so
    /// far.
    combined: Vec<Move>,
    /// For each ally, the dyads its treatment is read from: (ally → target, whose
    /// perception counts; target → ally, as played). Found on the first call and
    /// kept across runs: they depend only on the dyad and the scenario's dyads, which
    /// stay the same for a policy's whole life, and finding them is a search of the
    /// dyads that would otherwise be repeated every replicate.
    sources: Option<Vec<(Option<usize>, Option<usize>)>>,
}

pub(super) const INFO: PolicyInfo = PolicyInfo {
    name: "solidarity",
    summary: "answer moves against allies as if they were made against us",
    memory_depth: Some(1),
    stochastic: false,
    example: "{ kind = \"solidarity\" }",
    params: &[
        ParamInfo {
            name: "with",
            default: ParamDefault::Described("the actor's allies"),
            example: "[\"gbr\"]",
            doc: "the actors whose treatment by the target counts as our own",
        },
        ParamInfo {
            name: "then",
            default: ParamDefault::Value("{ kind = \"mirror\" }"),
            example: "{ kind = \"restrain\" }",
            doc: "the policy that answers what is seen",
        },
    ],
};

/// `solidarity`'s parameters as written in a scenario.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Config {
    with: Option<Vec<String>>,
    then: toml::Value,
}

pub(super) fn parse(
    table: &toml::Table,
    cx: &ParseContext,
    parse_nested: ParseNested,
) -> Result<Box<dyn Policy>, Vec<Problem>> {
    let c: Config = config(table, &INFO)?;
    let Some(us) = cx.actor else {
        return Err(vec![
            Problem::new(
                "kind",
                "solidarity answers for allies, and a tournament match has no one but its two players",
            )
            .suggest(Some(
                "give the entrant the policy solidarity would wrap, such as `{ kind = \"mirror\" }`"
                    .into(),
            )),
        ]);
    };
    let mut checks = Checks::default();
    let with = match &c.with {
        None => {
            checks.require(!cx.allies.is_empty(), || {
                Problem::new(
                    "with",
                    format!("solidarity with no one: {:?} has no `allies`", cx.actors[us]),
                )
                .suggest(Some(
                    "name them in `with = [\"…\"]`, or list the actor's `allies`".into(),
                ))
            });
            cx.allies.to_vec()
        }
        Some(names) => {
            let mut with = Vec::new();
            for name in names {
                match cx.actors.iter().position(|a| a == name) {
                    Some(i) if i == us => checks.require(false, || {
                        Problem::new(
                            "with",
                            format!("{name:?} cannot stand in solidarity with itself"),
                        )
                        .suggest(Some("name the allies it stands with, not the actor itself".into()))
                    }),
                    Some(i) if with.contains(&i) => checks.require(false, || {
                        Problem::new("with", format!("{name:?} is named twice"))
                    }),
                    Some(i) => with.push(i),
                    None => checks.require(false, || {
                        Problem::new("with", format!("unknown actor {name:?}")).suggest(Some(
                            suggestion(name, cx.actors.iter().map(String::as_str)),
                        ))
                    }),
                }
            }
            checks.require(!names.is_empty(), || {
                Problem::new("with", "solidarity with no one: `with` is empty")
                    .suggest(Some(
                        "name the allies it stands with, or leave `with` out for the actor's `allies`"
                            .into(),
                    ))
            });
            with
        }
    };
    let then = match parse_nested(&c.then, &cx.nested()) {
        Ok(policy) => policy,
        Err(problems) => {
            let mut all = checks.into_problems();
            all.extend(problems.into_iter().map(|p| p.under("then")));
            return Err(all);
        }
    };
    checks.done(Solidarity {
        with,
        then,
        combined: Vec::new(),
        sources: None,
    })
}

impl Solidarity {
    /// Reads every round of `view` not read yet into `combined`.
    fn catch_up(&mut self, view: &View<'_>) {
        let observation = view.observation();
        let them = view.dyad().target;
        let with = &self.with;
        let allies = self.sources.get_or_insert_with(|| {
            with.iter()
                .map(|&ally| {
                    (
                        observation.dyad_index(ally, them),
                        observation.dyad_index(them, ally),
                    )
                })
                .collect()
        });
        while self.combined.len() < view.round() as usize {
            let round = self.combined.len();
            let mut worst = match round.checked_sub(view.origin as usize) {
                Some(i) => view.seen[i],
                // Before the view's origin: rounds a holding policy hides; never shown.
                None => view.neutral(),
            };
            for &(perceiving, toward) in allies.iter() {
                let m = match (perceiving, toward) {
                    (Some(d), _) => observation.perceived(d)[round],
                    (None, Some(d)) => observation.played(d)[round],
                    (None, None) => continue,
                };
                if m.rung > worst.rung {
                    worst = m;
                }
            }
            self.combined.push(worst);
        }
    }
}

impl Policy for Solidarity {
    kind_methods!();

    fn decide(&mut self, view: &View<'_>, rng: &mut SimRng) -> Move {
        self.catch_up(view);
        let shown = view.seeing(&self.combined[view.origin as usize..]);
        self.then.decide(&shown, rng)
    }

    fn decide_package(&mut self, view: &View<'_>, rng: &mut SimRng, package: &mut Vec<Move>) {
        self.catch_up(view);
        let shown = view.seeing(&self.combined[view.origin as usize..]);
        self.then.decide_package(&shown, rng, package);
    }

    fn answer_package(&self, view: &View<'_>, measures: &[Move], package: &mut Vec<Move>) {
        self.then.answer_package(view, measures, package);
    }

    fn reset(&mut self) {
        self.combined.clear();
        self.then.reset();
    }

    fn memory_depth(&self) -> Option<u32> {
        self.then.memory_depth()
    }

    fn is_stochastic(&self) -> bool {
        self.then.is_stochastic()
    }

    fn packs(&self) -> bool {
        self.then.packs()
    }
}
