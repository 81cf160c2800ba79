//! Keys: the pure mapping from a key press to a [`Message`], and the key
//! help, both as data so the help overlay and the footer never disagree
//! with what the keys do.

use crate::app::{App, Message, Overlay, Screen};
use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

/// One row of key help: the keys, and what they do.
#[derive(Debug, Clone, Copy)]
pub struct Binding {
    /// The keys as shown to the learner.
    pub keys: &'static str,
    /// What they do.
    pub action: &'static str,
}

const fn b(keys: &'static str, action: &'static str) -> Binding {
    Binding { keys, action }
}

/// Keys on the course map.
pub const MAP_KEYS: &[Binding] = &[
    b("↑ ↓ / k j", "choose a stage"),
    b("Enter / → / l", "open the lab"),
    b("g", "grade the selected lab"),
    b("b", "open the stage's chapter in a browser"),
    b("?", "show or hide this help"),
    b("q / Esc / Ctrl-C", "quit (progress is saved)"),
];

/// Keys in a lab.
pub const LAB_KEYS: &[Binding] = &[
    b("g", "grade now (cargo test -p lab-<name>)"),
    b("w", "watch: grade again whenever a lab file is saved"),
    b("h", "show or hide the hint of the selected check"),
    b("Tab", "move focus: checks → output → instructions"),
    b("↑ ↓ / k j", "select a check, or scroll the focused pane"),
    b("PgUp PgDn", "scroll a page"),
    b("b", "open the lab's chapter in a browser"),
    b("r", "reset the lab to its starter (asks first)"),
    b("e", "gather lab: open the data explorer"),
    b("Esc / ← / q", "back to the course map"),
    b("?", "show or hide this help"),
];

/// Keys in the data explorer.
pub const EXPLORER_KEYS: &[Binding] = &[
    b("↑ ↓ / k j", "choose a message"),
    b("PgUp PgDn", "a page of messages"),
    b("[ ]", "scroll the raw and clean text"),
    b("f", "filter by status: clean, duplicate, quarantined"),
    b("o", "filter by group: easy-ham, hard-ham, spam"),
    b("p", "filter by period"),
    b("/", "search subject, sender and path (Enter ends)"),
    b("c", "switch corpus (mini, spamassassin, ...)"),
    b("Tab", "the quality report as charts"),
    b("r", "run the gather stage on this corpus"),
    b("Esc / q", "back to the gather lab"),
];

/// The message for a key press in the app's current situation, if any.
pub fn message_for(app: &App, key: KeyEvent) -> Option<Message> {
    if key.kind == KeyEventKind::Release {
        return None;
    }
    if key.modifiers.contains(KeyModifiers::CONTROL) && matches!(key.code, KeyCode::Char('c')) {
        return Some(Message::Quit);
    }
    match &app.overlay {
        Some(Overlay::Help) => return Some(Message::CloseOverlay),
        Some(Overlay::ConfirmReset(_)) => {
            return match key.code {
                KeyCode::Char('y') | KeyCode::Char('Y') => Some(Message::ConfirmReset(true)),
                KeyCode::Char('n') | KeyCode::Char('N') | KeyCode::Esc => {
                    Some(Message::ConfirmReset(false))
                }
                _ => None,
            };
        }
        None => {}
    }
    if app.screen == Screen::Explorer {
        return explorer_key(app, key);
    }
    let common = match key.code {
        KeyCode::Up | KeyCode::Char('k') => Some(Message::Up),
        KeyCode::Down | KeyCode::Char('j') => Some(Message::Down),
        KeyCode::PageUp => Some(Message::PageUp),
        KeyCode::PageDown | KeyCode::Char(' ') => Some(Message::PageDown),
        KeyCode::Char('?') => Some(Message::ToggleHelp),
        KeyCode::Char('g') => Some(Message::Grade),
        KeyCode::Char('b') => Some(Message::OpenBook),
        _ => None,
    };
    if common.is_some() {
        return common;
    }
    match app.screen {
        Screen::Map => match key.code {
            KeyCode::Enter | KeyCode::Right | KeyCode::Char('l') => Some(Message::Open),
            KeyCode::Char('q') | KeyCode::Esc => Some(Message::Quit),
            _ => None,
        },
        Screen::Lab(_) => match key.code {
            KeyCode::Esc | KeyCode::Left | KeyCode::Char('q') => Some(Message::Back),
            KeyCode::Char('w') => Some(Message::ToggleWatch),
            KeyCode::Char('h') => Some(Message::ToggleHint),
            KeyCode::Char('r') => Some(Message::AskReset),
            KeyCode::Tab => Some(Message::FocusNext),
            KeyCode::Char('e') if matches!(&app.screen, Screen::Lab(lab) if lab == "gather") => {
                Some(Message::OpenExplorer)
            }
            _ => None,
        },
        Screen::Explorer => None,
    }
}

fn explorer_key(app: &App, key: KeyEvent) -> Option<Message> {
    let searching = app.explorer.as_ref().is_some_and(|e| e.searching);
    if searching {
        return match key.code {
            KeyCode::Enter | KeyCode::Esc => Some(Message::EndSearch),
            KeyCode::Backspace => Some(Message::SearchBackspace),
            KeyCode::Char(c) => Some(Message::SearchChar(c)),
            KeyCode::Up => Some(Message::Up),
            KeyCode::Down => Some(Message::Down),
            _ => None,
        };
    }
    match key.code {
        KeyCode::Up | KeyCode::Char('k') => Some(Message::Up),
        KeyCode::Down | KeyCode::Char('j') => Some(Message::Down),
        KeyCode::PageUp => Some(Message::PageUp),
        KeyCode::PageDown | KeyCode::Char(' ') => Some(Message::PageDown),
        KeyCode::Char('[') => Some(Message::ScrollText(-5)),
        KeyCode::Char(']') => Some(Message::ScrollText(5)),
        KeyCode::Char('f') => Some(Message::CycleStatus),
        KeyCode::Char('o') => Some(Message::CycleGroup),
        KeyCode::Char('p') => Some(Message::CyclePeriod),
        KeyCode::Char('c') => Some(Message::CycleCorpus),
        KeyCode::Char('/') => Some(Message::StartSearch),
        KeyCode::Tab => Some(Message::TogglePane),
        KeyCode::Char('r') => Some(Message::RunGather),
        KeyCode::Char('b') => Some(Message::OpenBook),
        KeyCode::Char('?') => Some(Message::ToggleHelp),
        KeyCode::Esc | KeyCode::Char('q') | KeyCode::Left => Some(Message::Back),
        _ => None,
    }
}
