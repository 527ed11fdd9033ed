//! Every sheet of a workbook (xlsx, xls, ods; calamine) as a sparse grid,
//! read within [`Limits`] and [`contained`](super::contain::contained), merged cells filled.
//! The one reader for submitted spreadsheets ([`super::sheet`]) and the
//! office's schedule (`campaign::schedule`); each turns calamine's cells
//! into its own values.
//!
//! Bounds: xlsx sheets are streamed cell by cell and refused as soon as a
//! row, column or cell count passes [`Limits`]; xls sheets are pre-scanned
//! ([`super::biff`]) so the dense grid calamine allocates stays under
//! `max_sheet_cells`; ods relies on calamine's own caps on repeated
//! rows/cells plus the checks here. ODS merged cells are not filled
//! (calamine exposes no merge regions for ODS).

use std::collections::BTreeMap;
use std::io::Cursor;

use calamine::{Data, Dimensions, Ods, Reader, Xls, Xlsx, open_workbook_from_rs};

use super::{FileKind, Limits, PANIC_REASON, legacy};

/// A sheet as sparse rows, 0-based as calamine counts: row → column → cell.
pub type Grid<T> = BTreeMap<u32, BTreeMap<u32, T>>;

/// Why a workbook could not be read.
#[derive(Debug, thiserror::Error)]
pub enum GridError {
    #[error("password")]
    Password,
    #[error("表格规模超过上限({0})，请精简后重新报送")]
    TooLarge(String),
    #[error("{0}")]
    Corrupt(String),
    #[error("{PANIC_REASON}")]
    Panic,
}

impl GridError {
    /// What to tell whoever sent a workbook of `kind` that cannot be read.
    pub fn reason(self, kind: FileKind) -> String {
        match self {
            GridError::Password => legacy::encrypted_reason(Some(kind)).to_string(),
            GridError::TooLarge(_) | GridError::Panic => self.to_string(),
            GridError::Corrupt(detail) => format!(
                "表格文件已损坏或格式异常，无法读取({detail})，请用Excel打开检查后另存为.xlsx重新报送"
            ),
        }
    }
}

/// Every sheet's cells, by name in workbook order; `cell` turns a calamine
/// value into the caller's (`None`: an empty cell, not counted).
pub fn read<T: Clone>(
    kind: FileKind,
    bytes: &[u8],
    limits: &Limits,
    cell: impl Fn(&Data) -> Option<T>,
) -> Result<Vec<(String, Grid<T>)>, GridError> {
    super::contain::contained(|| match kind {
        FileKind::Xlsx => read_xlsx(bytes, limits, &cell),
        FileKind::Xls => read_xls(bytes, limits, &cell),
        _ => read_ods(bytes, limits, &cell),
    })
    .unwrap_or(Err(GridError::Panic))
}

fn classify(e: calamine::Error) -> GridError {
    use calamine::{Error, OdsError, XlsError, XlsxError};
    match e {
        Error::Xlsx(XlsxError::Password)
        | Error::Xls(XlsError::Password)
        | Error::Ods(OdsError::Password) => GridError::Password,
        other => GridError::Corrupt(short(&other.to_string())),
    }
}

/// An English library message, shortened for a one-line reason.
fn short(s: &str) -> String {
    s.chars().take(80).collect()
}

/// Counts cells against the limits while a workbook is read.
struct Budget<'a> {
    limits: &'a Limits,
    cells: u64,
}

impl Budget<'_> {
    fn take(&mut self, row: u32, col: u32) -> Result<(), GridError> {
        let l = self.limits;
        if row >= l.max_sheet_rows {
            return Err(GridError::TooLarge(format!("超过{}行", l.max_sheet_rows)));
        }
        if col >= l.max_sheet_cols {
            return Err(GridError::TooLarge(format!("超过{}列", l.max_sheet_cols)));
        }
        self.cells += 1;
        if self.cells > l.max_sheet_cells {
            return Err(GridError::TooLarge(format!(
                "超过{}个单元格",
                l.max_sheet_cells
            )));
        }
        Ok(())
    }
}

type Sheets<T> = Result<Vec<(String, Grid<T>)>, GridError>;

fn read_xlsx<T: Clone>(
    bytes: &[u8],
    limits: &Limits,
    cell: &impl Fn(&Data) -> Option<T>,
) -> Sheets<T> {
    let mut wb: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes))
        .map_err(|e| classify(calamine::Error::Xlsx(e)))?;
    let mut budget = Budget { limits, cells: 0 };
    let mut out = Vec::new();
    for name in wb.sheet_names() {
        let mut grid = Grid::new();
        {
            let mut reader = match wb.worksheet_cells_reader(&name) {
                Ok(r) => r,
                Err(calamine::XlsxError::WorksheetNotFound(_)) => continue,
                Err(e) => return Err(classify(calamine::Error::Xlsx(e))),
            };
            while let Some(c) = reader
                .next_cell()
                .map_err(|e| classify(calamine::Error::Xlsx(e)))?
            {
                let (row, col) = c.get_position();
                if let Some(v) = cell(&Data::from(c.get_value().clone())) {
                    budget.take(row, col)?;
                    grid.entry(row).or_default().insert(col, v);
                }
            }
        }
        let merges = wb.merge_cells_by_sheet_name(&name).unwrap_or_default();
        fill_merges(&mut grid, &merges, limits);
        out.push((name, grid));
    }
    Ok(out)
}

fn read_xls<T: Clone>(
    bytes: &[u8],
    limits: &Limits,
    cell: &impl Fn(&Data) -> Option<T>,
) -> Sheets<T> {
    // calamine reports some encryption schemes (XOR) as a codepage error.
    if legacy::xls_encrypted(bytes) {
        return Err(GridError::Password);
    }
    // Our bounded reader goes first: a file it cannot read is damaged, and
    // calamine, which follows sector chains without bound, never sees it.
    let area = super::biff::largest_sheet_area(bytes, limits.max_file_bytes)
        .ok_or_else(|| GridError::Corrupt("复合文档结构损坏".into()))?;
    if area > limits.max_sheet_cells {
        return Err(GridError::TooLarge(format!(
            "工作表单元格范围{area}个，超过{}个",
            limits.max_sheet_cells
        )));
    }
    let mut wb: Xls<_> =
        open_workbook_from_rs(Cursor::new(bytes)).map_err(|e| classify(calamine::Error::Xls(e)))?;
    let mut out = Vec::new();
    let mut budget = Budget { limits, cells: 0 };
    for name in wb.sheet_names() {
        let Ok(range) = wb.worksheet_range(&name) else {
            continue;
        };
        let mut grid = range_grid(&range, &mut budget, cell)?;
        let merges = wb.merge_cells_by_sheet_name(&name).unwrap_or_default();
        fill_merges(&mut grid, &merges, limits);
        out.push((name, grid));
    }
    Ok(out)
}

fn read_ods<T: Clone>(
    bytes: &[u8],
    limits: &Limits,
    cell: &impl Fn(&Data) -> Option<T>,
) -> Sheets<T> {
    let mut wb: Ods<_> =
        open_workbook_from_rs(Cursor::new(bytes)).map_err(|e| classify(calamine::Error::Ods(e)))?;
    let mut out = Vec::new();
    let mut budget = Budget { limits, cells: 0 };
    for name in wb.sheet_names() {
        let range = wb
            .worksheet_range(&name)
            .map_err(|e| classify(calamine::Error::Ods(e)))?;
        out.push((name, range_grid(&range, &mut budget, cell)?));
    }
    Ok(out)
}

fn range_grid<T>(
    range: &calamine::Range<Data>,
    budget: &mut Budget,
    cell: &impl Fn(&Data) -> Option<T>,
) -> Result<Grid<T>, GridError> {
    let (r0, c0) = range.start().unwrap_or((0, 0));
    let mut grid = Grid::new();
    for (r, c, data) in range.used_cells() {
        let (row, col) = (r0 + r as u32, c0 + c as u32);
        if let Some(v) = cell(data) {
            budget.take(row, col)?;
            grid.entry(row).or_default().insert(col, v);
        }
    }
    Ok(grid)
}

/// Copies each merged region's top-left cell into the region, as the
/// office sees it on screen: at most 10,000 cells a region (a merge over a
/// whole column says nothing more) and `max_sheet_cells` in all, however
/// many regions a file declares.
fn fill_merges<T: Clone>(grid: &mut Grid<T>, merges: &[Dimensions], limits: &Limits) {
    let mut budget = limits.max_sheet_cells;
    for m in merges {
        let (r0, c0) = m.start;
        let r1 = m.end.0.min(limits.max_sheet_rows.saturating_sub(1));
        let c1 = m.end.1.min(limits.max_sheet_cols.saturating_sub(1));
        let area = u64::from(r1.saturating_sub(r0) + 1) * u64::from(c1.saturating_sub(c0) + 1);
        if area > 10_000 || area > budget {
            continue;
        }
        budget -= area;
        let Some(top_left) = grid.get(&r0).and_then(|r| r.get(&c0)).cloned() else {
            continue;
        };
        for r in r0..=r1 {
            let row = grid.entry(r).or_default();
            for c in c0..=c1 {
                row.insert(c, top_left.clone());
            }
        }
    }
}

/// A grid typed out in a test: rows of cell texts, each made a value by
/// `value` (an empty text or `None` leaves the cell out).
#[cfg(test)]
pub fn from_rows<T>(rows: &[&[&str]], value: impl Fn(&str) -> Option<T>) -> Grid<T> {
    rows.iter()
        .enumerate()
        .map(|(r, cells)| {
            let row = cells
                .iter()
                .enumerate()
                .filter(|(_, t)| !t.is_empty())
                .filter_map(|(c, t)| value(t).map(|v| (c as u32, v)))
                .collect();
            (r as u32, row)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grid(rows: &[&[&str]]) -> Grid<String> {
        from_rows(rows, |t| Some(t.to_string()))
    }

    #[test]
    fn merges_filled() {
        let mut g = grid(&[&["单位", "活动"], &["县教育局", "宣讲"], &["", "展板"]]);
        fill_merges(
            &mut g,
            &[Dimensions {
                start: (1, 0),
                end: (2, 0),
            }],
            &Limits::default(),
        );
        assert_eq!(g[&2][&0], "县教育局");
    }

    #[test]
    fn merged_regions_fill_no_more_than_the_cell_limit() {
        let mut g = grid(&[&["单位"]]);
        // A file declaring a thousand 100-cell regions from one cell.
        let merges: Vec<Dimensions> = (0..1000)
            .map(|i| Dimensions {
                start: (0, 0),
                end: (99, i),
            })
            .collect();
        let limits = Limits {
            max_sheet_cells: 500,
            ..Limits::default()
        };
        fill_merges(&mut g, &merges, &limits);
        let cells: usize = g.values().map(BTreeMap::len).sum();
        assert!(cells <= 501, "{cells} cells");
    }
}
