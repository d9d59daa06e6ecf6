"""The detection tab in the real app, called through gradio_client as /detect."""

import pytest
from gradio_client import handle_file
from gradio_client.exceptions import AppError

from tests.kit import images
from tests.kit.tiny_models import DETECTION_LABELS


@pytest.fixture(scope="module")
def photo(tmp_path_factory):
    return str(images.save(images.scene((500, 400)), tmp_path_factory.mktemp("app") / "photo.jpg"))


def test_detect_returns_the_contract_json(client, tiny_detr, photo):
    result = client.predict(handle_file(photo), 0.0, str(tiny_detr), "", 8, api_name="/detect")
    raw = result[0]
    assert isinstance(raw, list) and len(raw) == 8
    for item in raw:
        assert set(item) == {"score", "label", "box"} and item["label"] in DETECTION_LABELS.values()
        box = item["box"]
        assert 0 <= box["xmin"] <= box["xmax"] <= 500 and 0 <= box["ymin"] <= box["ymax"] <= 400
    assert [item["score"] for item in raw] == sorted((item["score"] for item in raw), reverse=True)


def test_api_parameters_follow_the_design(client):
    endpoints = client.view_api(print_info=False, return_format="dict")["named_endpoints"]
    parameters = endpoints["/detect"]["parameters"]
    assert [p["parameter_name"] for p in parameters][:5] == ["image", "threshold", "model", "labels", "max_detections"]
    assert all(p["parameter_has_default"] for p in parameters[3:])


def test_label_filter_through_the_api(client, tiny_detr, photo):
    everything = client.predict(handle_file(photo), 0.0, str(tiny_detr), "", 20, api_name="/detect")[0]
    label = everything[0]["label"]
    only = client.predict(handle_file(photo), 0.0, str(tiny_detr), label, 20, api_name="/detect")[0]
    assert only == [item for item in everything if item["label"] == label]


def test_a_file_that_is_not_an_image_is_a_clear_error_and_the_app_keeps_serving(client, tiny_detr, tmp_path, photo):
    notes = tmp_path / "notes.png"
    notes.write_text("this is not a photo")
    with pytest.raises(AppError, match="not an image this app can read"):
        client.predict(handle_file(str(notes)), 0.5, str(tiny_detr), api_name="/detect")
    assert client.predict(handle_file(photo), 0.0, str(tiny_detr), api_name="/detect")[0]


def test_a_decompression_bomb_is_refused(client, tiny_detr, tmp_path):
    bomb = images.png_bomb(tmp_path / "bomb.png", 20_000, 20_000)
    with pytest.raises(AppError, match="megapixels"):
        client.predict(handle_file(str(bomb)), 0.5, str(tiny_detr), api_name="/detect")


def test_no_image_and_a_bad_threshold_are_clear_errors(client, tiny_detr, photo):
    with pytest.raises(AppError, match="No image given"):
        client.predict(None, 0.5, str(tiny_detr), api_name="/detect")
    # gr.Slider checks its own range before the handler runs; its message names the limit.
    with pytest.raises(AppError, match="greater than maximum value 1"):
        client.predict(handle_file(photo), 1.5, str(tiny_detr), api_name="/detect")


def test_a_text_model_is_the_wrong_kind(client, tiny_classifier, photo):
    with pytest.raises(AppError, match="needs a model whose architecture ends in ForObjectDetection"):
        client.predict(handle_file(photo), 0.5, str(tiny_classifier), api_name="/detect")
