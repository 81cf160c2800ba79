//! When this server should be sent traffic.
//!
//! Two questions, two routes. `/healthz` asks "is the process alive?"; a
//! supervisor restarts it when not. `/readyz` asks "should requests come
//! here now?"; a load balancer stops sending them when not, and nothing is
//! restarted. Readiness is about this instance's ability to answer well:
//! a model loaded that scores here as it did offline, a log that records
//! what it answers, and not being on the way out. Whether the model is
//! good enough is a different question, settled before it was promoted,
//! by the evaluation's gates.

use std::fmt;

/// What the server knows of itself.
#[derive(Debug, Clone, PartialEq)]
pub struct Health {
    /// The model loaded, if any.
    pub model: Option<LoadedModel>,
    /// Whether the server is stopping: finishing the requests in flight,
    /// taking no new ones.
    pub draining: bool,
    /// Whether the prediction log's writer is still running.
    pub log_writer_alive: bool,
}

/// A loaded model, as readiness sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct LoadedModel {
    /// Its registry id.
    pub id: String,
    /// Whether its evaluation passed every gate.
    pub gate_passed: bool,
    /// Whether it is the registry's champion.
    pub promoted: bool,
    /// How its canary came out.
    pub canary: Canary,
}

/// The canary: a message whose offline score the evaluation recorded,
/// scored again by the server when it loads the model.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Canary {
    /// The served score equals the offline one.
    Matched,
    /// They differ: the server does not compute what training did.
    Differs {
        /// The score the server computed.
        served: f64,
        /// The score the evaluation recorded.
        offline: f64,
    },
    /// The model was registered without a canary.
    Missing,
}

/// A reason not to send this server traffic.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Reason {
    /// It is stopping.
    Draining,
    /// It has no model.
    NoModel,
    /// Its canary scored differently here than offline.
    CanaryDiffers {
        /// The score served.
        served: f64,
        /// The score recorded offline.
        offline: f64,
    },
    /// Its prediction log's writer stopped.
    LogWriterStopped,
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Reason::Draining => write!(f, "draining: the server is stopping"),
            Reason::NoModel => write!(
                f,
                "no model is loaded: `ninety run evaluate` registers one, `ninety models promote ID` makes it the champion"
            ),
            Reason::CanaryDiffers { served, offline } => write!(
                f,
                "the canary message scores {served} here but scored {offline} offline: the served features differ from training's"
            ),
            Reason::LogWriterStopped => write!(
                f,
                "the prediction log's writer stopped: predictions would go unrecorded"
            ),
        }
    }
}

// ANCHOR: readiness
/// Every reason, in the order of [`Reason`]'s variants, not to send
/// traffic to a server in `health`; none means ready.
pub fn readiness(health: &Health) -> Vec<Reason> {
    // BEGIN SOLUTION: the conditions under which this instance would answer
    //   badly or not at all; not the model's quality, which its gates judged
    let mut reasons = Vec::new();
    if health.draining {
        reasons.push(Reason::Draining);
    }
    match &health.model {
        None => reasons.push(Reason::NoModel),
        Some(model) => {
            if let Canary::Differs { served, offline } = model.canary {
                reasons.push(Reason::CanaryDiffers { served, offline });
            }
        }
    }
    if !health.log_writer_alive {
        reasons.push(Reason::LogWriterStopped);
    }
    reasons
    // END SOLUTION
}
// ANCHOR_END: readiness
