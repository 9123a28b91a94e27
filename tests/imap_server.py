"""A real IMAP server for the tests: Debian's dovecot, on loopback, with its own config.

Everything it needs sits in one temporary folder (config, a passwd-file of users, a self-signed
certificate, the mail).  Dovecot runs as an ordinary user in every case, so the same config works
for a developer (it runs as them) and for CI as root (it runs as the `dovecot` system user that the
package creates): no process of it runs as root, nothing outside the folder is touched.
"""

from __future__ import annotations

import datetime as dt
import grp
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from ipaddress import ip_address
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from imapclient import IMAPClient

from .conftest import free_port

USER, PASSWORD = "jyj@taishan-edu.example.org", "s3cret-pass"


def self_signed(folder: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.timezone.utc)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=2))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


CONFIG = """\
protocols = imap
listen = 127.0.0.1
base_dir = {d}/run
state_dir = {d}/state
instance_name = yuebao-test-{port}
log_path = {d}/dovecot.log
ssl = yes
ssl_cert = <{d}/cert.pem
ssl_key = <{d}/key.pem
disable_plaintext_auth = no
auth_mechanisms = plain login
auth_failure_delay = 0
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {d}/passwd
}}
userdb {{
  driver = passwd-file
  args = username_format=%u {d}/passwd
}}
mail_location = maildir:{d}/mail/%n
default_login_user = {user}
default_internal_user = {user}
default_internal_group = {group}
service anvil {{
  chroot =
  # no penalty after a failed login (2, 4, 8 … s for the address): a test that logs in with a
  # wrong password would slow every login after it; the listener nobody may open turns it off
  unix_listener anvil-auth-penalty {{
    mode = 0
  }}
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {tls_port}
    ssl = yes
  }}
}}
"""


class Dovecot:
    """`up()` starts it (plain IMAP on `port`, IMAP over TLS on `tls_port`), `down()` stops it."""

    def __init__(self):
        self.binary = shutil.which("dovecot") or "/usr/sbin/dovecot"
        if not Path(self.binary).exists():
            raise RuntimeError("dovecot is not installed: apt-get install dovecot-imapd")
        self.run_as = pwd.getpwnam("dovecot") if os.geteuid() == 0 else pwd.getpwuid(os.getuid())
        self.folder = Path(tempfile.mkdtemp(prefix="yuebao-imap-"))  # not under a 0700 pytest dir
        self.port, self.tls_port = free_port(), free_port()
        self.cert, _ = self_signed(self.folder)
        for sub in ("run", "state", "mail"):
            (self.folder / sub).mkdir()
        (self.folder / "passwd").write_text(f"{USER}:{{PLAIN}}{PASSWORD}:::::\n", encoding="utf-8")
        group = grp.getgrgid(self.run_as.pw_gid).gr_name
        (self.folder / "dovecot.conf").write_text(
            CONFIG.format(
                d=self.folder,
                port=self.port,
                tls_port=self.tls_port,
                user=self.run_as.pw_name,
                group=group,
            ),
            encoding="utf-8",
        )
        for path in [self.folder, *self.folder.rglob("*")]:
            os.chown(path, self.run_as.pw_uid, self.run_as.pw_gid)
        self.process = None

    def up(self):
        run_as = {}
        if os.geteuid() == 0:
            run_as = dict(user=self.run_as.pw_uid, group=self.run_as.pw_gid, extra_groups=[])
        self.process = subprocess.Popen(
            [self.binary, "-F", "-c", str(self.folder / "dovecot.conf")],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
            **run_as,
        )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1) as s:
                    if s.recv(100).startswith(b"* OK"):
                        return self
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"dovecot did not start: {self.log()}")

    def down(self):
        if self.process:
            self.process.terminate()
            self.process.wait(timeout=20)
            self.process = None

    def close(self):
        self.down()
        shutil.rmtree(self.folder, ignore_errors=True)

    def log(self) -> str:
        path = self.folder / "dovecot.log"
        return path.read_text(encoding="utf-8", errors="replace") if path.exists() else ""

    def client(self) -> IMAPClient:
        client = IMAPClient("127.0.0.1", port=self.port, ssl=False)
        client.login(USER, PASSWORD)
        return client

    def deliver(self, raw: bytes, when: dt.datetime, folder: str = "INBOX") -> None:
        """APPEND the message as the mail server's delivery would, received at `when`."""
        with self.client() as client:
            client.append(folder, raw, msg_time=when)

    def count(self, folder: str = "INBOX") -> int:
        with self.client() as client:
            if not client.folder_exists(folder):
                return 0
            return client.select_folder(folder, readonly=True)[b"EXISTS"]


if __name__ == "__main__":  # a throwaway mailbox for trying `yuebao demo --mail` by hand
    server = Dovecot().up()
    print(f"IMAP   imap://{USER}@127.0.0.1:{server.port}")
    print(f"TLS    imaps://{USER}@127.0.0.1:{server.tls_port}  (certificate: {server.cert})")
    print(f"password: {PASSWORD}   (Ctrl+C stops the server and removes {server.folder})")
    try:
        server.process.wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()
