//! Import settings: per group import yes/no and markup, rounding, welcome
//! email, sort order, option markup and RU; from the module's table (the
//! original's rows) or from `import.ini`, validated with sentences that name
//! the field.

use super::group::ServerGroup;
use super::pricing::{Currency, Markup, Rounding};
use crate::capabilities::Db;
use crate::capabilities::db::{Select, Value};
use crate::error::{ModuleError, ModuleResult};
use crate::schema::module_tables::IMPORT_SETTINGS_TABLE;
use rust_decimal::Decimal;
use std::collections::BTreeMap;
use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortOrder {
    None,
    PriceAsc,
    PriceDesc,
    NameAsc,
    NameDesc,
}

impl SortOrder {
    pub fn parse(key: &str) -> Option<Self> {
        match key.trim().to_ascii_lowercase().as_str() {
            "" | "none" => Some(SortOrder::None),
            "price_asc" | "priceasc" => Some(SortOrder::PriceAsc),
            "price_desc" | "pricedesc" => Some(SortOrder::PriceDesc),
            "name_asc" | "nameasc" => Some(SortOrder::NameAsc),
            "name_desc" | "namedesc" => Some(SortOrder::NameDesc),
            _ => None,
        }
    }

    pub fn key(self) -> &'static str {
        match self {
            SortOrder::None => "none",
            SortOrder::PriceAsc => "price_asc",
            SortOrder::PriceDesc => "price_desc",
            SortOrder::NameAsc => "name_asc",
            SortOrder::NameDesc => "name_desc",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct GroupSettings {
    pub import: bool,
    pub markup: Markup,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ImportSettings {
    pub groups: BTreeMap<ServerGroup, GroupSettings>,
    pub rounding: Rounding,
    /// `tblemailtemplates.id` of the welcome email, 0 for none.
    pub welcome_email: i64,
    pub sort: SortOrder,
    /// Markup on OS, soft and traffic options too (off: sold at cost, as the original).
    pub option_markup: bool,
    /// Import the RU location (off, as the original).
    pub include_ru: bool,
}

impl Default for ImportSettings {
    fn default() -> Self {
        let at_cost = GroupSettings {
            import: true,
            markup: Markup::Percent(Decimal::ZERO),
        };
        Self {
            groups: ServerGroup::ALL
                .iter()
                .map(|g| (*g, at_cost.clone()))
                .collect(),
            rounding: Rounding::None,
            welcome_email: 0,
            sort: SortOrder::None,
            option_markup: false,
            include_ru: false,
        }
    }
}

/// One setting as text, before validation: (group or field, value).
type RawSettings = BTreeMap<String, BTreeMap<String, String>>;

fn invalid(field: &str, why: String) -> ModuleError {
    ModuleError::InvalidInput(format!("The import setting {field} {why}."))
}

fn decimal(field: &str, text: &str) -> ModuleResult<Decimal> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(Decimal::ZERO);
    }
    Decimal::from_str(text).map_err(|_| invalid(field, format!("must be a number, not \"{text}\"")))
}

fn flag(text: &str) -> bool {
    matches!(
        text.trim().to_ascii_lowercase().as_str(),
        "1" | "on" | "yes" | "true"
    )
}

impl ImportSettings {
    /// Validates raw settings against WHMCS's currencies.
    fn from_raw(raw: &RawSettings, currencies: &[Currency]) -> ModuleResult<Self> {
        let mut settings = ImportSettings::default();
        let get = |section: &str, key: &str| raw.get(section).and_then(|s| s.get(key)).cloned();
        for group in ServerGroup::ALL {
            let section = group.key();
            if raw.get(section).is_none() {
                continue;
            }
            let import = get(section, "import").is_none_or(|v| flag(&v));
            let amount = decimal(
                &format!("\"{section} markup\""),
                &get(section, "markup").unwrap_or_default(),
            )?;
            let unit = get(section, "unit")
                .unwrap_or_else(|| "%".into())
                .trim()
                .to_ascii_uppercase();
            let markup = if unit == "%" || unit.is_empty() {
                if amount.is_sign_negative() {
                    return Err(invalid(
                        &format!("\"{section} markup\""),
                        "cannot be a negative percentage".into(),
                    ));
                }
                Markup::Percent(amount)
            } else {
                if !currencies.iter().any(|c| c.code == unit) {
                    return Err(invalid(
                        &format!("\"{section} markup unit\""),
                        format!("names {unit}, which is not a WHMCS currency"),
                    ));
                }
                Markup::Fixed {
                    amount,
                    currency: unit,
                }
            };
            settings
                .groups
                .insert(group, GroupSettings { import, markup });
        }
        if let Some(round) = get("general", "round") {
            let step = decimal("\"rounding\"", &round)?;
            let setting = match step.normalize().to_string().as_str() {
                "0" => 0,
                "0.1" | "10" => 10,
                "0.25" | "4" => 4,
                "0.5" | "2" => 2,
                "1" => 1,
                other => {
                    return Err(invalid(
                        "\"rounding\"",
                        format!("must be none, 0.1, 0.25, 0.5 or 1, not {other}"),
                    ));
                }
            };
            settings.rounding = Rounding::from_setting(setting).unwrap_or(Rounding::None);
        }
        if let Some(template) = get("general", "template") {
            let t = template.trim();
            settings.welcome_email = if t.is_empty() {
                0
            } else {
                t.parse().map_err(|_| {
                    invalid(
                        "\"welcome email\"",
                        format!("must be an email template id, not \"{t}\""),
                    )
                })?
            };
        }
        if let Some(sort) = get("general", "sort") {
            settings.sort = SortOrder::parse(&sort).ok_or_else(|| {
                invalid(
                    "\"sort\"",
                    format!(
                        "must be none, price_asc, price_desc, name_asc or name_desc, not \"{}\"",
                        sort.trim()
                    ),
                )
            })?;
        }
        if let Some(v) = get("general", "option_markup") {
            settings.option_markup = flag(&v);
        }
        if let Some(v) = get("general", "include_ru") {
            settings.include_ru = flag(&v);
        }
        Ok(settings)
    }

    /// The original's rows: (group, name, currency, amount, active).
    pub fn load(db: &mut dyn Db, currencies: &[Currency]) -> ModuleResult<Self> {
        let rows = db.select(&Select::from(
            IMPORT_SETTINGS_TABLE,
            &["group", "name", "currency", "amount", "active"],
        ))?;
        let mut raw = RawSettings::new();
        for i in 0..rows.len() {
            let group = rows.get(i, "group").as_text();
            let amount = rows.get(i, "amount").as_text();
            let active = rows.get(i, "active").as_text();
            let name = rows.get(i, "name").as_text();
            let general = raw.entry("general".into()).or_default();
            match group.as_str() {
                "round" => {
                    let setting = Value::text(amount.clone()).as_int().unwrap_or(-1);
                    let step = match setting {
                        10 => "0.1",
                        4 => "0.25",
                        2 => "0.5",
                        1 => "1",
                        0 => "0",
                        _ => amount.as_str(),
                    };
                    general.insert("round".into(), step.to_string());
                }
                "template" => {
                    general.insert(
                        "template".into(),
                        amount.split('.').next().unwrap_or_default().to_string(),
                    );
                }
                "sort" => {
                    general.insert("sort".into(), name);
                }
                "optionmarkup" => {
                    general.insert("option_markup".into(), active);
                }
                "ru" => {
                    general.insert("include_ru".into(), active);
                }
                other if ServerGroup::from_key(other).is_some() => {
                    let section = raw.entry(other.to_string()).or_default();
                    section.insert("import".into(), active);
                    section.insert("markup".into(), amount);
                    section.insert("unit".into(), rows.get(i, "currency").as_text());
                }
                _ => {}
            }
        }
        Self::from_raw(&raw, currencies)
    }

    /// The admin page's settings form: `<group>_import`, `<group>_markup`,
    /// `<group>_unit`, `round`, `template`, `sort`, `option_markup`, `include_ru`.
    /// A checkbox that is not ticked is absent from the form.
    pub fn from_form(form: &[(String, String)], currencies: &[Currency]) -> ModuleResult<Self> {
        let value = |key: &str| form.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone());
        let ticked = |key: &str| {
            if value(key).is_some_and(|v| flag(&v)) {
                "1".to_string()
            } else {
                "0".to_string()
            }
        };
        let mut raw = RawSettings::new();
        for group in ServerGroup::ALL {
            let section = raw.entry(group.key().to_string()).or_default();
            section.insert("import".into(), ticked(&format!("{}_import", group.key())));
            section.insert(
                "markup".into(),
                value(&format!("{}_markup", group.key())).unwrap_or_default(),
            );
            section.insert(
                "unit".into(),
                value(&format!("{}_unit", group.key())).unwrap_or_else(|| "%".into()),
            );
        }
        let general = raw.entry("general".into()).or_default();
        for key in ["round", "template", "sort"] {
            general.insert(key.into(), value(key).unwrap_or_default());
        }
        general.insert("option_markup".into(), ticked("option_markup"));
        general.insert("include_ru".into(), ticked("include_ru"));
        Self::from_raw(&raw, currencies)
    }

    /// Stores the settings in the original's rows, one per group, in one transaction.
    pub fn save(&self, db: &mut dyn Db) -> ModuleResult<()> {
        let rows = self.rows();
        crate::capabilities::db::in_transaction(db, |db| {
            let existing = db.select(&Select::from(IMPORT_SETTINGS_TABLE, &["id", "group"]))?;
            let ids: BTreeMap<String, i64> = (0..existing.len())
                .rev()
                .filter_map(|i| {
                    Some((
                        existing.get(i, "group").as_text(),
                        existing.get(i, "id").as_int()?,
                    ))
                })
                .collect();
            let columns: Vec<String> = ["name", "currency", "amount", "active"]
                .map(String::from)
                .to_vec();
            let mut updates = Vec::new();
            let mut inserts = Vec::new();
            for (group, values) in rows {
                match ids.get(group) {
                    Some(id) => {
                        updates.push(std::iter::once(Value::Int(*id)).chain(values).collect())
                    }
                    None => {
                        inserts.push(std::iter::once(Value::text(group)).chain(values).collect())
                    }
                }
            }
            if !updates.is_empty() {
                db.update_rows(&crate::capabilities::db::UpdateRows {
                    table: IMPORT_SETTINGS_TABLE.into(),
                    key: "id".into(),
                    columns: columns.clone(),
                    rows: updates,
                })?;
            }
            if !inserts.is_empty() {
                let mut with_group = vec!["group".to_string()];
                with_group.extend(columns);
                db.insert(&crate::capabilities::db::Insert {
                    table: IMPORT_SETTINGS_TABLE.into(),
                    columns: with_group,
                    rows: inserts,
                })?;
            }
            Ok::<(), ModuleError>(())
        })
    }

    /// (group, [name, currency, amount, active]) in the original's layout.
    fn rows(&self) -> Vec<(&'static str, Vec<Value>)> {
        let mut rows = Vec::new();
        for group in ServerGroup::ALL {
            let settings = &self.groups[&group];
            let (currency, amount) = match &settings.markup {
                Markup::Percent(p) => ("%".to_string(), *p),
                Markup::Fixed { amount, currency } => (currency.clone(), *amount),
            };
            rows.push((
                group.key(),
                vec![
                    Value::text(group.title()),
                    Value::text(currency),
                    Value::text(amount.to_string()),
                    Value::Int(i64::from(settings.import)),
                ],
            ));
        }
        let flag_row = |name: &str, on: bool| {
            vec![
                Value::text(name),
                Value::text(""),
                Value::Int(0),
                Value::Int(i64::from(on)),
            ]
        };
        rows.push((
            "round",
            vec![
                Value::text("round"),
                Value::text(""),
                Value::Int(self.rounding.setting()),
                Value::Int(1),
            ],
        ));
        rows.push((
            "template",
            vec![
                Value::text("template"),
                Value::text(""),
                Value::Int(self.welcome_email),
                Value::Int(1),
            ],
        ));
        rows.push((
            "sort",
            vec![
                Value::text(self.sort.key()),
                Value::text(""),
                Value::Int(0),
                Value::Int(1),
            ],
        ));
        rows.push(("optionmarkup", flag_row("optionmarkup", self.option_markup)));
        rows.push(("ru", flag_row("ru", self.include_ru)));
        rows
    }

    /// `import.ini`: sections `[vps]`, `[bm]`, `[gpu]` (import, markup, unit) and
    /// `[general]` (round, template, sort, option_markup, include_ru).
    pub fn from_ini(text: &str, currencies: &[Currency]) -> ModuleResult<Self> {
        let mut raw = RawSettings::new();
        let mut section = String::from("general");
        for (n, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with(';') || line.starts_with('#') {
                continue;
            }
            if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
                section = name.trim().to_ascii_lowercase();
                continue;
            }
            let (key, value) = line.split_once('=').ok_or_else(|| {
                ModuleError::InvalidInput(format!(
                    "import.ini line {} is not of the form key = value.",
                    n + 1
                ))
            })?;
            let value = value.trim().trim_matches('"').to_string();
            raw.entry(section.clone())
                .or_default()
                .insert(key.trim().to_ascii_lowercase(), value);
        }
        Self::from_raw(&raw, currencies)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn currencies() -> Vec<Currency> {
        ["EUR", "USD"]
            .iter()
            .enumerate()
            .map(|(i, code)| Currency {
                id: i as i64 + 1,
                code: (*code).into(),
                rate: Decimal::ONE,
                default: i == 0,
            })
            .collect()
    }

    #[test]
    fn reads_an_ini() {
        let ini = "[vps]\nimport = 1\nmarkup = 10\nunit = %\n[bm]\nimport=0\n[gpu]\nmarkup = 5\nunit = usd\n[general]\nround = 0.25\nsort = price_desc\ntemplate = 7\n";
        let s = ImportSettings::from_ini(ini, &currencies()).expect("valid");
        assert_eq!(
            s.groups[&ServerGroup::Vps].markup,
            Markup::Percent(Decimal::from(10))
        );
        assert!(!s.groups[&ServerGroup::Bm].import);
        assert_eq!(
            s.groups[&ServerGroup::Gpu].markup,
            Markup::Fixed {
                amount: Decimal::from(5),
                currency: "USD".into()
            }
        );
        assert_eq!(s.rounding, Rounding::Steps(4));
        assert_eq!(s.sort, SortOrder::PriceDesc);
        assert_eq!(s.welcome_email, 7);
    }

    #[test]
    fn bad_values_name_their_field() {
        let cases = [
            (
                "[vps]\nmarkup = -5\n",
                "The import setting \"vps markup\" cannot be a negative percentage.",
            ),
            (
                "[bm]\nmarkup = 5\nunit = XYZ\n",
                "The import setting \"bm markup unit\" names XYZ, which is not a WHMCS currency.",
            ),
            (
                "[general]\nsort = cheapest\n",
                "The import setting \"sort\" must be none, price_asc, price_desc, name_asc or name_desc, not \"cheapest\".",
            ),
            (
                "[general]\nround = 0.3\n",
                "The import setting \"rounding\" must be none, 0.1, 0.25, 0.5 or 1, not 0.3.",
            ),
            (
                "[gpu]\nmarkup = lots\n",
                "The import setting \"gpu markup\" must be a number, not \"lots\".",
            ),
            (
                "just text\n",
                "import.ini line 1 is not of the form key = value.",
            ),
        ];
        for (ini, expected) in cases {
            let error = ImportSettings::from_ini(ini, &currencies()).expect_err("refused");
            assert_eq!(error.to_string(), expected);
        }
    }
}
