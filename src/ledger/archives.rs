//! The 归档 bundles made (`archives`, migrations 4 and 5): which bundle
//! exists for which cut-off and scope, who made it, and the hash of what it
//! was made from, so a batch makes each bundle once and makes it again only
//! when what it holds would change.

use chrono::{DateTime, FixedOffset};
use rusqlite::{OptionalExtension, params};

use super::{Ledger, Result};

/// What a bundle holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum BundleScope {
    /// The files of the deliverables due at its cut-off, no others.
    Deadline,
    /// Every version received up to its cut-off.
    All,
}

/// Who made a bundle.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MadeBy {
    /// A batch, after a deadline passed.
    Deadline,
    /// A batch, at the campaign's close.
    Close,
    /// `baosong archive --final`: the office closed the campaign.
    Final,
    /// `baosong archive [--at …]`.
    Command,
}

impl BundleScope {
    fn as_str(self) -> &'static str {
        match self {
            BundleScope::Deadline => "deadline",
            BundleScope::All => "all",
        }
    }

    fn parse(text: &str) -> BundleScope {
        match text {
            "deadline" => BundleScope::Deadline,
            _ => BundleScope::All,
        }
    }
}

impl MadeBy {
    fn as_str(self) -> &'static str {
        match self {
            MadeBy::Deadline => "deadline",
            MadeBy::Close => "close",
            MadeBy::Final => "final",
            MadeBy::Command => "command",
        }
    }

    fn parse(text: &str) -> MadeBy {
        match text {
            "deadline" => MadeBy::Deadline,
            "close" => MadeBy::Close,
            "final" => MadeBy::Final,
            _ => MadeBy::Command,
        }
    }

    /// A closing bundle: the one holding the whole campaign.
    pub fn closes(self) -> bool {
        matches!(self, MadeBy::Close | MadeBy::Final)
    }
}

/// One bundle as recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArchiveRow {
    /// The moment the bundle holds what was received up to.
    pub cutoff: DateTime<FixedOffset>,
    pub scope: BundleScope,
    /// The zip's file name under `out/<id>/archive/`.
    pub file: String,
    pub manifest_sha256: String,
    /// The hash of what the bundle was made from (its manifest's rows, each
    /// file named by its store hash); `None` for bundles of earlier builds,
    /// which are left as they are.
    pub inputs: Option<String>,
    pub made_by: MadeBy,
    pub made_at: DateTime<FixedOffset>,
}

type RawRow = (
    String,
    String,
    String,
    String,
    Option<String>,
    String,
    String,
);

fn row(raw: RawRow) -> Option<ArchiveRow> {
    let (cutoff, scope, file, manifest_sha256, inputs, made_by, made_at) = raw;
    let cutoff = DateTime::parse_from_rfc3339(&cutoff).ok()?;
    Some(ArchiveRow {
        cutoff,
        scope: BundleScope::parse(&scope),
        file,
        manifest_sha256,
        inputs,
        made_by: MadeBy::parse(&made_by),
        made_at: DateTime::parse_from_rfc3339(&made_at).unwrap_or(cutoff),
    })
}

const COLUMNS: &str = "cutoff, scope, file, manifest_sha256, inputs, made_by, made_at";

fn raw(r: &rusqlite::Row) -> rusqlite::Result<RawRow> {
    Ok((
        r.get(0)?,
        r.get(1)?,
        r.get(2)?,
        r.get(3)?,
        r.get(4)?,
        r.get(5)?,
        r.get(6)?,
    ))
}

impl Ledger {
    /// The bundle made for this cut-off and scope, if any.
    pub fn archive_at(
        &self,
        cutoff: DateTime<FixedOffset>,
        scope: BundleScope,
    ) -> Result<Option<ArchiveRow>> {
        Ok(self
            .conn
            .query_row(
                &format!("SELECT {COLUMNS} FROM archives WHERE cutoff = ?1 AND scope = ?2"),
                params![cutoff.to_rfc3339(), scope.as_str()],
                raw,
            )
            .optional()?
            .and_then(row))
    }

    /// Every bundle recorded, earliest cut-off first.
    pub fn archives(&self) -> Result<Vec<ArchiveRow>> {
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {COLUMNS} FROM archives ORDER BY cutoff, scope"
        ))?;
        let rows = stmt.query_map([], raw)?;
        let mut out = Vec::new();
        for r in rows {
            out.extend(row(r?));
        }
        Ok(out)
    }

    /// Records a bundle. A bundle made again for the same cut-off and scope
    /// replaces the record, keeping who first made it.
    pub fn record_archive(&self, row: &ArchiveRow) -> Result<()> {
        self.conn.execute(
            &format!(
                "INSERT INTO archives ({COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
                 ON CONFLICT(cutoff, scope) DO UPDATE SET file = excluded.file,
                     manifest_sha256 = excluded.manifest_sha256, inputs = excluded.inputs,
                     made_at = excluded.made_at"
            ),
            params![
                row.cutoff.to_rfc3339(),
                row.scope.as_str(),
                row.file,
                row.manifest_sha256,
                row.inputs,
                row.made_by.as_str(),
                row.made_at.to_rfc3339()
            ],
        )?;
        Ok(())
    }
}

/// Migration: bundles keyed by cut-off and scope, with the hash of their
/// inputs; the bundles of earlier builds held every version (`all`) and
/// have no recorded inputs.
pub(super) const MIGRATE_SCOPE: &str = "CREATE TABLE archives_scoped (
        cutoff TEXT NOT NULL,
        scope TEXT NOT NULL CHECK (scope IN ('deadline', 'all')),
        file TEXT NOT NULL,
        manifest_sha256 TEXT NOT NULL,
        inputs TEXT,
        made_by TEXT NOT NULL CHECK (made_by IN ('deadline', 'close', 'final', 'command')),
        made_at TEXT NOT NULL,
        PRIMARY KEY (cutoff, scope)
    );
    INSERT INTO archives_scoped (cutoff, scope, file, manifest_sha256, made_by, made_at)
        SELECT cutoff, 'all', file, manifest_sha256, made_by, made_at FROM archives;
    DROP TABLE archives;
    ALTER TABLE archives_scoped RENAME TO archives;";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recorded_by_cutoff_and_scope() {
        let ledger = Ledger::in_memory().unwrap();
        let at = DateTime::parse_from_rfc3339("2025-06-10T00:00:00+08:00").unwrap();
        let mut bundle = ArchiveRow {
            cutoff: at,
            scope: BundleScope::Deadline,
            file: "a.zip".into(),
            manifest_sha256: "m1".into(),
            inputs: Some("i1".into()),
            made_by: MadeBy::Deadline,
            made_at: at,
        };
        ledger.record_archive(&bundle).unwrap();
        ledger
            .record_archive(&ArchiveRow {
                scope: BundleScope::All,
                file: "b.zip".into(),
                made_by: MadeBy::Close,
                ..bundle.clone()
            })
            .unwrap();
        assert_eq!(ledger.archives().unwrap().len(), 2);
        // Made again: the record follows, its maker stays.
        bundle.inputs = Some("i2".into());
        bundle.made_by = MadeBy::Command;
        ledger.record_archive(&bundle).unwrap();
        let got = ledger
            .archive_at(at, BundleScope::Deadline)
            .unwrap()
            .unwrap();
        assert_eq!(got.inputs.as_deref(), Some("i2"));
        assert_eq!(got.made_by, MadeBy::Deadline);
        assert!(MadeBy::Final.closes() && !MadeBy::Deadline.closes());
    }
}
