//! The files a user writes: networks, pattern sets and weights, as RON (serde), and their
//! validation. The file formats are described, field by field, in `docs/file-formats.md`.
//!
//! A file is parsed into a plain description (`NetworkSpec`, `PatternFile`, `WeightFile`),
//! then checked; every check that fails names the file, line and column of the value at fault.

pub mod exercise;
pub mod locate;
pub mod network;
pub mod patterns;
pub mod settings;
pub mod settle;
pub mod weights;

pub use locate::Path as RonPath;
pub use network::*;
pub use patterns::*;
pub use settle::SettlingSpec;
pub use weights::*;

use crate::error::{read_text, Diagnostic, Error, Position, Result};
use locate::Locator;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// The text of a RON file, kept so that errors found after parsing can point into it.
pub struct RonSource {
    pub path: PathBuf,
    pub text: String,
    locator: OnceLock<Locator>,
}

impl RonSource {
    pub fn read(path: &Path) -> Result<Self> {
        Ok(Self::from_text(path, read_text(path)?))
    }

    pub fn from_text(path: &Path, text: String) -> Self {
        RonSource {
            path: path.to_path_buf(),
            text,
            locator: OnceLock::new(),
        }
    }

    /// Parses the text as `T`, with ron's position on a syntax or schema error.
    pub fn parse<T: serde::de::DeserializeOwned>(&self) -> Result<T> {
        ron_options().from_str(&self.text).map_err(|e| {
            let pos = Position {
                line: e.span.start.line.max(1),
                column: e.span.start.col.max(1),
            };
            Error::file(Diagnostic::at(
                &self.path,
                &self.text,
                pos,
                describe_ron_error(&e.code),
            ))
        })
    }

    fn locator(&self) -> &Locator {
        self.locator.get_or_init(|| Locator::new(&self.text))
    }

    /// An error at the value that `path` leads to.
    pub fn error_at(&self, path: &RonPath, message: impl Into<String>) -> Error {
        let pos = Position::of_offset(&self.text, self.locator().offset(path));
        Error::file(Diagnostic::at(&self.path, &self.text, pos, message))
    }

    /// An error at the name of the field that `path` leads to.
    pub fn error_at_key(&self, path: &RonPath, message: impl Into<String>) -> Error {
        let pos = Position::of_offset(&self.text, self.locator().key_offset(path));
        Error::file(Diagnostic::at(&self.path, &self.text, pos, message))
    }

    /// A path named in this file, resolved against the file's folder.
    pub fn resolve(&self, relative: &str) -> PathBuf {
        let base = self.path.parent().unwrap_or(Path::new(""));
        normalize(&base.join(relative))
    }
}

/// Removes `dir/..` pairs, so that messages name `patterns/xor.ron` rather than
/// `networks/../patterns/xor.ron`. Purely textual: it does not follow links.
fn normalize(path: &Path) -> PathBuf {
    use std::path::Component;
    let mut out: Vec<Component> = Vec::new();
    for c in path.components() {
        match c {
            Component::CurDir if !out.is_empty() => {}
            Component::ParentDir if matches!(out.last(), Some(Component::Normal(_))) => {
                out.pop();
            }
            c => out.push(c),
        }
    }
    if out.is_empty() {
        return PathBuf::from(".");
    }
    out.iter().collect()
}

/// The RON dialect pdp reads: `Some(..)` may be left out around optional values.
pub fn ron_options() -> ron::Options {
    ron::Options::default().with_default_extension(ron::extensions::Extensions::IMPLICIT_SOME)
}

fn describe_ron_error(code: &ron::Error) -> String {
    let s = code.to_string();
    // ron's messages are good; make the commonest one name what to do.
    if let ron::Error::MissingStructField { field, outer } = code {
        return match outer {
            Some(o) => format!("{o} is missing the required field `{field}`"),
            None => format!("missing the required field `{field}`"),
        };
    }
    s
}

/// The one word of `choices` that `word` is a prefix of, or an error naming the candidates.
pub fn unique<'a>(word: &str, choices: &[&'a str]) -> std::result::Result<&'a str, String> {
    if let Some(exact) = choices.iter().find(|c| **c == word) {
        return Ok(exact);
    }
    let matches: Vec<&str> = choices
        .iter()
        .copied()
        .filter(|c| c.starts_with(word))
        .collect();
    match matches.as_slice() {
        [one] => Ok(one),
        [] => Err(format!("`{word}`: expected one of {}", choices.join(", "))),
        many => Err(format!("`{word}` is ambiguous: {}", many.join(", "))),
    }
}

/// What a pdp file holds, from the name of its outermost RON struct.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    /// A network that learns (`Network(`).
    Network,
    /// A network that settles (`Settling(`).
    Settling,
    Patterns,
    Weights,
    /// An exercise (`Exercise(`): steps beside a network.
    Exercise,
}

/// The kind of a RON text, or the byte offset of what stands where the struct name should.
pub fn kind_of_text(text: &str) -> std::result::Result<FileKind, usize> {
    let mut rest = text;
    loop {
        rest = rest.trim_start();
        if rest.starts_with("//") {
            rest = rest.split_once('\n').map_or("", |x| x.1);
        } else if rest.starts_with("#![") {
            rest = rest.split_once(']').map_or("", |x| x.1);
        } else if rest.starts_with("/*") {
            rest = rest.split_once("*/").map_or("", |x| x.1);
        } else {
            break;
        }
    }
    let ident: String = rest
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect();
    match ident.as_str() {
        "Network" => Ok(FileKind::Network),
        "Settling" => Ok(FileKind::Settling),
        "Patterns" => Ok(FileKind::Patterns),
        "Weights" => Ok(FileKind::Weights),
        "Exercise" => Ok(FileKind::Exercise),
        _ => Err(text.len() - rest.len()),
    }
}

/// The kind of a file: JSON files are weights; RON files say by their outermost struct.
pub fn kind_of(path: &Path) -> Result<FileKind> {
    if path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("json"))
    {
        return Ok(FileKind::Weights);
    }
    let text = read_text(path)?;
    kind_of_text(&text).map_err(|offset| {
        Error::file(Diagnostic::at(
            path,
            &text,
            Position::of_offset(&text, offset),
            "cannot tell what this file is: start it with Network(, Settling(, Patterns(, Weights( or Exercise(",
        ))
    })
}

/// Checks that a number is finite, for the many fields where NaN or infinity make no sense.
pub(crate) fn finite(src: &RonSource, path: &RonPath, what: &str, v: impl Into<f64>) -> Result<()> {
    let v: f64 = v.into();
    if v.is_finite() {
        Ok(())
    } else {
        Err(src.error_at(path, format!("{what} must be a finite number, not {v}")))
    }
}
