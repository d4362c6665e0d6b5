//! `--exclude` and `--include` with the aws CLI's semantics, so a command
//! line moved from `aws s3 sync` means the same: every path starts
//! included, the filters are tried in the order given, and the last one
//! that matches decides. Patterns are matched against the path relative
//! to the synced folder or prefix, on both sides (an excluded destination
//! path is never deleted), as Python's `fnmatch` does: `*` matches
//! anything including `/`, `?` one character, `[abc]`, `[a-z]` and
//! `[!abc]` one of (or none of) a set; everything else is literal.

/// One `--exclude` or `--include`, in command-line order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Rule {
    Exclude(String),
    Include(String),
}

/// The filters of one sync.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Filters(pub Vec<Rule>);

impl Filters {
    /// Whether `rel` takes part in the sync.
    pub fn allows(&self, rel: &str) -> bool {
        let mut included = true;
        for rule in &self.0 {
            match rule {
                Rule::Exclude(p) if fnmatch(p, rel) => included = false,
                Rule::Include(p) if fnmatch(p, rel) => included = true,
                _ => {}
            }
        }
        included
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// Python's `fnmatch.fnmatchcase`.
pub fn fnmatch(pattern: &str, name: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let n: Vec<char> = name.chars().collect();
    // Iterative with one backtrack point per `*` (the classic wildcard
    // match): linear in practice, no recursion to blow the stack.
    let (mut pi, mut ni) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ni < n.len() {
        if pi < p.len() {
            match p[pi] {
                '*' => {
                    star = Some((pi, ni));
                    pi += 1;
                    continue;
                }
                '?' => {
                    pi += 1;
                    ni += 1;
                    continue;
                }
                '[' => {
                    if let Some((matched, next)) = class(&p, pi, n[ni]) {
                        if matched {
                            pi = next;
                            ni += 1;
                            continue;
                        }
                    } else if n[ni] == '[' {
                        // An unclosed `[` is a literal.
                        pi += 1;
                        ni += 1;
                        continue;
                    }
                }
                c if c == n[ni] => {
                    pi += 1;
                    ni += 1;
                    continue;
                }
                _ => {}
            }
        }
        match star {
            Some((sp, sn)) => {
                pi = sp + 1;
                ni = sn + 1;
                star = Some((sp, sn + 1));
            }
            None => return false,
        }
    }
    p[pi..].iter().all(|&c| c == '*')
}

/// A `[...]` set at `p[start]`: whether `c` is in it and where the
/// pattern goes on, or `None` when the `[` is never closed.
fn class(p: &[char], start: usize, c: char) -> Option<(bool, usize)> {
    let mut i = start + 1;
    let negate = p.get(i) == Some(&'!');
    if negate {
        i += 1;
    }
    let mut matched = false;
    let mut first = true;
    loop {
        let ch = *p.get(i)?;
        if ch == ']' && !first {
            return Some((matched != negate, i + 1));
        }
        first = false;
        if p.get(i + 1) == Some(&'-') && p.get(i + 2).is_some_and(|&e| e != ']') {
            let hi = p[i + 2];
            if ch <= c && c <= hi {
                matched = true;
            }
            i += 3;
        } else {
            if ch == c {
                matched = true;
            }
            i += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnmatch_as_python_does() {
        assert!(fnmatch("*.txt", "a.txt"));
        assert!(fnmatch("*.txt", "dir/sub/a.txt"), "* crosses /");
        assert!(!fnmatch("*.txt", "a.txt.gz"));
        assert!(fnmatch("logs/*", "logs/2026/x.log"));
        assert!(!fnmatch("logs/*", "logs-old/x.log"));
        assert!(fnmatch("?.md", "a.md"));
        assert!(!fnmatch("?.md", "ab.md"));
        assert!(fnmatch("[ab].md", "b.md"));
        assert!(!fnmatch("[!ab].md", "b.md"));
        assert!(fnmatch("[!ab].md", "c.md"));
        assert!(fnmatch("[a-c]x", "bx"));
        assert!(fnmatch("[]]x", "]x"));
        assert!(fnmatch("a[b", "a[b"), "an unclosed [ is literal");
        assert!(fnmatch("*", ""));
        assert!(fnmatch("**a*", "xxa"));
        assert!(!fnmatch("a", "A"), "case matters, as on POSIX");
        assert!(fnmatch("*é*", "café.txt"));
        let long = "a".repeat(200);
        assert!(!fnmatch("*a*a*a*a*a*a*a*b", &long));
    }

    #[test]
    fn the_last_matching_filter_decides() {
        let f = Filters(vec![
            Rule::Exclude("*".into()),
            Rule::Include("*.jpg".into()),
            Rule::Exclude("tmp/*".into()),
        ]);
        assert!(f.allows("a/b.jpg"));
        assert!(!f.allows("a/b.png"));
        assert!(!f.allows("tmp/b.jpg"));
        assert!(Filters::default().allows("anything"));
        let only_include = Filters(vec![Rule::Include("*.jpg".into())]);
        assert!(
            only_include.allows("x.png"),
            "include alone excludes nothing"
        );
    }
}
