//! The operating systems a server may be reinstalled with: the sub-options
//! of its product's `OS <preset> (<LOC>)` option that are on offer, by
//! HOSTKEY's id in `name (#id)`.

use crate::capabilities::Db;
use crate::capabilities::db::{Condition, DbError, Select, Value};
use crate::catalog::sync::options::hk_id;

#[derive(Debug, Clone, PartialEq)]
pub struct OsChoice {
    pub id: i64,
    pub name: String,
}

pub fn for_product(db: &mut dyn Db, product_id: i64) -> Result<Vec<OsChoice>, DbError> {
    let links = db.select(
        &Select::from("tblproductconfiglinks", &["gid"])
            .filter(Condition::eq("pid", Value::Int(product_id))),
    )?;
    let groups: Vec<Value> = (0..links.len())
        .filter_map(|i| links.get(i, "gid").as_int())
        .map(Value::Int)
        .collect();
    if groups.is_empty() {
        return Ok(Vec::new());
    }
    let options = db.select(
        &Select::from("tblproductconfigoptions", &["id", "optionname"])
            .filter(Condition::in_list("gid", groups)),
    )?;
    let os_options: Vec<Value> = (0..options.len())
        .filter(|i| options.get(*i, "optionname").as_text().starts_with("OS "))
        .filter_map(|i| options.get(i, "id").as_int())
        .map(Value::Int)
        .collect();
    if os_options.is_empty() {
        return Ok(Vec::new());
    }
    let subs = db.select(
        &Select::from(
            "tblproductconfigoptionssub",
            &["optionname", "hidden", "sortorder"],
        )
        .filter(Condition::in_list("configid", os_options)),
    )?;
    let mut choices: Vec<(i64, OsChoice)> = (0..subs.len())
        .filter(|i| subs.get(*i, "hidden").as_int() != Some(1))
        .filter_map(|i| {
            let name = subs.get(i, "optionname").as_text();
            let id = hk_id(&name).filter(|id| *id > 0)?;
            let label = name
                .rfind(" (#")
                .map_or(name.as_str(), |at| &name[..at])
                .trim()
                .to_string();
            Some((
                subs.get(i, "sortorder").as_int().unwrap_or(0),
                OsChoice { id, name: label },
            ))
        })
        .collect();
    choices.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.name.cmp(&b.1.name)));
    choices.dedup_by(|a, b| a.1.id == b.1.id);
    Ok(choices.into_iter().map(|(_, c)| c).collect())
}
