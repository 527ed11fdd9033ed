#!/usr/bin/env bash
# A real IMAP server on 127.0.0.1 for tests/intake_imap.rs and the loopback demo: an unprivileged,
# standalone Dovecot 2.3 (`apt-get install dovecot-imapd`; /etc/dovecot is never read), user clerk
# with a Maildir, IMAP+STARTTLS and IMAPS, a self-signed test CA, `imap_id_log = *` so the ID a
# client sends shows in the log. Under root (CI) it runs as nobody, as imap-login insists.
#
#   .ci/dovecot.sh start DIR   # free ports; the same ports again when DIR was started before
#   .ci/dovecot.sh stop DIR    # kills exactly the pid it started; DIR (the mailbox) is kept
#
# `start` writes DIR/dovecot.env, which the tests read: IMAP_PORT (STARTTLS), IMAPS_PORT,
# IMAP_CA_CERT, IMAP_USER, IMAP_PASSWORD, IMAP_MAILDIR, IMAP_LOG, IMAP_UID, IMAP_GID, IMAP_PID.
set -euo pipefail
DOVECOT=${DOVECOT:-$(command -v dovecot || echo /usr/sbin/dovecot)}

stop() {
  local env="$1/dovecot.env"
  [ -f "$env" ] || return 0
  # shellcheck disable=SC1090
  . "$env"
  if [ -n "${IMAP_PID:-}" ]; then
    kill "$IMAP_PID" 2>/dev/null || true
    for _ in $(seq 100); do kill -0 "$IMAP_PID" 2>/dev/null || break; sleep 0.05; done
  fi
  sed -i 's/^IMAP_PID=.*/IMAP_PID=/' "$env"
}

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

start() {
  [ -x "$DOVECOT" ] || { echo "dovecot: not installed (apt-get install dovecot-imapd)" >&2; exit 1; }
  mkdir -p "$1"
  local d; d=$(realpath "$1")
  local env="$d/dovecot.env" port imaps
  if [ -f "$env" ]; then
    stop "$d"
    # shellcheck disable=SC1090
    . "$env"; port=$IMAP_PORT; imaps=$IMAPS_PORT
  else
    port=$(free_port); imaps=$(free_port)
  fi
  local runner=() user group
  if [ "$(id -u)" = 0 ]; then
    user=nobody; group=nogroup
    runner=(setpriv --reuid=nobody --regid=nogroup --clear-groups)
  else
    user=$(id -un); group=$(id -gn)
  fi
  if [ ! -f "$d/ca.pem" ]; then
    openssl req -x509 -newkey rsa:2048 -nodes -keyout "$d/ca.key" -out "$d/ca.pem" -days 30 \
      -subj "/CN=baosong test IMAP CA" -addext basicConstraints=critical,CA:TRUE \
      -addext keyUsage=critical,keyCertSign,cRLSign 2>/dev/null
    openssl req -newkey rsa:2048 -nodes -keyout "$d/key.pem" -out "$d/server.csr" -subj /CN=localhost 2>/dev/null
    printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n' >"$d/server.ext"
    openssl x509 -req -in "$d/server.csr" -CA "$d/ca.pem" -CAkey "$d/ca.key" -CAcreateserial \
      -out "$d/cert.pem" -days 30 -extfile "$d/server.ext" 2>/dev/null
    chmod 600 "$d/key.pem"
  fi
  mkdir -p "$d/run" "$d/state" "$d/home/clerk/Maildir/"{new,cur,tmp}
  echo "clerk:{PLAIN}s3cret::::$d/home/clerk" >"$d/passwd"
  cat >"$d/dovecot.conf" <<CONF
# Standalone loopback test Dovecot (2.3), written by .ci/dovecot.sh.
protocols = imap
listen = 127.0.0.1
base_dir = $d/run
state_dir = $d/state
instance_name = baosong-imap-$port
log_path = $d/dovecot.log
default_login_user = $user
default_internal_user = $user
default_internal_group = $group
mail_uid = $user
mail_gid = $group
first_valid_uid = 0
first_valid_gid = 0
ssl = yes
ssl_cert = <$d/cert.pem
ssl_key = <$d/key.pem
disable_plaintext_auth = no
auth_mechanisms = plain login
auth_failure_delay = 0
imap_id_log = *
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u $d/passwd
}
userdb {
  driver = passwd-file
  args = username_format=%u $d/passwd
  default_fields = uid=$user gid=$group
}
mail_location = maildir:~/Maildir
service imap-login {
  chroot =
  user = $user
  inet_listener imap {
    address = 127.0.0.1
    port = $port
  }
  inet_listener imaps {
    address = 127.0.0.1
    port = $imaps
  }
}
service anvil {
  chroot =
}
service stats {
  unix_listener stats-reader {
    user = $user
  }
  unix_listener stats-writer {
    user = $user
  }
}
CONF
  chown -R "$user:$group" "$d"
  setsid "${runner[@]}" "$DOVECOT" -F -c "$d/dovecot.conf" >>"$d/dovecot.out" 2>&1 </dev/null &
  local pid=$!
  cat >"$env" <<ENV
IMAP_PORT=$port
IMAPS_PORT=$imaps
IMAP_CA_CERT=$d/ca.pem
IMAP_USER=clerk
IMAP_PASSWORD=s3cret
IMAP_MAILDIR=$d/home/clerk/Maildir
IMAP_LOG=$d/dovecot.log
IMAP_UID=$(id -u "$user")
IMAP_GID=$(getent group "$group" | cut -d: -f3)
IMAP_PID=$pid
ENV
  for _ in $(seq 100); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && (exec 3<>"/dev/tcp/127.0.0.1/$imaps") 2>/dev/null; then
      echo "dovecot: imap+starttls $port, imaps $imaps; env in $env"
      return 0
    fi
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.05
  done
  echo "dovecot: did not start:" >&2; cat "$d/dovecot.out" "$d/dovecot.log" >&2 2>/dev/null || true
  stop "$d"; exit 1
}

case "${1:-}" in
  start) start "${2:?usage: $0 start DIR}" ;;
  stop) stop "${2:?usage: $0 stop DIR}" ;;
  *) echo "usage: $0 start|stop DIR" >&2; exit 2 ;;
esac
