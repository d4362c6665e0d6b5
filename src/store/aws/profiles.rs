//! Reading the AWS profile files with the SDK's own parser: which files,
//! which profile, and what it says about endpoints and regions.

use super::ConnectOptions;
use crate::store::endpoint::ProfileEndpoints;

/// The AWS shared config and credentials files as the SDK finds them,
/// for messages that name what was searched.
pub fn aws_config_files() -> Vec<String> {
    let home = std::env::var("HOME").unwrap_or_else(|_| "~".into());
    let file = |var: &str, default: &str| match std::env::var(var) {
        Ok(p) if !p.is_empty() => format!("{p} ({var})"),
        _ => format!("{home}/.aws/{default}"),
    };
    vec![
        file("AWS_CONFIG_FILE", "config"),
        file("AWS_SHARED_CREDENTIALS_FILE", "credentials"),
    ]
}

/// The profile files parsed by the SDK's own parser, with `profile` (or
/// AWS_PROFILE, or "default") selected.
pub(super) async fn load_profiles(
    profile: Option<&str>,
) -> Result<aws_config::profile::ProfileSet, aws_config::profile::ProfileFileLoadError> {
    use aws_types::os_shim_internal::{Env, Fs};
    aws_config::profile::load(
        &Fs::real(),
        &Env::real(),
        &aws_runtime::env_config::file::EnvConfigFiles::default(),
        profile.map(|p| std::borrow::Cow::Owned(p.to_owned())),
    )
    .await
}

/// What the selected profile says about endpoints, read the way the SDK's
/// service-config lookup reads it.
pub(super) fn profile_endpoints(set: &aws_config::profile::ProfileSet) -> ProfileEndpoints {
    let services = set.get("services").map(str::to_owned);
    let services_s3_endpoint_url = services.as_deref().and_then(|name| {
        let key = aws_runtime::env_config::property::PropertiesKey::builder()
            .section_key("services")
            .section_name(name)
            .property_name("s3")
            .sub_property_name("endpoint_url")
            .build()
            .ok()?;
        set.other_sections().get(&key).cloned()
    });
    ProfileEndpoints {
        profile: set.selected_profile().to_owned(),
        endpoint_url: set.get("endpoint_url").map(str::to_owned),
        services,
        services_s3_endpoint_url,
        ignore_configured: set
            .get("ignore_configured_endpoint_urls")
            .map(str::to_owned),
    }
}

/// The profile pail will use when the user named one (flag, config or
/// AWS_PROFILE); `None` means the SDK's default.
pub(super) fn named_profile(opts: &ConnectOptions) -> Option<String> {
    opts.profile
        .clone()
        .or_else(|| std::env::var("AWS_PROFILE").ok())
        .filter(|s| !s.trim().is_empty())
}

/// Where the region came from when the user did not pass one.
pub(super) fn region_source(profile: &str) -> String {
    for var in ["AWS_REGION", "AWS_DEFAULT_REGION"] {
        if std::env::var(var).is_ok_and(|v| !v.is_empty()) {
            return var.to_owned();
        }
    }
    format!("profile {profile}: region")
}
