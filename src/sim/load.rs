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
}

impl LoadedNetwork {
    pub fn open(path: &Path) -> Result<LoadedNetwork> {
        let source = RonSource::read(path)?;
        let spec: NetworkSpec = source.parse()?;
        let topology = spec.validate(&source)?;
        let [train, test] = Self::read_patterns(&source, &spec, &topology)?;
        Ok(LoadedNetwork {
            path: path.to_path_buf(),
            source,
            spec,
            topology,
            train,
            test,
        })
    }

    /// A network from its text, with pattern sets made elsewhere (in memory, by a test or a
    /// generator) instead of the files it names.
    pub fn from_parts(
        path: &Path,
        text: String,
        train: Option<PatternSet>,
        test: Option<PatternSet>,
    ) -> Result<LoadedNetwork> {
        let (train, test) = (train.map(Arc::new), test.map(Arc::new));
        let source = RonSource::from_text(path, text);
        let spec: NetworkSpec = source.parse()?;
        let topology = spec.validate(&source)?;
        let input = &spec.layers[topology.input];
        let output = &spec.layers[topology.output];
        for set in train.iter().chain(&test) {
            set.check_fits((&input.name, input.size), (&output.name, output.size))?;
        }
        Ok(LoadedNetwork {
            path: path.to_path_buf(),
            source,
            spec,
            topology,
            train,
            test,
        })
    }

    fn read_patterns(
        source: &RonSource,
        spec: &NetworkSpec,
        topology: &Topology,
    ) -> Result<[Option<Arc<PatternSet>>; 2]> {
        let input = &spec.layers[topology.input];
        let output = &spec.layers[topology.output];
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
                set.check_fits((&input.name, input.size), (&output.name, output.size))?;
                *slot = Some(Arc::new(set));
            }
        }
        Ok(sets)
    }
}
