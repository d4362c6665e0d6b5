//! Decoding what S3 sends back: form-encoded keys, RFC 2047 metadata,
//! SDK timestamps.

use aws_sdk_s3 as s3;

/// Keys come back form-encoded (`+` for space) when we ask for
/// `EncodingType=url`; some servers also encode `/`.
pub(super) fn url_decode(s: &str) -> String {
    let plus = s.replace('+', " ");
    percent_encoding::percent_decode_str(&plus)
        .decode_utf8_lossy()
        .into_owned()
}

/// S3 carries non-ASCII metadata values as RFC 2047 encoded-words
/// (`=?UTF-8?B?...?=`); show what the uploader wrote, not the wire form.
pub(super) fn decode_mime_word(v: &str) -> String {
    use base64::Engine;
    let Some(inner) = v.strip_prefix("=?").and_then(|s| s.strip_suffix("?=")) else {
        return v.to_owned();
    };
    let mut parts = inner.splitn(3, '?');
    let (Some(charset), Some(enc), Some(text)) = (parts.next(), parts.next(), parts.next()) else {
        return v.to_owned();
    };
    if !charset.eq_ignore_ascii_case("utf-8") {
        return v.to_owned();
    }
    let bytes = match enc {
        "B" | "b" => match base64::engine::general_purpose::STANDARD.decode(text) {
            Ok(b) => b,
            Err(_) => return v.to_owned(),
        },
        "Q" | "q" => {
            let t = text.replace('_', " ").replace('=', "%");
            percent_encoding::percent_decode_str(&t).collect()
        }
        _ => return v.to_owned(),
    };
    String::from_utf8(bytes).unwrap_or_else(|_| v.to_owned())
}

pub(super) fn secs(t: Option<&s3::primitives::DateTime>) -> Option<i64> {
    t.map(|t| t.secs())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_form_encoded_keys() {
        assert_eq!(url_decode("a+b%2Bc%2Fd%0A%1B"), "a b+c/d\n\x1b");
        assert_eq!(url_decode("%E2%9C%93"), "✓");
    }
    #[test]
    fn decodes_encoded_words() {
        assert_eq!(
            decode_mime_word("=?UTF-8?B?dmFsdWUgd2l0aCAbWzJKIGVzY2FwZQ==?="),
            "value with \x1b[2J escape"
        );
        assert_eq!(
            decode_mime_word("=?UTF-8?Q?caf=C3=A9_au_lait?="),
            "café au lait"
        );
        assert_eq!(decode_mime_word("plain"), "plain");
        assert_eq!(decode_mime_word("=?UTF-8?B?!!!?="), "=?UTF-8?B?!!!?=");
    }
}
