"""The forms of class pages. Dates are entered and shown in UTC, as the site's clock is."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from django import forms
from django.contrib.auth import get_user_model

from . import items

MAX_BROADCAST = 500


def _helper() -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    return helper


class ClassForm(forms.Form):
    name = forms.CharField(max_length=80, label="Class name")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper()


class JoinForm(forms.Form):
    code = forms.CharField(max_length=40, label="Join code", help_text="The eight characters your "
                           "instructor shows, with or without the dash.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper()


class CodeForm(forms.Form):
    expires_at = forms.DateTimeField(required=False, label="Expires (UTC, optional)",
                                     widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))


class InstructorForm(forms.Form):
    username = forms.CharField(max_length=150, label="Co-instructor's username")

    def clean_username(self):
        name = self.cleaned_data["username"]
        user = get_user_model().objects.filter(username=name).first()
        if user is None:
            raise forms.ValidationError("No account has this username.")
        if not user.is_instructor:
            raise forms.ValidationError("This account is not an instructor: an admin grants the role "
                                        "(manage.py make_instructor).")
        return user


class AssignmentForm(forms.Form):
    item = forms.ChoiceField(label="What")
    title = forms.CharField(max_length=80, required=False, help_text="Defaults to the item's title.")
    opens_at = forms.DateTimeField(required=False, label="Opens (UTC)",
                                   widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    due_at = forms.DateTimeField(required=False, label="Due (UTC)",
                                 widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    topics = forms.MultipleChoiceField(required=False, label="Quiz topics (none: all)",
                                       widget=forms.CheckboxSelectMultiple)
    questions = forms.IntegerField(min_value=1, max_value=60, initial=10, label="Quiz questions")
    minutes = forms.IntegerField(min_value=1, max_value=240, initial=30, required=False,
                                 label="Exam minutes")

    QUIZ_CHOICES = [("quiz:practice", "Quiz: practice"), ("quiz:exam", "Quiz: timed exam")]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].choices = [
            ("Walkthrough", [(f"stage:{i.slug}", i.title) for i in items.stages()]),
            ("Lab exercises", [(f"exercise:{i.slug}", i.title) for i in items.exercises()]),
            ("Quizzes", self.QUIZ_CHOICES),
        ]
        self.fields["topics"].choices = sorted(items.topics().items(), key=lambda t: t[1])
        self.helper = _helper()

    def clean(self):
        data = super().clean()
        kind, _, slug = (data.get("item") or "").partition(":")
        data["kind"], data["slug"] = kind, slug
        if kind == "quiz":
            data["quiz_mode"], data["slug"] = slug, ""
            if slug == "exam" and not data.get("minutes"):
                self.add_error("minutes", "A timed exam needs its length in minutes.")
            data["title"] = data.get("title") or ("Timed exam" if slug == "exam" else "Practice quiz")
        else:
            data["quiz_mode"] = ""
            item = items.item_of(kind, slug)
            data["title"] = data.get("title") or (item.title[:80] if item else slug)
        opens, due = data.get("opens_at"), data.get("due_at")
        if opens and due and due <= opens:
            self.add_error("due_at", "The due date must come after the opening date.")
        return data


class BroadcastForm(forms.Form):
    text = forms.CharField(max_length=MAX_BROADCAST, widget=forms.Textarea(attrs={"rows": 2}),
                           label="Message or hint to the class")
    exercise = forms.ChoiceField(required=False, label="Show it on", initial="")

    def __init__(self, *args, exercises=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["exercise"].choices = [("", "every page of the class's learners")] + [
            (a.slug, f"the page of {a.title} only") for a in exercises]
        self.helper = _helper()


class PollForm(forms.Form):
    item = forms.ChoiceField(label="Policy")
    port = forms.IntegerField(min_value=1, max_value=65535, required=False,
                              help_text="Blank: the port most pods declare.")
    protocol = forms.ChoiceField(choices=[("TCP", "TCP"), ("UDP", "UDP"), ("SCTP", "SCTP")], initial="TCP")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].choices = [
            ("Walkthrough stages", [(f"stage:{i.slug}", i.title) for i in items.stages()]),
            ("Lab exercises (the model answer)",
             [(f"exercise:{i.slug}", i.title) for i in items.exercises()]),
        ]
        self.helper = _helper()


class ExtraTimeForm(forms.Form):
    learner = forms.ChoiceField()
    minutes = forms.IntegerField(min_value=1, max_value=240)

    def __init__(self, *args, learners=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["learner"].choices = [(m.pk, m.user.get_username()) for m in learners]
