//! The names of ticks, as the screen and the command line show them.

use super::{Phase, Trainer};

impl Trainer {
    /// The name of a tick, as the screen shows it.
    pub fn describe(&self, phase: Phase) -> String {
        let name = |l: usize| self.net.layers[l].name.as_str();
        match phase {
            Phase::Present => {
                // Before the first block, name the patterns the next one will present.
                let upcoming;
                let block = if self.plan.is_empty() {
                    let len = self.next_block_len();
                    upcoming = self.order[self.pos..self.pos + len].to_vec();
                    upcoming.as_slice()
                } else {
                    self.block.as_slice()
                };
                match block {
                    [p] => format!("present {}", self.train.name(*p)),
                    b => format!("present {} patterns", b.len()),
                }
            }
            Phase::Forward(l) => {
                let from: Vec<&str> = self.net.layers[l]
                    .incoming
                    .iter()
                    .map(|&p| name(self.net.projections[p].from))
                    .collect();
                format!("forward {} <- {}", name(l), from.join(", "))
            }
            Phase::Cycle(k) => format!(
                "settle {} cycle {k}/{}",
                name(self.net.output),
                self.spec.training.settle.cycles
            ),
            Phase::OutputError => match self.spec.training.rule {
                crate::spec::Rule::Backprop => format!("error at {}", name(self.net.output)),
                r if r.supervised() => format!(
                    "error at {} and weight change ({} rule)",
                    name(self.net.output),
                    r.name()
                ),
                r => format!("weight change ({} rule)", r.name()),
            },
            Phase::Backward(l) => {
                let to: Vec<&str> = self.net.layers[l]
                    .outgoing
                    .iter()
                    .map(|&p| name(self.net.projections[p].to))
                    .collect();
                format!("backward {} <- {}", name(l), to.join(", "))
            }
            Phase::Update => {
                let biases = self.net.layers.iter().filter(|l| l.bias.is_some()).count();
                let projections = self.net.projections.len();
                let plural =
                    |n: usize, w: &str| format!("{n} {w}{}", if n == 1 { "" } else { "s" });
                if biases == 0 {
                    format!("update {}", plural(projections, "projection"))
                } else {
                    format!(
                        "update {}, {}",
                        plural(projections, "projection"),
                        plural(biases, "bias").replace("biass", "biases")
                    )
                }
            }
            Phase::EndEpoch => format!("end of epoch {}", self.block_epoch()),
            Phase::StepPresent(t) => {
                let at = self.seq_offset() + t + 1;
                match self.seq.as_ref() {
                    // Before the first window: the one to come.
                    Some(r) if r.block.is_empty() => match self.next_window().block {
                        Some(b) if b.len() == 1 => {
                            let first = crate::sim::sequence::sequences(&self.train)[b[0]].0;
                            format!("t={at} present {}", self.train.name(first + t))
                        }
                        b => format!("t={at} present {} sequences", b.map_or(0, |b| b.len())),
                    },
                    Some(r) if r.block.len() == 1 => {
                        let p = r.window.patterns.get(t).map_or(0, |p| p[0]);
                        format!("t={at} present {}", self.train.name(p))
                    }
                    Some(r) => format!("t={at} present {} sequences", r.block.len()),
                    None => format!("t={at} present"),
                }
            }
            Phase::StepForward(l, t) => {
                let at = self.seq_offset() + t + 1;
                let layer = &self.net.layers[l];
                let mut from: Vec<String> = layer
                    .incoming
                    .iter()
                    .map(|&p| name(self.net.projections[p].from).to_string())
                    .collect();
                if layer.recurrent.is_some() {
                    from.push(format!("{} at t={}", name(l), at - 1));
                }
                format!("t={at} forward {} <- {}", name(l), from.join(", "))
            }
            Phase::Gate(l, t, g) => {
                let at = self.seq_offset() + t + 1;
                let lstms = self
                    .net
                    .layers
                    .iter()
                    .filter(|l| matches!(l.kind, crate::engine::net::Kind::Lstm { .. }))
                    .count();
                if lstms > 1 {
                    format!("t={at} {} {}", name(l), g.name())
                } else {
                    format!("t={at} {}", g.name())
                }
            }
            Phase::StepError(t) => {
                format!(
                    "t={} error at {}",
                    self.seq_offset() + t + 1,
                    name(self.net.output)
                )
            }
            Phase::StepBackward(l, t) => {
                format!("t={} backward {}", self.seq_offset() + t + 1, name(l))
            }
            Phase::SumChanges(l) => {
                let (offset, len) = self.seq_window();
                let first = offset + 1;
                format!(
                    "changes into {} summed over t={first}..{}",
                    name(l),
                    first + len - 1
                )
            }
        }
    }
}
