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
    rest = iter(tokens)  # a flag that takes a value may take the next token
    for token in rest:
        if token == "--":
            return Parsed(options, args, list(rest))
        if token.startswith("--"):
            _long_flag(token, rest, by_long, options, verb)
        elif token.startswith("-") and len(token) > 1:
            _short_flags(token, rest, by_short, options, verb)
        else:
            args.append(token)
    return Parsed(options, args, None)


def _long_flag(token: str, rest, by_long: dict, options: dict, verb: str):
    """--name, --name=value or --name value; a boolean may be given =false."""
    name, has_value, value = token[2:].partition("=")
    flag = by_long.get(name)
    if flag is None:
        raise UsageError(_unknown(f"unknown flag: --{name}", verb))
    if not flag.takes_value:
        options[flag.key] = value.lower() not in ("false", "0") if has_value else True
        return
    if not has_value:
        value = next(rest, None)
        if value is None:
            raise UsageError(_unknown(f"flag needs an argument: --{name}", verb))
    options[flag.key] = value


def _short_flags(token: str, rest, by_short: dict, options: dict, verb: str):
    """Booleans clustered (-it); a flag that takes a value takes the rest of the token or the next."""
    letters = token[1:]
    for j, letter in enumerate(letters):
        flag = by_short.get(letter)
        if flag is None:
            raise UsageError(_unknown(f"unknown shorthand flag: '{letter}' in {token}", verb))
        if not flag.takes_value:
            options[flag.key] = True
            continue
        value = letters[j + 1:].removeprefix("=") or next(rest, None)
        if value is None:
            raise UsageError(_unknown(f"flag needs an argument: '{letter}' in {token}", verb))
        options[flag.key] = value
        return


def _unknown(message: str, verb: str) -> str:
    return f"error: {message}\nSee 'kubectl {verb} --help' for usage."
