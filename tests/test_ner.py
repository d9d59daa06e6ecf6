"""core.text.ner: entities index the original text, every aggregation strategy, long texts, wrong models."""

import ast

import pytest

from core.errors import BadInput, WrongModelKind
from core.inputs.text import MAX_CHARS
from core.text.ner import AGGREGATION_STRATEGIES, entity_type, notebook_code, recognize
from tests.kit.tiny_models import NER_LABELS

TEXT = "  My name is Wolfgang and I live in Berlin. Sylvain works at Hugging Face in Brooklyn."
TYPES = {label.split("-", 1)[-1] for label in NER_LABELS.values()}


def _normalised(text: str) -> str:
    return text.lower().replace("##", "").replace(" ", "")


@pytest.mark.parametrize("strategy", AGGREGATION_STRATEGIES)
def test_spans_index_the_original_text(strategy, tiny_ner):
    result = recognize(TEXT, str(tiny_ner), aggregation_strategy=strategy)
    assert result.text == TEXT and result.entities
    for entity in result.entities:
        assert 0 <= entity["start"] < entity["end"] <= len(TEXT)
        assert _normalised(TEXT[entity["start"] : entity["end"]]) == _normalised(entity["word"])


@pytest.mark.parametrize("strategy", ["simple", "first", "average", "max"])
def test_aggregated_entities_have_the_contract_keys_and_a_type(strategy, tiny_ner):
    entities = recognize(TEXT, str(tiny_ner), aggregation_strategy=strategy).to_json()
    assert all(set(e) == {"entity_group", "score", "word", "start", "end"} for e in entities)
    assert all(e["entity_group"] in TYPES - {"O"} and isinstance(e["score"], float) for e in entities)


def test_no_aggregation_gives_one_raw_tag_per_token(tiny_ner):
    entities = recognize(TEXT, str(tiny_ner), aggregation_strategy="none").to_json()
    assert all(set(e) == {"entity", "score", "index", "word", "start", "end"} for e in entities)
    assert all(e["entity"] in NER_LABELS.values() and e["entity"] != "O" for e in entities)
    assert [e["index"] for e in entities] == sorted(e["index"] for e in entities)
    assert entity_type(entities[0]) == entities[0]["entity"]


def test_word_strategies_never_split_a_word(tiny_ner):
    words = {e["word"] for e in recognize(TEXT, str(tiny_ner), aggregation_strategy="first").entities}
    assert not any(word.startswith("##") for word in words)


def test_the_model_tags_are_listed(tiny_ner):
    assert recognize("Berlin", str(tiny_ner)).labels == sorted(NER_LABELS.values())


def test_strategy_names_ignore_case_and_spaces(tiny_ner):
    assert recognize("Berlin", str(tiny_ner), aggregation_strategy=" SIMPLE ").aggregation_strategy == "simple"


def test_an_unknown_strategy_names_the_known_ones():
    with pytest.raises(BadInput, match="Unknown aggregation strategy 'biggest'. Choose one of: simple, first"):
        recognize("Berlin", "org/not-downloaded", aggregation_strategy="biggest")


def test_a_long_text_is_cut_at_a_token_and_spans_still_index_it(tiny_ner):
    text = ("Berlin " * (MAX_CHARS // 7 + 1))[:MAX_CHARS]
    result = recognize(text, str(tiny_ner))
    note = result.truncation
    assert note is not None and note.kept_tokens == 510 and note.tokens > 14_000
    assert text.startswith(result.text) and len(result.text) == note.kept_chars
    assert all(text[e["start"] : e["end"]].lower() == e["word"] for e in result.entities)


def test_empty_text_is_refused():
    with pytest.raises(BadInput, match="empty"):
        recognize("\n \t", "org/not-downloaded")


def test_a_sequence_classifier_is_the_wrong_kind(tiny_classifier):
    with pytest.raises(WrongModelKind, match="ForTokenClassification"):
        recognize("Berlin", str(tiny_classifier))


def test_notebook_code_is_valid_python():
    code = notebook_code("org/ner", "Wolfgang's Berlin", "first")
    ast.parse(code)
    assert "aggregation_strategy='first'" in code
