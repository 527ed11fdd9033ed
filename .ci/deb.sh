#!/usr/bin/env bash
# The Debian package, as a user gets it: built with cargo-deb, installed
# (dpkg -i as root; otherwise unpacked into a scratch root with dpkg -x),
# the installed binary run on a copy of an installed example campaign, then
# removed, leaving none of its files behind.
#
#   .ci/deb.sh            package the binary the test build made (CI)
#   .ci/deb.sh --release  build the release binary first, as `cargo deb` does
#
# CI packages target/debug/baosong, the binary `cargo test` has just built
# and tested: a release build from an empty target costs about 25 more
# minutes on CI's two cores, and what is checked here is the package
# (files, paths, maintainer scripts, man pages, that the installed program
# finds everything it needs), not the optimiser. Users build with `cargo deb`,
# which makes the release build.
set -euo pipefail
cd "$(dirname "$0")/.."

command -v cargo-deb >/dev/null || cargo install cargo-deb --locked
version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1)
deb_name="baosong_${version}_amd64.deb"

if [ "${1:-}" = --release ]; then
  cargo deb
  deb="target/debian/$deb_name"
else
  # cargo-deb takes binaries from the release folder of the target folder it
  # is given; the test build's binary is put there, in a folder of its own.
  staging=target/deb-ci
  mkdir -p "$staging/release"
  cp target/debug/baosong "$staging/release/baosong"
  CARGO_TARGET_DIR=$staging cargo deb --no-build --fast
  deb="$staging/debian/$deb_name"
fi
test -f "$deb" || { echo "没有生成 $deb" >&2; exit 1; }
dpkg-deb --info "$deb" | sed -n 's/^ \(Package\|Version\|Architecture\|Depends\):/  \1:/p'

work=$(mktemp -d)
cleanup() { rm -rf "$work"; }
trap cleanup EXIT

# Install: system-wide when we may (CI runs as root in a throw-away
# container), else into a scratch root without the maintainer scripts.
if [ "$(id -u)" = 0 ] && [ -z "${BAOSONG_DEB_SCRATCH:-}" ]; then
  dpkg -i "$deb"
  root=""
  installed=1
else
  dpkg -x "$deb" "$work/root"
  root="$work/root"
  installed=0
fi
bin="$root/usr/bin/baosong"
share="$root/usr/share/baosong"
for f in "$bin" "$share/examples/luxi-2025/campaign.toml" "$share/examples/jianchang-2023/campaign.toml" \
  "$share/templates/report.typ" "$root/usr/share/man/man1/baosong.1" \
  "$root/usr/share/bash-completion/completions/baosong" \
  "$root/usr/lib/systemd/system/baosong@.service" "$root/usr/lib/systemd/system/baosong@.timer"; do
  test -e "$f" || { echo "安装后缺少 $f" >&2; exit 1; }
done
"$bin" --version
if [ "$installed" = 1 ]; then
  getent passwd baosong >/dev/null || { echo "安装后没有用户 baosong" >&2; exit 1; }
  if systemctl is-enabled 'baosong@*' 2>/dev/null | grep -q enabled; then
    echo "安装后启用了定时器（不应自动启用）" >&2; exit 1
  fi
  man -w baosong >/dev/null 2>&1 || test -f /usr/share/man/man1/baosong.1
fi

# The installed program on a copy of an installed example, as the README's
# "try it" command does.
cp -r "$share/examples/jianchang-2023" "$work/jianchang"
"$bin" -C "$work/jianchang" run --quiet --no-send > "$work/run.txt"
grep -q "报告:" "$work/run.txt" || { cat "$work/run.txt"; echo "安装的程序没有生成报告" >&2; exit 1; }
ls "$work"/jianchang/out/*/latest/报送情况汇总.pdf >/dev/null
echo "已安装的 baosong 在示例活动上运行成功：$(head -1 "$work/run.txt")"

if [ "$installed" = 1 ]; then
  dpkg --purge baosong
  for f in /usr/bin/baosong /usr/share/baosong /usr/share/man/man1/baosong.1 \
    /usr/lib/systemd/system/baosong@.service /usr/share/bash-completion/completions/baosong; do
    test ! -e "$f" || { echo "卸载后仍有 $f" >&2; exit 1; }
  done
  echo "已卸载，没有留下文件"
fi
