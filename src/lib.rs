//! zongjie (总结): writes a county bureau's periodic work report from data files.
//!
//! The stages, one module each: [`workspace`] and [`period`] (what to build), [`data`] and
//! [`sheets`] (read the period's files with file:line), [`catalog`] and [`figures`] (typed,
//! unit-checked figures and rules), [`template`] (strict minijinja to Markdown), [`document`] (the one
//! document model), [`render`] (Markdown, PDF, DOCX), [`archive`] (manifest, versions, verify), with
//! [`pipeline`] running them for a period and [`site`] holding the open workspace with its
//! renderers, for the CLI and `zongjie serve` alike. [`config`] holds the settings the renderers
//! read.
//!
//! Periods are written as a statistician would:
//!
//! ```
//! use zongjie::period::Period;
//! let h1: Period = "2024年上半年".parse().unwrap();
//! assert_eq!(h1.to_string(), "2024H1");
//! assert_eq!(h1.same_period_last_year().to_string(), "2023H1");
//! assert_eq!(h1.last_day().to_string(), "2024-06-30");
//! ```
//!
//! Money stays an exact decimal and is rounded half-up once, when written:
//!
//! ```
//! use rust_decimal::Decimal;
//! use zongjie::figures::{format_decimal, money_in};
//! let yuan: Decimal = "45678901.23".parse().unwrap();
//! assert_eq!(format_decimal(money_in(yuan, "万元"), Some(2)), "4567.89");
//! assert_eq!(format_decimal("2.345".parse().unwrap(), Some(2)), "2.35");
//! ```
#![warn(missing_docs)]
// A Problem (place, figure, label, message) is returned only on the error path, where its size
// costs nothing; boxing it everywhere would only add noise.
#![allow(clippy::result_large_err)]

// Messages in both languages, from locales/*.yml; Chinese unless the user asks for English.
rust_i18n::i18n!("locales", fallback = "zh-CN");

pub mod archive;
pub mod archive_data;
pub mod catalog;
pub mod config;
pub mod data;
pub mod document;
pub mod error;
pub mod figures;
pub mod formula;
pub mod i18n;
pub mod import;
pub mod lock;
pub mod memory;
pub mod period;
pub mod pipeline;
pub mod render;
pub mod review;
pub mod scaffold;
pub mod serve;
pub mod sheets;
pub mod site;
pub mod template;
pub mod units;
pub mod workspace;
pub mod yaml;
