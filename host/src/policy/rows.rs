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
use crate::grants::{Grants, RowCondition, RowFilter, RowTest, SCOPE_DEPTH, Scope, TableGrant};
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

/// A row condition with its scope's set at hand (`RowScope::meets` for
/// many rows: an import inserts 168,000 price rows). A scope not read yet
/// has no set.
enum Test<'c, 's> {
    Eq(&'c str),
    Ne(&'c str),
    In(&'c str, Option<&'s HashSet<String>>),
    NotIn(&'c str, Option<&'s HashSet<String>>),
    Never,
}

/// A test's answer for one value.
enum Met<'a> {
    Yes,
    No,
    /// The test needs this scope, not read yet.
    Unread(&'a str),
}

impl<'c, 's> Test<'c, 's> {
    fn of(condition: &'c RowCondition, texts: &'s BTreeMap<String, HashSet<String>>) -> Self {
        match condition.test() {
            Some(RowTest::Eq(v)) => Test::Eq(v),
            Some(RowTest::Ne(v)) => Test::Ne(v),
            Some(RowTest::In(scope)) => Test::In(scope, texts.get(scope)),
            Some(RowTest::NotIn(scope)) => Test::NotIn(scope, texts.get(scope)),
            None => Test::Never,
        }
    }

    /// What `RowScope::meets` answers for `value`.
    fn meets(&self, value: Option<&Value>) -> Met<'c> {
        let mut digits = [0u8; 20];
        let owned;
        let text: &str = match value {
            None | Some(Value::Null) => return Met::No,
            Some(Value::Text(t)) => t,
            Some(Value::Int(i)) => int_text(*i, &mut digits),
            Some(other) => {
                owned = text_of(other).unwrap_or_default();
                &owned
            }
        };
        let yes = match self {
            Test::Eq(v) => text == *v,
            Test::Ne(v) => text != *v,
            Test::In(_, Some(set)) => set.contains(text),
            Test::NotIn(_, Some(set)) => !set.contains(text),
            Test::In(scope, None) | Test::NotIn(scope, None) => return Met::Unread(scope),
            Test::Never => false,
        };
        if yes { Met::Yes } else { Met::No }
    }
}

/// `i` in decimal, as `text_of` writes it, in `buf`.
fn int_text(i: i64, buf: &mut [u8; 20]) -> &str {
    let mut n = i.unsigned_abs();
    let mut at = buf.len();
    loop {
        at -= 1;
        buf[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    if i < 0 {
        at -= 1;
        buf[at] = b'-';
    }
    std::str::from_utf8(&buf[at..]).unwrap_or_default()
}

/// The alternatives of a filter the statement's own conditions leave open:
/// one that wants `type = 'product'` cannot match a statement on
/// `type = 'configoptions'` (nor on `type IN (...)` without it).
fn possible<'f>(
    own: &[Condition],
    alternatives: Vec<&'f [RowCondition]>,
) -> Vec<&'f [RowCondition]> {
    alternatives
        .into_iter()
        .filter(|alternative| {
            alternative.iter().all(|condition| {
                let Some(RowTest::Eq(wanted)) = condition.test() else {
                    return true;
                };
                own.iter()
                    .filter(|c| c.column == condition.column)
                    .all(|c| match c.comparison {
                        Comparison::Eq => {
                            c.values.first().and_then(text_of).as_deref() == Some(wanted)
                        }
                        Comparison::InList => c
                            .values
                            .iter()
                            .any(|v| text_of(v).as_deref() == Some(wanted)),
                        _ => true,
                    })
            })
        })
        .collect()
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
        if let Some(RowTest::In(scope) | RowTest::NotIn(scope)) = condition.test() {
            self.resolve_texts(scope)?;
        }
        Ok(matches!(
            Test::of(condition, &self.cache.texts).meets(value),
            Met::Yes
        ))
    }

    /// The scope's values as text, read once per cache.
    fn resolve_texts(&mut self, scope: &str) -> Result<(), Error> {
        if !self.cache.texts.contains_key(scope) {
            let set = self.values(scope, 0)?.iter().filter_map(text_of).collect();
            self.cache.texts.insert(scope.to_string(), set);
        }
        Ok(())
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
        self.fits(table, &filter.alternatives(), columns, values)
    }

    /// Assigned values (of `columns`) that a filter's alternatives name must
    /// meet all of one of them.
    fn fits(
        &mut self,
        table: &str,
        alternatives: &[&[RowCondition]],
        columns: &[&str],
        values: &[&Value],
    ) -> Result<(), Error> {
        let named = |c: &&RowCondition| columns.contains(&c.column.as_str());
        let Some(touched) = alternatives.iter().flat_map(|a| a.iter()).find(named) else {
            return Ok(());
        };
        for alternative in alternatives {
            let mut all = true;
            for condition in alternative.iter() {
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
        Err(refused(PolicyError::NotOurRow {
            table: table.into(),
            column: touched.column.clone(),
        }))
    }

    /// Assigned values must keep the row the module's: each filtered column
    /// its condition, or, for alternatives, all of one of them.
    fn assigned(
        &mut self,
        table: &str,
        filter: &[&[RowCondition]],
        columns: &[&str],
        values: &[&Value],
    ) -> Result<(), Error> {
        if let [only] = filter {
            for (column, value) in columns.iter().zip(values) {
                self.assignable(table, only, column, value)?;
            }
            Ok(())
        } else {
            self.fits(table, filter, columns, values)
        }
    }

    fn grant(&self, table: &str) -> Option<&'a TableGrant> {
        self.grants.table(table)
    }

    /// The conditions a filter adds to a statement that carries `own`. With
    /// one alternative left open by `own`, its conditions (narrowed); with
    /// none, a condition no row meets; with several, the keys of the rows
    /// `own` matches that meet one of them, each tested here: a price is the
    /// module's by its owner (`type`, `relid`), so no scope of price ids is
    /// ever read or sent.
    fn filtered(
        &mut self,
        table: &str,
        own: &[Condition],
        filter: Option<&RowFilter>,
    ) -> Result<Vec<Condition>, Error> {
        let Some(filter) = filter else {
            return Ok(Vec::new());
        };
        let open = possible(own, filter.alternatives());
        match open.as_slice() {
            [only] => self.narrowed(own, only),
            [] => {
                // `x IN ()` matches no row; x is a column the filter names.
                let column = filter
                    .alternatives()
                    .iter()
                    .find_map(|a| a.first())
                    .map_or_else(|| self.key(table).to_string(), |c| c.column.clone());
                Ok(vec![Condition {
                    column,
                    comparison: Comparison::InList,
                    values: Vec::new(),
                }])
            }
            several => {
                let key = self.key(table).to_string();
                let values = self.owned_keys(table, &key, own.to_vec(), several)?;
                Ok(vec![Condition {
                    column: key,
                    comparison: Comparison::InList,
                    values,
                }])
            }
        }
    }

    /// The column that singles a row out (the first of the table's keys).
    fn key(&self, table: &str) -> &'a str {
        self.grant(table)
            .and_then(|g| g.keys.first())
            .map_or("id", String::as_str)
    }

    /// The `key` of the rows `conditions` match that meet one of the
    /// alternatives, tested row by row against the scopes' sets.
    fn owned_keys(
        &mut self,
        table: &str,
        key: &str,
        conditions: Vec<Condition>,
        alternatives: &[&[RowCondition]],
    ) -> Result<Vec<Value>, Error> {
        let mut columns = vec![key.to_string()];
        for condition in alternatives.iter().flat_map(|a| a.iter()) {
            if !columns.contains(&condition.column) {
                columns.push(condition.column.clone());
            }
        }
        let found = self.db.select(SelectStatement {
            table: table.into(),
            columns: columns.clone(),
            conditions,
            order: Vec::new(),
            limit: None,
            for_update: false,
        })?;
        let mut keys = Vec::new();
        for row in found.rows {
            let mut ours = false;
            for alternative in alternatives {
                let mut all = true;
                for condition in alternative.iter() {
                    let index = columns.iter().position(|c| *c == condition.column);
                    if !self.meets(condition, index.and_then(|i| row.get(i)))? {
                        all = false;
                        break;
                    }
                }
                if all {
                    ours = true;
                    break;
                }
            }
            if ours && let Some(k) = row.into_iter().next() {
                keys.push(k);
            }
        }
        Ok(keys)
    }

    /// AND-s the select's filter to its conditions.
    pub fn select(&mut self, s: &mut SelectStatement) -> Result<(), Error> {
        let Some(filter) = self.grant(&s.table).and_then(|g| g.rows.as_ref()) else {
            return Ok(());
        };
        let extra = self.filtered(&s.table, &s.conditions, filter.select.as_ref())?;
        s.conditions.extend(extra);
        Ok(())
    }

    /// Checks the assigned values and AND-s the update's filter.
    pub fn update(&mut self, s: &mut UpdateStatement) -> Result<(), Error> {
        let Some(filter) = self.grant(&s.table).and_then(|g| g.rows.as_ref()) else {
            return Ok(());
        };
        let alternatives = filter
            .update
            .as_ref()
            .map(RowFilter::alternatives)
            .unwrap_or_default();
        let columns: Vec<&str> = s.assignments.iter().map(|(c, _)| c.as_str()).collect();
        let values: Vec<&Value> = s.assignments.iter().map(|(_, v)| v).collect();
        self.assigned(&s.table, &alternatives, &columns, &values)?;
        self.reassignable(&s.table, &columns, &values)?;
        let extra = self.filtered(&s.table, &s.conditions, filter.update.as_ref())?;
        s.conditions.extend(extra);
        Ok(())
    }

    /// AND-s the delete's filter.
    pub fn delete(&mut self, s: &mut DeleteStatement) -> Result<(), Error> {
        let Some(filter) = self.grant(&s.table).and_then(|g| g.rows.as_ref()) else {
            return Ok(());
        };
        let extra = self.filtered(&s.table, &s.conditions, filter.delete.as_ref())?;
        s.conditions.extend(extra);
        Ok(())
    }

    /// Keeps the rows whose key names one of the module's rows (the others
    /// would not match a filtered `WHERE`) and checks their new values.
    pub fn update_rows(&mut self, s: &mut UpdateRowsStatement) -> Result<(), Error> {
        let Some(filter) = self.grant(&s.table).and_then(|g| g.rows.as_ref()) else {
            return Ok(());
        };
        let alternatives = filter
            .update
            .as_ref()
            .map(RowFilter::alternatives)
            .unwrap_or_default();
        let columns: Vec<&str> = s.columns.iter().map(String::as_str).collect();
        for row in &s.rows {
            let values: Vec<&Value> = row.iter().skip(1).collect();
            self.assigned(&s.table, &alternatives, &columns, &values)?;
            self.reassignable(&s.table, &columns, &values)?;
        }
        if s.rows.is_empty() {
            return Ok(());
        }
        let keys = Condition {
            column: s.key.clone(),
            comparison: Comparison::InList,
            values: s.rows.iter().filter_map(|r| r.first().cloned()).collect(),
        };
        let filter: &[RowCondition] = match alternatives.as_slice() {
            [] => return Ok(()),
            [only] => only,
            several => {
                // Several owners (a price of a product or of a sub-option):
                // each row's owner is read by its key and tested here.
                let ours: HashSet<String> = self
                    .owned_keys(&s.table, &s.key, vec![keys], several)?
                    .iter()
                    .filter_map(text_of)
                    .collect();
                s.rows.retain(|r| {
                    r.first()
                        .and_then(text_of)
                        .is_some_and(|k| ours.contains(&k))
                });
                return Ok(());
            }
        };
        // A filter on the key alone is tested here, against the scope's set:
        // a re-sync's updates would otherwise send a whole scope to the
        // database with each statement.
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
        conditions.push(keys);
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
        // Each condition's column, found once per statement: an import checks
        // 168,000 price rows here.
        let plans: Vec<Vec<(Option<usize>, &RowCondition)>> = filter
            .alternatives()
            .into_iter()
            .map(|alternative| {
                alternative
                    .iter()
                    .map(|c| (s.columns.iter().position(|n| *n == c.column), c))
                    .collect()
            })
            .collect();
        // Each row's test is one set lookup; a scope is read when a row first
        // needs it (as `meets` does), then the rows go on from that one.
        let mut from = 0;
        loop {
            let texts = &self.cache.texts;
            let tests: Vec<Vec<(Option<usize>, Test<'_, '_>)>> = plans
                .iter()
                .map(|plan| {
                    plan.iter()
                        .map(|(index, condition)| (*index, Test::of(condition, texts)))
                        .collect()
                })
                .collect();
            let mut unread = None;
            'rows: for (at, row) in s.rows.iter().enumerate().skip(from) {
                'alternatives: for plan in &tests {
                    for (index, test) in plan {
                        match test.meets(index.and_then(|i| row.get(i))) {
                            Met::Yes => {}
                            Met::No => continue 'alternatives,
                            Met::Unread(scope) => {
                                unread = Some(scope);
                                from = at;
                                break 'rows;
                            }
                        }
                    }
                    continue 'rows;
                }
                return Err(refused(PolicyError::NotOurInsert(s.table.clone())));
            }
            match unread {
                Some(scope) => self.resolve_texts(scope)?,
                None => break,
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
    use crate::bindings::db::{DeleteStatement, InsertStatement};
    use crate::fakes::MemoryDb;

    fn grants() -> &'static Grants {
        Grants::embedded().expect("grants.json parses")
    }

    #[test]
    fn integers_are_compared_as_text_of_writes_them() {
        for i in [0, 7, -7, 10, 1234567, i64::MAX, i64::MIN] {
            let mut digits = [0u8; 20];
            assert_eq!(
                Some(int_text(i, &mut digits).to_string()),
                text_of(&Value::Int(i))
            );
        }
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

    /// Prices: 1 of our product, 2 of cPanel's, 3 of our sub-option 5, 4 of
    /// cPanel's sub-option 6, 5 of "product 5" (nobody's).
    fn priced() -> MemoryDb {
        let mut db = db()
            .with_table("tblpricing", &["id", "type", "relid", "monthly"])
            .with_table("tblproductconfiglinks", &["id", "gid", "pid"])
            .with_table("tblproductconfigoptions", &["id", "gid"])
            .with_table("tblproductconfigoptionssub", &["id", "configid"]);
        let int_rows = |rows: &[&[i64]]| -> Vec<Vec<Value>> {
            rows.iter()
                .map(|r| r.iter().map(|v| Value::Int(*v)).collect())
                .collect()
        };
        let links = int_rows(&[&[1, 7, 1], &[2, 8, 2]]);
        seed(
            &mut db,
            "tblproductconfiglinks",
            &["id", "gid", "pid"],
            links,
        );
        let options = int_rows(&[&[30, 7], &[40, 8]]);
        seed(&mut db, "tblproductconfigoptions", &["id", "gid"], options);
        let subs = int_rows(&[&[5, 30], &[6, 40]]);
        seed(
            &mut db,
            "tblproductconfigoptionssub",
            &["id", "configid"],
            subs,
        );
        let prices = [
            (1, "product", 1),
            (2, "product", 2),
            (3, "configoptions", 5),
            (4, "configoptions", 6),
            (5, "product", 5),
        ]
        .iter()
        .map(|(id, kind, relid)| {
            vec![
                Value::Int(*id),
                Value::Text((*kind).into()),
                Value::Int(*relid),
                Value::Text("4.00".into()),
            ]
        })
        .collect();
        seed(
            &mut db,
            "tblpricing",
            &["id", "type", "relid", "monthly"],
            prices,
        );
        db
    }

    fn price_ids(db: &mut MemoryDb, conditions: Vec<Condition>) -> Vec<String> {
        let mut select = SelectStatement {
            table: "tblpricing".into(),
            columns: vec!["id".into()],
            conditions,
            order: Vec::new(),
            limit: None,
            for_update: false,
        };
        RowScope::new(grants(), db, &mut ScopeCache::default())
            .select(&mut select)
            .expect("filtered");
        let rows = db.select(select).expect("selected").rows;
        rows.iter()
            .filter_map(|r| r.first().and_then(text_of))
            .collect()
    }

    fn eq(column: &str, value: Value) -> Condition {
        Condition {
            column: column.into(),
            comparison: Comparison::Eq,
            values: vec![value],
        }
    }

    fn in_list(column: &str, values: &[i64]) -> Condition {
        Condition {
            column: column.into(),
            comparison: Comparison::InList,
            values: values.iter().map(|v| Value::Int(*v)).collect(),
        }
    }

    #[test]
    fn a_price_is_the_modules_by_its_owner() {
        let mut db = priced();
        assert_eq!(
            price_ids(&mut db, Vec::new()),
            vec!["1", "3"],
            "every price"
        );
        let product = || eq("type", Value::Text("product".into()));
        let option = || eq("type", Value::Text("configoptions".into()));
        let by_owner = vec![product(), in_list("relid", &[1, 2, 5])];
        assert_eq!(price_ids(&mut db, by_owner), vec!["1"]);
        let by_owner = vec![option(), in_list("relid", &[5, 6])];
        assert_eq!(price_ids(&mut db, by_owner), vec!["3"]);
        assert_eq!(price_ids(&mut db, vec![in_list("relid", &[5])]), vec!["3"]);
        let client = vec![eq("type", Value::Text("client".into()))];
        assert!(price_ids(&mut db, client).is_empty());

        // A sync's select names its type: only the owner's scope is read and
        // the statement carries the owners it named, never a list of prices.
        let mut select = SelectStatement {
            table: "tblpricing".into(),
            columns: vec!["id".into()],
            conditions: vec![product(), in_list("relid", &[1, 2])],
            order: Vec::new(),
            limit: None,
            for_update: false,
        };
        let mut cache = ScopeCache::default();
        RowScope::new(grants(), &mut db, &mut cache)
            .select(&mut select)
            .expect("filtered");
        assert_eq!(select.conditions.len(), 4, "{:?}", select.conditions);
        assert_eq!(select.conditions[3].column, "relid");
        assert_eq!(ids(&select.conditions[3].values), vec!["1"]);
        assert_eq!(
            cache.resolved.keys().cloned().collect::<Vec<_>>(),
            vec!["products"]
        );

        let mut rows = UpdateRowsStatement {
            table: "tblpricing".into(),
            key: "id".into(),
            columns: vec!["monthly".into()],
            rows: (1..=5)
                .map(|id| vec![Value::Int(id), Value::Text("9.00".into())])
                .collect(),
        };
        RowScope::new(grants(), &mut db, &mut ScopeCache::default())
            .update_rows(&mut rows)
            .expect("filtered");
        let kept: Vec<String> = rows
            .rows
            .iter()
            .filter_map(|r| r.first().and_then(text_of))
            .collect();
        assert_eq!(kept, vec!["1", "3"]);

        let mut delete = DeleteStatement {
            table: "tblpricing".into(),
            conditions: vec![in_list("relid", &[1, 2, 5, 6])],
        };
        RowScope::new(grants(), &mut db, &mut ScopeCache::default())
            .delete(&mut delete)
            .expect("filtered");
        assert_eq!(db.delete(delete).expect("deleted"), 2, "prices 1 and 3");
        assert_eq!(price_ids(&mut db, Vec::new()), Vec::<String>::new());
        let left = db.table("tblpricing").expect("pricing").rows.len();
        assert_eq!(left, 3, "cPanel's and nobody's prices stay");
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
