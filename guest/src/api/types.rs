use serde::Deserialize;

/// The reseller's HOSTKEY account as `whmcs/get_client` describes it.
#[derive(Debug, Clone, PartialEq, Deserialize, Default)]
pub struct ClientInfo {
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub currency_code: String,
    #[serde(default)]
    pub firstname: String,
    #[serde(default)]
    pub lastname: String,
    #[serde(default)]
    pub companyname: String,
}
