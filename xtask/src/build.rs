//! Release builds of the widget (into `www/widget/`) and the two workers (checkout into
//! `edge/build/`, office into `edge/build-office/`), and local D1 migrations.

use crate::progress::{run, step};
use crate::tools::{cargo_tool, npm_tool};
use crate::{root, Result};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::SystemTime;

const WASM_TARGET: &str = "wasm32-unknown-unknown";

/// Where the built widget is served from (`/widget/` on the edge's origin).
pub fn widget_out_dir() -> PathBuf {
    root().join("www").join("widget")
}

fn modified(path: &Path) -> Option<SystemTime> {
    std::fs::metadata(path).and_then(|m| m.modified()).ok()
}

/// Builds the widget: cargo (release, size profile), wasm-bindgen for the web, wasm-opt -Oz,
/// and esbuild to minify the JS glue (a shopper downloads it; its names are wasm-bindgen's).
/// The later passes are skipped when the output is newer than cargo's.
pub fn widget() -> Result<()> {
    step("building the widget (release wasm)", || {
        run(Command::new("cargo")
            .args([
                "build",
                "--release",
                "--package",
                "loyalty-widget",
                "--target",
                WASM_TARGET,
            ])
            .current_dir(root()))
    })?;
    let raw = root()
        .join("target")
        .join(WASM_TARGET)
        .join("release")
        .join("loyalty_widget.wasm");
    let out_dir = widget_out_dir();
    let out_wasm = out_dir.join("loyalty_widget_bg.wasm");
    if let (Some(built), Some(out)) = (modified(&raw), modified(&out_wasm)) {
        if out >= built {
            eprintln!("    www/widget is up to date");
            return Ok(());
        }
    }
    step("wasm-bindgen + wasm-opt + esbuild for the widget", || {
        // embed.js always names the wasm's URL, and every browser it supports encodes
        // strings in place: both leave glue out.
        run(Command::new(cargo_tool("wasm-bindgen"))
            .args(["--target", "web", "--no-typescript", "--out-dir"])
            .arg(&out_dir)
            .args(["--omit-default-module-path", "--encode-into", "always"])
            .arg(&raw))?;
        let optimized = out_dir.join("loyalty_widget_bg.opt.wasm");
        // --converge repeats -Oz while it still shrinks the module. --low-memory-unused
        // holds: rustc lays the stack first, below the data at 1 MiB, so addresses under
        // 1024 are the stack's far end, reached only by an overflow.
        run(Command::new(npm_tool("wasm-opt"))
            .args(["-Oz", "--converge", "--low-memory-unused"])
            .args(["--strip-debug", "--strip-producers"])
            .arg(&out_wasm)
            .arg("-o")
            .arg(&optimized))?;
        std::fs::rename(&optimized, &out_wasm).map_err(|e| format!("cannot move wasm: {e}"))?;
        minify_glue(&out_dir.join("loyalty_widget.js"))
    })
}

/// Minifies the widget's JS glue in place (an ES module: its exports keep their names).
fn minify_glue(glue: &Path) -> Result<()> {
    let minified = glue.with_extension("min.js");
    run(Command::new(npm_tool("esbuild"))
        .arg(glue)
        .args(["--minify", "--format=esm", "--log-level=warning"])
        .arg(format!("--outfile={}", minified.display())))?;
    std::fs::rename(&minified, glue).map_err(|e| format!("cannot move the glue: {e}"))
}

/// Builds both workers with worker-build, pointing it at local tools so it downloads
/// nothing: the office (`--features office`, into `edge/build-office/`), then the checkout
/// (into `edge/build/`, last, so `target/` holds its unstripped wasm for the bench). The
/// OpenAPI document is written first, natively, as a static asset: no worker ships schema
/// code.
pub fn worker() -> Result<()> {
    openapi_document()?;
    for (name, out_dir, features) in WORKERS {
        step(
            &format!("building the {name} worker (worker-build --release)"),
            || {
                let mut build = Command::new(cargo_tool("worker-build"));
                build
                    .args(["--release", "--out-dir", out_dir])
                    .args(features.iter().flat_map(|f| ["--features", f]))
                    .current_dir(root().join("edge"))
                    .env("WASM_BINDGEN_BIN", cargo_tool("wasm-bindgen"))
                    .env("ESBUILD_BIN", npm_tool("esbuild"))
                    .env("WASM_OPT_BIN", npm_tool("wasm-opt"));
                run(&mut build)
            },
        )?;
        shrink_worker(out_dir)?;
    }
    Ok(())
}

/// Each worker: its name, its build folder under `edge/`, and its cargo features.
pub const WORKERS: [(&str, &str, &[&str]); 2] = [
    ("office", "build-office", &["office"]),
    ("checkout", "build", &[]),
];

/// worker-build keeps the function names (a sixth of the file): the deployed worker does
/// not need them, and its size is what Cloudflare limits and loads on a cold start.
fn shrink_worker(out_dir: &str) -> Result<()> {
    step("stripping the worker's function names", || {
        let wasm = root().join("edge").join(out_dir).join("index_bg.wasm");
        run(Command::new(npm_tool("wasm-opt"))
            .args(["--strip-debug", "--strip-producers"])
            .arg(&wasm)
            .arg("-o")
            .arg(&wasm))
    })
}

/// Writes `www/v1/openapi.json` from the edge's route table and shared types.
fn openapi_document() -> Result<()> {
    step("writing the OpenAPI document (www/v1/openapi.json)", || {
        let output = Command::new("cargo")
            .args(["run", "--quiet", "--package", "loyalty-edge"])
            .args(["--features", "openapi", "--bin", "openapi"])
            .current_dir(root())
            .stderr(Stdio::inherit())
            .output()
            .map_err(|e| format!("cannot run cargo: {e}"))?;
        if !output.status.success() {
            return Err("the OpenAPI document could not be generated".into());
        }
        let dir = root().join("www").join("v1");
        std::fs::create_dir_all(&dir)
            .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        std::fs::write(dir.join("openapi.json"), output.stdout)
            .map_err(|e| format!("cannot write openapi.json: {e}"))
    })
}

/// Applies D1 migrations to the local database kept in `persist_dir`.
pub fn migrate(persist_dir: &Path) -> Result<()> {
    step("applying D1 migrations (local)", || {
        let mut child = Command::new(npm_tool("wrangler"))
            .args(["d1", "migrations", "apply", "DB", "--local", "--persist-to"])
            .arg(persist_dir)
            .current_dir(root())
            .env("CI", "true")
            .env("WRANGLER_SEND_METRICS", "false")
            .stdin(Stdio::piped())
            .spawn()
            .map_err(|e| format!("cannot start wrangler: {e}"))?;
        // Answer yes to the confirmation prompt if wrangler asks in this environment.
        if let Some(mut stdin) = child.stdin.take() {
            use std::io::Write;
            let _ = stdin.write_all(b"y\n");
        }
        let status = child.wait().map_err(|e| format!("wrangler: {e}"))?;
        if status.success() {
            Ok(())
        } else {
            Err(format!("wrangler d1 migrations apply failed ({status})"))
        }
    })
}

/// Loads the demo merchant (pointed at the simulators) into the local database.
pub fn seed(persist_dir: &Path) -> Result<()> {
    step("seeding the demo merchant (local)", || {
        run(Command::new(npm_tool("wrangler"))
            .args([
                "d1",
                "execute",
                "DB",
                "--local",
                "--file",
                "edge/dev/seed.sql",
                "--persist-to",
            ])
            .arg(persist_dir)
            .current_dir(root())
            .env("CI", "true")
            .env("WRANGLER_SEND_METRICS", "false")
            .stdin(Stdio::null()))
    })
}

/// The demo merchant's server-API secret on the local stack (the e2e tests sign with it).
pub const DEV_MERCHANT_API_SECRET: &str = "dev-merchant-api-secret";

/// The local stack's operator token (`cargo xtask merchant add` and the e2e tests use it).
pub const DEV_OPERATOR_TOKEN: &str = "dev-operator-token-for-the-local-stack";

/// 32 random bytes as hex, for a fresh local key.
fn random_key() -> Result<String> {
    let mut key = [0u8; 32];
    std::fs::File::open("/dev/urandom")
        .and_then(|mut f| std::io::Read::read_exact(&mut f, &mut key))
        .map_err(|e| format!("cannot read /dev/urandom: {e}"))?;
    Ok(key.iter().map(|b| format!("{b:02x}")).collect())
}

/// A key the last `.dev.vars` held (64 hex), so what the local database sealed with it, and
/// receipts signed with it, still open after a restart; else a fresh one.
fn kept_key(name: &str) -> Result<String> {
    let kept = std::fs::read_to_string(root().join(".dev.vars"))
        .ok()
        .and_then(|vars| {
            vars.lines()
                .find_map(|l| l.strip_prefix(&format!("{name}=")).map(str::to_string))
        })
        .filter(|k| k.len() == 64 && k.bytes().all(|b| b.is_ascii_hexdigit()));
    match kept {
        Some(key) => Ok(key),
        None => random_key(),
    }
}

/// The local Worker's secrets and vars (`.dev.vars`, git-ignored): the simulators' test
/// credentials for the demo merchant, a receipt key, and the simulators' clock.
pub fn write_dev_vars() -> Result<()> {
    std::fs::write(root().join(".dev.vars"), dev_vars()?)
        .map_err(|e| format!("cannot write .dev.vars: {e}"))
}

/// The bench's `.dev.vars`: the edge on real time, as in production. The simulated clock
/// costs every request an HTTP call to the simulator that no deployed worker makes; the
/// bench does not move the clock, so the simulators' time and the edge's agree. Its
/// per-address limits are out of the way of fifty clients on one address.
pub fn write_bench_vars() -> Result<()> {
    let vars: String = dev_vars()?
        .lines()
        .filter(|line| !line.starts_with("SIM_CLOCK_URL="))
        .map(|line| match line.split_once("_LIMIT_PER_IP=") {
            Some((name, _)) => format!("{name}_LIMIT_PER_IP=100000/900\n"),
            None => format!("{line}\n"),
        })
        .collect();
    std::fs::write(root().join(".dev.vars"), vars)
        .map_err(|e| format!("cannot write .dev.vars: {e}"))
}

fn dev_vars() -> Result<String> {
    let key = kept_key("RECEIPT_SIGNING_KEY")?;
    let sealing = kept_key("SEALING_KEY")?;
    let vars = format!(
        "# Written by cargo xtask for the local stack; never commit real secrets.\n\
         MOKAFAA_CLIENT_SECRET__DEMO=sim-mokafaa-secret\n\
         MOKAFAA_MERCHANT_TOKEN__DEMO=sim-merchant-token\n\
         SMS_VERIFY_AUTH_TOKEN__DEMO=sim-sms-auth-token\n\
         MERCHANT_API_SECRET__DEMO={merchant}\n\
         OPERATOR_TOKEN={operator}\n\
         RECEIPT_SIGNING_KEY={key}\n\
         SIM_CLOCK_URL=http://{sim}/__sim/clock\n\
         EMAIL_API_URL=http://{sim}/email/email\n\
         EMAIL_API_TOKEN=sim-email-token\n\
         EMAIL_FROM=loyalty@demo-store.example\n\
         PONGO_BASE_URL=http://{sim}/pongo\n\
         PONGO_CLIENT_ID=sim-pongo-client\n\
         PONGO_CLIENT_SECRET=sim-pongo-secret\n\
         SEALING_KEY={sealing}\n\
         MOKAFAA_SANDBOX_URL=http://{sim}/mokafaa\n\
         OTP_LIMIT_PER_IP=1000/900\n\
         REDEEM_LIMIT_PER_IP=1000/900\n\
         ENLIST_LIMIT_PER_IP=1000/900\n\
         LOYALTY_COUNTERS=on\n",
        merchant = DEV_MERCHANT_API_SECRET,
        operator = DEV_OPERATOR_TOKEN,
        sim = crate::stack::SIM_ADDR
    );
    Ok(vars)
}

/// Everything the stack serves, built for release.
pub fn all() -> Result<()> {
    widget()?;
    worker()
}
