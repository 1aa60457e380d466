//! The addon's admin page as a view model: the import settings form, the
//! actions (preview, import, remove all) and what the last one did.

use crate::capabilities::db::{Condition, OrderBy, Select, Value};
use crate::capabilities::{Db, Http, Platform};
use crate::catalog::clear;
use crate::catalog::exclusive::exclusive;
use crate::catalog::import::{self, ImportReport, Mode};
use crate::catalog::outcome;
use crate::catalog::pricing::Markup;
use crate::catalog::settings::ImportSettings;
use crate::catalog::withdrawal;
use crate::error::{ModuleError, ModuleResult};
use crate::schema::module_tables::LOG_TABLE;
use crate::schema::settings::Settings;

#[derive(Debug, Clone, PartialEq, Default)]
pub struct AdminView {
    pub title: String,
    /// (level, text)
    pub notices: Vec<(String, String)>,
    /// (label, value)
    pub fields: Vec<(String, String)>,
    pub tables: Vec<(String, Vec<Vec<String>>)>,
}

/// What the page asked for: PHP has checked the CSRF token.
pub struct AdminRequest<'a> {
    pub action: &'a str,
    pub form: &'a [(String, String)],
    pub ini: Option<&'a str>,
}

/// The most preview lines a page shows; the counts cover the rest.
const MAX_LINES: usize = 500;

fn notice(view: &mut AdminView, level: &str, text: impl Into<String>) {
    view.notices.push((level.into(), text.into()));
}

fn row(cells: &[&str]) -> Vec<String> {
    cells.iter().map(|c| c.to_string()).collect()
}

pub fn page(
    db: &mut dyn Db,
    http: &mut dyn Http,
    platform: &mut dyn Platform,
    request: AdminRequest,
    now_unix: i64,
) -> ModuleResult<AdminView> {
    let mut view = AdminView {
        title: "HOSTKEY Reseller: catalogue".into(),
        ..AdminView::default()
    };
    if !db.table_exists(crate::schema::module_tables::LOG_TABLE)? {
        notice(
            &mut view,
            "error",
            "The module's tables are missing: activate the addon under System Settings, Addon Modules.",
        );
        return Ok(view);
    }
    let currencies = import::currencies(db)?;
    let mut shown: Option<ImportReport> = None;
    let mut confirm_withdrawal = false;
    match request.action {
        "save-settings" => {
            match ImportSettings::from_form(request.form, &currencies).and_then(|s| s.save(db)) {
                Ok(()) => notice(
                    &mut view,
                    "success",
                    "The import settings are saved; they apply from the next import.",
                ),
                Err(error) => notice(&mut view, "error", error.to_string()),
            }
        }
        "import-preview" | "import" | "import-full" => {
            let mode = match request.action {
                "import" => Mode::Apply,
                "import-full" => Mode::Full,
                _ => Mode::Preview,
            };
            let allow_withdrawal = request
                .form
                .iter()
                .any(|(k, v)| k == withdrawal::CONFIRM_FIELD && v == "yes");
            let ini = request.ini;
            let result = if mode == Mode::Preview {
                import::run(db, http, &mut *platform, mode, ini, allow_withdrawal)
            } else {
                exclusive(db, request.action, now_unix, |db| {
                    import::run(db, http, &mut *platform, mode, ini, allow_withdrawal)
                })
            };
            if !matches!(result, Err(ModuleError::Busy(_))) {
                outcome::log(db, platform, request.action, &result, now_unix);
            }
            match result {
                Ok(report) => {
                    notice(&mut view, "success", report.summary.clone());
                    for warning in &report.warnings {
                        notice(&mut view, "warning", warning.clone());
                    }
                    confirm_withdrawal |= report.warnings.iter().any(|w| withdrawal::is_excess(w));
                    shown = Some(report);
                }
                Err(error) => {
                    let sentence = error.to_string();
                    confirm_withdrawal |= withdrawal::is_excess(&sentence);
                    notice(
                        &mut view,
                        "error",
                        format!("Nothing was changed: {sentence}"),
                    );
                }
            }
        }
        "clear" => {
            if request
                .form
                .iter()
                .any(|(k, v)| k == "confirm" && v == "yes")
            {
                match exclusive(db, "clear", now_unix, clear::clear) {
                    Ok(report) => notice(&mut view, "success", report.summary),
                    Err(error) => {
                        notice(&mut view, "error", format!("Nothing was removed: {error}"))
                    }
                }
            } else {
                notice(
                    &mut view,
                    "warning",
                    "Removing the imported catalogue needs the confirmation box ticked.",
                );
            }
        }
        _ => {}
    }
    let settings = Settings::load(db)?;
    view.fields
        .push(("API URL".into(), settings.api_url.clone()));
    view.fields.push((
        "API key".into(),
        if settings.api_key.is_empty() {
            "not set".into()
        } else {
            "set".into()
        },
    ));
    view.fields.push((
        "Import settings from".into(),
        match (settings.import_source.as_str(), request.ini.is_some()) {
            ("ini", _) | ("auto", true) => {
                "import.ini (the form below is not used while the file is there)".into()
            }
            _ => "this page".into(),
        },
    ));
    if let Some(last) = last_import(db)? {
        view.fields.push(("Last import".into(), last));
    }
    let stored = ImportSettings::load(db, &currencies).unwrap_or_default();
    view.tables
        .push(("form:save-settings".into(), settings_form(&stored)));
    if confirm_withdrawal {
        view.tables.push((
            "form:import".into(),
            vec![row(&[
                withdrawal::CONFIRM_FIELD,
                "Yes, HOSTKEY really withdrew them: allow this import to take more than the set share of the products off sale",
                "",
                "yesno",
                "",
            ])],
        ));
    }
    view.tables.push((
        "form:clear".into(),
        vec![row(&[
            "confirm",
            "Yes, remove every imported product without services",
            "",
            "yesno",
            "",
        ])],
    ));
    if let Some(report) = shown {
        view.tables.push((
            if report.dry_run {
                "What the import would do"
            } else {
                "What the import did"
            }
            .into(),
            counts(&report),
        ));
        let mut lines = vec![row(&["Change", "Before", "After"])];
        lines.extend(
            report
                .changes
                .lines
                .iter()
                .take(MAX_LINES)
                .map(|l| l.to_vec()),
        );
        if report.changes.lines.len() > MAX_LINES {
            lines.push(vec![
                format!(
                    "... and {} more changes",
                    report.changes.lines.len() - MAX_LINES
                ),
                String::new(),
                String::new(),
            ]);
        }
        if lines.len() > 1 {
            view.tables.push(("Changes".into(), lines));
        }
    }
    Ok(view)
}

fn counts(report: &ImportReport) -> Vec<Vec<String>> {
    let c = &report.changes;
    let mut rows = vec![row(&["What", "Count"])];
    for (label, n) in [
        ("Groups created", c.groups_created),
        ("Groups hidden", c.groups_hidden),
        ("Products created", c.products_created),
        ("Products updated", c.products_updated),
        ("Products retired (still in use)", c.products_retired),
        ("Products hidden", c.products_hidden),
        ("Options removed", c.options_removed),
        ("Options hidden (still in use)", c.options_hidden),
        ("Prices changed", c.prices_changed),
        ("Products on sale", report.products_on_sale),
        ("Rows written", report.rows_written),
        ("Database statements", report.statements),
    ] {
        rows.push(vec![label.to_string(), n.to_string()]);
    }
    rows
}

fn settings_form(s: &ImportSettings) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    for (group, g) in &s.groups {
        let key = group.key();
        let (amount, unit) = match &g.markup {
            Markup::Percent(p) => (p.normalize().to_string(), "%".to_string()),
            Markup::Fixed { amount, currency } => {
                (amount.normalize().to_string(), currency.clone())
            }
        };
        let title = group.title();
        rows.push(vec![
            format!("{key}_import"),
            format!("Import {title}"),
            flag(g.import),
            "yesno".into(),
            String::new(),
        ]);
        rows.push(vec![
            format!("{key}_markup"),
            format!("{title}: markup"),
            amount,
            "text".into(),
            String::new(),
        ]);
        rows.push(vec![
            format!("{key}_unit"),
            format!("{title}: markup unit (% or a currency code)"),
            unit,
            "text".into(),
            String::new(),
        ]);
    }
    let choices = crate::catalog::pricing::ROUNDING_CHOICES
        .iter()
        .map(|(_, step, label)| format!("{step}={label}"))
        .collect::<Vec<_>>()
        .join("|");
    rows.push(row(&[
        "round",
        "Round prices to",
        s.rounding.step(),
        "select",
        &choices,
    ]));
    rows.push(vec![
        "template".into(),
        "Welcome email template id (0: none)".into(),
        s.welcome_email.to_string(),
        "text".into(),
        String::new(),
    ]);
    rows.push(row(&["sort", "Product order", s.sort.key(), "select", "none=As HOSTKEY lists them|price_asc=Price, low to high|price_desc=Price, high to low|name_asc=Name, A to Z|name_desc=Name, Z to A"]));
    rows.push(vec![
        "option_markup".into(),
        "Markup on OS, soft and traffic options too".into(),
        flag(s.option_markup),
        "yesno".into(),
        String::new(),
    ]);
    rows.push(vec![
        "include_ru".into(),
        "Import the RU location".into(),
        flag(s.include_ru),
        "yesno".into(),
        String::new(),
    ]);
    rows
}

fn flag(on: bool) -> String {
    if on { "on".into() } else { String::new() }
}

fn last_import(db: &mut dyn Db) -> ModuleResult<Option<String>> {
    let mut select =
        Select::from(LOG_TABLE, &["date", "action", "response"]).filter(Condition::in_list(
            "action",
            vec![
                Value::text("import"),
                Value::text("import-full"),
                Value::text("cron-sync"),
            ],
        ));
    select.order = vec![OrderBy {
        column: "id".into(),
        descending: true,
    }];
    select.limit = Some(1);
    let rows = db.select(&select)?;
    Ok((!rows.is_empty()).then(|| {
        format!(
            "{} ({}): {}",
            rows.get(0, "date").as_text(),
            rows.get(0, "action").as_text(),
            rows.get(0, "response").as_text()
        )
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::tests_support::{api, catalogue, whmcs};
    use crate::testing::{RecordingPlatform, ScriptedHttp};

    fn form(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn ask(
        db: &mut crate::testing::MemoryDb,
        http: &mut ScriptedHttp,
        action: &str,
        form: &[(String, String)],
    ) -> AdminView {
        let request = AdminRequest {
            action,
            form,
            ini: None,
        };
        page(
            db,
            http,
            &mut RecordingPlatform::default(),
            request,
            1_795_545_296,
        )
        .expect("page")
    }

    fn table<'a>(view: &'a AdminView, name: &str) -> &'a Vec<Vec<String>> {
        &view
            .tables
            .iter()
            .find(|(n, _)| n == name)
            .unwrap_or_else(|| panic!("no table {name}"))
            .1
    }

    #[test]
    fn saved_settings_come_back_in_the_form() {
        let mut db = whmcs();
        let posted = form(&[
            ("vps_import", "yes"),
            ("vps_markup", "12.5"),
            ("vps_unit", "%"),
            ("bm_markup", "5"),
            ("bm_unit", "usd"),
            ("gpu_import", "yes"),
            ("round", "0.25"),
            ("template", "3"),
            ("sort", "price_asc"),
            ("include_ru", "yes"),
        ]);
        let view = ask(
            &mut db,
            &mut ScriptedHttp::default(),
            "save-settings",
            &posted,
        );
        assert_eq!(view.notices[0].0, "success");
        let rows = table(&view, "form:save-settings");
        let value = |name: &str| {
            rows.iter()
                .find(|r| r[0] == name)
                .map(|r| r[2].clone())
                .expect("row")
        };
        assert_eq!(value("vps_markup"), "12.5");
        assert_eq!(value("bm_import"), "");
        assert_eq!(value("bm_unit"), "USD");
        assert_eq!(value("round"), "0.25");
        assert_eq!(value("sort"), "price_asc");
        assert_eq!(value("include_ru"), "on");
        assert_eq!(value("option_markup"), "");
    }

    #[test]
    fn a_bad_setting_is_refused_and_nothing_is_saved() {
        let mut db = whmcs();
        let before = db.dump();
        let view = ask(
            &mut db,
            &mut ScriptedHttp::default(),
            "save-settings",
            &form(&[("vps_markup", "-3")]),
        );
        assert_eq!(
            view.notices,
            [(
                "error".to_string(),
                "The import setting \"vps markup\" cannot be a negative percentage.".to_string()
            )]
        );
        assert_eq!(db.dump(), before);
    }

    #[test]
    fn preview_shows_counts_and_changes_and_writes_only_nothing() {
        let mut db = whmcs();
        let view = ask(&mut db, &mut api(&catalogue()), "import-preview", &[]);
        assert_eq!(view.notices[0].0, "success", "{:?}", view.notices);
        let counts = table(&view, "What the import would do");
        assert!(counts.contains(&vec!["Products created".to_string(), "4".to_string()]));
        assert!(
            table(&view, "Changes")
                .iter()
                .any(|r| r[0] == "create product HKP-vm.nano (NL)")
        );
        assert!(db.column("tblproducts", "id").is_empty());
    }

    #[test]
    fn import_records_itself_as_the_last_import() {
        let mut db = whmcs();
        ask(&mut db, &mut api(&catalogue()), "import", &[]);
        let view = ask(&mut db, &mut ScriptedHttp::default(), "view", &[]);
        let last = view
            .fields
            .iter()
            .find(|(l, _)| l == "Last import")
            .map(|(_, v)| v.clone())
            .expect("last import");
        assert!(
            last.starts_with(
                "2026-11-24 18:34:56 (import): 3 products in 3 groups are now available"
            ),
            "{last}"
        );
    }

    #[test]
    fn before_activation_the_page_says_what_to_do() {
        let mut db = crate::testing::MemoryDb::whmcs();
        let view = ask(&mut db, &mut ScriptedHttp::default(), "view", &[]);
        let expected = "The module's tables are missing: activate the addon under System Settings, Addon Modules.";
        assert_eq!(view.notices, [("error".to_string(), expected.to_string())]);
    }

    #[test]
    fn remove_all_needs_its_confirmation() {
        let mut db = whmcs();
        ask(&mut db, &mut api(&catalogue()), "import", &[]);
        let refused = ask(&mut db, &mut ScriptedHttp::default(), "clear", &[]);
        assert_eq!(refused.notices[0].0, "warning");
        assert_eq!(db.column("tblproducts", "id").len(), 4);
        let done = ask(
            &mut db,
            &mut ScriptedHttp::default(),
            "clear",
            &form(&[("confirm", "yes")]),
        );
        assert_eq!(done.notices[0].0, "success");
        assert!(db.column("tblproducts", "id").is_empty());
    }
}
