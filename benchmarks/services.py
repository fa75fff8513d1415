"""Throwaway local services for the fault tests, the backup round trip and the scale test.

Each is started from Debian's binaries in a temporary directory, on a free port
of 127.0.0.1, and can be stopped, killed and restarted by the test that owns it:
never the machine's shared PostgreSQL or Redis. Every wait is bounded.

    with Postgres(tmp) as pg:            # initdb, start; .url(db), .createdb(db), .restart()
    with Redis(tmp) as redis:            # redis-server without persistence
    with Gunicorn(env, tmp) as app:      # the site, with deploy/gunicorn.conf.py
    with Nginx(tmp, upstreams, ...) as web:   # deploy/nginx/trainer.conf.in, TLS with a new cert
    Browser(url)                          # cookies and CSRF token of one learner
"""

from __future__ import annotations

import http.cookiejar
import os
import re
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = ROOT / ".venv" / "bin"
PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port: int, seconds: float = 20, up: bool = True) -> None:
    """Until 127.0.0.1:port accepts connections (or, with up=False, refuses them)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                if up:
                    return
        except OSError:
            if not up:
                return
        time.sleep(0.1)
    raise TimeoutError(f"127.0.0.1:{port} still {'closed' if up else 'open'} after {seconds}s")


def insecure_tls() -> ssl.SSLContext:
    """For the tests' own self-signed certificate on 127.0.0.1."""
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def fetch(url: str, *, data: bytes | None = None, headers: dict | None = None, timeout: float = 10,
          method: str | None = None) -> tuple[int, dict, bytes]:
    """(status, headers, body) without raising on 4xx/5xx, nor following redirects."""
    opener = urllib.request.build_opener(NoRedirect, urllib.request.HTTPSHandler(context=insecure_tls()))
    request = urllib.request.Request(url, data=data, headers=headers or {}, method=method)
    try:
        with opener.open(request, timeout=timeout) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def _as_postgres(command: list[str]) -> list[str]:
    """PostgreSQL refuses to run as root: run its tools as the postgres user then."""
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


class Postgres:
    """A PostgreSQL cluster of its own: trust authentication, 127.0.0.1 only."""

    def __init__(self, workdir: Path | None = None, port: int | None = None, max_connections: int = 100):
        # Its own directory under /tmp, not inside workdir: when run as root, the postgres user must
        # reach it, and test directories are private to root. Removed again by __exit__.
        self.dir = Path(tempfile.mkdtemp(prefix="trainer-pg-"))
        self.port = port or free_port()
        self.max_connections = max_connections
        if os.geteuid() == 0:
            os.chmod(self.dir, 0o755)
            shutil.chown(self.dir, "postgres", "postgres")
        self.data = self.dir / "data"
        subprocess.run(_as_postgres([str(PG_BIN / "initdb"), "-D", str(self.data), "-U", "postgres",
                                     "--auth=trust", "--no-sync", "-E", "UTF8"]),
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=120)

    def url(self, database: str = "postgres") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def start(self) -> Postgres:
        options = (f"-p {self.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={self.dir} "
                   f"-c max_connections={self.max_connections} -c fsync=off -c full_page_writes=off")
        subprocess.run(_as_postgres([str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-o", options,
                                     "-l", str(self.dir / "log"), "-w", "-t", "60", "start"]),
                       check=True, stdout=subprocess.DEVNULL, timeout=90)
        return self

    def stop(self, mode: str = "fast") -> None:
        subprocess.run(_as_postgres([str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w",
                                     "-t", "60", "stop"]),
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=90)

    def restart(self) -> None:
        self.stop()
        self.start()

    def psql(self, sql: str, database: str = "postgres") -> str:
        return subprocess.run(["psql", "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", self.url(database),
                               "-c", sql], check=True, capture_output=True, text=True, timeout=120).stdout

    def createdb(self, name: str) -> str:
        self.psql(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def __enter__(self) -> Postgres:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop("immediate")
        shutil.rmtree(self.dir, ignore_errors=True)


class Redis:
    """redis-server of its own, keeping nothing on disk."""

    def __init__(self, workdir: Path, port: int | None = None):
        self.dir = Path(workdir) / "redis"
        self.dir.mkdir(parents=True, exist_ok=True)
        self.port = port or free_port()
        self.process: subprocess.Popen | None = None

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def start(self) -> Redis:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.dir), "--loglevel", "warning"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_port(self.port)
        return self

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=20)

    def __enter__(self) -> Redis:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def site_env(**overrides: str) -> dict:
    """The environment of a production-like instance of the site on 127.0.0.1."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("PYTEST", "DJANGO_"))}
    env.update({
        "DEBUG": "0", "SECRET_KEY": "local-services-only-" + "x" * 40, "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_COOKIES": "0", "DJANGO_SETTINGS_MODULE": "trainer.settings", "LOG_LEVEL": "WARNING",
    })
    env.update(overrides)
    return env


def manage(env: dict, *args: str, timeout: float = 300) -> str:
    return subprocess.run([str(VENV_BIN / "python"), "manage.py", *args], cwd=ROOT, env=env, check=True,
                          capture_output=True, text=True, timeout=timeout).stdout


class Gunicorn:
    """The site under gunicorn with deploy/gunicorn.conf.py, its own process group (so that kill()
    takes the master and every worker at once, as a crashed machine would)."""

    def __init__(self, env: dict, workdir: Path, port: int | None = None, workers: int = 2,
                 name: str = "app"):
        self.env, self.port, self.workers = env, port or free_port(), workers
        self.log = Path(workdir) / f"gunicorn-{name}.log"
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> Gunicorn:
        env = {**self.env, "GUNICORN_BIND": f"127.0.0.1:{self.port}", "GUNICORN_WORKERS": str(self.workers)}
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(
                [str(VENV_BIN / "gunicorn"), "trainer.wsgi", "-c", str(ROOT / "deploy" / "gunicorn.conf.py")],
                cwd=ROOT, env=env, stdout=log, stderr=log, start_new_session=True)
        wait_port(self.port, 30)
        return self

    def kill(self) -> None:
        """SIGKILL to the whole group: no graceful shutdown, requests in flight are lost."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=20)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()

    def __enter__(self) -> Gunicorn:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


LOCAL_NGINX = """\
load_module /usr/lib/nginx/modules/ngx_http_headers_more_filter_module.so;
{user}
worker_processes 1;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{ worker_connections 4096; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    sendfile on;
    client_body_temp_path {prefix}/tmp/body;
    proxy_temp_path {prefix}/tmp/proxy;
    fastcgi_temp_path {prefix}/tmp/fastcgi;
    uwsgi_temp_path {prefix}/tmp/uwsgi;
    scgi_temp_path {prefix}/tmp/scgi;
    include {prefix}/trainer.conf;
}}
"""


class Nginx:
    """nginx of its own (Debian's binary) with the site file rendered from deploy/nginx, TLS with a
    certificate made for the occasion, listening on 127.0.0.1 only."""

    def __init__(self, workdir: Path, upstreams: list[str], static_root: Path, rate: int = 50,
                 burst: int = 100):
        self.prefix = Path(workdir) / "nginx"
        (self.prefix / "tmp").mkdir(parents=True, exist_ok=True)
        os.chmod(self.prefix / "tmp", 0o777)  # workers run as nobody when started by root
        self.http_port, self.https_port = free_port(), free_port()
        cert, key = self.prefix / "cert.pem", self.prefix / "key.pem"
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                        "-subj", "/CN=127.0.0.1", "-keyout", str(key), "-out", str(cert)],
                       check=True, capture_output=True, timeout=60)
        os.chmod(key, 0o644)
        args = ["--server-name", "127.0.0.1 localhost", "--static-root", str(static_root),
                "--cert", str(cert), "--key", str(key), "--http-listen", f"127.0.0.1:{self.http_port}",
                "--https-listen", f"127.0.0.1:{self.https_port}",
                "--access-log", str(self.prefix / "access.log"),
                "--rate", str(rate), "--burst", str(burst)]
        for upstream in upstreams:
            args += ["--upstream", upstream]
        site = subprocess.run([sys.executable, str(ROOT / "deploy" / "nginx" / "render.py"), *args],
                              check=True, capture_output=True, text=True).stdout
        (self.prefix / "trainer.conf").write_text(site)
        self.conf = self.prefix / "nginx.conf"
        # Started by root, workers would run as nobody, who cannot read a test's private directory.
        user = "user root root;" if os.geteuid() == 0 else ""
        self.conf.write_text(LOCAL_NGINX.format(prefix=self.prefix, user=user))
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"https://127.0.0.1:{self.https_port}"

    def start(self) -> Nginx:
        self.process = subprocess.Popen(
            ["nginx", "-p", str(self.prefix), "-c", str(self.conf), "-e", str(self.prefix / "error.log"),
             "-g", "daemon off;"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        wait_port(self.https_port)
        return self

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=20)

    def __enter__(self) -> Nginx:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


class Browser:
    """A learner's browser over plain HTTP(S): its own cookies, the CSRF token from the last page,
    htmx's headers when asked; redirects are answers, not followed. Enough for the fault tests;
    the scale test uses locust."""

    TOKEN = re.compile(r'"X-CSRFToken": "([^"]+)"|name="csrfmiddlewaretoken" value="([^"]+)"')

    def __init__(self, base: str):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            NoRedirect, urllib.request.HTTPCookieProcessor(self.jar),
            urllib.request.HTTPSHandler(context=insecure_tls()))
        self.token = ""

    def request(self, method: str, path: str, data: dict | None = None, htmx: bool = False,
                timeout: float = 15) -> tuple[int, dict, str]:
        headers = {"Referer": self.base + path}
        if htmx:
            headers.update({"HX-Request": "true", "HX-Target": "result"})
        body = None
        if data is not None:
            body = urllib.parse.urlencode(data, doseq=True).encode()
            headers["X-CSRFToken"] = self.token
        req = urllib.request.Request(self.base + path, data=body, headers=headers, method=method)
        try:
            with self.opener.open(req, timeout=timeout) as response:
                status, head, text = response.status, dict(response.headers), response.read().decode()
        except urllib.error.HTTPError as error:
            status, head, text = error.code, dict(error.headers), error.read().decode("utf-8", "replace")
        found = self.TOKEN.search(text)
        if found:
            self.token = found.group(1) or found.group(2)
        return status, head, text

    def get(self, path: str, **kwargs):
        return self.request("GET", path, **kwargs)

    def post(self, path: str, data: dict, **kwargs):
        return self.request("POST", path, data, **kwargs)
