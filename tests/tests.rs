//! sise's integration tests: one binary, one module per area (as ripgrep does).

mod cdp;
mod common;

mod architecture;
mod bad_input;
mod bench;
mod crs;
mod cycle;
mod demo;
mod dirty_input;
mod disk_full;
mod geojson;
mod handmade;
mod hints;
mod messages;
mod models;
mod parsers;
mod plugin;
mod publish;
mod quality;
mod reports;
mod review;
mod sensitivity;
mod tables;
mod template;
mod tile;
mod validate;
mod web;
mod word;
