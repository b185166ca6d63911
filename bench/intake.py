"""Benchmark: loss-free intake under load on a durable database, against the targets below.

Run from the repository root: ``python bench/intake.py`` (``--seconds 10`` for a
quick check). It starts a throwaway PostgreSQL, migrates and seeds it (an
election, a mission, one team and device per observer, the standard voting
checklist), serves the application with gunicorn or granian (``--server``) in
production settings, and
drives it with locust in headless mode:

0. a 15 s warm-up with the load of run 1, whose count is checked but whose
   speed is not judged: the first requests after seeding fill the caches of
   the server processes and of the database;
1. single submissions from 100 concurrent clients, each sending 5.5 a second
   (880/s offered, 10 % above the target, so that a sustained 800/s can be
   seen; ``--pace 0`` sends as fast as answers come back, to measure the most
   the server carries), a share of them resends of keys already acknowledged,
   which must be answered with the first receipt;
2. the same load while one web worker is killed with SIGKILL halfway and
   PostgreSQL is restarted at three quarters, under the background worker
   (``pollwatch db_worker``) too; sends that failed are sent again afterwards,
   as a phone would, and the worker must still be running and must finish a
   payload a killed web worker left unread (this run is judged by its count
   and by the worker only);
3. batches of 500 submissions;
4. ``openrosa``: ODK Collect posting finalised forms of a 40-question
   checklist (multipart, ``xml_submission_file``, a fresh ``uuid:``
   instanceID each), a share of them sent again with the same bytes, which
   must be acknowledged again;
5. ``sms``: a generic SMS gateway forwarding coded PVT reports from the
   observers' registered phones, a share of them delivered again (same
   message id) or sent again by the observer (same text), which must be
   answered with the first report's reference, and a few invalid ones.

PostgreSQL runs durable by default (its own fsync, synchronous_commit and
full_page_writes, all on); ``--durability off`` turns them off for a
labelled comparison, and ``--commit-delay`` sets up group commit. The
settings the server reports are printed with the results. The server
inherits the environment: ``POLLWATCH_INTAKE_GATHER=0`` measures it with
every request storing its reports alone (docs/intake.md).

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
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sms import phones  # noqa: E402

from pollwatch.lib.throwaway_postgres import (  # noqa: E402
    APPLICATION_ROLE,
    start_throwaway_postgres,
)

LOCUSTFILE = Path(__file__).with_name("intake_locustfile.py")
# On 2 cores with the load generator beside the server, durable PostgreSQL.
SINGLE_TARGET_PER_SECOND = 800
P99_TARGET_MS = 250
OPENROSA_TARGET_PER_SECOND = 600
BATCH_TARGET_PER_SECOND = 10_000
BATCH_SIZE = 500
SMS_TARGET_PER_SECOND = 600
STATIONS_PER_TEAM = 20
SMS_GATEWAY_TOKEN = "bench-gateway-" + os.urandom(8).hex()
DURABILITY_SETTINGS = ("fsync", "synchronous_commit", "full_page_writes", "commit_delay")
# The locust user class and the client count option of each run.
CLIENTS = {
    "warmup": ("Observer", "users"),
    "single": ("Observer", "users"),
    "kill": ("Observer", "users"),
    "batch": ("Observer", "batch_users"),
    "openrosa": ("CollectDevice", "openrosa_users"),
    "sms": ("SmsGateway", "sms_users"),
}
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
    refused: int = 0
    clients: int = 0
    sends_by_client: list[int] = field(default_factory=list)
    cpu_seconds: dict[str, float] = field(default_factory=dict)
    load_average: float = 0.0
    database_settings: dict[str, str] = field(default_factory=dict)
    database_work: dict[str, float] = field(default_factory=dict)
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
    parser.add_argument(
        "--openrosa-users", type=int, default=50, help="concurrent ODK Collect clients"
    )
    parser.add_argument(
        "--sms-users",
        type=int,
        default=50,
        help="concurrent SMS gateway connections, one observer's phone each (at most --observers)",
    )
    parser.add_argument(
        "--sms-invalid-share", type=float, default=0.05, help="share of invalid SMS reports"
    )
    parser.add_argument(
        "--durability",
        choices=["durable", "off"],
        default="durable",
        help="durable: PostgreSQL's own fsync, synchronous_commit and full_page_writes (on);"
        " off: all three off, as a throwaway test database runs",
    )
    parser.add_argument(
        "--commit-delay",
        type=int,
        default=0,
        help="PostgreSQL commit_delay in microseconds, to measure group commit",
    )
    parser.add_argument(
        "--commit-siblings", type=int, help="PostgreSQL commit_siblings (its default when unset)"
    )
    parser.add_argument(
        "--server",
        choices=["gunicorn", "granian"],
        default="granian",
        help="the WSGI server (granian, as `make serve` runs it); granian's HTTP side is Rust,"
        " its Python threads only run Django",
    )
    parser.add_argument("--workers", type=int, default=2, help="server worker processes")
    parser.add_argument(
        "--threads",
        type=int,
        default=16,
        help="threads per worker (granian --blocking-threads, gunicorn --threads)",
    )
    parser.add_argument(
        "--worker-class",
        default="gthread",
        help="gunicorn only: gthread keeps clients' connections alive between requests;"
        " sync does not",
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
        help="comma-separated runs among warmup, single, kill, batch, openrosa, sms",
    )
    parser.add_argument("--warmup-seconds", type=int, default=15, help="length of the warm-up run")
    parser.add_argument(
        "--keep", action="store_true", help="keep the client records and locust statistics"
    )
    return parser.parse_args()


def main() -> int:
    args = parse_arguments()
    unknown = set(args.runs.split(",")) - set(CLIENTS)
    if unknown:
        raise SystemExit(f"unknown runs {sorted(unknown)}; choose among {', '.join(CLIENTS)}")
    if args.sms_users > args.observers:
        raise SystemExit("--sms-users must not exceed --observers: one phone per gateway client")
    cluster = start_throwaway_postgres(database_settings(args))
    print(f"PostgreSQL: {describe(read_database_settings(cluster))}", file=sys.stderr)
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


def database_settings(args: argparse.Namespace) -> dict[str, str]:
    """Server settings for the chosen durability, and group commit when asked for."""
    durable = "on" if args.durability == "durable" else "off"
    settings = {name: durable for name in DURABILITY_SETTINGS[:3]}
    settings["commit_delay"] = str(args.commit_delay)
    if args.commit_siblings is not None:
        settings["commit_siblings"] = str(args.commit_siblings)
    return settings


def read_database_settings(cluster) -> dict[str, str]:
    """What the running server says, not what we asked for."""
    import psycopg

    names = (*DURABILITY_SETTINGS, "commit_siblings")
    with psycopg.connect(cluster.url, autocommit=True) as connection:
        return {name: connection.execute(f"SHOW {name}").fetchone()[0] for name in names}


def database_work(cluster) -> dict[str, float]:
    """The cluster's commits, WAL flushes to disk and WAL bytes so far."""
    import psycopg

    with psycopg.connect(cluster.url, autocommit=True) as connection:
        commits = connection.execute("SELECT sum(xact_commit) FROM pg_stat_database").fetchone()
        wal = connection.execute("SELECT wal_sync, wal_bytes FROM pg_stat_wal").fetchone()
    return {"commits": float(commits[0]), "wal_syncs": float(wal[0]), "wal_bytes": float(wal[1])}


def describe(settings: dict[str, str]) -> str:
    return ", ".join(f"{name}={value}" for name, value in settings.items())


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
        "POLLWATCH_SMS_GATEWAY_TOKEN": SMS_GATEWAY_TOKEN,
    }


def seed(args: argparse.Namespace, workdir: Path) -> dict:
    """An election with a team of stations per observer, and a device token for each."""
    import datetime

    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection

    from pollwatch.accounts.models import DeviceToken
    from pollwatch.forms.library import LIBRARY_DIR, library_forms
    from pollwatch.forms.services import publish_form_version
    from pollwatch.intake.channels.openrosa.services import OPENROSA_KEY_NAMESPACE
    from pollwatch.intake.channels.sms.services import SMS_KEY_NAMESPACE
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
    publish_form_version(json.loads((LIBRARY_DIR / "pvt_form1.json").read_text()))
    checklist = publish_form_version(forty_question_checklist())
    devices = []
    for t, phone in zip(teams, phones(args.observers), strict=True):
        team = Team.objects.create(mission=mission, code=f"T{t}")
        team.areas.set(election.areas.filter(code=f"D{t}"))
        user = get_user_model().objects.create(username=f"observer-{t}")
        Member.objects.create(
            mission=mission,
            user=user,
            full_name=f"Observer {t}",
            role="observer",
            team=team,
            phone=phone,
            languages="en",
        )
        devices.append(
            {
                "token": DeviceToken.issue(user, "phone")[1],
                "team": team.pk,
                "phone": phone,
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
        "openrosa": {
            "namespace": str(OPENROSA_KEY_NAMESPACE),
            "template": openrosa_template(checklist, election, devices[0]["stations"]),
        },
        "sms": {
            "namespace": str(SMS_KEY_NAMESPACE),
            "token": SMS_GATEWAY_TOKEN,
            "invalid_share": args.sms_invalid_share,
        },
    }


def forty_question_checklist() -> dict:
    """A voting checklist of 40 questions, shaped like ODK Central's benchmark form.

    Four sections of ten: mostly yes/no and one-choice questions, ten
    counts (one bounded by the station's registered voters) and three
    free-text remarks.
    """
    kinds = ["yes_no"] * 5 + ["single_choice", "integer", "yes_no", "integer", "yes_no"]
    sections = []
    for s, letter in enumerate("abcd"):
        questions = []
        for q, kind in enumerate(kinds):
            code = f"{letter}{q + 1:02d}"
            question = {"code": code, "type": kind, "label": {"en": f"Question {code}"}}
            if s > 0 and q == 9:
                question["type"] = "text"
            elif kind == "integer":
                question["constraint"] = {"min": 0, "max": 5000}
            elif kind == "single_choice":
                question["choices"] = "assessment"
            questions.append(question | {"required": question["type"] != "text"})
        sections.append({"code": letter, "title": {"en": f"Part {letter}"}, "questions": questions})
    sections[0]["questions"][6]["constraint"]["max_station"] = "registered_voters"
    return {
        "format": 1,
        "code": "bench_checklist",
        "phase": "voting",
        "title": {"en": "Benchmark checklist"},
        "languages": ["en"],
        "choice_lists": {
            "assessment": [
                {"code": code, "label": {"en": code.replace("_", " ").capitalize()}}
                for code in ("very_good", "good", "bad", "very_bad")
            ]
        },
        "sections": sections,
    }


def openrosa_template(version, election, stations: list[str]) -> str:
    """A finalised instance of the form's XForm as ODK Collect writes it.

    The station, the instanceID and one count are left as the placeholders
    ``BENCHSTATION``, ``BENCHINSTANCE`` and ``BENCHNUMBER`` for the clients.
    """
    import copy
    from xml.etree import ElementTree

    from pollwatch.intake.channels.openrosa.xforms import STATION_FIELD, xform_for

    xf = "{http://www.w3.org/2002/xforms}"
    xform = xform_for(version, election, tuple((code, code) for code in stations))
    template = ElementTree.fromstring(xform.xml).find(f".//{xf}model/{xf}instance")[0]
    data = copy.deepcopy(template)
    values = {STATION_FIELD: "BENCHSTATION", "instanceID": "BENCHINSTANCE", "a07": "BENCHNUMBER"}
    for section in version.definition["sections"]:
        for question in section["questions"]:
            values.setdefault(question["code"], sample_answer(question))
    for element in data.iter():
        name = element.tag.removeprefix(xf)
        if len(element) == 0 and name in values:
            element.text = values[name]
    ElementTree.register_namespace("", xf.strip("{}"))
    xml = ElementTree.tostring(data, encoding="unicode")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + xml


def sample_answer(question: dict) -> str:
    return {
        "yes_no": "no",
        "single_choice": "good",
        "integer": "12",
        "text": "Queue outside, orderly; no complaints.",
    }[question["type"]]


def csv_file(header: str, rows) -> io.BytesIO:
    return io.BytesIO((header + "".join(f"{row}\n" for row in rows)).encode("utf-8"))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(args: argparse.Namespace, environment: dict[str, str], port: int):
    """The web server on ``port``; its workers are the children of the returned process."""
    command = server_command(args, port)
    server = subprocess.Popen(command, cwd=ROOT, env=os.environ | environment)
    try:
        wait_until_serving(port, server)
    except BaseException:
        stop_server(server)
        raise
    return server


def server_command(args: argparse.Namespace, port: int) -> list[str]:
    if args.server == "granian":
        return [
            sys.executable,
            "-m",
            "granian",
            "--interface=wsgi",
            "pollwatch.wsgi:application",
            "--host=127.0.0.1",
            f"--port={port}",
            f"--workers={args.workers}",
            f"--blocking-threads={args.threads}",
            "--backlog=2048",
            # The fault run kills a worker: a new one must take its place, as gunicorn's does.
            "--respawn-failed-workers",
            "--log-level=warning",
        ]
    return [
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


def wait_until_serving(port: int, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError("the server exited before serving")
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/openapi.json", timeout=10)
            return
        except (urllib.error.URLError, OSError):
            time.sleep(0.2)
    raise RuntimeError("the server did not answer within 60 s")


def stop_server(server: subprocess.Popen) -> None:
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
    """CPU seconds of the server's main process and each live worker, by process id."""
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
    user_class, users_option = CLIENTS[name]
    users = getattr(args, users_option)
    seconds = args.warmup_seconds if name == "warmup" else args.seconds
    config_file = out_dir / "config.json"
    run_config = config | {
        "mode": "batch" if name == "batch" else "single",
        # Batches measure what the server carries: their clients never wait.
        "sends_per_client_per_second": 0 if name == "batch" else args.pace,
        "out_dir": str(out_dir),
    }
    database_settings = read_database_settings(cluster)
    config_file.write_text(json.dumps(run_config))
    before = counts()
    work_before = database_work(cluster)
    port = free_port()
    server = start_server(args, environment, port)
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
            faults.restart_database_later(seconds * 3 / 4, cpu)
        print(f"{name}: {users} clients for {seconds} s ...", file=sys.stderr, flush=True)
        client_cpu = run_locust(user_class, users, seconds, port, config_file, out_dir)
        cpu.lap("database")
        cpu.laps["client"] = client_cpu
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
        stop_server(server)
        sealer.terminate()
        sealer.wait()
        faults.stop()
    # Read once the server's connections are closed: a backend reports its counts as it ends.
    work_after = database_work(cluster)
    result.database_work = {name: work_after[name] - work_before[name] for name in work_before}
    result.cpu_seconds = dict(cpu.laps)
    result.load_average = load_average
    result.clients = users
    result.database_settings = database_settings
    journal = read_journal(out_dir)
    if journal.failed:
        server = start_server(args, environment, port)
        try:
            result.resent_after_run = resend(journal.failed, port, config)
        finally:
            stop_server(server)
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

    def restart_database_later(self, delay: float, cpu: CpuMeter) -> None:
        def restart() -> None:
            time.sleep(delay)
            cpu.before_restart()
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
    """CPU seconds PostgreSQL used since the last lap; the other parts are set by the run."""

    def __init__(self, pgdata: Path):
        self.pgdata = pgdata
        self.laps: dict[str, float] = {}
        self.database = self._database()
        self.before_restarts = 0.0

    def lap(self, part: str) -> dict[str, float]:
        now = self._database()
        self.laps[part] = now - self.database + self.before_restarts
        self.database = now
        self.before_restarts = 0.0
        return self.laps

    def before_restart(self) -> None:
        """Keep what the server used so far: the restarted server counts from zero."""
        self.before_restarts += self._database() - self.database
        self.database = 0.0

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


def run_locust(
    user_class: str, users: int, seconds: int, port: int, config_file: Path, out_dir: Path
) -> float:
    """Run the load and return the CPU seconds locust used (with any process it started)."""
    command = [
        sys.executable,
        "-m",
        "locust",
        "-f",
        str(LOCUSTFILE),
        user_class,
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
    locust = subprocess.Popen(command, cwd=ROOT, env=environment, stdout=subprocess.DEVNULL)
    # wait4 gives this child's own resource usage, whatever else this process runs.
    _, status, usage = os.wait4(locust.pid, 0)
    locust.returncode = os.waitstatus_to_exitcode(status)
    if locust.returncode != 0:
        raise subprocess.CalledProcessError(locust.returncode, command)
    return usage.ru_utime + usage.ru_stime


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
    refused: set[str] = field(default_factory=set)
    sends_by_client: list[int] = field(default_factory=list)


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
            elif kind == "refused":
                journal.refused.add(key)
            elif kind == "sends":
                journal.sends_by_client.append(int(receipt_id))
    return journal


def resend(failed: dict[str, str], port: int, config: dict) -> int:
    """Send again what failed, as the phone's outbox does; each must now be acknowledged."""
    for key, body in failed.items():
        request, accepted = resend_request(json.loads(body), port, config)
        with urllib.request.urlopen(request, timeout=30) as response:
            if response.status not in (200, 201) or not accepted(response.read()):
                raise RuntimeError(f"resend of {key} answered {response.status}")
    return len(failed)


def resend_request(sent: dict, port: int, config: dict):
    """The request that sends ``sent`` again on its channel, and the test of its answer."""
    base = f"http://127.0.0.1:{port}"
    channel = sent.get("channel", "api")
    if channel == "openrosa":
        request = urllib.request.Request(
            f"{base}/odk/{sent['token']}/submission",
            data=sent["body"].encode(),
            headers={"X-OpenRosa-Version": "1.0", "Content-Type": sent["content_type"]},
        )
        return request, lambda answer: b"submit_success" in answer
    if channel == "sms":
        fields = {name: sent[name] for name in ("sender", "text", "id")}
        request = urllib.request.Request(
            f"{base}/hooks/sms/generic/{config['sms']['token']}/",
            data=urllib.parse.urlencode(fields).encode(),
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
        return request, lambda answer: json.loads(answer)["status"] in ("accepted", "duplicate")
    by_station = {s: d["token"] for d in config["devices"] for s in d["stations"]}
    request = urllib.request.Request(
        f"{base}/api/v1/submissions",
        data=json.dumps(sent).encode(),
        headers={
            "Authorization": f"Bearer {by_station[sent['station']]}",
            "Content-Type": "application/json",
        },
    )
    return request, lambda answer: True


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
    # OpenRosa's answer names no submission; the other channels' receipts are checked.
    answered_other = [
        key
        for key, ids in journal.acknowledged.items()
        if key in stored and ids - {""} and ids != {str(stored[key])}
    ]
    refused_but_stored = submission_model.objects.filter(key__in=list(journal.refused)).count()
    result.acknowledged = len(journal.acknowledged)
    result.resends = journal.resent_ok
    result.refused = len(journal.refused)
    result.sends_by_client = sorted(journal.sends_by_client)
    result.stored = after["submissions"] - before["submissions"]
    checks = {
        "acknowledged or resent but not stored": len(lost),
        "refused but stored": refused_but_stored,
        "acknowledged with another submission's id": len(answered_other),
        "resends not answered with the first receipt": journal.resent_wrong,
        "stored beyond the keys sent (duplicates)": result.stored - len(sent_keys),
        "first revisions missing": result.stored - (after["revisions"] - before["revisions"]),
        "audit entries missing": result.stored - (after["audited_keys"] - before["audited_keys"]),
    }
    result.problems += [f"{what}: {n}" for what, n in checks.items() if n]


def report(results: list[RunResult], args) -> int:
    pace = f"{args.pace:g} sends/s per client" if args.pace else "closed loop (pace 0)"
    print(
        f"\nIntake on PostgreSQL, {serving_model(args)}, locust on the same host, {pace},"
        f" {os.cpu_count()} cores"
    )
    print_database_settings(results, args)
    header = (
        f"{'run':<9}{'clients':>8}{'requests':>10}{'failed':>8}{'req/s':>8}{'slowest 10 s':>14}"
        f"{'p50 ms':>8}{'p99 ms':>8}{'stored/s':>10}{'stored':>9}{'resends':>9}{'refused':>9}"
        f"{'after':>7}"
    )
    print(header)
    for r in results:
        print(
            f"{r.name:<9}{r.clients:>8}{r.requests:>10}{r.failures:>8}"
            f"{r.requests_per_second:>8.0f}{r.slowest_window_per_second:>14.0f}"
            f"{r.p50_ms:>8.0f}{r.p99_ms:>8.0f}{r.stored_per_second:>10.0f}{r.stored:>9}"
            f"{r.resends:>9}{r.refused:>9}{r.resent_after_run:>7}"
        )
    print("\nCPU per stored submission (ms) and what two idle cores could carry at that cost")
    print(
        f"{'run':<9}{'server':>8}{'database':>10}{'client':>8}{'total':>8}{'capacity/s':>12}"
        f"{'load':>6}"
    )
    for r in results:
        parts = [r.cpu_ms_per_submission(p) for p in ("server", "database", "client")]
        capacity = 2000 / sum(parts) if sum(parts) else 0.0
        print(
            f"{r.name:<9}{parts[0]:>8.2f}{parts[1]:>10.2f}{parts[2]:>8.2f}{sum(parts):>8.2f}"
            f"{capacity:>12.0f}{r.load_average:>6.1f}"
        )
    print("\nSends per client (how evenly the server served its clients)")
    print(f"{'run':<9}{'fewest':>8}{'median':>8}{'most':>8}")
    for r in results:
        sends = r.sends_by_client or [0]
        print(f"{r.name:<9}{sends[0]:>8}{sends[len(sends) // 2]:>8}{sends[-1]:>8}")
    print("\nDatabase work per stored submission (the whole cluster, this process's queries too)")
    print(f"{'run':<9}{'commits':>9}{'WAL flushes':>13}{'WAL kB':>8}")
    for r in results:
        per = {name: value / max(r.stored, 1) for name, value in r.database_work.items()}
        print(
            f"{r.name:<9}{per['commits']:>9.2f}{per['wal_syncs']:>13.2f}"
            f"{per['wal_bytes'] / 1024:>8.1f}"
        )
    verdicts = [verdict(r) for r in results]
    for line, _ in verdicts:
        print(line)
    return 0 if all(passed for _, passed in verdicts) else 1


def serving_model(args) -> str:
    # The server inherits this environment: POLLWATCH_INTAKE_GATHER=0 measures without.
    gathering = (
        "concurrent requests stored together"
        if os.environ.get("POLLWATCH_INTAKE_GATHER", "1") != "0"
        else "each request stored alone"
    )
    if args.server == "granian":
        return (
            f"granian {args.workers} WSGI workers ({args.threads} blocking threads each,"
            f" {gathering})"
        )
    return (
        f"gunicorn {args.workers} {args.worker_class} workers ({args.threads} thread each,"
        f" {gathering})"
    )


def print_database_settings(results: list[RunResult], args) -> None:
    """The durability the server reported at the start of each run (one line when all agree)."""
    asked = f"durability {args.durability}"
    seen = {describe(r.database_settings) for r in results}
    if len(seen) == 1:
        print(f"PostgreSQL ({asked}): {seen.pop()}")
        return
    for r in results:
        print(f"PostgreSQL ({asked}) during {r.name}: {describe(r.database_settings)}")


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
    elif result.name == "openrosa":
        target = (
            f"{result.requests_per_second:.0f} submissions/s (target {OPENROSA_TARGET_PER_SECOND}),"
            f" p99 {result.p99_ms:.0f} ms (target {P99_TARGET_MS})"
        )
        met = (
            result.requests_per_second >= OPENROSA_TARGET_PER_SECOND
            and result.p99_ms <= P99_TARGET_MS
        )
    elif result.name == "sms":
        target = (
            f"{result.requests_per_second:.0f} messages/s (target {SMS_TARGET_PER_SECOND}),"
            f" p99 {result.p99_ms:.0f} ms"
        )
        met = result.requests_per_second >= SMS_TARGET_PER_SECOND
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
