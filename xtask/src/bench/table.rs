//! Markdown tables padded to their columns, so the same text reads well in a terminal and
//! renders in a viewer; and the comparison cells against the previous run.

/// A table: headers (a leading `>` aligns the column right), then rows of cells.
pub struct Table {
    head: Vec<String>,
    right: Vec<bool>,
    rows: Vec<Vec<String>>,
}

impl Table {
    pub fn new(head: &[&str]) -> Table {
        Table {
            head: head
                .iter()
                .map(|h| h.trim_start_matches('>').to_string())
                .collect(),
            right: head.iter().map(|h| h.starts_with('>')).collect(),
            rows: Vec::new(),
        }
    }

    pub fn row(&mut self, cells: Vec<String>) {
        self.rows.push(cells);
    }

    pub fn render(&self) -> String {
        let mut widths: Vec<usize> = self.head.iter().map(|h| h.chars().count().max(3)).collect();
        for row in &self.rows {
            for (w, cell) in widths.iter_mut().zip(row) {
                *w = (*w).max(cell.chars().count());
            }
        }
        let line = |cells: &[String]| {
            let padded: Vec<String> = cells
                .iter()
                .zip(&widths)
                .zip(&self.right)
                .map(|((c, w), right)| match right {
                    true => format!("{c:>w$}"),
                    false => format!("{c:<w$}"),
                })
                .collect();
            format!("| {} |\n", padded.join(" | "))
        };
        let rule: Vec<String> = widths
            .iter()
            .zip(&self.right)
            .map(|(w, right)| match right {
                true => format!("{}:", "-".repeat(w - 1)),
                false => "-".repeat(*w),
            })
            .collect();
        let mut out = line(&self.head);
        out.push_str(&format!("| {} |\n", rule.join(" | ")));
        for row in &self.rows {
            out.push_str(&line(row));
        }
        out
    }
}

/// The change from `old` to `new` in percent, or `-` without a previous figure.
pub fn change(new: f64, old: Option<f64>) -> String {
    match old {
        Some(old) if old != 0.0 => format!("{:+.1}%", (new - old) / old * 100.0),
        Some(_) if new == 0.0 => "+0.0%".into(),
        _ => "-".into(),
    }
}

/// Several changes in one cell, `a / b`.
pub fn changes(pairs: &[(f64, Option<f64>)]) -> String {
    let cells: Vec<String> = pairs.iter().map(|(n, o)| change(*n, *o)).collect();
    cells.join(" / ")
}

/// Several previous figures in one cell, `a / b`, or `-` when there are none.
pub fn previous(values: &[Option<f64>], decimals: usize) -> String {
    if values.iter().all(Option::is_none) {
        return "-".into();
    }
    let cells: Vec<String> = values
        .iter()
        .map(|v| v.map_or("-".into(), |v| format!("{v:.decimals$}")))
        .collect();
    cells.join(" / ")
}

pub fn kb(bytes: f64) -> f64 {
    bytes / 1024.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_pad_and_align() {
        let mut t = Table::new(&["name", ">KB"]);
        t.row(vec!["worker".into(), "12.5".into()]);
        assert_eq!(
            t.render(),
            "| name   |   KB |\n| ------ | ---: |\n| worker | 12.5 |\n"
        );
        assert_eq!(change(110.0, Some(100.0)), "+10.0%");
        assert_eq!(change(1.0, None), "-");
    }
}
