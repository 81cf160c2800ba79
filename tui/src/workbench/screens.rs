//! The screens.
//!
//! Each screen is a file (or a folder) under `screens/` holding its state,
//! its messages, its `update`, its key table and its drawing, behind the
//! [`Screen`] trait. Screens know the context they share ([`Ctx`]) and the
//! effects they may ask for, never the app that holds them: the app wraps
//! each screen's own messages (its `Msg`) into its [`Message`] and routes
//! them back, so the modules form layers without a cycle (route, ctx and
//! keys; then the screens; then the app).
//!
//! Adding a stage's screen: its file here; a [`ScreenId`] variant and its
//! row in [`TOOLS`] (`route.rs`); in `app.rs`, its field in `App`, its
//! variant in `Message` and its line in the `with_screen!` table.
//!
//! [`Message`]: super::app::Message

pub mod agreement;
pub mod cohort;
pub mod deploy;
pub mod evaluate;
pub mod explorer;
pub mod lab;
pub mod labeling;
pub mod map;
pub mod monitor;
pub mod train;

use super::ctx::{Ctx, Effect, StageMsg};
use super::keys::KeyTable;
pub use super::route::{ScreenId, TOOLS, Tool, owner, tool_for_key, tool_without_lab, tools_of};
use crossterm::event::KeyEvent;
use ninety_kit::Stage;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

/// A screen of the workbench.
pub trait Screen {
    /// The screen's own messages.
    type Msg: Clone;

    /// Which screen it is.
    fn id(&self) -> ScreenId;

    /// The breadcrumb after "Ninety › " in the header.
    fn title(&self, ctx: &Ctx) -> String;

    /// The right of the header (default: the corpus line).
    fn header_right(&self, ctx: &Ctx) -> String {
        ctx.corpus_line.clone()
    }

    /// The screen's keys: they drive the key handling, the help and the footer.
    fn keys(&self, ctx: &Ctx) -> KeyTable<Self::Msg>;

    /// While the screen takes typed text (a search, a note), every key goes
    /// here first: `Some(message)` when it took the key.
    fn text_input(&self, _key: &KeyEvent) -> Option<Option<Self::Msg>> {
        None
    }

    /// Applies one of its messages.
    fn update(&mut self, msg: Self::Msg, ctx: &mut Ctx) -> Vec<Effect<Self::Msg>>;

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
    fn open(&mut self, _from: ScreenId, _ctx: &mut Ctx) -> Vec<Effect<Self::Msg>> {
        vec![]
    }

    /// Another screen was opened in its place: what it started has ended
    /// with it (the runtime ends the stages and children of a screen not
    /// shown); this lets it stop waiting for anything more.
    fn close(&mut self, _ctx: &mut Ctx) {}

    /// The stage this screen started reports.
    fn on_stage(&mut self, _update: StageMsg, _ctx: &mut Ctx) -> Vec<Effect<Self::Msg>> {
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
