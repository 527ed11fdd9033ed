//! The `baosong` command line: a thin edge over the library. Errors become
//! Chinese messages and exit codes here; everything else lives in the
//! pipeline's stages.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use baosong::campaign::{CAMPAIGN_FILE, Campaign, deadline};
use baosong::cli::archive::{self, CommandError};
use baosong::cli::check;
use baosong::cli::outbox::OutboxAction;
use baosong::inspect::Limits;
use baosong::ledger::Ledger;
use baosong::notify::outbox;
use baosong::pipeline::{self, CrashPoint, RunError, StatusDocument};
use clap::{Parser, Subcommand};

/// Exit codes, documented in `--help` (`HELP`, next to them) and the README.
mod exit {
    /// Something went wrong (I/O, database, mail configuration, …).
    pub const FAILURE: u8 = 1;
    /// The command line cannot be understood: clap exits with it itself,
    /// a test holds it to this.
    #[cfg(test)]
    pub const USAGE: u8 = 2;
    /// The campaign cannot be used as written (campaign.toml, schedule).
    pub const CAMPAIGN: u8 = 3;
    /// Another batch of this campaign is running.
    pub const LOCKED: u8 = 4;
    /// `run` finished, but not all mail went out: a message failed, may
    /// have been delivered and waits for the office, is being retried, or
    /// the server could not be reached.
    pub const MAIL: u8 = 5;
    /// A file given to `check` was rejected.
    pub const REJECTED: u8 = 6;
    /// `outbox retry/drop/resend`: no message has that number, or its
    /// status does not allow it.
    pub const OUTBOX: u8 = 7;
    /// `archive`: `--at` names no moment, no deadline has passed yet at
    /// the moment, or there is nothing to bundle.
    pub const ARCHIVE: u8 = 8;

    /// The exit codes in `--help`.
    pub const HELP: &str = "退出码：0 成功（即使有单位逾期：逾期是数据，不是错误）；1 运行出错；2 命令行用法错误；\n\
        3 活动配置（campaign.toml、活动安排表）有误，或系统时间明显不对（见 [system_clock]）；4 另一个批处理正在运行；\n\
        5 run 已完成，但邮件未能全部发出：有发送失败、待确认或待重试的邮件，或无法连接邮件服务器\n\
          （见输出末尾和 baosong outbox；失败和待确认的邮件由办公室重发或撤销后不再计入）；\n\
        6 check 发现不合格文件；\n\
        7 outbox 命令：没有这个编号的邮件，或该邮件的状态不允许此操作（如 resend 一封还没发出的邮件）；\n\
        8 archive 命令：--at 的时刻无法识别、该时刻还没有已过的截止时间，或没有可归档的文件。\n\
        日志：设置 RUST_LOG=info（或 debug）查看详细过程。";
}

#[derive(Parser)]
#[command(
    name = "baosong",
    version,
    about = "报送：多部门活动材料的夜间批处理",
    long_about = "报送（baosong）：协调办公室的夜间批处理。\n\
        读取 campaign.toml 与活动安排表，扫描收件箱（只读，不移动、不修改任何单位的文件），\n\
        识别每个文件所属单位、检查文件内容、登记台账，按官方工作日历判断各单位各项材料\n\
        是否齐全、是否按时，生成 PDF/DOCX 汇总报告和 XLSX 统计表，并发送回执、催报和报告邮件。",
    after_help = exit::HELP
)]
struct Cli {
    /// campaign.toml, or the folder that holds it.
    #[arg(
        short = 'C',
        long,
        global = true,
        default_value = ".",
        env = "BAOSONG_CAMPAIGN"
    )]
    campaign: PathBuf,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// 运行一次完整批处理：收件、检查、判定、生成报告、发送邮件。
    Run {
        /// 评估时刻（如 2025-05-20T16:00，按活动时区），用于补跑和测试；默认为当前时间
        /// 或 campaign.toml 中的 clock。
        #[arg(long, value_name = "TIME")]
        now: Option<String>,
        /// 演练：照常检查和判定并打印结果，但不写台账、不生成报告、不发邮件。
        #[arg(long)]
        dry_run: bool,
        /// 邮件只入待发队列，不发送（之后用 `baosong outbox retry` 或下次批处理发送）。
        #[arg(long)]
        no_send: bool,
        /// 文件最近修改后需静置的秒数，未静置的文件视为“接收中”（覆盖 campaign.toml）。
        #[arg(long, value_name = "SECONDS")]
        settle: Option<u64>,
        /// 不显示进度条。
        #[arg(long)]
        quiet: bool,
        /// 结束时在标准错误输出各阶段耗时（性能测试用）。
        #[arg(long)]
        timings: bool,
        /// 即使报告内容与上次相同也重新生成 PDF、Word 和 Excel（默认沿用上次的报告文件）。
        #[arg(long)]
        rebuild_report: bool,
        /// (testing) stop right after a stage, as a crash would.
        #[arg(long, hide = true, value_enum)]
        fail_after: Option<CrashPoint>,
    },
    /// 显示最近一次批处理的结果：各单位各项材料的状态。
    Status {
        /// 以 JSON 输出（供其他程序使用）。
        #[arg(long)]
        json: bool,
    },
    /// 检查文件（不需要活动配置）：真实类型、结论和原因。文件夹会递归检查。
    Check {
        /// 每个文件输出一行 JSON。
        #[arg(long)]
        json: bool,
        /// 测试 campaign.toml 中 [intake.imap] 的收信邮箱设置：登录，列出文件夹和邮件数，不收取任何邮件。
        #[arg(long, conflicts_with = "files")]
        imap: bool,
        #[arg(required_unless_present = "imap", value_name = "FILE")]
        files: Vec<PathBuf>,
    },
    /// 根据办公室的活动安排表生成带注释的 campaign.toml。
    Init {
        /// 活动安排表（xlsx、xls 或 ods）。
        #[arg(long, value_name = "SPREADSHEET")]
        schedule: PathBuf,
        /// 写到哪里（默认：活动安排表所在目录下的 campaign.toml）。
        #[arg(long)]
        out: Option<PathBuf>,
        /// 覆盖已有的 campaign.toml。
        #[arg(long)]
        force: bool,
    },
    /// 生成演示活动或基准测试活动（活动安排表与收件箱文件）到指定目录。
    Generate {
        #[command(subcommand)]
        what: GenerateCmd,
    },
    /// 归档：把截至某一时刻收到的材料打包为一个 zip，交档案室保存。
    ///
    /// 包内按“单位/材料”分文件夹存放各单位报送的原始文件（取自存档，每个版本都在，旧版本文件名后注明“第N版”）。
    ///
    /// “报告/”中是截至该时刻的汇总报告（PDF、Word、Excel），报告中的“截至…”与文件名是同一时刻。
    ///
    /// manifest.csv 逐个列出单位、活动序号、材料、文件、版本、到达时间、审核结果、原因和SHA-256（UTF-8 带 BOM，Excel、WPS 可直接打开）。
    ///
    /// 写到 out/<活动编号>/archive/归档-<时刻>-全部材料.zip（--at deadline：归档-<截止时间>-到期材料.zip）；旁边的 .sha256 文件是 manifest.csv 的 SHA-256（解压后可用 sha256sum -c 核对清单）。
    ///
    /// 该时刻之后收到的文件不在包内；同一时刻生成两次，得到的 zip 逐字节相同。
    ///
    /// 批处理自动生成的归档：每个固定截止时间（at）过后一个，只含该截止时间到期的材料；活动结束时（最后截止时间加 [archive] grace_days 天，或 archive --final）一个，含全部材料。按活动日期计算的截止时间只在活动结束时归档（[archive] relative_deadlines = true 时每个截止时间也各归档一次）。办公室事后把文件归到某单位（如补充别名）时，受影响的归档会重新生成。
    Archive {
        /// 归档时刻：deadline 表示最近一个已过的截止时间（只含该截止时间到期的材料），或一个时刻（如 2025-06-13T20:00，按活动时区，含截至该时刻收到的全部材料）；默认为当前时间或 campaign.toml 中的 clock。
        #[arg(long, value_name = "deadline|TIME", conflicts_with = "final_")]
        at: Option<String>,
        /// 活动收尾归档：现在（或活动已结束时在结束时刻）打包全部材料，此后批处理不再自动生成收尾归档。
        #[arg(long = "final")]
        final_: bool,
    },
    /// 发件箱：查看、重发、撤销待发邮件，或另发一封已发出的邮件（resend）。
    Outbox {
        #[command(subcommand)]
        action: Option<OutboxCmd>,
    },
}

#[derive(Subcommand)]
enum GenerateCmd {
    /// 2025年泸溪县演示活动：活动安排表.xlsx 与 inbox/（campaign.toml 需另行提供）。
    Demo { dir: PathBuf },
    /// 2023年建昌县“5·15政务公开日”演示活动（examples/jianchang-2023）：活动安排表.xlsx
    /// （附件1、附件2、联系人）与 inbox/（campaign.toml 需另行提供）。
    Jianchang { dir: PathBuf },
    /// 基准测试活动（性能测试用）：campaign.toml、活动安排表.xlsx 与 inbox/，
    /// 每单位一份约1500字的总结（含两张照片）、一份活动安排表和若干张 4000×3000 照片。
    Bench {
        /// 单位数。
        #[arg(long, default_value_t = 50)]
        units: usize,
        /// 每单位照片张数。
        #[arg(long, default_value_t = 10)]
        photos: usize,
        /// 随机种子：相同种子生成完全相同的文件。
        #[arg(long, default_value_t = 1)]
        seed: u64,
        dir: PathBuf,
    },
    /// 手机竖拍风格的视频（内存测试用）：完整的索引，媒体数据为文件空洞，不占磁盘。
    Video {
        /// 媒体数据大小（MB）。
        #[arg(long, default_value_t = 3000)]
        megabytes: u64,
        path: PathBuf,
    },
}

#[derive(Subcommand)]
enum OutboxCmd {
    /// 列出待发、发送失败和待确认（可能已送达）的邮件（--all 含已发送）。
    List {
        #[arg(long)]
        all: bool,
    },
    /// 把一封失败、过期或待确认的邮件重新放回待发队列（待确认的邮件请先向收件人核实）。
    Retry { id: i64 },
    /// 放弃一封待发、失败或待确认的邮件，不再发送。
    Drop { id: i64 },
    /// 另发一封已发出的邮件（单位说没收到，如回执）。
    ///
    /// 内容与原邮件相同，但是一封新邮件：新的 Message-ID 和日期，References 指向原邮件
    /// （对方的邮件程序会把两封放在一起）。它和其他邮件一样进入待发队列，由下一批
    /// （下一次 baosong run）发送；发件箱中记为“#原编号 的重发”，原邮件的记录不变。
    /// 每执行一次另发一封，发出后不会再发。只能另发“已发送”或“待确认”的邮件；
    /// 失败或已撤销的请用 retry。编号见 baosong outbox list --all；
    /// 没有这个编号或状态不允许时退出码为 7。
    Resend { id: i64 },
}

fn main() -> ExitCode {
    baosong::allocator::configure();
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .with_writer(std::io::stderr)
        .init();
    match dispatch(cli) {
        Ok(code) => ExitCode::from(code),
        // `baosong status | head`: the reader has gone, nothing to report.
        Err(e)
            if e.downcast_ref::<std::io::Error>()
                .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe) =>
        {
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("错误: {}", describe(&e));
            let code = if e
                .downcast_ref::<baosong::campaign::CampaignError>()
                .is_some()
                || matches!(e.downcast_ref::<RunError>(), Some(RunError::Clock(_)))
            {
                exit::CAMPAIGN
            } else if matches!(e.downcast_ref::<RunError>(), Some(RunError::Locked(_)))
                || matches!(
                    e.downcast_ref::<CommandError>(),
                    Some(CommandError::Run(RunError::Locked(_)))
                )
            {
                exit::LOCKED
            } else if matches!(
                e.downcast_ref::<CommandError>(),
                Some(
                    CommandError::BadTime(_)
                        | CommandError::NoDeadline(..)
                        | CommandError::Empty
                        | CommandError::Nothing(_)
                )
            ) {
                exit::ARCHIVE
            } else if matches!(
                e.downcast_ref::<outbox::OutboxError>(),
                Some(
                    outbox::OutboxError::NotFound(_)
                        | outbox::OutboxError::Status { .. }
                        | outbox::OutboxError::NotSent { .. }
                )
            ) {
                exit::OUTBOX
            } else {
                exit::FAILURE
            };
            ExitCode::from(code)
        }
    }
}

/// An error and its causes on one line, each cause once: most of our
/// errors already name their cause in their own message.
fn describe(e: &anyhow::Error) -> String {
    let mut line = String::new();
    for cause in e.chain() {
        let text = cause.to_string();
        if !line.contains(&text) {
            if !line.is_empty() {
                line.push_str(": ");
            }
            line.push_str(&text);
        }
    }
    line
}

/// `baosong check --imap`: logs in to the mailbox of `[intake.imap]` and
/// lists its folders, fetching nothing.
fn check_imap(campaign: &std::path::Path) -> anyhow::Result<u8> {
    let campaign = Campaign::load(campaign)?;
    let Some(config) = campaign.file.intake.imap.clone() else {
        anyhow::bail!("campaign.toml 中没有 [intake.imap]（收信邮箱）设置");
    };
    let account = baosong::intake::mailbox::Account {
        config,
        base: campaign.root.clone(),
    };
    let folders = match baosong::intake::mailbox::check(&account) {
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
        0
    } else {
        exit::REJECTED
    })
}

fn dispatch(cli: Cli) -> anyhow::Result<u8> {
    match cli.command {
        Command::Check { imap: true, .. } => check_imap(&cli.campaign),
        Command::Check { json, files, .. } => {
            let mut out = std::io::stdout().lock();
            let rejected = check::run(&files, json, &Limits::default(), &mut out)?;
            Ok(if rejected > 0 { exit::REJECTED } else { 0 })
        }
        Command::Init {
            schedule,
            out,
            force,
        } => init(&schedule, out, force),
        Command::Run {
            now,
            dry_run,
            no_send,
            settle,
            quiet,
            timings,
            rebuild_report,
            fail_after,
        } => {
            let campaign = Campaign::load(&cli.campaign)?;
            let now = match now {
                Some(t) => Some(
                    deadline::parse_local(&t, campaign.tz)
                        .with_context(|| format!("--now “{t}” 无法识别，应如 2025-05-20T16:00"))?
                        .fixed_offset(),
                ),
                None => None,
            };
            let opts = pipeline::Options {
                now,
                dry_run,
                no_send,
                settle,
                fail_after,
                progress: !quiet,
                rebuild_report,
            };
            let outcome = pipeline::run(&campaign, &opts)?;
            let mut out = std::io::stdout().lock();
            baosong::cli::status::write(&mut out, &outcome.status)?;
            if let Some(o) = &outcome.outputs {
                if o.reused {
                    write!(out, "\n报告内容与上次相同，沿用已生成的报告文件。")?;
                }
                writeln!(
                    out,
                    "\n报告: {}\n      {}\n      {}\n状态板: {}",
                    o.pdf.display(),
                    o.docx.display(),
                    o.xlsx.display(),
                    o.dir.join(baosong::render::html::INDEX).display()
                )?;
                if outcome.drafts > 0 {
                    writeln!(
                        out,
                        "专栏稿: {}（{}篇）",
                        baosong::portal::dir(&campaign).join("index.html").display(),
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
            }
            if dry_run {
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
            let trouble = print_mail_trouble(
                &mut out,
                &outcome.status.delivery,
                outcome.delivery.as_ref(),
            )?;
            if timings {
                eprint!("{}", outcome.timings);
            }
            Ok(if trouble { exit::MAIL } else { 0 })
        }
        Command::Status { json } => {
            let campaign = Campaign::load(&cli.campaign)?;
            let ledger = Ledger::open(&campaign.state_dir())?;
            let Some(last) = ledger.last_snapshot()? else {
                anyhow::bail!("还没有完成过批处理，请先运行 baosong run");
            };
            let mut status: StatusDocument =
                serde_json::from_str(&last.snapshot).context("台账中的状态记录无法解析")?;
            status.delivery = ledger.delivery_state()?;
            let mut out = std::io::stdout().lock();
            if json {
                serde_json::to_writer_pretty(&mut out, &status)?;
                writeln!(out)?;
            } else {
                baosong::cli::status::write(&mut out, &status)?;
                print_mail_trouble(&mut out, &status.delivery, None)?;
            }
            Ok(0)
        }
        Command::Generate { what } => match what {
            GenerateCmd::Demo { dir } => {
                baosong::generate::demo::write_demo(&dir)
                    .with_context(|| format!("无法写入 {}", dir.display()))?;
                println!("已生成演示活动文件到 {}", dir.display());
                Ok(0)
            }
            GenerateCmd::Jianchang { dir } => {
                baosong::generate::jianchang::write_demo(&dir)
                    .with_context(|| format!("无法写入 {}", dir.display()))?;
                println!("已生成建昌县演示活动文件到 {}", dir.display());
                Ok(0)
            }
            GenerateCmd::Bench {
                units,
                photos,
                seed,
                dir,
            } => {
                let spec = baosong::generate::bench::BenchSpec {
                    units,
                    photos,
                    seed,
                };
                baosong::generate::bench::write_bench(&dir, &spec)
                    .with_context(|| format!("无法写入 {}", dir.display()))?;
                println!(
                    "已生成基准测试活动到 {}：{units}个单位，每单位{photos}张照片",
                    dir.display()
                );
                Ok(0)
            }
            GenerateCmd::Video { megabytes, path } => {
                baosong::generate::files::write_video(&path, megabytes << 20)
                    .with_context(|| format!("无法写入 {}", path.display()))?;
                println!("已生成视频 {}", path.display());
                Ok(0)
            }
        },
        Command::Archive { at, final_ } => {
            let campaign = Campaign::load(&cli.campaign)?;
            let at = match at.as_deref() {
                _ if final_ => archive::At::Final,
                None => archive::At::Now,
                Some("deadline") => archive::At::LastDeadline,
                Some(t) => archive::At::Time(t.to_string()),
            };
            let b = archive::command(&campaign, &at)?;
            println!(
                "已生成归档（截至{}）：{}\n  共{}个文件版本；清单 manifest.csv 的 SHA-256：{}（另存于 {}）",
                baosong::report::format_time(b.cutoff),
                b.zip.display(),
                b.versions,
                b.manifest_sha256,
                b.checksum.display()
            );
            if b.not_kept > 0 {
                println!(
                    "注意：{}个文件超过存档大小上限，未保存原件，清单中已注明",
                    b.not_kept
                );
            }
            Ok(0)
        }
        Command::Outbox { action } => {
            let campaign = Campaign::load(&cli.campaign)?;
            let ledger = Ledger::open(&campaign.state_dir())?;
            let action = match action.unwrap_or(OutboxCmd::List { all: false }) {
                OutboxCmd::List { all } => OutboxAction::List { all },
                OutboxCmd::Retry { id } => OutboxAction::Retry { id },
                OutboxCmd::Drop { id } => OutboxAction::Drop { id },
                OutboxCmd::Resend { id } => OutboxAction::Resend {
                    id,
                    now: chrono::Utc::now()
                        .with_timezone(&campaign.tz)
                        .fixed_offset(),
                },
            };
            baosong::cli::outbox::run(&ledger, action, &mut std::io::stdout().lock())?;
            Ok(0)
        }
    }
}

/// What of the mail needs the office, in a few lines at the end of `run`
/// and `status` (the digest goes through the same server, so this is how
/// the office learns of mail trouble); `run` is what this run's delivery
/// did, whose failures it has listed already. Returns whether there is any.
fn print_mail_trouble(
    out: &mut impl Write,
    state: &outbox::DeliveryState,
    run: Option<&outbox::DeliveryReport>,
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

/// `baosong init`: a commented campaign.toml from an office schedule, the
/// folders a run needs, and what was understood of each sheet.
fn init(schedule: &std::path::Path, out: Option<PathBuf>, force: bool) -> anyhow::Result<u8> {
    use baosong::campaign::init;
    let dir = schedule.parent().unwrap_or(std::path::Path::new("."));
    let out = out.unwrap_or_else(|| dir.join(CAMPAIGN_FILE));
    if out.exists() && !force {
        anyhow::bail!("{} 已存在；如需覆盖请加 --force", out.display());
    }
    let root = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let sched = baosong::campaign::schedule::read(schedule, None, &Limits::default())?;
    let rel = relative_path(schedule, &root);
    let text = init::campaign_toml(&sched, &rel);
    std::fs::create_dir_all(root.join("inbox"))
        .and_then(|()| {
            baosong::notify::templates::Templates::write_defaults(&root.join("templates"))
        })
        .and_then(|()| baosong::portal::Pages::write_defaults(&root.join("templates")))
        .with_context(|| format!("无法在 {} 下创建 inbox/ 和 templates/", root.display()))?;
    std::fs::write(&out, text).with_context(|| format!("无法写入 {}", out.display()))?;

    println!("已读取活动安排表 {}：", schedule.display());
    for line in init::describe_sheets(&sched) {
        println!("  {line}");
    }
    for line in init::choices(&sched) {
        println!("{line}");
    }
    match &sched.stated_year {
        Some(y) => println!("年份：{}（{}）", sched.year, y.source),
        None => println!(
            "注意: 安排表中没有写明年份，暂按今年（{}年）；如不对，请修改 campaign.toml 的 year",
            sched.year
        ),
    }
    println!(
        "\n已生成 {}，并创建了 inbox/ 和 templates/。",
        out.display()
    );
    match Campaign::load(&out) {
        Ok(c) => {
            println!(
                "共{}个单位、{}项活动；分组：{}。",
                c.roster.units.len(),
                c.activities.len(),
                c.groups
                    .iter()
                    .map(|(name, g)| format!("{name}（{}个单位）", g.units.len()))
                    .collect::<Vec<_>>()
                    .join("、")
            );
            for m in &c.merged_names {
                println!("已合并: {m}");
            }
            for q in &c.name_questions {
                println!("请确认: {q}");
            }
            for p in &c.schedule_problems {
                println!("请注意: {p}");
            }
            let silent: Vec<&str> = c
                .roster
                .units
                .iter()
                .filter(|u| u.emails().next().is_none())
                .map(|u| u.name.as_str())
                .collect();
            if !silent.is_empty() {
                println!(
                    "以下{}个单位在安排表中没有有效邮箱，无法收到回执和催报：{}",
                    silent.len(),
                    silent.join("、")
                );
            }
        }
        Err(e) => println!("注意: 生成的配置暂时无法使用：{e}"),
    }
    println!(
        "\n下一步：\n  1. 打开 {}，按通知写明每项报送材料（名称、适用单位或分组、截止时间），核对标题、牵头单位和年份；\n  2. 核对 [mail]（办公室、领导邮箱）、[reminders]（何时催报、何时抄送）和 [report_mail]（何时给领导发报告），真正发信前填写 [mail.smtp]；\n  3. 把各单位报送的文件放入 inbox/（可按单位分文件夹，也可直接放入保存的邮件 .eml）；\n  4. 运行 baosong run --dry-run -C {} 演练，确认无误后每晚运行 baosong run。",
        out.display(),
        root.display()
    );
    Ok(0)
}

/// `path` as seen from the folder `base` (with `..` where needed), so the
/// campaign folder can be moved as a whole.
fn relative_path(path: &std::path::Path, base: &std::path::Path) -> String {
    use std::path::Component;
    let abs = |p: &std::path::Path| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
    let (p, b) = (abs(path), abs(base));
    let pc: Vec<Component> = p.components().collect();
    let bc: Vec<Component> = b.components().collect();
    let common = pc.iter().zip(&bc).take_while(|(x, y)| x == y).count();
    if common == 0 {
        return p.display().to_string();
    }
    let mut rel = PathBuf::new();
    for _ in common..bc.len() {
        rel.push("..");
    }
    for c in &pc[common..] {
        rel.push(c);
    }
    rel.display().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn exit_codes_are_distinct_and_in_the_help() {
        let codes = [
            exit::FAILURE,
            exit::USAGE,
            exit::CAMPAIGN,
            exit::LOCKED,
            exit::MAIL,
            exit::REJECTED,
            exit::OUTBOX,
        ];
        let mut sorted = codes.to_vec();
        sorted.sort();
        sorted.dedup();
        assert_eq!(sorted.len(), codes.len(), "{codes:?}");
        let help = Cli::command().render_long_help().to_string();
        for code in codes {
            let listed = ["：", "；", "\n"]
                .iter()
                .any(|before| help.contains(&format!("{before}{code} ")));
            assert!(listed, "{code} missing in:\n{help}");
        }
        let usage = Cli::try_parse_from(["baosong", "--no-such-option"])
            .err()
            .unwrap();
        assert_eq!(usage.exit_code(), i32::from(exit::USAGE));
    }
}
