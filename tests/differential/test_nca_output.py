"""Reading nca's txt_no_fw_rules connectivity map (no nca needed)."""

import pytest

from .nca_output import ConnectionSet, ConnectivityMap, NcaOutputError

MAP = """\
0.0.0.0-192.167.255.255 => prod/web : All connections
192.168.0.0-192.168.0.255,192.168.2.0-192.168.255.255 => prod/db : {protocols:UDP,dst_ports:1000-2000}
dev/tool => prod/web : {protocols:SCTP,dst_ports:9090}
dev/tool => prod/web : {protocols:TCP,dst_ports:80,7000-7010}
prod/web => prod/db : {protocols:TCP, UDP}
prod/db => 0.0.0.0-255.255.255.255 : All but {protocols:TCP,dst_ports:22}
prod/web[Pod] => dev/tool[Pod] : No connections
"""


@pytest.fixture
def nca_map():
    return ConnectivityMap.parse(MAP)


@pytest.mark.parametrize("src, dst, port, protocol, allowed", [
    ("dev/tool", "prod/web", 9090, "SCTP", True),  # lines of one pair add up
    ("dev/tool", "prod/web", 80, "TCP", True),
    ("dev/tool", "prod/web", 7010, "TCP", True),
    ("dev/tool", "prod/web", 7011, "TCP", False),
    ("dev/tool", "prod/web", 9090, "TCP", False),
    ("prod/web", "prod/db", 5432, "UDP", True),
    ("prod/web", "prod/db", 5432, "SCTP", False),
    ("prod/web", "dev/tool", 80, "TCP", False),
    ("prod/db", "prod/web", 80, "TCP", False),  # no line: no connection
])
def test_pod_pairs(nca_map, src, dst, port, protocol, allowed):
    assert nca_map.allows(src, dst, port, protocol) is allowed


@pytest.mark.parametrize("src, dst, port, protocol, allowed", [
    ("192.167.255.255", "prod/web", 1, "UDP", True),
    ("192.168.0.0", "prod/web", 1, "UDP", False),
    ("192.168.0.9", "prod/db", 1500, "UDP", True),
    ("192.168.1.9", "prod/db", 1500, "UDP", False),  # between the two ranges
    ("192.168.3.9", "prod/db", 2001, "UDP", False),
    ("prod/db", "8.8.8.8", 53, "UDP", True),
    ("prod/db", "8.8.8.8", 22, "TCP", False),  # "All but"
    ("prod/db", "8.8.8.8", 23, "TCP", True),
])
def test_external_hosts_fall_in_ranges(nca_map, src, dst, port, protocol, allowed):
    assert nca_map.allows(src, dst, port, protocol) is allowed


def test_all_but_a_protocol_list():
    conns = ConnectionSet.parse("{protocols:all but TCP, UDP}")
    assert conns.allows(80, "SCTP") and not conns.allows(80, "TCP")


@pytest.mark.parametrize("line", [
    "prod/web -> prod/db : All connections",
    "prod/web => prod/db : {protocols:TCP,paths:/api}",
    "prod/web => prod/db : sometimes",
])
def test_unreadable_lines_are_errors_not_silent_denials(line):
    with pytest.raises(NcaOutputError):
        ConnectivityMap.parse(line)
