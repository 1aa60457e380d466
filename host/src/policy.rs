//! What the component may touch, checked before any backend sees a request:
//! the grants (`grants.rs`) per table, operation and column, pinned rows,
//! typed column defaults, decryptable cells, localAPI commands, HTTP hosts.
//! PHP's `Capability\Grants` applies the same rules again (docs/security.md).

use crate::bindings::db::{
    ColumnDef, ColumnDefault, ColumnKind, Comparison, Condition, DeleteStatement, InsertStatement,
    SelectStatement, TableDef, UpdateRowsStatement, UpdateStatement, Value,
};
use crate::grants::{Grants, TableGrant};

/// Prefix of the tables the module owns and may create.
pub const OWN_TABLE_PREFIX: &str = "mod_hostkeyresellermod";

/// Longest text default, and the characters it may use.
pub const DEFAULT_TEXT_MAX: usize = 64;
fn default_text_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, ' ' | '_' | '.' | ',' | ':' | '%' | '-')
}

/// A refused request, as one sentence.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum PolicyError {
    /// The table has no grant.
    #[error("the table `{0}` is not one this module may use")]
    TableNotAllowed(String),
    /// The table's grant lacks the operation.
    #[error("this module may not {op} rows of `{table}`")]
    OperationNotAllowed {
        /// The table.
        table: String,
        /// The operation (select, insert, update, delete).
        op: &'static str,
    },
    /// A column outside the grant of the operation.
    #[error("this module may not {op} the column `{table}`.`{column}`")]
    ColumnNotAllowed {
        /// The table.
        table: String,
        /// The column.
        column: String,
        /// The operation.
        op: &'static str,
    },
    /// A select without columns on a table with a column grant.
    #[error("a select on `{0}` must name the columns it reads")]
    EveryColumn(String),
    /// An update or delete that does not name the rows it touches.
    #[error(
        "the {op} on `{table}` must pin its rows with an `eq` or a non-empty `in-list` condition"
    )]
    Unpinned {
        /// The table.
        table: String,
        /// The operation.
        op: &'static str,
    },
    /// A statement without the condition the table's grant pins.
    #[error("statements on `{table}` must carry the condition `{column}` = '{value}'")]
    PinMissing {
        /// The table.
        table: String,
        /// The pinned column.
        column: String,
        /// The pinned value.
        value: String,
    },
    /// A name that is not a plain identifier.
    #[error("`{0}` is not a valid column or table name")]
    BadIdentifier(String),
    /// A column default that does not fit its column.
    #[error("the default of the column `{column}` is refused: {reason}")]
    BadDefault {
        /// The column.
        column: String,
        /// Why.
        reason: String,
    },
    /// A cell kind `platform.decrypt` may not open.
    #[error("this module may not decrypt `{table}`.`{column}`")]
    DecryptNotAllowed {
        /// The table.
        table: String,
        /// The column.
        column: String,
    },
    /// A value that would hand a row to another module (or take one from it).
    #[error("this module may not set `{table}`.`{column}` to a value outside its own rows")]
    NotOurRow {
        /// The table.
        table: String,
        /// The column assigned.
        column: String,
    },
    /// An inserted row that is not the module's own.
    #[error(
        "this module may only insert rows of `{0}` that belong to its own products and services"
    )]
    NotOurInsert(String),
    /// An update or delete that does not name its rows by a key.
    #[error(
        "the {op} on `{table}` must name its rows by {keys} (an `eq` or a non-empty `in-list`)"
    )]
    Unkeyed {
        /// The table.
        table: String,
        /// The operation.
        op: &'static str,
        /// The key columns.
        keys: String,
    },
    /// A cell of a row that is not the module's.
    #[error(
        "this module may not decrypt `{table}`.`{column}` of row {id}: the row is not one of its own"
    )]
    DecryptNotOurs {
        /// The table.
        table: String,
        /// The column.
        column: String,
        /// The row.
        id: i64,
    },
    /// A localAPI command with other parameters than its grant names.
    #[error("the WHMCS API command `{command}` takes exactly the parameters {params}")]
    CommandParams {
        /// The command.
        command: String,
        /// The parameters it takes.
        params: String,
    },
    /// A localAPI parameter whose value is outside its scope.
    #[error("the WHMCS API command `{command}` may not be called with that `{param}`")]
    CommandValue {
        /// The command.
        command: String,
        /// The parameter.
        param: String,
    },
    /// A localAPI command outside the grants.
    #[error("this module may not call the WHMCS API command `{0}`")]
    CommandNotAllowed(String),
    /// A host outside the HTTP allow-list.
    #[error("the host `{0}` is not on the HTTP allow-list")]
    HostNotAllowed(String),
    /// The grants themselves cannot be read.
    #[error("{0}")]
    Grants(String),
    /// A lock name outside the module's own.
    #[error(
        "`{0}` is not a lock name of this module ({module}..., at most {max} letters, digits or `{punctuation}`)",
        module = hostkey_facts::MODULE_NAME,
        max = hostkey_facts::LOCK_NAME_MAX_LENGTH,
        punctuation = hostkey_facts::LOCK_NAME_PUNCTUATION
    )]
    BadLockName(String),
}

impl PolicyError {
    /// Shapes that are malformed whatever the grants say (the contract's `invalid`).
    pub fn is_malformed(&self) -> bool {
        matches!(
            self,
            PolicyError::BadIdentifier(_)
                | PolicyError::BadDefault { .. }
                | PolicyError::EveryColumn(_)
                | PolicyError::Unpinned { .. }
                | PolicyError::Unkeyed { .. }
        )
    }
}

/// Identifiers are plain names: letters, digits and underscores.
pub fn check_identifier(name: &str) -> Result<(), PolicyError> {
    let mut chars = name.chars();
    let first_ok = chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_');
    if first_ok && name.len() <= 64 && chars.all(|c| c.is_ascii_alphanumeric() || c == '_') {
        Ok(())
    } else {
        Err(PolicyError::BadIdentifier(name.to_string()))
    }
}

/// Lock names are the module's own (the rule of facts.json, `hostkey_facts`).
pub fn check_lock_name(name: &str) -> Result<(), PolicyError> {
    if hostkey_facts::lock_name_fits(name) {
        Ok(())
    } else {
        Err(PolicyError::BadLockName(name.to_string()))
    }
}

/// The host part of an allow-list entry or URL, lower-cased.
pub fn check_host(host: &str, allow: &[String]) -> Result<(), PolicyError> {
    let host = host
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_ascii_lowercase();
    if allow.iter().any(|a| a.eq_ignore_ascii_case(&host)) {
        Ok(())
    } else {
        Err(PolicyError::HostNotAllowed(host))
    }
}

/// A column default that can go into DDL as is (see the contract's `column-default`).
pub fn check_default(column: &ColumnDef) -> Result<(), PolicyError> {
    let refuse = |reason: &str| PolicyError::BadDefault {
        column: column.name.clone(),
        reason: reason.to_string(),
    };
    let Some(default) = &column.default else {
        return Ok(());
    };
    match (column.kind, default) {
        (ColumnKind::Integer | ColumnKind::BigInteger, ColumnDefault::Integer(_)) => Ok(()),
        (ColumnKind::Money, ColumnDefault::Integer(_)) => Ok(()),
        (ColumnKind::Money, ColumnDefault::Decimal(text)) => {
            if is_decimal(text) {
                Ok(())
            } else {
                Err(refuse(
                    "a decimal default is digits with at most 2 decimals",
                ))
            }
        }
        (ColumnKind::ShortText | ColumnKind::Text, ColumnDefault::ShortText(text)) => {
            if text.chars().count() <= DEFAULT_TEXT_MAX && text.chars().all(default_text_char) {
                Ok(())
            } else {
                Err(refuse(
                    "a text default is at most 64 letters, digits, spaces and _ . , : % -",
                ))
            }
        }
        _ => Err(refuse("the default does not fit the column's kind")),
    }
}

/// `-?digits(.d{1,2})?`, at most 14 integer digits: fits `decimal(16,2)`.
fn is_decimal(text: &str) -> bool {
    let unsigned = text.strip_prefix('-').unwrap_or(text);
    let (whole, cents) = match unsigned.split_once('.') {
        Some((w, c)) => (w, Some(c)),
        None => (unsigned, None),
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    digits(whole) && whole.len() <= 14 && cents.is_none_or(|c| digits(c) && c.len() <= 2)
}

/// Whether the conditions single out rows: an `eq` with a value or a
/// non-empty `in-list`, on one of `keys` when the table declares them.
/// `not-in-list`, ranges and `like` do not.
fn pins_rows(conditions: &[Condition], keys: &[String]) -> bool {
    let keyed = |c: &Condition| keys.is_empty() || keys.contains(&c.column);
    conditions
        .iter()
        .filter(|c| keyed(c))
        .any(|c| match c.comparison {
            Comparison::Eq => c.values.len() == 1 && !matches!(c.values[0], Value::Null),
            Comparison::InList => !c.values.is_empty(),
            _ => false,
        })
}

fn identifiers<'a>(names: impl IntoIterator<Item = &'a str>) -> Result<(), PolicyError> {
    names.into_iter().try_for_each(check_identifier)
}

impl Grants {
    fn granted(&self, table: &str) -> Result<&TableGrant, PolicyError> {
        check_identifier(table).map_err(|_| PolicyError::TableNotAllowed(table.to_string()))?;
        self.table(table)
            .ok_or_else(|| PolicyError::TableNotAllowed(table.to_string()))
    }

    /// Columns named by conditions and orderings must be readable: a
    /// condition on a secret column would be an oracle for its value.
    fn readable<'a>(
        &self,
        table: &str,
        grant: &TableGrant,
        columns: impl IntoIterator<Item = &'a str>,
    ) -> Result<(), PolicyError> {
        for column in columns {
            check_identifier(column)?;
            if !grant.select.as_ref().is_some_and(|c| c.allows(column)) {
                return Err(PolicyError::ColumnNotAllowed {
                    table: table.into(),
                    column: column.into(),
                    op: "read",
                });
            }
        }
        Ok(())
    }

    fn pinned(
        &self,
        table: &str,
        grant: &TableGrant,
        conditions: &[Condition],
    ) -> Result<(), PolicyError> {
        for (column, value) in &grant.pin {
            let carried = conditions.iter().any(|c| {
                c.column == *column
                    && c.comparison == Comparison::Eq
                    && matches!(c.values.as_slice(), [Value::Text(v)] if v == value)
            });
            if !carried {
                return Err(PolicyError::PinMissing {
                    table: table.into(),
                    column: column.clone(),
                    value: value.clone(),
                });
            }
        }
        Ok(())
    }

    fn writable<'a>(
        table: &str,
        grant: Option<&crate::grants::Columns>,
        op: &'static str,
        columns: impl IntoIterator<Item = &'a str>,
    ) -> Result<(), PolicyError> {
        let Some(allowed) = grant else {
            return Err(PolicyError::OperationNotAllowed {
                table: table.into(),
                op,
            });
        };
        for column in columns {
            check_identifier(column)?;
            if !allowed.allows(column) {
                return Err(PolicyError::ColumnNotAllowed {
                    table: table.into(),
                    column: column.into(),
                    op,
                });
            }
        }
        Ok(())
    }

    /// An update or delete names its rows: by one of the table's keys when it
    /// declares them (an `eq` on any column could match every module's rows).
    fn keyed(
        table: &str,
        grant: &TableGrant,
        op: &'static str,
        conditions: &[Condition],
    ) -> Result<(), PolicyError> {
        if pins_rows(conditions, &grant.keys) {
            Ok(())
        } else if grant.keys.is_empty() || !pins_rows(conditions, &[]) {
            Err(PolicyError::Unpinned {
                table: table.into(),
                op,
            })
        } else {
            Err(PolicyError::Unkeyed {
                table: table.into(),
                op,
                keys: grant
                    .keys
                    .iter()
                    .map(|k| format!("`{k}`"))
                    .collect::<Vec<_>>()
                    .join(" or "),
            })
        }
    }

    /// A select that stays within the grants.
    pub fn check_select(&self, s: &SelectStatement) -> Result<(), PolicyError> {
        let grant = self.granted(&s.table)?;
        let Some(readable) = &grant.select else {
            return Err(PolicyError::OperationNotAllowed {
                table: s.table.clone(),
                op: "read",
            });
        };
        if s.columns.is_empty() && !readable.is_all() {
            return Err(PolicyError::EveryColumn(s.table.clone()));
        }
        let named = s.columns.iter().map(String::as_str);
        let ordered = s.order.iter().map(|o| o.column.as_str());
        let conditions = s.conditions.iter().map(|c| c.column.as_str());
        self.readable(&s.table, grant, named.chain(ordered).chain(conditions))?;
        self.pinned(&s.table, grant, &s.conditions)
    }

    /// An insert that stays within the grants.
    pub fn check_insert(&self, s: &InsertStatement) -> Result<(), PolicyError> {
        let grant = self.granted(&s.table)?;
        let columns = s.columns.iter().map(String::as_str);
        Self::writable(&s.table, grant.insert.as_ref(), "insert", columns)?;
        for (column, value) in &grant.pin {
            let index = s.columns.iter().position(|c| c == column);
            let every_row = index.is_some_and(|i| {
                s.rows
                    .iter()
                    .all(|r| matches!(r.get(i), Some(Value::Text(v)) if v == value))
            });
            if !every_row {
                return Err(PolicyError::PinMissing {
                    table: s.table.clone(),
                    column: column.clone(),
                    value: value.clone(),
                });
            }
        }
        Ok(())
    }

    /// An update that stays within the grants and pins its rows.
    pub fn check_update(&self, s: &UpdateStatement) -> Result<(), PolicyError> {
        let grant = self.granted(&s.table)?;
        let assigned = s.assignments.iter().map(|(c, _)| c.as_str());
        Self::writable(&s.table, grant.update.as_ref(), "update", assigned)?;
        if let Some((column, _)) = s
            .assignments
            .iter()
            .find(|(c, _)| grant.pin.contains_key(c))
        {
            return Err(PolicyError::ColumnNotAllowed {
                table: s.table.clone(),
                column: column.clone(),
                op: "update",
            });
        }
        let conditions = s.conditions.iter().map(|c| c.column.as_str());
        self.readable(&s.table, grant, conditions)?;
        Self::keyed(&s.table, grant, "update", &s.conditions)?;
        self.pinned(&s.table, grant, &s.conditions)
    }

    /// An update-rows that stays within the grants.
    pub fn check_update_rows(&self, s: &UpdateRowsStatement) -> Result<(), PolicyError> {
        let grant = self.granted(&s.table)?;
        let columns = s.columns.iter().map(String::as_str);
        Self::writable(&s.table, grant.update.as_ref(), "update", columns)?;
        self.readable(&s.table, grant, [s.key.as_str()])?;
        if let Some((column, value)) = grant.pin.iter().next() {
            // Rows picked by key alone cannot carry the table's pinned condition.
            return Err(PolicyError::PinMissing {
                table: s.table.clone(),
                column: column.clone(),
                value: value.clone(),
            });
        }
        if !grant.keys.is_empty() && !grant.keys.contains(&s.key) {
            return Err(PolicyError::Unkeyed {
                table: s.table.clone(),
                op: "update",
                keys: grant.keys.join(", "),
            });
        }
        if s.columns.contains(&s.key) {
            return Err(PolicyError::ColumnNotAllowed {
                table: s.table.clone(),
                column: s.key.clone(),
                op: "update",
            });
        }
        Ok(())
    }

    /// A delete that is granted and pins its rows.
    pub fn check_delete(&self, s: &DeleteStatement) -> Result<(), PolicyError> {
        let grant = self.granted(&s.table)?;
        if !grant.delete {
            return Err(PolicyError::OperationNotAllowed {
                table: s.table.clone(),
                op: "delete",
            });
        }
        let conditions = s.conditions.iter().map(|c| c.column.as_str());
        self.readable(&s.table, grant, conditions)?;
        Self::keyed(&s.table, grant, "delete", &s.conditions)?;
        self.pinned(&s.table, grant, &s.conditions)
    }

    /// Asking about a granted table.
    pub fn check_table_exists(&self, table: &str) -> Result<(), PolicyError> {
        self.granted(table).map(|_| ())
    }

    /// Creating a table of the module, with valid defaults.
    pub fn check_create(&self, d: &TableDef) -> Result<(), PolicyError> {
        let grant = self.granted(&d.name)?;
        if !grant.create || !d.name.starts_with(OWN_TABLE_PREFIX) {
            return Err(PolicyError::OperationNotAllowed {
                table: d.name.clone(),
                op: "create",
            });
        }
        identifiers(d.columns.iter().map(|c| c.name.as_str()))?;
        for column in &d.columns {
            check_default(column)?;
        }
        for index in &d.indexes {
            for column in index {
                check_identifier(column)?;
                if !d.columns.iter().any(|c| c.name == *column) {
                    return Err(PolicyError::BadIdentifier(column.clone()));
                }
            }
        }
        Ok(())
    }

    /// Decrypting a granted cell kind.
    pub fn check_decrypt(&self, table: &str, column: &str) -> Result<(), PolicyError> {
        if self.may_decrypt(table, column) {
            Ok(())
        } else {
            Err(PolicyError::DecryptNotAllowed {
                table: table.into(),
                column: column.into(),
            })
        }
    }

    /// Running a granted localAPI command.
    pub fn check_local_api(&self, command: &str) -> Result<(), PolicyError> {
        if self.may_call(command) {
            Ok(())
        } else {
            Err(PolicyError::CommandNotAllowed(
                command.chars().take(64).collect(),
            ))
        }
    }
}

/// The embedded grants, or the refusal every request gets if they are broken.
pub fn grants() -> Result<&'static Grants, PolicyError> {
    Grants::embedded().map_err(PolicyError::Grants)
}

pub mod rows;

#[cfg(test)]
mod tests;
