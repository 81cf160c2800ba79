//! The gather lab's checks. Run them with `cargo test -p lab-gather`, or
//! press `g` on the lab in the workbench. Each fixture below is a raw
//! message carrying one kind of mess the real corpus has.

use lab_gather::body::{BodySource, choose_body, decode_entities, html_to_text};
use lab_gather::dedupe::{DuplicateKind, Keyed, find_duplicates};
use lab_gather::normalise::{clean, dedup_key};
use lab_gather::period::{DateSource, YearMonth, mbox_line_month, month_of};
use lab_gather::quarantine::{Reason, quarantine};
use lab_gather::report::{Record, Status, build};
use ninety_grader::{Check, Lab};
use ninety_kit::mail::parse;
use std::process::ExitCode;

fn main() -> ExitCode {
    Lab::new("gather")
        .check(
            Check::new("body.prefers_plain_text", 2, prefers_plain).hint(
                "choose_body: look through mail.plain_parts() for the first part \
                 whose text is not blank once trimmed, even when an HTML part comes \
                 first; keep its text as it is, with its charset and decode_problem",
            ),
        )
        .check(
            Check::new("body.falls_back_to_html", 2, falls_back_to_html).hint(
                "choose_body: only when no plain part has text: run each of \
                 mail.html_parts() through html_to_text and keep the first \
                 result that is not blank; with neither, there is no body (None)",
            ),
        )
        .check(Check::new("html.to_readable_text", 3, html_text).hint(
            "html_to_text: walk the text once, matching tags on a lowercased copy: skip \
             <!-- to -->, and a <script> or <style> up to its closing tag; a block tag from \
             the doc comment, opening or closing, writes a line break, any other tag is \
             dropped; decode entities only once the tags are gone (&lt;b&gt; is text), then \
             trim each line and keep at most one blank line in a row, none at the ends",
        ))
        .check(Check::new("html.entities", 2, entities).hint(
            "decode_entities: find each '&' and the ';' after it; map \
             &nbsp; (a space), &amp;, &lt;, &gt;, &quot;, &apos;, decimal \
             &#NN; and hex &#xHH; (through char::from_u32); an unknown or \
             malformed entity, or a lone '&', is copied through as written",
        ))
        .check(Check::new("normalise.clean_text", 2, clean_text).hint(
            "clean: cut the text into lines at \\r\\n, a lone \\r or \\n; trim the end \
             of each line; write a blank line only between two lines with text, \
             never two in a row; trim the whole; case and inner spacing stay",
        ))
        .check(Check::new("normalise.dedup_key", 2, key).hint(
            "dedup_key: lowercase the text, then split_whitespace and \
             join the pieces with single spaces: every run of spaces, \
             tabs and line breaks becomes one space, none at the ends",
        ))
        .check(Check::new("dedupe.exact_and_near", 3, duplicates).hint(
            "find_duplicates: one pass with a HashMap from each key to the \
             index of its first body: a key already there makes a Duplicate \
             pointing at that index, Exact when the two clean bodies are \
             equal and Near otherwise; there is no need to compare every pair",
        ))
        .check(Check::new("quarantine.reasons", 3, reasons).hint(
            "quarantine: test in order: NotAMessage when nothing parsed or none of From, \
             Subject and Date is there; EmptyAfterCleaning when there is no body or no \
             letter or digit in it; Undecodable when more than 1 in 20 of its characters \
             (chars, not bytes) is U+FFFD, compared in whole numbers: bad * 20 > total",
        ))
        .check(Check::new("period.header_then_mbox_line", 3, periods).hint(
            "mbox_line_month: take the first line and require \"From \"; the \
             month is the 1-based position in MONTHS of the first token found \
             there, the year the last token parsed as a number; month_of: the \
             Date header when its year is in PLAUSIBLE_YEARS, else \
             mbox_line_month(raw) when its year is, else (None, Unknown)",
        ))
        .check(
            Check::new("report.counts_every_message_once", 3, report).hint(
                "build: one pass over the records fills imported, clean, duplicates \
                 (exact and near), quarantined by reason (only reasons that occur) and the \
                 breakdowns over all records (charset \"none\" when undeclared); then sort \
                 the clean bodies' lengths and take min, the nearest-rank median and p90 \
                 (the value at rank ceil(p / 100 * n)) and max, all 0 without clean bodies",
            ),
        )
        .check(
            Check::new("stage.mini_corpus_accounted_for", 3, mini_corpus).hint(
                "this runs the given stage, with all your functions, on the mini corpus: \
                 fix the other failing checks first; every message must end up clean, \
                 duplicate or quarantined, exactly once, and spam/cmds is not a message",
            ),
        )
        // BEGIN HIDDEN TESTS
        .check(
            Check::new("hidden.html_edge_cases", 2, hidden_html)
                .hint("look again at uppercase tags, unclosed comments and long lines of entities"),
        )
        .check(
            Check::new("hidden.dates_and_keys", 2, hidden_dates)
                .hint("look again at mbox lines without a year and keys of whitespace-only text"),
        )
        // END HIDDEN TESTS
        .run()
}

const ALTERNATIVE: &[u8] = b"From sender@example.com  Thu Aug 22 12:36:23 2002\n\
From: Ann <ann@example.com>\nSubject: minutes\nDate: Thu, 22 Aug 2002 07:36:16 -0400\n\
Content-Type: multipart/alternative; boundary=\"b1\"\n\n\
--b1\nContent-Type: text/html\n\n<p>the <b>HTML</b> minutes</p>\n\
--b1\nContent-Type: text/plain; charset=us-ascii\n\nThe plain minutes.\n--b1--\n";

const HTML_ONLY: &[u8] = b"From: deals@example.net\nSubject: Offer\nDate: Mon, 6 Jan 2003 10:00:00 +0000\n\
Content-Type: text/html; charset=iso-8859-1\nContent-Transfer-Encoding: quoted-printable\n\n\
<html><head><style>p {color:red}</style><script>var x = 1;</script></head><body>\
<!-- tracking --><h1>Save&nbsp;50%</h1><p>Fish &amp; chips</p><br>Caf=E9 &lt;now&gt;</body></html>\n";

const BLANK_PLAIN: &[u8] = b"From: a@example.com\nSubject: s\n\
Content-Type: multipart/alternative; boundary=\"q\"\n\n\
--q\nContent-Type: text/plain\n\n   \n\n--q\nContent-Type: text/html\n\n<div>Only the HTML says anything</div>\n--q--\n";

fn prefers_plain() {
    let mail = parse(ALTERNATIVE).expect("the fixture parses");
    let body = choose_body(&mail).expect("a body is chosen");
    assert_eq!(body.source, BodySource::Plain);
    assert_eq!(body.text.trim(), "The plain minutes.");
}

fn falls_back_to_html() {
    let body = choose_body(&parse(HTML_ONLY).unwrap()).expect("an HTML-only message has a body");
    assert_eq!(body.source, BodySource::Html);
    assert!(body.text.contains("Fish & chips"), "{:?}", body.text);
    let body =
        choose_body(&parse(BLANK_PLAIN).unwrap()).expect("a blank plain part falls back to HTML");
    assert_eq!(body.source, BodySource::Html);
    assert_eq!(body.text, "Only the HTML says anything");
    let nothing =
        parse(b"From: a@example.com\nSubject: s\nContent-Type: text/plain\n\n   \n").unwrap();
    assert_eq!(choose_body(&nothing), None);
}

fn html_text() {
    let text = html_to_text(
        "<html><head><style>p {color:red}</style><script>alert('x')</script></head><body><!-- hidden -->\
         <h1>Save&nbsp;50%</h1><p>Fish &amp; chips</p><br>Tel: &lt;none&gt;<table><tr><td>a</td><td>b</td></tr></table>\
         <p>   </p><p></p><p>end</p></body></html>",
    );
    assert_eq!(text, "Save 50%\n\nFish & chips\n\nTel: <none>\n\nab\n\nend");
}

fn entities() {
    assert_eq!(
        decode_entities("a&nbsp;b &amp; c &lt;d&gt; &quot;e&quot; &apos;f&apos;"),
        "a b & c <d> \"e\" 'f'"
    );
    assert_eq!(decode_entities("&#65;&#x42;&#X43; &#8364;"), "ABC €");
    assert_eq!(
        decode_entities("AT&T &bogus; & &#xZZ; &"),
        "AT&T &bogus; & &#xZZ; &"
    );
}

fn clean_text() {
    assert_eq!(
        clean("  Hello  \r\nworld\t\r\n\r\n\r\n\r\nbye \r  "),
        "Hello\nworld\n\nbye"
    );
    assert_eq!(clean("\n\n  \n"), "");
    assert_eq!(
        clean("Keep   inner  spacing and CASE"),
        "Keep   inner  spacing and CASE"
    );
}

fn key() {
    assert_eq!(dedup_key("  Hello\n\tWORLD  again "), "hello world again");
    assert_eq!(dedup_key("Straße"), "straße");
}

fn duplicates() {
    // The keys are given, so this check does not lean on dedup_key.
    let bodies = [
        ("Buy now", "buy now"),
        ("hello there", "hello there"),
        ("Buy now", "buy now"),
        ("HELLO  there", "hello there"),
        ("other", "other"),
        ("buy NOW", "buy now"),
    ]
    .map(|(body, key)| Keyed { body, key });
    let found = find_duplicates(&bodies);
    let got: Vec<(usize, usize, DuplicateKind)> = found
        .iter()
        .map(|d| (d.index, d.original, d.kind))
        .collect();
    assert_eq!(
        got,
        vec![
            (2, 0, DuplicateKind::Exact),
            (3, 1, DuplicateKind::Near),
            (5, 0, DuplicateKind::Near)
        ],
        "duplicates point at the first body with their key"
    );
    assert!(find_duplicates(&[]).is_empty());
}

fn reasons() {
    // The clean bodies are given, so this check does not lean on clean.
    // Not a message: the shell commands file that sits in the upstream spam folder.
    let cmds =
        b"mv 00001.317e78fa8ee2f54cd4890fdc09ba8176 00001.317e78fa8ee2f54cd4890fdc09ba8176\n";
    let parsed = parse(cmds);
    let text = std::str::from_utf8(cmds).unwrap().trim();
    assert_eq!(
        quarantine(parsed.as_ref(), Some(text)),
        Some(Reason::NotAMessage)
    );
    assert_eq!(quarantine(None, None), Some(Reason::NotAMessage));
    // Empty after cleaning: no body at all, or one with no letter or digit
    // (an HTML body that was only markup and `&nbsp;`).
    let mail =
        parse(b"From: a@example.com\nSubject: hi\nContent-Type: text/html\n\n<p>&nbsp;</p>\n")
            .unwrap();
    for body in [
        None,
        Some(""),
        Some("-- * --\n\n..."),
        Some("\u{FFFD}\u{FFFD}"),
    ] {
        assert_eq!(
            quarantine(Some(&mail), body),
            Some(Reason::EmptyAfterCleaning),
            "body {body:?}"
        );
    }
    // Undecodable: more than one character in twenty is U+FFFD, counted in
    // characters, not bytes (each U+FFFD is three bytes).
    let mostly_bad = format!("ok {}", "\u{FFFD}".repeat(40));
    assert_eq!(
        quarantine(Some(&mail), Some(&mostly_bad)),
        Some(Reason::Undecodable)
    );
    let one_in_twenty = format!("{}\u{FFFD}", "a".repeat(19));
    assert_eq!(quarantine(Some(&mail), Some(&one_in_twenty)), None);
    let over = format!("{}\u{FFFD}\u{FFFD}", "é".repeat(37));
    assert_eq!(
        quarantine(Some(&mail), Some(&over)),
        Some(Reason::Undecodable),
        "2 in 39 characters is over 1 in 20"
    );
    // A good message stays.
    let good = parse(ALTERNATIVE).unwrap();
    assert_eq!(quarantine(Some(&good), Some("Hello there")), None);
}

fn periods() {
    let ym = |year, month| Some(YearMonth { year, month });
    let good = parse(ALTERNATIVE).unwrap();
    assert_eq!(
        month_of(Some(&good), ALTERNATIVE),
        (ym(2002, 8), DateSource::Header)
    );
    let lying = b"From bob@example.com  Sat Nov  9 04:12:00 2002\nFrom: b@example.com\nSubject: s\nDate: Tue, 1 Jan 1980 00:00:00 +0000\n\nhi\n";
    let mail = parse(lying).unwrap();
    assert_eq!(
        month_of(Some(&mail), lying),
        (ym(2002, 11), DateSource::MboxLine)
    );
    let future = b"From bob@example.com  Sat Mar  1 04:12:00 2003\nFrom: b@example.com\nSubject: s\nDate: Thu, 1 Jan 2028 00:00:00 +0000\n\nhi\n";
    assert_eq!(
        month_of(parse(future).as_ref(), future),
        (ym(2003, 3), DateSource::MboxLine)
    );
    let nothing = b"From: b@example.com\nSubject: s\nDate: sometime last week\n\nhi\n";
    assert_eq!(
        month_of(parse(nothing).as_ref(), nothing),
        (None, DateSource::Unknown)
    );
    assert_eq!(
        mbox_line_month(b"From x  Wed Dec 31 23:59:59 1997\n"),
        ym(1997, 12)
    );
    assert_eq!(mbox_line_month(b"Subject: no mbox line\n"), None);
}

fn record(group: &str, status: Status, chars: Option<usize>, charset: Option<&str>) -> Record {
    Record {
        group: group.into(),
        period: if group == "spam" { 2 } else { 1 },
        content_type: "text/plain".into(),
        charset: charset.map(str::to_owned),
        status,
        body_chars: chars,
    }
}

fn report() {
    let records = vec![
        record("easy-ham", Status::Clean, Some(100), Some("us-ascii")),
        record("easy-ham", Status::Clean, Some(10), None),
        record("spam", Status::Clean, Some(40), Some("big5")),
        record(
            "spam",
            Status::Duplicate(DuplicateKind::Exact),
            Some(40),
            None,
        ),
        record(
            "spam",
            Status::Duplicate(DuplicateKind::Near),
            Some(41),
            None,
        ),
        record(
            "hard-ham",
            Status::Quarantined(Reason::NotAMessage),
            None,
            None,
        ),
        record(
            "hard-ham",
            Status::Quarantined(Reason::Undecodable),
            Some(5),
            None,
        ),
        record("spam", Status::Quarantined(Reason::NotAMessage), None, None),
    ];
    let r = build(&records);
    assert_eq!((r.imported, r.clean, r.duplicates), (8, 3, 2));
    assert_eq!((r.exact_duplicates, r.near_duplicates), (1, 1));
    assert_eq!(r.quarantined.get("not_a_message"), Some(&2));
    assert_eq!(r.quarantined.get("undecodable"), Some(&1));
    assert_eq!(
        r.quarantined.get("empty_after_cleaning"),
        None,
        "only reasons that occurred"
    );
    assert_eq!(
        r.imported,
        r.clean + r.duplicates + r.quarantined.values().sum::<usize>()
    );
    assert_eq!(r.by_group.get("spam"), Some(&4));
    assert_eq!(r.by_period.get("2"), Some(&4));
    assert_eq!(r.by_charset.get("none"), Some(&6));
    assert_eq!(r.by_content_type.get("text/plain"), Some(&8));
    let l = r.length;
    assert_eq!(
        (l.count, l.min, l.median, l.p90, l.max),
        (3, 10, 40, 100, 100)
    );
    assert_eq!(build(&[]).length.count, 0);
}

fn mini_corpus() -> Result<(), String> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../datasets/mini");
    let corpus = ninety_kit::Corpus::open("mini", &root).map_err(|e| e.to_string())?;
    let out = lab_gather::stage::gather(&corpus, &mut |_, _| {}).map_err(|e| e.to_string())?;
    let r = &out.report;
    let quarantined: usize = r.quarantined.values().sum();
    if r.imported != corpus.len() || r.imported != r.clean + r.duplicates + quarantined {
        return Err(format!(
            "{} messages: imported {} = clean {} + duplicates {} + quarantined {quarantined}?",
            corpus.len(),
            r.imported,
            r.clean,
            r.duplicates
        ));
    }
    if r.duplicates < 10 {
        return Err(format!(
            "the mini corpus has at least 10 duplicate bodies; found {}",
            r.duplicates
        ));
    }
    if r.quarantined.get("not_a_message").copied().unwrap_or(0) < 1 {
        return Err("spam/cmds is not a message and must be quarantined as not_a_message".into());
    }
    let cmds = out
        .messages
        .iter()
        .find(|m| m.path == "spam/cmds")
        .ok_or("spam/cmds is missing from the output")?;
    if cmds.status != Status::Quarantined(Reason::NotAMessage) {
        return Err(format!("spam/cmds ended up {:?}", cmds.status));
    }
    Ok(())
}

// BEGIN HIDDEN TESTS
fn hidden_html() {
    assert_eq!(
        html_to_text("<P>One</P><BR/>Two<!-- never closed"),
        "One\n\nTwo"
    );
    assert_eq!(html_to_text("a&amp;b&amp;c"), "a&b&c");
    assert_eq!(html_to_text("<li>x</li><li>y</li>"), "x\n\ny");
}

fn hidden_dates() {
    assert_eq!(mbox_line_month(b"From x  Wed Dec 31 23:59:59\n"), None);
    assert_eq!(dedup_key(" \n\t "), "");
    assert_eq!(clean("\r\r"), "");
}
// END HIDDEN TESTS
