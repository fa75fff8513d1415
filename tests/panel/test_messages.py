"""Problem messages in the panel: the API server's `field` quotes shown as code, the rest escaped."""

from trainer.panel.templatetags.panel import code_spans


def test_backtick_quotes_become_code_and_nothing_else_is_markup():
    assert code_spans("must be greater than or equal to `port`") == (
        "must be greater than or equal to <code>port</code>")
    assert code_spans("did you mean `<b>x</b>`? & `y") == (
        "did you mean <code>&lt;b&gt;x&lt;/b&gt;</code>? &amp; `y")
