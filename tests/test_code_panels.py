"""The "Code" panels are honest: run in a fresh namespace, they print what the tab returned."""

import ast
import contextlib
import io

import pytest

from core.code_panel import text_literal
from core.generation.summarize import notebook_code as summary_code
from core.generation.summarize import summarize
from core.generation.translate import notebook_code as translation_code
from core.generation.translate import translate
from core.text.answer import answer
from core.text.answer import notebook_code as answer_code

CONTEXT = " ".join(f"Sentence {i} is about topic {i}." for i in range(40))


def run_printed(code: str):
    """Execute a code panel and return the value it printed last."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code, "<code panel>", "exec"), {})
    return ast.literal_eval(out.getvalue().strip().splitlines()[-1])


def test_answer_code_reproduces_the_best_answer_over_windows(tiny_qa):
    result = answer("Which topic?", CONTEXT, str(tiny_qa), max_seq_len=64, doc_stride=16)
    printed = run_printed(answer_code(result.model, result.question, result.context, result.settings))
    assert result.windows > 1
    assert printed["score"] == pytest.approx(result.answers[0]["score"], rel=1e-4)
    assert CONTEXT[printed["start"] : printed["end"]] in result.answers[0]["answer"]


def test_summary_code_reproduces_the_summary(tiny_t5):
    result = summarize("The tower is tall. It is in Paris. " * 3, str(tiny_t5), max_length=12, min_length=4)
    assert run_printed(summary_code(result.model, result.text, result.prefix, result.settings)) == result.to_json()


@pytest.mark.parametrize(
    ("fixture", "options"),
    [
        ("tiny_nllb", {"src_lang": "eng_Latn", "tgt_lang": "kor_Hang"}),
        ("tiny_marian_multi", {"tgt_lang": "jpn"}),
        ("tiny_t5", {"src_lang": "en", "tgt_lang": "fr"}),
    ],
)
def test_translation_code_reproduces_the_translation(request, fixture, options):
    model = request.getfixturevalue(fixture)
    result = translate("Hello there, how are you?", str(model), max_length=8, **options)
    assert run_printed(translation_code(result)) == result.to_json()


def test_a_long_input_is_cut_in_the_panel_and_says_so():
    literal = text_literal("x" * 2500)
    assert literal.startswith("'xxx") and "shortened to 2,000 of 2,500 characters" in literal
    assert text_literal("short") == "'short'"
