//! `pdp check FILE...`: one line per good file, a positioned message per bad one.

use pdp::data::PatternSet;
use pdp::error::Result;
use pdp::sim::{read_weight_file, LoadedNetwork, Trainer};
use pdp::Error;
use std::path::{Path, PathBuf};

use pdp::spec::{kind_of, FileKind as Kind};

pub fn run(files: &[PathBuf]) -> Result<()> {
    let mut failed = 0;
    let mut networks: Vec<Trainer> = Vec::new();
    // Networks first, so that weight files can be checked against them.
    let mut ordered: Vec<(&PathBuf, Result<Kind>)> =
        files.iter().map(|f| (f, kind_of(f))).collect();
    ordered.sort_by_key(|(_, k)| !matches!(k, Ok(Kind::Network)));
    let mut lines: Vec<(usize, std::result::Result<String, Error>)> = Vec::new();
    for (path, kind) in ordered {
        let at = files.iter().position(|f| f == path).unwrap_or(0);
        let outcome = kind.and_then(|k| match k {
            Kind::Network => check_network(path).map(|(line, t)| {
                if let Some(t) = t {
                    networks.push(t);
                }
                line
            }),
            Kind::Settling => check_settling(path),
            Kind::Exercise => check_exercise(path),
            Kind::Patterns => check_patterns(path),
            Kind::Weights => check_weights(path, &mut networks),
        });
        lines.push((at, outcome));
    }
    lines.sort_by_key(|(at, _)| *at);
    for (_, outcome) in lines {
        match outcome {
            Ok(line) => println!("{line}"),
            Err(e) => {
                failed += 1;
                eprintln!("{e}");
            }
        }
    }
    if failed > 0 {
        Err(Error::Usage(format!(
            "{failed} of {} files did not pass",
            files.len()
        )))
    } else {
        Ok(())
    }
}

fn check_network(path: &Path) -> Result<(String, Option<Trainer>)> {
    let loaded = LoadedNetwork::open(path)?;
    let sizes: Vec<String> = loaded
        .topology
        .order
        .iter()
        .map(|&l| loaded.spec.layers[l].size.to_string())
        .collect();
    let count = |s: &Option<std::sync::Arc<PatternSet>>| s.as_ref().map_or(0, |s| s.len());
    let line = format!(
        "{}: ok, network `{}`: {} layers ({}), {} projections, {} training and {} test patterns",
        path.display(),
        loaded.spec.name,
        loaded.spec.layers.len(),
        sizes.join("-"),
        loaded.spec.projections.len(),
        count(&loaded.train),
        count(&loaded.test),
    );
    let trainer = if loaded.train.is_some() {
        Some(Trainer::from_loaded(loaded)?)
    } else {
        None
    };
    let line = match &trainer {
        Some(t) => {
            let n: usize = t.params.iter().map(|p| p.value.len()).sum();
            format!("{line}, {n} parameters")
        }
        None => line,
    };
    Ok((line, trainer))
}

fn check_settling(path: &Path) -> Result<String> {
    let s = pdp::models::Settler::open(path)?;
    let n = s.len();
    let links = (0..n)
        .flat_map(|i| ((i + 1)..n).map(move |j| (i, j)))
        .filter(|&(i, j)| s.layout.weight(i, j) != 0.0)
        .count();
    Ok(format!(
        "{}: ok, settling network `{}` ({}): {} units in {} pools, {} connections",
        path.display(),
        s.name(),
        s.spec.update.name(),
        n,
        s.layout.pools.len(),
        links
    ))
}

fn check_exercise(path: &Path) -> Result<String> {
    let e = pdp::tui::exercise::Exercise::open(path)?;
    Ok(format!(
        "{}: ok, exercise `{}`: {} steps on {}",
        path.display(),
        e.spec.title,
        e.spec.steps.len(),
        e.network.display()
    ))
}

fn check_patterns(path: &Path) -> Result<String> {
    let set = PatternSet::load(path)?;
    let labels = if set.has_labels() {
        format!(", labelled with {} classes", set.classes.len())
    } else {
        String::new()
    };
    Ok(format!(
        "{}: ok, patterns `{}`: {} patterns of {} inputs and {} targets{labels}",
        path.display(),
        set.name,
        set.len(),
        set.input_size,
        set.target_size
    ))
}

fn check_weights(path: &Path, networks: &mut [Trainer]) -> Result<String> {
    let (file, src) = read_weight_file(path)?;
    let against = match networks.iter_mut().find(|t| t.net.name == file.network) {
        Some(t) => {
            t.apply_weights(&file, &src)?;
            format!(", and fit {}", t.path.display())
        }
        None => String::new(),
    };
    Ok(format!(
        "{}: ok, weights for `{}` after {} epochs{against}",
        path.display(),
        file.network,
        file.epoch
    ))
}
