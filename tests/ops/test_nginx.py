"""nginx in front, rendered from deploy/nginx/trainer.conf.in: slow clients buffered, TLS and its
headers, static files, no Server banner, a page of the site's own when no instance answers.

Before: three connections sending a body 1 byte every 4 s held every sync worker, and GET /
took 31 s.
"""

import socket
import threading
import time
import urllib.error

import pytest

from benchmarks.services import Browser, Gunicorn, Nginx, Redis, fetch, insecure_tls, manage, site_env

pytestmark = pytest.mark.services
SLOW_CLIENTS = 3
TRICKLE_SECONDS = 4


@pytest.fixture(scope="module")
def stack(collected, tmp_path_factory):
    workdir = tmp_path_factory.mktemp("nginx")
    with Redis(workdir) as redis:  # the workers share their lockout counts there
        env = site_env(STATIC_ROOT=str(collected), ALLOW_SQLITE="1", REDIS_URL=redis.url(),
                       DATABASE_URL=f"sqlite:///{workdir / 'db.sqlite3'}", TRUST_X_FORWARDED_PROTO="1",
                       TRUSTED_PROXY_COUNT="1", SECURE_SSL_REDIRECT="1", SECURE_HSTS_SECONDS="31536000")
        manage(env, "migrate", "--no-input", "-v0")
        with Gunicorn(env, workdir, workers=2) as app, \
                Nginx(workdir, [f"127.0.0.1:{app.port}"], collected) as web:
            yield app, web


def trickle(port: int, tls: bool, stop: threading.Event) -> None:
    """A client that announces a 100-byte body and sends it one byte every TRICKLE_SECONDS."""
    raw = socket.create_connection(("127.0.0.1", port), timeout=30)
    conn = insecure_tls().wrap_socket(raw, server_hostname="127.0.0.1") if tls else raw
    try:
        conn.sendall(b"POST /accounts/login/ HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Forwarded-Proto: https\r\n"
                     b"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\n")
        while not stop.wait(TRICKLE_SECONDS):
            conn.sendall(b"a")
    except OSError:
        pass
    finally:
        conn.close()


def home_answers_within(url: str, seconds: float) -> bool:
    try:
        return fetch(url + "/", timeout=seconds, headers={"X-Forwarded-Proto": "https"})[0] == 200
    except (TimeoutError, urllib.error.URLError):
        return False


def with_slow_clients(port: int, tls: bool, check):
    stop = threading.Event()
    clients = [threading.Thread(target=trickle, args=(port, tls, stop)) for _ in range(SLOW_CLIENTS)]
    for c in clients:
        c.start()
    time.sleep(1)  # every slow client connected and sending
    try:
        return check()
    finally:
        stop.set()
        for c in clients:
            c.join(timeout=30)


def test_slow_clients_do_not_hold_the_workers_behind_nginx(stack):
    app, web = stack
    assert with_slow_clients(web.https_port, True, lambda: home_answers_within(web.url, 3))


def test_without_nginx_the_same_slow_clients_would_hold_them(stack):
    """The control: straight to gunicorn's two sync workers, the home page waits behind them."""
    app, web = stack
    assert not with_slow_clients(app.port, False, lambda: home_answers_within(app.url, 3))


def test_tls_headers_and_no_server_banner(stack):
    app, web = stack
    status, headers, _ = fetch(web.url + "/", headers={"X-Request-ID": "ignored-nginx-sets-its-own"})
    assert status == 200
    assert "Server" not in headers
    assert headers["Strict-Transport-Security"] == "max-age=31536000"  # Django's, once
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert len(headers["X-Request-ID"]) == 32 and headers["X-Request-ID"] != "ignored-nginx-sets-its-own"
    status, headers, _ = fetch(f"http://127.0.0.1:{web.http_port}/lab/")
    assert status == 301 and headers["Location"].startswith("https://") and "Server" not in headers


def test_static_files_come_from_nginx_with_long_caching(stack):
    app, web = stack
    page = fetch(web.url + "/stages/1/")[2].decode()
    css = page.split('href="/static/css/site.')[1].split('"')[0]
    status, headers, _ = fetch(f"{web.url}/static/css/site.{css}", headers={"Accept-Encoding": "gzip"})
    assert status == 200 and headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert headers["Content-Encoding"] == "gzip" and "Strict-Transport-Security" in headers
    assert "Server" not in headers


def test_a_forged_forwarded_for_does_not_escape_the_address_lockout(stack):
    """nginx appends the address it saw; the site (TRUSTED_PROXY_COUNT=1) counts that one, so
    a guesser writing its own X-Forwarded-For is still one address, locked out after 10 failures."""
    app, web = stack
    guesser = Browser(web.url)
    guesser.get("/accounts/login/")
    statuses = []
    for n in range(11):
        guesser.opener.addheaders = [("X-Forwarded-For", f"203.0.113.{n}")]
        statuses.append(guesser.post("/accounts/login/", {"username": f"nobody{n}", "password": "guess"})[0])
    assert statuses[:9] == [200] * 9 and statuses[10] == 429


def test_when_no_instance_answers_nginx_shows_the_sites_page(stack, tmp_path):
    app, web = stack
    app.kill()
    try:
        status, headers, body = fetch(web.url + "/lab/")
        assert status == 502 and headers["Retry-After"] == "10"
        assert "Back in a moment" in body.decode() and "Server" not in headers
    finally:
        app.start()
    assert fetch(web.url + "/lab/")[0] == 200
