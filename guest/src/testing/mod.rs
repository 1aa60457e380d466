//! In-memory capabilities for native tests of the rules.

mod memory_db;
mod recording_platform;
mod scripted_http;

pub use memory_db::MemoryDb;
pub use recording_platform::RecordingPlatform;
pub use scripted_http::ScriptedHttp;

#[cfg(test)]
mod conformance;
