//! The bundled mini corpus: about 300 synthetic raw messages in the SpamAssassin layout.
//!
//! [`generate`] plans every directory (which messages carry which kind of mess, which
//! are in which language, which are duplicates), writes each message from templates,
//! and returns the files; [`write`] puts them on disk with their manifest. The output
//! depends only on [`SEED`] and this code.

pub mod dates;
mod draft;
mod envelope;
mod foreign;
mod ham;
mod hard;
mod mime;
mod spam;
mod words;

use std::fs;
use std::path::Path;

use anyhow::{Context, Result};

use crate::draw::{Draw, Rng};
use crate::encode::{self, Charset};
use crate::manifest::{self, Entry, Group};

use dates::DateStyle;
use draft::{Draft, Mailer, Route};
use envelope::Message;
use foreign::Lang;
use mime::{Boundaries, Cte, Part};
use words::{ACCENTED, FREEMAIL, Person};

/// The seed every choice derives from. Changing it rewrites the whole corpus.
pub const SEED: u64 = 0x4E49_4E45_5459_2002;

/// One directory of the corpus.
#[derive(Debug, Clone, Copy)]
pub struct Dir {
    pub name: &'static str,
    pub group: Group,
    pub period: u8,
    pub count: usize,
}

/// The five directories, in upstream order.
pub const DIRS: [Dir; 5] = [
    Dir {
        name: "easy_ham",
        group: Group::EasyHam,
        period: 1,
        count: 110,
    },
    Dir {
        name: "hard_ham",
        group: Group::HardHam,
        period: 1,
        count: 25,
    },
    Dir {
        name: "spam",
        group: Group::Spam,
        period: 1,
        count: 60,
    },
    Dir {
        name: "easy_ham_2",
        group: Group::EasyHam,
        period: 2,
        count: 60,
    },
    Dir {
        name: "spam_2",
        group: Group::Spam,
        period: 2,
        count: 45,
    },
];

/// The non-message file upstream left in `spam/`.
pub const CMDS: &str = "spam/cmds";

/// One file of the corpus.
#[derive(Debug, Clone)]
pub struct CorpusFile {
    /// Path relative to the corpus root, `/`-separated.
    pub path: String,
    pub bytes: Vec<u8>,
    pub group: Group,
    pub period: u8,
}

/// Kinds of damage a message can carry; each planned message carries at most one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Special {
    /// Only a body; `true` keeps the mbox `From ` line.
    NoHeaders(bool),
    NoBlankLine,
    /// A header continued on a line that does not start with whitespace.
    ContinuationNoSpace,
    /// Raw 8-bit bytes in a header instead of RFC 2047.
    Raw8Header,
    MixedLineEndings,
    MissingCloseBoundary,
    PhantomBoundary,
    BadBase64,
    /// Declared utf-8, written in windows-1252.
    WrongCharset,
    /// `charset="x-unknown"`.
    UnknownCharset,
    EmptyBody,
    /// An HTML body with no text once the markup is gone.
    EmptyAfterHtml,
}

struct Plan {
    specials: &'static [(Special, usize)],
    dates: &'static [(DateStyle, usize)],
    foreign: &'static [(Lang, Charset, usize)],
}

const PLANS: [Plan; 5] = [
    // easy_ham
    Plan {
        specials: &[
            (Special::NoBlankLine, 1),
            (Special::ContinuationNoSpace, 1),
            (Special::Raw8Header, 1),
            (Special::MixedLineEndings, 2),
            (Special::MissingCloseBoundary, 1),
            (Special::BadBase64, 1),
            (Special::WrongCharset, 1),
            (Special::EmptyBody, 1),
        ],
        dates: &[
            (DateStyle::NoWeekday, 2),
            (DateStyle::TwoDigitYear, 1),
            (DateStyle::NamedZone, 2),
            (DateStyle::NoZone, 1),
            (DateStyle::LongForm, 1),
            (DateStyle::Future, 1),
            (DateStyle::Missing, 1),
        ],
        foreign: &[
            (Lang::RuHam, Charset::Koi8R, 1),
            (Lang::CsHam, Charset::Latin2, 2),
            (Lang::DeHam, Charset::Latin1, 2),
            (Lang::FrHam, Charset::Windows1252, 1),
            (Lang::JaHam, Charset::Iso2022Jp, 1),
        ],
    },
    // hard_ham
    Plan {
        specials: &[
            (Special::MissingCloseBoundary, 1),
            (Special::WrongCharset, 1),
            (Special::EmptyAfterHtml, 1),
            (Special::MixedLineEndings, 1),
        ],
        dates: &[
            (DateStyle::NamedZone, 1),
            (DateStyle::NoWeekday, 1),
            (DateStyle::TwoDigitYear, 1),
        ],
        foreign: &[],
    },
    // spam
    Plan {
        specials: &[
            (Special::NoHeaders(true), 1),
            (Special::NoBlankLine, 2),
            (Special::ContinuationNoSpace, 1),
            (Special::Raw8Header, 2),
            (Special::MixedLineEndings, 1),
            (Special::MissingCloseBoundary, 1),
            (Special::PhantomBoundary, 2),
            (Special::BadBase64, 1),
            (Special::UnknownCharset, 1),
            (Special::EmptyBody, 1),
            (Special::EmptyAfterHtml, 1),
        ],
        dates: &[
            (DateStyle::Ancient, 2),
            (DateStyle::Future, 1),
            (DateStyle::TwoDigitYear, 2),
            (DateStyle::NamedZone, 2),
            (DateStyle::NoZone, 1),
            (DateStyle::LongForm, 1),
            (DateStyle::Iso, 1),
            (DateStyle::Unparseable, 2),
            (DateStyle::Missing, 2),
            (DateStyle::NoWeekday, 1),
        ],
        foreign: &[
            (Lang::RuSpam, Charset::Koi8R, 2),
            (Lang::RuSpam, Charset::Windows1251, 1),
            (Lang::ZhSpam, Charset::Gb2312, 2),
            (Lang::ZhTwSpam, Charset::Big5, 2),
            (Lang::JaSpam, Charset::Iso2022Jp, 1),
            (Lang::JaSpam, Charset::ShiftJis, 1),
            (Lang::KoSpam, Charset::KsC5601, 2),
            (Lang::KoSpam, Charset::EucKr, 1),
            (Lang::DeSpam, Charset::Latin1, 1),
        ],
    },
    // easy_ham_2
    Plan {
        specials: &[
            (Special::NoHeaders(false), 1),
            (Special::ContinuationNoSpace, 1),
            (Special::Raw8Header, 1),
            (Special::MixedLineEndings, 1),
            (Special::UnknownCharset, 1),
            (Special::WrongCharset, 1),
            (Special::EmptyBody, 1),
        ],
        dates: &[
            (DateStyle::NoWeekday, 1),
            (DateStyle::NamedZone, 1),
            (DateStyle::TwoDigitYear, 1),
            (DateStyle::Missing, 1),
            (DateStyle::Unparseable, 1),
        ],
        foreign: &[
            (Lang::ZhHam, Charset::Gb2312, 1),
            (Lang::CsHam, Charset::Utf8, 1),
            (Lang::RuHam, Charset::Koi8R, 1),
            (Lang::DeHam, Charset::Latin1, 1),
            (Lang::JaHam, Charset::ShiftJis, 1),
        ],
    },
    // spam_2
    Plan {
        specials: &[
            (Special::NoBlankLine, 1),
            (Special::ContinuationNoSpace, 1),
            (Special::Raw8Header, 1),
            (Special::MixedLineEndings, 1),
            (Special::MissingCloseBoundary, 1),
            (Special::PhantomBoundary, 1),
            (Special::BadBase64, 2),
            (Special::WrongCharset, 1),
            (Special::UnknownCharset, 1),
            (Special::EmptyBody, 1),
            (Special::EmptyAfterHtml, 2),
        ],
        dates: &[
            (DateStyle::Ancient, 1),
            (DateStyle::Future, 2),
            (DateStyle::TwoDigitYear, 1),
            (DateStyle::NamedZone, 1),
            (DateStyle::NoZone, 1),
            (DateStyle::Unparseable, 1),
            (DateStyle::Missing, 2),
            (DateStyle::NoWeekday, 1),
            (DateStyle::Iso, 1),
        ],
        foreign: &[
            (Lang::RuSpam, Charset::Windows1251, 2),
            (Lang::RuSpam, Charset::Utf8, 1),
            (Lang::ZhSpam, Charset::Gb2312, 1),
            (Lang::ZhTwSpam, Charset::Big5, 1),
            (Lang::JaSpam, Charset::ShiftJis, 1),
            (Lang::JaSpam, Charset::Iso2022Jp, 1),
            (Lang::KoSpam, Charset::EucKr, 1),
            (Lang::CsSpam, Charset::Latin2, 1),
            (Lang::FrSpam, Charset::Windows1252, 1),
        ],
    },
];

/// Exact duplicates: (source dir, target dir, how many).
const EXACT_DUPLICATES: &[(usize, usize, usize)] = &[
    (0, 0, 4),
    (1, 1, 2),
    (2, 2, 3),
    (3, 3, 2),
    (4, 4, 3),
    (2, 4, 3),
    (0, 3, 2),
];

/// Near duplicates (same body up to whitespace and case): (source dir, target dir, how many).
const NEAR_DUPLICATES: &[(usize, usize, usize)] =
    &[(0, 0, 1), (2, 2, 2), (4, 4, 1), (2, 4, 1), (3, 3, 1)];

/// A planned message.
#[derive(Debug, Clone, Copy)]
struct Slot {
    special: Option<Special>,
    date: DateStyle,
    foreign: Option<(Lang, Charset)>,
    time: i64,
}

/// What was built for a slot, beside the message itself (used to pick duplicates).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    Plain,
    Html,
    Alternative,
    Mixed,
    Nested,
    Related,
    Signed,
    EmptyHtml,
    Empty,
}

struct Built {
    slot: Slot,
    shape: Shape,
    /// Whether the body is readable text (single part, no base64 or quoted-printable).
    plain_body: bool,
    message: Message,
}

fn expand<T: Copy>(items: &[(T, usize)]) -> Vec<T> {
    items
        .iter()
        .flat_map(|(t, n)| std::iter::repeat_n(*t, *n))
        .collect()
}

fn plan_dir(rng: &mut Rng, index: usize) -> Vec<Slot> {
    let dir = DIRS[index];
    let plan = &PLANS[index];
    let n = dir.count;
    let mut specials: Vec<Option<Special>> = expand(plan.specials).into_iter().map(Some).collect();
    specials.resize(n, None);
    rng.shuffle(&mut specials);
    let mut styles = expand(plan.dates);
    while styles.len() < n {
        styles.push(if rng.percent(30) {
            DateStyle::ZoneComment
        } else {
            DateStyle::Normal
        });
    }
    rng.shuffle(&mut styles);
    let (start, end) = if dir.period == 1 {
        (
            dates::unix(2002, 1, 20, 0, 0, 0),
            dates::unix(2002, 11, 30, 0, 0, 0),
        )
    } else {
        (
            dates::unix(2003, 1, 6, 0, 0, 0),
            dates::unix(2003, 5, 30, 0, 0, 0),
        )
    };
    let mut slots: Vec<Slot> = (0..n)
        .map(|i| Slot {
            special: specials[i],
            date: styles[i],
            foreign: None,
            time: rng.range(start, end),
        })
        .collect();
    let free: Vec<usize> = (0..n).filter(|&i| slots[i].special.is_none()).collect();
    let langs = expand(
        &plan
            .foreign
            .iter()
            .map(|&(l, c, k)| ((l, c), k))
            .collect::<Vec<_>>(),
    );
    let picks = rng.sample(free.len(), langs.len());
    for (lang, pick) in langs.into_iter().zip(picks) {
        slots[free[pick]].foreign = Some(lang);
    }
    slots
}

/// English text dressed for its charset: curly quotes and dashes where the charset has them.
fn typography(text: &str, charset: Charset) -> String {
    if !matches!(charset, Charset::Windows1252 | Charset::Utf8) {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len() + 16);
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        if line.contains("http") || line.contains('<') {
            out.push_str(line);
            continue;
        }
        let mut open = true;
        let chars: Vec<char> = line.chars().collect();
        for (j, &c) in chars.iter().enumerate() {
            match c {
                '\'' if j > 0 && chars[j - 1].is_alphabetic() => out.push('\u{2019}'),
                '"' => {
                    out.push(if open { '\u{201C}' } else { '\u{201D}' });
                    open = !open;
                }
                _ => out.push(c),
            }
        }
    }
    let mut out = out.replace(" - ", " \u{2013} ");
    if charset == Charset::Utf8 {
        out = out.replace(" -- ", " \u{2014} ").replace("...", "\u{2026}");
    }
    out
}

fn english_charset(rng: &mut Rng, group: Group, period: u8) -> Charset {
    let table: &[(u32, Charset)] = match (group, period) {
        (Group::EasyHam, _) => &[
            (55, Charset::UsAscii),
            (15, Charset::Latin1),
            (15, Charset::Windows1252),
            (15, Charset::Utf8),
        ],
        (Group::HardHam, _) => &[
            (25, Charset::UsAscii),
            (35, Charset::Latin1),
            (25, Charset::Windows1252),
            (15, Charset::Utf8),
        ],
        (Group::Spam, 1) => &[
            (45, Charset::UsAscii),
            (30, Charset::Latin1),
            (20, Charset::Windows1252),
            (5, Charset::Utf8),
        ],
        (Group::Spam, _) => &[
            (30, Charset::UsAscii),
            (25, Charset::Latin1),
            (25, Charset::Windows1252),
            (20, Charset::Utf8),
        ],
    };
    *rng.weighted(table)
}

fn choose_cte(rng: &mut Rng, group: Group, charset: Charset, bytes: &[u8], html: bool) -> Cte {
    if charset == Charset::Iso2022Jp {
        return if rng.percent(80) {
            Cte::SevenBit
        } else {
            Cte::Base64
        };
    }
    let cjk = matches!(
        charset,
        Charset::Big5 | Charset::Gb2312 | Charset::ShiftJis | Charset::EucKr | Charset::KsC5601
    );
    let table: &[(u32, Cte)] = if bytes.is_ascii() {
        match (group, html) {
            (Group::Spam, _) => &[
                (20, Cte::Absent),
                (35, Cte::SevenBit),
                (25, Cte::QuotedPrintable),
                (20, Cte::Base64),
            ],
            (Group::HardHam, _) | (_, true) => &[
                (5, Cte::Absent),
                (40, Cte::SevenBit),
                (45, Cte::QuotedPrintable),
                (10, Cte::Base64),
            ],
            _ => &[
                (25, Cte::Absent),
                (55, Cte::SevenBit),
                (15, Cte::QuotedPrintable),
                (5, Cte::Base64),
            ],
        }
    } else if cjk {
        &[(5, Cte::Absent), (40, Cte::EightBit), (55, Cte::Base64)]
    } else {
        match group {
            Group::Spam => &[
                (5, Cte::Absent),
                (35, Cte::EightBit),
                (30, Cte::QuotedPrintable),
                (30, Cte::Base64),
            ],
            Group::HardHam => &[
                (20, Cte::EightBit),
                (60, Cte::QuotedPrintable),
                (20, Cte::Base64),
            ],
            Group::EasyHam => &[
                (5, Cte::Absent),
                (50, Cte::EightBit),
                (35, Cte::QuotedPrintable),
                (10, Cte::Base64),
            ],
        }
    };
    *rng.weighted(table)
}

/// `From:` header value.
fn from_value(rng: &mut Rng, p: &Person, charset: Charset, label: &str) -> Result<Vec<u8>> {
    if p.name.is_empty() {
        return Ok(if rng.percent(50) {
            p.addr.clone()
        } else {
            format!("<{}>", p.addr)
        }
        .into_bytes());
    }
    if p.name.is_ascii() {
        let needs_quotes = p.name.contains(['.', ',', '&', '\'']);
        return Ok(match rng.below_biased(6) {
            0 => format!("{} ({})", p.addr, p.name),
            1 | 2 => format!("\"{}\" <{}>", p.name, p.addr),
            _ if needs_quotes => format!("\"{}\" <{}>", p.name, p.addr),
            _ => format!("{} <{}>", p.name, p.addr),
        }
        .into_bytes());
    }
    let word = encoded_words(rng, &p.name, charset, label)?;
    Ok(format!("{word} <{}>", p.addr).into_bytes())
}

/// RFC 2047 words for non-ASCII header text: Q for Latin scripts, B for the rest.
fn encoded_words(rng: &mut Rng, text: &str, charset: Charset, label: &str) -> Result<String> {
    let label = if rng.percent(30) {
        label.to_ascii_uppercase()
    } else {
        label.to_string()
    };
    let q = match charset {
        Charset::Latin1 | Charset::Latin2 | Charset::Windows1252 => rng.percent(80),
        Charset::Utf8 => rng.percent(30),
        _ => false,
    };
    if q {
        encode::rfc2047_q(text, charset, &label)
    } else {
        encode::rfc2047_b(text, charset, &label)
    }
}

/// Folds a long ASCII header value at a space.
fn fold(value: &str) -> String {
    if value.len() <= 70 {
        return value.to_string();
    }
    match value[..60].rfind(' ') {
        Some(at) if at > 10 => format!("{}\n\t{}", &value[..at], &value[at + 1..]),
        _ => value.to_string(),
    }
}

fn pick_shape(rng: &mut Rng, d: &Draft, special: Option<Special>, group: Group) -> Shape {
    match special {
        Some(Special::EmptyBody) => return Shape::Empty,
        Some(Special::EmptyAfterHtml) => return Shape::EmptyHtml,
        Some(Special::NoHeaders(_)) => return Shape::Plain,
        Some(Special::NoBlankLine) => {
            return if d.html.is_some() && rng.percent(50) {
                Shape::Html
            } else {
                Shape::Plain
            };
        }
        Some(Special::MissingCloseBoundary | Special::PhantomBoundary) => {
            return if d.attachment.is_some() {
                Shape::Mixed
            } else {
                Shape::Alternative
            };
        }
        _ => {}
    }
    let html = rng.percent(d.html_bias);
    if d.attachment.is_some() {
        return if html { Shape::Nested } else { Shape::Mixed };
    }
    if !html {
        if d.list.is_some() && d.mailer == Mailer::Mutt && rng.percent(40) {
            return Shape::Signed;
        }
        return Shape::Plain;
    }
    match group {
        Group::HardHam => *rng.weighted(&[
            (40, Shape::Alternative),
            (30, Shape::Html),
            (30, Shape::Related),
        ]),
        Group::Spam => *rng.weighted(&[(55, Shape::Html), (45, Shape::Alternative)]),
        Group::EasyHam => *rng.weighted(&[(80, Shape::Alternative), (20, Shape::Html)]),
    }
}

/// An HTML body that is empty once tags, comments and entities are removed.
fn empty_html(rng: &mut Rng, domain: &str) -> String {
    let img = format!("http://{domain}/images/{}.jpg", rng.hex(8));
    match rng.below_biased(2) {
        0 => format!(
            "<html>\n<head>\n<title></title>\n</head>\n<body bgcolor=\"#FFFFFF\">\n<!-- {} -->\n<table width=\"100%\"><tr><td align=\"center\">&nbsp;<a href=\"http://{domain}/\"><img src=\"{img}\" border=\"0\"></a>&nbsp;</td></tr></table>\n</body>\n</html>\n",
            rng.hex(12)
        ),
        _ => format!(
            "<HTML><BODY>\n<CENTER><A HREF=\"http://{domain}/\"><IMG SRC=\"{img}\" WIDTH=500 HEIGHT=400 BORDER=0></A></CENTER>\n<P>&nbsp;</P>\n<!-- {} -->\n</BODY></HTML>\n",
            rng.pick(words::SALAD)
        ),
    }
}

fn domain_of(addr: &str) -> String {
    addr.rsplit_once('@')
        .map_or("example.invalid", |(_, d)| d)
        .to_string()
}

fn make_draft(rng: &mut Rng, dir: Dir, slot: &Slot) -> Draft {
    if let Some((lang, cs)) = slot.foreign {
        return foreign::draft(rng, lang, cs, dir.period);
    }
    match (dir.group, slot.special) {
        (Group::Spam, Some(Special::UnknownCharset)) => {
            foreign::draft(rng, Lang::RuSpam, Charset::Windows1251, dir.period)
        }
        (Group::EasyHam, _) => match rng.below_biased(100) {
            0..=54 => ham::list_post(rng, dir.period),
            55..=66 => ham::wirebrief(rng, dir.period),
            _ => ham::personal(rng, dir.period),
        },
        (Group::HardHam, _) => hard::newsletter(rng, dir.period),
        (Group::Spam, _) if dir.period == 1 => spam::spam_period1(rng),
        (Group::Spam, _) => spam::spam_period2(rng),
    }
}

fn sender_zone(rng: &mut Rng, d: &Draft, slot: &Slot, summer: bool) -> i32 {
    let dst = i32::from(summer) * 60;
    match slot.foreign.map(|(l, _)| l) {
        Some(Lang::ZhSpam | Lang::ZhHam | Lang::ZhTwSpam) => 480,
        Some(Lang::JaSpam | Lang::JaHam) => 540,
        Some(Lang::KoSpam) => 540,
        Some(Lang::RuSpam | Lang::RuHam) => 180 + dst,
        Some(
            Lang::CsHam | Lang::CsSpam | Lang::DeHam | Lang::DeSpam | Lang::FrHam | Lang::FrSpam,
        ) => 60 + dst,
        None => match d.route {
            Route::Spam => *rng.pick(&[-480, -420, -360, -300, -240, 0, 60, 480, 540]),
            _ => *rng.pick(&[-480, -300, -300, 0, 60, 60, 120]) + dst,
        },
    }
}

/// Builds the message for one slot.
fn build(rng: &mut Rng, dir: Dir, slot: Slot) -> Result<Built> {
    let mut d = make_draft(rng, dir, &slot);
    let special = slot.special;

    // Spam sometimes carries an attachment.
    if dir.group == Group::Spam
        && d.attachment.is_none()
        && slot.foreign.is_none()
        && rng.percent(7)
    {
        d.attachment = Some(match dir.period {
            1 => ham::binary(
                rng,
                "application/msword",
                "proposal.doc",
                b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1",
                600,
            ),
            _ => ham::binary(
                rng,
                "application/x-zip-compressed",
                "details.zip",
                b"PK\x03\x04\x14\x00",
                500,
            ),
        });
    }
    if matches!(special, Some(Special::NoHeaders(_))) {
        d.attachment = None;
    }

    // Charset: English text gets one by group, then the typography it allows.
    let mut charset = d.charset;
    if slot.foreign.is_none()
        && !(special == Some(Special::UnknownCharset) && dir.group == Group::Spam)
    {
        charset = english_charset(rng, dir.group, dir.period);
        if matches!(
            special,
            Some(Special::WrongCharset | Special::UnknownCharset)
        ) {
            charset = Charset::Windows1252;
        }
        if matches!(special, Some(Special::NoHeaders(_))) {
            charset = Charset::UsAscii;
        }
        d.text = typography(&d.text, charset);
        if charset == Charset::Utf8 || (charset == Charset::Windows1252 && rng.percent(50)) {
            d.subject = typography(&d.subject, charset);
        }
        if matches!(
            special,
            Some(Special::WrongCharset | Special::UnknownCharset)
        ) {
            let ps = match dir.group {
                Group::Spam => "Don\u{2019}t wait \u{2013} this offer won\u{2019}t last!",
                Group::HardHam => {
                    "Prices valid while stocks last \u{2013} see the web site for details."
                }
                Group::EasyHam => {
                    "P.S. I\u{2019}ll be away next week \u{2013} reply soon if you can."
                }
            };
            if d.text.is_ascii() {
                d.text.push_str(&format!("\n{ps}\n"));
            }
            if let Some(html) = d.html.as_mut() {
                *html = html.replacen("</body>", &format!("<p>{ps}</p>\n</body>"), 1);
            }
        }
        let any_8bit = !d.text.is_ascii()
            || !d.subject.is_ascii()
            || d.html.as_deref().is_some_and(|h| !h.is_ascii());
        if charset == Charset::UsAscii && any_8bit {
            charset = Charset::Latin1;
        }
    }
    let label = match special {
        Some(Special::WrongCharset) => "utf-8".to_string(),
        Some(Special::UnknownCharset) => "x-unknown".to_string(),
        _ if rng.percent(20) => charset.label_upper(),
        _ => charset.label().to_string(),
    };

    let shape = pick_shape(rng, &d, special, dir.group);
    let boundary_damage = match special {
        Some(Special::MissingCloseBoundary) => Boundaries::MissingClose,
        Some(Special::PhantomBoundary) => Boundaries::Phantom,
        _ => Boundaries::Correct,
    };
    let text_bytes = encode::encode_text(&d.text, charset)
        .with_context(|| format!("encoding a {} message body", dir.name))?;
    let html_text = d
        .html
        .clone()
        .unwrap_or_else(|| mime::html_from_text(&d.text));
    let html_bytes = encode::encode_text(&html_text, charset)
        .with_context(|| format!("encoding a {} HTML body", dir.name))?;
    let bad_b64 = special == Some(Special::BadBase64);
    let readable = matches!(special, Some(Special::NoHeaders(_) | Special::NoBlankLine));
    let raw_cte = if text_bytes.is_ascii() {
        Cte::SevenBit
    } else {
        Cte::EightBit
    };
    let raw_bytes = matches!(
        special,
        Some(Special::WrongCharset | Special::UnknownCharset)
    );
    let text_cte = if bad_b64 {
        Cte::Base64
    } else if readable || raw_bytes {
        raw_cte
    } else if shape == Shape::Signed {
        Cte::SevenBit
    } else {
        choose_cte(rng, dir.group, charset, &text_bytes, false)
    };
    let html_cte = if bad_b64 {
        Cte::Base64
    } else if readable || raw_bytes {
        if html_bytes.is_ascii() {
            Cte::SevenBit
        } else {
            Cte::EightBit
        }
    } else {
        choose_cte(rng, dir.group, charset, &html_bytes, true)
    };
    let mut text_part = mime::text_part(rng, "plain", &text_bytes, &label, text_cte);
    let mut html_part = mime::text_part(rng, "html", &html_bytes, &label, html_cte);
    let mut attach_part = d.attachment.as_ref().map(mime::attachment_part);
    if bad_b64 {
        match attach_part.as_mut() {
            Some(a) if !d.attachment.as_ref().is_some_and(|a| a.is_text) => {
                mime::break_base64(rng, &mut a.body)
            }
            _ => {
                mime::break_base64(rng, &mut text_part.body);
                mime::break_base64(rng, &mut html_part.body);
            }
        }
    }
    let preamble = rng.percent(60);
    let boundary = d.mailer.boundary(rng);
    let inner_boundary = d.mailer.boundary(rng);
    let spam_domain = domain_of(&d.from.addr);
    let root: Part = match shape {
        Shape::Plain => text_part,
        Shape::Html => html_part,
        Shape::Alternative => mime::multipart(
            rng,
            "alternative",
            &boundary,
            "",
            &[text_part, html_part],
            preamble,
            boundary_damage,
        ),
        Shape::Mixed => {
            let mut parts = vec![text_part];
            parts.extend(attach_part.take());
            mime::multipart(
                rng,
                "mixed",
                &boundary,
                "",
                &parts,
                preamble,
                boundary_damage,
            )
        }
        Shape::Nested => {
            let alt = mime::multipart(
                rng,
                "alternative",
                &inner_boundary,
                "",
                &[text_part, html_part],
                false,
                Boundaries::Correct,
            );
            let mut parts = vec![alt];
            parts.extend(attach_part.take());
            mime::multipart(
                rng,
                "mixed",
                &boundary,
                "",
                &parts,
                preamble,
                boundary_damage,
            )
        }
        Shape::Related => {
            let alt = mime::multipart(
                rng,
                "alternative",
                &inner_boundary,
                "",
                &[text_part, html_part],
                false,
                Boundaries::Correct,
            );
            let mut logo =
                mime::attachment_part(&ham::binary(rng, "image/gif", "logo.gif", b"GIF89a", 300));
            logo.headers.retain(|(n, _)| n != "Content-Disposition");
            logo.headers.push((
                "Content-ID".to_string(),
                format!("<logo.{}@{spam_domain}>", rng.hex(8)),
            ));
            mime::multipart(
                rng,
                "related",
                &boundary,
                " type=\"multipart/alternative\";",
                &[alt, logo],
                preamble,
                boundary_damage,
            )
        }
        Shape::Signed => {
            let sig = mime::pgp_signature_part(rng);
            mime::multipart(
                rng,
                "signed",
                &boundary,
                " micalg=pgp-sha1; protocol=\"application/pgp-signature\";",
                &[text_part, sig],
                false,
                boundary_damage,
            )
        }
        Shape::EmptyHtml => {
            let html = empty_html(rng, &spam_domain);
            let cte = *rng.pick(&[Cte::SevenBit, Cte::Absent, Cte::QuotedPrintable]);
            mime::text_part(rng, "html", html.as_bytes(), &label, cte)
        }
        Shape::Empty => Part {
            headers: vec![(
                "Content-Type".to_string(),
                format!("text/plain; charset={label}"),
            )],
            body: if rng.percent(50) {
                Vec::new()
            } else {
                b"\n".to_vec()
            },
        },
    };
    let plain_body = matches!(shape, Shape::Plain | Shape::Html)
        && !matches!(text_cte, Cte::Base64 | Cte::QuotedPrintable)
        && !matches!(html_cte, Cte::Base64 | Cte::QuotedPrintable)
        && special.is_none();

    let mut body = root.body;
    if special == Some(Special::MixedLineEndings) {
        // Part of the body (or all of it) was saved with CRLF line ends.
        let lines: Vec<usize> = body
            .iter()
            .enumerate()
            .filter(|(_, b)| **b == b'\n')
            .map(|(i, _)| i + 1)
            .collect();
        let from = if rng.percent(50) || lines.len() < 4 {
            0
        } else {
            lines[lines.len() / 2]
        };
        body = mime::crlf_from(&body, from);
    }

    // Header block pieces.
    let old_school = shape == Shape::Plain
        && charset == Charset::UsAscii
        && text_cte == Cte::Absent
        && dir.group != Group::Spam
        && rng.percent(40);
    let mut mime_headers = Vec::new();
    if !old_school {
        mime_headers.push(("MIME-Version".to_string(), "1.0".to_string()));
        mime_headers.extend(root.headers);
    }

    let mut from = from_value(rng, &d.from, charset, charset.label())?;
    let mut subject: Vec<u8> = if d.subject.is_ascii() {
        fold(&d.subject).into_bytes()
    } else {
        encoded_words(rng, &d.subject, charset, charset.label())?.into_bytes()
    };
    let mut to = d.to.clone().into_bytes();
    match special {
        Some(Special::Raw8Header) => {
            if !d.subject.is_ascii() {
                subject = encode::encode_text(&d.subject, charset)?;
            } else {
                let name = *rng.pick(ACCENTED);
                let cs = if charset == Charset::Utf8 {
                    Charset::Utf8
                } else {
                    Charset::Latin1
                };
                let mut raw = encode::encode_text(name, cs)?;
                raw.extend_from_slice(format!(" <{}>", d.from.addr).as_bytes());
                from = raw;
            }
        }
        Some(Special::ContinuationNoSpace) => {
            let words: Vec<&str> = d.subject.split(' ').collect();
            if d.subject.is_ascii() && words.len() >= 4 {
                let half = words.len() / 2;
                subject = format!("{}\n{}", words[..half].join(" "), words[half..].join(" "))
                    .into_bytes();
            } else {
                to = format!("{},\n{}", d.to, rng.pick(words::OWNER_ALIASES)).into_bytes();
            }
        }
        _ => {}
    }

    let sender = match d.route {
        Route::List => d.list.map_or(d.from.addr.clone(), |l| l.admin()),
        Route::Bulk => format!("bounce-{}@{}", rng.hex(10), domain_of(&d.from.addr)),
        Route::Spam if rng.percent(50) => format!(
            "{}@{}",
            rng.chars("abcdefghijklmnopqrstuvwxyz0123456789", 8),
            rng.pick(FREEMAIL)
        ),
        _ => d.from.addr.clone(),
    };
    let summer = dates::is_summer(slot.time);
    let zone = sender_zone(rng, &d, &slot, summer);
    let delay = match d.route {
        Route::Spam => rng.range(40, 3 * 86_400),
        Route::Bulk => rng.range(60, 6 * 3600),
        _ => rng.range(20, 2 * 3600),
    };
    let sender_domain = domain_of(&d.from.addr);
    let message_id = if d.route == Route::Spam && rng.percent(15) {
        None
    } else {
        Some(d.mailer.message_id(rng, slot.time - delay, &sender_domain))
    };
    let message = Message {
        sender,
        sender_domain,
        from,
        to,
        cc: d.cc.clone(),
        reply_to: d.reply_to.clone(),
        subject: Some(subject),
        list: d.list,
        route: d.route,
        mailer: d.mailer,
        reply: d.reply,
        extra: d.extra.clone(),
        mime: mime_headers,
        body,
        message_id,
        no_blank_line: special == Some(Special::NoBlankLine),
        headerless: match special {
            Some(Special::NoHeaders(keep)) => Some(keep),
            _ => None,
        },
        time: slot.time,
        date_style: slot.date,
        zone,
        delay,
        period: dir.period,
    };
    Ok(Built {
        slot,
        shape,
        plain_body,
        message,
    })
}

/// Rewrites a readable body so it differs only in whitespace and letter case.
fn near_duplicate_body(rng: &mut Rng, body: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(body.len() + 32);
    let tokens: Vec<&[u8]> = body
        .split(|b| b.is_ascii_whitespace())
        .filter(|t| !t.is_empty())
        .collect();
    let width = rng.range(50, 64) as usize;
    let mut col = 0;
    for (i, tok) in tokens.iter().enumerate() {
        if i > 0 {
            if col + tok.len() > width {
                out.push(b'\n');
                col = 0;
            } else if rng.percent(8) {
                out.extend_from_slice(b"  ");
                col += 2;
            } else {
                out.push(b' ');
                col += 1;
            }
        }
        let shout = rng.percent(10);
        out.extend(
            tok.iter()
                .map(|b| if shout { b.to_ascii_uppercase() } else { *b }),
        );
        col += tok.len();
    }
    out.extend_from_slice(b"\n\n");
    out
}

fn apply_duplicates(rng: &mut Rng, dirs: &mut [Vec<Built>]) {
    let mut used: Vec<Vec<bool>> = dirs.iter().map(|d| vec![false; d.len()]).collect();
    let candidates = |dirs: &[Vec<Built>],
                      used: &[Vec<bool>],
                      dir: usize,
                      near: bool,
                      source: bool|
     -> Vec<usize> {
        (0..dirs[dir].len())
            .filter(|&i| {
                let b = &dirs[dir][i];
                !used[dir][i]
                    && b.slot.special.is_none()
                    && (source || b.slot.foreign.is_none())
                    && (!source || !b.message.body.is_empty())
                    && (!near || !source || b.plain_body)
            })
            .collect()
    };
    for (near, table) in [(false, EXACT_DUPLICATES), (true, NEAR_DUPLICATES)] {
        for &(src_dir, dst_dir, count) in table {
            for _ in 0..count {
                let sources = candidates(dirs, &used, src_dir, near, true);
                if sources.is_empty() {
                    continue;
                }
                let src = sources[rng.below_biased(sources.len())];
                used[src_dir][src] = true;
                let targets = candidates(dirs, &used, dst_dir, near, false);
                if targets.is_empty() {
                    continue;
                }
                let dst = targets[rng.below_biased(targets.len())];
                used[dst_dir][dst] = true;
                let original = &dirs[src_dir][src];
                let mut copy = original.message.clone();
                let shape = original.shape;
                let target = &dirs[dst_dir][dst];
                copy.time = target.slot.time;
                copy.date_style = target.slot.date;
                copy.zone = target.message.zone;
                copy.delay = target.message.delay;
                copy.period = target.message.period;
                let keep_id = copy.route != Route::Spam && src_dir == dst_dir && rng.percent(50);
                if !keep_id {
                    copy.message_id = Some(copy.mailer.message_id(
                        rng,
                        copy.time - copy.delay,
                        &copy.sender_domain,
                    ));
                }
                if near {
                    copy.body = near_duplicate_body(rng, &copy.body);
                }
                let slot = target.slot;
                dirs[dst_dir][dst] = Built {
                    slot,
                    shape,
                    plain_body: false,
                    message: copy,
                };
            }
        }
    }
}

/// The `cmds` file: the renaming commands upstream left behind, written for this corpus.
fn cmds_file(rng: &mut Rng, spam_names: &[String]) -> Vec<u8> {
    let mut out = String::new();
    for name in spam_names.iter().take(7) {
        let (num, _) = name.split_once('.').unwrap_or((name, ""));
        out.push_str(&format!("mv {num}.{} {name}\n", rng.hex(32)));
    }
    out.into_bytes()
}

/// Every file of the mini corpus (messages and `spam/cmds`), sorted by path.
pub fn generate() -> Result<Vec<CorpusFile>> {
    let root = Rng::new(SEED);
    let mut planner = root.fork(1);
    let mut dirs: Vec<Vec<Built>> = Vec::new();
    for (i, dir) in DIRS.iter().enumerate() {
        let slots = plan_dir(&mut planner, i);
        let mut built = Vec::with_capacity(slots.len());
        for (j, slot) in slots.into_iter().enumerate() {
            let mut rng = root.fork(((i as u64 + 1) << 32) | j as u64);
            built.push(
                build(&mut rng, *dir, slot)
                    .with_context(|| format!("building {} message {j}", dir.name))?,
            );
        }
        dirs.push(built);
    }
    let mut dup_rng = root.fork(2);
    apply_duplicates(&mut dup_rng, &mut dirs);

    let mut files = Vec::new();
    for (i, (dir, mut built)) in DIRS.iter().zip(dirs).enumerate() {
        built.sort_by_key(|b| (b.message.time, b.message.delay));
        let mut names = Vec::new();
        for (j, b) in built.iter().enumerate() {
            let mut rng = root.fork(((i as u64 + 1) << 40) | j as u64);
            let bytes = envelope::render(&mut rng, &b.message);
            let name = format!("{:05}.{}", j + 1, manifest::md5_hex(&bytes));
            names.push(name.clone());
            files.push(CorpusFile {
                path: format!("{}/{name}", dir.name),
                bytes,
                group: dir.group,
                period: dir.period,
            });
        }
        if format!("{}/cmds", dir.name) == CMDS {
            let mut rng = root.fork(3);
            files.push(CorpusFile {
                path: CMDS.to_string(),
                bytes: cmds_file(&mut rng, &names),
                group: dir.group,
                period: dir.period,
            });
        }
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(files)
}

/// The manifest text for `files`.
pub fn manifest_text(files: &[CorpusFile]) -> String {
    let entries: Vec<Entry> = files
        .iter()
        .map(|f| manifest::entry_for_bytes(f.path.clone(), &f.bytes, f.group, f.period))
        .collect();
    manifest::render(&entries, false)
}

/// The manifest's file name inside the corpus directory.
pub const MANIFEST: &str = "manifest.tsv";

/// Writes the corpus into `out_dir`, replacing the group directories and the manifest
/// (and leaving anything else, such as `CARD.md`, alone). Returns the files written.
pub fn write(out_dir: &Path) -> Result<Vec<CorpusFile>> {
    let files = generate()?;
    fs::create_dir_all(out_dir).with_context(|| format!("creating {}", out_dir.display()))?;
    for dir in DIRS {
        let path = out_dir.join(dir.name);
        if path.exists() {
            fs::remove_dir_all(&path)
                .with_context(|| format!("removing the old {}", path.display()))?;
        }
        fs::create_dir_all(&path).with_context(|| format!("creating {}", path.display()))?;
    }
    for f in &files {
        let path = out_dir.join(&f.path);
        fs::write(&path, &f.bytes).with_context(|| format!("writing {}", path.display()))?;
    }
    let manifest_path = out_dir.join(MANIFEST);
    fs::write(&manifest_path, manifest_text(&files))
        .with_context(|| format!("writing {}", manifest_path.display()))?;
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typography_curls_quotes_only_where_the_charset_allows() {
        let t = "I don't say \"hi\" - ever...\nsee http://x.example/it's";
        assert_eq!(typography(t, Charset::UsAscii), t);
        let u = typography(t, Charset::Utf8);
        assert!(
            u.contains("don\u{2019}t")
                && u.contains("\u{201C}hi\u{201D}")
                && u.contains('\u{2013}')
        );
        assert!(u.contains('\u{2026}'));
        assert!(u.ends_with("http://x.example/it's"), "URLs are left alone");
    }

    #[test]
    fn near_duplicates_normalise_to_the_same_text() {
        let norm = |b: &[u8]| -> Vec<Vec<u8>> {
            b.split(|c| c.is_ascii_whitespace())
                .filter(|t| !t.is_empty())
                .map(|t| t.to_ascii_lowercase())
                .collect()
        };
        let mut rng = Rng::new(4);
        let body =
            b"Hello there,\n\nthis is   a body with some words in it that\nwill be rewrapped.\n";
        let near = near_duplicate_body(&mut rng, body);
        assert_ne!(near.as_slice(), body.as_slice());
        assert_eq!(norm(&near), norm(body));
    }

    #[test]
    fn plans_fit_their_directories() {
        for (i, dir) in DIRS.iter().enumerate() {
            let plan = &PLANS[i];
            let specials: usize = plan.specials.iter().map(|s| s.1).sum();
            let foreign: usize = plan.foreign.iter().map(|s| s.2).sum();
            assert!(specials + foreign <= dir.count, "{}", dir.name);
            let mut rng = Rng::new(1);
            let slots = plan_dir(&mut rng, i);
            assert_eq!(slots.len(), dir.count);
            assert_eq!(
                slots.iter().filter(|s| s.foreign.is_some()).count(),
                foreign
            );
            assert!(
                slots
                    .iter()
                    .all(|s| s.foreign.is_none() || s.special.is_none())
            );
        }
    }
}
