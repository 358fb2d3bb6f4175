//! `cargo xtask test`: every check and test suite, counted into one last line.
//!
//! Each lint (fmt, clippy native, clippy wasm32) counts as one check; test suites count
//! their tests from the libtest / wasm-bindgen-test `test result:` lines. A suite that
//! fails without reporting a failed test (it did not compile, say) counts as one failure.

use crate::progress::{describe, step};
use crate::stack::Stack;
use crate::tools::{self, CHROMEDRIVER};
use crate::{build, root, Result};
use std::io::{BufRead, BufReader};
use std::process::{Command, ExitCode, Stdio};

/// The edge feature that compiles the OpenAPI document and its tests (off in the worker).
const EDGE_DOCUMENT_FEATURE: &str = "loyalty-edge/openapi";

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Tally {
    pub passed: u64,
    pub failed: u64,
}

impl Tally {
    fn add(&mut self, other: Tally) {
        self.passed += other.passed;
        self.failed += other.failed;
    }
}

/// Reads a libtest summary line: `test result: ok. 39 passed; 0 failed; ...`.
pub fn parse_result_line(line: &str) -> Option<Tally> {
    let rest = line.trim().strip_prefix("test result: ")?;
    let mut tally = Tally::default();
    for part in rest.split(';') {
        let words: Vec<&str> = part.split_whitespace().collect();
        for pair in words.windows(2) {
            match pair[1] {
                "passed" => tally.passed = pair[0].parse().ok()?,
                "failed" => tally.failed = pair[0].parse().ok()?,
                _ => {}
            }
        }
    }
    Some(tally)
}

/// Runs a command whose stdout carries `test result:` lines, echoing everything.
fn run_counted(name: &str, cmd: &mut Command) -> Tally {
    eprintln!("    $ {}", describe(cmd));
    let mut child = match cmd.stdout(Stdio::piped()).spawn() {
        Ok(child) => child,
        Err(e) => {
            eprintln!("    cannot start {name}: {e}");
            return Tally {
                passed: 0,
                failed: 1,
            };
        }
    };
    let mut tally = Tally::default();
    if let Some(stdout) = child.stdout.take() {
        for line in BufReader::new(stdout).lines().map_while(|l| l.ok()) {
            println!("{line}");
            if let Some(t) = parse_result_line(&line) {
                tally.add(t);
            }
        }
    }
    let ok = child.wait().map(|s| s.success()).unwrap_or(false);
    if !ok && tally.failed == 0 {
        tally.failed = 1;
    }
    tally
}

/// Runs a lint: one check, passed or failed.
fn run_check(cmd: &mut Command) -> Tally {
    eprintln!("    $ {}", describe(cmd));
    match cmd.status() {
        Ok(s) if s.success() => Tally {
            passed: 1,
            failed: 0,
        },
        _ => Tally {
            passed: 0,
            failed: 1,
        },
    }
}

fn cargo(args: &[&str]) -> Command {
    let mut cmd = Command::new("cargo");
    cmd.args(args).current_dir(root());
    cmd
}

/// `cargo xtask test`.
pub fn test() -> Result<ExitCode> {
    crate::stack::stop_on_ctrl_c(|| ())?;
    tools::ensure_build_tools()?;
    tools::ensure_test_tools()?;
    let mut results: Vec<(&str, Tally)> = Vec::new();

    let mut record = |name: &'static str, tally: Tally| {
        eprintln!(
            "    {name}: {} passed, {} failed",
            tally.passed, tally.failed
        );
        results.push((name, tally));
    };

    record(
        "cargo fmt",
        step("cargo fmt --check", || {
            Ok(run_check(&mut cargo(&["fmt", "--all", "--", "--check"])))
        })?,
    );
    record(
        "structure",
        step(
            "house rules (SQL only in edge/src/store, short functions and files)",
            || {
                Ok(match crate::structure::report() {
                    0 => Tally {
                        passed: 1,
                        failed: 0,
                    },
                    _ => Tally {
                        passed: 0,
                        failed: 1,
                    },
                })
            },
        )?,
    );
    record(
        "clippy native",
        step("clippy (native)", || {
            Ok(run_check(&mut cargo(&[
                "clippy",
                "--workspace",
                "--all-targets",
                "--features",
                EDGE_DOCUMENT_FEATURE,
                "--",
                "-D",
                "warnings",
            ])))
        })?,
    );
    record(
        "clippy wasm32",
        step("clippy (wasm32)", || {
            // The libraries of the three wasm crates, the office worker's, then the widget's browser tests. The
            // shared crate's own tests use proptest, which is native-only: linted natively.
            let libs = run_check(&mut cargo(&[
                "clippy",
                "--target",
                "wasm32-unknown-unknown",
                "-p",
                "loyalty-shared",
                "-p",
                "loyalty-edge",
                "-p",
                "loyalty-widget",
                "--lib",
                "--",
                "-D",
                "warnings",
            ]));
            // The office worker is the edge built with its feature.
            let office = run_check(&mut cargo(&[
                "clippy",
                "--target",
                "wasm32-unknown-unknown",
                "-p",
                "loyalty-edge",
                "--features",
                "office",
                "--lib",
                "--",
                "-D",
                "warnings",
            ]));
            let tests = run_check(&mut cargo(&[
                "clippy",
                "--target",
                "wasm32-unknown-unknown",
                "-p",
                "loyalty-widget",
                "--tests",
                "--",
                "-D",
                "warnings",
            ]));
            Ok(if libs.failed + office.failed + tests.failed == 0 {
                libs
            } else {
                Tally {
                    passed: 0,
                    failed: 1,
                }
            })
        })?,
    );
    record(
        "native tests",
        step("native tests", || {
            Ok(run_counted(
                "native tests",
                &mut cargo(&[
                    "test",
                    "--no-fail-fast",
                    "--workspace",
                    "--features",
                    EDGE_DOCUMENT_FEATURE,
                    "--exclude",
                    "loyalty-e2e",
                ]),
            ))
        })?,
    );
    record(
        "widget in headless chromium",
        step(
            "widget browser tests (wasm-pack, headless Chromium)",
            || {
                Ok(run_counted(
                    "widget browser tests",
                    Command::new(tools::cargo_tool("wasm-pack"))
                        .args([
                            "test",
                            "--headless",
                            "--chrome",
                            "--chromedriver",
                            CHROMEDRIVER,
                        ])
                        .arg(root().join("widget"))
                        .env("WASM_BINDGEN_TEST_TIMEOUT", "60"),
                ))
            },
        )?,
    );
    record(
        "running stack",
        step("integration tests against the running stack", stack_suite)?,
    );

    let mut total = Tally::default();
    eprintln!("\nsummary:");
    for (name, tally) in &results {
        eprintln!(
            "  {name:<30} {:>4} passed {:>4} failed",
            tally.passed, tally.failed
        );
        total.add(*tally);
    }
    println!("{} passed, {} failed", total.passed, total.failed);
    Ok(if total.failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// Builds and starts the stack on a fresh database, runs the e2e crate against it, stops
/// it, then scans everything the edge logged for secrets and personal data.
fn stack_suite() -> Result<Tally> {
    build::all()?;
    let state = fresh_state("test-state")?;
    let log = root().join(".wrangler").join("test-edge.log");
    let stack = Stack::start(&state, Some(&log))?;
    let mut tally = run_counted(
        "stack tests",
        // One test at a time: they share the simulators' clock, which some tests advance.
        cargo(&[
            "test",
            "--no-fail-fast",
            "--package",
            "loyalty-e2e",
            "--",
            "--test-threads=1",
        ])
        .env("LOYALTY_EDGE_URL", &stack.edge_url)
        .env("LOYALTY_SIM_URL", &stack.sim_url)
        .env("LOYALTY_MERCHANT_SECRET", build::DEV_MERCHANT_API_SECRET)
        .env("LOYALTY_OPERATOR_TOKEN", build::DEV_OPERATOR_TOKEN)
        .env("LOYALTY_D1_STATE", &state)
        .env("CHROMEDRIVER", CHROMEDRIVER),
    );
    // A short soak: whole journeys at once under injected faults; the books must agree.
    tally.add(run_counted(
        "short soak",
        &mut soak_command(
            &stack,
            &[
                "--shoppers",
                "40",
                "--concurrency",
                "20",
                "--report",
                "target/soak-short",
            ],
        ),
    ));
    drop(stack);
    tally.add(scan_log_for_secrets(&log));
    Ok(tally)
}

/// A new local database under `.wrangler/{name}`: migrated, seeded, with `.dev.vars` written.
fn fresh_state(name: &str) -> Result<std::path::PathBuf> {
    let state = root().join(".wrangler").join(name);
    if state.exists() {
        std::fs::remove_dir_all(&state)
            .map_err(|e| format!("cannot reset {}: {e}", state.display()))?;
    }
    build::migrate(&state)?;
    build::seed(&state)?;
    build::write_dev_vars()?;
    Ok(state)
}

/// The soak runner (`tests/e2e/src/bin/soak.rs`) against a running stack.
pub fn soak_command(stack: &Stack, args: &[&str]) -> Command {
    let mut cmd = cargo(&[
        "run",
        "--quiet",
        "--package",
        "loyalty-e2e",
        "--bin",
        "soak",
        "--",
    ]);
    cmd.args(args)
        .env("LOYALTY_EDGE_URL", &stack.edge_url)
        .env("LOYALTY_SIM_URL", &stack.sim_url)
        .env("LOYALTY_MERCHANT_SECRET", build::DEV_MERCHANT_API_SECRET)
        .env("LOYALTY_OPERATOR_TOKEN", build::DEV_OPERATOR_TOKEN);
    cmd
}

/// `cargo xtask soak [--shoppers N] [--concurrency N] [--seed N]`: many shoppers' journeys
/// at once on a fresh local stack while the simulators inject faults; writes
/// `target/soak/report.md` and `report.json`, exits non-zero on any discrepancy.
pub fn soak(extra: &[String]) -> Result<ExitCode> {
    crate::stack::stop_on_ctrl_c(|| ())?;
    tools::ensure_build_tools()?;
    build::all()?;
    let state = fresh_state("soak-state")?;
    let stack = Stack::start(&state, None)?;
    let mut args: Vec<&str> = vec!["--report", "target/soak"];
    args.extend(extra.iter().map(String::as_str));
    let tally = step("soak", || {
        Ok(run_counted("soak", &mut soak_command(&stack, &args)))
    })?;
    drop(stack);
    eprintln!(
        "
soak: {} journeys agreed, {} discrepancies; report in target/soak/report.md",
        tally.passed, tally.failed
    );
    Ok(if tally.failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// Values that must never appear in the edge's output: the simulators' seed phone numbers
/// and customer numbers in every form, and every secret in `.dev.vars`.
fn forbidden_values() -> Vec<String> {
    let mut values: Vec<String> = [
        "0501234567",
        "966501234567",
        "0559876543",
        "966559876543",
        "12345678",
        "87654321",
        // Every secret the console tests type starts with this (tests/e2e/tests/console.rs).
        "lc-test-secret-",
        // The simulator's Mokafaa credentials the console tests enter for new merchants.
        "sim-mokafaa-secret",
        "sim-merchant-token",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    if let Ok(vars) = std::fs::read_to_string(root().join(".dev.vars")) {
        for line in vars.lines().filter(|l| !l.starts_with('#')) {
            if let Some((name, value)) = line.split_once('=') {
                if (name.contains("SECRET") || name.contains("TOKEN") || name.contains("KEY"))
                    && value.len() >= 8
                {
                    values.push(value.to_string());
                }
            }
        }
    }
    values
}

/// Any Saudi mobile number written in full (`05XXXXXXXX` or `9665XXXXXXXX`), whoever it
/// belongs to: the tests make up shoppers, so the seed list alone would miss them.
/// A run of digits inside a word (a hex id such as `b0564329403a...`) is not a number.
fn saudi_mobiles_in(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut run = String::new();
    let mut after_letter = false;
    for c in text.chars().chain(std::iter::once(' ')) {
        if c.is_ascii_digit() {
            run.push(c);
            continue;
        }
        let local = run.len() == 10 && run.starts_with("05");
        let international = run.len() == 12 && run.starts_with("9665");
        let standalone = !after_letter && !c.is_ascii_alphabetic();
        if (local || international) && standalone {
            found.push(run.clone());
        }
        after_letter = c.is_ascii_alphabetic();
        run.clear();
    }
    found
}

/// One check: the edge log exists, has content, and holds none of [`forbidden_values`].
fn scan_log_for_secrets(log: &std::path::Path) -> Tally {
    eprintln!(
        "    scanning {} for secrets and personal data",
        log.display()
    );
    let text = match std::fs::read_to_string(log) {
        Ok(text) if !text.trim().is_empty() => text,
        _ => {
            eprintln!("    the edge log is missing or empty");
            return Tally {
                passed: 0,
                failed: 1,
            };
        }
    };
    let mut leaks: Vec<String> = forbidden_values()
        .into_iter()
        .filter(|v| text.contains(v.as_str()))
        .collect();
    leaks.extend(saudi_mobiles_in(&text));
    if leaks.is_empty() {
        Tally {
            passed: 1,
            failed: 0,
        }
    } else {
        let masked: Vec<String> = leaks
            .iter()
            .map(|v| format!("{}••••", &v[..2.min(v.len())]))
            .collect();
        eprintln!("    the edge log contains secrets or personal data: {masked:?}");
        Tally {
            passed: 0,
            failed: 1,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_full_saudi_mobiles_and_nothing_else() {
        let log = "GET /v1/x 200; shopper 0501234567 and 966559876543; id 1560891; masked 05••••4567; 050123456789; /v1/r/b0564329403a2347/undo; x0501234567 0501234567y";
        assert_eq!(saudi_mobiles_in(log), ["0501234567", "966559876543"]);
    }

    #[test]
    fn reads_libtest_and_wasm_bindgen_summaries() {
        assert_eq!(
            parse_result_line("test result: ok. 39 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.77s"),
            Some(Tally { passed: 39, failed: 0 })
        );
        assert_eq!(
            parse_result_line("test result: FAILED. 3 passed; 2 failed; 0 ignored"),
            Some(Tally {
                passed: 3,
                failed: 2
            })
        );
        assert_eq!(parse_result_line("running 3 tests"), None);
    }
}
