//! Writes `style.css` without its comments and layout into `OUT_DIR`: the sheet ships
//! inside the wasm every shopper downloads, and `src/style.css` stays the readable source.

use std::path::Path;

/// The sheet with comments dropped, whitespace runs made one space, and no space around
/// `{`, `}`, `;`, `,` or after a declaration's `:` (selectors never hold ": ").
fn minify(css: &str) -> String {
    let mut text = String::with_capacity(css.len());
    let mut rest = css;
    while let Some(start) = rest.find("/*") {
        text.push_str(&rest[..start]);
        rest = rest[start..]
            .find("*/")
            .map_or("", |end| &rest[start + end + 2..]);
    }
    text.push_str(rest);
    let spaced = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut out = String::with_capacity(spaced.len());
    for c in spaced.chars() {
        let tight = matches!(c, '{' | '}' | ';' | ',');
        if c == ' ' && out.ends_with(['{', '}', ';', ',', ':']) {
            continue;
        }
        if tight && out.ends_with(' ') {
            out.pop();
        }
        if c == '}' && out.ends_with(';') {
            out.pop();
        }
        out.push(c);
    }
    out
}

fn main() {
    println!("cargo:rerun-if-changed=src/style.css");
    let css = std::fs::read_to_string("src/style.css").expect("widget/src/style.css");
    let out = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    std::fs::write(Path::new(&out).join("style.min.css"), minify(&css)).expect("OUT_DIR");
}
