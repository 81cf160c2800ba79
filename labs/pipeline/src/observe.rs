//! What the prediction log keeps of a message for monitoring: its shape
//! (length, format, charset, decoding trouble) and a sketch of its tokens,
//! computed the same way for served traffic and for the reference the
//! evaluation saves with a model, so the two can be compared.

use lab_train::features::{bucket, tokenize};
use ninety_kit::records::gather::{model_text_body, model_text_format};
use ninety_kit::records::serve::{SKETCH_BUCKETS, SKETCH_TOKENS};

/// A message's monitoring features.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Observed {
    /// The body's length in characters.
    pub body_chars: usize,
    /// The content type the model read (empty for a text not laid out by
    /// the kit's `model_text`).
    pub content_type: String,
    /// The charset the model read, when the message named one.
    pub charset: Option<String>,
    /// Whether the text holds U+FFFD (bytes that did not decode).
    pub decode_problem: bool,
    /// The hashed ids of the first distinct tokens, in reading order.
    pub tokens: Vec<u32>,
}

/// The monitoring features of a model text.
pub fn observe(text: &str) -> Observed {
    observe_sketched(text, sketch(text))
}

/// [`observe`] with the text's [`sketch`] already taken (the server takes
/// it from the tokens the model read).
pub fn observe_sketched(text: &str, tokens: Vec<u32>) -> Observed {
    let format = model_text_format(text);
    Observed {
        body_chars: model_text_body(text).chars().count(),
        content_type: format.map_or_else(String::new, |(t, _)| t.to_owned()),
        charset: format.and_then(|(_, c)| c.map(str::to_owned)),
        decode_problem: text.contains('\u{FFFD}'),
        tokens,
    }
}

/// The first [`SKETCH_TOKENS`] distinct tokens of `text` (the train lab's
/// tokenizer), each as its bucket among [`SKETCH_BUCKETS`].
///
/// A long message is not tokenized whole: the tokens of a prefix that ends
/// just before a character that is not a letter or digit are exactly the
/// text's first tokens (no word is cut, and `$` and `!` are tokens of one
/// character), so a prefix that already holds enough distinct tokens gives
/// the same sketch as the whole text. The prefix doubles until it does, or
/// is the whole text.
pub fn sketch(text: &str) -> Vec<u32> {
    let mut len = 1024;
    loop {
        let prefix = crate::model::cut_before_separator(text, len);
        if let Some(ids) = sketch_of(&tokenize(prefix), prefix.len() == text.len()) {
            return ids;
        }
        len *= 2;
    }
}

/// The sketch of a text from its first `tokens` (all of them when
/// `whole`), or none when they hold too few distinct tokens to settle it.
pub fn sketch_of(tokens: &[String], whole: bool) -> Option<Vec<u32>> {
    let mut ids = Vec::with_capacity(SKETCH_TOKENS);
    for token in tokens {
        let id = bucket(token, SKETCH_BUCKETS);
        if !ids.contains(&id) {
            ids.push(id);
            if ids.len() == SKETCH_TOKENS {
                return Some(ids);
            }
        }
    }
    whole.then_some(ids)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ninety_kit::records::gather::model_text;

    fn whole(text: &str) -> Vec<u32> {
        let mut ids = Vec::new();
        for token in tokenize(text) {
            let id = bucket(&token, SKETCH_BUCKETS);
            if !ids.contains(&id) && ids.len() < SKETCH_TOKENS {
                ids.push(id);
            }
        }
        ids
    }

    #[test]
    fn a_sketch_is_the_whole_texts_first_distinct_tokens_however_long_the_text() {
        let mut texts: Vec<String> = vec![
            String::new(),
            "FREE $$$ now!".into(),
            "ü".repeat(3000),
            "word ".repeat(5000),
            "a".repeat(10_000),
        ];
        // Long texts of many distinct words, with multi-byte letters and
        // separators near every cut point.
        for step in [1usize, 3, 7] {
            let mut t = String::new();
            for i in 0..4000 {
                t.push_str(&format!("wörd{}", i * step));
                t.push(if i % 5 == 0 { '$' } else { ' ' });
            }
            texts.push(t);
        }
        for text in &texts {
            assert_eq!(
                sketch(text),
                whole(text),
                "{:?}",
                &text[..text.len().min(40)]
            );
        }
    }

    #[test]
    fn observe_reads_the_model_texts_layout() {
        let text = model_text(
            Some("Hi"),
            None,
            "text/html",
            Some("koi8-r"),
            Some("b\u{FFFD}dy"),
        );
        let o = observe(&text);
        assert_eq!(o.body_chars, 4);
        assert_eq!(o.content_type, "text/html");
        assert_eq!(o.charset.as_deref(), Some("koi8-r"));
        assert!(o.decode_problem);
        assert_eq!(o.tokens, whole(&text));
        assert!(!observe(&model_text(None, None, "text/plain", None, Some("fine"))).decode_problem);
    }
}
