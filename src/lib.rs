//! zongjie (总结): writes a county bureau's periodic work report from data files.
pub mod archive;
pub mod catalog;
pub mod data;
pub mod document;
pub mod error;
pub mod figures;
pub mod period;
pub mod pipeline;
pub mod render;
pub mod review;
pub mod scaffold;
pub mod sheets;
pub mod template;
pub mod workspace;
pub mod yaml;
