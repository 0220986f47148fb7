"""A local SMTP server for Tradewind's e-mail tests (aiosmtpd from PyPI).

Modes: plain (no TLS, no AUTH), starttls (STARTTLS required, then AUTH PLAIN/LOGIN required),
tls (implicit TLS from the first byte, AUTH required). Each accepted message is written to
OUT/<n>.eml with the envelope in OUT/<n>.json; "reject@" recipients get a 550 and
"busy@" recipients a 451. Prints "ready <port>" once listening.
"""
import argparse, json, os, socket, ssl, sys, time

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Handler:
    def __init__(self, out):
        self.out = out
        self.count = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("reject@"):
            return "550 5.1.1 mailbox unavailable"
        if address.startswith("busy@"):
            return "451 4.3.0 try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        base = os.path.join(self.out, str(self.count))
        with open(base + ".eml", "wb") as f:
            f.write(envelope.original_content or envelope.content)
        with open(base + ".json", "w") as f:
            json.dump({"from": envelope.mail_from, "to": envelope.rcpt_tos, "tls": session.ssl is not None,
                       "user": session.auth_data.login.decode() if session.auth_data else None}, f)
        return "250 Message accepted"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--mode", choices=["plain", "starttls", "tls"], required=True)
    parser.add_argument("--cert")
    parser.add_argument("--key")
    parser.add_argument("--user", default="bot")
    parser.add_argument("--password", default="s3cret")
    parser.add_argument("--out", required=True)
    args = parser.parse_args()

    def authenticator(server, session, envelope, mechanism, auth_data):
        ok = auth_data.login.decode() == args.user and auth_data.password.decode() == args.password
        return AuthResult(success=ok, handled=False, auth_data=auth_data)

    context = None
    if args.mode != "plain":
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(args.cert, args.key)
    port = free_port()
    options = dict(hostname="127.0.0.1", port=port, authenticator=authenticator)
    if args.mode == "plain":
        controller = Controller(Handler(args.out), auth_require_tls=True, **options)
    elif args.mode == "starttls":
        controller = Controller(Handler(args.out), tls_context=context, require_starttls=True, auth_required=True, **options)
    else:
        controller = Controller(Handler(args.out), ssl_context=context, auth_required=True, auth_require_tls=False,
                                server_hostname="localhost", **options)
    controller.start()
    print("ready", port, flush=True)
    try:
        while True:
            time.sleep(3600)
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
