#!/bin/sh
# 备份一个活动的 state/（台账数据库 + 文件存档），在批处理之外运行（如每天 03:00）：
#   deploy/backup-state.sh /srv/baosong/luxi-2025 /backup/baosong
# 复制时持有批处理的锁（state/baosong.lock），不会有批处理同时写入；
# 此时启动的批处理以退出码 4 结束，下次照常运行。需要 sqlite3 与 flock（util-linux）。
set -eu
campaign=${1:?用法: backup-state.sh 活动目录 备份目录}
dest=${2:?用法: backup-state.sh 活动目录 备份目录}/$(basename "$campaign")/$(date +%Y%m%d-%H%M)
mkdir -p "$dest"
cd "$campaign/state"
flock --nonblock baosong.lock sh -c '
  set -e
  sqlite3 ledger.sqlite ".backup \"$1/ledger.sqlite\""
  test "$(sqlite3 "$1/ledger.sqlite" "PRAGMA integrity_check")" = ok
  for d in blobs inspections derived; do
    if [ -d "$d" ]; then cp -a "$d" "$1/"; fi
  done
' backup "$dest"
echo "已备份到 $dest"
