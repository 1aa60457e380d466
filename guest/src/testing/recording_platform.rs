use crate::capabilities::Platform;
use crate::capabilities::platform::{ModuleLogEntry, PlatformError, SecretRef};

/// Keeps what the rules log and answers like a WHMCS with defaults.
#[derive(Debug, Default)]
pub struct RecordingPlatform {
    pub module_log: Vec<ModuleLogEntry>,
    pub activity_log: Vec<(String, Option<i64>)>,
}

impl RecordingPlatform {
    /// Everything logged, as one text, to search for secrets.
    pub fn all_logged_text(&self) -> String {
        let mut text = String::new();
        for e in &self.module_log {
            text.push_str(&format!(
                "{} {} {} {}\n",
                e.action, e.request, e.response, e.processed
            ));
        }
        for (message, _) in &self.activity_log {
            text.push_str(message);
        }
        text
    }
}

impl Platform for RecordingPlatform {
    fn decrypt(&mut self, secret: &SecretRef) -> Result<String, PlatformError> {
        Ok(format!("{}.{}#{}", secret.table, secret.column, secret.id))
    }

    fn module_log(&mut self, entry: ModuleLogEntry) {
        self.module_log.push(entry);
    }

    fn activity_log(&mut self, message: &str, client_id: Option<i64>) {
        self.activity_log.push((message.to_string(), client_id));
    }

    fn system_url(&mut self) -> String {
        "https://whmcs.example.test/".into()
    }

    fn local_api(
        &mut self,
        _command: &str,
        _params: &[(String, String)],
    ) -> Result<String, PlatformError> {
        Ok(r#"{"result":"success"}"#.into())
    }
}
