//! Key tables: each screen's keys as data.
//!
//! A screen gives one [`KeyTable`]; the same table answers a key press
//! ([`KeyTable::lookup`]), fills the `?` help ([`KeyTable::help`]) and the
//! footer ([`KeyTable::footer`]), so the three cannot disagree. A key that
//! no row names does nothing, and the status line says so.

use super::app::Message;
use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

/// One row of a key table.
#[derive(Debug, Clone, PartialEq)]
pub struct Binding {
    /// The keys that do it.
    pub keys: Vec<KeyCode>,
    /// The keys as the help shows them (`↑ ↓ / k j`).
    pub shown: String,
    /// What they do, for the help.
    pub help: String,
    /// The footer's word for it, if it has a place in the footer.
    pub footer: Option<String>,
    /// How the footer shows the keys, when not as the help does (`↑↓`).
    pub footer_keys: Option<String>,
    /// The message a press sends.
    pub message: Message,
}

impl Binding {
    /// A row: `keys` (shown as `shown`) send `message`; `help` says what it does.
    pub fn new(keys: &[KeyCode], shown: &str, help: &str, message: Message) -> Self {
        Binding {
            keys: keys.to_vec(),
            shown: shown.to_owned(),
            help: help.to_owned(),
            footer: None,
            footer_keys: None,
            message,
        }
    }

    /// A row for one character key.
    pub fn char(key: char, help: &str, message: Message) -> Self {
        Binding::new(&[KeyCode::Char(key)], &key.to_string(), help, message)
    }

    /// Shows the row in the footer as `word`.
    pub fn footer(mut self, word: &str) -> Self {
        self.footer = Some(word.to_owned());
        self
    }

    /// Shows the row in the footer as `keys` and `word`.
    pub fn footer_as(mut self, keys: &str, word: &str) -> Self {
        self.footer_keys = Some(keys.to_owned());
        self.footer(word)
    }

    /// Leaves the row out of the footer (it stays in the help).
    pub fn no_footer(mut self) -> Self {
        self.footer = None;
        self
    }

    /// The key the footer shows: the first of `shown`'s words.
    pub fn footer_key(&self) -> &str {
        self.footer_keys
            .as_deref()
            .unwrap_or_else(|| self.shown.split(" / ").next().unwrap_or(&self.shown))
    }
}

/// A screen's keys, in the order the help lists them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct KeyTable {
    rows: Vec<Binding>,
}

impl KeyTable {
    /// An empty table.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a row.
    pub fn with(mut self, binding: Binding) -> Self {
        self.rows.push(binding);
        self
    }

    /// Adds a row when `when` holds.
    pub fn with_if(self, when: bool, binding: Binding) -> Self {
        if when { self.with(binding) } else { self }
    }

    /// Adds rows.
    pub fn extend(mut self, bindings: impl IntoIterator<Item = Binding>) -> Self {
        self.rows.extend(bindings);
        self
    }

    /// The rows.
    pub fn rows(&self) -> &[Binding] {
        &self.rows
    }

    /// The message of the first row that names `key`'s code.
    pub fn lookup(&self, key: &KeyEvent) -> Option<Message> {
        self.rows
            .iter()
            .find(|b| b.keys.contains(&key.code))
            .map(|b| b.message.clone())
    }

    /// `(keys, what they do)` for the help, in table order.
    pub fn help(&self) -> Vec<(String, String)> {
        self.rows
            .iter()
            .filter(|b| !b.shown.is_empty())
            .map(|b| (b.shown.clone(), b.help.clone()))
            .collect()
    }

    /// `(key, word)` for the footer, in table order.
    pub fn footer(&self) -> Vec<(String, String)> {
        self.rows
            .iter()
            .filter_map(|b| {
                b.footer
                    .as_ref()
                    .map(|w| (b.footer_key().to_owned(), w.clone()))
            })
            .collect()
    }
}

/// Whether a key event is one to act on (a press or repeat, not a release).
pub fn is_press(key: &KeyEvent) -> bool {
    key.kind != KeyEventKind::Release
}

/// Whether the key is Ctrl-C, which quits from anywhere.
pub fn is_interrupt(key: &KeyEvent) -> bool {
    key.modifiers.contains(KeyModifiers::CONTROL) && key.code == KeyCode::Char('c')
}

/// How a key is written in a note to the learner.
pub fn describe(key: &KeyEvent) -> String {
    match key.code {
        KeyCode::Char(' ') => "Space".into(),
        KeyCode::Char(c) => c.to_string(),
        KeyCode::Enter => "Enter".into(),
        KeyCode::Esc => "Esc".into(),
        KeyCode::Tab => "Tab".into(),
        KeyCode::Backspace => "Backspace".into(),
        KeyCode::Left => "←".into(),
        KeyCode::Right => "→".into(),
        KeyCode::Up => "↑".into(),
        KeyCode::Down => "↓".into(),
        KeyCode::PageUp => "PgUp".into(),
        KeyCode::PageDown => "PgDn".into(),
        other => format!("{other:?}"),
    }
}

/// The usual rows: moving up and down a list or a pane.
pub fn up_down(help: &str, up: Message, down: Message) -> [Binding; 2] {
    [
        Binding::new(&[KeyCode::Up, KeyCode::Char('k')], "↑ ↓ / k j", help, up),
        // Shown with the row above; a second row only so that it answers.
        Binding::new(&[KeyCode::Down, KeyCode::Char('j')], "", "", down),
    ]
}

/// The usual rows: a page up and down.
pub fn pages(help: &str, up: Message, down: Message) -> [Binding; 2] {
    [
        Binding::new(&[KeyCode::PageUp], "PgUp PgDn", help, up),
        Binding::new(&[KeyCode::PageDown, KeyCode::Char(' ')], "", "", down),
    ]
}

/// The `?` row.
pub fn help_row() -> Binding {
    Binding::char('?', "show or hide this help", Message::Help).footer("help")
}

/// The `b` row.
pub fn book_row(help: &str) -> Binding {
    Binding::char('b', help, Message::Book).footer("book")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn press(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    #[test]
    fn one_table_answers_keys_and_fills_help_and_footer() {
        let table = KeyTable::new()
            .extend(up_down("choose", Message::Quit, Message::Back))
            .with(Binding::char('x', "do x", Message::Tick).footer("x it"))
            .with(help_row());
        assert_eq!(
            table.lookup(&press(KeyCode::Char('j'))),
            Some(Message::Back)
        );
        assert_eq!(table.lookup(&press(KeyCode::Up)), Some(Message::Quit));
        assert_eq!(table.lookup(&press(KeyCode::Char('z'))), None);
        assert_eq!(
            table.footer(),
            [("x".into(), "x it".into()), ("?".into(), "help".into())]
        );
        let help = table.help();
        assert_eq!(help[0], ("↑ ↓ / k j".into(), "choose".into()));
        assert!(help.iter().any(|(k, a)| k == "x" && a == "do x"));
    }

    #[test]
    fn keys_are_described_for_people() {
        assert_eq!(describe(&press(KeyCode::Char('q'))), "q");
        assert_eq!(describe(&press(KeyCode::Left)), "←");
        assert!(is_interrupt(&KeyEvent::new(
            KeyCode::Char('c'),
            KeyModifiers::CONTROL
        )));
    }
}
