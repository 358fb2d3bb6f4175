//! Which crates the wasm bytes come from: each function body's size goes to the first crate
//! of its demangled name (read from the name section of cargo's unstripped output), data
//! segments to `data`. wasm-bindgen's describe code is left out ([`describe_only`]):
//! wasm-bindgen runs it at build time and removes it, so it never ships.

use crate::Result;
use serde_json::{json, Value};
use std::collections::{BTreeMap, HashMap};
use wasmparser::{KnownCustom, Name, Parser, Payload};

/// Rows shown; the rest are summed into one.
pub const TOP: usize = 15;

/// Bytes per crate of one wasm file.
pub struct Breakdown {
    /// (crate, bytes), largest first.
    pub crates: Vec<(String, usize)>,
    /// Function bodies and data kept (the shares' denominator).
    pub total: usize,
    /// wasm-bindgen describe functions left out.
    pub skipped: usize,
}

impl Breakdown {
    pub fn to_json(&self) -> Value {
        let rows: Vec<Value> = self
            .crates
            .iter()
            .map(|(name, bytes)| json!({"crate": name, "bytes": bytes}))
            .collect();
        json!({"total": self.total, "skipped_describe": self.skipped, "crates": rows})
    }
}

/// The sections the breakdown needs, read in one pass.
#[derive(Default)]
struct Module {
    imported_functions: u32,
    /// Body sizes of the defined functions, in order.
    bodies: Vec<usize>,
    data: usize,
    names: HashMap<u32, String>,
}

fn read_module(wasm: &[u8]) -> Result<Module> {
    let mut module = Module::default();
    for payload in Parser::new(0).parse_all(wasm) {
        match payload.map_err(|e| e.to_string())? {
            Payload::ImportSection(imports) => {
                for import in imports.into_imports() {
                    let import = import.map_err(|e| e.to_string())?;
                    if matches!(import.ty, wasmparser::TypeRef::Func(_)) {
                        module.imported_functions += 1;
                    }
                }
            }
            Payload::CodeSectionEntry(body) => {
                let range = body.range();
                module.bodies.push((range.end - range.start) as usize);
            }
            Payload::DataSection(data) => {
                for segment in data {
                    module.data += segment.map_err(|e| e.to_string())?.data.len();
                }
            }
            Payload::CustomSection(custom) => {
                if let KnownCustom::Name(names) = custom.as_known() {
                    read_function_names(names, &mut module.names)?;
                }
            }
            _ => {}
        }
    }
    Ok(module)
}

fn read_function_names(
    names: wasmparser::NameSectionReader<'_>,
    into: &mut HashMap<u32, String>,
) -> Result<()> {
    for name in names {
        if let Name::Function(map) = name.map_err(|e| e.to_string())? {
            for naming in map {
                let naming = naming.map_err(|e| e.to_string())?;
                into.insert(naming.index, naming.name.to_string());
            }
        }
    }
    Ok(())
}

/// The crate of a path like `yew::html::f` (`core[abc123]` is `core`), if it starts with one.
fn path_crate(path: &str) -> Option<String> {
    let head = &path[..path.find("::")?];
    let head = head.split('[').next().unwrap_or(head);
    let ident = !head.is_empty() && head.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    ident.then(|| head.to_string())
}

/// The crate a demangled function name belongs to: the first path's crate; for
/// `<T as Trait>::f`, the type's, or the trait's when the type is a primitive.
pub fn crate_of(demangled: &str) -> String {
    let Some(inner) = demangled.strip_prefix('<') else {
        return path_crate(demangled).unwrap_or_else(|| "(no crate path)".into());
    };
    let mut ty = inner;
    loop {
        let before = ty;
        for prefix in ["&", "*const ", "*mut ", "mut ", "dyn ", "[", "(", " "] {
            ty = ty.strip_prefix(prefix).unwrap_or(ty);
        }
        if ty == before {
            break;
        }
    }
    let trait_crate = || {
        inner
            .find(" as ")
            .and_then(|at| path_crate(&inner[at + 4..]))
    };
    path_crate(ty)
        .or_else(trait_crate)
        .unwrap_or_else(|| "(primitive impls)".into())
}

/// wasm-bindgen's describe code: the `__wbindgen_describe*` exports and what only they reach
/// (`WasmDescribe`/`WasmClosure` `describe` impls, `wasm_bindgen::describe::*`), which
/// wasm-bindgen runs at build time and then removes.
pub fn describe_only(demangled: &str) -> bool {
    demangled.contains("__wbindgen_describe")
        || demangled.contains("wasm_bindgen::describe::")
        || (demangled.contains("wasm_bindgen::closure::WasmClosure")
            && demangled.ends_with("::describe"))
}

/// The per-crate breakdown of the wasm file at `path`.
pub fn breakdown(path: &std::path::Path) -> Result<Breakdown> {
    let wasm = std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let module = read_module(&wasm).map_err(|e| format!("{}: {e}", path.display()))?;
    if module.names.is_empty() {
        return Err(format!(
            "{} has no function names (stripped?)",
            path.display()
        ));
    }
    let mut per_crate: BTreeMap<String, usize> = BTreeMap::new();
    let mut skipped = 0;
    for (i, size) in module.bodies.iter().enumerate() {
        let index = module.imported_functions + i as u32;
        let name = module
            .names
            .get(&index)
            .map(|n| format!("{:#}", rustc_demangle::demangle(n)));
        let krate = match name {
            Some(n) if describe_only(&n) => {
                skipped += size;
                continue;
            }
            Some(n) => crate_of(&n),
            None => "(unnamed)".into(),
        };
        *per_crate.entry(krate).or_default() += size;
    }
    *per_crate.entry("data".into()).or_default() += module.data;
    let total = per_crate.values().sum();
    let mut crates: Vec<(String, usize)> = per_crate.into_iter().collect();
    crates.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    Ok(Breakdown {
        crates,
        total,
        skipped,
    })
}

#[cfg(test)]
mod tests {
    use super::crate_of;

    #[test]
    fn names_go_to_the_first_crate_of_their_path() {
        assert_eq!(
            crate_of("<yew::html::Html as core::fmt::Debug>::fmt"),
            "yew"
        );
        assert_eq!(
            crate_of("core[c5930c85a12de822]::num::flt2dec::format"),
            "core"
        );
        assert_eq!(
            crate_of("<&mut alloc::vec::Vec<u8> as core::ops::Drop>::drop"),
            "alloc"
        );
        assert_eq!(crate_of("<[u8] as core::fmt::Debug>::fmt"), "core");
        assert_eq!(crate_of("<u32 as serde::Serialize>::serialize"), "serde");
        assert_eq!(
            crate_of("loyalty_widget::view::f::{{closure}}"),
            "loyalty_widget"
        );
        assert_eq!(crate_of("memcpy"), "(no crate path)");
    }

    #[test]
    fn describe_code_is_told_apart() {
        use super::describe_only;
        assert!(describe_only("__wbindgen_describe___wbg_fetch_1234"));
        assert!(describe_only(
            "<js_sys::Promise as wasm_bindgen::describe::WasmDescribe>::describe"
        ));
        assert!(describe_only("wasm_bindgen::describe::inform"));
        assert!(!describe_only("<yew::html::Html as core::fmt::Debug>::fmt"));
    }
}
