//! Reading HOSTKEY's answers as loosely as HOSTKEY writes them: a field may
//! be absent or null, an id a number or a string, a list a JSON array, one
//! object or an object keyed by id (terraform provider `types.go`:
//! `parseServerIDs`, `DeployKeysMap`, `FlexString`). Each reader never fails
//! on the shape of a value; a field the module cannot do without is checked
//! afterwards with [`essential`], which names the call and the field.

use super::ApiError;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer};
use serde_json::Value as Json;
use std::collections::BTreeMap;

/// An id from a number or a string; null, absent, `""`, `"0"` and negative
/// values are none.
pub fn id_of(value: &Json) -> Option<i64> {
    match value {
        Json::Number(n) => n.as_i64(),
        Json::String(s) => s.trim().parse().ok(),
        _ => None,
    }
    .filter(|id| *id > 0)
}

/// Text from a string or a number; null, absent and anything else are "".
pub fn text_of(value: &Json) -> String {
    match value {
        Json::String(s) => s.trim().to_string(),
        Json::Number(n) => n.to_string(),
        _ => String::new(),
    }
}

/// The items of a list the API sends as an array, as one object, or as an
/// object keyed by id (the values, in key order); null and `""` are empty.
pub fn items_of(value: Json) -> Vec<Json> {
    match value {
        Json::Array(items) => items,
        Json::Object(map) if map.values().all(Json::is_object) && !map.is_empty() => {
            map.into_values().collect()
        }
        Json::Object(map) if map.is_empty() => Vec::new(),
        object @ Json::Object(_) => vec![object],
        _ => Vec::new(),
    }
}

/// `deserialize_with`: [`id_of`].
pub fn id<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    Ok(id_of(&Json::deserialize(d)?))
}

/// `deserialize_with`: [`text_of`].
pub fn text<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    Ok(text_of(&Json::deserialize(d)?))
}

/// `deserialize_with`: money as decimal text ("12.50" or 12.5), never
/// through a binary float; the number's own digits are kept.
pub fn money<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    text(d)
}

/// `deserialize_with`: a list of ids sent as numbers, strings or objects
/// with an `id` (`parseServerIDs`), or as an object keyed by position or id
/// whose values are those; entries without an id are dropped.
pub fn ids<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<i64>, D::Error> {
    Ok(id_items(Json::deserialize(d)?)
        .iter()
        .filter_map(|item| match item {
            Json::Object(_) => item.get("id").and_then(id_of),
            other => id_of(other),
        })
        .collect())
}

/// The entries of an id list: [`items_of`]'s, except that an object without
/// an `id` of its own is a keyed list (`{"0": 10, "1": "20"}`), not one
/// server. A known server dropped here would later pass for a newcomer.
fn id_items(value: Json) -> Vec<Json> {
    match value {
        Json::Object(map) if !map.contains_key("id") => map.into_iter().map(|(_, v)| v).collect(),
        other => items_of(other),
    }
}

/// `deserialize_with`: a list of `T` in any of [`items_of`]'s shapes; an
/// entry that does not read as `T` is dropped, not the whole answer.
pub fn list<'de, D: Deserializer<'de>, T: DeserializeOwned>(d: D) -> Result<Vec<T>, D::Error> {
    Ok(items_of(Json::deserialize(d)?)
        .into_iter()
        .filter_map(|item| serde_json::from_value(item).ok())
        .collect())
}

/// `deserialize_with`: a string map sent as an object, or as `[]` when empty
/// (`deploy_keys`, `DeployKeysMap`); values that are numbers become text.
pub fn string_map<'de, D: Deserializer<'de>>(d: D) -> Result<BTreeMap<String, String>, D::Error> {
    Ok(match Json::deserialize(d)? {
        Json::Object(map) => map
            .into_iter()
            .map(|(k, v)| (k.trim().to_string(), text_of(&v)))
            .filter(|(k, v)| !k.is_empty() && !v.is_empty())
            .collect(),
        _ => BTreeMap::new(),
    })
}

/// A field the module cannot go on without: one sentence naming the call
/// and the field when it is missing.
pub fn essential<T>(value: Option<T>, call: &str, field: &str) -> Result<T, ApiError> {
    value.ok_or_else(|| ApiError::Missing {
        call: call.to_string(),
        field: field.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[derive(Deserialize)]
    struct Shapes {
        #[serde(default, deserialize_with = "id")]
        id: Option<i64>,
        #[serde(default, deserialize_with = "text")]
        name: String,
        #[serde(default, deserialize_with = "ids")]
        servers: Vec<i64>,
        #[serde(default, deserialize_with = "string_map")]
        keys: BTreeMap<String, String>,
    }

    fn read(answer: Json) -> Shapes {
        serde_json::from_value(answer).expect("never fails on a shape")
    }

    #[test]
    fn ids_come_as_numbers_strings_or_objects() {
        assert_eq!(read(json!({"id": "101"})).id, Some(101));
        assert_eq!(read(json!({"id": 101})).id, Some(101));
        for none in [json!(null), json!(""), json!("0"), json!(0), json!("x")] {
            assert_eq!(read(json!({ "id": none })).id, None);
        }
        assert_eq!(read(json!({"servers": [10, "20"]})).servers, vec![10, 20]);
        assert_eq!(
            read(json!({"servers": [{"id": 10}, {"id": "20", "status": "rent"}]})).servers,
            vec![10, 20]
        );
        assert_eq!(read(json!({"servers": null})).servers, Vec::<i64>::new());
        assert_eq!(
            read(json!({"servers": {"0": 10, "1": "20", "2": {"id": 30}}})).servers,
            vec![10, 20, 30]
        );
        assert_eq!(
            read(json!({"servers": {"id": 10, "account_id": 55500}})).servers,
            vec![10],
            "one server object: its id, never its other numbers"
        );
    }

    #[test]
    fn null_text_and_empty_maps_are_empty() {
        assert_eq!(read(json!({"name": null})).name, "");
        assert_eq!(read(json!({"name": 7})).name, "7");
        assert!(read(json!({"keys": []})).keys.is_empty());
        assert_eq!(
            read(json!({"keys": {"603548": "cb-a", "7": 5}})).keys,
            BTreeMap::from([("603548".into(), "cb-a".into()), ("7".into(), "5".into())])
        );
    }

    #[test]
    fn lists_come_as_arrays_one_object_or_keyed_objects() {
        assert_eq!(items_of(json!([{"a": 1}, {"a": 2}])).len(), 2);
        assert_eq!(items_of(json!({"a": 1})).len(), 1);
        assert_eq!(items_of(json!({"7": {"a": 1}, "8": {"a": 2}})).len(), 2);
        assert!(items_of(json!({})).is_empty());
        assert!(items_of(json!(null)).is_empty());
    }

    #[test]
    fn a_missing_essential_field_is_one_sentence() {
        let error = essential::<i64>(None, "eq/show", "server_data").expect_err("missing");
        assert_eq!(
            error.to_string(),
            "The HOSTKEY API answered eq/show without server_data, which the module needs."
        );
    }
}
