//! The domain guide's lifecycle templates, by name: what `pail mb
//! --lifecycle`, the creation checklist and the card's fixes add. Several
//! combine into one rule for the whole bucket.

use crate::store::settings::LifecycleRule;

pub const NAMES: [&str; 4] = ["tiering", "expire-365", "noncurrent-30", "abort-7"];

/// What each template does, in words.
pub fn describe(name: &str) -> Option<&'static str> {
    Some(match name {
        "tiering" => "after 30 days → STANDARD_IA; after 90 → GLACIER",
        "expire-365" => "expire objects after 365 days",
        "noncurrent-30" => "noncurrent versions expire after 30 days",
        "abort-7" => "incomplete multipart uploads aborted after 7 days",
        _ => return None,
    })
}

/// One whole-bucket rule doing every named template; `Err` names an
/// unknown one.
pub fn rule(names: &[String]) -> Result<LifecycleRule, String> {
    let mut r = LifecycleRule {
        id: Some("pail-checklist".into()),
        enabled: true,
        ..Default::default()
    };
    for n in names {
        match n.as_str() {
            "tiering" => {
                r.transitions = vec![(30, "STANDARD_IA".into()), (90, "GLACIER".into())];
            }
            "expire-365" => r.expire_days = Some(365),
            "noncurrent-30" => r.noncurrent_expire_days = Some(30),
            "abort-7" => r.abort_incomplete_days = Some(7),
            other => {
                return Err(format!(
                    "unknown lifecycle template {other:?}: expected {}",
                    NAMES.join(", ")
                ));
            }
        }
    }
    Ok(r)
}
