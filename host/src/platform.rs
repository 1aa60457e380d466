//! `platform` import: WHMCS's own functions, supplied by the embedder, after
//! the grants' checks (decryptable cells, localAPI commands).

pub use crate::backends::PlatformBackend;
use crate::bindings::platform::{self, Error, ModuleLogEntry, SecretRef};
use crate::policy;
use crate::policy::rows::RowScope;
use crate::state::HostState;

fn refused(error: policy::PolicyError) -> Error {
    Error::Failed(error.to_string())
}

impl platform::Host for HostState {
    fn decrypt(&mut self, secret: SecretRef) -> wasmtime::Result<Result<String, Error>> {
        let allowed = policy::grants()
            .and_then(|g| {
                g.check_decrypt(&secret.table, &secret.column)?;
                RowScope::new(g, self.db.as_mut(), &mut self.scopes).decrypt(
                    &secret.table,
                    &secret.column,
                    secret.id,
                )
            })
            .map_err(refused);
        Ok(allowed.and_then(|()| self.platform.decrypt(secret)))
    }

    fn module_log(&mut self, entry: ModuleLogEntry) -> wasmtime::Result<()> {
        self.platform.module_log(entry);
        Ok(())
    }

    fn activity_log(&mut self, message: String, client_id: Option<i64>) -> wasmtime::Result<()> {
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
        let allowed = policy::grants()
            .and_then(|g| {
                g.check_local_api(&command)?;
                RowScope::new(g, self.db.as_mut(), &mut self.scopes).local_api(&command, &params)
            })
            .map_err(refused);
        let answer = allowed.and_then(|()| self.platform.local_api(command, params));
        // WHMCS's own API may change the rows a scope holds.
        self.scopes.clear();
        Ok(answer)
    }
}
