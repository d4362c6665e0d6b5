//! Where pail talks to, decided once. The header, the URLs pail copies and
//! the path-style default all depend on the endpoint, so they must use the
//! one the SDK client really sends requests to. Rather than trust a guess to
//! agree with the SDK, pail resolves the endpoint here, with the aws CLI's
//! precedence, and hands that exact URL to the client.
//!
//! Also here: the checks on what the user typed (an endpoint without a
//! scheme, a region that is not a region name) that must fail at start-up
//! rather than as a puzzling network error later. Everything here is pure
//! (the environment and the profile arrive as data) so it is unit-tested.

/// The endpoint in use and where it was configured, e.g. "AWS_ENDPOINT_URL_S3"
/// or "profile dev: [services local] s3 endpoint_url".
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Endpoint {
    pub url: String,
    pub source: String,
}

/// What the selected profile of `~/.aws/config` says about endpoints, read
/// by the store (which owns the SDK's profile parser).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ProfileEndpoints {
    /// The selected profile's name.
    pub profile: String,
    /// The profile's own `endpoint_url`.
    pub endpoint_url: Option<String>,
    /// The profile's `services = NAME`.
    pub services: Option<String>,
    /// `endpoint_url` in the `s3 =` sub-section of `[services NAME]`.
    pub services_s3_endpoint_url: Option<String>,
    /// The profile's `ignore_configured_endpoint_urls`, as written.
    pub ignore_configured: Option<String>,
}

/// The environment as a lookup, so tests need not touch the process's.
pub trait Env {
    fn var(&self, name: &str) -> Option<String>;
}

/// The real process environment.
pub struct ProcessEnv;

impl Env for ProcessEnv {
    fn var(&self, name: &str) -> Option<String> {
        std::env::var(name).ok()
    }
}

impl<F: Fn(&str) -> Option<String>> Env for F {
    fn var(&self, name: &str) -> Option<String> {
        self(name)
    }
}

/// Empty values count as unset: `AWS_ENDPOINT_URL= pail` means "none".
fn nonempty(v: Option<String>) -> Option<String> {
    v.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty())
}

/// True/false the way the SDK reads booleans; anything else is false (the
/// SDK warns and ignores it).
fn truthy(v: &str) -> bool {
    v.trim().eq_ignore_ascii_case("true")
}

/// The endpoint the aws CLI and the SDK would use, in their order:
/// `--endpoint-url` (or pail's config, passed as `explicit`),
/// `AWS_ENDPOINT_URL_S3`, `AWS_ENDPOINT_URL`, the profile's `services`
/// section for s3, the profile's own `endpoint_url`. The explicit one always
/// wins; `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true` (or the profile's
/// `ignore_configured_endpoint_urls = true`) drops all the others. `None`
/// means AWS itself.
pub fn resolve(
    explicit: Option<Endpoint>,
    env: &dyn Env,
    profile: &ProfileEndpoints,
) -> Option<Endpoint> {
    if let Some(e) = explicit.filter(|e| !e.url.trim().is_empty()) {
        return Some(e);
    }
    // The environment variable decides when it is set, even to something
    // unreadable; only when it is absent does the profile's setting count.
    let ignore = match env.var("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS") {
        Some(v) => truthy(&v),
        None => profile.ignore_configured.as_deref().is_some_and(truthy),
    };
    if ignore {
        return None;
    }
    let from =
        |url: Option<String>, source: String| nonempty(url).map(|url| Endpoint { url, source });
    from(env.var("AWS_ENDPOINT_URL_S3"), "AWS_ENDPOINT_URL_S3".into())
        .or_else(|| from(env.var("AWS_ENDPOINT_URL"), "AWS_ENDPOINT_URL".into()))
        .or_else(|| {
            from(
                profile.services_s3_endpoint_url.clone(),
                format!(
                    "profile {}: [services {}] s3 endpoint_url",
                    profile.profile,
                    profile.services.as_deref().unwrap_or("?")
                ),
            )
        })
        .or_else(|| {
            from(
                profile.endpoint_url.clone(),
                format!("profile {}: endpoint_url", profile.profile),
            )
        })
}

/// An endpoint URL pail can use: `http` or `https`, a host, no query.
/// The message names where the URL came from and, for the common slip of
/// leaving out the scheme, what to type instead.
pub fn check_url(url: &str, source: &str) -> Result<(), String> {
    let trimmed = url.trim();
    let Some((scheme, rest)) = trimmed.split_once("://") else {
        let guess = if is_local_or_ip(&format!("http://{trimmed}")) {
            "http"
        } else {
            "https"
        };
        return Err(format!(
            "endpoint URL {trimmed:?} (from {source}) has no scheme; did you mean {guess}://{trimmed} ?"
        ));
    };
    if !scheme.eq_ignore_ascii_case("http") && !scheme.eq_ignore_ascii_case("https") {
        return Err(format!(
            "endpoint URL {trimmed:?} (from {source}) must start with http:// or https://, not {scheme}://"
        ));
    }
    let uri: http::Uri = trimmed
        .parse()
        .map_err(|e| format!("endpoint URL {trimmed:?} (from {source}) is not a URL: {e}"))?;
    if uri.host().is_none_or(str::is_empty) || rest.starts_with('/') {
        return Err(format!(
            "endpoint URL {trimmed:?} (from {source}) names no host"
        ));
    }
    if uri.query().is_some() {
        return Err(format!(
            "endpoint URL {trimmed:?} (from {source}) must not have a query (?...)"
        ));
    }
    Ok(())
}

/// Region names are lowercase letters, digits and dashes (`eu-west-1`,
/// `us-gov-west-1`, R2's `auto`, Garage's `garage`). Anything else is a typo
/// that would only show up later as a signature or DNS error.
pub fn check_region(region: &str, source: &str) -> Result<(), String> {
    let ok = !region.is_empty()
        && region.len() <= 63
        && region
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !region.starts_with('-')
        && !region.ends_with('-');
    if ok {
        return Ok(());
    }
    let hint = {
        let guess: String = region
            .trim()
            .to_ascii_lowercase()
            .split(|c: char| c.is_whitespace() || c == '_')
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join("-");
        if !guess.is_empty() && guess != region && check_region(&guess, source).is_ok() {
            format!("; did you mean {guess}?")
        } else {
            String::new()
        }
    };
    Err(format!(
        "region {region:?} (from {source}) is not a region name (lowercase letters, digits and dashes, e.g. eu-west-1){hint}"
    ))
}

/// The host of a URL, without port or brackets.
pub fn host(url: &str) -> Option<String> {
    let uri: http::Uri = url.trim().parse().ok()?;
    let h = uri.host()?;
    Some(h.trim_start_matches('[').trim_end_matches(']').to_owned())
}

/// `host:port` as people write it, for "waiting for 127.0.0.1:9000".
pub fn authority(url: &str) -> Option<String> {
    let uri: http::Uri = url.trim().parse().ok()?;
    Some(uri.authority()?.as_str().to_owned())
}

/// An IP address or `localhost` cannot carry a bucket as a subdomain that
/// resolves (the SDK itself never uses virtual-hosted style for an IP), so
/// such endpoints are always path-style.
pub fn is_local_or_ip(url: &str) -> bool {
    match host(url) {
        Some(h) => {
            h.parse::<std::net::IpAddr>().is_ok()
                || h.eq_ignore_ascii_case("localhost")
                || h.to_ascii_lowercase().ends_with(".localhost")
        }
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let m: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |k: &str| m.get(k).cloned()
    }

    fn profile() -> ProfileEndpoints {
        ProfileEndpoints {
            profile: "dev".into(),
            endpoint_url: Some("http://profile".into()),
            services: Some("local".into()),
            services_s3_endpoint_url: Some("http://services".into()),
            ignore_configured: None,
        }
    }

    fn explicit() -> Option<Endpoint> {
        Some(Endpoint {
            url: "http://flag".into(),
            source: "--endpoint-url".into(),
        })
    }

    fn url(e: Option<Endpoint>) -> Option<String> {
        e.map(|e| e.url)
    }

    #[test]
    fn precedence_is_the_cli_s() {
        let all = env(&[
            ("AWS_ENDPOINT_URL_S3", "http://env-s3"),
            ("AWS_ENDPOINT_URL", "http://env"),
        ]);
        assert_eq!(
            url(resolve(explicit(), &all, &profile())).unwrap(),
            "http://flag"
        );
        let r = resolve(None, &all, &profile()).unwrap();
        assert_eq!(
            (r.url.as_str(), r.source.as_str()),
            ("http://env-s3", "AWS_ENDPOINT_URL_S3")
        );
        let global = env(&[("AWS_ENDPOINT_URL", "http://env")]);
        assert_eq!(
            url(resolve(None, &global, &profile())).unwrap(),
            "http://env"
        );
        let r = resolve(None, &env(&[]), &profile()).unwrap();
        assert_eq!(r.url, "http://services");
        assert_eq!(r.source, "profile dev: [services local] s3 endpoint_url");
        let own = ProfileEndpoints {
            services_s3_endpoint_url: None,
            ..profile()
        };
        let r = resolve(None, &env(&[]), &own).unwrap();
        assert_eq!(
            (r.url.as_str(), r.source.as_str()),
            ("http://profile", "profile dev: endpoint_url")
        );
        assert_eq!(resolve(None, &env(&[]), &ProfileEndpoints::default()), None);
    }

    #[test]
    fn empty_values_are_unset() {
        let e = env(&[("AWS_ENDPOINT_URL_S3", ""), ("AWS_ENDPOINT_URL", " ")]);
        assert_eq!(
            url(resolve(None, &e, &profile())).unwrap(),
            "http://services"
        );
    }

    #[test]
    fn ignore_configured_endpoints() {
        let e = env(&[
            ("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true"),
            ("AWS_ENDPOINT_URL_S3", "http://env-s3"),
        ]);
        assert_eq!(resolve(None, &e, &profile()), None);
        // The flag (and pail's config) is not "configured" in that sense.
        assert_eq!(
            url(resolve(explicit(), &e, &profile())).unwrap(),
            "http://flag"
        );
        let p = ProfileEndpoints {
            ignore_configured: Some("TRUE".into()),
            ..profile()
        };
        assert_eq!(resolve(None, &env(&[]), &p), None);
        // The environment's "false" overrides the profile's "true".
        let e = env(&[("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "false")]);
        assert_eq!(url(resolve(None, &e, &p)).unwrap(), "http://services");
    }

    #[test]
    fn urls_need_a_scheme() {
        let e = check_url("127.0.0.1:9000", "--endpoint-url").unwrap_err();
        assert!(e.contains("did you mean http://127.0.0.1:9000"), "{e}");
        assert!(e.contains("--endpoint-url"), "{e}");
        let e = check_url("localhost:9000", "x").unwrap_err();
        assert!(e.contains("http://localhost:9000"), "{e}");
        let e = check_url("minio.example.com", "x").unwrap_err();
        assert!(e.contains("https://minio.example.com"), "{e}");
        assert!(check_url("ftp://x", "x").unwrap_err().contains("http://"));
        assert!(check_url("http://", "x").is_err());
        assert!(check_url("http:///x", "x").is_err());
        assert!(check_url("http://x?a=b", "x").is_err());
        assert!(check_url("http://127.0.0.1:9000", "x").is_ok());
        assert!(check_url("https://acc.r2.cloudflarestorage.com/", "x").is_ok());
        assert!(check_url("http://[::1]:9000", "x").is_ok());
    }

    #[test]
    fn regions() {
        for ok in ["eu-west-1", "us-gov-west-1", "auto", "garage", "cn-north-1"] {
            assert!(check_region(ok, "x").is_ok(), "{ok}");
        }
        let e = check_region("eu west 1", "--region").unwrap_err();
        assert!(e.contains("did you mean eu-west-1"), "{e}");
        let e = check_region("EU-WEST-1", "--region").unwrap_err();
        assert!(e.contains("did you mean eu-west-1"), "{e}");
        assert!(check_region("", "x").is_err());
        assert!(check_region("-x", "x").is_err());
        assert!(
            check_region("eu_west_1", "x")
                .unwrap_err()
                .contains("eu-west-1")
        );
    }

    #[test]
    fn local_hosts() {
        assert!(is_local_or_ip("http://127.0.0.1:9000"));
        assert!(is_local_or_ip("http://[::1]:9000/"));
        assert!(is_local_or_ip("http://localhost:9000"));
        assert!(is_local_or_ip("http://LOCALHOST"));
        assert!(!is_local_or_ip("https://minio.example.com"));
        assert!(!is_local_or_ip("https://s3.amazonaws.com"));
        assert_eq!(
            authority("http://127.0.0.1:9000/").as_deref(),
            Some("127.0.0.1:9000")
        );
        assert_eq!(host("http://[::1]:9000").as_deref(), Some("::1"));
    }
}
