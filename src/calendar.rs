//! Round labels: round numbers as dates when a scenario gives a start.

/// The label of `round` for a scenario starting at `start` with rounds of `unit`:
/// `2017-01` for round 1 from `2016-12` in months, `2018-03-19` for round 1 from
/// `2018-03-12` in weeks, `round 3` when there is no start or it cannot be read.
pub fn round_label(start: Option<&str>, unit: &str, round: u32) -> String {
    start
        .and_then(|s| dated(s, unit, i64::from(round)))
        .unwrap_or_else(|| format!("{} {round}", unit_name(unit)))
}

/// The unit as written, or `round` when empty.
fn unit_name(unit: &str) -> &str {
    if unit.trim().is_empty() {
        "round"
    } else {
        unit
    }
}

fn dated(start: &str, unit: &str, n: i64) -> Option<String> {
    let parts: Vec<i64> = start
        .split('-')
        .map(|p| p.parse().ok())
        .collect::<Option<_>>()?;
    let unit = unit.trim_end_matches('s');
    match (parts.as_slice(), unit) {
        (&[y], "year") => Some(format!("{}", y + n)),
        (&[y, m], "month") if (1..=12).contains(&m) => {
            let months = y * 12 + (m - 1) + n;
            Some(format!(
                "{}-{:02}",
                months.div_euclid(12),
                months.rem_euclid(12) + 1
            ))
        }
        (&[y, m], "quarter") if (1..=12).contains(&m) => {
            let months = y * 12 + (m - 1) + 3 * n;
            Some(format!(
                "{}-{:02}",
                months.div_euclid(12),
                months.rem_euclid(12) + 1
            ))
        }
        (&[y, m, d], "day" | "week") if (1..=12).contains(&m) && (1..=31).contains(&d) => {
            let step = if unit == "week" { 7 } else { 1 };
            let (y, m, d) = civil_from_days(days_from_civil(y, m, d) + step * n);
            Some(format!("{y}-{m:02}-{d:02}"))
        }
        _ => None,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date of a day count since 1970-01-01.
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (
        if m <= 2 {
            yoe + era * 400 + 1
        } else {
            yoe + era * 400
        },
        m,
        d,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_roll_over_years() {
        assert_eq!(round_label(Some("2016-12"), "month", 0), "2016-12");
        assert_eq!(round_label(Some("2016-12"), "month", 1), "2017-01");
        assert_eq!(round_label(Some("2016-12"), "months", 25), "2019-01");
    }

    #[test]
    fn weeks_and_days_follow_the_calendar() {
        assert_eq!(round_label(Some("2018-03-12"), "week", 3), "2018-04-02");
        assert_eq!(round_label(Some("2016-02-28"), "day", 1), "2016-02-29");
        assert_eq!(round_label(Some("2016-12-29"), "day", 3), "2017-01-01");
    }

    #[test]
    fn falls_back_to_round_numbers() {
        assert_eq!(round_label(None, "month", 3), "month 3");
        assert_eq!(round_label(Some("spring"), "month", 3), "month 3");
        assert_eq!(round_label(Some("2016-12"), "week", 3), "week 3");
        assert_eq!(round_label(None, "", 2), "round 2");
        assert_eq!(round_label(Some("2016"), "year", 2), "2018");
    }
}
