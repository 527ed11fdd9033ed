#!/usr/bin/env bash
# The Debian package, as a user gets it: built with cargo-deb, unpacked into
# a scratch root (dpkg -x), every file a user relies on checked to be there,
# and the installed binary run on a copy of an installed example campaign.
#
#   .ci/deb.sh            package the binary the test build made (CI)
#   .ci/deb.sh --release  build the release binary first, as `cargo deb` does
#
# CI packages target/debug/baosong, the binary `cargo test` has just built
# and tested: a release build from an empty target costs about 25 more
# minutes on CI's two cores, and what is checked here is the package
# (files, paths, man pages, that the installed program finds everything it
# needs), not the optimiser. Users build with `cargo deb`, which makes the
# release build.
#
# The package is unpacked, not installed with dpkg -i: that would create
# the system user and register the units on the machine running the tests.
# The maintainer scripts are checked for syntax only.
set -euo pipefail
cd "$(dirname "$0")/.."

command -v cargo-deb >/dev/null || cargo install cargo-deb --locked
version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1)
deb_name="baosong_${version}_amd64.deb"

if [ "${1:-}" = --release ]; then
  cargo deb
  deb="target/debian/$deb_name"
else
  # cargo-deb takes the binary from the release folder of the target folder
  # it is given (its dev-profile support is deprecated); the test build's
  # binary is put there, in a target folder of its own.
  staging=target/deb-ci
  mkdir -p "$staging/release"
  cp target/debug/baosong "$staging/release/baosong"
  CARGO_TARGET_DIR=$staging cargo deb --no-build --fast --quiet
  deb="$staging/debian/$deb_name"
fi
test -f "$deb" || { echo "没有生成 $deb" >&2; exit 1; }
dpkg-deb --info "$deb" | sed -n 's/^ \(Package\|Version\|Architecture\|Depends\):/  \1:/p'
for script in deploy/debian/*; do
  sh -n "$script"
done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
root="$work/root"
dpkg -x "$deb" "$root"
bin="$root/usr/bin/baosong"
share="$root/usr/share/baosong"
for f in "$bin" "$share/examples/luxi-2025/campaign.toml" "$share/examples/jianchang-2023/campaign.toml" \
  "$share/examples/chengdong-2024/campaign.toml" "$share/examples/chengdong-2024/活动安排表.xlsx" \
  "$share/templates/report.typ" "$share/templates/board/index.html" "$root/usr/share/man/man1/baosong.1.gz" \
  "$root/usr/share/man/man1/baosong-run.1.gz" "$root/usr/share/bash-completion/completions/baosong" \
  "$root/usr/lib/systemd/system/baosong@.service" "$root/usr/lib/systemd/system/baosong@.timer"; do
  test -e "$f" || { echo "安装包中缺少 ${f#"$root"}" >&2; exit 1; }
done
"$bin" --version

# The installed program on a copy of an installed example, as the README's
# "try it" command does.
cp -r "$share/examples/jianchang-2023" "$work/jianchang"
"$bin" -C "$work/jianchang" run --quiet --no-send > "$work/run.txt"
grep -q "报告:" "$work/run.txt" || { cat "$work/run.txt"; echo "安装的程序没有生成报告" >&2; exit 1; }
ls "$work"/jianchang/out/*/latest/报送情况汇总.pdf >/dev/null
echo "安装包中的 baosong 在示例活动上运行成功：$(head -1 "$work/run.txt")"
