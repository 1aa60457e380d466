//! The admin's list of first orders that have not reached their server:
//! each with what it waits for (the job's own sentence when it has one),
//! so an order waiting on HOSTKEY is never silent.

use super::view::{FormField, Table};
use crate::capabilities::Db;
use crate::capabilities::db::{Comparison, Condition, Select, Value};
use crate::error::ModuleResult;
use crate::orders::state::{FIRST_ORDER, ORDERS_TABLE, State};
use crate::sync::overview;

/// The posted field that picks the list's page.
pub const PAGE_FIELD: &str = "orders_page";

/// The table, or none when every order is linked.
pub fn table(db: &mut dyn Db) -> ModuleResult<Option<Table>> {
    Ok(page(db, &[])?.map(|(table, _)| table))
}

/// The page of the table `form` asks for, with its pager. Only the orders not
/// linked are read: the linked ones (all but a few at any size) stay in the database.
pub fn page(
    db: &mut dyn Db,
    form: &[(String, String)],
) -> ModuleResult<Option<(Table, Option<FormField>)>> {
    if !db.table_exists(ORDERS_TABLE)? {
        return Ok(None);
    }
    let rows = db.select(
        &Select::from(
            ORDERS_TABLE,
            &[
                "service_id",
                "state",
                "hostkey_invoice",
                "detail",
                "updated_at",
            ],
        )
        .filter(Condition::eq("purpose", Value::text(FIRST_ORDER)))
        .filter(Condition {
            column: "state".into(),
            comparison: Comparison::NotInList,
            values: vec![
                Value::text(State::Linked.key()),
                Value::text(State::Done.key()),
            ],
        }),
    )?;
    let mut lines = Vec::new();
    for i in 0..rows.len() {
        let Some(state) = State::parse(&rows.get(i, "state").as_text()) else {
            continue;
        };
        let detail = rows.get(i, "detail").as_text();
        let invoice = rows.get(i, "hostkey_invoice").as_text();
        let waits_for = match state {
            State::Linked | State::Done => continue,
            _ if !detail.trim().is_empty() && state != State::Refused => detail,
            State::Sending => "HOSTKEY's answer to the order was lost; the module looks for the order at each delivery and cron run and orders nothing more.".into(),
            State::Refused => format!(
                "HOSTKEY refused the order ({}); the next delivery of the invoice tries again.",
                detail.trim().trim_end_matches('.')
            ),
            State::Ordered => format!("HOSTKEY invoice {invoice} is not paid yet; the next delivery or cron run pays it."),
            State::Paid => "The deploy: the post-install callback or the cron links the server once HOSTKEY reports it done.".into(),
            State::NeedsAttention => "The admin: see the module log.".into(),
        };
        lines.push(vec![
            rows.get(i, "service_id").as_text(),
            state.key().to_string(),
            rows.get(i, "updated_at").as_text(),
            waits_for,
        ]);
    }
    if lines.is_empty() {
        return Ok(None);
    }
    let total = lines.len();
    let pages = overview::pages(total);
    let page = overview::page_asked(form, PAGE_FIELD, pages);
    let title = if pages > 1 {
        format!("Orders waiting: {total} (page {page} of {pages})")
    } else {
        "Orders waiting".into()
    };
    let rows = lines
        .into_iter()
        .skip((page - 1) * overview::PAGE_ROWS)
        .take(overview::PAGE_ROWS)
        .collect();
    Ok(Some((
        Table {
            title,
            header: ["Service", "State", "Since", "Waits for"]
                .map(String::from)
                .to_vec(),
            rows,
        },
        overview::pager(PAGE_FIELD, "Orders waiting page", page, pages),
    )))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::orders::state::{self, new_job};
    use crate::testing::MemoryDb;

    #[test]
    fn each_unlinked_order_says_what_it_waits_for_and_linked_ones_are_left_out() {
        let mut db = MemoryDb::whmcs();
        db.create_table(&state::definition()).expect("creates");
        assert_eq!(table(&mut db).expect("reads"), None);
        for (service, at, detail) in [
            (1, State::Sending, ""),
            (
                2,
                State::Paid,
                "HOSTKEY is still deploying its server (pending).",
            ),
            (3, State::Linked, ""),
            (4, State::Refused, "No stock."),
        ] {
            let mut job = new_job(service, FIRST_ORDER, 700);
            job.state = at;
            job.detail = detail.into();
            state::save(&mut db, &mut job, "2026-12-07 02:00:00").expect("saves");
        }
        let shown = table(&mut db).expect("reads").expect("a table");
        let waits: Vec<(String, String)> = shown
            .rows
            .iter()
            .map(|r| (r[0].clone(), r[3].clone()))
            .collect();
        assert_eq!(waits.len(), 3, "{waits:?}");
        assert!(waits[0].1.contains("answer to the order was lost"));
        assert_eq!(
            waits[1].1,
            "HOSTKEY is still deploying its server (pending)."
        );
        assert_eq!(
            waits[2].1,
            "HOSTKEY refused the order (No stock); the next delivery of the invoice tries again."
        );
    }
}
