import pytest

from trainer.catalog.stages import catalog


@pytest.fixture(autouse=True)
def _hosts(settings):
    settings.ALLOWED_HOSTS = ["testserver"]


@pytest.fixture
def stage3():
    return catalog().stage(3)


def post_form(text, **extra):
    return {"yaml": text, "scenario": "guide", **extra}
