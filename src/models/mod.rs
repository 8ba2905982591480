//! Model families beside backpropagation (which lives in `engine` and `sim`): each holds its
//! state, steps one named tick at a time, and runs fast through the same ticks.

pub mod settle;

pub use settle::Settler;
