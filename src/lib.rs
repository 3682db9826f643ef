//! sise (四色): a batch engine for urban safety risk assessment.
//!
//! The data flow is load → score → aggregate → emit; see ARCHITECTURE.md.
//!
//! Only what the binary (`cli::main`) and the integration tests use is
//! public; the other modules are private so that the compiler reports code
//! nothing calls.

mod aggregate;
mod assess;
pub mod cli;
pub mod config;
mod cycle;
mod demo;
mod emit;
pub mod error;
mod level;
pub mod load;
pub mod model;
mod msg;
mod objects;
mod prepare;
mod progress;
mod publish;
mod quality;
mod report;
mod review;
mod run;
mod schema;
mod score;
mod sensitivity;
mod stage;
mod stamp;
mod template;
mod tile;
mod unit;
pub mod value;
