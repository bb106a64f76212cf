//! Renders the demo charts: the December 2016 US–Russia case (timeline and fan)
//! and the edge cases a user will meet (negative levels, one round, 1,000
//! rounds, long names, twelve actors, many events, a dense ladder), and fan
//! charts of three, four and twelve actors drawn as panels.
//!
//! ```text
//! cargo run --example plot_demo -- OUT_DIR [WIDTHxHEIGHT]
//! ```
//!
//! The data are made up for the pictures; only the shape of the case is real.

use std::path::PathBuf;

use escalate::plot::*;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let usage = "usage: plot_demo OUT_DIR [WIDTHxHEIGHT]";
    let mut args = std::env::args().skip(1);
    let dir = PathBuf::from(args.next().ok_or(usage)?);
    let size = match args.next() {
        Some(s) => {
            let (w, h) = s.split_once('x').ok_or(usage)?;
            (w.parse()?, h.parse()?)
        }
        None => DEFAULT_SIZE,
    };
    std::fs::create_dir_all(&dir)?;
    for (stem, chart) in demos() {
        let [svg, png] = match &chart {
            Demo::Timeline(meta, series) => {
                write_chart(&dir, stem, size, &Chart::Timeline { meta, series })?
            }
            Demo::Fan(meta, series) => write_chart(&dir, stem, size, &Chart::Fan { meta, series })?,
        };
        println!("{} {}", svg.display(), png.display());
    }
    Ok(())
}

enum Demo {
    Timeline(ChartMeta, Vec<TimelineSeries>),
    Fan(ChartMeta, Vec<FanSeries>),
}

fn us_russia_meta(subtitle: &str) -> ChartMeta {
    ChartMeta {
        title: "US–Russia diplomatic expulsions, December 2016".into(),
        subtitle: subtitle.into(),
        rungs: vec![
            RungMark::new("No new measures", 0.0),
            RungMark::new("Protest", 1.0),
            RungMark::new("Expel diplomats", 2.0),
            RungMark::new("Sanctions", 3.0),
            RungMark::new("Shut or seize property", 4.0),
        ],
        thresholds: vec![LevelMark::new("Economic pressure", 2.5)],
        events: vec![
            EventMark::new(0, "US expels 35 diplomats, shuts two compounds"),
            EventMark::new(1, "US inauguration"),
            EventMark::new(7, "Congress passes sanctions"),
        ],
        rounds: 12,
        round_unit: "month".into(),
        start: Some("2016-12".into()),
    }
}

fn timeline(actor: &str, levels: &[f64], magnitudes: &[(u32, f64)]) -> TimelineSeries {
    TimelineSeries {
        actor: actor.into(),
        points: levels
            .iter()
            .enumerate()
            .map(|(r, &level)| TimelinePoint {
                round: r as u32,
                level,
                magnitude: magnitudes.iter().find(|m| m.0 == r as u32).map(|m| m.1),
                in_force: None,
            })
            .collect(),
        others: vec![],
    }
}

/// A tiny deterministic generator, so the demo needs no RNG setup.
struct Lcg(u64);
impl Lcg {
    fn next(&mut self) -> f64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
    /// A walk on integer levels `lo..=hi` that mostly holds.
    fn walk(&mut self, n: usize, lo: f64, hi: f64, start: f64) -> Vec<f64> {
        let mut level = start;
        (0..n)
            .map(|_| {
                let u = self.next();
                if u < 0.12 {
                    level = (level + 1.0).min(hi);
                } else if u < 0.24 {
                    level = (level - 1.0).max(lo);
                }
                level
            })
            .collect()
    }
}

fn fan_from(actor: &str, runs: &[Vec<f64>]) -> FanSeries {
    let rounds = runs[0].len();
    FanSeries {
        actor: actor.into(),
        rows: (0..rounds)
            .map(|r| {
                let mut v: Vec<f64> = runs.iter().map(|run| run[r]).collect();
                v.sort_by(f64::total_cmp);
                let q = |p: f64| v[((v.len() - 1) as f64 * p).round() as usize];
                FanRow {
                    round: r as u32,
                    mean: v.iter().sum::<f64>() / v.len() as f64,
                    p10: q(0.1),
                    p50: q(0.5),
                    p90: q(0.9),
                    in_force: None,
                }
            })
            .collect(),
    }
}

fn demos() -> Vec<(&'static str, Demo)> {
    let mut out = Vec::new();
    let mut rng = Lcg(2016);

    // The case itself.
    let mut usa = vec![0.0; 12];
    usa[0] = 4.0;
    let mut russia = vec![0.0; 12];
    russia[8..].fill(3.0);
    out.push((
        "us-russia-timeline",
        Demo::Timeline(
            us_russia_meta("seed 2016 · replicate 0"),
            vec![
                timeline("United States", &usa, &[(0, 35.0)]),
                timeline("Russia", &russia, &[]),
            ],
        ),
    ));

    // A fan over made-up replicates of the same case.
    let usa_runs: Vec<Vec<f64>> = (0..500)
        .map(|_| {
            let mut w = rng.walk(12, 0.0, 4.0, 0.0);
            w[0] = 4.0;
            w
        })
        .collect();
    let russia_runs: Vec<Vec<f64>> = (0..500)
        .map(|_| {
            let mut w = rng.walk(12, 0.0, 4.0, 0.0);
            if rng.next() < 0.6 {
                w[8..].iter_mut().for_each(|l| *l = l.max(3.0));
            }
            w
        })
        .collect();
    out.push((
        "us-russia-fan",
        Demo::Fan(
            us_russia_meta("seed 2016 · 500 replicates"),
            vec![
                fan_from("United States", &usa_runs),
                fan_from("Russia", &russia_runs),
            ],
        ),
    ));

    // Both on the same level most of the time: the offsets keep both visible.
    let mut a = vec![2.0; 12];
    a[0] = 4.0;
    let b = vec![2.0; 12];
    out.push((
        "edge-same-level",
        Demo::Timeline(
            us_russia_meta("seed 2016 · both mirror: an endless exchange of expulsions"),
            vec![
                timeline("United States", &a, &[(0, 35.0), (1, 35.0), (5, 10.0)]),
                timeline("Russia", &b, &[(0, 35.0), (3, 20.0)]),
            ],
        ),
    ));

    // One actor far above the others, on an uneven ladder.
    let mut meta = us_russia_meta("seed 7 · an uneven ladder: one actor goes nuclear");
    meta.title = "Uneven ladder".into();
    meta.rungs.push(RungMark::new("Nuclear strike", 20.0));
    meta.thresholds
        .push(LevelMark::new("Nuclear threshold", 12.0));
    let mut top = vec![0.0; 12];
    top[3..].fill(20.0);
    out.push((
        "edge-far-above",
        Demo::Timeline(
            meta,
            vec![
                timeline("Escalator", &top, &[(3, 1.0)]),
                timeline("Mirror", &rng.walk(12, 0.0, 3.0, 1.0), &[]),
                timeline("Restrainer", &rng.walk(12, 0.0, 2.0, 0.0), &[]),
            ],
        ),
    ));

    // Conciliatory (negative) levels.
    let neg_meta = ChartMeta {
        title: "Graduated reciprocation (GRIT)".into(),
        subtitle: "seed 3 · replicate 0".into(),
        rungs: vec![
            RungMark::new("Joint declaration", -3.0),
            RungMark::new("Lift a sanction", -2.0),
            RungMark::new("Goodwill gesture", -1.0),
            RungMark::new("No new measures", 0.0),
            RungMark::new("Protest", 1.0),
            RungMark::new("Expel diplomats", 2.0),
        ],
        thresholds: vec![],
        events: vec![
            EventMark::new(4, "Summit"),
            EventMark::new(9, "Talks collapse"),
        ],
        rounds: 16,
        round_unit: "week".into(),
        start: Some("2017-03-06".into()),
    };
    out.push((
        "edge-negative",
        Demo::Timeline(
            neg_meta.clone(),
            vec![
                timeline(
                    "North",
                    &[
                        2., 1., 0., -1., -1., -2., -2., -3., -3., 1., 2., 2., 1., 0., 0., -1.,
                    ],
                    &[],
                ),
                timeline(
                    "South",
                    &[
                        2., 2., 1., 0., -1., -1., -2., -2., -3., -3., 2., 2., 2., 0., -1., -1.,
                    ],
                    &[],
                ),
            ],
        ),
    ));

    // One round.
    let mut one = us_russia_meta("seed 2016 · a single round");
    one.rounds = 1;
    one.events.truncate(1);
    out.push((
        "edge-one-round",
        Demo::Timeline(
            one.clone(),
            vec![
                timeline("United States", &[4.0], &[(0, 35.0)]),
                timeline("Russia", &[0.0], &[]),
            ],
        ),
    ));
    out.push((
        "edge-one-round-fan",
        Demo::Fan(
            one,
            vec![
                fan_from("United States", &[vec![4.0], vec![3.0], vec![4.0]]),
                fan_from("Russia", &[vec![0.0], vec![1.0], vec![2.0]]),
            ],
        ),
    ));

    // 1,000 rounds: monthly from 1950, and plain rounds with magnitudes.
    let mut long = us_russia_meta("seed 11 · 1,000 months");
    long.title = "A long rivalry".into();
    long.rounds = 1000;
    long.start = Some("1950-01".into());
    long.events = vec![
        EventMark::new(150, "Crisis"),
        EventMark::new(400, "Détente"),
        EventMark::new(700, "Collapse"),
    ];
    out.push((
        "edge-1000-months",
        Demo::Timeline(
            long.clone(),
            vec![
                timeline("Blue", &rng.walk(1000, 0.0, 4.0, 0.0), &[]),
                timeline("Orange", &rng.walk(1000, 0.0, 4.0, 2.0), &[]),
            ],
        ),
    ));
    let mut plain = long.clone();
    plain.start = None;
    plain.round_unit = "round".into();
    plain.subtitle = "seed 11 · 1,000 rounds".into();
    let levels = rng.walk(1000, 0.0, 4.0, 0.0);
    let mags: Vec<(u32, f64)> = (0..1000)
        .map(|r| (r, (rng.next() * 50.0).round()))
        .collect();
    out.push((
        "edge-1000-rounds",
        Demo::Timeline(
            plain.clone(),
            vec![
                timeline("Mirror", &levels, &mags),
                timeline("Restrain", &rng.walk(1000, 0.0, 2.0, 0.0), &[]),
            ],
        ),
    ));
    let runs_a: Vec<Vec<f64>> = (0..200).map(|_| rng.walk(1000, 0.0, 4.0, 0.0)).collect();
    let runs_b: Vec<Vec<f64>> = (0..200).map(|_| rng.walk(1000, 0.0, 4.0, 2.0)).collect();
    out.push((
        "edge-1000-rounds-fan",
        Demo::Fan(
            plain,
            vec![fan_from("Mirror", &runs_a), fan_from("Restrain", &runs_b)],
        ),
    ));

    // Long names everywhere.
    let mut long_names =
        us_russia_meta("seed 2016 · replicate 0 · with names far longer than anyone should write");
    long_names.title = "The Democratic People's Republic of Somewhere versus the United Federation of Elsewhere: a very long scenario title indeed".into();
    long_names.rungs[4].name =
        "Shut, seize or nationalise every diplomatic property and commercial asset".into();
    long_names.rungs[2].name = "Expel diplomats, consular staff and their families".into();
    long_names.thresholds[0].name =
        "Economic pressure (sanctions and everything above them)".into();
    out.push((
        "edge-long-names",
        Demo::Timeline(
            long_names,
            vec![
                timeline(
                    "The Democratic People's Republic of Somewhere",
                    &usa,
                    &[(0, 35.0)],
                ),
                timeline(
                    "United Federation of Elsewhere and its Overseas Territories",
                    &russia,
                    &[],
                ),
            ],
        ),
    ));

    // Twelve actors, no events.
    let mut many = us_russia_meta("seed 5 · twelve actors, no events");
    many.title = "A crowded crisis".into();
    many.events.clear();
    let names = [
        "United States",
        "Russia",
        "China",
        "United Kingdom",
        "France",
        "Germany",
        "Japan",
        "India",
        "Brazil",
        "Turkey",
        "Iran",
        "South Africa",
    ];
    let series: Vec<TimelineSeries> = names
        .iter()
        .map(|n| timeline(n, &rng.walk(24, 0.0, 4.0, 1.0), &[]))
        .collect();
    many.rounds = 24;
    out.push(("edge-12-actors", Demo::Timeline(many.clone(), series)));
    let fans: Vec<FanSeries> = names
        .iter()
        .take(4)
        .map(|n| {
            let runs: Vec<Vec<f64>> = (0..100).map(|_| rng.walk(24, 0.0, 4.0, 1.0)).collect();
            fan_from(n, &runs)
        })
        .collect();
    out.push(("edge-4-actors-fan", Demo::Fan(many.clone(), fans)));

    // Many events, some in the same or neighbouring rounds.
    let mut eventful = us_russia_meta("seed 2016 · replicate 0 · a busy year");
    eventful.rounds = 24;
    eventful.events = (0..24)
        .step_by(2)
        .map(|r| {
            EventMark::new(
                r,
                format!("Event number {r} with a fairly long description"),
            )
        })
        .chain([
            EventMark::new(5, "Election"),
            EventMark::new(5, "Coup attempt"),
        ])
        .collect();
    out.push((
        "edge-many-events",
        Demo::Timeline(
            eventful.clone(),
            vec![
                timeline("United States", &rng.walk(24, 0.0, 4.0, 2.0), &[]),
                timeline("Russia", &rng.walk(24, 0.0, 4.0, 2.0), &[]),
            ],
        ),
    ));
    // A few events, close together: direct labels in rows.
    eventful.events = vec![
        EventMark::new(2, "Embassy closed"),
        EventMark::new(3, "Ambassador recalled"),
        EventMark::new(4, "Talks"),
        EventMark::new(12, "Elections"),
        EventMark::new(13, "New government"),
        EventMark::new(23, "Treaty signed at last"),
    ];
    out.push((
        "edge-some-events",
        Demo::Timeline(
            eventful,
            vec![
                timeline("United States", &rng.walk(24, 0.0, 4.0, 2.0), &[]),
                timeline("Russia", &rng.walk(24, 0.0, 4.0, 2.0), &[]),
            ],
        ),
    ));

    // A dense ladder (Kahn has 44 rungs).
    let kahn = ChartMeta {
        title: "A 44-rung ladder".into(),
        subtitle: "seed 44 · replicate 0".into(),
        rungs: (0..44)
            .map(|i| RungMark::new(format!("Rung {i:02}"), f64::from(i)))
            .collect(),
        thresholds: vec![
            LevelMark::new("Don't rock the boat", 3.5),
            LevelMark::new("Nuclear war is unthinkable", 20.5),
            LevelMark::new("No nuclear use", 14.5),
        ],
        events: vec![],
        rounds: 40,
        round_unit: "day".into(),
        start: Some("1962-10-16".into()),
    };
    out.push((
        "edge-dense-ladder",
        Demo::Timeline(
            kahn,
            vec![
                timeline(
                    "Kennedy",
                    &rng.walk(40, 0.0, 43.0, 10.0)
                        .iter()
                        .map(|v| v * 2.0 % 44.0)
                        .collect::<Vec<_>>(),
                    &[],
                ),
                timeline("Khrushchev", &rng.walk(40, 0.0, 43.0, 12.0), &[]),
            ],
        ),
    ));

    // Three actors: two columns, the lower right panel left empty.
    let fans: Vec<FanSeries> = ["United States", "Russia", "China"]
        .iter()
        .map(|n| {
            let runs: Vec<Vec<f64>> = (0..100).map(|_| rng.walk(12, 0.0, 4.0, 1.0)).collect();
            fan_from(n, &runs)
        })
        .collect();
    out.push((
        "edge-3-actors-fan",
        Demo::Fan(
            us_russia_meta("seed 5 · three actors, 100 replicates"),
            fans,
        ),
    ));

    // Twelve actors with events: four columns of small panels.
    let mut crowded = many;
    crowded.subtitle = "seed 5 · twelve actors, 100 replicates".into();
    crowded.events = vec![
        EventMark::new(2, "Embassy closed"),
        EventMark::new(3, "Ambassador recalled"),
        EventMark::new(11, "Summit in Geneva"),
        EventMark::new(11, "Sanctions lifted"),
        EventMark::new(18, "Talks collapse after a border incident"),
    ];
    let fans: Vec<FanSeries> = names
        .iter()
        .map(|n| {
            let runs: Vec<Vec<f64>> = (0..100).map(|_| rng.walk(24, 0.0, 4.0, 1.0)).collect();
            fan_from(n, &runs)
        })
        .collect();
    out.push(("edge-12-actors-fan", Demo::Fan(crowded, fans)));
    out
}
