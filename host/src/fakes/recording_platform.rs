use crate::bindings::platform::{Error, ModuleLogEntry, SecretRef};
use crate::platform::PlatformBackend;
use std::sync::{Arc, Mutex, MutexGuard};

#[derive(Default)]
struct Records {
    module_log: Vec<ModuleLogEntry>,
    activity_log: Vec<(String, Option<i64>)>,
    local_api: Vec<(String, Vec<(String, String)>)>,
    decrypted: Vec<(String, String, i64)>,
}

/// WHMCS's platform functions as records: logs are kept (masked as WHMCS
/// masks them), decrypt answers `plain:<table>.<column>#<id>` and keeps the
/// reference, localAPI answers success.
#[derive(Clone, Default)]
pub struct RecordingPlatform {
    records: Arc<Mutex<Records>>,
}

impl RecordingPlatform {
    fn lock(&self) -> MutexGuard<'_, Records> {
        self.records
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Module log entries with their mask values already replaced by `***`.
    pub fn module_log(&self) -> Vec<ModuleLogEntry> {
        self.lock().module_log.clone()
    }

    /// The activity log lines, with their client ids.
    pub fn activity_log(&self) -> Vec<(String, Option<i64>)> {
        self.lock().activity_log.clone()
    }

    /// The localAPI commands run, with their parameters.
    pub fn local_api_calls(&self) -> Vec<(String, Vec<(String, String)>)> {
        self.lock().local_api.clone()
    }

    /// The cells decrypted: (table, column, id).
    pub fn decrypted(&self) -> Vec<(String, String, i64)> {
        self.lock().decrypted.clone()
    }
}

fn masked(text: &str, mask: &[String]) -> String {
    mask.iter()
        .filter(|m| !m.is_empty())
        .fold(text.to_string(), |acc, m| acc.replace(m.as_str(), "***"))
}

impl PlatformBackend for RecordingPlatform {
    fn decrypt(&mut self, secret: SecretRef) -> Result<String, Error> {
        let plain = format!("plain:{}.{}#{}", secret.table, secret.column, secret.id);
        self.lock()
            .decrypted
            .push((secret.table, secret.column, secret.id));
        Ok(plain)
    }

    fn module_log(&mut self, entry: ModuleLogEntry) {
        let stored = ModuleLogEntry {
            action: entry.action.clone(),
            request: masked(&entry.request, &entry.mask),
            response: masked(&entry.response, &entry.mask),
            processed: masked(&entry.processed, &entry.mask),
            mask: Vec::new(),
        };
        self.lock().module_log.push(stored);
    }

    fn activity_log(&mut self, message: String, client_id: Option<i64>) {
        self.lock().activity_log.push((message, client_id));
    }

    fn system_url(&mut self) -> String {
        "https://whmcs.example.test/".into()
    }

    fn local_api(
        &mut self,
        command: String,
        params: Vec<(String, String)>,
    ) -> Result<String, Error> {
        self.lock().local_api.push((command, params));
        Ok(r#"{"result":"success"}"#.into())
    }
}
