//! `manifest.csv`: one row per version of every file in a 归档 bundle, as
//! CSV in UTF-8 with a byte-order mark, which Excel and WPS need to read
//! Chinese text from a CSV without asking.

/// The columns, in order.
pub const HEADER: [&str; 12] = [
    "单位",
    "活动序号",
    "材料",
    "文件",
    "版本",
    "到达时间",
    "审核结果",
    "原因",
    "SHA-256",
    "大小（字节）",
    "归档中的位置",
    "收件箱中的位置",
];

/// The manifest's name in the zip.
pub const FILE_NAME: &str = "manifest.csv";
/// The folder of the report in the zip.
pub const REPORT_FOLDER: &str = "报告";
/// The SHA-256 cell of a row.
pub const SHA256: usize = 8;
/// The cell naming the file's place in the zip.
pub const PLACE: usize = 10;

/// One row: the cells in [`HEADER`] order.
pub type Row = [String; 12];

/// The whole file: BOM, header, rows, CRLF line ends (as Excel writes).
pub fn csv(rows: &[Row]) -> Vec<u8> {
    let mut out = String::from("\u{feff}");
    line(&mut out, HEADER.iter().copied());
    for row in rows {
        line(&mut out, row.iter().map(String::as_str));
    }
    out.into_bytes()
}

fn line<'a>(out: &mut String, cells: impl Iterator<Item = &'a str>) {
    for (i, cell) in cells.enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&field(cell));
    }
    out.push_str("\r\n");
}

/// One cell, quoted when it must be; a cell a spreadsheet would take for
/// a formula (a file named "=cmd…") is kept text by a leading apostrophe.
fn field(cell: &str) -> String {
    let cell = if cell.starts_with(['=', '+', '-', '@']) {
        format!("'{cell}")
    } else {
        cell.to_string()
    };
    if cell.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", cell.replace('"', "\"\""))
    } else {
        cell
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_and_safe_for_spreadsheets() {
        assert_eq!(field("a,b"), "\"a,b\"");
        assert_eq!(field("说\"明\""), "\"说\"\"明\"\"\"");
        assert_eq!(field("=1+1"), "'=1+1");
        assert_eq!(field("县公安局"), "县公安局");
        let bytes = csv(&[]);
        assert!(bytes.starts_with("\u{feff}单位,活动序号".as_bytes()));
        assert!(bytes.ends_with(b"\r\n"));
    }
}
