"""core.text.classify: the pipeline's output shape, truncation notes, batch limits, the code panel."""

import ast

import pytest

from core.errors import BadInput
from core.text.classify import classify, notebook_code
from tests.kit.tiny_models import SENTIMENT_LABELS


def test_one_sentence_gives_every_label_best_first(tiny_classifier):
    result = classify("I like apple", str(tiny_classifier))
    scores = result.to_json()
    assert {s["label"] for s in scores} == set(SENTIMENT_LABELS.values())
    assert [s["score"] for s in scores] == sorted((s["score"] for s in scores), reverse=True)
    assert sum(s["score"] for s in scores) == pytest.approx(1.0, abs=1e-5)
    assert all(set(s) == {"label", "score"} and isinstance(s["score"], float) for s in scores)


def test_several_lines_give_one_list_per_sentence(tiny_classifier):
    result = classify("I like apple\n\n  I dislike mosquito  \nI felt very sad\n", str(tiny_classifier))
    assert result.texts == ["I like apple", "I dislike mosquito", "I felt very sad"]
    rows = result.to_json()
    assert len(rows) == 3 and all(len(row) == len(SENTIMENT_LABELS) for row in rows)


def test_batch_classification_matches_one_by_one(tiny_classifier):
    batch = classify("I like apple\nIt was a waste of time.", str(tiny_classifier)).scores
    alone = classify("It was a waste of time.", str(tiny_classifier)).scores[0]
    assert batch[1][0]["label"] == alone[0]["label"]
    assert batch[1][0]["score"] == pytest.approx(alone[0]["score"], abs=1e-4)


def test_text_longer_than_the_model_is_truncated_and_reported(tiny_classifier):
    long_text = "apple " * 700
    result = classify(f"short one\n{long_text}", str(tiny_classifier))
    assert len(result.truncated) == 1
    note = result.truncated[0]
    assert note.index == 1 and note.kept == 512 and note.tokens == 702  # [CLS] + 700 + [SEP]


@pytest.mark.parametrize("text", ["", "   \n\t  ", None])
def test_empty_text_is_refused(text, tiny_classifier):
    with pytest.raises(BadInput, match="empty"):
        classify(text, str(tiny_classifier))


def test_more_lines_than_the_batch_limit_is_refused(tiny_classifier):
    with pytest.raises(BadInput, match="65 lines; at most 64"):
        classify("\n".join(f"sentence {i}" for i in range(65)), str(tiny_classifier))


def test_notebook_code_is_valid_python_for_the_chosen_model_and_inputs():
    code = notebook_code("org/model", ["I like apple", "It's fine"])
    ast.parse(code)
    assert "pipeline(\"text-classification\", model='org/model')" in code
    assert "'I like apple'" in code and '"It\'s fine"' in code


def test_mixed_lengths_come_back_in_the_order_given_with_the_pipelines_scores(tiny_classifier):
    from transformers import pipeline

    texts = ["It was a very informative, fun and enjoyable time.", "ok", "I dislike mosquito", "I go to school today"]
    got = classify("\n".join(texts), str(tiny_classifier)).scores
    direct = pipeline("text-classification", model=str(tiny_classifier), device="cpu")(texts, top_k=None)
    for mine, theirs in zip(got, direct, strict=True):
        assert [s["label"] for s in mine] == [d["label"] for d in theirs]
        assert [s["score"] for s in mine] == pytest.approx([d["score"] for d in theirs], abs=1e-5)
