//! folio: a static documentation-site generator for GitBook-style books.
//!
//! The pipeline, one module per stage:
//! [`config`] → [`load`] (with [`summary`]) → [`parse`] → [`resolve`] →
//! [`render`] → [`output`], driven by [`build`]. [`diag`] and [`source`] are
//! shared by all of them; [`paths`] holds pure path and URL arithmetic.
//! [`search`] builds the search index for `render` and owns its client.

pub mod build;
pub mod cli;
pub mod config;
pub mod diag;
pub mod external;
pub mod fingerprint;
pub mod fix;
pub mod index;
pub mod init;
pub mod load;
pub mod markdown_syntax;
pub mod mojibake;
pub mod openapi;
pub mod output;
pub mod parse;
pub mod paths;
pub mod render;
pub mod report;
pub mod resolve;
pub mod search;
#[cfg(feature = "serve")]
pub mod serve;
pub mod source;
pub mod summary;
pub mod yaml;
