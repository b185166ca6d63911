"""Benchmark: loss-free intake under load (issue targets: 500 submissions/s, p99 250 ms).

Run from the repository root: ``python bench/intake.py`` (``--seconds 10`` for a
quick check). It starts a throwaway PostgreSQL, migrates and seeds it (an
election, a mission, one team and device per observer, the standard voting
checklist), serves the application with gunicorn in production settings, and
drives it with locust in headless mode:

0. a 15 s warm-up with the load of run 1, whose count is checked but whose
   speed is not judged: the first requests after seeding fill the caches of
   the server processes and of the database;
1. single submissions from 100 concurrent clients, each sending 5.5 a second
   (550/s offered, 10 % above the target, so that a sustained 500/s can be
   seen; ``--pace 0`` sends as fast as answers come back, to measure the most
   the server carries), a share of them resends of keys already acknowledged,
   which must be answered with the first receipt;
2. the same load while one gunicorn worker is killed with SIGKILL halfway and
   PostgreSQL is restarted at three quarters, under the background worker
   (``pollwatch db_worker``) too; sends that failed are sent again afterwards,
   as a phone would, and the worker must still be running and must finish a
   payload a killed web worker left unread (this run is judged by its count
   and by the worker only);
3. batches of 500 submissions.

After every run it counts what the clients saw acknowledged against what the
database holds: every acknowledged key stored exactly once, nothing stored
that no client sent, one first revision and one audit entry per submission.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import random
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pollwatch.lib.throwaway_postgres import (  # noqa: E402
    APPLICATION_ROLE,
    start_throwaway_postgres,
)

LOCUSTFILE = Path(__file__).with_name("intake_locustfile.py")
SINGLE_TARGET_PER_SECOND = 500
P99_TARGET_MS = 250
BATCH_TARGET_PER_SECOND = 5_000
BATCH_SIZE = 500
STATIONS_PER_TEAM = 20
# The standard voting checklist, answered without problems except people turned away.
VOTING_ANSWERS = {
    "secrecy_respected": "yes",
    "group_voting": "no",
    "photographing_ballots": "no",
    "identity_checked": "yes",
    "list_irregularities": "no",
    "turned_away": 0,
    "mobile_box_used": "no",
    "ballot_stuffing": "no",
    "carousel_voting": "no",
    "pressure": "no",
    "vote_buying": "no",
    "organised_transport": "no",
    "campaigning": "no",
    "unauthorised_present": "no",
    "overcrowding": "none",
    "observer_access": "full",
    "overall": "good",
}


@dataclass
class RunResult:
    name: str
    seconds: float
    requests: int = 0
    failures: int = 0
    requests_per_second: float = 0.0
    slowest_window_per_second: float = 0.0
    p50_ms: float = 0.0
    p99_ms: float = 0.0
    stored: int = 0
    acknowledged: int = 0
    resends: int = 0
    resent_after_run: int = 0
    cpu_seconds: dict[str, float] = field(default_factory=dict)
    load_average: float = 0.0
    problems: list[str] = field(default_factory=list)

    @property
    def stored_per_second(self) -> float:
        return self.stored / self.seconds

    def cpu_ms_per_submission(self, part: str) -> float:
        return 1000 * self.cpu_seconds.get(part, 0.0) / max(self.stored, 1)


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=60, help="length of each run")
    parser.add_argument("--users", type=int, default=100, help="concurrent single-send clients")
    parser.add_argument("--batch-users", type=int, default=6, help="concurrent batch clients")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=1, help="threads per gunicorn worker")
    parser.add_argument(
        "--worker-class",
        default="gthread",
        help="gthread keeps clients' connections alive between requests; sync does not",
    )
    parser.add_argument("--observers", type=int, default=100, help="devices (teams) seeded")
    parser.add_argument("--resend-share", type=float, default=0.05)
    parser.add_argument(
        "--pace",
        type=float,
        default=1.1 * SINGLE_TARGET_PER_SECOND / 100,
        help="sends per second of each single-send client (default: 10 %% above the target"
        " over 100 clients); 0 for a closed loop that measures the most the server carries",
    )
    parser.add_argument(
        "--runs",
        default="warmup,single,kill,batch",
        help="comma-separated runs among warmup, single, kill, batch",
    )
    parser.add_argument("--warmup-seconds", type=int, default=15, help="length of the warm-up run")
    parser.add_argument(
        "--keep", action="store_true", help="keep the client records and locust statistics"
    )
    return parser.parse_args()


def main() -> int:
    args = parse_arguments()
    cluster = start_throwaway_postgres()
    workdir = Path(tempfile.mkdtemp(prefix="pollwatch-intake-bench-"))
    if args.keep:
        print(f"client records and locust statistics kept in {workdir}", file=sys.stderr)
    try:
        environment = production_environment(cluster.url, workdir)
        # Seeding migrates as the owner, which grants the application role its share;
        # the server then runs as that role, as a deployment does (docs/security.md).
        environment["POLLWATCH_DB_APPLICATION_ROLE"] = APPLICATION_ROLE
        os.environ.update(environment)
        import django

        django.setup()
        config = seed(args, workdir)
        serving = environment | {"DATABASE_URL": cluster.application_url}
        results = [
            run(name, args, config, serving, workdir, cluster) for name in args.runs.split(",")
        ]
        return max(report(results, args), check_audit_chain())
    finally:
        from django.db import connections

        connections.close_all()
        cluster.stop()
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)


def check_audit_chain() -> int:
    """Seal what the runs left and verify the whole chain: 0 when intact."""
    from pollwatch.audit.chain import seal_events, verify_chain

    started = time.monotonic()
    sealed = seal_events()
    chain = verify_chain()
    print(
        f"audit chain: {sealed} event(s) left to seal after the runs, {chain.links} link(s), "
        f"{'intact' if chain.intact else f'BROKEN at {chain.mismatch}'} "
        f"(sealing and verifying took {time.monotonic() - started:.1f} s)"
    )
    return 0 if chain.intact and chain.unsealed == 0 else 1


def production_environment(database_url: str, workdir: Path) -> dict[str, str]:
    return {
        "DJANGO_SETTINGS_MODULE": "pollwatch.settings",
        "DATABASE_URL": database_url,
        "POLLWATCH_SECRET_KEY": "benchmark-only-" + os.urandom(16).hex(),
        "POLLWATCH_DEBUG": "0",
        # Device tokens, not passwords: login throttling plays no part in intake.
        "POLLWATCH_AXES_ENABLED": "0",
        "POLLWATCH_DATA_DIR": str(workdir / "data"),
        "POLLWATCH_LOG_LEVEL": "ERROR",
    }


def seed(args: argparse.Namespace, workdir: Path) -> dict:
    """An election with a team of stations per observer, and a device token for each."""
    import datetime

    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection

    from pollwatch.accounts.models import DeviceToken
    from pollwatch.forms.library import library_forms
    from pollwatch.forms.services import publish_form_version
    from pollwatch.missions.models import Member, Mission, Team
    from pollwatch.registry.areas import import_areas
    from pollwatch.registry.importing import import_stations
    from pollwatch.registry.services import create_election

    call_command("migrate", verbosity=0)
    election = create_election(
        slug="bench-2026",
        name="Benchmark 2026",
        country="Benchland",
        date=datetime.date.today(),
        kind="presidential",
        options=["Ann", "Bob", "Cem"],
    )
    teams = range(1, args.observers + 1)
    import_areas(
        election,
        csv_file(
            "code,name,parent_code,level_name\n", (f"D{t},District {t},,district" for t in teams)
        ),
        filename="areas.csv",
    )
    import_stations(
        election,
        csv_file(
            "code,name,area,registered_voters\n",
            (
                f"{t:03d}-{s:02d},Station {t}.{s},D{t},1000"
                for t in teams
                for s in range(1, STATIONS_PER_TEAM + 1)
            ),
        ),
        filename="stations.csv",
    )
    mission = Mission.objects.create(
        slug="bench-mission",
        name="Benchmark mission",
        election=election,
        kind="domestic",
        arrival=election.date,
        departure=election.date,
    )
    version = publish_form_version(library_forms()["voting"].to_dict())
    devices = []
    for t in teams:
        team = Team.objects.create(mission=mission, code=f"T{t}")
        team.areas.set(election.areas.filter(code=f"D{t}"))
        user = get_user_model().objects.create(username=f"observer-{t}")
        Member.objects.create(
            mission=mission, user=user, full_name=f"Observer {t}", role="observer", team=team
        )
        devices.append(
            {
                "token": DeviceToken.issue(user, "phone")[1],
                "stations": [f"{t:03d}-{s:02d}" for s in range(1, STATIONS_PER_TEAM + 1)],
            }
        )
    # As after any registry import, the planner gets statistics before the day starts.
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    return {
        "devices": devices,
        "form": version.form.code,
        "version": version.version,
        "answers": VOTING_ANSWERS,
        "resend_share": args.resend_share,
        "batch_size": BATCH_SIZE,
    }


def csv_file(header: str, rows) -> io.BytesIO:
    return io.BytesIO((header + "".join(f"{row}\n" for row in rows)).encode("utf-8"))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_gunicorn(args: argparse.Namespace, environment: dict[str, str], port: int):
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "pollwatch.wsgi",
        f"--bind=127.0.0.1:{port}",
        f"--workers={args.workers}",
        f"--threads={args.threads}",
        f"--worker-class={args.worker_class}",
        "--keep-alive=30",
        "--backlog=2048",
        "--timeout=60",
        "--log-level=warning",
    ]
    server = subprocess.Popen(command, cwd=ROOT, env=os.environ | environment)
    try:
        wait_until_serving(port, server)
    except BaseException:
        stop_gunicorn(server)
        raise
    return server


def wait_until_serving(port: int, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError("gunicorn exited before serving")
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/openapi.json", timeout=10)
            return
        except (urllib.error.URLError, OSError):
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not answer within 60 s")


def stop_gunicorn(server: subprocess.Popen) -> None:
    server.send_signal(signal.SIGTERM)
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def worker_pids(server: subprocess.Popen) -> list[int]:
    found = subprocess.run(
        ["ps", "-o", "pid=", "--ppid", str(server.pid)], capture_output=True, text=True
    )
    return [int(pid) for pid in found.stdout.split()]


def server_cpu(server: subprocess.Popen) -> dict[int, float]:
    """CPU seconds of the gunicorn master and each live worker, by process id."""
    return {pid: _proc_cpu(pid) for pid in [server.pid, *worker_pids(server)]}


def kill_one_worker_later(server: subprocess.Popen, delay: float, killed: dict) -> None:
    def kill() -> None:
        time.sleep(delay)
        pid = random.choice(worker_pids(server))
        cpu = _proc_cpu(pid)
        os.kill(pid, signal.SIGKILL)
        killed[pid] = cpu

    threading.Thread(target=kill, daemon=True).start()


def run(name: str, args, config: dict, environment, workdir: Path, cluster) -> RunResult:
    from django.db import connections

    from pollwatch.intake.models import Submission

    pgdata = cluster.root / "data"
    out_dir = Path(tempfile.mkdtemp(prefix=f"{name}-", dir=workdir))
    users = args.batch_users if name == "batch" else args.users
    seconds = args.warmup_seconds if name == "warmup" else args.seconds
    config_file = out_dir / "config.json"
    run_config = config | {
        "mode": "batch" if name == "batch" else "single",
        # Batches measure what the server carries: their clients never wait.
        "sends_per_client_per_second": 0 if name == "batch" else args.pace,
        "out_dir": str(out_dir),
    }
    config_file.write_text(json.dumps(run_config))
    before = counts()
    port = free_port()
    server = start_gunicorn(args, environment, port)
    # The audit trail's sealer runs beside the server, as `make serve` runs it.
    sealer = subprocess.Popen(
        [sys.executable, "-m", "pollwatch", "audit", "seal", "--every", "10"], env=environment
    )
    killed: dict[int, float] = {}
    faults = Faults(name == "kill", cluster, environment)
    cpu = CpuMeter(pgdata)
    server_at_start = server_cpu(server)
    try:
        if name == "kill":
            kill_one_worker_later(server, seconds / 2, killed)
            faults.restart_database_later(seconds * 3 / 4)
        print(f"{name}: {users} clients for {args.seconds} s ...", file=sys.stderr, flush=True)
        run_locust(users, seconds, port, config_file, out_dir)
        cpu.lap("load generator")
        cpu.lap("database")
        # Start-up of the workers is left out: only what the run cost counts.
        server_at_end = server_cpu(server) | killed
        cpu.laps["server"] = sum(
            used - server_at_start.get(pid, 0.0) for pid, used in server_at_end.items()
        )
        load_average = os.getloadavg()[0]
        result = read_locust_stats(name, seconds, out_dir)
        # The restart broke this process's connection too.
        connections.close_all()
        faults.check_worker()
    finally:
        stop_gunicorn(server)
        sealer.terminate()
        sealer.wait()
        faults.stop()
    result.cpu_seconds = dict(cpu.laps)
    result.load_average = load_average
    journal = read_journal(out_dir)
    if journal.failed:
        server = start_gunicorn(args, environment, port)
        try:
            result.resent_after_run = resend(journal.failed, port, config)
        finally:
            stop_gunicorn(server)
    if name == "kill" and not killed:
        result.problems.append("no worker was killed")
    result.problems += faults.problems
    reconcile(result, journal, before, counts(), Submission)
    return result


class Faults:
    """The database restart of the fault run, and the background worker that must outlive it.

    Before the load a payload is left ``stored`` an hour ago, as a web worker
    killed mid-parse leaves it; the background worker, started beside the
    server, must still be running after the restart and must have finished it.
    """

    def __init__(self, active: bool, cluster, environment: dict[str, str]):
        self.active = active
        self.cluster = cluster
        self.problems: list[str] = []
        self.restarted = threading.Event()
        self.worker = None
        self.stale_payload = None
        if active:
            self.stale_payload = _stale_payload()
            recovery = {
                "POLLWATCH_INTAKE_RECOVERY_SECONDS": "2",
                "POLLWATCH_INTAKE_STORED_GRACE_SECONDS": "5",
                "POLLWATCH_WORKER_MAX_BACKOFF_SECONDS": "2",
            }
            self.worker = subprocess.Popen(
                [sys.executable, "-m", "pollwatch", "db_worker", "--interval", "1"],
                env=os.environ | environment | recovery,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )

    def restart_database_later(self, delay: float) -> None:
        def restart() -> None:
            time.sleep(delay)
            self.cluster.restart()
            self.restarted.set()

        threading.Thread(target=restart, daemon=True).start()

    def check_worker(self) -> None:
        if not self.active:
            return
        if not self.restarted.wait(timeout=120):
            self.problems.append("the database was not restarted")
        if self.worker.poll() is not None:
            self.problems.append(f"the background worker died (exit {self.worker.returncode})")
        if not _finished_within(self.stale_payload, seconds=60):
            self.problems.append("the background worker did not finish the unread payload")

    def stop(self) -> None:
        if self.worker is not None:
            self.worker.terminate()
            self.worker.wait()


def _stale_payload() -> int:
    """A payload left unread an hour ago, as a web worker killed mid-parse leaves it."""
    import datetime

    from django.utils import timezone

    from pollwatch.intake.models import Channel, RawPayload

    payload = RawPayload.objects.create(channel=Channel.API, body="{", content_type="text/plain")
    an_hour_ago = timezone.now() - datetime.timedelta(hours=1)
    RawPayload.objects.filter(pk=payload.pk).update(received_at=an_hour_ago)
    return payload.pk


def _finished_within(payload_id: int, seconds: float) -> bool:
    from pollwatch.intake.models import RawPayload

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        status = RawPayload.objects.filter(pk=payload_id).values_list("status", flat=True).first()
        if status != RawPayload.Status.STORED:
            return True
        time.sleep(0.5)
    return False


class CpuMeter:
    """CPU seconds used since the last lap by our children (locust, gunicorn) or PostgreSQL."""

    def __init__(self, pgdata: Path):
        self.pgdata = pgdata
        self.laps: dict[str, float] = {}
        self.children = self._children()
        self.database = self._database()

    def lap(self, part: str) -> dict[str, float]:
        if part == "database":
            now = self._database()
            self.laps[part] = now - self.database
            self.database = now
        else:
            now = self._children()
            self.laps[part] = now - self.children
            self.children = now
        return self.laps

    @staticmethod
    def _children() -> float:
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        return usage.ru_utime + usage.ru_stime

    def _database(self) -> float:
        """The postmaster, its finished backends and its live ones."""
        postmaster = int((self.pgdata / "postmaster.pid").read_text().split()[0])
        total = _proc_cpu(postmaster, with_children=True)
        for child in Path(f"/proc/{postmaster}/task/{postmaster}/children").read_text().split():
            total += _proc_cpu(int(child), with_children=True)
        return total


def _proc_cpu(pid: int, *, with_children: bool = False) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except FileNotFoundError:
        return 0.0
    # Fields 14-17 of proc(5): utime, stime, cutime, cstime; the list starts at field 3.
    ticks = sum(int(value) for value in fields[11 : 15 if with_children else 13])
    return ticks / os.sysconf("SC_CLK_TCK")


def run_locust(users: int, seconds: int, port: int, config_file: Path, out_dir: Path) -> None:
    command = [
        sys.executable,
        "-m",
        "locust",
        "-f",
        str(LOCUSTFILE),
        "--headless",
        f"--users={users}",
        f"--spawn-rate={users}",
        f"--run-time={seconds}s",
        f"--host=http://127.0.0.1:{port}",
        f"--csv={out_dir / 'locust'}",
        "--csv-full-history",
        "--only-summary",
        "--stop-timeout=30",
        "--loglevel=WARNING",
        "--exit-code-on-error=0",
    ]
    environment = os.environ | {"POLLWATCH_BENCH_CONFIG": str(config_file)}
    subprocess.run(command, cwd=ROOT, env=environment, check=True, stdout=subprocess.DEVNULL)


def read_locust_stats(name: str, seconds: int, out_dir: Path) -> RunResult:
    result = RunResult(name=name, seconds=seconds)
    with (out_dir / "locust_stats.csv").open(newline="") as stats:
        for row in csv.DictReader(stats):
            if row["Name"] == "Aggregated":
                result.requests = int(row["Request Count"])
                result.failures = int(row["Failure Count"])
                result.requests_per_second = float(row["Requests/s"])
                result.p50_ms = float(row["50%"])
                result.p99_ms = float(row["99%"])
    result.slowest_window_per_second = slowest_window(out_dir / "locust_stats_history.csv")
    return result


def slowest_window(history_file: Path, window: int = 10) -> float:
    """The lowest request rate over any ``window`` seconds after the first 5 s."""
    totals: dict[int, int] = {}
    with history_file.open(newline="") as history:
        for row in csv.DictReader(history):
            if row["Name"] == "Aggregated":
                totals[int(row["Timestamp"])] = int(row["Total Request Count"])
    if len(totals) < 2:
        return 0.0
    start, end = min(totals) + 5, max(totals)
    stamps = sorted(t for t in totals if start <= t <= end)
    rates = [
        (totals[later] - totals[t]) / (later - t)
        for t in stamps
        for later in [next((u for u in stamps if u >= t + window), None)]
        if later is not None
    ]
    return min(rates, default=0.0)


@dataclass
class Journal:
    acknowledged: dict[str, set[str]]
    resent_ok: int
    resent_wrong: int
    failed: dict[str, str]


def read_journal(out_dir: Path) -> Journal:
    journal = Journal(acknowledged={}, resent_ok=0, resent_wrong=0, failed={})
    for path in out_dir.glob("clients-*.tsv"):
        for line in path.read_text(encoding="utf-8").splitlines():
            kind, key, receipt_id, body = line.split("\t", 3)
            if kind == "ack":
                journal.acknowledged.setdefault(key, set()).add(receipt_id)
            elif kind == "resend":
                journal.resent_ok += 1
            elif kind == "resend-fail":
                journal.resent_wrong += 1
            elif kind == "fail":
                journal.failed[key] = body
    return journal


def resend(failed: dict[str, str], port: int, config: dict) -> int:
    """Send again what failed, as the phone's outbox does; each must now be acknowledged."""
    by_station = {s: d["token"] for d in config["devices"] for s in d["stations"]}
    for key, body in failed.items():
        token = by_station[json.loads(body)["station"]]
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/api/v1/submissions",
            data=body.encode(),
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            if response.status not in (200, 201):
                raise RuntimeError(f"resend of {key} answered {response.status}")
    return len(failed)


def counts() -> dict[str, int]:
    from pollwatch.audit.models import AuditEvent
    from pollwatch.intake.models import RawPayload, Submission, SubmissionRevision

    return {
        "submissions": Submission.objects.count(),
        "revisions": SubmissionRevision.objects.filter(number=1).count(),
        "payloads": RawPayload.objects.count(),
        "audited_keys": sum(
            1 if e.action == "intake.submission_received" else len(e.data.get("keys", []))
            for e in AuditEvent.objects.filter(
                action__in=["intake.submission_received", "intake.batch_received"]
            ).only("action", "data")
        ),
    }


def reconcile(result: RunResult, journal: Journal, before, after, submission_model) -> None:
    """Zero lost, zero duplicated: the clients' record against the database's."""
    sent_keys = set(journal.acknowledged) | set(journal.failed)
    stored = {
        str(key): pk
        for key, pk in submission_model.objects.filter(key__in=list(sent_keys)).values_list(
            "key", "pk"
        )
    }
    lost = [key for key in sent_keys if key not in stored]
    answered_other = [
        key
        for key, ids in journal.acknowledged.items()
        if key in stored and ids != {str(stored[key])}
    ]
    result.acknowledged = len(journal.acknowledged)
    result.resends = journal.resent_ok
    result.stored = after["submissions"] - before["submissions"]
    checks = {
        "acknowledged or resent but not stored": len(lost),
        "acknowledged with another submission's id": len(answered_other),
        "resends not answered with the first receipt": journal.resent_wrong,
        "stored beyond the keys sent (duplicates)": result.stored - len(sent_keys),
        "first revisions missing": result.stored - (after["revisions"] - before["revisions"]),
        "audit entries missing": result.stored - (after["audited_keys"] - before["audited_keys"]),
    }
    result.problems += [f"{what}: {n}" for what, n in checks.items() if n]


def report(results: list[RunResult], args) -> int:
    print(
        f"\nIntake on PostgreSQL, gunicorn {args.workers} {args.worker_class} workers"
        f" ({args.threads} thread each), locust on the same host"
    )
    header = (
        f"{'run':<7}{'clients':>8}{'requests':>10}{'failed':>8}{'req/s':>8}{'slowest 10 s':>14}"
        f"{'p50 ms':>8}{'p99 ms':>8}{'stored/s':>10}{'stored':>9}{'resends':>9}{'after':>7}"
    )
    print(header)
    for r in results:
        clients = args.batch_users if r.name == "batch" else args.users
        print(
            f"{r.name:<7}{clients:>8}{r.requests:>10}{r.failures:>8}{r.requests_per_second:>8.0f}"
            f"{r.slowest_window_per_second:>14.0f}{r.p50_ms:>8.0f}{r.p99_ms:>8.0f}"
            f"{r.stored_per_second:>10.0f}{r.stored:>9}{r.resends:>9}{r.resent_after_run:>7}"
        )
    print("\nCPU per stored submission (ms) and what two idle cores could carry at that cost")
    print(
        f"{'run':<7}{'server':>8}{'database':>10}{'locust':>8}{'total':>8}{'capacity/s':>12}{'load':>6}"
    )
    for r in results:
        parts = [r.cpu_ms_per_submission(p) for p in ("server", "database", "load generator")]
        capacity = 2000 / sum(parts) if sum(parts) else 0.0
        print(
            f"{r.name:<7}{parts[0]:>8.2f}{parts[1]:>10.2f}{parts[2]:>8.2f}{sum(parts):>8.2f}"
            f"{capacity:>12.0f}{r.load_average:>6.1f}"
        )
    verdicts = [verdict(r) for r in results]
    for line, _ in verdicts:
        print(line)
    return 0 if all(passed for _, passed in verdicts) else 1


def verdict(result: RunResult) -> tuple[str, bool]:
    counted = "zero lost, zero duplicated" if not result.problems else "; ".join(result.problems)
    if result.name == "batch":
        target = f"{result.stored_per_second:.0f} submissions/s (target {BATCH_TARGET_PER_SECOND})"
        met = result.stored_per_second >= BATCH_TARGET_PER_SECOND
    elif result.name == "warmup":
        # Fills the server's and the database's caches after seeding; counted, not timed.
        target = f"{result.requests_per_second:.0f} submissions/s, p99 {result.p99_ms:.0f} ms"
        met = True
    elif result.name == "kill":
        # The run with a killed worker checks the count; its speed is reported, not judged.
        target = f"{result.requests_per_second:.0f} submissions/s, p99 {result.p99_ms:.0f} ms"
        met = True
    else:
        target = (
            f"{result.requests_per_second:.0f} submissions/s (target {SINGLE_TARGET_PER_SECOND}),"
            f" p99 {result.p99_ms:.0f} ms (target {P99_TARGET_MS})"
        )
        met = (
            result.requests_per_second >= SINGLE_TARGET_PER_SECOND
            and result.p99_ms <= P99_TARGET_MS
        )
    loss_free = not result.problems
    line = (
        f"{result.name}: {target}: {'PASS' if met else 'FAIL'}; "
        f"count: {counted}: {'PASS' if loss_free else 'FAIL'}"
    )
    return line, met and loss_free


if __name__ == "__main__":
    sys.exit(main())
