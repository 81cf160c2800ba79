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

use mail_parser::{HeaderName, MessageParser, MimeHeaders, PartType};
use serde::Serialize;

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

/// Parses a raw message. `None` when there is nothing a mail parser can
/// read at all (empty input); anything else gives a best-effort result.
pub fn parse(raw: &[u8]) -> Option<ParsedMail> {
    let bytes = strip_mbox_line(raw);
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return None;
    }
    let message = parser().parse(bytes)?;
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
    Some(ParsedMail {
        subject,
        from,
        date_header,
        date,
        content_type,
        charset,
        header_count,
        parts,
        attachments,
    })
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

    #[test]
    fn every_mini_message_parses_without_panicking() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../datasets/mini");
        let corpus = crate::Corpus::open("mini", &root).unwrap();
        let mut with_text = 0;
        for message in corpus.messages() {
            let message = message.unwrap();
            if let Some(mail) = parse(&message.bytes) {
                with_text += usize::from(!mail.parts.is_empty());
            }
        }
        assert!(
            with_text > corpus.len() * 9 / 10,
            "{with_text} of {} have a text part",
            corpus.len()
        );
    }
}
