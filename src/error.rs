//! Errors a user can act on, with the file, line and column where one exists.

use std::fmt;
use std::path::{Path, PathBuf};

/// A position in a text file, 1-based, as editors count (columns in characters).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

impl Position {
    /// The position of a byte offset in `text`.
    pub fn of_offset(text: &str, offset: usize) -> Position {
        let offset = offset.min(text.len());
        let before = &text[..floor_char_boundary(text, offset)];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let column = before[line_start..].chars().count() + 1;
        Position { line, column }
    }
}

fn floor_char_boundary(text: &str, mut i: usize) -> usize {
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// A message about a place in a file: printed as `file:line:column: message`, then the line
/// itself and a caret under the column.
#[derive(Debug, Clone, PartialEq)]
pub struct Diagnostic {
    pub file: PathBuf,
    pub position: Option<Position>,
    pub message: String,
    /// The text of the offending line, when the file could be read.
    pub line_text: Option<String>,
}

impl Diagnostic {
    pub fn at(file: &Path, text: &str, position: Position, message: impl Into<String>) -> Self {
        let line_text = text.lines().nth(position.line - 1).map(str::to_owned);
        Diagnostic {
            file: file.to_path_buf(),
            position: Some(position),
            message: message.into(),
            line_text,
        }
    }

    pub fn whole_file(file: &Path, message: impl Into<String>) -> Self {
        Diagnostic {
            file: file.to_path_buf(),
            position: None,
            message: message.into(),
            line_text: None,
        }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.position {
            Some(p) => write!(
                f,
                "{}:{}:{}: {}",
                self.file.display(),
                p.line,
                p.column,
                self.message
            )?,
            None => write!(f, "{}: {}", self.file.display(), self.message)?,
        }
        if let (Some(p), Some(line)) = (self.position, &self.line_text) {
            let gutter = format!("{:>4} | ", p.line);
            let pad: String = line
                .chars()
                .take(p.column - 1)
                .map(|c| if c == '\t' { '\t' } else { ' ' })
                .collect();
            write!(
                f,
                "\n{gutter}{line}\n{:width$} | {pad}^",
                "",
                width = gutter.len() - 3
            )?;
        }
        Ok(())
    }
}

/// Everything that can go wrong in pdp. `exit_code` maps each to the command line's contract:
/// 1 for what the user can fix, 2 for a fault of pdp's own.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A problem in a file, with its position where one is known.
    #[error("{0}")]
    File(Box<Diagnostic>),
    /// A bad argument or request that is not tied to a file.
    #[error("{0}")]
    Usage(String),
    /// Training produced NaN or infinity.
    #[error("{0}")]
    Diverged(String),
    /// A fault of pdp's own.
    #[error("internal error: {0}")]
    Internal(String),
}

impl Error {
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Internal(_) => 2,
            _ => 1,
        }
    }

    pub fn file(d: Diagnostic) -> Self {
        Error::File(Box::new(d))
    }

    /// A file that could not be read or written.
    pub fn io(path: &Path, err: &std::io::Error) -> Self {
        let what = match err.kind() {
            std::io::ErrorKind::NotFound => "no such file".to_string(),
            std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
            _ => err.to_string(),
        };
        Error::file(Diagnostic::whole_file(path, what))
    }
}

pub type Result<T> = std::result::Result<T, Error>;

/// Reads a whole text file, naming it in the error.
pub fn read_text(path: &Path) -> Result<String> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, &e))?;
    String::from_utf8(bytes).map_err(|e| {
        let text = String::from_utf8_lossy(e.as_bytes()).into_owned();
        let pos = Position::of_offset(&text, e.utf8_error().valid_up_to());
        Error::file(Diagnostic::at(
            path,
            &text,
            pos,
            "the file is not valid UTF-8",
        ))
    })
}

/// Writes a file so that a crash never leaves it half written: a temporary file beside it,
/// then a rename over the old one.
pub fn write_atomically(path: &Path, contents: &[u8]) -> Result<()> {
    use std::io::Write;
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(contents)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    result.map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        Error::io(path, &e)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_lines_and_characters() {
        let text = "ab\ncdé\nf";
        assert_eq!(
            Position::of_offset(text, 0),
            Position { line: 1, column: 1 }
        );
        assert_eq!(
            Position::of_offset(text, 4),
            Position { line: 2, column: 2 }
        );
        // After the two-byte é.
        assert_eq!(
            Position::of_offset(text, 8),
            Position { line: 3, column: 1 }
        );
    }

    #[test]
    fn diagnostic_shows_line_and_caret() {
        let text = "one\n  two three\n";
        let d = Diagnostic::at(
            Path::new("f.ron"),
            text,
            Position { line: 2, column: 7 },
            "bad",
        );
        let s = d.to_string();
        assert_eq!(s, "f.ron:2:7: bad\n   2 |   two three\n     |       ^");
    }
}
