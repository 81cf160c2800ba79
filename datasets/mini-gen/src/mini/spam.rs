//! English spam of both periods: 2002 themes (mortgages, herbal pills, work at home,
//! advance-fee letters, toner, cable descramblers) and the later ones (stock tips,
//! phishing, replica watches, cheap software, pharmacy, dating). All text invented.

use crate::draw::{Draw, Rng};
use crate::encode::html_escape;

use super::draft::{Draft, Mailer, Route};
use super::ham::push_para;
use super::words::{self, FREEMAIL, Filler, OWNER_ALIASES, Person, SALAD};

/// One spam campaign type.
struct Pitch {
    domains: &'static [&'static str],
    senders: &'static [&'static str],
    subjects: &'static [&'static str],
    hooks: &'static [&'static str],
    paras: &'static [&'static str],
    calls: &'static [&'static str],
    /// Percent chance the sender writes HTML.
    html: u32,
}

const MORTGAGE: Pitch = Pitch {
    domains: &[
        "lowrate-lenders.example",
        "refi-quotes.invalid",
        "homeloan-now.example.com",
    ],
    senders: &["Mortgage Center", "Rate Watch", "Home Loan Desk", ""],
    subjects: &[
        "Refinance now at {rate}% - rates are dropping",
        "Lower your monthly payment today",
        "Homeowners: get cash out of your home",
        "Your application has been pre-approved",
        "RE: your loan quote",
        "Rates at a 40 year low!!!",
    ],
    hooks: &[
        "Interest rates are at their lowest point in forty years.",
        "Why pay more than you have to for your mortgage?",
        "Dear Homeowner,",
        "You have been pre-approved for a home loan of up to ${amount}.",
    ],
    paras: &[
        "Whether your credit is excellent or not so good, our network of lenders will compete for your business. Fill out our short form and receive up to four free quotes within 24 hours.",
        "There is no cost and no obligation. It takes less than a minute.",
        "Get cash out for home improvements, debt consolidation or that dream vacation you keep putting off.",
        "A ${amount} loan for as little as ${monthly} per month! Fixed rates from {rate}%.",
        "Even with bad credit, bankruptcy or late payments, we can help. Self-employed welcome.",
        "This is not a commitment to lend. Rates subject to change without notice.",
    ],
    calls: &[
        "Apply now at {link}",
        "Click here for your free quote: {link}",
        "Visit {link} to see how much you can save",
    ],
    html: 55,
};

const HERBAL: Pitch = Pitch {
    domains: &[
        "vitaherb.example",
        "natural-edge.invalid",
        "herbalpeak.example.net",
    ],
    senders: &["Natural Health", "Dr. Green's Formula", "Vitality Labs", ""],
    subjects: &[
        "Lose {lbs} pounds in 30 days - guaranteed",
        "All-natural formula burns fat while you sleep",
        "Feel 20 years younger",
        "Doctor-recommended herbal blend",
        "Increase your energy naturally",
    ],
    hooks: &[
        "Finally, an all-natural way to lose weight without dieting!",
        "Are you tired all the time? Our herbal formula can help.",
        "Doctors are amazed by this breakthrough formula.",
    ],
    paras: &[
        "Our exclusive blend of rare herbs boosts your metabolism and curbs your appetite, so the pounds simply melt away. No prescription needed.",
        "\"I lost {lbs} lbs in the first month and I have never felt better!\" - Sandra K.",
        "\"My energy is back, my wife has noticed the difference, and I sleep like a baby.\" - Robert T.",
        "100% natural ingredients. No side effects. Made in an FDA-registered facility.",
        "Order today and get a second bottle FREE. Supplies are limited!",
        "Our 60-day money-back guarantee means you have nothing to lose but the weight.",
    ],
    calls: &[
        "Order now: {link}",
        "CLICK HERE to claim your free bottle: {link}",
    ],
    html: 65,
};

const WORK_HOME: Pitch = Pitch {
    domains: &[
        "homeincome-pro.example",
        "bizopp4u.invalid",
        "kitchen-table-cash.example.com",
    ],
    senders: &["Home Business Team", "Income Opportunity", ""],
    subjects: &[
        "Earn ${weekly} a week from home",
        "Be your own boss",
        "Make money while you sleep",
        "No experience needed - start today",
        "Re: the opportunity we discussed",
    ],
    hooks: &[
        "Would an extra ${weekly} a week change your life?",
        "Dear Friend,",
        "Are you tired of working for someone else?",
    ],
    paras: &[
        "Our proven system lets ordinary people earn a full-time income from their kitchen table. No selling, no meetings, no experience needed.",
        "This is NOT multi-level marketing. You simply process orders from home in your spare time and we pay you for each one.",
        "Only {count} positions are left in your area, so act now before someone else takes your place.",
        "Thousands of people just like you have already quit their jobs. Why not you?",
        "Everything you need comes in our starter kit for a one-time fee of ${price}, fully refundable if you are not satisfied.",
    ],
    calls: &[
        "Get started today: {link}",
        "Reply to this message with YES in the subject for free information.",
    ],
    html: 40,
};

const TONER: Pitch = Pitch {
    domains: &["tonerdepot.example.net", "inkworks-direct.invalid"],
    senders: &["Toner Depot", "Office Supply Outlet", ""],
    subjects: &[
        "Save up to {pct}% on toner cartridges",
        "Laser and inkjet supplies at wholesale prices",
        "Running low on ink?",
    ],
    hooks: &[
        "Stop paying retail for printer supplies!",
        "Attention office managers:",
    ],
    paras: &[
        "We carry compatible cartridges for all major printer and copier brands, at up to {pct}% below the price at the office superstore.",
        "Every cartridge is brand new, never refilled, and covered by a one-year guarantee.",
        "FREE shipping on orders over $50. Government, school and business accounts welcome.",
        "Call toll free {phone} or fax your order to {fax}.",
    ],
    calls: &["Order online at {link}"],
    html: 45,
};

const CABLE: Pitch = Pitch {
    domains: &["cablefilter-direct.example", "freeview-boxes.invalid"],
    senders: &["Cable Direct", ""],
    subjects: &[
        "Watch every pay-per-view event FREE",
        "Cable descrambler kits - order now",
        "Stop paying for premium channels",
    ],
    hooks: &[
        "Why pay for pay-per-view?",
        "Get every movie, sports event and premium channel your cable company offers.",
    ],
    paras: &[
        "Our descrambler kit works with over 95% of cable systems in the country. Simply connect it between the wall and your cable box.",
        "Easy to install, no technical skills needed. Complete instructions included.",
        "Only ${price} with free shipping. This offer will not be repeated.",
        "For information and educational purposes only. It is your responsibility to check the laws in your area.",
    ],
    calls: &["Order yours now: {link}", "Call {phone} 24 hours a day."],
    html: 35,
};

const BULK_LISTS: Pitch = Pitch {
    domains: &["listking.example", "mailblast-lists.invalid"],
    senders: &["List King", "Bulk Solutions", ""],
    subjects: &[
        "Send your ad to {big_count} people",
        "Fresh email lists - {big_count} addresses",
        "Bulk email software that works",
    ],
    hooks: &[
        "Do you have a product or service to sell?",
        "Attention business owners!",
    ],
    paras: &[
        "We will send your advertisement to {big_count} targeted email addresses for less than the cost of a newspaper ad.",
        "Our lists are fresh, verified and sorted by country and interest.",
        "Our bulk mail software sends up to 100,000 messages an hour from your own computer, through thousands of relays.",
        "Satisfaction guaranteed or we resend your ad for free.",
    ],
    calls: &["Visit {link} or call {phone}."],
    html: 30,
};

const DEBT: Pitch = Pitch {
    domains: &["debtfree-now.invalid", "credit-relief.example.com"],
    senders: &["Debt Relief Network", ""],
    subjects: &[
        "Eliminate your credit card debt",
        "Cut your debt payments in half",
        "You qualify for debt relief",
    ],
    hooks: &["Drowning in credit card bills?", "Dear Consumer,"],
    paras: &[
        "We can consolidate all your debts into one low monthly payment, with no new loan and no credit check.",
        "Stop the harassing phone calls from collectors. Reduce your interest rates by as much as {pct}%.",
        "Our counselors have helped thousands of families become debt free in as little as two years.",
    ],
    calls: &["Get your free consultation: {link}"],
    html: 50,
};

const STOCK: Pitch = Pitch {
    domains: &[
        "stockwire-alert.example",
        "microcap-insider.invalid",
        "hotpick-report.example.net",
    ],
    senders: &["Market Alert", "Smallcap Insider", "Investor Report", ""],
    subjects: &[
        "{ticker} set to explode this week",
        "Hot stock alert: {ticker}",
        "This company is about to announce big news",
        "Our last pick went up 400%",
        "Breaking: {ticker} signs major contract",
    ],
    hooks: &[
        "Our analysts have found the next big winner.",
        "URGENT INVESTOR ALERT",
        "Get in before Monday's announcement!",
    ],
    paras: &[
        "Symbol: {ticker}\nCurrent price: ${low_price}\n5-day target: ${target}\nRecommendation: STRONG BUY",
        "The company has just signed a distribution deal that analysts expect to triple its revenue. News of the deal has not reached the wider market yet.",
        "Our last three picks rose by an average of {pct}% within two weeks. Watch this one trade on Monday morning.",
        "Disclaimer: this report is for information only and is not investment advice. The publisher was paid 150,000 shares of {ticker} by a third party for its distribution. This message contains forward-looking statements that involve risks and uncertainties.",
    ],
    calls: &["Full report: {link}", "Watch {ticker} closely this week!"],
    html: 50,
};

const PHISHING: Pitch = Pitch {
    domains: &[],
    senders: &[],
    subjects: &[
        "Account verification required",
        "Your account has been limited",
        "Security alert: unusual sign-in activity",
        "Please update your billing information",
        "Final notice: account suspension",
    ],
    hooks: &[
        "Dear valued customer,",
        "Dear {brand} member,",
        "Dear Customer,",
    ],
    paras: &[
        "During our regular verification of accounts we could not verify your information. Please click the link below and confirm your identity within 48 hours, or your account will be suspended.",
        "We recently noticed several attempts to sign in to your {brand} account from a foreign IP address. For your protection we have temporarily limited access to your account.",
        "To restore full access you must update your records, including your card number and PIN, using our secure form.",
        "We apologise for any inconvenience. This is part of our ongoing effort to protect our customers from fraud.",
        "Failure to update your records will result in the closure of your account.",
    ],
    calls: &["{link}", "Click here to verify your account: {link}"],
    html: 75,
};

const WATCHES: Pitch = Pitch {
    domains: &[
        "swiss-replicas.example",
        "luxury-timepieces.invalid",
        "fine-watch-outlet.example.com",
    ],
    senders: &["Luxury Watches", "Replica Store", ""],
    subjects: &[
        "Luxury watches at a fraction of the price",
        "Replica watches - Swiss look, low price",
        "Impress everyone with a designer watch",
        "Re: your watch order",
    ],
    hooks: &[
        "Why spend thousands on a designer watch?",
        "The finest replica watches on the internet.",
    ],
    paras: &[
        "Our replicas have the same weight, the same look and the same feel as the originals, with Swiss-style automatic movements and sapphire crystal.",
        "Over 500 models to choose from, all from ${price}.",
        "Nobody will ever know the difference. Order two or more and we include a presentation box free.",
        "Worldwide shipping in discreet packaging.",
    ],
    calls: &["Browse the catalogue: {link}"],
    html: 80,
};

const SOFTWARE: Pitch = Pitch {
    domains: &[
        "oem-soft-store.invalid",
        "cheap-cds.example",
        "softsale-direct.example.net",
    ],
    senders: &["OEM Software", "Software Outlet", ""],
    subjects: &[
        "OEM software - why pay retail?",
        "Office suite 2003 for ${price}",
        "Cheap software download",
        "All popular software at up to {pct}% off",
    ],
    hooks: &[
        "Save up to {pct}% on all popular software!",
        "Top software at the lowest prices.",
    ],
    paras: &[
        "Office suite professional: ${price} (retail $499)\nPhoto editor pro: ${price} (retail $609)\nOperating system XP: ${price} (retail $299)",
        "These are full OEM versions, not demos. Download immediately after purchase, or order the CD.",
        "Why pay retail when you can get exactly the same program for a fraction of the price?",
    ],
    calls: &["Order now: {link}"],
    html: 75,
};

const PHARMACY: Pitch = Pitch {
    domains: &[
        "rx-discount.example",
        "pharma-express.invalid",
        "meds4less.example.com",
    ],
    senders: &["Online Pharmacy", "Rx Express", ""],
    subjects: &[
        "V1AGRA - C1ALIS - VALIUM - no prescription",
        "Cheapest meds online",
        "Re: your prescription refill",
        "Lose weight with phentermine",
        "Why pay more for your pills?",
    ],
    hooks: &[
        "Get your medications without a doctor's visit!",
        "The lowest prices on the web.",
    ],
    paras: &[
        "V|agra, C|alis, Xan@x, Val|um, Phentermine and many more, at up to {pct}% off pharmacy prices.",
        "Licensed doctors review your order online. No prescription needed, no embarrassing visits.",
        "Discreet overnight shipping worldwide.",
        "Over one million satisfied customers since 2001.",
    ],
    calls: &["Visit our pharmacy: {link}"],
    html: 85,
};

const DATING: Pitch = Pitch {
    domains: &[
        "meetlocal.example",
        "lonelyhearts-online.invalid",
        "date-tonight.example.net",
    ],
    senders: &["Jenny", "Amber", "Tanya", "Your new friend", ""],
    subjects: &[
        "Someone viewed your profile",
        "Hi, it's me from the chat",
        "Meet local singles tonight",
        "She is {num} miles from you",
        "Did you get my photo?",
    ],
    hooks: &["Hi there!", "Hey, remember me?", "Hello handsome,"],
    paras: &[
        "I saw your profile and thought you looked interesting. I'm new in town and looking for someone to show me around.",
        "Thousands of singles in your area are waiting to meet you. Joining takes one minute and is completely free.",
        "I put some new photos on my page, you should take a look ;)",
        "You must be over 18 to view this site.",
    ],
    calls: &["My page: {link}", "Meet them now: {link}"],
    html: 70,
};

/// A period-1 spam.
pub fn spam_period1(rng: &mut Rng) -> Draft {
    match rng.below_biased(16) {
        0..=3 => pitch(rng, &MORTGAGE, 1),
        4..=5 => pitch(rng, &HERBAL, 1),
        6..=7 => pitch(rng, &WORK_HOME, 1),
        8..=10 => advance_fee(rng, 1),
        11 => pitch(rng, &TONER, 1),
        12 => pitch(rng, &CABLE, 1),
        13 => pitch(rng, &BULK_LISTS, 1),
        _ => pitch(rng, &DEBT, 1),
    }
}

/// A period-2 spam.
pub fn spam_period2(rng: &mut Rng) -> Draft {
    match rng.below_biased(17) {
        0..=2 => pitch(rng, &STOCK, 2),
        3..=5 => phishing(rng),
        6..=7 => pitch(rng, &WATCHES, 2),
        8..=9 => pitch(rng, &SOFTWARE, 2),
        10..=12 => pitch(rng, &PHARMACY, 2),
        13..=14 => pitch(rng, &DATING, 2),
        15 => pitch(rng, &MORTGAGE, 2),
        _ => advance_fee(rng, 2),
    }
}

fn spam_sender(rng: &mut Rng, display: &str, domain: &str) -> Person {
    let local = match rng.below_biased(4) {
        0 => {
            let len = rng.range(4, 8) as usize;
            format!(
                "{}{}",
                rng.chars("abcdefghijklmnopqrstuvwxyz", len),
                rng.range(1, 999)
            )
        }
        1 => rng
            .pick(&["offers", "info", "sales", "specials", "noreply", "news"])
            .to_string(),
        2 => format!(
            "{}.{}",
            rng.pick(words::FIRST).to_lowercase(),
            rng.pick(words::LAST).to_lowercase()
        ),
        _ => rng.chars("abcdefghijklmnopqrstuvwxyz0123456789", 10),
    };
    let domain = if rng.percent(35) {
        rng.pick(FREEMAIL).to_string()
    } else {
        domain.to_string()
    };
    Person::new(display, format!("{local}@{domain}"))
}

fn spam_to(rng: &mut Rng) -> String {
    match rng.below_biased(6) {
        0 => "undisclosed-recipients:;".to_string(),
        1 => format!(
            "{}@hollyhock.example.net",
            rng.chars("abcdefghijklmnopqrstuvwxyz", 5)
        ),
        2 => format!("{}, {}", rng.pick(OWNER_ALIASES), rng.pick(OWNER_ALIASES)),
        _ => rng.pick(OWNER_ALIASES).to_string(),
    }
}

fn remove_line(f: &mut Filler<'_>, domain: &str, period: u8) -> String {
    let link = format!("http://{domain}/remove.php?e={}", f.rng.hex(8));
    let choices: &[String] = &[
        "To be removed from our mailing list, reply with REMOVE in the subject line.".to_string(),
        "This message is sent in compliance with the proposed federal rules for commercial email. It is not spam: you or someone using your address opted in at one of our partner sites. To be removed, reply with REMOVE.".to_string(),
        format!("If you no longer wish to receive our offers, click here: {link}"),
        format!("You received this email because you signed up for special offers. Unsubscribe: {link}"),
        format!("No more mail: {link}"),
        String::new(),
    ];
    let i = if period >= 2 {
        f.rng.range(2, 5)
    } else {
        f.rng.range(0, 5)
    } as usize;
    choices[i].clone()
}

/// Hides a word from keyword filters, as later spam did.
fn obfuscate_text(rng: &mut Rng, word: &str) -> String {
    match rng.below_biased(3) {
        0 => word
            .chars()
            .map(|c| c.to_string())
            .collect::<Vec<_>>()
            .join("-"),
        1 => word
            .replacen('i', "1", 1)
            .replacen('o', "0", 1)
            .replacen('a', "@", 1),
        _ => word
            .chars()
            .map(|c| c.to_string())
            .collect::<Vec<_>>()
            .join(" "),
    }
}

fn obfuscate_html(rng: &mut Rng, text: &str) -> String {
    // Split some longer words with an HTML comment or an empty tag.
    text.split(' ')
        .map(|w| {
            if w.len() >= 6 && w.chars().all(|c| c.is_ascii_alphabetic()) && rng.percent(35) {
                let cut = rng.range(1, w.len() as i64 - 1) as usize;
                let filler = if rng.percent(50) {
                    format!("<!-- {} -->", rng.pick(SALAD))
                } else {
                    "<b></b>".to_string()
                };
                format!("{}{filler}{}", &w[..cut], &w[cut..])
            } else {
                w.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn salad(rng: &mut Rng, words: usize) -> String {
    (0..words)
        .map(|_| *rng.pick(SALAD))
        .collect::<Vec<_>>()
        .join(" ")
}

fn pitch(rng: &mut Rng, p: &Pitch, period: u8) -> Draft {
    let domain = rng.pick(p.domains).to_string();
    let display = rng.pick(p.senders).to_string();
    let from = spam_sender(rng, &display, &domain);
    let to = spam_to(rng);
    let mailer = if rng.percent(70) {
        Mailer::blaster(rng)
    } else {
        Mailer::Anonymous
    };
    let path = rng
        .pick(&["index.html", "", "apply.asp", "go.php?id=", "q/"])
        .to_string();
    let id = if path.ends_with('=') || path.ends_with('/') {
        rng.hex(6)
    } else {
        String::new()
    };
    let link = format!(
        "http://{}{domain}/{path}{id}",
        if rng.percent(50) { "www." } else { "" }
    );
    let html_wanted = rng.percent(p.html);
    let mut f = Filler::new(rng, period);
    f.set("link", link.clone());
    let mut subject = f.one(p.subjects);
    if period >= 2 && f.rng.percent(30) {
        subject = format!("{subject} {}", f.rng.chars("abcdefghijklmnopqrstuvwxyz", 6));
    }
    if f.rng.percent(15) {
        subject = subject.to_uppercase();
    }
    let hook = f.one(p.hooks);
    let n = f.rng.range(2, p.paras.len().min(4) as i64) as usize;
    let paras = f.some(p.paras, n);
    let call = f.one(p.calls);
    let remove = remove_line(&mut f, &domain, period);
    let shout = f.rng.percent(12);

    let mut text = String::new();
    push_para(&mut text, &hook);
    for para in &paras {
        if para.contains('\n') {
            text.push_str(para);
            text.push_str("\n\n");
        } else {
            push_para(&mut text, para);
        }
    }
    push_para(&mut text, &call);
    if !remove.is_empty() {
        text.push_str("\n\n\n");
        push_para(&mut text, &remove);
    }
    if period >= 2 && f.rng.percent(40) {
        // Hash buster: innocent words to dilute the spammy ones.
        let words = f.rng.range(12, 30) as usize;
        let s = salad(f.rng, words);
        push_para(&mut text, &s);
    }
    if period >= 2 && f.rng.percent(30) {
        text = text.replace("Viagra", &obfuscate_text(f.rng, "Viagra"));
        text = text.replace("FREE", &obfuscate_text(f.rng, "FREE"));
        text = text.replace("Order", &obfuscate_text(f.rng, "Order"));
    }
    if shout {
        text = text.to_uppercase();
    }

    let html = if html_wanted {
        Some(spam_html(
            f.rng, &hook, &paras, &call, &link, &remove, period,
        ))
    } else {
        None
    };
    let mut d = Draft::new(subject, from, to, text, mailer);
    d.html = html;
    d.route = Route::Spam;
    d.html_bias = p.html;
    if f.rng.percent(20) {
        d.extra.push(("X-Priority", "1 (Highest)".to_string()));
    }
    if f.rng.percent(25) {
        d.reply_to = Some(format!(
            "{}@{}",
            f.rng.chars("abcdefghijklmnopqrstuvwxyz", 7),
            f.rng.pick(FREEMAIL)
        ));
    }
    d
}

/// An HTML rendering of a pitch, in one of several period styles.
fn spam_html(
    rng: &mut Rng,
    hook: &str,
    paras: &[String],
    call: &str,
    link: &str,
    remove: &str,
    period: u8,
) -> String {
    let esc = |s: &str| html_escape(s).replace('\n', "<br>\n");
    let mut body = String::new();
    let style = rng.below_biased(3);
    let colours = ["#ff0000", "#000080", "#006600", "#990099"];
    let colour = rng.pick(&colours);
    match style {
        0 => {
            body.push_str(&format!(
                "<center>\n<font face=\"Arial\" size=\"5\" color=\"{colour}\"><b>{}</b></font><br><br>\n",
                esc(hook)
            ));
            for p in paras {
                body.push_str(&format!(
                    "<font face=\"Verdana\" size=\"2\">{}</font><br><br>\n",
                    esc(p)
                ));
            }
            body.push_str(&format!(
                "<a href=\"{link}\"><font size=\"4\"><b>{}</b></font></a>\n</center>\n",
                esc(call)
            ));
        }
        1 => {
            body.push_str(&format!(
                "<table width=\"550\" border=\"1\" cellpadding=\"8\" cellspacing=\"0\" bordercolor=\"{colour}\" align=\"center\">\n<tr><td bgcolor=\"{colour}\"><font color=\"#ffffff\" size=\"4\" face=\"Arial\"><b>{}</b></font></td></tr>\n<tr><td><font face=\"Arial\" size=\"2\">\n",
                esc(hook)
            ));
            for p in paras {
                body.push_str(&format!("<p>{}</p>\n", esc(p)));
            }
            body.push_str(&format!(
                "<p align=\"center\"><a href=\"{link}\"><b>CLICK HERE</b></a>&nbsp;&nbsp;{}</p>\n</font></td></tr>\n</table>\n",
                esc(call)
            ));
        }
        _ => {
            body.push_str(&format!(
                "<div align=\"center\"><a href=\"{link}\"><img src=\"{link}img/{}.gif\" border=\"0\" alt=\"\"></a></div>\n<p><font size=\"3\">{}</font></p>\n",
                rng.hex(6),
                esc(hook)
            ));
            for p in paras {
                body.push_str(&format!("<p><font size=\"2\">{}</font></p>\n", esc(p)));
            }
            body.push_str(&format!("<p><a href=\"{link}\">{}</a></p>\n", esc(call)));
        }
    }
    if !remove.is_empty() {
        body.push_str(&format!(
            "<br><br><br><font size=\"1\" color=\"#999999\">{}</font>\n",
            esc(remove)
        ));
    }
    if period >= 2 {
        body = obfuscate_html(rng, &body);
        if rng.percent(50) {
            let words = rng.range(20, 40) as usize;
            body.push_str(&format!(
                "<font color=\"#ffffff\" size=\"1\">{}</font>\n",
                salad(rng, words)
            ));
        }
    }
    let comment = if rng.percent(40) {
        format!("<!-- {} -->\n", rng.hex(16))
    } else {
        String::new()
    };
    format!(
        "<html>\n<head>\n<title></title>\n</head>\n<body bgcolor=\"#ffffff\">\n{comment}{body}</body>\n</html>\n"
    )
}

/// A phishing mail imitating one of the invented banks or services.
fn phishing(rng: &mut Rng) -> Draft {
    let (brand, domain) = *rng.pick(&[
        ("Northgate Bank", "northgatebank.example.com"),
        ("First Meridian Bank", "firstmeridian.example.com"),
        ("PayStream", "paystream.example.net"),
        ("Bidvale", "bidvale.example.com"),
    ]);
    let ip = format!(
        "{}.{}",
        rng.pick(&["192.0.2", "198.51.100", "203.0.113"]),
        rng.range(2, 250)
    );
    let real_link = format!(
        "http://{ip}/{}/{}/verify.php?session={}",
        rng.pick(&[".secure", "login", "update", "~admin"]),
        brand.split(' ').next().unwrap_or("acct").to_lowercase(),
        rng.hex(16)
    );
    let shown = format!("https://www.{domain}/account/verify");
    let from = Person::new(
        format!(
            "{brand} {}",
            rng.pick(&["Security", "Customer Service", "Accounts"])
        ),
        format!(
            "{}@{domain}",
            rng.pick(&["security", "service", "support", "accounts"])
        ),
    );
    let to = rng.pick(OWNER_ALIASES).to_string();
    let mut f = Filler::new(rng, 2);
    f.set("brand", brand);
    f.set("link", shown.clone());
    let subject = format!("{brand}: {}", f.one(PHISHING.subjects));
    let hook = f.one(PHISHING.hooks);
    let paras = f.some(PHISHING.paras, 3);
    let call = f.one(PHISHING.calls);
    let mut text = String::new();
    push_para(&mut text, &hook);
    for p in &paras {
        push_para(&mut text, p);
    }
    text.push_str(&format!("{shown}\n\n"));
    text.push_str(&format!("Sincerely,\n{brand} Account Review Department\n"));
    let html = format!(
        "<html><body>\n<table width=\"600\" border=\"0\"><tr><td>\n<img src=\"http://{ip}/images/logo.gif\" alt=\"{brand}\"><br><br>\n<font face=\"Tahoma\" size=\"2\">{}<br><br>\n{}<br><br>\n{}<br><br>\n{}<br><br>\n<a href=\"{real_link}\">{}</a><br><br>\nSincerely,<br>{brand} Account Review Department</font>\n</td></tr></table>\n</body></html>\n",
        html_escape(&hook),
        html_escape(&paras[0]),
        html_escape(&paras[1]),
        html_escape(&paras[2]),
        html_escape(&call)
    );
    let mut d = Draft::new(subject, from, to, text, Mailer::Anonymous);
    d.html = Some(html);
    d.route = Route::Spam;
    d.html_bias = PHISHING.html;
    d
}

/// An advance-fee ("business proposal") letter.
fn advance_fee(rng: &mut Rng, period: u8) -> Draft {
    const WRITERS: &[(&str, &str)] = &[
        (
            "Dr. Paul Edem",
            "a senior officer in the contracts department of the Ministry of Mines and Power",
        ),
        (
            "Mrs. Mariam Sesay",
            "the widow of a late government minister",
        ),
        (
            "Barrister James Oduya",
            "the personal attorney to a foreign engineer who died in a car accident",
        ),
        (
            "Mr. Victor Abara",
            "the manager of the foreign remittance department of a bank",
        ),
        ("Prince Daniel Ekwe", "the son of a late traditional ruler"),
        (
            "Mrs. Helen Duvall",
            "the wife of a former finance minister now under house arrest",
        ),
    ];
    let (name, role) = *rng.pick(WRITERS);
    let local = name
        .split(' ')
        .next_back()
        .unwrap_or("director")
        .to_lowercase();
    let from = Person::new(
        name,
        format!("{local}{}@{}", rng.range(1, 99), rng.pick(FREEMAIL)),
    );
    let private = format!("{local}_private@{}", rng.pick(FREEMAIL));
    let to = spam_to(rng);
    let mut f = Filler::new(rng, period);
    let subject = f.one(&[
        "URGENT BUSINESS PROPOSAL",
        "STRICTLY CONFIDENTIAL",
        "Request for assistance",
        "Dear Friend",
        "TRANSFER OF FUNDS - REPLY URGENTLY",
        "Business relationship",
        "From the desk of {first} {last}",
    ]);
    let mut paras = vec![
        format!("I am {name}, {role}. I got your contact through a trade directory and decided to write to you in confidence, as I need a reliable foreign partner."),
        f.fill("In the course of my work I discovered the sum of US${millions} (United States Dollars) lying in a suspense account, arising from an over-invoiced contract that was executed and paid for some years ago. No one has claimed it."),
        f.fill("I need your assistance to transfer this money into an account abroad. For your help you will be entitled to {small_pct}% of the total sum, {pct}% will be for me and my colleagues, and the rest will cover expenses incurred during the transaction."),
        "This transaction is 100% risk free. All the necessary documents are in place, and the transfer will be completed within ten working days of your acceptance.".to_string(),
        format!("Please treat this matter with the strictest confidence. Reply to my private email address {private} with your full name, telephone and fax numbers so that we can proceed."),
        "May God bless you as you consider this request.".to_string(),
    ];
    if f.rng.percent(40) {
        paras.remove(3);
    }
    let mut text = String::from("Dear Sir/Madam,\n\n");
    for p in &paras {
        push_para(&mut text, p);
    }
    text.push_str(&format!("Yours faithfully,\n{name}\n"));
    if f.rng.percent(50) {
        text = text.to_uppercase();
    }
    let mut d = Draft::new(subject, from, to, text, Mailer::Anonymous);
    d.route = Route::Spam;
    d.reply_to = Some(private);
    d
}
