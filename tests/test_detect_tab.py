"""The detection tab's handlers: contract outputs, pictures that match the boxes, every failure as a gr.Error."""

from pathlib import Path

import gradio as gr
import pytest
from PIL import Image

import core.vision.detect
import tabs.detect
from core.vision.detect_view import DISPLAY_MAX_SIDE
from tabs.context import AppContext
from tabs.detect import EXAMPLES, TABLE_HEADERS, make_box_picker, make_handler, make_heat_map_handler
from tabs.widgets.image_upload import image_upload
from tests.kit import images


@pytest.fixture(scope="module")
def photo(tmp_path_factory):
    return str(images.save(images.scene((640, 480)), tmp_path_factory.mktemp("tab") / "photo.png"))


@pytest.fixture(scope="module")
def outputs(tiny_detr, photo):
    return make_handler(AppContext())(photo, 0.0, str(tiny_detr), "", 5, "cpu", "en")


def test_handler_returns_raw_json_first_then_the_visuals(outputs, tiny_detr):
    raw, annotated, counts, notice, table, box, code = outputs
    assert isinstance(raw, list) and len(raw) == 5 and set(raw[0]) == {"score", "label", "box"}
    assert [row[:2] for row in table] == [[item["label"], round(item["score"], 4)] for item in raw]
    assert [row[2:] for row in table] == [list(item["box"].values()) for item in raw]
    assert len(table[0]) == len(TABLE_HEADERS)
    assert "5 objects" in counts and "12 boxes passed" in notice
    assert str(tiny_detr) in code


def test_annotated_image_has_one_box_a_caption_and_a_colour_per_label(outputs):
    raw, annotated, *_ = outputs
    picture, boxes = annotated["value"]
    width, height = picture.size
    assert isinstance(picture, Image.Image) and width / 640 == pytest.approx(height / 480, rel=0.01)
    assert [label for _, label in boxes] == [f"{item['label']} {item['score']:.2f}" for item in raw]
    factor = width / 640
    for ((xmin, ymin, xmax, ymax), _), item in zip(boxes, raw, strict=True):
        assert 0 <= xmin < xmax <= width and 0 <= ymin < ymax <= height
        assert xmin == pytest.approx(item["box"]["xmin"] * factor, abs=1)
        assert ymax == pytest.approx(item["box"]["ymax"] * factor, abs=1)
    colors = annotated["color_map"]
    by_label = {item["label"]: colors[f"{item['label']} {item['score']:.2f}"] for item in raw}
    assert all(colors[label] == by_label[label.rsplit(" ", 1)[0]] for label in colors)


def test_box_dropdown_offers_every_box_and_the_heat_map_draws_it(outputs, tiny_detr, photo):
    _raw, annotated, *_, box, _code = outputs
    assert len(box["choices"]) == 5 and box["value"] == box["choices"][0][1]
    heat = make_heat_map_handler(AppContext())(photo, str(tiny_detr), box["value"], "cpu")
    assert isinstance(heat, Image.Image) and heat.size == annotated["value"][0].size and heat.mode == "RGB"


def test_clicking_a_legend_entry_chooses_that_box(outputs, tiny_detr, photo):
    *_, box, _code = outputs
    click = gr.SelectData(None, {"index": 2, "value": box["choices"][2][0]})
    picked = make_box_picker(AppContext())(photo, 0.0, str(tiny_detr), "", 5, "cpu", "en", click)
    assert picked == box["choices"][2][1]


def test_heat_map_without_a_box_shows_nothing(tiny_detr, photo):
    assert make_heat_map_handler(AppContext())(photo, str(tiny_detr), None) is None


def test_a_large_photo_is_shown_small_and_the_notice_says_it_was_scaled(tiny_detr, tmp_path):
    path = images.save(images.scene((3000, 1500)), tmp_path / "wide.png")
    raw, annotated, _counts, notice, *_ = make_handler(AppContext())(str(path), 0.0, str(tiny_detr), "", 3, "cpu")
    assert max(annotated["value"][0].size) <= DISPLAY_MAX_SIDE
    assert "3,000 × 1,500 photo was scaled" in notice
    assert max(item["box"]["xmax"] for item in raw) <= 3000


def test_texts_follow_the_language(tiny_detr, photo):
    _raw, _annotated, counts, notice, *_ = make_handler(AppContext())(photo, 1.0, str(tiny_detr), "", 5, "cpu", "ko")
    assert "임계값을 낮춰" in counts and "모델은 다시 실행하지 않았어요" in notice


@pytest.mark.parametrize(
    ("image", "threshold", "model", "labels", "message"),
    [
        (None, 0.5, "{detr}", "", "No image given"),
        ("{text}", 0.5, "{detr}", "", "not an image this app can read"),
        ("{cut}", 0.5, "{detr}", "", "truncated or damaged"),
        ("{dot}", 0.5, "{detr}", "", "only 1 × 1 pixels"),
        ("{bomb}", 0.5, "{detr}", "", "megapixels"),
        ("{photo}", 1.5, "{detr}", "", "between 0 and 1"),
        ("{photo}", -0.2, "{detr}", "", "between 0 and 1"),
        ("{photo}", 0.5, "{detr}", "cat, unicorn", "no class 'unicorn'"),
        ("{photo}", 0.5, "{bert}", "", "BertForSequenceClassification"),
        ("{photo}", 0.5, "facebook/detr-resnet-50", "", "not downloaded"),
        ("{photo}", 0.5, "org/../etc", "", "not a Hub model id"),
    ],
)
def test_bad_input_becomes_a_clear_gr_error(
    image, threshold, model, labels, message, tmp_path, tiny_detr, tiny_classifier
):
    files = {
        "text": tmp_path / "notes.jpg",
        "cut": images.truncated(images.save(images.scene((640, 480)), tmp_path / "cut.jpg")),
        "dot": images.save(Image.new("RGB", (1, 1)), tmp_path / "dot.png"),
        "bomb": images.png_bomb(tmp_path / "bomb.png", 20_000, 20_000),
        "photo": images.save(images.scene((64, 48)), tmp_path / "small.png"),
    }
    files["text"].write_text("not a photo")
    names = {key: str(value) for key, value in files.items()} | {"detr": str(tiny_detr), "bert": str(tiny_classifier)}
    image = image.format(**names) if image else None
    with pytest.raises(gr.Error, match=message):
        make_handler(AppContext())(image, threshold, model.format(**names), labels, 10, "cpu")


def test_error_messages_follow_the_language_setting(tiny_detr):
    with pytest.raises(gr.Error, match="이미지가 없어요") as caught:
        make_handler(AppContext())(None, 0.5, str(tiny_detr), "", 10, "auto", "ko")
    assert caught.value.title == "입력을 확인해 주세요"


def test_local_model_is_refused_in_public_mode(tiny_detr, photo):
    with pytest.raises(gr.Error, match="public mode"):
        make_handler(AppContext(public=True))(photo, 0.5, str(tiny_detr))


def test_image_component_hands_over_the_uploaded_file_unopened(tmp_path):
    from gradio.data_classes import ImageData

    path = tmp_path / "notes.png"
    path.write_text("not a photo")  # gr.Image itself would fail on this inside gradio, with no useful message
    with gr.Blocks():
        image = image_upload("Photo")
    assert image.preprocess(ImageData(path=str(path))) == str(path)
    assert image.preprocess(None) is None


def test_the_photo_input_still_hands_over_the_file_after_gradio_rebuilds_it(tmp_path):
    """An event that updates a component (an example click) makes gradio rebuild the visitor's copy from
    its class and constructor arguments: the rebuilt input must still leave the file to core."""
    from gradio.data_classes import ImageData

    path = tmp_path / "holiday.jpg"
    path.write_bytes(b"these bytes were a photo once")
    with gr.Blocks():
        image = image_upload("Photo")
    rebuilt = type(image)(**{**image.constructor_args, "value": None, "render": False})
    assert rebuilt.preprocess(ImageData(path=str(path), url=f"http://127.0.0.1/gradio_api/file={path}")) == str(path)
    assert rebuilt.get_block_name() == "image"  # drawn by the page as a gr.Image
    assert not list(Path(tabs.detect.__file__).parent.glob("*.pyi"))  # gradio wrote no stub beside tabs/


@pytest.mark.parametrize("name", ["cat.jpg", "coffee.jpg", "astronaut.jpg", "rocket.jpg"])
def test_example_photos_ship_with_their_sources(name):
    assert (EXAMPLES / name).is_file() and name in (EXAMPLES / "SOURCES.md").read_text()


def test_core_detect_is_what_the_box_picker_calls():
    assert tabs.detect.detect is core.vision.detect.detect
