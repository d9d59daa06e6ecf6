"""core.inputs.image: every upload becomes an upright RGB image of bounded size, or a clear refusal."""

import numpy as np
import pytest
from PIL import Image

from core.errors import BadInput
from core.inputs.image import MAX_PIXELS, fit_within, image_digest, prepare_image
from tests.kit import images


@pytest.mark.parametrize(
    ("size", "expected"),
    [((640, 480), (640, 480)), ((4000, 3000), (1067, 800)), ((3000, 4000), (800, 1067)), ((4000, 400), (1333, 133))],
)
def test_fit_within_scales_down_to_the_processors_size_never_up(size, expected):
    assert fit_within(size, 800, 1333) == expected


@pytest.mark.parametrize("source", [None, "", "   "])
def test_no_image_is_refused(source):
    with pytest.raises(BadInput, match="No image given"):
        prepare_image(source)


def test_missing_file_is_refused(tmp_path):
    with pytest.raises(BadInput, match="'gone.png' was not found"):
        prepare_image(tmp_path / "gone.png")


@pytest.mark.parametrize("content", [b"", b"hello, this is a text file\n", b"%PDF-1.7\n" + b"0" * 200])
def test_a_file_that_is_not_an_image_is_refused(tmp_path, content):
    path = tmp_path / "photo.png"
    path.write_bytes(content)
    with pytest.raises(BadInput, match="empty|not an image this app can read"):
        prepare_image(path)


@pytest.mark.parametrize(("suffix", "options"), [("jpg", {"quality": 90}), ("png", {})])
def test_a_truncated_file_is_refused(tmp_path, suffix, options):
    path = images.truncated(images.save(images.scene((640, 480)), tmp_path / f"cut.{suffix}", **options))
    with pytest.raises(BadInput, match="truncated or damaged"):
        prepare_image(path)


@pytest.mark.parametrize("size", [(1, 1), (31, 500), (500, 20)])
def test_a_tiny_image_is_refused(tmp_path, size):
    path = images.save(Image.new("RGB", size), tmp_path / "tiny.png")
    with pytest.raises(BadInput, match=rf"only {size[0]} × {size[1]} pixels"):
        prepare_image(path)


@pytest.mark.parametrize("size", [(13_000, 12_000), (20_000, 20_000)])
def test_an_image_over_the_pixel_limit_is_refused_before_decoding(tmp_path, size):
    path = images.png_bomb(tmp_path / "bomb.png", *size)
    assert path.stat().st_size < 2_000_000  # tiny on disk: a decompression bomb
    with pytest.raises(BadInput, match="megapixels"):
        prepare_image(path)
    assert size[0] * size[1] > MAX_PIXELS


def test_a_huge_jpeg_is_decoded_at_reduced_scale_and_fits_the_model(huge_jpeg):
    prepared = prepare_image(huge_jpeg)
    assert prepared.original_size == (12_000, 9_000)
    assert prepared.image.size == (1067, 800)
    # JPEG draft decoding: never the full 108 megapixels in memory, at most 2× the size the model needs.
    assert prepared.decoded_size[0] * prepared.decoded_size[1] <= 4 * 1067 * 800
    assert prepared.scaled and prepared.image.mode == "RGB"


@pytest.mark.parametrize("mode", ["RGBA", "LA", "L", "P", "1", "I;16", "CMYK"])
def test_every_colour_mode_becomes_rgb(tmp_path, mode):
    suffix = "jpg" if mode == "CMYK" else ("tiff" if mode == "I;16" else "png")
    path = images.save(images.scene((320, 240), mode), tmp_path / f"image.{suffix}")
    prepared = prepare_image(path)
    assert prepared.image.mode == "RGB" and prepared.image.size == (320, 240)
    assert prepared.converted and prepared.original_mode == mode


def test_transparent_pixels_become_white(tmp_path):
    image = Image.new("RGBA", (64, 64), (255, 0, 0, 0))
    prepared = prepare_image(images.save(image, tmp_path / "clear.png"))
    assert prepared.image.getpixel((10, 10)) == (255, 255, 255)


def test_palette_image_with_transparency_becomes_rgb(tmp_path):
    image = Image.new("P", (64, 64), 0)
    image.putpalette([10, 20, 30] * 256)
    prepared = prepare_image(images.save(image, tmp_path / "palette.png", transparency=0))
    assert prepared.image.mode == "RGB" and prepared.image.getpixel((0, 0)) == (255, 255, 255)


@pytest.mark.parametrize(
    ("orientation", "transpose"), [(6, Image.Transpose.ROTATE_270), (8, Image.Transpose.ROTATE_90)]
)
def test_exif_orientation_is_applied(tmp_path, orientation, transpose):
    stored = images.scene((400, 300))
    prepared = prepare_image(images.with_orientation(stored, tmp_path / "phone.png", orientation))
    assert prepared.rotated and prepared.original_size == (300, 400)
    assert np.array_equal(np.asarray(prepared.image), np.asarray(stored.transpose(transpose)))


def test_the_same_bytes_give_the_same_digest_whatever_the_name(tmp_path):
    first = images.save(images.scene((100, 80)), tmp_path / "a.png")
    second = tmp_path / "b.png"
    second.write_bytes(first.read_bytes())
    other = images.save(images.scene((100, 81)), tmp_path / "c.png")
    assert image_digest(first) == image_digest(second) != image_digest(other)


def test_an_in_memory_image_is_accepted():
    prepared = prepare_image(images.scene((2000, 1000)))
    assert prepared.original_size == (2000, 1000) and prepared.image.size == (1333, 666)
