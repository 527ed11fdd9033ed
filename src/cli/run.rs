//! `baosong run`: one batch, then what it did as the clerk reads it — the
//! status, where the report, board, drafts and bundles are, the mail
//! queued and delivered, and what of the mail needs the office.

use std::io::Write;
use std::path::Path;

use super::args::RunArgs;
use super::exit;
use crate::campaign::{Campaign, deadline};
use crate::notify::outbox::{DeliveryReport, DeliveryState};
use crate::pipeline::{self, Outcome};

/// Runs a batch of the campaign at `campaign` and prints its outcome;
/// returns the exit code ([`exit::MAIL`] when mail did not all go out).
pub fn run(campaign: &Path, args: RunArgs) -> anyhow::Result<u8> {
    let campaign = Campaign::load(campaign)?;
    let now = match args.now {
        Some(naive) => Some(
            deadline::local(campaign.tz, naive)
                .ok_or_else(|| {
                    super::lang::usage_error(
                        &super::command(),
                        "run",
                        format!("--now 的时刻 {naive} 在时区 {} 中不存在", campaign.tz),
                    )
                })?
                .fixed_offset(),
        ),
        None => None,
    };
    let opts = pipeline::Options {
        now,
        dry_run: args.dry_run,
        no_send: args.no_send,
        settle: args.settle,
        fail_after: args.fail_after,
        progress: !args.quiet,
        rebuild_report: args.rebuild_report,
    };
    let outcome = pipeline::run(&campaign, &opts)?;
    let mut out = std::io::stdout().lock();
    super::status::write(&mut out, &outcome.status)?;
    write_outputs(&mut out, &campaign, &outcome)?;
    if args.dry_run {
        writeln!(
            out,
            "\n演练模式：未写入台账、未生成报告；将入队邮件 {} 封。",
            outcome.queued
        )?;
    } else {
        writeln!(out, "\n本批新入队邮件 {} 封。", outcome.queued)?;
    }
    if let Some(d) = &outcome.delivery {
        writeln!(out, "{d}")?;
    }
    let trouble = mail_trouble(
        &mut out,
        &outcome.status.delivery,
        outcome.delivery.as_ref(),
    )?;
    if args.timings {
        eprint!("{}", outcome.timings);
    }
    Ok(if trouble { exit::MAIL } else { exit::SUCCESS })
}

/// Where the batch's report, board, drafts and bundles are.
fn write_outputs(
    out: &mut impl Write,
    campaign: &Campaign,
    outcome: &Outcome,
) -> std::io::Result<()> {
    let Some(o) = &outcome.outputs else {
        return Ok(());
    };
    if o.reused {
        write!(out, "\n报告内容与上次相同，沿用已生成的报告文件。")?;
    }
    writeln!(
        out,
        "\n报告: {}\n      {}\n      {}\n状态板: {}",
        o.pdf.display(),
        o.docx.display(),
        o.xlsx.display(),
        o.dir.join(crate::render::html::INDEX).display()
    )?;
    if outcome.drafts > 0 {
        writeln!(
            out,
            "专栏稿: {}（{}篇）",
            crate::portal::dir(campaign).join("index.html").display(),
            outcome.drafts
        )?;
    }
    for b in &outcome.archived {
        let why = if b.remade {
            "（内容有变化，已重新生成）"
        } else {
            ""
        };
        writeln!(out, "归档包: {}{why}", b.zip.display())?;
    }
    if !o.missing_chars.is_empty() {
        let chars: String = o.missing_chars.iter().collect();
        writeln!(out, "注意: 报告字体缺少这些字符，显示可能不正确：{chars}")?;
    }
    Ok(())
}

/// What of the mail needs the office, in a few lines at the end of `run`
/// and `status` (the digest goes through the same server, so this is how
/// the office learns of mail trouble); `run` is what this run's delivery
/// did, whose failures it has listed already. Returns whether there is any.
pub(super) fn mail_trouble(
    out: &mut impl Write,
    state: &DeliveryState,
    run: Option<&DeliveryReport>,
) -> std::io::Result<bool> {
    if !run.is_some_and(|d| d.trouble()) && !state.needs_office() && state.retrying.is_empty() {
        return Ok(false);
    }
    let mut parts = Vec::new();
    for (n, what) in [
        (state.failed.len(), "发送失败"),
        (
            state.uncertain.len(),
            "待确认（发出后连接中断，可能已送达）",
        ),
        (state.retrying.len(), "待重试"),
    ] {
        if n > 0 {
            parts.push(format!("{what} {n} 封"));
        }
    }
    writeln!(
        out,
        "注意：邮件未能全部发出（{}）。请用 baosong outbox 查看原因，重发（retry 编号）或撤销（drop 编号）。",
        parts.join("，")
    )?;
    let listed: Vec<i64> = run
        .iter()
        .flat_map(|d| d.failed.iter().chain(&d.uncertain))
        .map(|e| e.id)
        .collect();
    for e in state.failed.iter().chain(&state.uncertain) {
        if !listed.contains(&e.id) {
            writeln!(out, "  {e}")?;
        }
    }
    Ok(true)
}
