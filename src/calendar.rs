//! Round labels: turning a round number into a calendar label ("2017-01") when the
//! scenario gives a start, and choosing which rounds get a tick on the x axis.
//!
//! Dates are handled by hand (the proleptic Gregorian calendar, as ISO 8601 writes
//! it) because the library needs only "add n months / n days" and a formatter;
//! pulling in a date crate for that would be the only reason to have one.

use std::fmt;

/// A parsed `start` label. Its precision decides the label format for units
/// that keep the precision (`year`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Start {
    /// `2016`
    Year(i64),
    /// `2016-Q4`
    Quarter(i64, u32),
    /// `2016-12`
    Month(i64, u32),
    /// `2016-12-29`
    Day(i64, u32, u32),
}

/// How rounds map to the calendar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Unit {
    Day,
    Week,
    Month,
    Quarter,
    Year,
}

impl Unit {
    fn parse(unit: &str) -> Option<Unit> {
        let unit = unit.trim().to_ascii_lowercase();
        // Accept the plural too: "months" reads naturally in a scenario file.
        let unit = unit.strip_suffix('s').unwrap_or(&unit);
        match unit {
            "day" => Some(Unit::Day),
            "week" => Some(Unit::Week),
            "month" => Some(Unit::Month),
            "quarter" => Some(Unit::Quarter),
            "year" => Some(Unit::Year),
            _ => None,
        }
    }
}

/// Why a `start` label cannot be used with a round unit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StartError {
    /// The start label as given.
    pub start: String,
    /// The round unit as given.
    pub unit: String,
    /// What is wrong, in plain words.
    pub reason: &'static str,
}

impl fmt::Display for StartError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "start {:?} with round unit {:?}: {}",
            self.start, self.unit, self.reason
        )
    }
}

impl std::error::Error for StartError {}

/// Checks that `start` can label rounds of `unit`, so a scenario can reject a bad
/// start up front instead of getting charts labelled `month 3`.
///
/// Accepted starts: `YYYY`, `YYYY-Qn`, `YYYY-MM`, `YYYY-MM-DD`. Units with a
/// calendar are `day`, `week`, `month`, `quarter` and `year` (plurals too); any
/// other unit (`round`, `turn`) cannot have a start.
pub fn check_start(start: &str, unit: &str) -> Result<(), StartError> {
    let err = |reason| StartError {
        start: start.to_owned(),
        unit: unit.to_owned(),
        reason,
    };
    if Unit::parse(unit).is_none() {
        return Err(err(
            "only the units day, week, month, quarter and year can have a start date",
        ));
    }
    match parse_start(start) {
        Some(_) => Ok(()),
        None => Err(err(
            "expected a date written YYYY, YYYY-Qn, YYYY-MM or YYYY-MM-DD (e.g. 2016-12)",
        )),
    }
}

/// Why a date cannot be placed on a scenario's rounds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateError {
    /// Not a date written `YYYY-MM-DD` or `YYYY-MM` naming a real day or month.
    Malformed,
    /// The scenario has no `start`, or its round unit has no calendar.
    NoCalendar,
    /// A month (`YYYY-MM`) where rounds are days or weeks, which need the day.
    NeedsDay,
}

impl fmt::Display for DateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            DateError::Malformed => {
                "expected a date written YYYY-MM-DD or YYYY-MM (e.g. 2017-07-28)"
            }
            DateError::NoCalendar => {
                "the scenario has no calendar: give it a `start` and a round_unit of day, week, month, quarter or year"
            }
            DateError::NeedsDay => "rounds are days or weeks here: write the day, YYYY-MM-DD",
        })
    }
}

/// The round that holds `date` (`YYYY-MM-DD`, or `YYYY-MM` when rounds are months or
/// longer) in a scenario whose round 0 is `start` and whose rounds are `unit`s;
/// negative for a date before the start.
///
/// A round stands for the whole calendar unit its label names, as [`round_label`]
/// writes it: in a monthly scenario from `2016-12`, every day of January 2017 is
/// round 1.
///
/// ```
/// use escalate::calendar::round_of_date;
/// assert_eq!(round_of_date("2016-12", "month", "2017-07-28"), Ok(7));
/// assert_eq!(round_of_date("2016-12", "month", "2017-07"), Ok(7));
/// assert_eq!(round_of_date("2016-12-29", "week", "2017-01-05"), Ok(1));
/// assert_eq!(round_of_date("2016-12", "month", "2016-11-30"), Ok(-1));
/// ```
pub fn round_of_date(start: &str, unit: &str, date: &str) -> Result<i64, DateError> {
    let (Some(start), Some(unit)) = (parse_start(start), Unit::parse(unit)) else {
        return Err(DateError::NoCalendar);
    };
    let date = match parse_start(date) {
        Some(d @ (Start::Month(..) | Start::Day(..))) => d,
        _ => return Err(DateError::Malformed),
    };
    let months = start_month_index(date) - start_month_index(start);
    Ok(match unit {
        Unit::Month => months,
        Unit::Quarter => {
            start_month_index(date).div_euclid(3) - start_month_index(start).div_euclid(3)
        }
        Unit::Year => months.div_euclid(12),
        Unit::Week | Unit::Day => {
            if matches!(date, Start::Month(..)) {
                return Err(DateError::NeedsDay);
            }
            let per = if unit == Unit::Week { 7 } else { 1 };
            (start_day_number(date) - start_day_number(start)).div_euclid(per)
        }
    })
}

/// Whether `start` is a date written as a scenario's `start` may be: `YYYY`,
/// `YYYY-Qn`, `YYYY-MM` or `YYYY-MM-DD`, naming a real quarter, month or day.
pub(crate) fn is_start_date(start: &str) -> bool {
    parse_start(start).is_some()
}

/// Whether rounds of `unit` have a calendar, so that a `start` labels them.
pub(crate) fn has_calendar(unit: &str) -> bool {
    Unit::parse(unit).is_some()
}

/// The label of `round`: a calendar label when `start` is given and fits the unit,
/// otherwise the unit and the number.
///
/// ```
/// use escalate::plot::round_label;
/// assert_eq!(round_label(Some("2016-12"), "month", 1), "2017-01");
/// assert_eq!(round_label(Some("2016-12-29"), "week", 1), "2017-01-05");
/// assert_eq!(round_label(Some("2016"), "year", 3), "2019");
/// assert_eq!(round_label(None, "month", 3), "month 3");
/// ```
///
/// Month labels from a day start drop the day (`2016-12-29`, month 1 ⇒ `2017-01`):
/// a month round stands for the whole month. A start that does not parse falls
/// back to `month 3`; [`check_start`] tells the user why.
pub fn round_label(start: Option<&str>, unit: &str, round: u32) -> String {
    calendar_label(start, unit, round).unwrap_or_else(|| format!("{} {round}", unit.trim()))
}

/// The calendar label of `round`, or `None` when there is no usable start.
pub(crate) fn calendar_label(start: Option<&str>, unit: &str, round: u32) -> Option<String> {
    let start = parse_start(start?)?;
    let unit = Unit::parse(unit)?;
    let r = i64::from(round);
    Some(match unit {
        Unit::Month => {
            let (y, m) = month_index_to_ym(start_month_index(start) + r);
            format!("{}-{m:02}", year(y))
        }
        Unit::Quarter => {
            let q = start_month_index(start).div_euclid(3) + r;
            format!("{}-Q{}", year(q.div_euclid(4)), q.rem_euclid(4) + 1)
        }
        Unit::Year => match start {
            Start::Year(y) => year(y + r),
            Start::Quarter(y, q) => format!("{}-Q{q}", year(y + r)),
            Start::Month(y, m) => format!("{}-{m:02}", year(y + r)),
            Start::Day(y, m, d) => {
                // 29 February plus one year is 28 February.
                let d = d.min(days_in_month(y + r, m));
                format!("{}-{m:02}-{d:02}", year(y + r))
            }
        },
        Unit::Week | Unit::Day => {
            let per = if unit == Unit::Week { 7 } else { 1 };
            let (y, m, d) = civil_from_days(start_day_number(start) + r * per);
            format!("{}-{m:02}-{d:02}", year(y))
        }
    })
}

/// Zero-padded four-digit year (years past 9999 simply get more digits).
fn year(y: i64) -> String {
    format!("{y:04}")
}

/// Rounds that get a labelled tick on an axis from 0 to `rounds`, at most
/// `max_ticks` of them. With a calendar the ticks fall on round calendar
/// boundaries (every quarter, every January, every fifth year) rather than on
/// every n-th round counted from an arbitrary start.
pub(crate) fn axis_ticks(
    start: Option<&str>,
    unit: &str,
    rounds: u32,
    max_ticks: usize,
) -> Vec<u32> {
    let max_ticks = max_ticks.max(2);
    let calendar = start
        .and_then(parse_start)
        .zip(Unit::parse(unit))
        .filter(|_| calendar_label(start, unit, 0).is_some());
    // `index(r)` numbers rounds on a calendar-aligned scale, so that "every k-th
    // tick" means `index % k == 0`.
    let (index, steps): (Box<dyn Fn(u32) -> i64>, Vec<i64>) = match calendar {
        Some((s, Unit::Month)) => {
            let base = start_month_index(s);
            (
                Box::new(move |r| base + i64::from(r)),
                [1, 2, 3, 6, 12]
                    .into_iter()
                    .chain(nice_steps(24, 12))
                    .collect(),
            )
        }
        Some((s, Unit::Quarter)) => {
            let base = start_month_index(s).div_euclid(3);
            (
                Box::new(move |r| base + i64::from(r)),
                [1, 2, 4].into_iter().chain(nice_steps(8, 4)).collect(),
            )
        }
        Some((s, Unit::Year)) => {
            let base = match s {
                Start::Year(y) | Start::Quarter(y, _) | Start::Month(y, _) | Start::Day(y, ..) => y,
            };
            (Box::new(move |r| base + i64::from(r)), nice_steps(1, 1))
        }
        Some((_, Unit::Week)) => (
            Box::new(i64::from),
            [1, 2, 4, 13, 26]
                .into_iter()
                .chain(nice_steps(52, 52))
                .collect(),
        ),
        Some((_, Unit::Day)) => (
            Box::new(i64::from),
            [1, 2, 7, 14, 28, 91, 182]
                .into_iter()
                .chain(nice_steps(365, 365))
                .collect(),
        ),
        None => (Box::new(i64::from), nice_steps(1, 1)),
    };
    for step in steps {
        // Every month or every other month has no calendar meaning to align
        // to, so those ticks start at round 0 and the start date is labelled;
        // quarters, half-years and years fall on their calendar boundaries.
        let aligned = |r: u32| if step <= 2 { i64::from(r) } else { index(r) };
        let first = (0..=rounds.min(u32::try_from(step).unwrap_or(u32::MAX)))
            .find(|&r| aligned(r).rem_euclid(step) == 0);
        let Some(first) = first else { continue };
        let step_u = u32::try_from(step).unwrap_or(u32::MAX);
        let count = (rounds - first) / step_u + 1;
        if count as usize <= max_ticks {
            return (first..=rounds).step_by(step_u as usize).collect();
        }
    }
    // Unreachable in practice (the steps grow without bound), but never panic.
    vec![0, rounds]
}

/// 1, 2, 5, 10, 20, 50, … times `unit`, starting at `from`, up to the i64 range.
fn nice_steps(from: i64, unit: i64) -> Vec<i64> {
    let mut out = Vec::new();
    let mut decade: i64 = 1;
    while let Some(d) = decade.checked_mul(unit) {
        for k in [1, 2, 5] {
            if let Some(s) = d.checked_mul(k)
                && s >= from
            {
                out.push(s);
            }
        }
        decade = match decade.checked_mul(10) {
            Some(d) if d < 1_000_000_000_000 => d,
            _ => break,
        };
    }
    out
}

fn parse_start(s: &str) -> Option<Start> {
    let s = s.trim();
    let num = |t: &str, digits: usize| -> Option<i64> {
        (t.len() == digits && t.bytes().all(|b| b.is_ascii_digit()))
            .then(|| t.parse().ok())
            .flatten()
    };
    let parts: Vec<&str> = s.split('-').collect();
    match parts.as_slice() {
        [y] => Some(Start::Year(num(y, 4)?)),
        [y, q] if q.starts_with(['Q', 'q']) => {
            let (y, q) = (num(y, 4)?, num(&q[1..], 1)?);
            (1..=4).contains(&q).then_some(Start::Quarter(y, q as u32))
        }
        [y, m] => {
            let (y, m) = (num(y, 4)?, num(m, 2)?);
            (1..=12).contains(&m).then_some(Start::Month(y, m as u32))
        }
        [y, m, d] => {
            let (y, m, d) = (num(y, 4)?, num(m, 2)?, num(d, 2)?);
            let ok = (1..=12).contains(&m) && d >= 1 && d <= i64::from(days_in_month(y, m as u32));
            ok.then_some(Start::Day(y, m as u32, d as u32))
        }
        _ => None,
    }
}

/// Months since January of year 0.
fn start_month_index(s: Start) -> i64 {
    match s {
        Start::Year(y) => y * 12,
        Start::Quarter(y, q) => y * 12 + i64::from(q - 1) * 3,
        Start::Month(y, m) | Start::Day(y, m, _) => y * 12 + i64::from(m) - 1,
    }
}

fn month_index_to_ym(i: i64) -> (i64, u32) {
    (i.div_euclid(12), (i.rem_euclid(12) + 1) as u32)
}

fn start_day_number(s: Start) -> i64 {
    match s {
        Start::Year(y) => days_from_civil(y, 1, 1),
        Start::Quarter(y, q) => days_from_civil(y, (q - 1) * 3 + 1, 1),
        Start::Month(y, m) => days_from_civil(y, m, 1),
        Start::Day(y, m, d) => days_from_civil(y, m, d),
    }
}

fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        2 if is_leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

// Day numbers relative to 1970-01-01, after Howard Hinnant's `days_from_civil`
// and `civil_from_days` (public domain), which are exact for every i64 year the
// arithmetic here can reach.
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_fall_in_the_round_whose_label_names_them() {
        assert_eq!(round_of_date("2016-12", "month", "2016-12-01"), Ok(0));
        assert_eq!(round_of_date("2016-12", "months", "2018-03-31"), Ok(15));
        assert_eq!(round_of_date("2016-Q4", "quarter", "2017-04-01"), Ok(2));
        assert_eq!(round_of_date("2016", "year", "2018-06"), Ok(2));
        assert_eq!(round_of_date("2016-12-29", "day", "2017-01-01"), Ok(3));
        assert_eq!(round_of_date("2016-12-29", "week", "2016-12-28"), Ok(-1));
        for bad in [
            "2017-13-01",
            "2017-02-30",
            "17-01-01",
            "2017",
            "2017-Q1",
            "July 2017",
        ] {
            assert_eq!(
                round_of_date("2016-12", "month", bad),
                Err(DateError::Malformed),
                "{bad}"
            );
        }
        assert_eq!(
            round_of_date("2016-12", "week", "2017-01"),
            Err(DateError::NeedsDay)
        );
        assert_eq!(
            round_of_date("2016-12", "round", "2017-01"),
            Err(DateError::NoCalendar)
        );
    }

    #[test]
    fn months_roll_over_the_year() {
        assert_eq!(round_label(Some("2016-12"), "month", 0), "2016-12");
        assert_eq!(round_label(Some("2016-12"), "month", 1), "2017-01");
        assert_eq!(round_label(Some("2016-12"), "month", 13), "2018-01");
        assert_eq!(round_label(Some("2016-12"), "months", 12), "2017-12");
        assert_eq!(round_label(Some("2016-12-29"), "month", 1), "2017-01");
    }

    #[test]
    fn weeks_and_days_count_calendar_days() {
        assert_eq!(round_label(Some("2016-12-29"), "week", 0), "2016-12-29");
        assert_eq!(round_label(Some("2016-12-29"), "week", 1), "2017-01-05");
        assert_eq!(round_label(Some("2016-12-29"), "day", 3), "2017-01-01");
        assert_eq!(round_label(Some("2016-02-28"), "day", 1), "2016-02-29");
        assert_eq!(round_label(Some("2017-02-28"), "day", 1), "2017-03-01");
        assert_eq!(round_label(Some("2016-12"), "week", 1), "2016-12-08");
        assert_eq!(round_label(Some("1999-12-31"), "day", 366), "2000-12-31");
    }

    #[test]
    fn years_and_quarters_keep_their_precision() {
        assert_eq!(round_label(Some("2016"), "year", 0), "2016");
        assert_eq!(round_label(Some("2016"), "year", 4), "2020");
        assert_eq!(round_label(Some("2016-02-29"), "year", 1), "2017-02-28");
        assert_eq!(round_label(Some("2016-Q4"), "quarter", 1), "2017-Q1");
        assert_eq!(round_label(Some("2016-12"), "quarter", 0), "2016-Q4");
    }

    #[test]
    fn without_a_usable_start_the_unit_and_number_are_shown() {
        assert_eq!(round_label(None, "month", 3), "month 3");
        assert_eq!(round_label(None, "round", 0), "round 0");
        assert_eq!(round_label(Some("2016-12"), "round", 2), "round 2");
        assert_eq!(round_label(Some("December 2016"), "month", 2), "month 2");
        assert_eq!(round_label(Some("2016-13"), "month", 2), "month 2");
        assert_eq!(round_label(Some("2017-02-29"), "day", 2), "day 2");
    }

    #[test]
    fn check_start_explains_what_is_wrong() {
        assert!(check_start("2016-12", "month").is_ok());
        assert!(check_start("2016-Q4", "quarter").is_ok());
        let e = check_start("12/2016", "month").unwrap_err();
        assert!(e.to_string().contains("YYYY-MM"), "{e}");
        let e = check_start("2016", "round").unwrap_err();
        assert!(e.to_string().contains("round unit \"round\""), "{e}");
    }

    #[test]
    fn tells_dates_from_other_text() {
        for good in ["2016", "2016-Q4", "2016-12", "2016-02-29", "2016-12-31"] {
            assert!(is_start_date(good), "{good}");
        }
        for bad in [
            "2016-13",
            "2016-02-30",
            "2015-02-29",
            "garbage",
            "-500",
            "July 2021",
            "",
            "2016-Q5",
        ] {
            assert!(!is_start_date(bad), "{bad}");
        }
        assert!(has_calendar("months") && !has_calendar("round"));
    }

    #[test]
    fn huge_rounds_do_not_overflow() {
        assert_eq!(
            round_label(Some("2016-12"), "month", u32::MAX),
            "357915958-03"
        );
        let _ = round_label(Some("2016-12-29"), "day", u32::MAX);
        let _ = round_label(Some("2016"), "year", u32::MAX);
    }

    #[test]
    fn ticks_fall_on_calendar_boundaries() {
        // Twelve months fit: every month is labelled.
        assert_eq!(
            axis_ticks(Some("2016-12"), "month", 12, 20),
            (0..=12).collect::<Vec<_>>()
        );
        // Room for seven: every other month from the start.
        assert_eq!(
            axis_ticks(Some("2016-12"), "month", 12, 7),
            vec![0, 2, 4, 6, 8, 10, 12]
        );
        // Room for five: every quarter start (Jan, Apr, Jul, Oct).
        assert_eq!(
            axis_ticks(Some("2016-12"), "month", 12, 5),
            vec![1, 4, 7, 10]
        );
        // Ten years of months, room for twelve: every January.
        let t = axis_ticks(Some("2016-12"), "month", 120, 12);
        assert_eq!(t, (1..=120).step_by(12).collect::<Vec<_>>());
        // 1000 plain rounds, room for 12: every 100.
        assert_eq!(
            axis_ticks(None, "round", 1000, 12),
            (0..=1000).step_by(100).collect::<Vec<_>>()
        );
        assert_eq!(axis_ticks(None, "round", 1, 12), vec![0, 1]);
        assert_eq!(axis_ticks(None, "round", 0, 12), vec![0]);
    }
}
