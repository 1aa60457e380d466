//! Each export forwards to its rule; exports whose issue has not landed say so.

use super::Component;
use super::capabilities::{WitDb, WitHttp, WitPlatform};
use super::convert::{config_field, error, not_implemented};
use super::exports::hostkey::reseller::{addon, callback, cron, hooks, provisioning};
use super::hostkey::reseller::types::{Button, ConfigField, Error, Field, Server, ServiceParams};
use crate::provisioning::test_connection::ServerParams;
use crate::{addon as rules_addon, provisioning as rules_provisioning};

impl provisioning::Guest for Component {
    fn meta_data() -> provisioning::ModuleMeta {
        let meta = rules_provisioning::meta::meta();
        provisioning::ModuleMeta {
            display_name: meta.display_name.into(),
            api_version: meta.api_version.into(),
            requires_server: meta.requires_server,
            service_single_sign_on_label: None,
            admin_single_sign_on_label: None,
        }
    }

    fn config_options() -> Vec<ConfigField> {
        rules_provisioning::meta::config_options()
            .into_iter()
            .map(config_field)
            .collect()
    }

    fn test_connection(server: Option<Server>) -> Result<provisioning::ConnectionReport, Error> {
        #[cfg(feature = "sandbox-probes")]
        if let Some(outcome) = server.as_ref().and_then(super::probes::run) {
            return outcome;
        }
        let server = server.map(|s| ServerParams {
            hostname: s.hostname,
            ip_address: s.ip_address,
            password: s.password,
            secure: s.secure,
            port: s.port,
        });
        let report = rules_provisioning::test_connection::test_connection(
            &mut WitDb,
            &mut WitHttp,
            &mut WitPlatform,
            server.as_ref(),
        )
        .map_err(error)?;
        Ok(provisioning::ConnectionReport {
            api_url: report.api_url,
            account_email: report.account_email,
            currency_code: report.currency_code,
            summary: report.summary,
        })
    }

    fn create(_: ServiceParams) -> Result<(), Error> {
        not_implemented("Creating a server")
    }

    fn suspend(_: ServiceParams) -> Result<(), Error> {
        not_implemented("Suspending a server")
    }

    fn unsuspend(_: ServiceParams) -> Result<(), Error> {
        not_implemented("Unsuspending a server")
    }

    fn terminate(_: ServiceParams) -> Result<(), Error> {
        not_implemented("Terminating a server")
    }

    fn renew(_: ServiceParams) -> Result<(), Error> {
        not_implemented("Renewing a server")
    }

    fn change_password(_: ServiceParams) -> Result<(), Error> {
        not_implemented("Changing a server's password")
    }

    fn client_area(_: ServiceParams) -> Result<provisioning::ClientAreaView, Error> {
        not_implemented("The client area")
    }

    fn admin_buttons() -> Vec<Button> {
        Vec::new()
    }

    fn client_buttons() -> Vec<Button> {
        Vec::new()
    }

    fn admin_action(_: String, _: ServiceParams) -> Result<(), Error> {
        not_implemented("Admin actions")
    }

    fn client_action(_: String, _: ServiceParams) -> Result<(), Error> {
        not_implemented("Client actions")
    }

    fn service_tab_fields(_: ServiceParams) -> Result<Vec<Field>, Error> {
        not_implemented("The service tab")
    }

    fn single_sign_on(_: ServiceParams) -> Result<String, Error> {
        not_implemented("Single sign-on")
    }
}

impl hooks::Guest for Component {
    fn invoice_paid(_: i64) -> Result<hooks::HookReport, Error> {
        not_implemented("Ordering servers when an invoice is paid")
    }

    fn cancellation_request(
        _: i64,
        _: hooks::CancellationKind,
        _: String,
    ) -> Result<hooks::HookReport, Error> {
        not_implemented("Passing cancellations to HOSTKEY")
    }

    fn service_delete(_: i64) -> Result<hooks::HookReport, Error> {
        not_implemented("Passing service deletions to HOSTKEY")
    }

    fn validate_checkout(_: Vec<hooks::CartItem>) -> Result<Vec<String>, Error> {
        not_implemented("Checkout validation")
    }
}

impl addon::Guest for Component {
    fn config() -> addon::AddonConfig {
        let config = rules_addon::config::addon_config();
        addon::AddonConfig {
            name: config.name.into(),
            description: config.description.into(),
            version: config.version.into(),
            author: config.author.into(),
            fields: config.fields.into_iter().map(config_field).collect(),
        }
    }

    fn activate() -> Result<addon::ActivationReport, Error> {
        let report = rules_addon::activate::activate(&mut WitDb).map_err(error)?;
        Ok(addon::ActivationReport {
            tables_created: report.tables_created,
            rows_seeded: report.rows_seeded,
            summary: report.summary,
        })
    }

    fn deactivate() -> Result<String, Error> {
        Ok(rules_addon::activate::deactivate())
    }

    fn upgrade(_: String) -> Result<String, Error> {
        not_implemented("Upgrading from an earlier version")
    }

    fn admin_page(_: addon::AdminRequest) -> Result<addon::AdminView, Error> {
        not_implemented("The admin page")
    }

    fn import() -> Result<addon::ImportReport, Error> {
        not_implemented("The catalogue import")
    }

    fn import_preview() -> Result<addon::ImportReport, Error> {
        not_implemented("The import preview")
    }

    fn clear() -> Result<addon::ClearReport, Error> {
        not_implemented("Removing the imported catalogue")
    }
}

impl cron::Guest for Component {
    fn sync() -> Result<addon::ImportReport, Error> {
        not_implemented("The price sync")
    }
}

impl callback::Guest for Component {
    fn post_install(_: callback::CallbackRequest) -> Result<callback::CallbackResponse, Error> {
        not_implemented("The post-install callback")
    }
}
