"""Grading by meaning: an answer passes when its NetworkPolicies allow exactly what
a reference allows, on every port, for every pod the selectors could mean, under
any conforming network plugin. Plain Python, no Django."""

from .grade import ANSWER_SOURCE, Check, Grade, grade, judge, parse_answer
from .judgement import Judgement, Reference

__all__ = ["ANSWER_SOURCE", "Check", "Grade", "Judgement", "Reference", "grade", "judge", "parse_answer"]
