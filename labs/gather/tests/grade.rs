//! The gather lab's checks. Run them with `cargo test -p lab-gather`, or
//! press `g` on the lab in the workbench. Each fixture below is a raw
//! message carrying one kind of mess the real corpus has.

use lab_gather::body::{BodySource, choose_body, decode_entities, html_to_text};
use lab_gather::dedupe::{DuplicateKind, Keyed, find_duplicates};
use lab_gather::normalise::{clean, dedup_key};
use lab_gather::period::{DateSource, YearMonth, mbox_line_month, month_of};
use lab_gather::quarantine::{Reason, quarantine};
use lab_gather::report::{Record, Status, build};
use ninety_grader::{Check, Lab, check_eq, ensure};
use ninety_kit::mail::parse;
use std::process::ExitCode;

fn main() -> ExitCode {
    Lab::new("gather")
        .check(
            Check::new("body.prefers_plain_text", 2, prefers_plain)
                .idea(
                    "A message can carry several text parts, and the dataset needs one. The \
                     chapter's section 'Choosing a body' prefers plain text, the words the \
                     sender's software wrote with no layout to remove, even when the HTML version \
                     comes first in the message.",
                )
                .approach(
                    "Look through the plain-text parts in document order and take the first whose \
                     text is not blank; only when there is none do you look any further. Keep its \
                     text exactly as decoded, since cleaning comes in the next step, and carry \
                     over the charset it declared and whether decoding it went wrong.",
                )
                .hint(
                    "choose_body: look through mail.plain_parts() for the first part whose text \
                     is not blank once trimmed, even when an HTML part comes first; keep its text \
                     as it is, with its charset and decode_problem",
                ),
        )
        .check(
            Check::new("body.falls_back_to_html", 2, falls_back_to_html)
                .idea(
                    "Messages with only HTML are not a random sample: they are much of the spam \
                     and nearly half of the hard ham. So 'Choosing a body' falls back to the \
                     HTML, turned into text, instead of dropping them, and keeps no body only \
                     when neither kind of part has any text.",
                )
                .approach(
                    "Only when no plain part has text, turn the HTML parts into text one by one, \
                     in document order, and keep the first whose converted text is not blank, \
                     noting that it came from HTML and carrying its charset and decoding flag. A \
                     plain part that is only whitespace does not count as text. When no part of \
                     either kind has text, there is no body.",
                )
                .hint(
                    "choose_body: only when no plain part has text: run each of mail.html_parts() \
                     through html_to_text and keep the first result that is not blank; with \
                     neither, there is no body (None)",
                ),
        )
        .check(
            Check::new("html.to_readable_text", 3, html_text)
                .idea(
                    "Turning HTML into text means dropping what a reader never sees, keeping the \
                     shape of the text and decoding entities, as the list in the chapter's \
                     'Choosing a body' sets out. The order of those steps decides whether escaped \
                     text such as '&lt;b&gt;' survives as text.",
                )
                .approach(
                    "Plan the work in this order. First remove what is never shown: comments, and \
                     the whole contents of script and style elements. Then turn each block tag \
                     the doc comment names, opening or closing, into a line break, and remove \
                     every other tag, whatever the case of its name. Only then decode entities. \
                     Last, tidy the lines: trim each one, collapse runs of blank lines to one, \
                     and leave none at the start or end.",
                )
                .hint(
                    "html_to_text: walk the text once, matching tags on a lowercased copy: skip \
                     <!-- to -->, and a <script> or <style> up to its closing tag; a block tag \
                     from the doc comment, opening or closing, writes a line break, any other tag \
                     is dropped; decode entities only once the tags are gone (&lt;b&gt; is text), \
                     then trim each line and keep at most one blank line in a row, none at the \
                     ends",
                ),
        )
        .check(
            Check::new("html.entities", 2, entities)
                .idea(
                    "Entities stand for characters, and an entity the converter does not know is \
                     safer left as written than guessed at: the chapter's 'Choosing a body' wants \
                     'AT&T' to come through untouched.",
                )
                .approach(
                    "Look for each ampersand and the semicolon that ends it. If what lies between \
                     is one of the six named entities, or a decimal or hexadecimal number that is \
                     a real character (not a surrogate, not beyond the last code point), write \
                     that character and continue after the semicolon. Otherwise copy the \
                     ampersand as it is and continue from the next character. Never reread what \
                     you have just written, so an escaped ampersand is decoded only once.",
                )
                .hint(
                    "decode_entities: find each '&' and the ';' after it; map &nbsp; (a space), \
                     &amp;, &lt;, &gt;, &quot;, &apos;, decimal &#NN; and hex &#xHH; (through \
                     char::from_u32); an unknown or malformed entity, or a lone '&', is copied \
                     through as written",
                ),
        )
        .check(
            Check::new("normalise.clean_text", 2, clean_text)
                .idea(
                    "The clean text is what people read and the model learns from, so the \
                     chapter's section 'Normalisation' lets it differ from what the sender wrote \
                     only in ways nobody could care about: line endings, trailing spaces, runs of \
                     blank lines and the two ends.",
                )
                .approach(
                    "Treat a Windows line ending, a lone carriage return and a newline each as \
                     one line break. Go line by line: remove spaces and tabs from the end of each \
                     line only, so indentation stays; write at most one blank line between two \
                     lines with text; and trim the whole result. Leave letter case and the \
                     spacing inside lines exactly as they were.",
                )
                .hint(
                    "clean: cut the text into lines at \\r\\n, a lone \\r or \\n; trim the end of \
                     each line; write a blank line only between two lines with text, never two in \
                     a row; trim the whole; case and inner spacing stay",
                ),
        )
        .check(
            Check::new("normalise.dedup_key", 2, key)
                .idea(
                    "The dedup key is used only to compare bodies, so, as the chapter's \
                     'Normalisation' explains, it may throw away what two copies of one message \
                     can differ in after passing through different mail software: letter case and \
                     how whitespace is spread.",
                )
                .approach(
                    "Lowercase the whole text, for every Unicode letter and not only ASCII. Then \
                     treat any run of whitespace, line breaks and Unicode spaces such as the \
                     no-break space included, as a single space, and leave no whitespace at the \
                     start or the end.",
                )
                .hint(
                    "dedup_key: lowercase the text, then split_whitespace and join the pieces \
                     with single spaces: every run of spaces, tabs and line breaks becomes one \
                     space, none at the ends",
                ),
        )
        .check(
            Check::new("dedupe.exact_and_near", 3, duplicates)
                .idea(
                    "Copies that land on both sides of a split inflate every score, as the \
                     chapter's 'Duplicates, and why they matter for evaluation' works out; the \
                     lab keeps the first body with each key and records every later one as a copy \
                     of that first, exact or near.",
                )
                .approach(
                    "Go through the bodies once, in order, remembering for each key where its \
                     first body was. When a key has been seen before, report the current body as \
                     a duplicate of that first one: exact when the two clean texts are identical, \
                     near when only their keys match. The first body of each key is never \
                     reported, and the result stays in input order.",
                )
                .hint(
                    "find_duplicates: one pass with a HashMap from each key to the index of its \
                     first body: a key already there makes a Duplicate pointing at that index, \
                     Exact when the two clean bodies are equal and Near otherwise; there is no \
                     need to compare every pair",
                ),
        )
        .check(
            Check::new("quarantine.reasons", 3, reasons)
                .idea(
                    "A message that cannot go into the dataset is set aside with a reason, never \
                     silently dropped, and it gets the most basic reason that applies: the order \
                     in the chapter's section 'Quarantine instead of silent drops'.",
                )
                .approach(
                    "Take the reasons in the order the enum lists them and stop at the first that \
                     applies. First ask whether this is an email at all: did anything parse, and \
                     does it carry any of the headers every email has? Then whether the clean \
                     body has anything in it to read. Then whether too much of it is replacement \
                     characters: count characters, not bytes, and decide which side of the line a \
                     body at exactly one in twenty falls on.",
                )
                .hint(
                    "quarantine: test in order: NotAMessage when nothing parsed or none of From, \
                     Subject and Date is there; EmptyAfterCleaning when there is no body or no \
                     letter or digit in it; Undecodable when more than 1 in 20 of its characters \
                     (chars, not bytes) is U+FFFD, compared in whole numbers: bad * 20 > total",
                ),
        )
        .check(
            Check::new("period.header_then_mbox_line", 3, periods)
                .idea(
                    "A Date header comes from the sender's clock and can be impossible, while the \
                     mbox From line was written by the receiving machine. The chapter's 'Dates \
                     and periods' trusts the header when its year is plausible, falls back to the \
                     From line, and otherwise admits the month is unknown, saying which it used \
                     and repairing nothing.",
                )
                .approach(
                    "For the From line, look only at the first line, which must begin with the \
                     word From and a space; take the month from the first token that is exactly a \
                     month abbreviation (an address can contain one without being one) and the \
                     year from the last token, and give no month if either is missing. For a \
                     message, use the parsed header date when its year is plausible, else the \
                     From line's month when its year is, else unknown, and record which source \
                     won.",
                )
                .hint(
                    "mbox_line_month: take the first line and require \"From \"; the month is the \
                     1-based position in MONTHS of the first token found there, the year the last \
                     token parsed as a number; month_of: the Date header when its year is in \
                     PLAUSIBLE_YEARS, else mbox_line_month(raw) when its year is, else (None, \
                     Unknown)",
                ),
        )
        .check(
            Check::new("report.counts_every_message_once", 3, report)
                .idea(
                    "A data-quality report accounts for every message, imported = clean + \
                     duplicates + quarantined, and describes the input; the chapter's section \
                     'Data-quality reports and data cards' says what surprise each figure is \
                     there to catch.",
                )
                .approach(
                    "Go through the records once. Count each as imported and under exactly one \
                     status, duplicates split by kind and quarantined messages by reason, listing \
                     only the reasons that occur. Count the breakdowns over every record, the \
                     shape of the input. Keep the body lengths of clean records only, and \
                     summarise them with the nearest-rank method of the frame lab, with zeros \
                     when there are none.",
                )
                .hint(
                    "build: one pass over the records fills imported, clean, duplicates (exact \
                     and near), quarantined by reason (only reasons that occur) and the \
                     breakdowns over all records (charset \"none\" when undeclared); then sort \
                     the clean bodies' lengths and take min, the nearest-rank median and p90 (the \
                     value at rank ceil(p / 100 * n)) and max, all 0 without clean bodies",
                ),
        )
        .check(
            Check::new("stage.mini_corpus_accounted_for", 3, mini_corpus)
                .idea(
                    "This is the whole gather stage on real mess: the chapter's identity, \
                     imported = clean + duplicates + quarantined, must hold on the mini corpus, \
                     and the stray file of shell commands in its spam folder must be recognised \
                     as not a message ('The whole stage').",
                )
                .approach(
                    "Leave this check until the others pass, since it calls all your functions \
                     together through the given stage. If it still fails, read its message to see \
                     which part of the accounting breaks, then reread the given stage file to see \
                     where each of your functions is called, and try the one involved by hand on \
                     the kind of message the failure points at.",
                )
                .hint(
                    "this runs the given stage, with all your functions, on the mini corpus: fix \
                     the other failing checks first; every message must end up clean, duplicate \
                     or quarantined, exactly once, and spam/cmds is not a message",
                ),
        )
        // BEGIN HIDDEN TESTS
        .check(
            Check::new("hidden.html_edge_cases", 2, hidden_html)
                .idea(
                    "Real mail's HTML is rarely tidy, as the chapter's 'Choosing a body' warns: \
                     the converter must keep every promise of its doc comment on markup a careful \
                     author would never write, not only on the tidy page of the visible check.",
                )
                .approach(
                    "Reread the doc comment promise by promise and, for each, write the untidiest \
                     input that still falls under it: think of how real mail differs from \
                     hand-written HTML in letter case, in things left unfinished when the text \
                     ends, and in entities crowded together. Decide what each should give before \
                     you run it.",
                )
                .hint(
                    "look again at uppercase tags, at comments, scripts and styles that are never \
                     closed (or whose closing tag lacks its '>'), at list items, and at entities \
                     back to back",
                ),
        )
        .check(
            Check::new("hidden.dates_and_keys", 2, hidden_dates)
                .idea(
                    "The rules of 'Dates and periods' and 'Normalisation' hold on the thinnest \
                     inputs too: a From line that lacks a part gives no month rather than a \
                     guess, and text with nothing in it normalises to nothing.",
                )
                .approach(
                    "Try the period and normalisation functions by hand on inputs that are almost \
                     empty or missing a piece, and check that each gives no month, or an empty \
                     text with no stray space or line break left over.",
                )
                .hint(
                    "look again at mbox lines without a year, at keys of whitespace-only text, \
                     and at clean text made of nothing but carriage returns",
                ),
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

type Outcome = Result<(), String>;

fn prefers_plain() -> Outcome {
    let mail = parse(ALTERNATIVE).ok_or("the fixture parses")?;
    let body = choose_body(&mail)
        .ok_or("for an HTML part then a plain part: expected a body, got None")?;
    check_eq!(
        "an HTML part then a plain part",
        BodySource::Plain,
        body.source
    );
    check_eq!(
        "an HTML part then a plain part",
        "The plain minutes.",
        body.text.trim()
    );
    check_eq!(
        "a plain part declared us-ascii",
        Some("us-ascii"),
        body.charset.as_deref()
    );
    Ok(())
}

fn falls_back_to_html() -> Outcome {
    let body = choose_body(&parse(HTML_ONLY).ok_or("the fixture parses")?)
        .ok_or("for an HTML-only message: expected a body, got None")?;
    check_eq!("an HTML-only message", BodySource::Html, body.source);
    ensure!(
        body.text.contains("Fish & chips"),
        "for an HTML-only message: expected its text with `Fish & chips`, got {:?}",
        body.text
    );
    let body = choose_body(&parse(BLANK_PLAIN).ok_or("the fixture parses")?)
        .ok_or("for a blank plain part then an HTML part: expected a body, got None")?;
    check_eq!(
        "a blank plain part then an HTML part",
        BodySource::Html,
        body.source
    );
    check_eq!(
        "a blank plain part then an HTML part",
        "Only the HTML says anything",
        body.text
    );
    let nothing = parse(b"From: a@example.com\nSubject: s\nContent-Type: text/plain\n\n   \n")
        .ok_or("the fixture parses")?;
    check_eq!(
        "a message whose only part is blank",
        None,
        choose_body(&nothing)
    );
    Ok(())
}

fn html_text() -> Outcome {
    let page = "<html><head><style>p {color:red}</style><script>alert('x')</script></head><body><!-- hidden -->\
         <h1>Save&nbsp;50%</h1><p>Fish &amp; chips</p><br>Tel: &lt;none&gt;<table><tr><td>a</td><td>b</td></tr></table>\
         <p>   </p><p></p><p>end</p></body></html>";
    check_eq!(
        format!("html_to_text({page:?})"),
        "Save 50%\n\nFish & chips\n\nTel: <none>\n\nab\n\nend",
        html_to_text(page)
    );
    // Entities are decoded after the tags are gone: `&lt;b&gt;` is text.
    let escaped = "<p>write &lt;b&gt; for bold</p>";
    check_eq!(
        format!("html_to_text({escaped:?})"),
        "write <b> for bold",
        html_to_text(escaped)
    );
    // Only the tags the doc comment names break a line.
    let inline = "<div>a <span>b</span> <em>c</em></div><DIV>d</DIV>";
    check_eq!(
        format!("html_to_text({inline:?})"),
        "a b c\n\nd",
        html_to_text(inline)
    );
    Ok(())
}

fn entities() -> Outcome {
    for (input, expected) in [
        (
            "a&nbsp;b &amp; c &lt;d&gt; &quot;e&quot; &apos;f&apos;",
            "a b & c <d> \"e\" 'f'",
        ),
        ("&#65;&#x42;&#X43; &#8364;", "ABC €"),
        ("AT&T &bogus; & &#xZZ; &", "AT&T &bogus; & &#xZZ; &"),
        ("&amp;lt; stays &lt;", "&lt; stays <"),
        ("&#1114112; &#55296; &#;", "&#1114112; &#55296; &#;"),
    ] {
        check_eq!(
            format!("decode_entities({input:?})"),
            expected,
            decode_entities(input)
        );
    }
    Ok(())
}

fn clean_text() -> Outcome {
    for (input, expected) in [
        (
            "  Hello  \r\nworld\t\r\n\r\n\r\n\r\nbye \r  ",
            "Hello\nworld\n\nbye",
        ),
        ("\n\n  \n", ""),
        (
            "Keep   inner  spacing and CASE",
            "Keep   inner  spacing and CASE",
        ),
        // Only the ends of lines are trimmed: indentation stays.
        (
            "Dear friend,\n    > quoted\n\tindented",
            "Dear friend,\n    > quoted\n\tindented",
        ),
        ("a\r\rb\n \nc", "a\n\nb\n\nc"),
    ] {
        check_eq!(format!("clean({input:?})"), expected, clean(input));
    }
    Ok(())
}

fn key() -> Outcome {
    for (input, expected) in [
        ("  Hello\n\tWORLD  again ", "hello world again"),
        ("Straße ÀÉ", "straße àé"),
        ("a\u{a0}\u{2003}b", "a b"),
        ("a\u{a0}b\u{2003}", "a b"),
        ("\u{2003}x", "x"),
        ("one", "one"),
    ] {
        check_eq!(format!("dedup_key({input:?})"), expected, dedup_key(input));
    }
    Ok(())
}

fn duplicates() -> Outcome {
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
    let got: Vec<(usize, usize, DuplicateKind)> = find_duplicates(&bodies)
        .iter()
        .map(|d| (d.index, d.original, d.kind))
        .collect();
    check_eq!(
        "six bodies whose keys repeat (index, original, kind)",
        vec![
            (2, 0, DuplicateKind::Exact),
            (3, 1, DuplicateKind::Near),
            (5, 0, DuplicateKind::Near)
        ],
        got
    );
    check_eq!("no bodies", 0, find_duplicates(&[]).len());
    Ok(())
}

fn reasons() -> Outcome {
    // The clean bodies are given, so this check does not lean on clean.
    // Not a message: the shell commands file that sits in the upstream spam folder.
    let cmds =
        b"mv 00001.317e78fa8ee2f54cd4890fdc09ba8176 00001.317e78fa8ee2f54cd4890fdc09ba8176\n";
    let text = std::str::from_utf8(cmds).map_err(|e| e.to_string())?.trim();
    check_eq!(
        "the spam folder's shell commands file",
        Some(Reason::NotAMessage),
        quarantine(parse(cmds).as_ref(), Some(text))
    );
    check_eq!(
        "nothing parsed",
        Some(Reason::NotAMessage),
        quarantine(None, None)
    );
    // Any one of From, Subject and Date makes it a message.
    for header in [
        "From: a@example.com",
        "Subject: hi",
        "Date: Mon, 6 Jan 2003 10:00:00 +0000",
    ] {
        let raw = format!("{header}\n\nHello there\n");
        check_eq!(
            format!("a message with only `{header}` and a body"),
            None,
            quarantine(parse(raw.as_bytes()).as_ref(), Some("Hello there"))
        );
    }
    // Empty after cleaning: no body at all, or one with no letter or digit
    // (an HTML body that was only markup and `&nbsp;`).
    let mail =
        parse(b"From: a@example.com\nSubject: hi\nContent-Type: text/html\n\n<p>&nbsp;</p>\n")
            .ok_or("the fixture parses")?;
    for body in [
        None,
        Some(""),
        Some("-- * --\n\n..."),
        Some("\u{FFFD}\u{FFFD}"),
    ] {
        check_eq!(
            format!("a message whose clean body is {body:?}"),
            Some(Reason::EmptyAfterCleaning),
            quarantine(Some(&mail), body)
        );
    }
    check_eq!(
        "a body of one digit",
        None,
        quarantine(Some(&mail), Some("7"))
    );
    // Undecodable: more than one character in twenty is U+FFFD, counted in
    // characters, not bytes (each U+FFFD is three bytes).
    for (body, expected, what) in [
        (
            format!("ok {}", "\u{FFFD}".repeat(40)),
            Some(Reason::Undecodable),
            "40 U+FFFD in 43",
        ),
        (
            format!("{}\u{FFFD}", "a".repeat(19)),
            None,
            "1 U+FFFD in 20 (not over 1 in 20)",
        ),
        (
            format!("{}\u{FFFD}\u{FFFD}", "é".repeat(37)),
            Some(Reason::Undecodable),
            "2 U+FFFD in 39 characters (over 1 in 20)",
        ),
        (
            format!("{}\u{FFFD}", "é".repeat(20)),
            None,
            "1 U+FFFD in 21 two-byte characters",
        ),
    ] {
        check_eq!(
            format!("a body of {what}"),
            expected,
            quarantine(Some(&mail), Some(&body))
        );
    }
    // A good message stays.
    let good = parse(ALTERNATIVE).ok_or("the fixture parses")?;
    check_eq!(
        "a good message",
        None,
        quarantine(Some(&good), Some("Hello there"))
    );
    Ok(())
}

fn periods() -> Outcome {
    let ym = |year, month| Some(YearMonth { year, month });
    let good = parse(ALTERNATIVE).ok_or("the fixture parses")?;
    check_eq!(
        "a Date header of August 2002",
        (ym(2002, 8), DateSource::Header),
        month_of(Some(&good), ALTERNATIVE)
    );
    let lying = b"From bob@example.com  Sat Nov  9 04:12:00 2002\nFrom: b@example.com\nSubject: s\nDate: Tue, 1 Jan 1980 00:00:00 +0000\n\nhi\n";
    check_eq!(
        "a Date header of 1980 under an mbox line of November 2002",
        (ym(2002, 11), DateSource::MboxLine),
        month_of(parse(lying).as_ref(), lying)
    );
    let future = b"From bob@example.com  Sat Mar  1 04:12:00 2003\nFrom: b@example.com\nSubject: s\nDate: Thu, 1 Jan 2028 00:00:00 +0000\n\nhi\n";
    check_eq!(
        "a Date header of 2028 under an mbox line of March 2003",
        (ym(2003, 3), DateSource::MboxLine),
        month_of(parse(future).as_ref(), future)
    );
    let edges = b"From bob@example.com  Sat Mar  1 04:12:00 2003\nFrom: b@example.com\nDate: Sun, 31 Dec 1995 23:00:00 +0000\n\nhi\n";
    check_eq!(
        "a Date header in 1995, the first plausible year",
        (ym(1995, 12), DateSource::Header),
        month_of(parse(edges).as_ref(), edges)
    );
    let old_line = b"From bob@example.com  Sat Mar  1 04:12:00 1994\nFrom: b@example.com\nDate: someday\n\nhi\n";
    check_eq!(
        "a Date header that does not parse under an mbox line of 1994",
        (None, DateSource::Unknown),
        month_of(parse(old_line).as_ref(), old_line)
    );
    let nothing = b"From: b@example.com\nSubject: s\nDate: sometime last week\n\nhi\n";
    check_eq!(
        "a Date header that does not parse and no mbox line",
        (None, DateSource::Unknown),
        month_of(parse(nothing).as_ref(), nothing)
    );
    for (line, expected) in [
        ("From x  Wed Dec 31 23:59:59 1997\n", ym(1997, 12)),
        ("From x  Mon Jan  6 10:00:00 2003\n", ym(2003, 1)),
        // The sender's address is not a month, even when it has one in it.
        (
            "From Mary.Maystone@example.com  Thu Aug 22 12:36:23 2002\n",
            ym(2002, 8),
        ),
        ("Subject: no mbox line\n", None),
        ("Fromage: no mbox line either\n", None),
    ] {
        check_eq!(
            format!("mbox_line_month({line:?})"),
            expected,
            mbox_line_month(line.as_bytes())
        );
    }
    Ok(())
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

fn report() -> Outcome {
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
    let what = "eight records: 3 clean, 2 duplicates, 3 quarantined";
    let r = build(&records);
    check_eq!(
        format!("{what} (imported, clean, duplicates)"),
        (8, 3, 2),
        (r.imported, r.clean, r.duplicates)
    );
    check_eq!(
        format!("{what} (exact, near duplicates)"),
        (1, 1),
        (r.exact_duplicates, r.near_duplicates)
    );
    let quarantined: Vec<(&str, usize)> = r
        .quarantined
        .iter()
        .map(|(k, v)| (k.as_str(), *v))
        .collect();
    check_eq!(
        format!("{what} (quarantined, only reasons that occur)"),
        vec![("not_a_message", 2), ("undecodable", 1)],
        quarantined
    );
    check_eq!(
        format!("{what} (by_group spam)"),
        Some(&4),
        r.by_group.get("spam")
    );
    check_eq!(
        format!("{what} (by_group hard-ham)"),
        Some(&2),
        r.by_group.get("hard-ham")
    );
    check_eq!(
        format!("{what} (by_period \"2\")"),
        Some(&4),
        r.by_period.get("2")
    );
    check_eq!(
        format!("{what} (by_charset \"none\")"),
        Some(&6),
        r.by_charset.get("none")
    );
    check_eq!(
        format!("{what} (by_charset \"big5\")"),
        Some(&1),
        r.by_charset.get("big5")
    );
    check_eq!(
        format!("{what} (by_content_type \"text/plain\")"),
        Some(&8),
        r.by_content_type.get("text/plain")
    );
    let l = r.length;
    check_eq!(
        format!("{what}, clean lengths 100, 10, 40 (count, min, median, p90, max)"),
        (3, 10, 40, 100, 100),
        (l.count, l.min, l.median, l.p90, l.max)
    );
    // An even count: the nearest-rank median is the lower middle value,
    // and p90 of ten values is the ninth.
    let lengths = [70, 20, 100, 40, 10, 60, 30, 90, 50, 80];
    let records: Vec<Record> = lengths
        .iter()
        .map(|&n| record("easy-ham", Status::Clean, Some(n), None))
        .collect();
    let l = build(&records).length;
    check_eq!(
        format!("clean lengths {lengths:?} (count, min, median, p90, max)"),
        (10, 10, 50, 90, 100),
        (l.count, l.min, l.median, l.p90, l.max)
    );
    let l = build(&records[..4]).length;
    check_eq!(
        format!("clean lengths {:?} (median, p90)", &lengths[..4]),
        (40, 100),
        (l.median, l.p90)
    );
    let empty = build(&[]);
    check_eq!(
        "no records (imported, length count, min, max)",
        (0, 0, 0, 0),
        (
            empty.imported,
            empty.length.count,
            empty.length.min,
            empty.length.max
        )
    );
    Ok(())
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
fn hidden_html() -> Outcome {
    for (html, expected) in [
        ("<P>One</P><BR/>Two<!-- never closed", "One\n\nTwo"),
        ("a&amp;b&amp;c", "a&b&c"),
        ("<li>x</li><li>y</li>", "x\n\ny"),
        ("<SCRIPT>var a = '<p>';</SCRIPT>kept", "kept"),
        ("<p>kept</p><script>x</script", "kept"),
        ("<style>p {}</style", ""),
    ] {
        check_eq!(
            format!("html_to_text({html:?})"),
            expected,
            html_to_text(html)
        );
    }
    Ok(())
}

fn hidden_dates() -> Outcome {
    check_eq!(
        "mbox_line_month(\"From x  Wed Dec 31 23:59:59\\n\") (no year)",
        None,
        mbox_line_month(b"From x  Wed Dec 31 23:59:59\n")
    );
    check_eq!("dedup_key(\" \\n\\t \")", "", dedup_key(" \n\t "));
    check_eq!("clean(\"\\r\\r\")", "", clean("\r\r"));
    Ok(())
}
// END HIDDEN TESTS
