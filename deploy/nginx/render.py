#!/usr/bin/env python3
"""Render deploy/nginx/trainer.conf.in into an nginx site file, on stdout.

    deploy/nginx/render.py --server-name trainer.example.org --upstream 127.0.0.1:8000 \
        --static-root /srv/trainer/staticfiles --cert /etc/ssl/certs/trainer.pem \
        --key /etc/ssl/private/trainer.key > /etc/nginx/sites-available/trainer

Every option has the single-box default shown by --help; give --upstream once per gunicorn
instance. No dependencies beyond Python, so it runs before the virtualenv exists.
"""

import argparse
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def render(values: dict, upstreams: list[str]) -> str:
    text = (HERE / "trainer.conf.in").read_text()
    lines = "\n".join(f"    server {u} max_fails=1 fail_timeout=5s;" for u in upstreams)
    text = text.replace("@UPSTREAMS@", lines)
    for name, value in values.items():
        text = text.replace(f"@{name}@", str(value))
    left = re.findall(r"@[A-Z_]+@", text)
    if left:
        raise SystemExit(f"render.py: placeholders left unfilled: {', '.join(sorted(set(left)))}")
    return text


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--server-name", default="trainer.example.org")
    p.add_argument("--upstream", action="append", help="host:port of a gunicorn instance (repeat)")
    p.add_argument("--static-root", default="/srv/trainer/staticfiles")
    p.add_argument("--error-root", default=str(HERE / "errors"))
    p.add_argument("--cert", default="/etc/ssl/certs/trainer.pem")
    p.add_argument("--key", default="/etc/ssl/private/trainer.key")
    p.add_argument("--http-listen", default="80")
    p.add_argument("--https-listen", default="443")
    p.add_argument("--access-log", default="/var/log/nginx/trainer.json.log")
    # A class behind one NAT address: 20 learners typing, each edit posted 150 ms after a pause.
    p.add_argument("--rate", type=int, default=100, help="requests per second per client address")
    p.add_argument("--burst", type=int, default=200)
    args = p.parse_args(argv)
    values = {"SERVER_NAME": args.server_name, "STATIC_ROOT": args.static_root.rstrip("/"),
              "ERROR_ROOT": args.error_root, "CERT": args.cert, "KEY": args.key,
              "HTTP_LISTEN": args.http_listen, "HTTPS_LISTEN": args.https_listen,
              "ACCESS_LOG": args.access_log, "RATE": args.rate, "BURST": args.burst}
    sys.stdout.write(render(values, args.upstream or ["127.0.0.1:8000"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
