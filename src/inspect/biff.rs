//! A pre-scan of an .xls workbook's BIFF records. calamine allocates a dense
//! rows × columns grid for every sheet while it opens the file, so a sheet
//! with one cell at A1 and another at row 65535, column 65535 would take
//! gigabytes before any limit of ours could apply (found by fuzzing). This
//! scan reads the `Workbook` (or BIFF5 `Book`) stream with [`super::ole`] and
//! computes each sheet's cell area from the cell records' row and column
//! numbers, so an oversized sheet is refused before calamine sees it.

use super::ole;

/// Records that carry a cell at (row, col) in their first four bytes.
const CELL_RECORDS: [u16; 9] = [
    0x0006, // FORMULA
    0x00FD, // LABELSST
    0x0201, // BLANK
    0x0203, // NUMBER
    0x0204, // LABEL
    0x0205, // BOOLERR
    0x027E, // RK
    0x00D6, // RSTRING
    0x0406, // FORMULA (BIFF4)
];
/// MULRK and MULBLANK: row, first column, …, last column.
const MULTI_RECORDS: [u16; 2] = [0x00BD, 0x00BE];
const BOF: [u16; 3] = [0x0809, 0x0409, 0x0209];

/// The largest dense cell area (row span × column span) of any sheet, or
/// `None` when the stream cannot be found or read (then calamine must not
/// see the file either: see [`ole::read_stream`]).
pub fn largest_sheet_area(bytes: &[u8], max_stream: u64) -> Option<u64> {
    let stream = ole::read_stream(bytes, "Workbook", max_stream)
        .or_else(|| ole::read_stream(bytes, "Book", max_stream))?;
    let mut largest = 0u64;
    let mut bounds: Option<(u16, u16, u16, u16)> = None;
    let close = |b: Option<(u16, u16, u16, u16)>, largest: &mut u64| {
        if let Some((r0, r1, c0, c1)) = b {
            let area = (u64::from(r1 - r0) + 1) * (u64::from(c1 - c0) + 1);
            *largest = (*largest).max(area);
        }
    };
    let mut at = 0usize;
    while let Some(header) = stream.get(at..at + 4) {
        let kind = u16::from_le_bytes([header[0], header[1]]);
        let len = usize::from(u16::from_le_bytes([header[2], header[3]]));
        let data = stream.get(at + 4..at + 4 + len).unwrap_or(&[]);
        at += 4 + len;
        let u16_at = |i: usize| data.get(i..i + 2).map(|b| u16::from_le_bytes([b[0], b[1]]));
        let cells: Vec<(u16, u16)> = if BOF.contains(&kind) {
            close(bounds.take(), &mut largest);
            Vec::new()
        } else if CELL_RECORDS.contains(&kind) {
            u16_at(0).zip(u16_at(2)).into_iter().collect()
        } else if MULTI_RECORDS.contains(&kind) && len >= 6 {
            let row = u16_at(0);
            [u16_at(2), u16_at(len - 2)]
                .into_iter()
                .filter_map(|c| row.zip(c))
                .collect()
        } else {
            Vec::new()
        };
        for (r, c) in cells {
            bounds = Some(match bounds {
                None => (r, r, c, c),
                Some((r0, r1, c0, c1)) => (r0.min(r), r1.max(r), c0.min(c), c1.max(c)),
            });
        }
    }
    close(bounds, &mut largest);
    Some(largest)
}
