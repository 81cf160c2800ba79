//! Invented people, places, domains and the slot vocabulary templates draw from.
//!
//! Every name and domain here is made up; domains use reserved names (`example.*`,
//! `.example`, `.invalid`) so nothing points at a real mailbox.

use std::collections::BTreeMap;

use crate::draw::{Draw, Rng};

pub const FIRST: &[&str] = &[
    "Aidan", "Brona", "Ciaran", "Dervla", "Eamon", "Fiona", "Gareth", "Hilde", "Ivo", "Jana",
    "Kasper", "Lotte", "Marek", "Nuala", "Oskar", "Priya", "Quentin", "Rosalind", "Sven", "Tamsin",
    "Ulrich", "Vera", "Wendell", "Yusuf", "Zofia", "Declan", "Maeve", "Rhys", "Ines", "Tobias",
    "Colm", "Saoirse", "Anton", "Greta", "Padraig", "Lena", "Hamish", "Orla", "Felix", "Niamh",
];

pub const LAST: &[&str] = &[
    "Ashdown",
    "Brennock",
    "Calloway",
    "Dunmore",
    "Eskdale",
    "Farrow",
    "Gilchrist",
    "Hatherley",
    "Inchbold",
    "Jessop",
    "Kilbride",
    "Lockhart",
    "Mabbott",
    "Norcott",
    "Oakhurst",
    "Pellow",
    "Quarrie",
    "Rudd",
    "Stanway",
    "Tremlett",
    "Underhill",
    "Vickery",
    "Wadsworth",
    "Yeoland",
    "Carrick",
    "Delahunt",
    "Fennelly",
    "Garvan",
    "Harte",
    "Moylan",
];

/// Names with Latin-1 letters, for senders whose headers carry accents.
pub const ACCENTED: &[&str] = &[
    "Zo\u{eb} Marchetti",
    "Ren\u{e9}e Dufour",
    "J\u{fc}rgen Haldorf",
    "S\u{f8}ren Vester",
    "In\u{e9}s Ca\u{f1}ada",
    "Bj\u{f6}rn Lindqvist",
    "Fran\u{e7}ois Aubert",
];

/// Domains ordinary people write from.
pub const PERSONAL_DOMAINS: &[&str] = &[
    "example.com",
    "example.net",
    "example.org",
    "mailhub.example",
    "nodeworks.example.com",
    "bogfield.invalid",
    "shanvale.example.net",
    "tuxhaven.example.org",
    "kestrel-it.example.com",
    "fenmail.example",
    "corrib.example.net",
    "dunlin.invalid",
];

/// Free webmail-style domains spammers and the occasional ham sender use.
pub const FREEMAIL: &[&str] = &[
    "freemail.example",
    "postbox.example.net",
    "zapmail.invalid",
    "inboxer.example.com",
    "mailfly.example",
];

pub const CITIES: &[&str] = &[
    "Galway", "Leeds", "Utrecht", "Aarhus", "Brno", "Porto", "Tampere", "Cork", "Bremen", "Ghent",
    "Norwich", "Lyon",
];

pub const PUBS: &[&str] = &[
    "Crooked Heron",
    "Lamplighter",
    "Three Anchors",
    "Copper Still",
    "Old Weighhouse",
];

pub const VENUES: &[&str] = &[
    "community centre on Mill Road",
    "library meeting room",
    "computer lab in the Tech building",
    "parish hall",
];

/// Innocent filler words, also used for the "hash buster" salad of later spam.
pub const SALAD: &[&str] = &[
    "lantern", "orchard", "pebble", "quiver", "saddle", "thimble", "violet", "walnut", "harbor",
    "meadow", "candle", "ribbon", "fathom", "gravel", "juniper", "kettle", "ledger", "marble",
    "nectar", "oyster", "parsley", "quarry", "rafter", "sorrel", "tundra", "umber", "velvet",
    "willow", "yonder", "zephyr", "ample", "brisk", "clumsy", "dainty", "eager", "frugal",
    "gentle", "hollow", "idle", "jolly", "keen", "lofty", "mellow", "nimble", "oblong", "placid",
    "quaint", "rustic", "sturdy", "tidy", "upbeat", "vivid", "wistful", "zesty", "beneath",
    "across", "despite", "toward", "although", "whenever",
];

/// A sender: display name (may be empty) and address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    pub name: String,
    pub addr: String,
}

impl Person {
    pub fn new(name: impl Into<String>, addr: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            addr: addr.into(),
        }
    }

    /// `first` name, for sign-offs.
    pub fn first(&self) -> &str {
        self.name.split(' ').next().unwrap_or("")
    }
}

/// A random invented person with a plausible address.
pub fn person(rng: &mut Rng) -> Person {
    let first = *rng.pick(FIRST);
    let last = *rng.pick(LAST);
    let domain = *rng.pick(PERSONAL_DOMAINS);
    let local = match rng.below_biased(5) {
        0 => format!("{}.{}", first, last),
        1 => format!("{}{}", &first[..1], last),
        2 => first.to_string(),
        3 => format!("{}{}", first, rng.range(1, 99)),
        _ => format!("{}_{}", first, &last[..1]),
    };
    Person::new(
        format!("{first} {last}"),
        format!("{}@{domain}", local.to_ascii_lowercase()),
    )
}

/// The corpus's owner: the mailbox every message was delivered to.
pub const OWNER: &str = "kit@hollyhock.example.net";
pub const OWNER_NAME: &str = "Kit Farrow";
pub const OWNER_HOST: &str = "hollyhock.example.net";

/// Addresses of the owner's domain that spam gets sent to.
pub const OWNER_ALIASES: &[&str] = &[
    "kit@hollyhock.example.net",
    "k.farrow@hollyhock.example.net",
    "webmaster@hollyhock.example.net",
    "info@hollyhock.example.net",
    "sales@hollyhock.example.net",
    "kit-lists@hollyhock.example.net",
];

/// Fills `{slot}` placeholders in templates, remembering each choice per message.
pub struct Filler<'a> {
    pub rng: &'a mut Rng,
    pub period: u8,
    values: BTreeMap<String, String>,
}

impl<'a> Filler<'a> {
    pub fn new(rng: &'a mut Rng, period: u8) -> Self {
        Self {
            rng,
            period,
            values: BTreeMap::new(),
        }
    }

    /// Fixes a slot's value for the rest of this message.
    pub fn set(&mut self, slot: &str, value: impl Into<String>) {
        self.values.insert(slot.to_string(), value.into());
    }

    /// A slot's value, chosen on first use.
    pub fn get(&mut self, slot: &str) -> String {
        if let Some(v) = self.values.get(slot) {
            return v.clone();
        }
        let v = slot_value(slot, self.rng, self.period);
        self.values.insert(slot.to_string(), v.clone());
        v
    }

    /// `template` with every `{slot}` replaced.
    pub fn fill(&mut self, template: &str) -> String {
        let mut out = String::with_capacity(template.len() + 32);
        let mut rest = template;
        while let Some(open) = rest.find('{') {
            out.push_str(&rest[..open]);
            let after = &rest[open + 1..];
            match after.find('}') {
                Some(close)
                    if after[..close]
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'_') =>
                {
                    let v = self.get(&after[..close]);
                    out.push_str(&v);
                    rest = &after[close + 1..];
                }
                _ => {
                    out.push('{');
                    rest = after;
                }
            }
        }
        out.push_str(rest);
        out
    }

    /// One template from `templates`, filled.
    pub fn one(&mut self, templates: &[&str]) -> String {
        let t = *self.rng.pick(templates);
        self.fill(t)
    }

    /// `k` distinct templates from `templates`, filled, in their original order.
    pub fn some(&mut self, templates: &[&str], k: usize) -> Vec<String> {
        let mut idx = self.rng.sample(templates.len(), k);
        idx.sort_unstable();
        idx.into_iter().map(|i| self.fill(templates[i])).collect()
    }
}

fn money(rng: &mut Rng, lo: i64, hi: i64, step: i64) -> String {
    let v = rng.range(lo / step, hi / step) * step;
    let s = v.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn slot_value(slot: &str, rng: &mut Rng, period: u8) -> String {
    let p2 = period >= 2;
    match slot {
        "first" | "first2" => rng.pick(FIRST).to_string(),
        "last" => rng.pick(LAST).to_string(),
        "city" => rng.pick(CITIES).to_string(),
        "pub" => rng.pick(PUBS).to_string(),
        "venue" => rng.pick(VENUES).to_string(),
        "day" => rng.range(3, 27).to_string(),
        "hour" => rng.range(7, 10).to_string(),
        "time" => format!("{}:{:02}", rng.range(8, 21), rng.range(0, 11) * 5),
        "weekday" => rng
            .pick(&["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"])
            .to_string(),
        "month" => if p2 {
            rng.pick(&["January", "February", "March", "April"])
        } else {
            rng.pick(&["June", "July", "August", "September", "October"])
        }
        .to_string(),
        "year" => if p2 { "2003" } else { "2002" }.to_string(),
        "quill_ver" => {
            if p2 {
                format!("1.4.{}", rng.range(0, 3))
            } else {
                format!("1.3.{}", rng.range(2, 9))
            }
        }
        "thistle_ver" => {
            if p2 {
                format!("2.5{}", rng.range(0, 4))
            } else {
                format!("2.4{}", rng.range(0, 4))
            }
        }
        "kernel" => {
            if p2 {
                rng.pick(&["2.4.20", "2.4.21-pre4", "2.5.59"]).to_string()
            } else {
                rng.pick(&["2.4.18", "2.4.19", "2.4.19-rc3"]).to_string()
            }
        }
        "os" => rng
            .pick(if p2 {
                &[
                    "Debian testing",
                    "Red Hat 8.0",
                    "Gentoo",
                    "Mandrake 9.0",
                    "FreeBSD 4.7",
                    "SuSE 8.1",
                ][..]
            } else {
                &[
                    "Debian woody",
                    "Red Hat 7.3",
                    "SuSE 8.0",
                    "FreeBSD 4.6",
                    "Slackware 8.1",
                    "Mandrake 8.2",
                ][..]
            })
            .to_string(),
        "n_msgs" => money(rng, 2_000, 90_000, 100),
        "folder" => rng
            .pick(&[
                "inbox",
                "lists/flug",
                "archive-2001",
                "sent-mail",
                "work",
                "receipts",
            ])
            .to_string(),
        "score" => format!("{}.{}", rng.range(5, 14), rng.range(0, 9)),
        "rules" => rng.range(180, 460).to_string(),
        "rate" => format!(
            "{}.{}",
            rng.range(3, 6),
            rng.pick(&["25", "5", "75", "125", "875"])
        ),
        "amount" => money(rng, 50_000, 400_000, 5_000),
        "monthly" => money(rng, 290, 900, 1),
        "weekly" => money(rng, 1_500, 6_000, 50),
        "pct" => (rng.range(4, 16) * 5).to_string(),
        "small_pct" => rng.range(10, 35).to_string(),
        "price" => format!(
            "{}.{}",
            rng.range(9, 199),
            rng.pick(&["99", "95", "00", "49"])
        ),
        "cheap" => format!("{}.{}", rng.range(9, 45), rng.pick(&["99", "95", "00"])),
        "low_price" => format!("{}.{}", rng.range(1, 4), rng.range(10, 99)),
        "target" => format!("{}.{}", rng.range(3, 9), rng.range(10, 90)),
        "millions" => format!("{},{:03},000", rng.range(9, 48), rng.range(1, 9) * 100),
        "count" => money(rng, 2, 48, 1),
        "big_count" => format!("{} million", rng.range(5, 60)),
        "ticker" => rng.chars("ABCDEFGHJKLMNPRSTVWXZ", 4),
        "phone" => format!(
            "1-{}-555-01{:02}",
            rng.pick(&["800", "888", "877", "866"]),
            rng.range(0, 99)
        ),
        "fax" => format!(
            "1-{}-555-01{:02}",
            rng.pick(&["212", "305", "702"]),
            rng.range(0, 99)
        ),
        "lbs" => rng.range(12, 40).to_string(),
        "order" => format!("{}-{}", rng.range(100_000, 999_999), rng.range(10, 99)),
        "item" => rng.range(1_000_000, 3_999_999).to_string(),
        "ref" => format!(
            "{}/{}/{}",
            rng.chars("ABCDEFGHKLMNPRSTWX", 3),
            rng.range(100, 999),
            rng.range(1, 9)
        ),
        "ip" => format!(
            "{}.{}",
            rng.pick(&["192.0.2", "198.51.100", "203.0.113"]),
            rng.range(2, 250)
        ),
        "hex8" => rng.hex(8),
        "num" => rng.range(2, 9).to_string(),
        "rub" => money(rng, 1_500, 9_000, 100),
        "yuan" => money(rng, 800, 5_000, 100),
        "ntd" => money(rng, 990, 3_990, 1_000),
        "yen" => money(rng, 100_000, 500_000, 10_000),
        "czk" => money(rng, 20_000, 300_000, 10_000),
        "eur" => (rng.range(4, 50) * 500).to_string(),
        "ru_phone" => format!(
            "(095) 555-{:02}-{:02}",
            rng.range(10, 99),
            rng.range(10, 99)
        ),
        "cn_phone" => format!("010-5555{:04}", rng.range(0, 9999)),
        "tw_phone" => format!("(02) 2555-{:04}", rng.range(0, 9999)),
        "cz_phone" => format!("800 555 {:03}", rng.range(0, 999)),
        "ru_name" => rng
            .pick(&["Алексей", "Ирина", "Дмитрий", "Ольга", "Сергей", "Наталья"])
            .to_string(),
        "zh_name" => rng.pick(&["小王", "李明", "张伟", "陈静"]).to_string(),
        "ja_name" => rng.pick(&["佐藤", "鈴木", "高橋", "田中"]).to_string(),
        "cs_name" => rng
            .pick(&["Tomáš", "Jana", "Petr", "Lenka", "Jiří"])
            .to_string(),
        "de_name" => rng
            .pick(&["Jürgen", "Anke", "Björn", "Käthe", "Uwe"])
            .to_string(),
        "fr_name" => rng
            .pick(&["Stéphane", "Hélène", "Benoît", "Céline"])
            .to_string(),
        "acct4" => format!("{:04}", rng.range(0, 9999)),
        "word" => rng.pick(SALAD).to_string(),
        _ => panic!("template uses an unknown slot `{{{slot}}}`"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fill_replaces_slots_consistently() {
        let mut rng = Rng::new(3);
        let mut f = Filler::new(&mut rng, 1);
        f.set("first", "Nuala");
        let s = f.fill("Hi {first}, rate {rate}% then {rate}% again; {not a slot}");
        assert!(s.starts_with("Hi Nuala, rate "));
        let parts: Vec<&str> = s.split(" rate ").collect();
        let r1 = parts[1].split('%').next().unwrap();
        assert!(s.contains(&format!("then {r1}% again")));
        assert!(s.ends_with("{not a slot}"));
    }

    #[test]
    fn money_has_thousands_separators() {
        let mut rng = Rng::new(5);
        let m = money(&mut rng, 100_000, 100_000, 1);
        assert_eq!(m, "100,000");
    }
}
