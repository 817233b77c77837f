/// Match `value` against an IAM wildcard `pattern` (`*` any run, `?` one character).
///
/// Iterative with backtracking on the last `*`: linear-ish and never recursive, so a hostile
/// pattern cannot blow the stack.
pub fn wildcard_match(pattern: &str, value: &str, case_insensitive: bool) -> bool {
    let norm = |s: &str| -> Vec<char> {
        if case_insensitive {
            s.chars().flat_map(|c| c.to_lowercase()).collect()
        } else {
            s.chars().collect()
        }
    };
    let p = norm(pattern);
    let v = norm(value);
    let (mut pi, mut vi) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    while vi < v.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == v[vi]) {
            pi += 1;
            vi += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some((pi, vi));
            pi += 1;
        } else if let Some((sp, sv)) = star {
            pi = sp + 1;
            vi = sv + 1;
            star = Some((sp, sv + 1));
        } else {
            return false;
        }
    }
    while pi < p.len() && p[pi] == '*' {
        pi += 1;
    }
    pi == p.len()
}

#[cfg(test)]
mod tests {
    use super::wildcard_match;

    #[test]
    fn matches() {
        assert!(wildcard_match("s3:*", "s3:GetObject", true));
        assert!(wildcard_match("S3:get*", "s3:GetObject", true));
        assert!(!wildcard_match("S3:get*", "s3:GetObject", false));
        assert!(wildcard_match("s3:?etObject", "s3:GetObject", true));
        assert!(!wildcard_match("s3:Get", "s3:GetObject", true));
        assert!(wildcard_match("*", "", true));
        assert!(wildcard_match(
            "arn:aws:s3:::b/*",
            "arn:aws:s3:::b/x/y",
            false
        ));
        assert!(!wildcard_match("arn:aws:s3:::b/*", "arn:aws:s3:::b", false));
        assert!(wildcard_match("a*b*c", "axxbyyc", false));
        assert!(!wildcard_match("a*b*c", "axxbyy", false));
    }
}
