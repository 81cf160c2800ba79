//! The models: both read hashed ids with weights, both end in one logit.
//!
//! Given (not part of the exercise). The fastText-style classifier (Joulin
//! et al., 2016) looks up a small vector for every id, averages them with
//! the weights, and maps the average to a logit: a linear model over learned
//! word vectors. The logistic regression is the same shape with vectors of
//! one number: a weighted sum of per-bucket weights plus a bias.

use burn::nn::{Embedding, EmbeddingConfig, Linear, LinearConfig};
use burn::prelude::*;

/// A batch: ids and weights padded to the longest example (padding has
/// weight 0), and the labels (1 spam, 0 ham).
#[derive(Debug, Clone)]
pub struct Batch<B: Backend> {
    /// `[batch, length]` bucket ids.
    pub ids: Tensor<B, 2, Int>,
    /// `[batch, length]` weights.
    pub weights: Tensor<B, 2>,
    /// `[batch]` labels.
    pub labels: Tensor<B, 1, Int>,
}

impl<B: Backend> Batch<B> {
    /// A batch from examples' ids, weights and labels.
    pub fn new(rows: &[(&[u32], &[f32], bool)], device: &B::Device) -> Self {
        let len = rows.iter().map(|r| r.0.len()).max().unwrap_or(0).max(1);
        let mut ids = vec![0i64; rows.len() * len];
        let mut weights = vec![0f32; rows.len() * len];
        for (r, (row_ids, row_weights, _)) in rows.iter().enumerate() {
            for (j, (&id, &w)) in row_ids.iter().zip(row_weights.iter()).enumerate() {
                ids[r * len + j] = i64::from(id);
                weights[r * len + j] = w;
            }
        }
        let labels: Vec<i64> = rows.iter().map(|r| i64::from(r.2)).collect();
        Batch {
            ids: Tensor::from_data(TensorData::new(ids, [rows.len(), len]), device),
            weights: Tensor::from_data(TensorData::new(weights, [rows.len(), len]), device),
            labels: Tensor::from_data(TensorData::new(labels, [rows.len()]), device),
        }
    }
}

/// A model that gives one logit per example of a batch.
pub trait Classifier<B: Backend> {
    /// `[batch]` logits: above 0 leans spam.
    fn logits(&self, batch: &Batch<B>) -> Tensor<B, 1>;
}

// ANCHOR: fasttext
/// The fastText-style classifier's settings, part of a run's `TrainConfig`.
#[derive(Config, Debug, PartialEq)]
pub struct FastTextConfig {
    /// Hash buckets (rows of the embedding table).
    #[config(default = 131072)]
    pub buckets: usize,
    /// Size of each bucket's vector.
    #[config(default = 16)]
    pub dim: usize,
    /// Tokens read from each message (the rest is ignored).
    #[config(default = 1000)]
    pub max_tokens: usize,
}
// ANCHOR_END: fasttext

impl FastTextConfig {
    /// A model with fresh weights on `device`.
    pub fn init<B: Backend>(&self, device: &B::Device) -> FastText<B> {
        FastText {
            embedding: EmbeddingConfig::new(self.buckets, self.dim).init(device),
            output: LinearConfig::new(self.dim, 1).init(device),
        }
    }
}

/// Token vectors, averaged, then a linear layer.
#[derive(Module, Debug)]
pub struct FastText<B: Backend> {
    embedding: Embedding<B>,
    output: Linear<B>,
}

impl<B: Backend> Classifier<B> for FastText<B> {
    fn logits(&self, batch: &Batch<B>) -> Tensor<B, 1> {
        let [rows, _] = batch.ids.dims();
        let vectors = self.embedding.forward(batch.ids.clone());
        let [_, _, dim] = vectors.dims();
        // The weighted mean as a batched matrix product, [b, 1, l] × [b, l, d]:
        // one fast kernel forward and backward, where multiplying by the
        // broadcast weights and summing walks the tensor element by element.
        let mean = batch.weights.clone().unsqueeze_dim::<3>(1).matmul(vectors);
        self.output
            .forward(mean.reshape([rows, dim]))
            .reshape([rows])
    }
}

/// The logistic regression's settings, part of a run's `TrainConfig`.
#[derive(Config, Debug, PartialEq)]
pub struct LogRegConfig {
    /// Hash buckets (one weight each).
    #[config(default = 131072)]
    pub buckets: usize,
}

impl LogRegConfig {
    /// A model with fresh weights on `device`.
    pub fn init<B: Backend>(&self, device: &B::Device) -> LogReg<B> {
        LogReg {
            weights: EmbeddingConfig::new(self.buckets, 1).init(device),
            bias: LinearConfig::new(1, 1).init(device),
        }
    }
}

/// One weight per bucket, summed with the features' weights, plus a bias.
#[derive(Module, Debug)]
pub struct LogReg<B: Backend> {
    weights: Embedding<B>,
    bias: Linear<B>,
}

impl<B: Backend> Classifier<B> for LogReg<B> {
    fn logits(&self, batch: &Batch<B>) -> Tensor<B, 1> {
        let [rows, _] = batch.ids.dims();
        let per_id = self.weights.forward(batch.ids.clone());
        let sum = batch.weights.clone().unsqueeze_dim::<3>(1).matmul(per_id);
        // The bias layer is 1 → 1: a scale learned with the sum, and a bias.
        self.bias.forward(sum.reshape([rows, 1])).reshape([rows])
    }
}
