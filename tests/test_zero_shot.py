"""core.text.zero_shot: the pipeline's shape, label and template checks, the Korean template, long texts."""

import ast

import pytest

from core.errors import BadInput, WrongModelKind
from core.inputs.text import MAX_CHARS
from core.text.zero_shot import (
    ENGLISH_TEMPLATE,
    KOREAN_TEMPLATE,
    MAX_LABELS,
    is_korean,
    notebook_code,
    parse_labels,
    zero_shot,
)


def test_result_has_the_pipeline_shape_with_every_label_best_first(tiny_nli):
    result = zero_shot("I love football", "sports, politics, education", str(tiny_nli)).to_json()
    assert set(result) == {"sequence", "labels", "scores"}
    assert result["sequence"] == "I love football"
    assert sorted(result["labels"]) == ["education", "politics", "sports"]
    assert result["scores"] == sorted(result["scores"], reverse=True)
    assert sum(result["scores"]) == pytest.approx(1.0, abs=1e-5)
    assert all(isinstance(score, float) for score in result["scores"])


def test_multi_label_scores_each_label_on_its_own(tiny_nli):
    result = zero_shot("I love football", "sports, politics, education", str(tiny_nli), multi_label=True)
    assert all(0.0 <= score <= 1.0 for score in result.scores)
    assert sum(result.scores) != pytest.approx(1.0, abs=1e-3)


def test_each_label_becomes_a_hypothesis_from_the_template(tiny_nli):
    result = zero_shot("I love football", "sports, politics", str(tiny_nli), hypothesis_template="It is about {}.")
    assert sorted(result.hypotheses) == ["It is about politics.", "It is about sports."]


@pytest.mark.parametrize(
    ("text", "template"),
    [("I love football", ENGLISH_TEMPLATE), ("나는 축구를 정말 좋아해요", KOREAN_TEMPLATE)],
)
def test_an_empty_template_follows_the_language_of_the_text(text, template, tiny_nli):
    assert zero_shot(text, "스포츠, 정치", str(tiny_nli), hypothesis_template="").hypothesis_template == template


def test_is_korean_counts_hangul_among_letters():
    assert is_korean("손흥민이 골을 넣었다 (Tottenham)")
    assert not is_korean("Tottenham won 3-0, 손흥민")


@pytest.mark.parametrize(
    ("labels", "expected"),
    [("a, b,,c ", ["a", "b", "c"]), ("스포츠，정치、경제", ["스포츠", "정치", "경제"]), (["x", " y "], ["x", "y"])],
)
def test_labels_are_split_on_commas(labels, expected):
    assert parse_labels(labels) == expected


@pytest.mark.parametrize(
    ("labels", "message"),
    [
        (" , ,", "No labels given"),
        ("", "No labels given"),
        ("sports, politics, Sports", "Duplicate labels: 'Sports'"),
        (",".join(f"label{i}" for i in range(MAX_LABELS + 1)), "21 labels; at most 20"),
    ],
)
def test_bad_labels_are_refused_before_loading_a_model(labels, message):
    with pytest.raises(BadInput, match=message):
        zero_shot("hi", labels, "org/not-downloaded")


def test_twenty_labels_are_allowed(tiny_nli):
    result = zero_shot("hi", ",".join(f"label{i}" for i in range(MAX_LABELS)), str(tiny_nli))
    assert len(result.labels) == MAX_LABELS


@pytest.mark.parametrize("template", ["This example is about sports.", "{} and {}", "It is {label}."])
def test_template_needs_exactly_one_placeholder(template):
    with pytest.raises(BadInput, match="exactly once"):
        zero_shot("hi", "a, b", "org/not-downloaded", hypothesis_template=template)


def test_empty_text_is_refused():
    with pytest.raises(BadInput, match="empty"):
        zero_shot("  ", "a, b", "org/not-downloaded")


def test_a_classifier_without_entailment_is_the_wrong_kind(tiny_classifier):
    with pytest.raises(WrongModelKind, match=r"not an NLI model: its labels are \['negative'"):
        zero_shot("hi", "a, b", str(tiny_classifier))


def test_a_masked_lm_is_the_wrong_kind(tiny_masked_lm):
    with pytest.raises(WrongModelKind, match="BertForMaskedLM"):
        zero_shot("hi", "a, b", str(tiny_masked_lm))


def test_a_text_at_the_length_limit_is_cut_to_the_window_and_reported(tiny_nli):
    text = ("word " * (MAX_CHARS // 5))[:MAX_CHARS]
    result = zero_shot(text, "long label here, short", str(tiny_nli))
    note = result.truncation
    assert note is not None and note.chars == len(text.strip()) and note.tokens == MAX_CHARS // 5
    assert note.kept_tokens < 512 and text.startswith(result.sequence) and len(result.sequence) == note.kept_chars


def test_notebook_code_is_valid_python():
    code = notebook_code("org/nli", "I'm happy", ["joy", "anger"], KOREAN_TEMPLATE, True)
    ast.parse(code)
    assert "pipeline(\"zero-shot-classification\", model='org/nli')" in code and "multi_label=True" in code


def test_a_blank_template_counts_as_empty(tiny_nli):
    assert zero_shot("I love football", "a, b", str(tiny_nli), hypothesis_template="   ").hypothesis_template == (
        ENGLISH_TEMPLATE
    )
