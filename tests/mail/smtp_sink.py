"""A small SMTP server for the mail tests: aiosmtpd's Controller on
127.0.0.1:PORT, writing each message it accepts to DIR/<n>.eml. With
--user and --password it offers AUTH (over plain text: loopback only)
and accepts only that account.

    python3 tests/mail/smtp_sink.py PORT DIR [--user U --password P] [--delay S]

With --delay, each message is kept and then answered S seconds later.
"""

import argparse
import asyncio
import email
import email.policy
import os
import signal
import threading

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult


class Sink:
    def __init__(self, folder, delay):
        self.folder = folder
        self.delay = delay
        self.count = 0
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.count += 1
            n = self.count
        path = os.path.join(self.folder, f"{n:05}.eml")
        tmp = path + ".part"
        with open(tmp, "wb") as f:
            f.write(b"X-Envelope-To: " + ", ".join(envelope.rcpt_tos).encode() + b"\r\n")
            f.write(envelope.original_content)
        os.rename(tmp, path)
        # The same message decoded (RFC 2047 headers, quoted-printable or
        # base64 body), for the tests to read.
        msg = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        text = "".join(
            f"{name}: {msg.get(name, '')}\n"
            for name in ["Message-ID", "To", "From", "Subject", "Date", "Auto-Submitted"]
        )
        text += "\n" + msg.get_body(preferencelist=("plain",)).get_content()
        with open(tmp, "w", encoding="utf-8") as f:
            f.write(text)
        os.rename(tmp, path[:-4] + ".txt")
        # Kept, then answered late: a sender stopped now has sent it
        # without knowing.
        if self.delay:
            await asyncio.sleep(self.delay)
        return "250 OK queued as sink-%d" % n


def main():
    p = argparse.ArgumentParser()
    p.add_argument("port", type=int)
    p.add_argument("folder")
    p.add_argument("--user")
    p.add_argument("--password")
    p.add_argument("--delay", type=float, default=0.0, help="seconds before the 250 reply")
    a = p.parse_args()
    os.makedirs(a.folder, exist_ok=True)
    kwargs = {}
    if a.user:
        def authenticator(server, session, envelope, mechanism, auth_data):
            ok = auth_data.login == a.user.encode() and auth_data.password == a.password.encode()
            return AuthResult(success=ok)

        kwargs = dict(authenticator=authenticator, auth_required=True, auth_require_tls=False)
    c = Controller(Sink(a.folder, a.delay), hostname="127.0.0.1", port=a.port, **kwargs)
    c.start()
    print("listening", flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    stop.wait()
    c.stop()


if __name__ == "__main__":
    main()
