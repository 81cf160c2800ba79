//! What the stages write and the workbench and the command line read.
//!
//! Every summary a stage reports, every run record and every line of the
//! gather output is one of these types: the pipeline serialises it, the
//! workbench and `ninety run`/`ninety runs` deserialise the same type. So a
//! field renamed on one side fails to compile on the other instead of
//! showing an empty column, and no reader walks untyped JSON by string keys.
//!
//! - [`frame`]: the frame stage's verdict on the keyword baseline;
//! - [`gather`]: each gathered message, the quality report, the summary;
//! - [`label`]: the labeling queue and the label statistics;
//! - [`train`]: tracked runs, their epochs, sweeps;
//! - [`evaluate`]: a run's evaluation: threshold, intervals, gates.
//!
//! [`Summary`] is any stage's summary, tagged by `stage` on the wire: it is
//! what `ninety run STAGE --json` prints.

pub mod evaluate;
pub mod frame;
pub mod gather;
pub mod label;
pub mod monitor;
pub mod serve;
pub mod train;

use serde::{Deserialize, Serialize};

/// A stage's summary: the object `ninety run STAGE --json` prints.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "stage", rename_all = "kebab-case")]
#[allow(clippy::large_enum_variant)]
pub enum Summary {
    /// `frame`: the keyword baseline judged by the learner's spec.
    Frame(frame::FrameSummary),
    /// `gather`: the quality report of the clean dataset.
    Gather(gather::GatherSummary),
    /// `label-queue`: one annotator's queue.
    LabelQueue(label::QueueSummary),
    /// `label`: what the labels add up to.
    Label(label::LabelStats),
    /// `train`: one tracked run.
    Train(train::TrainRun),
    /// `train --sweep`: the runs of a sweep, best first.
    Sweep(train::SweepSummary),
    /// `evaluate`: a run judged by the spec, with its gates.
    Evaluate(evaluate::Evaluation),
    /// `serve`: what the server did before it stopped.
    Serve(serve::ServeSummary),
    /// `monitor`: windows, drift, health, performance and alerts.
    Monitor(Box<monitor::MonitorReport>),
}

impl Summary {
    /// Its tag: the stage (or `label-queue`, `sweep`) that wrote it.
    pub fn name(&self) -> &'static str {
        match self {
            Summary::Frame(_) => "frame",
            Summary::Gather(_) => "gather",
            Summary::LabelQueue(_) => "label-queue",
            Summary::Label(_) => "label",
            Summary::Train(_) => "train",
            Summary::Sweep(_) => "sweep",
            Summary::Evaluate(_) => "evaluate",
            Summary::Serve(_) => "serve",
            Summary::Monitor(_) => "monitor",
        }
    }
}
