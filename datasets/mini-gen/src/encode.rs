//! Byte-level writers for mail: charsets, quoted-printable, base64 and RFC 2047 words.
//!
//! Everything here is pure and deterministic; malformed output (for the corpus's mess)
//! is produced elsewhere, by damaging what these functions write.

use anyhow::{Result, bail};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use encoding_rs::Encoding;

/// The charsets the mini corpus writes bodies and headers in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Charset {
    UsAscii,
    Latin1,
    Windows1252,
    Utf8,
    Windows1251,
    Koi8R,
    Big5,
    Gb2312,
    Iso2022Jp,
    ShiftJis,
    EucKr,
    /// EUC-KR under the label Microsoft mailers used for it.
    KsC5601,
    Latin2,
}

impl Charset {
    /// Every charset, in a fixed order.
    pub const ALL: [Charset; 13] = [
        Charset::UsAscii,
        Charset::Latin1,
        Charset::Windows1252,
        Charset::Utf8,
        Charset::Windows1251,
        Charset::Koi8R,
        Charset::Big5,
        Charset::Gb2312,
        Charset::Iso2022Jp,
        Charset::ShiftJis,
        Charset::EucKr,
        Charset::KsC5601,
        Charset::Latin2,
    ];

    /// The MIME label, lowercase.
    pub fn label(self) -> &'static str {
        match self {
            Charset::UsAscii => "us-ascii",
            Charset::Latin1 => "iso-8859-1",
            Charset::Windows1252 => "windows-1252",
            Charset::Utf8 => "utf-8",
            Charset::Windows1251 => "windows-1251",
            Charset::Koi8R => "koi8-r",
            Charset::Big5 => "big5",
            Charset::Gb2312 => "gb2312",
            Charset::Iso2022Jp => "iso-2022-jp",
            Charset::ShiftJis => "shift_jis",
            Charset::EucKr => "euc-kr",
            Charset::KsC5601 => "ks_c_5601-1987",
            Charset::Latin2 => "iso-8859-2",
        }
    }

    /// The label as some mailers wrote it, in capitals.
    pub fn label_upper(self) -> String {
        match self {
            Charset::Big5 => "Big5".to_string(),
            Charset::Windows1252 => "Windows-1252".to_string(),
            Charset::Windows1251 => "Windows-1251".to_string(),
            other => other.label().to_ascii_uppercase(),
        }
    }

    /// Whether this charset's text is plain 7-bit bytes (so `7bit` is an honest encoding).
    pub fn is_seven_bit(self) -> bool {
        matches!(self, Charset::UsAscii | Charset::Iso2022Jp)
    }

    fn encoding(self) -> &'static Encoding {
        match self {
            // encoding_rs follows the WHATWG table, where ISO-8859-1 means windows-1252;
            // `encode` below refuses characters outside Latin-1 for it.
            Charset::UsAscii | Charset::Latin1 | Charset::Windows1252 => encoding_rs::WINDOWS_1252,
            Charset::Utf8 => encoding_rs::UTF_8,
            Charset::Windows1251 => encoding_rs::WINDOWS_1251,
            Charset::Koi8R => encoding_rs::KOI8_R,
            Charset::Big5 => encoding_rs::BIG5,
            Charset::Gb2312 => encoding_rs::GBK,
            Charset::Iso2022Jp => encoding_rs::ISO_2022_JP,
            Charset::ShiftJis => encoding_rs::SHIFT_JIS,
            Charset::EucKr | Charset::KsC5601 => encoding_rs::EUC_KR,
            Charset::Latin2 => encoding_rs::ISO_8859_2,
        }
    }
}

/// Encodes `text` in `charset`, refusing any character the charset cannot represent.
pub fn encode_text(text: &str, charset: Charset) -> Result<Vec<u8>> {
    match charset {
        Charset::UsAscii => {
            if let Some(c) = text.chars().find(|c| !c.is_ascii()) {
                bail!(
                    "character {c:?} is not us-ascii in text starting {:?}",
                    head(text)
                );
            }
        }
        Charset::Latin1 => {
            if let Some(c) = text.chars().find(|&c| u32::from(c) > 0xFF) {
                bail!(
                    "character {c:?} is not iso-8859-1 in text starting {:?}",
                    head(text)
                );
            }
        }
        _ => {}
    }
    let (bytes, _, had_errors) = charset.encoding().encode(text);
    if had_errors {
        let bad: String = text
            .chars()
            .filter(|c| {
                let mut buf = [0u8; 4];
                charset.encoding().encode(c.encode_utf8(&mut buf)).2
            })
            .collect();
        bail!(
            "characters {bad:?} cannot be written in {} (text starting {:?})",
            charset.label(),
            head(text)
        );
    }
    Ok(bytes.into_owned())
}

fn head(text: &str) -> String {
    text.chars().take(40).collect()
}

/// Quoted-printable (RFC 2045 section 6.7) of `bytes`, whose line breaks are `\n`.
///
/// Lines are at most 76 characters, long lines get soft breaks (`=` at the end), `=` and
/// every byte outside printable ASCII become `=XX`, and whitespace before a line break
/// is escaped. Output line breaks are `\n`.
pub fn quoted_printable(bytes: &[u8]) -> Vec<u8> {
    const MAX: usize = 76;
    let mut out = Vec::with_capacity(bytes.len() * 11 / 10);
    let lines: Vec<&[u8]> = bytes.split(|&b| b == b'\n').collect();
    for (n, line) in lines.iter().enumerate() {
        let mut col = 0;
        for (i, &b) in line.iter().enumerate() {
            let last = i + 1 == line.len();
            let literal = match b {
                b'=' => false,
                b' ' | b'\t' => !last,
                33..=126 => true,
                _ => false,
            };
            let token: Vec<u8> = if literal {
                vec![b]
            } else {
                format!("={b:02X}").into_bytes()
            };
            // Keep room for the soft-break `=` unless this token ends the line.
            let room = if last { MAX } else { MAX - 1 };
            if col + token.len() > room {
                out.extend_from_slice(b"=\n");
                col = 0;
            }
            out.extend_from_slice(&token);
            col += token.len();
        }
        if n + 1 < lines.len() {
            out.push(b'\n');
        }
    }
    out
}

/// Base64 of `bytes` in lines of 76 characters, each ending in `\n`, as MIME bodies use.
pub fn base64_lines(bytes: &[u8]) -> Vec<u8> {
    let flat = STANDARD.encode(bytes);
    let mut out = Vec::with_capacity(flat.len() + flat.len() / 76 + 1);
    for chunk in flat.as_bytes().chunks(76) {
        out.extend_from_slice(chunk);
        out.push(b'\n');
    }
    out
}

/// Base64 of `bytes` on one line (for RFC 2047 words and the like).
pub fn base64_flat(bytes: &[u8]) -> String {
    STANDARD.encode(bytes)
}

/// An RFC 2047 header value: `text` as one or more `=?charset?B?...?=` words, folded.
///
/// Splits on character boundaries so each word decodes on its own (for ISO-2022-JP each
/// word returns to ASCII at its end).
pub fn rfc2047_b(text: &str, charset: Charset, label: &str) -> Result<String> {
    let mut words = Vec::new();
    let mut chunk = String::new();
    for c in text.chars() {
        let mut candidate = chunk.clone();
        candidate.push(c);
        let encoded_len = encode_text(&candidate, charset)?.len().div_ceil(3) * 4;
        if encoded_len + label.len() + 7 > 75 && !chunk.is_empty() {
            words.push(chunk);
            chunk = c.to_string();
        } else {
            chunk = candidate;
        }
    }
    if !chunk.is_empty() {
        words.push(chunk);
    }
    let mut out = Vec::new();
    for w in words {
        let bytes = encode_text(&w, charset)?;
        out.push(format!("=?{label}?B?{}?=", base64_flat(&bytes)));
    }
    Ok(out.join("\n\t"))
}

/// An RFC 2047 header value: `text` as `=?charset?Q?...?=` words, folded.
pub fn rfc2047_q(text: &str, charset: Charset, label: &str) -> Result<String> {
    let mut words = Vec::new();
    let mut current = String::new();
    for c in text.chars() {
        let mut buf = [0u8; 4];
        let bytes = encode_text(c.encode_utf8(&mut buf), charset)?;
        let mut piece = String::new();
        for b in bytes {
            match b {
                b' ' => piece.push('_'),
                b'=' | b'?' | b'_' => piece.push_str(&format!("={b:02X}")),
                33..=126 => piece.push(b as char),
                _ => piece.push_str(&format!("={b:02X}")),
            }
        }
        if current.len() + piece.len() + label.len() + 7 > 75 && !current.is_empty() {
            words.push(std::mem::take(&mut current));
        }
        current.push_str(&piece);
    }
    if !current.is_empty() {
        words.push(current);
    }
    Ok(words
        .iter()
        .map(|w| format!("=?{label}?Q?{w}?="))
        .collect::<Vec<_>>()
        .join("\n\t"))
}

/// Escapes `text` for HTML (`&`, `<`, `>` and `"`).
pub fn html_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A small, strict quoted-printable decoder, written separately from the encoder.
    fn qp_decode(data: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        let mut i = 0;
        while i < data.len() {
            match data[i] {
                b'=' if data.get(i + 1) == Some(&b'\n') => i += 2,
                b'=' => {
                    let hex = std::str::from_utf8(&data[i + 1..i + 3]).unwrap();
                    out.push(u8::from_str_radix(hex, 16).unwrap());
                    i += 3;
                }
                b => {
                    out.push(b);
                    i += 1;
                }
            }
        }
        out
    }

    #[test]
    fn qp_round_trips_and_keeps_lines_short() {
        let text = "Caf\u{e9} cr\u{e8}me = 2 \u{20ac}, and a line that goes on and on well past \
                    the seventy-six character limit of quoted-printable so it must be broken, \
                    twice over if need be, to stay legal.\nTrailing space here \nok\tTab\t\n";
        for cs in [Charset::Utf8, Charset::Windows1252] {
            let raw = encode_text(text, cs).unwrap();
            let qp = quoted_printable(&raw);
            assert_eq!(qp_decode(&qp), raw, "round trip in {}", cs.label());
            for line in qp.split(|&b| b == b'\n') {
                assert!(
                    line.len() <= 76,
                    "line too long: {}",
                    String::from_utf8_lossy(line)
                );
                assert!(line.iter().all(|&b| b == b'\t' || (32..127).contains(&b)));
                assert!(!line.ends_with(b" ") && !line.ends_with(b"\t"));
            }
            let s = String::from_utf8(qp).unwrap();
            assert!(s.contains("=3D"), "equals sign escaped");
            assert!(s.contains("=\n"), "soft line break present");
            assert!(s.contains("=20\n"), "trailing space escaped");
        }
    }

    #[test]
    fn qp_of_plain_short_text_is_unchanged() {
        assert_eq!(
            quoted_printable(b"Hello, world.\nBye."),
            b"Hello, world.\nBye."
        );
        assert_eq!(quoted_printable(b""), b"");
    }

    #[test]
    fn qp_escape_is_never_split_by_a_soft_break() {
        let raw = vec![0xE9u8; 200];
        let qp = quoted_printable(&raw);
        assert_eq!(qp_decode(&qp), raw);
        for line in qp.split(|&b| b == b'\n') {
            assert!(line.len() <= 76);
        }
    }

    #[test]
    fn base64_lines_wrap_at_76_and_round_trip() {
        let data: Vec<u8> = (0..=255u8).cycle().take(1000).collect();
        let b64 = base64_lines(&data);
        let text = String::from_utf8(b64).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert!(lines[..lines.len() - 1].iter().all(|l| l.len() == 76));
        assert!(text.ends_with('\n'));
        let joined: String = lines.concat();
        assert_eq!(STANDARD.decode(joined).unwrap(), data);
        assert_eq!(base64_lines(b""), b"");
    }

    #[test]
    fn charsets_encode_their_own_scripts_and_refuse_others() {
        assert_eq!(encode_text("\u{436}", Charset::Koi8R).unwrap(), vec![0xD6]);
        assert_eq!(
            encode_text("\u{436}", Charset::Windows1251).unwrap(),
            vec![0xE6]
        );
        assert_eq!(
            encode_text("\u{2019}", Charset::Windows1252).unwrap(),
            vec![0x92]
        );
        assert_eq!(encode_text("\u{e9}", Charset::Latin1).unwrap(), vec![0xE9]);
        assert!(encode_text("\u{2019}", Charset::Latin1).is_err());
        assert!(encode_text("\u{e9}", Charset::UsAscii).is_err());
        assert!(encode_text("\u{4e2d}", Charset::Koi8R).is_err());
        let jis = encode_text("\u{65e5}\u{672c}", Charset::Iso2022Jp).unwrap();
        assert!(jis.iter().all(|b| b.is_ascii()));
        assert!(jis.starts_with(b"\x1b$B") && jis.ends_with(b"\x1b(B"));
    }

    #[test]
    fn rfc2047_words_are_well_formed() {
        let b = rfc2047_b(
            "\u{41f}\u{440}\u{438}\u{432}\u{435}\u{442}",
            Charset::Koi8R,
            "koi8-r",
        )
        .unwrap();
        assert_eq!(b, "=?koi8-r?B?8NLJ18XU?=");
        let q = rfc2047_q("Caf\u{e9} ouvert?", Charset::Latin1, "iso-8859-1").unwrap();
        assert_eq!(q, "=?iso-8859-1?Q?Caf=E9_ouvert=3F?=");
        let long = "\u{4e2d}".repeat(60);
        let folded = rfc2047_b(&long, Charset::Gb2312, "gb2312").unwrap();
        assert!(folded.lines().count() > 1);
        assert!(folded.lines().all(|l| l.trim_start().len() <= 75));
    }

    #[test]
    fn html_escape_escapes() {
        assert_eq!(html_escape("a < b & \"c\""), "a &lt; b &amp; &quot;c&quot;");
    }
}
