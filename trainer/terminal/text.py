"""Go's text/tabwriter and apimachinery's HumanDuration, which shape kubectl's output."""

from __future__ import annotations

from datetime import datetime


def tabwrite(text: str, minwidth: int = 0, padding: int = 2) -> str:
    """Align tab-separated cells as Go's tabwriter does (padchar ' ', no flags).

    A column's width is set per block of consecutive lines that have a cell in
    that column, so a line without tabs ends every block (kubectl describe
    relies on this).
    """
    lines = [line.split("\t") for line in text.split("\n")]
    out: list[str] = []
    widths: list[int] = []

    def write_lines(start: int, stop: int):
        for cells in lines[start:stop]:
            out.append("".join(c.ljust(widths[j]) if j < len(widths) else c
                               for j, c in enumerate(cells)))

    def format_block(start: int, stop: int):
        column = len(widths)
        this = start
        while this < stop:
            if column >= len(lines[this]) - 1:
                this += 1
                continue
            write_lines(start, this)
            start = this
            width = minwidth
            while this < stop and column < len(lines[this]) - 1:
                width = max(width, len(lines[this][column]) + padding)
                this += 1
            widths.append(width)
            format_block(start, this)
            widths.pop()
            start = this
        write_lines(start, stop)

    format_block(0, len(lines))
    return "\n".join(out)


def table(rows: list[list[str]]) -> str:
    """kubectl get's printer: minimum width 6, padding 3."""
    return tabwrite("\n".join("\t".join(row) for row in rows), minwidth=6, padding=3)


def human_duration(then: datetime, now: datetime) -> str:
    """apimachinery's duration.HumanDuration, as kubectl's AGE column shows it."""
    seconds = int((now - then).total_seconds())
    if seconds < -1:
        return "<invalid>"
    if seconds < 0:
        return "0s"
    if seconds < 120:
        return f"{seconds}s"
    minutes = seconds // 60
    if minutes < 10:
        s = seconds % 60
        return f"{minutes}m" if s == 0 else f"{minutes}m{s}s"
    if minutes < 180:
        return f"{minutes}m"
    hours = seconds // 3600
    if hours < 8:
        m = minutes % 60
        return f"{hours}h" if m == 0 else f"{hours}h{m}m"
    if hours < 48:
        return f"{hours}h"
    if hours < 24 * 8:
        h = hours % 24
        return f"{hours // 24}d" if h == 0 else f"{hours // 24}d{h}h"
    if hours < 24 * 365 * 2:
        return f"{hours // 24}d"
    if hours < 24 * 365 * 8:
        days = (hours // 24) % 365
        return f"{hours // 24 // 365}y" if days == 0 else f"{hours // 24 // 365}y{days}d"
    return f"{hours // 24 // 365}y"


def go_time(value: datetime) -> str:
    """metav1.Time printed with %s, as `Created on:` shows it (UTC here)."""
    return value.strftime("%Y-%m-%d %H:%M:%S +0000 UTC")
