//! `baosong check --imap`: logs in to the office mailbox of
//! `[intake.imap]` and lists its folders, fetching nothing.

use std::io::Write;
use std::path::Path;

use super::exit;
use crate::campaign::Campaign;

/// `baosong check --imap`: logs in to the mailbox of `[intake.imap]` and
/// lists its folders, fetching nothing.
pub fn run(campaign: &Path) -> anyhow::Result<u8> {
    let campaign = Campaign::load(campaign)?;
    let Some(config) = campaign.file.intake.imap.clone() else {
        anyhow::bail!("campaign.toml 中没有 [intake.imap]（收信邮箱）设置");
    };
    let account = crate::intake::mailbox::Account {
        config,
        base: campaign.root.clone(),
    };
    let folders = match crate::intake::mailbox::check(&account) {
        Ok(f) => f,
        Err(why) => {
            eprintln!("收信邮箱测试失败: {why}");
            return Ok(exit::MAIL);
        }
    };
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "已登录收信邮箱 {}（{}:{}），共{}个文件夹（未收取任何邮件）：",
        account.config.user,
        account.config.host,
        account.config.port(),
        folders.len()
    )?;
    for f in &folders {
        let read = if account.config.folders.contains(&f.name) {
            "（读取）"
        } else {
            ""
        };
        writeln!(out, "  {}  {}封{read}", f.name, f.messages)?;
    }
    let missing: Vec<&String> = account
        .config
        .folders
        .iter()
        .filter(|name| !folders.iter().any(|f| &f.name == *name))
        .collect();
    for name in &missing {
        writeln!(
            out,
            "注意: [intake.imap] folders 中的“{name}”在邮箱里不存在"
        )?;
    }
    Ok(if missing.is_empty() {
        exit::SUCCESS
    } else {
        exit::REJECTED
    })
}
