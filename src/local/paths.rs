//! Turning an S3 key into a path under the download destination.
//!
//! A key is any UTF-8 string its writer chose, so `../../.bashrc`,
//! `/etc/passwd` or `a//b` are all valid keys. A download must never write
//! outside the folder the user picked, nor let two different keys land on the
//! same file, so the mapping is strict: a key either becomes a [`RelPath`] made
//! only of ordinary names, or it is refused with a reason the transfer
//! summary can show. Nothing is "cleaned up" (dropping a `..` or collapsing
//! `//` would make two keys collide), and `.`/`..` are only special when they
//! are a whole segment: `file..txt` and `...` are ordinary names.
//!
//! On unix `\` is an ordinary file-name byte, so `a\b` stays one file named
//! `a\b`; it cannot act as a separator there.

use std::fmt;
use std::path::PathBuf;

/// Longest file name most filesystems accept (NAME_MAX), in bytes.
pub const MAX_SEGMENT_BYTES: usize = 255;

/// A relative path made only of safe, non-empty segments: never `.` or
/// `..`, no NUL, no `/`, each at most 255 bytes. Never empty, so it always
/// names something under the destination rather than the destination itself.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RelPath(Vec<String>);

/// What a key stands for once mapped.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Mapped {
    File(RelPath),
    /// A key ending in `/`: a folder marker, created as an empty directory.
    Dir(RelPath),
}

/// Why a key (or a name) cannot become a local path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Refusal {
    DotDot,
    Dot,
    Absolute,
    EmptySegment,
    Nul,
    Slash,
    TooLong,
    OutsidePrefix,
    NothingLeft,
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Refusal::DotDot => "'..' segment would leave the destination",
            Refusal::Dot => "'.' segment",
            Refusal::Absolute => "absolute key (starts with /)",
            Refusal::EmptySegment => "empty segment (a//b)",
            Refusal::Nul => "NUL byte in name",
            Refusal::Slash => "'/' in a single name",
            Refusal::TooLong => "segment longer than 255 bytes",
            Refusal::OutsidePrefix => "key is outside the listed prefix",
            Refusal::NothingLeft => "nothing left of the key after the prefix",
        })
    }
}

impl std::error::Error for Refusal {}

/// Is `seg` usable as one file or directory name?
fn check_segment(seg: &str) -> Result<(), Refusal> {
    match seg {
        "" => Err(Refusal::EmptySegment),
        "." => Err(Refusal::Dot),
        ".." => Err(Refusal::DotDot),
        _ if seg.contains('\0') => Err(Refusal::Nul),
        _ if seg.contains('/') => Err(Refusal::Slash),
        _ if seg.len() > MAX_SEGMENT_BYTES => Err(Refusal::TooLong),
        _ => Ok(()),
    }
}

impl RelPath {
    /// Parses a `/`-separated relative path with the same rules as a key
    /// (no leading `/`, no trailing `/`, no empty, `.` or `..` segment).
    pub fn parse(s: &str) -> Result<RelPath, Refusal> {
        if s.is_empty() {
            return Err(Refusal::NothingLeft);
        }
        if s.starts_with('/') {
            return Err(Refusal::Absolute);
        }
        let segments: Vec<String> = s.split('/').map(str::to_owned).collect();
        for seg in &segments {
            check_segment(seg)?;
        }
        Ok(RelPath(segments))
    }

    /// A one-segment path.
    pub fn single(name: &str) -> Result<RelPath, Refusal> {
        check_segment(name)?;
        Ok(RelPath(vec![name.to_owned()]))
    }

    pub fn segments(&self) -> &[String] {
        &self.0
    }

    /// The last segment.
    pub fn file_name(&self) -> &str {
        // Never empty: every constructor checks at least one segment.
        self.0.last().map(String::as_str).unwrap_or_default()
    }

    /// The containing path, or None when the entry sits directly in the
    /// destination (the destination itself is not a RelPath).
    pub fn parent(&self) -> Option<RelPath> {
        (self.0.len() > 1).then(|| RelPath(self.0[..self.0.len() - 1].to_vec()))
    }

    /// This path with one more segment, checked like any other.
    pub fn join(&self, seg: &str) -> Result<RelPath, Refusal> {
        check_segment(seg)?;
        let mut segments = self.0.clone();
        segments.push(seg.to_owned());
        Ok(RelPath(segments))
    }

    /// This path with its last segment replaced.
    pub fn with_file_name(&self, name: &str) -> Result<RelPath, Refusal> {
        check_segment(name)?;
        let mut segments = self.0.clone();
        if let Some(last) = segments.last_mut() {
            *last = name.to_owned();
        }
        Ok(RelPath(segments))
    }

    /// This path with every name that holds a control, bidi or invisible
    /// character written escaped (`evil\x1b[2J.txt`), as `[transfers]
    /// local_names = "escape"` wants: a file name a terminal would act on
    /// when a shell lists it. `None` when no name needed it.
    pub fn escaped(&self) -> Option<Result<RelPath, Refusal>> {
        if !self.0.iter().any(|s| crate::sanitize::is_suspicious(s)) {
            return None;
        }
        let segs: Vec<String> = self
            .0
            .iter()
            .map(|s| {
                if crate::sanitize::is_suspicious(s) {
                    crate::sanitize::clean(s).into_owned()
                } else {
                    s.clone()
                }
            })
            .collect();
        Some(
            segs.iter()
                .try_for_each(|s| check_segment(s))
                .map(|()| RelPath(segs.clone())),
        )
    }

    /// For display and for callers that need a path relative to the
    /// destination root; writes go through [`super::Dest`], which never
    /// resolves this as a whole path.
    pub fn to_path_buf(&self) -> PathBuf {
        self.0.iter().collect()
    }
}

impl fmt::Display for RelPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.join("/"))
    }
}

/// Maps `key` to a path under the destination.
///
/// `strip` is the part of the key the destination replaces: for a download
/// of prefix `docs/2026/` or of object `docs/a.txt`, strip = `docs/`, so they
/// land as DEST/2026/... and DEST/a.txt. It should be empty or end in `/`;
/// anything else splits a name in two, which is the caller's bug.
pub fn map_key(key: &str, strip: &str) -> Result<Mapped, Refusal> {
    let rest = key.strip_prefix(strip).ok_or(Refusal::OutsidePrefix)?;
    if rest.is_empty() {
        return Err(Refusal::NothingLeft);
    }
    if rest.starts_with('/') {
        // After a prefix `docs/`, a leading '/' is `docs//x`: an empty
        // segment, not an absolute path, and the reason should say so.
        return Err(if strip.is_empty() {
            Refusal::Absolute
        } else {
            Refusal::EmptySegment
        });
    }
    match rest.strip_suffix('/') {
        Some(dir) => RelPath::parse(dir).map(Mapped::Dir),
        None => RelPath::parse(rest).map(Mapped::File),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(key: &str) -> Result<Mapped, Refusal> {
        map_key(key, "")
    }

    fn ok_file(segs: &[&str]) -> Result<Mapped, Refusal> {
        Ok(Mapped::File(RelPath(
            segs.iter().map(|s| s.to_string()).collect(),
        )))
    }

    #[test]
    fn parent_traversal_is_refused() {
        assert_eq!(file("../../x"), Err(Refusal::DotDot));
        assert_eq!(file("a/../../b"), Err(Refusal::DotDot));
        assert_eq!(map_key("prefix/..", "prefix/"), Err(Refusal::DotDot));
        assert_eq!(file("a/.."), Err(Refusal::DotDot));
        assert_eq!(file(".."), Err(Refusal::DotDot));
    }

    #[test]
    fn absolute_keys_are_refused() {
        assert_eq!(file("/abs"), Err(Refusal::Absolute));
        assert_eq!(file("//x"), Err(Refusal::Absolute));
        assert_eq!(file("/"), Err(Refusal::Absolute));
    }

    #[test]
    fn leading_slash_after_prefix_is_an_empty_segment() {
        assert_eq!(map_key("docs//x", "docs/"), Err(Refusal::EmptySegment));
    }

    #[test]
    fn nul_is_refused() {
        assert_eq!(file("a/b\0c"), Err(Refusal::Nul));
        assert_eq!(file("\0"), Err(Refusal::Nul));
    }

    #[test]
    fn dot_segments_are_refused() {
        assert_eq!(file("."), Err(Refusal::Dot));
        assert_eq!(file("a/./b"), Err(Refusal::Dot));
        assert_eq!(file("./a"), Err(Refusal::Dot));
        assert_eq!(file("a/."), Err(Refusal::Dot));
        assert_eq!(file("a/../b"), Err(Refusal::DotDot));
    }

    #[test]
    fn overlong_segment_is_refused_counting_bytes() {
        let fits = "a".repeat(255);
        assert_eq!(file(&fits), ok_file(&[&fits]));
        assert_eq!(file(&"a".repeat(256)), Err(Refusal::TooLong));
        // 'é' is two bytes: 128 of them are 256 bytes but only 128 chars.
        let wide = "é".repeat(128);
        assert_eq!(wide.chars().count(), 128);
        assert_eq!(file(&format!("dir/{wide}")), Err(Refusal::TooLong));
        let wide_fits = "é".repeat(127);
        assert_eq!(file(&wide_fits), ok_file(&[&wide_fits]));
    }

    #[test]
    fn empty_segment_is_refused_so_it_cannot_alias_another_key() {
        assert_eq!(file("a//b"), Err(Refusal::EmptySegment));
        assert_eq!(file("a//"), Err(Refusal::EmptySegment));
        assert_eq!(file("a/b"), ok_file(&["a", "b"]));
    }

    #[test]
    fn trailing_slash_is_a_folder_marker() {
        assert_eq!(
            file("a/b/"),
            Ok(Mapped::Dir(RelPath(vec!["a".into(), "b".into()])))
        );
        assert_eq!(
            map_key("docs/2026/", "docs/"),
            Ok(Mapped::Dir(RelPath(vec!["2026".into()])))
        );
    }

    #[test]
    fn dots_inside_names_are_ordinary() {
        assert_eq!(file("file..txt"), ok_file(&["file..txt"]));
        assert_eq!(file("..."), ok_file(&["..."]));
        assert_eq!(file("a/.hidden"), ok_file(&["a", ".hidden"]));
        assert_eq!(file("..a"), ok_file(&["..a"]));
    }

    #[test]
    fn unicode_names_are_kept() {
        assert_eq!(
            file("фото/日本語 ファイル.txt"),
            ok_file(&["фото", "日本語 ファイル.txt"])
        );
        assert_eq!(file("emoji/👩‍💻"), ok_file(&["emoji", "👩‍💻"]));
    }

    #[test]
    fn key_outside_strip_is_refused() {
        assert_eq!(map_key("other/a", "docs/"), Err(Refusal::OutsidePrefix));
        assert_eq!(map_key("doc", "docs/"), Err(Refusal::OutsidePrefix));
        assert_eq!(map_key("docs/", "docs/"), Err(Refusal::NothingLeft));
        assert_eq!(map_key("docs/a.txt", "docs/"), ok_file(&["a.txt"]));
        assert_eq!(map_key("docs/2026/x", "docs/"), ok_file(&["2026", "x"]));
    }

    #[test]
    fn backslash_is_part_of_the_name_on_unix() {
        assert_eq!(file(r"a\b"), ok_file(&[r"a\b"]));
        assert_eq!(file(r"..\..\x"), ok_file(&[r"..\..\x"]));
    }

    #[test]
    fn hostile_names_escape_only_when_asked_and_only_themselves() {
        let p = RelPath::parse("ok\\dir/evil\u{1b}[2J\u{202e}.txt").unwrap();
        let e = p.escaped().unwrap().unwrap();
        assert_eq!(e.segments(), ["ok\\dir", "evil\\x1b[2J\\u{202e}.txt"]);
        assert_eq!(RelPath::parse("plain/name.txt").unwrap().escaped(), None);
        let long = format!("{}\u{7}", "a".repeat(254));
        assert_eq!(
            RelPath::parse(&long).unwrap().escaped(),
            Some(Err(Refusal::TooLong))
        );
    }

    #[test]
    fn empty_key_is_refused() {
        assert_eq!(file(""), Err(Refusal::NothingLeft));
    }

    #[test]
    fn relpath_accessors() {
        let p = RelPath::parse("a/b/c.txt").unwrap();
        assert_eq!(p.segments(), ["a", "b", "c.txt"]);
        assert_eq!(p.file_name(), "c.txt");
        assert_eq!(p.parent(), Some(RelPath::parse("a/b").unwrap()));
        assert_eq!(RelPath::parse("a").unwrap().parent(), None);
        assert_eq!(p.to_string(), "a/b/c.txt");
        assert_eq!(p.to_path_buf(), PathBuf::from("a/b/c.txt"));
        assert_eq!(p.parent().unwrap().join("d").unwrap().to_string(), "a/b/d");
        assert_eq!(p.join(".."), Err(Refusal::DotDot));
        assert_eq!(p.join("x/y"), Err(Refusal::Slash));
        assert_eq!(p.with_file_name("e").unwrap().to_string(), "a/b/e");
        assert_eq!(RelPath::single(""), Err(Refusal::EmptySegment));
    }

    #[test]
    fn refusals_read_as_reasons() {
        assert_eq!(
            Refusal::DotDot.to_string(),
            "'..' segment would leave the destination"
        );
        assert_eq!(Refusal::EmptySegment.to_string(), "empty segment (a//b)");
    }

    mod property {
        use super::super::*;
        use crate::local::Dest;
        use proptest::prelude::*;
        use std::fs;
        use std::os::unix::fs::symlink;

        /// Segments from a hostile alphabet: traversal, separators, NUL,
        /// newlines, multi-byte characters, names near and past 255 bytes,
        /// and `in` / `out`, which the test plants as symlinks leading out.
        fn segment() -> impl Strategy<Value = String> {
            // Weighted so that about half the keys map and get written.
            prop_oneof![
                1 => Just(".".to_owned()),
                1 => Just("..".to_owned()),
                1 => Just(String::new()),
                1 => Just("/".to_owned()),
                2 => Just("\\".to_owned()),
                2 => Just("..\\..".to_owned()),
                1 => Just("\0".to_owned()),
                2 => Just("\n".to_owned()),
                3 => Just("in".to_owned()),
                3 => Just("out".to_owned()),
                8 => "[a.é日\\\\\n ]{1,8}",
                2 => "[a.é日/\\\\\0\n ]{1,8}",
                1 => "[ab]{250,260}",
                1 => "é{126,129}",
            ]
        }

        fn key() -> impl Strategy<Value = (String, String)> {
            let strip = prop_oneof![Just(String::new()), Just("docs/".to_owned())];
            let tail = prop_oneof![Just(""), Just("/")];
            (strip, prop::collection::vec(segment(), 1..6), tail)
                .prop_map(|(strip, segs, tail)| (format!("{strip}{}{tail}", segs.join("/")), strip))
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(1024))]
            #[test]
            fn mapped_keys_never_leave_the_destination((key, strip) in key()) {
                let Ok(mapped) = map_key(&key, &strip) else {
                    return Ok(());
                };
                let (rel, is_dir) = match &mapped {
                    Mapped::File(rel) => (rel, false),
                    Mapped::Dir(rel) => (rel, true),
                };
                // Nothing was cleaned up: the path is exactly the key.
                let trailer = if is_dir { "/" } else { "" };
                prop_assert_eq!(format!("{strip}{rel}{trailer}"), key.clone());

                let tmp = tempfile::tempdir().unwrap();
                let outside = tmp.path().join("outside");
                fs::create_dir(&outside).unwrap();
                fs::write(outside.join("secret"), b"secret").unwrap();
                let root = tmp.path().join("dest");
                fs::create_dir(&root).unwrap();
                symlink(&outside, root.join("out")).unwrap();
                symlink(outside.join("secret"), root.join("in")).unwrap();
                let dest = Dest::open(&root).unwrap();

                let written = if is_dir {
                    dest.make_dirs(rel)
                } else {
                    dest.create(rel).and_then(|p| p.commit(None, true))
                };
                match written {
                    Ok(()) => {
                        let real = root.join(rel.to_path_buf()).canonicalize().unwrap();
                        let real_root = root.canonicalize().unwrap();
                        prop_assert!(real.starts_with(&real_root) && real != real_root,
                            "{key:?} landed at {real:?}");
                    }
                    // Only a planted link or the file `in` may stop it.
                    Err(e) => prop_assert!(
                        matches!(e.kind(), std::io::ErrorKind::NotADirectory
                            | std::io::ErrorKind::IsADirectory),
                        "{key:?}: {e}"
                    ),
                }
                let mut names: Vec<_> = fs::read_dir(&outside).unwrap()
                    .map(|e| e.unwrap().file_name()).collect();
                names.sort();
                prop_assert_eq!(names, ["secret"]);
                prop_assert_eq!(fs::read(outside.join("secret")).unwrap(), b"secret");
            }
        }
    }
}
