//! `run.json`: what was run, with what, by which version.
//!
//! Every command writes one [`Meta`]: the fields all share (tool, version, command,
//! scenario, seed), then its own ([`RunMeta`] for `run` and `compare`, the
//! tournament's for `tournament`), then how the execution went.

use super::Kind;
use crate::error::Error;
use crate::scenario::{Noise, Scenario};
use serde::Serialize;

/// The metadata of a results folder, `run.json`: the fields every command writes,
/// around those of its own (`body`, written in their place).
#[derive(Debug, Serialize)]
pub struct Meta<'a, B: Serialize> {
    /// Always `escalate`.
    pub tool: &'static str,
    /// The tool's version.
    pub version: &'static str,
    /// Which command wrote the folder.
    pub command: &'static str,
    /// The scenario run.
    pub scenario: ScenarioMeta<'a>,
    /// Master seed.
    pub seed: u64,
    /// What the command records of its own.
    #[serde(flatten)]
    pub body: B,
    /// How the run went on this machine: differs between runs of the same inputs.
    pub execution: Execution,
}

impl<'a, B: Serialize> Meta<'a, B> {
    /// Metadata of a folder of `kind` from `scenario` run with master `seed`.
    pub fn new(
        kind: Kind,
        scenario: &'a Scenario,
        seed: u64,
        body: B,
        execution: Execution,
    ) -> Meta<'a, B> {
        Meta {
            tool: "escalate",
            version: env!("CARGO_PKG_VERSION"),
            command: kind.name(),
            scenario: ScenarioMeta {
                name: &scenario.name,
                file: &scenario.source.file,
                sha256: &scenario.source.sha256,
            },
            seed,
            body,
            execution,
        }
    }

    /// Pretty JSON with a final newline; a number that is not finite (which JSON would
    /// write as `null`) is an error.
    pub fn to_bytes(&self) -> Result<Vec<u8>, Error> {
        super::finite::check("run.json", self)?;
        let mut bytes = serde_json::to_vec_pretty(self).map_err(|e| Error::Encode {
            what: "run.json",
            source: Box::new(e),
        })?;
        bytes.push(b'\n');
        Ok(bytes)
    }
}

/// What `run` and `compare` record in `run.json` of their own.
#[derive(Debug, Serialize)]
pub struct RunMeta<'a> {
    /// Replicates run.
    pub replicates: u64,
    /// Rounds per replicate.
    pub rounds: u32,
    /// Replicates written to `timeline.csv`.
    pub timeline_replicates: u64,
    /// Noise in force.
    pub noise: Noise,
    /// The actors and their policies.
    pub actors: Vec<ActorMeta<'a>>,
    /// For `compare`: the variants, in the order of `comparison.csv`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub variants: Vec<VariantMeta>,
    /// For `compare` sweeping settings: the swept settings, in the order of their
    /// columns in `comparison.csv` (`russia.scale`, `noise.misperception`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub swept: Vec<String>,
    /// For `compare`: how the terminal table ranks the variants.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ranked_by: Option<String>,
    /// For `compare` ranked other than by peak level: the ranking as asked for
    /// (`fewest:war`), so that redrawn charts rank as the table did.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rank_by: Option<String>,
    /// Caveats about the figures (a payoff distribution rounded to a grid).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

/// The scenario of a run.
#[derive(Debug, Serialize)]
pub struct ScenarioMeta<'a> {
    /// Its name.
    pub name: &'a str,
    /// Its file name.
    pub file: &'a str,
    /// SHA-256 of the file.
    pub sha256: &'a str,
}

/// An actor of a run.
#[derive(Debug, Serialize)]
pub struct ActorMeta<'a> {
    /// Id.
    pub id: &'a str,
    /// Name.
    pub name: &'a str,
    /// Its initial policy, in one line; target by target where it has several
    /// (`mirror; toward ltu: hold`).
    pub policy: String,
}

/// A variant of a comparison.
#[derive(Debug, Serialize)]
pub struct VariantMeta {
    /// Its name (`russia=mirror`).
    pub name: String,
    /// Each actor's starting policy in it, in actor order.
    pub policies: Vec<VariantPolicy>,
    /// The swept settings' values in it, where they apply.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub swept: Vec<SweptValue>,
}

/// A swept setting's value in a variant.
#[derive(Debug, Serialize)]
pub struct SweptValue {
    /// The setting, as its column of `comparison.csv` names it.
    pub column: String,
    /// Its value.
    pub value: f64,
}

/// An actor's starting policy in a variant.
#[derive(Debug, Serialize)]
pub struct VariantPolicy {
    /// Actor id.
    pub actor: String,
    /// The policy, in one line.
    pub policy: String,
}

/// Facts of one execution that do not change the results.
#[derive(Debug, Serialize)]
pub struct Execution {
    /// Worker threads used.
    pub threads: usize,
    /// Wall time in seconds.
    pub wall_seconds: f64,
}

impl<'a> RunMeta<'a> {
    /// What a run of `scenario` (as run, after any overrides) records, with
    /// `timeline_replicates` written to `timeline.csv`.
    pub fn new(scenario: &'a Scenario, timeline_replicates: u64) -> RunMeta<'a> {
        let policies = super::policies::describe_all(scenario, &[]);
        RunMeta {
            replicates: scenario.replicates,
            rounds: scenario.rounds,
            timeline_replicates,
            noise: scenario.noise,
            actors: scenario
                .actors
                .iter()
                .zip(policies)
                .map(|(a, policy)| ActorMeta {
                    id: &a.id,
                    name: &a.name,
                    policy,
                })
                .collect(),
            variants: vec![],
            swept: vec![],
            ranked_by: None,
            rank_by: None,
            notes: vec![],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shared_fields_open_run_json_and_the_execution_closes_it() {
        let scenario = Scenario::default_scenario();
        let execution = Execution {
            threads: 2,
            wall_seconds: 0.5,
        };
        let meta = Meta::new(
            Kind::Run,
            &scenario,
            scenario.seed,
            RunMeta::new(&scenario, 1),
            execution,
        );
        let text = String::from_utf8(meta.to_bytes().unwrap()).unwrap();
        let keys: Vec<&str> = text
            .lines()
            .filter_map(|l| l.strip_prefix("  \"")?.split_once('"').map(|(k, _)| k))
            .collect();
        assert_eq!(
            keys,
            [
                "tool",
                "version",
                "command",
                "scenario",
                "seed",
                "replicates",
                "rounds",
                "timeline_replicates",
                "noise",
                "actors",
                "execution"
            ]
        );
        assert!(text.starts_with("{\n  \"tool\": \"escalate\",\n"), "{text}");
        assert!(text.ends_with("\n}\n"), "{text}");
    }
}
