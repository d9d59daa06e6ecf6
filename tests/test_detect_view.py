"""core.vision.detect_view: colours per label, captions on the boxes, the heat map of a query's attention."""

import dataclasses

import numpy as np
import pytest
from PIL import Image

from core.errors import BadInput
from core.vision.detect import Detection, raw_detections
from core.vision.detect_view import (
    DISPLAY_MAX_SIDE,
    captioned,
    display_image,
    heat_map,
    label_color,
    scaled_box,
    where_it_looked,
)
from tests.kit import images

LABELS = ("cat", "dog", "person")


@pytest.fixture(scope="module")
def raw(tiny_detr, tmp_path_factory):
    path = images.save(images.scene((400, 300)), tmp_path_factory.mktemp("view") / "scene.png")
    return raw_detections(path, str(tiny_detr), device="cpu")[0]


def test_a_label_keeps_its_colour_and_labels_differ():
    assert label_color("dog", LABELS) == label_color("dog", LABELS)
    assert len({label_color(label, LABELS) for label in LABELS}) == 3


def test_scaled_box_stays_inside_the_picture_and_is_never_empty():
    detection = Detection(0.9, "cat", {"xmin": 3000, "ymin": 0, "xmax": 3000, "ymax": 10}, 0)
    xmin, ymin, xmax, ymax = scaled_box(detection, 0.25, (750, 500))
    assert 0 <= xmin < xmax <= 750 and 0 <= ymin < ymax <= 500


def test_captions_are_drawn_on_a_copy():
    image = Image.new("RGB", (200, 100), (0, 0, 0))
    detection = Detection(0.87, "dog", {"xmin": 50, "ymin": 40, "xmax": 150, "ymax": 90}, 0)
    picture = captioned(image, [detection], 1.0, LABELS)
    assert image.getbbox() is None  # the original is untouched
    assert picture.getbbox() is not None and picture.size == image.size


def test_display_image_is_bounded_and_knows_its_scale(raw):
    picture, factor = display_image(raw)
    assert max(picture.size) <= DISPLAY_MAX_SIDE
    assert factor == pytest.approx(picture.width / raw.prepared.original_size[0])


def test_heat_map_is_an_rgb_picture_of_the_same_size():
    image = Image.new("RGB", (320, 240), (128, 128, 128))
    attention = np.zeros((8, 10), dtype=np.float32)
    attention[2, 3] = 1.0
    picture = heat_map(image, attention, (10, 10, 100, 100), "#ff0000")
    assert picture.size == (320, 240) and picture.mode == "RGB"
    assert picture.getpixel((3 * 32 + 16, 2 * 30 + 15)) != picture.getpixel((300, 220))  # hot and cold differ


def test_where_it_looked_for_each_box(raw):
    for detection in raw.detections[:3]:
        picture = where_it_looked(raw, detection.query)
        assert picture.size == display_image(raw)[0].size


def test_a_model_without_cross_attention_says_so(raw):
    with pytest.raises(BadInput, match="returns no attention of its object queries"):
        where_it_looked(dataclasses.replace(raw, attention=None), 0)


def test_an_unknown_query_is_refused(raw):
    with pytest.raises(BadInput, match="no object query 500"):
        where_it_looked(raw, 500)
