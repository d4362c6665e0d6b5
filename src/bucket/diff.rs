//! A change to a bucket setting shown as a diff before it is made: the
//! part in words (a policy as pretty JSON, lifecycle rules as sentences),
//! old lines marked `-`, new ones `+`, the rest kept for context. Lines
//! come back raw: the screen cleans them.

use crate::posture::words;
use crate::store::settings::{Part, Setting};

/// How a line of a diff reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mark {
    Same,
    Gone,
    Added,
}

/// The part in words, a line each: the summary, then its detail.
pub fn lines(part: Part, s: Option<&Setting>) -> Vec<String> {
    match s {
        None => vec![format!("({})", words::not_set(part))],
        Some(Setting::Policy(_)) => words::detail(s.expect("matched")),
        Some(s) => {
            let mut out = vec![words::summary(s)];
            out.extend(words::detail(s).into_iter().map(|l| format!("  {l}")));
            out
        }
    }
}

/// `old` → `new`, line by line (the longest common subsequence: policies
/// are a few hundred lines at most).
pub fn diff(old: &[String], new: &[String]) -> Vec<(Mark, String)> {
    let (n, m) = (old.len(), new.len());
    // lcs[i][j]: the common length of old[i..] and new[j..].
    let mut lcs = vec![vec![0u32; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            lcs[i][j] = if old[i] == new[j] {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    let (mut i, mut j, mut out) = (0, 0, Vec::with_capacity(n.max(m)));
    while i < n || j < m {
        if i < n && j < m && old[i] == new[j] {
            out.push((Mark::Same, old[i].clone()));
            i += 1;
            j += 1;
        } else if i < n && (j == m || lcs[i + 1][j] >= lcs[i][j + 1]) {
            // Old lines first: a replaced line reads "- old" then "+ new".
            out.push((Mark::Gone, old[i].clone()));
            i += 1;
        } else {
            out.push((Mark::Added, new[j].clone()));
            j += 1;
        }
    }
    out
}

/// The diff as text lines, `- `/`+ `/`  ` in front.
pub fn marked(part: Part, old: Option<&Setting>, new: Option<&Setting>) -> Vec<String> {
    diff(&lines(part, old), &lines(part, new))
        .into_iter()
        .map(|(m, l)| {
            let sign = match m {
                Mark::Same => ' ',
                Mark::Gone => '-',
                Mark::Added => '+',
            };
            format!("{sign} {l}")
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &[&str]) -> Vec<String> {
        s.iter().map(|x| x.to_string()).collect()
    }

    #[test]
    fn keeps_common_lines_and_marks_the_rest() {
        let d = diff(&v(&["a", "b", "c"]), &v(&["a", "x", "c", "d"]));
        assert_eq!(
            d,
            vec![
                (Mark::Same, "a".into()),
                (Mark::Gone, "b".into()),
                (Mark::Added, "x".into()),
                (Mark::Same, "c".into()),
                (Mark::Added, "d".into()),
            ]
        );
        assert!(diff(&[], &[]).is_empty());
        assert_eq!(diff(&v(&["a"]), &[]), vec![(Mark::Gone, "a".into())]);
    }

    #[test]
    fn a_setting_that_was_not_set_shows_as_such() {
        let m = marked(
            Part::Ownership,
            None,
            Some(&Setting::Ownership("BucketOwnerEnforced".into())),
        );
        assert_eq!(m[0], "- (not set (ACLs on))");
        assert_eq!(m[1], "+ bucket owner enforced (ACLs off)");
    }
}
