//! `baosong outbox`: what the office reads and does about the mail the
//! batches queued (list, retry, drop, resend).

use std::io::Write;

use chrono::{DateTime, FixedOffset};

use crate::ledger::{Ledger, OutboxError, OutboxStatus};
use crate::notify::message::restamped;

/// The `baosong outbox` subcommand's actions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutboxAction {
    /// Queued, failed and maybe-delivered messages; with `all`, every
    /// message.
    List { all: bool },
    /// Queue a failed, maybe-delivered, dropped or queued message again
    /// with fresh attempts (and no expiry: the office has decided).
    Retry { id: i64 },
    /// Withdraw a queued, failed or maybe-delivered message.
    Drop { id: i64 },
    /// Queue a new copy of a sent (written, or maybe-delivered) message for a
    /// recipient who says it never arrived: the stored bytes with a new
    /// Message-ID and Date and a `References` to the original, dated `now`.
    /// Each call makes one new message; once sent, it is never sent again.
    Resend { id: i64, now: DateTime<FixedOffset> },
}

/// Runs an `outbox` action and prints its result in Chinese.
pub fn run(ledger: &Ledger, action: OutboxAction, out: &mut dyn Write) -> Result<(), OutboxError> {
    match action {
        OutboxAction::List { all } => {
            let entries = ledger.outbox_list(all)?;
            if entries.is_empty() {
                let what = if all {
                    ""
                } else {
                    "待发送、失败或待确认的"
                };
                writeln!(out, "发件箱中没有{what}邮件。")?;
            }
            let uncertain = entries.iter().any(|e| e.status == OutboxStatus::Uncertain);
            for e in entries {
                writeln!(out, "{e}")?;
            }
            if uncertain {
                writeln!(
                    out,
                    "“待确认”的邮件发出后连接中断，可能已经送达：请向收件人核实，\
                     未收到的用 baosong outbox retry 编号 重发，已收到的用 baosong outbox drop 编号 结束。"
                )?;
            }
        }
        OutboxAction::Retry { id } => {
            ledger.outbox_retry(id)?;
            writeln!(out, "邮件 #{id} 已重新排队，下一批发送。")?;
        }
        OutboxAction::Drop { id } => {
            ledger.outbox_drop(id)?;
            writeln!(out, "#{id} 已撤销，不再发送。")?;
        }
        OutboxAction::Resend { id, now } => {
            let new = ledger.outbox_resend(id, now, |bytes, message_id, key| {
                restamped(bytes, message_id, key, now)
            })?;
            writeln!(
                out,
                "已为 #{id} 另发一封：#{new}（新的邮件编号 Message-ID，内容与原邮件相同），下一批发送；\
                 原邮件 #{id} 的记录不变。"
            )?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::notify::message::Kind;
    use crate::notify::outbox::queue;
    use crate::notify::test_support::{at, msg, sender};

    #[test]
    fn outbox_command_lists_retries_and_drops() {
        let ledger = Ledger::in_memory().unwrap();
        let clock = at("2025-05-06T20:00:00+08:00");
        for m in [msg(Kind::Receipt, "a"), msg(Kind::Reminder, "b")] {
            queue(&ledger, &sender(), &m, clock).unwrap();
        }
        let mut out = Vec::new();
        run(&ledger, OutboxAction::Drop { id: 2 }, &mut out).unwrap();
        run(&ledger, OutboxAction::List { all: false }, &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(text.contains("#2 已撤销"), "{text}");
        assert!(text.contains("#1 回执 县民政局 待发送"), "{text}");
        assert!(!text.contains("#2 催报"), "{text}");
        let err = run(&ledger, OutboxAction::Retry { id: 9 }, &mut Vec::new()).unwrap_err();
        assert_eq!(err.to_string(), "发件箱中没有编号为 9 的邮件");
    }
}
