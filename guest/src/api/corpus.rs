//! The conformance corpus (`tests/hostkey-api/`): every request shape and
//! answer shape HOSTKEY's own clients show, run through the guest's own
//! typed calls and API client. Each request must go out as the source
//! client sends it; each answer must get the source client's verdict.

use super::requests::{GetClient, GetClientAnswer, Login, LoginAnswer, PresetsAnswer, PresetsInfo};
use super::types::ClientInfo;
use super::{ApiClient, ApiError, Call, Session, send};
use crate::orders::cancel::{Kind, RequestCancellation};
use crate::orders::hostkey::{
    AddServerKey, Address, ApplyCredit, BillingServer, Credited, GetInvoice, Invoice, InvoiceItem,
    InvoiceList, InvoiceSummary, KeyList, KeysForServer, NewKey, NewKeyData, OrderInstance,
    Ordered, Payment, ProductInvoices, ServerData, ServerFacts, ServerKey, Servers, ShowServer,
    Tag, UpdateServers,
};
use crate::orders::pending_api::RenameServer;
use crate::orders::related_invoices::{RelatedInvoices, RelatedList};
use crate::orders::renewal::billing_account;
use crate::servers::calls::{
    CallbackCheck, CallbackState, Power, PowerOff, PowerOn, Progress, Reboot, Reinstall,
    SetKeyActive, Started,
};
use crate::testing::{RecordingPlatform, ScriptedHttp};
use serde::Deserialize;
use serde::de::{self, DeserializeOwned, Deserializer, Visitor};
use serde_json::{Value as Json, json};
use std::collections::BTreeMap;
use std::path::PathBuf;

const LOGIN: &str = r#"{"result":{"token":"tok-0123456789abcdef"}}"#;

#[derive(Debug, Deserialize)]
struct File {
    call: String,
    #[serde(default)]
    also: Vec<String>,
    #[serde(default)]
    weak: String,
    /// A call the guest does not make yet: only the envelope's verdict is
    /// checked (the engineer adding the typed call maps it in `run`).
    #[serde(default)]
    envelope_only: bool,
    /// Fields the guest reads that no answer case shows, each with why
    /// reading it is still safe ("no HOSTKEY source; fails safe by ...").
    #[serde(default)]
    unsourced: BTreeMap<String, String>,
    request: Request,
    answers: Vec<Case>,
}

#[derive(Debug, Deserialize)]
struct Request {
    module: String,
    action: String,
    method: String,
    session: String,
    params: BTreeMap<String, String>,
    #[serde(default)]
    absent: Vec<String>,
    source: String,
}

#[derive(Debug, Deserialize)]
struct Case {
    case: String,
    source: String,
    answer: Json,
    verdict: String,
    #[serde(default)]
    expect: Json,
}

/// What one exchange showed: the form sent, the URL, the verdict and the
/// values the module read (compared with the case's `expect`).
struct Outcome {
    form: BTreeMap<String, String>,
    url: String,
    verdict: &'static str,
    read: Json,
}

fn corpus_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/hostkey-api")
}

fn corpus() -> Vec<(String, File)> {
    let mut files: Vec<_> = std::fs::read_dir(corpus_dir())
        .expect("tests/hostkey-api exists")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|path| {
            let text = std::fs::read_to_string(&path).expect("readable");
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let file = serde_json::from_str(&text)
                .unwrap_or_else(|e| panic!("{name} is not a corpus file: {e}"));
            (name, file)
        })
        .collect()
}

fn decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("00");
                out.push(u8::from_str_radix(hex, 16).unwrap_or(b'?'));
                i += 2;
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn form(body: &[u8]) -> BTreeMap<String, String> {
    String::from_utf8_lossy(body)
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .map(|(k, v)| (decode(k), decode(v)))
        .collect()
}

/// Sends `call` through a real client whose HTTP answers `answer` (after a
/// login when the call needs the token); returns the call's own request.
fn exchange<C: Call>(
    call: &C,
    answer: &Json,
) -> (
    BTreeMap<String, String>,
    String,
    Result<C::Answer, ApiError>,
) {
    let mut http = ScriptedHttp::default();
    if C::SESSION == Session::Token {
        http = http.json(LOGIN);
    }
    http = http.json(&answer.to_string());
    let mut platform = RecordingPlatform::default();
    let result = {
        let mut api = ApiClient::new(
            &mut http,
            &mut platform,
            "https://invapi.hostkey.com/",
            "hk-key-0123456789",
        )
        .expect("client");
        send(&mut api, call)
    };
    let index = usize::from(C::SESSION == Session::Token);
    let request = &http.requests[index];
    (form(&request.body), request.url.clone(), result)
}

fn verdict<T>(result: &Result<T, ApiError>) -> &'static str {
    match result {
        Ok(_) => "success",
        Err(error) if error.is_not_found() => "not_found",
        Err(_) => "error",
    }
}

fn param<'a>(file: &'a File, name: &str) -> &'a str {
    file.request.params.get(name).map_or_else(
        || panic!("{}: no {name} in the request", file.call),
        String::as_str,
    )
}

fn int(file: &File, name: &str) -> i64 {
    param(file, name)
        .parse()
        .unwrap_or_else(|_| panic!("{}: {name} is not a number", file.call))
}

fn outcome<T>(
    sent: (BTreeMap<String, String>, String, Result<T, ApiError>),
    read: impl FnOnce(&T) -> Json,
) -> Outcome {
    let (form, url, result) = sent;
    Outcome {
        form,
        url,
        verdict: verdict(&result),
        read: result.as_ref().map_or(Json::Null, read),
    }
}

fn power(action: &str, file: &File, answer: &Json) -> Outcome {
    let p = Power {
        server_id: int(file, "id"),
    };
    let read = |s: &crate::servers::calls::Started| json!({"callback": s.callback});
    match action {
        "on" => outcome(exchange(&PowerOn(p), answer), read),
        "off" => outcome(exchange(&PowerOff(p), answer), read),
        _ => outcome(exchange(&Reboot(p), answer), read),
    }
}

/// Runs one answer through the guest's own call for the file's request.
fn run(file: &File, call: &str, answer: &Json) -> Outcome {
    match call {
        "auth/login" => outcome(
            exchange(
                &Login {
                    key: param(file, "key").into(),
                },
                answer,
            ),
            |a| json!({"token": a.token()}),
        ),
        "whmcs/get_client" => outcome(
            exchange(&GetClient, answer),
            |a| json!({"email": a.client.email}),
        ),
        "presets/info" => outcome(
            exchange(
                &PresetsInfo {
                    currency: param(file, "currencies").into(),
                },
                answer,
            ),
            |_| Json::Null,
        ),
        "eq/order_instance" => {
            let order = OrderInstance {
                preset: param(file, "preset").into(),
                location: param(file, "location_name").into(),
                os_id: int(file, "os_id"),
                os_name: param(file, "os_name").into(),
                soft: None,
                traffic_plan: Some(int(file, "traffic_plan")),
                root_pass: param(file, "root_pass").into(),
                hostname: param(file, "hostname").into(),
                deploy_period: param(file, "deploy_period").into(),
                email: param(file, "email").into(),
                currency_code: param(file, "currency_code").into(),
                post_install_callback: param(file, "post_install_callback").into(),
            };
            outcome(
                exchange(&order, answer),
                |a| json!({"invoice": a.invoice, "server_id": a.id, "callback": a.callback}),
            )
        }
        "eq/order_instance (reinstall)" => {
            let reinstall = Reinstall {
                server_id: int(file, "id"),
                os_id: int(file, "os_id"),
                root_pass: param(file, "root_pass").into(),
            };
            outcome(
                exchange(&reinstall, answer),
                |a| json!({"callback": a.callback, "server_id": a.id}),
            )
        }
        "whmcs/get_invoice" => outcome(
            exchange(
                &GetInvoice {
                    invoice_id: int(file, "invoice_id"),
                },
                answer,
            ),
            |a| {
                let payment = match a.payment() {
                    Payment::Paid => "paid",
                    Payment::Unpaid => "unpaid",
                    Payment::Unknown => "unknown",
                };
                let inv_ids: Vec<Option<i64>> = a.items.item.iter().map(|i| i.inv_id).collect();
                json!({"payment": payment, "total": a.total, "inv_ids": inv_ids})
            },
        ),
        "whmcs/apply_credit" => outcome(
            exchange(
                &ApplyCredit {
                    invoice_id: int(file, "invoice_id"),
                    amount: param(file, "amount").into(),
                },
                answer,
            ),
            |a| json!({"invoicepaid": a.invoicepaid}),
        ),
        "eq/update_servers" => outcome(exchange(&UpdateServers, answer), |a| {
            json!({
                "ids": a.ids(),
                "invoices": a.deploy_keys_by_invoice().into_keys().collect::<Vec<_>>(),
                "servers": a.servers,
                "deploy_keys": a.deploy_keys,
                "billing_ids": a.billing_servers.iter().map(|s| s.id).collect::<Vec<_>>(),
                "billing_names": a.billing_servers.iter().map(|s| s.name.clone()).collect::<Vec<_>>(),
            })
        }),
        "eq/show" => outcome(
            exchange(
                &ShowServer {
                    id: int(file, "id"),
                },
                answer,
            ),
            |a| {
                json!({
                    "condition": a.server_data.condition,
                    "hostname": a.hostname(),
                    "ips": a.ips.iter().map(|i| i.ip.clone()).collect::<Vec<_>>(),
                    "billing_account": billing_account(a),
                })
            },
        ),
        "whmcs/get_product_invoice" => outcome(
            exchange(
                &ProductInvoices {
                    account_id: int(file, "product"),
                    location: param(file, "location").into(),
                },
                answer,
            ),
            |a| {
                let unpaid: Vec<Option<i64>> = a
                    .invoices
                    .iter()
                    .filter(|i| i.status.eq_ignore_ascii_case("unpaid"))
                    .map(|i| i.invoiceid)
                    .collect();
                json!({"unpaid": unpaid})
            },
        ),
        "whmcs/get_related_invoices" => outcome(
            exchange(
                &RelatedInvoices {
                    server_id: int(file, "id"),
                },
                answer,
            ),
            |a| json!({"unpaid": a.unpaid()}),
        ),
        "api_keys/list_for_server" => {
            let (form, url, result) = exchange(
                &KeysForServer {
                    server_id: int(file, "params[server_id]"),
                },
                answer,
            );
            // The records are what `edit` is sent with: read them all.
            let keys = result.and_then(|list| list.keys());
            outcome(
                (form, url, keys),
                |keys| json!({"key_ids": keys.iter().map(|k| k.id).collect::<Vec<_>>()}),
            )
        }
        "api_keys/add" => outcome(
            exchange(
                &AddServerKey {
                    name: param(file, "params[name]").into(),
                    server_id: int(file, "params[server_id]"),
                    notify_email: param(file, "params[login_notify_address]").into(),
                },
                answer,
            ),
            |a| json!({"api_key": a.data.api_key}),
        ),
        "api_keys/edit" => {
            let key = ServerKey {
                id: Some(int(file, "params[id]")),
                name: param(file, "params[name]").into(),
                ip: param(file, "params[ip]").into(),
                login_notify_method: param(file, "params[login_notify_method]").into(),
                login_notify_address: param(file, "params[login_notify_address]").into(),
                active: true,
            };
            let active = param(file, "params[active]") == "1";
            outcome(exchange(&SetKeyActive { key, active }, answer), |_| {
                Json::Null
            })
        }
        "eq/on" | "eq/off" | "eq/reboot" => power(&call[3..], file, answer),
        "eq_callback/check" => {
            let (form, url, result) = exchange(
                &CallbackCheck {
                    key: param(file, "key").into(),
                },
                answer,
            );
            let verdict = match &result {
                Ok(state) => match state.progress() {
                    Progress::Running => "not_ready",
                    Progress::Done => "success",
                    Progress::Failed(_) => "error",
                },
                Err(_) => verdict(&result),
            };
            let read = result
                .as_ref()
                .map_or(Json::Null, |s| json!({"server_id": s.server_id()}));
            Outcome {
                form,
                url,
                verdict,
                read,
            }
        }
        "eq/rename_server" => outcome(
            exchange(
                &RenameServer {
                    id: int(file, "id"),
                    hostname: param(file, "hostname"),
                },
                answer,
            ),
            |_| Json::Null,
        ),
        "whmcs/request_cancellation" => {
            let kind = match param(file, "cancellation_type") {
                "1" => Kind::Immediate,
                _ => Kind::EndOfBillingPeriod,
            };
            let call = RequestCancellation {
                server_id: int(file, "id"),
                kind,
                reason: param(file, "cancellation_reason").into(),
            };
            outcome(exchange(&call, answer), |_| Json::Null)
        }
        other => panic!("the corpus has a call the test does not know: {other}"),
    }
}

/// Checks one exchange against the corpus; returns the failures as text.
fn check(file: &File, call: &str, case: &Case, got: &Outcome) -> Vec<String> {
    let mut problems = Vec::new();
    let request = &file.request;
    let action = call.split('/').nth(1).unwrap_or(&request.action);
    let action = action.split(' ').next().unwrap_or(action);
    if !got.url.ends_with(&format!("/{}.php", request.module)) {
        problems.push(format!(
            "sent to {} instead of {}.php",
            got.url, request.module
        ));
    }
    if request.method != "POST" {
        problems.push(format!("the corpus asks for {}", request.method));
    }
    if got.form.get("action").map(String::as_str) != Some(action) {
        problems.push(format!(
            "action {:?} instead of {action}",
            got.form.get("action")
        ));
    }
    if got.form.contains_key("token") != (request.session == "token") {
        problems.push(format!("token sent: {}", got.form.contains_key("token")));
    }
    for (name, value) in &request.params {
        if got.form.get(name) != Some(value) {
            problems.push(format!(
                "{name} sent as {:?}, not {value:?}",
                got.form.get(name)
            ));
        }
    }
    for name in &request.absent {
        if got.form.contains_key(name) {
            problems.push(format!("{name} must not be sent"));
        }
    }
    if got.verdict != case.verdict {
        problems.push(format!(
            "verdict {} instead of {}",
            got.verdict, case.verdict
        ));
    }
    if let Json::Object(expected) = &case.expect {
        for (key, want) in expected {
            let have = got.read.get(key).unwrap_or(&Json::Null);
            if have != want {
                problems.push(format!("read {key} = {have}, the source reads {want}"));
            }
        }
    }
    problems
        .into_iter()
        .map(|p| format!("{call} / {}: {p}", case.case))
        .collect()
}

#[test]
fn conformance_corpus_decodes_every_answer_as_the_source_client() {
    let mut failures = Vec::new();
    let mut cases = 0;
    for (_, file) in corpus() {
        let calls = std::iter::once(file.call.clone()).chain(file.also.iter().cloned());
        for call in calls {
            for case in &file.answers {
                if file.envelope_only {
                    let got = super::envelope::check(&call, case.answer.clone());
                    if verdict(&got) != case.verdict {
                        failures.push(format!("{call} / {}: verdict {}", case.case, verdict(&got)));
                    }
                } else {
                    let got = run(&file, &call, &case.answer);
                    failures.extend(check(&file, &call, case, &got));
                }
                cases += 1;
            }
        }
    }
    assert!(cases >= 40, "the corpus holds {cases} cases only");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn conformance_corpus_lists_every_case_with_its_source() {
    let mut listed = 0;
    for (name, file) in corpus() {
        let weak = if file.weak.is_empty() {
            String::new()
        } else {
            format!(" [weak: {}]", file.weak)
        };
        let only = if file.envelope_only {
            " [no guest call yet: envelope only]"
        } else {
            ""
        };
        println!("{} ({name}){weak}{only}", file.call);
        println!("  request: {}", file.request.source);
        assert!(
            !file.request.source.is_empty(),
            "{name}: request without source"
        );
        for case in &file.answers {
            assert!(
                !case.source.is_empty(),
                "{name}: {} has no source",
                case.case
            );
            println!("  [{}] {} <- {}", case.verdict, case.case, case.source);
            listed += 1;
        }
    }
    assert!(listed > 0);
}

#[test]
fn every_call_the_guest_makes_is_in_the_corpus() {
    fn name<C: Call>() -> String {
        format!("{}/{}", C::MODULE, C::ACTION)
    }
    let covered: Vec<String> = corpus()
        .into_iter()
        .flat_map(|(_, f)| {
            let first = format!("{}/{}", f.request.module, f.request.action);
            std::iter::once(first).chain(f.also)
        })
        .collect();
    for call in [
        name::<Login>(),
        name::<GetClient>(),
        name::<PresetsInfo>(),
        name::<OrderInstance>(),
        name::<Reinstall>(),
        name::<GetInvoice>(),
        name::<ApplyCredit>(),
        name::<UpdateServers>(),
        name::<ShowServer>(),
        name::<ProductInvoices>(),
        name::<RelatedInvoices>(),
        name::<KeysForServer>(),
        name::<AddServerKey>(),
        name::<SetKeyActive>(),
        name::<PowerOn>(),
        name::<PowerOff>(),
        name::<Reboot>(),
        name::<CallbackCheck>(),
        name::<RequestCancellation>(),
        name::<RenameServer>(),
    ] {
        assert!(covered.contains(&call), "{call} has no corpus file");
    }
}

/// Records the field names a derived `Deserialize` asks for (serde hands
/// them to `deserialize_struct`), without reading anything.
struct Fields<'a>(&'a mut Vec<&'static str>);

impl<'de> Deserializer<'de> for Fields<'_> {
    type Error = de::value::Error;

    fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Self::Error> {
        Err(de::Error::custom("not a struct"))
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        fields: &'static [&'static str],
        _: V,
    ) -> Result<V::Value, Self::Error> {
        self.0.extend(fields);
        Err(de::Error::custom("recorded"))
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf option unit unit_struct newtype_struct seq tuple
        tuple_struct map enum identifier ignored_any
    }
}

/// The fields of `T`'s answer type, as paths under `prefix`.
fn fields<T: DeserializeOwned>(prefix: &str) -> Vec<String> {
    let mut names = Vec::new();
    let _ = T::deserialize(Fields(&mut names));
    assert!(!names.is_empty(), "{prefix}: not a struct with fields");
    names.iter().map(|n| format!("{prefix}{n}")).collect()
}

/// Every field the guest's readers of a call's answer ask for: the typed
/// structs walked (nested ones under their path), plus what code reads
/// inside a field kept as raw JSON (`scope`, `context`, `presets`, ...).
fn reads(call: &str) -> Vec<String> {
    let raw = |paths: &[&str]| paths.iter().map(|p| p.to_string()).collect::<Vec<_>>();
    let mut paths = match call {
        "auth/login" => [fields::<LoginAnswer>(""), raw(&["result.token"])].concat(),
        "whmcs/get_client" => [
            fields::<GetClientAnswer>(""),
            fields::<ClientInfo>("client."),
        ]
        .concat(),
        "presets/info" => fields::<PresetsAnswer>(""),
        "eq/order_instance" => fields::<Ordered>(""),
        "eq/order_instance (reinstall)" | "eq/on" | "eq/off" | "eq/reboot" => fields::<Started>(""),
        "whmcs/get_invoice" => [
            fields::<Invoice>(""),
            // `Items` reads `item` itself (a list in any shape).
            raw(&["items.item"]),
            fields::<InvoiceItem>("items.item."),
        ]
        .concat(),
        "whmcs/apply_credit" => fields::<Credited>(""),
        "eq/update_servers" => [
            fields::<Servers>(""),
            fields::<BillingServer>("billing_servers."),
        ]
        .concat(),
        "eq/show" => [
            fields::<ServerFacts>(""),
            fields::<ServerData>("server_data."),
            // The hostname search (`ServerFacts::hostname`).
            raw(&["server_data.hostname", "server_data.name"]),
            fields::<Address>("IP."),
            fields::<Tag>("tags."),
        ]
        .concat(),
        "whmcs/get_product_invoice" => [
            fields::<InvoiceList>(""),
            fields::<InvoiceSummary>("invoices."),
        ]
        .concat(),
        "whmcs/get_related_invoices" => [
            fields::<RelatedList>(""),
            raw(&["invoices.id", "invoices.status"]),
        ]
        .concat(),
        "api_keys/list_for_server" => {
            [fields::<KeyList>(""), fields::<ServerKey>("data.")].concat()
        }
        "api_keys/add" => [fields::<NewKey>(""), fields::<NewKeyData>("data.")].concat(),
        "eq_callback/check" => [
            fields::<CallbackState>(""),
            raw(&["context.id", "context.ip", "scope.id"]),
        ]
        .concat(),
        // Answers read for their envelope only.
        "api_keys/edit" | "eq/rename_server" | "whmcs/request_cancellation" => Vec::new(),
        other => panic!("no reader listed for {other}"),
    };
    paths.sort();
    paths.dedup();
    paths
}

/// Whether an answer shows `path` with a value (not null): through
/// objects, lists and lists keyed by id.
fn shows(value: &Json, path: &[&str]) -> bool {
    let Some((head, rest)) = path.split_first() else {
        return !value.is_null();
    };
    match value {
        Json::Array(items) => items.iter().any(|item| shows(item, path)),
        Json::Object(map) => match map.get(*head) {
            Some(inner) => shows(inner, rest),
            None => map.values().all(Json::is_object) && map.values().any(|item| shows(item, path)),
        },
        _ => false,
    }
}

/// The row of `call` in docs/hostkey-api.md's table of calls, with `[]`
/// dropped so that `billing_servers[].id` reads as the path `billing_servers.id`.
fn docs_row(docs: &str, call: &str) -> Option<String> {
    let row = match call.strip_suffix(" (reinstall)") {
        Some(_) => docs.lines().find(|l| l.starts_with("| reinstall:")),
        None => docs
            .lines()
            .find(|l| l.starts_with("| `") && l.contains(&format!("`{call}`"))),
    };
    row.map(|r| r.replace("[]", ""))
}

#[test]
fn conformance_corpus_shows_every_field_the_guest_reads() {
    let docs = std::fs::read_to_string(corpus_dir().join("../../docs/hostkey-api.md"))
        .expect("docs/hostkey-api.md");
    let mut failures = Vec::new();
    let mut checked = 0;
    for (name, file) in corpus() {
        let calls = std::iter::once(file.call.clone()).chain(file.also.iter().cloned());
        for call in calls {
            for path in reads(&call) {
                checked += 1;
                let parts: Vec<&str> = path.split('.').collect();
                let shown = file
                    .answers
                    .iter()
                    .filter(|c| c.verdict != "error" && c.verdict != "not_found")
                    .any(|c| shows(&c.answer, &parts));
                match (shown, file.unsourced.get(&path)) {
                    (true, Some(_)) => failures.push(format!(
                        "{name}: {path} is shown by a case; drop it from unsourced"
                    )),
                    (false, None) => failures.push(format!(
                        "{name}: the guest reads {path} of {call}, which no answer case shows"
                    )),
                    (false, Some(why)) if !why.starts_with("no HOSTKEY source; fails safe") => {
                        failures.push(format!("{name}: {path}: say how it fails safe"))
                    }
                    _ => {}
                }
                match docs_row(&docs, &call) {
                    Some(row) if row.contains(&path) => {}
                    Some(_) => failures.push(format!(
                        "docs/hostkey-api.md: the row of {call} does not name {path}"
                    )),
                    None => failures.push(format!("docs/hostkey-api.md has no row for {call}")),
                }
            }
        }
        for path in file.unsourced.keys() {
            if !reads(&file.call).contains(path) {
                failures.push(format!("{name}: unsourced {path} is not read by the guest"));
            }
        }
    }
    assert!(checked > 40, "only {checked} fields checked");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
