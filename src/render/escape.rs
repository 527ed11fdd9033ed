//! Text into markup: every text the board, the DOCX's XML and the portal
//! drafts carry goes through [`esc`] before it is written, so a file name
//! or a mail subject can never open a tag, close an attribute or run a
//! script, and the XML stays well-formed.

use std::borrow::Cow;

/// `text` with `& < > " '` replaced by their entities and control
/// characters dropped; usable both between tags and inside a quoted
/// attribute.
pub fn esc(text: &str) -> Cow<'_, str> {
    let plain = |c: char| !matches!(c, '&' | '<' | '>' | '"' | '\'') && !unwritable(c);
    if text.chars().all(plain) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if unwritable(c) => {}
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// A control character other than tab and line feed: XML 1.0 (and so an
/// XML parser reading a page or a portal draft) does not allow it.
fn unwritable(c: char) -> bool {
    c.is_control() && c != '\n' && c != '\t'
}

#[cfg(test)]
mod tests {
    use super::esc;

    #[test]
    fn markup_in_names_stays_text() {
        assert_eq!(esc("活动照片1.jpg"), "活动照片1.jpg");
        assert_eq!(
            esc("<img src=x onerror='a()'>&\"总结\".docx"),
            "&lt;img src=x onerror=&#39;a()&#39;&gt;&amp;&quot;总结&quot;.docx"
        );
    }
}
