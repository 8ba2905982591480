//! The numerical core: nalgebra matrices (f32), products through `gemm`, activations,
//! losses, optimizers, and the phases of backpropagation over a block of patterns.

pub mod activation;
pub mod backprop;
pub mod gemm;
pub mod local;
pub mod loss;
pub mod net;
pub mod optim;
pub mod recurrent;
pub mod wide;

pub use backprop::{Activity, GradMode};
pub use loss::{Correctness, PatternError};
pub use net::{Network, Param};
pub use optim::OptimizerState;
