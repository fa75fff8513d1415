"""With DEBUG=0, as deployed: every stylesheet and script answers 200, under a hashed name, with a
year's caching and a compressed copy. Before, they all answered 404 and the site fell back to
unstyled full-page posts."""

import re

import pytest

from benchmarks.services import Gunicorn, fetch, manage, site_env

pytestmark = pytest.mark.services


@pytest.fixture(scope="module")
def site(collected, tmp_path_factory):
    workdir = tmp_path_factory.mktemp("static-site")
    env = site_env(STATIC_ROOT=str(collected), ALLOW_SQLITE="1", ALLOW_LOCAL_CACHE="1",
                   DATABASE_URL=f"sqlite:///{workdir / 'db.sqlite3'}")
    manage(env, "migrate", "--no-input", "-v0")
    with Gunicorn(env, workdir, workers=1) as app:
        yield app


def assets(site, path):
    status, _, body = fetch(site.url + path)
    assert status == 200
    return re.findall(r'(?:href|src)="(/static/[^"]+)"', body.decode())


def test_the_pages_name_hashed_files_that_answer_200_with_long_caching(site):
    names = set(assets(site, "/stages/1/")) | set(assets(site, "/quizzes/"))
    wanted = {"css/site", "vendor/htmx-2.0.11/htmx.min", "vendor/codemirror-5.65.21/lib/codemirror",
              "vendor/codemirror-5.65.21/mode/yaml/yaml", "js/stage-editor", "js/site", "favicon"}
    found = {re.sub(r"\.[0-9a-f]{12}\.(css|js|svg)$", "", n.removeprefix("/static/")) for n in names}
    assert wanted <= found
    for name in names:
        assert re.search(r"\.[0-9a-f]{12}\.(css|js|svg)$", name), name
        status, headers, body = fetch(site.url + name, headers={"Accept-Encoding": "gzip, br"})
        assert status == 200 and body, name
        assert "max-age=315360000" in headers["Cache-Control"] and "immutable" in headers["Cache-Control"]
        assert headers.get("Content-Encoding") in ("br", "gzip"), name


def test_a_file_that_is_not_there_is_a_404(site):
    assert fetch(site.url + "/static/css/nothing.css")[0] == 404
