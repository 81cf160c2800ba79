//! `update` for the labeling screen and the agreement view.

use super::{AgreementView, App, Effect, Message, Screen};
use crate::labeling::LabelSession;
use std::time::Instant;

impl App {
    /// Handles the labeling and agreement messages; `None` for any other.
    pub(super) fn update_label(&mut self, message: &Message) -> Option<Vec<Effect>> {
        let effects = match message {
            Message::OpenLabeling => self.open_labeling(),
            Message::LabelProgress(done, total) => {
                if self.label_loading.is_some() {
                    self.label_loading = Some((*done, *total));
                }
                vec![]
            }
            Message::LabelingReady(result) => {
                self.label_loading = None;
                match result {
                    Ok(data) => {
                        let mut flash = format!(
                            "Labeling {} as {} ({} order): {} messages, {} already labeled.",
                            data.corpus,
                            data.annotator,
                            data.order,
                            data.items.len(),
                            data.labels.len()
                        );
                        if let Some(why) = &data.fallback {
                            flash = format!(
                                "{why}. The queue is in id order (as good as shuffled) until then."
                            );
                        }
                        if let Some(first) = data.problems.first() {
                            flash = format!(
                                "{} unreadable line(s) in the log were skipped, the first: {first}",
                                data.problems.len()
                            );
                        }
                        self.flash = Some(flash);
                        self.labeling = Some(LabelSession::new(data.clone(), Instant::now()));
                    }
                    Err(why) => {
                        self.flash = Some(format!("Could not start labeling: {why}"));
                        if self.screen == Screen::Label {
                            self.screen = Screen::Lab("label".into());
                        }
                    }
                }
                vec![]
            }
            Message::Decide(mark) => {
                let Some(s) = self.labeling.as_mut() else {
                    return Some(vec![]);
                };
                match s.decide(*mark, Instant::now()) {
                    Some(decision) => vec![Effect::AppendDecision(s.data.log.clone(), decision)],
                    None => {
                        self.flash = Some(
                            "The queue is done: every message has a decision. Press q.".into(),
                        );
                        vec![]
                    }
                }
            }
            Message::Undo => {
                let Some(s) = self.labeling.as_mut() else {
                    return Some(vec![]);
                };
                match s.undo(Instant::now()) {
                    Some(record) => {
                        self.flash = Some("Undone: the message is back on screen.".into());
                        vec![Effect::AppendDecision(s.data.log.clone(), record)]
                    }
                    None => {
                        self.flash = Some("Nothing to undo in this session.".into());
                        vec![]
                    }
                }
            }
            Message::StartNote => {
                if let Some(s) = self.labeling.as_mut() {
                    s.typing_note = true;
                }
                vec![]
            }
            Message::NoteChar(c) => {
                if let Some(s) = self.labeling.as_mut()
                    && s.note.chars().count() < 500
                {
                    s.note.push(*c);
                }
                vec![]
            }
            Message::NoteBackspace => {
                if let Some(s) = self.labeling.as_mut() {
                    s.note.pop();
                }
                vec![]
            }
            Message::EndNote(keep) => {
                if let Some(s) = self.labeling.as_mut() {
                    s.typing_note = false;
                    if !keep {
                        s.note.clear();
                    }
                    self.flash = Some(if *keep && !s.note.is_empty() {
                        "The note goes with your next decision.".into()
                    } else {
                        "No note.".into()
                    });
                }
                vec![]
            }
            Message::ScrollBody(delta) => {
                if let Some(s) = self.labeling.as_mut() {
                    s.scroll = (i32::from(s.scroll) + delta).clamp(0, i32::from(u16::MAX)) as u16;
                }
                vec![]
            }
            Message::Back if self.screen == Screen::Label => {
                // After a session, the agreement view: how the labels compare.
                let made = self.labeling.as_ref().is_some_and(|s| s.undoable() > 0);
                let mut effects = vec![Effect::SyncLog];
                if made {
                    effects.extend(self.open_agreement());
                } else {
                    self.screen = Screen::Lab("label".into());
                }
                effects
            }
            Message::OpenAgreement => self.open_agreement(),
            Message::StatsLoaded(result) => {
                let view = self.agreement.get_or_insert_with(AgreementView::default);
                view.loading = false;
                match result {
                    Ok(stats) => {
                        self.flash = Some(format!(
                            "Agreement computed by your label lab's code over {} annotator(s).",
                            stats["annotators"].as_object().map_or(0, |m| m.len())
                        ));
                        view.stats = Some(stats.clone());
                        view.problem = None;
                        view.selected = 0;
                        let annotators = stats["annotators"].as_object().map_or(0, |m| m.len());
                        view.annotator = view.annotator.min(annotators.saturating_sub(1));
                        if let Some(mine) = self
                            .labeling
                            .as_ref()
                            .map(|s| s.data.annotator.clone())
                            .and_then(|me| {
                                stats["annotators"]
                                    .as_object()?
                                    .keys()
                                    .position(|k| *k == me)
                            })
                        {
                            view.annotator = mine;
                        }
                    }
                    Err(why) => {
                        view.problem = Some(why.clone());
                    }
                }
                vec![]
            }
            Message::NextList => {
                if let Some(a) = self.agreement.as_mut() {
                    a.list = a.list.next();
                    a.selected = 0;
                }
                vec![]
            }
            Message::CycleAnnotator(delta) => {
                if let Some(a) = self.agreement.as_mut() {
                    a.selected = 0;
                    let n = a
                        .stats
                        .as_ref()
                        .and_then(|s| s["annotators"].as_object().map(|m| m.len()))
                        .unwrap_or(0);
                    if n > 0 {
                        a.annotator =
                            (a.annotator as i64 + i64::from(*delta)).rem_euclid(n as i64) as usize;
                    }
                }
                vec![]
            }
            _ => return None,
        };
        Some(effects)
    }

    fn open_labeling(&mut self) -> Vec<Effect> {
        self.screen = Screen::Label;
        if self.labeling.is_some() || self.label_loading.is_some() {
            return vec![];
        }
        let config = &self.label_config;
        let annotator = config
            .annotator
            .clone()
            .unwrap_or_else(crate::config::default_annotator);
        let order = config.order.clone().unwrap_or_else(|| "random".into());
        self.label_loading = Some((0, 0));
        self.flash = Some(format!(
            "Preparing {annotator}'s {order} queue on {} (the label lab's queue code, in the pipeline)...",
            self.label_corpus
        ));
        vec![Effect::PrepareLabeling {
            corpus: self.label_corpus.clone(),
            annotator,
            order,
            seed: config.seed,
        }]
    }

    fn open_agreement(&mut self) -> Vec<Effect> {
        self.screen = Screen::Agreement;
        let view = self.agreement.get_or_insert_with(AgreementView::default);
        if view.loading {
            return vec![];
        }
        view.loading = true;
        self.flash =
            Some("Computing agreement with your label lab's code (ninety labels stats)...".into());
        vec![Effect::RunLabelStats(self.label_corpus.clone())]
    }
}

impl AgreementView {
    /// The rows of the list on show.
    pub fn items(&self) -> Vec<serde_json::Value> {
        let Some(stats) = &self.stats else {
            return vec![];
        };
        let list = match self.list {
            super::AgreementList::Disagreements => &stats["disagreements"],
            super::AgreementList::Suspects => &stats["suspects"],
            super::AgreementList::AgainstGold => {
                let name = stats["annotators"]
                    .as_object()
                    .and_then(|m| m.keys().nth(self.annotator))
                    .cloned()
                    .unwrap_or_default();
                &stats["annotators"][name.as_str()]["against_gold"]
            }
        };
        list.as_array().cloned().unwrap_or_default()
    }
}
