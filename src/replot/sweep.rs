//! What a comparison that sweeps settings adds to its charts, read from the swept
//! columns of `comparison.csv`: the sweep chart's lines when one setting is swept,
//! and the heatmap's grid when two are.

use super::variant::Read;
use crate::plot::{PolicyGrid, SweepLine, SweepPoint};
use crate::scenario::{KeyPath, Scenario};

/// Whether `column` of `comparison.csv` names a swept setting of `scenario`: a key
/// path, or an actor's id and a parameter (`russia.scale`).
pub(super) fn is_swept_column(scenario: &Scenario, column: &str) -> bool {
    KeyPath::find(column).is_some()
        || column.rsplit_once('.').is_some_and(|(actor, param)| {
            scenario.actor_index(actor).is_some() && !param.is_empty()
        })
}

/// The swept columns (indices) that take at least two values.
fn dimensions(read: &[Read], columns: usize) -> Vec<usize> {
    (0..columns)
        .filter(|&c| {
            let mut values: Vec<f64> = read.iter().filter_map(|v| v.swept[c]).collect();
            values.sort_by(f64::total_cmp);
            values.dedup();
            values.len() >= 2
        })
        .collect()
}

/// The lines of the sweep chart when exactly one setting takes several values: the
/// swept column's name, and one line per name the variants share once the swept
/// value is taken out (variants without the setting are lines of their own, drawn
/// level). `None` for any other comparison, or one whose lines would have two
/// points at one value.
pub(super) fn sweep_lines(swept: &[String], read: &[Read]) -> Option<(String, Vec<SweepLine>)> {
    let dims = dimensions(read, swept.len());
    let &[c] = dims.as_slice() else {
        return None;
    };
    let column = &swept[c];
    let mut keys: Vec<String> = Vec::new();
    let mut lines: Vec<Vec<SweepPoint>> = Vec::new();
    for v in read {
        let key = match v.swept[c] {
            Some(_) => crate::vary::name_without(&v.name, column)?,
            None => v.name.clone(),
        };
        let point = SweepPoint {
            x: v.swept[c],
            mean: v.rank_mean.0,
            se: v.rank_mean.1,
            tied: v.tied,
        };
        match keys.iter().position(|k| *k == key) {
            Some(i) => lines[i].push(point),
            None => {
                keys.push(key);
                lines.push(vec![point]);
            }
        }
    }
    for points in &mut lines {
        points.sort_by(|a, b| a.x.unwrap_or(f64::NAN).total_cmp(&b.x.unwrap_or(f64::NAN)));
        if points.windows(2).any(|w| w[0].x == w[1].x) {
            return None;
        }
    }
    let labels = labels(&keys);
    Some((
        column.clone(),
        labels
            .into_iter()
            .zip(lines)
            .map(|(label, points)| SweepLine { label, points })
            .collect(),
    ))
}

/// Legend names for lines named `keys`: each without the parts every line shares,
/// unless nothing would be left.
fn labels(keys: &[String]) -> Vec<String> {
    let parts: Vec<Vec<&str>> = keys
        .iter()
        .map(|k| crate::vary::split_top(k, ',').unwrap_or_else(|_| vec![k.as_str()]))
        .collect();
    if keys.len() < 2 {
        return keys.to_vec();
    }
    parts
        .iter()
        .zip(keys)
        .map(|(own, key)| {
            let kept: Vec<&str> = own
                .iter()
                .copied()
                .filter(|p| !parts.iter().all(|other| other.contains(p)))
                .collect();
            if kept.is_empty() {
                key.clone()
            } else {
                kept.join(", ")
            }
        })
        .collect()
}

/// The heatmap's grid when exactly two settings are swept, every variant has a value
/// of both and each pair occurs once: rows the first setting's values, columns the
/// second's, in the order run; cells index the ranked variants (`order`).
pub(super) fn swept_grid(swept: &[String], read: &[Read], order: &[usize]) -> Option<PolicyGrid> {
    let dims = dimensions(read, swept.len());
    let &[a, b] = dims.as_slice() else {
        return None;
    };
    let pairs: Vec<(f64, f64)> = read
        .iter()
        .map(|v| Some((v.swept[a]?, v.swept[b]?)))
        .collect::<Option<_>>()?;
    let mut rows: Vec<f64> = Vec::new();
    let mut cols: Vec<f64> = Vec::new();
    for &(r, c) in &pairs {
        if !rows.contains(&r) {
            rows.push(r);
        }
        if !cols.contains(&c) {
            cols.push(c);
        }
    }
    if rows.len() * cols.len() != pairs.len() {
        return None;
    }
    let mut place = vec![0; order.len()];
    for (k, &i) in order.iter().enumerate() {
        place[i] = k;
    }
    let mut cells = vec![vec![usize::MAX; cols.len()]; rows.len()];
    for (i, (r, c)) in pairs.iter().enumerate() {
        let (r, c) = (
            rows.iter().position(|x| x == r)?,
            cols.iter().position(|x| x == c)?,
        );
        if cells[r][c] != usize::MAX {
            return None;
        }
        cells[r][c] = place[i];
    }
    Some(PolicyGrid {
        row_actor: swept[a].clone(),
        rows: rows.iter().map(|x| x.to_string()).collect(),
        col_actor: swept[b].clone(),
        cols: cols.iter().map(|x| x.to_string()).collect(),
        cells,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(name: &str, swept: &[Option<f64>], mean: f64) -> Read {
        Read {
            name: name.into(),
            actors: vec![],
            peak_means: vec![],
            rank: 0,
            tied: false,
            rank_mean: (mean, 0.1),
            swept: swept.to_vec(),
        }
    }

    #[test]
    fn one_swept_setting_makes_a_line_per_other_policy() {
        let swept = ["russia.scale".to_string()];
        let all = [
            read("usa=mirror,russia=mirror:scale=1", &[Some(1.0)], 3.0),
            read("usa=mirror,russia=mirror:scale=0.5", &[Some(0.5)], 2.0),
            read("usa=hold,russia=mirror:scale=0.5", &[Some(0.5)], 1.0),
            read("usa=hold,russia=mirror:scale=1", &[Some(1.0)], 1.5),
            read("usa=hold,russia=restrain", &[None], 0.5),
        ];
        let (column, lines) = sweep_lines(&swept, &all).expect("a sweep");
        assert_eq!(column, "russia.scale");
        let labels: Vec<&str> = lines.iter().map(|l| l.label.as_str()).collect();
        assert_eq!(
            labels,
            [
                "usa=mirror, russia=mirror",
                "usa=hold, russia=mirror",
                "usa=hold, russia=restrain"
            ]
        );
        // Sorted by the swept value.
        assert_eq!(lines[0].points[0].x, Some(0.5));
        assert_eq!(lines[0].points[1].mean, 3.0);
        assert_eq!(lines[2].points[0].x, None);
        // Two settings swept: a grid, not a line.
        assert!(swept_grid(&swept, &all, &[0, 1, 2, 3, 4]).is_none());
    }

    #[test]
    fn two_swept_settings_make_a_grid() {
        let swept = ["rounds".to_string(), "noise.misperception".to_string()];
        let mut all = Vec::new();
        for r in [6.0, 12.0] {
            for m in [0.0, 0.1, 0.2] {
                all.push(read(
                    &format!("rounds={r},noise.misperception={m}"),
                    &[Some(r), Some(m)],
                    m,
                ));
            }
        }
        let order: Vec<usize> = (0..6).collect();
        let grid = swept_grid(&swept, &all, &order).expect("a 2 x 3 grid");
        assert_eq!(grid.rows, ["6", "12"]);
        assert_eq!(grid.cols, ["0", "0.1", "0.2"]);
        assert_eq!(grid.cells, [[0, 1, 2], [3, 4, 5]]);
        assert!(sweep_lines(&swept, &all).is_none());
    }
}
