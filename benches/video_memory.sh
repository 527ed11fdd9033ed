#!/usr/bin/env bash
# Peak memory of a batch with two 3 GB phone videos in the demo's inbox
# (issue 15): memory must not follow file sizes. See benches/README.md.
# The two differ by 1 MB, so the store keeps both.
#
#   benches/video_memory.sh [MEGABYTES]      default: 3000 (each video)
#
# The videos are synthetic (`baosong-generate video`): a complete index
# (moov) and media data that is a hole in the file, so generating them
# takes no disk; the batch then copies them into the store (2 × 3 GB
# written under $BENCH_DIR).
#
# Environment: BENCH_DIR (default /tmp/baosong-bench), CARGO_TARGET_DIR,
# NO_BUILD=1 to use the release binary already built.
set -euo pipefail

MEGABYTES=${1:-3000}
BENCH_DIR=${BENCH_DIR:-/tmp/baosong-bench}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
command -v /usr/bin/time >/dev/null || { echo "需要 /usr/bin/time（apt-get install -y time）" >&2; exit 1; }

if [ -z "${NO_BUILD:-}" ]; then
  echo "== 构建 (release)"
  (cd "$ROOT" && cargo build --release --quiet -p baosong -p baosong-generate --bin baosong --bin baosong-generate)
fi
BIN="$TARGET/release/baosong"
GENERATE="$TARGET/release/baosong-generate"

DIR="$BENCH_DIR/videos-$MEGABYTES"
rm -rf "$DIR"
mkdir -p "$DIR"
cp "$ROOT/campaign.toml" "$ROOT/活动安排表.xlsx" "$DIR/"
cp -r "$ROOT/templates" "$ROOT/inbox" "$DIR/"
mkdir -p "$DIR/inbox/县公安局"
"$GENERATE" video --megabytes "$MEGABYTES" "$DIR/inbox/县公安局/VID_20250604_093000.mp4" >/dev/null
"$GENERATE" video --megabytes "$((MEGABYTES + 1))" "$DIR/inbox/县林业局/活动现场录像.mp4" >/dev/null
echo "=== 演示收件箱 + 两个 ${MEGABYTES} MB 视频（$(du -sh --apparent-size "$DIR/inbox" | cut -f1)，实占磁盘 $(du -sh "$DIR/inbox" | cut -f1)）"

# run LABEL ARGS...: one batch under /usr/bin/time -v.
run() {
  local label=$1; shift
  local log="$DIR/$label"
  sync
  /usr/bin/time -v -o "$log.time" "$BIN" -C "$DIR" "$@" >"$log.out" 2>"$log.err"
  local rss wall
  rss=$(sed -n 's/^[[:space:]]*Maximum resident set size (kbytes): //p' "$log.time")
  wall=$(sed -n 's/^[[:space:]]*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$log.time")
  printf '%-28s wall %8s  peak RSS %5d MB\n' "$label" "$wall" $((rss / 1024))
  grep -E '^(intake|inspect|assess|pdf|docx|xlsx|notify|total) ' "$log.err" | awk '{printf "    %-8s %8s s\n", $1, $2}' || true
}

run first run --quiet --timings
echo "    存储区: $(du -sh "$DIR/state" | cut -f1)"
grep -h "视频" "$DIR/first.out" | head -3 || true
"$BIN" -C "$DIR" status --json | python3 -c '
import json, sys
s = json.load(sys.stdin)
for u in s["units"]:
    for a in u["activities"]:
        for d in a["deliverables"]:
            for f in d["files"]:
                if f.endswith(".mp4"):
                    print("    计入:", u["unit"], d["name"], f)
'
run rerun run --quiet --timings
run check check "$DIR/inbox/县公安局/VID_20250604_093000.mp4"
cat "$DIR/check.out"
