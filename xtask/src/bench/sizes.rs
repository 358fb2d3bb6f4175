//! What a merchant's shoppers download and what the worker uploads: each file raw, gzip -9
//! and brotli 11 (what CDNs serve), and the groups the targets are about.

use crate::{root, Result};
use flate2::write::GzEncoder;
use flate2::Compression;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};

/// One file's or group's bytes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Bytes {
    pub raw: usize,
    pub gzip: usize,
    pub brotli: usize,
}

impl std::ops::Add for Bytes {
    type Output = Bytes;
    fn add(self, other: Bytes) -> Bytes {
        Bytes {
            raw: self.raw + other.raw,
            gzip: self.gzip + other.gzip,
            brotli: self.brotli + other.brotli,
        }
    }
}

/// Compressed sizes of `data`: gzip at level 9, brotli at quality 11 (window 22).
pub fn compressed(data: &[u8]) -> Result<Bytes> {
    let mut gz = GzEncoder::new(Vec::new(), Compression::best());
    gz.write_all(data).map_err(|e| e.to_string())?;
    let gzip = gz.finish().map_err(|e| e.to_string())?.len();
    let mut br = Vec::new();
    let params = brotli::enc::BrotliEncoderParams {
        quality: 11,
        lgwin: 22,
        ..Default::default()
    };
    brotli::BrotliCompress(&mut &data[..], &mut br, &params).map_err(|e| e.to_string())?;
    Ok(Bytes {
        raw: data.len(),
        gzip,
        brotli: br.len(),
    })
}

/// Every file compressed, each in its own thread (brotli 11 is slow; the machine has cores).
fn compress_all(files: &[PathBuf]) -> Result<HashMap<PathBuf, Bytes>> {
    let mut unique: Vec<PathBuf> = files.to_vec();
    unique.sort();
    unique.dedup();
    let one = |path: &PathBuf| -> Result<(PathBuf, Bytes)> {
        let data =
            std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        Ok((path.clone(), compressed(&data)?))
    };
    let results: Vec<Result<(PathBuf, Bytes)>> = std::thread::scope(|scope| {
        let workers: Vec<_> = unique.iter().map(|p| scope.spawn(move || one(p))).collect();
        workers
            .into_iter()
            .map(|w| {
                w.join()
                    .unwrap_or_else(|_| Err("compression panicked".into()))
            })
            .collect()
    });
    results.into_iter().collect()
}

/// A row of the sizes table: a file, or a group summed over its files (each compressed
/// alone, as each is served or uploaded alone), with its gzip target if it has one.
pub struct SizeRow {
    pub name: String,
    pub bytes: Bytes,
    pub target_gzip_kb: Option<f64>,
}

impl SizeRow {
    pub fn to_json(&self) -> Value {
        json!({
            "name": self.name, "raw": self.bytes.raw, "gzip": self.bytes.gzip,
            "brotli": self.bytes.brotli, "target_gzip_kb": self.target_gzip_kb,
        })
    }
}

/// The worker's JS: `index.js` and whatever worker-build put under `worker/`.
fn worker_js_files(build: &Path) -> Vec<PathBuf> {
    let mut files = vec![build.join("index.js")];
    if let Ok(entries) = std::fs::read_dir(build.join("worker")) {
        let mut extra: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "js" || x == "mjs"))
            .collect();
        extra.sort();
        files.extend(extra);
    }
    files
}

/// Sums `files` into one row named `name`, after a row per file when there are several.
fn group(
    rows: &mut Vec<SizeRow>,
    sizes: &HashMap<PathBuf, Bytes>,
    name: &str,
    files: &[PathBuf],
    target_gzip_kb: Option<f64>,
) {
    let mut total = Bytes::default();
    for file in files {
        let bytes = sizes.get(file).copied().unwrap_or_default();
        if files.len() > 1 {
            let shown = file.strip_prefix(root()).unwrap_or(file).display();
            let name = format!("`{shown}`");
            rows.push(SizeRow {
                name,
                bytes,
                target_gzip_kb: None,
            });
        }
        total = total + bytes;
    }
    let name = name.to_string();
    rows.push(SizeRow {
        name,
        bytes: total,
        target_gzip_kb,
    });
}

/// Every row of the sizes table, from the release build on disk.
pub fn measure() -> Result<Vec<SizeRow>> {
    let workers: Vec<(String, Vec<PathBuf>)> = crate::build::WORKERS
        .iter()
        .rev()
        .map(|(name, out_dir, _)| {
            let build = root().join("edge").join(out_dir);
            let files = [vec![build.join("index_bg.wasm")], worker_js_files(&build)].concat();
            (format!("{name} worker total (wasm + JS)"), files)
        })
        .collect();
    let widget = crate::build::widget_out_dir();
    let loader = vec![root().join("www").join("embed.js")];
    let whole = [
        loader.clone(),
        vec![
            widget.join("loyalty_widget.js"),
            widget.join("loyalty_widget_bg.wasm"),
        ],
    ]
    .concat();
    let mut every_file: Vec<PathBuf> = workers.iter().flat_map(|(_, f)| f.clone()).collect();
    every_file.extend(whole.clone());
    let sizes = compress_all(&every_file)?;
    let mut rows = Vec::new();
    for (name, files) in &workers {
        group(&mut rows, &sizes, name, files, Some(400.0));
    }
    let before = "widget before interaction (embed.js)";
    group(&mut rows, &sizes, before, &loader, Some(4.0));
    let all = "whole widget (loader + JS + wasm)";
    group(&mut rows, &sizes, all, &whole, Some(90.0));
    Ok(rows)
}
