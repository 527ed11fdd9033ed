//! The 归档 bundles made, so the one after each deadline is made once
//! (`archives`, migration 3).

use chrono::{DateTime, FixedOffset};
use rusqlite::{OptionalExtension, params};

use super::{Ledger, Result};

/// One bundle as recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArchiveRow {
    /// The moment the bundle holds everything received up to.
    pub cutoff: DateTime<FixedOffset>,
    /// The zip's file name under `out/<id>/archive/`.
    pub file: String,
    pub manifest_sha256: String,
    /// `deadline` when a batch made it after a deadline, `command` for
    /// `baosong archive`.
    pub made_by: String,
    pub made_at: DateTime<FixedOffset>,
}

impl Ledger {
    /// The bundle made for this cut-off, if any.
    pub fn archive_at(&self, cutoff: DateTime<FixedOffset>) -> Result<Option<ArchiveRow>> {
        Ok(self
            .conn
            .query_row(
                "SELECT file, manifest_sha256, made_by, made_at FROM archives WHERE cutoff = ?1",
                [cutoff.to_rfc3339()],
                |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, String>(2)?,
                        r.get::<_, String>(3)?,
                    ))
                },
            )
            .optional()?
            .map(|(file, manifest_sha256, made_by, made_at)| ArchiveRow {
                cutoff,
                file,
                manifest_sha256,
                made_by,
                made_at: DateTime::parse_from_rfc3339(&made_at).unwrap_or(cutoff),
            }))
    }

    /// Records a bundle (a bundle made again for the same cut-off replaces
    /// the record: its bytes are the same unless late-found files arrived).
    pub fn record_archive(&self, row: &ArchiveRow) -> Result<()> {
        self.conn.execute(
            "INSERT INTO archives (cutoff, file, manifest_sha256, made_by, made_at)
             VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT(cutoff) DO UPDATE SET file = excluded.file,
                 manifest_sha256 = excluded.manifest_sha256, made_at = excluded.made_at",
            params![
                row.cutoff.to_rfc3339(),
                row.file,
                row.manifest_sha256,
                row.made_by,
                row.made_at.to_rfc3339()
            ],
        )?;
        Ok(())
    }
}
