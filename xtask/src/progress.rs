//! Step banners with timings, and running commands with a clear error when they fail.

use crate::Result;
use std::process::{Command, Stdio};
use std::time::Instant;

/// Runs `f` under a banner and prints how long it took.
pub fn step<T>(title: &str, f: impl FnOnce() -> Result<T>) -> Result<T> {
    eprintln!("\n==> {title}");
    let started = Instant::now();
    let out = f();
    let took = started.elapsed().as_secs_f32();
    match &out {
        Ok(_) => eprintln!("    done: {title} ({took:.1}s)"),
        Err(_) => eprintln!("    FAILED: {title} ({took:.1}s)"),
    }
    out
}

/// Describes a command for messages.
pub fn describe(cmd: &Command) -> String {
    let mut text = cmd.get_program().to_string_lossy().into_owned();
    for arg in cmd.get_args() {
        text.push(' ');
        text.push_str(&arg.to_string_lossy());
    }
    text
}

/// Runs a command with inherited output; an error names the command.
pub fn run(cmd: &mut Command) -> Result<()> {
    let status = cmd
        .status()
        .map_err(|e| format!("could not start `{}`: {e}", describe(cmd)))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("`{}` failed ({status})", describe(cmd)))
    }
}

/// The trimmed stdout of a command, or None when it cannot run or fails.
pub fn output_of(cmd: &mut Command) -> Option<String> {
    let out = cmd.stderr(Stdio::null()).output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
}
