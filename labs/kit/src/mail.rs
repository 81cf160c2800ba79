//! Parsed mail: MIME decoded, charsets converted, nothing decided.
//!
//! [`parse`] turns a raw message into a [`ParsedMail`]: the headers a spam
//! filter cares about and every text part, decoded from base64 or
//! quoted-printable and converted from its charset (big5, gb2312,
//! iso-2022-jp, koi8-r, windows-1251, ...) to UTF-8, with a flag where that
//! went wrong. Which body to keep, how to turn HTML into text, what makes two
//! messages the same and which to quarantine are the gather lab's decisions;
//! the kit only hands over what the message says. Parsing is done by the
//! `mail-parser` crate, which accepts the malformed mail real corpora hold.
//!
//! Two kinds of damage make a parser hand over the wrong text rather than
//! too little, and the kit guards against them before anything is decided
//! ([`Repair`]): a header with no blank line after it (the parser reads the
//! first lines of the body as broken header fields and drops them), and a
//! multipart body that cannot be split on the boundary its header declares
//! (the parser hands over the whole body, part headers, delimiters and
//! base64 included, as one text). Where the bytes show the structure that
//! was meant, the kit reads it that way and says so in
//! [`ParsedMail::repairs`]; where they do not, it says that too
//! ([`ParsedMail::lost_boundary`]), and the text is not to be trusted.

use mail_parser::{HeaderName, Message, MessageParser, MessagePart, MimeHeaders, PartType};
use serde::{Deserialize, Serialize};

/// A date as a message's `Date:` header gave it, with its UTC offset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct MailDate {
    /// The year as written (it may be 1980 or 2028: senders' clocks lie).
    pub year: u16,
    /// 1 to 12.
    pub month: u8,
    /// 1 to 31.
    pub day: u8,
    /// The UTC offset in minutes (east is positive).
    pub offset_minutes: i16,
}

/// One text part of a message, decoded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TextPart {
    /// `text/plain`, `text/html`, ... (lowercase).
    pub mime: String,
    /// The declared charset, lowercase, if any.
    pub charset: Option<String>,
    /// The decoded text.
    pub text: String,
    /// Whether it is HTML.
    pub is_html: bool,
    /// Whether decoding had trouble (bad transfer encoding or charset): the
    /// text is a best effort and may hold replacement characters.
    pub decode_problem: bool,
}

// ANCHOR: repair
/// A structural defect the kit found in a message and mended, because the
/// bytes themselves show what was meant. Each is recorded with the message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Repair {
    /// No blank line between the header and the body: the header ended at
    /// the first line that is neither a header field nor a continuation,
    /// and no header field follows it, so the body starts there.
    HeaderBreak,
    /// A multipart whose declared boundary never appears in its body (or
    /// that declares none): its parts were split on the delimiter line the
    /// body does use, the first `--something` followed by a `Content-` header.
    Boundary,
    /// A body laid out as a multipart (it starts, after at most two lines of
    /// preamble, with a delimiter line followed by a `Content-` header)
    /// under a header that declares no multipart: read as
    /// `multipart/mixed` split on that delimiter.
    UndeclaredMultipart,
}
// ANCHOR_END: repair

impl Repair {
    /// The snake_case name used in files and reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Repair::HeaderBreak => "header_break",
            Repair::Boundary => "boundary",
            Repair::UndeclaredMultipart => "undeclared_multipart",
        }
    }
}

impl std::fmt::Display for Repair {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a message says, decoded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ParsedMail {
    /// The decoded `Subject:`.
    pub subject: Option<String>,
    /// The first `From:` address, as `Name <address>` or the address alone.
    pub from: Option<String>,
    /// The `Date:` header as written.
    pub date_header: Option<String>,
    /// The `Date:` header parsed, when it could be.
    pub date: Option<MailDate>,
    /// The top-level content type, lowercase (`text/plain` when none is given).
    pub content_type: String,
    /// The top-level declared charset, lowercase, if any.
    pub charset: Option<String>,
    /// How many header fields the message has.
    pub header_count: usize,
    /// Every text part in document order (plain and HTML, inline or not).
    pub parts: Vec<TextPart>,
    /// How many non-text parts (attachments, images) it has.
    pub attachments: usize,
    /// The structural defects mended before the parts above were read, in
    /// the order they were mended (empty for a sound message).
    pub repairs: Vec<Repair>,
    /// Whether a multipart's declared boundary never appears in its body
    /// and no other delimiter does either: its parts cannot be told apart,
    /// and whatever text came out of it is raw MIME (part headers,
    /// delimiters, undecoded base64), not what the sender wrote.
    pub lost_boundary: bool,
}

impl ParsedMail {
    /// The text parts that are plain text.
    pub fn plain_parts(&self) -> impl Iterator<Item = &TextPart> {
        self.parts.iter().filter(|p| !p.is_html)
    }

    /// The text parts that are HTML.
    pub fn html_parts(&self) -> impl Iterator<Item = &TextPart> {
        self.parts.iter().filter(|p| p.is_html)
    }
}

/// The bytes without a leading mbox `From ` line, which SpamAssassin files
/// (and mbox exports) start with and which is not a header.
pub fn strip_mbox_line(bytes: &[u8]) -> &[u8] {
    if bytes.starts_with(b"From ") {
        match bytes.iter().position(|&b| b == b'\n') {
            Some(end) => &bytes[end + 1..],
            None => &[],
        }
    } else {
        bytes
    }
}

/// The parser, built once: MIME headers (which the body needs), `Date`,
/// `Subject` and `From` are parsed; every other header (the `Received` chains
/// above all) is skipped, not even copied, which makes parsing a corpus
/// several times faster. Its raw text stays readable through `header_raw`.
fn parser() -> &'static MessageParser {
    static PARSER: std::sync::OnceLock<MessageParser> = std::sync::OnceLock::new();
    PARSER.get_or_init(|| {
        MessageParser::new()
            .with_mime_headers()
            .header_date(HeaderName::Date)
            .header_text(HeaderName::Subject)
            .header_address(HeaderName::From)
            .default_header_ignore()
    })
}

fn lower(s: &str) -> String {
    s.trim().to_ascii_lowercase()
}

/// How many times one message may be mended and parsed again: a header
/// break and a few multiparts; real mail needs at most two.
const MAX_MENDS: usize = 4;

/// Parses a raw message. `None` when there is nothing a mail parser can
/// read at all (empty input); anything else gives a best-effort result.
///
/// A message whose structure is damaged in a way the bytes can show (see
/// [`Repair`]) is mended and parsed again; the repairs are listed in the
/// result, and a multipart that cannot be split is flagged
/// ([`ParsedMail::lost_boundary`]).
pub fn parse(raw: &[u8]) -> Option<ParsedMail> {
    let bytes = strip_mbox_line(raw);
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return None;
    }
    let mut repairs = Vec::new();
    let mut mended: Option<Vec<u8>> = missing_header_break(bytes).map(|at| {
        repairs.push(Repair::HeaderBreak);
        let newline: &[u8] = if bytes[..at].ends_with(b"\r\n") {
            b"\r\n"
        } else {
            b"\n"
        };
        [&bytes[..at], newline, &bytes[at..]].concat()
    });
    let mut rounds = 0;
    loop {
        let current = mended.as_deref().unwrap_or(bytes);
        let message = parser().parse(current)?;
        let mend = if rounds < MAX_MENDS {
            check_structure(&message, current)
        } else {
            Structure::Lost
        };
        match mend {
            Structure::Sound => return Some(read(message, repairs, false)),
            Structure::Lost => return Some(read(message, repairs, true)),
            Structure::Mend(next, repair) => {
                repairs.push(repair);
                mended = Some(next);
                rounds += 1;
            }
        }
    }
}

/// What [`check_structure`] found.
enum Structure {
    /// Nothing to mend.
    Sound,
    /// A multipart that cannot be split.
    Lost,
    /// The message rewritten so that it parses as its bytes show, and why.
    Mend(Vec<u8>, Repair),
}

/// Whether the line (without its line ending) is a header field: a name of
/// letters, digits, `-`, `_` or `.`, then a colon (and not `://`, which
/// starts a URL in a body, not a field).
fn is_field(line: &[u8]) -> bool {
    let Some(colon) = line.iter().position(|&b| b == b':') else {
        return false;
    };
    colon > 0
        && line[0].is_ascii_alphanumeric()
        && line[..colon]
            .iter()
            .all(|&b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
        && !line[colon + 1..].starts_with(b"//")
}

/// Lines of `bytes` as `(offset, line without its line ending)`.
fn lines(bytes: &[u8]) -> impl Iterator<Item = (usize, &[u8])> {
    let mut at = 0;
    std::iter::from_fn(move || {
        if at >= bytes.len() {
            return None;
        }
        let start = at;
        let end = bytes[at..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(bytes.len(), |n| at + n);
        at = end + 1;
        let line = &bytes[start..end];
        Some((start, line.strip_suffix(b"\r").unwrap_or(line)))
    })
}

/// Where the body starts in a message whose header has no blank line after
/// it: the first line of the header block (which ends at the first blank
/// line) that is neither a header field nor a continuation, when at least
/// one field comes before it and none after it. A field after it means the
/// line is a header continued without its leading whitespace, which the
/// parser already reads well enough; it is left alone.
fn missing_header_break(bytes: &[u8]) -> Option<usize> {
    let mut seen_field = false;
    let mut body_at = None;
    for (at, line) in lines(bytes) {
        if line.is_empty() {
            break;
        }
        if line[0] == b' ' || line[0] == b'\t' {
            continue;
        }
        if is_field(line) {
            if body_at.is_some() {
                return None;
            }
            seen_field = true;
        } else if body_at.is_none() {
            if !seen_field {
                return None;
            }
            body_at = Some(at);
        }
    }
    body_at
}

/// The boundary of the first delimiter line in `body` that a part header
/// follows: `--boundary` (trailing whitespace dropped) on one line and a
/// `Content-...:` field on the next. With `preamble` set, only the first
/// `preamble` lines with text may come before it, and none of them may look
/// like a header field (a multipart quoted inside a reply comes after the
/// quoted headers, and is the reply's text, not its structure).
fn delimiter_in(body: &[u8], preamble: Option<usize>) -> Option<&[u8]> {
    let mut before = 0;
    // A line with text before the delimiter: too many, or a header field,
    // and this is not a multipart's preamble.
    let mut preamble_line = |line: &[u8]| match preamble {
        Some(most) => {
            before += 1;
            before <= most && !is_field(line)
        }
        None => true,
    };
    let mut candidate: Option<&[u8]> = None;
    for (_, line) in lines(body) {
        if let Some(boundary) = candidate.take() {
            let head = line.get(..8).map(<[u8]>::to_ascii_lowercase);
            if head.as_deref() == Some(b"content-") && is_field(line) {
                return Some(boundary);
            }
            if !preamble_line(boundary) {
                return None;
            }
        }
        let trimmed = line.trim_ascii_end();
        if let Some(rest) = trimmed.strip_prefix(b"--")
            && (1..=200).contains(&rest.len())
            && !rest.contains(&b'"')
        {
            candidate = Some(rest);
        } else if !trimmed.is_empty() && !preamble_line(line) {
            return None;
        }
    }
    None
}

/// Whether a part's header declares a multipart.
fn declares_multipart(part: &MessagePart<'_>) -> bool {
    part.content_type()
        .is_some_and(|ct| ct.ctype().eq_ignore_ascii_case("multipart"))
}

/// Finds the first structural defect the bytes can show and mends it, or
/// says there is none, or that a multipart cannot be split.
fn check_structure(message: &Message<'_>, bytes: &[u8]) -> Structure {
    let body_of = |part: &MessagePart<'_>| {
        let start = (part.offset_body as usize).min(bytes.len());
        let end = (part.offset_end as usize).clamp(start, bytes.len());
        &bytes[start..end]
    };
    for part in &message.parts {
        if declares_multipart(part) && !matches!(part.body, PartType::Multipart(_)) {
            let subtype = part
                .content_type()
                .and_then(|ct| ct.subtype())
                .map_or_else(|| "mixed".to_owned(), lower);
            return match delimiter_in(body_of(part), None) {
                Some(boundary) => Structure::Mend(
                    with_multipart_header(bytes, part, &subtype, boundary),
                    Repair::Boundary,
                ),
                None => Structure::Lost,
            };
        }
    }
    let root = message.root_part();
    if !declares_multipart(root)
        && matches!(root.body, PartType::Text(_) | PartType::Html(_))
        && let Some(boundary) = delimiter_in(body_of(root), Some(2))
    {
        return Structure::Mend(
            with_multipart_header(bytes, root, "mixed", boundary),
            Repair::UndeclaredMultipart,
        );
    }
    Structure::Sound
}

/// `bytes` with `part`'s `Content-Type` field (and its continuation lines)
/// replaced by `multipart/<subtype>` split on `boundary`.
fn with_multipart_header(
    bytes: &[u8],
    part: &MessagePart<'_>,
    subtype: &str,
    boundary: &[u8],
) -> Vec<u8> {
    let start = (part.offset_header as usize).min(bytes.len());
    let end = (part.offset_body as usize).clamp(start, bytes.len());
    let mut out = Vec::with_capacity(bytes.len() + 64);
    out.extend_from_slice(&bytes[..start]);
    out.extend_from_slice(format!("Content-Type: multipart/{subtype}; boundary=\"").as_bytes());
    out.extend_from_slice(boundary);
    out.extend_from_slice(b"\"\n");
    let mut in_content_type = false;
    for line in bytes[start..end].split_inclusive(|&b| b == b'\n') {
        let continued = line.first().is_some_and(|&b| b == b' ' || b == b'\t');
        if !continued {
            in_content_type = line.len() >= 13 && line[..13].eq_ignore_ascii_case(b"content-type:");
        }
        if !in_content_type {
            out.extend_from_slice(line);
        }
    }
    out.extend_from_slice(&bytes[end..]);
    out
}

/// The parsed message as a [`ParsedMail`].
fn read(message: Message<'_>, repairs: Vec<Repair>, lost_boundary: bool) -> ParsedMail {
    let root = message.root_part();
    let (content_type, charset) = match message.content_type() {
        Some(ct) => (
            format!(
                "{}/{}",
                lower(ct.ctype()),
                ct.subtype().map(lower).unwrap_or_else(|| "plain".into())
            ),
            ct.attribute("charset").map(lower),
        ),
        None => ("text/plain".to_owned(), None),
    };
    let date = message.date().map(|d| MailDate {
        year: d.year,
        month: d.month,
        day: d.day,
        offset_minutes: {
            let minutes = d.tz_hour as i16 * 60 + d.tz_minute as i16;
            if d.tz_before_gmt { -minutes } else { minutes }
        },
    });
    let from = message.from().and_then(|a| a.first()).map(|addr| {
        match (addr.name.as_deref(), addr.address.as_deref()) {
            (Some(name), Some(address)) => format!("{name} <{address}>"),
            (None, Some(address)) => address.to_owned(),
            (Some(name), None) => name.to_owned(),
            (None, None) => String::new(),
        }
    });
    let subject = message.subject().map(str::to_owned);
    let date_header = message.header_raw("Date").map(|d| d.trim().to_owned());
    let header_count = root.headers.len();
    let mut parts = Vec::new();
    let mut attachments = 0;
    // The headers are read; now the parts are taken apart, so that text
    // mail-parser already decoded into a string of its own is moved, not copied.
    for part in message.parts {
        let is_html = match &part.body {
            PartType::Text(_) => false,
            PartType::Html(_) => true,
            PartType::Binary(_) | PartType::InlineBinary(_) => {
                attachments += 1;
                continue;
            }
            PartType::Message(_) | PartType::Multipart(_) => continue,
        };
        let (mime, charset) = match part.content_type() {
            Some(ct) => (
                format!(
                    "{}/{}",
                    lower(ct.ctype()),
                    ct.subtype().map(lower).unwrap_or_default()
                ),
                ct.attribute("charset").map(lower),
            ),
            None => (
                if is_html { "text/html" } else { "text/plain" }.to_owned(),
                None,
            ),
        };
        let text = match part.body {
            PartType::Text(t) | PartType::Html(t) => t.into_owned(),
            _ => continue,
        };
        parts.push(TextPart {
            mime,
            charset,
            decode_problem: part.is_encoding_problem || text.contains('\u{FFFD}'),
            text,
            is_html,
        });
    }
    ParsedMail {
        subject,
        from,
        date_header,
        date,
        content_type,
        charset,
        header_count,
        parts,
        attachments,
        repairs,
        lost_boundary,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_quoted_printable_and_encoded_headers() {
        let raw = b"From someone  Thu Aug 22 12:36:23 2002\nFrom: =?utf-8?B?SsO2cmc=?= <j@example.com>\nSubject: =?iso-8859-1?Q?caf=E9?=\nDate: Thu, 22 Aug 2002 07:36:16 -0400\nContent-Type: text/plain; charset=iso-8859-1\nContent-Transfer-Encoding: quoted-printable\n\nna=EFve caf=E9 soft=\nbreak\n";
        let mail = parse(raw).unwrap();
        assert_eq!(mail.subject.as_deref(), Some("café"));
        assert_eq!(mail.from.as_deref(), Some("Jörg <j@example.com>"));
        assert_eq!(
            mail.date,
            Some(MailDate {
                year: 2002,
                month: 8,
                day: 22,
                offset_minutes: -240
            })
        );
        assert_eq!(mail.charset.as_deref(), Some("iso-8859-1"));
        assert_eq!(mail.parts.len(), 1);
        assert_eq!(mail.parts[0].text.trim(), "naïve café softbreak");
        assert!(!mail.parts[0].decode_problem);
    }

    #[test]
    fn multipart_alternative_gives_both_bodies_and_counts_attachments() {
        let raw = b"Subject: hi\nContent-Type: multipart/mixed; boundary=\"X\"\n\n--X\nContent-Type: multipart/alternative; boundary=\"Y\"\n\n--Y\nContent-Type: text/plain\n\nplain body\n--Y\nContent-Type: text/html; charset=utf-8\nContent-Transfer-Encoding: base64\n\nPGI+aHRtbCBib2R5PC9iPg==\n--Y--\n--X\nContent-Type: application/pdf\nContent-Transfer-Encoding: base64\n\nJVBERi0xLjQK\n--X--\n";
        let mail = parse(raw).unwrap();
        assert_eq!(mail.content_type, "multipart/mixed");
        assert_eq!(mail.plain_parts().next().unwrap().text.trim(), "plain body");
        assert_eq!(
            mail.html_parts().next().unwrap().text.trim(),
            "<b>html body</b>"
        );
        assert_eq!(mail.attachments, 1);
    }

    fn with_body(charset: &str, text: &str) -> Vec<u8> {
        let encoding = encoding_rs::Encoding::for_label(charset.as_bytes()).unwrap();
        let (body, _, unmappable) = encoding.encode(text);
        assert!(!unmappable);
        let mut raw = format!("Subject: x\nContent-Type: text/plain; charset={charset}\nContent-Transfer-Encoding: 8bit\n\n").into_bytes();
        raw.extend_from_slice(&body);
        raw
    }

    #[test]
    fn converts_the_corpus_charsets() {
        for (charset, text) in [
            ("koi8-r", "привет, мир"),
            ("windows-1251", "бесплатно"),
            ("gb2312", "免费优惠"),
            ("big5", "免費優惠"),
            ("shift_jis", "無料です"),
            ("windows-1252", "naïve café"),
        ] {
            let mail = parse(&with_body(charset, text)).unwrap();
            assert_eq!(mail.parts[0].text.trim(), text, "{charset}");
            assert_eq!(mail.charset.as_deref(), Some(charset));
        }
    }

    #[test]
    fn hopeless_input_does_not_panic() {
        assert_eq!(parse(b""), None);
        assert_eq!(parse(b"From x  Mon Jan 1 00:00:00 2002\n"), None);
        let garbage: Vec<u8> = (0..2000u32).map(|i| (i * 7919 % 256) as u8).collect();
        let _ = parse(&garbage);
        if let Some(no_headers) = parse(b"just some words, no headers at all\n") {
            assert!(no_headers.subject.is_none());
        }
    }

    /// The lines of a message, joined with `\n`.
    fn message(lines: &[&str]) -> Vec<u8> {
        let mut out = lines.join("\n").into_bytes();
        out.push(b'\n');
        out
    }

    #[test]
    fn a_body_with_no_blank_line_before_it_is_split_off_and_kept() {
        let raw = message(&[
            "From x@example.com  Thu Aug 22 12:36:23 2002",
            "From: x@example.com",
            "Subject: rates",
            "Content-Type: text/html",
            "<html><body>Lowest rates <b>ever</b>",
            "</body></html>",
        ]);
        let mail = parse(&raw).unwrap();
        assert_eq!(mail.repairs, [Repair::HeaderBreak]);
        assert_eq!(mail.subject.as_deref(), Some("rates"));
        assert_eq!(mail.content_type, "text/html");
        assert!(mail.parts[0].text.starts_with("<html><body>Lowest rates"));
        // With CRLF line endings the inserted break is CRLF too.
        let crlf = b"Subject: hi\r\nFrom: a@b.example\r\nHi,\r\n\r\nsee you\r\n";
        let mail = parse(crlf).unwrap();
        assert_eq!(mail.repairs, [Repair::HeaderBreak]);
        assert_eq!(mail.parts[0].text.trim_end(), "Hi,\r\n\r\nsee you");
    }

    #[test]
    fn a_header_continued_without_whitespace_is_not_a_header_break() {
        let raw = message(&[
            "Subject: Lose 23 pounds in",
            "30 days - guaranteed",
            "From: x@example.com",
            "",
            "Doctors are amazed.",
        ]);
        let mail = parse(&raw).unwrap();
        assert!(mail.repairs.is_empty());
        assert_eq!(mail.parts[0].text.trim(), "Doctors are amazed.");
        // A body line that looks like a URL is not a header field.
        let raw = message(&[
            "Subject: x",
            "From: a@b.example",
            "Visit",
            "http://x.example/",
        ]);
        assert_eq!(parse(&raw).unwrap().repairs, [Repair::HeaderBreak]);
        // No field before the odd line: not a message's header at all.
        let raw = message(&["just words", "Subject: x", "", "body"]);
        assert!(parse(&raw).unwrap().repairs.is_empty());
    }

    #[test]
    fn a_boundary_that_never_appears_is_replaced_by_the_one_the_body_uses() {
        let raw = message(&[
            "Subject: offer",
            "Content-Type: multipart/alternative; boundary=\"=Multipart Boundary 0925\"",
            "",
            "This is a multipart MIME message.",
            "",
            "--= Multipart Boundary 0925",
            "Content-Type: text/plain; charset=\"ISO-8859-1\"",
            "Content-Transfer-Encoding: quoted-printable",
            "",
            "Caf=E9 prices =3D low",
            "--= Multipart Boundary 0925",
            "Content-Type: text/html",
            "Content-Transfer-Encoding: base64",
            "",
            "PGI+bG93PC9iPg==",
            "--= Multipart Boundary 0925--",
        ]);
        let mail = parse(&raw).unwrap();
        assert_eq!(mail.repairs, [Repair::Boundary]);
        assert!(!mail.lost_boundary);
        assert_eq!(mail.content_type, "multipart/alternative");
        assert_eq!(
            mail.plain_parts().next().unwrap().text.trim(),
            "Café prices = low"
        );
        assert_eq!(
            mail.plain_parts().next().unwrap().charset.as_deref(),
            Some("iso-8859-1")
        );
        assert_eq!(mail.html_parts().next().unwrap().text.trim(), "<b>low</b>");
        assert!(
            mail.parts.iter().all(|p| !p.text.contains("Content-Type")),
            "{:?}",
            mail.parts
        );
        // A multipart that declares no boundary at all is mended the same way.
        let raw = message(&[
            "Subject: offer",
            "Content-Type: multipart/mixed",
            "",
            "--abc",
            "Content-Type: text/plain",
            "",
            "hello",
            "--abc--",
        ]);
        let mail = parse(&raw).unwrap();
        assert_eq!(mail.repairs, [Repair::Boundary]);
        assert_eq!(mail.parts.len(), 1);
        assert_eq!(mail.parts[0].text.trim(), "hello");
    }

    #[test]
    fn a_multipart_with_no_delimiter_at_all_is_flagged_not_mended() {
        let raw = message(&[
            "Subject: offer",
            "Content-Type: multipart/alternative; boundary=\"XYZ\"",
            "",
            "Content-Type: text/plain",
            "Content-Transfer-Encoding: base64",
            "",
            "SGVsbG8gd29ybGQ=",
        ]);
        let mail = parse(&raw).unwrap();
        assert!(mail.lost_boundary);
        assert!(mail.repairs.is_empty());
        // A sound multipart is neither mended nor flagged.
        let raw = message(&[
            "Subject: fine",
            "Content-Type: multipart/alternative; boundary=\"XYZ\"",
            "",
            "--XYZ",
            "Content-Type: text/plain",
            "",
            "hello",
            "--XYZ--",
        ]);
        let mail = parse(&raw).unwrap();
        assert!(!mail.lost_boundary && mail.repairs.is_empty());
    }

    #[test]
    fn a_multipart_body_under_no_multipart_header_is_read_as_one() {
        let raw = message(&[
            "Subject: Your Membership Exchange, Issue #422",
            "MIME-Version: 1.0",
            "",
            "",
            "--646007810.993513231406.JavaMail",
            "Content-Type: text/plain; charset=iso-8859-1",
            "",
            "Issue #422 =3D news",
            "--646007810.993513231406.JavaMail",
            "Content-Type: text/html; charset=iso-8859-1",
            "",
            "<p>Issue #422</p>",
            "--646007810.993513231406.JavaMail--",
        ]);
        let mail = parse(&raw).unwrap();
        assert_eq!(mail.repairs, [Repair::UndeclaredMultipart]);
        assert_eq!(mail.content_type, "multipart/mixed");
        assert_eq!(
            mail.plain_parts().next().unwrap().text.trim(),
            "Issue #422 =3D news"
        );
        assert_eq!(
            mail.html_parts().next().unwrap().text.trim(),
            "<p>Issue #422</p>"
        );
        // A short preamble before the first delimiter is allowed.
        let raw = message(&[
            "Subject: x",
            "",
            "This is a multipart MIME message.",
            "",
            "--b1",
            "Content-Type: text/plain",
            "",
            "hello",
        ]);
        assert_eq!(parse(&raw).unwrap().repairs, [Repair::UndeclaredMultipart]);
    }

    #[test]
    fn a_multipart_quoted_in_a_reply_is_the_reply_s_text() {
        // A bug report quoting a whole message, structure and all: the
        // quoted header comes first, so the body is text, and it stays text.
        let raw = message(&[
            "Subject: Re: mime bug",
            "From: dev@example.org",
            "",
            "Here is the message that breaks it:",
            "",
            "From: somebody <someone@example.org>",
            "Subject: Booga",
            "Content-type: multipart/alternative; boundary=\"snot\"",
            "",
            "--snot",
            "Content-type: text/plain",
            "",
            "booga",
            "--snot--",
        ]);
        let mail = parse(&raw).unwrap();
        assert!(mail.repairs.is_empty() && !mail.lost_boundary);
        assert_eq!(mail.content_type, "text/plain");
        assert!(
            mail.parts[0]
                .text
                .contains("--snot\nContent-type: text/plain")
        );
        // Nor is a signature separator a delimiter.
        let raw = message(&[
            "Subject: x",
            "",
            "Thanks",
            "-- ",
            "Content-free signature: me",
        ]);
        assert!(parse(&raw).unwrap().repairs.is_empty());
    }

    #[test]
    fn every_mini_message_parses_without_panicking() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../datasets/mini");
        let corpus = crate::Corpus::open("mini", &root).unwrap();
        let mut with_text = 0;
        let mut repaired: std::collections::BTreeMap<&str, Vec<String>> = Default::default();
        for message in corpus.messages() {
            let message = message.unwrap();
            if let Some(mail) = parse(&message.bytes) {
                with_text += usize::from(!mail.parts.is_empty());
                assert!(!mail.lost_boundary, "{}", message.entry.path);
                for repair in mail.repairs {
                    repaired
                        .entry(repair.as_str())
                        .or_default()
                        .push(message.entry.path.clone());
                }
            }
        }
        // The card's damage, mended: 4 messages with no blank line after
        // the header, 3 whose declared boundary never appears (all spam, and
        // before the kit mended them, their raw MIME was their "text").
        let count = |kind: &str| repaired.get(kind).map_or(0, Vec::len);
        assert_eq!(count("header_break"), 4, "{repaired:?}");
        assert_eq!(count("boundary"), 3, "{repaired:?}");
        assert!(
            repaired["boundary"].iter().all(|p| p.starts_with("spam")),
            "{repaired:?}"
        );
        assert_eq!(repaired.len(), 2, "{repaired:?}");
        assert!(
            with_text > corpus.len() * 9 / 10,
            "{with_text} of {} have a text part",
            corpus.len()
        );
    }
}
