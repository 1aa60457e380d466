//! JSON <-> component values, guided by the export's WIT types.
//!
//! This is what lets the host call any export by name: the embedder speaks
//! JSON (see docs/architecture.md) and the component speaks WIT values.

use serde_json::{Map, Number, Value as Json};
use wasmtime::component::{Type, Val};

/// Why a JSON value does not fit the WIT type it was given for.
#[derive(Debug, thiserror::Error)]
#[error("{path}: {problem}")]
pub struct ShapeError {
    /// Where in the value.
    pub path: String,
    /// What does not fit.
    pub problem: String,
}

fn shape(path: &str, problem: impl Into<String>) -> ShapeError {
    ShapeError {
        path: path.to_string(),
        problem: problem.into(),
    }
}

/// Converts `json` into a value of type `ty`; `path` names it in errors.
pub fn to_val(json: &Json, ty: &Type, path: &str) -> Result<Val, ShapeError> {
    Ok(match ty {
        Type::Bool => Val::Bool(
            json.as_bool()
                .ok_or_else(|| shape(path, "expected a boolean"))?,
        ),
        Type::S8 => Val::S8(int(json, path)?),
        Type::U8 => Val::U8(int(json, path)?),
        Type::S16 => Val::S16(int(json, path)?),
        Type::U16 => Val::U16(int(json, path)?),
        Type::S32 => Val::S32(int(json, path)?),
        Type::U32 => Val::U32(int(json, path)?),
        Type::S64 => Val::S64(int(json, path)?),
        Type::U64 => Val::U64(int(json, path)?),
        Type::Float32 => Val::Float32(float(json, path)? as f32),
        Type::Float64 => Val::Float64(float(json, path)?),
        Type::Char => {
            let s = text(json, path)?;
            let mut chars = s.chars();
            match (chars.next(), chars.next()) {
                (Some(c), None) => Val::Char(c),
                _ => return Err(shape(path, "expected one character")),
            }
        }
        Type::String => Val::String(text(json, path)?.to_string()),
        Type::List(list) => {
            let items = array(json, path)?;
            let elem = list.ty();
            let mut out = Vec::with_capacity(items.len());
            for (i, item) in items.iter().enumerate() {
                out.push(to_val(item, &elem, &format!("{path}[{i}]"))?);
            }
            Val::List(out)
        }
        Type::Record(record) => {
            let object = json
                .as_object()
                .ok_or_else(|| shape(path, "expected an object"))?;
            let mut fields = Vec::new();
            for field in record.fields() {
                let value = object.get(field.name).unwrap_or(&Json::Null);
                let field_path = format!("{path}.{}", field.name);
                if value.is_null() && !matches!(field.ty, Type::Option(_)) {
                    return Err(shape(&field_path, "is missing"));
                }
                fields.push((
                    field.name.to_string(),
                    to_val(value, &field.ty, &field_path)?,
                ));
            }
            Val::Record(fields)
        }
        Type::Tuple(tuple) => {
            let items = array(json, path)?;
            let types: Vec<Type> = tuple.types().collect();
            if items.len() != types.len() {
                return Err(shape(path, format!("expected {} items", types.len())));
            }
            let mut out = Vec::with_capacity(items.len());
            for (i, (item, ty)) in items.iter().zip(types.iter()).enumerate() {
                out.push(to_val(item, ty, &format!("{path}[{i}]"))?);
            }
            Val::Tuple(out)
        }
        Type::Variant(variant) => {
            let (name, payload) = tagged(json, path)?;
            let case = variant
                .cases()
                .find(|c| c.name == name)
                .ok_or_else(|| shape(path, format!("unknown case `{name}`")))?;
            let payload = match (case.ty, payload) {
                (None, _) => None,
                (Some(ty), Some(p)) => Some(Box::new(to_val(p, &ty, &format!("{path}.{name}"))?)),
                (Some(_), None) => {
                    return Err(shape(path, format!("case `{name}` needs a payload")));
                }
            };
            Val::Variant(name.to_string(), payload)
        }
        Type::Enum(e) => {
            let name = text(json, path)?;
            if !e.names().any(|n| n == name) {
                return Err(shape(path, format!("unknown case `{name}`")));
            }
            Val::Enum(name.to_string())
        }
        Type::Option(option) => match json {
            Json::Null => Val::Option(None),
            other => Val::Option(Some(Box::new(to_val(other, &option.ty(), path)?))),
        },
        Type::Result(result) => {
            let (name, payload) = tagged(json, path)?;
            let inner = |ty: Option<Type>| -> Result<Option<Box<Val>>, ShapeError> {
                match (ty, payload) {
                    (Some(ty), Some(p)) => {
                        Ok(Some(Box::new(to_val(p, &ty, &format!("{path}.{name}"))?)))
                    }
                    (Some(_), None) => Err(shape(path, format!("`{name}` needs a value"))),
                    (None, _) => Ok(None),
                }
            };
            match name {
                "ok" => Val::Result(Ok(inner(result.ok())?)),
                "err" => Val::Result(Err(inner(result.err())?)),
                _ => return Err(shape(path, "expected {\"ok\": ...} or {\"err\": ...}")),
            }
        }
        Type::Flags(flags) => {
            let mut out = Vec::new();
            for item in array(json, path)? {
                let name = text(item, path)?;
                if !flags.names().any(|n| n == name) {
                    return Err(shape(path, format!("unknown flag `{name}`")));
                }
                out.push(name.to_string());
            }
            Val::Flags(out)
        }
        _ => return Err(shape(path, "this WIT type is not used by the contract")),
    })
}

/// Converts a component value to JSON; values carry their own names.
pub fn from_val(val: &Val) -> Json {
    match val {
        Val::Bool(b) => Json::Bool(*b),
        Val::S8(n) => Json::from(*n),
        Val::U8(n) => Json::from(*n),
        Val::S16(n) => Json::from(*n),
        Val::U16(n) => Json::from(*n),
        Val::S32(n) => Json::from(*n),
        Val::U32(n) => Json::from(*n),
        Val::S64(n) => Json::from(*n),
        Val::U64(n) => Json::from(*n),
        Val::Float32(f) => Number::from_f64(f64::from(*f)).map_or(Json::Null, Json::Number),
        Val::Float64(f) => Number::from_f64(*f).map_or(Json::Null, Json::Number),
        Val::Char(c) => Json::String(c.to_string()),
        Val::String(s) => Json::String(s.clone()),
        Val::List(items) | Val::Tuple(items) | Val::FixedLengthList(items) => {
            Json::Array(items.iter().map(from_val).collect())
        }
        Val::Record(fields) => Json::Object(
            fields
                .iter()
                .map(|(name, v)| (name.clone(), from_val(v)))
                .collect::<Map<_, _>>(),
        ),
        Val::Variant(name, None) | Val::Enum(name) => Json::String(name.clone()),
        Val::Variant(name, Some(payload)) => single(name, from_val(payload)),
        Val::Option(None) => Json::Null,
        Val::Option(Some(v)) => from_val(v),
        Val::Result(Ok(v)) => single("ok", v.as_deref().map_or(Json::Null, from_val)),
        Val::Result(Err(v)) => single("err", v.as_deref().map_or(Json::Null, from_val)),
        Val::Flags(names) => Json::Array(names.iter().cloned().map(Json::String).collect()),
        Val::Map(pairs) => Json::Array(
            pairs
                .iter()
                .map(|(k, v)| Json::Array(vec![from_val(k), from_val(v)]))
                .collect(),
        ),
        Val::Resource(_) | Val::Future(_) | Val::Stream(_) | Val::ErrorContext(_) => Json::Null,
    }
}

fn single(name: &str, value: Json) -> Json {
    let mut map = Map::new();
    map.insert(name.to_string(), value);
    Json::Object(map)
}

fn int<T: TryFrom<i64> + TryFrom<u64>>(json: &Json, path: &str) -> Result<T, ShapeError> {
    let converted = match json {
        Json::Number(n) if n.is_i64() => n.as_i64().and_then(|v| T::try_from(v).ok()),
        Json::Number(n) if n.is_u64() => n.as_u64().and_then(|v| T::try_from(v).ok()),
        _ => return Err(shape(path, "expected an integer")),
    };
    converted.ok_or_else(|| shape(path, "integer out of range"))
}

fn float(json: &Json, path: &str) -> Result<f64, ShapeError> {
    json.as_f64()
        .ok_or_else(|| shape(path, "expected a number"))
}

fn text<'a>(json: &'a Json, path: &str) -> Result<&'a str, ShapeError> {
    json.as_str()
        .ok_or_else(|| shape(path, "expected a string"))
}

fn array<'a>(json: &'a Json, path: &str) -> Result<&'a Vec<Json>, ShapeError> {
    json.as_array()
        .ok_or_else(|| shape(path, "expected an array"))
}

/// `"case"` or `{"case": payload}`.
fn tagged<'a>(json: &'a Json, path: &str) -> Result<(&'a str, Option<&'a Json>), ShapeError> {
    match json {
        Json::String(name) => Ok((name, None)),
        Json::Object(map) if map.len() == 1 => {
            let (name, payload) = map
                .iter()
                .next()
                .ok_or_else(|| shape(path, "empty object"))?;
            Ok((name, Some(payload)))
        }
        _ => Err(shape(path, "expected \"case\" or {\"case\": payload}")),
    }
}
