//! File and folder names that Windows accepts, for what is unpacked from a
//! bundle or copied from a portal draft on the office's and the archive's
//! PCs: in Unicode NFC (a Mac sends "é" as two code points, Windows shows
//! both forms alike), no `<>:"/\|?*` or control characters, no trailing dot
//! or space, no device name before the first dot (`CON`, `NUL`, `LPT9`, …:
//! Windows takes `LPT9.活动照片.jpg` for the printer port whatever follows),
//! a bounded length, and no two names in one folder that differ only in
//! case or normalisation form.

use std::collections::BTreeSet;

use unicode_normalization::UnicodeNormalization;

/// Longest name kept, in characters (Windows allows 255 UTF-16 units per
/// component, and whole paths are often limited to 260).
const MAX_CHARS: usize = 80;

/// `name` made valid as one path component on Windows.
pub fn component(name: &str) -> String {
    let mut out: String = name
        .nfc()
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
    if is_device(&out) {
        out.insert(0, '_');
    }
    out
}

/// Whether Windows takes `name` for a device: what comes before its first
/// dot, without trailing spaces, is `CON`, `PRN`, `AUX`, `NUL`, `CONIN$`,
/// `CONOUT$`, or `COM`/`LPT` and a digit (superscript ¹²³ included), in any
/// case. `COMMENT.txt` and `NUL1.txt` are ordinary names.
fn is_device(name: &str) -> bool {
    let stem = name.split('.').next().unwrap_or("").trim_end_matches(' ');
    let upper = stem.to_ascii_uppercase();
    if matches!(
        upper.as_str(),
        "CON" | "PRN" | "AUX" | "NUL" | "CONIN$" | "CONOUT$"
    ) {
        return true;
    }
    let Some(digit) = upper
        .strip_prefix("COM")
        .or_else(|| upper.strip_prefix("LPT"))
    else {
        return false;
    };
    let mut chars = digit.chars();
    matches!(
        (chars.next(), chars.next()),
        (Some('0'..='9' | '¹' | '²' | '³'), None)
    )
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
/// case, after NFC): a name already taken gets "（2）", "（3）", … before
/// its extension.
#[derive(Debug, Default)]
pub struct Folder {
    taken: BTreeSet<String>,
}

impl Folder {
    /// A folder in which `names` are already taken (a bundle's `报告/` and
    /// `manifest.csv`, a portal's `index.html`).
    pub fn with_reserved(names: &[&str]) -> Folder {
        let mut folder = Folder::default();
        for name in names {
            folder.taken.insert(key(name));
        }
        folder
    }

    /// A free name in this folder for `name`, made a valid component first.
    pub fn claim(&mut self, name: &str) -> String {
        let name = component(name);
        let mut candidate = name.clone();
        let mut n = 1;
        while !self.taken.insert(key(&candidate)) {
            n += 1;
            candidate = with_suffix(&name, &format!("（{n}）"));
        }
        candidate
    }
}

/// How Windows compares two names: case-insensitively (and the NFC form,
/// since both were normalised).
fn key(name: &str) -> String {
    name.nfc().collect::<String>().to_lowercase()
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

    /// A device name is what comes before the first dot, however many
    /// follow (the two names), with spaces before the dot, in any
    /// case, with superscript digits; near misses stay as they are.
    #[test]
    fn device_names_whatever_their_dots() {
        assert_eq!(component("LPT9.活动照片.jpg"), "_LPT9.活动照片.jpg");
        assert_eq!(component("aux.活动照片z8.jpg"), "_aux.活动照片z8.jpg");
        assert_eq!(component("nul .tar.gz"), "_nul .tar.gz");
        assert_eq!(component("Com¹.txt"), "_Com¹.txt");
        assert_eq!(component("CONOUT$.log"), "_CONOUT$.log");
        assert_eq!(component("LPT0"), "_LPT0");
        for ordinary in [
            "LPT10.jpg",
            "NUL1.txt",
            "auxiliary.jpg",
            "活动.con.jpg",
            "COM.jpg",
        ] {
            assert_eq!(component(ordinary), ordinary);
        }
        // A version marker keeps the guard in front.
        let old = with_suffix(&component("PRN.总结.docx"), "（第1版）");
        assert_eq!(old, "_PRN.总结（第1版）.docx");
    }

    #[test]
    fn names_are_nfc() {
        let nfd = "Cafe\u{301}活动.jpg";
        assert_eq!(component(nfd), "Caf\u{e9}活动.jpg");
    }

    #[test]
    fn names_differing_in_case_or_form_get_a_number() {
        let mut f = Folder::default();
        assert_eq!(f.claim("Photo.JPG"), "Photo.JPG");
        assert_eq!(f.claim("photo.jpg"), "photo（2）.jpg");
        assert_eq!(f.claim("photo.jpg"), "photo（3）.jpg");
        assert_eq!(f.claim("caf\u{e9}.jpg"), "caf\u{e9}.jpg");
        assert_eq!(f.claim("cafe\u{301}.jpg"), "caf\u{e9}（2）.jpg");
        let mut root = Folder::with_reserved(&["报告", "manifest.csv"]);
        assert_eq!(root.claim("报告"), "报告（2）");
        assert_eq!(root.claim("MANIFEST.csv"), "MANIFEST（2）.csv");
    }
}
