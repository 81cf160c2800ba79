//! The screens, and the one place they are registered.
//!
//! Each screen is a file (or a folder) under `screens/` holding its state,
//! its messages, its `update`, its key table and its drawing, behind the
//! [`Screen`] trait. A screen is reached by a [`ScreenId`]; the screens a
//! lab opens with a key (its tools) are listed in [`TOOLS`].
//!
//! Adding a stage's screen: its file here, a [`ScreenId`] variant, its row
//! in [`TOOLS`], its field in `App` with one arm in each of `App::screen_of`
//! and `App::screen_mut`, and one `Message` variant routed to its `update`.

pub mod agreement;
pub mod explorer;
pub mod lab;
pub mod labeling;
pub mod map;
pub mod train;

use super::app::{Ctx, Effect, StageMsg};
use super::keys::KeyTable;
use crossterm::event::KeyEvent;
use ninety_kit::Stage;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

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
}

/// Every lab's tools.
pub const TOOLS: &[Tool] = &[
    Tool {
        stage: Stage::Gather,
        key: 'e',
        screen: ScreenId::Explorer,
        footer: "explore",
        help: "the data explorer: every message, raw beside clean, and the report",
    },
    Tool {
        stage: Stage::Label,
        key: 'l',
        screen: ScreenId::Labeling,
        footer: "label",
        help: "the labeling screen: one message at a time",
    },
    Tool {
        stage: Stage::Label,
        key: 'a',
        screen: ScreenId::Agreement,
        footer: "agree",
        help: "the agreement view: kappa, disagreements, probable errors",
    },
    Tool {
        stage: Stage::Train,
        key: 't',
        screen: ScreenId::Train,
        footer: "train",
        help: "the train view: live curves, the baselines, the runs",
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

/// The lab a tool screen belongs to.
pub fn owner(screen: ScreenId) -> Option<Stage> {
    match screen {
        ScreenId::Lab(stage) => Some(stage),
        other => TOOLS.iter().find(|t| t.screen == other).map(|t| t.stage),
    }
}

/// A screen of the workbench.
pub trait Screen {
    /// Which screen it is.
    fn id(&self) -> ScreenId;

    /// The breadcrumb after "Ninety › " in the header.
    fn title(&self, ctx: &Ctx) -> String;

    /// The right of the header (default: the corpus line).
    fn header_right(&self, ctx: &Ctx) -> String {
        ctx.corpus_line.clone()
    }

    /// The screen's keys: they drive the key handling, the help and the footer.
    fn keys(&self, ctx: &Ctx) -> KeyTable;

    /// While the screen takes typed text (a search, a note), every key goes
    /// here first: `Some(message)` when it took the key.
    fn text_input(&self, _key: &KeyEvent) -> Option<Option<super::app::Message>> {
        None
    }

    /// Where Back leads; `None` closes the workbench. A lab's tool leads
    /// back to its lab.
    fn parent(&self) -> Option<ScreenId> {
        owner(self.id()).map(ScreenId::Lab)
    }

    /// The book chapter about this screen: its lab's, for a tool.
    fn chapter(&self, _ctx: &Ctx) -> String {
        owner(self.id()).unwrap_or(Stage::Frame).chapter()
    }

    /// The screen was opened (coming from `from`): the loads and stages it needs.
    fn open(&mut self, _from: ScreenId, _ctx: &mut Ctx) -> Vec<Effect> {
        vec![]
    }

    /// The stage this screen started reports.
    fn on_stage(&mut self, _update: StageMsg, _ctx: &mut Ctx) -> Vec<Effect> {
        vec![]
    }

    /// Whether something it shows is moving (the spinner turns).
    fn busy(&self) -> bool {
        false
    }

    /// Draws it into `area`.
    fn render(&self, ctx: &Ctx, area: Rect, buf: &mut Buffer);
}

/// The build progress of a stage a screen is waiting for, in words.
pub fn building_line(p: &crate::pipeline::BuildProgress) -> String {
    if p.total == 0 {
        "Building the pipeline (cargo build -p ninety-pipeline)...".to_owned()
    } else {
        format!(
            "Building the pipeline: {}/{} crates{}",
            p.done,
            p.total,
            if p.compiling.is_empty() {
                String::new()
            } else {
                format!(" · {}", p.compiling)
            }
        )
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
