//! Scorers: anything that says how likely a message is to be spam.
//!
//! Given (not part of the exercise). The queue's uncertainty order and the
//! label-error check take any [`Scorer`]. Until the train lab gives you a
//! model, [`KeywordScorer`] stands in: a handful of weighted cues added up and
//! squashed into (0, 1). It is a weak model on purpose; what matters here is
//! the interface.

/// A model's view of a message: the probability that it is spam.
pub trait Scorer {
    /// A number in `[0, 1]`: near 1 for surely spam, near 0 for surely ham,
    /// 0.5 for "no idea".
    fn score(&self, text: &str) -> f64;
}

/// Any function from text to a probability is a scorer.
impl<F: Fn(&str) -> f64> Scorer for F {
    fn score(&self, text: &str) -> f64 {
        self(text)
    }
}

/// Weighted cues, summed and passed through the logistic function.
#[derive(Debug, Clone)]
pub struct KeywordScorer {
    cues: Vec<(&'static str, f64)>,
    bias: f64,
}

impl Default for KeywordScorer {
    fn default() -> Self {
        // Cues read off the mini corpus's spam and ham by hand; positive
        // weights push towards spam, negative towards ham.
        let cues = vec![
            ("click here", 1.4),
            ("unsubscribe", 0.9),
            ("remove", 0.6),
            ("free", 0.8),
            ("guarantee", 0.9),
            ("limited time", 1.2),
            ("order now", 1.3),
            ("$", 0.5),
            ("!!!", 0.9),
            ("credit", 0.6),
            ("mortgage", 1.1),
            ("viagra", 1.6),
            ("winner", 1.0),
            ("100%", 0.8),
            ("wrote:", -1.6),
            ("re:", -0.8),
            ("patch", -1.0),
            ("thanks", -0.7),
            ("cvs", -1.2),
            ("list", -0.3),
        ];
        KeywordScorer { cues, bias: -0.6 }
    }
}

impl Scorer for KeywordScorer {
    fn score(&self, text: &str) -> f64 {
        let lower = text.to_lowercase();
        let z: f64 = self.bias
            + self
                .cues
                .iter()
                .filter(|(cue, _)| lower.contains(cue))
                .map(|(_, w)| w)
                .sum::<f64>();
        1.0 / (1.0 + (-z).exp())
    }
}
