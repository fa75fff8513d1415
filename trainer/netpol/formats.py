"""apimachinery's string formats (k8s.io/apimachinery/pkg/util/validation), in its words.

Each check returns a list of messages, empty when the value is valid.
"""

from __future__ import annotations

import ipaddress
import re

_DNS1123_LABEL = "[a-z0-9]([-a-z0-9]*[a-z0-9])?"
_DNS1123_SUBDOMAIN = _DNS1123_LABEL + "(\\." + _DNS1123_LABEL + ")*"
_LABEL_KEY = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]"
_LABEL_VALUE = "(" + _LABEL_KEY + ")?"
_LABEL_KEY_MSG = ("must consist of alphanumeric characters, '-', '_' or '.', "
                  "and must start and end with an alphanumeric character")


def _regex_error(msg: str, fmt: str, *examples: str) -> str:
    shown = " or ".join(f"'{e}', " for e in examples)
    return f"{msg} (e.g. {shown}regex used for validation is '{fmt}')"


def byte_size(text: str) -> int:
    return len(text.encode("utf-8", "surrogatepass"))


def dns1123_label(value: str) -> list[str]:
    errs = []
    if byte_size(value) > 63:
        errs.append("must be no more than 63 characters")
    if not re.fullmatch(_DNS1123_LABEL, value):
        if re.fullmatch(_DNS1123_SUBDOMAIN, value):
            errs.append("must not contain dots")
        else:
            errs.append(_regex_error(
                "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', "
                "and must start and end with an alphanumeric character",
                _DNS1123_LABEL, "my-name", "123-abc"))
    return errs


def dns1123_subdomain(value: str) -> list[str]:
    errs = []
    if byte_size(value) > 253:
        errs.append("must be no more than 253 characters")
    if not re.fullmatch(_DNS1123_SUBDOMAIN, value):
        errs.append(_regex_error(
            "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', "
            "and must start and end with an alphanumeric character", _DNS1123_SUBDOMAIN, "example.com"))
    return errs


def qualified_name(value: str) -> list[str]:
    """IsQualifiedName: a label key, with an optional DNS subdomain prefix."""
    errs = []
    parts = value.split("/")
    if len(parts) > 2:
        key_error = _regex_error(_LABEL_KEY_MSG, _LABEL_KEY, "MyName", "my.name", "123-abc")
        return ["a valid label key " + key_error
                + " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"]
    name = parts[-1]
    if len(parts) == 2:
        if not parts[0]:
            errs.append("prefix part must be non-empty")
        else:
            errs += ["prefix part " + e for e in dns1123_subdomain(parts[0])]
    if not name:
        errs.append("name part must be non-empty")
    elif byte_size(name) > 63:
        errs.append("name part must be no more than 63 characters")
    if not re.fullmatch(_LABEL_KEY, name):
        errs.append("name part " + _regex_error(_LABEL_KEY_MSG, _LABEL_KEY, "MyName", "my.name", "123-abc"))
    return errs


def label_value(value: str) -> list[str]:
    errs = []
    if byte_size(value) > 63:
        errs.append("must be no more than 63 characters")
    if not re.fullmatch(_LABEL_VALUE, value):
        errs.append(_regex_error(
            "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', "
            "and must start and end with an alphanumeric character",
            _LABEL_VALUE, "MyValue", "my_value", "12345"))
    return errs


def port_name(value: str) -> list[str]:
    """IsValidPortName: an IANA_SVC_NAME."""
    errs = []
    if byte_size(value) > 15:
        errs.append("must be no more than 15 characters")
    if not re.fullmatch("[-a-z0-9]+", value):
        errs.append("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)")
    if not re.search("[a-z]", value):
        errs.append("must contain at least one letter (a-z)")
    if "--" in value:
        errs.append("must not contain consecutive hyphens")
    if value.startswith("-") or value.endswith("-"):
        errs.append("must not begin or end with a hyphen")
    return errs


def port_number(value: int) -> list[str]:
    return [] if 1 <= value <= 65535 else ["must be between 1 and 65535, inclusive"]


_IPV4_LOOSE = re.compile(r"[0-9]+(\.[0-9]+){3}")


def _parse_ip(text: str):
    """(address, message): Go's ParseIP as Kubernetes' strict IP validation words it."""
    try:
        if "%" in text:  # Go refuses IPv6 zones; Python would accept them
            raise ValueError
        addr = ipaddress.ip_address(text)
    except ValueError:
        if _IPV4_LOOSE.fullmatch(text) and all(int(o) < 256 for o in text.split(".")):
            return None, "must not have leading 0s"
        return None, None
    if addr.version == 6 and addr.ipv4_mapped is not None:
        return None, "must not be an IPv4-mapped IPv6 address"
    return addr, None


def ip_address(value: str) -> list[str]:
    addr, message = _parse_ip(value)
    if addr is None:
        return [message or "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)"]
    return []


def parse_cidr(value: str):
    """(network, errors) for an ipBlock CIDR: an address and a prefix length are required.

    Host bits after the prefix are accepted, as the API server accepts them
    (StrictIPCIDRValidation is off by default); leading zeros and IPv4-mapped
    IPv6 addresses are refused in its strict words, since their meaning differs
    between implementations.
    """
    invalid = ["must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)"]
    address, slash, length = value.rpartition("/")
    if not slash or not length.isascii() or not length.isdigit():
        return None, invalid
    addr, message = _parse_ip(address)
    if addr is None and message == "must not have leading 0s":
        return None, ["must not have leading 0s in IP or prefix length"]
    if addr is None and message:
        return None, ["must not have an IPv4-mapped IPv6 address"]
    if addr is None or int(length) > addr.max_prefixlen:
        return None, invalid
    if len(length) > 1 and length.startswith("0"):
        return None, ["must not have leading 0s in IP or prefix length"]
    return ipaddress.ip_network(f"{addr}/{int(length)}", strict=False), []
