//! The guard against an answer that would empty the storefront: HOSTKEY
//! answering with a fraction of its catalogue (an outage, a wrong account, a
//! tampered answer) must not take most products off sale in one run unless
//! the admin confirms it.

use super::sync::Changes;

/// The admin page's confirmation box (a yesno field of the `import` form).
pub const CONFIRM_FIELD: &str = "allow_withdrawal";

const OPENING: &str = "HOSTKEY's answer would take ";

/// The sentence that stops a run withdrawing more than `limit_percent` % of
/// the module products on sale; `None` when the run stays within it.
pub fn excess(changes: &Changes, limit_percent: u32) -> Option<String> {
    let (withdrawn, on_sale) = (
        u64::from(changes.withdrawn),
        u64::from(changes.on_sale_before),
    );
    if on_sale == 0 || withdrawn * 100 <= u64::from(limit_percent) * on_sale {
        return None;
    }
    Some(format!(
        "{OPENING}{withdrawn} of the {on_sale} products on sale off sale \
         ({}%, more than the {limit_percent}% one import may withdraw); if HOSTKEY really \
         withdrew them, confirm with \"Allow a large withdrawal\" on the addon page or \
         `php cron.php --allow-withdrawal`",
        withdrawn * 100 / on_sale
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn changes(on_sale_before: u32, withdrawn: u32) -> Changes {
        Changes {
            on_sale_before,
            withdrawn,
            ..Changes::default()
        }
    }

    #[test]
    fn more_than_the_share_is_refused_and_up_to_it_is_not() {
        assert_eq!(excess(&changes(4, 2), 50), None, "exactly half");
        let sentence = excess(&changes(4, 3), 50).expect("75 %");
        assert!(
            sentence.starts_with(
                "HOSTKEY's answer would take 3 of the 4 products on sale off sale (75%"
            )
        );
        assert_eq!(excess(&changes(0, 0), 50), None, "nothing on sale yet");
        assert_eq!(
            excess(&changes(7, 7), 100),
            None,
            "100 % switches the guard off"
        );
        assert!(
            excess(&changes(100, 1), 0).is_some(),
            "0 % stops any withdrawal"
        );
    }
}
