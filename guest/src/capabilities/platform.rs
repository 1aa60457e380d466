//! What only WHMCS can do (the `platform` interface).

#[derive(Debug, Clone, PartialEq, Default)]
pub struct ModuleLogEntry {
    pub action: String,
    pub request: String,
    pub response: String,
    pub processed: String,
    /// Secret values WHMCS scrubs from the entry.
    pub mask: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{0}")]
pub struct PlatformError(pub String);

/// The cell an encrypted value is stored in (the contract's `secret-ref`):
/// the host decrypts only cells that `grants.json` lists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecretRef {
    pub table: String,
    pub column: String,
    pub id: i64,
}

pub trait Platform {
    fn decrypt(&mut self, secret: &SecretRef) -> Result<String, PlatformError>;
    fn module_log(&mut self, entry: ModuleLogEntry);
    /// `client_id`: the client the line is about, if any.
    fn activity_log(&mut self, message: &str, client_id: Option<i64>);
    fn system_url(&mut self) -> String;
    fn local_api(
        &mut self,
        command: &str,
        params: &[(String, String)],
    ) -> Result<String, PlatformError>;
}
