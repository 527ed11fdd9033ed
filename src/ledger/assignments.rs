//! The office's assignments of files to units (`assignments`, migration
//! 10): `baosong assign` writes them, every batch reads them.

use rusqlite::params;

use super::{Ledger, Result};
use crate::model::Assignment;

/// Migration 10: one row per content the office assigned, with when.
pub(super) const CREATE: &str = "CREATE TABLE IF NOT EXISTS assignments (
        hash TEXT PRIMARY KEY,
        unit TEXT NOT NULL,
        deliverable TEXT,
        path TEXT NOT NULL,
        assigned_at TEXT NOT NULL
    );";

impl Ledger {
    /// Records the office's assignments in one transaction; a content
    /// assigned before is assigned anew (the office changed its mind).
    pub fn assign(&self, rows: &[Assignment], at: &str) -> Result<()> {
        let tx = self.begin()?;
        {
            let mut stmt = self.conn.prepare(
                "INSERT OR REPLACE INTO assignments (hash, unit, deliverable, path, assigned_at)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            )?;
            for a in rows {
                stmt.execute(params![a.hash, a.unit, a.deliverable, a.path, at])?;
            }
        }
        tx.commit()
    }

    /// Withdraws the assignments of these contents; returns how many there
    /// were.
    pub fn unassign(&self, hashes: &[&str]) -> Result<usize> {
        let tx = self.begin()?;
        let mut removed = 0;
        {
            let mut stmt = self
                .conn
                .prepare("DELETE FROM assignments WHERE hash = ?1")?;
            for hash in hashes {
                removed += stmt.execute([hash])?;
            }
        }
        tx.commit()?;
        Ok(removed)
    }

    /// Every assignment, in the order the office made them.
    pub fn assignments(&self) -> Result<Vec<Assignment>> {
        let mut stmt = self.conn.prepare(
            "SELECT hash, unit, deliverable, path FROM assignments ORDER BY assigned_at, rowid",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(Assignment {
                hash: r.get(0)?,
                unit: r.get(1)?,
                deliverable: r.get(2)?,
                path: r.get(3)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(hash: &str, unit: &str) -> Assignment {
        Assignment {
            hash: hash.into(),
            unit: unit.into(),
            deliverable: None,
            path: format!("{hash}.docx"),
        }
    }

    #[test]
    fn assign_replaces_and_unassign_withdraws() {
        let ledger = Ledger::in_memory().unwrap();
        ledger
            .assign(
                &[row("a", "县民政局"), row("b", "县民政局")],
                "2025-05-20T10:00:00+08:00",
            )
            .unwrap();
        ledger
            .assign(&[row("a", "县林业局")], "2025-05-21T10:00:00+08:00")
            .unwrap();
        let units: Vec<(String, String)> = ledger
            .assignments()
            .unwrap()
            .into_iter()
            .map(|a| (a.hash, a.unit))
            .collect();
        assert_eq!(
            units,
            [
                ("b".to_string(), "县民政局".to_string()),
                ("a".to_string(), "县林业局".to_string())
            ]
        );
        assert_eq!(ledger.unassign(&["a", "c"]).unwrap(), 1);
        assert_eq!(ledger.assignments().unwrap().len(), 1);
    }
}
