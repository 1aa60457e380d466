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

impl ServiceStatus {
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
        [
            ServiceStatus::Pending,
            ServiceStatus::Active,
            ServiceStatus::Suspended,
            ServiceStatus::Terminated,
            ServiceStatus::Cancelled,
            ServiceStatus::Fraud,
            ServiceStatus::Completed,
        ]
        .into_iter()
        .find(|status| status.is(text))
    }

    /// WHMCS's spelling.
    pub fn whmcs(self) -> &'static str {
        match self {
            ServiceStatus::Pending => "Pending",
            ServiceStatus::Active => "Active",
            ServiceStatus::Suspended => "Suspended",
            ServiceStatus::Terminated => "Terminated",
            ServiceStatus::Cancelled => "Cancelled",
            ServiceStatus::Fraud => "Fraud",
            ServiceStatus::Completed => "Completed",
        }
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
