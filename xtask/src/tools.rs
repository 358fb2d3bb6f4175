//! Installs what a fresh machine lacks, and skips what is already there at the right version.
//! See `../shared/TOOLCHAIN.md` for why each tool is fetched the way it is (no GitHub
//! downloads work here: every binary comes from crates.io, npm or Debian).

use crate::progress::{output_of, run, step};
use crate::{root, Result};
use std::path::{Path, PathBuf};
use std::process::Command;

/// Where `cargo install` puts binaries.
fn cargo_bin_dir() -> PathBuf {
    let home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".cargo")))
        .unwrap_or_else(|| PathBuf::from(".cargo"));
    home.join("bin")
}

/// A cargo-installed tool by absolute path when present, so a PATH without ~/.cargo/bin works.
pub fn cargo_tool(name: &str) -> PathBuf {
    let path = cargo_bin_dir().join(name);
    if path.exists() {
        path
    } else {
        PathBuf::from(name)
    }
}

/// A tool from the repo's npm packages.
pub fn npm_tool(name: &str) -> PathBuf {
    root().join("node_modules").join(".bin").join(name)
}

/// The version of a package as resolved in Cargo.lock, so CLIs match their libraries.
pub fn locked_version(package: &str) -> Result<String> {
    let lock = std::fs::read_to_string(root().join("Cargo.lock"))
        .map_err(|e| format!("cannot read Cargo.lock: {e}"))?;
    let needle = format!("name = \"{package}\"");
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line.trim() == needle {
            if let Some(version) = lines
                .next()
                .and_then(|l| l.trim().strip_prefix("version = "))
            {
                return Ok(version.trim_matches('"').to_string());
            }
        }
    }
    Err(format!("{package} is not in Cargo.lock"))
}

/// Everything `dev` and `test` need to build and run the stack.
pub fn ensure_build_tools() -> Result<()> {
    step("checking the wasm32 target", ensure_wasm_target)?;
    let bindgen = locked_version("wasm-bindgen")?;
    step(&format!("checking wasm-bindgen-cli {bindgen}"), || {
        ensure_cargo_tool("wasm-bindgen", "wasm-bindgen-cli", &bindgen, &bindgen)
    })?;
    let worker = locked_version("worker")?;
    let worker_minor = worker
        .rsplit_once('.')
        .map(|(m, _)| m)
        .unwrap_or(&worker)
        .to_string();
    step(&format!("checking worker-build {worker_minor}.x"), || {
        ensure_cargo_tool(
            "worker-build",
            "worker-build",
            &worker_minor,
            &format!("^{worker_minor}"),
        )
    })?;
    step(
        "checking npm packages (wrangler, binaryen)",
        ensure_npm_packages,
    )?;
    Ok(())
}

/// Extra tools for `test`: wasm-pack and a headless Chromium with its driver.
pub fn ensure_test_tools() -> Result<()> {
    step("checking wasm-pack", || {
        ensure_cargo_tool("wasm-pack", "wasm-pack", "", "*")
    })?;
    step("checking chromium and chromedriver", ensure_chromium)?;
    step("checking php-cli (docs/magento's PHP client)", ensure_php)?;
    Ok(())
}

fn ensure_wasm_target() -> Result<()> {
    let installed = output_of(Command::new("rustup").args(["target", "list", "--installed"]))
        .unwrap_or_default();
    if installed
        .lines()
        .any(|l| l.trim() == "wasm32-unknown-unknown")
    {
        eprintln!("    present");
        return Ok(());
    }
    run(Command::new("rustup").args(["target", "add", "wasm32-unknown-unknown"]))
}

/// Installs `krate` unless `bin --version` already mentions `want` (empty: any version).
fn ensure_cargo_tool(bin: &str, krate: &str, want: &str, requirement: &str) -> Result<()> {
    if let Some(version) = output_of(Command::new(cargo_tool(bin)).arg("--version")) {
        if want.is_empty() || version.split_whitespace().any(|w| w.starts_with(want)) {
            eprintln!("    present: {version}");
            return Ok(());
        }
        eprintln!("    found {version}, want {want}: reinstalling");
    }
    eprintln!("    installing {krate} {requirement} with cargo install (a few minutes, once)");
    // No --locked: the registry mirror lags and locked installs fail (TOOLCHAIN.md).
    let mut cmd = Command::new("cargo");
    cmd.args(["install", krate, "--force"]);
    if requirement != "*" {
        cmd.args(["--version", requirement]);
    }
    run(&mut cmd)
}

fn ensure_npm_packages() -> Result<()> {
    let root = root();
    let lock = root.join("package-lock.json");
    let stamp = root.join("node_modules").join(".package-lock.json");
    let fresh = match (std::fs::metadata(&lock), std::fs::metadata(&stamp)) {
        (Ok(l), Ok(s)) => match (l.modified(), s.modified()) {
            (Ok(l), Ok(s)) => s >= l,
            _ => false,
        },
        _ => false,
    };
    if fresh && npm_tool("wrangler").exists() && npm_tool("wasm-opt").exists() {
        eprintln!("    present");
        return Ok(());
    }
    run(Command::new("npm")
        .args(["ci", "--no-audit", "--no-fund"])
        .current_dir(&root))
}

const CHROMIUM: &str = "/usr/bin/chromium";
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

fn ensure_chromium() -> Result<()> {
    if Path::new(CHROMIUM).exists() && Path::new(CHROMEDRIVER).exists() {
        eprintln!("    present");
        return Ok(());
    }
    let uid = output_of(Command::new("id").arg("-u")).unwrap_or_default();
    if uid != "0" {
        return Err(format!(
            "headless browser tests need {CHROMIUM} and {CHROMEDRIVER}: install the Debian packages \
             `chromium chromium-driver` (sudo apt-get install -y chromium chromium-driver) and run again"
        ));
    }
    let install = || {
        run(Command::new("apt-get")
            .args([
                "install",
                "-y",
                "--no-install-recommends",
                "chromium",
                "chromium-driver",
            ])
            .env("DEBIAN_FRONTEND", "noninteractive"))
    };
    if install().is_err() {
        // A fresh machine may have empty package lists.
        run(Command::new("apt-get").arg("update"))?;
        install()?;
    }
    Ok(())
}

/// Debian's `php-cli`, for the e2e test of the Magento guide's PHP client
/// (`tests/e2e/tests/magento.rs` runs `docs/magento/example.php`).
fn ensure_php() -> Result<()> {
    if output_of(Command::new("php").arg("--version")).is_some() {
        eprintln!("    present");
        return Ok(());
    }
    let uid = output_of(Command::new("id").arg("-u")).unwrap_or_default();
    if uid != "0" {
        return Err(
            "the Magento guide's test needs `php`: install the Debian package `php-cli` \
             (sudo apt-get install -y php-cli) and run again"
                .into(),
        );
    }
    let install = || {
        run(Command::new("apt-get")
            .args(["install", "-y", "--no-install-recommends", "php-cli"])
            .env("DEBIAN_FRONTEND", "noninteractive"))
    };
    if install().is_err() {
        run(Command::new("apt-get").arg("update"))?;
        install()?;
    }
    Ok(())
}
