#!/usr/bin/env bash
# Regenerates the renders of the demo's report and status board in docs/ and
# the report's figures (pages, sizes) in README.md and docs/README.md, from one
# run of `baosong run` on a fresh copy of the demo campaign, so they never go
# stale. The board is also rendered for the second demo (examples/jianchang-2023).
# Then the program's output shown in README.md and docs/使用手册.md: every block
# between `<!-- render-docs: NAME -->` and `<!-- /render-docs -->` is replaced
# by what the command NAME stands for (see `outputs` below) prints, run on
# fresh copies of the shipped examples; a NAME without a command stops the script.
#
#   scripts/render-docs.sh          everything
#   scripts/render-docs.sh --text   only the program's output in the documents
#
# Needs poppler-utils (pdftoppm, pdfinfo, pdftohtml) and chromium (not for --text).
# BAOSONG=path/to/baosong uses that binary instead of building the release one.
set -euo pipefail
TEXT=0
if [ "${1:-}" = --text ]; then TEXT=1; fi

ROOT=$(cd "$(dirname "$0")/.." && pwd)
if [ -z "${BAOSONG:-}" ]; then
  (cd "$ROOT" && cargo build --release --quiet --bin baosong)
  BAOSONG="${CARGO_TARGET_DIR:-$ROOT/target}/release/baosong"
fi
if [ "$TEXT" = 0 ]; then
for tool in pdftoppm pdfinfo pdftohtml chromium; do
  command -v "$tool" >/dev/null || { echo "需要 $tool（apt-get install -y poppler-utils）" >&2; exit 1; }
done
fi

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
cp -r "$ROOT/campaign.toml" "$ROOT/活动安排表.xlsx" "$ROOT/templates" "$ROOT/inbox" "$WORK/"
unset RUST_LOG
# Without [mail.smtp] the messages are written as .eml files: nothing is sent.
(cd "$WORK" && "$BAOSONG" run >"$WORK/demo-run.txt")
REPORT="$WORK/out/luxi-2025/latest"
PDF="$REPORT/报送情况汇总.pdf"

# The pictures and figures (not with --text).
if [ "$TEXT" = 0 ]; then
PAGES=$(pdfinfo "$PDF" | sed -n 's/^Pages: *//p')
# The page a bookmark points at.
OUTLINE=$(pdftohtml -xml -stdout -i -q "$PDF")
page_of() { printf '%s\n' "$OUTLINE" | grep -o "<item page=\"[0-9]*\">$1" | head -1 | sed 's/<item page="\([0-9]*\)">.*/\1/'; }
STATUS=$(page_of "二、报送情况一览表")
# The first unit: the first （一） under 三、 (page 1 has its own （一）).
UNIT=$(printf '%s\n' "$OUTLINE" | sed -n '/<outline>/,$p' | sed -n '/三、各单位报送材料/,$p' | grep -o '<item page="[0-9]*">（一）' | head -1 | sed 's/<item page="\([0-9]*\)">.*/\1/')
AWAITING=$(page_of "四、尚未收到材料的活动")

rm -f "$ROOT"/docs/report-*.png
render() { pdftoppm -r 60 -png -singlefile -f "$2" -l "$2" "$PDF" "$ROOT/docs/report-$1"; }
render page1 1
render page2 2
render status "$STATUS"
render unit "$UNIT"
render awaiting "$AWAITING"

# The status board: the overview at desktop width, a unit's page (the first
# unit that must act) and 报送情况一览表 at phone width, for both demos.
shot() { # page[#anchor] width height out
  # The page in an iframe of the screen's size: a headless window is at least
  # 500 px wide, so a phone's 390 px would otherwise be laid out at 500.
  local page="${1%%#*}" frame profile
  frame="$(dirname "$page")/_frame.html"
  profile="$(mktemp -d)"
  printf '<!DOCTYPE html><html><body style="margin:0;overflow:hidden"><iframe src="%s" style="width:%spx;height:%spx;border:0;display:block"></iframe></body></html>' \
    "$(basename "$1")" "$2" "$3" >"$frame"
  chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$profile" --hide-scrollbars --window-size="$2,$3" \
    --screenshot="$4" "file://$frame" 2>/dev/null >/dev/null
  rm -rf "$frame" "$profile"
}
first_acting() { # board → the page of the first unit named under 需要督促 that sent photos
  for page in $(grep -o 'href="unit-[0-9]*\.html"' "$1/index.html" | sed 's/href="\(.*\)"/\1/'); do
    grep -q 'files/print/' "$1/$page" && { echo "$page"; return; }
  done
}
rm -f "$ROOT"/docs/board-*.png
shot "$REPORT/index.html" 1280 1600 "$ROOT/docs/board-overview.png"
shot "$REPORT/$(first_acting "$REPORT")" 390 1400 "$ROOT/docs/board-unit.png"
shot "$REPORT/index.html#status" 390 844 "$ROOT/docs/board-status-phone.png"
cp -r "$ROOT/examples/jianchang-2023" "$WORK/jianchang"
(cd "$WORK/jianchang" && "$BAOSONG" run --no-send --quiet >/dev/null)
JBOARD="$WORK/jianchang/out/jianchang-2023/latest"
shot "$JBOARD/index.html" 1280 1600 "$ROOT/docs/board-jianchang-overview.png"
shot "$JBOARD/$(first_acting "$JBOARD")" 390 1400 "$ROOT/docs/board-jianchang-unit.png"

size() { # bytes → "2.7 MB" / "15 KB"
  awk -v b="$(stat -c %s "$1")" 'BEGIN { if (b >= 1048576) printf "%.1f MB", b/1048576; else printf "%.0f KB", b/1024 }'
}
SIZES="PDF $(size "$PDF"), DOCX $(size "$REPORT/报送情况汇总.docx"), XLSX $(size "$REPORT/报送情况统计表.xlsx")"

# block PREFIX: the figures and the renders, image paths prefixed.
block() {
  cat <<EOF
<!-- report-figures: written by scripts/render-docs.sh from the demo; do not edit by hand -->
The demo's report as \`baosong run\` writes it (clock 2025-06-13 20:00): **$PAGES A4 pages**;
$SIZES (how long it takes: benches/README.md). Pages rendered with
\`pdftoppm -r 60\`:

| 第1页：总体情况 | 第2页 | 报送情况一览表 | 各单位报送材料 | 尚未收到材料的活动 |
|---|---|---|---|---|
| ![page 1](${1}report-page1.png) | ![page 2](${1}report-page2.png) | ![status table](${1}report-status.png) | ![a unit](${1}report-unit.png) | ![awaiting](${1}report-awaiting.png) |
<!-- /report-figures -->
EOF
}

# Replaces the block between the markers in a file.
replace_block() {
  local file=$1 prefix=$2 new
  new=$(block "$prefix")
  NEW="$new" python3 - "$file" <<'PY'
import os, re, sys
path = sys.argv[1]
text = open(path, encoding="utf-8").read()
pattern = re.compile(r"<!-- report-figures:.*?<!-- /report-figures -->", re.S)
if not pattern.search(text):
    sys.exit(f"{path}: no <!-- report-figures --> block")
open(path, "w", encoding="utf-8").write(pattern.sub(lambda _: os.environ["NEW"], text, count=1))
PY
}
replace_block "$ROOT/README.md" "docs/"
replace_block "$ROOT/docs/README.md" ""
echo "docs/: $PAGES pages; $SIZES"
fi

# The program's output in the documents. capture NAME DIR [--head N|--ends N] ARGS…:
# `baosong ARGS…` run in DIR (so paths print as the clerk sees them), its
# output and error output (--head: the first N lines; --ends: the first line
# and the last N), and its exit code when not 0.
BLOCKS="$WORK/blocks"
mkdir -p "$BLOCKS"
capture() {
  local name=$1 dir=$2 head=0 ends=0 shown rc=0
  shift 2
  if [ "$1" = --head ]; then head=$2; shift 2; fi
  if [ "$1" = --ends ]; then ends=$2; shift 2; fi
  shown="baosong"
  for arg in "$@"; do
    case "$arg" in *[[:space:]]*) shown="$shown \"$arg\"" ;; *) shown="$shown $arg" ;; esac
  done
  (cd "$dir" && "$BAOSONG" "$@") >"$BLOCKS/$name.raw" 2>&1 || rc=$?
  {
    echo "\$ $shown"
    if [ "$head" -gt 0 ] && [ "$(wc -l <"$BLOCKS/$name.raw")" -gt "$head" ]; then
      head -n "$head" "$BLOCKS/$name.raw"
      echo "…（以下从略）"
    elif [ "$ends" -gt 0 ] && [ "$(wc -l <"$BLOCKS/$name.raw")" -gt $((ends + 1)) ]; then
      head -n 1 "$BLOCKS/$name.raw"
      echo "……（与上面演练相同的部分从略）……"
      tail -n "$ends" "$BLOCKS/$name.raw"
    else
      cat "$BLOCKS/$name.raw"
    fi
    if [ "$rc" != 0 ]; then echo "（退出码 $rc）"; fi
  } >"$BLOCKS/$name"
}
outputs() {
  # README: the demo's first run, as `baosong run` in the repository root prints it.
  { echo "\$ baosong run"; cat "$WORK/demo-run.txt"; } >"$BLOCKS/demo-run"
  # … and the second demo's, from the repository root.
  mkdir -p "$WORK/repo/examples"
  cp -r "$ROOT/examples/jianchang-2023" "$WORK/repo/examples/"
  capture jianchang-run "$WORK/repo" run -C examples/jianchang-2023
  # … and the third's.
  cp -r "$ROOT/examples/chengdong-2024" "$WORK/repo/examples/"
  capture chengdong-run "$WORK/repo" run -C examples/chengdong-2024

  # 使用手册: a first campaign from the 建昌 notice's own schedule …
  local first="$WORK/manual/first" jc="$WORK/manual/jianchang"
  mkdir -p "$first"
  cp "$ROOT/examples/jianchang-2023/活动安排表.xlsx" "$first/"
  capture init "$first" init --schedule 活动安排表.xlsx
  # … and the shipped example written as the notice says, night one.
  cp -r "$ROOT/examples/jianchang-2023" "$jc"
  capture check "$jc" check inbox/县财政局 inbox/邮件/县水利局活动总结.eml
  capture check-rejected "$WORK/inbox" check 县交通运输局/路政宣传月活动总结.docx
  capture dry-run "$jc" run --dry-run
  capture run "$jc" --ends 10 run
  capture status "$jc" --head 12 status
  capture outbox "$jc" --head 6 outbox list --all
  capture resend "$jc" outbox resend 13
  capture resend-unknown "$jc" outbox resend 99
  # Mistakes: no campaign.toml here; a misspelt key.
  mkdir -p "$WORK/manual/empty"
  capture no-campaign "$WORK/manual/empty" run
  cp -r "$ROOT/examples/jianchang-2023" "$WORK/manual/typo"
  sed -i '0,/^keywords = /s//keyword = /' "$WORK/manual/typo/campaign.toml"
  capture typo "$WORK/manual/typo" run --dry-run
  # An extension for a unit the roster writes otherwise (县卫健局).
  cp -r "$ROOT/examples/jianchang-2023" "$WORK/manual/near"
  printf '\n[[extensions]]\nunit = "县卫建局"\nuntil = "2023-05-26T17:00"\nreason = "经批准延期报送"\n' \
    >>"$WORK/manual/near/campaign.toml"
  capture unknown-unit "$WORK/manual/near" run --dry-run
}
outputs

# Replaces each marked block in a file by its output, in a text fence.
BLOCKS="$BLOCKS" python3 - "$ROOT/README.md" "$ROOT/docs/使用手册.md" <<'PY'
import os, re, sys
blocks = os.environ["BLOCKS"]
pattern = re.compile(r"(<!-- render-docs: ([\w-]+) -->\n).*?(<!-- /render-docs -->)", re.S)
for path in sys.argv[1:]:
    text = open(path, encoding="utf-8").read()
    def fill(m):
        name = m.group(2)
        try:
            out = open(os.path.join(blocks, name), encoding="utf-8").read()
        except FileNotFoundError:
            sys.exit(f"{path}: <!-- render-docs: {name} --> names no output of scripts/render-docs.sh")
        return f"{m.group(1)}```text\n{out.rstrip(chr(10))}\n```\n{m.group(3)}"
    new = pattern.sub(fill, text)
    if new != text:
        open(path, "w", encoding="utf-8").write(new)
PY

# Every command the 使用手册 tells the clerk to type exists: each `baosong
# COMMAND [SUBCOMMAND] --option` it names is checked against the program's
# own --help.
BAOSONG="$BAOSONG" python3 - "$ROOT/docs/使用手册.md" <<'PY'
import os, re, subprocess, sys
baosong = os.environ["BAOSONG"]
def help_of(*words):
    return subprocess.run([baosong, *words, "--help"], capture_output=True, text=True).stdout
def listed(text, word):
    return re.search(r"(^|[\s,\[])" + re.escape(word) + r"([\s,=\]]|$)", text, re.M) is not None
text = open(sys.argv[1], encoding="utf-8").read()
wrong = set()
for m in re.finditer(r"\bbaosong((?: +[-\w.\[\]|]+)+)", text):
    words = m.group(1).split()
    if words[0] == "baosong":  # sudo -u baosong baosong …
        words = words[1:]
    words = [w.strip("[]") for w in words]
    if not words or not re.fullmatch(r"[a-z]+", words[0]):
        continue
    command = words[:1]
    if not listed(help_of(), command[0]):
        wrong.add(" ".join(command))
        continue
    if len(words) > 1 and re.fullmatch(r"[a-z]+", words[1]) and listed(help_of(*command), words[1]):
        command.append(words[1])
    options = help_of(*command)
    for w in words[len(command):]:
        option = w.split("=")[0]
        if option.startswith("-") and not listed(options, option):
            wrong.add(" ".join(command) + " " + option)
if wrong:
    sys.exit("docs/使用手册.md names what baosong does not have: " + "; ".join(sorted(wrong)))
PY
echo "README.md, docs/使用手册.md: the program's output regenerated"
