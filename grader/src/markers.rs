//! Solution and hidden-test markers, and the starter code they make.
//!
//! In the instructor's repository a lab's solution sits between markers:
//!
//! ```text
//! pub fn total(&self, m: &Confusion) -> f64 {
//!     // BEGIN SOLUTION: weigh each count by its cost from the spec
//!     ...
//!     // END SOLUTION
//! }
//! ```
//!
//! Released, the region becomes `todo!("weigh each count by its cost from
//! the spec")` in Rust, or `# TODO: ...` comment lines in TOML. Checks only
//! the instructor keeps sit between `// BEGIN HIDDEN TESTS` and
//! `// END HIDDEN TESTS` in a lab's `tests/` and are removed. Solution
//! markers belong in a lab's `src/` and data files; hidden markers belong in
//! its `tests/`; anything else is reported with file and line.

use std::fmt;
use std::path::{Path, PathBuf};

/// The two kinds of marked region.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Solution code, replaced by a `todo!` in the starter.
    Solution,
    /// Hidden checks, removed from the starter.
    HiddenTests,
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Kind::Solution => "SOLUTION",
            Kind::HiddenTests => "HIDDEN TESTS",
        })
    }
}

/// How a file may use markers, by where it sits in a lab.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Learner code or data (`src/`, spec files): solution markers only.
    Learner,
    /// Grading checks (`tests/`): hidden-test markers only.
    Tests,
    /// Anything else (manifests, the kit): no markers at all.
    Plain,
}

/// The comment syntax of a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Syntax {
    /// `//` comments; solutions become `todo!("hint")`.
    Rust,
    /// `#` comments; solutions become `# TODO: hint` lines.
    Hash,
}

impl Syntax {
    /// The syntax for a file name, if markers can appear in it.
    pub fn for_path(path: &Path) -> Option<Syntax> {
        match path.extension().and_then(|e| e.to_str()) {
            Some("rs") => Some(Syntax::Rust),
            Some("toml") => Some(Syntax::Hash),
            _ => None,
        }
    }

    fn comment(self) -> &'static str {
        match self {
            Syntax::Rust => "//",
            Syntax::Hash => "#",
        }
    }
}

/// One marked region: 1-based line numbers of its markers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Region {
    /// Solution or hidden tests.
    pub kind: Kind,
    /// The line of the BEGIN marker.
    pub begin: usize,
    /// The line of the END marker.
    pub end: usize,
    /// The hint after `BEGIN SOLUTION:`.
    pub hint: Option<String>,
}

/// A malformed marker, with its place.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}:{line}: {problem}", path.display())]
pub struct MarkerError {
    /// The file.
    pub path: PathBuf,
    /// The 1-based line.
    pub line: usize,
    /// What is wrong and how to fix it.
    pub problem: String,
}

enum Marker {
    Begin(Kind, Option<String>),
    End(Kind),
}

fn parse_marker(line: &str, syntax: Syntax) -> Option<Marker> {
    let rest = line.trim_start().strip_prefix(syntax.comment())?;
    // `///` and `//!` are doc comments: they may talk about markers freely.
    if syntax == Syntax::Rust && (rest.starts_with('/') || rest.starts_with('!')) {
        return None;
    }
    let rest = rest.trim();
    if let Some(after) = rest.strip_prefix("BEGIN SOLUTION") {
        let hint = after
            .trim_start()
            .strip_prefix(':')
            .map(|h| h.trim().to_owned());
        let hint = hint.filter(|h| !h.is_empty());
        return Some(Marker::Begin(Kind::Solution, hint));
    }
    if rest.starts_with("BEGIN HIDDEN TESTS") {
        return Some(Marker::Begin(Kind::HiddenTests, None));
    }
    if rest.starts_with("END SOLUTION") {
        return Some(Marker::End(Kind::Solution));
    }
    if rest.starts_with("END HIDDEN TESTS") {
        return Some(Marker::End(Kind::HiddenTests));
    }
    None
}

/// Finds the marked regions of a file and checks they are well formed for
/// its role: closed, not nested, of the right kind, with a hint where a
/// `todo!` will need one. Every problem is reported, not just the first.
pub fn scan(
    path: &Path,
    text: &str,
    role: Role,
    syntax: Syntax,
) -> Result<Vec<Region>, Vec<MarkerError>> {
    let mut regions = Vec::new();
    let mut errors = Vec::new();
    let mut open: Option<(Kind, usize, Option<String>)> = None;
    let err = |line: usize, problem: String| MarkerError {
        path: path.to_owned(),
        line,
        problem,
    };
    for (index, line) in text.lines().enumerate() {
        let number = index + 1;
        match parse_marker(line, syntax) {
            None => {}
            Some(Marker::Begin(kind, hint)) => {
                if let Some((outer, at, _)) = &open {
                    errors.push(err(
                        number,
                        format!("BEGIN {kind} inside the {outer} region opened at line {at}; regions cannot nest, close the first one with END {outer}"),
                    ));
                    continue;
                }
                match (kind, role) {
                    (Kind::Solution, Role::Tests) => errors.push(err(
                        number,
                        "solution marker in a test file: tests are released as they are; mark checks the learner must not see with BEGIN HIDDEN TESTS".into(),
                    )),
                    (Kind::HiddenTests, Role::Learner) => errors.push(err(
                        number,
                        "hidden-tests marker outside the lab's tests/: only checks can be hidden; use BEGIN SOLUTION for learner code".into(),
                    )),
                    (_, Role::Plain) => errors.push(err(
                        number,
                        format!("{kind} marker in a file that is not part of a lab's src/ or tests/; markers only work there"),
                    )),
                    _ => {}
                }
                if kind == Kind::Solution && syntax == Syntax::Rust && hint.is_none() {
                    errors.push(err(
                        number,
                        "BEGIN SOLUTION needs a hint for the learner: `// BEGIN SOLUTION: <what to do>`".into(),
                    ));
                }
                open = Some((kind, number, hint));
            }
            Some(Marker::End(kind)) => match open.take() {
                None => errors.push(err(
                    number,
                    format!("END {kind} without a BEGIN {kind} before it"),
                )),
                Some((open_kind, at, _)) if open_kind != kind => {
                    errors.push(err(
                        number,
                        format!("END {kind} closes the {open_kind} region opened at line {at}; expected END {open_kind}"),
                    ));
                }
                Some((kind, begin, hint)) => {
                    if begin + 1 == number && kind == Kind::Solution {
                        errors.push(err(
                            begin,
                            "empty SOLUTION region: there is nothing for the learner to write"
                                .into(),
                        ));
                    }
                    regions.push(Region {
                        kind,
                        begin,
                        end: number,
                        hint,
                    });
                }
            },
        }
    }
    if let Some((kind, at, _)) = open {
        errors.push(err(
            at,
            format!("BEGIN {kind} is never closed; add END {kind} after the region"),
        ));
    }
    if errors.is_empty() {
        Ok(regions)
    } else {
        Err(errors)
    }
}

/// The starter text: solution regions replaced by a `todo!` (Rust) or
/// `# TODO` lines (TOML), hidden-test regions removed. `regions` must come
/// from [`scan`] of the same text.
pub fn starter(text: &str, regions: &[Region], syntax: Syntax) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = String::with_capacity(text.len());
    let mut next = 0usize;
    let mut index = 0usize;
    while index < lines.len() {
        let number = index + 1;
        match regions.get(next) {
            Some(region) if region.begin == number => {
                let indent: String = lines[index]
                    .chars()
                    .take_while(|c| c.is_whitespace())
                    .collect();
                if region.kind == Kind::Solution {
                    let hint = region.hint.as_deref().unwrap_or("write this part");
                    match syntax {
                        Syntax::Rust => {
                            // todo! takes a format string: braces in a hint are literal.
                            let literal = hint.replace('{', "{{").replace('}', "}}");
                            out.push_str(&format!("{indent}todo!({literal:?})\n"));
                        }
                        Syntax::Hash => out.push_str(&format!("{indent}# TODO: {hint}\n")),
                    }
                }
                index = region.end;
                next += 1;
            }
            _ => {
                out.push_str(lines[index]);
                out.push('\n');
                index += 1;
            }
        }
    }
    if !text.ends_with('\n') && out.ends_with('\n') {
        out.pop();
    }
    out
}

/// The role a file plays, from its path relative to the workspace root:
/// `labs/<lab>/src/**` and `labs/<lab>/*.toml` (not `Cargo.toml`) are
/// learner files, `labs/<lab>/tests/**` are tests, the rest is plain.
/// The kit and the pipeline are never learner files.
pub fn role_of(relative: &Path) -> Role {
    let parts: Vec<&str> = relative
        .components()
        .filter_map(|c| c.as_os_str().to_str())
        .collect();
    match parts.as_slice() {
        ["labs", lab, ..] if *lab == "kit" || *lab == "pipeline" => Role::Plain,
        ["labs", _, "src", ..] => Role::Learner,
        ["labs", _, "tests", ..] => Role::Tests,
        ["labs", _, file]
            if file.ends_with(".toml") && *file != "Cargo.toml" && *file != "lab.toml" =>
        {
            Role::Learner
        }
        _ => Role::Plain,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scan_rs(text: &str, role: Role) -> Result<Vec<Region>, Vec<MarkerError>> {
        scan(Path::new("labs/x/src/lib.rs"), text, role, Syntax::Rust)
    }

    const SOLVED: &str = "\
pub fn double(x: u32) -> u32 {
    // BEGIN SOLUTION: multiply by two
    x * 2
    // END SOLUTION
}
";

    #[test]
    fn solution_becomes_todo_with_the_hint() {
        let regions = scan_rs(SOLVED, Role::Learner).unwrap();
        assert_eq!(regions.len(), 1);
        let out = starter(SOLVED, &regions, Syntax::Rust);
        assert_eq!(
            out,
            "pub fn double(x: u32) -> u32 {\n    todo!(\"multiply by two\")\n}\n"
        );
    }

    #[test]
    fn hints_with_quotes_are_escaped() {
        let text = "fn f() {\n    // BEGIN SOLUTION: say \"hi\"\n    1\n    // END SOLUTION\n}";
        let regions = scan_rs(text, Role::Learner).unwrap();
        let out = starter(text, &regions, Syntax::Rust);
        assert!(out.contains(r#"todo!("say \"hi\"")"#), "{out}");
        assert!(!out.ends_with('\n'));
    }

    #[test]
    fn braces_in_hints_stay_literal() {
        let text = "fn f() {\n    // BEGIN SOLUTION: count chars equal to '\\u{FFFD}' in {text}\n    1\n    // END SOLUTION\n}\n";
        let regions = scan_rs(text, Role::Learner).unwrap();
        let out = starter(text, &regions, Syntax::Rust);
        assert!(
            out.contains(r#"todo!("count chars equal to '\\u{{FFFD}}' in {{text}}")"#),
            "{out}"
        );
    }

    #[test]
    fn hidden_tests_are_removed() {
        let text = "a\n// BEGIN HIDDEN TESTS\nsecret\n// END HIDDEN TESTS\nb\n";
        let path = Path::new("labs/x/tests/grade.rs");
        let regions = scan(path, text, Role::Tests, Syntax::Rust).unwrap();
        assert_eq!(starter(text, &regions, Syntax::Rust), "a\nb\n");
    }

    #[test]
    fn toml_solutions_become_comments() {
        let text = "[costs]\n# BEGIN SOLUTION: put a price on each kind of error\nfalse_positive = 50.0\n# END SOLUTION\n";
        let path = Path::new("labs/x/spec.toml");
        let regions = scan(path, text, Role::Learner, Syntax::Hash).unwrap();
        assert_eq!(
            starter(text, &regions, Syntax::Hash),
            "[costs]\n# TODO: put a price on each kind of error\n"
        );
    }

    #[test]
    fn malformed_markers_are_reported_with_lines() {
        let cases: &[(&str, Role, usize, &str)] = &[
            (
                "x\n// BEGIN SOLUTION: h\ny\n",
                Role::Learner,
                2,
                "never closed",
            ),
            ("// END SOLUTION\n", Role::Learner, 1, "without a BEGIN"),
            (
                "// BEGIN SOLUTION: a\n// BEGIN SOLUTION: b\n// END SOLUTION\n",
                Role::Learner,
                2,
                "cannot nest",
            ),
            (
                "// BEGIN SOLUTION\nx\n// END SOLUTION\n",
                Role::Learner,
                1,
                "needs a hint",
            ),
            (
                "// BEGIN SOLUTION: h\nx\n// END HIDDEN TESTS\n",
                Role::Learner,
                3,
                "expected END SOLUTION",
            ),
            (
                "// BEGIN SOLUTION: h\nx\n// END SOLUTION\n",
                Role::Tests,
                1,
                "solution marker in a test file",
            ),
            (
                "// BEGIN HIDDEN TESTS\nx\n// END HIDDEN TESTS\n",
                Role::Learner,
                1,
                "outside the lab's tests/",
            ),
            (
                "// BEGIN SOLUTION: h\nx\n// END SOLUTION\n",
                Role::Plain,
                1,
                "not part of a lab",
            ),
            (
                "// BEGIN SOLUTION: h\n// END SOLUTION\n",
                Role::Learner,
                1,
                "empty SOLUTION",
            ),
        ];
        for (text, role, line, problem) in cases {
            let errors = scan_rs(text, *role).unwrap_err();
            let found = errors
                .iter()
                .any(|e| e.line == *line && e.problem.contains(problem));
            assert!(
                found,
                "expected `{problem}` at line {line} for {text:?}, got {errors:?}"
            );
            assert!(errors[0].to_string().starts_with("labs/x/src/lib.rs:"));
        }
    }

    #[test]
    fn doc_comments_may_mention_markers() {
        let text = "//! Write `// BEGIN SOLUTION` in your labs.\n/// END SOLUTION\nfn f() {}\n";
        assert_eq!(scan_rs(text, Role::Plain).unwrap(), vec![]);
    }

    #[test]
    fn roles_follow_the_layout() {
        assert_eq!(role_of(Path::new("labs/frame/src/lib.rs")), Role::Learner);
        assert_eq!(
            role_of(Path::new("labs/frame/src/spec/costs.rs")),
            Role::Learner
        );
        assert_eq!(role_of(Path::new("labs/frame/spec.toml")), Role::Learner);
        assert_eq!(role_of(Path::new("labs/frame/tests/grade.rs")), Role::Tests);
        assert_eq!(role_of(Path::new("labs/frame/Cargo.toml")), Role::Plain);
        assert_eq!(role_of(Path::new("labs/frame/lab.toml")), Role::Plain);
        assert_eq!(role_of(Path::new("labs/kit/src/corpus.rs")), Role::Plain);
        assert_eq!(role_of(Path::new("tui/src/app.rs")), Role::Plain);
    }
}
