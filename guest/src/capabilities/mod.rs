//! The component's only ways to reach the world, as small traits: the WIT
//! imports implement them in the component, in-memory fakes in tests.

pub mod db;
pub mod http;
pub mod platform;

pub use db::Db;
pub use http::Http;
pub use platform::Platform;
