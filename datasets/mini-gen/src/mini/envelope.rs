//! A message's envelope and header block: the mbox `From ` line, Received chains,
//! Message-ID, list headers, and the final rendering of a message to bytes.

use crate::draw::{Draw, Rng};

use super::dates::{self, DateStyle};
use super::draft::{List, Mailer, Route};
use super::words::{OWNER, OWNER_HOST};

/// A message ready to render: content fixed, envelope chosen at render time.
#[derive(Debug, Clone)]
pub struct Message {
    /// Envelope sender (Return-Path and the `From ` line).
    pub sender: String,
    /// Domain the message claims to come from.
    pub sender_domain: String,
    /// `From:` value, possibly RFC 2047 or raw 8-bit.
    pub from: Vec<u8>,
    pub to: Vec<u8>,
    pub cc: Option<String>,
    pub reply_to: Option<String>,
    /// `Subject:` value, possibly encoded, folded, or damaged; `None` leaves it out.
    pub subject: Option<Vec<u8>>,
    pub list: Option<&'static List>,
    pub route: Route,
    pub mailer: Mailer,
    pub reply: bool,
    pub extra: Vec<(&'static str, String)>,
    /// MIME-Version and Content-* headers of the top-level entity.
    pub mime: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// A Message-ID fixed at build time (kept by some duplicates); else made at render.
    pub message_id: Option<String>,
    /// Leave out the blank line between header and body.
    pub no_blank_line: bool,
    /// Write only the body: `Some(true)` keeps the `From ` line, `Some(false)` drops it too.
    pub headerless: Option<bool>,
    /// Received at (UTC seconds).
    pub time: i64,
    pub date_style: DateStyle,
    /// The sender's zone, minutes east of UTC.
    pub zone: i32,
    /// Seconds between writing and delivery.
    pub delay: i64,
    pub period: u8,
}

fn owner_zone(secs: i64) -> i32 {
    if dates::is_summer(secs) { 60 } else { 0 }
}

fn owner_stamp(secs: i64) -> String {
    let z = owner_zone(secs);
    let name = if z == 60 { "IST" } else { "GMT" };
    format!("{} ({name})", dates::rfc2822_padded(secs, z))
}

fn stamp(rng: &mut Rng, secs: i64, zone: i32) -> String {
    if rng.percent(40)
        && let Some(name) = dates::zone_name(zone, dates::is_summer(secs))
    {
        return format!("{} ({name})", dates::rfc2822_padded(secs, zone));
    }
    dates::rfc2822(secs, zone)
}

fn smtp_id(rng: &mut Rng, style: usize) -> String {
    match style % 3 {
        0 => rng.hex(10).to_uppercase(),
        1 => format!(
            "g{}{}",
            rng.chars("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ", 6),
            rng.range(10_000, 99_999)
        ),
        _ => format!(
            "{}-{}-00",
            rng.chars(
                "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
                6
            ),
            rng.chars("0123456789ABCDEF", 4)
        ),
    }
}

fn doc_ip(rng: &mut Rng) -> String {
    format!(
        "{}.{}",
        rng.pick(&["192.0.2", "198.51.100", "203.0.113"]),
        rng.range(2, 250)
    )
}

fn private_ip(rng: &mut Rng) -> String {
    match rng.below_biased(3) {
        0 => format!(
            "10.{}.{}.{}",
            rng.range(0, 255),
            rng.range(0, 255),
            rng.range(2, 250)
        ),
        1 => format!("192.168.{}.{}", rng.range(0, 9), rng.range(2, 250)),
        _ => format!("172.16.{}.{}", rng.range(0, 31), rng.range(2, 250)),
    }
}

/// The Received headers, newest first, for a message delivered at `m.time`.
fn received_chain(rng: &mut Rng, m: &Message) -> Vec<String> {
    let mut hops = Vec::new();
    let mut t = m.time;
    // Local delivery on the owner's machine, fetched from the mail host.
    let local_style = rng.below_biased(3);
    if local_style < 2 {
        hops.push(format!(
            "from {OWNER_HOST} [127.0.0.1]\n\tby localhost with {} (fetchmail-5.9.{})\n\tfor kit@localhost (single-drop); {}",
            if local_style == 0 { "IMAP" } else { "POP3" },
            rng.range(0, 13),
            owner_stamp(t)
        ));
        t -= rng.range(5, 900);
    }
    let mx = format!("mx.{OWNER_HOST}");
    let owner_id = smtp_id(rng, 1);
    let (first_host, first_ip) = match m.route {
        Route::List => {
            let list = m.list.expect("list route has a list");
            (list.host.to_string(), list.ip.to_string())
        }
        Route::Direct => (format!("smtp.{}", m.sender_domain), doc_ip(rng)),
        Route::Bulk => (
            format!("mailer{}.{}", rng.range(1, 12), m.sender_domain),
            doc_ip(rng),
        ),
        Route::Spam => {
            let relay = format!(
                "{}.{}",
                rng.pick(&["mail", "smtp", "relay", "ns1", "www", "exchange"]),
                rng.pick(&[
                    "oldrelay.example.net",
                    "openmail.invalid",
                    "chungwa-host.example",
                    "tradeport.example.org",
                    "biz-server.invalid",
                    "dialup.example.com",
                ])
            );
            (relay, doc_ip(rng))
        }
    };
    hops.push(format!(
        "from {first_host} ({first_host} [{first_ip}])\n\tby {mx} (8.12.{}/8.12.{}) with ESMTP id {owner_id}\n\tfor <{}>; {}",
        rng.range(1, 8),
        rng.range(1, 8),
        if m.list.is_some() { "kit-lists@hollyhock.example.net" } else { OWNER },
        owner_stamp(t)
    ));
    t -= rng.range(1, 240);
    let sender_zone = m.zone;
    match m.route {
        Route::List => {
            let list = m.list.expect("list route has a list");
            hops.push(format!(
                "from {} (localhost.localdomain [127.0.0.1])\n\tby {} (Postfix) with ESMTP id {}; {}",
                list.host,
                list.host,
                smtp_id(rng, 0),
                stamp(rng, t, -300)
            ));
            t -= rng.range(1, 120);
            hops.push(format!(
                "from smtp.{} ([{}])\n\tby {} (Postfix) with ESMTP id {}\n\tfor <{}>; {}",
                m.sender_domain,
                doc_ip(rng),
                list.host,
                smtp_id(rng, 0),
                list.address(),
                stamp(rng, t, -300)
            ));
            t -= rng.range(1, 200);
            hops.push(format!(
                "from [{}] (helo=workstation)\n\tby smtp.{} with esmtp (Exim 3.{} #1)\n\tid {}; {}",
                private_ip(rng),
                m.sender_domain,
                rng.range(30, 36),
                smtp_id(rng, 2),
                stamp(rng, t, sender_zone)
            ));
        }
        Route::Direct => {
            hops.push(format!(
                "from {} ([{}])\n\tby smtp.{} with esmtp (Exim 3.{} #1)\n\tid {}; {}",
                rng.pick(&["localhost", "laptop", "desktop", "homepc"]),
                private_ip(rng),
                m.sender_domain,
                rng.range(30, 36),
                smtp_id(rng, 2),
                stamp(rng, t, sender_zone)
            ));
        }
        Route::Bulk => {
            hops.push(format!(
                "(qmail {} invoked by uid {}); {}",
                rng.range(1000, 99_999),
                rng.range(100, 999),
                dates::rfc2822(t, 0).replace("+0000", "-0000")
            ));
        }
        Route::Spam => {
            for _ in 0..rng.range(0, 2) {
                t -= rng.range(1, 3600);
                hops.push(format!(
                    "from {} ([{}]) by {}.example.{} with SMTP\n\t(Mail Server v{}.{}) id {}; {}",
                    rng.pick(&["unknown", "user", "pc", "mail"]),
                    doc_ip(rng),
                    rng.chars("abcdefghijklmnopqrstuvwxyz", 6),
                    rng.pick(&["com", "net", "org"]),
                    rng.range(1, 9),
                    rng.range(0, 9),
                    smtp_id(rng, 0),
                    stamp(rng, t, sender_zone)
                ));
            }
            if rng.percent(30) {
                let forged = t - rng.range(0, 86_400 * 3);
                // A hop written by the spam tool itself, with a made-up host.
                hops.push(format!(
                    "from {} (HELO {}) ([{}])\n\tby {} with SMTP; {}",
                    rng.chars("abcdefghijklmnopqrstuvwxyz", 8),
                    rng.chars("abcdefghijklmnopqrstuvwxyz", 5),
                    doc_ip(rng),
                    rng.pick(&[
                        "mailserver.example",
                        "localhost",
                        "bigmail.example",
                        "webpost.example"
                    ]),
                    stamp(rng, forged, sender_zone)
                ));
            }
        }
    }
    hops
}

fn list_headers(list: &List) -> Vec<(&'static str, String)> {
    let addr = list.address();
    let request = format!("{}-request@{}", list.name, list.domain);
    let info = format!("http://{}/mailman/listinfo/{}", list.domain, list.name);
    vec![
        ("Sender", list.admin()),
        ("Errors-To", list.admin()),
        ("X-BeenThere", addr.clone()),
        ("X-Mailman-Version", "2.0.13".to_string()),
        ("Precedence", "bulk".to_string()),
        ("List-Help", format!("<mailto:{request}?subject=help>")),
        ("List-Post", format!("<mailto:{addr}>")),
        (
            "List-Subscribe",
            format!("<{info}>,\n\t<mailto:{request}?subject=subscribe>"),
        ),
        (
            "List-Id",
            format!("{} <{}.{}>", list.title, list.name, list.domain),
        ),
        (
            "List-Unsubscribe",
            format!("<{info}>,\n\t<mailto:{request}?subject=unsubscribe>"),
        ),
        (
            "List-Archive",
            format!("<http://{}/pipermail/{}/>", list.domain, list.name),
        ),
    ]
}

fn push_header(out: &mut Vec<u8>, name: &str, value: &[u8]) {
    out.extend_from_slice(name.as_bytes());
    out.extend_from_slice(b": ");
    out.extend_from_slice(value);
    out.push(b'\n');
}

/// Renders `m` to the bytes of one corpus file.
pub fn render(rng: &mut Rng, m: &Message) -> Vec<u8> {
    let mut out = Vec::new();
    let from_line = format!(
        "From {}  {}\n",
        if m.sender.is_empty() {
            "MAILER-DAEMON"
        } else {
            &m.sender
        },
        dates::ctime(m.time, owner_zone(m.time))
    );
    if let Some(keep_from_line) = m.headerless {
        if keep_from_line {
            out.extend_from_slice(from_line.as_bytes());
        }
        out.extend_from_slice(&m.body);
        return out;
    }
    out.extend_from_slice(from_line.as_bytes());
    push_header(
        &mut out,
        "Return-Path",
        format!("<{}>", m.sender).as_bytes(),
    );
    if rng.percent(75) {
        let to = if m.list.is_some() {
            "kit-lists@hollyhock.example.net"
        } else {
            OWNER
        };
        push_header(&mut out, "Delivered-To", to.as_bytes());
    }
    for hop in received_chain(rng, m) {
        push_header(&mut out, "Received", hop.as_bytes());
    }

    let sent = m.time - m.delay;
    let mut block: Vec<(&str, Vec<u8>)> = Vec::new();
    block.push(("From", m.from.clone()));
    block.push(("To", m.to.clone()));
    if let Some(cc) = &m.cc {
        block.push(("Cc", cc.clone().into_bytes()));
    }
    if let Some(s) = &m.subject {
        block.push(("Subject", s.clone()));
    }
    if let Some(date) = dates::render(m.date_style, sent, m.zone, rng) {
        block.push(("Date", date.into_bytes()));
    }
    let msg_id = match &m.message_id {
        Some(id) => Some(id.clone()),
        None if m.route == Route::Spam && rng.percent(15) => None,
        None => Some(m.mailer.message_id(rng, sent, &m.sender_domain)),
    };
    if let Some(id) = msg_id {
        block.push(("Message-ID", id.into_bytes()));
    }
    if m.reply {
        let parent = format!(
            "<{}.{}@{}>",
            rng.hex(8),
            rng.range(1000, 9999),
            m.sender_domain
        );
        block.push(("In-Reply-To", parent.clone().into_bytes()));
        block.push(("References", parent.into_bytes()));
    }
    if let Some(r) = &m.reply_to {
        block.push(("Reply-To", r.clone().into_bytes()));
    }
    for (name, value) in &m.mime {
        block.push((name.as_str(), value.clone().into_bytes()));
    }
    if let Some((name, value)) = m.mailer.header(rng, m.period) {
        block.push((name, value.into_bytes()));
    }
    for (name, value) in &m.extra {
        block.push((name, value.clone().into_bytes()));
    }
    if m.route == Route::Spam && rng.percent(60) {
        // Spam tools wrote their headers in no particular order.
        rng.shuffle(&mut block);
    }
    for (name, value) in &block {
        push_header(&mut out, name, value);
    }
    if let Some(list) = m.list {
        for (name, value) in list_headers(list) {
            push_header(&mut out, name, value.as_bytes());
        }
    }
    if !m.no_blank_line {
        out.push(b'\n');
    }
    out.extend_from_slice(&m.body);
    out
}
