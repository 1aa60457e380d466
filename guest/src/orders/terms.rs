//! WHMCS's service statuses and billing cycles as the contract's enums
//! (`service-status`, `billing-cycle`), read from and written in WHMCS's
//! own spelling (`Semi-Annually`, `Free Account`) in one place.

/// A service's status (`tblhosting.domainstatus`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ServiceStatus {
    Pending,
    Active,
    Suspended,
    Terminated,
    Cancelled,
    Fraud,
    Completed,
}

// facts.json's `service_statuses` spell these in this order; a list of another
// length fails the build, another order or spelling the test below.
const _: () = assert!(hostkey_facts::SERVICE_STATUSES.len() == ServiceStatus::ALL.len());

impl ServiceStatus {
    /// Every status, in the contract's order.
    pub const ALL: [ServiceStatus; 7] = [
        ServiceStatus::Pending,
        ServiceStatus::Active,
        ServiceStatus::Suspended,
        ServiceStatus::Terminated,
        ServiceStatus::Cancelled,
        ServiceStatus::Fraud,
        ServiceStatus::Completed,
    ];

    /// The statuses of a service that no longer holds a server.
    pub const ENDED: [ServiceStatus; 3] = [
        ServiceStatus::Terminated,
        ServiceStatus::Cancelled,
        ServiceStatus::Fraud,
    ];

    /// Whether WHMCS's `text` spells this status (whatever its case).
    pub fn is(self, text: &str) -> bool {
        self.whmcs().eq_ignore_ascii_case(text.trim())
    }

    /// From WHMCS's spelling; none for one the contract does not know.
    pub fn from_whmcs(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|status| status.is(text))
    }

    /// WHMCS's spelling, as facts.json writes it (the bridge reads the same list).
    pub fn whmcs(self) -> &'static str {
        hostkey_facts::SERVICE_STATUSES[self as usize]
    }
}

/// A service's billing cycle (`tblhosting.billingcycle`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BillingCycle {
    FreeAccount,
    OneTime,
    Monthly,
    Quarterly,
    SemiAnnually,
    Annually,
    Biennially,
    Triennially,
}

impl BillingCycle {
    /// From WHMCS's spelling, whatever its case and separators; none for a
    /// cycle WHMCS does not document.
    pub fn from_whmcs(text: &str) -> Option<Self> {
        let key: String = text
            .trim()
            .chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .map(|c| c.to_ascii_lowercase())
            .collect();
        Some(match key.as_str() {
            "freeaccount" | "free" => BillingCycle::FreeAccount,
            "onetime" => BillingCycle::OneTime,
            "monthly" => BillingCycle::Monthly,
            "quarterly" => BillingCycle::Quarterly,
            "semiannually" => BillingCycle::SemiAnnually,
            "annually" => BillingCycle::Annually,
            "biennially" => BillingCycle::Biennially,
            "triennially" => BillingCycle::Triennially,
            _ => return None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn facts_json_spells_each_status_in_the_contracts_order() {
        for (n, status) in ServiceStatus::ALL.into_iter().enumerate() {
            assert_eq!(status as usize, n, "{status:?}");
            assert_eq!(status.whmcs(), format!("{status:?}"));
            assert_eq!(ServiceStatus::from_whmcs(status.whmcs()), Some(status));
        }
        assert_eq!(ServiceStatus::from_whmcs("Unknown"), None);
    }

    #[test]
    fn whmcs_spellings_are_read_whatever_their_case_and_separators() {
        assert_eq!(
            BillingCycle::from_whmcs("Semi-Annually"),
            Some(BillingCycle::SemiAnnually)
        );
        assert_eq!(
            BillingCycle::from_whmcs(" semiannually "),
            Some(BillingCycle::SemiAnnually)
        );
        assert_eq!(
            BillingCycle::from_whmcs("Free Account"),
            Some(BillingCycle::FreeAccount)
        );
        assert_eq!(
            BillingCycle::from_whmcs("One Time"),
            Some(BillingCycle::OneTime)
        );
        assert_eq!(BillingCycle::from_whmcs("Fortnightly"), None);
        assert_eq!(ServiceStatus::Suspended.whmcs(), "Suspended");
    }
}
