//! `pail presign s3://bucket/key`: a presigned link as `aws s3 presign`
//! prints one (GET, an hour by default), plus PUT (an upload link, its
//! Content-Type signed) and POST (a browser form: the URL and its fields,
//! with a policy limiting the key or key prefix, the size and the type).
//! `--json` prints `{"url": …}`, and `{"url": …, "fields": {…}}` for POST.

use super::output::{FAILED, OK, USAGE};
use super::say;
use crate::diagnose::short;
use crate::sanitize::{clean, json_string};
use crate::store::{LinkMethod, ObjectRef, PostRequest, PresignRequest, Store};

pub struct Args<'a> {
    pub target: &'a str,
    pub expires_in: Option<&'a str>,
    pub method: Option<&'a str>,
    pub content_type: Option<&'a str>,
    pub max_size: Option<&'a str>,
    pub json: bool,
}

/// "3600" (seconds, as the aws CLI takes it) or "1h", "90m", "7d".
fn expiry(s: Option<&str>) -> Result<u64, String> {
    let Some(s) = s else { return Ok(3600) };
    let secs = if s.chars().all(|c| c.is_ascii_digit()) {
        s.parse::<u64>().map_err(|e| e.to_string())?
    } else {
        crate::format::parse_duration(s)?
    };
    if secs == 0 || secs > crate::store::MAX_LINK_SECS {
        return Err("--expires-in: between 1 second and 7 days (604800), SigV4's limit".into());
    }
    Ok(secs)
}

pub async fn run(store: &dyn Store, a: Args<'_>) -> i32 {
    let usage = |m: String| {
        say(clean(&m));
        USAGE
    };
    let (bucket, key) = match super::target::parse_target(a.target) {
        Ok(t) => t,
        Err(e) => return usage(e),
    };
    let secs = match expiry(a.expires_in) {
        Ok(s) => s,
        Err(e) => return usage(e),
    };
    let method = a.method.unwrap_or("get").to_ascii_lowercase();
    if key.is_empty() && method != "post" {
        return usage(format!("{}: name an object (s3://bucket/key)", a.target));
    }
    if a.max_size.is_some() && method != "post" {
        return usage("--max-size limits a POST form's upload (--method post)".into());
    }
    let mut out = String::new();
    match method.as_str() {
        "get" | "put" => {
            let req = PresignRequest {
                object: ObjectRef {
                    bucket,
                    key,
                    version_id: None,
                    etag: None,
                },
                method: if method == "get" {
                    LinkMethod::Get
                } else {
                    LinkMethod::Put
                },
                expires_secs: secs,
                attachment: None,
                content_type: a.content_type.map(str::to_owned),
            };
            let link = match store.presign(&req).await {
                Ok(l) => l,
                Err(e) => {
                    say(short(&e));
                    return FAILED;
                }
            };
            if a.json {
                let headers: Vec<String> = link
                    .headers
                    .iter()
                    .map(|(k, v)| format!("{}:{}", json_string(k), json_string(v)))
                    .collect();
                out = format!(
                    "{{\"url\":{},\"method\":\"{}\",\"headers\":{{{}}},\"expires_at\":{}}}\n",
                    json_string(&link.url),
                    method.to_ascii_uppercase(),
                    headers.join(","),
                    link.expires_at
                );
            } else {
                out.push_str(&link.url);
                out.push('\n');
                for (k, v) in &link.headers {
                    say(format!(
                        "the uploader must send the header {k}: {}",
                        clean(v)
                    ));
                }
            }
        }
        "post" => {
            let max_bytes = match a.max_size.map(crate::engine::parts::parse_size) {
                Some(None) => return usage("--max-size: a size such as 10MiB".into()),
                Some(n) => n,
                None => None,
            };
            let req = PostRequest {
                prefix: key.is_empty() || key.ends_with('/'),
                bucket,
                key,
                expires_secs: secs,
                max_bytes,
                content_type: a.content_type.map(str::to_owned),
            };
            let post = match store.presign_post(&req).await {
                Ok(p) => p,
                Err(e) => {
                    say(short(&e));
                    return FAILED;
                }
            };
            if a.json {
                let fields: Vec<String> = post
                    .fields
                    .iter()
                    .map(|(k, v)| format!("{}:{}", json_string(k), json_string(v)))
                    .collect();
                out = format!(
                    "{{\"url\":{},\"fields\":{{{}}},\"expires_at\":{}}}\n",
                    json_string(&post.url),
                    fields.join(","),
                    post.expires_at
                );
            } else {
                out = format!("{}\n", post.url);
                for (k, v) in &post.fields {
                    out.push_str(&format!("{k}={v}\n"));
                }
            }
        }
        other => return usage(format!("--method {other:?}: expected get, put or post")),
    }
    if !super::output::print(&out) {
        return FAILED;
    }
    OK
}
