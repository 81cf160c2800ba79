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
    b("l", "label lab: open the labeling screen"),
    b("a", "label lab: the agreement view (kappa, disagreements)"),
    b("t", "train lab: the train view (live curves, runs)"),
    b("Esc / ← / q", "back to the course map"),
    b("?", "show or hide this help"),
];

/// Keys on the labeling screen, as configured.
pub fn label_bindings(keys: &crate::config::LabelKeys) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = [
        (keys.spam, "label spam"),
        (keys.ham, "label ham"),
        (keys.unsure, "label unsure (add a note: why)"),
        (keys.skip, "skip for now (it comes back at the end)"),
        (
            keys.undo,
            "undo the last decision (again for the one before)",
        ),
        (
            keys.note,
            "write a note for the next decision (Enter keeps, Esc drops)",
        ),
        (keys.back, "stop: back to the lab, with the agreement view"),
    ]
    .into_iter()
    .map(|(k, a)| (k.to_string(), a.to_owned()))
    .collect();
    out.push(("↑ ↓ PgUp PgDn".into(), "scroll the message".into()));
    out.push((
        "".into(),
        "remap keys in .ninety/config.toml, [label.keys]".into(),
    ));
    out
}

/// Keys in the train view.
pub const TRAIN_KEYS: &[Binding] = &[
    b("t", "start a run (ninety run train, as a child process)"),
    b("m", "switch the model: fasttext or logreg"),
    b("s", "switch the split: random or time"),
    b("b", "open the chapter"),
    b("Esc / q", "back to the train lab"),
];

/// Keys in the agreement view.
pub const AGREEMENT_KEYS: &[Binding] = &[
    b("↑ ↓ / k j", "choose a disagreement or a suspect label"),
    b(
        "← →",
        "the previous or next annotator's confusion and curve",
    ),
    b(
        "Tab",
        "switch between disagreements and probable label errors",
    ),
    b("r", "compute again (runs the label stage)"),
    b("l", "back to labeling"),
    b("Esc / q", "back to the label lab"),
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
    if app.screen == Screen::Label {
        return label_key(app, key);
    }
    if app.screen == Screen::Train {
        return match key.code {
            KeyCode::Char('t') => Some(Message::StartTrain),
            KeyCode::Char('m') => Some(Message::ToggleModel),
            KeyCode::Char('s') => Some(Message::ToggleSplit),
            KeyCode::Char('b') => Some(Message::OpenBook),
            KeyCode::Char('?') => Some(Message::ToggleHelp),
            KeyCode::Esc | KeyCode::Char('q') => Some(Message::Back),
            _ => None,
        };
    }
    if app.screen == Screen::Agreement {
        return match key.code {
            KeyCode::Up | KeyCode::Char('k') => Some(Message::Up),
            KeyCode::Down | KeyCode::Char('j') => Some(Message::Down),
            KeyCode::PageUp => Some(Message::PageUp),
            KeyCode::PageDown | KeyCode::Char(' ') => Some(Message::PageDown),
            KeyCode::Left => Some(Message::CycleAnnotator(-1)),
            KeyCode::Right => Some(Message::CycleAnnotator(1)),
            KeyCode::Tab => Some(Message::NextList),
            KeyCode::Char('r') => Some(Message::OpenAgreement),
            KeyCode::Char('l') => Some(Message::OpenLabeling),
            KeyCode::Char('b') => Some(Message::OpenBook),
            KeyCode::Char('?') => Some(Message::ToggleHelp),
            KeyCode::Esc | KeyCode::Char('q') => Some(Message::Back),
            _ => None,
        };
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
            KeyCode::Char('l') if matches!(&app.screen, Screen::Lab(lab) if lab == "label") => {
                Some(Message::OpenLabeling)
            }
            KeyCode::Char('a') if matches!(&app.screen, Screen::Lab(lab) if lab == "label") => {
                Some(Message::OpenAgreement)
            }
            KeyCode::Char('t') if matches!(&app.screen, Screen::Lab(lab) if lab == "train") => {
                Some(Message::OpenTrain)
            }
            _ => None,
        },
        Screen::Explorer | Screen::Label | Screen::Agreement | Screen::Train => None,
    }
}

/// The labeling screen: the configured keys first (they may be any
/// character), then scrolling; while a note is typed, every character is
/// the note's.
fn label_key(app: &App, key: KeyEvent) -> Option<Message> {
    let typing = app.labeling.as_ref().is_some_and(|s| s.typing_note);
    if typing {
        return match key.code {
            KeyCode::Enter => Some(Message::EndNote(true)),
            KeyCode::Esc => Some(Message::EndNote(false)),
            KeyCode::Backspace => Some(Message::NoteBackspace),
            KeyCode::Char(c) => Some(Message::NoteChar(c)),
            _ => None,
        };
    }
    let keys = &app.label_config.keys;
    if let KeyCode::Char(c) = key.code {
        use ninety_kit::labels::Mark;
        let by_key = [
            (keys.spam, Message::Decide(Mark::Spam)),
            (keys.ham, Message::Decide(Mark::Ham)),
            (keys.unsure, Message::Decide(Mark::Unsure)),
            (keys.skip, Message::Decide(Mark::Skip)),
            (keys.undo, Message::Undo),
            (keys.note, Message::StartNote),
            (keys.back, Message::Back),
        ];
        if let Some((_, message)) = by_key.into_iter().find(|(k, _)| *k == c) {
            // Before the queue is ready only leaving makes sense.
            if app.labeling.is_none() && message != Message::Back {
                return None;
            }
            return Some(message);
        }
    }
    match key.code {
        KeyCode::Up => Some(Message::ScrollBody(-1)),
        KeyCode::Down => Some(Message::ScrollBody(1)),
        KeyCode::PageUp => Some(Message::ScrollBody(-10)),
        KeyCode::PageDown => Some(Message::ScrollBody(10)),
        KeyCode::Char('?') => Some(Message::ToggleHelp),
        KeyCode::Esc => Some(Message::Back),
        _ => None,
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
