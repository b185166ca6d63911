"""A throwaway PostgreSQL cluster in a temporary folder, for tests and benchmarks.

It runs the server binaries that the machine has (``initdb``, ``pg_ctl``),
listens only on a Unix socket inside its own folder, and is removed on stop.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TypedDict

# The role the application runs as; the cluster's superuser owns the tables and migrates.
APPLICATION_ROLE = "pollwatch_app"


class PostgresUnavailable(RuntimeError):
    """The PostgreSQL server binaries cannot be found on this machine."""


def find_server_binaries() -> Path:
    """Return the folder holding ``initdb`` and ``pg_ctl``, newest version first."""
    configured = os.environ.get("POLLWATCH_PG_BINDIR")
    candidates = [configured] if configured else []
    candidates += sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)
    found_on_path = shutil.which("initdb")
    if found_on_path:
        candidates.append(str(Path(found_on_path).parent))
    for folder in candidates:
        if folder and (Path(folder) / "initdb").exists() and (Path(folder) / "pg_ctl").exists():
            return Path(folder)
    raise PostgresUnavailable(
        "PostgreSQL server binaries (initdb, pg_ctl) were not found; install the "
        "postgresql package or set POLLWATCH_PG_BINDIR."
    )


@dataclass
class ThrowawayPostgres:
    """A running cluster; ``url`` is a DATABASE_URL for its ``postgres`` role."""

    root: Path
    bindir: Path
    user: str = "postgres"

    @property
    def socket_dir(self) -> Path:
        return self.root / "socket"

    @property
    def url(self) -> str:
        return self.url_for(self.user)

    @property
    def application_url(self) -> str:
        """The same database as the application role, which may only add to the audit trail."""
        return self.url_for(APPLICATION_ROLE)

    def url_for(self, role: str, database: str = "postgres") -> str:
        # An empty host with a ``host`` query parameter makes libpq use the socket folder.
        return f"postgres://{role}@/{database}?host={self.socket_dir}"

    def restart(self) -> None:
        """Stop the server (fast shutdown, as an operator would) and start it again."""
        # The server started again writes to a log file, not to a pipe nobody would close.
        subprocess.run(
            [str(self.bindir / "pg_ctl"), "-D", str(self.root / "data"), "-m", "fast"]
            + ["-l", str(self.root / "server.log"), "-w", "restart"],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            timeout=120,
            **_as_postgres_user(),
        )

    def stop(self) -> None:
        subprocess.run(
            [str(self.bindir / "pg_ctl"), "-D", str(self.root / "data"), "-m", "immediate", "stop"],
            capture_output=True,
            check=False,
            **_as_postgres_user(),
        )
        shutil.rmtree(self.root, ignore_errors=True)


class _RunAs(TypedDict, total=False):
    """Keyword arguments of :func:`subprocess.run` that drop to another account."""

    user: int
    group: int
    extra_groups: list[int]


def _as_postgres_user() -> _RunAs:
    """initdb refuses to run as root; drop to the ``postgres`` account when we are root."""
    if os.geteuid() != 0:
        return {}
    import pwd

    try:
        account = pwd.getpwnam("postgres")
    except KeyError as missing:
        raise PostgresUnavailable("running as root needs a 'postgres' system account") from missing
    return {"user": account.pw_uid, "group": account.pw_gid, "extra_groups": []}


def start_throwaway_postgres(extra_settings: dict[str, str] | None = None) -> ThrowawayPostgres:
    """Create and start a fresh cluster; the caller must ``stop()`` it."""
    bindir = find_server_binaries()
    root = Path(tempfile.mkdtemp(prefix="pollwatch-pg-"))
    cluster = ThrowawayPostgres(root=root, bindir=bindir)
    as_user = _as_postgres_user()
    if as_user:
        os.chown(root, as_user["user"], as_user["group"])
    cluster.socket_dir.mkdir()
    if as_user:
        os.chown(cluster.socket_dir, as_user["user"], as_user["group"])
    subprocess.run(
        [
            str(bindir / "initdb"),
            "-D",
            str(root / "data"),
            "-U",
            cluster.user,
            "--auth=trust",
            "--encoding=UTF8",
            "--locale=C",
            "--no-sync",
        ],
        check=True,
        capture_output=True,
        **as_user,
    )
    settings = {
        "listen_addresses": "''",
        "unix_socket_directories": f"'{cluster.socket_dir}'",
        "fsync": "off",
        "synchronous_commit": "off",
        "full_page_writes": "off",
        "max_connections": "200",
        "shared_buffers": "256MB",
    }
    settings.update(extra_settings or {})
    options = " ".join(f"-c {key}={value}" for key, value in settings.items())
    result = subprocess.run(
        [
            str(bindir / "pg_ctl"),
            "-D",
            str(root / "data"),
            "-o",
            options,
            "-l",
            str(root / "server.log"),
            "-w",
            "-t",
            "60",
            "start",
        ],
        capture_output=True,
        text=True,
        check=False,
        **as_user,
    )
    if result.returncode != 0:
        log = (root / "server.log").read_text() if (root / "server.log").exists() else ""
        cluster.stop()
        raise RuntimeError(f"PostgreSQL did not start: {result.stderr}\n{log}")
    _create_application_role(cluster)
    return cluster


def _create_application_role(cluster: ThrowawayPostgres) -> None:
    """The application's login; ``migrate`` grants it its privileges on each database."""
    import psycopg

    with psycopg.connect(cluster.url, autocommit=True) as connection:
        connection.execute(f"CREATE ROLE {APPLICATION_ROLE} LOGIN")
