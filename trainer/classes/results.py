"""The gradebook: learners x assignments, best score, passed, late; and its CSV in the layout
Canvas exports and imports (Student, ID, SIS User ID, SIS Login ID, Section, then one
column per assignment and a "Points Possible" row)."""

from __future__ import annotations

import csv
import io

from .board import PASSED, PASSED_AFTER_ANSWER, Board

CSV_INJECTION = ("=", "+", "-", "@", "\t", "\r")  # a spreadsheet would run a cell starting so


def safe(text: str) -> str:
    """A cell a spreadsheet shows as text: a leading formula character is quoted away."""
    return "'" + text if text.startswith(CSV_INJECTION) else text


def score_of(cell) -> str:
    """The score as the gradebook gives it: blank when nothing was done, 0 when tried."""
    if cell.score is None:
        return "" if cell.status == "not-started" else "0"
    return str(cell.score)


def gradebook_csv(board: Board) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    columns = [f"{safe(a.title)} ({a.pk})" for a in board.assignments]
    writer.writerow(["Student", "ID", "SIS User ID", "SIS Login ID", "Section", *columns])
    writer.writerow(["    Points Possible", "", "", "", "", *["100"] * len(columns)])
    for row in board.rows:
        user = row.membership.user
        name = f"{user.last_name}, {user.first_name}" if user.last_name else user.get_username()
        writer.writerow([safe(name), "", "", safe(user.get_username()), safe(board.classroom.name),
                         *[score_of(c) for c in row.cells]])
    return out.getvalue()


def summary(board: Board) -> list[dict]:
    """Per assignment: learners passed (on their own), late, and the median best score."""
    found = []
    for i, assignment in enumerate(board.assignments):
        cells = [r.cells[i] for r in board.rows]
        scores = sorted(c.score for c in cells if c.score is not None)
        found.append({
            "assignment": assignment,
            "passed": sum(c.status == PASSED for c in cells),
            "after_answer": sum(c.status == PASSED_AFTER_ANSWER for c in cells),
            "late": sum(c.late for c in cells),
            "median": scores[len(scores) // 2] if scores else None,
        })
    return found
