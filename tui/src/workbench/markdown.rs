//! Markdown in the terminal: a lab's instructions as styled ratatui lines.
//!
//! Headings, paragraphs, emphasis, inline code, fenced code, block quotes,
//! ordered and unordered lists (nested), rules and links (text underlined,
//! address after it). Wrapping is left to the `Paragraph` that shows the
//! lines, so the text reflows when the terminal is resized.

use pulldown_cmark::{CodeBlockKind, Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};

/// Renders markdown `source` to lines.
pub fn render(source: &str) -> Vec<Line<'static>> {
    let mut r = Renderer::default();
    for event in Parser::new_ext(source, Options::ENABLE_STRIKETHROUGH) {
        r.event(event);
    }
    r.flush();
    while r.lines.last().is_some_and(|l| l.spans.is_empty()) {
        r.lines.pop();
    }
    r.lines
}

#[derive(Default)]
struct Renderer {
    lines: Vec<Line<'static>>,
    current: Vec<Span<'static>>,
    styles: Vec<Style>,
    /// One entry per open list: the next number for ordered lists.
    lists: Vec<Option<u64>>,
    quote_depth: usize,
    in_code_block: bool,
    heading: Option<HeadingLevel>,
    link: Option<String>,
    /// The prefix waiting to start the current list item's first line.
    item_prefix: Option<String>,
}

impl Renderer {
    fn style(&self) -> Style {
        self.styles
            .iter()
            .fold(Style::default(), |acc, s| acc.patch(*s))
    }

    fn indent(&self) -> String {
        let mut s = "│ ".repeat(self.quote_depth);
        s.push_str(&"  ".repeat(self.lists.len().saturating_sub(1)));
        s
    }

    fn push_text(&mut self, text: &str) {
        if self.current.is_empty() {
            let mut prefix = self.indent();
            if let Some(item) = self.item_prefix.take() {
                prefix.push_str(&item);
            } else if !self.lists.is_empty() {
                prefix.push_str("  ");
            }
            if !prefix.is_empty() {
                self.current
                    .push(Span::styled(prefix, Style::default().fg(Color::DarkGray)));
            }
        }
        self.current
            .push(Span::styled(text.to_owned(), self.style()));
    }

    fn flush(&mut self) {
        if !self.current.is_empty() {
            let spans = std::mem::take(&mut self.current);
            self.lines.push(Line::from(spans));
        }
    }

    fn blank(&mut self) {
        self.flush();
        if self.lines.last().is_some_and(|l| !l.spans.is_empty()) {
            self.lines.push(Line::default());
        }
    }

    fn event(&mut self, event: Event<'_>) {
        match event {
            Event::Start(tag) => self.start(tag),
            Event::End(tag) => self.end(tag),
            Event::Text(text) => {
                if self.in_code_block {
                    for line in text.lines() {
                        self.flush();
                        let indent = self.indent();
                        self.current.push(Span::styled(
                            format!("{indent}    {line}"),
                            Style::default().fg(Color::Cyan),
                        ));
                        self.flush();
                    }
                } else {
                    self.push_text(&text);
                }
            }
            Event::Code(code) => {
                self.push_text("");
                self.current.push(Span::styled(
                    code.into_string(),
                    self.style().fg(Color::Yellow),
                ));
            }
            Event::SoftBreak => self.push_text(" "),
            Event::HardBreak => self.flush(),
            Event::Rule => {
                self.blank();
                self.lines.push(Line::styled(
                    "─".repeat(40),
                    Style::default().fg(Color::DarkGray),
                ));
                self.lines.push(Line::default());
            }
            Event::TaskListMarker(done) => self.push_text(if done { "[x] " } else { "[ ] " }),
            Event::Html(html) | Event::InlineHtml(html) => self.push_text(&html),
            Event::FootnoteReference(_) | Event::InlineMath(_) | Event::DisplayMath(_) => {}
        }
    }

    fn start(&mut self, tag: Tag<'_>) {
        match tag {
            Tag::Paragraph => {}
            Tag::Heading { level, .. } => {
                self.blank();
                self.heading = Some(level);
                let style = match level {
                    HeadingLevel::H1 => Style::default()
                        .fg(Color::Magenta)
                        .add_modifier(Modifier::BOLD | Modifier::UNDERLINED),
                    HeadingLevel::H2 => Style::default()
                        .fg(Color::Magenta)
                        .add_modifier(Modifier::BOLD),
                    _ => Style::default().add_modifier(Modifier::BOLD),
                };
                self.styles.push(style);
            }
            Tag::BlockQuote(_) => {
                self.blank();
                self.quote_depth += 1;
                self.styles
                    .push(Style::default().add_modifier(Modifier::ITALIC));
            }
            Tag::CodeBlock(kind) => {
                self.blank();
                self.in_code_block = true;
                if let CodeBlockKind::Fenced(lang) = kind {
                    let lang = lang.split(',').next().unwrap_or("").trim().to_owned();
                    if !lang.is_empty() {
                        let indent = self.indent();
                        self.lines.push(Line::styled(
                            format!("{indent}    {lang}"),
                            Style::default().fg(Color::DarkGray),
                        ));
                    }
                }
            }
            Tag::List(start) => {
                if self.lists.is_empty() {
                    self.blank();
                } else {
                    self.flush();
                }
                self.lists.push(start);
            }
            Tag::Item => {
                self.flush();
                let marker = match self.lists.last_mut() {
                    Some(Some(n)) => {
                        let m = format!("{n}. ");
                        *n += 1;
                        m
                    }
                    _ => "• ".to_owned(),
                };
                self.item_prefix = Some(marker);
            }
            Tag::Emphasis => self
                .styles
                .push(Style::default().add_modifier(Modifier::ITALIC)),
            Tag::Strong => self
                .styles
                .push(Style::default().add_modifier(Modifier::BOLD)),
            Tag::Strikethrough => self
                .styles
                .push(Style::default().add_modifier(Modifier::CROSSED_OUT)),
            Tag::Link { dest_url, .. } => {
                self.link = Some(dest_url.into_string());
                self.styles.push(
                    Style::default()
                        .fg(Color::Blue)
                        .add_modifier(Modifier::UNDERLINED),
                );
            }
            Tag::Image { dest_url, .. } => {
                self.push_text(&format!("[image: {dest_url}] "));
                self.styles.push(Style::default());
            }
            _ => {}
        }
    }

    fn end(&mut self, tag: TagEnd) {
        match tag {
            TagEnd::Paragraph => {
                if self.lists.is_empty() {
                    self.blank();
                } else {
                    self.flush();
                }
            }
            TagEnd::Heading(_) => {
                self.styles.pop();
                self.heading = None;
                self.blank();
            }
            TagEnd::BlockQuote(_) => {
                self.styles.pop();
                self.flush();
                self.quote_depth = self.quote_depth.saturating_sub(1);
                self.blank();
            }
            TagEnd::CodeBlock => {
                self.in_code_block = false;
                self.blank();
            }
            TagEnd::List(_) => {
                self.flush();
                self.lists.pop();
                if self.lists.is_empty() {
                    self.blank();
                }
            }
            TagEnd::Item => self.flush(),
            TagEnd::Emphasis | TagEnd::Strong | TagEnd::Strikethrough | TagEnd::Image => {
                self.styles.pop();
            }
            TagEnd::Link => {
                self.styles.pop();
                if let Some(url) = self.link.take()
                    && url.starts_with("http")
                {
                    self.current.push(Span::styled(
                        format!(" <{url}>"),
                        Style::default().fg(Color::DarkGray),
                    ));
                }
            }
            _ => {}
        }
    }
}

/// The plain text of rendered lines, for tests and snapshots.
pub fn plain(lines: &[Line<'_>]) -> String {
    lines
        .iter()
        .map(|l| {
            l.spans
                .iter()
                .map(|s| s.content.as_ref())
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings_paragraphs_and_lists() {
        let lines = render(
            "# Frame\n\nSome *text* with `code`.\n\n- one\n- two\n  - nested\n\n1. first\n2. second\n",
        );
        let text = plain(&lines);
        assert_eq!(
            text,
            "Frame\n\nSome text with code.\n\n• one\n• two\n  • nested\n\n1. first\n2. second"
        );
        assert!(
            lines[0].spans[0]
                .style
                .add_modifier
                .contains(Modifier::BOLD)
        );
        let code = lines[2].spans.iter().find(|s| s.content == "code").unwrap();
        assert_eq!(code.style.fg, Some(Color::Yellow));
    }

    #[test]
    fn code_blocks_keep_their_lines() {
        let lines = render("Run:\n\n```sh\ncargo test -p lab-frame\ncargo run\n```\n\nDone.");
        let text = plain(&lines);
        assert!(
            text.contains("    sh\n    cargo test -p lab-frame\n    cargo run\n\nDone."),
            "{text}"
        );
    }

    #[test]
    fn quotes_and_links() {
        let text = plain(&render(
            "> careful\n\nSee [the book](https://example.org/b).",
        ));
        assert!(text.contains("│ careful"), "{text}");
        assert!(text.contains("the book <https://example.org/b>"), "{text}");
    }

    #[test]
    fn empty_input_gives_no_lines() {
        assert!(render("").is_empty());
    }
}
