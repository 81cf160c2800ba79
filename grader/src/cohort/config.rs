//! `cohort.toml` and `roster.csv`: which labs, due when, how late work is
//! marked down, and who the learners are.
//!
//! ```toml
//! name = "spring"
//! course = "/home/me/ninety"      # the instructor repository
//! roster = "roster.csv"
//!
//! [late]
//! penalty_per_day = 10.0   # percent of the points earned, for each day begun
//! cap = 50.0               # the most taken off, in percent
//! grace_hours = 1.0        # late by less than this is on time
//!
//! [[lab]]
//! name = "frame"
//! due = "2026-05-01T23:59:00Z"
//! ```
//!
//! The roster is a CSV file with a header: `id,name,email,repository` (other
//! columns are kept out of the way). `repository` is where `collect` takes
//! the learner's work from: a git URL, a local git repository or folder, or
//! a `.tar`/`.tar.gz` archive; a relative path is read from the cohort folder.

use super::{CohortError, line_of};
use ninety_kit::Stage;
use serde::Deserialize;
use std::path::{Path, PathBuf};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// How late work is marked down.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LatePolicy {
    /// Percent of the points earned taken off for each day late; a day
    /// begun counts as a day.
    pub penalty_per_day: f64,
    /// The most taken off, in percent.
    pub cap: f64,
    /// Work late by at most this many hours is on time.
    #[serde(default)]
    pub grace_hours: f64,
}

impl Default for LatePolicy {
    fn default() -> Self {
        Self {
            penalty_per_day: 10.0,
            cap: 50.0,
            grace_hours: 0.0,
        }
    }
}

/// How late one submission was, and what that costs.
#[derive(Debug, Clone, Copy, PartialEq, Default, serde::Serialize)]
pub struct Lateness {
    /// Days late (a day begun counts); 0 when on time or within the grace.
    pub days: u32,
    /// Percent of the points taken off.
    pub percent: f64,
}

impl LatePolicy {
    /// How late work submitted at `submitted` is for a lab due at `due`:
    /// nothing within the grace period; past it, the days since the due time
    /// (a day begun counts) times the penalty, at most the cap.
    pub fn lateness(&self, due: OffsetDateTime, submitted: OffsetDateTime) -> Lateness {
        let late = submitted - due;
        let grace = time::Duration::seconds_f64(self.grace_hours.max(0.0) * 3600.0);
        if late <= grace || late <= time::Duration::ZERO {
            return Lateness::default();
        }
        let day = 86_400i64;
        let seconds = late.whole_seconds().max(1);
        let days = ((seconds + day - 1) / day).clamp(0, i64::from(u32::MAX)) as u32;
        Lateness {
            days,
            percent: (f64::from(days) * self.penalty_per_day).min(self.cap),
        }
    }

    /// The points taken off `points` for `lateness`.
    pub fn penalty(&self, points: u32, lateness: Lateness) -> f64 {
        f64::from(points) * lateness.percent / 100.0
    }

    fn check(&self) -> Result<(), (&'static str, String)> {
        if !(0.0..=100.0).contains(&self.penalty_per_day) {
            return Err((
                "penalty_per_day",
                format!(
                    "{} is not a percentage; write one from 0 to 100",
                    self.penalty_per_day
                ),
            ));
        }
        if !(0.0..=100.0).contains(&self.cap) {
            return Err((
                "cap",
                format!("{} is not a percentage; write one from 0 to 100", self.cap),
            ));
        }
        if !(self.grace_hours >= 0.0 && self.grace_hours.is_finite()) {
            return Err((
                "grace_hours",
                format!(
                    "{} is not a number of hours; write 0 or more",
                    self.grace_hours
                ),
            ));
        }
        Ok(())
    }
}

/// A lab of the cohort and when it is due.
#[derive(Debug, Clone, PartialEq)]
pub struct LabDue {
    /// The lab.
    pub name: Stage,
    /// When it is due.
    pub due: OffsetDateTime,
}

/// `cohort.toml`.
#[derive(Debug, Clone, PartialEq)]
pub struct CohortConfig {
    /// The cohort's name.
    pub name: String,
    /// The instructor repository (relative paths are read from the cohort folder).
    pub course: PathBuf,
    /// The roster file (relative paths are read from the cohort folder).
    pub roster: PathBuf,
    /// How late work is marked down.
    pub late: LatePolicy,
    /// The labs, in the order they are due.
    pub labs: Vec<LabDue>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    name: String,
    course: PathBuf,
    #[serde(default = "default_roster")]
    roster: PathBuf,
    #[serde(default)]
    late: LatePolicy,
    #[serde(rename = "lab", default)]
    labs: Vec<LabFile>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LabFile {
    name: toml::Spanned<String>,
    due: toml::Spanned<String>,
}

fn default_roster() -> PathBuf {
    PathBuf::from(super::ROSTER_FILE)
}

impl CohortConfig {
    /// Reads and checks `cohort.toml` at `path`.
    pub fn load(path: &Path) -> Result<Self, CohortError> {
        let text = std::fs::read_to_string(path).map_err(CohortError::io(path))?;
        Self::parse(path, &text)
    }

    /// Parses the text of `cohort.toml`; errors name `path`, the line and the field.
    pub fn parse(path: &Path, text: &str) -> Result<Self, CohortError> {
        let invalid = |line: usize, field: Option<&str>, problem: String| CohortError::Invalid {
            path: path.to_owned(),
            line,
            field: field.map(str::to_owned),
            problem,
        };
        let file: File = toml::from_str(text).map_err(|e| {
            let line = e.span().map_or(1, |s| line_of(text, s.start));
            invalid(line, None, e.message().trim().to_owned())
        })?;
        let late_line = text
            .lines()
            .position(|l| l.trim() == "[late]")
            .map_or(1, |i| i + 1);
        file.late
            .check()
            .map_err(|(field, problem)| invalid(late_line, Some(field), problem))?;
        let mut labs: Vec<LabDue> = Vec::with_capacity(file.labs.len());
        for lab in file.labs {
            let name_line = line_of(text, lab.name.span().start);
            let name: Stage = lab
                .name
                .get_ref()
                .parse()
                .map_err(|e| invalid(name_line, Some("name"), format!("{e}")))?;
            if labs.iter().any(|l| l.name == name) {
                return Err(invalid(
                    name_line,
                    Some("name"),
                    format!("lab `{name}` is listed twice; list each lab once"),
                ));
            }
            let due_line = line_of(text, lab.due.span().start);
            let due = parse_time(lab.due.get_ref()).map_err(|problem| {
                invalid(due_line, Some("due"), format!("lab `{name}`: {problem}"))
            })?;
            labs.push(LabDue { name, due });
        }
        if labs.is_empty() {
            return Err(invalid(
                1,
                Some("lab"),
                "no labs: add a `[[lab]]` table with `name` and `due` for each lab the cohort does"
                    .into(),
            ));
        }
        Ok(Self {
            name: file.name,
            course: file.course,
            roster: file.roster,
            late: file.late,
            labs,
        })
    }

    /// The lab `name` of the cohort.
    pub fn lab(&self, name: Stage) -> Option<&LabDue> {
        self.labs.iter().find(|l| l.name == name)
    }

    /// The manifest as `ninety cohort new` writes it, with comments.
    pub fn to_toml(&self) -> String {
        let quote = |s: &str| toml::Value::String(s.to_owned()).to_string();
        let mut text = String::from(
            "# A Ninety cohort: written by `ninety cohort new`. Set the due dates and the\n\
             # late policy here; times are RFC 3339 with an offset (`Z` for UTC).\n",
        );
        text.push_str(&format!("name = {}\n", quote(&self.name)));
        text.push_str("# The instructor repository the cohort is released from and graded with.\n");
        text.push_str(&format!(
            "course = {}\n",
            quote(&self.course.to_string_lossy())
        ));
        text.push_str(&format!(
            "roster = {}\n\n",
            quote(&self.roster.to_string_lossy())
        ));
        text.push_str("[late]\n");
        text.push_str(
            "# Percent of the points earned taken off per day late (a day begun counts).\n",
        );
        text.push_str(&format!(
            "penalty_per_day = {:?}\n",
            self.late.penalty_per_day
        ));
        text.push_str("# The most taken off, in percent.\n");
        text.push_str(&format!("cap = {:?}\n", self.late.cap));
        text.push_str("# Work late by at most this many hours counts as on time.\n");
        text.push_str(&format!("grace_hours = {:?}\n", self.late.grace_hours));
        for lab in &self.labs {
            text.push_str(&format!(
                "\n[[lab]]\nname = \"{}\"\ndue = \"{}\"\n",
                lab.name,
                format_time(lab.due)
            ));
        }
        text
    }
}

/// Parses an RFC 3339 time, or says how to write one.
pub fn parse_time(text: &str) -> Result<OffsetDateTime, String> {
    OffsetDateTime::parse(text.trim(), &Rfc3339).map_err(|_| {
        format!(
            "`{text}` is not an RFC 3339 time; write a date, a time and an offset, such as `2026-05-01T23:59:00Z`"
        )
    })
}

/// A default due time: the end (23:59 UTC) of the day `week + 1` weeks
/// from today, for the lab at `week` in order.
pub fn weekly_due(week: usize) -> OffsetDateTime {
    let today = OffsetDateTime::now_utc().replace_time(time::macros::time!(23:59));
    today + time::Duration::weeks(week as i64 + 1)
}

/// A time as RFC 3339, in UTC, to the second.
pub fn format_time(t: OffsetDateTime) -> String {
    t.to_offset(time::UtcOffset::UTC)
        .replace_nanosecond(0)
        .unwrap_or(t)
        .format(&Rfc3339)
        .unwrap_or_else(|_| "1970-01-01T00:00:00Z".into())
}

/// One learner of the roster.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Learner {
    /// A short id: letters, digits, `-`, `_`, `.`; names their folders.
    pub id: String,
    /// Their name.
    pub name: String,
    /// Their email (may be empty).
    pub email: String,
    /// Where their work is collected from (may be empty).
    pub repository: String,
}

/// `roster.csv`: the learners, in the file's order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Roster {
    /// The learners.
    pub learners: Vec<Learner>,
}

const COLUMNS: [&str; 4] = ["id", "name", "email", "repository"];

impl Roster {
    /// Reads and checks the roster at `path`.
    pub fn load(path: &Path) -> Result<Self, CohortError> {
        let text = std::fs::read_to_string(path).map_err(CohortError::io(path))?;
        Self::parse(path, &text)
    }

    /// The learner with `id`.
    pub fn learner(&self, id: &str) -> Option<&Learner> {
        self.learners.iter().find(|l| l.id == id)
    }

    /// Parses a roster; errors name `path`, the line and the field.
    pub fn parse(path: &Path, text: &str) -> Result<Self, CohortError> {
        let invalid = |line: usize, field: Option<&str>, problem: String| CohortError::Invalid {
            path: path.to_owned(),
            line,
            field: field.map(str::to_owned),
            problem,
        };
        let mut reader = csv::ReaderBuilder::new()
            .trim(csv::Trim::All)
            .from_reader(text.as_bytes());
        let headers = reader
            .headers()
            .map_err(|e| invalid(1, None, format!("the header cannot be read: {e}")))?
            .clone();
        let column = |name: &str| headers.iter().position(|h| h.eq_ignore_ascii_case(name));
        let mut at = [0usize; 4];
        for (i, name) in COLUMNS.iter().enumerate() {
            at[i] = match column(name) {
                Some(c) => c,
                None if *name == "id" || *name == "name" => {
                    return Err(invalid(
                        1,
                        Some(name),
                        format!(
                            "the header has no `{name}` column; the first line names the columns: id,name,email,repository"
                        ),
                    ));
                }
                None => usize::MAX,
            };
        }
        let mut learners: Vec<(usize, Learner)> = Vec::new();
        for record in reader.records() {
            let record = record.map_err(|e| {
                let line = e.position().map_or(1, |p| p.line() as usize);
                invalid(line, None, csv_problem(&e))
            })?;
            let line = record.position().map_or(1, |p| p.line() as usize);
            if record.iter().all(str::is_empty) {
                continue;
            }
            let get = |i: usize| record.get(at[i]).unwrap_or("").to_owned();
            let learner = Learner {
                id: get(0),
                name: get(1),
                email: get(2),
                repository: get(3),
            };
            if let Err(problem) = check_id(&learner.id) {
                return Err(invalid(line, Some("id"), problem));
            }
            if learner.name.is_empty() {
                return Err(invalid(
                    line,
                    Some("name"),
                    format!(
                        "learner `{}` has no name; write the name feedback is addressed to",
                        learner.id
                    ),
                ));
            }
            if !learner.email.is_empty() && !learner.email.contains('@') {
                return Err(invalid(
                    line,
                    Some("email"),
                    format!(
                        "`{}` is not an email address; write one like `ada@example.org`, or leave it empty",
                        learner.email
                    ),
                ));
            }
            if let Some((first, _)) = learners.iter().find(|(_, l)| l.id == learner.id) {
                return Err(invalid(
                    line,
                    Some("id"),
                    format!(
                        "learner `{}` is already on line {first}; each learner needs an id of their own",
                        learner.id
                    ),
                ));
            }
            learners.push((line, learner));
        }
        if learners.is_empty() {
            return Err(invalid(
                1,
                None,
                "the roster has no learners; write one line per learner after the header".into(),
            ));
        }
        Ok(Self {
            learners: learners.into_iter().map(|(_, l)| l).collect(),
        })
    }
}

fn csv_problem(e: &csv::Error) -> String {
    match e.kind() {
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => format!(
            "{len} fields where the header has {expected_len}; quote a field that holds a comma"
        ),
        _ => e.to_string(),
    }
}

/// Checks a learner id: it names folders, so it must be a plain name.
pub fn check_id(id: &str) -> Result<(), String> {
    let ok = !id.is_empty()
        && id.len() <= 64
        && !id.starts_with('.')
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if ok {
        Ok(())
    } else {
        Err(format!(
            "`{id}` is not a learner id; use 1 to 64 letters, digits, `-`, `_` or `.`, not starting with `.`"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const COHORT: &str = "name = \"spring\"\ncourse = \"../ninety\"\n\n[late]\npenalty_per_day = 10.0\ncap = 50.0\ngrace_hours = 1.0\n\n[[lab]]\nname = \"frame\"\ndue = \"2026-01-10T00:00:00Z\"\n";

    fn t(s: &str) -> OffsetDateTime {
        parse_time(s).unwrap()
    }

    #[test]
    fn reads_the_manifest_and_writes_it_back() {
        let config = CohortConfig::parse(Path::new("cohort.toml"), COHORT).unwrap();
        assert_eq!(config.labs.len(), 1);
        assert_eq!(config.labs[0].name, Stage::Frame);
        assert_eq!(config.roster, PathBuf::from("roster.csv"));
        let again = CohortConfig::parse(Path::new("x"), &config.to_toml()).unwrap();
        assert_eq!(again, config);
    }

    #[test]
    fn a_bad_due_date_names_the_file_line_and_field() {
        let text = COHORT.replace("2026-01-10T00:00:00Z", "2026-01-10");
        let err = CohortConfig::parse(Path::new("cohort.toml"), &text)
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("`cohort.toml` line 11, field `due`: lab `frame`: `2026-01-10` is not an RFC 3339 time"),
            "{err}"
        );
        let text = COHORT.replace("name = \"frame\"", "name = \"fram\"");
        let err = CohortConfig::parse(Path::new("cohort.toml"), &text)
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("`cohort.toml` line 10, field `name`: "),
            "{err}"
        );
        let text = COHORT.replace("cap = 50.0", "cap = 150.0");
        let err = CohortConfig::parse(Path::new("cohort.toml"), &text)
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("`cohort.toml` line 4, field `cap`: 150"),
            "{err}"
        );
        let text = COHORT.replace("grace_hours", "grace");
        let err = CohortConfig::parse(Path::new("cohort.toml"), &text)
            .unwrap_err()
            .to_string();
        assert!(err.contains("line 7") && err.contains("grace"), "{err}");
    }

    #[test]
    fn late_days_begin_counting_after_the_grace_and_are_capped() {
        let policy = LatePolicy {
            penalty_per_day: 10.0,
            cap: 50.0,
            grace_hours: 1.0,
        };
        let due = t("2026-01-10T00:00:00Z");
        let at = |s: &str| policy.lateness(due, t(s));
        assert_eq!(at("2026-01-09T12:00:00Z").days, 0);
        assert_eq!(at("2026-01-10T00:59:00Z").days, 0, "within the grace");
        assert_eq!(at("2026-01-10T01:30:00Z").days, 1);
        assert_eq!(
            at("2026-01-12T06:00:00Z"),
            Lateness {
                days: 3,
                percent: 30.0
            }
        );
        assert_eq!(at("2026-02-10T00:00:00Z").percent, 50.0, "capped");
        assert_eq!(at("2026-01-10T02:00:00+01:00").days, 0, "offsets count");
        assert!((policy.penalty(32, at("2026-01-12T06:00:00Z")) - 9.6).abs() < 1e-9);
    }

    #[test]
    fn the_roster_is_checked_line_by_line() {
        let ok = "id,name,email,repository,section\nada,Ada Lovelace,ada@example.org,../ada,A\n\nbob,\"Bob, Jr.\",,,B\n";
        let roster = Roster::parse(Path::new("roster.csv"), ok).unwrap();
        assert_eq!(roster.learners.len(), 2);
        assert_eq!(roster.learners[1].name, "Bob, Jr.");
        assert_eq!(roster.learner("ada").unwrap().repository, "../ada");
        for (text, expected) in [
            (
                "id,name\nada,Ada\nada,Ada 2\n",
                "line 3, field `id`: learner `ada` is already on line 2",
            ),
            (
                "id,name\n../x,X\n",
                "line 2, field `id`: `../x` is not a learner id",
            ),
            (
                "id,name,email\nada,Ada,nope\n",
                "line 2, field `email`: `nope` is not an email",
            ),
            (
                "name,email\nAda,a@b\n",
                "line 1, field `id`: the header has no `id` column",
            ),
            (
                "id,name\nada,Ada,extra\n",
                "line 2: 3 fields where the header has 2",
            ),
            ("id,name\n", "line 1: the roster has no learners"),
        ] {
            let err = Roster::parse(Path::new("roster.csv"), text)
                .unwrap_err()
                .to_string();
            assert!(
                err.starts_with(&format!("`roster.csv` {expected}")),
                "{err}"
            );
        }
    }
}
