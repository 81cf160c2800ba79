//! Checks on the committed mini corpus: it is exactly what the generator writes, its
//! names and manifest are right, and it carries every kind of mess it promises.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

use base64::Engine as _;
use ninety_mini_gen::manifest::{md5_hex, sha256_hex};
use ninety_mini_gen::mini::{self, CMDS, DIRS, MANIFEST};

const REGENERATE: &str = "run `cargo run -p ninety-mini-gen -- mini` and commit the result";

fn corpus_dir() -> PathBuf {
    ninety_mini_gen::default_mini_dir()
}

/// Every file under the group directories, as (relative path, bytes), sorted.
fn read_tree(root: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    for dir in DIRS {
        let path = root.join(dir.name);
        let Ok(entries) = fs::read_dir(&path) else {
            continue;
        };
        for entry in entries {
            let entry = entry.unwrap();
            let name = entry.file_name().to_string_lossy().into_owned();
            out.insert(
                format!("{}/{name}", dir.name),
                fs::read(entry.path()).unwrap(),
            );
        }
    }
    out
}

#[test]
fn committed_corpus_is_exactly_what_the_generator_writes() {
    let tmp = tempfile::tempdir().unwrap();
    mini::write(tmp.path()).unwrap();
    let fresh = read_tree(tmp.path());
    let committed = read_tree(&corpus_dir());
    let fresh_names: BTreeSet<&String> = fresh.keys().collect();
    let committed_names: BTreeSet<&String> = committed.keys().collect();
    let missing: Vec<_> = fresh_names.difference(&committed_names).take(5).collect();
    let stale: Vec<_> = committed_names.difference(&fresh_names).take(5).collect();
    assert!(
        missing.is_empty() && stale.is_empty(),
        "datasets/mini is out of date with the generator (missing {missing:?}, stale {stale:?}); {REGENERATE}"
    );
    for (path, bytes) in &fresh {
        assert!(
            committed[path] == *bytes,
            "datasets/mini/{path} differs from what the generator writes; {REGENERATE}"
        );
    }
    let fresh_manifest = fs::read(tmp.path().join(MANIFEST)).unwrap();
    let committed_manifest = fs::read(corpus_dir().join(MANIFEST)).unwrap_or_default();
    assert!(
        fresh_manifest == committed_manifest,
        "datasets/mini/{MANIFEST} differs from what the generator writes; {REGENERATE}"
    );
    assert!(
        corpus_dir().join("CARD.md").is_file(),
        "datasets/mini/CARD.md (hand-written) is missing"
    );
}

#[test]
fn generation_is_deterministic() {
    let a = mini::generate().unwrap();
    let b = mini::generate().unwrap();
    assert_eq!(a.len(), b.len());
    assert!(
        a.iter()
            .zip(&b)
            .all(|(x, y)| x.path == y.path && x.bytes == y.bytes)
    );
}

#[test]
fn names_and_manifest_match_the_bytes() {
    let root = corpus_dir();
    let files = read_tree(&root);
    let manifest = fs::read_to_string(root.join(MANIFEST)).expect("datasets/mini/manifest.tsv");
    let mut lines = manifest.lines();
    assert_eq!(
        lines.next(),
        Some("path\tsha256\tbytes\tgroup\tperiod\tlabel")
    );
    let mut listed = Vec::new();
    for line in lines {
        let cols: Vec<&str> = line.split('\t').collect();
        assert_eq!(cols.len(), 6, "manifest line {line:?}");
        let (path, sha, size, group, period, label) =
            (cols[0], cols[1], cols[2], cols[3], cols[4], cols[5]);
        let bytes = files
            .get(path)
            .unwrap_or_else(|| panic!("manifest lists missing file {path}"));
        assert_eq!(sha, sha256_hex(bytes), "{path}: sha256");
        assert_eq!(size, bytes.len().to_string(), "{path}: size");
        let dir_name = path.split('/').next().unwrap();
        let dir = DIRS.iter().find(|d| d.name == dir_name).unwrap();
        assert_eq!(group, dir.group.as_str(), "{path}: group");
        assert_eq!(period, dir.period.to_string(), "{path}: period");
        assert_eq!(label, dir.group.label().as_str(), "{path}: label");
        assert!(["easy-ham", "hard-ham", "spam"].contains(&group));
        assert!(["ham", "spam"].contains(&label));
        if path != CMDS {
            let name = path.rsplit('/').next().unwrap();
            let (num, md5) = name.split_once('.').unwrap();
            assert_eq!(num.len(), 5, "{path}: five-digit number");
            assert_eq!(
                md5,
                md5_hex(bytes),
                "{path}: the name's md5 is the md5 of the bytes"
            );
        }
        listed.push(path.to_string());
    }
    let mut sorted = listed.clone();
    sorted.sort();
    assert_eq!(listed, sorted, "manifest sorted by path");
    assert_eq!(listed.len(), files.len(), "manifest lists every file");
}

#[test]
fn composition_matches_the_plan_and_stays_small() {
    let files = read_tree(&corpus_dir());
    for dir in DIRS {
        let n = files
            .keys()
            .filter(|p| p.starts_with(&format!("{}/", dir.name)) && p.as_str() != CMDS)
            .count();
        assert_eq!(n, dir.count, "{} holds {} messages", dir.name, dir.count);
        for i in 1..=dir.count {
            let prefix = format!("{}/{i:05}.", dir.name);
            assert!(
                files.keys().any(|p| p.starts_with(&prefix)),
                "{prefix} exists"
            );
        }
    }
    let cmds = String::from_utf8(files[CMDS].clone()).unwrap();
    assert!(cmds.lines().count() >= 3 && cmds.lines().all(|l| l.starts_with("mv ")));
    let total: usize = files.values().map(Vec::len).sum();
    assert!(
        total < 1_500_000,
        "mini corpus is {total} bytes; keep it under 1.5 MB"
    );
}

// ---------------------------------------------------------------------------
// Inspecting raw bytes.

fn split_lines(bytes: &[u8]) -> Vec<&[u8]> {
    bytes
        .split(|&b| b == b'\n')
        .map(|l| l.strip_suffix(b"\r").unwrap_or(l))
        .collect()
}

fn is_header_line(line: &[u8]) -> bool {
    match line.iter().position(|&b| b == b':') {
        Some(colon) if colon > 0 => line[..colon].iter().all(|&b| (33..127).contains(&b)),
        _ => false,
    }
}

fn lower(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).to_ascii_lowercase()
}

/// A message split the way a tolerant reader would.
struct Parsed<'a> {
    path: &'a str,
    period: u8,
    bytes: &'a [u8],
    /// Header lines (after the mbox `From ` line) up to the first blank line.
    headers: Vec<&'a [u8]>,
    /// Bytes after the first blank line; `None` when there is no blank line.
    body: Option<&'a [u8]>,
}

impl<'a> Parsed<'a> {
    fn new(path: &'a str, period: u8, bytes: &'a [u8]) -> Self {
        let mut pos = 0;
        if bytes.starts_with(b"From ") {
            pos = bytes
                .iter()
                .position(|&b| b == b'\n')
                .map_or(bytes.len(), |i| i + 1);
        }
        let mut headers = Vec::new();
        let mut body = None;
        while pos < bytes.len() {
            let end = bytes[pos..]
                .iter()
                .position(|&b| b == b'\n')
                .map_or(bytes.len(), |i| pos + i + 1);
            let line = &bytes[pos..end];
            let content = line.strip_suffix(b"\n").unwrap_or(line);
            let content = content.strip_suffix(b"\r").unwrap_or(content);
            if content.is_empty() {
                body = Some(&bytes[end..]);
                break;
            }
            headers.push(content);
            pos = end;
        }
        Self {
            path,
            period,
            bytes,
            headers,
            body,
        }
    }

    /// The unfolded value of the first header called `name`.
    fn header(&self, name: &str) -> Option<String> {
        let prefix = format!("{}:", name.to_ascii_lowercase());
        let mut found: Option<String> = None;
        for line in &self.headers {
            if let Some(v) = found.as_mut() {
                if line.starts_with(b" ") || line.starts_with(b"\t") {
                    v.push(' ');
                    v.push_str(String::from_utf8_lossy(line).trim());
                    continue;
                }
                break;
            }
            if lower(line).starts_with(&prefix) {
                found = Some(
                    String::from_utf8_lossy(&line[prefix.len()..])
                        .trim()
                        .to_string(),
                );
            }
        }
        found
    }

    fn text(&self) -> String {
        lower(self.bytes)
    }
}

fn qp_decode(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < data.len() {
        if data[i] == b'=' {
            if data.get(i + 1) == Some(&b'\n') {
                i += 2;
                continue;
            }
            if data.get(i + 1) == Some(&b'\r') && data.get(i + 2) == Some(&b'\n') {
                i += 3;
                continue;
            }
            if let Some(hex) = data.get(i + 1..i + 3)
                && let Ok(b) = u8::from_str_radix(&String::from_utf8_lossy(hex), 16)
            {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(data[i]);
        i += 1;
    }
    out
}

fn strip_html(html: &str) -> String {
    let mut out = String::new();
    let mut rest = html;
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix("<!--") {
            rest = after.find("-->").map_or("", |i| &after[i + 3..]);
        } else if rest.starts_with('<') {
            rest = rest.find('>').map_or("", |i| &rest[i + 1..]);
        } else if rest.starts_with('&') {
            rest = rest.find(';').map_or("", |i| &rest[i + 1..]);
        } else {
            let c = rest.chars().next().unwrap();
            out.push(c);
            rest = &rest[c.len_utf8()..];
        }
    }
    out
}

/// Whether a base64 block in the message fails to decode.
fn has_bad_base64(bytes: &[u8]) -> bool {
    let mut pending = false;
    let mut block: Option<Vec<u8>> = None;
    let check = |block: &[u8]| {
        base64::engine::general_purpose::STANDARD
            .decode(block)
            .is_err()
    };
    for line in split_lines(bytes) {
        if let Some(b) = block.as_mut() {
            if line.is_empty() || line.starts_with(b"--") {
                if check(b) {
                    return true;
                }
                block = None;
                pending = false;
            } else {
                b.extend(line.iter().filter(|c| !c.is_ascii_whitespace()));
            }
            continue;
        }
        if lower(line).starts_with("content-transfer-encoding: base64") {
            pending = true;
        } else if pending && line.is_empty() {
            block = Some(Vec::new());
        }
    }
    block.is_some_and(|b| check(&b))
}

fn is_weekday(s: &str) -> bool {
    ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"].contains(&s)
}

fn is_month(s: &str) -> bool {
    [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ]
    .contains(&s)
}

fn is_time(s: &str) -> bool {
    let parts: Vec<&str> = s.split(':').collect();
    parts.len() >= 2
        && parts
            .iter()
            .all(|p| (1..=2).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit()))
}

/// How many messages show each kind of mess, with a few example paths.
#[derive(Default, Debug)]
struct Counts(
    BTreeMap<&'static str, usize>,
    BTreeMap<&'static str, Vec<String>>,
);

impl Counts {
    fn add(&mut self, key: &'static str, yes: bool, path: &str) {
        let e = self.0.entry(key).or_default();
        if yes {
            *e += 1;
            let ex = self.1.entry(key).or_default();
            if ex.len() < 2 {
                ex.push(path.to_string());
            }
        }
    }

    fn get(&self, key: &str) -> usize {
        self.0.get(key).copied().unwrap_or(0)
    }
}

const LABELS: [&str; 13] = [
    "utf-8",
    "us-ascii",
    "iso-8859-1",
    "windows-1252",
    "windows-1251",
    "koi8-r",
    "big5",
    "gb2312",
    "iso-2022-jp",
    "shift_jis",
    "euc-kr",
    "ks_c_5601-1987",
    "iso-8859-2",
];

fn charset_labels(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (i, _) in text.match_indices("charset=") {
        let v = text[i + 8..].trim_start_matches('"');
        let end = v
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'))
            .unwrap_or(v.len());
        out.push(v[..end].to_string());
    }
    out
}

fn measure(messages: &[Parsed<'_>]) -> Counts {
    let mut c = Counts::default();
    for m in messages {
        let text = m.text();
        let top_type = m
            .header("Content-Type")
            .unwrap_or_default()
            .to_ascii_lowercase();
        let top_cte = m
            .header("Content-Transfer-Encoding")
            .unwrap_or_default()
            .to_ascii_lowercase();

        // Transfer encodings and MIME structure.
        c.add(
            "cte base64",
            text.contains("content-transfer-encoding: base64"),
            m.path,
        );
        c.add(
            "cte quoted-printable",
            text.contains("content-transfer-encoding: quoted-printable"),
            m.path,
        );
        c.add(
            "qp soft line breaks",
            text.contains("content-transfer-encoding: quoted-printable")
                && (text.contains("=\n") || text.contains("=\r\n")),
            m.path,
        );
        c.add(
            "cte 7bit",
            text.contains("content-transfer-encoding: 7bit"),
            m.path,
        );
        c.add(
            "cte 8bit",
            text.contains("content-transfer-encoding: 8bit"),
            m.path,
        );
        c.add(
            "multipart/alternative",
            text.contains("multipart/alternative"),
            m.path,
        );
        c.add("multipart/mixed", text.contains("multipart/mixed"), m.path);
        c.add(
            "multipart/related",
            text.contains("multipart/related"),
            m.path,
        );
        c.add(
            "multipart/signed",
            text.contains("multipart/signed"),
            m.path,
        );
        let boundaries: BTreeSet<String> = text
            .match_indices("boundary=\"")
            .map(|(i, _)| text[i + 10..].split('"').next().unwrap_or("").to_string())
            .collect();
        c.add("nested multipart", boundaries.len() >= 2, m.path);
        c.add("html only", top_type.starts_with("text/html"), m.path);
        c.add("html &nbsp;", text.contains("&nbsp;"), m.path);
        c.add("html &amp;", text.contains("&amp;"), m.path);
        c.add("html comment", text.contains("<!--"), m.path);
        c.add("html table", text.contains("<table"), m.path);

        // Encoded headers and charsets.
        for (key, word) in [
            ("rfc2047 utf-8 B", "=?utf-8?b?"),
            ("rfc2047 iso-8859-1 Q", "=?iso-8859-1?q?"),
            ("rfc2047 koi8-r B", "=?koi8-r?b?"),
            ("rfc2047 gb2312 B", "=?gb2312?b?"),
            ("rfc2047 big5 B", "=?big5?b?"),
            ("rfc2047 iso-2022-jp B", "=?iso-2022-jp?b?"),
        ] {
            let in_headers = m.headers.iter().any(|h| lower(h).contains(word));
            c.add(key, in_headers, m.path);
        }
        let labels = charset_labels(&text);
        for label in LABELS {
            let key: &'static str = Box::leak(format!("charset {label}").into_boxed_str());
            c.add(key, labels.iter().any(|l| l == label), m.path);
        }

        // Malformed messages.
        let first = m.headers.first().copied().unwrap_or(b"");
        let headerless = !is_header_line(first) && !m.headers.is_empty() || m.bytes.is_empty();
        c.add("no headers at all", headerless, m.path);
        let bad_line = m
            .headers
            .iter()
            .position(|l| !is_header_line(l) && !l.starts_with(b" ") && !l.starts_with(b"\t"));
        if let (false, Some(at)) = (headerless, bad_line) {
            let headers_after = m.headers[at + 1..].iter().any(|l| is_header_line(l));
            c.add("continuation without whitespace", headers_after, m.path);
            c.add("no blank line after headers", !headers_after, m.path);
        }
        c.add(
            "raw 8-bit header bytes",
            !headerless && m.headers.iter().any(|h| h.iter().any(|&b| b >= 0x80)),
            m.path,
        );
        let crlf = m.bytes.windows(2).any(|w| w == b"\r\n");
        let bare_lf = m
            .bytes
            .iter()
            .enumerate()
            .any(|(i, &b)| b == b'\n' && (i == 0 || m.bytes[i - 1] != b'\r'));
        c.add("mixed CRLF and LF", crlf && bare_lf, m.path);
        if top_type.starts_with("multipart/")
            && let Some(start) = top_type.find("boundary=\"")
        {
            let boundary = top_type[start + 10..].split('"').next().unwrap_or("");
            let open = format!("--{boundary}");
            let close = format!("--{boundary}--");
            let lines: Vec<String> = split_lines(m.bytes)
                .into_iter()
                .map(|l| lower(l).trim_end().to_string())
                .collect();
            let opened = lines.contains(&open);
            let closed = lines.contains(&close);
            c.add("boundary never used", !opened && !closed, m.path);
            c.add("closing boundary missing", opened && !closed, m.path);
        }
        c.add("invalid base64", has_bad_base64(m.bytes), m.path);
        let declared_utf8_only = !labels.is_empty() && labels.iter().all(|l| l == "utf-8");
        c.add(
            "utf-8 declared, not utf-8",
            declared_utf8_only && m.body.is_some_and(|b| std::str::from_utf8(b).is_err()),
            m.path,
        );
        c.add(
            "charset x-unknown",
            labels.iter().any(|l| l == "x-unknown"),
            m.path,
        );
        c.add(
            "empty body",
            !headerless
                && m.body
                    .is_some_and(|b| b.iter().all(u8::is_ascii_whitespace)),
            m.path,
        );
        if top_type.starts_with("text/html")
            && let Some(body) = m.body
        {
            let decoded = if top_cte.contains("quoted-printable") {
                qp_decode(body)
            } else {
                body.to_vec()
            };
            let stripped = strip_html(&String::from_utf8_lossy(&decoded));
            c.add(
                "empty after removing HTML",
                stripped.trim().is_empty(),
                m.path,
            );
        }

        // Dates.
        match m.header("Date") {
            None => c.add("date missing", !headerless, m.path),
            Some(v) => {
                let tokens: Vec<&str> = v.split_whitespace().collect();
                let years: Vec<i32> = tokens
                    .iter()
                    .map(|t| t.trim_end_matches(','))
                    .filter(|t| t.len() == 4 && t.bytes().all(|b| b.is_ascii_digit()))
                    .filter_map(|t| t.parse().ok())
                    .collect();
                c.add(
                    "date year before 1990",
                    years.iter().any(|&y| (1900..1990).contains(&y)),
                    m.path,
                );
                c.add(
                    "date year after 2025",
                    years.iter().any(|&y| y > 2025),
                    m.path,
                );
                c.add(
                    "date outside 2002-2003",
                    years.iter().any(|&y| !(2002..=2003).contains(&y)),
                    m.path,
                );
                let has_time = tokens.iter().any(|t| is_time(t.trim_end_matches(',')));
                c.add("date unparseable", !has_time, m.path);
                c.add(
                    "date without weekday",
                    tokens
                        .first()
                        .is_some_and(|t| t.bytes().all(|b| b.is_ascii_digit()))
                        && tokens.get(1).is_some_and(|t| is_month(t)),
                    m.path,
                );
                c.add(
                    "date with two-digit year",
                    tokens.windows(3).any(|w| {
                        is_month(w[0])
                            && w[1].len() == 2
                            && w[1].bytes().all(|b| b.is_ascii_digit())
                            && is_time(w[2])
                    }),
                    m.path,
                );
                let last = tokens.last().copied().unwrap_or("");
                c.add(
                    "date with named zone",
                    tokens.len() >= 2
                        && is_time(tokens[tokens.len() - 2])
                        && (2..=4).contains(&last.len())
                        && last.bytes().all(|b| b.is_ascii_uppercase()),
                    m.path,
                );
                c.add("date without zone", is_time(last), m.path);
                c.add(
                    "date in another layout",
                    has_time
                        && !tokens
                            .first()
                            .is_some_and(|t| is_weekday(t.trim_end_matches(',')))
                        && !tokens
                            .first()
                            .is_some_and(|t| t.bytes().all(|b| b.is_ascii_digit())),
                    m.path,
                );
            }
        }
    }

    // Duplicates.
    let mut by_body: BTreeMap<&[u8], Vec<&Parsed<'_>>> = BTreeMap::new();
    let mut by_norm: BTreeMap<Vec<Vec<u8>>, BTreeSet<&[u8]>> = BTreeMap::new();
    for m in messages {
        let Some(body) = m.body else { continue };
        if body.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        by_body.entry(body).or_default().push(m);
        let norm: Vec<Vec<u8>> = body
            .split(|b| b.is_ascii_whitespace())
            .filter(|t| !t.is_empty())
            .map(<[u8]>::to_ascii_lowercase)
            .collect();
        by_norm.entry(norm).or_default().insert(body);
    }
    let dup_files: usize = by_body.values().map(|v| v.len() - 1).sum();
    let cross: usize = by_body
        .values()
        .filter(|v| v.iter().any(|m| m.period == 1) && v.iter().any(|m| m.period == 2))
        .count();
    let near: usize = by_norm.values().map(|v| v.len() - 1).sum();
    c.0.insert("duplicate bodies", dup_files);
    c.0.insert("duplicate bodies across periods", cross);
    c.0.insert("near-duplicate bodies", near);
    c
}

#[test]
fn the_corpus_carries_every_kind_of_mess() {
    let files = read_tree(&corpus_dir());
    let messages: Vec<Parsed<'_>> = files
        .iter()
        .filter(|(p, _)| p.as_str() != CMDS)
        .map(|(p, b)| {
            let dir = p.split('/').next().unwrap();
            let period = DIRS.iter().find(|d| d.name == dir).unwrap().period;
            Parsed::new(p, period, b)
        })
        .collect();
    let counts = measure(&messages);
    for (k, v) in &counts.0 {
        let examples = counts.1.get(k).map(|e| e.join(" ")).unwrap_or_default();
        eprintln!("{k:<36} {v:>4}  {examples}");
    }
    let expect: &[(&str, usize)] = &[
        ("cte base64", 20),
        ("cte quoted-printable", 20),
        ("qp soft line breaks", 10),
        ("cte 7bit", 20),
        ("cte 8bit", 10),
        ("multipart/alternative", 20),
        ("multipart/mixed", 5),
        ("multipart/related", 2),
        ("multipart/signed", 2),
        ("nested multipart", 4),
        ("html only", 15),
        ("html &nbsp;", 15),
        ("html &amp;", 5),
        ("html comment", 10),
        ("html table", 10),
        ("rfc2047 utf-8 B", 2),
        ("rfc2047 iso-8859-1 Q", 2),
        ("rfc2047 koi8-r B", 2),
        ("rfc2047 gb2312 B", 2),
        ("rfc2047 big5 B", 1),
        ("rfc2047 iso-2022-jp B", 1),
        ("no headers at all", 2),
        ("no blank line after headers", 4),
        ("continuation without whitespace", 4),
        ("raw 8-bit header bytes", 5),
        ("mixed CRLF and LF", 5),
        ("boundary never used", 3),
        ("closing boundary missing", 4),
        ("invalid base64", 4),
        ("utf-8 declared, not utf-8", 4),
        ("charset x-unknown", 2),
        ("empty body", 4),
        ("empty after removing HTML", 4),
        ("date missing", 6),
        ("date year before 1990", 2),
        ("date year after 2025", 3),
        ("date outside 2002-2003", 6),
        ("date unparseable", 3),
        ("date without weekday", 4),
        ("date with two-digit year", 4),
        ("date with named zone", 5),
        ("date without zone", 3),
        ("date in another layout", 2),
        ("duplicate bodies", 12),
        ("duplicate bodies across periods", 3),
        ("near-duplicate bodies", 4),
    ];
    let mut short = Vec::new();
    for (key, at_least) in expect {
        if counts.get(key) < *at_least {
            short.push(format!("{key}: {} < {at_least}", counts.get(key)));
        }
    }
    for label in LABELS {
        let key = format!("charset {label}");
        if counts.get(&key) < 2 {
            short.push(format!("{key}: {} < 2", counts.get(&key)));
        }
    }
    assert!(short.is_empty(), "not enough mess: {short:#?}");
}
