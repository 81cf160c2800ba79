//! Solution and hidden-test markers, and the starter code they make.
//!
//! In the instructor's repository a lab's solution sits between markers:
//!
//! ```text
//! pub fn total(&self, m: &Confusion) -> f64 {
//!     // BEGIN SOLUTION: add up what the four counts cost
//!     ...
//!     // END SOLUTION
//! }
//! ```
//!
//! Released, the region becomes `todo!("add up what the four counts cost")`
//! in Rust, or `# TODO: ...` comment lines in TOML. Checks only the
//! instructor keeps sit between `// BEGIN HIDDEN TESTS` and
//! `// END HIDDEN TESTS` in a lab's `tests/` and are removed.
//!
//! # Where markers may be
//!
//! A [`Layout`] gives each file its [`Role`]:
//!
//! - solution markers only in the files a lab's `lab.toml` lists in `files`
//!   (what the learner edits);
//! - hidden-test markers only in a lab's `tests/`;
//! - none in given code (`src/given/` and `src/given.rs`, read but not
//!   edited), in any other file of a lab, or outside the labs.
//!
//! Anything else is reported with file and line.
//!
//! # A text that spans lines
//!
//! The text after `BEGIN SOLUTION:` says what the step is, in one sentence.
//! When the sentence is too long for one line it continues on the comment
//! lines directly after the BEGIN line whose text starts with at least two
//! spaces after the comment mark (`//  ` in Rust, `#  ` in TOML). The pieces
//! are trimmed and joined with single spaces:
//!
//! ```text
//!     // BEGIN SOLUTION: order the indices so that every prefix holds each
//!     //   stratum in its share, shuffled within each stratum
//!     // A comment with one space opens the solution: it is not part of the text.
//! ```
//!
//! The first line that is not such a comment (code, a blank line, a comment
//! with a single space, a doc comment, a marker) ends the text and starts
//! the solution.

use crate::course::Course;
use std::fmt;
use std::path::{Component, Path, PathBuf};

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
    /// A file the lab's `lab.toml` lists in `files`: solution markers only.
    Learner,
    /// Grading checks (`tests/`): hidden-test markers only.
    Tests,
    /// Given code (`src/given/`, `src/given.rs`): no markers.
    Given,
    /// Any other file of a lab (its `lib.rs`, manifests, fixtures): no markers.
    Unlisted,
    /// Anything outside the labs (the kit, the pipeline, the workbench): no
    /// markers at all.
    Plain,
}

/// The fix for a solution marker where none may be.
const SOLUTION_PLACE: &str =
    "solution markers belong in the files lab.toml lists; given code under src/given/ holds none";

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
    /// The text after `BEGIN SOLUTION:`, its continuation lines joined.
    pub hint: Option<String>,
}

/// A malformed or misplaced marker, with its place.
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
    /// A BEGIN marker; for a solution, the text after the colon (empty when
    /// there is a colon and nothing after it, `None` without a colon).
    Begin(Kind, Option<String>),
    End(Kind),
}

/// The text after a line's comment mark, when the line is an ordinary
/// comment (not a Rust doc comment).
fn comment_text(line: &str, syntax: Syntax) -> Option<&str> {
    let rest = line.trim_start().strip_prefix(syntax.comment())?;
    // `///` and `//!` are doc comments: they may talk about markers freely.
    if syntax == Syntax::Rust && (rest.starts_with('/') || rest.starts_with('!')) {
        return None;
    }
    Some(rest)
}

fn parse_marker(line: &str, syntax: Syntax) -> Option<Marker> {
    let rest = comment_text(line, syntax)?.trim();
    if let Some(after) = rest.strip_prefix("BEGIN SOLUTION") {
        let text = after
            .trim_start()
            .strip_prefix(':')
            .map(|h| h.trim().to_owned());
        return Some(Marker::Begin(Kind::Solution, text));
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

/// The text of a line that continues a `BEGIN SOLUTION:` text: a comment
/// whose text starts with two spaces, is not blank, and is not a marker.
fn continuation(line: &str, syntax: Syntax) -> Option<&str> {
    let rest = comment_text(line, syntax)?;
    let text = rest.trim();
    let continues =
        rest.starts_with("  ") && !text.is_empty() && parse_marker(line, syntax).is_none();
    continues.then_some(text)
}

/// A region being read: its kind, BEGIN line, first body line and text.
struct Open {
    kind: Kind,
    begin: usize,
    body: usize,
    hint: Option<String>,
}

/// Finds the marked regions of a file and checks they are well formed for
/// its role: in a file where they may be, closed, not nested, of the right
/// kind, with a text where a `todo!` will need one. Every problem is
/// reported, not just the first.
pub fn scan(
    path: &Path,
    text: &str,
    role: Role,
    syntax: Syntax,
) -> Result<Vec<Region>, Vec<MarkerError>> {
    let mut regions = Vec::new();
    let mut errors = Vec::new();
    let mut open: Option<Open> = None;
    let err = |line: usize, problem: String| MarkerError {
        path: path.to_owned(),
        line,
        problem,
    };
    let lines: Vec<&str> = text.lines().collect();
    let mut index = 0;
    while index < lines.len() {
        let number = index + 1;
        let marker = parse_marker(lines[index], syntax);
        index += 1;
        match marker {
            None => {}
            Some(Marker::Begin(kind, mut hint)) => {
                if let Some(hint) = hint.as_mut() {
                    while let Some(more) = lines.get(index).and_then(|l| continuation(l, syntax)) {
                        if !hint.is_empty() {
                            hint.push(' ');
                        }
                        hint.push_str(more);
                        index += 1;
                    }
                }
                let hint = hint.filter(|h| !h.is_empty());
                if let Some(outer) = &open {
                    errors.push(err(
                        number,
                        format!(
                            "BEGIN {kind} inside the {} region opened at line {}; regions cannot nest, close the first one with END {}",
                            outer.kind, outer.begin, outer.kind
                        ),
                    ));
                    continue;
                }
                let misplaced = match (kind, role) {
                    (Kind::Solution, Role::Learner) | (Kind::HiddenTests, Role::Tests) => None,
                    (Kind::Solution, Role::Tests) => Some(
                        "solution marker in a test file: tests are released as they are; mark checks the learner must not see with BEGIN HIDDEN TESTS".to_owned(),
                    ),
                    (Kind::Solution, Role::Given) => Some(format!(
                        "solution marker in given code: {SOLUTION_PLACE}"
                    )),
                    (Kind::Solution, Role::Unlisted) => Some(format!(
                        "solution marker in a file the lab's lab.toml does not list in `files`: {SOLUTION_PLACE}; list the file there if the learner edits it"
                    )),
                    (Kind::HiddenTests, Role::Learner | Role::Given | Role::Unlisted) => Some(
                        "hidden-tests marker outside the lab's tests/: only checks can be hidden; use BEGIN SOLUTION for learner code".to_owned(),
                    ),
                    (_, Role::Plain) => Some(format!(
                        "{kind} marker in a file outside every lab: markers only work in a lab's tests/ and in the files its lab.toml lists"
                    )),
                };
                if let Some(problem) = misplaced {
                    errors.push(err(number, problem));
                }
                if kind == Kind::Solution && syntax == Syntax::Rust && hint.is_none() {
                    errors.push(err(
                        number,
                        "BEGIN SOLUTION needs a text for the learner: `// BEGIN SOLUTION: <what to do, in one sentence>`".into(),
                    ));
                }
                open = Some(Open {
                    kind,
                    begin: number,
                    body: index + 1,
                    hint,
                });
            }
            Some(Marker::End(kind)) => match open.take() {
                None => errors.push(err(
                    number,
                    format!("END {kind} without a BEGIN {kind} before it"),
                )),
                Some(region) if region.kind != kind => {
                    errors.push(err(
                        number,
                        format!(
                            "END {kind} closes the {} region opened at line {}; expected END {}",
                            region.kind, region.begin, region.kind
                        ),
                    ));
                }
                Some(region) => {
                    if region.body == number && kind == Kind::Solution {
                        errors.push(err(
                            region.begin,
                            "empty SOLUTION region: there is nothing for the learner to write"
                                .into(),
                        ));
                    }
                    regions.push(Region {
                        kind,
                        begin: region.begin,
                        end: number,
                        hint: region.hint,
                    });
                }
            },
        }
    }
    if let Some(region) = open {
        errors.push(err(
            region.begin,
            format!(
                "BEGIN {} is never closed; add END {} after the region",
                region.kind, region.kind
            ),
        ));
    }
    if errors.is_empty() {
        Ok(regions)
    } else {
        Err(errors)
    }
}

/// rustfmt's default line width, which a released `todo!` keeps to.
const RUSTFMT_WIDTH: usize = 100;

/// The widest a released `# TODO:` line grows before it wraps.
const TODO_WIDTH: usize = 80;

/// The starter text: solution regions replaced by a `todo!` (Rust) or
/// `# TODO` lines (TOML, wrapped to 80 columns), hidden-test regions
/// removed. `regions` must come from [`scan`] of the same text.
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
                            let literal =
                                format!("{:?}", hint.replace('{', "{{").replace('}', "}}"));
                            // Laid out as rustfmt lays it out, so that the
                            // learner's `cargo fmt` leaves released files be.
                            if indent.len() + "todo!()".len() + literal.len() <= RUSTFMT_WIDTH {
                                out.push_str(&format!("{indent}todo!({literal})\n"));
                            } else {
                                out.push_str(&format!(
                                    "{indent}todo!(\n{indent}    {literal}\n{indent})\n"
                                ));
                            }
                        }
                        Syntax::Hash => {
                            let width = TODO_WIDTH.saturating_sub(indent.len() + 8);
                            for (i, line) in wrap(hint, width).iter().enumerate() {
                                let lead = if i == 0 { "# TODO: " } else { "#       " };
                                out.push_str(&format!("{indent}{lead}{line}\n"));
                            }
                        }
                    }
                }
                index = region.end;
                next += 1;
                // A removed block leaves no doubled blank line and no blank
                // line at the end of the file, as rustfmt would have it.
                let next_blank = lines.get(index).is_none_or(|l| l.trim().is_empty());
                if region.kind == Kind::HiddenTests && next_blank && out.ends_with("\n\n") {
                    out.pop();
                }
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

/// `text`'s words in lines of at most `width` characters (a longer word
/// gets a line of its own).
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for word in text.split_whitespace() {
        match lines.last_mut() {
            Some(line) if line.chars().count() + 1 + word.chars().count() <= width => {
                line.push(' ');
                line.push_str(word);
            }
            _ => lines.push(word.to_owned()),
        }
    }
    if lines.is_empty() {
        lines.push(String::new());
    }
    lines
}

/// Whether `inside` (a path relative to a lab's folder) is given code:
/// `src/given.rs` or anything under `src/given/`.
pub fn is_given(inside: &Path) -> bool {
    let inside = normal(inside);
    let parts: Vec<&str> = inside.iter().filter_map(|c| c.to_str()).collect();
    matches!(
        parts.as_slice(),
        ["src", "given.rs"] | ["src", "given", _, ..]
    )
}

/// `path` without `.` components, so `./src/a.rs` and `src/a.rs` compare equal.
fn normal(path: &Path) -> PathBuf {
    path.components()
        .filter(|c| !matches!(c, Component::CurDir))
        .collect()
}

/// Where the labs are and which of their files the learner edits: what
/// gives each file its [`Role`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Layout {
    labs: Vec<LabFiles>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct LabFiles {
    /// The lab's folder, relative to the workspace root (`labs/frame`).
    dir: PathBuf,
    /// The files its `lab.toml` lists, relative to `dir`.
    files: Vec<PathBuf>,
}

impl Layout {
    /// The layout of a course: each of its labs with the files its
    /// `lab.toml` lists.
    pub fn of_course(course: &Course) -> Self {
        course.labs().fold(Layout::default(), |layout, lab| {
            let dir = lab.dir.strip_prefix(&course.root).unwrap_or(&lab.dir);
            layout.with_lab(dir, &lab.files)
        })
    }

    /// Adds a lab in `dir` (relative to the workspace root) whose learner
    /// edits `files` (relative to `dir`).
    pub fn with_lab(mut self, dir: impl AsRef<Path>, files: &[String]) -> Self {
        self.labs.push(LabFiles {
            dir: normal(dir.as_ref()),
            files: files.iter().map(|f| normal(Path::new(f))).collect(),
        });
        self
    }

    /// The role of a file, from its path relative to the workspace root:
    /// a lab's `tests/` are tests, its given code is given, the files its
    /// `lab.toml` lists are the learner's, its other files are unlisted;
    /// anything outside the labs (the kit, the pipeline) is plain.
    pub fn role_of(&self, relative: &Path) -> Role {
        let relative = normal(relative);
        let Some((lab, inside)) = self
            .labs
            .iter()
            .find_map(|lab| Some((lab, relative.strip_prefix(&lab.dir).ok()?)))
        else {
            return Role::Plain;
        };
        if inside.starts_with("tests") {
            Role::Tests
        } else if is_given(inside) {
            Role::Given
        } else if lab.files.iter().any(|f| f == inside) {
            Role::Learner
        } else {
            Role::Unlisted
        }
    }
}

/// The first line of a part of a Markdown page only instructors read.
pub const INSTRUCTORS_BEGIN: &str = "<!-- BEGIN INSTRUCTORS -->";
/// The line that ends it.
pub const INSTRUCTORS_END: &str = "<!-- END INSTRUCTORS -->";
/// The first line of a part only learners read: an HTML comment, so the
/// instructor's copy does not show it.
pub const LEARNERS_BEGIN: &str = "<!-- BEGIN LEARNERS";
/// The line that ends it (and the comment).
pub const LEARNERS_END: &str = "END LEARNERS -->";

/// A Markdown page as learners get it: the parts between
/// [`INSTRUCTORS_BEGIN`] and [`INSTRUCTORS_END`] removed, the parts between
/// [`LEARNERS_BEGIN`] and [`LEARNERS_END`] shown (their marker lines
/// removed), everything else as it is. A marker out of place is an error
/// naming its line; `path` is only for the message.
pub fn for_learners(path: &Path, text: &str) -> Result<String, Vec<MarkerError>> {
    #[derive(Clone, Copy, PartialEq)]
    enum Part {
        Both,
        Instructors,
        Learners,
    }
    let mut out = String::with_capacity(text.len());
    let mut errors = Vec::new();
    let mut part = (Part::Both, 0);
    for (n, line) in text.split_inclusive('\n').enumerate() {
        let line_no = n + 1;
        let marker = match line.trim_end() {
            INSTRUCTORS_BEGIN => Some((Part::Both, Part::Instructors)),
            INSTRUCTORS_END => Some((Part::Instructors, Part::Both)),
            LEARNERS_BEGIN => Some((Part::Both, Part::Learners)),
            LEARNERS_END => Some((Part::Learners, Part::Both)),
            _ => None,
        };
        match marker {
            Some((from, to)) if part.0 == from => part = (to, line_no),
            Some(_) => errors.push(MarkerError {
                path: path.to_owned(),
                line: line_no,
                problem: format!(
                    "`{}` is out of place: the part opened on line {} is not closed, or none is open",
                    line.trim_end(),
                    part.1
                ),
            }),
            None if part.0 != Part::Instructors => out.push_str(line),
            None => {}
        }
    }
    if part.0 != Part::Both {
        errors.push(MarkerError {
            path: path.to_owned(),
            line: part.1,
            problem: "this part is never closed".into(),
        });
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
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
    fn a_hidden_block_leaves_no_blank_line_behind() {
        let path = Path::new("labs/x/tests/grade.rs");
        let at_end = "fn a() {}\n\n// BEGIN HIDDEN TESTS\nfn secret() {}\n// END HIDDEN TESTS\n";
        let regions = scan(path, at_end, Role::Tests, Syntax::Rust).unwrap();
        assert_eq!(starter(at_end, &regions, Syntax::Rust), "fn a() {}\n");
        let between = "fn a() {}\n\n// BEGIN HIDDEN TESTS\nfn secret() {}\n// END HIDDEN TESTS\n\nfn b() {}\n";
        let regions = scan(path, between, Role::Tests, Syntax::Rust).unwrap();
        assert_eq!(
            starter(between, &regions, Syntax::Rust),
            "fn a() {}\n\nfn b() {}\n"
        );
    }

    #[test]
    fn a_long_todo_is_laid_out_as_rustfmt_would() {
        let hint = "say what this does in words, at such length that the line of the todo grows past a hundred columns";
        let text =
            format!("fn f() {{\n    // BEGIN SOLUTION: {hint}\n    1\n    // END SOLUTION\n}}\n");
        let regions = scan_rs(&text, Role::Learner).unwrap();
        assert_eq!(
            starter(&text, &regions, Syntax::Rust),
            format!("fn f() {{\n    todo!(\n        \"{hint}\"\n    )\n}}\n")
        );
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
                "needs a text",
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
                "outside every lab",
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
        let layout = Layout::default()
            .with_lab(
                "labs/frame",
                &[
                    "spec.toml".into(),
                    "src/spec.rs".into(),
                    "./src/costs.rs".into(),
                ],
            )
            .with_lab("labs/gather", &["src/body.rs".into()]);
        let role = |p: &str| layout.role_of(Path::new(p));
        assert_eq!(role("labs/frame/spec.toml"), Role::Learner);
        assert_eq!(role("labs/frame/src/spec.rs"), Role::Learner);
        assert_eq!(role("labs/frame/src/costs.rs"), Role::Learner);
        assert_eq!(role("labs/gather/src/body.rs"), Role::Learner);
        assert_eq!(role("labs/frame/tests/grade.rs"), Role::Tests);
        assert_eq!(role("labs/frame/src/lib.rs"), Role::Unlisted);
        assert_eq!(role("labs/frame/Cargo.toml"), Role::Unlisted);
        assert_eq!(role("labs/frame/lab.toml"), Role::Unlisted);
        assert_eq!(role("labs/gather/src/spec.rs"), Role::Unlisted);
        assert_eq!(role("labs/gather/src/given/stage.rs"), Role::Given);
        assert_eq!(role("labs/gather/src/given.rs"), Role::Given);
        assert_eq!(role("labs/kit/src/corpus.rs"), Role::Plain);
        assert_eq!(role("labs/pipeline/src/main.rs"), Role::Plain);
        assert_eq!(role("tui/src/app.rs"), Role::Plain);
    }

    #[test]
    fn given_code_is_src_given() {
        assert!(is_given(Path::new("src/given/stage.rs")));
        assert!(is_given(Path::new("./src/given/deep/er.rs")));
        assert!(is_given(Path::new("src/given.rs")));
        assert!(!is_given(Path::new("src/given")));
        assert!(!is_given(Path::new("src/givenness.rs")));
        assert!(!is_given(Path::new("given/stage.rs")));
        assert!(!is_given(Path::new("src/body.rs")));
    }

    #[test]
    fn solution_markers_only_in_the_listed_files() {
        let layout = Layout::default().with_lab("labs/x", &["src/lib.rs".into()]);
        let solution = "fn f() {\n    // BEGIN SOLUTION: h\n    1\n    // END SOLUTION\n}\n";
        let place = "solution markers belong in the files lab.toml lists; given code under src/given/ holds none";
        for (path, problem) in [
            ("labs/x/src/given/stage.rs", "solution marker in given code"),
            ("labs/x/src/given.rs", "solution marker in given code"),
            ("labs/x/src/other.rs", "does not list in `files`"),
        ] {
            let path = Path::new(path);
            let errors = scan(path, solution, layout.role_of(path), Syntax::Rust).unwrap_err();
            assert_eq!(errors.len(), 1, "{errors:?}");
            let shown = errors[0].to_string();
            assert!(
                shown.starts_with(&format!("{}:2: ", path.display()))
                    && shown.contains(problem)
                    && shown.contains(place),
                "{shown}"
            );
        }
        let listed = Path::new("labs/x/src/lib.rs");
        assert_eq!(
            scan(listed, solution, layout.role_of(listed), Syntax::Rust)
                .unwrap()
                .len(),
            1
        );
        // Nor may given code hide checks.
        let hidden = "// BEGIN HIDDEN TESTS\nx\n// END HIDDEN TESTS\n";
        let given = Path::new("labs/x/src/given/stage.rs");
        let errors = scan(given, hidden, layout.role_of(given), Syntax::Rust).unwrap_err();
        assert!(
            errors[0].problem.contains("outside the lab's tests/"),
            "{errors:?}"
        );
    }

    const LONG: &str = "\
fn f() -> u32 {
    // BEGIN SOLUTION: say \"what\" in one sentence,
    //   even when it is {long},
    //     and indented more
    // One space: this comment opens the solution.
    1
    // END SOLUTION
}
";

    #[test]
    fn a_text_continues_on_comments_indented_by_two_spaces() {
        let regions = scan_rs(LONG, Role::Learner).unwrap();
        assert_eq!(
            regions,
            vec![Region {
                kind: Kind::Solution,
                begin: 2,
                end: 7,
                hint: Some(
                    "say \"what\" in one sentence, even when it is {long}, and indented more"
                        .into()
                ),
            }]
        );
        let out = starter(LONG, &regions, Syntax::Rust);
        assert_eq!(
            out,
            "fn f() -> u32 {\n    todo!(\"say \\\"what\\\" in one sentence, even when it is {{long}}, and indented more\")\n}\n"
        );
    }

    #[test]
    fn a_text_ends_at_the_first_line_that_does_not_continue_it() {
        // A one-space comment, a blank comment, a doc comment, code, a blank
        // line: each ends the text and belongs to the solution.
        for opener in [
            "// one space",
            "//",
            "/// doc",
            "//!  inner doc",
            "let x = 1;",
            "",
        ] {
            let text = format!(
                "fn f() {{\n    // BEGIN SOLUTION: do it\n    {opener}\n    //   not text\n    g();\n    // END SOLUTION\n}}\n"
            );
            let regions = scan_rs(&text, Role::Learner).unwrap();
            assert_eq!(
                regions[0].hint.as_deref(),
                Some("do it"),
                "after {opener:?}"
            );
        }
        // A marker is never text, whatever its spacing.
        let text = "// BEGIN SOLUTION: do it\n//   END SOLUTION\n";
        let errors = scan_rs(text, Role::Learner).unwrap_err();
        assert!(errors[0].problem.contains("empty SOLUTION"), "{errors:?}");
        // A region that holds nothing but its text is empty.
        let text = "// BEGIN SOLUTION: do it\n//   and more\n// END SOLUTION\n";
        let errors = scan_rs(text, Role::Learner).unwrap_err();
        assert!(
            errors[0].line == 1 && errors[0].problem.contains("empty SOLUTION"),
            "{errors:?}"
        );
    }

    #[test]
    fn a_text_may_start_on_the_next_line() {
        let text = "// BEGIN SOLUTION:\n//   do it\nx\n// END SOLUTION\n";
        let regions = scan_rs(text, Role::Learner).unwrap();
        assert_eq!(regions[0].hint.as_deref(), Some("do it"));
        // Without the colon there is no text to continue.
        let text = "// BEGIN SOLUTION\n//   do it\nx\n// END SOLUTION\n";
        let errors = scan_rs(text, Role::Learner).unwrap_err();
        assert!(errors[0].problem.contains("needs a text"), "{errors:?}");
    }

    #[test]
    fn toml_texts_continue_and_wrap() {
        let text = "[metric]\n# BEGIN SOLUTION: set optimise to the metric to make as good as possible\n#   and max_ham_flagged_rate to the largest share of real mail you accept losing\n# The one-space comment is part of the solution.\noptimise = \"spam_recall\"\n# END SOLUTION\n";
        let path = Path::new("labs/x/spec.toml");
        let regions = scan(path, text, Role::Learner, Syntax::Hash).unwrap();
        assert_eq!(
            regions[0].hint.as_deref(),
            Some(
                "set optimise to the metric to make as good as possible and max_ham_flagged_rate to the largest share of real mail you accept losing"
            )
        );
        let out = starter(text, &regions, Syntax::Hash);
        assert_eq!(
            out,
            "[metric]\n\
             # TODO: set optimise to the metric to make as good as possible and\n\
             #       max_ham_flagged_rate to the largest share of real mail you accept losing\n"
        );
        assert!(out.lines().all(|l| l.chars().count() <= 80), "{out}");
    }

    #[test]
    fn a_page_for_learners_drops_the_instructors_parts_and_shows_theirs() {
        let page = "# Title\n\n<!-- BEGIN INSTRUCTORS -->\nRun `init` to release.\n<!-- END INSTRUCTORS -->\n<!-- BEGIN LEARNERS\nThis is your workspace.\nEND LEARNERS -->\n\nFor everyone.\n";
        let learners = for_learners(Path::new("README.md"), page).unwrap();
        assert_eq!(
            learners,
            "# Title\n\nThis is your workspace.\n\nFor everyone.\n"
        );
    }

    #[test]
    fn a_page_marker_out_of_place_is_named_by_line() {
        let unclosed = "a\n<!-- BEGIN INSTRUCTORS -->\nb\n";
        let errors = for_learners(Path::new("README.md"), unclosed).unwrap_err();
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].line, 2);
        assert!(errors[0].problem.contains("never closed"), "{errors:?}");
        let stray = "a\nEND LEARNERS -->\n";
        let errors = for_learners(Path::new("README.md"), stray).unwrap_err();
        assert_eq!(errors[0].line, 2);
        assert!(errors[0].problem.contains("out of place"), "{errors:?}");
        let nested = "<!-- BEGIN LEARNERS\n<!-- BEGIN INSTRUCTORS -->\nEND LEARNERS -->\n";
        assert!(for_learners(Path::new("README.md"), nested).is_err());
    }
}
