"""The model answer's notes: the engine's reading of its policies, rule by rule."""

from trainer.catalog.exercises import get_exercise
from trainer.lab import answer_notes


def test_a_deny_all_answer_says_it_has_no_rule_and_denies():
    [selects, rule] = answer_notes.notes(get_exercise("deny-db-ingress"))
    assert selects == ("shop/db-policy selects the pods role=db in namespace shop and isolates them "
                       "for ingress.")
    assert rule.startswith("It has no ingress rule, so it allows no ingress at all")


def test_each_rule_says_whom_it_allows_and_on_which_ports():
    notes = answer_notes.notes(get_exercise("default-deny-dns"))
    assert notes[0].startswith("batch/default-deny-egress selects every pod in namespace batch")
    assert notes[1] == ("Egress rule 1 allows to pods k8s-app=kube-dns in namespaces "
                        "kubernetes.io/metadata.name=kube-system on UDP 53 or TCP 53.")


def test_other_accepted_answers_come_with_their_note():
    assert any("env=prod" in n for n in answer_notes.accepted(get_exercise("db-from-prod-api")))
    assert answer_notes.accepted(get_exercise("deny-db-ingress")) == []
