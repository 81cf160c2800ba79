//! Which body to keep, and HTML turned into text a person (and a model) can read.

use ninety_kit::mail::ParsedMail;
use serde::Serialize;

// ANCHOR: body
/// Where the kept body came from (a record, in the kit).
pub use ninety_kit::records::gather::BodySource;

/// The body a message is represented by in the dataset.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Body {
    /// The text (for HTML, already turned into text; not yet cleaned).
    pub text: String,
    /// Where it came from.
    pub source: BodySource,
    /// The part's declared charset, if any.
    pub charset: Option<String>,
    /// Whether the kit had trouble decoding the part.
    pub decode_problem: bool,
}
// ANCHOR_END: body

/// The body to keep: the first plain-text part with any non-blank text;
/// failing that, the first HTML part (turned into text with
/// [`html_to_text`]) whose text is not blank; failing that, `None`.
pub fn choose_body(mail: &ParsedMail) -> Option<Body> {
    // BEGIN SOLUTION: choose the body this message is represented
    //   by, plain text first and HTML as the fallback
    if let Some(part) = mail.plain_parts().find(|p| !p.text.trim().is_empty()) {
        return Some(Body {
            text: part.text.clone(),
            source: BodySource::Plain,
            charset: part.charset.clone(),
            decode_problem: part.decode_problem,
        });
    }
    mail.html_parts().find_map(|part| {
        let text = html_to_text(&part.text);
        (!text.trim().is_empty()).then(|| Body {
            text,
            source: BodySource::Html,
            charset: part.charset.clone(),
            decode_problem: part.decode_problem,
        })
    })
    // END SOLUTION
}

/// HTML as plain text: the contents of `<script>`, `<style>` and comments
/// dropped; `<br>`, `<p>`, `<div>`, `<tr>`, `<li>`, `<h1>`..`<h6>` and
/// `<table>` (opening or closing) become a line break; every other tag
/// vanishes; entities are decoded (`&nbsp;` as a space, `&amp;`, `&lt;`,
/// `&gt;`, `&quot;`, `&apos;`, `&#NN;`, `&#xHH;`; unknown ones are kept as
/// written); each line is trimmed and blank lines collapse to one.
pub fn html_to_text(html: &str) -> String {
    // BEGIN SOLUTION: turn the HTML into the plain text a person would read
    let lower = html.to_ascii_lowercase();
    let mut out = String::with_capacity(html.len() / 2);
    let mut i = 0;
    while let Some(rest) = lower.get(i..).filter(|rest| !rest.is_empty()) {
        if rest.starts_with("<!--") {
            i += rest.find("-->").map_or(rest.len(), |end| end + 3);
        } else if rest.starts_with("<script") || rest.starts_with("<style") {
            let close = if rest.starts_with("<script") {
                "</script"
            } else {
                "</style"
            };
            // Past the closing tag's `>`, or to the end when there is none.
            i += rest
                .find(close)
                .and_then(|end| rest[end..].find('>').map(|g| end + g + 1))
                .unwrap_or(rest.len());
        } else if rest.starts_with('<') {
            let end = rest.find('>').map_or(rest.len(), |g| g + 1);
            let name: String = rest[1..end]
                .trim_start_matches('/')
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric())
                .collect();
            if matches!(
                name.as_str(),
                "br" | "p"
                    | "div"
                    | "tr"
                    | "li"
                    | "table"
                    | "h1"
                    | "h2"
                    | "h3"
                    | "h4"
                    | "h5"
                    | "h6"
            ) {
                out.push('\n');
            }
            i += end;
        } else {
            let ch = html[i..].chars().next().unwrap_or(' ');
            out.push(ch);
            i += ch.len_utf8();
        }
    }
    let decoded = decode_entities(&out);
    let mut lines: Vec<&str> = Vec::new();
    for line in decoded.lines().map(str::trim) {
        if line.is_empty() && lines.last().is_none_or(|l| l.is_empty()) {
            continue;
        }
        lines.push(line);
    }
    while lines.last().is_some_and(|l| l.is_empty()) {
        lines.pop();
    }
    lines.join("\n")
    // END SOLUTION
}

/// Decodes HTML entities in `text`; unknown or malformed ones stay as written.
pub fn decode_entities(text: &str) -> String {
    // BEGIN SOLUTION: replace each HTML entity by its
    //   character, leaving unknown or malformed ones as written
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let after = &rest[amp + 1..];
        let decoded = after.find(';').filter(|&semi| semi <= 10).and_then(|semi| {
            let name = &after[..semi];
            let ch = match name {
                "nbsp" => Some(' '),
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                _ => {
                    let code = if let Some(hex) =
                        name.strip_prefix("#x").or_else(|| name.strip_prefix("#X"))
                    {
                        u32::from_str_radix(hex, 16).ok()
                    } else {
                        name.strip_prefix('#').and_then(|d| d.parse::<u32>().ok())
                    };
                    code.and_then(char::from_u32)
                }
            };
            ch.map(|c| (c, semi))
        });
        match decoded {
            Some((c, semi)) => {
                out.push(c);
                rest = &after[semi + 1..];
            }
            None => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
    // END SOLUTION
}
