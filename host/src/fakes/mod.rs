//! In-memory capabilities: the component runs against these in tests, and
//! any host without WHMCS can use them.

mod memory_db;
mod recording_platform;
mod scripted_http;

pub use memory_db::{MemoryDb, Table};
pub use recording_platform::RecordingPlatform;
pub use scripted_http::{Reply, ScriptedHttp};
