use super::ApiError;

/// The `apiurl` setting, kept whole: scheme, host, port and path (the
/// original module dropped port and path for most calls).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiBase {
    base: String,
    host: String,
}

impl ApiBase {
    pub fn parse(setting: &str) -> Result<Self, ApiError> {
        let trimmed = setting.trim();
        let rest = trimmed
            .strip_prefix("https://")
            .or_else(|| trimmed.strip_prefix("http://"))
            .ok_or_else(|| ApiError::BadUrl(trimmed.to_string()))?;
        let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
        let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
        let host = match host.strip_prefix('[') {
            Some(v6) => v6.split(']').next().unwrap_or_default().to_string(),
            None => host.split(':').next().unwrap_or_default().to_string(),
        };
        if host.is_empty() || trimmed.contains(['?', '#', ' ']) {
            return Err(ApiError::BadUrl(trimmed.to_string()));
        }
        let mut base = trimmed.to_string();
        if !base.ends_with('/') {
            base.push('/');
        }
        Ok(Self {
            base,
            host: host.to_ascii_lowercase(),
        })
    }

    /// `<base><module>.php`, e.g. `https://invapi.hostkey.com/auth.php`.
    pub fn endpoint(&self, module: &str) -> String {
        format!("{}{module}.php", self.base)
    }

    pub fn host(&self) -> &str {
        &self.host
    }

    pub fn as_str(&self) -> &str {
        &self.base
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_port_and_path() {
        let base = ApiBase::parse("http://127.0.0.1:8081/api").expect("valid");
        assert_eq!(base.endpoint("eq"), "http://127.0.0.1:8081/api/eq.php");
        assert_eq!(base.host(), "127.0.0.1");
    }

    #[test]
    fn default_url() {
        let base = ApiBase::parse("https://invapi.hostkey.com/").expect("valid");
        assert_eq!(base.endpoint("auth"), "https://invapi.hostkey.com/auth.php");
        assert_eq!(base.host(), "invapi.hostkey.com");
    }

    #[test]
    fn refuses_other_schemes_and_garbage() {
        assert!(ApiBase::parse("ftp://invapi.hostkey.com/").is_err());
        assert!(ApiBase::parse("invapi.hostkey.com").is_err());
        assert!(ApiBase::parse("https:///").is_err());
        assert!(ApiBase::parse("https://a.example/?x=1").is_err());
    }
}
