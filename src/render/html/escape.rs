//! Text into HTML: every text of the report goes through [`esc`] before it
//! is written into a page, so a file name or a mail subject can never open
//! a tag, close an attribute or run a script.

use std::borrow::Cow;

/// `text` with `& < > " '` replaced by their entities; usable both between
/// tags and inside a quoted attribute.
pub fn esc(text: &str) -> Cow<'_, str> {
    if !text.contains(['&', '<', '>', '"', '\'']) {
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
            c => out.push(c),
        }
    }
    Cow::Owned(out)
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
