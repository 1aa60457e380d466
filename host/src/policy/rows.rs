//! Row filters: a statement on a WHMCS core table reaches only the module's
//! own rows (`rows` and `scopes` in `grants.json`). The host resolves each
//! scope with its own selects on the backend and AND-s the result to the
//! statement, so the component's statements need not know the filters and a
//! hostile one cannot leave them out. PHP does the same again
//! (`Capability\RowFilter`).

use super::PolicyError;
use crate::backends::DbBackend;
use crate::bindings::db::{
    Comparison, Condition, DeleteStatement, Error, InsertStatement, SelectStatement,
    UpdateRowsStatement, UpdateStatement, Value,
};
use crate::grants::{Grants, RowCondition, RowTest, SCOPE_DEPTH, Scope, TableGrant};
use std::collections::{BTreeMap, BTreeSet, HashSet};

/// A value as text, the one form scopes and grants compare in; NULL is none.
fn text_of(value: &Value) -> Option<String> {
    match value {
        Value::Null => None,
        Value::Int(i) => Some(i.to_string()),
        Value::Float(f) if f.fract() == 0.0 && f.abs() < 9.0e15 => Some(format!("{f:.0}")),
        Value::Float(f) => Some(f.to_string()),
        Value::Text(t) => Some(t.clone()),
    }
}

fn refused(error: PolicyError) -> Error {
    Error::TableNotAllowed(error.to_string())
}

/// The scopes one call has resolved. A call (one Store) keeps them, so an
/// import's hundreds of statements do not read the same scopes again each
/// time: a scope is read again only after the call wrote a table it depends
/// on, or rolled back. Another process's change shows at the next call.
#[derive(Debug, Default)]
pub struct ScopeCache {
    resolved: BTreeMap<String, Vec<Value>>,
    /// The same values as text, for a row-by-row test in constant time (an
    /// import checks 100,000s of inserted rows against a scope).
    texts: BTreeMap<String, HashSet<String>>,
}

impl ScopeCache {
    /// Forgets every scope that reads `table` (directly or through another scope).
    pub fn written(&mut self, grants: &Grants, table: &str) {
        self.changed(grants, table, None);
    }

    /// Forgets every scope a write to `table` may have changed: with
    /// `columns` (an update's assigned columns), only the scopes that read
    /// one of them; an update of a price's amount keeps the scope of price
    /// ids, which an import's re-sync would otherwise read again each time.
    pub fn changed(&mut self, grants: &Grants, table: &str, columns: Option<&[String]>) {
        let stale: Vec<String> = self
            .resolved
            .keys()
            .filter(|name| touches(grants, name, table, columns, 0))
            .cloned()
            .collect();
        for name in stale {
            self.resolved.remove(&name);
            self.texts.remove(&name);
        }
    }

    /// Forgets everything (a rollback may have taken rows a scope holds).
    pub fn clear(&mut self) {
        self.resolved.clear();
        self.texts.clear();
    }
}

/// Whether a write to `table` (of `columns`; none: any) may change a scope.
fn touches(
    grants: &Grants,
    name: &str,
    table: &str,
    columns: Option<&[String]>,
    depth: usize,
) -> bool {
    if depth > SCOPE_DEPTH {
        return true;
    }
    match grants.scopes.get(name) {
        Some(Scope::Any { any }) => any
            .iter()
            .any(|part| touches(grants, part, table, columns, depth + 1)),
        Some(Scope::Rows {
            table: read,
            column,
            conditions,
        }) => {
            let reads_column =
                |c: &String| c == column || conditions.iter().any(|w| &w.column == c);
            (read == table && columns.is_none_or(|cs| cs.iter().any(reads_column)))
                || conditions.iter().any(|w| match w.test() {
                    Some(RowTest::In(s) | RowTest::NotIn(s)) => {
                        touches(grants, s, table, columns, depth + 1)
                    }
                    _ => false,
                })
        }
        None => true,
    }
}

/// One request's view of the scopes, through the call's cache.
pub struct RowScope<'a> {
    grants: &'a Grants,
    db: &'a mut dyn DbBackend,
    cache: &'a mut ScopeCache,
}

impl<'a> RowScope<'a> {
    /// Filters requests with `grants`, reading scopes from `db` once per `cache`.
    pub fn new(grants: &'a Grants, db: &'a mut dyn DbBackend, cache: &'a mut ScopeCache) -> Self {
        Self { grants, db, cache }
    }

    /// The distinct non-null values of a scope.
    fn values(&mut self, name: &str, depth: usize) -> Result<Vec<Value>, Error> {
        if let Some(values) = self.cache.resolved.get(name) {
            return Ok(values.clone());
        }
        let grants = self.grants;
        let scope = grants
            .scopes
            .get(name)
            .ok_or_else(|| refused(PolicyError::Grants(format!("no scope `{name}`"))))?;
        if depth > SCOPE_DEPTH {
            return Err(refused(PolicyError::Grants(format!(
                "the scope `{name}` refers to itself"
            ))));
        }
        let mut seen = BTreeSet::new();
        let mut values = Vec::new();
        let mut keep = |value: &Value| {
            if let Some(text) = text_of(value)
                && seen.insert(text)
            {
                values.push(value.clone());
            }
        };
        match scope {
            Scope::Any { any } => {
                for part in any {
                    self.values(part, depth + 1)?.iter().for_each(&mut keep);
                }
            }
            Scope::Rows {
                table,
                column,
                conditions,
            } => {
                let conditions = self.conditions_at(conditions, depth + 1)?;
                let rows = self.db.select(SelectStatement {
                    table: table.clone(),
                    columns: vec![column.clone()],
                    conditions,
                    order: Vec::new(),
                    limit: None,
                    for_update: false,
                })?;
                rows.rows
                    .iter()
                    .filter_map(|row| row.first())
                    .for_each(&mut keep);
            }
        }
        self.cache.resolved.insert(name.to_string(), values.clone());
        Ok(values)
    }

    fn conditions_at(
        &mut self,
        filter: &[RowCondition],
        depth: usize,
    ) -> Result<Vec<Condition>, Error> {
        filter
            .iter()
            .map(|c| {
                let (comparison, values) = match c.test() {
                    Some(RowTest::Eq(v)) => (Comparison::Eq, vec![Value::Text(v.into())]),
                    Some(RowTest::Ne(v)) => (Comparison::Ne, vec![Value::Text(v.into())]),
                    Some(RowTest::In(s)) => (Comparison::InList, self.values(s, depth)?),
                    Some(RowTest::NotIn(s)) => (Comparison::NotInList, self.values(s, depth)?),
                    None => {
                        return Err(refused(PolicyError::Grants(format!(
                            "a row condition on `{}` is malformed",
                            c.column
                        ))));
                    }
                };
                Ok(Condition {
                    column: c.column.clone(),
                    comparison,
                    values,
                })
            })
            .collect()
    }

    /// The filter's conditions for a statement that carries `own`: a scope
    /// on a column the statement already names by explicit values (`=` or
    /// `IN`) becomes those values that are in the scope, tested here against
    /// its set, instead of the whole scope sent with the statement (the scope
    /// of price ids is every price of the module).
    fn narrowed(
        &mut self,
        own: &[Condition],
        filter: &[RowCondition],
    ) -> Result<Vec<Condition>, Error> {
        let mut conditions = Vec::with_capacity(filter.len());
        for condition in filter {
            let named = own.iter().find(|c| {
                c.column == condition.column
                    && matches!(c.comparison, Comparison::Eq | Comparison::InList)
            });
            if let (Some(named), Some(RowTest::In(_))) = (named, condition.test()) {
                let mut values = Vec::with_capacity(named.values.len());
                for value in &named.values {
                    if self.meets(condition, Some(value))? {
                        values.push(value.clone());
                    }
                }
                conditions.push(Condition {
                    column: condition.column.clone(),
                    comparison: Comparison::InList,
                    values,
                });
            } else {
                conditions.extend(self.conditions_at(std::slice::from_ref(condition), 0)?);
            }
        }
        Ok(conditions)
    }

    /// Whether one value (none: the column was not given) meets a condition.
    fn meets(&mut self, condition: &RowCondition, value: Option<&Value>) -> Result<bool, Error> {
        let Some(text) = value.and_then(text_of) else {
            return Ok(false);
        };
        Ok(match condition.test() {
            Some(RowTest::Eq(v)) => text == v,
            Some(RowTest::Ne(v)) => text != v,
            Some(RowTest::In(s)) => self.in_scope(s, &text)?,
            Some(RowTest::NotIn(s)) => !self.in_scope(s, &text)?,
            None => false,
        })
    }

    /// Whether `text` is one of the scope's values.
    fn in_scope(&mut self, scope: &str, text: &str) -> Result<bool, Error> {
        if !self.cache.texts.contains_key(scope) {
            let set = self.values(scope, 0)?.iter().filter_map(text_of).collect();
            self.cache.texts.insert(scope.to_string(), set);
        }
        Ok(self
            .cache
            .texts
            .get(scope)
            .is_some_and(|set| set.contains(text)))
    }

    /// Values assigned to a filtered column must keep the row the module's:
    /// a row cannot be handed to another module's product or field.
    fn assignable(
        &mut self,
        table: &str,
        filter: &[RowCondition],
        column: &str,
        value: &Value,
    ) -> Result<(), Error> {
        for condition in filter.iter().filter(|c| c.column == column) {
            if !self.meets(condition, Some(value))? {
                return Err(refused(PolicyError::NotOurRow {
                    table: table.into(),
                    column: column.into(),
                }));
            }
        }
        Ok(())
    }

    /// New values of the columns the insert filter names must meet it as an
    /// inserted row would: all of one alternative, never part of one (a price
    /// row moved to another module's product by its `relid` alone is refused).
    fn reassignable(
        &mut self,
        table: &str,
        columns: &[&str],
        values: &[&Value],
    ) -> Result<(), Error> {
        let Some(filter) = self
            .grant(table)
            .and_then(|g| g.rows.as_ref())
            .and_then(|r| r.insert.as_ref())
        else {
            return Ok(());
        };
        let alternatives = filter.alternatives();
        let touched = alternatives
            .iter()
            .flat_map(|a| a.iter())
            .any(|c| columns.contains(&c.column.as_str()));
        if !touched {
            return Ok(());
        }
        for alternative in alternatives {
            let mut all = true;
            for condition in alternative {
                let index = columns.iter().position(|c| *c == condition.column);
                if !self.meets(condition, index.and_then(|i| values.get(i).copied()))? {
                    all = false;
                    break;
                }
            }
            if all {
                return Ok(());
            }
        }
        let column = columns
            .iter()
            .find(|c| {
                filter
                    .alternatives()
                    .iter()
                    .flat_map(|a| a.iter())
                    .any(|f| f.column == **c)
            })
            .copied()
            .unwrap_or_default();
        Err(refused(PolicyError::NotOurRow {
            table: table.into(),
            column: column.into(),
        }))
    }

    fn grant(&self, table: &str) -> Option<&'a TableGrant> {
        self.grants.table(table)
    }

    /// AND-s the select's filter to its conditions.
    pub fn select(&mut self, s: &mut SelectStatement) -> Result<(), Error> {
        let Some(filter) = self.grant(&s.table).and_then(|g| g.rows.as_ref()) else {
            return Ok(());
        };
        let extra = self.narrowed(&s.conditions, filter.select.as_deref().unwrap_or_default())?;
        s.conditions.extend(extra);
        Ok(())
    }

    /// Checks the assigned values and AND-s the update's filter.
    pub fn update(&mut self, s: &mut UpdateStatement) -> Result<(), Error> {
        let Some(filter) = self.grant(&s.table).and_then(|g| g.rows.as_ref()) else {
            return Ok(());
        };
        let filter = filter.update.as_deref().unwrap_or_default();
        for (column, value) in &s.assignments {
            self.assignable(&s.table, filter, column, value)?;
        }
        let columns: Vec<&str> = s.assignments.iter().map(|(c, _)| c.as_str()).collect();
        let values: Vec<&Value> = s.assignments.iter().map(|(_, v)| v).collect();
        self.reassignable(&s.table, &columns, &values)?;
        let extra = self.narrowed(&s.conditions, filter)?;
        s.conditions.extend(extra);
        Ok(())
    }

    /// AND-s the delete's filter.
    pub fn delete(&mut self, s: &mut DeleteStatement) -> Result<(), Error> {
        let Some(filter) = self.grant(&s.table).and_then(|g| g.rows.as_ref()) else {
            return Ok(());
        };
        let extra = self.narrowed(&s.conditions, filter.delete.as_deref().unwrap_or_default())?;
        s.conditions.extend(extra);
        Ok(())
    }

    /// Keeps the rows whose key names one of the module's rows (the others
    /// would not match a filtered `WHERE`) and checks their new values.
    pub fn update_rows(&mut self, s: &mut UpdateRowsStatement) -> Result<(), Error> {
        let Some(filter) = self.grant(&s.table).and_then(|g| g.rows.as_ref()) else {
            return Ok(());
        };
        let filter = filter.update.as_deref().unwrap_or_default();
        let columns: Vec<&str> = s.columns.iter().map(String::as_str).collect();
        for row in &s.rows {
            for (column, value) in s.columns.iter().zip(row.iter().skip(1)) {
                self.assignable(&s.table, filter, column, value)?;
            }
            let values: Vec<&Value> = row.iter().skip(1).collect();
            self.reassignable(&s.table, &columns, &values)?;
        }
        if s.rows.is_empty() {
            return Ok(());
        }
        // A filter on the key alone is tested here, against the scope's set:
        // a re-sync's price updates would otherwise send the scope of every
        // price id to the database with each statement.
        if !filter.is_empty() && filter.iter().all(|c| c.column == s.key) {
            let mut kept = Vec::with_capacity(s.rows.len());
            for row in std::mem::take(&mut s.rows) {
                let mut ours = true;
                for condition in filter {
                    if !self.meets(condition, row.first())? {
                        ours = false;
                        break;
                    }
                }
                if ours {
                    kept.push(row);
                }
            }
            s.rows = kept;
            return Ok(());
        }
        let mut conditions = self.conditions_at(filter, 0)?;
        conditions.push(Condition {
            column: s.key.clone(),
            comparison: Comparison::InList,
            values: s.rows.iter().filter_map(|r| r.first().cloned()).collect(),
        });
        let ours = self.db.select(SelectStatement {
            table: s.table.clone(),
            columns: vec![s.key.clone()],
            conditions,
            order: Vec::new(),
            limit: None,
            for_update: false,
        })?;
        let ours: BTreeSet<String> = ours
            .rows
            .iter()
            .filter_map(|r| r.first().and_then(text_of))
            .collect();
        s.rows.retain(|r| {
            r.first()
                .and_then(text_of)
                .is_some_and(|k| ours.contains(&k))
        });
        Ok(())
    }

    /// Every inserted row must meet the insert filter.
    pub fn insert(&mut self, s: &InsertStatement) -> Result<(), Error> {
        let Some(filter) = self
            .grant(&s.table)
            .and_then(|g| g.rows.as_ref())
            .and_then(|r| r.insert.as_ref())
        else {
            return Ok(());
        };
        for row in &s.rows {
            let mut met = false;
            for alternative in filter.alternatives() {
                let mut all = true;
                for condition in alternative {
                    let index = s.columns.iter().position(|c| *c == condition.column);
                    if !self.meets(condition, index.and_then(|i| row.get(i)))? {
                        all = false;
                        break;
                    }
                }
                if all {
                    met = true;
                    break;
                }
            }
            if !met {
                return Err(refused(PolicyError::NotOurInsert(s.table.clone())));
            }
        }
        Ok(())
    }

    /// Whether the cell's row is one the grant lets the module open.
    pub fn decrypt(&mut self, table: &str, column: &str, id: i64) -> Result<(), PolicyError> {
        let grants = self.grants;
        let Some(grant) = grants.decrypt_grant(table, column) else {
            return Err(PolicyError::DecryptNotAllowed {
                table: table.into(),
                column: column.into(),
            });
        };
        let not_ours = || PolicyError::DecryptNotOurs {
            table: table.into(),
            column: column.into(),
            id,
        };
        let mut conditions = self.conditions_at(&grant.rows, 0).map_err(|_| not_ours())?;
        conditions.push(Condition {
            column: "id".into(),
            comparison: Comparison::Eq,
            values: vec![Value::Int(id)],
        });
        let found = self
            .db
            .select(SelectStatement {
                table: table.into(),
                columns: vec!["id".into()],
                conditions,
                order: Vec::new(),
                limit: Some(1),
                for_update: false,
            })
            .map_err(|_| not_ours())?;
        if found.rows.is_empty() {
            Err(not_ours())
        } else {
            Ok(())
        }
    }

    /// A granted command with exactly its parameters, each value in its scope.
    pub fn local_api(
        &mut self,
        command: &str,
        params: &[(String, String)],
    ) -> Result<(), PolicyError> {
        let grants = self.grants;
        let Some(allowed) = grants.local_api.get(command) else {
            return Err(PolicyError::CommandNotAllowed(
                command.chars().take(64).collect(),
            ));
        };
        let named: BTreeSet<&str> = params.iter().map(|(n, _)| n.as_str()).collect();
        let expected: BTreeSet<&str> = allowed.keys().map(String::as_str).collect();
        if named != expected || named.len() != params.len() {
            return Err(PolicyError::CommandParams {
                command: command.into(),
                params: allowed.keys().cloned().collect::<Vec<_>>().join(", "),
            });
        }
        for (name, value) in params {
            let scope = &allowed[name];
            let members = self.values(scope, 0).map_err(|e| {
                PolicyError::Grants(format!("the scope `{scope}` cannot be read: {e:?}"))
            })?;
            if !members
                .iter()
                .any(|m| text_of(m).as_deref() == Some(value.as_str()))
            {
                return Err(PolicyError::CommandValue {
                    command: command.into(),
                    param: name.clone(),
                });
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bindings::db::InsertStatement;
    use crate::fakes::MemoryDb;

    fn grants() -> &'static Grants {
        Grants::embedded().expect("grants.json parses")
    }

    fn seed(db: &mut MemoryDb, table: &str, columns: &[&str], rows: Vec<Vec<Value>>) {
        db.insert(InsertStatement {
            table: table.into(),
            columns: columns.iter().map(|c| c.to_string()).collect(),
            rows,
        })
        .expect("seeded");
    }

    /// Product 1 is the module's, product 2 cPanel's; services 10 and 20 theirs.
    fn db() -> MemoryDb {
        let mut db = MemoryDb::new()
            .with_table("tblproducts", &["id", "gid", "servertype"])
            .with_table("tblhosting", &["id", "packageid", "domainstatus"]);
        let products = vec![
            vec![
                Value::Int(1),
                Value::Int(1),
                Value::Text("hostkeyresellermod".into()),
            ],
            vec![Value::Int(2), Value::Int(1), Value::Text("cpanel".into())],
        ];
        seed(
            &mut db,
            "tblproducts",
            &["id", "gid", "servertype"],
            products,
        );
        let services = vec![
            vec![Value::Int(10), Value::Int(1), Value::Text("Active".into())],
            vec![Value::Int(20), Value::Int(2), Value::Text("Active".into())],
        ];
        seed(
            &mut db,
            "tblhosting",
            &["id", "packageid", "domainstatus"],
            services,
        );
        db
    }

    fn ids(values: &[Value]) -> Vec<String> {
        values.iter().filter_map(text_of).collect()
    }

    #[test]
    fn a_select_gets_the_tables_filter_and_statements_are_untouched_elsewhere() {
        let mut db = db();
        let mut cache = ScopeCache::default();
        let mut scope = RowScope::new(grants(), &mut db, &mut cache);
        let mut select = SelectStatement {
            table: "tblhosting".into(),
            columns: vec!["id".into()],
            conditions: Vec::new(),
            order: Vec::new(),
            limit: None,
            for_update: false,
        };
        scope.select(&mut select).expect("filtered");
        assert_eq!(select.conditions.len(), 1);
        assert_eq!(select.conditions[0].column, "packageid");
        assert_eq!(select.conditions[0].comparison, Comparison::InList);
        assert_eq!(ids(&select.conditions[0].values), vec!["1"]);
        let mut own = SelectStatement {
            table: "mod_hostkeyresellermod".into(),
            ..select.clone()
        };
        own.conditions.clear();
        scope.select(&mut own).expect("own table");
        assert!(own.conditions.is_empty());
    }

    #[test]
    fn update_rows_keep_only_the_modules_rows() {
        let mut db = db();
        let mut statement = UpdateRowsStatement {
            table: "tblhosting".into(),
            key: "id".into(),
            columns: vec!["domainstatus".into()],
            rows: vec![
                vec![Value::Int(10), Value::Text("Cancelled".into())],
                vec![Value::Int(20), Value::Text("Cancelled".into())],
            ],
        };
        RowScope::new(grants(), &mut db, &mut ScopeCache::default())
            .update_rows(&mut statement)
            .expect("filtered");
        let kept: Vec<String> = statement
            .rows
            .iter()
            .filter_map(|r| r.first().and_then(text_of))
            .collect();
        assert_eq!(kept, vec!["10"]);
    }

    #[test]
    fn a_row_cannot_be_handed_to_another_module() {
        let mut db = db();
        let mut statement = UpdateStatement {
            table: "tblproducts".into(),
            assignments: vec![("servertype".into(), Value::Text("cpanel".into()))],
            conditions: Vec::new(),
        };
        let refused =
            RowScope::new(grants(), &mut db, &mut ScopeCache::default()).update(&mut statement);
        assert!(
            matches!(&refused, Err(Error::TableNotAllowed(m)) if m.contains("`tblproducts`.`servertype`")),
            "{refused:?}"
        );
        let insert = InsertStatement {
            table: "tblproducts".into(),
            columns: vec!["name".into(), "servertype".into()],
            rows: vec![vec![
                Value::Text("x".into()),
                Value::Text("hostkeyresellermod".into()),
            ]],
        };
        assert!(
            RowScope::new(grants(), &mut db, &mut ScopeCache::default())
                .insert(&insert)
                .is_ok()
        );
        let mut foreign = insert.clone();
        foreign.rows[0][1] = Value::Text("cpanel".into());
        assert!(
            RowScope::new(grants(), &mut db, &mut ScopeCache::default())
                .insert(&foreign)
                .is_err()
        );
        let mut without = insert;
        without.columns.truncate(1);
        without.rows[0].truncate(1);
        assert!(
            RowScope::new(grants(), &mut db, &mut ScopeCache::default())
                .insert(&without)
                .is_err(),
            "a product without servertype is nobody's"
        );
    }

    #[test]
    fn a_price_cannot_be_moved_to_another_modules_product() {
        let mut db = db()
            .with_table("tblpricing", &["id", "type", "relid", "monthly"])
            .with_table("tblproductconfiglinks", &["id", "gid", "pid"])
            .with_table("tblproductconfigoptions", &["id", "gid"])
            .with_table("tblproductconfigoptionssub", &["id", "configid"]);
        let price = vec![vec![
            Value::Int(1),
            Value::Text("product".into()),
            Value::Int(1),
            Value::Text("4.00".into()),
        ]];
        seed(
            &mut db,
            "tblpricing",
            &["id", "type", "relid", "monthly"],
            price,
        );
        let relid = |id: i64| UpdateStatement {
            table: "tblpricing".into(),
            assignments: vec![("relid".into(), Value::Int(id))],
            conditions: Vec::new(),
        };
        assert!(
            RowScope::new(grants(), &mut db, &mut ScopeCache::default())
                .update(&mut relid(2))
                .is_err(),
            "relid alone"
        );
        let mut whole = UpdateRowsStatement {
            table: "tblpricing".into(),
            key: "id".into(),
            columns: vec!["type".into(), "relid".into(), "monthly".into()],
            rows: vec![vec![
                Value::Int(1),
                Value::Text("product".into()),
                Value::Int(1),
                Value::Text("4.40".into()),
            ]],
        };
        let mut moved = whole.clone();
        assert!(
            RowScope::new(grants(), &mut db, &mut ScopeCache::default())
                .update_rows(&mut whole)
                .is_ok()
        );
        assert_eq!(whole.rows.len(), 1, "the module's own price row stays");
        moved.rows[0][2] = Value::Int(2);
        assert!(
            RowScope::new(grants(), &mut db, &mut ScopeCache::default())
                .update_rows(&mut moved)
                .is_err(),
            "the cPanel product"
        );
    }

    #[test]
    fn a_call_reads_a_scope_once_until_it_writes_a_table_the_scope_reads() {
        let mut db = db();
        let mut cache = ScopeCache::default();
        assert_eq!(
            RowScope::new(grants(), &mut db, &mut cache).decrypt("tblhosting", "password", 10),
            Ok(())
        );
        let resolved: Vec<String> = cache.resolved.keys().cloned().collect();
        assert!(!resolved.is_empty());
        cache.written(grants(), "mod_hostkeyresellermod_log");
        assert_eq!(
            cache.resolved.keys().cloned().collect::<Vec<_>>(),
            resolved,
            "a table no scope reads changes nothing"
        );
        cache.written(grants(), "tblproducts");
        assert!(cache.resolved.len() < resolved.len(), "{resolved:?}");
        assert!(
            cache
                .resolved
                .keys()
                .all(|name| !touches(grants(), name, "tblproducts", None, 0))
        );
        let before = cache.resolved.len();
        cache.changed(grants(), "tblproducts", Some(&["name".to_string()]));
        assert_eq!(
            cache.resolved.len(),
            before,
            "a product's name is in no scope"
        );
        cache.clear();
        assert!(cache.resolved.is_empty() && cache.texts.is_empty());
    }

    #[test]
    fn decrypt_opens_only_the_modules_services() {
        let mut db = db();
        let mut cache = ScopeCache::default();
        let mut scope = RowScope::new(grants(), &mut db, &mut cache);
        assert_eq!(scope.decrypt("tblhosting", "password", 10), Ok(()));
        assert!(matches!(
            scope.decrypt("tblhosting", "password", 20),
            Err(PolicyError::DecryptNotOurs { id: 20, .. })
        ));
        assert!(matches!(
            scope.decrypt("tblhosting", "password", 99),
            Err(PolicyError::DecryptNotOurs { .. })
        ));
    }

    #[test]
    fn a_missing_scope_table_fails_closed() {
        // `not-in` a scope that cannot be read must not become "not in nothing".
        let mut db = MemoryDb::new().with_table("tblproductconfigoptions", &["id", "gid"]);
        let mut select = SelectStatement {
            table: "tblproductconfigoptions".into(),
            columns: vec!["id".into()],
            conditions: Vec::new(),
            order: Vec::new(),
            limit: None,
            for_update: false,
        };
        assert!(
            RowScope::new(grants(), &mut db, &mut ScopeCache::default())
                .select(&mut select)
                .is_err()
        );
    }
}
