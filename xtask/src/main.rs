//! `cargo xtask`: the project's front door.
//!
//! - `dev`: install what is missing, build, start the local stack, stop it on Ctrl-C.
//! - `test`: install what is missing, lint, run every test suite (native, browser, stack),
//!   print `N passed, N failed`, exit non-zero on any failure.
//! - `bench`: build for release and measure sizes and latencies.
//! - `soak`: many shoppers' journeys at once under injected faults; the books must agree.

mod bench;
mod build;
mod merchant;
mod progress;
mod stack;
mod structure;
mod suites;
mod tools;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// The workspace root (xtask lives one level below it).
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask is inside the workspace")
        .to_path_buf()
}

/// Errors are messages for a person at a terminal: what failed and what to do.
pub type Result<T> = std::result::Result<T, String>;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let outcome = match args.first().map(String::as_str) {
        Some("dev") => stack::dev(),
        Some("test") => suites::test(),
        Some("bench") => bench::bench(),
        Some("soak") => suites::soak(&args[1..]),
        Some("merchant") => merchant::command(&args[1..]),
        Some("structure") => Ok(match structure::report() {
            0 => ExitCode::SUCCESS,
            _ => ExitCode::FAILURE,
        }),
        _ => {
            eprintln!("usage: cargo xtask <dev|test|bench|soak>");
            eprintln!("  dev    build and run the local stack on http://127.0.0.1:8787");
            eprintln!("  test   lint and run every test suite");
            eprintln!("  bench  measure widget/worker sizes and API latency");
            eprintln!("  structure  house rules: SQL only in store/, short functions and files");
            eprintln!("  soak   many shoppers at once under injected faults; the books must agree");
            eprintln!("  merchant add <id> <name> <email>  a merchant and its admin's invitation (local stack running)");
            return ExitCode::from(2);
        }
    };
    match outcome {
        Ok(code) => code,
        Err(message) => {
            eprintln!("\nxtask: {message}");
            ExitCode::FAILURE
        }
    }
}
