//! Easy ham: invented mailing lists (a mail client, a Linux users' group, a spam-filter
//! project, a tech-news letter) and personal mail. All text written for this corpus.

use crate::draw::{Draw, Rng};

use super::draft::{Attachment, Draft, List, Mailer, Route};
use super::words::{self, Filler, OWNER, Person};

pub static QUILL: List = List {
    name: "quill-users",
    domain: "lists.quillmail.example.org",
    tag: "[quill]",
    title: "Users of the Quill mail client",
    host: "mx.quillmail.example.org",
    ip: "198.51.100.23",
};

pub static FLUG: List = List {
    name: "flug",
    domain: "lists.fenlug.example.org",
    tag: "[FLUG]",
    title: "Fenland Linux Users' Group",
    host: "bramble.fenlug.example.org",
    ip: "192.0.2.61",
};

pub static THISTLE: List = List {
    name: "thistle-talk",
    domain: "lists.thistle.example.net",
    tag: "[Thistle]",
    title: "Thistle spam filter discussion",
    host: "lists.thistle.example.net",
    ip: "203.0.113.140",
};

/// One discussion list's threads: (subject, opening post, specific replies), plus
/// replies that fit any thread.
struct Topic {
    threads: &'static [(&'static str, &'static str, &'static [&'static str])],
    general: &'static [&'static str],
}

const QUILL_TOPIC: Topic = Topic {
    threads: &[
        (
            "folder index rebuilt on every start",
            "I'm running Quill {quill_ver} on {os} and every time I start it the index for my {folder} folder is rebuilt from scratch. With {n_msgs} messages in there that takes a couple of minutes. Is there a setting for this, or is the index file getting corrupted?",
            &[
                "Check the permissions on ~/.quill/index. If Quill can't write the new index when it exits, it silently falls back to rebuilding it on the next start. I had exactly this after restoring my home directory from a backup as root.",
                "That sounds like the bug fixed in {quill_ver}. The cache was keyed on the folder's modification time, and some NFS servers report it with one-second granularity, so Quill thought the folder had changed under it.",
                "You can turn on debug logging with --debug=index and send the output to the list. Strip out your own addresses first if you care about that.",
                "Patch attached. It allows a second of slack in the modification time check. Works for me against the CVS head, but I haven't tried it with maildir folders yet.",
            ],
        ),
        (
            "IMAP: messages marked read on the server but not locally",
            "When I read mail on the laptop the messages stay unread on the server, so the desktop shows them all as new again. Both machines run {quill_ver}. Is this a known problem?",
            &[
                "The IMAP code only pushes flag changes when the folder is closed. If you kill Quill instead of quitting it, the server never hears about the messages you read.",
                "Are both machines pointing at the same account? I had a second identity set up with a slightly different server name and it behaved exactly like this.",
            ],
        ),
        (
            "threading breaks when the subject has a tag",
            "Threading falls apart as soon as somebody replies from a mailer that adds its own tag to the subject. Is there a way to make Quill thread on the References header only?",
            &[
                "Threading by References only is the right thing in theory, but half the mailers out there still send only In-Reply-To, and some send neither. The subject fallback is there for a reason.",
                "There's a hidden option, thread_by_subject, that you can set to false in quillrc. It is not in the dialog because it confuses people.",
            ],
        ),
        (
            "feature request: per-folder signatures",
            "Could we have a signature per folder, or per identity? I post to three lists from the same account and would like a different sign-off on each.",
            &[
                "I'd rather see this done with a hook than another checkbox in the preferences dialog. The dialog already has eleven tabs.",
                "You can already do this with identities: make one per list and set each folder's default identity under Folder > Properties. It is well hidden, admittedly.",
            ],
        ),
        (
            "crash when opening a very large mbox",
            "Opening my {folder} mbox (about {n_msgs} messages, a bit over 2GB) makes Quill {quill_ver} crash with a segmentation fault. Smaller folders are fine. Backtrace available if anyone wants it.",
            &[
                "The 2GB limit is the old file offset problem. Build with large file support (the configure script has a switch for it) or split the folder by year.",
                "Please send the backtrace to the bug tracker rather than the list, and include the output of quill --version.",
            ],
        ),
        (
            "how do I import my old mbox files?",
            "I'm moving over from another client and have ten years of mail in mbox files. What is the cleanest way to get them into Quill without losing the read flags?",
            &[
                "Drop the files into ~/Mail and use Folder > Rescan. Quill reads mbox and maildir natively; MH folders need the converter script in contrib/. The read flags survive if the Status headers are there.",
                "If the old client wrote its own index files next to the folders, delete them first, or Quill shows those folders as empty.",
            ],
        ),
        (
            "Quill {quill_ver} released",
            "Quill {quill_ver} is out. The release notes are on the web site; the short version is faster searching, a new filter editor and about forty bug fixes, most of them reported on this list. Thanks to everyone who sent in traces.",
            &[
                "Thanks for all the work. The new filter editor is a big improvement.",
                "Builds and runs fine on {os}. One compiler warning about a missing prototype in the spell checker, nothing serious.",
            ],
        ),
        (
            "PGP/MIME signatures show up as attachments",
            "Signed messages from {first} show the body as an attachment called signature.asc, and the text itself is empty. Other signed mail displays fine. Anyone seen this?",
            &[
                "That happens when the sender's mailer labels the signature part wrongly. Quill follows the standard strictly here; other clients guess.",
            ],
        ),
        (
            "keyboard shortcut to jump to the next unread message",
            "Is there a key for 'next unread message, even if it is in another folder'? I keep reaching for the mouse.",
            &["Try 'n' with the shift key. It took me two years to find that one."],
        ),
        (
            "fonts look wrong in the message list",
            "Since upgrading to {quill_ver} the message list uses a huge bold font and I can't find where to change it back. The preview pane is fine.",
            &[
                "Which version of the toolkit libraries do you have? Font handling changed between the last two releases and the message list now picks up the desktop default.",
            ],
        ),
        (
            "filters not applied to mail fetched over POP",
            "My filters work for the IMAP account but mail fetched from my ISP's POP server just piles up in the inbox untouched. Same rules, same folder names.",
            &[
                "Filters only run on the inbox of IMAP accounts by default. There is a per-account option under Accounts > Advanced > Apply filters to new mail, which you need to switch on for POP accounts.",
            ],
        ),
        (
            "self-signed certificate on the IMAP server",
            "Has anyone got Quill talking to an IMAP server with a self-signed certificate? I get a handshake error and the log doesn't say which side gave up.",
            &[
                "Import the server's certificate into ~/.quill/certs and restart. The error message is useless, agreed; there is an open bug about it.",
            ],
        ),
    ],
    general: &[
        "Works fine here with the same setup. Try moving your config directory aside and starting with a fresh profile, to rule out something stale in there.",
        "Same here, same version. Is there a bug number I can follow?",
        "Thanks, that was it.",
    ],
};

const FLUG_TOPIC: Topic = Topic {
    threads: &[
        (
            "install fest on the {day}th",
            "The next install fest is in the {venue} on the {day}th from 11am. Bring your own machine and, if you can, a power strip. We'll have CDs of the usual distributions, and somebody has promised a working network this time.",
            &[
                "Count me in. I'll bring a spare switch and a box of network cables.",
                "Will there be anyone who knows about laptops? Mine has an odd graphics chip that the installer doesn't like.",
            ],
        ),
        (
            "USB ADSL modem drivers",
            "I've got one of those USB ADSL modems the phone company hands out. Has anyone managed to get it working under Linux? The firmware loader seems to want a file that only comes on the Windows driver CD.",
            &[
                "There's a known problem with that firmware loader. The driver project's web site has an extractor that pulls the file out of the Windows driver package, so you only need the CD once.",
                "I gave up on mine and bought an Ethernet modem second-hand. Best money I ever spent.",
            ],
        ),
        (
            "kernel {kernel} and my sound card",
            "After moving to {kernel} my sound card is detected at boot but nothing comes out of the speakers. lsmod shows the module loaded. Any ideas before I go back to the old kernel?",
            &[
                "Did you remember to unmute the channels? The mixer starts with everything at zero after a fresh driver install. Run alsamixer and press M on Master and PCM.",
                "Check that the new kernel has the same sound options as the old one; make oldconfig asks about new drivers and it's easy to say no by accident.",
            ],
        ),
        (
            "dual boot broken after reinstalling the other OS",
            "I had to reinstall the other OS on my desktop and now the machine boots straight into it, no menu, no Linux. Is my Linux install gone?",
            &[
                "Reinstalling the other OS overwrites the master boot record. Boot from a rescue CD, chroot into your root partition, run lilo (or grub-install) again and your menu will be back. Nothing is lost.",
            ],
        ),
        (
            "meeting at the {pub} on Thursday",
            "We'll be in the back room of the {pub} from 8pm on Thursday. {first} has offered to give a short talk on setting up a home firewall with iptables.",
            &[
                "Thanks to everyone who came along. The slides are up on the web site, and the next meeting is on the first Thursday of next month as usual.",
                "Sorry, can't make it this time. Could someone put the slides on the web site afterwards?",
            ],
        ),
        (
            "cheap second-hand servers",
            "A local company is getting rid of a dozen rack servers, dual PIII, 512MB each, no disks. They want them gone by the end of the month. Mail me off-list if you want one.",
            &["Are they still available? I'd take two for the club's test lab."],
        ),
        (
            "RPM dependency hell",
            "Trying to install a newer mail server on {os} and rpm tells me it needs a library that another package also wants in a different version. Round and round in circles.",
            &[
                "Don't use --force and --nodeps to get round it, you'll only end up with a system where nothing can be upgraded cleanly. Find out which package provides the missing library and install that first.",
                "Or rebuild the new version from its source package against the libraries you have. It's less scary than it sounds.",
            ],
        ),
        (
            "laptop suspend and resume",
            "Suspend to RAM works on my laptop with APM but not with ACPI. The machine goes to sleep fine and never comes back; the fan spins up and the screen stays black.",
            &[
                "ACPI on laptops of that age is hit and miss. Try booting with acpi=off and using APM for now; the ACPI code is improving with every kernel release.",
            ],
        ),
        (
            "X won't start after the upgrade",
            "Upgraded {os} last night and X now dies straight away with 'no screens found'. It worked yesterday. Where do I start?",
            &[
                "Check /var/log/XFree86.0.log. Nine times out of ten it's a driver module that didn't get rebuilt, or a mouse device that moved from /dev/psaux to somewhere else.",
            ],
        ),
        (
            "backup strategies for home",
            "What do people use for backups at home? I have two machines and about forty gigabytes I'd really hate to lose, mostly photos.",
            &[
                "I just use rsync to a second disk every night from cron, and burn a CD of the important stuff once a month. Tapes are more trouble than they're worth at home.",
                "Whatever you do, test a restore now and then. A backup you have never restored is a hope, not a backup.",
            ],
        ),
        (
            "which distribution for an old PC?",
            "My father has a Pentium 166 with 32MB of memory that he wants to use for mail and the web. Which distribution would people put on it?",
            &[
                "For a machine that small I'd go for a minimal Debian install with a light window manager. Skip the big desktops entirely.",
            ],
        ),
        (
            "network cards that just work",
            "Anyone know a cheap source of network cards that work out of the box? The ones in the computer shop in {city} are all unsupported junk.",
            &[
                "Try the second-hand stall at the Saturday market in {city}. I got three decent cards there for the price of one new one.",
            ],
        ),
    ],
    general: &[
        "Same here, for what it's worth.",
        "Have a look in the list archives, this came up a few months ago.",
        "Thanks, that fixed it.",
    ],
};

const THISTLE_TOPIC: Topic = Topic {
    threads: &[
        (
            "false positive on a bank statement",
            "A customer's monthly statement from their bank scored {score} and went straight to the spam folder. The biggest hits were HTML_ONLY, a 'click here' rule and the one for large fonts. Could the HTML rules be toned down a bit? Legitimate bulk mail does all of these things.",
            &[
                "The scores come out of the optimiser run on the test corpora, so changing one by hand tends to upset the balance. The better fix is to send us the message so it goes into the ham corpus for the next run.",
                "A bank statement is exactly the kind of mail that looks like phishing to a filter. Adding the bank's sending host to the trusted list is the quickest fix for your users.",
            ],
        ),
        (
            "Bayes learning from my sent folder",
            "I trained the Bayes database on my sent mail as ham and my spam trap as spam. After a week the accuracy is much better, but it now thinks anything with my own signature is ham, which spammers could in theory abuse.",
            &[
                "It's a known weakness. In practice spammers don't know what your ham looks like, and the header rules still catch most of what slips past the Bayes side.",
            ],
        ),
        (
            "{thistle_ver} release candidate",
            "Release candidate {thistle_ver} is on the download page. Please try it on your own mail and report anything odd, especially false positives. The final release follows in about a week if nothing serious turns up.",
            &[
                "Running it on about two thousand messages a day here with no false positives so far.",
                "The test suite fails on {os} because of a missing module; installing it from the package system fixed it.",
            ],
        ),
        (
            "rule idea: mortgage spam with base64 bodies",
            "Lots of the mortgage spam I see now comes with the whole body in base64, so the body rules never match. Is decoding before running the rules on the roadmap?",
            &[
                "Decoding before the body rules is on the to-do list; in the meantime the header tests catch most of that mortgage mail anyway, since it all comes from the same handful of ranges.",
            ],
        ),
        (
            "whitelist by Received header?",
            "Is there a way to whitelist by the Received header instead of the From address? From is forged in half the spam I get, including some that claims to be from me.",
            &[
                "Whitelisting on the From address is useless, it's forged in most of the spam we see. Whitelisting on the last trusted Received header is much harder to fake, but you need to know which of your relays to trust.",
            ],
        ),
        (
            "ham that mentions viagra",
            "Funny one today: a message on a medical list discussing the side effects of viagra scored {score} points. The drug name alone is worth nearly three points, which seems a lot on its own.",
            &[
                "Drug names are a classic case of a token that is spammy in general and perfectly normal on some lists. That's what the Bayes side is for; the static rule can't know which list you're on.",
            ],
        ),
        (
            "running it from procmail",
            "What is the recommended way to call it from procmail? I'm worried about two copies running at once on a busy day and trampling on the Bayes database.",
            &[
                "I run it from procmail with a lock file and only pipe messages under 250k through it. Bigger messages are almost never spam and take ages to scan.",
            ],
        ),
        (
            "auto-learn threshold",
            "Why is the auto-learn threshold so high? Most of my spam scores 15 or more, but plenty scores 6 to 8 and never gets learned.",
            &[
                "The threshold is deliberately conservative. If it learns a false negative as ham, the mistake feeds on itself; better to learn a bit less and learn it right.",
            ],
        ),
        (
            "collecting a ham corpus",
            "Has anyone put together a shareable ham corpus? Spam is easy to collect, but everybody's real mail is private.",
            &[
                "Collecting a clean ham corpus is the hard part. Everybody has plenty of spam; almost nobody keeps a year of their real mail that they are happy to share.",
            ],
        ),
    ],
    general: &[
        "Please don't post whole spams to the list, put them on a web page and send the URL. Some subscribers' filters throw away messages that quote spam, which rather defeats the purpose.",
        "I counted the rules that hit on my last thousand spams: the top ten catch nearly everything, the other {rules} add a point here and there.",
        "Can you put the full headers somewhere? Most of the interesting evidence is in the Received lines.",
    ],
};

/// A post to one of the discussion lists: an opening post, or a reply quoting one.
pub fn list_post(rng: &mut Rng, period: u8) -> Draft {
    let which = rng.below_biased(3);
    let (list, topic) = match which {
        0 => (&QUILL, &QUILL_TOPIC),
        1 => (&FLUG, &FLUG_TOPIC),
        _ => (&THISTLE, &THISTLE_TOPIC),
    };
    let author = words::person(rng);
    let mailer = Mailer::personal(rng);
    let mut f = Filler::new(rng, period);
    let (subject, opening, replies) = *f.rng.pick(topic.threads);
    let topic_subject = f.fill(subject);
    let reply = f.rng.percent(65);
    let mut body = String::new();
    let mut with_patch = false;
    if reply {
        let quoted = f.fill(opening);
        let intro = f.one(&[
            "On {weekday}, {first} {last} wrote:",
            "{first} {last} wrote:",
            "Quoting {first}:",
            "In message <{hex8}@{city}.example.net>, {first} writes:",
        ]);
        body.push_str(&intro);
        body.push('\n');
        for line in wrap(&quoted, 68) {
            body.push_str("> ");
            body.push_str(&line);
            body.push('\n');
        }
        body.push('\n');
        let answer = f.one(replies);
        with_patch = answer.starts_with("Patch attached");
        push_para(&mut body, &answer);
        if f.rng.percent(25) {
            let extra = f.one(topic.general);
            push_para(&mut body, &extra);
        }
    } else {
        let greeting = f.one(&["Hi all,", "Hello,", "Hi folks,", "", ""]);
        if !greeting.is_empty() {
            body.push_str(&greeting);
            body.push_str("\n\n");
        }
        let post = f.fill(opening);
        push_para(&mut body, &post);
        let thanks = f.one(&["Thanks in advance.", "Any pointers welcome.", "Cheers.", ""]);
        if !thanks.is_empty() && post.ends_with('?') {
            push_para(&mut body, &thanks);
        }
    }
    body.push_str(&signature(f.rng, &author));
    body.push_str(&list.footer());
    let prefix = if reply { "Re: " } else { "" };
    let subject = format!("{prefix}{} {topic_subject}", list.tag);
    let mut d = Draft::new(subject, author, list.address(), body, mailer);
    d.list = Some(list);
    d.reply = reply;
    d.route = Route::List;
    if with_patch {
        d.attachment = Some(patch(rng));
    }
    d
}

/// A Wirebrief news digest: several short items with links.
pub fn wirebrief(rng: &mut Rng, period: u8) -> Draft {
    const ITEMS_1: &[(&str, &str)] = &[
        (
            "Regional ISP drops unlimited broadband",
            "A regional internet provider told subscribers this week that its flat-rate broadband plans will end next quarter, replaced by tiers with monthly download caps. The company blamed a small number of heavy users for congestion in the evenings.",
        ),
        (
            "Court hears arguments in software patent case",
            "Lawyers for two software firms spent a second day arguing over a patent on a method of updating menus over a network. Programmers following the case say the idea was in common use years before the patent was filed.",
        ),
        (
            "Chip maker shows 3GHz desktop processor",
            "A processor maker demonstrated a desktop chip running at three gigahertz at a trade show in {city}, and said machines built around it would be in shops before Christmas. Analysts questioned whether ordinary users need the extra speed.",
        ),
        (
            "Wireless networking spreads to coffee shops",
            "A chain of coffee shops plans to offer wireless internet access in {count} of its branches by the end of the year, charging by the hour. Hobbyist groups offering free access in the same streets are not impressed.",
        ),
        (
            "Spam now a third of all mail, filtering firm says",
            "A company selling mail filtering services said spam made up roughly a third of the messages it scanned last month, up from about a tenth a year earlier. Most of it advertised mortgages, supplements and work-at-home schemes.",
        ),
        (
            "Open source office suite reaches 1.0",
            "The volunteer project behind a free office suite released its first stable version, with a word processor, spreadsheet and presentation program that read and write the common proprietary formats reasonably well.",
        ),
        (
            "Music industry group targets file-sharing users",
            "An industry body said it would begin sending warning letters to people it believes are sharing large numbers of songs online. Civil liberties groups questioned how the addresses were being collected.",
        ),
        (
            "Government consults on data retention",
            "Ministers opened a consultation on requiring internet providers to keep records of their customers' mail and web use for up to a year. Providers said the cost of storing the data would be passed on to customers.",
        ),
        (
            "Handheld makers bet on colour screens",
            "Two handheld computer makers launched models with colour screens this week, at prices about a third higher than their monochrome ranges. Battery life, both admit, is shorter.",
        ),
        (
            "Search engine adds news service",
            "A popular search engine began grouping stories from several thousand news sites on a single page, chosen entirely by software. Newspaper editors were divided on whether this helps or harms them.",
        ),
    ];
    const ITEMS_2: &[(&str, &str)] = &[
        (
            "Fast-spreading worm slows parts of the net",
            "A small worm that attacks unpatched database servers spread around the world in minutes on Saturday, clogging links and taking some cash machines offline. A fix had been available for six months.",
        ),
        (
            "Spam passes half of all mail",
            "Filtering companies now put spam at more than half of all the mail they handle. Much of the growth is in messages about stocks, pharmacy products and fake account warnings.",
        ),
        (
            "Lawmakers propose anti-spam bill",
            "A group of lawmakers introduced a bill that would require commercial mail to carry a valid postal address and a working opt-out link. Critics say it would legalise far more mail than it bans.",
        ),
        (
            "Banks warn customers about fake mails",
            "Several banks have warned customers about messages that ask them to confirm their account details on a web site made to look like the bank's own. The banks say they never ask for passwords by mail.",
        ),
        (
            "Weblogs go mainstream",
            "Online diaries, or weblogs, are spreading beyond the technology crowd, with several newspapers now running their own. Free hosting services report tens of thousands of new ones each month.",
        ),
        (
            "Online music store plans launch",
            "A computer maker is reported to be close to launching a store selling single songs for download at under a dollar each, with the agreement of the major record labels.",
        ),
        (
            "Broadband subscribers double in a year",
            "The number of homes with broadband connections has roughly doubled since last spring, the industry regulator said, though most of the new lines are in cities.",
        ),
        (
            "Open source kernel development speeds up",
            "The developers of a popular free operating system kernel say the next stable series is a few months away, with better support for large machines and a new scheduler.",
        ),
    ];
    let items = if period >= 2 { ITEMS_2 } else { ITEMS_1 };
    let mut f = Filler::new(rng, period);
    let year = f.get("year");
    let n = f.rng.range(3, 4) as usize;
    let picks = f.rng.sample(items.len(), n);
    let mut body = String::from("WIREBRIEF -- technology news in brief\n\n");
    let mut first_headline = "";
    for (i, idx) in picks.iter().enumerate() {
        let (head, para) = items[*idx];
        if i == 0 {
            first_headline = head;
        }
        body.push_str(&format!("* {}\n\n", head.to_uppercase()));
        let para = f.fill(para);
        for line in wrap(&para, 70) {
            body.push_str(&line);
            body.push('\n');
        }
        let slug: String = head
            .to_lowercase()
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
            .collect();
        body.push_str(&format!(
            "Read more: http://wirebrief.example.com/{year}/{:02}/{slug}.html\n\n",
            f.rng.range(1, 12)
        ));
    }
    body.push_str(&format!(
        "----\nYou are subscribed to Wirebrief as {OWNER}.\nTo unsubscribe, send a blank message to wirebrief-unsubscribe@wirebrief.example.com\nor visit http://wirebrief.example.com/unsubscribe. Copyright (c) {year} Wirebrief.\n"
    ));
    let subject = format!("Wirebrief: {first_headline}");
    let mut d = Draft::new(
        subject,
        Person::new("Wirebrief", "news@wirebrief.example.com"),
        OWNER.to_string(),
        body,
        Mailer::Listcaster,
    );
    d.route = Route::Bulk;
    d.extra.push(("Precedence", "bulk".to_string()));
    d.extra.push((
        "List-Unsubscribe",
        "<mailto:wirebrief-unsubscribe@wirebrief.example.com>".to_string(),
    ));
    d
}

/// Personal mail from a friend, relative or colleague.
pub fn personal(rng: &mut Rng, period: u8) -> Draft {
    const SUBJECTS_AND_BODIES: &[(&str, &[&str])] = &[
        (
            "dinner on Saturday?",
            &[
                "Are you two free for dinner on Saturday? {first2} is cooking, so it should be edible. Come round about seven and bring nothing but yourselves.",
                "If Saturday is no good, Sunday lunch would work too. Let me know either way.",
            ],
        ),
        (
            "that book you lent me",
            &[
                "I finally finished the book you lent me in the spring. Sorry it took so long. I'll drop it back next time I'm passing, unless you want me to post it.",
                "The last few chapters were much better than the start, I thought. Did you read the sequel?",
            ],
        ),
        (
            "photos from the weekend",
            &[
                "Here are a few photos from the weekend. The one of the dog in the lake is my favourite.",
                "The rest are still on the camera; I'll put them on a CD for you.",
            ],
        ),
        (
            "Re: moving house",
            &[
                "The move went fine in the end, though the van was two hours late and the piano did not fit through the door on the first attempt.",
                "New address below; the phone should be connected by {weekday}.",
            ],
        ),
        (
            "minutes from Tuesday",
            &[
                "Minutes from Tuesday are attached. Actions: {first} to chase the hosting quote, I'll write up the backup plan, and we meet again in two weeks.",
                "Shout if I've got anything wrong.",
            ],
        ),
        (
            "invoice for the {month} work",
            &[
                "Please find attached my invoice for the work in {month}. Payment within 30 days to the usual account would be great.",
                "Let me know if anything on it looks wrong and I'll send a corrected one.",
            ],
        ),
        (
            "flight details",
            &[
                "My flight gets in at {time} on {weekday}. Don't worry about collecting me, I'll get the bus into town and call you from the station.",
                "I'm only bringing hand luggage this time, so I'll be out quickly.",
            ],
        ),
        (
            "happy birthday!",
            &[
                "Happy birthday! Hope you have a lovely day and that someone else does the washing up.",
                "Your present is in the post, probably arriving a day or two late as usual.",
            ],
        ),
        (
            "quick question about the server",
            &[
                "Quick question: the backup job on the office server has been failing since {weekday}. Did you change the password on the share? The log just says access denied.",
                "No rush, but I'd like it fixed before the weekend.",
            ],
        ),
        (
            "lunch next week?",
            &[
                "Lunch next week? Tuesday or Thursday are both good for me. The new place by the river does a decent soup.",
            ],
        ),
        (
            "thanks",
            &[
                "Thanks again for your help with the car. I owe you a pint, or several.",
                "The garage says it would have been twice the price if we hadn't found the leak.",
            ],
        ),
        (
            "Re: the {city} trip",
            &[
                "I've booked the hostel for three nights. It's cheap and close to the station; the reviews say the showers are cold, so bring a sense of humour.",
                "{first2} can't come after all, so it's just the four of us.",
            ],
        ),
    ];
    let sender = words::person(rng);
    let mailer = Mailer::personal(rng);
    let mut f = Filler::new(rng, period);
    let (subject, paras) = *f.rng.pick(SUBJECTS_AND_BODIES);
    let subject = f.fill(subject);
    let mut body = String::new();
    let greeting = f.one(&["Hi Kit,", "Kit,", "Hello Kit,", "Hi,", "Dear Kit,"]);
    body.push_str(&greeting);
    body.push_str("\n\n");
    for p in paras {
        let p = f.fill(p);
        push_para(&mut body, &p);
    }
    let sign = f.one(&[
        "Cheers,",
        "Love,",
        "Best regards,",
        "All the best,",
        "Talk soon,",
    ]);
    body.push_str(&format!("{sign}\n{}\n", sender.first()));
    let attach =
        subject.contains("photos") || subject.contains("minutes") || subject.contains("invoice");
    let mut d = Draft::new(
        subject.clone(),
        sender,
        format!("{OWNER_NAME} <{OWNER}>", OWNER_NAME = words::OWNER_NAME),
        body,
        mailer,
    );
    d.reply = subject.starts_with("Re:");
    d.html_bias = if matches!(mailer, Mailer::Kestrel | Mailer::Webmail) {
        50
    } else {
        0
    };
    if attach {
        d.attachment = Some(if subject.contains("photos") {
            binary(
                rng,
                "image/jpeg",
                "beach.jpg",
                b"\xFF\xD8\xFF\xE0\x00\x10JFIF\x00",
                900,
            )
        } else if subject.contains("invoice") {
            binary(
                rng,
                "application/pdf",
                "invoice.pdf",
                b"%PDF-1.3\n%\xE2\xE3\xCF\xD3\n",
                700,
            )
        } else {
            Attachment {
                mime: "text/plain",
                name: "minutes.txt".to_string(),
                data: b"Present: Kit, Aidan, Nuala, Declan\n\n1. Hosting quote - Aidan to chase.\n2. Backup plan - Kit to write up.\n3. Next meeting in two weeks.\n".to_vec(),
                is_text: true,
            }
        });
    }
    d
}

/// A small invented patch file.
fn patch(rng: &mut Rng) -> Attachment {
    let line = rng.range(40, 900);
    let text = format!(
        "--- src/index.c.orig\n+++ src/index.c\n@@ -{line},7 +{line},9 @@\n \tif (stat(path, &st) < 0)\n \t\treturn -1;\n-\tif (st.st_mtime != idx->mtime)\n+\t/* NFS may round mtimes; allow one second of slack. */\n+\tif (st.st_mtime > idx->mtime + 1 ||\n+\t    st.st_mtime < idx->mtime - 1)\n \t\treturn rebuild_index(idx, path);\n \treturn 0;\n }}\n"
    );
    Attachment {
        mime: "text/x-patch",
        name: "index-mtime.diff".to_string(),
        data: text.into_bytes(),
        is_text: true,
    }
}

/// A fake binary file: a real-looking magic number followed by random bytes.
pub fn binary(
    rng: &mut Rng,
    mime: &'static str,
    name: &str,
    magic: &[u8],
    len: usize,
) -> Attachment {
    let mut data = magic.to_vec();
    data.extend(rng.bytes(len));
    Attachment {
        mime,
        name: name.to_string(),
        data,
        is_text: false,
    }
}

/// A sign-off block.
fn signature(rng: &mut Rng, author: &Person) -> String {
    match rng.below_biased(4) {
        0 => format!("\n-- \n{}\n", author.name),
        1 => format!("\n{}\n", author.first()),
        2 => format!(
            "\n-- \n{}  <{}>\n\"{}\"\n",
            author.name,
            author.addr,
            rng.pick(&[
                "There is no place like 127.0.0.1",
                "Real programmers count from zero.",
                "Backups: the thing you wish you had done yesterday.",
                "If it compiles, ship it.",
            ])
        ),
        _ => {
            format!(
                "\n{}\n",
                rng.pick(&["Cheers,", "Thanks,", "Regards,", "Ta,"])
            ) + author.first()
                + "\n"
        }
    }
}

/// Appends a wrapped paragraph and a blank line.
pub fn push_para(out: &mut String, para: &str) {
    for line in wrap(para, 72) {
        out.push_str(&line);
        out.push('\n');
    }
    out.push('\n');
}

/// Greedy word wrap at `width` columns.
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrap_respects_width() {
        let lines = wrap("one two three four five six seven eight nine ten", 12);
        assert!(lines.iter().all(|l| l.len() <= 12));
        assert_eq!(
            lines.join(" "),
            "one two three four five six seven eight nine ten"
        );
    }

    #[test]
    fn list_posts_carry_the_footer() {
        let mut rng = Rng::new(11);
        for _ in 0..20 {
            let d = list_post(&mut rng, 1);
            assert!(d.text.contains("mailing list"));
            assert!(d.subject.contains(d.list.unwrap().tag));
        }
    }
}
