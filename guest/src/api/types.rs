use serde::Deserialize;

/// The reseller's HOSTKEY account as `whmcs/get_client` describes it; WHMCS
/// sends empty fields as null as often as "".
#[derive(Debug, Clone, PartialEq, Deserialize, Default)]
pub struct ClientInfo {
    #[serde(default, deserialize_with = "super::lenient::text")]
    pub email: String,
    #[serde(default, deserialize_with = "super::lenient::text")]
    pub currency_code: String,
}
