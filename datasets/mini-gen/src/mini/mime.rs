//! MIME assembly: text and attachment parts, multiparts, and the damage done to them.

use crate::draw::{Draw, Rng};
use crate::encode;

use super::draft::Attachment;

/// How a part's body is transfer-encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cte {
    /// No Content-Transfer-Encoding header at all.
    Absent,
    SevenBit,
    EightBit,
    QuotedPrintable,
    Base64,
}

impl Cte {
    fn header(self) -> Option<&'static str> {
        match self {
            Cte::Absent => None,
            Cte::SevenBit => Some("7bit"),
            Cte::EightBit => Some("8bit"),
            Cte::QuotedPrintable => Some("quoted-printable"),
            Cte::Base64 => Some("base64"),
        }
    }
}

/// A MIME entity: its Content-* headers and its (already encoded) body.
#[derive(Debug, Clone, Default)]
pub struct Part {
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Part {
    fn header_bytes(&self) -> Vec<u8> {
        let mut out = Vec::new();
        for (name, value) in &self.headers {
            out.extend_from_slice(name.as_bytes());
            out.extend_from_slice(b": ");
            out.extend_from_slice(value.as_bytes());
            out.push(b'\n');
        }
        out
    }
}

/// Applies a transfer encoding to already charset-encoded bytes.
pub fn transfer_encode(bytes: &[u8], cte: Cte) -> Vec<u8> {
    match cte {
        Cte::QuotedPrintable => {
            let mut out = encode::quoted_printable(bytes);
            if !out.ends_with(b"\n") {
                out.push(b'\n');
            }
            out
        }
        Cte::Base64 => encode::base64_lines(bytes),
        _ => {
            let mut out = bytes.to_vec();
            if !out.ends_with(b"\n") {
                out.push(b'\n');
            }
            out
        }
    }
}

/// How the charset parameter is spelled: `charset="x"`, `charset=x`, `charset=X`.
pub fn charset_param(rng: &mut Rng, label: &str) -> String {
    match rng.below_biased(4) {
        0 => format!("charset={label}"),
        1 => format!("charset=\"{}\"", label.to_ascii_uppercase()),
        _ => format!("charset=\"{label}\""),
    }
}

/// A `text/<subtype>` part holding `bytes` (already in the charset named by `label`).
pub fn text_part(rng: &mut Rng, subtype: &str, bytes: &[u8], label: &str, cte: Cte) -> Part {
    let mut headers = vec![(
        "Content-Type".to_string(),
        format!("text/{subtype}; {}", charset_param(rng, label)),
    )];
    if let Some(h) = cte.header() {
        headers.push(("Content-Transfer-Encoding".to_string(), h.to_string()));
    }
    Part {
        headers,
        body: transfer_encode(bytes, cte),
    }
}

/// An attachment part: base64 for binary data, 7bit for text.
pub fn attachment_part(att: &Attachment) -> Part {
    let cte = if att.is_text {
        Cte::SevenBit
    } else {
        Cte::Base64
    };
    let ctype = if att.is_text {
        format!("{}; charset=us-ascii; name=\"{}\"", att.mime, att.name)
    } else {
        format!("{}; name=\"{}\"", att.mime, att.name)
    };
    Part {
        headers: vec![
            ("Content-Type".to_string(), ctype),
            (
                "Content-Transfer-Encoding".to_string(),
                cte.header().unwrap_or("7bit").to_string(),
            ),
            (
                "Content-Disposition".to_string(),
                format!("attachment; filename=\"{}\"", att.name),
            ),
        ],
        body: transfer_encode(&att.data, cte),
    }
}

/// A PGP signature part with random (invalid) signature data.
pub fn pgp_signature_part(rng: &mut Rng) -> Part {
    let sig = encode::base64_flat(&rng.bytes(63));
    let body = format!(
        "-----BEGIN PGP SIGNATURE-----\nVersion: GnuPG v1.0.{} (GNU/Linux)\n\n{}\n{}\n={}\n-----END PGP SIGNATURE-----\n",
        rng.range(6, 7),
        &sig[..64],
        &sig[64..],
        &encode::base64_flat(&rng.bytes(3))
    );
    Part {
        headers: vec![
            (
                "Content-Type".to_string(),
                "application/pgp-signature".to_string(),
            ),
            ("Content-Disposition".to_string(), "inline".to_string()),
        ],
        body: body.into_bytes(),
    }
}

/// What can go wrong with a multipart's boundaries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Boundaries {
    Correct,
    /// The closing `--boundary--` line is missing (a truncated message).
    MissingClose,
    /// The parts are delimited by a different boundary than the one declared.
    Phantom,
}

/// A `multipart/<subtype>` part made of `parts`.
pub fn multipart(
    rng: &mut Rng,
    subtype: &str,
    boundary: &str,
    extra_params: &str,
    parts: &[Part],
    preamble: bool,
    damage: Boundaries,
) -> Part {
    let used = match damage {
        Boundaries::Phantom => {
            // One character off, as when a tool rewrote the header but not the body.
            let mut chars: Vec<char> = boundary.chars().collect();
            let at = chars.len() / 2 + rng.below_biased(chars.len() / 2);
            chars[at] = if chars[at] == 'Q' { 'R' } else { 'Q' };
            chars.into_iter().collect()
        }
        _ => boundary.to_string(),
    };
    let mut body = Vec::new();
    if preamble {
        body.extend_from_slice(b"This is a multi-part message in MIME format.\n\n");
    }
    for part in parts {
        body.extend_from_slice(format!("--{used}\n").as_bytes());
        body.extend_from_slice(&part.header_bytes());
        body.push(b'\n');
        body.extend_from_slice(&part.body);
        // Some writers leave a blank line before each delimiter; most do not.
        if rng.percent(40) {
            body.push(b'\n');
        }
    }
    match damage {
        Boundaries::MissingClose => {
            // Cut the last part short as well, as a truncated transfer would.
            let keep =
                body.len() - rng.below_biased(parts.last().map_or(1, |p| p.body.len() / 3 + 1));
            body.truncate(keep);
        }
        _ => body.extend_from_slice(format!("--{used}--\n").as_bytes()),
    }
    if damage == Boundaries::Correct && rng.percent(20) {
        body.extend_from_slice(b"\n");
    }
    let ctype = format!("multipart/{subtype};{extra_params}\n\tboundary=\"{boundary}\"");
    Part {
        headers: vec![("Content-Type".to_string(), ctype)],
        body,
    }
}

/// Damages a base64 body: cuts it mid-quantum or slips in characters outside the alphabet.
pub fn break_base64(rng: &mut Rng, body: &mut Vec<u8>) {
    if rng.percent(50) || body.len() < 80 {
        // Truncate: drop 1-3 characters (plus the line break) so the length is no
        // longer a multiple of four.
        while body.last() == Some(&b'\n') {
            body.pop();
        }
        let drop = rng.range(1, 3) as usize;
        body.truncate(body.len().saturating_sub(drop));
        body.push(b'\n');
    } else {
        // Garbage: a few characters base64 does not use, in the middle of a line.
        let at = body.len() / 2;
        let at = at - body[..at].iter().rev().take_while(|&&b| b != b'\n').count() + 10;
        let junk = rng.pick(&[&b"!!"[..], b"*%", b"~", b"$#@"]).to_vec();
        body.splice(at..at, junk);
    }
}

/// Text as HTML the way a desktop mailer would render a plain message.
pub fn html_from_text(text: &str) -> String {
    let mut html = String::from(
        "<!DOCTYPE HTML PUBLIC \"-//W3C//DTD HTML 4.0 Transitional//EN\">\n<HTML><HEAD>\n<META http-equiv=Content-Type content=\"text/html\">\n</HEAD>\n<BODY bgColor=#ffffff>\n",
    );
    let mut in_quote = false;
    for line in text.lines() {
        let quoted = line.starts_with('>');
        if quoted && !in_quote {
            html.push_str("<BLOCKQUOTE style=\"PADDING-LEFT: 5px; MARGIN-LEFT: 5px; BORDER-LEFT: #000000 2px solid\">\n");
            in_quote = true;
        } else if !quoted && in_quote {
            html.push_str("</BLOCKQUOTE>\n");
            in_quote = false;
        }
        let content = line.trim_start_matches('>').trim_start();
        if content.is_empty() {
            html.push_str("<DIV>&nbsp;</DIV>\n");
        } else {
            html.push_str(&format!(
                "<DIV><FONT face=Arial size=2>{}</FONT></DIV>\n",
                encode::html_escape(content)
            ));
        }
    }
    if in_quote {
        html.push_str("</BLOCKQUOTE>\n");
    }
    html.push_str("</BODY></HTML>\n");
    html
}

/// Converts `\n` to `\r\n` in `bytes` from byte offset `from` onwards.
pub fn crlf_from(bytes: &[u8], from: usize) -> Vec<u8> {
    let mut out = bytes[..from].to_vec();
    for &b in &bytes[from..] {
        if b == b'\n' {
            out.push(b'\r');
        }
        out.push(b);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn multipart_layout_and_damage() {
        let mut rng = Rng::new(1);
        let a = text_part(&mut rng, "plain", b"hello", "us-ascii", Cte::SevenBit);
        let b = text_part(
            &mut rng,
            "html",
            b"<p>hello</p>",
            "us-ascii",
            Cte::QuotedPrintable,
        );
        let ok = multipart(
            &mut rng,
            "alternative",
            "XYZ",
            "",
            &[a.clone(), b.clone()],
            true,
            Boundaries::Correct,
        );
        let text = String::from_utf8(ok.body.clone()).unwrap();
        assert_eq!(text.matches("--XYZ\n").count(), 2);
        assert!(text.contains("--XYZ--\n"));
        let cut = multipart(
            &mut rng,
            "alternative",
            "XYZ",
            "",
            &[a.clone(), b.clone()],
            true,
            Boundaries::MissingClose,
        );
        assert!(!String::from_utf8_lossy(&cut.body).contains("--XYZ--"));
        let phantom = multipart(
            &mut rng,
            "alternative",
            "XYZ",
            "",
            &[a, b],
            false,
            Boundaries::Phantom,
        );
        assert!(!String::from_utf8_lossy(&phantom.body).contains("--XYZ"));
        assert!(phantom.headers[0].1.contains("boundary=\"XYZ\""));
    }

    #[test]
    fn broken_base64_no_longer_decodes() {
        use base64::Engine as _;
        for seed in 0..20 {
            let mut rng = Rng::new(seed);
            let data = rng.bytes(300);
            let mut body = encode::base64_lines(&data);
            break_base64(&mut rng, &mut body);
            let joined: Vec<u8> = body
                .iter()
                .copied()
                .filter(|b| !b.is_ascii_whitespace())
                .collect();
            assert!(
                base64::engine::general_purpose::STANDARD
                    .decode(joined)
                    .is_err()
            );
        }
    }

    #[test]
    fn crlf_conversion() {
        assert_eq!(crlf_from(b"a\nb\nc\n", 2), b"a\nb\r\nc\r\n");
    }
}
