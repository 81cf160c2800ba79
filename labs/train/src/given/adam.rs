//! Adam in one pass over each parameter, for the CPU backends.
//!
//! Given (not part of the exercise). burn's Adam writes each step as a chain
//! of tensor operations: scale the first moment, add the scaled gradient,
//! square the gradient, and so on. On a CPU backend without fusion, each
//! link in that chain is a separate pass over the whole parameter, and some
//! of them allocate. For the fastText-style model, whose embedding table
//! holds two million weights and gets a dense gradient every step, those
//! passes were most of the training time (`bench/README.md` has the
//! profile). This optimizer does the same arithmetic, in the same order and
//! precision, in a single loop: its results match burn's Adam bit for bit
//! (a test below checks it), only sooner.
//!
//! It reads and writes the tensors through host memory, which costs nothing
//! on flex and little on ndarray. On a GPU that would mean copying every parameter to
//! the host and back at every step, so [`crate::fit::fit`] uses it only for
//! the CPU backends and burn's Adam elsewhere.

use burn::module::AutodiffModule;
use burn::optim::SimpleOptimizer;
use burn::optim::adaptor::OptimizerAdaptor;
use burn::optim::{AdamState, AdaptiveMomentumState, LearningRate};
use burn::prelude::*;
use burn::tensor::TensorData;
use burn::tensor::backend::AutodiffBackend;

/// Adam with burn's defaults (β₁ 0.9, β₂ 0.999, ε 1e-5), no weight decay.
#[derive(Clone, Debug)]
pub struct OnePassAdam {
    beta_1: f32,
    beta_2: f32,
    epsilon: f32,
}

impl Default for OnePassAdam {
    fn default() -> Self {
        Self {
            beta_1: 0.9,
            beta_2: 0.999,
            epsilon: 1e-5,
        }
    }
}

/// Whether backend `B` keeps its tensors in host memory, where
/// [`OnePassAdam`] reads them without a copy. Backends name themselves; the
/// CPU ones this project builds with are flex and ndarray.
pub fn on_host<B: Backend>(device: &B::Device) -> bool {
    matches!(B::name(device).as_str(), "flex" | "ndarray")
}

impl OnePassAdam {
    /// The optimizer for a module, as burn's `AdamConfig::init` gives one.
    pub fn init<B: AutodiffBackend, M: AutodiffModule<B>>() -> OptimizerAdaptor<Self, M, B> {
        OptimizerAdaptor::from(Self::default())
    }
}

fn host<B: Backend, const D: usize>(tensor: Tensor<B, D>) -> Vec<f32> {
    tensor
        .into_data()
        .convert::<f32>()
        .into_vec::<f32>()
        .expect("a float tensor converted to f32 reads as f32")
}

impl<B: Backend> SimpleOptimizer<B> for OnePassAdam {
    type State<const D: usize> = AdamState<B, D>;

    fn step<const D: usize>(
        &self,
        lr: LearningRate,
        tensor: Tensor<B, D>,
        grad: Tensor<B, D>,
        state: Option<Self::State<D>>,
    ) -> (Tensor<B, D>, Option<Self::State<D>>) {
        let device = tensor.device();
        let shape = tensor.shape();
        let mut weights = host(tensor);
        let grad = host(grad);
        let (b1, b2) = (self.beta_1, self.beta_2);
        let (f1, f2) = (1.0 - b1, 1.0 - b2);
        let (time, mut m1, mut m2) = match state {
            Some(state) => {
                let m = state.momentum;
                (m.time + 1, host(m.moment_1), host(m.moment_2))
            }
            // The first step has no moments to decay: they start as the
            // scaled gradient and its scaled square, as in burn's Adam.
            None => (
                1,
                grad.iter().map(|&g| g * f1).collect(),
                grad.iter().map(|&g| (g * g) * f2).collect(),
            ),
        };
        let first = time == 1;
        let t = i32::try_from(time).unwrap_or(i32::MAX);
        let correction_2 = (1.0 - b2.powi(t)).sqrt();
        let factor = correction_2 / (1.0 - b1.powi(t));
        let epsilon = self.epsilon * correction_2;
        #[allow(clippy::cast_possible_truncation)]
        let lr = lr as f32;
        // One pass: each weight's moments and the weight itself, together.
        let cells = weights.iter_mut().zip(m1.iter_mut()).zip(m2.iter_mut());
        for (((w, m), v), &g) in cells.zip(&grad) {
            if !first {
                *m = *m * b1 + g * f1;
                *v = *v * b2 + (g * g) * f2;
            }
            *w -= ((*m * factor) / (v.sqrt() + epsilon)) * lr;
        }
        let back =
            |values: Vec<f32>| Tensor::from_data(TensorData::new(values, shape.clone()), &device);
        let state = AdamState {
            momentum: AdaptiveMomentumState {
                time,
                moment_1: back(m1),
                moment_2: back(m2),
                max_moment_2: None,
            },
        };
        (back(weights), Some(state))
    }

    fn to_device<const D: usize>(mut state: Self::State<D>, device: &B::Device) -> Self::State<D> {
        state.momentum.moment_1 = state.momentum.moment_1.to_device(device);
        state.momentum.moment_2 = state.momentum.moment_2.to_device(device);
        state
    }
}

#[cfg(all(test, feature = "flex"))]
mod tests {
    use super::*;
    use crate::model::{Batch, Classifier, FastText, FastTextConfig};
    use burn::backend::{Autodiff, Flex};
    use burn::module::{Module, ModuleVisitor, Param};
    use burn::nn::loss::BinaryCrossEntropyLossConfig;
    use burn::optim::{AdamConfig, GradientsParams, Optimizer};
    use ninety_kit::rng::Rng;

    type Train = Autodiff<Flex>;

    /// Every float weight of a module, as bits.
    struct Bits(Vec<u32>);

    impl<B: Backend> ModuleVisitor<B> for Bits {
        fn visit_float<const D: usize>(&mut self, param: &Param<Tensor<B, D>>) {
            let data = param.val().into_data();
            self.0.extend(data.iter::<f32>().map(f32::to_bits));
        }
    }

    fn bits(model: &FastText<Train>) -> Vec<u32> {
        let mut bits = Bits(Vec::new());
        model.visit(&mut bits);
        bits.0
    }

    fn train<O: Optimizer<FastText<Train>, Train>>(
        mut model: FastText<Train>,
        mut optimizer: O,
        batches: &[Batch<Train>],
    ) -> FastText<Train> {
        let device = Default::default();
        let loss = BinaryCrossEntropyLossConfig::new()
            .with_logits(true)
            .init(&device);
        for batch in batches {
            let l = loss.forward(model.logits(batch), batch.labels.clone());
            let grads = GradientsParams::from_grads(l.backward(), &model);
            model = optimizer.step(0.02, model, grads);
        }
        model
    }

    #[test]
    fn gives_burns_adam_results_bit_for_bit() {
        let device = Default::default();
        <Train as Backend>::seed(&device, 5);
        let start = FastTextConfig::new()
            .with_buckets(64)
            .with_dim(4)
            .init::<Train>(&device);
        // Batches of uneven rows over a few of the 64 buckets, so that most
        // rows of the table get a zero gradient at most steps, and padding
        // appears: the cases where a shortcut would show.
        let mut rng = Rng::new(11);
        let batches: Vec<Batch<Train>> = (0..12)
            .map(|_| {
                let rows: Vec<(Vec<u32>, Vec<f32>, bool)> = (0..5)
                    .map(|_| {
                        let n = 1 + rng.below(6);
                        let ids = (0..n).map(|_| rng.below(20) as u32).collect();
                        (ids, vec![1.0 / n as f32; n], rng.below(2) == 1)
                    })
                    .collect();
                let rows: Vec<(&[u32], &[f32], bool)> = rows
                    .iter()
                    .map(|(i, w, s)| (i.as_slice(), w.as_slice(), *s))
                    .collect();
                Batch::new(&rows, &device)
            })
            .collect();
        // burn draws a parameter's initial values when it is first read, and
        // each clone of an unread parameter draws its own: read them first.
        let initial = bits(&start);
        let ours = train(start.clone(), OnePassAdam::init(), &batches);
        let burns = train(start, AdamConfig::new().init(), &batches);
        assert_ne!(bits(&ours), initial, "training moved no weight");
        assert_eq!(bits(&ours), bits(&burns));
    }

    #[test]
    fn flex_keeps_its_tensors_on_the_host() {
        assert!(on_host::<Flex>(&Default::default()));
    }
}
