//! The share popup (`P`): a presigned GET or PUT link for an object or a
//! version, or a presigned POST form for browser uploads (the guide's
//! pattern 2: a key or key prefix, a size limit, a content type), with an
//! expiry the user picks and the truth about when the link really stops
//! working. The form is plain data; Enter asks the runtime to
//! sign (the only part that needs credentials and a clock), and the result
//! comes back as a [`TaskEvent::Presigned`](super::TaskEvent). Marked
//! objects get one GET link each, copied as `key<TAB>URL` lines.

mod update;

use super::TaskId;
use crate::store::{
    LinkMethod, ObjectRef, PostRequest, PresignRequest, Presigned, PresignedPost, StoreResult,
};
use tui_input::Input;

/// Expiry presets, in seconds, with their labels.
pub const PRESETS: [(u64, &str); 5] = [
    (15 * 60, "15 min"),
    (3600, "1 hour"),
    (12 * 3600, "12 hours"),
    (24 * 3600, "1 day"),
    (7 * 24 * 3600, "7 days"),
];

const OCTET: &str = "application/octet-stream";

/// SigV4 refuses presigned URLs that live longer than this.
pub use crate::store::MAX_LINK_SECS as MAX_SECS;

/// What the popup understands.
#[derive(Debug)]
pub enum Msg {
    Key(crossterm::event::KeyEvent),
    /// The signing task's links, one per request in order.
    Presigned(TaskId, Vec<StoreResult<Presigned>>),
    /// The signing task's POST form.
    PresignedPost(TaskId, Box<StoreResult<PresignedPost>>),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Field {
    Method,
    /// PUT: the key the upload goes to.
    Key,
    Expiry,
    /// GET: download as a file with the object's name.
    Attachment,
    /// PUT and POST: the Content-Type the uploader must send.
    ContentType,
    /// POST: the largest file the form accepts.
    MaxSize,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Stage {
    Form,
    Signing(TaskId),
    Done(Vec<Link>),
    /// A POST form: where it goes and its fields.
    Posted(Box<PresignedPost>),
}

/// One signed link and what it is for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Link {
    pub object: ObjectRef,
    pub presigned: Presigned,
}

#[derive(Clone, Debug)]
pub struct Share {
    pub bucket: String,
    /// The object (or version), or several marked objects (GET only).
    pub objects: Vec<ObjectRef>,
    pub method: LinkMethod,
    /// A POST form rather than a link (`method` is then ignored).
    pub post: bool,
    pub key: Input,
    /// Index into [`PRESETS`]; `PRESETS.len()` means the typed duration.
    pub preset: usize,
    pub typed: Input,
    pub attachment: bool,
    pub content_type: Input,
    /// Whether the user typed the content type (else it follows the key).
    pub content_type_typed: bool,
    /// POST: content-length-range's upper bound, as typed ("10MiB").
    pub max_size: Input,
    pub field: Field,
    /// Why Enter was refused, or why nothing can be signed at all.
    pub error: Option<String>,
    pub stage: Stage,
    /// The QR code of the link, drawn, when shown.
    pub qr: Option<Result<Vec<String>, String>>,
}

impl PartialEq for Share {
    fn eq(&self, o: &Self) -> bool {
        self.bucket == o.bucket
            && self.objects == o.objects
            && self.method == o.method
            && self.post == o.post
            && self.key.value() == o.key.value()
            && self.preset == o.preset
            && self.typed.value() == o.typed.value()
            && self.attachment == o.attachment
            && self.content_type.value() == o.content_type.value()
            && self.max_size.value() == o.max_size.value()
            && self.content_type_typed == o.content_type_typed
            && self.field == o.field
            && self.error == o.error
            && self.stage == o.stage
            && self.qr == o.qr
    }
}

impl Eq for Share {}

impl Share {
    pub fn new(bucket: &str, objects: Vec<ObjectRef>, method: LinkMethod) -> Share {
        let key = objects.first().map(|o| o.key.clone()).unwrap_or_default();
        let content_type = guess_type(&key, false);
        Share {
            bucket: bucket.to_owned(),
            objects,
            method,
            post: false,
            key: Input::new(key),
            preset: 1,
            typed: Input::default(),
            attachment: false,
            content_type: Input::new(content_type),
            content_type_typed: false,
            max_size: Input::new("10MiB".into()),
            field: Field::Expiry,
            error: None,
            stage: Stage::Form,
            qr: None,
        }
    }

    pub fn several(&self) -> bool {
        self.objects.len() > 1
    }

    /// The popup for what the tree has selected: one GET link per marked
    /// object, or an upload link for a new key under a prefix. The second
    /// value says what was left out (marked prefixes beside objects).
    pub fn for_sources(
        bucket: &str,
        sources: &[crate::engine::S3Source],
    ) -> (Share, Option<&'static str>) {
        use crate::engine::S3Source;
        let objects: Vec<ObjectRef> = sources
            .iter()
            .filter_map(|s| match s {
                S3Source::Object(o) => Some(ObjectRef::new(bucket, &o.key)),
                S3Source::Prefix(_) => None,
            })
            .collect();
        if objects.is_empty() {
            // A prefix: an upload link for a new key under it.
            let prefix = match sources.first() {
                Some(S3Source::Prefix(p)) => p.clone(),
                _ => String::new(),
            };
            let mut s = Share::new(
                bucket,
                vec![ObjectRef::new(bucket, &prefix)],
                LinkMethod::Put,
            );
            s.field = Field::Key;
            return (s, None);
        }
        let left_out = (objects.len() < sources.len())
            .then_some("Links are for objects: the marked prefixes are left out");
        (Share::new(bucket, objects, LinkMethod::Get), left_out)
    }

    /// The fields the form shows, in order.
    pub fn fields(&self) -> Vec<Field> {
        let mut f = Vec::new();
        if !self.several() && !self.is_version() {
            f.push(Field::Method);
        }
        if self.post {
            f.extend([
                Field::Key,
                Field::Expiry,
                Field::ContentType,
                Field::MaxSize,
            ]);
            return f;
        }
        if self.method == LinkMethod::Put {
            f.push(Field::Key);
        }
        f.push(Field::Expiry);
        f.push(match self.method {
            LinkMethod::Get => Field::Attachment,
            LinkMethod::Put => Field::ContentType,
        });
        f
    }

    /// The method ring GET → PUT → POST, one step forward or back.
    fn cycle_method(&mut self, forward: bool) {
        let at = match (self.post, self.method) {
            (true, _) => 2,
            (false, LinkMethod::Get) => 0,
            (false, LinkMethod::Put) => 1,
        };
        let next = if forward { (at + 1) % 3 } else { (at + 2) % 3 };
        self.post = next == 2;
        self.method = if next == 0 {
            LinkMethod::Get
        } else {
            LinkMethod::Put
        };
        self.follow_key();
    }

    /// Until the user types a content type, it is the one the key's
    /// extension names; a form for a prefix takes whatever type the
    /// browser sends (a folder name says nothing about the files).
    pub(super) fn follow_key(&mut self) {
        if !self.content_type_typed {
            let prefix = self.post && self.key_is_prefix();
            self.content_type = Input::new(guess_type(self.key.value(), prefix));
        }
    }

    /// A POST for a key prefix lets the browser name the file under it.
    pub fn key_is_prefix(&self) -> bool {
        let k = self.key.value();
        k.is_empty() || k.ends_with('/')
    }

    /// "POST", "PUT" or "GET".
    pub fn method_name(&self) -> &'static str {
        if self.post {
            "POST"
        } else {
            self.method.as_str()
        }
    }

    /// The POST form's policy, or why the form is not acceptable.
    pub fn post_request(&self) -> Result<PostRequest, String> {
        let expires_secs = self.expiry()?;
        let max = self.max_size.value().trim();
        let max_bytes = if max.is_empty() {
            None
        } else {
            Some(crate::engine::parts::parse_size(max).ok_or_else(|| {
                format!("Largest file: {max:?} is not a size (10MiB, 500KB, 1GiB)")
            })?)
        };
        let ct = self.content_type.value().trim();
        Ok(PostRequest {
            bucket: self.bucket.clone(),
            key: self.key.value().to_owned(),
            prefix: self.key_is_prefix(),
            expires_secs,
            max_bytes,
            content_type: (!ct.is_empty()).then(|| ct.to_owned()),
        })
    }

    /// A version's link reads that version; uploading to it makes no sense.
    pub fn is_version(&self) -> bool {
        self.objects.iter().any(|o| o.version_id.is_some())
    }

    /// The chosen expiry in seconds, or why it is not acceptable.
    pub fn expiry(&self) -> Result<u64, String> {
        let secs = match PRESETS.get(self.preset) {
            Some((s, _)) => *s,
            None => crate::format::parse_duration(self.typed.value())?,
        };
        if secs > MAX_SECS {
            return Err(format!(
                "{} is longer than 7 days: SigV4 signatures cannot live longer",
                crate::format::duration_exact(secs)
            ));
        }
        Ok(secs)
    }

    fn move_field(&mut self, delta: isize) {
        let fields = self.fields();
        let i = fields.iter().position(|f| *f == self.field).unwrap_or(0) as isize;
        let n = fields.len() as isize;
        self.field = fields[((i + delta).rem_euclid(n)) as usize];
    }

    fn requests(&self) -> Result<Vec<PresignRequest>, String> {
        let expires_secs = self.expiry()?;
        match self.method {
            LinkMethod::Get => Ok(self
                .objects
                .iter()
                .map(|o| PresignRequest {
                    object: o.clone(),
                    method: LinkMethod::Get,
                    expires_secs,
                    attachment: self.attachment.then(|| file_name(&o.key).to_owned()),
                    content_type: None,
                })
                .collect()),
            LinkMethod::Put => {
                let key = self.key.value();
                if key.is_empty() || key.ends_with('/') {
                    return Err("Type the key the upload goes to (a name, not a folder)".into());
                }
                let ct = self.content_type.value().trim();
                Ok(vec![PresignRequest {
                    object: ObjectRef::new(&self.bucket, key),
                    method: LinkMethod::Put,
                    expires_secs,
                    attachment: None,
                    content_type: (!ct.is_empty()).then(|| ct.to_owned()),
                }])
            }
        }
    }
}

/// The Content-Type for `key` by its extension ("" for a POST prefix).
fn guess_type(key: &str, post_prefix: bool) -> String {
    if post_prefix {
        return String::new();
    }
    mime_guess::from_path(key)
        .first()
        .map(|m| m.essence_str().to_owned())
        .unwrap_or_else(|| OCTET.to_owned())
}

fn file_name(key: &str) -> &str {
    key.trim_end_matches('/').rsplit('/').next().unwrap_or(key)
}

/// A key as one field of a `key<TAB>URL` line: the real key, byte for
/// byte (`100%.txt` stays `100%.txt`, a script reading the lines gets the
/// key it can use). Only a key that holds a tab or a line break cannot be
/// one field of one line: that key alone is written with `\t`, `\n`, `\r`
/// (and its backslashes doubled), and the status line says so.
fn tsv_field(key: &str) -> (String, bool) {
    if !key.contains(['\t', '\n', '\r']) {
        return (key.to_owned(), false);
    }
    let escaped = key
        .replace('\\', "\\\\")
        .replace('\t', "\\t")
        .replace('\n', "\\n")
        .replace('\r', "\\r");
    (escaped, true)
}

/// Single-quoted for a POSIX shell.
fn quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

/// A ready `curl` command for the link, with exactly the headers it signed.
pub fn curl(link: &Link) -> String {
    let url = quote(&link.presigned.url);
    let name = quote(file_name(&link.object.key));
    let headers: String = link
        .presigned
        .headers
        .iter()
        .map(|(k, v)| format!(" -H {}", quote(&format!("{k}: {v}"))))
        .collect();
    match link.presigned.method {
        LinkMethod::Get => format!("curl -f -o {name}{headers} {url}"),
        LinkMethod::Put => format!("curl -f -T {name}{headers} {url}"),
    }
}

/// A `curl -F` command that sends `file` through the form, fields in
/// the policy's order and the file last, as S3 requires.
pub fn post_curl(post: &PresignedPost) -> String {
    let mut cmd = String::from("curl -f");
    for (k, v) in &post.fields {
        cmd.push_str(&format!(" -F {}", quote(&format!("{k}={v}"))));
    }
    // `@` makes curl read the file; `;type=` sends the type the policy
    // asks for (curl would otherwise guess one from the name).
    let ct = post
        .fields
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("content-type"))
        .map(|(_, v)| format!(";type={v}"))
        .unwrap_or_default();
    cmd.push_str(&format!(" -F {}", quote(&format!("file=@FILE{ct}"))));
    cmd.push(' ');
    cmd.push_str(&quote(&post.url));
    cmd
}

/// A minimal HTML page whose form uploads a chosen file straight to S3.
pub fn post_html(post: &PresignedPost) -> String {
    let mut out =
        String::from("<!doctype html>\n<meta charset=\"utf-8\">\n<title>Upload</title>\n");
    out.push_str(&format!(
        "<form action=\"{}\" method=\"post\" enctype=\"multipart/form-data\">\n",
        html_attr(&post.url)
    ));
    for (k, v) in &post.fields {
        out.push_str(&format!(
            "  <input type=\"hidden\" name=\"{}\" value=\"{}\">\n",
            html_attr(k),
            html_attr(v)
        ));
    }
    out.push_str("  <input type=\"file\" name=\"file\" required>\n");
    out.push_str("  <button type=\"submit\">Upload</button>\n</form>\n");
    out
}

fn html_attr(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// The form as `{"url": …, "fields": {…}}`, what a backend hands a browser.
pub fn post_json(post: &PresignedPost) -> String {
    let fields: serde_json::Map<String, serde_json::Value> = post
        .fields
        .iter()
        .map(|(k, v)| (k.clone(), serde_json::Value::String(v.clone())))
        .collect();
    serde_json::json!({ "url": post.url, "fields": fields }).to_string()
}

/// The QR code of `text` as rows of half-block characters (two modules
/// per character cell vertically), quiet zone included.
pub fn qr_lines(text: &str) -> Result<Vec<String>, String> {
    use qrcode::render::unicode::Dense1x2;
    let code = qrcode::QrCode::with_error_correction_level(text, qrcode::EcLevel::L)
        .map_err(|e| format!("too long for a QR code ({e})"))?;
    let drawn = code
        .render::<Dense1x2>()
        .dark_color(Dense1x2::Dark)
        .light_color(Dense1x2::Light)
        .quiet_zone(true)
        .build();
    Ok(drawn.lines().map(str::to_owned).collect())
}

#[cfg(test)]
mod tests {
    use super::tsv_field;

    #[test]
    fn a_tsv_field_is_the_real_key_unless_it_cannot_be_one_field() {
        for key in ["100%.txt", "a%09b", r"win\path.txt", "ünï 😀.txt"] {
            assert_eq!(tsv_field(key), (key.to_owned(), false), "{key}");
        }
        assert_eq!(tsv_field("a\tb"), (r"a\tb".to_owned(), true));
        assert_eq!(tsv_field("x\\y\nz"), (r"x\\y\nz".to_owned(), true));
    }
}
