"""`make bench-load`: many signed-in people posting at once to a real server, then every
accepted comment checked against the database, its page and the search index.

Scenarios (BENCH_SCENARIOS, comma-separated; default all that this machine can run):
  flask-sqlite      `flask run` (threads) on SQLite, 50 posters
  gunicorn-sqlite   gunicorn.conf.py (its workers x threads) on SQLite, 30 posters
  gunicorn-postgres the same on PostgreSQL with its search engine, 30 posters
  kill-worker       gunicorn on SQLite, one worker killed with SIGKILL halfway
  kill-master       gunicorn on SQLite, the master killed with SIGKILL halfway and started
                    again (as deploy/kuulo.service's Restart=on-failure does)
Each poster loads the consultation page (as a browser would, for the form's tokens) and
posts a unique comment with Markdown and a link, for BENCH_SECONDS (60). Afterwards:
  lost       answered 2xx/3xx but not in the database
  corrupted  stored HTML differs from a fresh render of the text that was sent, or the
             text itself differs, or the comment's page does not show it
  in_step    `flask search verify` (no repair) passes after the server has been idle
Writes bench/results/load.json. Servers listen on 127.0.0.1 only; load stops by itself.
"""
from __future__ import annotations

import json
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

RESULTS = ROOT / "bench" / "results" / "load.json"
SECONDS = float(os.environ.get("BENCH_SECONDS", "60"))
PASSWORD = "kuormitus-salasana-2026"
SLUG = "kuormitus"
HIDDEN = re.compile(r'<input[^>]*type="hidden"[^>]*>')
NAME_VALUE = re.compile(r'name="([^"]+)"[^>]*value="([^"]*)"')
POSTGRES_URL = os.environ.get("KUULO_TEST_POSTGRES_URL", "postgresql+psycopg://kuulo:kuulo@127.0.0.1:5432/kuulo_test")
SCENARIOS = {
    "flask-sqlite": {"server": "flask", "db": "sqlite", "posters": 50},
    "gunicorn-sqlite": {"server": "gunicorn", "db": "sqlite", "posters": 30},
    "gunicorn-postgres": {"server": "gunicorn", "db": "postgres", "posters": 30},
    "kill-worker": {"server": "gunicorn", "db": "sqlite", "posters": 30, "kill": "worker"},
    "kill-master": {"server": "gunicorn", "db": "sqlite", "posters": 30, "kill": "master"},
}

SETUP = """
from datetime import timedelta
from app import create_app
from app.auth.services import create_user
from app.extensions import db
from app.organizations import create_organization
from app.timeutil import utcnow
from consultations.services import add_document, create_consultation
app = create_app()
with app.app_context():
    create_organization("Kuormitusalue", "kuormitusalue", kind="authority")
    create_organization("Kuormitusyhdistys ry", "kuormitusyhdistys")
    now = utcnow()
    consultation = create_consultation(slug="{slug}", title="Kuormitus", organizer_slug="kuormitusalue",
        opens_at=now - timedelta(days=1), closes_at=now + timedelta(days=30), commenters="organizations", published=True)
    add_document(consultation, "Luonnos", "\\n\\n".join(f"Kappale {{n}} kertoo asiasta." for n in range(30)), "text")
    for n in range({posters}):
        create_user(f"poster{{n}}@example.org", "{password}", f"Kirjoittaja {{n}}", "member", ["kuormitusyhdistys"])
    db.session.commit()
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def postgres_schema_url(name: str) -> str | None:
    from sqlalchemy import create_engine, text

    try:
        engine = create_engine(POSTGRES_URL, connect_args={"connect_timeout": 3})
        with engine.begin() as connection:
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{name}" CASCADE'))
            connection.execute(text(f'CREATE SCHEMA "{name}"'))
        engine.dispose()
    except Exception as error:  # noqa: BLE001 - no server: the scenario is skipped
        print(f"PostgreSQL not reachable ({type(error).__name__}); skipping", file=sys.stderr)
        return None
    return f"{POSTGRES_URL}?options=-csearch_path%3D{name}"


class Server:
    def __init__(self, scenario: dict, workdir: Path) -> None:
        self.scenario, self.workdir = scenario, workdir
        self.port = free_port()
        self.env = dict(os.environ, FLASK_APP="wsgi", KUULO_ENV="production", SECRET_KEY="bench-secret",
                        PUBLIC_URL="http://127.0.0.1",
                        SESSION_COOKIE_SECURE="0", RATELIMIT_ENABLED="0", PYTHONPATH=str(ROOT),
                        SEARCH_INDEX_DIR=str(workdir / "index"), GUNICORN_BIND=f"127.0.0.1:{self.port}")
        self.env.pop("WERKZEUG_RUN_MAIN", None)
        if "workers" in scenario:
            self.env.update(WEB_CONCURRENCY=str(scenario["workers"]), GUNICORN_THREADS=str(scenario["threads"]))
        if scenario["db"] == "postgres":
            url = postgres_schema_url(f"kuulo_bench_{os.getpid()}")
            if url is None:
                raise LookupError("no PostgreSQL")
            self.env.update(DATABASE_URL=url, SEARCH_BACKEND="postgres")
        else:
            self.env.update(DATABASE_URL=f"sqlite:///{workdir / 'bench.sqlite'}", SEARCH_BACKEND="whoosh")
        self.process: subprocess.Popen | None = None
        self.log = open(workdir / "server.log", "ab")

    def flask(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "flask", *args], env=self.env, cwd=ROOT,
                              capture_output=True, text=True)

    def prepare(self) -> None:
        for step in (["db", "upgrade"],):
            done = self.flask(*step)
            assert done.returncode == 0, done.stderr[-2000:]
        script = SETUP.format(slug=SLUG, posters=self.scenario["posters"], password=PASSWORD)
        done = subprocess.run([sys.executable, "-c", script], env=self.env, cwd=ROOT, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr[-2000:]

    def start(self) -> None:
        if self.scenario["server"] == "flask":
            command = [sys.executable, "-m", "flask", "run", "--host", "127.0.0.1", "--port", str(self.port),
                       "--with-threads"]
        else:
            command = [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "gunicorn.conf.py"), "wsgi:app"]
        self.process = subprocess.Popen(command, env=self.env, cwd=ROOT, stdout=self.log, stderr=self.log,
                                        start_new_session=True)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                if requests.get(self.url("/"), timeout=5).status_code == 200:
                    return
            except requests.RequestException:
                time.sleep(0.3)
        self.log.flush()
        tail = (self.workdir / "server.log").read_text(errors="replace")[-3000:]
        raise RuntimeError(f"the server did not start; the end of its log:\n{tail}")

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def workers(self) -> list[int]:
        out = subprocess.run(["pgrep", "-P", str(self.process.pid)], capture_output=True, text=True).stdout
        return [int(pid) for pid in out.split()]

    def stop(self) -> None:
        if self.process is not None:
            try:
                os.killpg(self.process.pid, signal.SIGTERM)
                self.process.wait(timeout=30)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                try:
                    os.killpg(self.process.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass


def form_fields(html: str) -> dict[str, str]:
    start = html.index(f'action="/consultations/{SLUG}/comments/"')
    form = html[start:html.index("</form>", start)]
    return dict(NAME_VALUE.search(tag).groups() for tag in HIDDEN.findall(form) if NAME_VALUE.search(tag))


class Poster(threading.Thread):
    def __init__(self, server: Server, number: int, deadline: float) -> None:
        super().__init__(daemon=True)
        self.server, self.number, self.deadline = server, number, deadline
        self.results: list[tuple[int, float, str, int | None]] = []  # status, seconds, text, comment id
        self.errors = 0

    def login(self, session: requests.Session) -> None:
        page = session.get(self.server.url("/auth/login"), timeout=30).text
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
        answer = session.post(self.server.url("/auth/login"), allow_redirects=False, timeout=30, data={
            "email": f"poster{self.number}@example.org", "password": PASSWORD, "csrf_token": token})
        assert answer.status_code == 302, answer.status_code

    def run(self) -> None:
        session = requests.Session()
        logged_in, n = False, 0
        while time.monotonic() < self.deadline:
            try:
                if not logged_in:
                    self.login(session)
                    logged_in = True
                fields = form_fields(session.get(self.server.url(f"/consultations/{SLUG}/"), timeout=30).text)
            except (requests.RequestException, ValueError, AttributeError, AssertionError):
                self.errors += 1  # the server is restarting (kill scenarios): try again
                time.sleep(0.5)
                continue
            n += 1
            text = (f"Kuormitustesti {self.number}-{n}: **tärkeä** huomio, katso https://example.org/{self.number}/{n} "
                    f"ja lähetä palautetta. Äänestys ja öljy, merkki{self.number}x{n}.")
            fields.update(body=text, paragraph="", organization="kuormitusyhdistys")
            started = time.monotonic()
            try:
                answer = session.post(self.server.url(f"/consultations/{SLUG}/comments/"), data=fields,
                                      allow_redirects=False, timeout=60)
            except requests.RequestException:
                self.errors += 1  # no answer: the poster cannot know; not counted as accepted
                continue
            found = re.search(r"#comment-(\d+)", answer.headers.get("Location", ""))
            self.results.append((answer.status_code, time.monotonic() - started, text,
                                 int(found.group(1)) if found else None))


def check(server: Server, accepted: list[tuple[str, int | None]]) -> dict:
    from sqlalchemy import create_engine, select

    from app.markup import render_comment
    from comments.models import Comment

    engine = create_engine(server.env["DATABASE_URL"])
    with engine.connect() as connection:
        rows = {row.id: row for row in connection.execute(
            select(Comment.id, Comment.body_source, Comment.body_html))}
    engine.dispose()
    by_text = {}
    for row in rows.values():
        by_text.setdefault(row.body_source, []).append(row.id)
    lost = corrupted = duplicated = 0
    for text, comment_id in accepted:
        row = rows.get(comment_id)
        if row is None or text not in by_text:
            lost += 1
            continue
        duplicated += len(by_text[text]) - 1
        if row.body_source != text or row.body_html != render_comment(text):
            corrupted += 1
    # Pages: a sample of permalinks shows its own text (all of them would double the run).
    marker = re.compile(r"merkki(\d+x\d+)")
    for text, comment_id in accepted[:: max(1, len(accepted) // 200)]:
        page = requests.get(server.url(f"/comments/{comment_id}"), timeout=30).text
        if f"merkki{marker.search(text).group(1)}" not in page:
            corrupted += 1
    return {"lost": lost, "corrupted": corrupted, "duplicated": duplicated, "stored": len(rows)}


def index_in_step(server: Server) -> bool:
    requests.get(server.url("/"), timeout=30)  # any request lets a process catch up
    for _ in range(20):
        if server.flask("search", "verify").returncode == 0:
            return True
        time.sleep(1)
        requests.get(server.url("/"), timeout=30)
    print(server.flask("search", "verify").stdout[-2000:], file=sys.stderr)
    return False


def percentile(values: list[float], share: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def run(name: str, scenario: dict) -> dict:
    with tempfile.TemporaryDirectory(prefix=f"kuulo-load-{name}-") as folder:
        try:
            server = Server(scenario, Path(folder))
        except LookupError:
            return {"skipped": "PostgreSQL not reachable"}
        server.prepare()
        server.start()
        try:
            deadline = time.monotonic() + SECONDS
            posters = [Poster(server, n, deadline) for n in range(scenario["posters"])]
            started = time.monotonic()
            for poster in posters:
                poster.start()
            killed = kill_halfway(server, scenario.get("kill"), started)
            for poster in posters:
                poster.join(timeout=SECONDS + 120)
            elapsed = time.monotonic() - started
            results = [r for poster in posters for r in poster.results]
            accepted = [(text, cid) for status, _s, text, cid in results if 200 <= status < 400]
            times = [seconds * 1000 for status, seconds, _t, _c in results if 200 <= status < 400]
            outcome = {
                **scenario, "seconds": round(elapsed, 1), "posts": len(results), "accepted": len(accepted),
                "posts_per_s": round(len(accepted) / elapsed, 1),
                "5xx": sum(1 for status, *_ in results if status >= 500),
                "4xx": sum(1 for status, *_ in results if 400 <= status < 500),
                "no_answer": sum(poster.errors for poster in posters),
                "p50_ms": round(statistics.median(times), 1) if times else None,
                "p95_ms": round(percentile(times, 0.95), 1),
                **check(server, accepted),
                "index_in_step": index_in_step(server),
            }
            if killed:
                outcome["killed"] = killed
            return outcome
        finally:
            server.stop()


def kill_halfway(server: Server, what: str | None, started: float) -> str | None:
    if what is None:
        return None
    time.sleep(max(0.0, started + SECONDS / 2 - time.monotonic()))
    if what == "worker":
        victim = server.workers()[0]
        os.kill(victim, signal.SIGKILL)
        return f"worker {victim}"
    victim = server.process.pid
    os.kill(victim, signal.SIGKILL)
    server.process.wait()
    # systemd (KillMode=control-group) then stops what is left of the service's group: the
    # orphaned workers, which still hold the listening socket. The server runs in its own
    # session, so its process group is that group.
    try:
        os.killpg(victim, signal.SIGKILL)
    except ProcessLookupError:
        pass
    time.sleep(2)  # systemd's RestartSec
    server.start()
    return f"master {victim}, restarted"


def main() -> None:
    names = os.environ.get("BENCH_SCENARIOS", ",".join(SCENARIOS)).split(",")
    write_and_judge(run_each({name: SCENARIOS[name] for name in names}), RESULTS)


def run_each(scenarios: dict[str, dict]) -> dict:
    """Run the scenarios one after another, telling stderr how each went."""
    results = {}
    for name, scenario in scenarios.items():
        print(f"{name}: {SECONDS:.0f} s ...", file=sys.stderr, flush=True)
        results[name] = run(name, scenario)
        print(json.dumps(results[name]), file=sys.stderr, flush=True)
    return results


def write_and_judge(results: dict, path: Path) -> None:
    """Write the results, print them, and exit non-zero naming every run that answered 5xx,
    lost or corrupted a comment, or left the index behind."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(results, indent=2) + "\n")
    print(json.dumps(results, indent=2))
    bad = [n for n, r in results.items() if isinstance(r, dict) and not r.get("skipped")
           and (r["5xx"] or r["lost"] or r["corrupted"] or not r["index_in_step"])]
    if bad:
        sys.exit(f"load benchmark found problems in: {', '.join(bad)}")


if __name__ == "__main__":
    main()
