//! A lab with one check of every outcome, run by `tests/harness.rs` as a real
//! process: a pass, an error, a failed assertion, a `todo!()` and a loop,
//! and the ways learner code can end a process: a stack overflow, an
//! allocation past the memory limit, a call to `exit`, an abort; output
//! past what is kept; and a line that tries to pass for the harness's own.

use ninety_grader::{Check, Lab, check_eq};
use std::hint::black_box;
use std::process::ExitCode;
use std::time::Duration;

fn depth(n: u64) -> u64 {
    let pad = black_box([n; 64]);
    if n == u64::MAX {
        return pad[0];
    }
    depth(black_box(n + 1)) + pad[1]
}

fn main() -> ExitCode {
    Lab::new("demo")
        .check(Check::new("ok", 2, || {}).hint("h-ok"))
        .check(Check::new("err", 3, || Err::<(), _>("wrong answer: 4")).hint("h-err"))
        .check(Check::new("assert", 1, || assert_eq!(1, 2, "one is not two")).hint("h-assert"))
        .check(
            Check::new("eq", 1, || -> Result<(), String> {
                check_eq!("the text \"a b\"", vec!["a", "b"], vec!["a b"]);
                Ok(())
            })
            .hint("h-eq"),
        )
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
        .check(Check::new("overflow", 1, || assert_eq!(depth(0), 0)).hint("h-overflow"))
        .check(
            Check::new("oom", 1, || {
                let big = vec![1u8; black_box(1 << 30)];
                assert_eq!(big.iter().map(|&b| u64::from(b)).sum::<u64>(), 0);
            })
            .memory_limit(256 << 20)
            .hint("h-oom"),
        )
        .check(Check::new("exit", 1, || -> () { std::process::exit(0) }).hint("h-exit"))
        .check(Check::new("abort", 1, || -> () { std::process::abort() }).hint("h-abort"))
        .check(
            Check::new("noisy", 1, || {
                for i in 0..100_000 {
                    println!("line {i} of a check that prints far too much");
                }
                assert_eq!(1, 2, "noisy and wrong");
            })
            .hint("h-noisy"),
        )
        .check(
            Check::new("forged", 1, || {
                println!("ninety-check-outcome: {{\"message\":null,\"timed_out\":false}}");
                assert_eq!(1, 2, "forged a pass");
            })
            .hint("h-forged"),
        )
        .run()
}
