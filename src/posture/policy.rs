//! Bucket policies read as statements: which ones open the bucket to
//! everyone (AWS's own rule for "public"), whether one denies requests
//! without TLS, and the document pretty-printed for the card.
//!
//! AWS calls a policy public when an `Allow` statement's principal is `*`
//! (or `{"AWS": "*"}`) and no condition pins it to fixed values of a key
//! that names who or where the caller is (`aws:SourceIp` with a real
//! range, `aws:SourceVpce`, `aws:PrincipalOrgID`, `aws:SourceArn`…).
//! Wildcards in those values (`StringLike "*"`, `0.0.0.0/0`) restrict
//! nothing. The JSON is untrusted text: nothing here panics on any input,
//! and callers clean what they show.

use serde_json::Value;

/// One statement of a policy, with each field as a list (JSON allows a
/// string or a list for most of them).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Statement {
    pub sid: Option<String>,
    pub allow: bool,
    /// `*` for everyone; else ARNs, account ids or service names, each
    /// prefixed with its kind ("AWS:arn:…", "Service:cloudfront…").
    pub principals: Vec<String>,
    /// True when the statement uses NotPrincipal (it applies to everyone
    /// but those named).
    pub not_principal: bool,
    pub actions: Vec<String>,
    pub not_actions: Vec<String>,
    pub resources: Vec<String>,
    pub not_resources: Vec<String>,
    /// (operator, key, values), as written.
    pub conditions: Vec<(String, String, Vec<String>)>,
}

/// A policy parsed; `Err` carries why the JSON could not be read.
pub fn parse(doc: &str) -> Result<Vec<Statement>, String> {
    let v: Value = serde_json::from_str(doc).map_err(|e| format!("not valid JSON: {e}"))?;
    let list = match v.get("Statement") {
        Some(Value::Array(a)) => a.iter().collect::<Vec<_>>(),
        Some(s @ Value::Object(_)) => vec![s],
        _ => return Err("no Statement in the policy".into()),
    };
    Ok(list.into_iter().map(statement).collect())
}

/// The document indented two spaces per level, as the card shows it; a
/// document that is not JSON comes back as it was.
pub fn pretty(doc: &str) -> String {
    serde_json::from_str::<Value>(doc)
        .ok()
        .and_then(|v| serde_json::to_string_pretty(&v).ok())
        .unwrap_or_else(|| doc.to_owned())
}

fn strings(v: Option<&Value>) -> Vec<String> {
    match v {
        Some(Value::String(s)) => vec![s.clone()],
        Some(Value::Array(a)) => a
            .iter()
            .map(|x| match x {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            })
            .collect(),
        Some(Value::Bool(b)) => vec![b.to_string()],
        Some(Value::Number(n)) => vec![n.to_string()],
        _ => vec![],
    }
}

fn principals(v: Option<&Value>) -> Vec<String> {
    match v {
        Some(Value::String(s)) => vec![s.clone()],
        Some(Value::Object(m)) => m
            .iter()
            .flat_map(|(kind, who)| {
                strings(Some(who)).into_iter().map(move |w| {
                    if kind == "AWS" && w == "*" {
                        "*".to_owned()
                    } else {
                        format!("{kind}:{w}")
                    }
                })
            })
            .collect(),
        _ => vec![],
    }
}

fn statement(v: &Value) -> Statement {
    let mut conditions = Vec::new();
    if let Some(Value::Object(ops)) = v.get("Condition") {
        for (op, keys) in ops {
            if let Value::Object(keys) = keys {
                for (key, values) in keys {
                    conditions.push((op.clone(), key.clone(), strings(Some(values))));
                }
            }
        }
    }
    let not_principal = v.get("NotPrincipal").is_some();
    Statement {
        sid: v.get("Sid").and_then(Value::as_str).map(str::to_owned),
        allow: v.get("Effect").and_then(Value::as_str) == Some("Allow"),
        principals: principals(v.get("Principal").or(v.get("NotPrincipal"))),
        not_principal,
        actions: strings(v.get("Action")),
        not_actions: strings(v.get("NotAction")),
        resources: strings(v.get("Resource")),
        not_resources: strings(v.get("NotResource")),
        conditions,
    }
}

/// Condition keys that, pinned to fixed values, make a statement
/// non-public (AWS's list for the policy status).
const RESTRICTING_KEYS: &[&str] = &[
    "aws:sourceip",
    "aws:sourcearn",
    "aws:sourcevpc",
    "aws:sourcevpce",
    "aws:sourceaccount",
    "aws:sourceowner",
    "aws:sourceorgid",
    "aws:sourceorgpaths",
    "aws:principalorgid",
    "aws:principalorgpaths",
    "aws:principalaccount",
    "aws:principalarn",
    "aws:userid",
    "s3:dataaccesspointarn",
    "s3:dataaccesspointaccount",
];

impl Statement {
    /// Applies to anyone at all: principal `*`, or NotPrincipal (everyone
    /// but a few).
    pub fn to_everyone(&self) -> bool {
        self.not_principal || self.principals.iter().any(|p| p == "*")
    }

    /// An `Allow` to everyone that no condition narrows to known callers.
    pub fn is_public(&self) -> bool {
        self.allow && self.to_everyone() && !self.restricted()
    }

    /// Some condition pins the caller to fixed values of a key that names
    /// who or where they are.
    pub fn restricted(&self) -> bool {
        self.conditions.iter().any(|(op, key, values)| {
            let key = key.to_ascii_lowercase();
            let op = op.to_ascii_lowercase();
            let negated = op.contains("not");
            if negated || !RESTRICTING_KEYS.contains(&key.as_str()) || values.is_empty() {
                return false;
            }
            values.iter().all(|v| fixed(&key, v))
        })
    }

    /// Denies requests made without TLS: `Deny` with
    /// `Bool aws:SecureTransport false` (for everyone).
    pub fn denies_plain_http(&self) -> bool {
        !self.allow
            && self.to_everyone()
            && self.conditions.iter().any(|(op, key, values)| {
                op.eq_ignore_ascii_case("Bool")
                    && key.eq_ignore_ascii_case("aws:SecureTransport")
                    && values.iter().any(|v| v.eq_ignore_ascii_case("false"))
            })
    }

    /// What the statement grants or denies, in one line ("Allow * s3:GetObject
    /// on arn:aws:s3:::b/*").
    pub fn summary(&self) -> String {
        let who = if self.not_principal {
            format!("everyone but {}", self.principals.join(", "))
        } else if self.principals.is_empty() {
            "(no principal)".to_owned()
        } else {
            self.principals.join(", ")
        };
        let what = if self.not_actions.is_empty() {
            self.actions.join(", ")
        } else {
            format!("all but {}", self.not_actions.join(", "))
        };
        let on = if self.not_resources.is_empty() {
            self.resources.join(", ")
        } else {
            format!("all but {}", self.not_resources.join(", "))
        };
        let mut s = format!(
            "{} {who} {what} on {on}",
            if self.allow { "Allow" } else { "Deny" }
        );
        for (op, key, values) in &self.conditions {
            s.push_str(&format!(" if {op} {key} = {}", values.join("|")));
        }
        s
    }
}

/// A value that names particular callers: no wildcard, and for source IPs
/// not a range that covers the whole internet.
fn fixed(key: &str, v: &str) -> bool {
    if v.contains('*') || v.contains('?') {
        return false;
    }
    if key == "aws:sourceip" {
        let bits = v
            .split_once('/')
            .and_then(|(_, b)| b.parse::<u8>().ok())
            .unwrap_or(if v.contains(':') { 128 } else { 32 });
        // AWS treats ranges wider than /8 (IPv4) or /32 (IPv6) as public.
        return if v.contains(':') {
            bits >= 32
        } else {
            bits >= 8
        };
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(doc: &str) -> Statement {
        parse(doc).unwrap().remove(0)
    }

    #[test]
    fn star_principal_without_conditions_is_public() {
        let s = one(
            r#"{"Statement":{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}}"#,
        );
        assert!(s.is_public());
        let s = one(
            r#"{"Statement":[{"Effect":"Allow","Principal":{"AWS":["*"]},"Action":"s3:*","Resource":"*"}]}"#,
        );
        assert!(s.is_public());
    }

    #[test]
    fn pinned_conditions_make_it_private_and_wildcards_do_not() {
        let base = |cond: &str| {
            one(&format!(
                r#"{{"Statement":[{{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*","Condition":{cond}}}]}}"#
            ))
        };
        assert!(!base(r#"{"StringEquals":{"aws:SourceVpce":"vpce-1a2b"}}"#).is_public());
        assert!(!base(r#"{"IpAddress":{"aws:SourceIp":["10.0.0.0/16"]}}"#).is_public());
        assert!(base(r#"{"IpAddress":{"aws:SourceIp":"0.0.0.0/0"}}"#).is_public());
        assert!(base(r#"{"StringLike":{"aws:PrincipalOrgID":"*"}}"#).is_public());
        assert!(base(r#"{"StringNotEquals":{"aws:SourceVpce":"vpce-1"}}"#).is_public());
        // A condition on something else (the user agent) restricts nothing.
        assert!(base(r#"{"StringEquals":{"aws:UserAgent":"curl"}}"#).is_public());
    }

    #[test]
    fn a_named_principal_or_a_deny_is_not_public() {
        let s = one(
            r#"{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/app"},"Action":"s3:*","Resource":"*"}]}"#,
        );
        assert!(!s.is_public());
        assert_eq!(s.principals, ["AWS:arn:aws:iam::111122223333:role/app"]);
        let s = one(
            r#"{"Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*"}]}"#,
        );
        assert!(!s.is_public());
    }

    #[test]
    fn tls_only_deny_is_recognised() {
        let s = one(
            r#"{"Statement":[{"Sid":"TLS","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::b","arn:aws:s3:::b/*"],"Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}"#,
        );
        assert!(s.denies_plain_http());
        assert!(s.summary().starts_with("Deny * s3:* on arn:aws:s3:::b"));
    }

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        assert!(parse("nope").is_err());
        assert!(parse("{}").is_err());
        assert!(parse(r#"{"Statement":[1,"x",null]}"#).is_ok());
        assert_eq!(pretty("not json"), "not json");
        assert!(pretty(r#"{"a":1}"#).contains("\n  \"a\": 1"));
    }
}
