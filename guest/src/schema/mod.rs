//! The WHMCS and module tables the component reads and writes.

pub mod module_log;
pub mod module_tables;
pub mod settings;
