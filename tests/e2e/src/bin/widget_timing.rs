//! `cargo xtask bench`'s widget timings: the demo checkout loaded 20 times in a fresh
//! headless Chromium (a new profile each time, so nothing is cached), measuring from the
//! script tag to the entry's first paint, and to the widget being ready when the shopper
//! presses the entry as soon as it shows. Prints one JSON line with the samples in ms.

use loyalty_e2e::Browser;
use serde_json::{json, Value};

const LOADS: usize = 20;

/// Waits for the entry, presses it, waits for the widget; returns [to entry, to ready].
const MEASURE: &str = "const done = arguments[arguments.length - 1];
  const since = name => { const t = performance.getEntriesByName('loyalty-checkout:tag')[0];
    const m = performance.getEntriesByName(name)[0]; return t && m ? m.startTime - t.startTime : null; };
  let pressed = false;
  const tick = () => {
    const host = document.querySelector('[data-loyalty-checkout]');
    const entry = host && host.shadowRoot && host.shadowRoot.querySelector('.lc-entry-button');
    if (entry && !pressed) { pressed = true; entry.click(); }
    const ready = since('loyalty-checkout:ready');
    if (ready !== null) return done([since('loyalty-checkout:entry'), ready]);
    setTimeout(tick, 5);
  };
  tick();";

fn percentile(sorted: &[f64], p: f64) -> f64 {
    sorted[((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1]
}

#[tokio::main]
async fn main() {
    let (mut entry, mut ready) = (Vec::new(), Vec::new());
    for _ in 0..LOADS {
        let browser = Browser::open("/demo/").await;
        let measured = browser
            .client
            .execute_async(MEASURE, vec![])
            .await
            .expect("timing script");
        let pair: Vec<f64> = serde_json::from_value(measured).expect("two times");
        entry.push(pair[0]);
        ready.push(pair[1]);
        browser.close().await;
    }
    let summary = |samples: &mut Vec<f64>| -> Value {
        samples.sort_by(f64::total_cmp);
        json!({"median_ms": percentile(samples, 0.5), "p90_ms": percentile(samples, 0.9), "samples_ms": samples})
    };
    let report = json!({
        "loads": LOADS,
        "script_tag_to_entry_paint": summary(&mut entry),
        "script_tag_to_interactive_after_first_action": summary(&mut ready),
    });
    println!("{report}");
}
