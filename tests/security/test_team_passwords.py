"""``annotator team add``: a password never on the command line, never a login without one by
accident, and never sent to the server in clear text (its log holds a SCRAM verifier only)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import pty
import subprocess
import sys
import uuid

import psycopg
import pytest

from annotator.storage import postgres

pytestmark = pytest.mark.subprocess


@pytest.fixture
def lead_url(pg_cluster, pg_database, cli, tmp_path):
    url = pg_database(owner="lead")
    (tmp_path / "a.txt").write_text("Headline\n\nBody text.")
    cli("--project", url, "import", tmp_path / "a.txt", check=0)
    return url


def superuser(cluster) -> psycopg.Connection:
    return psycopg.connect(f"host=127.0.0.1 port={cluster.port} dbname=postgres user={cluster.superuser}",
                           autocommit=True)


def stored_verifier(cluster, role: str) -> str | None:
    with superuser(cluster) as c:
        row = c.execute("SELECT rolpassword FROM pg_authid WHERE rolname = %s", (role,)).fetchone()
    return None if row is None else row[0]


def role_exists(cluster, role: str) -> bool:
    with superuser(cluster) as c:
        return c.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (role,)).fetchone() is not None


def matches(verifier: str, password: str) -> bool:
    """RFC 5802 / 7677, computed here with hashlib: does ``verifier`` belong to ``password``?"""
    scheme, rest = verifier.split("$", 1)
    iter_salt, keys = rest.split("$")
    iterations, salt = iter_salt.split(":")
    stored_key, server_key = (base64.b64decode(k) for k in keys.split(":"))
    salted = hashlib.pbkdf2_hmac("sha256", password.encode(), base64.b64decode(salt), int(iterations))
    client_key = hmac.new(salted, b"Client Key", hashlib.sha256).digest()
    return (scheme == "SCRAM-SHA-256" and hashlib.sha256(client_key).digest() == stored_key
            and hmac.new(salted, b"Server Key", hashlib.sha256).digest() == server_key)


def run_cli(*args, env_extra=None):
    """The CLI as a script runs it: no terminal (stdin is /dev/null)."""
    env = {k: v for k, v in os.environ.items() if k != "ANNOTATOR_NEW_PASSWORD"}
    env.update(env_extra or {})
    return subprocess.run([sys.executable, "-m", "annotator", *map(str, args)], capture_output=True, text=True,
                          env=env, timeout=120, stdin=subprocess.DEVNULL)


def test_no_terminal_and_no_password_refuses(pg_cluster, lead_url):
    r = run_cli("team", "add", "carol", "--project", lead_url)
    assert r.returncode == 2
    assert "no password for carol" in r.stderr and "--no-password" in r.stderr and "Traceback" not in r.stderr
    assert not role_exists(pg_cluster, "carol")


def test_a_password_on_the_command_line_is_refused(pg_cluster, lead_url):
    r = run_cli("team", "add", "carol", "--password", "hunter2-x", "--project", lead_url)
    assert r.returncode == 2 and "process list" in r.stderr and "--password-file" in r.stderr
    assert not role_exists(pg_cluster, "carol")


def test_no_password_on_request_only(pg_cluster, lead_url):
    r = run_cli("team", "add", "carol", "--no-password", "--project", lead_url)
    assert r.returncode == 0, r.stderr
    assert role_exists(pg_cluster, "carol") and stored_verifier(pg_cluster, "carol") is None


def test_password_file_sends_a_scram_verifier_and_no_log_holds_the_password(pg_cluster, lead_url, tmp_path):
    secret = f"Tr0ub4dor&3-{uuid.uuid4().hex[:8]} ü"
    db = postgres.database_name(lead_url)
    with superuser(pg_cluster) as c:  # a server that logs every statement the lead sends
        c.execute(f'ALTER ROLE lead IN DATABASE "{db}" SET log_statement = \'all\'')
    try:
        f = tmp_path / "pw.txt"
        f.write_text(secret + "\n")
        r = run_cli("team", "add", "dana", "--password-file", f, "--project", lead_url)
        assert r.returncode == 0, r.stderr
        r = run_cli("team", "add", "erin", "--project", lead_url, env_extra={"ANNOTATOR_NEW_PASSWORD": secret + "e"})
        assert r.returncode == 0, r.stderr
    finally:
        with superuser(pg_cluster) as c:
            c.execute(f'ALTER ROLE lead IN DATABASE "{db}" RESET log_statement')
    for role, pw in (("dana", secret), ("erin", secret + "e")):
        v = stored_verifier(pg_cluster, role)
        assert v is not None and v.startswith("SCRAM-SHA-256$4096:") and matches(v, pw) and not matches(v, "x")
    log = (pg_cluster.folder / "server.log").read_text(errors="replace")
    assert 'ALTER ROLE "dana" PASSWORD \'SCRAM-SHA-256$' in log  # the log did record the statement …
    assert secret not in log  # … and it holds no password


def test_the_password_logs_in_over_scram(pg_cluster, lead_url, tmp_path):
    """The verifier works with a real client: a scram-sha-256 line in pg_hba.conf for this user."""
    name = f"f{uuid.uuid4().hex[:8]}"
    hba = pg_cluster.folder / "data" / "pg_hba.conf"
    hba.write_text(f"host all {name} 127.0.0.1/32 scram-sha-256\n" + hba.read_text())
    with superuser(pg_cluster) as c:
        c.execute("SELECT pg_reload_conf()")
    pw = tmp_path / "pw"
    pw.write_text("correct horse battery staple")
    assert run_cli("team", "add", name, "--password-file", pw, "--project", lead_url).returncode == 0
    db = postgres.database_name(lead_url)
    base = f"host=127.0.0.1 port={pg_cluster.port} dbname={db} user={name}"
    with psycopg.connect(base + " password='correct horse battery staple'") as c:
        assert c.execute("SELECT session_user").fetchone()[0] == name
    with pytest.raises(psycopg.OperationalError, match="password authentication failed"):
        psycopg.connect(base + " password=wrong").close()


def test_at_a_terminal_the_password_is_asked_twice(pg_cluster, lead_url):
    """Typed at a terminal (a pseudo-terminal here): asked twice, never echoed."""
    master, slave = pty.openpty()
    env = {k: v for k, v in os.environ.items() if k != "ANNOTATOR_NEW_PASSWORD"}
    proc = subprocess.Popen([sys.executable, "-m", "annotator", "team", "add", "gina", "--project", lead_url],
                            stdin=slave, stdout=slave, stderr=slave, env=env, start_new_session=True)
    os.close(slave)
    seen = b""

    def read_until(marker: bytes) -> None:
        nonlocal seen
        while marker not in seen:
            chunk = os.read(master, 1024)
            assert chunk, seen
            seen += chunk

    read_until(b"password for gina: ")
    os.write(master, b"s3cret-typed\n")
    read_until(b"again: ")
    os.write(master, b"s3cret-typed\n")
    try:
        while True:
            chunk = os.read(master, 1024)
            if not chunk:
                break
            seen += chunk
    except OSError:  # EIO: the child closed the terminal
        pass
    assert proc.wait(timeout=120) == 0, seen
    os.close(master)
    assert b"s3cret-typed" not in seen  # not echoed
    assert matches(stored_verifier(pg_cluster, "gina"), "s3cret-typed")
