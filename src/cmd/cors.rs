//! `pail cors-check s3://bucket[/key] --origin O [--method M] [--header H]`:
//! the browser's preflight sent for real and the bucket's CORS rules
//! evaluated beside it (bucket/cors.rs), printed as text or `--json`;
//! exit 0 when a browser would be allowed, 1 when it would not.

use super::output::{FAILED, OK, USAGE};
use super::say;
use crate::bucket::cors;
use crate::sanitize::{clean, json_string};
use crate::store::Store;
use crate::store::settings::{Part, Setting};

pub struct Args<'a> {
    pub target: &'a str,
    pub origin: &'a str,
    pub method: Option<&'a str>,
    pub headers: &'a [String],
    pub json: bool,
}

pub async fn run(store: &dyn Store, a: Args<'_>) -> i32 {
    let (bucket, key) = match super::target::parse_target(a.target) {
        Ok(t) => t,
        Err(e) => {
            say(clean(&e));
            return USAGE;
        }
    };
    let typed = format!(
        "{} {} {}",
        a.origin,
        a.method.unwrap_or("PUT"),
        a.headers.join(",")
    );
    let p = match cors::parse(&typed) {
        Ok(p) => p,
        Err(e) => {
            say(format!("--origin/--method: {}", clean(&e)));
            return USAGE;
        }
    };
    let (rules, answer) = tokio::join!(
        store.bucket_setting(&bucket, Part::Cors),
        store.preflight(&bucket, &key, &p)
    );
    let rules = match rules {
        Ok(Some(Setting::Cors(r))) => Some(r),
        Ok(_) => Some(Vec::new()),
        Err(e) => {
            say(format!(
                "The CORS rules could not be read: {}",
                crate::diagnose::short(&e)
            ));
            None
        }
    };
    let uri = format!("s3://{bucket}/{key}");
    let (passes, x) = cors::report(&uri, &p, rules.as_deref(), &answer);
    let out = if a.json {
        let verdict = rules.as_deref().map(|r| cors::evaluate(r, &p));
        let rule = match verdict {
            Some(cors::Verdict::Allowed { rule }) => (rule + 1).to_string(),
            _ => "null".into(),
        };
        let status = answer
            .as_ref()
            .map(|a| a.status.to_string())
            .unwrap_or_else(|_| "null".into());
        format!(
            "{{\"allowed\":{passes},\"status\":{status},\"rule\":{rule},\"title\":{},\"lines\":[{}]}}\n",
            json_string(&x.title),
            x.hints
                .iter()
                .map(|h| json_string(h))
                .collect::<Vec<_>>()
                .join(",")
        )
    } else {
        let mut s = format!("{}\n{}\n", x.title, x.summary);
        for h in &x.hints {
            s.push_str(h);
            s.push('\n');
        }
        s
    };
    if !super::output::print(&out) {
        return FAILED;
    }
    if passes { OK } else { FAILED }
}
