//! `whmcs/get_related_invoices`: the HOSTKEY invoices of one server, asked by
//! the server's own id. HOSTKEY's MCP server lists it (`billing.ts`,
//! `get_server_invoices`) but shows no answer, so the answer is read in every
//! list shape the API uses elsewhere and, where it names no invoice, the
//! renewal falls back to the public module's `whmcs/get_product_invoice`.

use super::hostkey::{Call, Retry};
use crate::api::lenient;
use serde::Deserialize;
use serde_json::Value as Json;

#[derive(Debug, Clone, PartialEq)]
pub struct RelatedInvoices {
    pub server_id: i64,
}

#[derive(Debug, Clone, Deserialize)]
pub struct RelatedList {
    #[serde(default)]
    invoices: Json,
    #[serde(default)]
    data: Json,
}

/// One invoice as the list gives it: `id` or `invoiceid`, and its status.
#[derive(Debug, Clone, PartialEq)]
pub struct Related {
    pub id: i64,
    pub status: String,
}

impl RelatedList {
    /// The invoices named, whatever the list's shape (an array, WHMCS's
    /// `{"invoice": [...]}`, an object keyed by id); entries without an id
    /// are dropped.
    pub fn invoices(&self) -> Vec<Related> {
        let list = if self.invoices.is_null() {
            &self.data
        } else {
            &self.invoices
        };
        let list = match list.get("invoice") {
            Some(inner) => inner.clone(),
            None => list.clone(),
        };
        lenient::items_of(list)
            .iter()
            .filter_map(|item| {
                let id = item
                    .get("id")
                    .and_then(lenient::id_of)
                    .or_else(|| item.get("invoiceid").and_then(lenient::id_of))?;
                let status = item.get("status").map(lenient::text_of).unwrap_or_default();
                Some(Related { id, status })
            })
            .collect()
    }

    /// The unpaid ones, oldest (lowest id) first.
    pub fn unpaid(&self) -> Vec<i64> {
        let mut open: Vec<i64> = self
            .invoices()
            .into_iter()
            .filter(|i| i.status.eq_ignore_ascii_case("unpaid"))
            .map(|i| i.id)
            .collect();
        open.sort_unstable();
        open
    }
}

impl Call for RelatedInvoices {
    const MODULE: &'static str = "whmcs";
    const ACTION: &'static str = "get_related_invoices";
    const RETRY: Retry = Retry::AfterRelogin;
    type Answer = RelatedList;
    fn params(&self) -> Vec<(String, String)> {
        vec![("id".into(), self.server_id.to_string())]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(json: &str) -> RelatedList {
        serde_json::from_str(json).expect("decodes")
    }

    #[test]
    fn every_list_shape_names_the_unpaid_invoices_oldest_first() {
        for json in [
            r#"{"invoices":[{"id":"812","status":"Unpaid"},{"id":700,"status":"Paid"},{"invoiceid":805,"status":"unpaid"}]}"#,
            r#"{"result":"success","invoices":{"invoice":[{"id":812,"status":"Unpaid"},{"id":805,"status":"Unpaid"}]}}"#,
            r#"{"data":{"812":{"id":812,"status":"Unpaid"},"805":{"id":"805","status":"Unpaid"}}}"#,
        ] {
            assert_eq!(read(json).unpaid(), [805, 812], "{json}");
        }
    }

    #[test]
    fn an_answer_without_a_list_names_none() {
        for json in [
            r#"{"result":"OK"}"#,
            r#"{"invoices":null}"#,
            r#"{"invoices":[]}"#,
            r#"{"invoices":[{"status":"Unpaid"}]}"#,
        ] {
            assert!(read(json).invoices().is_empty(), "{json}");
        }
    }
}
