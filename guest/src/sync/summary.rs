//! The one line a status-sync run leaves in the module log: counts first,
//! then the failures grouped by cause, each group naming at most
//! `NAMED` services ("and 312 more, same cause"), at most `GROUPS` causes,
//! and never more than `MAX_BYTES` whatever the causes say.

/// Services named per cause.
pub const NAMED: usize = 3;
/// Causes spelled out; the rest are counted.
pub const GROUPS: usize = 3;
/// The line's ceiling, in bytes.
pub const MAX_BYTES: usize = 2_000;
/// One cause sentence is cut at this many bytes.
const CAUSE_BYTES: usize = 300;

/// What a run did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tally {
    pub linked: usize,
    pub read: usize,
    pub changed: usize,
    /// Due in this round and not read by this run.
    pub left: usize,
    /// (service, cause), in the order they failed.
    pub failures: Vec<(i64, String)>,
    /// Why the run ended before its queue did, if something other than its time.
    pub stopped: Option<String>,
}

fn cut(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// Failures grouped by cause, the largest group first (ties: first failed first).
fn groups(failures: &[(i64, String)]) -> Vec<(&str, Vec<i64>)> {
    let mut groups: Vec<(&str, Vec<i64>)> = Vec::new();
    for (service, cause) in failures {
        match groups.iter_mut().find(|(c, _)| *c == cause.as_str()) {
            Some((_, services)) => services.push(*service),
            None => groups.push((cause.as_str(), vec![*service])),
        }
    }
    groups.sort_by_key(|g| std::cmp::Reverse(g.1.len()));
    groups
}

fn group_text(cause: &str, services: &[i64]) -> String {
    let cause = cut(cause, CAUSE_BYTES).trim_end_matches('.');
    if let [one] = services {
        return format!("service {one}: {cause}.");
    }
    let named: Vec<String> = services.iter().take(NAMED).map(i64::to_string).collect();
    let more = services.len().saturating_sub(NAMED);
    if more == 0 {
        return format!("services {}: {cause}.", named.join(", "));
    }
    format!(
        "services {} and {more} more, same cause: {cause}.",
        named.join(", ")
    )
}

pub fn line(tally: &Tally) -> String {
    let mut line = format!(
        "Status sync: {} of {} linked services read, {} statuses changed, {} failed.",
        tally.read,
        tally.linked,
        tally.changed,
        tally.failures.len()
    );
    if let Some(reason) = &tally.stopped {
        line.push(' ');
        line.push_str(cut(reason, CAUSE_BYTES));
    }
    if tally.left > 0 {
        line.push_str(&format!(
            " {} more are due today and follow in the next runs.",
            tally.left
        ));
    }
    let groups = groups(&tally.failures);
    for (cause, services) in groups.iter().take(GROUPS) {
        line.push(' ');
        line.push_str(&group_text(cause, services));
    }
    if groups.len() > GROUPS {
        let others: usize = groups.iter().skip(GROUPS).map(|(_, s)| s.len()).sum();
        line.push_str(&format!(
            " {others} more failed for {} other causes.",
            groups.len() - GROUPS
        ));
    }
    if line.len() > MAX_BYTES {
        let mut cut_line = cut(&line, MAX_BYTES - 3).to_string();
        cut_line.push_str("...");
        return cut_line;
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    fn failures(count: i64, cause: &str) -> Vec<(i64, String)> {
        (1..=count).map(|s| (s, cause.to_string())).collect()
    }

    #[test]
    fn one_failure_is_named_with_its_cause() {
        let tally = Tally {
            linked: 2,
            read: 1,
            failures: vec![(
                5,
                "The HOSTKEY API answered eq/show with HTTP status 500.".into(),
            )],
            ..Tally::default()
        };
        assert_eq!(
            line(&tally),
            "Status sync: 1 of 2 linked services read, 0 statuses changed, 1 failed. \
             service 5: The HOSTKEY API answered eq/show with HTTP status 500."
        );
    }

    #[test]
    fn many_failures_name_a_few_per_cause() {
        let mut all = failures(315, "The HOSTKEY API did not answer eq/show in time.");
        all.push((
            900,
            "The HOSTKEY API refused eq/show: Server not found.".into(),
        ));
        let tally = Tally {
            linked: 500,
            read: 185,
            left: 0,
            failures: all,
            ..Tally::default()
        };
        let text = line(&tally);
        assert_eq!(
            text,
            "Status sync: 185 of 500 linked services read, 0 statuses changed, 316 failed. \
             services 1, 2, 3 and 312 more, same cause: The HOSTKEY API did not answer eq/show in time. \
             service 900: The HOSTKEY API refused eq/show: Server not found."
        );
    }

    #[test]
    fn the_line_stays_under_its_ceiling_whatever_the_causes_say() {
        let mut all = Vec::new();
        for cause in 0..50 {
            let long = format!("Cause {cause}: {}", "é".repeat(1_000));
            all.extend((0..4).map(|s| (cause * 10 + s, long.clone())));
        }
        let tally = Tally {
            linked: 5_000,
            read: 4_800,
            left: 12,
            failures: all,
            stopped: Some("x".repeat(5_000)),
            ..Tally::default()
        };
        let text = line(&tally);
        assert!(text.len() <= MAX_BYTES, "{} bytes", text.len());
        assert!(text.contains("200 failed."));
        let tally = Tally {
            failures: (0..50).map(|c| (c, format!("Cause {c}."))).collect(),
            ..Tally::default()
        };
        assert!(line(&tally).ends_with(" 47 more failed for 47 other causes."));
    }
}
