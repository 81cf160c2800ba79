//! A lab with one check of every outcome, run by `tests/harness.rs` as a real
//! process: a pass, an error, a failed assertion, a `todo!()` and a loop.

use ninety_grader::{Check, Lab};
use std::process::ExitCode;
use std::time::Duration;

fn main() -> ExitCode {
    Lab::new("demo")
        .check(Check::new("ok", 2, || {}).hint("h-ok"))
        .check(Check::new("err", 3, || Err::<(), _>("wrong answer: 4")).hint("h-err"))
        .check(Check::new("assert", 1, || assert_eq!(1, 2, "one is not two")).hint("h-assert"))
        .check(Check::new("todo", 4, || -> () { todo!("write the cost function") }).hint("h-todo"))
        .check(
            Check::new("loop", 5, || -> () {
                loop {
                    std::thread::sleep(Duration::from_millis(5));
                }
            })
            .time_limit(Duration::from_millis(300))
            .hint("h-loop"),
        )
        .run()
}
