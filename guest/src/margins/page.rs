//! The Margins part of the addon page: the view, and the repricing's
//! preview and apply with their sentences.

use super::{report, reprice, view};
use crate::addon::view::{Action, AdminView, Form, Level};
use crate::capabilities::{Db, Platform};
use crate::error::ModuleResult;
use crate::schema::module_log::datetime;

/// What WHMCS does with a changed recurring amount: docs/margins.md.
pub const NEXT_INVOICE: &str = "WHMCS bills the new amount from the next invoice it generates for each service; invoices already generated keep the old amount.";

pub fn show(
    db: &mut dyn Db,
    platform: &mut dyn Platform,
    action: Action,
    form: &[(String, String)],
    now_unix: i64,
    page: &mut AdminView,
) -> ModuleResult<()> {
    let (threshold, bad) = view::threshold(db)?;
    if let Some(sentence) = bad {
        page.notice(Level::Warning, sentence);
    }
    let mut lines = Vec::new();
    match action {
        Action::RepricePreview => {
            match reprice::selected(form).and_then(|ids| reprice::preview(db, &ids)) {
                Ok(shown) => {
                    page.notice(
                        Level::Info,
                        format!(
                            "Preview of {} service(s): nothing was changed. Apply writes these amounts. {NEXT_INVOICE}",
                            shown.len()
                        ),
                    );
                    lines = shown;
                }
                Err(error) => page.notice(Level::Error, error.to_string()),
            }
        }
        Action::RepriceApply => {
            match reprice::selected(form)
                .and_then(|ids| reprice::apply(db, platform, &ids, now_unix))
            {
                Ok(done) => {
                    page.notice(
                        Level::Success,
                        format!(
                            "The recurring amounts of {} service(s) are changed. {NEXT_INVOICE}",
                            done.len()
                        ),
                    );
                    // The amounts are written: the page offers no second apply.
                    let _ = done;
                }
                Err(error) => page.notice(Level::Error, error.to_string()),
            }
        }
        _ => {}
    }
    let book = match report::read(db) {
        Ok(book) => book,
        Err(error) => {
            page.notice(
                Level::Error,
                format!("The Margins view cannot be shown: {error}"),
            );
            return Ok(());
        }
    };
    let today = datetime(now_unix);
    let until = datetime(now_unix + view::DUE_DAYS * 86_400);
    let mut margins = view::build(
        book,
        threshold,
        today.get(..10).unwrap_or_default(),
        until.get(..10).unwrap_or_default(),
    );
    margins.reprice = lines;
    if let Some(pager) = super::paging::keep_page(&mut margins, form) {
        page.forms.push(Form {
            action: Action::Margins,
            fields: vec![pager],
        });
    }
    page.margins = Some(margins);
    Ok(())
}
