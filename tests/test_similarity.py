"""core.text.similarity: mean pooling + normalisation, the matrix invariants, the bundled model offline."""

import ast

import pytest

from core.errors import BadInput, WrongModelKind
from core.inputs.text import MAX_CHARS
from core.registry import BUNDLED_MINILM, bundled_path
from core.text.similarity import notebook_code, similarity

SENTENCES = ["A man is eating food.", "A man is eating a piece of bread.", "A monkey is playing drums."]


@pytest.fixture(scope="module")
def minilm_result():
    """The bundled model, by default: no network, no model argument."""
    return similarity("\n".join(SENTENCES))


def test_the_default_is_the_bundled_model_and_needs_no_network(minilm_result):
    assert minilm_result.model == BUNDLED_MINILM and minilm_result.dimensions == 384


def test_a_sentence_is_fully_similar_to_itself(minilm_result):
    matrix = minilm_result.matrix
    assert [matrix[i][i] for i in range(len(SENTENCES))] == pytest.approx([1.0] * len(SENTENCES), abs=1e-5)


def test_the_matrix_is_symmetric_and_bounded(minilm_result):
    matrix = minilm_result.matrix
    assert len(matrix) == len(SENTENCES) and all(len(row) == len(SENTENCES) for row in matrix)
    assert all(-1.0 <= value <= 1.0 for row in matrix for value in row)
    assert all(matrix[i][j] == pytest.approx(matrix[j][i], abs=1e-6) for i in range(3) for j in range(3))


def test_paraphrases_are_closer_than_unrelated_sentences(minilm_result):
    assert minilm_result.most_similar_pair()[:2] == (0, 1)
    assert minilm_result.matrix[0][1] > minilm_result.matrix[0][2] + 0.2


def test_embeddings_match_sentence_transformers(minilm_result):
    from sentence_transformers import SentenceTransformer

    reference = SentenceTransformer(str(bundled_path(BUNDLED_MINILM)), device="cpu")
    vectors = reference.encode(SENTENCES, normalize_embeddings=True)
    expected = (vectors @ vectors.T).tolist()
    assert minilm_result.matrix == [pytest.approx(row, abs=1e-4) for row in expected]


def test_contract_shape(minilm_result):
    data = minilm_result.to_json()
    assert set(data) == {"sentences", "matrix"} and data["sentences"] == SENTENCES


def test_identical_lines_are_similarity_one(tiny_masked_lm):
    result = similarity("I like apple\nI like apple\nI go to school", str(tiny_masked_lm))
    assert result.matrix[0][1] == pytest.approx(1.0, abs=1e-5)


def test_a_very_long_line_is_truncated_and_reported(tiny_masked_lm):
    text = ("word " * (MAX_CHARS // 5))[: MAX_CHARS - 11]
    result = similarity(f"short line\n{text}", str(tiny_masked_lm))
    assert [(n.index, n.kept) for n in result.truncated] == [(1, 512)]


@pytest.mark.parametrize(("text", "message"), [(" \n ", "empty"), ("\n".join("x" * 65), "65 lines")])
def test_bad_text_is_refused(text, message):
    with pytest.raises(BadInput, match=message):
        similarity(text)


def test_an_encoder_decoder_is_the_wrong_kind(tiny_t5):
    with pytest.raises(WrongModelKind, match="encoder-decoder"):
        similarity("a\nb", str(tiny_t5))


def test_notebook_code_is_valid_python():
    code = notebook_code(BUNDLED_MINILM, SENTENCES)
    ast.parse(code)
    assert "F.normalize" in code and repr(SENTENCES[0]) in code
