//! The picker: the network files of a folder, with their names and descriptions.

use std::path::{Path, PathBuf};

/// One shipped network in the picker.
#[derive(Debug, Clone)]
pub struct PickerEntry {
    pub path: PathBuf,
    pub name: String,
    pub model: String,
    pub description: String,
}

#[derive(Debug, Clone)]
pub struct Picker {
    pub dir: PathBuf,
    pub entries: Vec<PickerEntry>,
    pub selected: usize,
}

impl Picker {
    /// The network files of a folder, in name order, each read for its name and description
    /// (pattern files are read only when one is opened).
    pub fn scan(dir: &Path) -> Picker {
        let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
            .map(|rd| {
                rd.filter_map(|e| e.ok().map(|e| e.path()))
                    .filter(|p| p.extension().is_some_and(|e| e == "ron"))
                    .collect()
            })
            .unwrap_or_default();
        paths.sort();
        let entries = paths
            .into_iter()
            .map(|path| {
                let parsed = crate::spec::RonSource::read(&path)
                    .and_then(|s| s.parse::<crate::spec::NetworkSpec>());
                match parsed {
                    Ok(spec) => PickerEntry {
                        name: spec.name,
                        model: match spec.training.rule {
                            crate::spec::Rule::Backprop => "backprop".into(),
                        },
                        description: spec.description,
                        path,
                    },
                    Err(_) => PickerEntry {
                        name: path
                            .file_stem()
                            .map(|s| s.to_string_lossy().into_owned())
                            .unwrap_or_default(),
                        model: "?".into(),
                        description: "(does not load: Enter shows why)".into(),
                        path,
                    },
                }
            })
            .collect();
        Picker {
            dir: dir.to_path_buf(),
            entries,
            selected: 0,
        }
    }
}
