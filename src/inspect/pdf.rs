//! PDF files are refused: baosong cannot take text or photos out of them
//! without a maintained PDF crate, and a summary must be compiled into the
//! report. The page count is still estimated (counting `/Type /Page`
//! objects, which misses pages inside compressed object streams) and kept
//! in the content so the office can see what was sent.

use super::{Content, Outcome, PdfInfo, Refused};

pub fn inspect(bytes: &[u8]) -> Outcome {
    let pages = count_pages(bytes);
    let mut refused = Refused::new(match pages {
        Some(n) => format!("文件为PDF格式(约{n}页)，无法提取内容编入报告，请报送Word(.docx)原文件"),
        None => "文件为PDF格式，无法提取内容编入报告，请报送Word(.docx)原文件".to_string(),
    });
    refused.content = Box::new(Content::Pdf(PdfInfo { pages }));
    Err(refused)
}

/// Number of `/Type /Page` (not `/Pages`) objects, if any.
fn count_pages(bytes: &[u8]) -> Option<u32> {
    let mut count = 0u32;
    let mut i = 0;
    while let Some(at) = memchr::memmem::find(&bytes[i..], b"/Type") {
        let mut j = i + at + 5;
        while bytes.get(j).is_some_and(|b| b.is_ascii_whitespace()) {
            j += 1;
        }
        let rest = &bytes[j..];
        if rest.starts_with(b"/Page") && !rest.starts_with(b"/Pages") {
            count += 1;
        }
        i = j;
    }
    (count > 0).then_some(count)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_page_objects_not_page_trees() {
        let pdf = b"%PDF-1.4 1 0 obj <</Type /Pages /Kids [2 0 R 3 0 R]>> 2 0 obj <</Type/Page>> 3 0 obj <</Type /Page /Parent 1 0 R>>";
        assert_eq!(count_pages(pdf), Some(2));
        assert_eq!(count_pages(b"%PDF-1.4"), None);
    }
}
