//! Hard ham: newsletters and notices the owner signed up for, which look like spam.
//!
//! Promotions, prices, "click here", unsubscribe links and HTML tables, but solicited.
//! All brands and text are invented for this corpus.

use crate::draw::{Draw, Rng};
use crate::encode::html_escape;

use super::draft::{Draft, Mailer, Route};
use super::ham::{push_para, wrap};
use super::words::{Filler, OWNER, OWNER_NAME, Person};

struct Brand {
    name: &'static str,
    domain: &'static str,
    sender: &'static str,
    colour: &'static str,
    subjects: &'static [&'static str],
    intros: &'static [&'static str],
    /// (item, regular price); the sale price is worked out per message. No price: "".
    items: &'static [(&'static str, &'static str)],
    /// Paragraphs for notice-style mail (no price list).
    paras: &'static [&'static str],
    call: &'static str,
    address: &'static str,
}

const BRANDS: &[Brand] = &[
    Brand {
        name: "Parcel & Pine Outfitters",
        domain: "parcelpine.example.com",
        sender: "deals",
        colour: "#2f5d3a",
        subjects: &[
            "Weekend sale: up to {pct}% off tents and sleeping bags",
            "Your {month} catalogue is here",
            "Free shipping ends Sunday",
            "Members save an extra {small_pct}% this week",
        ],
        intros: &[
            "Summer is not over yet. Stock up for the last trips of the season with our biggest sale of the year.",
            "Our new catalogue is out, with forty new products tested by our own staff on the hills.",
            "As a member you get first pick of this week's reductions, before they go on the web site for everyone.",
        ],
        items: &[
            ("Ridgeline two-person tent", "249.00"),
            ("Down sleeping bag, rated to -5\u{b0}C", "189.00"),
            ("Trail running shoes", "99.00"),
            ("Merino base layer", "59.00"),
            ("Waterproof shell jacket", "210.00"),
            ("Three-LED headlamp", "29.00"),
        ],
        paras: &[],
        call: "Shop the sale now",
        address: "Parcel & Pine Outfitters, 12 Mill Lane, Kendrick, KE4 9PP",
    },
    Brand {
        name: "Faraway Fares",
        domain: "farawayfares.example.net",
        sender: "hotdeals",
        colour: "#1d4f91",
        subjects: &[
            "Fares from ${price} this week",
            "Last-minute sun: three nights from ${price}",
            "This week's top ten deals",
            "Fare alert: {city} from ${price}",
        ],
        intros: &[
            "You asked us to tell you when fares drop. This week they dropped a lot.",
            "Pack a bag: these deals are for travel in the next three weeks only.",
            "Here are this week's best fares from your home airport, chosen by our travel team.",
        ],
        items: &[
            ("Dublin to Lisbon, return", "310"),
            ("London to Prague, return", "260"),
            ("Boston to Reykjavik, return", "540"),
            ("Manchester to Malaga, 3 nights with hotel", "420"),
            ("Glasgow to Barcelona, return", "280"),
            ("Cork to {city}, return", "230"),
        ],
        paras: &[],
        call: "See all fares",
        address: "Faraway Fares Ltd, 4 Harbour Row, Port Ellery",
    },
    Brand {
        name: "Bitshelf Software",
        domain: "bitshelf.example.com",
        sender: "news",
        colour: "#553399",
        subjects: &[
            "Bitshelf Backup 4.0 is here: upgrade pricing for registered users",
            "Special offer for existing customers ends Friday",
            "Tips: scheduling your backups",
        ],
        intros: &[
            "Thank you for registering Bitshelf Backup. Version 4.0 is out today, and as a registered user you can upgrade at a special price.",
            "This month's newsletter has tips for getting more out of scheduled backups, and a limited-time offer for existing customers.",
        ],
        items: &[
            ("Bitshelf Backup 4.0 upgrade", "49.95"),
            ("Bitshelf Sync (new!)", "39.95"),
            ("Family pack, three PCs", "99.95"),
        ],
        paras: &[],
        call: "Upgrade now",
        address: "Bitshelf Software Inc., 77 Innovation Way, Suite 300, Lakeview",
    },
    Brand {
        name: "Gadgetorium",
        domain: "gadgetorium.example.com",
        sender: "offers",
        colour: "#cc3300",
        subjects: &[
            "Clearance: digital cameras from ${price}",
            "Members-only prices this weekend",
            "FREE memory card with every camera",
        ],
        intros: &[
            "Our warehouse is full and the new models arrive next month, so everything below must go.",
            "This weekend only, Gadgetorium Club members pay less than anyone else. Just sign in before you check out.",
        ],
        items: &[
            ("3.2 megapixel digital camera", "399.00"),
            ("128MB USB memory key", "69.00"),
            ("DVD player with remote", "149.00"),
            ("17-inch flat screen monitor", "599.00"),
            ("20GB MP3 player", "349.00"),
        ],
        paras: &[],
        call: "Click here to shop",
        address: "Gadgetorium, 901 Commerce Park Drive, Riverton",
    },
    Brand {
        name: "The Copper Kettle",
        domain: "copperkettle.example.org",
        sender: "kitchen",
        colour: "#8a4b08",
        subjects: &[
            "This week in the kitchen: {num} new recipes",
            "Subscribe now and get 3 issues FREE",
        ],
        intros: &[
            "Autumn is soup season. This week our readers sent in their favourite warming recipes.",
            "Thank you for reading our weekly recipe letter. Magazine subscribers get twice as many recipes every month.",
        ],
        items: &[
            ("Roast squash and ginger soup", ""),
            ("Lemon and thyme chicken", ""),
            ("Apple and blackberry crumble", ""),
            ("Three-bean chilli", ""),
            ("Print subscription, 12 issues", "36.00"),
        ],
        paras: &[],
        call: "Get the recipes",
        address: "The Copper Kettle, PO Box 211, Ashbury",
    },
    Brand {
        name: "Northgate Bank",
        domain: "northgatebank.example.com",
        sender: "notices",
        colour: "#003366",
        subjects: &[
            "Your e-statement is ready",
            "Important changes to your account terms",
            "Security reminder from Northgate Bank",
        ],
        intros: &["Dear {owner},"],
        items: &[],
        paras: &[
            "Your statement for the account ending {acct4} is now available in Online Banking. Sign in at our web site as usual to view or print it.",
            "From 1 {month} the monthly fee on current accounts will change. The full terms are available in Online Banking and at any branch.",
            "Please remember that Northgate Bank will never ask you for your password or PIN by email. If you receive a message that does, do not reply and do not click any links in it.",
            "To stop receiving paper statements, change your preferences in Online Banking under Settings.",
        ],
        call: "Sign in to Online Banking",
        address: "Northgate Bank plc, 1 Castle Street, Northgate",
    },
    Brand {
        name: "Bidvale",
        domain: "bidvale.example.com",
        sender: "notify",
        colour: "#336699",
        subjects: &[
            "You have been outbid on item #{item}",
            "Reminder: your watched item ends in 24 hours",
            "Bidvale: your item has sold!",
        ],
        intros: &["Hello {owner},"],
        items: &[],
        paras: &[
            "Another bidder has placed a higher maximum bid on item #{item}. The current price is ${price}. You can bid again until the auction ends on {weekday}.",
            "An item on your watch list ends in less than 24 hours. Don't miss out: place your bid now.",
            "Congratulations! Your item #{item} sold for ${price}. Please wait for the buyer's payment before you send the item.",
            "This message was sent to you because of your notification preferences. You can change them at any time in My Bidvale.",
        ],
        call: "View the item",
        address: "Bidvale Inc., 250 Auction Square, Marlow Bay",
    },
    Brand {
        name: "NetOps Summit {year}",
        domain: "netops-summit.example.org",
        sender: "register",
        colour: "#444444",
        subjects: &[
            "Early registration closes Friday: save $200",
            "Speaker line-up announced",
        ],
        intros: &[
            "Last year's summit sold out two weeks early. This year we have moved to a bigger venue in {city}, but the early-bird rate still ends on Friday.",
        ],
        items: &[
            ("Full conference pass", "995"),
            ("Tutorial day", "450"),
            ("Student pass", "250"),
        ],
        paras: &[],
        call: "Register now",
        address: "NetOps Summit, c/o Event Lane Ltd, 9 Quay Street",
    },
];

/// A discounted price in the same style as `was` (`""` stays `""`).
fn sale_price(rng: &mut Rng, was: &str) -> String {
    let whole = was.split('.').next().unwrap_or("");
    let Ok(regular) = whole.parse::<i64>() else {
        return String::new();
    };
    let now = (regular * (100 - rng.range(15, 60)) / 100).max(1);
    if was.contains('.') {
        format!("{now}.{}", rng.pick(&["99", "95", "00"]))
    } else {
        format!("{now}")
    }
}

/// A newsletter or notice from one of the invented brands.
pub fn newsletter(rng: &mut Rng, period: u8) -> Draft {
    let brand = rng.pick(BRANDS);
    let mut f = Filler::new(rng, period);
    f.set("owner", OWNER_NAME);
    let name = f.fill(brand.name);
    let subject = f.one(brand.subjects);
    let intro = f.one(brand.intros);
    let site = format!("http://www.{}", brand.domain);
    let track = f.rng.hex(10);
    let items: Vec<(String, String, String)> = if brand.items.is_empty() {
        Vec::new()
    } else {
        let k = f.rng.range(2, brand.items.len().min(4) as i64) as usize;
        let idx = f.rng.sample(brand.items.len(), k);
        idx.into_iter()
            .map(|i| {
                let (item, was) = brand.items[i];
                let now = sale_price(f.rng, was);
                (f.fill(item), was.to_string(), now)
            })
            .collect()
    };
    let paras: Vec<String> = if brand.paras.is_empty() {
        Vec::new()
    } else {
        let k = f.rng.range(2, 3) as usize;
        f.some(brand.paras, k)
    };
    let year = f.get("year");
    let unsub = format!(
        "{site}/unsubscribe?e=kit%40hollyhock.example.net&list={}",
        f.rng.hex(6)
    );

    // Plain-text version.
    let mut text = String::new();
    push_para(&mut text, &intro);
    for p in &paras {
        push_para(&mut text, p);
    }
    for (item, was, now) in &items {
        if now.is_empty() {
            text.push_str(&format!("* {item}\n"));
        } else {
            text.push_str(&format!("* {item}: was ${was}, NOW ${now}\n"));
        }
    }
    if !items.is_empty() {
        text.push('\n');
    }
    text.push_str(&format!("{}: {site}/go?t={track}\n\n", brand.call));
    text.push_str("--\n");
    for line in wrap(
        &format!(
            "You are receiving this email because you signed up at {site} with the address {OWNER}. To unsubscribe, visit {unsub} or reply with REMOVE in the subject line."
        ),
        70,
    ) {
        text.push_str(&line);
        text.push('\n');
    }
    text.push_str(&format!("(c) {year} {}\n", brand.address));

    // HTML version.
    let mut html = String::new();
    html.push_str(&format!(
        "<html>\n<head>\n<title>{}</title>\n<meta http-equiv=\"Content-Type\" content=\"text/html\">\n</head>\n<body bgcolor=\"#ffffff\" leftmargin=\"0\" topmargin=\"0\">\n<!-- header -->\n<table width=\"600\" cellpadding=\"0\" cellspacing=\"0\" border=\"0\" align=\"center\">\n<tr><td bgcolor=\"{}\"><a href=\"{site}/?src=email&amp;t={track}\"><img src=\"http://images.{}/nl/logo.gif\" width=\"600\" height=\"80\" border=\"0\" alt=\"{}\"></a></td></tr>\n<tr><td>&nbsp;</td></tr>\n",
        html_escape(&name),
        brand.colour,
        brand.domain,
        html_escape(&name)
    ));
    html.push_str(&format!(
        "<tr><td><font face=\"Arial, Helvetica, sans-serif\" size=\"2\">{}</font></td></tr>\n",
        html_escape(&intro)
    ));
    for p in &paras {
        html.push_str(&format!(
            "<tr><td><font face=\"Arial, Helvetica, sans-serif\" size=\"2\">{}</font><br>&nbsp;</td></tr>\n",
            html_escape(p)
        ));
    }
    if !items.is_empty() {
        html.push_str("<!-- offers -->\n<tr><td><table width=\"100%\" cellpadding=\"4\" cellspacing=\"0\" border=\"0\">\n");
        for (item, was, now) in &items {
            if now.is_empty() {
                html.push_str(&format!(
                    "<tr><td><font face=\"Arial\" size=\"2\"><b>{}</b></font></td><td>&nbsp;</td></tr>\n",
                    html_escape(item)
                ));
            } else {
                html.push_str(&format!(
                    "<tr><td><font face=\"Arial\" size=\"2\"><b>{}</b></font></td><td align=\"right\"><font face=\"Arial\" size=\"2\">was <s>${was}</s>&nbsp;&nbsp;<font color=\"#cc0000\"><b>NOW ${now}</b></font></font></td></tr>\n",
                    html_escape(item)
                ));
            }
        }
        html.push_str("</table></td></tr>\n");
    }
    html.push_str(&format!(
        "<tr><td align=\"center\"><br><a href=\"{site}/go?t={track}\"><font face=\"Arial\" size=\"3\" color=\"{}\"><b>{} &gt;&gt;</b></font></a><br>&nbsp;</td></tr>\n",
        brand.colour, brand.call
    ));
    html.push_str(&format!(
        "<!-- footer -->\n<tr><td><font face=\"Arial\" size=\"1\" color=\"#666666\">You are receiving this email because you signed up at {site} with the address {OWNER}. To unsubscribe, <a href=\"{}\">click here</a> or reply with REMOVE in the subject line.<br>&copy; {year} {}</font></td></tr>\n</table>\n<img src=\"http://track.{}/open.gif?t={track}\" width=\"1\" height=\"1\">\n</body>\n</html>\n",
        html_escape(&unsub),
        html_escape(brand.address),
        brand.domain
    ));

    let from = Person::new(name, format!("{}@{}", brand.sender, brand.domain));
    let mut d = Draft::new(subject, from, OWNER.to_string(), text, Mailer::Listcaster);
    d.html = Some(html);
    d.route = Route::Bulk;
    d.html_bias = 85;
    d.extra.push(("Precedence", "bulk".to_string()));
    d.extra.push((
        "List-Unsubscribe",
        format!("<mailto:unsubscribe-{track}@{}>", brand.domain),
    ));
    d
}
