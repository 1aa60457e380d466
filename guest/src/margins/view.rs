//! The Margins view as data: rows worst first, totals per group and
//! overall, rows under the threshold marked, the reseller-balance facts
//! that can be known. PHP renders it escaped and writes its CSV.

use super::money::{percent, shown};
use super::report::{Book, Line};
use crate::capabilities::Db;
use crate::capabilities::db::{Condition, Select, Value};
use crate::catalog::group::ServerGroup;
use crate::error::ModuleResult;
use crate::schema::settings::MODULE;
use rust_decimal::Decimal;
use std::str::FromStr;

/// The addon setting of the threshold, in percent.
pub const THRESHOLD_SETTING: &str = "marginthreshold";

/// The threshold when the setting is empty: a loss is marked, a thin margin is not.
pub const DEFAULT_THRESHOLD: Decimal = Decimal::ZERO;

/// Days ahead the page sums the HOSTKEY renewals for.
pub const DUE_DAYS: i64 = 14;

/// One service's row; money in the default currency per month.
#[derive(Debug, Clone, PartialEq)]
pub struct MarginRow {
    pub service_id: i64,
    pub client: String,
    pub server: String,
    pub group: String,
    pub product: String,
    pub status: String,
    pub cycle: String,
    pub income: String,
    pub cost: String,
    /// `exact`, `estimated`, or empty when no cost is shown.
    pub basis: String,
    pub margin: String,
    pub percent: String,
    pub under_threshold: bool,
    /// Why no margin is shown; empty when it is.
    pub reason: String,
}

/// The sums of one group (or of all, `Overall`).
#[derive(Debug, Clone, PartialEq)]
pub struct MarginTotal {
    pub group: String,
    pub services: u32,
    pub income: String,
    pub cost: String,
    pub margin: String,
    pub percent: String,
}

/// One service's repricing: what it pays and what its product costs now.
#[derive(Debug, Clone, PartialEq)]
pub struct RepriceLine {
    pub service_id: i64,
    pub client: String,
    pub product: String,
    pub cycle: String,
    pub currency: String,
    pub current: String,
    pub proposed: String,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct MarginsView {
    /// The default currency's code: every amount of rows and totals is in it.
    pub currency: String,
    /// The threshold in percent, as used.
    pub threshold: String,
    pub rows: Vec<MarginRow>,
    pub totals: Vec<MarginTotal>,
    /// Sentences under the table: the balance, renewals due, what is left out.
    pub notes: Vec<String>,
    /// A repricing preview (or what was applied); empty otherwise.
    pub reprice: Vec<RepriceLine>,
}

/// The threshold setting; a value that is not a percentage is 0 and says so.
pub fn threshold(db: &mut dyn Db) -> ModuleResult<(Decimal, Option<String>)> {
    let rows = db.select(
        &Select::from("tbladdonmodules", &["value"])
            .filter(Condition::eq("module", Value::text(MODULE)))
            .filter(Condition::eq("setting", Value::text(THRESHOLD_SETTING))),
    )?;
    let text = if rows.is_empty() {
        String::new()
    } else {
        rows.get(0, "value").as_text()
    };
    let text = text.trim().trim_end_matches('%').trim();
    if text.is_empty() {
        return Ok((DEFAULT_THRESHOLD, None));
    }
    Ok(match Decimal::from_str(text) {
        Ok(value) if value.abs() <= Decimal::from(1000) => (value, None),
        _ => (
            Decimal::ZERO,
            Some(format!(
                "The margin threshold \"{text}\" is not a percentage, so 0 % is used; correct it in the addon settings."
            )),
        ),
    })
}

pub fn group_title(group: Option<ServerGroup>) -> &'static str {
    match group {
        Some(ServerGroup::Vps) => "VPS",
        Some(ServerGroup::Bm) => "Bare metal",
        Some(ServerGroup::Gpu) => "GPU",
        None => "Other",
    }
}

/// Whether a line is under the threshold (a shown margin only).
pub fn under(line: &Line, threshold: Decimal) -> bool {
    match (line.margin(), line.percent()) {
        (Some(_), Some(p)) => p < threshold,
        // No income: any cost is a loss.
        (Some(m), None) => m < Decimal::ZERO || threshold > Decimal::ZERO,
        _ => false,
    }
}

/// Worst first: the lowest margin share, then services without a shown
/// margin (they need a look, not a ranking), by service id.
fn order(lines: &mut [Line]) {
    let key = |l: &Line| {
        let shown = l.margin().is_some();
        let share = l.percent().unwrap_or(Decimal::MIN);
        (!shown, share, l.service_id)
    };
    lines.sort_by_key(key);
}

fn row(line: &Line, threshold: Decimal) -> MarginRow {
    let money = |d: Option<Decimal>| d.map(shown).unwrap_or_default();
    MarginRow {
        service_id: line.service_id,
        client: line.client.clone(),
        server: line.server.clone(),
        group: group_title(line.group).into(),
        product: line.product.clone(),
        status: line.status.clone(),
        cycle: line.cycle.clone(),
        income: money(line.income.filter(|_| line.reason.is_none())),
        cost: money(line.cost.map(|c| c.0)),
        basis: line.cost.map(|c| c.1.key()).unwrap_or_default().into(),
        margin: money(line.margin()),
        percent: line.percent().map(percent).unwrap_or_default(),
        under_threshold: under(line, threshold),
        reason: line.reason.clone().unwrap_or_default(),
    }
}

fn total(group: &str, lines: &[&Line]) -> MarginTotal {
    let counted: Vec<&&Line> = lines.iter().filter(|l| l.margin().is_some()).collect();
    let income: Decimal = counted.iter().filter_map(|l| l.income).sum();
    let cost: Decimal = counted.iter().filter_map(|l| l.cost.map(|c| c.0)).sum();
    let margin = income - cost;
    MarginTotal {
        group: group.into(),
        services: u32::try_from(counted.len()).unwrap_or(u32::MAX),
        income: shown(income),
        cost: shown(cost),
        margin: shown(margin),
        percent: if income.is_zero() {
            String::new()
        } else {
            percent(margin / income * Decimal::ONE_HUNDRED)
        },
    }
}

/// The view of a book; `today` is `YYYY-MM-DD`, `due_until` the last day of
/// the renewals window.
pub fn build(mut book: Book, threshold: Decimal, today: &str, due_until: &str) -> MarginsView {
    order(&mut book.lines);
    let rows = book.lines.iter().map(|l| row(l, threshold)).collect();
    let mut totals = Vec::new();
    for group in [
        Some(ServerGroup::Vps),
        Some(ServerGroup::Bm),
        Some(ServerGroup::Gpu),
        None,
    ] {
        let lines: Vec<&Line> = book.lines.iter().filter(|l| l.group == group).collect();
        if !lines.is_empty() {
            totals.push(total(group_title(group), &lines));
        }
    }
    totals.push(total("Overall", &book.lines.iter().collect::<Vec<_>>()));
    let mut notes = Vec::new();
    let left_out = book.lines.iter().filter(|l| l.margin().is_none()).count();
    if left_out > 0 {
        notes.push(format!(
            "{left_out} service(s) show a reason instead of a margin and are not in the totals."
        ));
    }
    notes.push(due_note(&book, today, due_until));
    notes.push(BALANCE_NOTE.into());
    MarginsView {
        currency: book.currency,
        threshold: threshold.normalize().to_string(),
        rows,
        totals,
        notes,
        reprice: Vec::new(),
    }
}

/// What cannot be known: docs/hostkey-api.md, "Reseller balance".
pub const BALANCE_NOTE: &str = "HOSTKEY's API, as HOSTKEY's own clients use it, shows no call that returns the reseller balance, so the module cannot tell whether it covers the renewals above; check it in HOSTKEY's panel.";

/// The HOSTKEY renewals the next days bring: services whose next due date
/// falls in the window, at their cost for one cycle.
fn due_note(book: &Book, today: &str, until: &str) -> String {
    let mut count = 0;
    let mut sum = Decimal::ZERO;
    let mut unknown = 0;
    for line in &book.lines {
        let due = line.next_due.get(..10).unwrap_or("");
        if due < today || due > until {
            continue;
        }
        count += 1;
        let months = crate::orders::terms::BillingCycle::from_whmcs(&line.cycle)
            .and_then(super::money::months);
        match (line.cost, months) {
            (Some((cost, _)), Some(m)) => sum += cost * Decimal::from(m),
            _ => unknown += 1,
        }
    }
    let mut note = format!(
        "Due at HOSTKEY by {until} (next due dates of the services above): {count} renewal(s), about {} {}.",
        shown(sum),
        book.currency
    );
    if unknown > 0 {
        note.push_str(&format!(" {unknown} of them have no known cost."));
    }
    note
}
