//! The WHMCS tables the import writes, with the columns it manages.

use super::rows::{Kind, Spec};
use Kind::{Int, Money, Text};

pub use hostkey_facts::MODULE_NAME;

pub const GROUPS: Spec = Spec {
    table: "tblproductgroups",
    columns: &[
        ("name", Text),
        ("slug", Text),
        ("headline", Text),
        ("tagline", Text),
        ("orderfrmtpl", Text),
        ("disabledgateways", Text),
        ("hidden", Int),
        ("order", Int),
    ],
};

/// Only `hidden` changes on a group the import did not create.
pub const GROUP_VISIBILITY: Spec = Spec {
    table: "tblproductgroups",
    columns: &[("hidden", Int)],
};

pub const PRODUCTS: Spec = Spec {
    table: "tblproducts",
    columns: &[
        ("type", Text),
        ("gid", Int),
        ("name", Text),
        ("description", Text),
        ("hidden", Int),
        ("showdomainoptions", Int),
        ("welcomeemail", Int),
        ("paytype", Text),
        ("autosetup", Text),
        ("servertype", Text),
        ("configoption1", Text),
        ("configoption2", Text),
        ("configoption3", Text),
        ("configoption4", Text),
        ("configoption5", Text),
        ("configoption6", Text),
        ("configoption7", Text),
        ("order", Int),
        ("retired", Int),
        ("tagline", Text),
        ("short_description", Text),
    ],
};

pub const MODULE_RECORDS: Spec = Spec {
    table: "mod_hostkeyresellermod",
    columns: &[
        ("type", Text),
        ("relid", Int),
        ("name", Text),
        ("server_type", Text),
    ],
};

pub const CONFIG_GROUPS: Spec = Spec {
    table: "tblproductconfiggroups",
    columns: &[("name", Text), ("description", Text)],
};

pub const CONFIG_LINKS: Spec = Spec {
    table: "tblproductconfiglinks",
    columns: &[("gid", Int), ("pid", Int)],
};

pub const OPTIONS: Spec = Spec {
    table: "tblproductconfigoptions",
    columns: &[
        ("gid", Int),
        ("optionname", Text),
        ("optiontype", Text),
        ("qtyminimum", Int),
        ("qtymaximum", Int),
        ("order", Int),
        ("hidden", Int),
    ],
};

pub const SUBS: Spec = Spec {
    table: "tblproductconfigoptionssub",
    columns: &[
        ("configid", Int),
        ("optionname", Text),
        ("sortorder", Int),
        ("hidden", Int),
    ],
};

pub const PRICING: Spec = Spec {
    table: "tblpricing",
    columns: &[
        ("type", Text),
        ("currency", Int),
        ("relid", Int),
        ("msetupfee", Money),
        ("qsetupfee", Money),
        ("ssetupfee", Money),
        ("asetupfee", Money),
        ("bsetupfee", Money),
        ("tsetupfee", Money),
        ("monthly", Money),
        ("quarterly", Money),
        ("semiannually", Money),
        ("annually", Money),
        ("biennially", Money),
        ("triennially", Money),
    ],
};

pub const CUSTOM_FIELDS: Spec = Spec {
    table: "tblcustomfields",
    columns: &[
        ("type", Text),
        ("relid", Int),
        ("fieldname", Text),
        ("fieldtype", Text),
        ("description", Text),
        ("fieldoptions", Text),
        ("regexpr", Text),
        ("adminonly", Text),
        ("required", Text),
        ("showorder", Text),
        ("showinvoice", Text),
        ("sortorder", Int),
    ],
};

pub const SLUGS: Spec = Spec {
    table: "tblproducts_slugs",
    columns: &[
        ("product_id", Int),
        ("group_id", Int),
        ("group_slug", Text),
        ("slug", Text),
        ("active", Int),
        ("clicks", Int),
    ],
};

/// The admin-only custom fields the order flow keeps its state in.
pub const CUSTOM_FIELD_NAMES: [&str; 3] = ["Api key", "Invoice ID", "Preset ID"];

/// A URL slug as WHMCS makes them: lower-case letters, digits and dashes.
pub fn slug(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_string()
}
