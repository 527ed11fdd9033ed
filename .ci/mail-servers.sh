#!/usr/bin/env bash
# Real SMTP servers on 127.0.0.1 for tests/notify_smtp.rs and tests/kill_runs.rs (aiosmtpd;
# `pip install aiosmtpd`). tests/notify_faults.rs starts its own misbehaving one (.ci/smtp_faults.py).
#
#   .ci/mail-servers.sh start   # three servers, each with its own Maildir:
#                               #   plain (no TLS, no AUTH), STARTTLS+AUTH, implicit TLS+AUTH
#   .ci/mail-servers.sh stop
#
# `start` makes a self-signed test CA and a server certificate it signs (SAN localhost,
# 127.0.0.1), starts the servers on free
# ports, waits until each prints READY, and writes an env file the tests read:
#   ${BAOSONG_TEST_MAIL_ENV:-target/mail-servers.env}
# with MAIL_{PLAIN,STARTTLS,TLS}_{PORT,MAILDIR}, MAIL_CA_CERT, MAIL_USER, MAIL_PASSWORD,
# MAIL_STATE_DIR and MAIL_PIDS. `stop` kills exactly those pids and removes the state.
set -euo pipefail
cd "$(dirname "$0")/.."
ENV_FILE=${BAOSONG_TEST_MAIL_ENV:-target/mail-servers.env}
PY=${PYTHON:-python3}

stop() {
  [ -f "$ENV_FILE" ] || { echo "mail servers: not running ($ENV_FILE absent)"; return 0; }
  # shellcheck disable=SC1090
  . "$ENV_FILE"
  for pid in $MAIL_PIDS; do kill "$pid" 2>/dev/null || true; done
  for pid in $MAIL_PIDS; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  done
  rm -rf "$MAIL_STATE_DIR" "$ENV_FILE"
  echo "mail servers: stopped"
}

free_port() { "$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

start() {
  if [ -f "$ENV_FILE" ]; then stop; fi
  "$PY" -c 'import aiosmtpd' 2>/dev/null || { echo "mail servers: aiosmtpd missing (pip install aiosmtpd)" >&2; exit 1; }
  local dir; dir=$(mktemp -d "${TMPDIR:-/tmp}/baosong-mail.XXXXXX")
  # A self-signed test CA (what an office's private CA looks like to baosong) and a server
  # certificate it signs (SAN localhost, 127.0.0.1). rustls refuses a CA certificate used
  # directly as the server's, so the two are separate.
  openssl req -x509 -newkey rsa:2048 -nodes -keyout "$dir/ca.key" -out "$dir/ca.pem" -days 30 \
    -subj "/CN=baosong test CA" -addext basicConstraints=critical,CA:TRUE \
    -addext keyUsage=critical,keyCertSign,cRLSign 2>/dev/null
  openssl req -newkey rsa:2048 -nodes -keyout "$dir/key.pem" -out "$dir/server.csr" -subj /CN=localhost 2>/dev/null
  printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n' >"$dir/server.ext"
  openssl x509 -req -in "$dir/server.csr" -CA "$dir/ca.pem" -CAkey "$dir/ca.key" -CAcreateserial \
    -out "$dir/cert.pem" -days 30 -extfile "$dir/server.ext" 2>/dev/null
  local user=clerk password=s3cret pids="" failed=0
  declare -A port maildir
  for kind in plain starttls tls; do
    port[$kind]=$(free_port)
    maildir[$kind]="$dir/$kind/Maildir"
    mkdir -p "$dir/$kind"
    local args=("${maildir[$kind]}" --port "${port[$kind]}")
    case $kind in
      starttls) args+=(--tls-cert "$dir/cert.pem" --tls-key "$dir/key.pem" --user $user --password $password) ;;
      tls) args+=(--smtps --tls-cert "$dir/cert.pem" --tls-key "$dir/key.pem" --user $user --password $password) ;;
    esac
    setsid "$PY" .ci/smtp_server.py "${args[@]}" >"$dir/$kind.log" 2>&1 </dev/null &
    pids="$pids $!"
  done
  for kind in plain starttls tls; do
    for _ in $(seq 100); do grep -q READY "$dir/$kind.log" && break; sleep 0.1; done
    grep -q READY "$dir/$kind.log" || { echo "mail servers: $kind did not start:" >&2; cat "$dir/$kind.log" >&2; failed=1; }
  done
  mkdir -p "$(dirname "$ENV_FILE")"
  cat >"$ENV_FILE" <<ENV
MAIL_PLAIN_PORT=${port[plain]}
MAIL_PLAIN_MAILDIR=${maildir[plain]}
MAIL_STARTTLS_PORT=${port[starttls]}
MAIL_STARTTLS_MAILDIR=${maildir[starttls]}
MAIL_TLS_PORT=${port[tls]}
MAIL_TLS_MAILDIR=${maildir[tls]}
MAIL_CA_CERT=$dir/ca.pem
MAIL_USER=$user
MAIL_PASSWORD=$password
MAIL_STATE_DIR=$dir
MAIL_PIDS="${pids# }"
ENV
  if [ $failed = 1 ]; then stop; exit 1; fi
  echo "mail servers: plain ${port[plain]}, starttls+auth ${port[starttls]}, tls+auth ${port[tls]}; env in $ENV_FILE"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
