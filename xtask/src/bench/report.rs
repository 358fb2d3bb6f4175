//! `target/bench/report.md` from the run's `report.json`, each figure beside the previous
//! run's (read before this run overwrote it) with the change in percent.

use super::crates::TOP;
use super::table::{change, changes, kb, previous, Table};
use serde_json::Value;

/// The item of the JSON array `list` whose `key` is `name`.
fn find<'a>(list: &'a Value, key: &str, name: &str) -> Option<&'a Value> {
    list.as_array()?.iter().find(|item| item[key] == name)
}

fn num(v: &Value) -> Option<f64> {
    v.as_f64()
}

/// The whole report: header, sizes, per-crate breakdown, widget timings, routes.
pub fn markdown(report: &Value, before: Option<&Value>) -> String {
    let none = Value::Null;
    let prev = before.unwrap_or(&none);
    let since = match before {
        Some(p) => format!(
            "compared with the previous run of {} (commit {})",
            p["date"].as_str().unwrap_or("?"),
            p["commit"].as_str().unwrap_or("?")
        ),
        None => "no previous run to compare with".into(),
    };
    format!(
        "# Bench report\n\n{}, commit {}, {} cores (load average {} before the stack started); \
         {since}; a change is new against previous, + is larger or slower.\n\nThe run took {} s \
         ({}).\n\n{}\n{}\n{}\n{}",
        report["date"].as_str().unwrap_or("?"),
        report["commit"].as_str().unwrap_or("?"),
        report["cores"],
        report["load_average"].as_str().unwrap_or("?"),
        report["total_seconds"],
        stage_list(&report["stage_seconds"]),
        sizes(&report["sizes"], &prev["sizes"]),
        crates(&report["crates"], &prev["crates"]),
        timings(&report["widget_timings"], &prev["widget_timings"]),
        routes(&report["routes"], &prev["routes"]),
    )
}

/// `build 63 s, sizes 12 s, ...`
fn stage_list(stages: &Value) -> String {
    let Some(list) = stages.as_array() else {
        return "stages not recorded".into();
    };
    let parts: Vec<String> = list
        .iter()
        .map(|s| format!("{} {} s", s["stage"].as_str().unwrap_or("?"), s["seconds"]))
        .collect();
    parts.join(", ")
}

fn sizes(rows: &Value, prev: &Value) -> String {
    let mut t = Table::new(&[
        "what",
        ">raw KB",
        ">gzip KB",
        ">brotli KB",
        "target (gzip)",
        ">previous gzip / br KB",
        ">change gzip / br",
    ]);
    for row in rows.as_array().into_iter().flatten() {
        let name = row["name"].as_str().unwrap_or_default();
        let (gzip, brotli) = (
            num(&row["gzip"]).unwrap_or(0.0),
            num(&row["brotli"]).unwrap_or(0.0),
        );
        let old = find(prev, "name", name);
        let old_gzip = old.and_then(|o| num(&o["gzip"]));
        let old_br = old.and_then(|o| num(&o["brotli"]));
        let target = match num(&row["target_gzip_kb"]) {
            Some(max) if kb(gzip) <= max => format!("<= {max} KB: ok"),
            Some(max) => format!("<= {max} KB: OVER by {:.1} KB", kb(gzip) - max),
            None => String::new(),
        };
        t.row(vec![
            name.to_string(),
            format!("{:.1}", kb(num(&row["raw"]).unwrap_or(0.0))),
            format!("{:.1}", kb(gzip)),
            format!("{:.1}", kb(brotli)),
            target,
            previous(&[old_gzip.map(kb), old_br.map(kb)], 1),
            changes(&[(gzip, old_gzip), (brotli, old_br)]),
        ]);
    }
    format!(
        "## Sizes\n\nKB = 1024 bytes; gzip -9 and brotli 11, each file compressed alone (as it is \
         served or uploaded), groups summed over their files.\n\n{}",
        t.render()
    )
}

fn crates(report: &Value, prev: &Value) -> String {
    let mut out = String::from(
        "## Per-crate breakdown\n\nFunction bodies by the first crate of their demangled name, data \
         segments as `data`, from cargo's unstripped release wasm (before wasm-bindgen and \
         wasm-opt, so the bytes are larger than what ships; the shares are the guide). \
         wasm-bindgen's describe code is left out (run at build time, then removed).\n",
    );
    for (title, key) in [("Widget", "widget"), ("Checkout worker", "worker")] {
        out.push_str(&format!(
            "\n### {title} (`{}`)\n\n",
            report[key]["file"].as_str().unwrap_or("?")
        ));
        match report[key]["crates"].as_array() {
            Some(rows) => out.push_str(&crate_table(&report[key], rows, &prev[key])),
            None => out.push_str(&format!("not measured: {}\n", report[key]["error"])),
        }
    }
    out
}

fn crate_table(part: &Value, rows: &[Value], prev: &Value) -> String {
    let total = num(&part["total"]).unwrap_or(0.0);
    let mut t = Table::new(&["crate", ">KB", ">share", ">previous KB", ">change"]);
    let mut line = |name: String, bytes: f64, old: Option<f64>| {
        let share = if total > 0.0 {
            bytes / total * 100.0
        } else {
            0.0
        };
        t.row(vec![
            name,
            format!("{:.1}", kb(bytes)),
            format!("{share:.1}%"),
            previous(&[old.map(kb)], 1),
            change(bytes, old),
        ]);
    };
    for row in rows.iter().take(TOP) {
        let name = row["crate"].as_str().unwrap_or_default();
        let old = find(&prev["crates"], "crate", name).and_then(|o| num(&o["bytes"]));
        line(format!("`{name}`"), num(&row["bytes"]).unwrap_or(0.0), old);
    }
    let rest: f64 = rows.iter().skip(TOP).filter_map(|r| num(&r["bytes"])).sum();
    if rows.len() > TOP {
        line(format!("{} other crates", rows.len() - TOP), rest, None);
    }
    line("total (code + data)".into(), total, num(&prev["total"]));
    format!(
        "{}\nLeft out (wasm-bindgen describe code): {:.1} KB.\n",
        t.render(),
        kb(num(&part["skipped_describe"]).unwrap_or(0.0))
    )
}

fn timings(report: &Value, prev: &Value) -> String {
    let mut out = String::from("## Widget timings\n\n");
    if report.get("error").is_some() || report.is_null() {
        return format!("{out}not measured: {}\n", report["error"]);
    }
    out.push_str(&format!(
        "Headless Chromium, {} loads of `/demo/`, each in a fresh profile (nothing cached); from \
         the script tag (`loyalty-checkout:tag`) to the entry's paint and to the widget ready \
         after the first press.\n\n",
        report["loads"]
    ));
    let mut t = Table::new(&[
        "from the script tag to",
        ">median ms",
        ">p90 ms",
        "target",
        ">previous median / p90",
        ">change",
    ]);
    for (label, key, target) in [
        ("entry painted", "script_tag_to_entry_paint", "< 50 ms"),
        (
            "interactive (after the first press)",
            "script_tag_to_interactive_after_first_action",
            "< 150 ms",
        ),
    ] {
        let (median, p90) = (num(&report[key]["median_ms"]), num(&report[key]["p90_ms"]));
        let (old_median, old_p90) = (num(&prev[key]["median_ms"]), num(&prev[key]["p90_ms"]));
        t.row(vec![
            label.into(),
            format!("{:.0}", median.unwrap_or(f64::NAN)),
            format!("{:.0}", p90.unwrap_or(f64::NAN)),
            target.into(),
            previous(&[old_median, old_p90], 0),
            changes(&[
                (median.unwrap_or(0.0), old_median),
                (p90.unwrap_or(0.0), old_p90),
            ]),
        ]);
    }
    out + &t.render()
}

/// The counters the edge reported for a route, as `name -> value`.
fn counter(route: &Value, name: &str) -> Option<String> {
    let header = route["counters"].as_str()?;
    header.split(';').find_map(|pair| {
        let (k, v) = pair.split_once('=')?;
        (k.trim() == name).then(|| v.trim().to_string())
    })
}

/// A counter's cell: its value, and the previous one when it changed.
fn counter_cell(route: &Value, old: Option<&Value>, name: &str) -> String {
    let now = counter(route, name);
    let was = old.and_then(|o| counter(o, name));
    match (now, was) {
        (Some(n), Some(w)) if n != w => format!("{n} (was {w})"),
        (Some(n), _) => n,
        (None, _) => "n/a".into(),
    }
}

fn routes(report: &Value, prev: &Value) -> String {
    if report.get("error").is_some() || report.is_null() {
        return format!("## Routes\n\nnot measured: {}\n", report["error"]);
    }
    let rows = report["routes"].as_array().cloned().unwrap_or_default();
    routes_intro(report) + &routes_table(report, prev) + &route_errors(&rows)
}

/// How the routes were measured, so the figures can be read right.
fn routes_intro(report: &Value) -> String {
    format!(
        "## Routes\n\nLocal `wrangler dev` and the simulators on this machine, the edge on real time as \
         in production (the tests' simulated clock costs an HTTP call per request): the ratios to the \
         static asset (`{}` of the same origin) travel better than the milliseconds. One after \
         another, each call of a route is paired with a call of the static asset sent just before \
         it, and the ratio is to those paired calls (so load that comes and goes between routes \
         cancels out); at once, to the static asset's own 50 clients. Each route: {} calls one after another (p99 of so few is about \
         the slowest), then {} clients at once, {} calls each (req/s: their answers over the wall \
         time); times from sending to the last byte; whatever a call needs (session, texted code, redemption, signature) made off the \
         clock. Counters from the first sequential call the edge answered (`x-loyalty-counters`; n/a when the \
         edge does not send it). \"change of x static\" compares the multiples of the \
         static asset's time, in which the machine's load cancels out. The journey took {:.0} s.\n\n",
        report["static_route"].as_str().unwrap_or("?"),
        report["sequential"],
        report["clients"],
        report["calls_per_client"],
        num(&report["seconds"]).unwrap_or(0.0),
    )
}

fn routes_table(report: &Value, prev: &Value) -> String {
    let clients = &report["clients"];
    let (p50, p99) = (
        format!(">{clients} at once p50 ms"),
        format!(">{clients} at once p99 ms"),
    );
    let mut t = Table::new(&[
        "route",
        ">seq p50 ms",
        ">seq p99 ms",
        ">x static p50 / p99",
        &p50,
        &p99,
        ">x static p50 / p99",
        ">req/s",
        ">D1 statements",
        ">D1 round trips",
        ">upstream calls",
        ">errors / proxy drops",
        ">previous seq / at once p50 ms",
        ">change",
        ">change of x static",
    ]);
    for route in report["routes"].as_array().into_iter().flatten() {
        let name = route["route"].as_str().unwrap_or("");
        let now = Figures::of(report, route);
        let old = find(&prev["routes"], "route", name).map(|o| Figures::of(prev, o));
        t.row(route_row(now, old));
    }
    t.render()
}

/// The first failed answer of each route that had any, and the local proxy's drops.
fn route_errors(rows: &[Value]) -> String {
    let errors: Vec<String> = rows
        .iter()
        .filter(|r| r["errors"].as_u64().unwrap_or(0) > 0)
        .filter_map(|r| {
            let sample = r["error_sample"].as_str()?;
            Some(format!("- `{}`: {sample}", r["route"].as_str()?))
        })
        .collect();
    let drops: u64 = rows
        .iter()
        .filter_map(|r| r["dropped_by_local_proxy"].as_u64())
        .sum();
    let mut out = match errors.is_empty() {
        true => "\nNo call failed".to_string(),
        false => format!(
            "\nFirst error of each route with errors (left out of the times):\n\n{}\n",
            errors.join("\n")
        ),
    };
    out.push_str(&match drops {
        0 => ".\n".to_string(),
        n => format!(
            "{}{n} {} dropped by `wrangler dev`'s proxy (its own 503 \"Your worker \
             restarted mid-request\", workers-sdk#14641: the worker never saw it); left out \
             of the times, and a dropped prerequisite leaves its route one call short.\n",
            if errors.is_empty() { "; " } else { "\n" },
            if n == 1 { "call was" } else { "calls were" }
        ),
    });
    out
}

/// One route's figures in one run, beside that run's static asset.
#[derive(Clone, Copy)]
struct Figures<'a> {
    route: &'a Value,
    statics: Option<&'a Value>,
}

/// How a figure is read: part (`sequential`, `concurrent`) and percentile (`p50_ms`, ...).
type Reading = fn(&Figures, &str, &str) -> Option<f64>;

impl<'a> Figures<'a> {
    fn of(run: &'a Value, route: &'a Value) -> Figures<'a> {
        let static_route = run["static_route"].as_str().unwrap_or("");
        let statics = find(&run["routes"], "route", static_route);
        Figures { route, statics }
    }
}

fn ms(f: &Figures, part: &str, p: &str) -> Option<f64> {
    num(&f.route[part][p])
}

/// The time as a multiple of the static asset's: the machine's load cancels out. One after
/// another, against the static calls paired with this route's (each sent just before one of
/// them); at once, against the static asset's own clients.
fn x_static(f: &Figures, part: &str, p: &str) -> Option<f64> {
    let paired = (part == "sequential")
        .then(|| num(&f.route["paired_static"][p]))
        .flatten();
    let base = paired.or_else(|| num(&f.statics?[part][p]))?;
    (base > 0.0).then(|| ms(f, part, p).unwrap_or(0.0) / base)
}

/// One route's cells, and the changes from the previous run (`old`).
fn route_row(now: Figures, old: Option<Figures>) -> Vec<String> {
    let one = |v: Option<f64>| v.map_or("-".into(), |v| format!("{v:.1}"));
    let ratios = |part: &str| {
        let (a, b) = (
            x_static(&now, part, "p50_ms"),
            x_static(&now, part, "p99_ms"),
        );
        format!("{} / {}", one(a), one(b))
    };
    let parts = ["sequential", "concurrent"];
    let was = |read: Reading, part: &str| old.and_then(|o| read(&o, part, "p50_ms"));
    let pair =
        |read: Reading| parts.map(|p| (read(&now, p, "p50_ms").unwrap_or(0.0), was(read, p)));
    let (route, old_route) = (now.route, old.map(|o| o.route));
    vec![
        format!("`{}`", route["route"].as_str().unwrap_or("?")),
        one(ms(&now, "sequential", "p50_ms")),
        one(ms(&now, "sequential", "p99_ms")),
        ratios("sequential"),
        one(ms(&now, "concurrent", "p50_ms")),
        one(ms(&now, "concurrent", "p99_ms")),
        ratios("concurrent"),
        format!(
            "{:.0}",
            num(&route["concurrent"]["req_per_s"]).unwrap_or(0.0)
        ),
        counter_cell(route, old_route, "d1_statements"),
        counter_cell(route, old_route, "d1_round_trips"),
        counter_cell(route, old_route, "upstream_calls"),
        format!(
            "{} / {} of {}",
            route["errors"], route["dropped_by_local_proxy"], route["calls"]
        ),
        previous(&parts.map(|p| was(ms, p)), 1),
        changes(&pair(ms)),
        changes(&pair(x_static)),
    ]
}
