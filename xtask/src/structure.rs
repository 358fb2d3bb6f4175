//! `cargo xtask structure`: the house rules the compiler cannot see, checked on every
//! `cargo xtask test` so a new route or provider cannot quietly break them.
//!
//! - SQL lives in `edge/src/store/` only: no `.prepare(` call and no string literal that
//!   starts like a statement anywhere else in the edge.
//! - No function over 60 lines, and no file over 400 lines of non-test code, in
//!   `edge/src` and `widget/src`. Test modules (`#[cfg(test)]`) and `#[test]` functions do
//!   not count.
//!
//! The rules read the code with `syn`, so comments, strings and macros are seen for what
//! they are rather than guessed from text.

use crate::root;
use quote::ToTokens;
use std::path::{Path, PathBuf};
use syn::spanned::Spanned;
use syn::visit::Visit;

/// Longest function body, in lines from `fn` to its closing brace.
pub const MAX_FUNCTION_LINES: usize = 60;
/// Longest file, counting only the lines outside test modules.
pub const MAX_FILE_LINES: usize = 400;

/// One broken rule, worded for the person who has to fix it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub file: PathBuf,
    pub line: usize,
    pub message: String,
}

/// Every finding in the given source, as if it were at `file` in the repository.
pub fn check_source(file: &Path, source: &str) -> Vec<Finding> {
    let parsed = match syn::parse_file(source) {
        Ok(parsed) => parsed,
        Err(e) => {
            return vec![Finding {
                file: file.to_path_buf(),
                line: e.span().start().line,
                message: format!("does not parse: {e}"),
            }]
        }
    };
    let sql_allowed = file.starts_with("edge/src/store");
    let mut visitor = Rules {
        file,
        sql_allowed,
        sql_checked: file.starts_with("edge/src"),
        findings: Vec::new(),
        test_lines: 0,
    };
    visitor.visit_file(&parsed);
    let code_lines = source.lines().count().saturating_sub(visitor.test_lines);
    if code_lines > MAX_FILE_LINES {
        visitor.findings.push(Finding {
            file: file.to_path_buf(),
            line: 1,
            message: format!(
                "{code_lines} lines of non-test code (at most {MAX_FILE_LINES}): split it by responsibility"
            ),
        });
    }
    visitor.findings
}

struct Rules<'a> {
    file: &'a Path,
    sql_allowed: bool,
    sql_checked: bool,
    findings: Vec<Finding>,
    test_lines: usize,
}

fn is_test(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|attr| {
        let path = attr.path();
        if path.is_ident("test") || path.segments.last().is_some_and(|s| s.ident == "test") {
            return true;
        }
        path.is_ident("cfg")
            && attr
                .parse_args::<syn::Meta>()
                .is_ok_and(|meta| meta.path().is_ident("test"))
    })
}

fn lines_of(span: proc_macro2::Span) -> usize {
    span.end().line - span.start().line + 1
}

/// Starts like a SQL statement: the words a query opens with, in capitals as we write them.
fn looks_like_sql(text: &str) -> bool {
    let head = text.trim_start();
    [
        "SELECT ", "INSERT ", "UPDATE ", "DELETE ", "WITH ", "CREATE ", "REPLACE ",
    ]
    .iter()
    .any(|word| head.starts_with(word))
}

impl Rules<'_> {
    fn function(&mut self, name: &syn::Ident, whole: proc_macro2::Span) {
        let lines = lines_of(whole);
        if lines > MAX_FUNCTION_LINES {
            self.findings.push(Finding {
                file: self.file.to_path_buf(),
                line: whole.start().line,
                message: format!(
                    "fn {name} is {lines} lines (at most {MAX_FUNCTION_LINES}): give its steps names"
                ),
            });
        }
    }

    /// A test function's lines count as test code; any other is measured. Returns whether
    /// to look inside it.
    fn counted_fn(
        &mut self,
        attrs: &[syn::Attribute],
        sig: &syn::Signature,
        block: &syn::Block,
        whole: proc_macro2::Span,
    ) -> bool {
        if is_test(attrs) {
            self.test_lines += lines_of(whole);
            return false;
        }
        self.function(&sig.ident, sig.span().join(block.span()).unwrap_or(whole));
        true
    }

    fn sql(&mut self, line: usize, what: &str) {
        if self.sql_checked && !self.sql_allowed {
            self.findings.push(Finding {
                file: self.file.to_path_buf(),
                line,
                message: format!("{what} outside edge/src/store: move the statement into store/"),
            });
        }
    }
}

impl<'ast> Visit<'ast> for Rules<'_> {
    fn visit_item_mod(&mut self, item: &'ast syn::ItemMod) {
        if is_test(&item.attrs) {
            self.test_lines += lines_of(item.span());
            return;
        }
        syn::visit::visit_item_mod(self, item);
    }

    fn visit_item_fn(&mut self, item: &'ast syn::ItemFn) {
        if self.counted_fn(&item.attrs, &item.sig, &item.block, item.span()) {
            syn::visit::visit_item_fn(self, item);
        }
    }

    fn visit_impl_item_fn(&mut self, item: &'ast syn::ImplItemFn) {
        if self.counted_fn(&item.attrs, &item.sig, &item.block, item.span()) {
            syn::visit::visit_impl_item_fn(self, item);
        }
    }

    fn visit_trait_item_fn(&mut self, item: &'ast syn::TraitItemFn) {
        if let Some(block) = &item.default {
            self.function(
                &item.sig.ident,
                item.sig.span().join(block.span()).unwrap_or(item.span()),
            );
        }
        syn::visit::visit_trait_item_fn(self, item);
    }

    fn visit_expr_method_call(&mut self, call: &'ast syn::ExprMethodCall) {
        if call.method == "prepare" {
            self.sql(call.method.span().start().line, "a .prepare( call");
        }
        syn::visit::visit_expr_method_call(self, call);
    }

    fn visit_lit_str(&mut self, lit: &'ast syn::LitStr) {
        if looks_like_sql(&lit.value()) {
            self.sql(lit.span().start().line, "a SQL statement");
        }
    }

    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        // format!/concat! and friends: their string arguments are literals too.
        for token in mac.tokens.clone() {
            if let proc_macro2::TokenTree::Literal(lit) = token {
                if let Ok(syn::Lit::Str(s)) = syn::parse2::<syn::Lit>(lit.into_token_stream()) {
                    self.visit_lit_str(&s);
                }
            }
        }
        syn::visit::visit_macro(self, mac);
    }
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Every finding in `edge/src` and `widget/src`, sorted by file and line.
pub fn check_repository() -> Vec<Finding> {
    let root = root();
    let mut files = Vec::new();
    rust_files(&root.join("edge/src"), &mut files);
    rust_files(&root.join("widget/src"), &mut files);
    files.sort();
    let mut findings = Vec::new();
    for path in files {
        let relative = path.strip_prefix(&root).unwrap_or(&path).to_path_buf();
        match std::fs::read_to_string(&path) {
            Ok(source) => findings.extend(check_source(&relative, &source)),
            Err(e) => findings.push(Finding {
                file: relative,
                line: 1,
                message: format!("cannot read: {e}"),
            }),
        }
    }
    findings
}

/// `cargo xtask structure`: prints each finding as `file:line: message`.
pub fn report() -> usize {
    let findings = check_repository();
    for f in &findings {
        eprintln!("    {}:{}: {}", f.file.display(), f.line, f.message);
    }
    findings.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn messages(file: &str, source: &str) -> Vec<String> {
        check_source(Path::new(file), source)
            .into_iter()
            .map(|f| f.message)
            .collect()
    }

    #[test]
    fn sql_is_refused_outside_the_store_and_allowed_inside() {
        let source = r#"
            async fn load(db: &D1Database) {
                db.prepare("SELECT id FROM sessions WHERE id = ?1");
                let s = format!("UPDATE redemptions SET state = {}", 1);
            }
        "#;
        let outside = messages("edge/src/notify.rs", source);
        assert_eq!(outside.len(), 3, "{outside:?}");
        assert!(messages("edge/src/store/sessions.rs", source).is_empty());
        // The widget has no database; words in its strings are just words.
        assert!(messages(
            "widget/src/i18n.rs",
            r#"const A: &str = "SELECT an amount";"#
        )
        .is_empty());
    }

    #[test]
    fn long_functions_and_files_are_found_but_tests_do_not_count() {
        let body = "    let x = 1;\n".repeat(60);
        let long = format!("fn long() {{\n{body}}}\n");
        assert_eq!(messages("edge/src/a.rs", &long).len(), 1);
        let short = format!("fn short() {{\n{}}}\n", "    let x = 1;\n".repeat(58));
        assert!(messages("edge/src/a.rs", &short).is_empty());

        let tests = format!(
            "#[cfg(test)]\nmod tests {{\n#[test]\nfn t() {{\n{}}}\n}}\n",
            "    let x = 1;\n".repeat(500)
        );
        assert!(messages("edge/src/a.rs", &tests).is_empty());

        let many = "const A: u8 = 1;\n".repeat(401);
        assert_eq!(messages("edge/src/a.rs", &many).len(), 1);
    }

    #[test]
    fn methods_count_like_functions() {
        let body = "        let x = 1;\n".repeat(70);
        let source = format!("impl A {{\n    fn m(&self) {{\n{body}    }}\n}}\n");
        let found = messages("widget/src/a.rs", &source);
        assert!(found[0].contains("fn m is 72 lines"), "{found:?}");
    }
}
