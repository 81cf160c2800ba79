//! Integration tests of the `ninety` binary, on temporary copies of this
//! repository: the command line (`init`, `grade`, `lab check`, `run`,
//! `data list`, `data import`, bad input), a cohort graded end to end,
//! `serve` under `load`, and one end-to-end run of the workbench in a real
//! terminal (tmux).

mod builds;
mod cli;
mod cohort;
mod e2e;
mod import;
mod serving;
mod support;
