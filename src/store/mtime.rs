//! Where tools keep a file's modification time (and its MD5) in an
//! object's metadata. S3's own `LastModified` is the upload's time, not
//! the file's; each tool that syncs files wrote its own convention:
//!
//! - rclone: `x-amz-meta-mtime: 1700000000.123456789` (seconds, a
//!   fraction of up to nine digits) and, where the ETag is no MD5,
//!   `x-amz-meta-md5chksum` (base64 MD5 of the body).
//! - s3cmd: `x-amz-meta-s3cmd-attrs: atime:…/ctime:…/gid:…/md5:<hex>/mode:…/mtime:1700000000/uid:…`.
//! - mc (MinIO client): `x-amz-meta-mc-attrs: atime:…/mode:…/mtime:1700000000#123456789/…`.
//!
//! pail reads all three (in that order) and writes rclone's, so rclone
//! users see correct times and pail reads its own uploads back.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Whose convention a time or digest came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Convention {
    Rclone,
    S3cmd,
    Mc,
}

impl Convention {
    pub fn name(self) -> &'static str {
        match self {
            Convention::Rclone => "rclone mtime",
            Convention::S3cmd => "s3cmd-attrs",
            Convention::Mc => "mc-attrs",
        }
    }
}

/// A moment, to the nanosecond where it is known.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Moment {
    pub secs: i64,
    pub nanos: u32,
    /// Only whole seconds are known (s3cmd, LastModified).
    pub whole_seconds: bool,
}

impl Moment {
    pub fn seconds(secs: i64) -> Moment {
        Moment {
            secs,
            nanos: 0,
            whole_seconds: true,
        }
    }

    pub fn of(t: SystemTime) -> Moment {
        let (secs, nanos) = match t.duration_since(UNIX_EPOCH) {
            Ok(d) => (d.as_secs() as i64, d.subsec_nanos()),
            Err(e) => {
                // Before 1970: round towards the past as Unix time does.
                let d = e.duration();
                let (s, n) = (d.as_secs() as i64, d.subsec_nanos());
                if n == 0 {
                    (-s, 0)
                } else {
                    (-s - 1, 1_000_000_000 - n)
                }
            }
        };
        Moment {
            secs,
            nanos,
            whole_seconds: false,
        }
    }

    pub fn to_system_time(self) -> Option<SystemTime> {
        if self.secs >= 0 {
            UNIX_EPOCH.checked_add(Duration::new(self.secs as u64, self.nanos))
        } else {
            UNIX_EPOCH
                .checked_sub(Duration::from_secs(self.secs.unsigned_abs()))?
                .checked_add(Duration::from_nanos(u64::from(self.nanos)))
        }
    }

    /// The same moment as far as the coarser of the two is known.
    pub fn same(self, other: Moment) -> bool {
        if self.whole_seconds || other.whole_seconds {
            self.secs == other.secs
        } else {
            (self.secs, self.nanos) == (other.secs, other.nanos)
        }
    }

    /// Strictly later, as far as the coarser of the two is known.
    pub fn later_than(self, other: Moment) -> bool {
        if self.whole_seconds || other.whole_seconds {
            self.secs > other.secs
        } else {
            (self.secs, self.nanos) > (other.secs, other.nanos)
        }
    }
}

/// The metadata pair pail writes on upload: rclone's `mtime`.
pub fn rclone_pair(t: SystemTime) -> (String, String) {
    let m = Moment::of(t);
    ("mtime".to_owned(), format!("{}.{:09}", m.secs, m.nanos))
}

fn get<'a>(metadata: &'a [(String, String)], name: &str) -> Option<&'a str> {
    metadata
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// `1700000000`, `1700000000.5`, `1700000000.123456789` (rclone), or with
/// `#` before the nanoseconds (mc).
fn parse_stamp(s: &str, sep: char) -> Option<Moment> {
    let s = s.trim();
    let (whole, frac) = match s.split_once(sep) {
        Some((w, f)) => (w, Some(f)),
        None => (s, None),
    };
    let secs: i64 = whole.parse().ok()?;
    let nanos = match frac {
        None => 0,
        Some(f) if sep == '#' => f.parse::<u32>().ok().filter(|n| *n < 1_000_000_000)?,
        Some(f) => {
            if f.is_empty() || !f.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            let digits: String = f.chars().chain(std::iter::repeat('0')).take(9).collect();
            digits.parse().ok()?
        }
    };
    Some(Moment {
        secs,
        nanos,
        whole_seconds: frac.is_none(),
    })
}

/// `k:v/k:v/…` (s3cmd-attrs, mc-attrs).
fn attr<'a>(attrs: &'a str, name: &str) -> Option<&'a str> {
    attrs
        .split('/')
        .filter_map(|kv| kv.split_once(':'))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// The file's modification time as a tool recorded it, and whose
/// convention it was.
pub fn from_metadata(metadata: &[(String, String)]) -> Option<(Moment, Convention)> {
    if let Some(m) = get(metadata, "mtime").and_then(|v| parse_stamp(v, '.')) {
        return Some((m, Convention::Rclone));
    }
    if let Some(m) = get(metadata, "s3cmd-attrs")
        .and_then(|a| attr(a, "mtime"))
        .and_then(|v| parse_stamp(v, '.'))
    {
        return Some((m, Convention::S3cmd));
    }
    get(metadata, "mc-attrs")
        .and_then(|a| attr(a, "mtime"))
        .and_then(|v| parse_stamp(v, '#'))
        .map(|m| (m, Convention::Mc))
}

/// The body's MD5 (lower-case hex) as a tool recorded it: rclone's
/// `md5chksum` (base64) or s3cmd's `md5` attribute.
pub fn md5_from_metadata(metadata: &[(String, String)]) -> Option<(String, Convention)> {
    use base64::Engine;
    if let Some(raw) = get(metadata, "md5chksum")
        .and_then(|v| {
            base64::engine::general_purpose::STANDARD
                .decode(v.trim())
                .ok()
        })
        .filter(|d| d.len() == 16)
    {
        let hex = raw.iter().map(|b| format!("{b:02x}")).collect();
        return Some((hex, Convention::Rclone));
    }
    get(metadata, "s3cmd-attrs")
        .and_then(|a| attr(a, "md5"))
        .filter(|h| h.len() == 32 && h.bytes().all(|b| b.is_ascii_hexdigit()))
        .map(|h| (h.to_ascii_lowercase(), Convention::S3cmd))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meta(k: &str, v: &str) -> Vec<(String, String)> {
        vec![(k.to_owned(), v.to_owned())]
    }

    #[test]
    fn each_convention_is_read() {
        let (m, c) = from_metadata(&meta("mtime", "1700000000.123456789")).unwrap();
        assert_eq!(
            (m.secs, m.nanos, m.whole_seconds),
            (1700000000, 123456789, false)
        );
        assert_eq!(c, Convention::Rclone);
        let (m, _) = from_metadata(&meta("mtime", "1700000000.5")).unwrap();
        assert_eq!(m.nanos, 500_000_000);
        let (m, _) = from_metadata(&meta("Mtime", "1700000000")).unwrap();
        assert!(m.whole_seconds);
        let s3cmd = "atime:1700000001/ctime:1700000002/gid:1000/gname:u/md5:d41d8cd98f00b204e9800998ecf8427e/mode:33188/mtime:1700000003/uid:1000/uname:u";
        let (m, c) = from_metadata(&meta("s3cmd-attrs", s3cmd)).unwrap();
        assert_eq!((m.secs, c), (1700000003, Convention::S3cmd));
        let mc = "atime:1600000000#0/gid:1000/mode:33256/mtime:1600000000#250/uid:1000";
        let (m, c) = from_metadata(&meta("mc-attrs", mc)).unwrap();
        assert_eq!((m.secs, m.nanos, c), (1600000000, 250, Convention::Mc));
        assert_eq!(from_metadata(&meta("mtime", "soon")), None);
        assert_eq!(from_metadata(&meta("mtime", "1.x")), None);
        assert_eq!(from_metadata(&[]), None);
        let (h, c) = md5_from_metadata(&meta("s3cmd-attrs", s3cmd)).unwrap();
        assert_eq!(
            (h.as_str(), c),
            ("d41d8cd98f00b204e9800998ecf8427e", Convention::S3cmd)
        );
        let (h, c) = md5_from_metadata(&meta("md5chksum", "1B2M2Y8AsgTpgAmY7PhCfg==")).unwrap();
        assert_eq!(
            (h.as_str(), c),
            ("d41d8cd98f00b204e9800998ecf8427e", Convention::Rclone)
        );
    }

    #[test]
    fn what_pail_writes_reads_back_exactly() {
        let t = UNIX_EPOCH + Duration::new(1_700_000_000, 42);
        let (k, v) = rclone_pair(t);
        assert_eq!((k.as_str(), v.as_str()), ("mtime", "1700000000.000000042"));
        let (m, _) = from_metadata(&[(k, v)]).unwrap();
        assert!(m.same(Moment::of(t)));
        assert_eq!(m.to_system_time(), Some(t));
    }

    #[test]
    fn whole_seconds_compare_at_their_precision() {
        let exact = Moment::of(UNIX_EPOCH + Duration::new(100, 900_000_000));
        assert!(exact.same(Moment::seconds(100)));
        assert!(!exact.same(Moment::seconds(101)));
        assert!(!exact.later_than(Moment::seconds(100)));
        assert!(Moment::seconds(101).later_than(exact));
        let before = Moment::of(UNIX_EPOCH - Duration::new(1, 500_000_000));
        assert_eq!((before.secs, before.nanos), (-2, 500_000_000));
        assert_eq!(
            before.to_system_time(),
            Some(UNIX_EPOCH - Duration::new(1, 500_000_000))
        );
    }
}
