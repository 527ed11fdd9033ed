//! Every mistake a clerk can make at the command line, one row each: the
//! real `baosong` binary on a small campaign with that mistake, its exit
//! code as the README documents it, and a message in Chinese that names
//! the file or folder and what to do about it, with no English from the
//! operating system or the argument parser in it.

mod campaign;

use std::path::Path;

use campaign::*;

/// One mistake: how to make it, the command that meets it, the exit code,
/// and what the message must name.
struct Mistake {
    name: &'static str,
    make: fn(&Path),
    args: &'static [&'static str],
    code: i32,
    names: &'static [&'static str],
}

const TABLE: &[Mistake] = &[
    Mistake {
        name: "no campaign.toml in the folder",
        make: |d| std::fs::remove_file(d.join("campaign.toml")).unwrap(),
        args: &["run"],
        code: 3,
        names: &["campaign.toml", "-C", "baosong init --schedule"],
    },
    Mistake {
        name: "campaign.toml cannot be read",
        make: |d| {
            std::fs::remove_file(d.join("campaign.toml")).unwrap();
            std::fs::create_dir(d.join("campaign.toml")).unwrap();
        },
        args: &["status"],
        code: 3,
        names: &["campaign.toml", "文件夹"],
    },
    Mistake {
        name: "no schedule",
        make: |d| std::fs::remove_file(d.join("活动安排表.xlsx")).unwrap(),
        args: &["run", "--dry-run"],
        code: 3,
        names: &[
            "campaign.toml",
            "[paths] schedule",
            "活动安排表.xlsx",
            "不存在",
        ],
    },
    Mistake {
        name: "no inbox",
        make: |d| std::fs::remove_dir(d.join("inbox")).unwrap(),
        args: &["run"],
        code: 3,
        names: &["campaign.toml", "[paths] inbox", "inbox", "mkdir -p"],
    },
    Mistake {
        name: "the inbox is a file",
        make: |d| {
            std::fs::remove_dir(d.join("inbox")).unwrap();
            std::fs::write(d.join("inbox"), "").unwrap();
        },
        args: &["run", "--dry-run"],
        code: 3,
        names: &["[paths] inbox", "不是文件夹"],
    },
    Mistake {
        name: "the templates folder is a file",
        make: |d| std::fs::write(d.join("templates"), "").unwrap(),
        args: &["run"],
        code: 3,
        names: &["[paths] templates", "templates", "内置模板"],
    },
    Mistake {
        name: "a template that does not parse",
        make: |d| {
            std::fs::create_dir(d.join("templates")).unwrap();
            std::fs::write(
                d.join("templates/receipt.txt.j2"),
                "Subject: 回执\n\n{{ unit_name ",
            )
            .unwrap();
        },
        args: &["run"],
        code: 3,
        names: &["receipt.txt.j2", "[paths] templates", "内置模板"],
    },
    Mistake {
        name: "the state folder cannot be made",
        make: |d| std::fs::write(d.join("state"), "").unwrap(),
        args: &["run"],
        code: 3,
        names: &["[paths] state", "state", "可写"],
    },
    Mistake {
        name: "the output folder cannot be made",
        make: |d| std::fs::write(d.join("out"), "").unwrap(),
        args: &["run"],
        code: 3,
        names: &["[paths] output", "out", "可写"],
    },
    Mistake {
        name: "an extension for a unit not on the roster",
        make: |d| {
            append(
                d,
                "\n[[extensions]]\nunit = \"县卫生建康局\"\nextra_workdays = 3\n",
            )
        },
        args: &["run", "--dry-run"],
        code: 3,
        names: &[
            "campaign.toml",
            "[[extensions]]",
            "县卫生建康局",
            "是不是“县卫生健康局”",
        ],
    },
    Mistake {
        name: "an exemption for a unit not on the roster",
        make: |d| {
            append(
                d,
                "\n[[exemptions]]\nunit = \"县林业\"\nreason = \"撤并\"\n",
            )
        },
        args: &["status"],
        code: 3,
        names: &[
            "campaign.toml",
            "[[exemptions]]",
            "县林业",
            "是不是“县林业局”",
        ],
    },
    Mistake {
        name: "a --now that is no time",
        make: |_| {},
        args: &["run", "--now", "2025-13-45"],
        code: 2,
        names: &["--now", "2025-13-45", "2025-05-20T16:00", "--help"],
    },
    Mistake {
        name: "an option no command has",
        make: |_| {},
        args: &["run", "--dry"],
        code: 2,
        names: &["无法识别的参数", "--dry", "--dry-run", "用法："],
    },
    Mistake {
        name: "init without its schedule",
        make: |_| {},
        args: &["init"],
        code: 2,
        names: &["缺少必需的参数", "--schedule", "用法："],
    },
    Mistake {
        name: "-C given to init",
        make: |_| {},
        args: &["init", "--schedule", "活动安排表.xlsx"],
        code: 2,
        names: &["init 不使用 -C", "--out"],
    },
    Mistake {
        name: "a command that does not exist",
        make: |_| {},
        args: &["stauts"],
        code: 2,
        names: &["无法识别的命令", "stauts", "status"],
    },
];

#[test]
fn every_mistake_names_the_fix_and_exits_with_its_code() {
    let mut wrong = Vec::new();
    for m in TABLE {
        let dir = with_mail();
        (m.make)(dir.path());
        let out = baosong(dir.path(), m.args);
        let said = String::from_utf8_lossy(&out.stderr).into_owned();
        let mut problems = Vec::new();
        if out.status.code() != Some(m.code) {
            problems.push(format!("exit {:?}, not {}", out.status.code(), m.code));
        }
        problems.extend(
            m.names
                .iter()
                .filter(|n| !said.contains(*n))
                .map(|n| format!("does not name “{n}”")),
        );
        if !said.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)) {
            problems.push("not in Chinese".into());
        }
        if let Some(english) = english_in(&said) {
            problems.push(format!("English: “{english}”"));
        }
        if !problems.is_empty() {
            wrong.push(format!("{}: {}\n{said}", m.name, problems.join("; ")));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n\n"));
}

/// A batch that fails before it commits leaves no batch `running` and
/// takes no number: the next run is still 第1批.
#[test]
fn a_failed_batch_is_not_counted() {
    let dir = with_mail();
    std::fs::remove_dir(dir.path().join("inbox")).unwrap();
    assert_eq!(baosong(dir.path(), &["run"]).status.code(), Some(3));
    std::fs::create_dir(dir.path().join("inbox")).unwrap();
    // A failure after the batch has begun: the report's folder is a file.
    std::fs::create_dir_all(dir.path().join("out")).unwrap();
    std::fs::write(dir.path().join("out/t"), "").unwrap();
    let failed = baosong(dir.path(), &["run"]);
    assert_eq!(failed.status.code(), Some(1));
    let dry = baosong(dir.path(), &["run", "--dry-run"]);
    let shown = String::from_utf8_lossy(&dry.stdout);
    assert!(shown.contains("第1批"), "{shown}");
    let ledger = rusqlite::Connection::open(dir.path().join("state/ledger.sqlite")).unwrap();
    let running: i64 = ledger
        .query_row(
            "SELECT count(*) FROM batches WHERE status = 'running'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(running, 0, "{}", String::from_utf8_lossy(&failed.stderr));
}

/// `status --json` before any batch is a status document: batch 0, every
/// activity with nothing received.
#[test]
fn status_json_is_always_json() {
    let dir = with_mail();
    let out = baosong(dir.path(), &["status", "--json"]);
    assert_eq!(out.status.code(), Some(0));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["batch"], 0);
    assert_eq!(doc["units"].as_array().unwrap().len(), 2, "{doc}");
    let text = baosong(dir.path(), &["status"]);
    assert_eq!(text.status.code(), Some(0));
    assert!(
        String::from_utf8_lossy(&text.stdout).contains("baosong run --dry-run"),
        "{}",
        String::from_utf8_lossy(&text.stdout)
    );
}

/// `init` where a campaign.toml is already: nothing overwritten, exit 2,
/// and the two ways out named.
#[test]
fn init_does_not_overwrite_a_campaign() {
    let dir = with_mail();
    let before = std::fs::read(dir.path().join("campaign.toml")).unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_baosong"))
        .args(["init", "--schedule", "活动安排表.xlsx"])
        .current_dir(dir.path())
        .env_remove("BAOSONG_CAMPAIGN")
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{said}");
    for fix in ["campaign.toml", "已存在", "--force", "--out"] {
        assert!(said.contains(fix), "{fix}: {said}");
    }
    assert_eq!(
        std::fs::read(dir.path().join("campaign.toml")).unwrap(),
        before
    );
}

/// A file that makes a reader panic (calamine, found by fuzzing) is
/// refused with the Chinese reason, and the terminal (or the cron log)
/// gets no English panic message for it.
#[test]
fn a_reader_that_panics_says_nothing_in_english() {
    let fixture = repo().join("tests/fixtures/inspect/fuzz_xls_short_record_panic.xls");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_baosong"))
        .arg("check")
        .arg(&fixture)
        .env_remove("RUST_LOG")
        .output()
        .unwrap();
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    assert!(stdout.contains(baosong::inspect::PANIC_REASON), "{stdout}");
    assert!(stderr.is_empty(), "{stderr}");
}

/// The small test campaign, with mail written as files (so its templates
/// are read).
fn with_mail() -> tempfile::TempDir {
    let dir = campaign(TOML, &SCHEDULE);
    append(
        dir.path(),
        "\n[mail]\nfrom = \"bgs@example.gov.cn\"\noffice = [\"bgs@example.gov.cn\"]\n",
    );
    dir
}

fn append(dir: &Path, text: &str) {
    let path = dir.join("campaign.toml");
    let mut toml = std::fs::read_to_string(&path).unwrap();
    toml.push_str(text);
    std::fs::write(path, toml).unwrap();
}

/// The first English word of a sentence in `text`, if any: the operating
/// system's and the argument parser's words, not option names or paths.
fn english_in(text: &str) -> Option<String> {
    const WORDS: &[&str] = &[
        "the",
        "and",
        "or",
        "of",
        "to",
        "for",
        "with",
        "not",
        "no",
        "is",
        "was",
        "found",
        "error",
        "usage",
        "options",
        "arguments",
        "commands",
        "required",
        "provided",
        "unexpected",
        "argument",
        "information",
        "try",
        "such",
        "file",
        "directory",
        "permission",
        "denied",
        "invalid",
        "value",
        "print",
        "help",
        "see",
        "more",
        "tip",
        "similar",
        "exists",
        "os",
    ];
    text.split(|c: char| c.is_whitespace() || "，。；：（）“”‘’、".contains(c))
        .filter(|token| !token.starts_with('-') && !token.contains('/') && !token.contains('.'))
        .flat_map(|token| token.split(|c: char| !c.is_ascii_alphabetic()))
        .find(|w| WORDS.contains(&w.to_ascii_lowercase().as_str()))
        .map(String::from)
}
