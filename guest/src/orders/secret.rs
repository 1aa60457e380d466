//! The per-install secret that signs callback URLs: created once (under a
//! named lock, so two first deliveries agree on one), kept in the module's
//! own table, never logged.

use super::signature;
use crate::capabilities::Db;
use crate::capabilities::db::{Condition, DbError, Insert, Select, Value};
use crate::catalog::specs::MODULE_RECORDS;

const KIND: &str = "callback-secret";
const LOCK: &str = "hostkeyresellermod.secret";

fn stored(db: &mut dyn Db) -> Result<Option<Vec<u8>>, DbError> {
    let rows = db.select(
        &Select::from(MODULE_RECORDS.table, &["name"])
            .filter(Condition::eq("type", Value::text(KIND))),
    )?;
    Ok((!rows.is_empty())
        .then(|| signature::secret_bytes(&rows.get(0, "name").as_text()))
        .flatten())
}

/// The secret, created from `random` when the install has none yet.
pub fn ensure(db: &mut dyn Db, random: [u8; 32]) -> Result<Vec<u8>, DbError> {
    if let Some(secret) = stored(db)? {
        return Ok(secret);
    }
    if !db.lock(LOCK, 5_000)? {
        return Err(DbError::Other(
            "another process is creating the callback secret".into(),
        ));
    }
    let result = (|| {
        if let Some(secret) = stored(db)? {
            return Ok(secret);
        }
        let hex = signature::new_secret(random);
        db.insert(&Insert {
            table: MODULE_RECORDS.table.into(),
            columns: ["type", "relid", "name", "server_type"]
                .map(String::from)
                .to_vec(),
            rows: vec![vec![
                Value::text(KIND),
                Value::Int(0),
                Value::text(hex.clone()),
                Value::text(""),
            ]],
        })?;
        Ok(signature::secret_bytes(&hex).unwrap_or_default())
    })();
    let _ = db.unlock(LOCK);
    result
}

/// The secret for checking a callback; none means no URL was ever signed
/// (or the module was never activated).
pub fn load(db: &mut dyn Db) -> Result<Option<Vec<u8>>, DbError> {
    if !db.table_exists(MODULE_RECORDS.table)? {
        return Ok(None);
    }
    stored(db)
}
