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
        let entries: Vec<PickerEntry> = paths
            .into_iter()
            .map(|path| match describe(&path) {
                Ok((name, model, description)) => PickerEntry {
                    name,
                    model,
                    description,
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
            })
            .collect();
        // The exercises beside the networks (in `exercises/`, next to `networks/`), first.
        let mut exercises: Vec<PathBuf> = dir
            .parent()
            .map(|p| p.join("exercises"))
            .and_then(|d| std::fs::read_dir(d).ok())
            .map(|rd| {
                rd.filter_map(|e| e.ok().map(|e| e.path()))
                    .filter(|p| p.extension().is_some_and(|e| e == "ron"))
                    .collect()
            })
            .unwrap_or_default();
        exercises.sort();
        let mut all: Vec<PickerEntry> = exercises
            .into_iter()
            .map(|path| {
                let stem = path
                    .file_stem()
                    .map(|s| s.to_string_lossy().into_owned())
                    .unwrap_or_default();
                match crate::tui::exercise::Exercise::open(&path) {
                    Ok(e) => PickerEntry {
                        name: stem,
                        model: "exercise".into(),
                        description: e.spec.title,
                        path,
                    },
                    Err(_) => PickerEntry {
                        name: stem,
                        model: "exercise".into(),
                        description: "(does not load: Enter shows why)".into(),
                        path,
                    },
                }
            })
            .collect();
        all.extend(entries);
        Picker {
            dir: dir.to_path_buf(),
            entries: all,
            selected: 0,
        }
    }
}

/// A network file's name, model and description, from its text alone.
fn describe(path: &Path) -> crate::Result<(String, String, String)> {
    let src = crate::spec::RonSource::read(path)?;
    if crate::spec::kind_of_text(&src.text) == Ok(crate::spec::FileKind::Settling) {
        let spec: crate::spec::SettlingSpec = src.parse()?;
        return Ok((spec.name, spec.update.name().into(), spec.description));
    }
    let spec: crate::spec::NetworkSpec = src.parse()?;
    Ok((
        spec.name,
        spec.training.rule.name().into(),
        spec.description,
    ))
}
