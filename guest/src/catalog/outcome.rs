//! After an import: log the outcome, and tell the admin about large price moves.

use super::import::ImportReport;
use crate::capabilities::{Db, Platform};
use crate::error::ModuleResult;
use crate::schema::module_log;
use crate::schema::settings::Settings;
use rust_decimal::Decimal;
use std::str::FromStr;

/// Monthly price lines that moved by at least `percent` %.
pub fn large_moves(report: &ImportReport, percent: u32) -> Vec<String> {
    if percent == 0 {
        return Vec::new();
    }
    let threshold = Decimal::from(percent);
    report
        .changes
        .lines
        .iter()
        .filter(|[what, _, _]| what.starts_with("price ") && what.ends_with(" monthly"))
        .filter_map(|[what, old, new]| {
            let (old_d, new_d) = (Decimal::from_str(old).ok()?, Decimal::from_str(new).ok()?);
            if old_d <= Decimal::ZERO {
                return None;
            }
            let moved = ((new_d - old_d) / old_d * Decimal::ONE_HUNDRED).abs();
            (moved >= threshold).then(|| {
                format!(
                    "{}: {old} -> {new}",
                    what.trim_start_matches("price ")
                        .trim_end_matches(" monthly")
                )
            })
        })
        .collect()
}

pub fn log(
    db: &mut dyn Db,
    platform: &mut dyn Platform,
    action: &str,
    result: &ModuleResult<ImportReport>,
    now_unix: i64,
) {
    let settings = Settings::load(db).unwrap_or_default();
    let outcome = match result {
        Ok(report) => report.summary.clone(),
        Err(error) => format!("failed: {error}"),
    };
    module_log::record(
        db,
        platform,
        &settings,
        module_log::Entry {
            action,
            params: "",
            outcome: &outcome,
            now_unix,
            keep: action != "import-preview",
        },
    );
    if let Ok(report) = result {
        let moves = large_moves(report, settings.price_alert_percent);
        if !report.dry_run && !moves.is_empty() {
            let shown: Vec<&str> = moves.iter().take(20).map(String::as_str).collect();
            let more = if moves.len() > 20 {
                format!(" and {} more", moves.len() - 20)
            } else {
                String::new()
            };
            platform.activity_log(
                &format!(
                    "HOSTKEY price sync: {} monthly prices moved by {}% or more: {}{more}.",
                    moves.len(),
                    settings.price_alert_percent,
                    shown.join("; ")
                ),
                None,
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_moves_at_or_above_the_threshold_are_reported() {
        let mut report = ImportReport::default();
        for (what, old, new) in [
            ("price P1 EUR monthly", "10.00", "11.00"),
            ("price P2 EUR monthly", "10.00", "10.50"),
            ("price P3 EUR monthly", "10.00", "8.00"),
            ("create product X", "", "created"),
        ] {
            report
                .changes
                .lines
                .push([what.into(), old.into(), new.into()]);
        }
        assert_eq!(
            large_moves(&report, 10),
            ["P1 EUR: 10.00 -> 11.00", "P3 EUR: 10.00 -> 8.00"]
        );
        assert!(large_moves(&report, 0).is_empty());
    }
}
