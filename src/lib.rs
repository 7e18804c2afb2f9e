//! zongjie (总结): writes a county bureau's periodic work report from data files.
//!
//! The modules stand in floors, and every `use` points down (tests/layers.rs keeps it so):
//! [`error`], [`i18n`] and [`yaml`] at the ground; [`values`] (units, numbers, periods, Chinese
//! wording); [`model`] (the catalog, typed); [`figures`] (checked values, rules, 同比);
//! [`data`] (YAML values and township sheets); [`template`] (strict minijinja to Markdown);
//! [`workspace`] (folders, config, which template applies); [`render`] (the document model,
//! Markdown, PDF, DOCX); [`archive`] (manifest, versions, verify); [`pipeline`] (one period through
//! every stage, and `pipeline::site::Site`, the open workspace with its renderers for
//! the CLI and `zongjie serve` alike); and on top [`import`] and [`serve`].
//!
//! Periods are written as a statistician would:
//!
//! ```
//! use zongjie::values::period::Period;
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
//! use zongjie::values::number::{format_decimal, money_in};
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
pub mod data;
pub mod error;
pub mod figures;
pub mod i18n;
pub mod import;
pub mod model;
pub mod pipeline;
pub mod render;
pub mod serve;
pub mod template;
pub mod values;
pub mod workspace;
pub mod yaml;
