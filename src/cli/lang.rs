//! clap's frame in Chinese: the help layout (用法, 参数, 选项, 命令), the
//! usage lines, the defaults and environment variables of options, and
//! clap's own error messages ([`Chinese`]), so that no English reaches the
//! clerk from the command line.

use std::fmt::Write as _;

use clap::builder::StyledStr;
use clap::error::{ContextKind, ContextValue, ErrorFormatter, ErrorKind};
use clap::{Arg, Command};

/// The help layout: clap's default with the usage heading in Chinese.
const TEMPLATE: &str =
    "{before-help}{about-with-newline}\n用法：{usage}\n\n{all-args}{after-help}\n";

/// The command line with its frame in Chinese, ready to parse.
pub fn localize(cmd: Command) -> Command {
    let cmd = frame(cmd);
    // Usage lines are clap's, computed from a built copy, with its English
    // placeholders replaced.
    let mut built = cmd.clone();
    built.build();
    with_usages(cmd, &built)
}

/// Headings, templates and argument notes, for a command and all below it.
fn frame(cmd: Command) -> Command {
    cmd.help_template(TEMPLATE)
        .subcommand_help_heading("命令")
        .subcommand_value_name("命令")
        .disable_help_flag(true)
        .disable_help_subcommand(true)
        .mut_args(note_defaults)
        .mut_subcommands(frame)
}

/// Each argument under 参数 or 选项, its default and environment variable
/// said in Chinese instead of clap's `[default: …]` and `[env: …]`.
fn note_defaults(arg: Arg) -> Arg {
    let heading = if arg.is_positional() {
        "参数"
    } else {
        "选项"
    };
    let mut notes = Vec::new();
    if let Some(default) = arg.get_default_values().first()
        && !arg.is_hide_default_value_set()
        && arg.get_action().takes_values()
    {
        notes.push(format!("默认为 {}", default.to_string_lossy()));
    }
    if let Some(env) = arg.get_env()
        && !arg.is_hide_env_set()
    {
        notes.push(format!("也可用环境变量 {} 指定", env.to_string_lossy()));
    }
    let takes_values = arg.get_action().takes_values();
    let arg = arg
        .help_heading(heading)
        .hide_default_value(takes_values)
        .hide_env(takes_values)
        .hide_possible_values(takes_values);
    if notes.is_empty() {
        return arg;
    }
    // "…本身。" + note → "…本身（默认为 .）。"
    let noted = |h: &StyledStr| {
        let h = h.to_string();
        format!("{}（{}）。", h.trim_end_matches('。'), notes.join("；"))
    };
    let short = arg.get_help().map(noted);
    let long = arg.get_long_help().map(noted);
    let arg = match short {
        Some(h) => arg.help(h),
        None => arg,
    };
    match long {
        Some(h) => arg.long_help(h),
        None => arg,
    }
}

/// Sets each command's usage line from the built copy's, in Chinese.
fn with_usages(cmd: Command, built: &Command) -> Command {
    let mut built = built.clone();
    let usage = usage_text(&mut built);
    let names: Vec<String> = cmd
        .get_subcommands()
        .map(|s| s.get_name().to_string())
        .collect();
    let mut cmd = cmd.override_usage(usage);
    for name in names {
        let Some(sub) = built.find_subcommand(&name) else {
            continue;
        };
        let sub = sub.clone();
        cmd = cmd.mut_subcommand(&name, |c| with_usages(c, &sub));
    }
    cmd
}

fn usage_text(built: &mut Command) -> String {
    let usage = built.render_usage().to_string();
    let usage = usage.trim_start_matches("Usage:").trim();
    [
        ("[OPTIONS]", "[选项]"),
        ("<COMMAND>", "<命令>"),
        ("[COMMAND]", "[命令]"),
    ]
    .iter()
    .fold(usage.to_string(), |u, (en, zh)| u.replace(en, zh))
}

/// Help as printed: clap ends each heading with an ASCII colon; Chinese
/// text takes the full-width one, as the usage line does.
pub fn help_text(rendered: &str) -> String {
    rendered
        .lines()
        .map(|line| match line.strip_suffix(':') {
            Some(heading) if ["命令", "选项", "参数"].contains(&heading) => {
                format!("{heading}：")
            }
            _ => line.to_string(),
        })
        .collect::<Vec<_>>()
        .join("\n")
        + "\n"
}

/// clap's errors in Chinese: what is wrong, the nearest valid spelling, the
/// usage line, and where to read more.
pub struct Chinese;

impl ErrorFormatter for Chinese {
    fn format_error(error: &clap::error::Error<Self>) -> StyledStr {
        let mut text = format!("错误: {}", message(error));
        for (kind, what) in [
            (ContextKind::SuggestedSubcommand, "命令"),
            (ContextKind::SuggestedArg, "参数"),
            (ContextKind::SuggestedValue, "值"),
        ] {
            if let Some(v) = error.get(kind) {
                let _ = write!(text, "\n\n  提示：是不是要用{what} {}？", quoted(v));
            }
        }
        if let Some(ContextValue::StyledStr(usage)) = error.get(ContextKind::Usage) {
            let usage = usage.to_string();
            let usage = usage.trim_start_matches("Usage:").trim();
            let _ = write!(text, "\n\n用法：{usage}");
        }
        text.push_str("\n\n更多信息请加 --help 查看帮助。\n");
        StyledStr::from(text)
    }
}

/// What is wrong, from the error's kind and context.
fn message(error: &clap::error::Error<Chinese>) -> String {
    let get = |kind| error.get(kind).map(quoted).unwrap_or_default();
    let arg = get(ContextKind::InvalidArg);
    let value = get(ContextKind::InvalidValue);
    if let Some(ContextValue::String(custom)) = error.get(ContextKind::Custom) {
        return custom.clone();
    }
    match error.kind() {
        ErrorKind::UnknownArgument => format!("无法识别的参数 {arg}"),
        ErrorKind::InvalidSubcommand => {
            format!("无法识别的命令 {}", get(ContextKind::InvalidSubcommand))
        }
        ErrorKind::MissingRequiredArgument => format!("缺少必需的参数：{arg}"),
        ErrorKind::MissingSubcommand => format!(
            "{} 需要一个子命令（可用：{}）",
            get(ContextKind::InvalidSubcommand),
            get(ContextKind::ValidSubcommand)
        ),
        ErrorKind::InvalidValue if value == "''" => format!("{arg} 需要一个值"),
        ErrorKind::InvalidValue => {
            let valid = get(ContextKind::ValidValue);
            let valid = if valid.is_empty() {
                String::new()
            } else {
                format!("（可用：{valid}）")
            };
            format!("{arg} 的值 {value} 无效{valid}")
        }
        ErrorKind::ValueValidation => {
            let why = std::error::Error::source(error)
                .map(|s| format!("：{s}"))
                .unwrap_or_default();
            format!("{arg} 的值 {value} 无效{why}")
        }
        ErrorKind::ArgumentConflict => match error.get(ContextKind::PriorArg) {
            Some(prior) if prior != error.get(ContextKind::InvalidArg).unwrap_or(prior) => {
                format!("参数 {arg} 不能与 {} 同时使用", quoted(prior))
            }
            _ => format!("参数 {arg} 只能使用一次"),
        },
        ErrorKind::NoEquals => format!("{arg} 的值需要用等号给出（如 {arg}=值）"),
        ErrorKind::TooManyValues => format!("{arg} 多出了值 {value}"),
        ErrorKind::TooFewValues | ErrorKind::WrongNumberOfValues => {
            format!("{arg} 的值的个数不对")
        }
        ErrorKind::InvalidUtf8 => "参数不是有效的 UTF-8 文本".into(),
        _ => std::error::Error::source(error)
            .map(|s| s.to_string())
            .unwrap_or_else(|| "命令行有误".into()),
    }
}

/// A context value as the message shows it: each name in quotes, a list
/// joined with 、.
fn quoted(value: &ContextValue) -> String {
    match value {
        ContextValue::String(s) => format!("'{s}'"),
        ContextValue::Strings(v) => v
            .iter()
            .map(|s| format!("'{s}'"))
            .collect::<Vec<_>>()
            .join("、"),
        ContextValue::StyledStr(s) => format!("'{s}'"),
        ContextValue::StyledStrs(v) => v
            .iter()
            .map(|s| format!("'{s}'"))
            .collect::<Vec<_>>()
            .join("、"),
        ContextValue::Number(n) => n.to_string(),
        _ => String::new(),
    }
}

/// A usage mistake clap cannot see (an option a command does not use),
/// formatted and exiting like clap's own (exit 2).
pub fn usage_error(
    cmd: &Command,
    subcommand: &str,
    message: String,
) -> clap::error::Error<Chinese> {
    let mut cmd = cmd.clone();
    cmd.build();
    let usage = cmd
        .find_subcommand_mut(subcommand)
        .map(|c| c.render_usage())
        .unwrap_or_default();
    let mut e = clap::error::Error::new(ErrorKind::ArgumentConflict).with_cmd(&cmd);
    e.insert(ContextKind::Custom, ContextValue::String(message));
    e.insert(ContextKind::Usage, ContextValue::StyledStr(usage));
    e
}
