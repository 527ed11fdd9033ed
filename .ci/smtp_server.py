"""Loopback SMTP test server (aiosmtpd): every accepted message is written to a Maildir.

Copied from ../shared/mail/smtp_server.py (verified recipe) so CI depends only on the repo.

usage: smtp_server.py MAILDIR [--port 2525] [--tls-cert C --tls-key K] [--user U --password P] [--smtps]
 - with --tls-cert/--tls-key: STARTTLS offered and required before MAIL/AUTH
 - with --user/--password: AUTH PLAIN/LOGIN required (only after STARTTLS when TLS is on)
 - with --smtps: implicit TLS (port 465 style) instead of STARTTLS
Prints 'READY <port>' on stdout when listening; stop with SIGTERM.
The Mailbox handler adds X-Peer, X-MailFrom and X-RcptTo (the SMTP envelope) to each stored message."""
import argparse
import signal
import ssl

from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Mailbox
from aiosmtpd.smtp import AuthResult, LoginPassword

ap = argparse.ArgumentParser()
ap.add_argument('maildir')
ap.add_argument('--host', default='127.0.0.1')
ap.add_argument('--port', type=int, default=2525)
ap.add_argument('--tls-cert')
ap.add_argument('--tls-key')
ap.add_argument('--smtps', action='store_true')
ap.add_argument('--user')
ap.add_argument('--password')
a = ap.parse_args()

ctx = None
if a.tls_cert:
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(a.tls_cert, a.tls_key)


def authenticator(server, session, envelope, mechanism, auth_data):
    ok = (isinstance(auth_data, LoginPassword)
          and auth_data.login.decode() == a.user
          and auth_data.password.decode() == a.password)
    return AuthResult(success=ok, handled=False)


kw = dict(hostname=a.host, port=a.port, server_hostname='localhost')
if a.user:
    # aiosmtpd does not count implicit TLS as TLS for auth_require_tls
    kw.update(authenticator=authenticator, auth_required=True,
              auth_require_tls=bool(ctx) and not a.smtps)
if ctx and a.smtps:
    kw.update(ssl_context=ctx)
elif ctx:
    kw.update(tls_context=ctx, require_starttls=True)
c = Controller(Mailbox(a.maildir), **kw)
c.start()  # returns once the socket accepts connections
print('READY', a.port, flush=True)
signal.sigwait({signal.SIGTERM, signal.SIGINT})
c.stop()
