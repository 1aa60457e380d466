//! The server module: metadata, product settings and the connection test.

pub mod meta;
pub mod test_connection;
