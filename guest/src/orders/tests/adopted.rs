//! Services the public module ordered and linked, paid again in WHMCS: a
//! renewal pays their server's HOSTKEY invoice once and never orders; a
//! service whose server nobody can determine waits for the admin.

use super::*;
use crate::orders::custom_fields::{self, API_KEY, INVOICE_ID, PRESET_ID};
use crate::orders::hostkey::{Invoice, ServerFacts};
use crate::orders::renewal::{billing_account, purpose};
use crate::orders::server_of::public_module_reading;

/// HOSTKEY as the public module left it: server 5000 ordered on invoice
/// 9000 (paid), and the next invoice of that server raised (9001, unpaid).
fn hostkey_with_server_5000() -> Hostkey {
    let mut hk = Hostkey::default();
    hk.servers
        .push((5000, "web-1.example.test".into(), "vm.nano".into()));
    hk.invoices.insert(9000, (5000, "4.40".into(), true));
    hk.invoices.insert(9001, (5000, "4.40".into(), false));
    hk
}

/// Service 77 in `status` with the public module's fields.
fn public_module_service(status: &str, fields: &[(&str, &str)]) -> MemoryDb {
    let mut db = whmcs_with_orders();
    db.update_where(
        "tblhosting",
        "id",
        "77",
        "domainstatus",
        Value::text(status),
    );
    let product = service::load(&mut db, 77)
        .expect("reads")
        .expect("ours")
        .product_id;
    for (name, value) in fields {
        custom_fields::set(&mut db, product, 77, name, value).expect("sets");
    }
    db
}

fn field(db: &mut MemoryDb, name: &str) -> String {
    let product = service::load(db, 77)
        .expect("reads")
        .expect("ours")
        .product_id;
    custom_fields::get(db, product, 77, name).expect("reads")
}

fn pay(db: &mut MemoryDb, hk: &mut Hostkey, invoice: i64) -> String {
    invoice_paid(db, hk, &mut RecordingPlatform::default(), invoice, NOW)
        .expect("runs")
        .summary()
}

#[test]
fn a_renewal_of_a_service_linked_by_invoice_id_and_api_key_pays_once_and_orders_nothing() {
    let mut db = public_module_service("Active", &[(INVOICE_ID, "9000"), (API_KEY, "pm-key")]);
    let mut hk = hostkey_with_server_5000();
    renewal_invoice(&mut db, 710);
    let line = pay(&mut db, &mut hk, 710);
    assert!(
        line.contains("renewal passed on, HOSTKEY invoice 9001 of server 5000 paid"),
        "{line}"
    );
    let again = pay(&mut db, &mut hk, 710);
    assert!(again.contains("already passed on"), "{again}");
    assert_eq!(hk.orders_sent, 0, "a renewal never orders");
    assert_eq!(hk.count("eq/order_instance"), 0);
    assert_eq!(hk.credit_paid, [9001], "one HOSTKEY invoice paid, once");
    assert_eq!(field(&mut db, INVOICE_ID), "9000", "Invoice ID unchanged");
    assert_eq!(
        crate::servers::ops::load(&mut db, 77)
            .expect("row")
            .server_id,
        Some(5000),
        "the server found through the invoice is recorded"
    );
}

#[test]
fn a_renewal_of_a_service_with_a_preset_id_pays_once_and_orders_nothing() {
    let mut db = public_module_service(
        "Active",
        &[
            (INVOICE_ID, "9000"),
            (API_KEY, "pm-key"),
            (PRESET_ID, "5000"),
        ],
    );
    let mut hk = hostkey_with_server_5000();
    renewal_invoice(&mut db, 710);
    let line = pay(&mut db, &mut hk, 710);
    assert!(
        line.contains("HOSTKEY invoice 9001 of server 5000 paid"),
        "{line}"
    );
    assert_eq!(hk.orders_sent, 0);
    assert_eq!(hk.credit_paid, [9001]);
}

#[test]
fn a_renewal_whose_server_cannot_be_determined_buys_nothing_and_waits_for_the_admin() {
    // Active, but no field of either module and no job: nothing names a server.
    let mut db = public_module_service("Active", &[]);
    let mut hk = hostkey_with_server_5000();
    renewal_invoice(&mut db, 710);
    let line = pay(&mut db, &mut hk, 710);
    assert!(
        line.contains("Service 77 needs attention: the renewal paid by invoice 710 was not passed on: no HOSTKEY server could be determined"),
        "{line}"
    );
    assert_eq!(hk.orders_sent, 0);
    assert!(hk.credit_paid.is_empty());
    let job = state::find(&mut db, 77, &purpose(710))
        .expect("reads")
        .expect("recorded");
    assert_eq!(job.state, State::NeedsAttention);
    assert!(job.detail.contains("link its server"), "{}", job.detail);
}

#[test]
fn a_service_set_back_to_pending_after_a_blind_renewal_is_ordered_once() {
    // An admin accepted the order by hand (Active) before it was paid: the
    // payment is read as a renewal and stops; the admin says it never had a
    // server by setting it back to Pending, and the next delivery orders it.
    let mut db = public_module_service("Active", &[]);
    let mut hk = hostkey_with_server_5000();
    renewal_invoice(&mut db, 710);
    let line = pay(&mut db, &mut hk, 710);
    assert!(line.contains("set it back to Pending"), "{line}");
    assert_eq!(hk.orders_sent, 0);
    db.update_where(
        "tblhosting",
        "id",
        "77",
        "domainstatus",
        Value::text("Pending"),
    );
    pay(&mut db, &mut hk, 710);
    pay(&mut db, &mut hk, 710);
    assert_eq!(hk.orders_sent, 1, "ordered once, whatever is redelivered");
}

#[test]
fn a_renewal_that_reached_a_server_keeps_a_service_from_ordering() {
    let mut db = public_module_service("Pending", &[]);
    let mut job = state::new_job(77, &purpose(705), 705);
    job.state = State::NeedsAttention;
    job.server_id = Some(5000);
    state::save(&mut db, &mut job, "2026-11-29 16:00:00").expect("saves");
    let mut hk = hostkey_with_server_5000();
    renewal_invoice(&mut db, 710);
    pay(&mut db, &mut hk, 710);
    assert_eq!(
        hk.orders_sent, 0,
        "a job that named a server is evidence of it"
    );
}

#[test]
fn an_ended_services_paid_invoice_spends_nothing_at_hostkey() {
    for status in ["Cancelled", "Terminated", "Fraud"] {
        let mut db = public_module_service(status, &[(INVOICE_ID, "9000"), (PRESET_ID, "5000")]);
        let mut hk = hostkey_with_server_5000();
        renewal_invoice(&mut db, 710);
        let line = pay(&mut db, &mut hk, 710);
        assert!(line.contains("has ended"), "{status}: {line}");
        assert!(hk.credit_paid.is_empty(), "{status}: nothing paid");
        assert_eq!(hk.orders_sent, 0);
    }
    // Held by the module as terminated while WHMCS still says Active.
    let mut db = public_module_service("Active", &[(PRESET_ID, "5000")]);
    let mut held = crate::servers::ops::ServerOps::new(77);
    held.hold = crate::servers::ops::Hold::Terminated;
    crate::servers::ops::save(&mut db, &mut held).expect("saves");
    let mut hk = hostkey_with_server_5000();
    renewal_invoice(&mut db, 710);
    assert!(pay(&mut db, &mut hk, 710).contains("has ended"));
    assert!(hk.credit_paid.is_empty());
}

#[test]
fn only_a_pending_service_without_any_mark_of_a_server_is_ordered() {
    // Invoice 700 carries 77 and 78; 77 is Pending but the public module keyed it.
    let mut db = public_module_service("Pending", &[(API_KEY, "pm-key")]);
    let mut hk = Hostkey::default();
    let line = deliver(&mut db, &mut hk, &mut RecordingPlatform::default());
    assert_eq!(hk.orders_sent, 1, "{line}");
    assert_eq!(hk.ordered_params[0]["hostname"], "web-2.example.test");
    assert!(line.contains("Service 77 needs attention"), "{line}");

    for status in ["Active", "Suspended"] {
        let mut db = public_module_service(status, &[]);
        let mut hk = Hostkey::default();
        deliver(&mut db, &mut hk, &mut RecordingPlatform::default());
        assert_eq!(hk.ordered_params.len(), 1, "{status}: only service 78");
        assert_eq!(hk.ordered_params[0]["hostname"], "web-2.example.test");
    }
    // A job of ours of any kind (here a cancellation) is a mark too.
    let mut db = public_module_service("Pending", &[]);
    let mut job = state::new_job(77, state::CANCELLATION, 0);
    state::save(&mut db, &mut job, "2026-11-29 16:00:00").expect("saves");
    let mut hk = Hostkey::default();
    deliver(&mut db, &mut hk, &mut RecordingPlatform::default());
    assert_eq!(hk.ordered_params.len(), 1);
    assert_eq!(hk.ordered_params[0]["hostname"], "web-2.example.test");
}

#[test]
fn the_billing_account_is_read_at_the_top_of_eq_show_or_inside_server_data() {
    let read = |json: &str| {
        let facts: ServerFacts = serde_json::from_str(json).expect("parses");
        billing_account(&facts)
    };
    assert_eq!(
        read(r#"{"account_id":55501,"type_billing":"NL","server_data":{"id":1}}"#),
        Some((55501, "NL".to_string()))
    );
    assert_eq!(
        read(r#"{"server_data":{"id":1,"account_id":"55502","type_billing":"FI"}}"#),
        Some((55502, "FI".to_string()))
    );
    assert_eq!(
        read(r#"{"account_id":55503,"server_data":{"type_billing":"DE"}}"#),
        Some((55503, "DE".to_string()))
    );
    assert_eq!(read(r#"{"server_data":{"id":1}}"#), None);
}

#[test]
fn the_invoice_is_read_as_the_public_module_reads_it() {
    let invoice = |json: &str| -> Invoice { serde_json::from_str(json).expect("parses") };
    let two = invoice(
        r#"{"items":{"item":[{"inv_id":"11","relid":"900"},{"inv_id":"12","relid":"77"}]}}"#,
    );
    assert_eq!(public_module_reading(&two, 77), Some(12), "relid match");
    assert_eq!(
        public_module_reading(&two, 78),
        Some(11),
        "else the first item"
    );
    let one = invoice(r#"{"items":{"item":{"inv_id":13,"relid":1}}}"#);
    assert_eq!(public_module_reading(&one, 77), Some(13));
    assert_eq!(
        public_module_reading(&invoice(r#"{"items":{"item":[]}}"#), 77),
        None
    );
}
