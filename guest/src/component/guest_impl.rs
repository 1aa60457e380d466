//! Each export forwards to its rule and converts its answer; no rule here.

use super::Component;
use super::capabilities::{WitDb, WitHttp, WitPlatform};
use super::convert::{self, config_field, error};
use super::exports::hostkey::reseller::{addon, callback, cron, hooks, provisioning};
use super::hostkey::reseller::types::{ConfigField, Error, Field, Server, ServiceParams};
use super::server_views;
use crate::catalog::run::Kind;
use crate::orders::client_area::Template;
use crate::provisioning::test_connection::ServerParams;
use crate::servers::hold::Change;
use crate::{addon as rules_addon, provisioning as rules_provisioning};

impl provisioning::Guest for Component {
    fn meta_data() -> provisioning::ModuleMeta {
        let meta = rules_provisioning::meta::meta();
        provisioning::ModuleMeta {
            display_name: meta.display_name.into(),
            api_version: meta.api_version.into(),
            requires_server: meta.requires_server,
            service_single_sign_on_label: Some("Open control panel".into()),
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

    fn create(params: ServiceParams) -> Result<(), Error> {
        crate::orders::create::create(
            &mut WitDb,
            &mut WitHttp,
            &mut WitPlatform,
            params.service.id,
            now_unix(),
        )
        .map(|_| ())
        .map_err(error)
    }

    fn suspend(params: ServiceParams) -> Result<String, Error> {
        hold(params.service.id, Change::Suspend)
    }

    fn unsuspend(params: ServiceParams) -> Result<String, Error> {
        hold(params.service.id, Change::Unsuspend)
    }

    fn terminate(params: ServiceParams) -> Result<String, Error> {
        hold(params.service.id, Change::Terminate)
    }

    fn client_area(params: ServiceParams) -> Result<provisioning::ClientAreaView, Error> {
        let page = crate::servers::page::page(
            &mut WitDb,
            &mut WitHttp,
            &mut WitPlatform,
            params.service.id,
            now_unix(),
        )
        .map_err(error)?;
        let view = page.view;
        Ok(provisioning::ClientAreaView {
            template: match view.template {
                Template::ClientArea => provisioning::ClientAreaTemplate::Clientarea,
                Template::Error => provisioning::ClientAreaTemplate::Error,
            },
            being_set_up: view.being_set_up,
            status_text: view.status_text().to_string(),
            status: view.status.map(convert::service_status),
            server: server_views::state(page.server),
            actions: page.actions.into_iter().map(server_views::button).collect(),
            os_choices: page
                .os_choices
                .into_iter()
                .map(|c| provisioning::OsChoice {
                    id: c.id,
                    name: c.name,
                })
                .collect(),
            facts: view
                .fields
                .into_iter()
                .map(|(label, value)| Field { label, value })
                .collect(),
            single_sign_on: page.single_sign_on,
            error: view.error,
        })
    }

    fn admin_buttons(params: ServiceParams) -> Result<Vec<provisioning::ActionButton>, Error> {
        let buttons = crate::servers::tab::buttons(&mut WitDb, params.service.id).map_err(error)?;
        Ok(buttons.into_iter().map(server_views::button).collect())
    }

    fn run_action(
        params: ServiceParams,
        requester: provisioning::Requester,
        request: provisioning::ActionRequest,
    ) -> Result<provisioning::ActionOutcome, Error> {
        let cx = crate::servers::actions::Context {
            db: &mut WitDb,
            http: &mut WitHttp,
            platform: &mut WitPlatform,
            now_unix: now_unix(),
        };
        let request = server_views::request(request).map_err(error)?;
        crate::servers::actions::run(
            cx,
            params.service.id,
            server_views::requester(requester),
            request,
        )
        .map(server_views::outcome)
        .map_err(error)
    }

    fn service_tab_fields(params: ServiceParams) -> Result<Vec<Field>, Error> {
        let fields = crate::servers::tab::fields(
            &mut WitDb,
            &mut WitHttp,
            &mut WitPlatform,
            params.service.id,
        )
        .map_err(error)?;
        Ok(fields
            .into_iter()
            .map(|(label, value)| Field { label, value })
            .collect())
    }

    fn service_tab_save(params: ServiceParams, server_id: i64) -> Result<String, Error> {
        crate::servers::tab::save(
            &mut WitDb,
            &mut WitHttp,
            &mut WitPlatform,
            params.service.id,
            server_id,
            now_unix(),
        )
        .map_err(error)
    }

    fn single_sign_on(
        params: ServiceParams,
        requester: provisioning::Requester,
    ) -> Result<String, Error> {
        crate::servers::sso::single_sign_on(
            &mut WitDb,
            &mut WitHttp,
            &mut WitPlatform,
            params.service.id,
            server_views::requester(requester),
        )
        .map_err(error)
    }
}

/// Suspend, unsuspend or terminate one service's server.
fn hold(service_id: i64, change: Change) -> Result<String, Error> {
    let cx = crate::servers::actions::Context {
        db: &mut WitDb,
        http: &mut WitHttp,
        platform: &mut WitPlatform,
        now_unix: now_unix(),
    };
    crate::servers::hold::apply(cx, service_id, change).map_err(error)
}

impl hooks::Guest for Component {
    fn invoice_paid(invoice_id: i64) -> Result<hooks::HookReport, Error> {
        let now = crate::orders::invoice_paid::Now {
            unix: now_unix(),
            random: random_bytes(),
        };
        let report = crate::orders::invoice_paid::invoice_paid(
            &mut WitDb,
            &mut WitHttp,
            &mut WitPlatform,
            invoice_id,
            now,
        )
        .map_err(error)?;
        Ok(hooks::HookReport {
            lines: report.lines,
            service_ids: report.services,
        })
    }

    fn cancellation_request(
        service_id: i64,
        kind: hooks::CancellationKind,
        reason: String,
    ) -> Result<hooks::HookReport, Error> {
        let kind = match kind {
            hooks::CancellationKind::Immediate => crate::orders::cancel::Kind::Immediate,
            hooks::CancellationKind::EndOfBillingPeriod => {
                crate::orders::cancel::Kind::EndOfBillingPeriod
            }
        };
        cancellation(service_id, kind, &reason)
    }

    fn service_delete(service_id: i64) -> Result<hooks::HookReport, Error> {
        cancellation(
            service_id,
            crate::orders::cancel::Kind::Immediate,
            "Due to server deletion",
        )
    }

    fn validate_checkout(items: Vec<hooks::CartItem>) -> Result<Vec<String>, Error> {
        let items: Vec<(i64, Option<String>)> = items
            .into_iter()
            .map(|i| (i.product_id, i.password))
            .collect();
        crate::orders::checkout::validate(&mut WitDb, &items).map_err(|e| error(e.into()))
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

    fn upgrade(from_version: String) -> Result<String, Error> {
        rules_addon::activate::upgrade(&mut WitDb, &from_version).map_err(error)
    }

    fn admin_page(request: addon::AdminRequest) -> Result<addon::AdminView, Error> {
        let rules_request = rules_addon::admin_page::AdminRequest {
            action: convert::admin_action(request.action),
            form: &request.form,
            ini: request.ini.as_deref(),
        };
        let view = rules_addon::admin_page::page(
            &mut WitDb,
            &mut WitHttp,
            &mut WitPlatform,
            rules_request,
            now_unix(),
        )
        .map_err(error)?;
        Ok(convert::admin_view(view))
    }

    fn import(source: addon::ImportSource) -> Result<addon::ImportReport, Error> {
        run_import(Kind::Import, source)
    }

    fn import_preview(source: addon::ImportSource) -> Result<addon::ImportReport, Error> {
        run_import(Kind::Preview, source)
    }

    fn clear() -> Result<addon::ClearReport, Error> {
        let report = crate::catalog::run::remove_all(&mut WitDb, now_unix()).map_err(error)?;
        Ok(addon::ClearReport {
            products_deleted: report.products_deleted,
            products_retired: report.products_retired,
            groups_deleted: report.groups_deleted,
            summary: report.summary,
        })
    }
}

fn now_unix() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(0))
}

/// Runs an import as `catalog::run` decides and converts the report.
fn run_import(kind: Kind, source: addon::ImportSource) -> Result<addon::ImportReport, Error> {
    let started = std::time::Instant::now();
    let report = crate::catalog::run::run(
        &mut WitDb,
        &mut WitHttp,
        &mut WitPlatform,
        kind,
        convert::trigger(source.trigger),
        source.ini.as_deref(),
        now_unix(),
    )
    .map_err(error)?;
    let duration_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
    Ok(convert::import_report(report, duration_ms))
}

impl cron::Guest for Component {
    fn sync(source: addon::ImportSource) -> Result<addon::ImportReport, Error> {
        run_import(Kind::CronSync, source)
    }

    fn sync_server_status(deadline_ms: u32, daily: bool) -> Result<String, Error> {
        let started = std::time::Instant::now();
        // Waiting orders first: one linked now is read by the status sync.
        let now = crate::orders::invoice_paid::Now {
            unix: now_unix(),
            random: random_bytes(),
        };
        let mut elapsed = || u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
        // One API session and one clock for the whole call.
        let mut session = crate::api::Handoff::default();
        let followed = crate::orders::follow::follow_orders(
            &mut WitDb,
            &mut WitHttp,
            &mut WitPlatform,
            now,
            crate::orders::follow::Shared {
                session: &mut session,
                deadline_ms,
                elapsed_ms: &mut elapsed,
            },
        );
        let status = crate::sync::slice::run(
            crate::sync::slice::Run {
                db: &mut WitDb,
                http: &mut WitHttp,
                platform: &mut WitPlatform,
                elapsed_ms: &mut elapsed,
                session: &mut session,
            },
            crate::sync::slice::Request {
                deadline_ms,
                daily,
                now_unix: now_unix(),
            },
        )
        .map_err(error)?;
        Ok(match followed {
            Ok(line) if line.is_empty() => status,
            Ok(line) => format!("{line} {status}"),
            Err(e) => format!("{status} The waiting orders could not be followed: {e}"),
        })
    }
}

impl callback::Guest for Component {
    fn post_install(
        request: callback::CallbackRequest,
    ) -> Result<callback::CallbackResponse, Error> {
        let answer = crate::callback::post_install::post_install(
            &mut WitDb,
            &mut WitHttp,
            &mut WitPlatform,
            &convert::callback_request(&request),
            now_unix(),
        )
        .map_err(error)?;
        Ok(callback::CallbackResponse {
            status: answer.status,
            verdict: convert::verdict(answer.verdict),
            message: answer.message,
        })
    }
}

/// Fresh randomness from WASI (the callback secret, created once).
fn random_bytes() -> [u8; 32] {
    let mut bytes = [0u8; 32];
    // Without randomness the secret would be predictable: a failure traps.
    if getrandom::fill(&mut bytes).is_err() {
        panic!("WASI gave no randomness");
    }
    bytes
}

/// A cancellation passed on for one service of this module (others are ignored).
fn cancellation(
    service_id: i64,
    kind: crate::orders::cancel::Kind,
    reason: &str,
) -> Result<hooks::HookReport, Error> {
    let line = crate::orders::cancel::on_request(
        &mut WitDb,
        &mut WitHttp,
        &mut WitPlatform,
        service_id,
        kind,
        reason,
        now_unix(),
    )
    .map_err(error)?;
    Ok(hooks::HookReport {
        lines: vec![line],
        service_ids: vec![service_id],
    })
}
