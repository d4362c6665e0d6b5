//! Where rustack answers differently from S3 in a way pail would notice,
//! the bridge (rustack.rs) calls these instead of rustack's own
//! handler; each still does the work with rustack's S3 operations.

use regex::Regex;
use rustack_s3_core::RustackS3;
use rustack_s3_http::IntoS3Response;
use rustack_s3_model::{S3Error, StreamingBlob, input, output, types};
use std::sync::LazyLock;

/// What the bridge sends back for one S3 request.
pub(super) type Reply = Result<http::Response<rustack_s3_http::S3ResponseBody>, S3Error>;

/// rustack's UploadPartCopy copies the whole source into the part, whatever
/// `x-amz-copy-source-range` says, and without a versionId it looks for the
/// `null` version, which a versioned bucket's current object is not. So
/// the part is read with GetObject (range, current version, conditions)
/// and written with UploadPart, both rustack's own.
pub(super) async fn upload_part_copy(s3: &RustackS3, i: input::UploadPartCopyInput) -> Reply {
    let (bucket, key, version_id) =
        rustack_s3_core::utils::parse_copy_source(&i.copy_source).map_err(|e| e.into_s3_error())?;
    let get = input::GetObjectInput {
        bucket,
        key,
        version_id,
        range: i.copy_source_range,
        if_match: i.copy_source_if_match,
        if_none_match: i.copy_source_if_none_match,
        if_modified_since: i.copy_source_if_modified_since,
        if_unmodified_since: i.copy_source_if_unmodified_since,
        ..Default::default()
    };
    let (out, staged) = s3.handle_get_object_streaming(get).await?;
    let data = match staged {
        Some(read) => read
            .collect_bounded(read.length)
            .await
            .map_err(|e| S3Error::internal_error(e.to_string()))?,
        None => out.body.map(|b| b.data).unwrap_or_default(),
    };
    let part = s3
        .handle_upload_part(input::UploadPartInput {
            bucket: i.bucket,
            key: i.key,
            upload_id: i.upload_id,
            part_number: i.part_number,
            body: Some(StreamingBlob::new(data)),
            ..Default::default()
        })
        .await?;
    output::UploadPartCopyOutput {
        copy_part_result: Some(types::CopyPartResult {
            e_tag: part.e_tag,
            last_modified: Some(chrono::Utc::now()),
            ..Default::default()
        }),
        copy_source_version_id: out.version_id,
        ..Default::default()
    }
    .into_s3_response()
}

/// rustack's XML reader skips every `&…;` reference in element text (its
/// quick-xml reports them as separate events) and trims the text, so a
/// DeleteObjects for `Q&amp;A.pdf` or `new&#xA;line` would delete another
/// key. The `<Object>` list is read here instead.
pub(super) async fn delete_objects(
    s3: &RustackS3,
    mut i: input::DeleteObjectsInput,
    body: &[u8],
) -> Reply {
    static OBJECT: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"(?s)<Object>(.*?)</Object>").expect("static regex"));
    static FIELD: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?s)<(Key|VersionId)>([^<]*)</(?:Key|VersionId)>").expect("static regex")
    });
    let body = std::str::from_utf8(body)
        .map_err(|_| S3Error::new(rustack_s3_model::S3ErrorCode::MalformedXML))?;
    i.delete.objects = OBJECT
        .captures_iter(body)
        .map(|object| {
            let mut id = types::ObjectIdentifier::default();
            for f in FIELD.captures_iter(&object[1]) {
                let text = xml_text(&f[2]);
                match &f[1] {
                    "Key" => id.key = text,
                    _ => id.version_id = Some(text),
                }
            }
            id
        })
        .collect();
    s3.handle_delete_objects(i).await?.into_s3_response()
}

/// XML character data with its references resolved.
fn xml_text(raw: &str) -> String {
    static REF: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"&(#x[0-9a-fA-F]+|#[0-9]+|[a-z]+);").expect("static regex"));
    REF.replace_all(raw, |c: &regex::Captures| {
        let r = &c[1];
        let ch = match r {
            "lt" => Some('<'),
            "gt" => Some('>'),
            "amp" => Some('&'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            _ => r
                .strip_prefix("#x")
                .map(|h| u32::from_str_radix(h, 16))
                .or_else(|| r.strip_prefix('#').map(str::parse))
                .and_then(Result::ok)
                .and_then(char::from_u32),
        };
        ch.map_or_else(|| c[0].to_owned(), String::from)
    })
    .into_owned()
}

/// A listing's keys and prefixes, form-encoded when the client asked for
/// `EncodingType=url` (as AWS does; clients then decode them).
pub(super) trait Listing: IntoS3Response {
    fn url_encoded(&self) -> bool;
    fn encode(&mut self);
}

pub(super) fn listing<L: Listing>(mut out: L) -> Reply {
    if out.url_encoded() {
        out.encode();
    }
    out.into_s3_response()
}

fn enc(s: &mut Option<String>) {
    if let Some(v) = s {
        *v = crate::store::links::encode_key(v);
    }
}

/// `Listing` for an output: `$field`s are its own `Option<String>`s,
/// `$list.$item` the ones inside each element of a list.
macro_rules! listing {
    ($ty:ty: $($field:ident),*; $($list:ident.$item:ident),*) => {
        impl Listing for $ty {
            fn url_encoded(&self) -> bool {
                self.encoding_type == Some(types::EncodingType::Url)
            }
            fn encode(&mut self) {
                $(enc(&mut self.$field);)*
                $(self.$list.iter_mut().for_each(|x| enc(&mut x.$item));)*
            }
        }
    };
}

listing!(output::ListObjectsOutput: prefix, delimiter, marker, next_marker;
    contents.key, common_prefixes.prefix);
listing!(output::ListObjectsV2Output: prefix, delimiter, start_after;
    contents.key, common_prefixes.prefix);
listing!(output::ListObjectVersionsOutput: prefix, delimiter, key_marker, next_key_marker;
    versions.key, delete_markers.key, common_prefixes.prefix);
listing!(output::ListMultipartUploadsOutput: prefix, delimiter, key_marker, next_key_marker;
    uploads.key, common_prefixes.prefix);

#[cfg(test)]
mod tests {
    #[test]
    fn xml_text_resolves_references() {
        assert_eq!(
            super::xml_text("Q&amp;A &lt;b&gt; &quot;x&apos; new&#xA;line&#9;tab &#233; &bogus;"),
            "Q&A <b> \"x' new\nline\ttab \u{e9} &bogus;"
        );
    }
}
