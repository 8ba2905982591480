//! The checks of a network file that need no pattern file: names, sizes, projections, the
//! order layers compute in, each model family's rules, with the file position of each error.

// The file's types, all of which the checks read.
use super::*;
use crate::error::Result;
use crate::spec::{finite, RonPath, RonSource};
use std::collections::HashMap;

impl NetworkSpec {
    /// Checks everything that can be checked without the pattern files.
    pub fn validate(&self, src: &RonSource) -> Result<Topology> {
        let root = RonPath::new();
        if self.name.trim().is_empty() {
            return Err(src.error_at(&root.field("name"), "the network needs a name"));
        }
        if self.layers.is_empty() {
            return Err(src.error_at(&root.field("layers"), "the network has no layers"));
        }
        let mut index = HashMap::new();
        for (i, l) in self.layers.iter().enumerate() {
            let p = root.field("layers").index(i);
            if l.name.trim().is_empty() {
                return Err(src.error_at(&p.field("name"), "a layer needs a name"));
            }
            if index.insert(l.name.as_str(), i).is_some() {
                return Err(src.error_at(
                    &p.field("name"),
                    format!("duplicate layer name `{}`", l.name),
                ));
            }
            if l.size == 0 {
                return Err(src.error_at(&p.field("size"), "a layer needs at least one unit"));
            }
            if let Some(shape) = &l.shape {
                match parse_shape(shape) {
                    Some((r, c)) if r * c == l.size => {}
                    Some((r, c)) => {
                        return Err(src.error_at(
                            &p.field("shape"),
                            format!(
                                "shape {r}x{c} holds {} units but layer `{}` has {}",
                                r * c,
                                l.name,
                                l.size
                            ),
                        ))
                    }
                    None => {
                        return Err(src.error_at(
                            &p.field("shape"),
                            format!("`{shape}` is not a shape: write rows x columns, as \"28x28\""),
                        ))
                    }
                }
            }
        }
        let mut ends = Vec::with_capacity(self.projections.len());
        for (i, pr) in self.projections.iter().enumerate() {
            let p = root.field("projections").index(i);
            let find = |name: &str, field: &str| {
                index.get(name).copied().ok_or_else(|| {
                    let known: Vec<&str> = self.layers.iter().map(|l| l.name.as_str()).collect();
                    src.error_at(
                        &p.field(field),
                        format!(
                            "unknown layer `{name}` (the layers are {})",
                            known.join(", ")
                        ),
                    )
                })
            };
            let (from, to) = (find(&pr.from, "from")?, find(&pr.to, "to")?);
            if ends.contains(&(from, to)) {
                return Err(src.error_at(
                    &p,
                    format!("a second projection from `{}` to `{}`", pr.from, pr.to),
                ));
            }
            let auto_associator = matches!(self.training.rule, Rule::Hebb | Rule::Delta)
                && self.layers.len() == 1
                && self.projections.len() == 1;
            let recurrent = matches!(self.layers[to].kind, LayerKind::Recurrent | LayerKind::Lstm);
            if from == to && !auto_associator && !recurrent {
                return Err(src.error_at(
                    &p.field("to"),
                    format!(
                        "projection from `{}` to itself: only a Recurrent or Lstm layer (its weights through time), or an auto-associator (one layer, rule Hebb or Delta), has one",
                        pr.from
                    ),
                ));
            }
            if let LayerKind::Context { .. } = self.layers[to].kind {
                return Err(src.error_at(
                    &p.field("to"),
                    format!("`{}` is a context layer: it copies another layer and receives no projection", pr.to),
                ));
            }
            // LSTM cells take each input four times: one block of rows per gate.
            let gates = if self.layers[to].kind == LayerKind::Lstm {
                4
            } else {
                1
            };
            let (rows, cols) = (gates * self.layers[to].size, self.layers[from].size);
            check_weight_init(src, &p.field("init"), &pr.init, rows, cols)?;
            ends.push((from, to));
        }
        if let [(0, 0)] = ends[..] {
            // An auto-associator: one layer that is its own input and output.
            self.validate_training(src, 0)?;
            self.validate_local(src, 0, &[0])?;
            return Ok(Topology {
                order: vec![0],
                inputs: vec![0],
                output: 0,
                ends,
            });
        }
        self.validate_time(src, &ends)?;
        // A layer's projection to itself carries its state through time, not within a step.
        let ends_in_step: Vec<(usize, usize)> =
            ends.iter().copied().filter(|(f, t)| f != t).collect();
        let order = topological_order(self.layers.len(), &ends_in_step).map_err(|cycle| {
            let names: Vec<&str> = cycle
                .iter()
                .map(|&l| self.layers[l].name.as_str())
                .collect();
            let first = ends.iter().position(|&(f, _)| f == cycle[0]).unwrap_or(0);
            src.error_at(
                &root.field("projections").index(first),
                format!(
                    "the projections make a cycle ({} -> {}): a feed-forward network has none",
                    names.join(" -> "),
                    names[0]
                ),
            )
        })?;
        let sources: Vec<usize> = (0..self.layers.len())
            .filter(|&l| !ends_in_step.iter().any(|&(_, t)| t == l))
            .collect();
        let sinks: Vec<usize> = (0..self.layers.len())
            .filter(|&l| !ends_in_step.iter().any(|&(f, _)| f == l))
            .collect();
        let names = |ls: &[usize]| {
            ls.iter()
                .map(|&l| format!("`{}`", self.layers[l].name))
                .collect::<Vec<_>>()
                .join(", ")
        };
        if let Some(&alone) = sources.iter().find(|l| sinks.contains(l)) {
            return Err(src.error_at(
                &root.field("layers").index(alone),
                format!(
                    "layer `{}` has no projection to or from it",
                    self.layers[alone].name
                ),
            ));
        }
        if sinks.len() != 1 {
            return Err(src.error_at(
                &root.field("projections"),
                format!(
                    "the network needs exactly one output layer (one with no outgoing projection); it has {}: {}",
                    sinks.len(),
                    names(&sinks)
                ),
            ));
        }
        let output = sinks[0];
        for (i, l) in self.layers.iter().enumerate() {
            let p = root.field("layers").index(i);
            if sources.contains(&i) {
                if l.activation.is_some_and(|a| a != Activation::Linear) {
                    return Err(src.error_at(
                        &p.field("activation"),
                        format!("`{}` is an input layer: its activation is the pattern itself, so it can only be Linear", l.name),
                    ));
                }
                if l.bias == Some(true) {
                    return Err(src.error_at(
                        &p.field("bias"),
                        format!("`{}` is an input layer and cannot have a bias", l.name),
                    ));
                }
            } else {
                if l.activation == Some(Activation::Softmax) && i != output {
                    return Err(src.error_at(
                        &p.field("activation"),
                        "softmax is only for the output layer",
                    ));
                }
                check_bias_init(src, &p.field("bias_init"), &l.bias_init, l.size)?;
            }
        }
        if self.layers[output].kind.is_recurrent() {
            return Err(src.error_at(
                &root.field("layers").index(output).field("kind"),
                format!("`{}` is the output layer: give it ordinary units (leave `kind` out) and a projection from the recurrent layer", self.layers[output].name),
            ));
        }
        // Context layers send like inputs, but their values are copies, not the pattern's.
        let inputs: Vec<usize> = sources
            .iter()
            .copied()
            .filter(|&l| !matches!(self.layers[l].kind, LayerKind::Context { .. }))
            .collect();
        if inputs.is_empty() {
            return Err(src.error_at(&root.field("layers"), "the network has no input layer"));
        }
        self.validate_training(src, output)?;
        self.validate_local(src, output, &inputs)?;
        Ok(Topology {
            order,
            inputs,
            output,
            ends,
        })
    }

    /// Context layers copy a layer of their size; recurrent and LSTM layers have their own
    /// projection and are fed by another layer; networks in time learn by backpropagation.
    fn validate_time(&self, src: &RonSource, ends: &[(usize, usize)]) -> Result<()> {
        let root = RonPath::new();
        for (i, l) in self.layers.iter().enumerate() {
            let at = root.field("layers").index(i);
            match &l.kind {
                LayerKind::Dense => {}
                LayerKind::Context { of, initial } => {
                    let Some(j) = self.layers.iter().position(|m| &m.name == of) else {
                        return Err(src.error_at(
                            &at.field("kind"),
                            format!(
                                "context layer `{}` copies `{of}`, which is not a layer",
                                l.name
                            ),
                        ));
                    };
                    if j == i
                        || self.layers[j].size != l.size
                        || matches!(self.layers[j].kind, LayerKind::Context { .. })
                    {
                        return Err(src.error_at(
                            &at.field("kind"),
                            format!("context layer `{}` ({} units) must copy another layer of its size that is not a context layer; `{of}` has {}", l.name, l.size, self.layers[j].size),
                        ));
                    }
                    finite(src, &at.field("kind"), "the initial value", *initial)?;
                    if l.bias == Some(true) {
                        return Err(src.error_at(
                            &at.field("bias"),
                            "a context layer has no bias: it copies",
                        ));
                    }
                }
                LayerKind::Recurrent | LayerKind::Lstm => {
                    if !ends.contains(&(i, i)) {
                        return Err(src.error_at(
                            &at.field("kind"),
                            format!("`{}` is {}: give it its projection through time, Projection(from: \"{0}\", to: \"{0}\")", l.name, if l.kind == LayerKind::Lstm { "an Lstm layer" } else { "a Recurrent layer" }),
                        ));
                    }
                    if !ends.iter().any(|&(f, t)| t == i && f != i) {
                        return Err(src.error_at(
                            &at,
                            format!("`{}` has no input from another layer", l.name),
                        ));
                    }
                }
            }
            finite(src, &at.field("forget_bias"), "forget_bias", l.forget_bias)?;
        }
        if self.is_recurrent() {
            let t = &self.training;
            let p = root.field("training");
            if t.rule != Rule::Backprop {
                return Err(src.error_at(
                    &p.field("rule"),
                    "networks in time learn by backpropagation (through time)",
                ));
            }
            if t.window == Some(0) {
                return Err(src.error_at(&p.field("window"), "a window needs at least one step"));
            }
        }
        Ok(())
    }

    /// What the local rules need: one layer of weights, output functions they can use, no
    /// bias where the rule has none; and what backpropagation cannot use.
    fn validate_local(&self, src: &RonSource, output: usize, inputs: &[usize]) -> Result<()> {
        let t = &self.training;
        let p = RonPath::new().field("training");
        let rule = t.rule;
        let out = &self.layers[output];
        let out_at = RonPath::new().field("layers").index(output);
        let act = self.activation(output);
        if !rule.is_local() {
            for (i, l) in self.layers.iter().enumerate() {
                if let Some(a @ (Activation::Threshold | Activation::Stochastic)) = l.activation {
                    return Err(src.error_at(
                        &RonPath::new().field("layers").index(i).field("activation"),
                        format!("{} units have no derivative to backpropagate: they are for the local rules (Hebb, Delta)", a.name()),
                    ));
                }
            }
            return Ok(());
        }
        let name = rule.name();
        let hidden: Vec<&str> = (0..self.layers.len())
            .filter(|l| !inputs.contains(l) && *l != output)
            .map(|l| self.layers[l].name.as_str())
            .collect();
        if !hidden.is_empty() || inputs.len() != 1 || self.projections.len() != 1 {
            return Err(src.error_at(
                &p.field("rule"),
                format!(
                    "the {name} rule learns one layer of weights: the network must be one input layer and one output layer joined by one projection{}",
                    if hidden.is_empty() { String::new() } else { format!(" (it has hidden layers: {})", hidden.join(", ")) }
                ),
            ));
        }
        if t.loss != Loss::SumSquared {
            return Err(src.error_at(
                &p.field("loss"),
                format!("the {name} rule reports sum-squared error: leave `loss` out"),
            ));
        }
        match rule {
            Rule::Hebb | Rule::Delta
                if !matches!(
                    act,
                    Activation::Linear
                        | Activation::Logistic
                        | Activation::Threshold
                        | Activation::Stochastic
                ) =>
            {
                return Err(src.error_at(
                    &out_at.field("activation"),
                    format!("the {name} rule's output units are Linear, Threshold, Logistic or Stochastic, not {}", act.name()),
                ));
            }
            Rule::Oja | Rule::Sanger if act != Activation::Linear => {
                return Err(src.error_at(
                    &out_at.field("activation"),
                    format!(
                        "the {name} rule's output units are Linear (y = W x), not {}",
                        act.name()
                    ),
                ));
            }
            _ => {}
        }
        if !matches!(rule, Rule::Hebb | Rule::Delta) && out.bias == Some(true) {
            return Err(src.error_at(
                &out_at.field("bias"),
                format!("the {name} rule has no bias"),
            ));
        }
        finite(src, &p.field("temperature"), "temperature", t.temperature)?;
        if t.temperature <= 0.0 {
            return Err(src.error_at(&p.field("temperature"), "the temperature must be above 0"));
        }
        non_negative(src, &p.field("noise"), "noise", t.noise)?;
        let s = &t.settle;
        let sp = p.field("settle");
        for (field, v) in [
            ("estr", s.estr),
            ("excitation", s.excitation),
            ("inhibition", s.inhibition),
            ("decay", s.decay),
        ] {
            non_negative(src, &sp.field(field), field, v)?;
        }
        if s.cycles == 0 {
            return Err(src.error_at(
                &sp.field("cycles"),
                "an auto-associator settles for at least 1 cycle",
            ));
        }
        Ok(())
    }

    fn validate_training(&self, src: &RonSource, output: usize) -> Result<()> {
        let t = &self.training;
        let p = RonPath::new().field("training");
        let out = &self.layers[output];
        let act = self.activation(output);
        match (t.loss, act) {
            (Loss::SumSquared, Activation::Softmax) => {
                return Err(src.error_at(
                    &p.field("loss"),
                    format!(
                        "output `{}` is softmax: use CrossEntropy as the loss",
                        out.name
                    ),
                ))
            }
            (Loss::CrossEntropy, Activation::Softmax | Activation::Logistic) => {}
            (Loss::CrossEntropy, a) => {
                return Err(src.error_at(
                    &p.field("loss"),
                    format!(
                        "cross-entropy needs a softmax or logistic output, and `{}` is {}",
                        out.name,
                        a.name()
                    ),
                ))
            }
            _ => {}
        }
        finite(src, &p.field("lrate"), "lrate", t.lrate)?;
        if t.lrate < 0.0 {
            return Err(src.error_at(&p.field("lrate"), "lrate cannot be negative"));
        }
        match t.optimizer {
            Optimizer::Sgd {
                momentum,
                weight_decay,
            } => {
                let o = p.field("optimizer");
                finite(src, &o.field("momentum"), "momentum", momentum)?;
                if !(0.0..1.0).contains(&momentum) {
                    return Err(src.error_at(
                        &o.field("momentum"),
                        format!("momentum must be in [0, 1), not {momentum}"),
                    ));
                }
                non_negative(src, &o.field("weight_decay"), "weight_decay", weight_decay)?;
            }
            Optimizer::Adam {
                beta1,
                beta2,
                epsilon,
                weight_decay,
            } => {
                let o = p.field("optimizer");
                for (name, v) in [("beta1", beta1), ("beta2", beta2)] {
                    finite(src, &o.field(name), name, v)?;
                    if !(0.0..1.0).contains(&v) {
                        return Err(src.error_at(
                            &o.field(name),
                            format!("{name} must be in [0, 1), not {v}"),
                        ));
                    }
                }
                non_negative(src, &o.field("epsilon"), "epsilon", epsilon)?;
                if epsilon == 0.0 {
                    return Err(src.error_at(&o.field("epsilon"), "epsilon must be above 0"));
                }
                non_negative(src, &o.field("weight_decay"), "weight_decay", weight_decay)?;
            }
        }
        if t.update == Update::Batch(0) {
            return Err(src.error_at(&p.field("update"), "a batch needs at least one pattern"));
        }
        if let Some(e) = t.ecrit {
            non_negative(src, &p.field("ecrit"), "ecrit", e)?;
        }
        if let AccuracyRule::Threshold(th) = t.accuracy {
            finite(src, &p.field("accuracy"), "the accuracy threshold", th)?;
            if th <= 0.0 {
                return Err(src.error_at(
                    &p.field("accuracy"),
                    "the accuracy threshold must be above 0",
                ));
            }
        }
        Ok(())
    }
}

fn non_negative(src: &RonSource, path: &RonPath, what: &str, v: f32) -> Result<()> {
    finite(src, path, what, v)?;
    if v < 0.0 {
        return Err(src.error_at(path, format!("{what} cannot be negative, and is {v}")));
    }
    Ok(())
}

fn check_range(src: &RonSource, path: &RonPath, min: f32, max: f32) -> Result<()> {
    finite(src, &path.field("min"), "min", min)?;
    finite(src, &path.field("max"), "max", max)?;
    if min > max {
        return Err(src.error_at(path, format!("min ({min}) is above max ({max})")));
    }
    Ok(())
}

fn check_normal(src: &RonSource, path: &RonPath, mean: f32, std: f32) -> Result<()> {
    finite(src, &path.field("mean"), "mean", mean)?;
    non_negative(src, &path.field("std"), "std", std)
}

fn check_weight_init(
    src: &RonSource,
    path: &RonPath,
    init: &WeightInit,
    rows: usize,
    cols: usize,
) -> Result<()> {
    match init {
        WeightInit::Constant(v) => finite(src, path, "the constant", *v),
        WeightInit::Uniform { min, max } => check_range(src, path, *min, *max),
        WeightInit::Normal { mean, std } => check_normal(src, path, *mean, *std),
        WeightInit::Values(v) => {
            let vp = path.index(0);
            if v.len() != rows {
                return Err(src.error_at(
                    &vp,
                    format!("{} rows of weights given, but the receiving layer has {rows} units (one row each)", v.len()),
                ));
            }
            for (r, row) in v.iter().enumerate() {
                if row.len() != cols {
                    return Err(src.error_at(
                        &vp.index(r),
                        format!(
                            "row {r} has {} weights, but the sending layer has {cols} units",
                            row.len()
                        ),
                    ));
                }
                for (c, w) in row.iter().enumerate() {
                    finite(src, &vp.index(r).index(c), "a weight", *w)?;
                }
            }
            Ok(())
        }
        WeightInit::Zeros
        | WeightInit::Xavier
        | WeightInit::XavierNormal
        | WeightInit::He
        | WeightInit::HeUniform => Ok(()),
    }
}

fn check_bias_init(src: &RonSource, path: &RonPath, init: &BiasInit, size: usize) -> Result<()> {
    match init {
        BiasInit::Zeros => Ok(()),
        BiasInit::Constant(v) => finite(src, path, "the constant", *v),
        BiasInit::Uniform { min, max } => check_range(src, path, *min, *max),
        BiasInit::Normal { mean, std } => check_normal(src, path, *mean, *std),
        BiasInit::Values(v) => {
            let vp = path.index(0);
            if v.len() != size {
                return Err(src.error_at(
                    &vp,
                    format!(
                        "{} bias values given, but the layer has {size} units",
                        v.len()
                    ),
                ));
            }
            for (i, b) in v.iter().enumerate() {
                finite(src, &vp.index(i), "a bias", *b)?;
            }
            Ok(())
        }
    }
}

/// Kahn's algorithm, keeping file order among layers that are ready together. On a cycle,
/// returns the layers of one cycle.
fn topological_order(
    n: usize,
    ends: &[(usize, usize)],
) -> std::result::Result<Vec<usize>, Vec<usize>> {
    let mut indegree = vec![0usize; n];
    for &(_, t) in ends {
        indegree[t] += 1;
    }
    let mut order = Vec::with_capacity(n);
    let mut done = vec![false; n];
    while order.len() < n {
        let Some(next) = (0..n).find(|&l| !done[l] && indegree[l] == 0) else {
            // Every remaining layer has an incoming edge from another remaining one: walk
            // backwards along them until a layer repeats.
            let start = (0..n).find(|&l| !done[l]).unwrap_or(0);
            let mut path = vec![start];
            let mut at = start;
            loop {
                let prev = ends
                    .iter()
                    .find(|&&(f, t)| t == at && !done[f])
                    .map(|&(f, _)| f)
                    .unwrap_or(start);
                if let Some(pos) = path.iter().position(|&l| l == prev) {
                    let mut cycle: Vec<usize> = path[pos..].to_vec();
                    cycle.reverse();
                    return Err(cycle);
                }
                path.push(prev);
                at = prev;
            }
        };
        done[next] = true;
        order.push(next);
        for &(f, t) in ends {
            if f == next {
                indegree[t] -= 1;
            }
        }
    }
    Ok(order)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn orders_layers_and_finds_cycles() {
        assert_eq!(topological_order(3, &[(0, 1), (1, 2)]), Ok(vec![0, 1, 2]));
        assert_eq!(topological_order(3, &[(2, 1), (0, 2)]), Ok(vec![0, 2, 1]));
        let cycle = topological_order(3, &[(0, 1), (1, 2), (2, 1)]).unwrap_err();
        let mut sorted = cycle.clone();
        sorted.sort();
        assert_eq!(sorted, vec![1, 2]);
    }
}
