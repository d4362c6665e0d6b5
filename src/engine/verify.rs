//! Proving a download is the object S3 holds. The strongest check the
//! object allows is chosen from its headers: a full-object checksum
//! (CRC32/CRC32C/CRC64NVME/SHA1/SHA256), a composite checksum checked part
//! by part, the MD5 a single-part ETag is, or the multipart ETag (MD5 of
//! the parts' MD5s) when the part layout is known. SSE-KMS and SSE-C ETags
//! are not MD5s: then the download is "not verified", said as such, never
//! reported as corrupt.

use crate::store::ObjectHead;
use aws_smithy_checksums::ChecksumAlgorithm;
use base64::Engine;
use md5::Digest;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Algo {
    Crc32,
    Crc32c,
    Crc64Nvme,
    Sha1,
    Sha256,
    Md5,
}

impl Algo {
    pub fn from_name(name: &str) -> Option<Algo> {
        Some(match name {
            "CRC32" => Algo::Crc32,
            "CRC32C" => Algo::Crc32c,
            "CRC64NVME" => Algo::Crc64Nvme,
            "SHA1" => Algo::Sha1,
            "SHA256" => Algo::Sha256,
            _ => return None,
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            Algo::Crc32 => "CRC32",
            Algo::Crc32c => "CRC32C",
            Algo::Crc64Nvme => "CRC64NVME",
            Algo::Sha1 => "SHA1",
            Algo::Sha256 => "SHA256",
            Algo::Md5 => "MD5",
        }
    }
}

/// One running digest.
pub struct Hasher(Inner);

enum Inner {
    Sdk(Box<dyn aws_smithy_checksums::http::HttpChecksum>),
    Md5(md5::Md5),
}

impl Hasher {
    pub fn new(algo: Algo) -> Hasher {
        let sdk = |a: ChecksumAlgorithm| Hasher(Inner::Sdk(a.into_impl()));
        match algo {
            Algo::Crc32 => sdk(ChecksumAlgorithm::Crc32),
            Algo::Crc32c => sdk(ChecksumAlgorithm::Crc32c),
            Algo::Crc64Nvme => sdk(ChecksumAlgorithm::Crc64Nvme),
            Algo::Sha1 => sdk(ChecksumAlgorithm::Sha1),
            Algo::Sha256 => sdk(ChecksumAlgorithm::Sha256),
            Algo::Md5 => Hasher(Inner::Md5(md5::Md5::new())),
        }
    }

    pub fn update(&mut self, data: &[u8]) {
        match &mut self.0 {
            Inner::Sdk(h) => h.update(data),
            Inner::Md5(h) => h.update(data),
        }
    }

    pub fn finish(self) -> Vec<u8> {
        match self.0 {
            Inner::Sdk(h) => h.finalize().to_vec(),
            Inner::Md5(h) => h.finalize().to_vec(),
        }
    }
}

/// The CRC32 of `data` as S3 headers carry it (base64).
pub fn crc32_b64(data: &[u8]) -> String {
    let mut h = Hasher::new(Algo::Crc32);
    h.update(data);
    b64(&h.finish())
}

fn b64(d: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(d)
}

/// Lower-case hex, as MD5 ETags are written.
pub fn hex(d: &[u8]) -> String {
    d.iter().map(|b| format!("{b:02x}")).collect()
}

/// The check a download gets.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Check {
    /// A checksum of the whole object.
    Full { algo: Algo, expected: String },
    /// A checksum of the parts' checksums ("value-N"): each part hashed,
    /// then the concatenated digests hashed again.
    Composite {
        algo: Algo,
        expected: String,
        parts: u64,
        part_size: u64,
    },
    /// A single-part upload's ETag, which is the body's MD5.
    Md5Etag { expected: String },
    /// A multipart ETag: MD5 of the parts' MD5s, "-N".
    MultipartEtag {
        expected: String,
        parts: u64,
        part_size: u64,
    },
    /// Nothing to check against (only the size is checked); why.
    Unverifiable(String),
}

impl Check {
    /// The digest each part (or the whole body) needs.
    pub fn algo(&self) -> Option<Algo> {
        match self {
            Check::Full { algo, .. } | Check::Composite { algo, .. } => Some(*algo),
            Check::Md5Etag { .. } | Check::MultipartEtag { .. } => Some(Algo::Md5),
            Check::Unverifiable(_) => None,
        }
    }

    /// Part size when the check is made per part (ranges must align).
    pub fn part_size(&self) -> Option<u64> {
        match self {
            Check::Composite { part_size, .. } | Check::MultipartEtag { part_size, .. } => {
                Some(*part_size)
            }
            _ => None,
        }
    }

    /// Compares the digests: one for a whole-body check, one per part for
    /// the per-part ones. `Err` says what did not match.
    pub fn verify(&self, digests: &[Vec<u8>]) -> Result<(), String> {
        let mismatch = |what: &str, got: String, want: &str| {
            Err(format!("{what} mismatch: expected {want}, got {got}"))
        };
        match self {
            Check::Unverifiable(_) => Ok(()),
            Check::Full { algo, expected } => {
                let [d] = digests else {
                    return Err("internal: whole-object digest expected".into());
                };
                let got = b64(d);
                if &got == expected {
                    Ok(())
                } else {
                    mismatch(algo.name(), got, expected)
                }
            }
            Check::Md5Etag { expected } => {
                let [d] = digests else {
                    return Err("internal: whole-object digest expected".into());
                };
                let got = hex(d);
                if &got == expected {
                    Ok(())
                } else {
                    mismatch("MD5 (ETag)", got, expected)
                }
            }
            Check::Composite {
                algo,
                expected,
                parts,
                ..
            } => {
                if digests.len() as u64 != *parts {
                    return Err(format!("{} parts read, {} expected", digests.len(), parts));
                }
                let mut h = Hasher::new(*algo);
                for d in digests {
                    h.update(d);
                }
                let got = format!("{}-{}", b64(&h.finish()), parts);
                if &got == expected {
                    Ok(())
                } else {
                    mismatch(algo.name(), got, expected)
                }
            }
            Check::MultipartEtag {
                expected, parts, ..
            } => {
                if digests.len() as u64 != *parts {
                    return Err(format!("{} parts read, {} expected", digests.len(), parts));
                }
                let mut h = Hasher::new(Algo::Md5);
                for d in digests {
                    h.update(d);
                }
                let got = format!("{}-{}", hex(&h.finish()), parts);
                if &got == expected {
                    Ok(())
                } else {
                    mismatch("multipart ETag", got, expected)
                }
            }
        }
    }
}

/// The strongest check `head` allows. `part_size` is the object's part
/// layout when known (from a HEAD of part 1), needed for per-part checks.
pub fn choose(head: &ObjectHead, part_size: Option<u64>) -> Check {
    const PREFERENCE: [&str; 5] = ["CRC64NVME", "CRC32C", "CRC32", "SHA256", "SHA1"];
    let mut sums: Vec<&(String, String)> = head.checksums.iter().collect();
    sums.sort_by_key(|(n, _)| PREFERENCE.iter().position(|p| p == n).unwrap_or(9));
    for (name, value) in sums {
        let Some(algo) = Algo::from_name(name) else {
            continue;
        };
        // Some servers (moto) send a multipart object's composite checksum
        // without its "-N" and without a type: read a bare value on a
        // multipart object as composite unless the type says FULL_OBJECT.
        let multipart = head.etag.as_deref().is_some_and(|e| e.contains('-'));
        let full_type = head.checksum_type.as_deref() == Some("FULL_OBJECT");
        let bare_composite = !value.contains('-') && multipart && !full_type;
        if bare_composite {
            let parts = head
                .etag
                .as_deref()
                .and_then(|e| e.trim_matches('"').rsplit_once('-'))
                .and_then(|(_, n)| n.parse::<u64>().ok());
            if let (Some(parts), Some(part_size)) = (parts, part_size)
                && head.object_size.div_ceil(part_size.max(1)) == parts
            {
                return Check::Composite {
                    algo,
                    expected: format!("{value}-{parts}"),
                    parts,
                    part_size,
                };
            }
            continue;
        }
        match value.rsplit_once('-') {
            None => {
                return Check::Full {
                    algo,
                    expected: value.clone(),
                };
            }
            Some((_, n)) => {
                if let (Ok(parts), Some(part_size)) = (n.parse::<u64>(), part_size)
                    && head.object_size.div_ceil(part_size.max(1)) == parts
                {
                    return Check::Composite {
                        algo,
                        expected: value.clone(),
                        parts,
                        part_size,
                    };
                }
            }
        }
    }
    let kms = head
        .sse
        .as_deref()
        .is_some_and(|s| s.starts_with("aws:kms"));
    if kms || head.sse_customer {
        return Check::Unverifiable("encrypted with SSE-KMS/SSE-C: its ETag is not an MD5".into());
    }
    let Some(etag) = head
        .etag
        .as_deref()
        .map(|e| e.trim_matches('"').to_ascii_lowercase())
    else {
        return Check::Unverifiable("no checksum and no ETag".into());
    };
    match etag.split_once('-') {
        None if etag.len() == 32 && etag.bytes().all(|b| b.is_ascii_hexdigit()) => {
            Check::Md5Etag { expected: etag }
        }
        None => Check::Unverifiable("the ETag is not an MD5".into()),
        Some((_, n)) => match (n.parse::<u64>(), part_size) {
            (Ok(parts), Some(part_size))
                if head.object_size.div_ceil(part_size.max(1)) == parts =>
            {
                Check::MultipartEtag {
                    expected: etag,
                    parts,
                    part_size,
                }
            }
            _ => Check::Unverifiable(
                "multipart upload without a checksum, part sizes unknown".into(),
            ),
        },
    }
}

/// Hashes a stream in order, cutting a digest at every `part` bytes when
/// the check is per part.
pub struct StreamHasher {
    algo: Algo,
    part: Option<u64>,
    cur: Hasher,
    cur_len: u64,
    digests: Vec<Vec<u8>>,
}

impl StreamHasher {
    pub fn new(algo: Algo, part: Option<u64>) -> StreamHasher {
        StreamHasher {
            algo,
            part,
            cur: Hasher::new(algo),
            cur_len: 0,
            digests: Vec::new(),
        }
    }

    pub fn update(&mut self, mut data: &[u8]) {
        let Some(part) = self.part else {
            self.cur.update(data);
            return;
        };
        while !data.is_empty() {
            let take = ((part - self.cur_len) as usize).min(data.len());
            self.cur.update(&data[..take]);
            self.cur_len += take as u64;
            data = &data[take..];
            if self.cur_len == part {
                let done = std::mem::replace(&mut self.cur, Hasher::new(self.algo));
                self.digests.push(done.finish());
                self.cur_len = 0;
            }
        }
    }

    pub fn finish(mut self) -> Vec<Vec<u8>> {
        if self.part.is_none() || self.cur_len > 0 || self.digests.is_empty() {
            self.digests.push(self.cur.finish());
        }
        self.digests
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn head(etag: &str, size: u64) -> ObjectHead {
        ObjectHead {
            etag: Some(format!("\"{etag}\"")),
            object_size: size,
            content_length: size,
            ..ObjectHead::default()
        }
    }

    fn md5hex(d: &[u8]) -> String {
        let mut h = Hasher::new(Algo::Md5);
        h.update(d);
        hex(&h.finish())
    }

    #[test]
    fn single_part_etag_is_checked_as_md5() {
        let body = b"hello world";
        let c = choose(&head(&md5hex(body), 11), None);
        assert!(matches!(c, Check::Md5Etag { .. }));
        let mut s = StreamHasher::new(Algo::Md5, None);
        s.update(&body[..4]);
        s.update(&body[4..]);
        assert_eq!(c.verify(&s.finish()), Ok(()));
        let mut s = StreamHasher::new(Algo::Md5, None);
        s.update(b"hello worle");
        assert!(c.verify(&s.finish()).unwrap_err().contains("mismatch"));
    }

    #[test]
    fn multipart_etag_needs_the_part_layout() {
        let body: Vec<u8> = (0..25u8).collect();
        let parts: Vec<&[u8]> = body.chunks(10).collect();
        let mut all = Hasher::new(Algo::Md5);
        for p in &parts {
            let mut h = Hasher::new(Algo::Md5);
            h.update(p);
            all.update(&h.finish());
        }
        let etag = format!("{}-3", hex(&all.finish()));
        assert!(matches!(
            choose(&head(&etag, 25), None),
            Check::Unverifiable(_)
        ));
        let c = choose(&head(&etag, 25), Some(10));
        let mut s = StreamHasher::new(Algo::Md5, Some(10));
        for chunk in body.chunks(7) {
            s.update(chunk);
        }
        assert_eq!(c.verify(&s.finish()), Ok(()));
        // A layout that does not give 3 parts is not used.
        assert!(matches!(
            choose(&head(&etag, 25), Some(5)),
            Check::Unverifiable(_)
        ));
    }

    #[test]
    fn checksums_win_over_etags_and_kms_is_unverifiable() {
        let mut h = head("0123", 3);
        h.checksums = vec![
            ("SHA256".into(), "x".into()),
            ("CRC32".into(), crc32_b64(b"abc")),
        ];
        let c = choose(&h, None);
        assert_eq!(c.algo(), Some(Algo::Crc32));
        let mut s = StreamHasher::new(Algo::Crc32, None);
        s.update(b"abc");
        assert_eq!(c.verify(&s.finish()), Ok(()));
        let mut k = head(&md5hex(b"abc"), 3);
        k.sse = Some("aws:kms".into());
        assert!(matches!(choose(&k, None), Check::Unverifiable(_)));
    }

    #[test]
    fn a_bare_checksum_on_a_multipart_object_is_composite() {
        let body: Vec<u8> = (0..30u8).collect();
        let mut all = Hasher::new(Algo::Crc32);
        for p in body.chunks(10) {
            let mut h = Hasher::new(Algo::Crc32);
            h.update(p);
            all.update(&h.finish());
        }
        let mut h = head("whatever-3", 30);
        h.checksums = vec![("CRC32".into(), b64(&all.finish()))];
        assert!(matches!(
            choose(&h, None),
            Check::Md5Etag { .. } | Check::Unverifiable(_)
        ));
        let c = choose(&h, Some(10));
        let mut s = StreamHasher::new(Algo::Crc32, Some(10));
        s.update(&body);
        assert_eq!(c.verify(&s.finish()), Ok(()));
        h.checksum_type = Some("FULL_OBJECT".into());
        assert!(matches!(choose(&h, Some(10)), Check::Full { .. }));
    }

    #[test]
    fn composite_crc_is_checked_part_by_part() {
        let body: Vec<u8> = (0..30u8).collect();
        let mut all = Hasher::new(Algo::Crc32);
        for p in body.chunks(10) {
            let mut h = Hasher::new(Algo::Crc32);
            h.update(p);
            all.update(&h.finish());
        }
        let mut h = head("whatever-3", 30);
        h.checksums = vec![("CRC32".into(), format!("{}-3", b64(&all.finish())))];
        let c = choose(&h, Some(10));
        let mut s = StreamHasher::new(Algo::Crc32, Some(10));
        s.update(&body);
        assert_eq!(c.verify(&s.finish()), Ok(()));
    }
}
