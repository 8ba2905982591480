//! Saving and loading weights: every projection, every bias, and the optimizer's state, so
//! that `--save` then `--weights` continues exactly as an uninterrupted run would.

use super::trainer::Trainer;
use crate::engine::net::rows_of;
use crate::engine::OptimizerState;
use crate::error::{Diagnostic, Error, Position, Result};
use crate::spec::{self, ParamSlots, RonPath, RonSource, WeightFile};
use nalgebra::DMatrix;
use std::path::Path;

fn is_json(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("json"))
}

/// Reads a weight file (RON, or JSON when the name ends in `.json`).
pub fn read_weight_file(path: &Path) -> Result<(WeightFile, RonSource)> {
    let src = RonSource::read(path)?;
    let file = if is_json(path) {
        serde_json::from_str(&src.text).map_err(|e| {
            let pos = Position {
                line: e.line().max(1),
                column: e.column().max(1),
            };
            Error::file(Diagnostic::at(path, &src.text, pos, e.to_string()))
        })?
    } else {
        src.parse()?
    };
    check_self(&file, &src)?;
    Ok((file, src))
}

/// What can be checked of a weight file without its network: finite numbers, whole rows.
fn check_self(file: &WeightFile, src: &RonSource) -> Result<()> {
    let root = RonPath::new();
    for (i, p) in file.projections.iter().enumerate() {
        let wp = root.field("projections").index(i).field("weights");
        let cols = p.weights.first().map_or(0, Vec::len);
        for (r, row) in p.weights.iter().enumerate() {
            if row.len() != cols {
                return Err(src.error_at(
                    &wp.index(r),
                    format!("row {r} has {} weights, but row 0 has {cols}", row.len()),
                ));
            }
            for (c, w) in row.iter().enumerate() {
                spec::finite(src, &wp.index(r).index(c), "a weight", *w)?;
            }
        }
    }
    for (i, b) in file.biases.iter().enumerate() {
        let bp = root.field("biases").index(i).field("values");
        for (k, v) in b.values.iter().enumerate() {
            spec::finite(src, &bp.index(k), "a bias", *v)?;
        }
    }
    if let Some(opt) = &file.optimizer {
        for (i, s) in opt.slots.iter().enumerate() {
            let sp = root
                .field("optimizer")
                .field("slots")
                .index(i)
                .field("values");
            for (k, m) in s.values.iter().enumerate() {
                for (r, row) in m.iter().enumerate() {
                    for (c, v) in row.iter().enumerate() {
                        spec::finite(
                            src,
                            &sp.index(k).index(r).index(c),
                            "an optimizer value",
                            *v,
                        )?;
                    }
                }
            }
        }
    }
    Ok(())
}

fn matrix_from_rows(rows: &[Vec<f32>], nrows: usize, ncols: usize) -> DMatrix<f32> {
    DMatrix::from_fn(nrows, ncols, |r, c| rows[r][c])
}

impl Trainer {
    /// The weights, biases and optimizer state as a weight file.
    pub fn weight_file(&self) -> WeightFile {
        let names: Vec<String> = self.params.iter().map(|p| p.name.clone()).collect();
        let slots = self
            .optimizer
            .slots
            .iter()
            .zip(names)
            .filter(|(s, _)| !s.is_empty())
            .map(|(s, param)| ParamSlots {
                param,
                values: s.iter().map(rows_of).collect(),
            })
            .collect();
        WeightFile {
            network: self.net.name.clone(),
            epoch: self.epoch,
            seed: self.seed,
            projections: self.net.projection_weights(&self.params),
            biases: self.net.bias_values(&self.params),
            optimizer: Some(spec::OptimizerState {
                kind: OptimizerState::kind(&self.spec.training.optimizer).to_string(),
                step: self.optimizer.step,
                slots,
            }),
        }
    }

    /// Writes the weights to `path` (RON, or JSON for `.json`), atomically.
    pub fn save_weights(&self, path: &Path) -> Result<()> {
        let file = self.weight_file();
        let text = if is_json(path) {
            serde_json::to_string(&file).map_err(|e| Error::Internal(e.to_string()))?
        } else {
            let pretty = ron::ser::PrettyConfig::new()
                .depth_limit(4)
                .struct_names(true);
            ron::ser::to_string_pretty(&file, pretty).map_err(|e| Error::Internal(e.to_string()))?
        };
        crate::error::write_atomically(path, text.as_bytes())
    }

    /// Reads weights from `path` and makes them the network's. Training goes on from the
    /// start of the epoch after the saved one. Nothing changes if the file does not fit.
    pub fn load_weights(&mut self, path: &Path) -> Result<()> {
        let (file, src) = read_weight_file(path)?;
        self.apply_weights(&file, &src)
    }

    pub fn apply_weights(&mut self, file: &WeightFile, src: &RonSource) -> Result<()> {
        let root = RonPath::new();
        if file.network != self.net.name {
            return Err(src.error_at(
                &root.field("network"),
                format!(
                    "these weights are for the network `{}`, not `{}`",
                    file.network, self.net.name
                ),
            ));
        }
        let mut params = self.params.clone();
        let mut seen = vec![false; params.len()];
        for (i, pw) in file.projections.iter().enumerate() {
            let pp = root.field("projections").index(i);
            let proj = self.net.projections.iter().find(|p| {
                self.net.layers[p.from].name == pw.from && self.net.layers[p.to].name == pw.to
            });
            let Some(proj) = proj else {
                return Err(src.error_at(
                    &pp,
                    format!(
                        "the network has no projection from `{}` to `{}`",
                        pw.from, pw.to
                    ),
                ));
            };
            let (rows, cols) = params[proj.param].value.shape();
            let got_cols = pw.weights.first().map_or(0, Vec::len);
            if pw.weights.len() != rows || got_cols != cols {
                return Err(src.error_at(
                    &pp.field("weights"),
                    format!(
                        "{}x{} weights, but `{}` is {rows}x{cols} (receiving x sending units)",
                        pw.weights.len(),
                        got_cols,
                        params[proj.param].name
                    ),
                ));
            }
            params[proj.param].value = matrix_from_rows(&pw.weights, rows, cols);
            seen[proj.param] = true;
        }
        for (i, b) in file.biases.iter().enumerate() {
            let bp = root.field("biases").index(i);
            let layer = self.net.layers.iter().find(|l| l.name == b.layer);
            let Some(idx) = layer.and_then(|l| l.bias) else {
                return Err(src.error_at(
                    &bp.field("layer"),
                    format!("the network has no layer `{}` with a bias", b.layer),
                ));
            };
            let n = params[idx].value.nrows();
            if b.values.len() != n {
                return Err(src.error_at(
                    &bp.field("values"),
                    format!(
                        "{} bias values, but layer `{}` has {n} units",
                        b.values.len(),
                        b.layer
                    ),
                ));
            }
            params[idx].value = DMatrix::from_column_slice(n, 1, &b.values);
            seen[idx] = true;
        }
        if let Some(missing) = seen.iter().position(|s| !s) {
            let field = if params[missing].name.ends_with(".bias") {
                "biases"
            } else {
                "projections"
            };
            return Err(src.error_at_key(
                &root.field(field),
                format!("no values for `{}`", params[missing].name),
            ));
        }
        let opt = &self.spec.training.optimizer;
        let mut state = OptimizerState::new(opt, &params);
        if let Some(saved) = file
            .optimizer
            .as_ref()
            .filter(|s| s.kind == OptimizerState::kind(opt))
        {
            state.step = saved.step;
            for (i, s) in saved.slots.iter().enumerate() {
                let sp = root.field("optimizer").field("slots").index(i);
                let Some(k) = params.iter().position(|p| p.name == s.param) else {
                    return Err(src.error_at(
                        &sp.field("param"),
                        format!("the network has no parameter `{}`", s.param),
                    ));
                };
                let (rows, cols) = params[k].value.shape();
                let fits = s.values.len() == state.slots[k].len()
                    && s.values
                        .iter()
                        .all(|m| m.len() == rows && m.iter().all(|r| r.len() == cols));
                if !fits {
                    return Err(src.error_at(
                        &sp.field("values"),
                        format!(
                            "the optimizer state of `{}` should be {} matrices of {rows}x{cols}",
                            s.param,
                            state.slots[k].len()
                        ),
                    ));
                }
                state.slots[k] = s
                    .values
                    .iter()
                    .map(|m| matrix_from_rows(m, rows, cols))
                    .collect();
            }
        }
        for p in &mut params {
            p.clear_grad();
        }
        self.params = params;
        self.optimizer = state;
        self.epoch = file.epoch;
        self.seed = file.seed;
        self.history.clear();
        self.last_change.clear();
        self.generation += 1;
        self.restart_epoch();
        Ok(())
    }
}
