//! The Margins view a page at a time, with the addon page's list pager: the
//! rows of one page, while the totals and the notes cover every row. The CSV
//! asks for `all` (the admin's download is every row, as before).

use super::view::MarginsView;
use crate::addon::view::FormField;
use crate::sync::overview::{PAGE_ROWS, page_asked, pager, pages};

/// The posted field that picks the Margins view's page.
pub const PAGE_FIELD: &str = "margins_page";
/// The value of `PAGE_FIELD` that asks for every row (the CSV).
pub const ALL_ROWS: &str = "all";

/// Keeps the asked page's rows of `view`; the pager to the others, if any.
pub fn keep_page(view: &mut MarginsView, form: &[(String, String)]) -> Option<FormField> {
    let all = form
        .iter()
        .any(|(name, value)| name == PAGE_FIELD && value.trim() == ALL_ROWS);
    let count = view.rows.len();
    let pages = pages(count);
    if all || pages <= 1 {
        return None;
    }
    let page = page_asked(form, PAGE_FIELD, pages);
    let first = (page - 1) * PAGE_ROWS;
    view.rows = view.rows.drain(..).skip(first).take(PAGE_ROWS).collect();
    view.notes.insert(
        0,
        format!(
            "Services {} to {} of {count} (page {page} of {pages}), worst first; the totals and the CSV cover all {count}.",
            first + 1,
            first + view.rows.len()
        ),
    );
    pager(PAGE_FIELD, "Margins page", page, pages)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::margins::view::{MarginRow, MarginTotal};

    fn view(rows: i64) -> MarginsView {
        let row = |id: i64| MarginRow {
            service_id: id,
            client: String::new(),
            server: String::new(),
            group: "VPS".into(),
            product: String::new(),
            status: "Active".into(),
            cycle: "Monthly".into(),
            income: "10.00".into(),
            cost: "8.00".into(),
            basis: "exact".into(),
            margin: "2.00".into(),
            percent: "20.0".into(),
            under_threshold: false,
            reason: String::new(),
        };
        MarginsView {
            rows: (1..=rows).map(row).collect(),
            totals: vec![MarginTotal {
                group: "Overall".into(),
                services: u32::try_from(rows).unwrap_or(0),
                income: "0".into(),
                cost: "0".into(),
                margin: "0".into(),
                percent: String::new(),
            }],
            notes: vec!["A note.".into()],
            ..MarginsView::default()
        }
    }

    fn asked(page: &str) -> Vec<(String, String)> {
        vec![(PAGE_FIELD.to_string(), page.to_string())]
    }

    fn ids(view: &MarginsView) -> Vec<i64> {
        view.rows.iter().map(|r| r.service_id).collect()
    }

    #[test]
    fn a_page_holds_fifty_rows_and_the_totals_stay_over_all() {
        let mut first = view(120);
        let pager = keep_page(&mut first, &[]).expect("a pager");
        assert_eq!(ids(&first), (1..=50).collect::<Vec<_>>());
        assert_eq!(pager.name, PAGE_FIELD);
        assert_eq!(first.totals[0].services, 120, "totals untouched");
        assert_eq!(
            first.notes[0],
            "Services 1 to 50 of 120 (page 1 of 3), worst first; the totals and the CSV cover all 120."
        );
        assert_eq!(first.notes[1], "A note.");

        let mut last = view(120);
        keep_page(&mut last, &asked("3")).expect("a pager");
        assert_eq!(ids(&last), (101..=120).collect::<Vec<_>>());
        // A page past the end is the last one, not an empty page.
        let mut past = view(120);
        keep_page(&mut past, &asked("9")).expect("a pager");
        assert_eq!(ids(&past), ids(&last));
    }

    #[test]
    fn the_csv_asks_for_every_row_and_one_page_needs_no_pager() {
        let mut all = view(120);
        assert!(keep_page(&mut all, &asked(ALL_ROWS)).is_none());
        assert_eq!(all.rows.len(), 120);
        assert_eq!(all.notes, vec!["A note.".to_string()]);
        let mut few = view(50);
        assert!(keep_page(&mut few, &[]).is_none());
        assert_eq!(few.rows.len(), 50);
    }
}
