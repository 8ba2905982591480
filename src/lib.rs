//! pdp: a workbench for parallel distributed processing. Networks and patterns are read
//! from RON files (`spec`, `data`), built into a nalgebra core (`engine`), and run one named
//! tick at a time or flat out by the stepper (`sim`), which the command line drives. Networks that
//! settle rather than learn (`models::settle`) are their own family.

pub mod analysis;
pub mod claims;
pub mod data;
pub mod engine;
pub mod error;
pub mod models;
pub mod sim;
pub mod spec;
pub mod tui;

pub use error::{Error, Result};
