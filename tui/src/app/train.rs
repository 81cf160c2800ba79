//! `update` for the train view.

use super::{App, Effect, Message, Screen};

/// Log lines kept for the view.
const LOG_LINES: usize = 200;

impl App {
    /// Handles the train view's messages; `None` for any other.
    pub(super) fn update_train(&mut self, message: &Message) -> Option<Vec<Effect>> {
        let effects = match message {
            Message::OpenTrain => {
                self.screen = Screen::Train;
                vec![Effect::LoadRuns]
            }
            Message::StartTrain => {
                if self.train.running {
                    return Some(vec![]);
                }
                let t = &mut self.train;
                t.running = true;
                t.series.clear();
                t.log.clear();
                t.summary = None;
                t.problem = None;
                self.flash = Some(format!(
                    "Training {} on the {} split of {} (your lab's code, in the pipeline)...",
                    t.model, t.split, self.label_corpus
                ));
                vec![Effect::RunTrain(
                    self.label_corpus.clone(),
                    t.model.clone(),
                    t.split.clone(),
                )]
            }
            Message::ToggleModel => {
                let t = &mut self.train;
                t.model = if t.model == "fasttext" {
                    "logreg"
                } else {
                    "fasttext"
                }
                .into();
                vec![]
            }
            Message::ToggleSplit => {
                let t = &mut self.train;
                t.split = if t.split == "random" {
                    "time"
                } else {
                    "random"
                }
                .into();
                vec![]
            }
            Message::TrainMetric(name, value, step) => {
                let x = step.map_or_else(
                    || {
                        self.train
                            .series
                            .get(name)
                            .map_or(1.0, |s| s.len() as f64 + 1.0)
                    },
                    |s| s as f64,
                );
                self.train
                    .series
                    .entry(name.clone())
                    .or_default()
                    .push((x, *value));
                vec![]
            }
            Message::TrainLog(line) => {
                let log = &mut self.train.log;
                log.push(line.clone());
                if log.len() > LOG_LINES {
                    log.remove(0);
                }
                vec![]
            }
            Message::TrainFinished(result) => {
                self.train.running = false;
                match result {
                    Ok(summary) => {
                        self.flash = Some(format!(
                            "Run {} finished: test F1 {:.3} in {:.1} s. `ninety runs` lists it.",
                            summary["run_id"].as_str().unwrap_or("?"),
                            summary["metrics"]["spam_f1"].as_f64().unwrap_or(0.0),
                            summary["seconds"].as_f64().unwrap_or(0.0)
                        ));
                        self.train.summary = Some(summary.clone());
                    }
                    Err(why) => {
                        self.flash = Some(
                            "The run failed; the reason is in the panel. The workbench is fine."
                                .into(),
                        );
                        self.train.problem = Some(why.clone());
                    }
                }
                vec![Effect::LoadRuns]
            }
            Message::RunsLoaded(runs) => {
                self.train.runs = runs.clone();
                vec![]
            }
            _ => return None,
        };
        Some(effects)
    }
}
