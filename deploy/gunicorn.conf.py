"""gunicorn's settings for production (deploy/systemd/trainer.service, deploy/k8s/app.yaml).

    gunicorn trainer.wsgi -c deploy/gunicorn.conf.py

Sync workers: nginx (or the ingress controller) reads each request whole before
passing it on, so a slow client never holds a worker. Each of the environment
variables below has a default for one 2-core box.
"""

import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Requests are CPU-bound (the engine) with short database waits: about 2 per core.
workers = int(os.environ.get("GUNICORN_WORKERS", "4"))
worker_class = "sync"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 20
keepalive = 5
# Recycle workers now and then, so that a slow leak cannot grow without bound.
max_requests = 5000
max_requests_jitter = 500
# gunicorn's control socket (gunicornc) is off: several instances on one machine would share its
# default path, and nothing here uses it.
control_socket_disable = True
# nginx on this machine or the ingress controller sets X-Forwarded-*; trust them from there only.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# nginx logs every request (with the same request id); gunicorn logs its own events, as JSON lines.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "trainer.ops.logs.JsonFormatter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"}},
    "loggers": {
        "gunicorn.error": {"handlers": ["console"], "level": loglevel.upper(), "propagate": False},
        "gunicorn.access": {"handlers": [], "propagate": False},
    },
}
