//! Files baosong recognises but cannot use, and the Chinese message that
//! tells the unit what to send instead: legacy Word/WPS formats, encrypted
//! Office files, 7z/rar, images that are not photos baosong can embed, HTML
//! exports, plain text. Also tells OLE compound files apart by their streams.

use super::{FileKind, Refused};

/// The signature of an OLE compound file (.doc, .xls, .wps, .et, encrypted OOXML).
pub const OLE_MAGIC: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// Which OLE file this is, by the streams its directory names. Directory
/// entries are 128-byte records starting with the UTF-16LE name and holding
/// the name's byte length at offset 64; only such records are matched, so
/// text inside the document cannot fool it.
pub fn ole_kind(bytes: &[u8], claimed: Option<FileKind>) -> FileKind {
    if has_stream(bytes, "EncryptedPackage") {
        return FileKind::EncryptedOffice;
    }
    if has_stream(bytes, "WordDocument") {
        return if claimed == Some(FileKind::Wps) {
            FileKind::Wps
        } else {
            FileKind::Doc
        };
    }
    if has_stream(bytes, "Workbook") || has_stream(bytes, "Book") {
        return if claimed == Some(FileKind::Et) {
            FileKind::Et
        } else {
            FileKind::Xls
        };
    }
    FileKind::Unknown
}

fn has_stream(bytes: &[u8], name: &str) -> bool {
    let utf16: Vec<u8> = name
        .encode_utf16()
        .chain([0])
        .flat_map(u16::to_le_bytes)
        .collect();
    let len_field = (utf16.len() as u16).to_le_bytes();
    bytes
        .chunks_exact(128)
        .any(|rec| rec.starts_with(&utf16) && rec[64..66] == len_field)
}

/// Whether a BIFF8 workbook is encrypted: a FILEPASS record (0x002F)
/// among the first records after the workbook-globals BOF. Catches the
/// XOR and RC4 schemes calamine sometimes reports as a codepage error.
pub fn xls_encrypted(bytes: &[u8]) -> bool {
    const BOF: [u8; 8] = [0x09, 0x08, 0x10, 0x00, 0x00, 0x06, 0x05, 0x00];
    let Some(mut at) = super::sniff::find(bytes, &BOF) else {
        return false;
    };
    for _ in 0..8 {
        let Some(header) = bytes.get(at..at + 4) else {
            return false;
        };
        let kind = u16::from_le_bytes([header[0], header[1]]);
        if kind == 0x002F {
            return true;
        }
        at += 4 + usize::from(u16::from_le_bytes([header[2], header[3]]));
    }
    false
}

/// The refusal for a kind baosong does not read.
pub fn refuse(kind: FileKind, name: &str, bytes: &[u8]) -> Refused {
    use FileKind::*;
    let reason = match kind {
        Doc => "文件为Word 97-2003格式（.doc），请另存为.docx后重新报送".to_string(),
        Wps => "文件为WPS文字格式（.wps），请另存为.docx后重新报送".to_string(),
        Et => "文件为WPS表格格式（.et），请另存为.xlsx后重新报送".to_string(),
        EncryptedOffice => encrypted_reason(super::sniff::claimed_kind(name)).to_string(),
        SevenZip | Rar => format!(
            "文件为{}，暂不支持，请改用ZIP格式压缩后重新报送",
            kind.label()
        ),
        Gif | Bmp | Tiff => format!("图片为{}，请发送JPG格式照片", kind.label()),
        Html => "文件实为网页(HTML)格式(常见于系统导出的“Excel表格”)，请用Excel打开后另存为.xlsx重新报送"
            .to_string(),
        Text => "文件为纯文本，不是可用的报送材料，请发送Word、Excel或照片等文件".to_string(),
        _ if bytes.starts_with(OLE_MAGIC) => {
            "文件为旧版Office格式，无法读取，请另存为.docx或.xlsx后重新报送".to_string()
        }
        _ => "无法识别的文件类型，请检查文件后重新报送".to_string(),
    };
    Refused::new(reason)
}

/// The message for a password-protected Office file, naming the program
/// the extension suggests.
pub fn encrypted_reason(claimed: Option<FileKind>) -> &'static str {
    use FileKind::*;
    match claimed {
        Some(Xlsx | Xls | Et | Ods) => "文件为加密的Excel工作簿，请取消密码后重新报送",
        Some(Docx | Doc | Wps) => "文件为加密的Word文档，请取消密码后重新报送",
        _ => "文件为加密的Office文档，请取消密码后重新报送",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filepass_found_after_bof() {
        let mut wb = vec![0u8; 16];
        wb.extend([0x09, 0x08, 0x10, 0x00, 0x00, 0x06, 0x05, 0x00]);
        wb.extend([0u8; 12]);
        wb.extend([0x2F, 0x00, 0x02, 0x00, 0x00, 0x00]);
        assert!(xls_encrypted(&wb));
        assert!(!xls_encrypted(&wb[..20]));
    }

    fn fake_ole(stream: &str) -> Vec<u8> {
        let mut bytes = OLE_MAGIC.to_vec();
        bytes.resize(512, 0);
        let mut rec = vec![0u8; 128];
        let name: Vec<u8> = stream
            .encode_utf16()
            .chain([0])
            .flat_map(u16::to_le_bytes)
            .collect();
        rec[..name.len()].copy_from_slice(&name);
        rec[64..66].copy_from_slice(&(name.len() as u16).to_le_bytes());
        bytes.extend(rec);
        bytes
    }

    #[test]
    fn ole_streams_decide_kind() {
        assert_eq!(ole_kind(&fake_ole("WordDocument"), None), FileKind::Doc);
        assert_eq!(
            ole_kind(&fake_ole("WordDocument"), Some(FileKind::Wps)),
            FileKind::Wps
        );
        assert_eq!(ole_kind(&fake_ole("Workbook"), None), FileKind::Xls);
        assert_eq!(
            ole_kind(&fake_ole("Workbook"), Some(FileKind::Et)),
            FileKind::Et
        );
        assert_eq!(
            ole_kind(&fake_ole("EncryptedPackage"), None),
            FileKind::EncryptedOffice
        );
        assert_eq!(ole_kind(&fake_ole("Other"), None), FileKind::Unknown);
    }
}
