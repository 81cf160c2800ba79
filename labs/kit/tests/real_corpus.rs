//! The real SpamAssassin corpus against the manifest in `datasets/spamassassin/`.
//!
//! Ignored by default: it needs the npm package unpacked (`.ci/run` does it)
//! and its `data` folder named in `NINETY_REAL_CORPUS`.

use ninety_kit::{Corpus, Group};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

#[test]
#[ignore = "needs the real corpus: set NINETY_REAL_CORPUS to the npm package's data folder"]
fn every_real_message_matches_the_committed_manifest() {
    let root =
        PathBuf::from(std::env::var_os("NINETY_REAL_CORPUS").expect("NINETY_REAL_CORPUS is set"));
    let manifest =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../datasets/spamassassin/manifest.tsv");
    let corpus = Corpus::open_with_manifest("spamassassin", &root, &manifest).unwrap();
    let mut per_group: BTreeMap<(Group, u8), usize> = BTreeMap::new();
    for message in corpus.messages() {
        let message = message.unwrap_or_else(|e| panic!("{e}"));
        *per_group
            .entry((message.entry.group, message.entry.period))
            .or_default() += 1;
    }
    assert_eq!(corpus.len(), 6046);
    assert_eq!(per_group[&(Group::EasyHam, 1)], 2500);
    assert_eq!(per_group[&(Group::EasyHam, 2)], 1400);
    assert_eq!(per_group[&(Group::HardHam, 1)], 250);
    assert_eq!(per_group[&(Group::Spam, 1)], 500);
    assert_eq!(per_group[&(Group::Spam, 2)], 1396);
}

#[test]
#[ignore = "needs the real corpus: set NINETY_REAL_CORPUS to the npm package's data folder"]
fn every_real_message_parses_without_panicking() {
    let root =
        PathBuf::from(std::env::var_os("NINETY_REAL_CORPUS").expect("NINETY_REAL_CORPUS is set"));
    let manifest =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../datasets/spamassassin/manifest.tsv");
    let corpus = Corpus::open_with_manifest("spamassassin", &root, &manifest).unwrap();
    let (mut parsed, mut with_text, mut with_html_only, mut problems) = (0, 0, 0, 0);
    for message in corpus.messages() {
        let message = message.unwrap();
        let Some(mail) = ninety_kit::mail::parse(&message.bytes) else {
            continue;
        };
        parsed += 1;
        with_text += usize::from(mail.plain_parts().next().is_some());
        with_html_only +=
            usize::from(mail.plain_parts().next().is_none() && mail.html_parts().next().is_some());
        problems += usize::from(mail.parts.iter().any(|p| p.decode_problem));
    }
    eprintln!(
        "parsed {parsed}, plain text {with_text}, HTML only {with_html_only}, decode problems {problems}"
    );
    assert_eq!(parsed, corpus.len(), "every message gives a parse");
    assert!(with_text + with_html_only > corpus.len() * 95 / 100);
    assert!(with_html_only > 100, "the corpus has HTML-only mail");
}
