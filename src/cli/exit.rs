//! Exit codes, and how an error reaches the clerk: its code chosen by the
//! first cause in its chain that decides one (as ripgrep's `main` walks
//! the chain for a broken pipe), and one Chinese line with the operating
//! system's words in Chinese too.

use std::error::Error;
use std::io::{self, ErrorKind};

use super::archive::CommandError;
use super::assign::AssignError;
use super::init::Exists;
use super::lang::Chinese;
use crate::campaign::CampaignError;
use crate::ledger::OutboxError;
use crate::notify::templates::TemplateError;
use crate::pipeline::RunError;

/// Done (units being late is data, not an error).
pub const SUCCESS: u8 = 0;
/// Something went wrong (I/O, database, mail server, …).
pub const FAILURE: u8 = 1;
/// The command line cannot be understood.
pub const USAGE: u8 = 2;
/// The campaign cannot be used as written (campaign.toml, the schedule,
/// the folders it names, the templates).
pub const CAMPAIGN: u8 = 3;
/// Another batch of this campaign is running.
pub const LOCKED: u8 = 4;
/// `run` finished, but not all mail went out: a message failed, may have
/// been delivered and waits for the office, is being retried, or the
/// server could not be reached.
pub const MAIL: u8 = 5;
/// A file given to `check` was rejected.
pub const REJECTED: u8 = 6;
/// `outbox retry/drop/resend`: no message has that number, or its status
/// does not allow it.
pub const OUTBOX: u8 = 7;
/// `archive`: `--at` names no moment, no deadline has passed yet at the
/// moment, or there is nothing to bundle.
pub const ARCHIVE: u8 = 8;

/// `assign`: the ledger has no file at that path, or the campaign no such
/// unit or deliverable.
pub const ASSIGN: u8 = 9;

/// The exit codes in `--help`.
pub const HELP: &str = "退出码：0 成功（即使有单位逾期：逾期是数据，不是错误）；1 运行出错；2 命令行用法错误；\n\
    3 活动配置（campaign.toml、活动安排表、其中写明的文件夹和模板）有误，或系统时间明显不对（见 [system_clock]）；4 另一个批处理正在运行；\n\
    5 run 已完成，但邮件未能全部发出：有发送失败、待确认或待重试的邮件，或无法连接邮件服务器\n\
      （见输出末尾和 baosong outbox；失败和待确认的邮件由办公室重发或撤销后不再计入）；\n\
    6 check 发现不合格文件；\n\
    7 outbox 命令：没有这个编号的邮件，或该邮件的状态不允许此操作（如 resend 一封还没发出的邮件）；\n\
    8 archive 命令：--at 的时刻无法识别、该时刻还没有已过的截止时间，或没有可归档的文件；\n\
    9 assign 命令：台账中没有这个路径的文件，或没有这个单位、这项材料。\n\
    日志：设置 RUST_LOG=info（或 debug）查看详细过程。";

/// The exit code of a failed command: the first cause in the error's
/// chain that decides one, else [`FAILURE`].
pub fn code(err: &anyhow::Error) -> u8 {
    err.chain().find_map(decides).unwrap_or(FAILURE)
}

/// The code one cause decides, if it decides one. A wrapper that only
/// passes a cause on decides nothing: its cause, next in the chain, does.
fn decides(cause: &(dyn Error + 'static)) -> Option<u8> {
    if let Some(e) = cause.downcast_ref::<io::Error>() {
        // `baosong status | head`: the reader has gone, nothing to report.
        return (e.kind() == ErrorKind::BrokenPipe).then_some(SUCCESS);
    }
    if cause.is::<CampaignError>() || cause.is::<TemplateError>() {
        return Some(CAMPAIGN);
    }
    if cause.is::<clap::error::Error<Chinese>>() || cause.is::<Exists>() {
        return Some(USAGE);
    }
    if let Some(e) = cause.downcast_ref::<RunError>() {
        return match e {
            RunError::Locked(_) => Some(LOCKED),
            RunError::Clock(_) => Some(CAMPAIGN),
            _ => None,
        };
    }
    if let Some(e) = cause.downcast_ref::<CommandError>() {
        return e.is_the_moment().then_some(ARCHIVE);
    }
    if let Some(e) = cause.downcast_ref::<AssignError>() {
        return e.is_what_was_named().then_some(ASSIGN);
    }
    if let Some(e) = cause.downcast_ref::<OutboxError>() {
        return matches!(
            e,
            OutboxError::NotFound(_) | OutboxError::Status { .. } | OutboxError::NotSent { .. }
        )
        .then_some(OUTBOX);
    }
    None
}

/// Whether the error is only that the reader of our output went away.
pub fn is_broken_pipe(err: &anyhow::Error) -> bool {
    code(err) == SUCCESS
}

/// An error and its causes on one line, each cause once (most of our
/// errors name their cause in their own message), with what the operating
/// system said in Chinese.
pub fn describe(err: &anyhow::Error) -> String {
    let mut line = String::new();
    for cause in err.chain() {
        let text = cause.to_string();
        if !line.contains(&text) {
            if !line.is_empty() {
                line.push_str(": ");
            }
            line.push_str(&text);
        }
    }
    if err.chain().any(|c| c.is::<TemplateError>()) {
        line.push_str(
            "（邮件模板在 campaign.toml 的 [paths] templates 所指的文件夹中；请改正该模板，或删除它改用内置模板）",
        );
    }
    os_errors_in_chinese(&line)
}

/// Replaces each "No such file or directory (os error 2)" the standard
/// library wrote with what it means in Chinese.
fn os_errors_in_chinese(text: &str) -> String {
    const MARK: &str = "(os error ";
    let mut codes: Vec<i32> = text
        .match_indices(MARK)
        .filter_map(|(i, _)| {
            let rest = &text[i + MARK.len()..];
            rest[..rest.find(')')?].parse().ok()
        })
        .collect();
    codes.sort_unstable();
    codes.dedup();
    codes.into_iter().fold(text.to_string(), |t, code| {
        let english = io::Error::from_raw_os_error(code).to_string();
        t.replace(&english, &os_error(code))
    })
}

/// What an operating-system error means, for the clerk.
fn os_error(code: i32) -> String {
    let kind = io::Error::from_raw_os_error(code).kind();
    match kind {
        ErrorKind::NotFound => "文件或文件夹不存在".into(),
        ErrorKind::PermissionDenied => "没有权限（运行 baosong 的用户不能读取或写入它）".into(),
        ErrorKind::AlreadyExists => "已经存在".into(),
        ErrorKind::StorageFull => "磁盘已满".into(),
        ErrorKind::QuotaExceeded => "超出了磁盘配额".into(),
        ErrorKind::ReadOnlyFilesystem => "文件系统只读".into(),
        ErrorKind::IsADirectory => "这是文件夹，不是文件".into(),
        ErrorKind::NotADirectory => "路径中有一部分不是文件夹".into(),
        ErrorKind::DirectoryNotEmpty => "文件夹不是空的".into(),
        ErrorKind::FileTooLarge => "文件太大".into(),
        ErrorKind::InvalidFilename => "文件名无效或太长".into(),
        ErrorKind::ResourceBusy => "文件正被占用".into(),
        ErrorKind::OutOfMemory => "内存不足".into(),
        ErrorKind::TimedOut => "超时".into(),
        ErrorKind::ConnectionRefused => "连接被拒绝".into(),
        ErrorKind::ConnectionReset | ErrorKind::ConnectionAborted => "连接被中断".into(),
        ErrorKind::HostUnreachable | ErrorKind::NetworkUnreachable => "网络不通".into(),
        ErrorKind::Interrupted => "操作被中断".into(),
        _ => format!("系统错误（代码 {code}）"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_code_is_the_first_cause_that_decides_one() {
        let campaign = anyhow::Error::new(CampaignError::Missing {
            path: "/tmp/x/campaign.toml".into(),
        })
        .context("无法开始批处理");
        assert_eq!(code(&campaign), CAMPAIGN);
        let wrapped = anyhow::Error::new(RunError::Campaign(CampaignError::Missing {
            path: "campaign.toml".into(),
        }));
        assert_eq!(code(&wrapped), CAMPAIGN);
        let locked = anyhow::Error::new(CommandError::Run(RunError::Locked("l".into())));
        assert_eq!(code(&locked), LOCKED);
        assert_eq!(code(&anyhow::Error::new(CommandError::Empty)), ARCHIVE);
        assert_eq!(code(&anyhow::Error::new(OutboxError::NotFound(3))), OUTBOX);
        let pipe = anyhow::Error::new(io::Error::from(ErrorKind::BrokenPipe)).context("写出");
        assert!(is_broken_pipe(&pipe));
        let disk = anyhow::Error::new(io::Error::from(ErrorKind::StorageFull));
        assert_eq!(code(&disk), FAILURE);
        assert_eq!(code(&anyhow::anyhow!("其他")), FAILURE);
    }

    #[test]
    fn the_operating_system_speaks_chinese() {
        let e = anyhow::Error::new(CampaignError::Read {
            path: "./campaign.toml".into(),
            source: io::Error::from_raw_os_error(13),
        });
        assert_eq!(
            describe(&e),
            "无法读取 ./campaign.toml: 没有权限（运行 baosong 的用户不能读取或写入它）"
        );
        let full = format!(
            "无法写入 out/x.pdf: {}；又 {}",
            io::Error::from_raw_os_error(28),
            io::Error::from_raw_os_error(2)
        );
        assert_eq!(
            os_errors_in_chinese(&full),
            "无法写入 out/x.pdf: 磁盘已满；又 文件或文件夹不存在"
        );
    }

    #[test]
    fn exit_codes_are_distinct_and_in_the_help() {
        let codes = [
            FAILURE, USAGE, CAMPAIGN, LOCKED, MAIL, REJECTED, OUTBOX, ARCHIVE,
        ];
        let mut sorted = codes.to_vec();
        sorted.sort();
        sorted.dedup();
        assert_eq!(sorted.len(), codes.len(), "{codes:?}");
        for code in codes {
            let listed = ["：", "；", "\n"]
                .iter()
                .any(|before| HELP.contains(&format!("{before}{code} ")));
            assert!(listed, "{code} missing in:\n{HELP}");
        }
    }
}
