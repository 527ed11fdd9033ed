//! Mistakes in campaign.toml, pointing at the line where they are written.

use std::path::Path;

use crate::campaign::CampaignError;
use crate::campaign::config::CampaignFile;
use crate::campaign::roster::{Roster, RosterError};
use crate::campaign::{schedule, suggest};

/// Builds `CampaignError::Invalid` pointing at the line of campaign.toml
/// where `needle` is written.
pub(super) struct Errors<'a> {
    pub path: &'a Path,
    pub text: &'a str,
}

impl Errors<'_> {
    pub(super) fn at(&self, needle: &str, message: String) -> CampaignError {
        let line = self
            .text
            .lines()
            .position(|l| !l.trim_start().starts_with('#') && l.contains(needle))
            .map(|i| i + 1);
        CampaignError::Invalid {
            path: self.path.to_path_buf(),
            line,
            message,
        }
    }

    /// A unit name campaign.toml gives (`whose`: where, as the office reads
    /// it) that the roster does not have, with the nearest roster names.
    pub(super) fn unknown_unit(&self, whose: &str, name: &str, roster: &Roster) -> CampaignError {
        let near = suggest::nearest(name, roster.units.iter().map(|u| u.name.as_str()));
        self.at(
            name,
            format!(
                "{whose}“{name}”不在单位名单中{}（请写单位名单中的名称；\
                 同一单位的其他写法可在 [[units]] 中加为别名）",
                suggest::did_you_mean(&near)
            ),
        )
    }

    /// A roster that cannot be built: at the line where the clashing name
    /// is written.
    pub(super) fn roster(&self, e: RosterError) -> CampaignError {
        match &e {
            RosterError::NameClash { name, .. } => self.at(name, e.to_string()),
            RosterError::Index(_) => CampaignError::Invalid {
                path: self.path.to_path_buf(),
                line: None,
                message: e.to_string(),
            },
        }
    }

    /// Like [`Errors::at`], for the line where `key` is set inside the
    /// table `[section]` (or the table header when the key is not written).
    pub(super) fn key_in(&self, section: &str, key: &str, message: String) -> CampaignError {
        let header = format!("[{section}]");
        let lines: Vec<&str> = self.text.lines().collect();
        let start = lines
            .iter()
            .position(|l| l.trim_start().starts_with(&header));
        let line = start.map(|s| {
            lines[s + 1..]
                .iter()
                .take_while(|l| !l.trim_start().starts_with('['))
                .position(|l| {
                    l.trim_start()
                        .strip_prefix(key)
                        .is_some_and(|rest| rest.trim_start().starts_with('='))
                })
                .map_or(s + 1, |i| s + 2 + i)
        });
        CampaignError::Invalid {
            path: self.path.to_path_buf(),
            line,
            message,
        }
    }
}

/// What of `[mail]` and `[office]` serde cannot check: that `[mail.smtp]`
/// gives a transport (the password source exists, the certificate reads,
/// plain only to this machine) and that the office address looks like one.
/// Checked at load so that a mistake stops `run`, `run --dry-run` and
/// `status` before anything is written, instead of after the batch.
pub(super) fn check_mail(
    file: &CampaignFile,
    root: &Path,
    err: &Errors,
) -> Result<(), CampaignError> {
    if let Some(email) = &file.office.email
        && !schedule::looks_like_email(email)
    {
        return Err(err.key_in(
            "office",
            "email",
            format!("[office] email “{email}”不是邮箱地址，应如 email = \"bgs@example.gov.cn\""),
        ));
    }
    if let Some(smtp) = file.mail.as_ref().and_then(|m| m.smtp.as_ref()) {
        smtp.settings(Some(root))
            .map_err(|e| err.key_in("mail.smtp", e.key, e.to_string()))?;
    }
    Ok(())
}
