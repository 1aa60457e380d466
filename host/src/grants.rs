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
}

/// One cell kind `platform.decrypt` may open.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DecryptGrant {
    /// The table.
    pub table: String,
    /// The column.
    pub column: String,
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
    /// The localAPI commands `platform.local-api` may run.
    #[serde(default, rename = "local-api")]
    pub local_api: Vec<String>,
}

impl Grants {
    /// Reads grants from JSON text.
    pub fn parse(text: &str) -> Result<Self, String> {
        serde_json::from_str(text).map_err(|e| format!("the grants cannot be read: {e}"))
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

    /// Whether the cell kind may be decrypted.
    pub fn may_decrypt(&self, table: &str, column: &str) -> bool {
        self.decrypt
            .iter()
            .any(|g| g.table == table && g.column == column)
    }

    /// Whether the localAPI command may run.
    pub fn may_call(&self, command: &str) -> bool {
        self.local_api.iter().any(|c| c == command)
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
}
