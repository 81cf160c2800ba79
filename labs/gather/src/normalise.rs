//! Normalisation: clean text for people, and a key for comparing bodies.
//!
//! The two are different on purpose. The clean text keeps case, words and
//! line breaks (a model may learn from them); the key throws away everything
//! that two copies of one message can differ in, and is only ever compared.

/// The text people read: `\r\n` and lone `\r` become `\n`, trailing spaces
/// and tabs leave every line, runs of blank lines become one blank line, and
/// the whole is trimmed.
pub fn clean(text: &str) -> String {
    // BEGIN SOLUTION: tidy the line endings, trailing spaces
    //   and blank lines of the text, and change nothing else
    // One pass and one allocation: this runs on every body of the corpus.
    // A line ends at `\n`, at `\r\n` or at a lone `\r`.
    let mut out = String::with_capacity(text.len());
    let mut blank_run = false;
    let mut rest = text;
    while !rest.is_empty() {
        let end = memchr::memchr2(b'\n', b'\r', rest.as_bytes()).unwrap_or(rest.len());
        let line = rest[..end].trim_end();
        rest = &rest[end..];
        if rest.starts_with("\r\n") {
            rest = &rest[2..];
        } else if !rest.is_empty() {
            rest = &rest[1..];
        }
        if line.is_empty() {
            if !out.is_empty() {
                blank_run = true;
            }
            continue;
        }
        if !out.is_empty() {
            out.push_str(if blank_run { "\n\n" } else { "\n" });
        }
        blank_run = false;
        out.push_str(line);
    }
    // The first line may begin with spaces: the whole is trimmed.
    match out.len() - out.trim_start().len() {
        0 => out,
        lead => out[lead..].to_owned(),
    }
    // END SOLUTION
}

/// The key two bodies are compared by: lowercase, every run of whitespace
/// (spaces, tabs, line breaks) one space, trimmed.
pub fn dedup_key(text: &str) -> String {
    // BEGIN SOLUTION: make the key two bodies are compared
    //   by, blind to case and to how whitespace is spread
    // This runs on every body of the corpus, so it is written for speed: one
    // pass, and no branch per byte over runs of ASCII (most of the text).
    // There every byte is written, whitespace as a space, and the write
    // position moves on unless the byte is a space after a space.
    fn push_ascii(run: &[u8], out: &mut Vec<u8>, after_space: &mut bool) {
        // Each ASCII byte's image: whitespace (the ASCII characters that
        // `char::is_whitespace` accepts) a space, letters lowercase. A table
        // lookup instead of comparisons keeps the loop free of branches.
        const IMAGE: [u8; 128] = {
            let mut table = [0; 128];
            let mut b = 0;
            while b < 128 {
                table[b] = match b as u8 {
                    b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c => b' ',
                    other => other.to_ascii_lowercase(),
                };
                b += 1;
            }
            table
        };
        let mut len = out.len();
        out.resize(len + run.len(), 0);
        let mut after = *after_space;
        for &b in run {
            let image = IMAGE[usize::from(b & 0x7f)];
            let space = image == b' ';
            out[len] = image;
            len += usize::from(!(space && after));
            after = space;
        }
        *after_space = after;
        out.truncate(len);
    }
    let mut out = Vec::with_capacity(text.len());
    // Leading whitespace counts as following a space, so none stays.
    let mut after_space = true;
    let mut rest = text;
    while !rest.is_empty() {
        let ascii = rest
            .bytes()
            .position(|b| !b.is_ascii())
            .unwrap_or(rest.len());
        push_ascii(&rest.as_bytes()[..ascii], &mut out, &mut after_space);
        let mut chars = rest[ascii..].chars();
        if let Some(c) = chars.next() {
            if c.is_whitespace() {
                if !after_space {
                    out.push(b' ');
                }
                after_space = true;
            } else {
                for lower in c.to_lowercase() {
                    out.extend_from_slice(lower.encode_utf8(&mut [0; 4]).as_bytes());
                }
                after_space = false;
            }
        }
        rest = chars.as_str();
    }
    // A space at the end can only be whitespace that ended the text.
    if out.last() == Some(&b' ') {
        out.pop();
    }
    // Whole characters went in, so this cannot fail.
    String::from_utf8(out).unwrap_or_default()
    // END SOLUTION
}
