//! The post-install callback URL HOSTKEY is given: it names the service and
//! an expiry, signed with HMAC-SHA256 under a per-install secret, so nobody
//! else can make the module link a server to a service.

use hmac::{Hmac, Mac};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

/// How long HOSTKEY may take to deploy and call back (bare metal can take days).
pub const VALID_SECONDS: i64 = 30 * 24 * 3600;

/// The public path of the callback below WHMCS's system URL.
pub const CALLBACK_PATH: &str = "modules/gateways/callback/hostkeyresellermod.php";

fn message(service_id: i64, expires: i64) -> String {
    format!("hosting={service_id}&expires={expires}")
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) || !text.is_ascii() {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).ok())
        .collect()
}

fn mac(secret: &[u8], service_id: i64, expires: i64) -> HmacSha256 {
    // HMAC takes a key of any length; new_from_slice cannot fail for it.
    let mut mac = match HmacSha256::new_from_slice(secret) {
        Ok(mac) => mac,
        Err(_) => unreachable!("HMAC accepts keys of every length"),
    };
    mac.update(message(service_id, expires).as_bytes());
    mac
}

/// The full callback URL for a service, valid from `now` on.
pub fn callback_url(system_url: &str, secret: &[u8], service_id: i64, now: i64) -> String {
    let expires = now + VALID_SECONDS;
    let signature = hex(&mac(secret, service_id, expires).finalize().into_bytes());
    let base = if system_url.ends_with('/') {
        system_url.to_string()
    } else {
        format!("{system_url}/")
    };
    format!(
        "{base}{CALLBACK_PATH}?{}&sig={signature}",
        message(service_id, expires)
    )
}

/// Why a callback is refused (all answer HTTP 403 and change nothing).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("The callback has no valid service id, expiry or signature.")]
    Incomplete,
    #[error("The callback's signature does not match.")]
    BadSignature,
    #[error("The callback link has expired.")]
    Expired,
}

/// The service id of a genuine, unexpired callback.
pub fn verify(secret: &[u8], params: &[(String, String)], now: i64) -> Result<i64, Refusal> {
    let get = |key: &str| {
        params
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.trim().to_string())
    };
    let service_id: i64 = get("hosting")
        .and_then(|v| v.parse().ok())
        .filter(|id| *id > 0)
        .ok_or(Refusal::Incomplete)?;
    let expires: i64 = get("expires")
        .and_then(|v| v.parse().ok())
        .ok_or(Refusal::Incomplete)?;
    let signature = get("sig")
        .and_then(|s| unhex(&s))
        .ok_or(Refusal::Incomplete)?;
    mac(secret, service_id, expires)
        .verify_slice(&signature)
        .map_err(|_| Refusal::BadSignature)?;
    if now > expires {
        return Err(Refusal::Expired);
    }
    Ok(service_id)
}

/// A new secret as hex, from 32 random bytes.
pub fn new_secret(random: [u8; 32]) -> String {
    hex(&random)
}

pub fn secret_bytes(stored: &str) -> Option<Vec<u8>> {
    unhex(stored.trim()).filter(|b| b.len() >= 16)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(url: &str) -> Vec<(String, String)> {
        url.split_once('?')
            .map(|(_, q)| q)
            .unwrap_or_default()
            .split('&')
            .filter_map(|p| p.split_once('='))
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    const SECRET: &[u8] = b"0123456789abcdef0123456789abcdef";

    #[test]
    fn a_signed_url_verifies_and_names_its_service() {
        let url = callback_url("https://whmcs.example.test", SECRET, 42, 1_000);
        assert!(url.starts_with(
            "https://whmcs.example.test/modules/gateways/callback/hostkeyresellermod.php?hosting=42&expires="
        ));
        assert_eq!(verify(SECRET, &params(&url), 2_000), Ok(42));
    }

    /// A URL HOSTKEY holds stays valid for 30 days, across upgrades: the
    /// message and the signature must not change. The vector was computed
    /// once outside this code (Python's hmac over the message, key SECRET):
    /// `hmac.new(SECRET, b"hosting=42&expires=2593000", hashlib.sha256)`.
    #[test]
    fn a_known_url_keeps_its_signature() {
        const URL: &str = "https://whmcs.example.test/modules/gateways/callback/hostkeyresellermod.php\
            ?hosting=42&expires=2593000\
            &sig=949377d74f874ba78d63bee3523747acb679eb23245a33b8037cd4b70e8a5651";
        assert_eq!(
            callback_url("https://whmcs.example.test", SECRET, 42, 1_000),
            URL
        );
        assert_eq!(verify(SECRET, &params(URL), 2_000), Ok(42));
    }

    #[test]
    fn forged_tampered_expired_and_unsigned_calls_are_refused() {
        let url = callback_url("https://w/", SECRET, 42, 1_000);
        let good = params(&url);
        let tampered: Vec<(String, String)> = good
            .iter()
            .map(|(k, v)| {
                (
                    k.clone(),
                    if k == "hosting" {
                        "43".into()
                    } else {
                        v.clone()
                    },
                )
            })
            .collect();
        assert_eq!(verify(SECRET, &tampered, 2_000), Err(Refusal::BadSignature));
        assert_eq!(
            verify(b"another-secret-of-32-bytes-xxxxx", &good, 2_000),
            Err(Refusal::BadSignature)
        );
        assert_eq!(
            verify(SECRET, &good, 1_000 + VALID_SECONDS + 1),
            Err(Refusal::Expired)
        );
        let unsigned: Vec<(String, String)> =
            good.iter().filter(|(k, _)| k != "sig").cloned().collect();
        assert_eq!(verify(SECRET, &unsigned, 2_000), Err(Refusal::Incomplete));
        assert_eq!(
            verify(SECRET, &[("hosting".into(), "42".into())], 2_000),
            Err(Refusal::Incomplete)
        );
    }
}
