//! Opening a network file: parse, validate, and read the pattern files it names.

use crate::data::PatternSet;
use crate::error::Result;
use crate::spec::{NetworkSpec, RonPath, RonSource, Topology};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// A network file, validated, with its pattern sets read and checked against it.
pub struct LoadedNetwork {
    pub path: PathBuf,
    pub source: RonSource,
    pub spec: NetworkSpec,
    pub topology: Topology,
    pub train: Option<Arc<PatternSet>>,
    pub test: Option<Arc<PatternSet>>,
    /// A training schedule: each stage's set (several files interleaved into one) and epochs.
    pub stages: Vec<(Arc<PatternSet>, usize)>,
    /// Sets evaluated after every epoch, each reported on its own.
    pub evaluate: Vec<Arc<PatternSet>>,
}

impl LoadedNetwork {
    pub fn open(path: &Path) -> Result<LoadedNetwork> {
        Self::build(RonSource::read(path)?, Self::read_patterns)
    }

    /// A network from its text, with pattern sets made elsewhere (in memory, by a test or a
    /// generator) instead of the files it names.
    pub fn from_parts(
        path: &Path,
        text: String,
        train: Option<PatternSet>,
        test: Option<PatternSet>,
    ) -> Result<LoadedNetwork> {
        Self::build(RonSource::from_text(path, text), |_, spec, topology| {
            let sets = [train.map(Arc::new), test.map(Arc::new)];
            for set in sets.iter().flatten() {
                check_fits(set, spec, topology)?;
            }
            Ok(sets)
        })
    }

    /// Parses and validates the network, then gets its pattern sets from `sets`.
    fn build(
        source: RonSource,
        sets: impl FnOnce(&RonSource, &NetworkSpec, &Topology) -> Result<[Option<Arc<PatternSet>>; 2]>,
    ) -> Result<LoadedNetwork> {
        if crate::spec::kind_of_text(&source.text) == Ok(crate::spec::FileKind::Settling) {
            return Err(crate::Error::Usage(format!(
                "{} is a settling network: open it in the workbench, or settle it with pdp run",
                source.path.display()
            )));
        }
        let spec: NetworkSpec = source.parse()?;
        let topology = spec.validate(&source)?;
        let [train, test] = sets(&source, &spec, &topology)?;
        let mut loaded = LoadedNetwork {
            path: source.path.clone(),
            source,
            spec,
            topology,
            train,
            test,
            stages: Vec::new(),
            evaluate: Vec::new(),
        };
        loaded.read_schedule()?;
        Ok(loaded)
    }

    /// Reads the schedule's and the evaluation's pattern files; the first stage's set is the
    /// training set, and the network trains for the stages' epochs in all.
    fn read_schedule(&mut self) -> Result<()> {
        let root = RonPath::new();
        let spec = self.spec.clone();
        for (i, stage) in spec.schedule.iter().enumerate() {
            let at = root.field("schedule").index(i);
            if stage.train.is_empty() {
                return Err(self.source.error_at(
                    &at.field("train"),
                    "a stage trains on at least one pattern file",
                ));
            }
            if stage.epochs == 0 {
                return Err(self
                    .source
                    .error_at(&at.field("epochs"), "a stage lasts at least one epoch"));
            }
            let mut sets = Vec::new();
            for (j, file) in stage.train.iter().enumerate() {
                sets.push(self.read_set(file, &at.field("train").index(j))?);
            }
            let set = if sets.len() == 1 {
                sets.remove(0)
            } else {
                PatternSet::interleave(&sets)
            };
            check_fits(&set, &self.spec, &self.topology)?;
            self.stages.push((Arc::new(set), stage.epochs));
        }
        for (i, file) in spec.evaluate.iter().enumerate() {
            let set = self.read_set(file, &root.field("evaluate").index(i))?;
            check_fits(&set, &self.spec, &self.topology)?;
            self.evaluate.push(Arc::new(set));
        }
        if let Some((first, _)) = self.stages.first() {
            self.train = Some(first.clone());
            self.spec.training.epochs = self.stages.iter().map(|s| s.1).sum();
        }
        Ok(())
    }

    /// A pattern file named at `at`; one that cannot be read is reported there.
    fn read_set(&self, file: &str, at: &RonPath) -> Result<PatternSet> {
        let set_path = self.source.resolve(file);
        PatternSet::load(&set_path).map_err(|e| match e {
            crate::Error::File(d) if d.position.is_none() && d.file == set_path => self
                .source
                .error_at(at, format!("{}: {}", d.file.display(), d.message)),
            other => other,
        })
    }

    fn read_patterns(
        source: &RonSource,
        spec: &NetworkSpec,
        topology: &Topology,
    ) -> Result<[Option<Arc<PatternSet>>; 2]> {
        let mut sets = [None, None];
        for (slot, (field, file)) in sets
            .iter_mut()
            .zip([("train", &spec.train), ("test", &spec.test)])
        {
            if let Some(file) = file {
                let set_path = source.resolve(file);
                let set = PatternSet::load(&set_path).map_err(|e| {
                    // A pattern file that cannot be read is reported where the network names it.
                    match e {
                        crate::Error::File(d) if d.position.is_none() && d.file == set_path => {
                            source.error_at(
                                &RonPath::new().field(field),
                                format!("{}: {}", d.file.display(), d.message),
                            )
                        }
                        other => other,
                    }
                })?;
                check_fits(&set, spec, topology)?;
                *slot = Some(Arc::new(set));
            }
        }
        Ok(sets)
    }
}

/// Checks that a pattern set fits the network's input and output layers.
fn check_fits(set: &PatternSet, spec: &NetworkSpec, topology: &Topology) -> Result<()> {
    fits(set, spec, &topology.inputs, topology.output)
}

/// Whether a pattern set's inputs (and, for rules with a teacher, targets) fit the network.
pub(crate) fn fits(
    set: &PatternSet,
    spec: &NetworkSpec,
    inputs: &[usize],
    output: usize,
) -> Result<()> {
    let names: Vec<String> = inputs
        .iter()
        .map(|&l| format!("`{}`", spec.layers[l].name))
        .collect();
    let size = inputs.iter().map(|&l| spec.layers[l].size).sum();
    let inputs = match names.as_slice() {
        [one] => format!("the input layer {one}"),
        many => format!("the input layers {}", many.join(" + ")),
    };
    let output = &spec.layers[output];
    // Rules without a teacher read no targets, so any (or none) will do.
    let targets = if spec.training.rule.supervised() {
        output.size
    } else {
        set.target_size
    };
    set.check_fits((&inputs, size), (&output.name, targets))
}
