//! Normalisation: clean text for people, and a key for comparing bodies.
//!
//! The two are different on purpose. The clean text keeps case, words and
//! line breaks (a model may learn from them); the key throws away everything
//! that two copies of one message can differ in, and is only ever compared.

/// The text people read: `\r\n` and lone `\r` become `\n`, trailing spaces
/// and tabs leave every line, runs of blank lines become one blank line, and
/// the whole is trimmed.
pub fn clean(text: &str) -> String {
    // BEGIN SOLUTION: unify line endings, trim the end of each line, keep at most one blank line in a row, trim the result
    let unified = text.replace("\r\n", "\n").replace('\r', "\n");
    let mut out: Vec<&str> = Vec::new();
    for line in unified.lines().map(str::trim_end) {
        if line.is_empty() && out.last().is_some_and(|l| l.is_empty()) {
            continue;
        }
        out.push(line);
    }
    out.join("\n").trim().to_owned()
    // END SOLUTION
}

/// The key two bodies are compared by: lowercase, every run of whitespace
/// (spaces, tabs, line breaks) one space, trimmed.
pub fn dedup_key(text: &str) -> String {
    // BEGIN SOLUTION: lowercase, then split_whitespace and join with single spaces
    // One pass and one allocation: this runs on every body of the corpus.
    let mut key = String::with_capacity(text.len());
    for word in text.split_whitespace() {
        if !key.is_empty() {
            key.push(' ');
        }
        if word.is_ascii() {
            let start = key.len();
            key.push_str(word);
            key[start..].make_ascii_lowercase();
        } else {
            key.extend(word.chars().flat_map(char::to_lowercase));
        }
    }
    key
    // END SOLUTION
}
