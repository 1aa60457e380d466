//! The addon page's view of the status sync: where the day's round stands
//! and the services, failing ones first, a page at a time. Counting reads
//! two integer columns of every row; only the page's rows are read whole
//! (by `service_id`, indexed), so the page costs the same at 5,000 services.

use super::store::{self, SYNC_TABLE};
use crate::addon::view::{FormField, Table};
use crate::capabilities::Db;
use crate::capabilities::db::{Condition, Select, Value};
use crate::error::ModuleResult;
use crate::schema::module_log::datetime;

/// Rows per page of the addon page's lists.
pub const PAGE_ROWS: usize = 50;
/// The posted field that picks the status list's page.
pub const PAGE_FIELD: &str = "status_page";

/// Pages needed for `rows` rows (at least one).
pub fn pages(rows: usize) -> usize {
    rows.div_ceil(PAGE_ROWS).max(1)
}

/// The 1-based page asked for in `form` under `field`, kept within `1..=pages`.
pub fn page_asked(form: &[(String, String)], field: &str, pages: usize) -> usize {
    form.iter()
        .find(|(name, _)| name == field)
        .and_then(|(_, value)| value.trim().parse::<usize>().ok())
        .unwrap_or(1)
        .clamp(1, pages.max(1))
}

/// A drop-down of `pages` pages; none when one page holds everything.
pub fn pager(field: &str, label: &str, page: usize, pages: usize) -> Option<FormField> {
    if pages <= 1 {
        return None;
    }
    let values: Vec<(String, String)> = (1..=pages)
        .map(|p| (p.to_string(), format!("{p} of {pages}")))
        .collect();
    let choices: Vec<(&str, &str)> = values
        .iter()
        .map(|(v, l)| (v.as_str(), l.as_str()))
        .collect();
    Some(FormField::select(field, label, &page.to_string(), &choices))
}

fn stamp(value: &Value) -> String {
    value
        .as_int()
        .filter(|t| *t > 0)
        .map_or_else(|| "never".to_string(), datetime)
}

/// The status table for `form`'s page, and its pager; none before the first run.
pub fn table(
    db: &mut dyn Db,
    form: &[(String, String)],
) -> ModuleResult<Option<(Table, Option<FormField>)>> {
    if !db.table_exists(SYNC_TABLE)? {
        return Ok(None);
    }
    let all = db.select(&Select::from(SYNC_TABLE, &["service_id", "failures"]))?;
    let mut ids: Vec<(i64, i64)> = (0..all.len())
        .filter_map(|i| {
            let service = all.get(i, "service_id").as_int().filter(|s| *s > 0)?;
            Some((all.get(i, "failures").as_int().unwrap_or(0), service))
        })
        .collect();
    if ids.is_empty() {
        return Ok(None);
    }
    // Failing first (most failures first), then by service.
    ids.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    let failing = ids.iter().filter(|(f, _)| *f > 0).count();
    let pages = pages(ids.len());
    let page = page_asked(form, PAGE_FIELD, pages);
    let shown: Vec<i64> = ids
        .iter()
        .skip((page - 1) * PAGE_ROWS)
        .take(PAGE_ROWS)
        .map(|(_, s)| *s)
        .collect();
    let rows = db.select(
        &Select::from(
            SYNC_TABLE,
            &["service_id", "read_at", "tried_at", "failures", "cause"],
        )
        .filter(Condition::in_list(
            "service_id",
            shown.iter().map(|s| Value::Int(*s)).collect(),
        )),
    )?;
    let mut lines: Vec<(usize, Vec<String>)> = (0..rows.len())
        .filter_map(|i| {
            let service = rows.get(i, "service_id").as_int()?;
            let at = shown.iter().position(|s| *s == service)?;
            Some((
                at,
                vec![
                    service.to_string(),
                    stamp(rows.get(i, "read_at")),
                    stamp(rows.get(i, "tried_at")),
                    rows.get(i, "failures").as_text(),
                    rows.get(i, "cause").as_text(),
                ],
            ))
        })
        .collect();
    lines.sort_by_key(|(at, _)| *at);
    let round = store::load_round(db)?;
    let title = format!(
        "Server status: {} services, {failing} failing; round started {} (page {page} of {pages})",
        ids.len(),
        round.map_or_else(|| "never".to_string(), datetime),
    );
    Ok(Some((
        Table {
            title,
            header: [
                "Service",
                "Last read",
                "Last tried",
                "Failures",
                "Why it failed",
            ]
            .map(String::from)
            .to_vec(),
            rows: lines.into_iter().map(|(_, row)| row).collect(),
        },
        pager(PAGE_FIELD, "Server status page", page, pages),
    )))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::MemoryDb;

    fn form(page: &str) -> Vec<(String, String)> {
        vec![(PAGE_FIELD.to_string(), page.to_string())]
    }

    #[test]
    fn failing_services_come_first_a_page_at_a_time() {
        let mut db = MemoryDb::whmcs();
        db.create_table(&store::definition()).expect("creates");
        assert_eq!(table(&mut db, &[]).expect("reads"), None);
        for service in 1..=120 {
            let mut mark = store::Mark {
                read_at: Some(1_800_000_000),
                tried_at: Some(1_800_000_000),
                ..store::Mark::default()
            };
            if service % 40 == 0 {
                mark.failures = 2;
                mark.cause = "The HOSTKEY API did not answer eq/show in time.".into();
            }
            store::save(&mut db, service, &mut mark).expect("saves");
        }
        let (first, pager) = table(&mut db, &[]).expect("reads").expect("a table");
        assert!(
            first
                .title
                .starts_with("Server status: 120 services, 3 failing;")
        );
        assert!(first.title.ends_with("(page 1 of 3)"), "{}", first.title);
        assert_eq!(first.rows.len(), PAGE_ROWS);
        let firsts: Vec<&str> = first.rows.iter().take(4).map(|r| r[0].as_str()).collect();
        assert_eq!(firsts, ["40", "80", "120", "1"]);
        assert_eq!(first.rows[0][3], "2");
        let pager = pager.expect("three pages");
        assert_eq!(pager.choices.len(), 3);
        let (last, _) = table(&mut db, &form("3")).expect("reads").expect("a table");
        assert_eq!(last.rows.len(), 20);
        assert_eq!(last.rows[19][0], "119");
        let (clamped, _) = table(&mut db, &form("99"))
            .expect("reads")
            .expect("a table");
        assert_eq!(clamped, last, "a page past the end shows the last");
    }
}
