//! What a content writer hands to the MIME builder: the message before it becomes bytes.

use crate::draw::{Draw, Rng};
use crate::encode::Charset;

use super::dates;
use super::words::Person;

/// A mailing list the corpus owner reads.
#[derive(Debug)]
pub struct List {
    /// The list's local part, e.g. `quill-users`.
    pub name: &'static str,
    pub domain: &'static str,
    /// The subject tag the list adds, e.g. `[quill]`.
    pub tag: &'static str,
    pub title: &'static str,
    /// The list manager's host name in Received headers.
    pub host: &'static str,
    /// Documentation-range address of the list server.
    pub ip: &'static str,
}

impl List {
    pub fn address(&self) -> String {
        format!("{}@{}", self.name, self.domain)
    }

    pub fn admin(&self) -> String {
        format!("{}-admin@{}", self.name, self.domain)
    }

    /// The footer the list manager appends to every post.
    pub fn footer(&self) -> String {
        format!(
            "\n_______________________________________________\n{} mailing list\n{}\nhttp://{}/mailman/listinfo/{}\n",
            self.name,
            self.address(),
            self.domain,
            self.name
        )
    }
}

/// How the message reached the owner; shapes the Received chain.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Route {
    /// Through a list server.
    List,
    /// From a person's mail server.
    Direct,
    /// From a legitimate bulk sender (newsletters, notices).
    Bulk,
    /// Through open relays and forged hops.
    Spam,
}

/// The program that wrote the message: decides X-Mailer, Message-ID and boundary styles.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mailer {
    Mutt,
    Quill,
    Bluebird,
    Kestrel,
    Cedar,
    Webmail,
    Listcaster,
    /// A bulk spam tool, by index into its name list.
    Blaster(usize),
    /// Writes no mailer header at all.
    Anonymous,
}

const BLASTERS: &[&str] = &[
    "MassSender Pro 5.0",
    "Turbo Mailer 2000",
    "FloodGate Express 3.1",
    "QuickBlast 7",
    "StealthPost 1.04",
    "Kestrel Mail 4.72.3110.5",
];

impl Mailer {
    /// A spam tool picked at random.
    pub fn blaster(rng: &mut Rng) -> Self {
        Mailer::Blaster(rng.below_biased(BLASTERS.len()))
    }

    /// A mailer ordinary people use, picked at random.
    pub fn personal(rng: &mut Rng) -> Self {
        *rng.pick(&[
            Mailer::Mutt,
            Mailer::Quill,
            Mailer::Bluebird,
            Mailer::Kestrel,
            Mailer::Kestrel,
            Mailer::Cedar,
            Mailer::Webmail,
        ])
    }

    /// The mailer's self-identifying header, if it writes one.
    pub fn header(self, rng: &mut Rng, period: u8) -> Option<(&'static str, String)> {
        Some(match self {
            Mailer::Mutt => (
                "User-Agent",
                format!(
                    "Mutt/1.{}.{}i",
                    if period >= 2 { 5 } else { 4 },
                    rng.range(0, 3)
                ),
            ),
            Mailer::Quill => (
                "X-Mailer",
                format!("Quill {}.{}.{}", 1, 2 + period, rng.range(0, 6)),
            ),
            Mailer::Bluebird => (
                "User-Agent",
                format!("Bluebird/0.{} (X11; Linux i686; en-US)", rng.range(9, 12)),
            ),
            Mailer::Kestrel => (
                "X-Mailer",
                format!(
                    "Kestrel Mail 5.{:02}.{}",
                    rng.range(0, 60),
                    rng.range(1000, 3999)
                ),
            ),
            Mailer::Cedar => ("X-Mailer", format!("Cedar 4.{}", rng.range(40, 50))),
            Mailer::Webmail => ("X-Mailer", "Skymail Web 2.1".to_string()),
            Mailer::Listcaster => (
                "X-Mailer",
                format!("Listcaster {}.{}", rng.range(2, 4), rng.range(0, 9)),
            ),
            Mailer::Blaster(i) => ("X-Mailer", BLASTERS[i % BLASTERS.len()].to_string()),
            Mailer::Anonymous => return None,
        })
    }

    /// A MIME boundary in this mailer's style.
    pub fn boundary(self, rng: &mut Rng) -> String {
        match self {
            Mailer::Kestrel | Mailer::Blaster(0..=2) => format!(
                "----=_NextPart_000_{}_{}.{}",
                rng.hex(4).to_uppercase(),
                rng.hex(8).to_uppercase(),
                rng.hex(8).to_uppercase()
            ),
            Mailer::Bluebird | Mailer::Quill => {
                format!("------------{}", rng.chars("0123456789", 24))
            }
            Mailer::Mutt => rng.chars(
                "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
                16,
            ),
            Mailer::Listcaster => format!("=_lc_{}", rng.hex(20)),
            Mailer::Cedar | Mailer::Webmail => format!(
                "Boundary_(ID_{})",
                rng.chars(
                    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+",
                    22
                )
            ),
            _ => format!(
                "{}_{}",
                rng.chars("abcdefghijklmnopqrstuvwxyz", 6),
                rng.hex(12)
            ),
        }
    }

    /// A Message-ID in this mailer's style, for a message sent at `secs` from `host`.
    pub fn message_id(self, rng: &mut Rng, secs: i64, host: &str) -> String {
        let l = dates::local(secs, 0);
        let stamp = format!(
            "{}{:02}{:02}{:02}{:02}{:02}",
            l.year, l.month, l.day, l.hour, l.minute, l.second
        );
        match self {
            Mailer::Mutt => format!(
                "<{stamp}.G{}{}@{host}>",
                rng.chars("ABCDEFGH", 1),
                rng.range(1000, 29999)
            ),
            Mailer::Bluebird | Mailer::Quill => {
                format!(
                    "<{}.{}@{host}>",
                    rng.hex(8).to_uppercase(),
                    rng.range(1_000_000, 9_999_999)
                )
            }
            Mailer::Kestrel => format!(
                "<{}{}${}${}@{}>",
                rng.hex(6),
                rng.hex(6),
                rng.hex(8),
                rng.hex(8),
                rng.pick(&["pcdesk", "laptop", "homepc", "office2"])
            ),
            Mailer::Listcaster => format!(
                "<{}.{stamp}.{}@mailer.{host}>",
                rng.range(10_000, 99_999),
                rng.hex(6)
            ),
            Mailer::Blaster(_) => format!(
                "<{}.{}@{host}>",
                rng.chars("abcdefghijklmnopqrstuvwxyz0123456789", 12),
                rng.hex(5)
            ),
            _ => format!("<{stamp}.{}@{host}>", rng.hex(10)),
        }
    }
}

/// A file attached to a message.
#[derive(Debug, Clone)]
pub struct Attachment {
    pub mime: &'static str,
    pub name: String,
    pub data: Vec<u8>,
    /// Text attachments go out as 7bit or quoted-printable, the rest as base64.
    pub is_text: bool,
}

/// A message's content and addressing, before MIME encoding.
#[derive(Debug, Clone)]
pub struct Draft {
    pub subject: String,
    pub from: Person,
    /// The `To:` header value (ASCII).
    pub to: String,
    pub cc: Option<String>,
    pub reply_to: Option<String>,
    /// The plain-text body, `\n` line breaks.
    pub text: String,
    /// An HTML rendering, for senders that write one.
    pub html: Option<String>,
    /// The charset the text is written in.
    pub charset: Charset,
    pub list: Option<&'static List>,
    /// Whether it answers an earlier message (adds In-Reply-To and References).
    pub reply: bool,
    pub mailer: Mailer,
    pub attachment: Option<Attachment>,
    pub route: Route,
    /// How likely this sender is to send HTML, in percent.
    pub html_bias: u32,
    /// Extra headers, written after the mailer's header.
    pub extra: Vec<(&'static str, String)>,
}

impl Draft {
    /// A plain draft with defaults filled in; callers adjust the fields they care about.
    pub fn new(subject: String, from: Person, to: String, text: String, mailer: Mailer) -> Self {
        Self {
            subject,
            from,
            to,
            cc: None,
            reply_to: None,
            text,
            html: None,
            charset: Charset::UsAscii,
            list: None,
            reply: false,
            mailer,
            attachment: None,
            route: Route::Direct,
            html_bias: 0,
            extra: Vec::new(),
        }
    }
}
