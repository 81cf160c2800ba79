//! Key tables: each screen's keys as data.
//!
//! A screen gives one [`KeyTable`]; the same table answers a key press
//! ([`KeyTable::lookup`]), fills the `?` help ([`KeyTable::help`]) and the
//! footer ([`KeyTable::footer`]), so the three cannot disagree. A key that
//! no row names does nothing, and the status line says so. A row does one
//! [`Act`]: a message of the screen's own, or one of the few things every
//! screen can do.

use super::route::ScreenId;
use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

/// What a key does: a screen's own message `M`, or something the app does
/// for any screen.
#[derive(Debug, Clone, PartialEq)]
pub enum Act<M> {
    /// The screen's own message.
    Own(M),
    /// Open a screen.
    Go(ScreenId),
    /// Back to where the screen came from (on the course map: quit).
    Back,
    /// Show or hide the key help.
    Help,
    /// Open the screen's chapter in a browser.
    Book,
    /// Show the status line's message whole.
    Message,
}

/// One row of a key table.
#[derive(Debug, Clone, PartialEq)]
pub struct Binding<M> {
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
    /// What a press does.
    pub act: Act<M>,
}

impl<M> Binding<M> {
    /// A row: `keys` (shown as `shown`) do `act`; `help` says what it does.
    pub fn new(keys: &[KeyCode], shown: &str, help: &str, act: Act<M>) -> Self {
        Binding {
            keys: keys.to_vec(),
            shown: shown.to_owned(),
            help: help.to_owned(),
            footer: None,
            footer_keys: None,
            act,
        }
    }

    /// A row for one character key.
    pub fn char(key: char, help: &str, act: Act<M>) -> Self {
        Binding::new(&[KeyCode::Char(key)], &key.to_string(), help, act)
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
#[derive(Debug, Clone, PartialEq)]
pub struct KeyTable<M> {
    rows: Vec<Binding<M>>,
}

impl<M> Default for KeyTable<M> {
    fn default() -> Self {
        KeyTable { rows: Vec::new() }
    }
}

impl<M: Clone> KeyTable<M> {
    /// An empty table.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a row.
    pub fn with(mut self, binding: Binding<M>) -> Self {
        self.rows.push(binding);
        self
    }

    /// Adds a row when `when` holds.
    pub fn with_if(self, when: bool, binding: Binding<M>) -> Self {
        if when { self.with(binding) } else { self }
    }

    /// Adds rows.
    pub fn extend(mut self, bindings: impl IntoIterator<Item = Binding<M>>) -> Self {
        self.rows.extend(bindings);
        self
    }

    /// The rows.
    pub fn rows(&self) -> &[Binding<M>] {
        &self.rows
    }

    /// What the first row that names `key`'s code does.
    pub fn lookup(&self, key: &KeyEvent) -> Option<Act<M>> {
        self.rows
            .iter()
            .find(|b| b.keys.contains(&key.code))
            .map(|b| b.act.clone())
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
pub fn up_down<M>(help: &str, up: M, down: M) -> [Binding<M>; 2] {
    [
        Binding::new(
            &[KeyCode::Up, KeyCode::Char('k')],
            "↑ ↓ / k j",
            help,
            Act::Own(up),
        ),
        // Shown with the row above; a second row only so that it answers.
        Binding::new(&[KeyCode::Down, KeyCode::Char('j')], "", "", Act::Own(down)),
    ]
}

/// [`up_down`], shown in the footer as "↑↓ `word`".
pub fn up_down_in_footer<M>(help: &str, up: M, down: M, word: &'static str) -> [Binding<M>; 2] {
    let [shown, answers] = up_down(help, up, down);
    [shown.footer_as("↑↓", word), answers]
}

/// The usual rows: a page up and down.
pub fn pages<M>(help: &str, up: M, down: M) -> [Binding<M>; 2] {
    [
        Binding::new(&[KeyCode::PageUp], "PgUp PgDn", help, Act::Own(up)),
        Binding::new(
            &[KeyCode::PageDown, KeyCode::Char(' ')],
            "",
            "",
            Act::Own(down),
        ),
    ]
}

/// The `?` row.
pub fn help_row<M>() -> Binding<M> {
    Binding::char('?', "show or hide this help", Act::Help).footer("help")
}

/// The `!` row: the status line's message, whole, when it is too long for
/// the line.
pub fn message_row<M>() -> Binding<M> {
    Binding::char('!', "read the status line's message whole", Act::Message)
}

/// The `b` row.
pub fn book_row<M>(help: &str) -> Binding<M> {
    Binding::char('b', help, Act::Book).footer("book")
}

/// The back row of a screen with nothing else on Esc, ← and q: `help`
/// says where back leads.
pub fn back_row<M>(help: &str) -> Binding<M> {
    Binding::new(
        &[KeyCode::Esc, KeyCode::Left, KeyCode::Char('q')],
        "Esc / ← / q",
        help,
        Act::Back,
    )
    .footer("back")
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
            .extend(up_down("choose", -1, 1))
            .with(Binding::char('x', "do x", Act::Own(7)).footer("x it"))
            .with(help_row());
        assert_eq!(table.lookup(&press(KeyCode::Char('j'))), Some(Act::Own(1)));
        assert_eq!(table.lookup(&press(KeyCode::Up)), Some(Act::Own(-1)));
        assert_eq!(table.lookup(&press(KeyCode::Char('?'))), Some(Act::Help));
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
