//! IAM wildcard patterns: `*` matches any run of characters, `?` exactly one.

/// True when `text` matches `pattern`. Actions compare with `ignore_case` (IAM
/// action names are case-insensitive); resource ARNs without it.
pub(super) fn matches(pattern: &str, text: &str, ignore_case: bool) -> bool {
    run(pattern, text, |p, t| p == '?' || same(p, t, ignore_case))
}

/// True when every string that `inner` matches is also matched by `outer`
/// (`s3:*` covers `s3:Get*`; `s3:Get?` does not cover `s3:Get*`). `inner`'s own
/// `*` can only be absorbed by a `*` of `outer`, and its `?` by a `?` or `*`.
pub(super) fn covers(outer: &str, inner: &str, ignore_case: bool) -> bool {
    run(outer, inner, |p, t| match (p, t) {
        (_, '*') => false,
        ('?', _) => true,
        (_, '?') => false,
        _ => same(p, t, ignore_case),
    })
}

fn same(a: char, b: char, ignore_case: bool) -> bool {
    a == b || (ignore_case && a.to_lowercase().eq(b.to_lowercase()))
}

/// The greedy wildcard matcher with one backtrack point. `step` says whether a
/// non-`*` pattern character matches a text character. It is exact for any such
/// per-character predicate because a `*` matches every sequence.
fn run(pattern: &str, text: &str, step: impl Fn(char, char) -> bool) -> bool {
    if pattern.is_ascii() && text.is_ascii() {
        let p: &[u8] = pattern.as_bytes();
        let t: &[u8] = text.as_bytes();
        greedy(p.len(), t.len(), |i| p[i] == b'*', |i, j| step(char::from(p[i]), char::from(t[j])))
    } else {
        let p: Vec<char> = pattern.chars().collect();
        let t: Vec<char> = text.chars().collect();
        greedy(p.len(), t.len(), |i| p[i] == '*', |i, j| step(p[i], t[j]))
    }
}

fn greedy(plen: usize, tlen: usize, is_star: impl Fn(usize) -> bool, step: impl Fn(usize, usize) -> bool) -> bool {
    let (mut pi, mut ti) = (0, 0);
    let mut backtrack: Option<(usize, usize)> = None;
    while ti < tlen {
        if pi < plen && is_star(pi) {
            backtrack = Some((pi, ti));
            pi += 1;
        } else if pi < plen && step(pi, ti) {
            pi += 1;
            ti += 1;
        } else if let Some((star, from)) = backtrack {
            pi = star + 1;
            ti = from + 1;
            backtrack = Some((star, from + 1));
        } else {
            return false;
        }
    }
    while pi < plen && is_star(pi) {
        pi += 1;
    }
    pi == plen
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matching() {
        assert!(matches("*", "s3:GetObject", true));
        assert!(matches("s3:*", "S3:GetObject", true));
        assert!(matches("s3:get*", "s3:GetObject", true));
        assert!(!matches("s3:get*", "s3:GetObject", false));
        assert!(matches("sts:AssumeRole*", "sts:AssumeRoleWithSAML", true));
        assert!(matches("sts:AssumeRol?", "sts:AssumeRole", true));
        assert!(!matches("sts:AssumeRol?", "sts:AssumeRoleWithSAML", true));
        assert!(matches("*Object", "s3:GetObject", true));
        assert!(!matches("s3:*Obj*t", "s3:GetObjectAcl", false));
        assert!(matches("s3:*Obj*t", "s3:GetObjectTorrent", false));
        assert!(matches("", "", true));
        assert!(!matches("", "x", true));
        assert!(matches("arn:aws:s3:::b/é*", "arn:aws:s3:::b/éa", false));
        assert!(matches("arn:aws:s3:::b/?", "arn:aws:s3:::b/é", false));
    }

    #[test]
    fn covering() {
        assert!(covers("*", "s3:Get*", true));
        assert!(covers("s3:*", "S3:Get*", true));
        assert!(covers("s3:Get*", "s3:GetObject", true));
        assert!(covers("s3:Get*", "s3:Get*", true));
        assert!(covers("s3:G*", "s3:Get*", true));
        assert!(!covers("s3:Get?", "s3:Get*", true));
        assert!(!covers("s3:GetObject", "s3:Get*", true));
        assert!(!covers("s3:GetObject", "s3:GetObjec?", true));
        assert!(covers("s3:GetObjec?", "s3:GetObjec?", true));
        assert!(!covers("s3:Put*", "s3:Get*", true));
        assert!(!covers("s3:*", "*", true));
        assert!(covers("arn:aws:s3:::b/*", "arn:aws:s3:::b/private/*", false));
        assert!(!covers("arn:aws:s3:::b/private/*", "arn:aws:s3:::b/*", false));
        assert!(!covers("arn:aws:s3:::B/*", "arn:aws:s3:::b/*", false));
    }
}
