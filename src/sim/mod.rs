//! The stepper: a network with its patterns and optimizer, advanced one named tick at a time.
//! Coarser steps (a block, an epoch, a run to criterion) are loops over the same ticks, so
//! the fast path computes exactly what stepping computes.

mod checkpoint;
pub use checkpoint::read_weight_file;
mod load;
pub mod sequence;
mod trainer;

pub use load::LoadedNetwork;
pub use trainer::{
    step_of, EpochReport, EvalTotals, Phase, Probe, SetKind, SetReport, StopReason, TickReport,
    Trainer, MAX_BLOCK,
};
