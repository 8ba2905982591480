//! Sequences: steps written out, generated streams (Elman's temporal XOR, letters and
//! sentences, a long-distance dependency) and text files. A sequence set is a pattern set
//! whose patterns are steps, with the sequences' bounds and which steps have targets.

use super::{Inputs, PatternSet, Targets};
use crate::engine::net::rng_for;
use crate::error::{read_text, Result};
use crate::spec::{RonPath, RonSource, SequenceSpec, TextUnit};
use rand::Rng;
use std::collections::BTreeMap;

/// Steps as they are built: name, input, target (if any), label.
struct Steps {
    names: Vec<String>,
    inputs: Vec<f32>,
    targets: Vec<f32>,
    has_target: Vec<bool>,
    labels: Vec<u16>,
    sequences: Vec<(usize, usize)>,
    input_size: usize,
    target_size: usize,
}

impl Steps {
    fn new(input_size: usize, target_size: usize) -> Steps {
        Steps {
            names: Vec::new(),
            inputs: Vec::new(),
            targets: Vec::new(),
            has_target: Vec::new(),
            labels: Vec::new(),
            sequences: Vec::new(),
            input_size,
            target_size,
        }
    }

    fn push(&mut self, name: String, input: &[f32], target: Option<&[f32]>, label: Option<u16>) {
        self.names.push(name);
        self.inputs.extend_from_slice(input);
        match target {
            Some(t) => self.targets.extend_from_slice(t),
            None => self
                .targets
                .extend(std::iter::repeat_n(0.0, self.target_size)),
        }
        self.has_target.push(target.is_some());
        if let Some(l) = label {
            self.labels.push(l);
        }
    }

    /// Ends a sequence at the steps pushed so far.
    fn cut(&mut self) {
        let start = self.sequences.last().map_or(0, |&(s, l)| s + l);
        let len = self.names.len() - start;
        if len > 0 {
            self.sequences.push((start, len));
        }
    }

    fn into_set(self, src: &RonSource, classes: Vec<String>) -> PatternSet {
        let mut set = PatternSet::empty(&src.path);
        set.len = self.names.len();
        set.input_size = self.input_size;
        set.target_size = self.target_size;
        set.inputs = Inputs::Dense(self.inputs);
        set.targets = Targets::Dense(self.targets);
        set.labels = (self.labels.len() == set.len && set.len > 0).then_some(self.labels);
        set.classes = classes;
        set.names = self.names;
        set.has_target = (!self.has_target.iter().all(|&t| t)).then_some(self.has_target);
        set.sequences = self.sequences;
        set
    }
}

fn one_hot(n: usize, k: usize) -> Vec<f32> {
    let mut v = vec![0.0; n];
    v[k] = 1.0;
    v
}

/// A stream of symbols as one sequence: each step's input is its symbol's code, its target
/// the next symbol's; the last symbol has no step of its own.
fn stream(symbols: &[usize], codes: &[Vec<f32>], names: &[String]) -> Steps {
    let (ni, no) = (
        codes.first().map_or(0, Vec::len),
        codes.first().map_or(0, Vec::len),
    );
    let mut s = Steps::new(ni, no);
    for w in symbols.windows(2) {
        s.push(
            names[w[0]].clone(),
            &codes[w[0]],
            Some(&codes[w[1]]),
            Some(w[0] as u16),
        );
    }
    s.cut();
    s
}

pub(super) fn inline(
    src: &RonSource,
    name: String,
    sequences: &[SequenceSpec],
) -> Result<PatternSet> {
    let root = RonPath::new().field("sequences");
    let Some(first) = sequences.iter().flat_map(|q| q.steps.first()).next() else {
        return Err(src.error_at(&root, "the sequences have no steps"));
    };
    let input_size = first.input.len();
    let target_size = sequences
        .iter()
        .flat_map(|q| &q.steps)
        .find_map(|s| s.target.as_ref().map(Vec::len))
        .unwrap_or(0);
    let mut steps = Steps::new(input_size, target_size);
    for (qi, q) in sequences.iter().enumerate() {
        let qp = root.index(qi);
        if q.steps.is_empty() {
            return Err(src.error_at(&qp, "a sequence needs at least one step"));
        }
        let qname = if q.name.is_empty() {
            format!("s{}", qi + 1)
        } else {
            q.name.clone()
        };
        for (si, st) in q.steps.iter().enumerate() {
            let sp = qp.field("steps").index(si);
            if st.input.len() != input_size {
                return Err(src.error_at(
                    &sp.field("input"),
                    format!(
                        "this step has {} input values, the first has {input_size}",
                        st.input.len()
                    ),
                ));
            }
            for (j, v) in st.input.iter().enumerate() {
                crate::spec::finite(src, &sp.field("input").index(j), "an input value", *v)?;
            }
            if let Some(t) = &st.target {
                if t.len() != target_size {
                    return Err(src.error_at(
                        &sp.field("target"),
                        format!(
                            "this step has {} target values, the first target has {target_size}",
                            t.len()
                        ),
                    ));
                }
                for (j, v) in t.iter().enumerate() {
                    crate::spec::finite(src, &sp.field("target").index(j), "a target value", *v)?;
                }
            }
            let sname = if st.name.is_empty() {
                format!("{qname} t={}", si + 1)
            } else {
                st.name.clone()
            };
            steps.push(sname, &st.input, st.target.as_deref(), None);
        }
        steps.cut();
    }
    let mut set = steps.into_set(src, Vec::new());
    set.name = name;
    Ok(set)
}

pub(super) fn temporal_xor(src: &RonSource, bits: usize, seed: u64) -> Result<PatternSet> {
    if bits < 2 {
        return Err(src.error_at(
            &RonPath::new().field("source").field("bits"),
            "give at least 2 bits",
        ));
    }
    let mut rng = rng_for(seed, 0);
    let mut stream = Vec::with_capacity(bits + 3);
    while stream.len() < bits {
        let (a, b) = (rng.random::<bool>() as usize, rng.random::<bool>() as usize);
        stream.extend([a, b, a ^ b]);
    }
    stream.truncate(bits);
    let codes = vec![vec![0.0], vec![1.0]];
    let names = vec!["0".to_string(), "1".to_string()];
    let mut set = stream_set(src, &stream, &codes, &names);
    set.period = Some(3);
    Ok(set)
}

fn stream_set(
    src: &RonSource,
    symbols: &[usize],
    codes: &[Vec<f32>],
    names: &[String],
) -> PatternSet {
    stream(symbols, codes, names).into_set(src, names.to_vec())
}

/// The six letters and their features: consonantal, vocalic, interrupted, high, back, voiced.
pub const LETTERS: [(&str, [f32; 6]); 6] = [
    ("b", [1., 0., 1., 0., 0., 1.]),
    ("d", [1., 0., 1., 1., 0., 1.]),
    ("g", [1., 0., 1., 0., 1., 1.]),
    ("a", [0., 1., 0., 0., 1., 1.]),
    ("i", [0., 1., 0., 1., 0., 1.]),
    ("u", [0., 1., 0., 1., 1., 1.]),
];

pub(super) fn letters(src: &RonSource, consonants: usize, seed: u64) -> Result<PatternSet> {
    if consonants == 0 {
        return Err(src.error_at(
            &RonPath::new().field("source").field("consonants"),
            "give at least 1 consonant",
        ));
    }
    let mut rng = rng_for(seed, 0);
    let mut stream = Vec::new();
    for _ in 0..consonants {
        let c = rng.random_range(0..3usize);
        stream.push(c);
        // b -> ba, d -> dii, g -> guuu.
        stream.extend(std::iter::repeat_n(c + 3, c + 1));
    }
    let codes: Vec<Vec<f32>> = LETTERS.iter().map(|l| l.1.to_vec()).collect();
    let names: Vec<String> = LETTERS.iter().map(|l| l.0.to_string()).collect();
    Ok(stream_set(src, &stream, &codes, &names))
}

/// Elman's 1990 categories and words.
const CATEGORIES: [(&str, &[&str]); 12] = [
    ("HUM", &["man", "woman", "boy", "girl"]),
    ("ANIM", &["cat", "dog", "mouse"]),
    ("INANIM", &["book", "rock", "car"]),
    ("AGRESS", &["dragon", "monster", "lion"]),
    ("FRAG", &["glass", "plate"]),
    ("FOOD", &["cookie", "bread", "sandwich"]),
    ("INTRAN", &["think", "sleep", "exist"]),
    ("TRAN", &["see", "chase", "like"]),
    ("AGPAT", &["move", "break"]),
    ("PERCEPT", &["smell", "see"]),
    ("DESTROY", &["break", "smash"]),
    ("EAT", &["eat"]),
];

const TEMPLATES: [&[&str]; 16] = [
    &["HUM", "EAT", "FOOD"],
    &["HUM", "PERCEPT", "INANIM"],
    &["HUM", "DESTROY", "FRAG"],
    &["HUM", "INTRAN"],
    &["HUM", "TRAN", "HUM"],
    &["HUM", "AGPAT", "INANIM"],
    &["HUM", "AGPAT"],
    &["ANIM", "EAT", "FOOD"],
    &["ANIM", "TRAN", "ANIM"],
    &["ANIM", "AGPAT", "INANIM"],
    &["ANIM", "AGPAT"],
    &["INANIM", "AGPAT"],
    &["AGRESS", "DESTROY", "FRAG"],
    &["AGRESS", "EAT", "HUM"],
    &["AGRESS", "EAT", "ANIM"],
    &["AGRESS", "EAT", "FOOD"],
];

/// The 29 words, in the order of first mention in the categories.
pub fn sentence_words() -> Vec<&'static str> {
    let mut words: Vec<&str> = Vec::new();
    for (_, ws) in CATEGORIES {
        for w in ws {
            if !words.contains(w) {
                words.push(w);
            }
        }
    }
    words
}

pub(super) fn sentences(src: &RonSource, count: usize, seed: u64) -> Result<PatternSet> {
    if count == 0 {
        return Err(src.error_at(
            &RonPath::new().field("source").field("sentences"),
            "give at least 1 sentence",
        ));
    }
    let words = sentence_words();
    let mut rng = rng_for(seed, 0);
    let mut stream = Vec::new();
    for _ in 0..count {
        let t = TEMPLATES[rng.random_range(0..TEMPLATES.len())];
        for cat in t {
            let ws = CATEGORIES
                .iter()
                .find(|c| c.0 == *cat)
                .map_or(&[][..], |c| c.1);
            let w = ws[rng.random_range(0..ws.len())];
            stream.push(words.iter().position(|x| *x == w).unwrap_or(0));
        }
    }
    let codes: Vec<Vec<f32>> = (0..words.len()).map(|k| one_hot(words.len(), k)).collect();
    let names: Vec<String> = words.iter().map(|w| w.to_string()).collect();
    Ok(stream_set(src, &stream, &codes, &names))
}

/// The symbols of the long-distance task: two cues, four distractors, the probe.
pub const LAG_SYMBOLS: [&str; 7] = ["A", "B", "x1", "x2", "x3", "x4", "?"];

pub(super) fn lag(src: &RonSource, lag: usize, count: usize, seed: u64) -> Result<PatternSet> {
    if count == 0 {
        return Err(src.error_at(
            &RonPath::new().field("source").field("count"),
            "give at least 1 sequence",
        ));
    }
    let n = LAG_SYMBOLS.len();
    let mut rng = rng_for(seed, 0);
    let mut s = Steps::new(n, 2);
    for _ in 0..count {
        let cue = rng.random_range(0..2usize);
        s.push(
            LAG_SYMBOLS[cue].into(),
            &one_hot(n, cue),
            None,
            Some(cue as u16),
        );
        for _ in 0..lag {
            let d = rng.random_range(2..6usize);
            s.push(LAG_SYMBOLS[d].into(), &one_hot(n, d), None, Some(d as u16));
        }
        s.push("?".into(), &one_hot(n, 6), Some(&one_hot(2, cue)), Some(6));
        s.cut();
    }
    Ok(s.into_set(src, LAG_SYMBOLS.iter().map(|x| x.to_string()).collect()))
}

pub(super) fn text(
    src: &RonSource,
    path: &str,
    unit: TextUnit,
    features: Option<&BTreeMap<String, Vec<f32>>>,
) -> Result<PatternSet> {
    let at = RonPath::new().field("source");
    let file = src.resolve(path);
    let content = read_text(&file).map_err(|e| match e {
        crate::Error::File(d) if d.position.is_none() => src.error_at(
            &at.field("path"),
            format!("{}: {}", d.file.display(), d.message),
        ),
        other => other,
    })?;
    let tokens: Vec<String> = match unit {
        TextUnit::Chars => content
            .chars()
            .map(|c| if c.is_whitespace() { ' ' } else { c })
            .map(String::from)
            .collect(),
        TextUnit::Words => content.split_whitespace().map(String::from).collect(),
    };
    if tokens.len() < 2 {
        return Err(src.error_at(
            &at.field("path"),
            format!("{} holds fewer than two symbols", file.display()),
        ));
    }
    let (names, codes): (Vec<String>, Vec<Vec<f32>>) = match features {
        Some(table) => {
            let size = table.values().next().map_or(0, Vec::len);
            for (k, v) in table {
                if v.len() != size || size == 0 {
                    return Err(src.error_at(
                        &at.field("features").field(k),
                        format!(
                            "`{k}` has {} features; every symbol needs the same number, at least 1",
                            v.len()
                        ),
                    ));
                }
            }
            if let Some(missing) = tokens.iter().find(|t| !table.contains_key(*t)) {
                return Err(src.error_at(
                    &at.field("features"),
                    format!(
                        "{} holds `{missing}`, which the feature table does not give",
                        file.display()
                    ),
                ));
            }
            table.iter().map(|(k, v)| (k.clone(), v.clone())).unzip()
        }
        None => {
            let mut vocab: Vec<String> = tokens.clone();
            vocab.sort();
            vocab.dedup();
            let n = vocab.len();
            let codes = (0..n).map(|k| one_hot(n, k)).collect();
            (vocab, codes)
        }
    };
    let symbols: Vec<usize> = tokens
        .iter()
        .map(|t| names.iter().position(|n| n == t).unwrap_or(0))
        .collect();
    Ok(stream_set(src, &symbols, &codes, &names))
}
