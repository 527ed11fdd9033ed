"""Loopback SMTP server (aiosmtpd) that misbehaves on purpose, for tests/notify_faults.rs.

usage: smtp_faults.py MAILDIR RULES [--host 127.0.0.1]

Listens on a free port of its own choosing and prints 'READY <port>' on stdout; stop it
with SIGTERM. Every message it accepts (and every message it stores before dropping the
connection) is written to MAILDIR/new with an X-RcptTo header, so a test counts copies by
Message-ID.

RULES is a text file read again on every command, so a test changes the server's
behaviour between two nightly runs without restarting it. One rule a line, for one
address or `*` (every message); a missing or empty file means a well-behaved server:

  reject ADDR        RCPT TO:<ADDR>          → 550 5.1.1 (the address does not exist)
  defer ADDR         after the message data  → 451 4.3.0 (not stored; try again later)
  drop ADDR          after the message data  → the message is stored, then the
                                               connection is closed without a reply
  stall ADDR SECS    RCPT TO:<ADDR>          → no answer for SECS seconds
"""
import argparse
import asyncio
import mailbox
import signal

from aiosmtpd.smtp import SMTP

ap = argparse.ArgumentParser()
ap.add_argument('maildir')
ap.add_argument('rules')
ap.add_argument('--host', default='127.0.0.1')
a = ap.parse_args()

box = mailbox.Maildir(a.maildir, create=True)


def rules():
    """[(action, address, args)] from the rules file, as it is now."""
    try:
        with open(a.rules, encoding='utf-8') as f:
            lines = f.read().splitlines()
    except FileNotFoundError:
        return []
    out = []
    for line in lines:
        parts = line.split()
        if len(parts) >= 2 and not parts[0].startswith('#'):
            out.append((parts[0], parts[1].lower(), parts[2:]))
    return out


def rule(action, addresses):
    """The first rule of `action` that matches one of `addresses`, or None."""
    wanted = {x.lower() for x in addresses}
    for act, addr, args in rules():
        if act == action and (addr == '*' or addr in wanted):
            return args
    return None


def store(envelope):
    header = 'X-RcptTo: ' + ', '.join(envelope.rcpt_tos) + '\r\n'
    box.add(header.encode() + envelope.original_content)


class Faulty:
    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if rule('reject', [address]) is not None:
            return f'550 5.1.1 <{address}>: Recipient address rejected: User unknown'
        stall = rule('stall', [address])
        if stall is not None:
            await asyncio.sleep(float(stall[0]) if stall else 30)
        envelope.rcpt_tos.append(address)
        return '250 OK'

    async def handle_DATA(self, server, session, envelope):
        if rule('defer', envelope.rcpt_tos) is not None:
            return '451 4.3.0 Temporary local problem, please try again later'
        store(envelope)
        if rule('drop', envelope.rcpt_tos) is not None:
            # Stored, and the client never hears so: what a server that
            # crashes or loses its network right after queueing does.
            server.transport.abort()
            return '250 OK'
        return '250 OK: queued'


async def main():
    loop = asyncio.get_running_loop()
    srv = await loop.create_server(
        lambda: SMTP(Faulty(), hostname='localhost', decode_data=False),
        host=a.host, port=0)
    print('READY', srv.sockets[0].getsockname()[1], flush=True)
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    srv.close()


asyncio.run(main())
