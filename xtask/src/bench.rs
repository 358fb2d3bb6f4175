//! `cargo xtask bench`: what a merchant's shoppers download, and how fast the edge answers.
//! Numbers are printed for the team's notes; nothing here asserts a time.

use crate::stack::{http_get, Stack, EDGE_ADDR};
use crate::{build, root, tools, Result};
use flate2::write::GzEncoder;
use flate2::Compression;
use std::io::Write;
use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

fn gzip_len(path: &Path) -> Result<(usize, usize)> {
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let mut encoder = GzEncoder::new(Vec::new(), Compression::best());
    encoder.write_all(&bytes).map_err(|e| e.to_string())?;
    let gz = encoder.finish().map_err(|e| e.to_string())?;
    Ok((bytes.len(), gz.len()))
}

fn kb(n: usize) -> f64 {
    n as f64 / 1024.0
}

/// Script tag -> entry painted, and -> widget ready after the shopper presses the entry,
/// median and p90 of 20 cold loads (`tests/e2e/src/bin/widget_timing.rs`).
fn widget_timing(stack: &Stack) -> Result<String> {
    tools::ensure_test_tools()?;
    let output = std::process::Command::new("cargo")
        .args([
            "run",
            "--quiet",
            "--package",
            "loyalty-e2e",
            "--bin",
            "widget_timing",
        ])
        .current_dir(root())
        .env("LOYALTY_EDGE_URL", &stack.edge_url)
        .env("LOYALTY_SIM_URL", &stack.sim_url)
        .env("CHROMEDRIVER", tools::CHROMEDRIVER)
        .output()
        .map_err(|e| e.to_string())?;
    let report: serde_json::Value = String::from_utf8_lossy(&output.stdout)
        .lines()
        .last()
        .and_then(|l| serde_json::from_str(l).ok())
        .ok_or_else(|| String::from_utf8_lossy(&output.stderr).to_string())?;
    let part = |key: &str| {
        format!(
            "{key}: median {:.0} ms, p90 {:.0} ms",
            report[key]["median_ms"].as_f64().unwrap_or(f64::NAN),
            report[key]["p90_ms"].as_f64().unwrap_or(f64::NAN)
        )
    };
    Ok(format!(
        "{} (target < 50 ms); {} (target < 150 ms)",
        part("script_tag_to_entry_paint"),
        part("script_tag_to_interactive_after_first_action")
    ))
}

pub fn bench() -> Result<ExitCode> {
    crate::stack::stop_on_ctrl_c(|| ())?;
    tools::ensure_build_tools()?;
    build::all()?;

    println!("\nsizes (raw / gzip -9):");
    let widget = build::widget_out_dir();
    let (raw, loader) = gzip_len(&root().join("www").join("embed.js"))?;
    println!(
        "  loader embed.js{:<21} {:>8.1} KB {:>8.1} KB",
        "",
        kb(raw),
        kb(loader)
    );
    let mut widget_total = loader;
    for file in ["loyalty_widget_bg.wasm", "loyalty_widget.js"] {
        let (raw, gz) = gzip_len(&widget.join(file))?;
        widget_total += gz;
        println!("  widget {file:<28} {:>8.1} KB {:>8.1} KB", kb(raw), kb(gz));
    }
    println!(
        "  before interaction (the loader)     {:>8.1} KB   (target <= 4 KB)",
        kb(loader)
    );
    println!(
        "  whole widget, all files (gzip)      {:>8.1} KB   (target <= 90 KB)",
        kb(widget_total)
    );
    let worker_dir = root().join("edge").join("build");
    let worker_wasm = std::fs::read_dir(&worker_dir)
        .map_err(|e| format!("cannot list {}: {e}", worker_dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .find(|p| p.extension().is_some_and(|x| x == "wasm"))
        .ok_or("no wasm in edge/build")?;
    let (raw, gz) = gzip_len(&worker_wasm)?;
    println!(
        "  worker {:<29} {:>8.1} KB {:>8.1} KB",
        "wasm",
        kb(raw),
        kb(gz)
    );

    let state = root().join(".wrangler").join("bench-state");
    let _ = std::fs::remove_dir_all(&state);
    build::migrate(&state)?;
    build::seed(&state)?;
    build::write_dev_vars()?;
    let stack = Stack::start(&state, None)?;
    const N: usize = 200;
    let mut samples = Vec::with_capacity(N);
    for _ in 0..N {
        let started = Instant::now();
        let (status, _) = http_get(EDGE_ADDR, "/v1/health").map_err(|e| e.to_string())?;
        samples.push(started.elapsed().as_secs_f64() * 1000.0);
        if status != 200 {
            return Err(format!("/v1/health answered {status}"));
        }
    }
    let timing = widget_timing(&stack);
    drop(stack);
    match timing {
        Ok(line) => println!("\nwidget in headless Chromium, 20 cold loads of /demo/: {line}"),
        Err(e) => eprintln!("\nwidget timings not measured: {e}"),
    }
    samples.sort_by(|a, b| a.total_cmp(b));
    let pct = |p: f64| samples[((samples.len() as f64 * p) as usize).min(samples.len() - 1)];
    println!(
        "\nGET /v1/health with a D1 query, local wrangler dev, {N} sequential requests: p50 {:.2} ms, p95 {:.2} ms, max {:.2} ms",
        pct(0.50),
        pct(0.95),
        samples[samples.len() - 1]
    );
    Ok(ExitCode::SUCCESS)
}
