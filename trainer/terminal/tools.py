"""nc (netcat-openbsd), curl and busybox wget, as they answer inside a pod.

Each returns (output, exit code). Their words are the real tools' words; only
the verdict behind them comes from the engine (see network.py).
"""

from __future__ import annotations

import re

from trainer.netpol.objects import Pod

from .network import NO_DNS, OPEN, TIMEOUT, Network, greeting

# /etc/services names that netcat prints after a successful connection.
SERVICES = {
    ("tcp", 22): "ssh", ("tcp", 25): "smtp", ("tcp", 53): "domain", ("udp", 53): "domain",
    ("tcp", 80): "http", ("udp", 123): "ntp", ("tcp", 443): "https", ("tcp", 3306): "mysql",
    ("tcp", 5432): "postgresql", ("tcp", 6379): "redis", ("tcp", 8080): "http-alt",
}
NC_USAGE = ("usage: nc [-46CDdFhklNnrStUuvZz] [-I length] [-i interval] [-M ttl]\n"
            "\t  [-m minttl] [-O length] [-P proxy_username] [-p source_port]\n"
            "\t  [-q seconds] [-s sourceaddr] [-T keyword] [-V rtable] [-W recvlimit]\n"
            "\t  [-w timeout] [-X proxy_protocol] [-x proxy_address[:port]]\n"
            "\t  [destination] [port]")
MAX_PORTS = 20


def nc(net: Network, src: Pod, argv: list[str]) -> tuple[str, int]:
    flags, args, timeout, error = _nc_options(argv)
    if error:
        return error, 1
    if len(args) < 2:
        return NC_USAGE, 1
    host = args[0]
    ports, error = _nc_ports(args[1:])
    if error:
        return error, 1
    proto = "udp" if "u" in flags else "tcp"
    target = net.resolve(src, host)
    if target.endpoint is None:
        why = ("Temporary failure in name resolution" if target.failure == NO_DNS
               else "Name or service not known")
        return f'nc: getaddrinfo for host "{host}" port {ports[0]}: {why}', 1
    lines, code = [], 1
    for port in ports:
        result = net.connect(src, target.endpoint, port, proto.upper())
        if result == OPEN:
            code = 0
        if "v" in flags:
            lines.append(_nc_says(host, port, proto, result, timeout is not None))
    return "\n".join(lines), code


def _nc_options(argv: list[str]):
    """(flags, operands, -w seconds or None, ""), or an error message last."""
    flags, args, timeout = set(), [], None
    rest = iter(argv)  # an option that takes a value may take the next argument
    for token in rest:
        if not (token.startswith("-") and len(token) > 1):
            args.append(token)
            continue
        letters = token[1:]
        for j, letter in enumerate(letters):
            if letter in "zvun46NdD":
                flags.add(letter)
            elif letter in "wqip":
                value = letters[j + 1:] or next(rest, "")
                if letter == "w" and not value.isdigit():
                    return None, None, None, f"nc: timeout invalid: {value}"
                if letter == "w":
                    timeout = int(value)
                break
            else:
                return None, None, None, f"nc: invalid option -- '{letter}'\n{NC_USAGE}"
    return flags, args, timeout, ""


def _nc_ports(texts: list[str]) -> tuple[list[int], str]:
    """The ports of `nc HOST PORT|LOW-HIGH...`, or an error message."""
    ports = []
    for text in texts:
        low, dash, high = text.partition("-")
        if not low.isdigit() or (dash and not high.isdigit()):
            return [], f"nc: port number invalid: {text}"
        first, last = int(low), int(high) if dash else int(low)
        if not (1 <= first <= last <= 65535):
            return [], f"nc: port range not valid: {text}" if dash else f"nc: port number invalid: {text}"
        ports += range(first, last + 1)
        if len(ports) > MAX_PORTS:
            return [], f"nc: the lab scans at most {MAX_PORTS} ports at once"
    return ports, ""


def _nc_says(host: str, port: int, proto: str, result: str, timed: bool) -> str:
    """What nc -v prints for one port; `timed` when -w was given."""
    if result == OPEN:
        service = SERVICES.get((proto, port), "*")
        return f"Connection to {host} {port} port [{proto}/{service}] succeeded!"
    if result == TIMEOUT and timed:
        return f"nc: connect to {host} port {port} ({proto}) timed out: Operation now in progress"
    if result == TIMEOUT:
        return f"nc: connect to {host} port {port} ({proto}) failed: Connection timed out"
    return f"nc: connect to {host} port {port} ({proto}) failed: Connection refused"


_URL = re.compile(r"(?:(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*)://)?(?P<host>[^/:?#]*)"
                  r"(?::(?P<port>[^/?#]*))?(?P<path>[/?#].*)?")
CURL_BOOL = {"s": "silent", "S": "show-error", "v": "verbose", "I": "head", "i": "include",
             "L": "location", "k": "insecure", "f": "fail", "4": "ipv4", "6": "ipv6"}
CURL_VALUE = {"o": "output", "w": "write-out", "m": "max-time", "X": "request", "H": "header",
              "d": "data", "A": "user-agent", "u": "user"}
CURL_LONG_VALUE = set(CURL_VALUE.values()) | {"connect-timeout"}


def _curl_options(argv: list[str]):
    """(options by long name, URLs, ""), or an error message last."""
    opts, urls = {}, []
    rest = iter(argv)  # an option that takes a value may take the next argument
    for token in rest:
        error = ""
        if token.startswith("--"):
            error = _curl_long(token, rest, opts)
        elif token.startswith("-") and len(token) > 1:
            error = _curl_short(token, rest, opts)
        else:
            urls.append(token)
        if error:
            return None, None, error
    return opts, urls, ""


def _curl_long(token: str, rest, opts: dict) -> str:
    """--name, --name=value or --name value into opts; an error message, or ""."""
    name, has_value, value = token[2:].partition("=")
    if name in CURL_LONG_VALUE:
        if not has_value:
            value = next(rest, None)
            if value is None:
                return f"curl: option --{name}: requires parameter"
        opts[name] = value
    elif name in CURL_BOOL.values():
        opts[name] = True
    else:
        return f"curl: option --{name}: is unknown"
    return ""


def _curl_short(token: str, rest, opts: dict) -> str:
    """Clustered letters (-sS); one that takes a value takes the rest of the token or the next."""
    letters = token[1:]
    for j, letter in enumerate(letters):
        if letter in CURL_BOOL:
            opts[CURL_BOOL[letter]] = True
        elif letter in CURL_VALUE:
            value = letters[j + 1:] or next(rest, None)
            if value is None:
                return f"curl: option -{letter}: requires parameter"
            opts[CURL_VALUE[letter]] = value
            return ""
        else:
            return f"curl: option -{letter}: is unknown"
    return ""


def parse_url(url: str):
    """(scheme, host, port, path) or an error string."""
    found = _URL.fullmatch(url)
    if not found:
        return "curl: (3) URL rejected: Malformed input to a URL function"
    scheme = (found["scheme"] or "http").lower()
    if scheme not in ("http", "https"):
        return f'curl: (1) Protocol "{scheme}" not supported'
    if not found["host"]:
        return "curl: (3) URL rejected: No host part in the URL"
    port_text = found["port"]
    if port_text is not None and not (port_text.isdigit() and 0 < int(port_text) <= 65535):
        return "curl: (3) URL rejected: Port number was not a decimal number between 0 and 65535"
    port = int(port_text) if port_text else (443 if scheme == "https" else 80)
    return scheme, found["host"], port, found["path"] or "/"


def curl(net: Network, src: Pod, argv: list[str]) -> tuple[str, int]:
    opts, urls, error = _curl_options(argv)
    if error:
        return f"{error}\ncurl: try 'curl --help' for more information", 2
    if not urls:
        return "curl: no URL specified!\ncurl: try 'curl --help' for more information", 2
    timeout = opts.get("max-time") or opts.get("connect-timeout")
    if timeout is not None:
        try:
            timeout = float(timeout)
        except ValueError:
            return "curl: option -m: expected a proper numerical parameter", 2
    parsed = parse_url(urls[0])
    if isinstance(parsed, str):
        return parsed, int(parsed.split("(")[1].split(")")[0])
    _, host, port, path = parsed
    quiet = opts.get("silent") and not opts.get("show-error")
    target = net.resolve(src, host)
    if target.endpoint is None:
        return ("" if quiet else f"curl: (6) Could not resolve host: {host}"), 6
    trying = [f"*   Trying {target.ip}:{port}..."] if opts.get("verbose") else []
    result = net.connect(src, target.endpoint, port, "TCP")
    write_out = _write_out(opts.get("write-out"), result, target.ip, port)
    if result != OPEN:
        if result == TIMEOUT:
            code = 28
            message = (f"curl: (28) Connection timed out after {int(timeout * 1000) + 1} milliseconds"
                       if timeout is not None else
                       f"curl: (28) Failed to connect to {host} port {port} after 130001 ms: "
                       "Couldn't connect to server")
        else:
            code = 7
            message = (f"curl: (7) Failed to connect to {host} port {port} after 0 ms: "
                       "Couldn't connect to server")
        lines = trying + ([write_out] if write_out else []) + ([] if quiet else [message])
        return "\n".join(lines), code
    body = greeting(target.endpoint, port, path)
    headers = (f"HTTP/1.1 200 OK\nContent-Type: text/plain\nContent-Length: {len(body)}\n")
    out = trying + ([f"* Connected to {host} ({target.ip}) port {port}"] if opts.get("verbose") else [])
    if opts.get("head"):
        out.append(headers)
    elif opts.get("output"):
        pass  # the body went to a file (or /dev/null)
    else:
        out.append((headers + "\n" if opts.get("include") else "") + body.rstrip("\n"))
    if write_out:
        out.append(write_out)
    return "\n".join(out), 0


def _write_out(fmt: str | None, result: str, ip: str, port: int) -> str:
    if not fmt:
        return ""
    code = "200" if result == OPEN else "000"
    text = fmt.replace("%{http_code}", code).replace("%{response_code}", code)
    text = text.replace("%{remote_ip}", ip if result == OPEN else "").replace(
        "%{remote_port}", str(port) if result == OPEN else "")
    return text.replace("\\n", "\n").rstrip("\n")


def _wget_options(argv: list[str]):
    """(quiet, spider and output, URLs, ""), or an error message last."""
    opts, urls = {"quiet": False, "spider": False, "output": None}, []
    rest = iter(argv)  # an option that takes a value may take the next argument (or "")
    for token in rest:
        error = ""
        if token.startswith("--"):
            error = _wget_long(token, rest, opts)
        elif token.startswith("-") and len(token) > 1:
            error = _wget_short(token, rest, opts)
        else:
            urls.append(token)
        if error:
            return None, None, error
    return opts, urls, ""


def _wget_long(token: str, rest, opts: dict) -> str:
    """--quiet, --spider, --timeout and --output-document (=VALUE or VALUE); an error, or ""."""
    if token in ("--quiet", "--spider"):
        opts[token[2:]] = True
    elif token.startswith(("--timeout", "--output-document")):
        name, eq, value = token.partition("=")
        if not eq:
            value = next(rest, "")
        if name == "--output-document":
            opts["output"] = value
    else:
        return f"wget: unrecognized option '{token}'"
    return ""


def _wget_short(token: str, rest, opts: dict) -> str:
    """Clustered letters (-qS); -O and -T take the rest of the token or the next argument."""
    letters = token[1:]
    for j, letter in enumerate(letters):
        if letter == "q":
            opts["quiet"] = True
        elif letter in "OT":
            value = letters[j + 1:] or next(rest, "")
            if letter == "O":
                opts["output"] = value
            return ""
        elif letter != "S":  # -S (print the server's headers) is accepted and ignored
            return f"wget: invalid option -- '{letter}'"
    return ""


def wget(net: Network, src: Pod, argv: list[str]) -> tuple[str, int]:
    opts, urls, error = _wget_options(argv)
    if error:
        return error, 1
    if not urls:
        return "BusyBox wget: missing URL\nUsage: wget [-cqS] [--spider] [-O FILE] [-T SEC] URL...", 1
    parsed = parse_url(urls[0])
    if isinstance(parsed, str):
        return f"wget: bad address '{urls[0]}'", 1
    _, host, port, path = parsed
    quiet = opts["quiet"]
    target = net.resolve(src, host)
    if target.endpoint is None:
        return f"wget: bad address '{host}'", 1
    result = net.connect(src, target.endpoint, port, "TCP")
    lines = [] if quiet else [f"Connecting to {host} ({target.ip}:{port})"]
    if result == TIMEOUT:
        return "\n".join(lines + ["wget: download timed out"]), 1
    if result != OPEN:
        refused = f"wget: can't connect to remote host ({target.ip}): Connection refused"
        return "\n".join(lines + [refused]), 1
    body = greeting(target.endpoint, port, path).rstrip("\n")
    if opts["spider"]:
        lines += [] if quiet else ["remote file exists"]
    elif opts["output"] == "-":
        lines += ([] if quiet else ["writing to stdout"]) + [body] + ([] if quiet else ["written to stdout"])
    elif not quiet:
        name = opts["output"] or "index.html"
        lines += [f"saving to '{name}'", f"'{name}' saved"]
    return "\n".join(lines), 0
