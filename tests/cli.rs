//! The command line as the clerk meets it: every command's help in
//! Chinese with every option described, `--version` with its build, and
//! the man pages and bash completion the Debian package ships being what
//! the command line generates (`BAOSONG_BLESS=1 cargo test --test cli`
//! writes them again after a change).

use std::path::{Path, PathBuf};
use std::process::Command;

/// The English words of a sentence: clap's own frame ("Usage", "Options",
/// "Print help", "[default: …]") and anything written in English.
const ENGLISH: &[&str] = &[
    "the",
    "and",
    "of",
    "to",
    "for",
    "with",
    "this",
    "that",
    "is",
    "are",
    "be",
    "or",
    "an",
    "usage",
    "options",
    "arguments",
    "commands",
    "print",
    "help",
    "version",
    "default",
    "env",
    "possible",
    "values",
    "see",
    "more",
    "summary",
    "subcommand",
    "campaign",
    "file",
    "folder",
    "testing",
    "stop",
    "right",
    "after",
    "stage",
    "as",
    "would",
];

/// The first English word of `text` outside option names, commands,
/// variables, paths and file names.
fn english_word(text: &str) -> Option<String> {
    const CODE: &[&str] = &[
        "baosong", "outbox", "retry", "list", "drop", "resend", "status",
    ];
    let mut after_command = false;
    for token in text.split(|c: char| c.is_whitespace() || "，。；：（）“”、[]<>".contains(c))
    {
        // A command as typed (`baosong run --dry-run`) is not English.
        let is_code = token.starts_with('-')
            || token.contains(['/', '.', '=', '_', '@', '|', '#', '\''])
            || token.chars().any(|c| c.is_ascii_uppercase())
            || CODE.contains(&token)
            || (after_command && token.chars().all(|c| c.is_ascii_lowercase()));
        after_command = token.ends_with("baosong") || (after_command && is_code);
        if is_code {
            continue;
        }
        for word in token.split(|c: char| !c.is_ascii_alphabetic()) {
            if ENGLISH.contains(&word.to_ascii_lowercase().as_str()) {
                return Some(format!("{word} (in “{token}”)"));
            }
        }
    }
    None
}

/// Every command's path: `[]`, `["run"]`, `["outbox", "retry"]`, ….
fn commands(cmd: &clap::Command, path: Vec<String>, out: &mut Vec<Vec<String>>) {
    out.push(path.clone());
    for sub in cmd.get_subcommands() {
        let mut p = path.clone();
        p.push(sub.get_name().to_string());
        commands(sub, p, out);
    }
}

fn baosong(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_baosong"))
        .args(args)
        .env_remove("BAOSONG_CAMPAIGN")
        .output()
        .unwrap()
}

#[test]
fn every_help_is_in_chinese_and_describes_every_option() {
    let mut paths = Vec::new();
    commands(&baosong::cli::command(), Vec::new(), &mut paths);
    assert!(paths.len() >= 11, "{paths:?}");
    for path in paths {
        for flag in ["-h", "--help"] {
            let mut args: Vec<&str> = path.iter().map(String::as_str).collect();
            args.push(flag);
            let out = baosong(&args);
            let help = String::from_utf8_lossy(&out.stdout);
            assert_eq!(out.status.code(), Some(0), "{args:?}");
            assert!(help.contains("用法："), "{args:?}:\n{help}");
            if let Some(word) = english_word(&help) {
                panic!("{args:?}: English “{word}”:\n{help}");
            }
            // Every option and argument has a description: on its line
            // (short help) or on the next, further indented (long help).
            let lines: Vec<&str> = help.lines().collect();
            for (i, line) in lines.iter().enumerate() {
                let entry = line.trim_start();
                let indent = line.len() - entry.len();
                if !(2..=6).contains(&indent) || !entry.starts_with(['-', '<', '[']) {
                    continue;
                }
                let same_line = entry
                    .split("  ")
                    .skip(1)
                    .any(|part| part.contains(|c: char| ('\u{4e00}'..='\u{9fff}').contains(&c)));
                let next_line = lines.get(i + 1).is_some_and(|next| {
                    let text = next.trim_start();
                    next.len() - text.len() > indent
                        && text.contains(|c: char| ('\u{4e00}'..='\u{9fff}').contains(&c))
                });
                assert!(
                    same_line || next_line,
                    "{args:?}: “{entry}” has no description:\n{help}"
                );
            }
        }
    }
}

#[test]
fn clap_errors_are_in_chinese() {
    for (args, says) in [
        (&["run", "--frobnicate"][..], "无法识别的参数"),
        (&["init"][..], "缺少必需的参数"),
        (&["outbox", "retry", "seven"][..], "无效"),
        (&["nosuch"][..], "无法识别的命令"),
        (&[][..], "用法："),
    ] {
        let out = baosong(args);
        let said = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {said}");
        assert!(said.contains(says), "{args:?}: {said}");
        assert!(english_word(&said).is_none(), "{args:?}: {said}");
    }
}

#[test]
fn help_headings_end_in_a_full_width_colon() {
    for args in [
        &["--help"][..],
        &["run", "--help"],
        &["outbox", "-h"],
        &["init", "--help"],
    ] {
        let out = baosong(args);
        let help = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "{args:?}");
        assert!(help.contains("\n选项：\n"), "{args:?}:\n{help}");
        assert!(
            !help.lines().any(|l| l.ends_with(':')),
            "{args:?}: a heading ends in ':'\n{help}"
        );
    }
}

#[test]
fn version_names_the_build() {
    let out = baosong(&["--version"]);
    let said = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0));
    assert!(
        said.starts_with(&format!("baosong {}（", env!("CARGO_PKG_VERSION"))),
        "{said}"
    );
    // A test build says so instead of naming a commit it was not built from.
    assert!(said.contains("开发构建") || said.contains("提交"), "{said}");
}

#[test]
fn no_colour_codes_when_the_output_is_not_a_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_baosong"))
        .arg("-C")
        .arg(dir.path())
        .args(["status"])
        .env("RUST_LOG", "info")
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(!said.contains('\u{1b}'), "{said:?}");
    let out = baosong(&["run", "--frobnicate"]);
    assert!(
        !out.stderr.contains(&0x1b),
        "{:?}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The files the Debian package ships for the command line, generated.
fn generated() -> Vec<(PathBuf, Vec<u8>)> {
    let cmd = baosong::cli::command().version(env!("CARGO_PKG_VERSION"));
    let mut files = vec![(PathBuf::from("deploy/man/baosong.1"), man(&cmd, "baosong"))];
    for sub in cmd.get_subcommands() {
        let name = format!("baosong-{}", sub.get_name());
        let leaked: &'static str = name.clone().leak();
        let page = man(
            &sub.clone().name(leaked).version(env!("CARGO_PKG_VERSION")),
            &name,
        );
        files.push((PathBuf::from(format!("deploy/man/{name}.1")), page));
    }
    let mut bash = Vec::new();
    clap_complete::generate(
        clap_complete::Shell::Bash,
        &mut cmd.clone(),
        "baosong",
        &mut bash,
    );
    files.push((PathBuf::from("deploy/completions/baosong.bash"), bash));
    files
}

/// A man page with its section headings in Chinese.
fn man(cmd: &clap::Command, name: &str) -> Vec<u8> {
    let mut roff = Vec::new();
    clap_mangen::Man::new(cmd.clone())
        .title(name)
        .section("1")
        .manual("报送使用说明")
        .render(&mut roff)
        .unwrap();
    let text = String::from_utf8(roff).unwrap();
    [
        (".SH NAME", ".SH 名称"),
        (".SH SYNOPSIS", ".SH 用法"),
        (".SH DESCRIPTION", ".SH 说明"),
        (".SH OPTIONS", ".SH 选项"),
        (".SH SUBCOMMANDS", ".SH 命令"),
        (".SH EXTRA", ".SH 退出码和日志"),
        (".SH VERSION", ".SH 版本"),
    ]
    .iter()
    .fold(text, |t, (en, zh)| t.replace(en, zh))
    .into_bytes()
}

#[test]
fn the_packaged_man_pages_and_completion_are_current() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let bless = std::env::var_os("BAOSONG_BLESS").is_some();
    for (rel, bytes) in generated() {
        let path = root.join(&rel);
        if bless {
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, &bytes).unwrap();
            continue;
        }
        let committed = std::fs::read(&path).unwrap_or_default();
        assert!(
            committed == bytes,
            "{} is not what the command line generates; run BAOSONG_BLESS=1 cargo test --test cli",
            rel.display()
        );
        let text = String::from_utf8_lossy(&bytes);
        if rel.extension().is_some_and(|e| e == "1") {
            assert!(
                !text.contains(".SH NAME") && text.contains("报送"),
                "{text}"
            );
        }
    }
}

/// Every shipped example is in the package, with the command line's files
/// and the systemd units.
#[test]
fn the_package_ships_every_example() {
    let manifest =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml")).unwrap();
    for example in baosong_generate::EXAMPLES {
        let target = format!("usr/share/baosong/examples/{}/", example.name);
        assert!(
            manifest.contains(&target),
            "{target} not in [package.metadata.deb]"
        );
    }
    for asset in [
        "deploy/man/",
        "deploy/completions/baosong.bash",
        "deploy/baosong@.service",
        "deploy/baosong@.timer",
    ] {
        assert!(
            manifest.contains(asset),
            "{asset} not in [package.metadata.deb]"
        );
    }
}
