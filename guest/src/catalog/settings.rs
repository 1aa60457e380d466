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
use crate::schema::settings::yes as flag;
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

    /// The public module stores the choice as an index in `amount`; any
    /// other number means price_asc, as it reads it.
    pub fn from_index(index: i64) -> Self {
        match index {
            1 => SortOrder::PriceDesc,
            2 => SortOrder::NameAsc,
            3 => SortOrder::NameDesc,
            4 => SortOrder::None,
            _ => SortOrder::PriceAsc,
        }
    }

    pub fn index(self) -> i64 {
        match self {
            SortOrder::PriceAsc => 0,
            SortOrder::PriceDesc => 1,
            SortOrder::NameAsc => 2,
            SortOrder::NameDesc => 3,
            SortOrder::None => 4,
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
            sort: SortOrder::PriceAsc,
            option_markup: false,
            include_ru: false,
        }
    }
}

/// Our own settings' rows; `group` is varchar(8) in the public module's table.
const OPTION_MARKUP_ROW: &str = "options";
const RU_ROW: &str = "ru";

/// The public module's label of a group's row.
pub fn group_label(group: ServerGroup) -> &'static str {
    match group {
        ServerGroup::Vps => "Import VPS products",
        ServerGroup::Bm => "Import Bare metal products",
        ServerGroup::Gpu => "Import GPU products",
    }
}

/// One row of the settings table, as written.
struct SettingRow {
    group: &'static str,
    label: &'static str,
    currency: String,
    amount: Value,
    active: i64,
    /// Written even when off (the public module's own rows).
    always: bool,
}

/// `4.00` (our decimal column) or `4` (the public module's integer column) -> "4".
fn whole_number(text: &str) -> String {
    Decimal::from_str(text.trim())
        .map(|d| d.normalize().to_string())
        .unwrap_or_else(|_| text.trim().to_string())
}

/// A whole amount as an integer (the public module's column is an integer),
/// a fraction as decimal text (our own column keeps it).
fn amount_value(amount: Decimal) -> Value {
    let amount = amount.normalize();
    if amount.scale() == 0
        && let Ok(whole) = i64::try_from(amount.mantissa())
    {
        return Value::Int(whole);
    }
    Value::text(amount.to_string())
}

/// The public module's `import.ini` section `[markup]`: `vps = 10 %`,
/// `bm = 5 USD`; a group that is not listed is not imported.
fn public_module_markup(raw: &mut RawSettings, markup: &BTreeMap<String, String>) {
    for group in ServerGroup::ALL {
        let section = raw.entry(group.key().to_string()).or_default();
        match markup.get(group.key()) {
            Some(value) => {
                let mut parts = value.split_whitespace();
                section.insert("import".into(), "1".into());
                section.insert("markup".into(), parts.next().unwrap_or("0").into());
                section.insert("unit".into(), parts.next().unwrap_or("%").into());
            }
            None => {
                section.insert("import".into(), "0".into());
            }
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
            settings.rounding = Rounding::parse(&step.to_string()).ok_or_else(|| {
                invalid(
                    "\"rounding\"",
                    format!(
                        "must be 0 (none), 10 or 0.1, 4 or 0.25, 2 or 0.5, or 1, not {}",
                        step.normalize()
                    ),
                )
            })?;
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

    /// The public module's rows (group, name, currency, amount, active):
    /// `name` is only a label; every value is in `amount` (markup, the
    /// rounding factor k, the template id, the sort index).
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
            let whole = || whole_number(&amount);
            let general = raw.entry("general".into()).or_default();
            match group.as_str() {
                "round" => {
                    general.insert("round".into(), whole());
                }
                "template" => {
                    general.insert("template".into(), whole());
                }
                "sort" => {
                    let index = whole().parse().unwrap_or(0);
                    general.insert("sort".into(), SortOrder::from_index(index).key().into());
                }
                OPTION_MARKUP_ROW => {
                    general.insert("option_markup".into(), active);
                }
                RU_ROW => {
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

    /// Stores the settings in the public module's rows, in one transaction:
    /// an existing row keeps its label and gets `currency`, `amount` and
    /// `active` (what the public module's own save writes), so a downgrade
    /// reads them as it wrote them. The two settings of our own get a row
    /// only once they are switched on.
    pub fn save(&self, db: &mut dyn Db) -> ModuleResult<()> {
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
            let mut updates = Vec::new();
            let mut inserts = Vec::new();
            for row in self.rows() {
                match ids.get(row.group) {
                    Some(id) => updates.push(vec![
                        Value::Int(*id),
                        Value::text(row.currency),
                        row.amount,
                        Value::Int(row.active),
                    ]),
                    None if row.always || row.active == 1 => inserts.push(vec![
                        Value::text(row.group),
                        Value::text(row.label),
                        Value::text(row.currency),
                        row.amount,
                        Value::Int(row.active),
                    ]),
                    None => {}
                }
            }
            if !updates.is_empty() {
                db.update_rows(&crate::capabilities::db::UpdateRows {
                    table: IMPORT_SETTINGS_TABLE.into(),
                    key: "id".into(),
                    columns: ["currency", "amount", "active"].map(String::from).to_vec(),
                    rows: updates,
                })?;
            }
            if !inserts.is_empty() {
                db.insert(&crate::capabilities::db::Insert {
                    table: IMPORT_SETTINGS_TABLE.into(),
                    columns: ["group", "name", "currency", "amount", "active"]
                        .map(String::from)
                        .to_vec(),
                    rows: inserts,
                })?;
            }
            Ok::<(), ModuleError>(())
        })
    }

    /// Every row in the public module's layout.
    fn rows(&self) -> Vec<SettingRow> {
        let mut rows = Vec::new();
        for group in ServerGroup::ALL {
            let settings = &self.groups[&group];
            let (currency, amount) = match &settings.markup {
                Markup::Percent(p) => ("%".to_string(), *p),
                Markup::Fixed { amount, currency } => (currency.clone(), *amount),
            };
            rows.push(SettingRow {
                group: group.key(),
                label: group_label(group),
                currency,
                amount: amount_value(amount),
                active: i64::from(settings.import),
                always: true,
            });
        }
        let general = |group, label, amount: i64| SettingRow {
            group,
            label,
            currency: String::new(),
            amount: Value::Int(amount),
            active: 1,
            always: true,
        };
        rows.push(general("round", "Round price to", self.rounding.setting()));
        rows.push(general("template", "Email template", self.welcome_email));
        rows.push(general("sort", "Product sorting", self.sort.index()));
        let flag = |group, label, on: bool| SettingRow {
            group,
            label,
            currency: String::new(),
            amount: Value::Int(0),
            active: i64::from(on),
            always: false,
        };
        rows.push(flag(
            OPTION_MARKUP_ROW,
            "Markup on options",
            self.option_markup,
        ));
        rows.push(flag(RU_ROW, "Import RU location", self.include_ru));
        rows
    }

    /// `import.ini`: sections `[vps]`, `[bm]`, `[gpu]` (import, markup, unit) and
    /// `[general]` (round, template, sort, option_markup, include_ru); or the
    /// public module's `[general]` + `[markup]` layout, read the way it reads it.
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
        if let Some(markup) = raw.remove("markup") {
            public_module_markup(&mut raw, &markup);
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
    fn reads_the_public_modules_ini() {
        let ini = "[general]\n; 4 to 0.25, 0.5, 0.75\nround = 4\ntemplate = 0\nsort = name_desc\n[markup]\nvps = 15 %\nbm = 5 USD\n";
        let s = ImportSettings::from_ini(ini, &currencies()).expect("valid");
        assert_eq!(s.rounding, Rounding::Steps(4));
        assert_eq!(s.sort, SortOrder::NameDesc);
        assert_eq!(
            s.groups[&ServerGroup::Vps].markup,
            Markup::Percent(Decimal::from(15))
        );
        assert_eq!(
            s.groups[&ServerGroup::Bm].markup,
            Markup::Fixed {
                amount: Decimal::from(5),
                currency: "USD".into()
            }
        );
        assert!(
            !s.groups[&ServerGroup::Gpu].import,
            "not listed: not imported"
        );
    }

    #[test]
    fn the_shipped_example_ini_reads_as_it_says() {
        let ini = include_str!("../../../php/modules/addons/hostkeyresellermod/import.ini.example");
        let s = ImportSettings::from_ini(ini, &currencies()).expect("valid");
        assert_eq!(s.rounding, Rounding::Steps(4));
        assert_eq!(s.sort, SortOrder::PriceAsc);
        assert_eq!(
            s.groups[&ServerGroup::Vps].markup,
            Markup::Percent(Decimal::from(15))
        );
        assert_eq!(
            s.groups[&ServerGroup::Bm].markup,
            Markup::Fixed {
                amount: Decimal::from(5),
                currency: "USD".into()
            }
        );
        assert!(s.groups[&ServerGroup::Gpu].import);
    }

    #[test]
    fn sort_index_as_the_public_module_reads_it() {
        let read: Vec<&str> = (-1..=6).map(|i| SortOrder::from_index(i).key()).collect();
        assert_eq!(
            read,
            [
                "price_asc",
                "price_asc",
                "price_desc",
                "name_asc",
                "name_desc",
                "none",
                "price_asc",
                "price_asc"
            ]
        );
        for order in [
            SortOrder::PriceAsc,
            SortOrder::PriceDesc,
            SortOrder::NameAsc,
            SortOrder::NameDesc,
            SortOrder::None,
        ] {
            assert_eq!(SortOrder::from_index(order.index()), order);
        }
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
                "The import setting \"rounding\" must be 0 (none), 10 or 0.1, 4 or 0.25, 2 or 0.5, or 1, not 0.3.",
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
