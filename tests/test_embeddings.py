"""The embeddings view: per-token vectors, PCA maps, the CSV download, and its bad inputs."""

import csv
import json

import gradio as gr
import pytest
import torch

from core.errors import BadInput
from core.inspect.embeddings import embed_tokens, project_2d
from core.registry import BUNDLED_MINILM
from tabs.context import AppContext
from tabs.embeddings import make_handler


@pytest.fixture(scope="module")
def minilm_vectors():
    return embed_tokens("apple banana dog cat", BUNDLED_MINILM, device="cpu")


def test_every_token_gets_both_vectors_of_the_hidden_size(minilm_vectors):
    assert minilm_vectors.tokens == ["[CLS]", "apple", "banana", "dog", "cat", "[SEP]"]
    assert minilm_vectors.input_ids[0] == 101 and minilm_vectors.input_ids[-1] == 102
    assert minilm_vectors.dimensions == 384
    assert len(minilm_vectors.embeddings) == len(minilm_vectors.last_hidden_state) == 6


def test_the_embedding_is_the_row_of_the_table(minilm_vectors):
    from transformers import AutoModel

    from core.registry import bundled_path

    table = AutoModel.from_pretrained(bundled_path(BUNDLED_MINILM)).get_input_embeddings().weight
    apple = minilm_vectors.input_ids[1]
    assert torch.allclose(torch.tensor(minilm_vectors.embeddings[1]), table[apple], atol=1e-6)


def test_special_tokens_stay_off_the_map(minilm_vectors):
    assert minilm_vectors.embedding_2d[0] is None and minilm_vectors.hidden_2d[-1] is None
    assert all(len(xy) == 2 for xy in minilm_vectors.embedding_2d[1:-1])


def test_pca_of_points_on_a_line_keeps_all_the_variance():
    line = torch.tensor([[1.0, 2.0, 3.0], [2.0, 4.0, 6.0], [3.0, 6.0, 9.0]])
    coords, kept = project_2d(line)
    assert kept == pytest.approx(1.0)
    assert coords[1][0] == pytest.approx(0.0, abs=1e-4)  # the middle point is the centre
    assert all(y == pytest.approx(0.0, abs=1e-4) for _, y in coords)


def test_json_shows_only_the_first_dimensions(minilm_vectors):
    raw = minilm_vectors.to_json()
    assert raw["hidden_size"] == 384
    assert {len(v) for v in raw["embeddings_first_dims"] + raw["last_hidden_state_first_dims"]} == {8}


def test_handler_offers_the_full_vectors_as_csv(tiny_classifier):
    raw, embedding_map, hidden_map, points, table, csv_path, code = make_handler(AppContext())(
        "good movie", str(tiny_classifier)
    )
    assert len(table) == 2 * len(raw["tokens"])
    with open(csv_path, encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    assert rows[0][:4] == ["position", "token", "input_id", "vector"] and len(rows[0]) == 4 + 32
    assert len(rows) == 1 + 2 * len(raw["tokens"])
    assert "get_input_embeddings" in code


def test_too_many_tokens_is_refused(tiny_classifier):
    with pytest.raises(BadInput, match="at most 128"):
        embed_tokens("word " * 200, str(tiny_classifier))


def test_empty_text_is_a_clear_gr_error():
    with pytest.raises(gr.Error, match="The text is empty"):
        make_handler(AppContext())("", BUNDLED_MINILM)


def test_each_point_of_both_maps_carries_its_token_as_a_label_and_a_table_row(tiny_classifier):
    raw, embedding_map, hidden_map, points, *_ = make_handler(AppContext())("good movie", str(tiny_classifier))
    for plot, kind in ((embedding_map, "embeddings"), (hidden_map, "last_hidden_state")):
        spec = json.loads(plot.plot)
        assert [(p["#"], p["token"]) for p in spec["data"]["values"]] == [(1, "good"), (2, "movie")]
        assert [[p["x"], p["y"]] for p in spec["data"]["values"]] == raw["projection"][kind][1:3]
        point, label = spec["layer"]
        assert point["mark"]["type"] == "point" and label["mark"]["type"] == "text"
        assert label["encoding"]["text"]["field"] == "token"  # the word beside each point
        assert "color" not in spec["encoding"]  # no legend with one colour per token
    assert [row[:2] for row in points] == [[1, "good"], [2, "movie"]]
    assert points[0][2:] == [
        round(v, 3) for v in raw["projection"]["embeddings"][1] + raw["projection"]["last_hidden_state"][1]
    ]
