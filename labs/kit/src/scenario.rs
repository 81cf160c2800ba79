//! Scenarios: traffic for the monitor to watch, with incidents whose onset
//! is known, so that detection can be measured and graded.
//!
//! A scenario (`labs/monitor/scenarios/*.toml`) says which messages are
//! sent, in which order and how fast, how much feedback comes back and how
//! late, and which incident is injected from which message on. [`plan`]
//! turns it and a pool of real messages (the served model's test split)
//! into the exact requests `ninety replay` sends, the same every time for
//! the same seed. Messages outside an incident are sent as the corpus
//! holds them, so a stable scenario is traffic the model was checked on.

use crate::Label;
use crate::rng::Rng;
use crate::tomlfile::{self, TomlError};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;

/// A scenario file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// Its name (the file's stem).
    pub name: String,
    /// What happens in it, in a sentence or two.
    pub about: String,
    /// How many requests it sends.
    pub messages: usize,
    /// Requests per second (0: each as soon as the last was answered).
    #[serde(default)]
    pub speed: f64,
    /// The monitor's window, in predictions, for this scenario.
    pub window: usize,
    /// The seed of every draw it makes.
    #[serde(default = "default_seed")]
    pub seed: u64,
    /// The order messages are drawn in.
    #[serde(default)]
    pub order: Order,
    /// Feedback from users.
    pub feedback: Feedback,
    /// What goes wrong, and when.
    pub incident: Incident,
}

fn default_seed() -> u64 {
    7
}

/// The order of the traffic.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Order {
    /// The pool shuffled, again for each pass: traffic like the reference.
    #[default]
    Shuffled,
    /// The pool in the order of the messages' `Date` headers (the corpus's
    /// own drift between its collections comes with it).
    Date,
}

/// Feedback: users who report what a message really was.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Feedback {
    /// The share of messages someone reports, 0 to 1.
    pub share: f64,
    /// How many requests later the report arrives.
    pub delay: usize,
}

/// An incident.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Incident {
    /// What goes wrong.
    pub kind: IncidentKind,
    /// The request it starts at, from 0 (ignored for `none`).
    #[serde(default)]
    pub onset: usize,
    /// The share of requests from the onset on that it touches (the
    /// kind's own default when absent).
    #[serde(default)]
    pub share: Option<f64>,
    /// Within how many requests of the onset a monitor must raise an
    /// alert (none: the scenario is not graded on it).
    #[serde(default)]
    pub detect_within: Option<usize>,
}

/// The kinds of incident.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum IncidentKind {
    /// Nothing: every alert is a false alarm.
    None,
    /// The corpus's real shift: the earlier collection until the onset,
    /// the later one after.
    Collections,
    /// A new spam campaign: copies of one spam message with a changing
    /// reference number and amount, a share of the traffic.
    Campaign,
    /// A client or gateway that turns mail into HTML: the same messages,
    /// sent as `text/html`.
    HtmlOnly,
    /// An upstream bug: every body cut to its first 40 characters.
    Truncated,
    /// A flood: one message sent again and again, a share of the traffic,
    /// twice as fast.
    Flood,
}

impl IncidentKind {
    /// The share of traffic it touches unless the file says.
    pub fn default_share(self) -> f64 {
        match self {
            IncidentKind::None | IncidentKind::Collections => 0.0,
            IncidentKind::Campaign | IncidentKind::Flood => 0.5,
            IncidentKind::HtmlOnly | IncidentKind::Truncated => 1.0,
        }
    }
}

/// Reads a scenario file, every problem named with its file, line and
/// field.
pub fn load(path: &Path) -> Result<Scenario, TomlError> {
    const WHAT: &str = "scenario file";
    let text = std::fs::read_to_string(path)
        .map_err(|e| TomlError::at(WHAT, path, "", None, format!("cannot be read: {e}")))?;
    let s: Scenario = tomlfile::read(WHAT, path, &text)?;
    let bad = |field: &str, problem: &str| Err(TomlError::field(WHAT, path, &text, field, problem));
    if s.messages == 0 {
        return bad("messages", "expected at least 1 request");
    }
    if s.window == 0 {
        return bad("window", "expected at least 1 prediction a window");
    }
    if !(s.speed.is_finite() && s.speed >= 0.0) {
        return bad("speed", "expected requests per second, 0 or more");
    }
    if !(0.0..=1.0).contains(&s.feedback.share) {
        return bad("feedback.share", "expected a share from 0 to 1");
    }
    if let Some(share) = s.incident.share
        && !(share > 0.0 && share <= 1.0)
    {
        return bad("incident.share", "expected a share above 0, at most 1");
    }
    if s.incident.kind != IncidentKind::None && s.incident.onset >= s.messages {
        return bad(
            "incident.onset",
            &format!(
                "the onset {} is past the last request ({} are sent)",
                s.incident.onset, s.messages
            ),
        );
    }
    Ok(s)
}

/// What a replay did, kept in `.ninety/serve/replay.json` for the monitor.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReplayRecord {
    /// The scenario.
    pub scenario: Scenario,
    /// The model that answered.
    pub model_id: Option<String>,
    /// The first request's id: where the replay begins in the log.
    pub first_request: Option<String>,
    /// The id of the request at the incident's onset (none without one).
    pub onset_request: Option<String>,
    /// Requests sent.
    pub sent: usize,
    /// Answered with a prediction.
    pub answered: usize,
    /// Refused or failed, by status or by what failed.
    pub errors: BTreeMap<String, usize>,
    /// Requests the incident made or changed.
    pub injected: usize,
    /// Feedback sent.
    pub feedback: usize,
    /// Seconds it took.
    pub seconds: f64,
}

/// Where the last replay's record is kept: `.ninety/serve/replay.json`.
pub fn replay_path(home: &crate::DataHome) -> std::path::PathBuf {
    home.root().join("serve").join("replay.json")
}

/// A message the pool offers.
#[derive(Debug, Clone, PartialEq)]
pub struct Source {
    /// Its id.
    pub id: String,
    /// Its raw bytes, as the corpus holds them.
    pub raw: Vec<u8>,
    /// Its label.
    pub label: Label,
    /// Its collection period (1 earlier, 2 later).
    pub period: u8,
    /// Its `Date` as `(year, month, day)`, when it has one.
    pub date: Option<(u16, u8, u8)>,
    /// Its clean body (what gather kept).
    pub body: String,
}

/// One request of a scenario.
#[derive(Debug, Clone, PartialEq)]
pub struct Planned {
    /// The raw message sent (`message/rfc822`).
    pub raw: Vec<u8>,
    /// What it really is: the feedback, when someone reports it.
    pub label: Label,
    /// The pool message it was made from.
    pub source: String,
    /// Whether the incident made or changed it.
    pub injected: bool,
    /// Whether a user reports it (after the scenario's delay).
    pub reported: bool,
    /// Seconds after the start it is due (none: as fast as answered).
    pub due: Option<f64>,
}

/// Why a scenario cannot be planned.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlanError {
    /// The pool is empty, or lacks what the incident needs.
    #[error("scenario `{scenario}`: {problem}")]
    Pool {
        /// The scenario.
        scenario: String,
        /// What is missing.
        problem: String,
    },
}

/// The requests of scenario `s` drawn from `pool`.
pub fn plan(s: &Scenario, pool: &[Source]) -> Result<Vec<Planned>, PlanError> {
    let missing = |problem: &str| PlanError::Pool {
        scenario: s.name.clone(),
        problem: problem.to_owned(),
    };
    if pool.is_empty() {
        return Err(missing("the pool of messages is empty"));
    }
    let mut rng = Rng::new(s.seed);
    let kind = s.incident.kind;
    let share = s.incident.share.unwrap_or(kind.default_share());
    let onset = if kind == IncidentKind::None {
        s.messages
    } else {
        s.incident.onset
    };

    // The streams messages are drawn from: before and after the onset (the
    // two collections for the real shift, the whole pool otherwise).
    let mut ordered: Vec<&Source> = pool.iter().collect();
    ordered.sort_by(|a, b| (a.date, &a.id).cmp(&(b.date, &b.id)));
    let (before, after): (Vec<&Source>, Vec<&Source>) = if kind == IncidentKind::Collections {
        let early: Vec<&Source> = ordered.iter().copied().filter(|m| m.period == 1).collect();
        let late: Vec<&Source> = ordered.iter().copied().filter(|m| m.period != 1).collect();
        if early.is_empty() || late.is_empty() {
            return Err(missing("the real shift needs messages of both collections"));
        }
        (early, late)
    } else {
        (ordered.clone(), ordered)
    };
    let mut early = Draw::new(before, s.order, rng.fork(1));
    let mut late = Draw::new(after, s.order, rng.fork(2));

    let spam: Vec<&Source> = pool.iter().filter(|m| m.label == Label::Spam).collect();
    let ham: Vec<&Source> = pool.iter().filter(|m| m.label == Label::Ham).collect();
    let template = match kind {
        IncidentKind::Campaign => Some(
            *spam
                .get(rng.below(spam.len()))
                .ok_or_else(|| missing("a campaign needs a spam message to copy"))?,
        ),
        IncidentKind::Flood => Some(
            *ham.get(rng.below(ham.len()))
                .ok_or_else(|| missing("a flood needs a ham message to repeat"))?,
        ),
        _ => None,
    };

    let mut out = Vec::with_capacity(s.messages);
    let mut clock = 0.0;
    let mut touch = rng.fork(3);
    let mut report = rng.fork(4);
    for i in 0..s.messages {
        let live = i >= onset;
        let hit = live && touch.unit() < share;
        let source = if live { late.next() } else { early.next() };
        let (raw, label, from, injected) = match (kind, hit, template) {
            (IncidentKind::Campaign, true, Some(t)) => (campaign(t, i), Label::Spam, t, true),
            (IncidentKind::Flood, true, Some(t)) => (t.raw.clone(), t.label, t, true),
            (IncidentKind::HtmlOnly, true, _) => (html_only(source), source.label, source, true),
            (IncidentKind::Truncated, true, _) => (truncated(source), source.label, source, true),
            _ => (source.raw.clone(), source.label, source, false),
        };
        let speed = if kind == IncidentKind::Flood && live {
            s.speed * 2.0
        } else {
            s.speed
        };
        let due = (s.speed > 0.0).then_some(clock);
        if speed > 0.0 {
            clock += 1.0 / speed;
        }
        out.push(Planned {
            raw,
            label,
            source: from.id.clone(),
            injected,
            reported: report.unit() < s.feedback.share,
            due,
        });
    }
    Ok(out)
}

/// Draws from a stream of messages, round and round: in order, or shuffled
/// anew for each pass.
struct Draw<'a> {
    items: Vec<&'a Source>,
    order: Order,
    rng: Rng,
    at: usize,
}

impl<'a> Draw<'a> {
    fn new(items: Vec<&'a Source>, order: Order, rng: Rng) -> Self {
        let mut d = Draw {
            items,
            order,
            rng,
            at: 0,
        };
        d.shuffle();
        d
    }

    fn shuffle(&mut self) {
        if self.order == Order::Shuffled {
            for i in (1..self.items.len()).rev() {
                let j = self.rng.below(i + 1);
                self.items.swap(i, j);
            }
        }
    }

    fn next(&mut self) -> &'a Source {
        if self.at == self.items.len() {
            self.at = 0;
            self.shuffle();
        }
        self.at += 1;
        self.items[self.at - 1]
    }
}

/// The header of a raw message (up to the blank line) and its body.
fn split_raw(raw: &[u8]) -> (&[u8], &[u8]) {
    for (sep, len) in [(&b"\r\n\r\n"[..], 4), (&b"\n\n"[..], 2)] {
        if let Some(at) = raw.windows(sep.len()).position(|w| w == sep) {
            return (&raw[..at], &raw[at + len..]);
        }
    }
    (raw, &[])
}

/// The header's lines without the fields named (folded lines included):
/// the fields a rewritten body makes wrong.
fn header_without(header: &[u8], drop: &[&str]) -> Vec<u8> {
    let text = String::from_utf8_lossy(header);
    let mut out = String::new();
    let mut dropping = false;
    for line in text.lines() {
        let folded = line.starts_with([' ', '\t']);
        if !folded {
            let name = line.split(':').next().unwrap_or("").trim();
            dropping = drop.iter().any(|d| d.eq_ignore_ascii_case(name));
        }
        if !dropping {
            out.push_str(line);
            out.push('\n');
        }
    }
    out.into_bytes()
}

const BODY_FIELDS: [&str; 4] = [
    "content-type",
    "content-transfer-encoding",
    "mime-version",
    "content-length",
];

/// How much of a body a [`IncidentKind::Truncated`] incident leaves.
pub const TRUNCATED_CHARS: usize = 40;

/// The message with its clean body cut to its first [`TRUNCATED_CHARS`]
/// characters, as a broken gateway with a fixed-size buffer would pass it
/// on.
pub fn truncated(m: &Source) -> Vec<u8> {
    let (header, _) = split_raw(&m.raw);
    let mut out = header_without(header, &BODY_FIELDS);
    let cut: String = m.body.chars().take(TRUNCATED_CHARS).collect();
    out.extend_from_slice(
        format!(
            "MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n{cut}\n"
        )
        .as_bytes(),
    );
    out
}

/// The message's clean body sent as HTML, with the header it came with.
pub fn html_only(m: &Source) -> Vec<u8> {
    let (header, _) = split_raw(&m.raw);
    let mut out = header_without(header, &BODY_FIELDS);
    out.extend_from_slice(
        b"MIME-Version: 1.0\nContent-Type: text/html; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n<html><body>\n",
    );
    for para in m.body.split("\n\n") {
        let escaped = para
            .replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('\n', "<br>\n");
        out.extend_from_slice(format!("<p>{escaped}</p>\n").as_bytes());
    }
    out.extend_from_slice(b"</body></html>\n");
    out
}

/// The `n`th copy of a campaign made from spam message `t`: its header
/// and clean body, with a reference number and an amount that change
/// from copy to copy, as campaigns vary their mail to slip past filters.
pub fn campaign(t: &Source, n: usize) -> Vec<u8> {
    let (header, _) = split_raw(&t.raw);
    let mut out = header_without(header, &BODY_FIELDS);
    let code = 104_729u64.wrapping_mul(n as u64 + 1) % 1_000_000;
    out.extend_from_slice(
        format!(
            "MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\nRef {code:06}: claim ${} today.\n\n{}\n",
            50 + n % 450,
            t.body
        )
        .as_bytes(),
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn source(id: &str, label: Label, period: u8, day: u8) -> Source {
        Source {
            id: id.to_owned(),
            raw: format!(
                "From: a@b.org\nSubject: {id}\nContent-Type: text/plain;\n  charset=us-ascii\n\nbody of {id}\n"
            )
            .into_bytes(),
            label,
            period,
            date: Some((2002, 8, day)),
            body: format!("body of {id}"),
        }
    }

    fn pool() -> Vec<Source> {
        (0..20)
            .map(|i| {
                let label = if i % 3 == 0 { Label::Spam } else { Label::Ham };
                source(
                    &format!("m{i:02}"),
                    label,
                    1 + u8::from(i >= 10),
                    i as u8 + 1,
                )
            })
            .collect()
    }

    fn scenario(kind: IncidentKind) -> Scenario {
        Scenario {
            name: "t".into(),
            about: String::new(),
            messages: 100,
            speed: 10.0,
            window: 10,
            seed: 3,
            order: Order::Shuffled,
            feedback: Feedback {
                share: 0.5,
                delay: 5,
            },
            incident: Incident {
                kind,
                onset: 60,
                share: None,
                detect_within: Some(20),
            },
        }
    }

    #[test]
    fn a_plan_is_the_same_for_the_same_seed_and_touches_nothing_before_the_onset() {
        for kind in [
            IncidentKind::None,
            IncidentKind::Campaign,
            IncidentKind::HtmlOnly,
            IncidentKind::Truncated,
            IncidentKind::Flood,
            IncidentKind::Collections,
        ] {
            let s = scenario(kind);
            let a = plan(&s, &pool()).unwrap();
            assert_eq!(a, plan(&s, &pool()).unwrap(), "{kind:?}");
            assert_eq!(a.len(), 100);
            assert!(a[..60].iter().all(|p| !p.injected), "{kind:?}");
            let injected = a[60..].iter().filter(|p| p.injected).count();
            match kind {
                IncidentKind::None | IncidentKind::Collections => assert_eq!(injected, 0),
                IncidentKind::HtmlOnly | IncidentKind::Truncated => assert_eq!(injected, 40),
                _ => assert!((10..=30).contains(&injected), "{kind:?} {injected}"),
            }
            let reported = a.iter().filter(|p| p.reported).count();
            assert!((30..=70).contains(&reported), "{reported}");
        }
    }

    #[test]
    fn each_incident_changes_the_messages_as_it_says() {
        let p = pool();
        let cut = plan(&scenario(IncidentKind::Truncated), &p).unwrap();
        let text = String::from_utf8(cut[60].raw.clone()).unwrap();
        assert!(
            text.contains("charset=utf-8\nContent-Transfer-Encoding: 8bit\n\nbody of m"),
            "{text}"
        );
        let long = Source {
            body: "x".repeat(100),
            ..p[0].clone()
        };
        let cut = String::from_utf8(truncated(&long)).unwrap();
        assert!(
            cut.ends_with(&format!("\n\n{}\n", "x".repeat(TRUNCATED_CHARS))),
            "{cut}"
        );
        let html = plan(&scenario(IncidentKind::HtmlOnly), &p).unwrap();
        let text = String::from_utf8(html[70].raw.clone()).unwrap();
        assert!(text.contains("Content-Type: text/html; charset=utf-8"));
        // The folded old Content-Type is gone, whole.
        assert!(!text.contains("us-ascii"), "{text}");
        assert!(text.contains("<p>body of m"));
        let campaign = plan(&scenario(IncidentKind::Campaign), &p).unwrap();
        let copies: Vec<&Planned> = campaign.iter().filter(|c| c.injected).collect();
        assert!(copies.iter().all(|c| c.label == Label::Spam));
        assert!(
            copies
                .windows(2)
                .all(|w| w[0].source == w[1].source && w[0].raw != w[1].raw)
        );
        let flood = plan(&scenario(IncidentKind::Flood), &p).unwrap();
        let copies: Vec<&Planned> = flood.iter().filter(|c| c.injected).collect();
        assert!(copies.windows(2).all(|w| w[0].raw == w[1].raw));
        // Twice as fast from the onset.
        let gap = |a: &Planned, b: &Planned| b.due.unwrap() - a.due.unwrap();
        assert!((gap(&flood[10], &flood[11]) - 0.1).abs() < 1e-9);
        assert!((gap(&flood[80], &flood[81]) - 0.05).abs() < 1e-9);
    }

    #[test]
    fn the_real_shift_sends_the_earlier_collection_then_the_later_in_date_order() {
        let mut s = scenario(IncidentKind::Collections);
        s.order = Order::Date;
        let a = plan(&s, &pool()).unwrap();
        let period = |p: &Planned| if p.source.as_str() < "m10" { 1 } else { 2 };
        assert!(a[..60].iter().all(|p| period(p) == 1));
        assert!(a[60..].iter().all(|p| period(p) == 2));
        assert_eq!(a[0].source, "m00");
        assert_eq!(a[1].source, "m01");
    }

    #[test]
    fn a_bad_scenario_file_is_named_with_its_line_and_field() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.toml");
        let good = "name = \"s\"\nabout = \"x\"\nmessages = 10\nwindow = 5\n\n[feedback]\nshare = 0.2\ndelay = 3\n\n[incident]\nkind = \"flood\"\nonset = 4\n";
        std::fs::write(&path, good).unwrap();
        assert_eq!(load(&path).unwrap().incident.kind, IncidentKind::Flood);
        for (text, field, line) in [
            (
                good.replace("onset = 4", "onset = 40"),
                "incident.onset",
                12,
            ),
            (
                good.replace("share = 0.2", "share = 2.0"),
                "feedback.share",
                7,
            ),
            (good.replace("\"flood\"", "\"meteor\""), "incident.kind", 11),
            (
                good.replace("window = 5", "window = 5\nspeeed = 3"),
                "speeed",
                5,
            ),
        ] {
            std::fs::write(&path, &text).unwrap();
            let e = load(&path).unwrap_err();
            assert_eq!(e.line, Some(line), "{e}");
            assert!(e.to_string().contains(field), "{e}");
            assert!(e.to_string().contains("s.toml"), "{e}");
        }
    }
}
