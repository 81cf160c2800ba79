//! The training loop around your step: epochs, batches, validation, early
//! stopping, reproducibility.
//!
//! Given (not part of the exercise): the scaffolding every training loop
//! needs and nobody should rewrite for each model. Each epoch visits the
//! training examples in a fresh order drawn from the seeded generator, calls
//! [`crate::step::train_step`] once per batch, then measures the model on
//! the validation examples. The best model by validation loss is kept, and
//! training stops when it has not improved for `patience` epochs.

use crate::adam::{OnePassAdam, on_host};
use crate::model::{Batch, Classifier};
use burn::backend::Autodiff;
use burn::module::AutodiffModule;
use burn::nn::loss::BinaryCrossEntropyLossConfig;
use burn::optim::AdamConfig;
use burn::prelude::*;
use ninety_kit::metrics::Metrics;
pub use ninety_kit::records::train::EpochReport;
use ninety_kit::rng::Rng;
use std::time::Instant;

/// An example as the models read it.
#[derive(Debug, Clone, PartialEq)]
pub struct Encoded {
    /// Bucket ids.
    pub ids: Vec<u32>,
    /// Their weights.
    pub weights: Vec<f32>,
    /// Whether it is spam.
    pub spam: bool,
}

// ANCHOR: fitconfig
/// The loop's settings, part of every run's `TrainConfig`.
#[derive(Config, Debug, PartialEq)]
pub struct FitConfig {
    /// Passes over the training examples, at most.
    #[config(default = 12)]
    pub epochs: usize,
    /// Examples per step.
    #[config(default = 64)]
    pub batch_size: usize,
    /// Adam's step size.
    #[config(default = 0.02)]
    pub learning_rate: f64,
    /// Epochs without a better validation loss before stopping.
    #[config(default = 2)]
    pub patience: usize,
}
// ANCHOR_END: fitconfig

fn batch<B: Backend>(data: &[Encoded], order: &[usize], device: &B::Device) -> Batch<B> {
    let rows: Vec<(&[u32], &[f32], bool)> = order
        .iter()
        .map(|&i| {
            (
                data[i].ids.as_slice(),
                data[i].weights.as_slice(),
                data[i].spam,
            )
        })
        .collect();
    Batch::new(&rows, device)
}

/// Spam probabilities of `model` for `data`, in order, and the mean loss.
pub fn predict<B: Backend, M: Classifier<B>>(
    model: &M,
    data: &[Encoded],
    device: &B::Device,
) -> (Vec<f32>, f64) {
    let mut probabilities = Vec::with_capacity(data.len());
    let mut loss_sum = 0.0;
    let loss = BinaryCrossEntropyLossConfig::new()
        .with_logits(true)
        .init(device);
    let all: Vec<usize> = (0..data.len()).collect();
    for chunk in all.chunks(256) {
        let b = batch::<B>(data, chunk, device);
        let logits = model.logits(&b);
        let l = loss
            .forward(logits.clone(), b.labels.clone())
            .into_scalar()
            .elem::<f64>();
        loss_sum += l * chunk.len() as f64;
        let p = burn::tensor::activation::sigmoid(logits).into_data();
        probabilities.extend(p.iter::<f32>());
    }
    (probabilities, loss_sum / data.len().max(1) as f64)
}

/// Trains `model` on `train`, validating on `valid` after each epoch, with
/// the order of the examples drawn from `seed`; `on_epoch` hears each
/// epoch's report. Returns the best model (by
/// validation loss) without its autodiff wrapper, and every epoch's report.
///
/// The optimizer is Adam. On the CPU backends it is [`OnePassAdam`], which
/// gives burn's Adam's results in a fraction of the time; elsewhere it is
/// burn's own.
pub fn fit<B, M>(
    mut model: M,
    train: &[Encoded],
    valid: &[Encoded],
    config: &FitConfig,
    seed: u64,
    device: &B::Device,
    on_epoch: &mut dyn FnMut(&EpochReport),
) -> (M::InnerModule, Vec<EpochReport>)
where
    B: Backend,
    M: Classifier<Autodiff<B>> + AutodiffModule<Autodiff<B>>,
    M::InnerModule: Classifier<B>,
{
    // Two optimizer types: one variable of an enum holds either.
    enum Adam<A, O> {
        OnePass(A),
        Burn(O),
    }
    let mut optimizer = if on_host::<B>(device) {
        Adam::OnePass(OnePassAdam::init::<Autodiff<B>, M>())
    } else {
        Adam::Burn(AdamConfig::new().init::<Autodiff<B>, M>())
    };
    let mut rng = Rng::new(seed);
    let mut order: Vec<usize> = (0..train.len()).collect();
    let mut reports = Vec::new();
    let mut best: Option<(f64, M::InnerModule)> = None;
    let mut since_best = 0;
    for epoch in 1..=config.epochs.max(1) {
        let start = Instant::now();
        for i in (1..order.len()).rev() {
            order.swap(i, rng.below(i + 1));
        }
        let mut loss_sum = 0.0;
        let mut batches = 0;
        for chunk in order.chunks(config.batch_size.max(1)) {
            let b = batch::<Autodiff<B>>(train, chunk, device);
            let rate = config.learning_rate;
            let (next, loss) = match &mut optimizer {
                Adam::OnePass(o) => crate::step::train_step(model, o, &b, rate),
                Adam::Burn(o) => crate::step::train_step(model, o, &b, rate),
            };
            model = next;
            loss_sum += f64::from(loss);
            batches += 1;
        }
        let inner = model.valid();
        let (probabilities, valid_loss) = predict::<B, _>(&inner, valid, device);
        let valid_metrics = Metrics::from_decisions(
            probabilities
                .iter()
                .zip(valid)
                .map(|(&p, e)| (p >= 0.5, e.spam)),
        );
        let report = EpochReport {
            epoch,
            train_loss: loss_sum / f64::from(batches.max(1)),
            valid_loss,
            valid: valid_metrics,
            seconds: start.elapsed().as_secs_f64(),
        };
        on_epoch(&report);
        reports.push(report);
        let improved = best.as_ref().is_none_or(|(b, _)| valid_loss < b - 1e-4);
        if improved {
            best = Some((valid_loss, inner));
            since_best = 0;
        } else {
            since_best += 1;
            if since_best >= config.patience.max(1) {
                break;
            }
        }
    }
    let best = best.map_or_else(|| model.valid(), |(_, m)| m);
    (best, reports)
}
