"""Whether anything listens on a port: the destination's declared container ports."""

import pytest

from trainer.netpol.build import load_cluster
from trainer.netpol.evaluation import Analyzer
from trainer.netpol.listening import declares, listening_note
from trainer.netpol.matrix import build_matrix
from trainer.netpol.objects import ExternalHost

from .builders import cluster_of, pod

DB = pod("prod/db", role="db", ip="10.0.1.5",
         ports=["mysql=3306", "metrics=9104", "dns=53/UDP", "sig=7/SCTP"])
SILENT = pod("prod/silent", role="silent", ip="10.0.1.6")  # declares no port at all


@pytest.fixture(scope="module")
def cluster():
    return cluster_of(DB, SILENT)


def test_a_declared_port_listens(cluster):
    db = cluster.pod("prod/db")
    assert declares(db, 3306, "TCP") is True
    assert declares(db, 3306) is True  # TCP when the protocol is not said
    assert declares(db, 53, "udp") is True  # protocols as the probe form may send them
    assert listening_note(db, 3306, "TCP") == ""


def test_an_undeclared_port_has_nothing_listening_and_the_note_names_what_is_declared(cluster):
    db = cluster.pod("prod/db")
    assert declares(db, 80, "TCP") is False
    assert listening_note(db, 80, "TCP") == (
        "nothing listens on TCP 80 in prod/db (it declares TCP 3306, TCP 9104, UDP 53 and SCTP 7 only)")
    one = cluster_of(pod("prod/db", ports=["3306"])).pod("prod/db")
    assert listening_note(one, 80, "TCP") == (
        "nothing listens on TCP 80 in prod/db (it declares TCP 3306 only)")


def test_the_protocol_counts_tcp_udp_and_sctp_apart(cluster):
    db = cluster.pod("prod/db")
    assert declares(db, 3306, "UDP") is False and declares(db, 3306, "SCTP") is False
    assert declares(db, 53, "TCP") is False  # DNS is declared on UDP only
    assert declares(db, 7, "SCTP") is True and declares(db, 7, "TCP") is False
    assert listening_note(db, 53, "TCP").startswith("nothing listens on TCP 53 in prod/db")
    assert listening_note(db, 3306, "SCTP").startswith("nothing listens on SCTP 3306 in prod/db")


def test_named_ports_are_looked_up_by_name_and_protocol(cluster):
    db = cluster.pod("prod/db")
    assert declares(db, "mysql", "TCP") is True
    assert declares(db, "mysql", "UDP") is False
    assert declares(db, "http", "TCP") is False
    assert listening_note(db, "http", "TCP").startswith(
        "nothing listens on a TCP port named http in prod/db (it has no such port")


def test_a_pod_declaring_no_ports_may_listen_anywhere_and_the_note_says_it_cannot_be_told(cluster):
    silent = cluster.pod("prod/silent")
    assert declares(silent, 80, "TCP") is None
    assert declares(silent, "http", "TCP") is None
    assert listening_note(silent, 80, "TCP") == (
        "prod/silent declares no container ports, so whether anything listens on TCP 80 cannot be told "
        "(Kubernetes does not require the declarations)")


def test_a_host_outside_the_cluster_cannot_be_told_and_gets_no_note():
    host = ExternalHost("203.0.113.7")
    assert declares(host, 443, "TCP") is None
    assert listening_note(host, 443, "TCP") == ""


def test_a_container_port_without_a_protocol_is_tcp():
    cluster = load_cluster([("""
apiVersion: v1
kind: Pod
metadata: {name: db, namespace: prod}
spec: {containers: [{name: c, image: i, ports: [{containerPort: 3306}]}]}
""", "c.yaml")])
    db = cluster.pod("prod/db")
    assert declares(db, 3306, "TCP") is True and declares(db, 3306, "UDP") is False


def test_many_declared_ports_are_counted_after_the_first_few():
    busy = cluster_of(pod("prod/busy", ports=[str(n) for n in range(8001, 8008)])).pod("prod/busy")
    assert listening_note(busy, 80, "TCP") == (
        "nothing listens on TCP 80 in prod/busy (it declares 7 other ports: TCP 8001, TCP 8002, "
        "TCP 8003, TCP 8004 and 3 more)")


def test_the_matrix_asks_each_destination_group(cluster):
    matrix = build_matrix(Analyzer(cluster), ["203.0.113.7"], [(80, "TCP"), (3306, "TCP")])
    index = {g.keys[0]: d for d, g in enumerate(matrix.groups)}
    assert matrix.declares(index["prod/db"], (3306, "TCP")) is True
    assert matrix.declares(index["prod/db"], (80, "TCP")) is False
    assert matrix.declares(index["prod/silent"], (80, "TCP")) is None
    assert matrix.declares(index["203.0.113.7"], (80, "TCP")) is None
