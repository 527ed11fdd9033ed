//! The command line as clap reads it: every command and option, described
//! in Chinese. The frame around them (headings, usage lines, clap's own
//! errors) is made Chinese in [`super::lang`].

use std::path::PathBuf;

use chrono::NaiveDateTime;
use clap::{ArgAction, Parser, Subcommand};

use super::exit;
use crate::pipeline::CrashPoint;

/// The version line: the package version and what it was built from.
pub const VERSION: &str = concat!(env!("CARGO_PKG_VERSION"), "（", env!("BAOSONG_BUILD"), "）");

#[derive(Parser, Debug)]
#[command(
    name = "baosong",
    version = VERSION,
    about = "报送：多部门活动材料的夜间批处理",
    long_about = "报送（baosong）：协调办公室的夜间批处理。\n\
        读取 campaign.toml 与活动安排表，扫描收件箱（只读，不移动、不修改任何单位的文件），\n\
        识别每个文件所属单位、检查文件内容、登记台账，按官方工作日历判断各单位各项材料\n\
        是否齐全、是否按时，生成 PDF/DOCX 汇总报告和 XLSX 统计表，并发送回执、催报和报告邮件。",
    after_help = exit::HELP,
    disable_help_flag = true,
    disable_version_flag = true,
    disable_help_subcommand = true
)]
pub struct Cli {
    /// 活动目录（campaign.toml 所在的文件夹），或 campaign.toml 本身。
    #[arg(
        short = 'C',
        long,
        global = true,
        default_value = ".",
        env = "BAOSONG_CAMPAIGN",
        value_name = "活动目录"
    )]
    pub campaign: PathBuf,
    /// 显示帮助（-h 为摘要，--help 为完整说明）。
    #[arg(short = 'h', long, global = true, action = ArgAction::Help)]
    help: Option<bool>,
    /// 显示版本和构建信息。
    #[arg(short = 'V', long, action = ArgAction::Version)]
    version: Option<bool>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// 运行一次完整批处理：收件、检查、判定、生成报告、发送邮件。
    Run(RunArgs),
    /// 显示最近一次批处理的结果：各单位各项材料的状态。
    Status {
        /// 以 JSON 输出（供其他程序使用）；还没有批处理时输出各项均未收到的状态。
        #[arg(long)]
        json: bool,
    },
    /// 检查文件（不需要活动配置）：真实类型、结论和原因。文件夹会递归检查。
    ///
    /// 有不合格文件时退出码为 6。
    Check {
        /// 要检查的文件或文件夹（可以有多个）。
        #[arg(required_unless_present = "imap", value_name = "文件")]
        files: Vec<PathBuf>,
        /// 每个文件输出一行 JSON。
        #[arg(long)]
        json: bool,
        /// 测试 campaign.toml 中 [intake.imap] 的收信邮箱设置：登录，列出文件夹和邮件数，不收取任何邮件。
        #[arg(long, conflicts_with = "files")]
        imap: bool,
    },
    /// 根据办公室的活动安排表生成带注释的 campaign.toml，并创建 inbox/ 和 templates/。
    ///
    /// 不使用 -C：生成的 campaign.toml 默认写在活动安排表旁边，用 --out 指定其他位置。
    Init {
        /// init 不使用 -C（见上）；写了就报错，而不是悄悄忽略。
        #[arg(short = 'C', long = "campaign", hide = true, value_name = "活动目录")]
        campaign: Option<PathBuf>,
        /// 活动安排表（xlsx、xls 或 ods）。
        #[arg(long, value_name = "活动安排表")]
        schedule: PathBuf,
        /// 写到哪里（默认：活动安排表所在目录下的 campaign.toml）。
        #[arg(long, value_name = "文件")]
        out: Option<PathBuf>,
        /// 覆盖已有的 campaign.toml。
        #[arg(long)]
        force: bool,
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
        #[arg(long, value_name = "deadline|时刻", conflicts_with = "final_")]
        at: Option<String>,
        /// 活动收尾归档：现在（或活动已结束时在结束时刻）打包全部材料，此后批处理不再自动生成收尾归档。
        #[arg(long = "final")]
        final_: bool,
    },
    /// 登记文件所属单位：办公室认定某个文件（或一封邮件、一个压缩包、一个文件夹中的全部文件）是某单位的。
    ///
    /// 用于“未能识别所属单位”或“可能是…报送的”文件：不必移动或改名文件（移动、改名不会改变认定）。
    /// 登记按文件内容记在台账中：之后文件被移动、改名也仍然算该单位的，到达时间仍为最初收到的时间。
    /// 下一次 baosong run 起计入该单位，该单位收到一封回执（此前已收到，现已登记）。
    ///
    /// 路径照 baosong status 或工作摘要中的写法（相对收件箱，如“未识别/照片.jpg”，压缩包或邮件中的文件写作“报送.zip › 照片/1.jpg”），也可写收件箱中的文件路径。
    ///
    /// 撤销登记：baosong assign --undo 路径。台账中没有这个路径的文件、没有这个单位或这项材料时退出码为 9。
    Assign {
        /// 文件、邮件、压缩包或文件夹的路径（见上）。
        #[arg(value_name = "路径")]
        path: String,
        /// 单位：全称、简称或 campaign.toml 中的别名（如“县民政局”“发改委”）。
        #[arg(value_name = "单位", required_unless_present = "undo")]
        unit: Option<String>,
        /// 同时指定材料：campaign.toml 中该项 [[deliverables]] 的 id；不写时按文件名和内容判断。
        #[arg(long, value_name = "材料")]
        deliverable: Option<String>,
        /// 撤销该路径下文件的登记。
        #[arg(long, conflicts_with_all = ["unit", "deliverable"])]
        undo: bool,
    },
    /// 发件箱：查看、重发、撤销待发邮件，或另发一封已发出的邮件（resend）。不写子命令时同 outbox list。
    Outbox {
        #[command(subcommand)]
        action: Option<OutboxCmd>,
    },
}

/// `baosong run`'s options.
#[derive(clap::Args, Debug)]
pub struct RunArgs {
    /// 评估时刻（如 2025-05-20T16:00，按活动时区），用于补跑和测试；默认为当前时间或 campaign.toml 中的 clock。
    #[arg(long, value_name = "时刻", value_parser = parse_now)]
    pub now: Option<NaiveDateTime>,
    /// 演练：照常检查和判定并打印结果，但不写台账、不生成报告、不发邮件。
    #[arg(long)]
    pub dry_run: bool,
    /// 邮件只入待发队列，不发送（之后用 baosong outbox retry 或下次批处理发送）。
    #[arg(long)]
    pub no_send: bool,
    /// 文件最近修改后需静置的秒数，未静置的文件视为“接收中”（覆盖 campaign.toml）。
    #[arg(long, value_name = "秒数")]
    pub settle: Option<u64>,
    /// 不显示进度条。
    #[arg(long)]
    pub quiet: bool,
    /// 结束时在标准错误输出各阶段耗时（性能测试用）。
    #[arg(long)]
    pub timings: bool,
    /// 即使报告内容与上次相同也重新生成 PDF、Word 和 Excel（默认沿用上次的报告文件）。
    #[arg(long)]
    pub rebuild_report: bool,
    /// （测试用）在某一阶段之后中止，如同崩溃。
    #[arg(long, hide = true, value_enum)]
    pub fail_after: Option<CrashPoint>,
}

#[derive(Subcommand, Debug)]
pub enum OutboxCmd {
    /// 列出待发、发送失败和待确认（可能已送达）的邮件（--all 含已发送）。
    List {
        /// 也列出已发送和已撤销的邮件。
        #[arg(long)]
        all: bool,
    },
    /// 把一封失败、过期或待确认的邮件重新放回待发队列（待确认的邮件请先向收件人核实）。
    Retry {
        /// 邮件编号（见 baosong outbox list）。
        #[arg(value_name = "编号", value_parser = parse_id)]
        id: i64,
    },
    /// 放弃一封待发、失败或待确认的邮件，不再发送。
    Drop {
        /// 邮件编号（见 baosong outbox list）。
        #[arg(value_name = "编号", value_parser = parse_id)]
        id: i64,
    },
    /// 另发一封已发出的邮件（单位说没收到，如回执）。
    ///
    /// 内容与原邮件相同，但是一封新邮件：新的 Message-ID 和日期，References 指向原邮件
    /// （对方的邮件程序会把两封放在一起）。它和其他邮件一样进入待发队列，由下一批
    /// （下一次 baosong run）发送；发件箱中记为“#原编号 的重发”，原邮件的记录不变。
    /// 每执行一次另发一封，发出后不会再发。只能另发“已发送”“已写入（未发送）”或“待确认”的邮件；
    /// 失败或已撤销的请用 retry。编号见 baosong outbox list --all；
    /// 没有这个编号或状态不允许时退出码为 7。
    Resend {
        /// 原邮件的编号（见 baosong outbox list --all）。
        #[arg(value_name = "编号", value_parser = parse_id)]
        id: i64,
    },
}

/// A message's number in the outbox.
fn parse_id(text: &str) -> Result<i64, String> {
    text.trim()
        .parse()
        .map_err(|_| "邮件编号应为数字（见 baosong outbox list）".to_string())
}

/// `--now`: a local date-time in the campaign's zone (the zone is known
/// only once the campaign is loaded).
fn parse_now(text: &str) -> Result<NaiveDateTime, String> {
    crate::campaign::deadline::parse_naive(text)
        .ok_or_else(|| "无法识别的时刻，应如 2025-05-20T16:00 或 2025-05-20 16:00".to_string())
}
