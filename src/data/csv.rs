//! CSV pattern files: a header line naming the columns, then one pattern a line.

use super::{Inputs, PatternSet, Targets};
use crate::error::{read_text, Diagnostic, Error, Position, Result};
use crate::spec::{RonPath, RonSource};
use std::path::Path;

pub(super) struct Columns<'a> {
    pub input: &'a [String],
    pub one_hot: &'a [String],
    pub target: &'a [String],
    pub label: Option<&'a str>,
    pub name: Option<&'a str>,
}

/// Splits one line into fields, with double quotes around fields that hold commas; returns
/// each field with its byte offset in the line.
pub fn split(line: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let mut field = String::new();
    let mut start = 0;
    let mut quoted = false;
    let mut chars = line.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' if quoted && chars.peek().map(|p| p.1) == Some('"') => {
                field.push('"');
                chars.next();
            }
            '"' => quoted = !quoted,
            ',' if !quoted => {
                out.push((start, std::mem::take(&mut field).trim().to_string()));
                start = i + 1;
            }
            _ => field.push(c),
        }
    }
    out.push((start, field.trim().to_string()));
    out
}

pub(super) fn load(
    src: &RonSource,
    path: &Path,
    cols: &Columns,
    limit: Option<usize>,
) -> Result<PatternSet> {
    let text = read_text(path)?;
    let at = |line: usize, offset: usize, msg: String| {
        let line_start: usize = text.lines().take(line).map(|l| l.len() + 1).sum();
        let pos = Position::of_offset(&text, line_start + offset);
        Error::file(Diagnostic::at(path, &text, pos, msg))
    };
    let mut lines = text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty());
    let Some((_, header)) = lines.next() else {
        return Err(Error::file(Diagnostic::whole_file(
            path,
            "the CSV file is empty",
        )));
    };
    let header: Vec<String> = split(header).into_iter().map(|f| f.1).collect();
    let sp = RonPath::new().field("source");
    let find = |name: &str, field: &str| {
        header.iter().position(|h| h == name).ok_or_else(|| {
            src.error_at(
                &sp.field(field),
                format!(
                    "no column `{name}` in {} (its columns are {})",
                    path.display(),
                    header.join(", ")
                ),
            )
        })
    };
    // A name may be a range of columns, `first..last`, both ends included.
    let expand = |names: &[String], field: &str| -> Result<Vec<usize>> {
        let mut out = Vec::new();
        for n in names {
            match n.split_once("..") {
                Some((a, b)) if !header.contains(n) => {
                    let (a, b) = (find(a.trim(), field)?, find(b.trim(), field)?);
                    out.extend(a.min(b)..=a.max(b));
                }
                _ => out.push(find(n, field)?),
            }
        }
        Ok(out)
    };
    let target: Vec<usize> = expand(cols.target, "target")?;
    let label = cols.label.map(|c| find(c, "label")).transpose()?;
    let name = cols.name.map(|c| find(c, "name")).transpose()?;
    let one_hot: Vec<usize> = cols
        .one_hot
        .iter()
        .map(|c| find(c, "one_hot"))
        .collect::<Result<_>>()?;
    let input: Vec<usize> = if cols.input.is_empty() && !one_hot.is_empty() {
        Vec::new()
    } else if cols.input.is_empty() {
        (0..header.len())
            .filter(|c| {
                !target.contains(c) && Some(*c) != label && Some(*c) != name && !one_hot.contains(c)
            })
            .collect()
    } else {
        expand(cols.input, "input")?
    };
    if input.is_empty() && one_hot.is_empty() {
        return Err(src.error_at(&sp.field("input"), "no input columns"));
    }
    if target.is_empty() && label.is_none() {
        return Err(src.error_at(
            &sp,
            "name `target` columns, or a `label` column for one-hot targets",
        ));
    }
    let mut rows = Vec::new();
    for (ln, line) in lines.take(limit.unwrap_or(usize::MAX)) {
        let fields = split(line);
        if fields.len() != header.len() {
            return Err(at(
                ln,
                0,
                format!(
                    "{} fields, but the header has {}",
                    fields.len(),
                    header.len()
                ),
            ));
        }
        rows.push((ln, fields));
    }
    let number = |ln: usize, f: &(usize, String)| -> Result<f32> {
        match f.1.parse::<f32>() {
            Ok(v) if v.is_finite() => Ok(v),
            _ => Err(at(ln, f.0, format!("`{}` is not a finite number", f.1))),
        }
    };
    let mut classes: Vec<String> = Vec::new();
    if let Some(lc) = label {
        for (_, f) in &rows {
            if !classes.contains(&f[lc].1) {
                classes.push(f[lc].1.clone());
            }
        }
        classes.sort();
    }
    // Each one-hot column's categories, in order of first appearance.
    let categories: Vec<Vec<String>> = one_hot
        .iter()
        .map(|&c| {
            let mut cats: Vec<String> = Vec::new();
            for (_, f) in &rows {
                if !cats.contains(&f[c].1) {
                    cats.push(f[c].1.clone());
                }
            }
            cats
        })
        .collect();
    let coded: usize = categories.iter().map(Vec::len).sum();
    let mut set = PatternSet::empty(path);
    set.input_size = coded + input.len();
    set.target_size = if target.is_empty() {
        classes.len()
    } else {
        target.len()
    };
    set.len = rows.len();
    let mut xs = Vec::with_capacity(rows.len() * input.len());
    let mut ts = Vec::new();
    let mut labels = Vec::new();
    for (ln, f) in &rows {
        for (k, &c) in one_hot.iter().enumerate() {
            for cat in &categories[k] {
                xs.push((f[c].1 == *cat) as u8 as f32);
            }
        }
        for &c in &input {
            xs.push(number(*ln, &f[c])?);
        }
        for &c in &target {
            ts.push(number(*ln, &f[c])?);
        }
        if let Some(lc) = label {
            labels.push(classes.iter().position(|k| *k == f[lc].1).unwrap_or(0) as u16);
        }
        if let Some(nc) = name {
            set.names.push(f[nc].1.clone());
        } else if !one_hot.is_empty() {
            // Named by their categories: `Pine ISA`.
            let parts: Vec<&str> = one_hot.iter().map(|&c| f[c].1.as_str()).collect();
            set.names.push(parts.join(" "));
        }
    }
    set.inputs = Inputs::Dense(xs);
    set.targets = if target.is_empty() {
        Targets::OneHot
    } else {
        Targets::Dense(ts)
    };
    set.labels = label.map(|_| labels);
    set.classes = classes;
    Ok(set)
}

#[cfg(test)]
mod tests {
    use super::split;

    #[test]
    fn splits_quoted_fields() {
        let f = split(r#"a, "b,c" ,"d""e""#);
        let v: Vec<&str> = f.iter().map(|x| x.1.as_str()).collect();
        assert_eq!(v, vec!["a", "b,c", "d\"e"]);
        assert_eq!(f[1].0, 2);
    }
}
