//! sise's integration tests: one binary, one module per area (as ripgrep does).

mod common;

mod crs;
mod demo;
mod handmade;
mod models;
mod validate;
