//! What `baosong --version` says the program was built from
//! (`BAOSONG_BUILD`): in a release build, the git commit and its date, or
//! that it was built outside git; in development and test builds a fixed
//! word, so that a commit does not rebuild the library.

use std::process::Command;

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed=BAOSONG_BUILD");
    let release = std::env::var("PROFILE").is_ok_and(|p| p == "release");
    let build = match std::env::var("BAOSONG_BUILD") {
        Ok(given) => given,
        Err(_) if release => from_git(),
        Err(_) => "开发构建".to_string(),
    };
    println!("cargo:rustc-env=BAOSONG_BUILD={build}");
}

/// "提交 abc1234，2026-11-23", or what is known without git.
fn from_git() -> String {
    let git = |args: &[&str]| {
        Command::new("git")
            .args(args)
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
    };
    // A new commit or checkout changes HEAD (or the branch it names).
    let mut watched = vec!["HEAD".to_string()];
    watched.extend(git(&["symbolic-ref", "-q", "HEAD"]));
    for name in watched {
        if let Some(path) = git(&["rev-parse", "--git-path", &name]) {
            println!("cargo:rerun-if-changed={path}");
        }
    }
    match (
        git(&["rev-parse", "--short=10", "HEAD"]),
        git(&["log", "-1", "--format=%cs"]),
    ) {
        (Some(commit), Some(date)) => {
            let dirty = git(&["status", "--porcelain", "--untracked-files=no"])
                .is_some_and(|s| !s.is_empty());
            format!(
                "提交 {commit}{}，{date}",
                if dirty {
                    "（有未提交的修改）"
                } else {
                    ""
                }
            )
        }
        _ => "不在 git 仓库中构建，提交未知".to_string(),
    }
}
