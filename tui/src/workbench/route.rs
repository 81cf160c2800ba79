//! Which screens there are and how they are reached: the [`ScreenId`]s,
//! and the screens each lab opens with a key ([`TOOLS`]).

use ninety_kit::Stage;

/// Which screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ScreenId {
    /// Every stage in order, with status and points.
    Map,
    /// A lab: instructions, checks, hints, output.
    Lab(Stage),
    /// The gather stage's output, message by message.
    Explorer,
    /// Labeling, one message at a time.
    Labeling,
    /// How the labels agree.
    Agreement,
    /// Training runs, drawn live.
    Train,
    /// A run judged by the spec: the test curve, a threshold, the gates.
    Evaluate,
    /// The server: start, watch, load-test and stop it; promote and roll back.
    Deploy,
    /// The served traffic, live: drift against the reference, performance
    /// as feedback arrives, input health and alerts.
    Monitor,
}

/// A screen a lab opens with a key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tool {
    /// The lab.
    pub stage: Stage,
    /// The key on the lab's screen.
    pub key: char,
    /// The screen it opens.
    pub screen: ScreenId,
    /// Its word in the lab's footer.
    pub footer: &'static str,
    /// What it is, for the help.
    pub help: &'static str,
    /// Whether the course map opens it while its lab is not written (a
    /// view that runs none of the lab's code of its own).
    pub without_lab: bool,
}

/// Every lab's tools.
pub const TOOLS: &[Tool] = &[
    Tool {
        stage: Stage::Gather,
        key: 'e',
        screen: ScreenId::Explorer,
        footer: "explore",
        help: "the data explorer: every message, raw beside clean, and the report",
        without_lab: false,
    },
    Tool {
        stage: Stage::Label,
        key: 'l',
        screen: ScreenId::Labeling,
        footer: "label",
        help: "the labeling screen: one message at a time",
        without_lab: false,
    },
    Tool {
        stage: Stage::Label,
        key: 'a',
        screen: ScreenId::Agreement,
        footer: "agree",
        help: "the agreement view: kappa, disagreements, probable errors",
        without_lab: false,
    },
    Tool {
        stage: Stage::Train,
        key: 't',
        screen: ScreenId::Train,
        footer: "train",
        help: "the train view: live curves, the baselines, the runs",
        without_lab: false,
    },
    Tool {
        stage: Stage::Evaluate,
        key: 'v',
        screen: ScreenId::Evaluate,
        footer: "view",
        help: "the evaluate view: the test curve, a threshold to move, the gates",
        without_lab: false,
    },
    Tool {
        stage: Stage::Deploy,
        key: 'v',
        screen: ScreenId::Deploy,
        footer: "view",
        help: "the deploy view: serve the champion, watch it, load-test it, promote and roll back",
        without_lab: true,
    },
    Tool {
        stage: Stage::Monitor,
        key: 'v',
        screen: ScreenId::Monitor,
        footer: "view",
        help: "the monitor view: the served traffic live, drift against the reference, feedback, alerts",
        without_lab: false,
    },
];

/// The tools of the lab of `stage`.
pub fn tools_of(stage: Stage) -> impl Iterator<Item = &'static Tool> {
    TOOLS.iter().filter(move |t| t.stage == stage)
}

/// The screen `key` opens on the lab of `stage`, if any.
pub fn tool_for_key(stage: Stage, key: char) -> Option<ScreenId> {
    tools_of(stage).find(|t| t.key == key).map(|t| t.screen)
}

/// The screen the course map opens for `stage` while its lab is not
/// written, if it has one.
pub fn tool_without_lab(stage: Stage) -> Option<&'static Tool> {
    tools_of(stage).find(|t| t.without_lab)
}

/// The lab a tool screen belongs to.
pub fn owner(screen: ScreenId) -> Option<Stage> {
    match screen {
        ScreenId::Lab(stage) => Some(stage),
        other => TOOLS.iter().find(|t| t.screen == other).map(|t| t.stage),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_tool_key_is_unique_within_its_lab_and_leads_back_to_it() {
        for stage in Stage::ALL {
            let keys: Vec<char> = tools_of(*stage).map(|t| t.key).collect();
            let mut unique = keys.clone();
            unique.sort_unstable();
            unique.dedup();
            assert_eq!(keys.len(), unique.len(), "{stage}: {keys:?}");
            for t in tools_of(*stage) {
                assert_eq!(owner(t.screen), Some(*stage));
                assert_eq!(tool_for_key(*stage, t.key), Some(t.screen));
            }
        }
        assert_eq!(tool_for_key(Stage::Frame, 'e'), None);
    }
}
