"""Forms of the lab page. Their errors are shown in the page, never raised."""

from django import forms

from trainer.limits import limits
from trainer.terminal.shell import MAX_LINE

WEB_LIMITS = limits().web  # read once at start-up, as settings are


class AnswerForm(forms.Form):
    answer = forms.CharField(
        strip=False, max_length=WEB_LIMITS.max_bytes,
        error_messages={
            "required": "Write your NetworkPolicy in the editor first.",
            "max_length": f"The answer is longer than {WEB_LIMITS.max_bytes // 1024} KiB; "
                          "a NetworkPolicy answer is much shorter.",
        })

    def clean_answer(self):
        text = self.cleaned_data["answer"]
        if not text.strip():
            raise forms.ValidationError("Write your NetworkPolicy in the editor first.")
        return text


class TerminalForm(forms.Form):
    # The shell gives its own message past MAX_LINE; this only caps what is read at all.
    command = forms.CharField(strip=True, required=False, max_length=MAX_LINE * 4,
                              error_messages={"max_length": f"bash: the lab reads commands of up "
                                                            f"to {MAX_LINE} characters"})
    answer = forms.CharField(strip=False, required=False, max_length=WEB_LIMITS.max_bytes)


class QuestionForm(forms.Form):
    """One inspection question: radio buttons, or checkboxes when several choices are right."""

    def __init__(self, question, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(str(i), text) for i, text in enumerate(question.choices)]
        if question.multiple:
            self.fields["picked"] = forms.MultipleChoiceField(
                choices=choices, widget=forms.CheckboxSelectMultiple,
                error_messages={"required": "Pick at least one answer."})
        else:
            self.fields["picked"] = forms.ChoiceField(
                choices=choices, widget=forms.RadioSelect,
                error_messages={"required": "Pick an answer."})

    def picked(self) -> list[int]:
        value = self.cleaned_data["picked"]
        values = value if isinstance(value, list) else [value]
        return sorted(int(v) for v in values)
