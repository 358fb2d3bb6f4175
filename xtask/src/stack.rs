//! The local stack: the provider simulators (`loyalty-sim`) and `wrangler dev` serving the
//! edge and `www/`. Children run in their own process groups so that stopping them
//! also stops what they started (workerd), on Ctrl-C as on a normal exit.

use crate::progress::{run, step};
use crate::tools::npm_tool;
use crate::{build, root, tools, Result};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitCode};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub const EDGE_ADDR: &str = "127.0.0.1:8787";
/// The provider simulators (Mokafaa, Pongo, email, and the `/__sim` console).
pub const SIM_ADDR: &str = "127.0.0.1:8788";

/// Process groups of the services running now, so Ctrl-C on any command (dev, test, bench)
/// stops them instead of leaving them holding the ports.
static RUNNING: Mutex<Vec<u32>> = Mutex::new(Vec::new());
/// Set once Ctrl-C was pressed: services ending now are being stopped, not failing.
static STOPPING: AtomicBool = AtomicBool::new(false);

fn kill_group(pid: u32, signal: &str) {
    let group = format!("-{pid}");
    let _ = Command::new("kill")
        .args([signal, "--", &group])
        .stderr(std::process::Stdio::null())
        .status();
}

/// Installs the Ctrl-C handler: stop every running service, then exit.
pub fn stop_on_ctrl_c(on_stop: impl Fn() + Send + 'static) -> Result<()> {
    ctrlc::set_handler(move || {
        STOPPING.store(true, Ordering::SeqCst);
        eprintln!("\nstopping...");
        on_stop();
        let groups: Vec<u32> = RUNNING.lock().map(|g| g.clone()).unwrap_or_default();
        for pid in &groups {
            kill_group(*pid, "-TERM");
        }
        std::thread::sleep(Duration::from_millis(1500));
        for pid in &groups {
            kill_group(*pid, "-KILL");
        }
        std::process::exit(130);
    })
    .map_err(|e| format!("cannot handle Ctrl-C: {e}"))
}

/// A running child process group, stopped when dropped.
pub struct Service {
    name: &'static str,
    child: Child,
}

impl Service {
    fn spawn(name: &'static str, cmd: &mut Command) -> Result<Service> {
        let child = cmd
            .process_group(0)
            .spawn()
            .map_err(|e| format!("cannot start {name}: {e}"))?;
        if let Ok(mut running) = RUNNING.lock() {
            running.push(child.id());
        }
        Ok(Service { name, child })
    }

    /// True while the process is alive.
    fn running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    fn stop(&mut self) {
        let pid = self.child.id();
        if let Ok(mut running) = RUNNING.lock() {
            running.retain(|p| *p != pid);
        }
        if !self.running() {
            return;
        }
        kill_group(pid, "-TERM");
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if !self.running() {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        kill_group(pid, "-KILL");
        let _ = self.child.wait();
    }
}

impl Drop for Service {
    fn drop(&mut self) {
        self.stop();
        eprintln!("    stopped {}", self.name);
    }
}

/// The running stack; dropping it stops every service.
pub struct Stack {
    services: Vec<Service>,
    pub edge_url: String,
    pub sim_url: String,
}

impl Stack {
    /// Starts the simulators and `wrangler dev` on `persist_dir`'s local state, and waits
    /// until both answer. With `edge_log`, the edge's output goes to that file (tests scan it
    /// for leaked secrets) instead of the terminal.
    pub fn start(persist_dir: &Path, edge_log: Option<&Path>) -> Result<Stack> {
        for addr in [EDGE_ADDR, SIM_ADDR] {
            if TcpStream::connect(addr).is_ok() {
                return Err(format!(
                    "something already listens on {addr}: stop it (another `cargo xtask dev`?) and run again"
                ));
            }
        }
        step("building the provider simulators", || {
            run(Command::new("cargo")
                .args(["build", "--package", "loyalty-sim"])
                .current_dir(root()))
        })?;
        let sim = Service::spawn(
            "loyalty-sim",
            Command::new(root().join("target").join("debug").join("loyalty-sim"))
                .args(["--listen", SIM_ADDR])
                // The demo store's server (`/shop`) signs its calls like a merchant's backend.
                .env(
                    "SHOP_MERCHANT_API_SECRET",
                    crate::build::DEV_MERCHANT_API_SECRET,
                )
                .env("SHOP_EDGE_URL", format!("http://{EDGE_ADDR}")),
        )?;
        let (ip, port) = EDGE_ADDR.split_once(':').expect("address has a port");
        let mut wrangler = Command::new(npm_tool("wrangler"));
        wrangler
            // The checkout worker answers on the port; the office runs beside it, reached
            // over the checkout's service binding.
            .args([
                "dev",
                "--config",
                "wrangler.toml",
                "--config",
                "wrangler.office.toml",
            ])
            .args(["--ip", ip, "--port", port, "--test-scheduled"])
            .args(["--show-interactive-dev-session=false", "--persist-to"])
            .arg(persist_dir)
            .current_dir(root())
            .env("WRANGLER_SEND_METRICS", "false");
        if let Some(path) = edge_log {
            let file = std::fs::File::create(path)
                .map_err(|e| format!("cannot create {}: {e}", path.display()))?;
            let copy = file.try_clone().map_err(|e| e.to_string())?;
            wrangler.stdout(file).stderr(copy);
        }
        let edge = Service::spawn("wrangler dev", &mut wrangler)?;
        let mut stack = Stack {
            services: vec![sim, edge],
            edge_url: format!("http://{EDGE_ADDR}"),
            sim_url: format!("http://{SIM_ADDR}"),
        };
        step("waiting for the simulators and the edge to answer", || {
            stack.wait_healthy(Duration::from_secs(120))
        })?;
        Ok(stack)
    }

    fn wait_healthy(&mut self, timeout: Duration) -> Result<()> {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(name) = self.exited() {
                return Err(format!(
                    "{name} exited while starting; see its output above"
                ));
            }
            let sim_ready = matches!(http_get(SIM_ADDR, "/__sim/clock"), Ok((200, _)));
            if sim_ready && matches!(http_get(EDGE_ADDR, "/v1/health"), Ok((200, _))) {
                return Ok(());
            }
            if Instant::now() > deadline {
                return Err(format!(
                    "the edge did not answer /v1/health within {timeout:?}"
                ));
            }
            std::thread::sleep(Duration::from_millis(300));
        }
    }

    /// The first service that stopped on its own, if any.
    fn exited(&mut self) -> Option<&'static str> {
        self.services
            .iter_mut()
            .find_map(|s| (!s.running()).then_some(s.name))
    }
}

/// A minimal HTTP/1.1 GET on loopback: status and body. Enough for readiness checks and
/// the bench without pulling an HTTP client into xtask. It reads until the body announced by
/// `Content-Length` is complete, so a server that keeps the connection open costs nothing.
pub fn http_get(addr: &str, path: &str) -> std::io::Result<(u16, String)> {
    http_request(addr, "GET", path, "", "")
}

/// As [`http_get`], any method, with extra header lines (each ending `\r\n`) and a body.
pub fn http_request(
    addr: &str,
    method: &str,
    path: &str,
    headers: &str,
    body: &str,
) -> std::io::Result<(u16, String)> {
    let mut stream = TcpStream::connect(addr)?;
    stream.set_read_timeout(Some(Duration::from_secs(5)))?;
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Length: {}\r\n{headers}\r\n{body}",
        body.len()
    )?;
    let mut raw: Vec<u8> = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        let n = match stream.read(&mut chunk) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if raw.is_empty() => return Err(e),
            Err(_) => break,
        };
        raw.extend_from_slice(&chunk[..n]);
        if let Some(end) = raw.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&raw[..end]).to_ascii_lowercase();
            let length = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .and_then(|v| v.trim().parse::<usize>().ok());
            if length.is_some_and(|len| raw.len() >= end + 4 + len) {
                break;
            }
        }
    }
    let response = String::from_utf8_lossy(&raw).into_owned();
    let status = response
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let body = response
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    Ok((status, body))
}

/// Local state for `cargo xtask dev`, kept between runs.
fn dev_state_dir() -> PathBuf {
    root().join(".wrangler").join("state")
}

/// `cargo xtask dev`.
pub fn dev() -> Result<ExitCode> {
    stop_on_ctrl_c(|| ())?;
    tools::ensure_build_tools()?;
    build::all()?;
    let state = dev_state_dir();
    build::migrate(&state)?;
    build::seed(&state)?;
    build::write_dev_vars()?;
    let mut stack = Stack::start(&state, None)?;
    let url = &stack.edge_url;
    eprintln!("\nLoyalty Checkout is running:");
    eprintln!("  demo checkout   {url}/demo/");
    eprintln!("  API health      {url}/v1/health");
    match crate::merchant::invite_demo_admin() {
        Ok(link) => eprintln!("  console         {link}\n                  (the demo merchant's admin invitation; later, sign in with {} at {url}/admin/: the link arrives in the simulator's inbox, {}/__sim/email)", crate::merchant::DEMO_ADMIN_EMAIL, stack.sim_url),
        Err(message) => eprintln!("  console         {url}/admin/ (no invitation: {message})"),
    }
    eprintln!("  embed script    {url}/embed.js");
    eprintln!(
        "  simulators      {}/__sim/clock (Mokafaa, Pongo, email; seed data in README)",
        stack.sim_url
    );
    eprintln!("Press Ctrl-C to stop.");
    // Runs until Ctrl-C (the handler stops the services and exits) or a service dies.
    loop {
        if let Some(name) = stack.exited().filter(|_| !STOPPING.load(Ordering::SeqCst)) {
            return Err(format!("{name} stopped unexpectedly"));
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}
