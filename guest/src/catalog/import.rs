//! The import as the admin and cron run it: settings, currency, catalogue,
//! target, then one transaction that makes WHMCS match (or, for a preview,
//! the same computation with nothing written).

use super::limits;
use super::preset::parse_preset_list;
use super::pricing::Currency;
use super::settings::ImportSettings;
use super::sync::{self, Changes};
use super::target::{self, Inputs};
use super::withdrawal;
use crate::api::{ApiClient, PresetsInfo, send};
use crate::capabilities::db::{OrderBy, Select, in_transaction};
use crate::capabilities::{Db, Http, Platform};
use crate::error::{ModuleError, ModuleResult};
use crate::schema::settings::Settings;
use rust_decimal::Decimal;
use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Writes the differences; options and prices only of products whose
    /// fingerprint changed.
    Apply,
    /// The same computation, nothing written.
    Preview,
    /// Writes the differences of everything, repairing edits made by hand.
    Full,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct ImportReport {
    pub dry_run: bool,
    pub changes: Changes,
    pub products_on_sale: u32,
    pub groups: u32,
    pub statements: u32,
    pub rows_written: u32,
    pub warnings: Vec<String>,
    /// A preview found that the run would take more than the set share of the
    /// products on sale off sale: the admin page offers the confirmation.
    pub large_withdrawal: bool,
    pub summary: String,
}

/// WHMCS's currencies, default first.
pub fn currencies(db: &mut dyn Db) -> ModuleResult<Vec<Currency>> {
    let mut select = Select::from("tblcurrencies", &["id", "code", "rate", "default"]);
    select.order = vec![OrderBy {
        column: "id".into(),
        descending: false,
    }];
    let rows = db.select(&select)?;
    let mut list: Vec<Currency> = (0..rows.len())
        .map(|i| Currency {
            id: rows.get(i, "id").as_int().unwrap_or(0),
            code: rows.get(i, "code").as_text().trim().to_ascii_uppercase(),
            rate: Decimal::from_str(rows.get(i, "rate").as_text().trim()).unwrap_or(Decimal::ONE),
            default: rows.get(i, "default").as_int() == Some(1),
        })
        .collect();
    if list.is_empty() {
        return Err(ModuleError::InvalidInput(
            "WHMCS has no currencies set up: add one under System Settings, Currencies.".into(),
        ));
    }
    if let Some(bad) = list.iter().find(|c| c.rate <= Decimal::ZERO) {
        return Err(ModuleError::InvalidInput(format!(
            "The WHMCS currency {} has no positive exchange rate.",
            bad.code
        )));
    }
    list.sort_by_key(|c| !c.default);
    Ok(list)
}

/// Which import settings apply: `import.ini` (given by PHP when the file
/// exists) or the admin page's rows, per the `importsource` setting.
fn import_settings(
    db: &mut dyn Db,
    source: &str,
    ini: Option<&str>,
    currencies: &[Currency],
) -> ModuleResult<ImportSettings> {
    match (source, ini) {
        ("ini", Some(text)) | ("auto", Some(text)) => ImportSettings::from_ini(text, currencies),
        ("ini", None) => Err(ModuleError::InvalidInput(
            "The import settings source is import.ini, but the file is missing or unreadable."
                .into(),
        )),
        _ => ImportSettings::load(db, currencies),
    }
}

/// Runs the import. `allow_withdrawal` is the admin's explicit confirmation
/// that this run may take more than the set share of the catalogue off sale
/// (`cron.php --allow-withdrawal`, the addon page's box; never the daily cron).
pub fn run(
    db: &mut dyn Db,
    http: &mut dyn Http,
    platform: &mut dyn Platform,
    mode: Mode,
    ini: Option<&str>,
    allow_withdrawal: bool,
) -> ModuleResult<ImportReport> {
    let settings = Settings::load(db)?;
    let currencies = currencies(db)?;
    let import = import_settings(db, &settings.import_source, ini, &currencies)?;
    limits::check_inputs(&import, &currencies)?;
    let mut warnings = Vec::new();

    let mut client = ApiClient::new(http, &mut *platform, &settings.api_url, &settings.api_key)?;
    let wanted = match client.client_info() {
        Ok(account) => currencies
            .iter()
            .find(|c| c.code == account.currency_code.to_ascii_uppercase())
            .cloned(),
        Err(error) => {
            warnings.push(format!("The reseller's currency could not be read ({error}); WHMCS's default currency is used."));
            None
        }
    };
    let reseller_currency = wanted.unwrap_or_else(|| currencies[0].clone());
    let answer = send(
        &mut client,
        &PresetsInfo {
            currency: reseller_currency.code.clone(),
        },
    )?;
    drop(client);
    let catalogue = parse_preset_list(&answer.presets).map_err(|e| {
        ModuleError::InvalidInput(format!("The HOSTKEY catalogue cannot be used: {e}."))
    })?;
    warnings.extend(catalogue.warnings);

    let inputs = Inputs {
        settings: &import,
        currencies: &currencies,
        reseller_currency: &reseller_currency,
        name_prefix: &settings.preset_name_prefix,
    };
    let mut target = target::build(&catalogue.presets, &inputs);
    limits::enforce(&mut target);
    warnings.extend(target.warnings.iter().cloned());

    let limit = settings.withdrawal_limit_percent;
    let mut large_withdrawal = false;
    let outcome = match mode {
        Mode::Preview => {
            let outcome = sync::sync(db, &target, &currencies, true, false)?;
            if let Some(excess) = withdrawal::excess(&outcome.changes, limit) {
                large_withdrawal = true;
                let confirmed = if allow_withdrawal {
                    "confirmed"
                } else {
                    "the import stops here unless confirmed"
                };
                warnings.push(format!("{excess} ({confirmed})."));
            }
            outcome
        }
        // The guard runs inside the transaction, so a refused run rolls back whole.
        Mode::Apply | Mode::Full => in_transaction(db, |db| {
            let outcome = sync::sync(db, &target, &currencies, false, mode == Mode::Full)?;
            match withdrawal::excess(&outcome.changes, limit) {
                Some(excess) if !allow_withdrawal => {
                    Err(ModuleError::Withdrawal(format!("{excess}.")))
                }
                _ => Ok(outcome),
            }
        })?,
    };
    let on_sale = target.products.iter().filter(|p| p.active).count() as u32;
    let groups = target
        .groups
        .iter()
        .filter(|g| {
            target
                .products
                .iter()
                .any(|p| p.active && p.group_name == g.name)
        })
        .count() as u32;
    let summary = match mode {
        Mode::Apply | Mode::Full => format!(
            "{on_sale} products in {groups} groups are now available; {} rows written.",
            outcome.rows_written
        ),
        Mode::Preview => format!(
            "The import would offer {on_sale} products in {groups} groups and write {} rows.",
            outcome.rows_written
        ),
    };
    Ok(ImportReport {
        dry_run: mode == Mode::Preview,
        changes: outcome.changes,
        products_on_sale: on_sale,
        groups,
        statements: outcome.statements,
        rows_written: outcome.rows_written,
        warnings,
        large_withdrawal,
        summary,
    })
}
