//! The grade report: what one grading run found, as JSON and as JUnit XML.
//!
//! `cargo test -p lab-<name>` writes `<name>.json` and `<name>.junit.xml` into
//! the grades directory: `$NINETY_GRADES_DIR` when set (the workbench and
//! `ninety lab check` set it), else `target/ninety/grades/`.

use ninety_kit::artifact::{now_rfc3339, write_atomic};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// The environment variable that moves the grades directory.
pub const GRADES_DIR_ENV: &str = "NINETY_GRADES_DIR";

/// The result of one check.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CheckResult {
    /// The check's id, e.g. `cost.totals`.
    pub id: String,
    /// Points earned: all of `max_points` or none.
    pub points: u32,
    /// Points the check is worth.
    pub max_points: u32,
    /// Whether it passed.
    pub passed: bool,
    /// Its hints, gentlest first (the idea, the approach, the code-level
    /// hint): shown one tier at a time when it fails.
    #[serde(default)]
    pub hints: Vec<String>,
    /// Why it failed, when it did.
    pub message: Option<String>,
    /// Whether it failed by running past its time limit.
    pub timed_out: bool,
    /// How long it ran, in milliseconds.
    pub millis: u64,
}

/// The result of one grading run of one lab.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GradeReport {
    /// The lab's name.
    pub lab: String,
    /// Points earned.
    pub points: u32,
    /// Points possible over the checks that ran.
    pub max_points: u32,
    /// Whether a filter left some checks out (a partial run).
    pub partial: bool,
    /// When the run finished, RFC 3339 UTC.
    pub finished_at: String,
    /// Every check that ran, in declaration order.
    pub checks: Vec<CheckResult>,
}

/// What can go wrong reading a report.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// The file cannot be read.
    #[error("cannot read grade report `{path}`: {source}")]
    Io {
        /// The report file.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// The file is not a grade report.
    #[error("grade report `{path}` is not valid: {source}; grade the lab again to rewrite it")]
    Parse {
        /// The report file.
        path: PathBuf,
        /// The parse error.
        source: serde_json::Error,
    },
}

impl GradeReport {
    /// Builds a report from results, totalling the points.
    pub fn new(lab: &str, checks: Vec<CheckResult>, partial: bool) -> Self {
        Self {
            lab: lab.to_owned(),
            points: checks.iter().map(|c| c.points).sum(),
            max_points: checks.iter().map(|c| c.max_points).sum(),
            partial,
            finished_at: now_rfc3339(),
            checks,
        }
    }

    /// Whether every check passed.
    pub fn all_passed(&self) -> bool {
        self.checks.iter().all(|c| c.passed)
    }

    /// The report's JSON file in `dir`.
    pub fn json_path(dir: &Path, lab: &str) -> PathBuf {
        dir.join(format!("{lab}.json"))
    }

    /// Reads the report of `lab` from `dir`.
    pub fn load(dir: &Path, lab: &str) -> Result<Self, ReportError> {
        let path = Self::json_path(dir, lab);
        let text = std::fs::read(&path).map_err(|source| ReportError::Io {
            path: path.clone(),
            source,
        })?;
        serde_json::from_slice(&text).map_err(|source| ReportError::Parse { path, source })
    }

    /// Writes `<lab>.json` and `<lab>.junit.xml` into `dir`, each atomically.
    pub fn write(&self, dir: &Path) -> std::io::Result<()> {
        std::fs::create_dir_all(dir)?;
        let json = serde_json::to_vec_pretty(self).expect("reports always serialise");
        let io = std::io::Error::other::<ninety_kit::artifact::ArtifactError>;
        write_atomic(&Self::json_path(dir, &self.lab), &json).map_err(io)?;
        write_atomic(
            &dir.join(format!("{}.junit.xml", self.lab)),
            self.to_junit().as_bytes(),
        )
        .map_err(io)
    }

    /// The report as JUnit XML, one test case per check.
    pub fn to_junit(&self) -> String {
        let failures = self.checks.iter().filter(|c| !c.passed).count();
        let seconds: f64 = self.checks.iter().map(|c| c.millis as f64 / 1000.0).sum();
        let mut xml = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        xml.push_str(&format!(
            "<testsuites name=\"ninety\" tests=\"{}\" failures=\"{failures}\" time=\"{seconds:.3}\">\n",
            self.checks.len()
        ));
        xml.push_str(&format!(
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{failures}\" time=\"{seconds:.3}\" timestamp=\"{}\">\n",
            xml_escape(&self.lab),
            self.checks.len(),
            xml_escape(&self.finished_at),
        ));
        xml.push_str(&format!(
            "    <properties><property name=\"points\" value=\"{}\"/><property name=\"max_points\" value=\"{}\"/></properties>\n",
            self.points, self.max_points
        ));
        for check in &self.checks {
            xml.push_str(&format!(
                "    <testcase classname=\"{}\" name=\"{}\" time=\"{:.3}\">",
                xml_escape(&self.lab),
                xml_escape(&check.id),
                check.millis as f64 / 1000.0
            ));
            if !check.passed {
                let message = check.message.as_deref().unwrap_or("failed");
                xml.push_str(&format!(
                    "\n      <failure message=\"{}\">{}\nhint: {}</failure>\n    ",
                    xml_escape(first_line(message)),
                    xml_escape(message),
                    xml_escape(&check.hints.join("\nhint: "))
                ));
            }
            xml.push_str("</testcase>\n");
        }
        xml.push_str("  </testsuite>\n</testsuites>\n");
        xml
    }
}

fn first_line(s: &str) -> &str {
    s.lines().next().unwrap_or("")
}

/// Escapes text for XML attributes and content; drops characters XML 1.0 forbids.
fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> GradeReport {
        GradeReport::new(
            "frame",
            vec![
                CheckResult {
                    id: "spec.loads".into(),
                    points: 2,
                    max_points: 2,
                    passed: true,
                    hints: vec!["h1".into()],
                    message: None,
                    timed_out: false,
                    millis: 3,
                },
                CheckResult {
                    id: "cost.<totals>".into(),
                    points: 0,
                    max_points: 3,
                    passed: false,
                    hints: vec!["look at the costs".into(), "use \"costs\"".into()],
                    message: Some("left & right differ\nsecond line".into()),
                    timed_out: false,
                    millis: 1,
                },
            ],
            false,
        )
    }

    #[test]
    fn totals_points() {
        let r = sample();
        assert_eq!((r.points, r.max_points), (2, 5));
        assert!(!r.all_passed());
    }

    #[test]
    fn json_round_trips_through_the_grades_dir() {
        let dir = tempfile::tempdir().unwrap();
        let r = sample();
        r.write(dir.path()).unwrap();
        assert_eq!(GradeReport::load(dir.path(), "frame").unwrap(), r);
        assert!(dir.path().join("frame.junit.xml").exists());
    }

    #[test]
    fn junit_escapes_and_counts_failures() {
        let xml = sample().to_junit();
        assert!(xml.contains("tests=\"2\" failures=\"1\""), "{xml}");
        assert!(xml.contains("name=\"cost.&lt;totals&gt;\""), "{xml}");
        assert!(xml.contains("message=\"left &amp; right differ\""), "{xml}");
        assert!(xml.contains("hint: use &quot;costs&quot;"), "{xml}");
        assert_eq!(xml.matches("<failure").count(), 1);
    }

    #[test]
    fn a_corrupt_report_names_its_file() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("frame.json"), "{").unwrap();
        let err = GradeReport::load(dir.path(), "frame")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("frame.json") && err.contains("grade the lab again"),
            "{err}"
        );
    }
}
