//! The measurements that need the running stack, each a bin of the e2e crate that prints
//! one JSON line: the widget in headless Chromium, and the API routes.

use crate::stack::Stack;
use crate::{build, root, tools, Result};
use serde_json::Value;
use std::process::{Command, Stdio};

/// Runs `cargo run -p loyalty-e2e --bin {bin} -- {args}` against `stack`; its last stdout
/// line, as JSON. Its progress (stderr) shows on the terminal.
fn e2e_bin(stack: &Stack, bin: &str, args: &[&str]) -> Result<Value> {
    let output = Command::new("cargo")
        .args([
            "run",
            "--quiet",
            "--package",
            "loyalty-e2e",
            "--bin",
            bin,
            "--",
        ])
        .args(args)
        .current_dir(root())
        .env("LOYALTY_EDGE_URL", &stack.edge_url)
        .env("LOYALTY_SIM_URL", &stack.sim_url)
        .env("LOYALTY_MERCHANT_SECRET", build::DEV_MERCHANT_API_SECRET)
        .env("LOYALTY_OPERATOR_TOKEN", build::DEV_OPERATOR_TOKEN)
        .env("CHROMEDRIVER", tools::CHROMEDRIVER)
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| format!("cannot run {bin}: {e}"))?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    let last = stdout.lines().last().unwrap_or_default();
    match serde_json::from_str(last) {
        Ok(value) if output.status.success() => Ok(value),
        _ => Err(format!("{bin} failed ({}): {last}", output.status)),
    }
}

/// Script tag -> entry painted, and -> widget ready after the first press: median and p90
/// of 20 loads, each in a fresh browser profile (nothing cached).
pub fn widget_timing(stack: &Stack) -> Result<Value> {
    tools::ensure_test_tools()?;
    e2e_bin(stack, "widget_timing", &[])
}

/// Every route of the journey, sequential and 50 clients at once, beside `GET /embed.js`.
pub fn routes(stack: &Stack) -> Result<Value> {
    e2e_bin(stack, "route_bench", &[])
}
