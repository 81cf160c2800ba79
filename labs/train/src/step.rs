//! One training step: the heart of every training loop.
//!
//! Forward (the model's logits for a batch), loss (how wrong they are),
//! backward (how each weight moved the loss), update (the optimizer moves
//! each weight a little the other way). The loop in [`crate::fit`] calls
//! this once per batch.

use crate::model::{Batch, Classifier};
use burn::module::AutodiffModule;
use burn::nn::loss::BinaryCrossEntropyLossConfig;
use burn::optim::{GradientsParams, Optimizer};
use burn::prelude::*;
use burn::tensor::backend::AutodiffBackend;

/// Trains `model` on one `batch`: binary cross-entropy on the logits (with
/// the labels as targets), gradients by backpropagation, one optimizer step
/// at `learning_rate`. Returns the updated model and the batch's loss.
///
/// There is no device argument: the loss module is made on the device the
/// logits are on, `logits.device()`.
pub fn train_step<B, M, O>(
    model: M,
    optimizer: &mut O,
    batch: &Batch<B>,
    learning_rate: f64,
) -> (M, f32)
where
    B: AutodiffBackend,
    M: Classifier<B> + AutodiffModule<B>,
    O: Optimizer<M, B>,
{
    // BEGIN SOLUTION: train the model on the batch for one step
    //   and return the updated model with the batch's loss
    let logits = model.logits(batch);
    let loss = BinaryCrossEntropyLossConfig::new()
        .with_logits(true)
        .init(&logits.device())
        .forward(logits, batch.labels.clone());
    let value = loss.clone().into_scalar().elem::<f32>();
    let grads = GradientsParams::from_grads(loss.backward(), &model);
    (optimizer.step(learning_rate, model, grads), value)
    // END SOLUTION
}
