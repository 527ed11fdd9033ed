#!/usr/bin/env bash
# Regenerates the renders of the demo's report and status board in docs/ and
# the report's figures (pages, sizes) in README.md and docs/README.md, from one
# run of `baosong run` on a fresh copy of the demo campaign, so they never go
# stale. The board is also rendered for the second demo (examples/jianchang-2023).
#
#   scripts/render-docs.sh
#
# Needs poppler-utils (pdftoppm, pdfinfo, pdftohtml) and chromium.
# BAOSONG=path/to/baosong uses that binary instead of building the release one.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
if [ -z "${BAOSONG:-}" ]; then
  (cd "$ROOT" && cargo build --release --quiet --bin baosong)
  BAOSONG="${CARGO_TARGET_DIR:-$ROOT/target}/release/baosong"
fi
for tool in pdftoppm pdfinfo pdftohtml chromium; do
  command -v "$tool" >/dev/null || { echo "需要 $tool（apt-get install -y poppler-utils）" >&2; exit 1; }
done

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
cp -r "$ROOT/campaign.toml" "$ROOT/活动安排表.xlsx" "$ROOT/templates" "$ROOT/inbox" "$WORK/"
(cd "$WORK" && "$BAOSONG" run --no-send --quiet)
REPORT="$WORK/out/luxi-2025/latest"
PDF="$REPORT/报送情况汇总.pdf"

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
