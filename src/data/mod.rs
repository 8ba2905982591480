//! Pattern sets in memory, compact: byte images stay bytes and one-hot targets stay labels,
//! so that 60,000 MNIST images take 47 MB rather than 200.

mod csv;
mod gaussian;
mod sequence;
/// Splits one CSV line into its fields, each with its byte offset in the line.
pub use csv::split as split_csv_line;
pub use sequence::{sentence_words, LAG_SYMBOLS, LETTERS};
mod idx;

use crate::error::{Diagnostic, Error, Result};
use crate::spec::{DataSource, PatternFile, RonPath, RonSource};
use std::path::{Path, PathBuf};

/// Input values, stored as given.
#[derive(Debug, Clone)]
enum Inputs {
    Dense(Vec<f32>),
    /// Bytes, each divided by `scale` when read.
    Bytes {
        data: Vec<u8>,
        scale: f32,
    },
}

#[derive(Debug, Clone)]
enum Targets {
    Dense(Vec<f32>),
    /// A one-hot vector per pattern, from its label.
    OneHot,
    /// The pattern's own input.
    Input,
}

/// A step of a sequence made in memory: its input and, if it has one, its target.
pub type Step = (Vec<f32>, Option<Vec<f32>>);

/// A named set of patterns, each an input vector, a target vector and perhaps a class label.
#[derive(Debug, Clone)]
pub struct PatternSet {
    pub name: String,
    pub path: PathBuf,
    pub input_size: usize,
    pub target_size: usize,
    /// The names of the classes that labels index.
    pub classes: Vec<String>,
    len: usize,
    inputs: Inputs,
    targets: Targets,
    labels: Option<Vec<u16>>,
    /// Empty when the patterns are not named (data sets): they are then `#1`, `#2`, ...
    names: Vec<String>,
    /// Where in the pattern file to point when the set does not fit a network.
    origin: Origin,
    /// Sequences: (first pattern, length), in order, covering every pattern; empty when the
    /// patterns are independent of each other.
    pub sequences: Vec<(usize, usize)>,
    /// Which patterns (steps) have a target; `None`: all.
    pub has_target: Option<Vec<bool>>,
    /// Steps repeat with this period (temporal XOR: 3): errors are reported by position in it.
    pub period: Option<usize>,
}

#[derive(Debug, Clone)]
enum Origin {
    /// Inline patterns: the file text, to point at a pattern.
    Inline(std::sync::Arc<RonSource>),
    /// A data source: the pattern file and the position of its `source` field.
    Source(std::sync::Arc<RonSource>),
}

impl std::fmt::Debug for RonSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "RonSource({})", self.path.display())
    }
}

impl PatternSet {
    /// Reads a pattern file and the data it points to.
    pub fn load(path: &Path) -> Result<PatternSet> {
        let src = RonSource::read(path)?;
        let file: PatternFile = src.parse()?;
        let root = RonPath::new();
        let name = if file.name.is_empty() {
            path.file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default()
        } else {
            file.name.clone()
        };
        let written = !file.patterns.is_empty() || !file.sequences.is_empty();
        if !file.patterns.is_empty() && !file.sequences.is_empty() {
            return Err(src.error_at_key(
                &root.field("sequences"),
                "give either `patterns` or `sequences`, not both",
            ));
        }
        match (&file.source, !written) {
            (Some(_), false) => Err(src.error_at_key(
                &root.field("source"),
                "give either `patterns` (or `sequences`) or a `source`, not both",
            )),
            (None, true) => Err(src.error_at(
                &root,
                "the file has no patterns: give `patterns: [...]`, `sequences: [...]` or a `source`",
            )),
            (None, false) if !file.sequences.is_empty() => {
                let src = std::sync::Arc::new(src);
                let mut set = sequence::inline(&src, name, &file.sequences)?;
                set.path = path.to_path_buf();
                set.origin = Origin::Inline(src);
                Ok(set)
            }
            (None, false) => inline(name, &file, src),
            (Some(source), true) => {
                let source = source.clone();
                let src = std::sync::Arc::new(src);
                let mut set = match &source {
                    DataSource::Idx {
                        images,
                        labels,
                        limit,
                        scale,
                    } => {
                        let sp = root.field("source");
                        if !(scale.is_finite() && *scale > 0.0) {
                            return Err(
                                src.error_at(&sp.field("scale"), "scale must be a positive number")
                            );
                        }
                        let (ip, lp) = (src.resolve(images), src.resolve(labels));
                        idx::load(&ip, &lp, *limit, *scale).map_err(|e| {
                            at_field_if_unreadable(
                                e,
                                &src,
                                &[(&ip, sp.field("images")), (&lp, sp.field("labels"))],
                            )
                        })?
                    }
                    DataSource::Csv {
                        path: csv_path,
                        input,
                        one_hot,
                        target,
                        label,
                        name,
                        limit,
                    } => {
                        let cp = src.resolve(csv_path);
                        csv::load(
                            &src,
                            &cp,
                            &csv::Columns {
                                input,
                                one_hot,
                                target,
                                label: label.as_deref(),
                                name: name.as_deref(),
                            },
                            *limit,
                        )
                        .map_err(|e| {
                            at_field_if_unreadable(
                                e,
                                &src,
                                &[(&cp, root.field("source").field("path"))],
                            )
                        })?
                    }
                    DataSource::Gaussian {
                        means,
                        covariance,
                        count,
                        seed,
                    } => gaussian::load(&src, means, covariance, *count, *seed)?,
                    DataSource::TemporalXor { bits, seed } => {
                        sequence::temporal_xor(&src, *bits, *seed)?
                    }
                    DataSource::Letters { consonants, seed } => {
                        sequence::letters(&src, *consonants, *seed)?
                    }
                    DataSource::Sentences { sentences, seed } => {
                        sequence::sentences(&src, *sentences, *seed)?
                    }
                    DataSource::Lag { lag, count, seed } => {
                        sequence::lag(&src, *lag, *count, *seed)?
                    }
                    DataSource::Text {
                        path: text_path,
                        unit,
                        features,
                    } => sequence::text(&src, text_path, *unit, features.as_ref())?,
                };
                set.name = name;
                set.path = path.to_path_buf();
                set.origin = Origin::Source(src);
                if file.autoencode {
                    set.targets = Targets::Input;
                    set.target_size = set.input_size;
                }
                if !file.classes.is_empty() {
                    if file.classes.len() != set.classes.len() {
                        let src = set.origin_source();
                        return Err(src.error_at(
                            &root.field("classes"),
                            format!(
                                "{} class names given, but the data has {} classes",
                                file.classes.len(),
                                set.classes.len()
                            ),
                        ));
                    }
                    set.classes = file.classes.clone();
                }
                Ok(set)
            }
        }
    }

    /// A set made in memory: one input and one target vector per pattern, named `p1`, `p2`...
    pub fn from_vectors(name: &str, inputs: &[Vec<f32>], targets: &[Vec<f32>]) -> PatternSet {
        assert_eq!(inputs.len(), targets.len(), "one target per input");
        let mut set = PatternSet::empty(Path::new(name));
        set.name = name.to_string();
        set.len = inputs.len();
        set.input_size = inputs.first().map_or(0, Vec::len);
        set.target_size = targets.first().map_or(0, Vec::len);
        assert!(inputs.iter().all(|v| v.len() == set.input_size));
        assert!(targets.iter().all(|v| v.len() == set.target_size));
        set.inputs = Inputs::Dense(inputs.concat());
        set.targets = Targets::Dense(targets.concat());
        set.names = (1..=inputs.len()).map(|i| format!("p{i}")).collect();
        set
    }

    /// A sequence set made in memory: each sequence a list of steps, each an input and an
    /// optional target (all targets of one length).
    pub fn from_sequences(name: &str, sequences: &[Vec<Step>]) -> PatternSet {
        let mut set = PatternSet::empty(Path::new(name));
        set.name = name.to_string();
        let steps: Vec<&Step> = sequences.iter().flatten().collect();
        set.input_size = steps.first().map_or(0, |s| s.0.len());
        set.target_size = steps
            .iter()
            .find_map(|s| s.1.as_ref().map(Vec::len))
            .unwrap_or(0);
        set.len = steps.len();
        let mut inputs = Vec::new();
        let mut targets = Vec::new();
        let mut has = Vec::new();
        for (i, t) in &steps {
            assert_eq!(i.len(), set.input_size);
            inputs.extend_from_slice(i);
            match t {
                Some(t) => targets.extend_from_slice(t),
                None => targets.extend(std::iter::repeat_n(0.0, set.target_size)),
            }
            has.push(t.is_some());
        }
        set.inputs = Inputs::Dense(inputs);
        set.targets = Targets::Dense(targets);
        set.has_target = (!has.iter().all(|&h| h)).then_some(has);
        let mut start = 0;
        for q in sequences {
            set.sequences.push((start, q.len()));
            start += q.len();
        }
        set.names = (1..=set.len).map(|i| format!("p{i}")).collect();
        set
    }

    /// Several sets as one, their patterns one after another (trained in the network's order,
    /// so `Permuted` mixes them): interleaved learning. Names keep their set's name in front.
    pub fn interleave(sets: &[PatternSet]) -> PatternSet {
        let first = &sets[0];
        let mut out = PatternSet::empty(&first.path);
        out.name = sets
            .iter()
            .map(|s| s.name.as_str())
            .collect::<Vec<_>>()
            .join(" + ");
        out.input_size = first.input_size;
        out.target_size = first.target_size;
        out.classes = first.classes.clone();
        let (mut inputs, mut targets, mut labels, mut names) =
            (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        let labelled = sets
            .iter()
            .all(|s| s.has_labels() && s.classes == first.classes);
        for s in sets {
            for i in 0..s.len() {
                inputs.extend(s.input(i));
                targets.extend(s.target(i));
                if labelled {
                    labels.push(s.label(i).unwrap_or(0) as u16);
                }
                names.push(format!("{}:{}", s.name, s.name(i)));
            }
        }
        out.len = names.len();
        out.inputs = Inputs::Dense(inputs);
        out.targets = Targets::Dense(targets);
        out.labels = labelled.then_some(labels);
        out.names = names;
        out.origin = first.origin.clone();
        out
    }

    fn origin_source(&self) -> &RonSource {
        match &self.origin {
            Origin::Inline(s) | Origin::Source(s) => s,
        }
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub fn has_labels(&self) -> bool {
        self.labels.is_some()
    }

    /// Whether the patterns are steps of sequences.
    pub fn is_sequential(&self) -> bool {
        !self.sequences.is_empty()
    }

    /// Whether pattern (step) `i` has a target.
    pub fn has_target(&self, i: usize) -> bool {
        self.has_target.as_ref().is_none_or(|h| h[i])
    }

    /// The pattern's name: its own, or `#i` (1-based) for unnamed data.
    pub fn name(&self, i: usize) -> String {
        match self.names.get(i) {
            Some(n) => n.clone(),
            None => format!("#{}", i + 1),
        }
    }

    pub fn label(&self, i: usize) -> Option<usize> {
        self.labels.as_ref().map(|l| l[i] as usize)
    }

    /// Writes pattern `i`'s input into `out` (of length `input_size`).
    pub fn input_into(&self, i: usize, out: &mut [f32]) {
        let n = self.input_size;
        match &self.inputs {
            Inputs::Dense(v) => out.copy_from_slice(&v[i * n..(i + 1) * n]),
            Inputs::Bytes { data, scale } => {
                for (o, &b) in out.iter_mut().zip(&data[i * n..(i + 1) * n]) {
                    *o = b as f32 / scale;
                }
            }
        }
    }

    /// Writes pattern `i`'s target into `out` (of length `target_size`).
    pub fn target_into(&self, i: usize, out: &mut [f32]) {
        let n = self.target_size;
        match &self.targets {
            Targets::Dense(v) => out.copy_from_slice(&v[i * n..(i + 1) * n]),
            Targets::OneHot => {
                out.fill(0.0);
                if let Some(l) = self.label(i) {
                    out[l] = 1.0;
                }
            }
            Targets::Input => self.input_into(i, out),
        }
    }

    pub fn input(&self, i: usize) -> Vec<f32> {
        let mut v = vec![0.0; self.input_size];
        self.input_into(i, &mut v);
        v
    }

    pub fn target(&self, i: usize) -> Vec<f32> {
        let mut v = vec![0.0; self.target_size];
        self.target_into(i, &mut v);
        v
    }

    /// Checks that the patterns fit a network's input and output layers.
    pub fn check_fits(&self, input: (&str, usize), output: (&str, usize)) -> Result<()> {
        let src = self.origin_source();
        let root = RonPath::new();
        // Inline patterns are pointed at through the first one; data through its `source`.
        let (what, at) = match &self.origin {
            Origin::Inline(_) => ("pattern", root.field("patterns").index(0)),
            Origin::Source(_) => ("source pattern", root.field("source")),
        };
        let field = |name: &str| match &self.origin {
            Origin::Inline(_) => at.field(name),
            Origin::Source(_) => at.clone(),
        };
        if self.input_size != input.1 {
            return Err(src.error_at(
                &field("input"),
                format!(
                    "each {what} has {} input values, but {} {} {} units",
                    self.input_size,
                    input.0,
                    if input.0.contains(" + ") {
                        "have"
                    } else {
                        "has"
                    },
                    input.1
                ),
            ));
        }
        if self.target_size != output.1 {
            return Err(src.error_at(
                &field("target"),
                format!(
                    "each {what} has {} target values, but the output layer `{}` has {} units",
                    self.target_size, output.0, output.1
                ),
            ));
        }
        Ok(())
    }

    fn empty(path: &Path) -> PatternSet {
        PatternSet {
            name: String::new(),
            path: path.to_path_buf(),
            input_size: 0,
            target_size: 0,
            classes: Vec::new(),
            len: 0,
            inputs: Inputs::Dense(Vec::new()),
            targets: Targets::Dense(Vec::new()),
            labels: None,
            names: Vec::new(),
            origin: Origin::Inline(std::sync::Arc::new(RonSource::from_text(
                path,
                String::new(),
            ))),
            sequences: Vec::new(),
            has_target: None,
            period: None,
        }
    }
}

/// Patterns written out in the file.
fn inline(name: String, file: &PatternFile, src: RonSource) -> Result<PatternSet> {
    let root = RonPath::new().field("patterns");
    let first = &file.patterns[0];
    let input_size = first.input.len();
    let target_size = match &first.target {
        _ if file.autoencode => input_size,
        Some(t) => t.len(),
        None => file.classes.len(),
    };
    let mut inputs = Vec::with_capacity(input_size * file.patterns.len());
    let mut targets = Vec::with_capacity(target_size * file.patterns.len());
    let mut labels = Vec::new();
    let mut names = Vec::new();
    for (i, p) in file.patterns.iter().enumerate() {
        let pp = root.index(i);
        let pname = if p.name.is_empty() {
            format!("p{}", i + 1)
        } else {
            p.name.clone()
        };
        if names.contains(&pname) {
            return Err(src.error_at(
                &pp.field("name"),
                format!("duplicate pattern name `{pname}`"),
            ));
        }
        if p.input.len() != input_size {
            return Err(src.error_at(
                &pp.field("input"),
                format!(
                    "pattern `{pname}` has {} input values, but the first pattern has {input_size}",
                    p.input.len()
                ),
            ));
        }
        for (j, v) in p.input.iter().enumerate() {
            crate::spec::finite(&src, &pp.field("input").index(j), "an input value", *v)?;
        }
        inputs.extend_from_slice(&p.input);
        let label = match &p.label {
            Some(l) => match file.classes.iter().position(|c| c == l) {
                Some(k) => Some(k),
                None if p.target.is_some() && file.classes.is_empty() => None,
                None => {
                    return Err(src.error_at(
                        &pp.field("label"),
                        format!(
                            "label `{l}` is not one of the file's classes ({})",
                            file.classes.join(", ")
                        ),
                    ))
                }
            },
            None => None,
        };
        match (&p.target, label) {
            (Some(_), _) if file.autoencode => {
                return Err(src.error_at(
                    &pp.field("target"),
                    "the file says `autoencode: true`: each target is its pattern's input, so leave the targets out",
                ))
            }
            (None, _) if file.autoencode => {}
            (Some(t), _) => {
                if t.len() != target_size {
                    return Err(src.error_at(
                        &pp.field("target"),
                        format!(
                            "pattern `{pname}` has {} target values, but the first pattern has {target_size}",
                            t.len()
                        ),
                    ));
                }
                for (j, v) in t.iter().enumerate() {
                    crate::spec::finite(&src, &pp.field("target").index(j), "a target value", *v)?;
                }
                targets.extend_from_slice(t);
            }
            (None, Some(k)) => {
                let mut t = vec![0.0; target_size];
                t[k] = 1.0;
                targets.extend_from_slice(&t);
            }
            (None, None) => {
                return Err(src.error_at(
                    &pp,
                    format!(
                    "pattern `{pname}` needs a `target`, or a `label` from the file's `classes`"
                ),
                ))
            }
        }
        if let Some(k) = label {
            labels.push(k as u16);
        }
        names.push(pname);
    }
    let labelled = !labels.is_empty();
    if labelled && labels.len() != file.patterns.len() {
        let missing = file
            .patterns
            .iter()
            .position(|p| p.label.is_none())
            .unwrap_or(0);
        return Err(src.error_at(
            &root.index(missing),
            "either every pattern has a label or none has",
        ));
    }
    let len = file.patterns.len();
    Ok(PatternSet {
        name,
        path: src.path.clone(),
        input_size,
        target_size,
        classes: file.classes.clone(),
        len,
        inputs: Inputs::Dense(inputs),
        targets: if file.autoencode {
            Targets::Input
        } else {
            Targets::Dense(targets)
        },
        labels: labelled.then_some(labels),
        names,
        origin: Origin::Inline(std::sync::Arc::new(src)),
        sequences: Vec::new(),
        has_target: None,
        period: None,
    })
}

/// A data file that cannot be read at all is reported where the pattern file names it, with
/// the reason; errors inside a data file keep their own place.
fn at_field_if_unreadable(e: Error, src: &RonSource, fields: &[(&Path, RonPath)]) -> Error {
    match e {
        Error::File(d) if d.position.is_none() => match fields.iter().find(|(p, _)| *p == d.file) {
            Some((p, field)) => src.error_at(field, format!("{}: {}", p.display(), d.message)),
            None => Error::File(d),
        },
        other => other,
    }
}

/// A position-less error about a data file.
fn data_error(path: &Path, message: impl Into<String>) -> Error {
    Error::file(Diagnostic::whole_file(path, message))
}
