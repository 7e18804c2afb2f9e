//! zongjie (总结): writes a county bureau's periodic work report from data files.
pub mod error;
pub mod period;
pub mod yaml;
pub mod catalog;
pub mod data;
pub mod figures;
pub mod template;
pub mod document;
pub mod render;
pub mod workspace;
pub mod archive;
pub mod pipeline;
