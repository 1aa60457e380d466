//! The addon page's long lists (orders waiting, server status), a page at a
//! time, and one form to move through their pages (it asks for the page view
//! again with the pages chosen; nothing is written).

use super::view::{Action, AdminView, Form};
use crate::capabilities::Db;
use crate::error::ModuleResult;

pub fn add(db: &mut dyn Db, form: &[(String, String)], view: &mut AdminView) -> ModuleResult<()> {
    let mut pagers = Vec::new();
    for (table, pager) in [
        super::waiting_orders::page(db, form)?,
        crate::sync::overview::table(db, form)?,
    ]
    .into_iter()
    .flatten()
    {
        view.tables.push(table);
        pagers.extend(pager);
    }
    if !pagers.is_empty() {
        view.forms.push(Form {
            action: Action::View,
            fields: pagers,
        });
    }
    Ok(())
}
