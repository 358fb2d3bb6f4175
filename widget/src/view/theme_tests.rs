//! The presets in `style.css` keep WCAG 2.2 AA contrast: text at 4.5:1 or more against the
//! backgrounds it is drawn on, input borders and the focus ring at 3:1 or more.

const STYLE: &str = include_str!("../style.css");

/// The `--lc-color-*` values of the rule whose selector is exactly `selector`.
fn colors(selector: &str) -> Vec<(String, String)> {
    let start = STYLE.find(&format!("{selector} {{")).expect(selector);
    let rule = &STYLE[start..];
    let rule = &rule[..rule.find('}').unwrap()];
    rule.lines()
        .filter_map(|line| line.trim().strip_prefix("--lc-color-"))
        .filter_map(|line| line.trim_end_matches(';').split_once(':'))
        .map(|(name, value)| (name.to_string(), value.trim().to_string()))
        .collect()
}

fn luminance(hex: &str) -> f64 {
    let channel = |i: usize| {
        let c = f64::from(u8::from_str_radix(&hex[i..i + 2], 16).unwrap()) / 255.0;
        if c <= 0.039_28 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5)
}

fn contrast(a: &str, b: &str) -> f64 {
    let (a, b) = (luminance(a), luminance(b));
    (a.max(b) + 0.05) / (a.min(b) + 0.05)
}

#[test]
fn every_preset_keeps_aa_contrast() {
    let light = colors(":host");
    assert_eq!(light.len(), 10, "the light preset names every colour");
    let pairs = [
        ("text", "background", 4.5),
        ("text", "surface", 4.5),
        ("muted", "background", 4.5),
        ("muted", "surface", 4.5),
        ("primary", "background", 4.5),
        ("on-primary", "primary", 4.5),
        ("danger", "background", 4.5),
        ("danger", "danger-surface", 4.5),
        ("border", "background", 3.0),
        ("border", "surface", 3.0),
    ];
    for preset in ["", "dark", "flat"] {
        let mut theme = light.clone();
        if !preset.is_empty() {
            theme.extend(colors(&format!(":host([data-theme=\"{preset}\"])")));
        }
        let color = |name: &str| {
            theme
                .iter()
                .rev()
                .find(|(n, _)| n == name)
                .map(|(_, v)| v.clone())
                .unwrap()
        };
        for (fg, bg, needed) in pairs {
            let ratio = contrast(&color(fg), &color(bg));
            assert!(ratio >= needed, "{preset:?}: {fg} on {bg} is {ratio:.2}:1");
        }
    }
}
