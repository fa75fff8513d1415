"""Command-line flags read as kubectl's pflag reads them.

`-n prod`, `-nprod`, `-n=prod`, `--namespace prod`, `--namespace=prod`, and
clustered booleans (`-it`). Errors carry pflag's own words.
"""

from __future__ import annotations

from dataclasses import dataclass


class UsageError(Exception):
    """A command the lab cannot run; the message is printed as it is."""


@dataclass(frozen=True)
class Flag:
    key: str
    long: str
    short: str = ""
    takes_value: bool = False


NAMESPACE = Flag("namespace", "namespace", "n", True)
ALL_NAMESPACES = Flag("all_namespaces", "all-namespaces", "A")


@dataclass
class Parsed:
    options: dict
    args: list[str]
    command: list[str] | None  # what follows `--`, or None when there is no `--`


def parse(tokens: list[str], flags: tuple[Flag, ...], verb: str) -> Parsed:
    by_long = {f.long: f for f in flags}
    by_short = {f.short: f for f in flags if f.short}
    options, args = {}, []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        i += 1
        if token == "--":
            return Parsed(options, args, tokens[i:])
        if token.startswith("--"):
            name, has_value, value = token[2:].partition("=")
            flag = by_long.get(name)
            if flag is None:
                raise UsageError(_unknown(f"unknown flag: --{name}", verb))
            if flag.takes_value:
                if not has_value:
                    if i >= len(tokens):
                        raise UsageError(_unknown(f"flag needs an argument: --{name}", verb))
                    value = tokens[i]
                    i += 1
                options[flag.key] = value
            else:
                options[flag.key] = value.lower() not in ("false", "0") if has_value else True
        elif token.startswith("-") and len(token) > 1:
            letters = token[1:]
            j = 0
            while j < len(letters):
                flag = by_short.get(letters[j])
                if flag is None:
                    raise UsageError(_unknown(
                        f"unknown shorthand flag: '{letters[j]}' in {token}", verb))
                if flag.takes_value:
                    value = letters[j + 1:].removeprefix("=")
                    if not value:
                        if i >= len(tokens):
                            raise UsageError(_unknown(
                                f"flag needs an argument: '{letters[j]}' in {token}", verb))
                        value = tokens[i]
                        i += 1
                    options[flag.key] = value
                    break
                options[flag.key] = True
                j += 1
        else:
            args.append(token)
    return Parsed(options, args, None)


def _unknown(message: str, verb: str) -> str:
    return f"error: {message}\nSee 'kubectl {verb} --help' for usage."
