"""core.vision.detect on a tiny random DETR: the pipeline's shape, boxes in the photo, threshold and filters, the cache."""

import ast

import numpy as np
import pytest
from PIL import Image

from core.errors import BadInput, ModelNotAvailable, WrongModelKind
from core.vision.detect import (
    DETECTIONS,
    attention_map,
    check_max_detections,
    check_threshold,
    detect,
    notebook_code,
    parse_labels,
    raw_detections,
)
from tests.kit import images
from tests.kit.tiny_models import DETECTION_LABELS

KNOWN = tuple(DETECTION_LABELS.values())


@pytest.fixture(scope="session")
def scene_png(tmp_path_factory):
    return images.save(images.scene((640, 480)), tmp_path_factory.mktemp("scene") / "scene.png")


def inside(box: dict, size: tuple[int, int]) -> bool:
    width, height = size
    return 0 <= box["xmin"] <= box["xmax"] <= width and 0 <= box["ymin"] <= box["ymax"] <= height


def test_output_has_the_pipelines_shape_best_first(tiny_detr, scene_png):
    result = detect(scene_png, 0.0, str(tiny_detr), device="cpu")
    found = result.to_json()
    assert len(found) == result.raw.num_queries == 12  # threshold 0: every object query's best guess
    for item in found:
        assert set(item) == {"score", "label", "box"} and set(item["box"]) == {"xmin", "ymin", "xmax", "ymax"}
        assert isinstance(item["score"], float) and all(isinstance(v, int) for v in item["box"].values())
        assert item["label"] in KNOWN
    scores = [item["score"] for item in found]
    assert scores == sorted(scores, reverse=True) and all(0 < s <= 1 for s in scores)


@pytest.mark.parametrize("size", [(300, 800), (800, 300), (2000, 1500)])
def test_boxes_lie_inside_the_original_image(tiny_detr, tmp_path, size):
    path = images.save(images.scene(size), tmp_path / "photo.png")
    result = detect(path, 0.0, str(tiny_detr), device="cpu")
    assert result.raw.prepared.original_size == size
    assert result.detections and all(inside(d.box, size) for d in result.detections)


def test_a_huge_photo_is_answered_in_its_own_pixels(tiny_detr, huge_jpeg):
    result = detect(huge_jpeg, 0.0, str(tiny_detr), device="cpu")
    assert result.raw.model_input_size == (427, 320)  # the model never sees more than its processor asks for
    assert result.raw.prepared.image.size == (427, 320)
    assert result.raw.prepared.decoded_size == (1500, 1125)  # decoded at 1/8 scale (JPEG draft), never 108 MP
    assert all(inside(d.box, (12_000, 9_000)) for d in result.detections)
    assert max(d.box["xmax"] for d in result.detections) > 427  # boxes were mapped back, not left in model pixels


def test_exif_rotated_photo_gives_boxes_in_the_upright_frame(tiny_detr, tmp_path):
    upright = images.scene((300, 400))
    rotated = images.with_orientation(upright.transpose(Image.Transpose.ROTATE_90), tmp_path / "phone.png", 6)
    plain = images.save(upright, tmp_path / "upright.png")
    from_phone = detect(rotated, 0.0, str(tiny_detr), device="cpu").to_json()
    assert from_phone == detect(plain, 0.0, str(tiny_detr), device="cpu").to_json()
    assert all(inside(item["box"], (300, 400)) for item in from_phone)


def test_threshold_filters_monotonically(tiny_detr, scene_png):
    kept = [
        {d.query for d in detect(scene_png, t, str(tiny_detr), device="cpu").detections}
        for t in (0.0, 0.3, 0.5, 0.7, 0.9, 1.0)
    ]
    assert all(later <= earlier for earlier, later in zip(kept, kept[1:], strict=False))
    assert kept[-1] == set()  # nothing scores above 1


def test_threshold_keeps_exactly_the_scores_above_it(tiny_detr, scene_png):
    everything = detect(scene_png, 0.0, str(tiny_detr), device="cpu").detections
    middle = sorted(d.score for d in everything)[len(everything) // 2]
    result = detect(scene_png, middle, str(tiny_detr), device="cpu")
    assert [d.query for d in result.detections] == [d.query for d in everything if d.score > middle]


def test_moving_the_threshold_does_not_run_the_model_again(tiny_detr, tmp_path):
    path = images.save(images.scene((320, 240)), tmp_path / "once.png")
    first = detect(path, 0.9, str(tiny_detr), device="cpu")
    again = [detect(path, t, str(tiny_detr), device="cpu", labels="cat") for t in (0.1, 0.5, 0.99)]
    assert not first.cached and all(result.cached for result in again)
    key = next(k for k in DETECTIONS.load_counts if k[0] == first.raw.prepared.digest)
    assert DETECTIONS.load_counts[key] == 1


def test_label_filter_keeps_only_the_named_classes(tiny_detr, scene_png):
    everything = detect(scene_png, 0.0, str(tiny_detr), device="cpu").detections
    label = everything[0].label
    result = detect(scene_png, 0.0, str(tiny_detr), labels=f" {label.upper()} ", device="cpu")
    assert result.labels == (label,)
    assert [d.query for d in result.detections] == [d.query for d in everything if d.label == label]


def test_max_detections_keeps_the_most_confident(tiny_detr, scene_png):
    everything = detect(scene_png, 0.0, str(tiny_detr), device="cpu").detections
    result = detect(scene_png, 0.0, str(tiny_detr), max_detections=3, device="cpu")
    assert result.detections == everything[:3] and result.found == len(everything)


def test_label_filter_naming_an_unknown_class_lists_what_the_model_knows():
    with pytest.raises(BadInput, match=r"no class 'dgo'\. Did you mean: dog\? It knows 4 classes: cat, dog"):
        parse_labels("cat, dgo", KNOWN)
    assert parse_labels("cat，Dog\nperson, cat", KNOWN) == ("cat", "dog", "person")
    assert parse_labels("  ", KNOWN) == ()


def test_unknown_label_is_refused_by_detect(tiny_detr, scene_png):
    with pytest.raises(BadInput, match="no class 'zebra'"):
        detect(scene_png, 0.5, str(tiny_detr), labels="zebra", device="cpu")


@pytest.mark.parametrize("threshold", [-0.1, 1.01, float("nan"), "high", None])
def test_threshold_outside_0_to_1_is_refused(threshold):
    with pytest.raises(BadInput, match="between 0 and 1"):
        check_threshold(threshold)


@pytest.mark.parametrize("value", [0, -3, 301, 2.5, "many", None])
def test_max_detections_must_be_a_whole_number_in_range(value):
    with pytest.raises(BadInput, match="from 1 to 300"):
        check_max_detections(value)


def test_non_detection_model_is_the_wrong_kind(tiny_classifier, scene_png):
    with pytest.raises(WrongModelKind, match="BertForSequenceClassification.*ForObjectDetection"):
        detect(scene_png, 0.5, str(tiny_classifier), device="cpu")


def test_hub_model_offline_says_how_to_get_it(scene_png):
    with pytest.raises(ModelNotAvailable, match="facebook/detr-resnet-50.*--prefetch detect"):
        detect(scene_png, 0.5, "facebook/detr-resnet-50", device="cpu")


def test_no_image_is_named_before_the_model_is_loaded():
    with pytest.raises(BadInput, match="No image given"):
        detect(None, 0.5, "facebook/detr-resnet-50", device="cpu")


def test_attention_map_covers_the_feature_grid_of_each_query(tiny_detr, scene_png):
    raw, _ = raw_detections(scene_png, str(tiny_detr), device="cpu")
    width, height = raw.model_input_size
    assert raw.attention.shape == (raw.num_queries, -(-height // 32), -(-width // 32))
    heat = attention_map(raw, raw.detections[0].query)
    assert heat.shape == raw.attention.shape[1:] and heat.min() == 0.0 and np.isclose(heat.max(), 1.0)
    with pytest.raises(BadInput, match="no object query 99"):
        attention_map(raw, 99)


def test_yolos_attention_is_its_detection_tokens_over_the_patches(tiny_yolos, tmp_path):
    path = images.save(images.scene((300, 200)), tmp_path / "wide.png")
    result = detect(path, 0.0, str(tiny_yolos), device="cpu")
    width, height = result.raw.model_input_size
    assert result.raw.attention.shape == (10, height // 16, width // 16)  # 10 detection tokens, 16-pixel patches
    assert result.raw.attention_kind == "tokens"
    assert all(inside(d.box, (300, 200)) and d.label in KNOWN for d in result.detections)


def test_conditional_detr_top_k_results_map_back_to_their_queries(tiny_conditional_detr, tmp_path):
    path = images.save(images.scene((400, 300)), tmp_path / "photo.png")
    raw, _ = raw_detections(path, str(tiny_conditional_detr), device="cpu")
    assert raw.attention_kind == "cross" and raw.attention.shape[0] == raw.num_queries == 12
    # sigmoid scores, top-k over (query, class) pairs: a query may appear once per label
    assert len(raw.detections) == 12 * len(DETECTION_LABELS)
    assert {d.query for d in raw.detections} <= set(range(12))
    assert all(inside(d.box, (400, 300)) for d in raw.detections)


@pytest.mark.parametrize(
    ("attention", "expected"), [("cross", "cross_attentions"), ("tokens", "num_detection_tokens")]
)
def test_notebook_code_is_valid_python_with_the_chosen_settings(attention, expected):
    code = notebook_code("org/detector", 0.7, ("cat",), attention)
    ast.parse(code)
    assert "pipeline(\"object-detection\", model='org/detector')" in code
    assert "threshold=0.7" in code and "{'cat'}" in code and expected in code


def test_notebook_code_without_attention_is_just_the_pipeline():
    code = notebook_code("org/detector", 0.5, (), None)
    ast.parse(code)
    assert "output_attentions" not in code


@pytest.mark.parametrize(("fixture", "attention"), [("tiny_detr", "cross"), ("tiny_yolos", "tokens")])
def test_notebook_code_runs_as_shown(fixture, attention, request, tmp_path, monkeypatch, capsys):
    model = str(request.getfixturevalue(fixture))
    images.save(images.scene((320, 240)), tmp_path / "photo.jpg")
    monkeypatch.chdir(tmp_path)
    exec(compile(notebook_code(model, 0.0, (), attention), "notebook", "exec"), {})
    assert "torch.Size([" in capsys.readouterr().out
