//! ShoppingCartValidateCheckout: the root password of each of the module's
//! products in the cart must meet HOSTKEY's rules (the public module's
//! checks, in its order; the first failure is the message).

use crate::capabilities::Db;
use crate::capabilities::db::{Condition, DbError, Select, Value};
use crate::catalog::specs::MODULE_NAME;

/// The first rule the password breaks, as one sentence.
pub fn password_problem(password: &str) -> Option<&'static str> {
    let special = |c: char| matches!(c, '%' | '-' | '_' | '+');
    let len = password.chars().count();
    if !(8..=30).contains(&len) {
        return Some("The root password must be 8 to 30 characters long.");
    }
    if !password
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || special(c))
    {
        return Some("The root password may contain only letters, digits and % - _ +.");
    }
    if !password.chars().any(|c| c.is_ascii_uppercase()) {
        return Some("The root password needs at least one capital letter.");
    }
    if !password.chars().any(|c| c.is_ascii_lowercase()) {
        return Some("The root password needs at least one lower-case letter.");
    }
    if !password.chars().any(|c| c.is_ascii_digit()) {
        return Some("The root password needs at least one digit.");
    }
    if !password.chars().any(special) {
        return Some("The root password needs at least one of % - _ +.");
    }
    if password.starts_with(special) {
        return Some("The root password must not start with % - _ or +.");
    }
    None
}

/// One message per product of this module whose password fails.
pub fn validate(db: &mut dyn Db, items: &[(i64, Option<String>)]) -> Result<Vec<String>, DbError> {
    if items.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<Value> = items.iter().map(|(id, _)| Value::Int(*id)).collect();
    let rows = db.select(
        &Select::from("tblproducts", &["id", "name"])
            .filter(Condition::in_list("id", ids))
            .filter(Condition::eq("servertype", Value::text(MODULE_NAME))),
    )?;
    let ours: Vec<(i64, String)> = (0..rows.len())
        .filter_map(|i| Some((rows.get(i, "id").as_int()?, rows.get(i, "name").as_text())))
        .collect();
    Ok(items
        .iter()
        .filter_map(|(id, password)| {
            let (_, name) = ours.iter().find(|(p, _)| p == id)?;
            let problem = password_problem(password.as_deref().unwrap_or_default())?;
            Some(format!("{name}: {problem}"))
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::password_problem;

    #[test]
    fn the_rules_in_order() {
        assert_eq!(password_problem("Good-Pass1"), None);
        assert_eq!(
            password_problem("G-p1"),
            Some("The root password must be 8 to 30 characters long.")
        );
        assert_eq!(
            password_problem("Bad Pass-12"),
            Some("The root password may contain only letters, digits and % - _ +.")
        );
        assert_eq!(
            password_problem("bad-pass12"),
            Some("The root password needs at least one capital letter.")
        );
        assert_eq!(
            password_problem("BAD-PASS12"),
            Some("The root password needs at least one lower-case letter.")
        );
        assert_eq!(
            password_problem("Bad-Passwd"),
            Some("The root password needs at least one digit.")
        );
        assert_eq!(
            password_problem("BadPass123"),
            Some("The root password needs at least one of % - _ +.")
        );
        assert_eq!(
            password_problem("-BadPass12"),
            Some("The root password must not start with % - _ or +.")
        );
        assert_eq!(
            password_problem("Pass@word1"),
            Some("The root password may contain only letters, digits and % - _ +.")
        );
    }
}
