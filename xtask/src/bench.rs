//! `cargo xtask bench`: what a merchant's shoppers download, which crates those bytes come
//! from, how fast the widget shows, and how fast each route of a shopper's journey answers,
//! alone and 50 at once. All from one run, written to `target/bench/report.md` and
//! `report.json` beside the previous run's figures, and printed. Nothing here asserts a time:
//! the figures are for a reviewer, and the targets are shown beside them.

mod crates;
mod report;
mod runs;
mod sizes;
mod table;

use crate::progress::{run, step};
use crate::stack::Stack;
use crate::{build, root, tools, Result};
use serde_json::{json, Value};
use std::path::PathBuf;
use std::process::{Command, ExitCode};
use std::time::Instant;

fn out_dir() -> PathBuf {
    root().join("target").join("bench")
}

/// The previous run's report, read before this run replaces it.
fn previous() -> Option<Value> {
    let text = std::fs::read_to_string(out_dir().join("report.json")).ok()?;
    serde_json::from_str(&text).ok()
}

/// A command's first line of output, or `?`.
fn first_line(program: &str, args: &[&str]) -> String {
    Command::new(program)
        .args(args)
        .current_dir(root())
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .and_then(|s| s.lines().next().map(str::to_string))
        .unwrap_or_else(|| "?".into())
}

/// When, on what code and on how many cores the figures were taken.
fn header() -> Value {
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    json!({
        "date": first_line("date", &["-u", "+%Y-%m-%d %H:%M UTC"]),
        "commit": first_line("git", &["rev-parse", "--short", "HEAD"]),
        "cores": cores,
    })
}

/// The per-crate breakdown of cargo's unstripped release output `file`.
fn crate_part(file: &str) -> Value {
    let path = root()
        .join("target")
        .join("wasm32-unknown-unknown")
        .join("release")
        .join(file);
    let shown = path
        .strip_prefix(root())
        .unwrap_or(&path)
        .display()
        .to_string();
    let mut part = match crates::breakdown(&path) {
        Ok(b) => b.to_json(),
        Err(e) => json!({ "error": e }),
    };
    part["file"] = json!(shown);
    part
}

/// The widget timings and the routes, on a fresh local stack stopped afterwards.
/// Seconds each stage took, so a slow run says where the time went.
#[derive(Default)]
struct Stages(Vec<(&'static str, f64)>);

impl Stages {
    fn time<T>(&mut self, name: &'static str, work: impl FnOnce() -> T) -> T {
        let started = Instant::now();
        let out = work();
        self.0.push((name, started.elapsed().as_secs_f64()));
        out
    }

    fn to_json(&self) -> Value {
        let list = self.0.iter();
        let list = list.map(|(n, s)| json!({"stage": n, "seconds": s.round() as u64}));
        Value::Array(list.collect())
    }
}

/// The bench's bins built before the stack starts, so no compile runs beside a measurement.
fn build_bins() -> Result<()> {
    step("building the bench's browser and route runners", || {
        run(Command::new("cargo")
            .args([
                "build",
                "--package",
                "loyalty-e2e",
                "--bin",
                "widget_timing",
            ])
            .args(["--bin", "route_bench"])
            .current_dir(root()))
    })
}

/// The widget timings and the routes, on a fresh local stack stopped afterwards.
fn on_the_stack(report: &mut Value, stages: &mut Stages) -> Result<()> {
    let state = root().join(".wrangler").join("bench-state");
    let _ = std::fs::remove_dir_all(&state);
    build::migrate(&state)?;
    build::seed(&state)?;
    build::write_bench_vars()?;
    // Other work on the machine shows in the times: say how busy it was.
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    let load: Vec<&str> = load.split_whitespace().take(3).collect();
    report["load_average"] = json!(load.join(" "));
    let stack = Stack::start(&state, None)?;
    eprintln!("\nwidget timings (headless Chromium, 20 loads)...");
    report["widget_timings"] = stages
        .time("widget timings", || runs::widget_timing(&stack))
        .unwrap_or_else(|e| json!({ "error": e }));
    eprintln!("\nroutes (sequential, then 50 clients at once)...");
    report["routes"] = stages
        .time("routes", || runs::routes(&stack))
        .unwrap_or_else(|e| json!({ "error": e }));
    drop(stack);
    Ok(())
}

/// Sizes and the per-crate breakdown, from the release build on disk.
fn bytes(report: &mut Value, stages: &mut Stages) -> Result<()> {
    let sizes = stages.time("sizes", sizes::measure)?;
    report["sizes"] = json!(sizes.iter().map(|r| r.to_json()).collect::<Vec<_>>());
    report["crates"] = stages.time("crates", || {
        json!({
            "widget": crate_part("loyalty_widget.wasm"),
            "worker": crate_part("loyalty_edge.wasm"),
        })
    });
    Ok(())
}

pub fn bench() -> Result<ExitCode> {
    crate::stack::stop_on_ctrl_c(|| ())?;
    let started = Instant::now();
    let mut stages = Stages::default();
    tools::ensure_build_tools()?;
    stages.time("build", build::all)?;
    stages.time("bench bins", build_bins)?;
    let before = previous();
    let mut report = header();
    bytes(&mut report, &mut stages)?;
    on_the_stack(&mut report, &mut stages)?;
    report["stage_seconds"] = stages.to_json();
    report["total_seconds"] = json!(started.elapsed().as_secs());
    let missing = ["widget_timings", "routes"]
        .iter()
        .any(|k| report[*k].get("error").is_some());
    write(&report, before.as_ref(), missing)?;
    Ok(if missing {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

/// Writes and prints the report. A run that could not measure everything leaves the last
/// complete `report.json` in place, so the next run still compares with real figures.
fn write(report: &Value, before: Option<&Value>, incomplete: bool) -> Result<()> {
    let markdown = report::markdown(report, before);
    let dir = out_dir();
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let json_name = if incomplete {
        "report.incomplete.json"
    } else {
        "report.json"
    };
    let json_text = serde_json::to_string_pretty(report).map_err(|e| e.to_string())?;
    std::fs::write(dir.join(json_name), json_text).map_err(|e| e.to_string())?;
    std::fs::write(dir.join("report.md"), &markdown).map_err(|e| e.to_string())?;
    println!("\n{markdown}\nreport: target/bench/report.md and {json_name}");
    if incomplete {
        eprintln!("bench: some figures could not be measured (see the report); report.json kept");
    }
    Ok(())
}
