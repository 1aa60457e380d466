//! The grants: what the component may touch, per table and operation
//! (`php/modules/addons/hostkeyresellermod/grants.json`, embedded at build
//! time so an edited file on a server cannot widen them). PHP reads the same
//! file and enforces it again (docs/security.md).

use serde::Deserialize;
use std::collections::BTreeMap;
use std::sync::LazyLock;

/// The declaration as shipped.
pub const GRANTS_JSON: &str =
    include_str!("../../php/modules/addons/hostkeyresellermod/grants.json");

/// The columns an operation may name: every column, or only these.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(untagged)]
pub enum Columns {
    /// `"*"`
    All(AllColumns),
    /// These columns only.
    Only(Vec<String>),
}

/// The `"*"` of `Columns::All`; any other string is a malformed file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AllColumns;

impl<'de> Deserialize<'de> for AllColumns {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        if text == "*" {
            Ok(AllColumns)
        } else {
            Err(serde::de::Error::custom(
                "a column grant is \"*\" or a list",
            ))
        }
    }
}

impl Columns {
    /// Whether `column` is granted.
    pub fn allows(&self, column: &str) -> bool {
        match self {
            Columns::All(_) => true,
            Columns::Only(list) => list.iter().any(|c| c == column),
        }
    }

    /// Whether every column is granted.
    pub fn is_all(&self) -> bool {
        matches!(self, Columns::All(_))
    }
}

/// What the component may do with one table.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TableGrant {
    /// Readable columns; also the only ones conditions and orderings name.
    pub select: Option<Columns>,
    /// Insertable columns.
    pub insert: Option<Columns>,
    /// Assignable columns (update and update-rows).
    pub update: Option<Columns>,
    /// Whether rows may be deleted (pinned ones only).
    #[serde(default)]
    pub delete: bool,
    /// The table is one of the module's own and may be created.
    #[serde(default)]
    pub create: bool,
    /// column = value conditions every statement on the table must carry.
    #[serde(default)]
    pub pin: BTreeMap<String, String>,
    /// Per operation, the filter that keeps statements to the module's own
    /// rows (every WHMCS core table declares one for each granted operation).
    #[serde(default)]
    pub rows: Option<RowFilters>,
    /// The columns an update or delete must single its rows out by; without
    /// them any `eq` pins (the module's own tables).
    #[serde(default)]
    pub keys: Vec<String>,
}

/// The row filter of each granted operation (`update` also covers update-rows).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RowFilters {
    /// Selects.
    pub select: Option<RowFilter>,
    /// The values of inserted rows.
    pub insert: Option<RowFilter>,
    /// Updates and update-rows (also the values they assign).
    pub update: Option<RowFilter>,
    /// Deletes.
    pub delete: Option<RowFilter>,
}

/// What a row must meet: all of these conditions, or all of one of several
/// lists (`{"any": [[...], [...]]}`: a price row is the module's as a product's
/// price or as a config sub-option's).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(untagged)]
pub enum RowFilter {
    /// Every condition holds.
    All(Vec<RowCondition>),
    /// Every condition of at least one list holds.
    Any {
        /// The alternatives.
        any: Vec<Vec<RowCondition>>,
    },
}

impl RowFilter {
    /// The alternatives, one of which a row must meet.
    pub fn alternatives(&self) -> Vec<&[RowCondition]> {
        match self {
            RowFilter::All(list) => vec![list.as_slice()],
            RowFilter::Any { any } => any.iter().map(Vec::as_slice).collect(),
        }
    }
}

/// One condition of a row filter: the column compared with a value or a scope.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RowCondition {
    /// The column of the filtered table.
    pub column: String,
    /// column = this text.
    #[serde(default)]
    pub eq: Option<String>,
    /// column <> this text.
    #[serde(default)]
    pub ne: Option<String>,
    /// column IN (the scope's values).
    #[serde(default, rename = "in")]
    pub in_scope: Option<String>,
    /// column NOT IN (the scope's values).
    #[serde(default, rename = "not-in")]
    pub not_in_scope: Option<String>,
}

/// What a row condition compares its column with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowTest<'a> {
    /// = text
    Eq(&'a str),
    /// <> text
    Ne(&'a str),
    /// IN scope
    In(&'a str),
    /// NOT IN scope
    NotIn(&'a str),
}

impl RowCondition {
    /// The comparison, when exactly one is given.
    pub fn test(&self) -> Option<RowTest<'_>> {
        match (&self.eq, &self.ne, &self.in_scope, &self.not_in_scope) {
            (Some(v), None, None, None) => Some(RowTest::Eq(v)),
            (None, Some(v), None, None) => Some(RowTest::Ne(v)),
            (None, None, Some(s), None) => Some(RowTest::In(s)),
            (None, None, None, Some(s)) => Some(RowTest::NotIn(s)),
            _ => None,
        }
    }
}

/// A named set of values: one column of the rows of a table that meet
/// conditions, or the union of other scopes.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(untagged)]
pub enum Scope {
    /// `SELECT column FROM table WHERE ...`
    Rows {
        /// The table read.
        table: String,
        /// The column whose values form the set.
        column: String,
        /// The rows taken.
        #[serde(rename = "where")]
        conditions: Vec<RowCondition>,
    },
    /// The union of these scopes.
    Any {
        /// The scopes joined.
        any: Vec<String>,
    },
}

/// One cell kind `platform.decrypt` may open.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DecryptGrant {
    /// The table.
    pub table: String,
    /// The column.
    pub column: String,
    /// The rows whose cells may be opened.
    #[serde(default)]
    pub rows: Vec<RowCondition>,
}

/// What the component may do: tables, decryptable cells, localAPI commands (`grants.json`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Grants {
    /// The file's own explanation.
    #[serde(default)]
    pub about: String,
    /// The granted tables.
    pub tables: BTreeMap<String, TableGrant>,
    /// The cells `platform.decrypt` may open.
    #[serde(default)]
    pub decrypt: Vec<DecryptGrant>,
    /// The localAPI commands `platform.local-api` may run: per command, its
    /// only parameters, each with the scope its value must be in.
    #[serde(default, rename = "local-api")]
    pub local_api: BTreeMap<String, BTreeMap<String, String>>,
    /// The named sets row filters compare with.
    #[serde(default)]
    pub scopes: BTreeMap<String, Scope>,
}

/// Prefix of the module's own tables, which need no row filter.
const OWN_PREFIX: &str = "mod_hostkeyresellermod";

/// How deep scopes may refer to scopes (a cycle is refused, not followed).
pub const SCOPE_DEPTH: usize = 8;

impl Grants {
    /// Reads grants from JSON text.
    pub fn parse(text: &str) -> Result<Self, String> {
        let grants: Grants =
            serde_json::from_str(text).map_err(|e| format!("the grants cannot be read: {e}"))?;
        grants
            .validate()
            .map_err(|e| format!("the grants cannot be used: {e}"))?;
        Ok(grants)
    }

    /// Every core table filters every granted operation, every condition has
    /// one comparison, every scope named exists and none refers to itself.
    fn validate(&self) -> Result<(), String> {
        for (name, grant) in &self.tables {
            self.validate_table(name, grant)?;
        }
        for cell in &self.decrypt {
            self.validate_conditions(&cell.rows)?;
        }
        for (command, params) in &self.local_api {
            if params.is_empty() {
                return Err(format!("the command `{command}` names no parameters"));
            }
            params
                .values()
                .try_for_each(|s| self.validate_scope(s, 0))?;
        }
        self.scopes
            .keys()
            .try_for_each(|name| self.validate_scope(name, 0))
    }

    fn validate_table(&self, name: &str, grant: &TableGrant) -> Result<(), String> {
        if name.starts_with(OWN_PREFIX) {
            return Ok(());
        }
        let Some(rows) = &grant.rows else {
            return Err(format!("the core table `{name}` has no row filter"));
        };
        let missing = |granted: bool, filter: bool, op: &str| {
            if granted && !filter {
                Err(format!(
                    "the core table `{name}` has no row filter for {op}"
                ))
            } else {
                Ok(())
            }
        };
        missing(grant.select.is_some(), rows.select.is_some(), "select")?;
        missing(grant.insert.is_some(), rows.insert.is_some(), "insert")?;
        missing(grant.update.is_some(), rows.update.is_some(), "update")?;
        missing(grant.delete, rows.delete.is_some(), "delete")?;
        if (grant.update.is_some() || grant.delete) && grant.keys.is_empty() {
            return Err(format!(
                "the core table `{name}` has no keys to pin writes by"
            ));
        }
        let filters = [&rows.select, &rows.insert, &rows.update, &rows.delete];
        for list in filters
            .iter()
            .copied()
            .flatten()
            .flat_map(RowFilter::alternatives)
        {
            self.validate_conditions(list)?;
        }
        // A statement that more than one alternative may match is answered by
        // the rows' keys (`policy::rows`): the first key must single a row out.
        let alternated = [&rows.select, &rows.update, &rows.delete]
            .into_iter()
            .flatten()
            .any(|f| f.alternatives().len() > 1);
        if alternated && grant.keys.is_empty() {
            return Err(format!(
                "the core table `{name}` filters by alternatives but names no key"
            ));
        }
        Ok(())
    }

    fn validate_conditions(&self, conditions: &[RowCondition]) -> Result<(), String> {
        for condition in conditions {
            match condition.test() {
                None => {
                    return Err(format!(
                        "the row condition on `{}` needs exactly one of eq, ne, in, not-in",
                        condition.column
                    ));
                }
                Some(RowTest::In(s) | RowTest::NotIn(s)) => self.validate_scope(s, 0)?,
                Some(_) => {}
            }
        }
        Ok(())
    }

    fn validate_scope(&self, name: &str, depth: usize) -> Result<(), String> {
        if depth > SCOPE_DEPTH {
            return Err(format!("the scope `{name}` refers to itself"));
        }
        match self.scopes.get(name) {
            None => Err(format!("the scope `{name}` is not declared")),
            Some(Scope::Any { any }) => any
                .iter()
                .try_for_each(|n| self.validate_scope(n, depth + 1)),
            Some(Scope::Rows { conditions, .. }) => {
                for condition in conditions {
                    match condition.test() {
                        None => {
                            return Err(format!("a condition of the scope `{name}` is malformed"));
                        }
                        Some(RowTest::In(s) | RowTest::NotIn(s)) => {
                            self.validate_scope(s, depth + 1)?;
                        }
                        Some(_) => {}
                    }
                }
                Ok(())
            }
        }
    }

    /// The embedded declaration; an error only if the shipped file is broken
    /// (a test parses it, so a release never is).
    pub fn embedded() -> Result<&'static Grants, String> {
        static EMBEDDED: LazyLock<Result<Grants, String>> =
            LazyLock::new(|| Grants::parse(GRANTS_JSON));
        EMBEDDED.as_ref().map_err(Clone::clone)
    }

    /// The table's grant, if any.
    pub fn table(&self, name: &str) -> Option<&TableGrant> {
        self.tables.get(name)
    }

    /// The grant of a cell kind, if it may be decrypted.
    pub fn decrypt_grant(&self, table: &str, column: &str) -> Option<&DecryptGrant> {
        self.decrypt
            .iter()
            .find(|g| g.table == table && g.column == column)
    }

    /// Whether the cell kind may be decrypted.
    pub fn may_decrypt(&self, table: &str, column: &str) -> bool {
        self.decrypt_grant(table, column).is_some()
    }

    /// Whether the localAPI command may run.
    pub fn may_call(&self, command: &str) -> bool {
        self.local_api.contains_key(command)
    }
}

/// Whether the embedder's copy of the grants says what this host enforces.
pub fn check_same(theirs: &serde_json::Value) -> Result<(), String> {
    let ours = Grants::embedded()?;
    let theirs: Grants = serde_json::from_value(theirs.clone())
        .map_err(|e| format!("the PHP bridge's grants.json cannot be read: {e}"))?;
    if theirs == *ours {
        Ok(())
    } else {
        Err(
            "the PHP bridge's grants.json differs from the grants built into this host; \
             install the module's files and its host from one release"
                .into(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_grants_parse() {
        let grants = Grants::embedded().expect("grants.json parses");
        assert!(grants.table("tbladmins").is_none());
        let clients = grants.table("tblclients").expect("tblclients is granted");
        assert!(
            clients
                .select
                .as_ref()
                .is_some_and(|c| !c.allows("password"))
        );
        assert!(clients.update.is_none() && clients.insert.is_none() && !clients.delete);
    }

    #[test]
    fn a_malformed_column_grant_is_refused() {
        let text = r#"{"tables": {"t": {"select": "everything"}}}"#;
        assert!(Grants::parse(text).is_err());
        let text = r#"{"tables": {"t": {"selects": "*"}}}"#;
        assert!(Grants::parse(text).is_err());
    }

    #[test]
    fn a_core_table_without_a_row_filter_is_refused() {
        let mut grants: serde_json::Value = serde_json::from_str(GRANTS_JSON).expect("json");
        grants["tables"]["tblhosting"]["rows"]
            .as_object_mut()
            .expect("rows")
            .remove("update");
        let refused = Grants::parse(&grants.to_string()).expect_err("refused");
        assert!(
            refused.contains("`tblhosting` has no row filter for update"),
            "{refused}"
        );
    }

    #[test]
    fn a_scope_that_refers_to_itself_is_refused() {
        let mut grants: serde_json::Value = serde_json::from_str(GRANTS_JSON).expect("json");
        grants["scopes"]["products"]["where"]
            .as_array_mut()
            .expect("where")
            .push(serde_json::json!({"column": "id", "in": "services"}));
        let refused = Grants::parse(&grants.to_string()).expect_err("refused");
        assert!(refused.contains("refers to itself"), "{refused}");
    }

    /// The grants name the module where they keep statements to its rows
    /// (`tbladdonmodules.module`, `tblproducts.servertype`): that name is
    /// facts.json's, and a renamed module must not keep the old one here.
    #[test]
    fn the_grants_name_the_module_as_facts_json_does() {
        fn walk(value: &serde_json::Value, found: &mut Vec<String>) {
            match value {
                serde_json::Value::Object(map) => {
                    let column = map.get("column").and_then(|c| c.as_str());
                    if matches!(column, Some("module" | "servertype")) {
                        for key in ["eq", "ne"] {
                            if let Some(name) = map.get(key).and_then(|v| v.as_str()) {
                                found.push(name.to_string());
                            }
                        }
                    }
                    for (key, inner) in map {
                        if key == "pin" {
                            for column in ["module", "servertype"] {
                                if let Some(name) = inner.get(column).and_then(|v| v.as_str()) {
                                    found.push(name.to_string());
                                }
                            }
                        }
                        walk(inner, found);
                    }
                }
                serde_json::Value::Array(items) => items.iter().for_each(|i| walk(i, found)),
                _ => {}
            }
        }
        let grants: serde_json::Value = serde_json::from_str(GRANTS_JSON).expect("json");
        let mut found = Vec::new();
        walk(&grants, &mut found);
        assert!(
            found.len() >= 5,
            "the module is named in the grants: {found:?}"
        );
        assert!(
            found.iter().all(|name| name == hostkey_facts::MODULE_NAME),
            "{found:?}"
        );
    }
}
