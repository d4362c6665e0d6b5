//! Which statements of a bucket policy speak to a request: the action (or
//! not one of its NotActions), the resource ARN (or not a NotResource),
//! and a principal that is the caller, the caller's account or everyone.
//! Conditions are not evaluated (pail cannot know the request's VPC
//! endpoint or source IP); they are shown, since they are usually why.

use crate::posture::policy::Statement;
use crate::store::CallerIdentity;

/// How sure pail is that a statement's principal is the caller.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Whom {
    Everyone,
    /// The caller's ARN (a role for an assumed-role session).
    You,
    /// The caller's account (its root or id): for a Deny, everyone in it.
    YourAccount,
    /// The identity is unknown, so the principal cannot be compared.
    Unknown,
}

/// `*` for any run, `?` for one character; IAM compares actions without
/// regard to case and ARNs with.
pub fn wild(pattern: &str, text: &str, ignore_case: bool) -> bool {
    let (p, t): (Vec<char>, Vec<char>) = if ignore_case {
        (
            pattern.to_lowercase().chars().collect(),
            text.to_lowercase().chars().collect(),
        )
    } else {
        (pattern.chars().collect(), text.chars().collect())
    };
    // Iterative glob with one backtrack point (linear enough for policy text).
    let (mut pi, mut ti) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some((pi, ti));
            pi += 1;
        } else if let Some((sp, st)) = star {
            pi = sp + 1;
            ti = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|c| *c == '*')
}

/// The role ARN of an assumed-role session (`arn:aws:sts::1:assumed-role/R/s`
/// → `arn:aws:iam::1:role/R`), else the ARN itself.
pub fn principal_arn(arn: &str) -> String {
    if let Some((head, rest)) = arn.split_once(":assumed-role/")
        && let Some(role) = rest.split('/').next()
    {
        return format!("{}:role/{role}", head.replacen(":sts:", ":iam:", 1));
    }
    arn.to_owned()
}

fn whom(st: &Statement, who: Option<&CallerIdentity>) -> Option<Whom> {
    if st.not_principal {
        // Everyone but those named: it applies unless the caller is named.
        return match who {
            Some(id) if st.principals.iter().any(|p| names(p, id).is_some()) => None,
            _ => Some(Whom::Everyone),
        };
    }
    if st.principals.iter().any(|p| p == "*") {
        return Some(Whom::Everyone);
    }
    let Some(id) = who else {
        return Some(Whom::Unknown);
    };
    st.principals
        .iter()
        .filter_map(|p| names(p, id))
        .min_by_key(|w| match w {
            Whom::You => 0,
            _ => 1,
        })
}

/// Whether principal `p` (as parsed: "AWS:arn…") names the caller.
fn names(p: &str, id: &CallerIdentity) -> Option<Whom> {
    let v = p.strip_prefix("AWS:")?;
    let mine = principal_arn(&id.arn);
    if v == id.arn || v == mine || (v.contains('*') && wild(v, &mine, false)) {
        return Some(Whom::You);
    }
    if v == id.account || v == format!("arn:aws:iam::{}:root", id.account) {
        return Some(Whom::YourAccount);
    }
    None
}

/// The statements that speak to `action` on `resource` for the caller,
/// explicit Deny first (it wins over any Allow), each with how its
/// principal names the caller.
pub fn matching<'a>(
    statements: &'a [Statement],
    action: &str,
    resource: &str,
    who: Option<&CallerIdentity>,
) -> Vec<(&'a Statement, Whom)> {
    let action = action.split_whitespace().next().unwrap_or(action);
    let mut out: Vec<(&Statement, Whom)> = statements
        .iter()
        .filter(|s| {
            let acts = if s.not_actions.is_empty() {
                s.actions.iter().any(|a| wild(a, action, true))
            } else {
                !s.not_actions.iter().any(|a| wild(a, action, true))
            };
            let res = if s.not_resources.is_empty() {
                s.resources.iter().any(|r| wild(r, resource, false))
            } else {
                !s.not_resources.iter().any(|r| wild(r, resource, false))
            };
            acts && res
        })
        .filter_map(|s| whom(s, who).map(|w| (s, w)))
        .collect();
    out.sort_by_key(|(s, _)| s.allow);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::posture::policy::parse;

    fn me() -> CallerIdentity {
        CallerIdentity {
            account: "111122223333".into(),
            arn: "arn:aws:sts::111122223333:assumed-role/app/session-1".into(),
            user_id: "AROA:session-1".into(),
        }
    }

    #[test]
    fn wildcards_and_case() {
        assert!(wild("s3:Get*", "s3:GetObject", true));
        assert!(wild("S3:*", "s3:ListBucket", true));
        assert!(!wild("s3:Put*", "s3:GetObject", true));
        assert!(wild(
            "arn:aws:s3:::b/docs/*",
            "arn:aws:s3:::b/docs/a.txt",
            false
        ));
        assert!(!wild(
            "arn:aws:s3:::b/docs/*",
            "arn:aws:s3:::b/docs-old/a",
            false
        ));
        assert!(wild("arn:aws:s3:::b/?.txt", "arn:aws:s3:::b/a.txt", false));
        assert!(!wild("arn:aws:s3:::B/*", "arn:aws:s3:::b/x", false));
    }

    #[test]
    fn deny_first_and_only_statements_for_this_caller() {
        let doc = r#"{"Statement":[
          {"Sid":"A","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/app"},
           "Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"},
          {"Sid":"Other","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::999:role/x"},
           "Action":"s3:*","Resource":"*"},
          {"Sid":"D","Effect":"Deny","Principal":"*","Action":"s3:*",
           "Resource":"arn:aws:s3:::b/*","Condition":{"StringNotEquals":{"aws:SourceVpce":"vpce-1"}}},
          {"Sid":"L","Effect":"Allow","Principal":{"AWS":"111122223333"},
           "Action":"s3:ListBucket","Resource":"arn:aws:s3:::b"}
        ]}"#;
        let st = parse(doc).unwrap();
        let m = matching(&st, "s3:GetObject", "arn:aws:s3:::b/k", Some(&me()));
        let sids: Vec<_> = m
            .iter()
            .map(|(s, w)| (s.sid.clone().unwrap(), *w))
            .collect();
        assert_eq!(
            sids,
            [
                ("D".to_owned(), Whom::Everyone),
                ("A".to_owned(), Whom::You)
            ]
        );
        let m = matching(&st, "s3:ListBucket", "arn:aws:s3:::b", Some(&me()));
        assert_eq!(m.len(), 1);
        assert_eq!(m[0].1, Whom::YourAccount);
        // Unknown identity: named principals cannot be ruled out.
        assert_eq!(
            matching(&st, "s3:GetObject", "arn:aws:s3:::b/k", None).len(),
            3
        );
    }
}
