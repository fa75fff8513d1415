"""Production-like instances of the site for the tests that need real processes."""

import shutil

import pytest

from benchmarks.services import manage, site_env


@pytest.fixture(scope="session")
def collected(tmp_path_factory):
    """The static files as production has them: collected with DEBUG=0 (hashed, compressed)."""
    root = tmp_path_factory.mktemp("static")
    manage(site_env(STATIC_ROOT=str(root), ALLOW_SQLITE="1", ALLOW_LOCAL_CACHE="1"),
           "collectstatic", "--no-input", "-v0")
    return root


def need(*programs):
    missing = [p for p in programs if not shutil.which(p)]
    if missing:
        pytest.fail(f"missing {', '.join(missing)}: scripts/test installs them (Debian packages)")
