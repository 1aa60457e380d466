//! After a catalogue sync: services whose margin at HOSTKEY's new price
//! falls under the threshold get one activity-log line each, and the admin
//! one notice on the addon page (a `margin-warning` row of the module's log).

use super::money::{percent, shown};
use super::report::{self, Line};
use super::view::threshold;
use crate::capabilities::db::{Condition, OrderBy, Select, Value};
use crate::capabilities::{Db, Platform};
use crate::catalog::run_kind::Kind;
use crate::catalog::specs::MODULE_NAME;
use crate::schema::module_log;
use crate::schema::module_tables::LOG_TABLE;
use crate::schema::settings::Settings;
use rust_decimal::Decimal;
use std::collections::BTreeMap;

/// The module-log action of the admin's notice.
pub const NOTICE_ACTION: &str = "margin-warning";

/// Each service's catalogue cost and margin share before a sync.
#[derive(Debug, Default)]
pub struct Snapshot(BTreeMap<i64, (Decimal, Decimal)>);

/// What the catalogue says before the sync; a failure to read leaves the
/// snapshot empty (then nothing is warned about, and the sync goes on).
pub fn snapshot(db: &mut dyn Db) -> Snapshot {
    if !has_live_services(db) {
        return Snapshot::default();
    }
    let Ok(book) = report::read_with(db, false) else {
        return Snapshot::default();
    };
    Snapshot(
        book.lines
            .iter()
            .filter_map(|l| {
                Some((
                    l.service_id,
                    (*l.estimate.as_ref().ok()?, l.estimated_percent()?),
                ))
            })
            .collect(),
    )
}

/// Whether a live service uses one of the module's products (the services
/// `report::read_with` reads): two small selects, so a sync of a catalogue
/// nobody has bought yet does not read the whole book. A failure says yes.
fn has_live_services(db: &mut dyn Db) -> bool {
    let Ok(products) = db.select(
        &Select::from("tblproducts", &["id"])
            .filter(Condition::eq("servertype", Value::text(MODULE_NAME))),
    ) else {
        return true;
    };
    let ids: Vec<Value> = (0..products.len())
        .filter_map(|i| products.get(i, "id").as_int())
        .map(Value::Int)
        .collect();
    if ids.is_empty() {
        return false;
    }
    let mut services = Select::from("tblhosting", &["id"])
        .filter(Condition::in_list("packageid", ids))
        .filter(Condition::in_list(
            "domainstatus",
            vec![Value::text("Active"), Value::text("Suspended")],
        ));
    services.limit = Some(1);
    db.select(&services).map_or(true, |rows| !rows.is_empty())
}

/// The services a sync pushed under the threshold: with a known server, at
/// or above it before, under it now, with a higher catalogue cost.
pub fn fallen(before: &Snapshot, after: &[Line], threshold: Decimal) -> Vec<Line> {
    after
        .iter()
        .filter(|l| !l.server.is_empty())
        .filter(|l| {
            let (Some(&(old_cost, old_share)), Ok(cost), Some(share)) = (
                before.0.get(&l.service_id),
                l.estimate.as_ref(),
                l.estimated_percent(),
            ) else {
                return false;
            };
            old_share >= threshold && share < threshold && *cost > old_cost
        })
        .cloned()
        .collect()
}

/// The activity-log line of one service.
pub fn sentence(line: &Line, currency: &str, threshold: Decimal) -> String {
    format!(
        "HOSTKEY's new price puts service #{} ({}, {}) under the margin threshold of {} %: estimated margin {} % (HOSTKEY {} {currency} a month, income {} {currency}).",
        line.service_id,
        line.product,
        line.client,
        threshold.normalize(),
        line.estimated_percent().map(percent).unwrap_or_default(),
        line.estimate
            .as_ref()
            .map(|c| shown(*c))
            .unwrap_or_default(),
        line.income.map(shown).unwrap_or_default(),
    )
}

/// Compares with the snapshot and warns; returns the services warned about.
/// A failure here never fails the sync that ran.
pub fn after_sync(
    db: &mut dyn Db,
    platform: &mut dyn Platform,
    before: &Snapshot,
    now_unix: i64,
) -> Vec<i64> {
    // Only a service of the snapshot can fall: with none (no live services,
    // or a first import) the sync reads nothing more.
    if before.0.is_empty() {
        return Vec::new();
    }
    let (Ok(book), Ok((limit, _))) = (report::read(db), threshold(db)) else {
        return Vec::new();
    };
    let fallen = fallen(before, &book.lines, limit);
    if fallen.is_empty() {
        return Vec::new();
    }
    for line in &fallen {
        platform.activity_log(
            &sentence(line, &book.currency, limit),
            Some(line.client_id).filter(|id| *id > 0),
        );
    }
    let listed: Vec<String> = fallen
        .iter()
        .map(|l| format!("#{} ({})", l.service_id, l.product))
        .collect();
    let notice = format!(
        "After the price sync, {} service(s) fell under the margin threshold of {} % because HOSTKEY's price rose: {}. See Margins.",
        fallen.len(),
        limit.normalize(),
        listed.join(", ")
    );
    let settings = Settings::load(db).unwrap_or_default();
    module_log::record(
        db,
        platform,
        &settings,
        module_log::Entry {
            action: NOTICE_ACTION,
            params: "",
            outcome: &notice,
            now_unix,
            keep: true,
        },
    );
    fallen.iter().map(|l| l.service_id).collect()
}

/// The latest notice, while no sync ran after it.
pub fn current_notice(db: &mut dyn Db) -> crate::error::ModuleResult<Option<String>> {
    if !db.table_exists(LOG_TABLE)? {
        return Ok(None);
    }
    let mut actions: Vec<Value> = [Kind::Import, Kind::ImportFull, Kind::CronSync]
        .map(|k| Value::text(k.action()))
        .to_vec();
    actions.push(Value::text(NOTICE_ACTION));
    let mut select = Select::from(LOG_TABLE, &["action", "response"])
        .filter(Condition::in_list("action", actions));
    select.order = vec![OrderBy {
        column: "id".into(),
        descending: true,
    }];
    select.limit = Some(1);
    let rows = db.select(&select)?;
    Ok(
        (!rows.is_empty() && rows.get(0, "action").as_text() == NOTICE_ACTION)
            .then(|| rows.get(0, "response").as_text()),
    )
}
