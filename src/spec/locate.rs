//! Finds where a value stands in a RON file, so that errors found after parsing (an unknown
//! layer name, a size that does not fit) can name a line and column like syntax errors do.
//!
//! ron's own parser gives positions only for syntax errors, so this is a small second reader
//! that keeps, for every value, the byte offset where it starts, and its children by field
//! name or by index. It only ever reads text that ron has already accepted.

/// One step of a path into a RON value: a field of a struct or map, or an element of a list
/// or tuple.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Seg {
    Field(String),
    Index(usize),
}

/// A path into a RON document, built with `Path::new().field("layers").index(2)`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Path(pub Vec<Seg>);

impl Path {
    pub fn new() -> Self {
        Path(Vec::new())
    }
    pub fn field(&self, name: &str) -> Self {
        let mut p = self.clone();
        p.0.push(Seg::Field(name.to_string()));
        p
    }
    pub fn index(&self, i: usize) -> Self {
        let mut p = self.clone();
        p.0.push(Seg::Index(i));
        p
    }
}

#[derive(Debug)]
struct Node {
    start: usize,
    kind: Kind,
}

#[derive(Debug)]
enum Kind {
    Leaf,
    /// A list, a tuple, or a named tuple such as `Some(x)` or `Uniform(0.5)`.
    Seq(Vec<Node>),
    /// A struct or a map: (key, offset of the key, value).
    Fields(Vec<(String, usize, Node)>),
}

/// The located values of one RON text.
pub struct Locator {
    root: Option<Node>,
}

impl Locator {
    pub fn new(text: &str) -> Self {
        let mut r = Reader {
            s: text.as_bytes(),
            i: 0,
        };
        r.skip_attributes();
        Locator { root: r.value() }
    }

    /// The byte offset where the value at `path` starts. Where the path goes further than the
    /// file (a field left at its default), the offset of the deepest value that exists.
    pub fn offset(&self, path: &Path) -> usize {
        let Some(mut node) = self.root.as_ref() else {
            return 0;
        };
        for seg in &path.0 {
            match descend(node, seg) {
                Some(child) => node = child,
                None => break,
            }
        }
        node.start
    }

    /// The byte offset of a field's name rather than its value, where the field exists.
    pub fn key_offset(&self, path: &Path) -> usize {
        if let Some((Seg::Field(name), parent)) = path.0.split_last() {
            let parent_path = Path(parent.to_vec());
            if let Some(node) = self.node(&parent_path) {
                if let Some(off) = find_key(node, name) {
                    return off;
                }
            }
        }
        self.offset(path)
    }

    fn node(&self, path: &Path) -> Option<&Node> {
        let mut node = self.root.as_ref()?;
        for seg in &path.0 {
            node = descend(node, seg)?;
        }
        Some(node)
    }
}

fn find_key(node: &Node, name: &str) -> Option<usize> {
    match &node.kind {
        Kind::Fields(fields) => fields.iter().find(|(k, _, _)| k == name).map(|f| f.1),
        Kind::Seq(items) if items.len() == 1 => find_key(&items[0], name),
        _ => None,
    }
}

fn descend<'a>(node: &'a Node, seg: &Seg) -> Option<&'a Node> {
    match (&node.kind, seg) {
        (Kind::Fields(fields), Seg::Field(name)) => {
            fields.iter().find(|(k, _, _)| k == name).map(|f| &f.2)
        }
        (Kind::Seq(items), Seg::Index(i)) => items.get(*i),
        // `Some(x)` and one-field wrappers are looked through.
        (Kind::Seq(items), Seg::Field(_)) if items.len() == 1 => descend(&items[0], seg),
        _ => None,
    }
}

struct Reader<'a> {
    s: &'a [u8],
    i: usize,
}

impl Reader<'_> {
    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }

    fn skip_ws(&mut self) {
        loop {
            match self.peek() {
                Some(c) if c.is_ascii_whitespace() => self.i += 1,
                Some(b'/') if self.s.get(self.i + 1) == Some(&b'/') => {
                    while let Some(c) = self.peek() {
                        if c == b'\n' {
                            break;
                        }
                        self.i += 1;
                    }
                }
                Some(b'/') if self.s.get(self.i + 1) == Some(&b'*') => {
                    self.i += 2;
                    let mut depth = 1;
                    while depth > 0 && self.i < self.s.len() {
                        if self.s[self.i..].starts_with(b"/*") {
                            depth += 1;
                            self.i += 2;
                        } else if self.s[self.i..].starts_with(b"*/") {
                            depth -= 1;
                            self.i += 2;
                        } else {
                            self.i += 1;
                        }
                    }
                }
                _ => return,
            }
        }
    }

    fn skip_attributes(&mut self) {
        loop {
            self.skip_ws();
            if self.s[self.i..].starts_with(b"#![") {
                let mut depth = 0;
                while let Some(c) = self.peek() {
                    self.i += 1;
                    match c {
                        b'[' => depth += 1,
                        b']' => {
                            depth -= 1;
                            if depth == 0 {
                                break;
                            }
                        }
                        _ => {}
                    }
                }
            } else {
                return;
            }
        }
    }

    fn ident(&mut self) -> Option<&str> {
        let start = self.i;
        if self.s[self.i..].starts_with(b"r#") {
            self.i += 2;
        }
        while let Some(c) = self.peek() {
            if c.is_ascii_alphanumeric() || c == b'_' || c >= 0x80 {
                self.i += 1;
            } else {
                break;
            }
        }
        let text = std::str::from_utf8(&self.s[start..self.i]).ok()?;
        Some(text.trim_start_matches("r#"))
    }

    fn string(&mut self) -> Option<String> {
        // At a `"`, or at `r"`/`r#"` for a raw string.
        let start = self.i;
        if self.peek() == Some(b'r') || self.peek() == Some(b'b') {
            self.i += 1;
        }
        if self.peek() == Some(b'r') {
            self.i += 1;
        }
        let mut hashes = 0;
        while self.peek() == Some(b'#') {
            hashes += 1;
            self.i += 1;
        }
        let raw = self.i > start && self.s[start..self.i].contains(&b'r');
        if self.peek() != Some(b'"') {
            return None;
        }
        self.i += 1;
        let body_start = self.i;
        loop {
            let c = self.peek()?;
            if !raw && c == b'\\' {
                self.i = (self.i + 2).min(self.s.len());
                continue;
            }
            if c == b'"' && self.s[self.i + 1..].iter().take(hashes).all(|&h| h == b'#') {
                let body = String::from_utf8_lossy(&self.s[body_start..self.i]).into_owned();
                self.i += 1 + hashes;
                return Some(body);
            }
            self.i += 1;
        }
    }

    fn value(&mut self) -> Option<Node> {
        self.skip_ws();
        let start = self.i;
        let c = self.peek()?;
        let kind = match c {
            b'(' => self.group(b')')?,
            b'[' => {
                self.i += 1;
                Kind::Seq(self.items(b']')?)
            }
            b'{' => {
                self.i += 1;
                Kind::Fields(self.entries(b'}', false)?)
            }
            b'"' => {
                self.string()?;
                Kind::Leaf
            }
            b'\'' => {
                self.i += 1;
                while let Some(c) = self.peek() {
                    self.i += 1;
                    if c == b'\\' {
                        self.i += 1;
                    } else if c == b'\'' {
                        break;
                    }
                }
                // An escape at the very end must not carry the position past the text.
                self.i = self.i.min(self.s.len());
                Kind::Leaf
            }
            b'r' | b'b' if matches!(self.s.get(self.i + 1), Some(b'"') | Some(b'#')) => {
                self.string()?;
                Kind::Leaf
            }
            c if c.is_ascii_alphabetic() || c == b'_' => {
                self.ident()?;
                self.skip_ws();
                if self.peek() == Some(b'(') {
                    self.group(b')')?
                } else {
                    Kind::Leaf
                }
            }
            _ => {
                // A number (or anything else ron accepted as one token).
                while let Some(c) = self.peek() {
                    if c.is_ascii_alphanumeric() || matches!(c, b'.' | b'-' | b'+' | b'_') {
                        self.i += 1;
                    } else {
                        break;
                    }
                }
                if self.i == start {
                    return None;
                }
                Kind::Leaf
            }
        };
        Some(Node { start, kind })
    }

    /// A parenthesised group: struct fields if it starts with `name:`, else a tuple.
    fn group(&mut self, close: u8) -> Option<Kind> {
        self.i += 1; // the opening parenthesis
        self.skip_ws();
        let save = self.i;
        if self
            .peek()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == b'_')
        {
            self.ident();
            self.skip_ws();
            let is_field = self.peek() == Some(b':') && self.s.get(self.i + 1) != Some(&b':');
            self.i = save;
            if is_field {
                return Some(Kind::Fields(self.entries(close, true)?));
            }
        }
        Some(Kind::Seq(self.items(close)?))
    }

    /// `key: value` entries up to `close`: a struct's fields (identifier keys) or a map's
    /// (string or other value keys).
    fn entries(&mut self, close: u8, ident_keys: bool) -> Option<Vec<(String, usize, Node)>> {
        let mut out = Vec::new();
        loop {
            self.skip_ws();
            if self.peek()? == close {
                self.i += 1;
                return Some(out);
            }
            let key_at = self.i;
            let key = if ident_keys {
                self.ident()?.to_string()
            } else if self.peek() == Some(b'"') {
                self.string()?
            } else {
                let k = self.value()?;
                String::from_utf8_lossy(&self.s[k.start..self.i])
                    .trim()
                    .to_string()
            };
            self.skip_ws();
            if self.peek()? != b':' {
                return None;
            }
            self.i += 1;
            let v = self.value()?;
            out.push((key, key_at, v));
            self.after_item(close)?;
        }
    }

    fn items(&mut self, close: u8) -> Option<Vec<Node>> {
        let mut out = Vec::new();
        loop {
            self.skip_ws();
            if self.peek()? == close {
                self.i += 1;
                return Some(out);
            }
            out.push(self.value()?);
            self.after_item(close)?;
        }
    }

    fn after_item(&mut self, close: u8) -> Option<()> {
        self.skip_ws();
        match self.peek()? {
            b',' => {
                self.i += 1;
                Some(())
            }
            c if c == close => Some(()),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = r#"#![enable(implicit_some)]
// a comment
Network(
    name: "x(y)", /* block ( */
    layers: [
        Layer(name: "in", size: 2),
        Layer(name: "out", size: 1, init: Uniform(min: -0.5, max: 0.5)),
    ],
    test: Some("t.ron"),
    map: { "a": 1, "b": [1, 2] },
)
"#;

    fn at(path: &Path) -> &'static str {
        let off = Locator::new(TEXT).offset(path);
        &TEXT[off..off + TEXT[off..].find([',', '\n']).unwrap()]
    }

    #[test]
    fn finds_nested_values() {
        let p = Path::new();
        assert_eq!(at(&p.field("name")), "\"x(y)\"");
        assert_eq!(at(&p.field("layers").index(1).field("size")), "1");
        assert_eq!(
            at(&p.field("layers").index(1).field("init").field("max")),
            "0.5))"
        );
        assert_eq!(at(&p.field("test")), "Some(\"t.ron\")");
        assert_eq!(at(&p.field("map").field("b").index(1)), "2] }");
    }

    #[test]
    fn missing_fields_fall_back_to_the_parent() {
        let p = Path::new().field("layers").index(0).field("activation");
        assert_eq!(at(&p), "Layer(name: \"in\"");
    }

    #[test]
    fn text_cut_inside_an_escape_stays_in_bounds() {
        for text in ["{'\\", "\"\\", "['\\", "{\"a\\"] {
            let loc = Locator::new(text);
            assert!(loc.offset(&Path::new().index(0)) <= text.len(), "{text}");
        }
    }

    #[test]
    fn key_offsets_point_at_the_name() {
        let loc = Locator::new(TEXT);
        let off = loc.key_offset(&Path::new().field("layers").index(1).field("size"));
        assert!(TEXT[off..].starts_with("size: 1"));
    }
}

#[cfg(test)]
mod fuzz {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig {
            cases: 2000,
            rng_seed: proptest::test_runner::RngSeed::Fixed(3),
            failure_persistence: None,
            ..ProptestConfig::default()
        })]
        /// Any text at all, and any path into it: an offset inside the text, never a panic.
        #[test]
        fn any_text_any_path(text in "[ -~\\n(){}\\[\\]\"'#r:,]{0,80}", fields in proptest::collection::vec(0usize..4, 0..4)) {
            let loc = Locator::new(&text);
            let mut p = Path::new();
            for f in fields {
                p = if f == 0 { p.index(1) } else { p.field(["a", "name", "x"][f - 1]) };
            }
            prop_assert!(loc.offset(&p) <= text.len());
            prop_assert!(loc.key_offset(&p) <= text.len());
        }
    }
}
