//! Rule types to WIT types.

use super::exports::hostkey::reseller::addon as waddon;
use super::exports::hostkey::reseller::callback as wcallback;
use super::hostkey::reseller::types as wtypes;
use crate::addon::config::{ConfigField, ConfigKind};
use crate::addon::view::{Action, AdminView, FieldKind, Level};
use crate::catalog::import::ImportReport;
use crate::catalog::run::Trigger;
use crate::error::ModuleError;

pub fn error(e: ModuleError) -> wtypes::Error {
    let sentence = e.to_string();
    if e.is_retryable() {
        return wtypes::Error::Retryable(sentence);
    }
    match e {
        ModuleError::InvalidInput(_)
        | ModuleError::Withdrawal(_)
        | ModuleError::Busy(_)
        | ModuleError::Unfinished(_) => wtypes::Error::InvalidInput(sentence),
        ModuleError::Api(crate::api::ApiError::BadUrl(_) | crate::api::ApiError::NoKey) => {
            wtypes::Error::InvalidInput(sentence)
        }
        ModuleError::Api(_) => wtypes::Error::Api(sentence),
        ModuleError::Database(_) => wtypes::Error::Database(sentence),
        ModuleError::Platform(_) => wtypes::Error::Platform(sentence),
    }
}

pub fn config_field(f: ConfigField) -> wtypes::ConfigField {
    wtypes::ConfigField {
        key: f.key.into(),
        friendly_name: f.friendly_name.into(),
        kind: match f.kind {
            ConfigKind::Text => wtypes::ConfigFieldKind::Text,
            ConfigKind::Password => wtypes::ConfigFieldKind::Password,
            ConfigKind::YesNo => wtypes::ConfigFieldKind::Yesno,
            ConfigKind::Dropdown => wtypes::ConfigFieldKind::Dropdown,
            ConfigKind::Radio => wtypes::ConfigFieldKind::Radio,
            ConfigKind::Textarea => wtypes::ConfigFieldKind::Textarea,
        },
        size: f.size,
        default: f.default,
        description: f.description.into(),
        options: f
            .options
            .into_iter()
            .map(|(v, l)| (v.into(), l.into()))
            .collect(),
    }
}

pub fn admin_action(action: waddon::AdminAction) -> Action {
    match action {
        waddon::AdminAction::View => Action::View,
        waddon::AdminAction::SaveSettings => Action::SaveSettings,
        waddon::AdminAction::ImportPreview => Action::ImportPreview,
        waddon::AdminAction::Import => Action::Import,
        waddon::AdminAction::ImportFull => Action::ImportFull,
        waddon::AdminAction::Clear => Action::Clear,
        waddon::AdminAction::Margins => Action::Margins,
        waddon::AdminAction::RepricePreview => Action::RepricePreview,
        waddon::AdminAction::RepriceApply => Action::RepriceApply,
    }
}

fn wit_admin_action(action: Action) -> waddon::AdminAction {
    match action {
        Action::View => waddon::AdminAction::View,
        Action::SaveSettings => waddon::AdminAction::SaveSettings,
        Action::ImportPreview => waddon::AdminAction::ImportPreview,
        Action::Import => waddon::AdminAction::Import,
        Action::ImportFull => waddon::AdminAction::ImportFull,
        Action::Clear => waddon::AdminAction::Clear,
        Action::Margins => waddon::AdminAction::Margins,
        Action::RepricePreview => waddon::AdminAction::RepricePreview,
        Action::RepriceApply => waddon::AdminAction::RepriceApply,
    }
}

fn level(level: Level) -> wtypes::NoticeLevel {
    match level {
        Level::Success => wtypes::NoticeLevel::Success,
        Level::Info => wtypes::NoticeLevel::Info,
        Level::Warning => wtypes::NoticeLevel::Warning,
        Level::Error => wtypes::NoticeLevel::Error,
    }
}

pub fn admin_view(view: AdminView) -> waddon::AdminView {
    waddon::AdminView {
        title: view.title,
        notices: view
            .notices
            .into_iter()
            .map(|(l, text)| wtypes::Notice {
                level: level(l),
                text,
            })
            .collect(),
        fields: view
            .fields
            .into_iter()
            .map(|(label, value)| wtypes::Field { label, value })
            .collect(),
        forms: view
            .forms
            .into_iter()
            .map(|form| waddon::Form {
                action: wit_admin_action(form.action),
                fields: form
                    .fields
                    .into_iter()
                    .map(|f| waddon::FormField {
                        name: f.name,
                        label: f.label,
                        value: match f.kind {
                            FieldKind::Text => waddon::FieldValue::Text(f.value),
                            FieldKind::YesNo => waddon::FieldValue::YesNo(!f.value.is_empty()),
                            FieldKind::Select => waddon::FieldValue::Select(f.value),
                        },
                        choices: f
                            .choices
                            .into_iter()
                            .map(|(value, label)| waddon::Choice { value, label })
                            .collect(),
                    })
                    .collect(),
            })
            .collect(),
        tables: view
            .tables
            .into_iter()
            .map(|t| waddon::Table {
                title: t.title,
                header: t.header,
                rows: t.rows,
            })
            .collect(),
        margins: view.margins.map(super::margins_view::convert),
    }
}

pub fn trigger(trigger: waddon::ImportTrigger) -> Trigger {
    match trigger {
        waddon::ImportTrigger::Scheduled => Trigger::Scheduled,
        waddon::ImportTrigger::Manual => Trigger::Manual,
        waddon::ImportTrigger::ManualAllowingWithdrawal => Trigger::ManualAllowingWithdrawal,
    }
}

pub fn import_report(report: ImportReport, duration_ms: u64) -> waddon::ImportReport {
    let changes = report.changes;
    waddon::ImportReport {
        dry_run: report.dry_run,
        groups_created: changes.groups_created,
        groups_hidden: changes.groups_hidden,
        products_created: changes.products_created,
        products_updated: changes.products_updated,
        products_retired: changes.products_retired,
        products_hidden: changes.products_hidden,
        options_removed: changes.options_removed,
        options_hidden: changes.options_hidden,
        prices_changed: changes.prices_changed,
        products_on_sale: report.products_on_sale,
        rows_written: report.rows_written,
        statements: report.statements,
        duration_ms,
        warnings: report.warnings,
        changes: changes
            .lines
            .into_iter()
            .map(|[what, before, after]| waddon::Change {
                what,
                before,
                after,
            })
            .collect(),
        summary: report.summary,
    }
}

pub fn callback_request(
    request: &wcallback::CallbackRequest,
) -> crate::callback::post_install::Request<'_> {
    use crate::callback::post_install::{Method, Request};
    Request {
        method: match &request.method {
            wcallback::RequestMethod::Get => Method::Get,
            wcallback::RequestMethod::Post => Method::Post,
            wcallback::RequestMethod::Other(m) => Method::Other(m.clone()),
        },
        headers: &request.headers,
        params: &request.params,
    }
}

/// A WHMCS service status as the contract's `service-status`.
pub fn service_status(status: crate::orders::terms::ServiceStatus) -> wtypes::ServiceStatus {
    use crate::orders::terms::ServiceStatus as S;
    match status {
        S::Pending => wtypes::ServiceStatus::Pending,
        S::Active => wtypes::ServiceStatus::Active,
        S::Suspended => wtypes::ServiceStatus::Suspended,
        S::Terminated => wtypes::ServiceStatus::Terminated,
        S::Cancelled => wtypes::ServiceStatus::Cancelled,
        S::Fraud => wtypes::ServiceStatus::Fraud,
        S::Completed => wtypes::ServiceStatus::Completed,
    }
}

pub fn verdict(v: crate::callback::post_install::Verdict) -> wcallback::CallbackResult {
    use crate::callback::post_install::Verdict;
    match v {
        Verdict::Ok => wcallback::CallbackResult::Ok,
        Verdict::Waiting => wcallback::CallbackResult::Waiting,
        Verdict::Ended => wcallback::CallbackResult::Ended,
        Verdict::Error => wcallback::CallbackResult::Error,
    }
}
