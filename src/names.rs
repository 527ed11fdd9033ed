//! File and folder names that Windows accepts, for what is unpacked from a
//! bundle on the office's and the archive's PCs: no `<>:"/\|?*` or control
//! characters, no trailing dot or space, no device names (CON, NUL, …), a
//! bounded length, and no two names in one folder that differ only in case.

use std::collections::BTreeSet;

/// Longest name kept, in characters (Windows allows 255 UTF-16 units per
/// component, and whole paths are often limited to 260).
const MAX_CHARS: usize = 80;

/// `name` made valid as one path component on Windows.
pub fn component(name: &str) -> String {
    let mut out: String = name
        .chars()
        .map(|c| {
            if c.is_control() || matches!(c, '<' | '>' | ':' | '"' | '/' | '\\' | '|' | '?' | '*') {
                '_'
            } else {
                c
            }
        })
        .collect();
    if out.chars().count() > MAX_CHARS {
        let (stem, ext) = split_ext(&out);
        let keep = MAX_CHARS.saturating_sub(ext.chars().count());
        out = stem.chars().take(keep).collect::<String>() + ext;
    }
    let trimmed = out.trim_end_matches(['.', ' ']).trim_start_matches(' ');
    let mut out = if trimmed.is_empty() {
        "_".to_string()
    } else {
        trimmed.to_string()
    };
    let device = split_ext(&out).0.to_ascii_uppercase();
    let reserved = matches!(device.as_str(), "CON" | "PRN" | "AUX" | "NUL")
        || ((device.starts_with("COM") || device.starts_with("LPT"))
            && device.len() == 4
            && device.as_bytes()[3].is_ascii_digit());
    if reserved {
        out.insert(0, '_');
    }
    out
}

/// `name` with a marker before its extension: "照片.jpg" → "照片（第1版）.jpg".
pub fn with_suffix(name: &str, suffix: &str) -> String {
    let (stem, ext) = split_ext(name);
    format!("{stem}{suffix}{ext}")
}

fn split_ext(name: &str) -> (&str, &str) {
    match name.rfind('.') {
        Some(i) if i > 0 && name.len() - i <= 8 => name.split_at(i),
        _ => (name, ""),
    }
}

/// The names given out in one folder, compared as Windows does (ignoring
/// case): a name already taken gets "（2）", "（3）", … before its extension.
#[derive(Debug, Default)]
pub struct Folder {
    taken: BTreeSet<String>,
}

impl Folder {
    /// A free name in this folder for `name` (already a valid component).
    pub fn claim(&mut self, name: &str) -> String {
        let mut candidate = name.to_string();
        let mut n = 1;
        while !self.taken.insert(candidate.to_lowercase()) {
            n += 1;
            candidate = with_suffix(name, &format!("（{n}）"));
        }
        candidate
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_rejects_none_of_them() {
        assert_eq!(component("a:b?.docx"), "a_b_.docx");
        assert_eq!(component("总结. "), "总结");
        assert_eq!(component("con.txt"), "_con.txt");
        assert_eq!(component("COM1"), "_COM1");
        assert_eq!(component("COMMENT.txt"), "COMMENT.txt");
        assert_eq!(component(""), "_");
        assert_eq!(component("a\u{7}b"), "a_b");
        let long = format!("{}.jpg", "照".repeat(200));
        let short = component(&long);
        assert_eq!(short.chars().count(), MAX_CHARS);
        assert!(short.ends_with(".jpg"));
    }

    #[test]
    fn names_differing_in_case_get_a_number() {
        let mut f = Folder::default();
        assert_eq!(f.claim("Photo.JPG"), "Photo.JPG");
        assert_eq!(f.claim("photo.jpg"), "photo（2）.jpg");
        assert_eq!(f.claim("photo.jpg"), "photo（3）.jpg");
    }
}
