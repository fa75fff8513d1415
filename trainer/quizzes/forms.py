from crispy_forms.helper import FormHelper
from django import forms

from trainer.catalog.quiz import bank

from .composition import presets


class PracticeForm(forms.Form):
    # Not "required": a select always has a value, and crispy would mark the label with a lone "*".
    preset = forms.ChoiceField(label="Questions", required=False)
    topic = forms.ChoiceField(label="Topic", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["preset"].choices = [
            (p.slug, f"{p.count} questions") for p in presets().values() if p.mode == "practice"]
        self.fields["topic"].choices = [("", "Every topic")] + [
            (t.slug, t.title) for t in bank().topics.values()]
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean_preset(self):
        if not self.cleaned_data["preset"]:  # what "required" would check, without its "*"
            raise forms.ValidationError("Choose how many questions.")
        return self.cleaned_data["preset"]


class ExamForm(forms.Form):
    preset = forms.ChoiceField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["preset"].choices = [
            (p.slug, p.title) for p in presets().values() if p.mode == "exam"]

    def clean(self):
        data = super().clean()
        data["topic"] = ""  # an exam spans every topic
        return data


class AnswerForm(forms.Form):
    """The chosen letters. Radio buttons post one, checkboxes any number (or none)."""

    choice = forms.MultipleChoiceField(required=False)

    def __init__(self, *args, letters=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["choice"].choices = [(letter, letter) for letter in letters]
