//! The folders campaign.toml names, checked before a batch begins: the
//! inbox it reads, the templates folder, and the state and output folders
//! it writes. A mistake here is the office's own (a folder never created,
//! moved or not readable by the account that runs baosong), so it stops the
//! batch before anything is recorded, naming the key of `[paths]`, the
//! folder and the command that fixes it.

use std::io::ErrorKind;
use std::path::Path;

use super::{Campaign, Errors};
use crate::campaign::CampaignError;

impl Campaign {
    /// Checks the folders a batch reads and, when it `writes` (not a dry
    /// run), the ones it writes; creates state/ and out/ when missing.
    pub fn check_folders(&self, writes: bool) -> Result<(), CampaignError> {
        let text = std::fs::read_to_string(&self.source).unwrap_or_default();
        let err = Errors {
            path: &self.source,
            text: &text,
        };
        let paths = &self.file.paths;
        let inbox = self.inbox();
        if let Err(e) = std::fs::read_dir(&inbox) {
            let what = match e.kind() {
                ErrorKind::NotFound => "不存在".to_string(),
                ErrorKind::NotADirectory => "不是文件夹".to_string(),
                ErrorKind::PermissionDenied => "没有读取权限".to_string(),
                _ => format!("无法读取（{e}）"),
            };
            return Err(err.key_in(
                "paths",
                "inbox",
                format!(
                    "[paths] inbox = \"{}\"：收件箱 {} {what}。请创建它（mkdir -p {}）并让运行 baosong 的用户可以读取，\
                     或把 [paths] inbox 改为各单位报送文件所在的文件夹",
                    paths.inbox.display(),
                    inbox.display(),
                    inbox.display()
                ),
            ));
        }
        let templates = self.templates_dir();
        // An absent templates folder means the built-in texts; one that is
        // there must be a readable folder.
        if templates.exists()
            && let Err(e) = std::fs::read_dir(&templates)
        {
            return Err(err.key_in(
                "paths",
                "templates",
                format!(
                    "[paths] templates = \"{}\"：模板文件夹 {} 无法读取（{e}）。请让运行 baosong 的用户可以读取它，\
                     或删除它改用内置模板（baosong init 会重新写出一份可修改的模板）",
                    paths.templates.display(),
                    templates.display()
                ),
            ));
        }
        if !writes {
            return Ok(());
        }
        for (key, written, dir, what, private) in [
            (
                "state",
                &paths.state,
                self.state_dir(),
                "状态文件夹（台账和文件存档）",
                true,
            ),
            (
                "output",
                &paths.output,
                self.output_dir(),
                "输出文件夹（报告和状态板）",
                false,
            ),
        ] {
            if let Err(e) = writable(&dir, private) {
                return Err(err.key_in(
                    "paths",
                    key,
                    format!(
                        "[paths] {key} = \"{}\"：无法写入{what} {}（{e}）。请让运行 baosong 的用户可以创建和写入它\
                         （如 sudo chown -R baosong {}），或把 [paths] {key} 改为可写的文件夹",
                        written.display(),
                        dir.display(),
                        dir.display()
                    ),
                ));
            }
        }
        Ok(())
    }
}

/// Creates `dir` when missing (readable by the owner only when `private`,
/// as the state folder is) and proves a file can be made in it.
fn writable(dir: &Path, private: bool) -> std::io::Result<()> {
    if private {
        crate::atomic::private_dir(dir)?;
    } else {
        std::fs::create_dir_all(dir)?;
    }
    tempfile::Builder::new()
        .prefix(".baosong-check")
        .tempfile_in(dir)
        .map(drop)
}
