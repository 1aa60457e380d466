//! The addon page as data (the contract's `admin-view`): notices, facts,
//! forms with typed fields, and report tables. PHP renders it escaped.

/// What the admin asked for (the contract's `admin-action`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    View,
    SaveSettings,
    ImportPreview,
    Import,
    ImportFull,
    Clear,
    Margins,
    RepricePreview,
    RepriceApply,
}

/// How a notice looks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Success,
    Info,
    Warning,
    Error,
}

/// How a form field is entered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldKind {
    Text,
    YesNo,
    Select,
}

#[derive(Debug, Clone, PartialEq)]
pub struct FormField {
    pub name: String,
    pub label: String,
    /// For a yes/no field, non-empty means ticked.
    pub value: String,
    pub kind: FieldKind,
    /// (value, label) of a select.
    pub choices: Vec<(String, String)>,
}

impl FormField {
    pub fn text(name: &str, label: &str, value: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            label: label.into(),
            value: value.into(),
            kind: FieldKind::Text,
            choices: Vec::new(),
        }
    }

    pub fn yes_no(name: &str, label: &str, ticked: bool) -> Self {
        Self {
            kind: FieldKind::YesNo,
            ..Self::text(name, label, if ticked { "on" } else { "" })
        }
    }

    pub fn select(name: &str, label: &str, value: &str, choices: &[(&str, &str)]) -> Self {
        Self {
            kind: FieldKind::Select,
            choices: choices
                .iter()
                .map(|(v, l)| (v.to_string(), l.to_string()))
                .collect(),
            ..Self::text(name, label, value)
        }
    }
}

/// A form posting `action`.
#[derive(Debug, Clone, PartialEq)]
pub struct Form {
    pub action: Action,
    pub fields: Vec<FormField>,
}

/// A table of text with its column names.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    pub title: String,
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct AdminView {
    pub title: String,
    pub notices: Vec<(Level, String)>,
    /// (label, value)
    pub fields: Vec<(String, String)>,
    pub forms: Vec<Form>,
    pub tables: Vec<Table>,
    pub margins: Option<crate::margins::view::MarginsView>,
}

impl AdminView {
    pub fn notice(&mut self, level: Level, text: impl Into<String>) {
        self.notices.push((level, text.into()));
    }

    pub fn form(&self, action: Action) -> Option<&Form> {
        self.forms.iter().find(|f| f.action == action)
    }

    pub fn table(&self, title: &str) -> Option<&Table> {
        self.tables.iter().find(|t| t.title == title)
    }
}
