//! The addon's admin page as a view model: the import settings form, the
//! actions (preview, import, remove all) and what the last one did. One
//! handler per action; the page around them is the same for all.

use super::view::{Action, AdminView, Form, FormField, Level, Table};
use crate::capabilities::db::{Condition, OrderBy, Select, Value};
use crate::capabilities::{Db, Http, Platform};
use crate::catalog::import::{self, ImportReport};
use crate::catalog::pricing::{Currency, Markup, ROUNDING_CHOICES};
use crate::catalog::run::{self, Kind, Trigger};
use crate::catalog::settings::ImportSettings;
use crate::catalog::withdrawal;
use crate::error::{ModuleError, ModuleResult};
use crate::schema::module_tables::LOG_TABLE;
use crate::schema::settings::{Settings, yes};

/// What the page asked for: PHP has checked the CSRF token.
pub struct AdminRequest<'a> {
    pub action: Action,
    pub form: &'a [(String, String)],
    pub ini: Option<&'a str>,
}

impl AdminRequest<'_> {
    /// Whether the posted yes/no field `name` is ticked.
    fn ticked(&self, name: &str) -> bool {
        self.form.iter().any(|(k, v)| k == name && yes(v))
    }
}

/// The most preview lines a page shows; the counts cover the rest.
const MAX_LINES: usize = 500;

/// What an import handler leaves for the page: its report, and whether the
/// admin should be offered the large-withdrawal confirmation.
#[derive(Default)]
struct Shown {
    report: Option<ImportReport>,
    confirm_withdrawal: bool,
}

pub fn page(
    db: &mut dyn Db,
    http: &mut dyn Http,
    platform: &mut dyn Platform,
    request: AdminRequest,
    now_unix: i64,
) -> ModuleResult<AdminView> {
    let mut view = AdminView {
        title: format!("{}: catalogue", hostkey_facts::DISPLAY_NAME),
        ..AdminView::default()
    };
    if !db.table_exists(LOG_TABLE)? {
        view.notice(
            Level::Error,
            "The module's tables are missing: activate the addon under System Settings, Addon Modules.",
        );
        return Ok(view);
    }
    let currencies = import::currencies(db)?;
    let shown = match request.action {
        Action::View => Shown::default(),
        Action::SaveSettings => {
            save_settings(db, &request, &currencies, &mut view);
            Shown::default()
        }
        Action::ImportPreview => run_import(
            db,
            http,
            platform,
            Kind::Preview,
            &request,
            now_unix,
            &mut view,
        ),
        Action::Import => run_import(
            db,
            http,
            platform,
            Kind::Import,
            &request,
            now_unix,
            &mut view,
        ),
        Action::ImportFull => run_import(
            db,
            http,
            platform,
            Kind::ImportFull,
            &request,
            now_unix,
            &mut view,
        ),
        Action::Clear => {
            remove_all(db, &request, now_unix, &mut view);
            Shown::default()
        }
        Action::Margins | Action::RepricePreview | Action::RepriceApply => {
            crate::margins::page::show(
                db,
                platform,
                request.action,
                request.form,
                now_unix,
                &mut view,
            )?;
            Shown::default()
        }
    };
    if let Some(notice) = crate::margins::warn::current_notice(db)? {
        view.notice(Level::Warning, notice);
    }
    describe(db, &request, &currencies, shown, &mut view)?;
    super::lists::add(db, request.form, &mut view)?;
    Ok(view)
}

fn save_settings(
    db: &mut dyn Db,
    request: &AdminRequest,
    currencies: &[Currency],
    view: &mut AdminView,
) {
    match ImportSettings::from_form(request.form, currencies).and_then(|s| s.save(db)) {
        Ok(()) => view.notice(
            Level::Success,
            "The import settings are saved; they apply from the next import.",
        ),
        Err(error) => view.notice(Level::Error, error.to_string()),
    }
}

fn run_import(
    db: &mut dyn Db,
    http: &mut dyn Http,
    platform: &mut dyn Platform,
    kind: Kind,
    request: &AdminRequest,
    now_unix: i64,
    view: &mut AdminView,
) -> Shown {
    let trigger = if request.ticked(withdrawal::CONFIRM_FIELD) {
        Trigger::ManualAllowingWithdrawal
    } else {
        Trigger::Manual
    };
    match run::run(db, http, platform, kind, trigger, request.ini, now_unix) {
        Ok(report) => {
            view.notice(Level::Success, report.summary.clone());
            for warning in &report.warnings {
                view.notice(Level::Warning, warning.clone());
            }
            Shown {
                confirm_withdrawal: report.large_withdrawal,
                report: Some(report),
            }
        }
        Err(error) => {
            view.notice(Level::Error, format!("Nothing was changed: {error}"));
            Shown {
                confirm_withdrawal: matches!(error, ModuleError::Withdrawal(_)),
                report: None,
            }
        }
    }
}

fn remove_all(db: &mut dyn Db, request: &AdminRequest, now_unix: i64, view: &mut AdminView) {
    if !request.ticked("confirm") {
        view.notice(
            Level::Warning,
            "Removing the imported catalogue needs the confirmation box ticked.",
        );
        return;
    }
    match run::remove_all(db, now_unix) {
        Ok(report) => view.notice(Level::Success, report.summary),
        Err(error) => view.notice(Level::Error, format!("Nothing was removed: {error}")),
    }
}

/// The part of the page every action shows: facts, forms, and the report of
/// an import when one ran.
fn describe(
    db: &mut dyn Db,
    request: &AdminRequest,
    currencies: &[Currency],
    shown: Shown,
    view: &mut AdminView,
) -> ModuleResult<()> {
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
    let stored = ImportSettings::load(db, currencies).unwrap_or_default();
    view.forms.push(Form {
        action: Action::SaveSettings,
        fields: settings_form(&stored),
    });
    if shown.confirm_withdrawal {
        view.forms.push(Form {
            action: Action::Import,
            fields: vec![FormField::yes_no(
                withdrawal::CONFIRM_FIELD,
                "Yes, HOSTKEY really withdrew them: allow this import to take more than the set share of the products off sale",
                false,
            )],
        });
    }
    view.forms.push(Form {
        action: Action::Clear,
        fields: vec![FormField::yes_no(
            "confirm",
            "Yes, remove every imported product without services",
            false,
        )],
    });
    if let Some(report) = shown.report {
        view.tables.push(Table {
            title: if report.dry_run {
                "What the import would do"
            } else {
                "What the import did"
            }
            .into(),
            header: vec!["What".into(), "Count".into()],
            rows: counts(&report),
        });
        let mut lines: Vec<Vec<String>> = report
            .changes
            .lines
            .iter()
            .take(MAX_LINES)
            .map(|l| l.to_vec())
            .collect();
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
        if !lines.is_empty() {
            view.tables.push(Table {
                title: "Changes".into(),
                header: ["Change", "Before", "After"].map(String::from).to_vec(),
                rows: lines,
            });
        }
    }
    Ok(())
}

fn counts(report: &ImportReport) -> Vec<Vec<String>> {
    let c = &report.changes;
    [
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
    ]
    .into_iter()
    .map(|(label, n)| vec![label.to_string(), n.to_string()])
    .collect()
}

const SORT_CHOICES: [(&str, &str); 5] = [
    ("none", "As HOSTKEY lists them"),
    ("price_asc", "Price, low to high"),
    ("price_desc", "Price, high to low"),
    ("name_asc", "Name, A to Z"),
    ("name_desc", "Name, Z to A"),
];

fn settings_form(s: &ImportSettings) -> Vec<FormField> {
    let mut fields = Vec::new();
    for (group, g) in &s.groups {
        let key = group.key();
        let (amount, unit) = match &g.markup {
            Markup::Percent(p) => (p.normalize().to_string(), "%".to_string()),
            Markup::Fixed { amount, currency } => {
                (amount.normalize().to_string(), currency.clone())
            }
        };
        let title = group.title();
        fields.push(FormField::yes_no(
            &format!("{key}_import"),
            &format!("Import {title}"),
            g.import,
        ));
        fields.push(FormField::text(
            &format!("{key}_markup"),
            &format!("{title}: markup"),
            amount,
        ));
        fields.push(FormField::text(
            &format!("{key}_unit"),
            &format!("{title}: markup unit (% or a currency code)"),
            unit,
        ));
    }
    let rounding: Vec<(&str, &str)> = ROUNDING_CHOICES
        .iter()
        .map(|(_, step, label)| (*step, *label))
        .collect();
    fields.push(FormField::select(
        "round",
        "Round prices to",
        s.rounding.step(),
        &rounding,
    ));
    fields.push(FormField::text(
        "template",
        "Welcome email template id (0: none)",
        s.welcome_email.to_string(),
    ));
    fields.push(FormField::select(
        "sort",
        "Product order",
        s.sort.key(),
        &SORT_CHOICES,
    ));
    fields.push(FormField::yes_no(
        "option_markup",
        "Markup on OS, soft and traffic options too",
        s.option_markup,
    ));
    fields.push(FormField::yes_no(
        "include_ru",
        "Import the RU location",
        s.include_ru,
    ));
    fields
}

fn last_import(db: &mut dyn Db) -> ModuleResult<Option<String>> {
    let mut select =
        Select::from(LOG_TABLE, &["date", "action", "response"]).filter(Condition::in_list(
            "action",
            [Kind::Import, Kind::ImportFull, Kind::CronSync]
                .map(|k| Value::text(k.action()))
                .to_vec(),
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
        action: Action,
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
            .table(name)
            .unwrap_or_else(|| panic!("no table {name}"))
            .rows
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
            Action::SaveSettings,
            &posted,
        );
        assert_eq!(view.notices[0].0, Level::Success);
        let form = view.form(Action::SaveSettings).expect("settings form");
        let value = |name: &str| {
            form.fields
                .iter()
                .find(|f| f.name == name)
                .map(|f| f.value.clone())
                .expect("field")
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
            Action::SaveSettings,
            &form(&[("vps_markup", "-3")]),
        );
        assert_eq!(
            view.notices,
            [(
                Level::Error,
                "The import setting \"vps markup\" cannot be a negative percentage.".to_string()
            )]
        );
        assert_eq!(db.dump(), before);
    }

    #[test]
    fn preview_shows_counts_and_changes_and_writes_only_nothing() {
        let mut db = whmcs();
        let view = ask(&mut db, &mut api(&catalogue()), Action::ImportPreview, &[]);
        assert_eq!(view.notices[0].0, Level::Success, "{:?}", view.notices);
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
        ask(&mut db, &mut api(&catalogue()), Action::Import, &[]);
        let view = ask(&mut db, &mut ScriptedHttp::default(), Action::View, &[]);
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
        let view = ask(&mut db, &mut ScriptedHttp::default(), Action::View, &[]);
        let expected = "The module's tables are missing: activate the addon under System Settings, Addon Modules.";
        assert_eq!(view.notices, [(Level::Error, expected.to_string())]);
    }

    #[test]
    fn remove_all_needs_its_confirmation() {
        let mut db = whmcs();
        ask(&mut db, &mut api(&catalogue()), Action::Import, &[]);
        let refused = ask(&mut db, &mut ScriptedHttp::default(), Action::Clear, &[]);
        assert_eq!(refused.notices[0].0, Level::Warning);
        assert_eq!(db.column("tblproducts", "id").len(), 4);
        let done = ask(
            &mut db,
            &mut ScriptedHttp::default(),
            Action::Clear,
            &form(&[("confirm", "yes")]),
        );
        assert_eq!(done.notices[0].0, Level::Success);
        assert!(db.column("tblproducts", "id").is_empty());
    }
}
