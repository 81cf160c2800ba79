//! Many messages in one request.
//!
//! A mail server with a queue sends its messages in batches to save round
//! trips. A batch is one answer: every message is checked before any is
//! scored (so a bad message costs nothing), one model answers them all
//! (even when a swap happens half-way), and the answers come in the order
//! of the messages.

use crate::request::{RequestError, from_json};
use crate::swap::Slot;
use crate::validate::Limits;
use ninety_kit::records::serve::PredictRequest;
use std::sync::Arc;

/// Why a batch was refused as a whole.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BatchError {
    /// No messages.
    #[error("`messages` is empty: a batch needs at least one message")]
    Empty,
    /// More messages than a batch may hold.
    #[error("`messages` holds {count} messages; a batch takes at most {max}")]
    TooMany {
        /// How many were sent.
        count: usize,
        /// The most allowed.
        max: usize,
    },
    /// A message with no text for the model.
    #[error("messages[{index}]: {error}")]
    Message {
        /// Its position in the batch, from 0.
        index: usize,
        /// Why.
        error: RequestError,
    },
    /// No model is loaded.
    #[error("no model is loaded")]
    NoModel,
}

// ANCHOR: score_batch
/// Scores `messages` with the slot's current model, at most `max` of them.
///
/// Refuses, in this order: an empty batch; one of more than `max`
/// messages; the first message (by position) that [`from_json`] refuses;
/// a slot with no model. Nothing is scored unless the whole batch is
/// acceptable. Then every message's text is scored by `score`, in order,
/// all by the one model, which is returned with the answers.
pub fn score_batch<T, P>(
    slot: &Slot<T>,
    messages: &[PredictRequest],
    max: usize,
    limits: &Limits,
    score: impl Fn(&T, &str) -> P,
) -> Result<(Arc<T>, Vec<P>), BatchError> {
    // BEGIN SOLUTION: the size, every message's text, then one model
    //   for all of them
    if messages.is_empty() {
        return Err(BatchError::Empty);
    }
    if messages.len() > max {
        return Err(BatchError::TooMany {
            count: messages.len(),
            max,
        });
    }
    let texts = messages
        .iter()
        .enumerate()
        .map(|(index, m)| {
            from_json(m, limits).map_err(|error| BatchError::Message { index, error })
        })
        .collect::<Result<Vec<_>, _>>()?;
    let model = slot.load().ok_or(BatchError::NoModel)?;
    let answers = texts.iter().map(|t| score(&model, t)).collect();
    Ok((model, answers))
    // END SOLUTION
}
// ANCHOR_END: score_batch
