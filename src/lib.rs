//! sise (四色): a batch engine for urban safety risk assessment.
//!
//! The data flow is load → score → aggregate → emit; see ARCHITECTURE.md.

pub mod aggregate;
pub mod assess;
pub mod cli;
pub mod config;
pub mod cycle;
pub mod demo;
pub mod emit;
pub mod error;
pub mod level;
pub mod load;
pub mod model;
pub mod msg;
pub mod progress;
pub mod quality;
pub mod report;
pub mod run;
pub mod schema;
pub mod score;
pub mod stage;
pub mod template;
pub mod tile;
pub mod unit;
pub mod value;
