//! `platform` import: WHMCS's own functions, supplied by the embedder.

use crate::bindings::platform::{self, Error, ModuleLogEntry};
use crate::state::HostState;

pub trait PlatformBackend: Send {
    fn decrypt(&mut self, ciphertext: String) -> Result<String, Error>;
    fn module_log(&mut self, entry: ModuleLogEntry);
    fn activity_log(&mut self, message: String, client_id: i64);
    fn system_url(&mut self) -> String;
    fn local_api(
        &mut self,
        command: String,
        params: Vec<(String, String)>,
    ) -> Result<String, Error>;
}

impl platform::Host for HostState {
    fn decrypt(&mut self, ciphertext: String) -> wasmtime::Result<Result<String, Error>> {
        Ok(self.platform.decrypt(ciphertext))
    }

    fn module_log(&mut self, entry: ModuleLogEntry) -> wasmtime::Result<()> {
        self.platform.module_log(entry);
        Ok(())
    }

    fn activity_log(&mut self, message: String, client_id: i64) -> wasmtime::Result<()> {
        self.platform.activity_log(message, client_id);
        Ok(())
    }

    fn system_url(&mut self) -> wasmtime::Result<String> {
        Ok(self.platform.system_url())
    }

    fn local_api(
        &mut self,
        command: String,
        params: Vec<(String, String)>,
    ) -> wasmtime::Result<Result<String, Error>> {
        Ok(self.platform.local_api(command, params))
    }
}
