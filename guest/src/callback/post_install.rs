//! A deploy finished: HOSTKEY calls the URL it was given. Only a genuine,
//! unexpired signature for the service may link it; anything else is 403
//! and changes nothing. A replay after the link answers 200 and changes
//! nothing. An ended service is not revived: the call answers 200 and its
//! server is cancelled (`orders::ended`).

use crate::api::ApiClient;
use crate::capabilities::{Db, Http, Platform};
use crate::error::ModuleResult;
use crate::orders::link::Linked;
use crate::orders::welcome::send_welcome;
use crate::orders::{link, secret, service, signature};
use crate::schema::module_log;
use crate::schema::settings::Settings;

/// The request's HTTP method.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Method {
    Get,
    Post,
    /// Any other, as received.
    Other(String),
}

/// HOSTKEY's request as PHP received it.
#[derive(Debug, Clone, PartialEq)]
pub struct Request<'a> {
    pub method: Method,
    /// (lower-case name, value); kept for signature schemes that sign headers.
    pub headers: &'a [(String, String)],
    /// Query-string and form parameters.
    pub params: &'a [(String, String)],
}

/// The answer's verdict (its body's `result`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Linked, or linked before.
    Ok,
    /// HOSTKEY's deploy is not finished yet.
    Waiting,
    /// The service has ended; nothing was linked.
    Ended,
    /// Refused.
    Error,
}

/// The HTTP answer the PHP endpoint sends back.
#[derive(Debug, Clone, PartialEq)]
pub struct Answer {
    pub status: u16,
    pub verdict: Verdict,
    /// One sentence.
    pub message: String,
}

fn reply(status: u16, verdict: Verdict, message: &str) -> Answer {
    Answer {
        status,
        verdict,
        message: message.to_string(),
    }
}

pub fn post_install(
    db: &mut dyn Db,
    http: &mut dyn Http,
    platform: &mut dyn Platform,
    request: &Request,
    now_unix: i64,
) -> ModuleResult<Answer> {
    if let Method::Other(method) = &request.method {
        return Ok(reply(
            405,
            Verdict::Error,
            &format!("The post-install callback takes GET or POST, not {method}."),
        ));
    }
    let params = request.params;
    let Some(secret) = secret::load(db)? else {
        return Ok(reply(
            403,
            Verdict::Error,
            "This install has signed no callback.",
        ));
    };
    let service_id = match signature::verify(&secret, params, now_unix) {
        Ok(id) => id,
        Err(refusal) => return Ok(reply(403, Verdict::Error, &refusal.to_string())),
    };
    let Some(service) = service::load(db, service_id)? else {
        return Ok(reply(
            404,
            Verdict::Error,
            "The service is not one of this module.",
        ));
    };
    let settings = Settings::load(db)?;
    let stamp = module_log::datetime(now_unix);
    let linked = service::with_service_lock(db, service_id, service::WAIT_MS, |db| {
        let mut api = ApiClient::new(http, &mut *platform, &settings.api_url, &settings.api_key)?;
        let linked = link::link(
            db,
            &mut api,
            &service,
            &mut |api| Ok(api.client_info()?.email),
            &stamp,
        );
        if let Ok(Linked::Now(server)) = &linked {
            // HOSTKEY may not have applied the hostname; a failed rename
            // never undoes the link (the admin can rename in the panel).
            let _ = crate::orders::pending_api::rename_if_placeholder(
                &mut api,
                *server,
                &service.hostname,
            );
        }
        linked
    })?;
    let Some(linked) = linked else {
        return Ok(reply(
            409,
            Verdict::Error,
            "The service is busy; call again.",
        ));
    };
    let answer = match linked? {
        Linked::Now(server) => {
            let welcome = send_welcome(db, platform, service_id);
            let line =
                format!("Service {service_id} is linked to HOSTKEY server {server}. {welcome}");
            module_log::record(
                db,
                platform,
                &settings,
                module_log::Entry {
                    action: "post-install",
                    params: &format!("service {service_id}"),
                    outcome: &line,
                    now_unix,
                    keep: true,
                },
            );
            reply(200, Verdict::Ok, &format!("linked to server {server}"))
        }
        Linked::Already(server) => reply(
            200,
            Verdict::Ok,
            &format!("already linked to server {server}"),
        ),
        Linked::Waiting(why) => reply(202, Verdict::Waiting, &why),
        // Answered as handled, so HOSTKEY does not call again; what happened
        // to the server is the reseller's to read, in the log.
        Linked::Ended(line) => {
            module_log::record(
                db,
                platform,
                &settings,
                module_log::Entry {
                    action: "post-install",
                    params: &format!("service {service_id}"),
                    outcome: &line,
                    now_unix,
                    keep: true,
                },
            );
            reply(
                200,
                Verdict::Ended,
                "The service has ended; no server was linked to it.",
            )
        }
    };
    Ok(answer)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{MemoryDb, RecordingPlatform, ScriptedHttp};

    #[test]
    fn a_method_other_than_get_or_post_is_refused_with_one_sentence() {
        let mut db = MemoryDb::whmcs();
        let before = db.dump();
        let request = Request {
            method: Method::Other("PUT".into()),
            headers: &[],
            params: &[("hosting".into(), "5".into())],
        };
        let answer = post_install(
            &mut db,
            &mut ScriptedHttp::default(),
            &mut RecordingPlatform::default(),
            &request,
            1_795_545_296,
        )
        .expect("answer");
        assert_eq!(answer.status, 405);
        assert_eq!(answer.verdict, Verdict::Error);
        assert_eq!(
            answer.message,
            "The post-install callback takes GET or POST, not PUT."
        );
        assert_eq!(db.dump(), before);
    }
}
