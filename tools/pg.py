"""A throw-away PostgreSQL for the lake's catalog (tests, `make pg-up`, the cluster demo) — development only.

Debian's server binaries (`initdb`, `pg_ctl`) run as an unprivileged user: initdb refuses root, so as root the
cluster belongs to the `postgres` user of the Debian package and every server command runs through `runuser`.
The cluster listens on 127.0.0.1 only (no Unix socket), with `scram-sha-256` for every connection (never `trust`);
the password comes from the caller (the environment for `make pg-up`), is handed to initdb in a 0600 file deleted
right after, and is never written into the folder or printed.

    python -m tools.pg up   [--dir data/pg] [--port 55432]   # password from $KHABAR_LAKE_PASSWORD
    python -m tools.pg down [--dir data/pg]
    python -m tools.pg url  [--dir data/pg]                  # the KHABAR_LAKE value for that cluster
"""

from __future__ import annotations

import argparse
import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

USER = "khabar"  # the catalog's role, made by initdb as the cluster's superuser
DATABASE = "khabar"
SERVICE_USER = "postgres"  # owns the cluster when we are root (Debian's package creates it)


class PgError(RuntimeError):
    """PostgreSQL could not be found, initialised, started or stopped; the message says why."""


def bin_dir() -> Path | None:
    """Where Debian's server binaries are (`/usr/lib/postgresql/<newest>/bin`), or initdb's folder on PATH."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parts[-3]))
    if found:
        return found[-1].parent
    which = shutil.which("initdb")
    return Path(which).parent if which else None


def available() -> bool:
    return bin_dir() is not None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _as_root() -> bool:
    return os.geteuid() == 0


def _run(args: list[str], *, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    cmd = ["runuser", "-u", SERVICE_USER, "--", *args] if _as_root() else args
    return subprocess.run(cmd, capture_output=True, text=True, check=False, env=env)


def _check(proc: subprocess.CompletedProcess[str], what: str) -> None:
    if proc.returncode != 0:
        detail = (proc.stderr or proc.stdout).strip().splitlines()
        raise PgError(f"{what} failed: {detail[-1] if detail else f'exit {proc.returncode}'}")


@dataclass
class Cluster:
    """One PostgreSQL cluster in `folder`, listening on 127.0.0.1:`port`."""

    folder: Path
    port: int

    @property
    def dsn(self) -> str:
        """libpq keywords for the catalog database (no password: that goes in KHABAR_LAKE_PASSWORD)."""
        return f"dbname={DATABASE} host=127.0.0.1 port={self.port} user={USER}"

    @property
    def lake_url(self) -> str:
        return f"ducklake:postgres:{self.dsn}"

    def _bin(self, name: str) -> str:
        root = bin_dir()
        if root is None:
            raise PgError("PostgreSQL is not installed: run `make pg` (Debian's postgresql package)")
        return str(root / name)

    def init(self, password: str) -> None:
        """initdb into `folder` (once) and create the catalog database."""
        if not password:
            raise PgError("no password given: set KHABAR_LAKE_PASSWORD (the catalog never runs without one)")
        if (self.folder / "PG_VERSION").exists():
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        self.folder.chmod(0o700)
        if _as_root():
            owner = pwd.getpwnam(SERVICE_USER)
            os.chown(self.folder, owner.pw_uid, owner.pw_gid)
        fd, pwfile = tempfile.mkstemp(prefix="khabar-pg-")
        try:
            os.write(fd, password.encode() + b"\n")
            os.close(fd)
            if _as_root():
                os.chown(pwfile, owner.pw_uid, owner.pw_gid)
            proc = _run(
                [
                    self._bin("initdb"),
                    "-D",
                    str(self.folder),
                    "--auth=scram-sha-256",
                    f"--username={USER}",
                    f"--pwfile={pwfile}",
                    "--encoding=UTF8",
                    "--no-locale",
                    "--no-instructions",
                ]
            )
        finally:
            Path(pwfile).unlink(missing_ok=True)
        _check(proc, f"initdb {self.folder}")
        with (self.folder / "postgresql.auto.conf").open("a") as conf:
            conf.write(
                "listen_addresses = '127.0.0.1'\nunix_socket_directories = ''\n"
                "password_encryption = 'scram-sha-256'\n"
            )
        self.start()
        env = {**os.environ, "PGPASSWORD": password}
        proc = _run(
            [self._bin("createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", USER, DATABASE], env=env
        )
        _check(proc, "createdb")

    def running(self) -> bool:
        return _run([self._bin("pg_ctl"), "-D", str(self.folder), "status"]).returncode == 0

    def start(self) -> None:
        if self.running():
            return
        proc = _run(
            [
                self._bin("pg_ctl"),
                "-D",
                str(self.folder),
                "-l",
                str(self.folder / "server.log"),
                "-o",
                f"-c port={self.port}",
                "-w",
                "-t",
                "60",
                "start",
            ]
        )
        _check(proc, f"pg_ctl start (see {self.folder / 'server.log'})")
        (self.folder / "khabar-port").write_text(f"{self.port}\n")

    def stop(self, mode: str = "fast") -> None:
        if not (self.folder / "PG_VERSION").exists() or not self.running():
            return
        _check(_run([self._bin("pg_ctl"), "-D", str(self.folder), "-m", mode, "-w", "stop"]), "pg_ctl stop")

    def destroy(self) -> None:
        self.stop("immediate")
        shutil.rmtree(self.folder, ignore_errors=True)


def cluster_in(folder: Path, port: int | None = None) -> Cluster:
    """The cluster in `folder`: its recorded port unless `port` is given."""
    if port is None:
        recorded = folder / "khabar-port"
        port = int(recorded.read_text()) if recorded.exists() else 55432
    return Cluster(folder, port)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m tools.pg", description=__doc__.splitlines()[0])
    ap.add_argument("command", choices=["up", "down", "url", "status"])
    ap.add_argument("--dir", type=Path, default=Path("data/pg"))
    ap.add_argument("--port", type=int)
    args = ap.parse_args(argv)
    cluster = cluster_in(args.dir.resolve(), args.port)
    try:
        if args.command == "up":
            password = os.environ.get("KHABAR_LAKE_PASSWORD") or os.environ.get("PGPASSWORD") or ""
            cluster.init(password)
            cluster.start()
            print(f"PostgreSQL up in {cluster.folder} on 127.0.0.1:{cluster.port}")
            print(f'export KHABAR_LAKE="{cluster.lake_url}"')
        elif args.command == "down":
            cluster.stop()
            print(f"PostgreSQL in {cluster.folder} stopped")
        elif args.command == "status":
            print("running" if cluster.running() else "stopped")
            return 0 if cluster.running() else 3
        else:
            print(cluster.lake_url)
    except PgError as exc:
        print(f"pg: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
