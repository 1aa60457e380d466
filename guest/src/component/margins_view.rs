//! The Margins view as the contract's `margins-view`.

use super::exports::hostkey::reseller::addon as waddon;
use crate::margins::view::MarginsView;

pub fn convert(view: MarginsView) -> waddon::MarginsView {
    waddon::MarginsView {
        currency: view.currency,
        threshold: view.threshold,
        rows: view
            .rows
            .into_iter()
            .map(|r| waddon::MarginRow {
                service_id: r.service_id,
                client: r.client,
                server: r.server,
                group: r.group,
                product: r.product,
                status: r.status,
                cycle: r.cycle,
                income: r.income,
                cost: r.cost,
                basis: r.basis,
                margin: r.margin,
                margin_percent: r.percent,
                under_threshold: r.under_threshold,
                reason: r.reason,
            })
            .collect(),
        totals: view
            .totals
            .into_iter()
            .map(|t| waddon::MarginTotal {
                group: t.group,
                services: t.services,
                income: t.income,
                cost: t.cost,
                margin: t.margin,
                margin_percent: t.percent,
            })
            .collect(),
        notes: view.notes,
        reprice: view
            .reprice
            .into_iter()
            .map(|l| waddon::RepriceLine {
                service_id: l.service_id,
                client: l.client,
                product: l.product,
                cycle: l.cycle,
                currency: l.currency,
                current: l.current,
                proposed: l.proposed,
            })
            .collect(),
    }
}
