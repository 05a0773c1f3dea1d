from pathlib import Path

import pytest

from kanal.routing import datafiles, rules
from kanal.routing.places import build_gazetteer

DATA = Path(__file__).resolve().parents[3] / "data" / "routing"


@pytest.fixture(scope="session")
def gazetteer():
    return build_gazetteer(datafiles.read_gazetteer(DATA / "gazetteer.csv"))


@pytest.fixture(scope="session")
def keyword_index():
    return rules.compile_keywords(datafiles.read_keywords(DATA / "keywords.csv"))


@pytest.fixture
def routing_data(reference_data):
    """Reference data plus the routing keywords and gazetteer loaded by the real action."""
    from django.core.cache import cache

    from kanal.routing.actions import load_routing_data

    load_routing_data(keywords_csv=DATA / "keywords.csv", gazetteer_csv=DATA / "gazetteer.csv")
    cache.delete("routing:data-version")  # on_commit does not run inside the test transaction
    cache.set("routing:data-version", 1000)
