"""Checks and preparation for an image a student uploads, so that no photo can hurt the server.

The header is read before any pixel: a file that is not an image, or that claims more pixels
than ``MAX_PIXELS`` (a decompression bomb), is refused before it is decoded. A JPEG is decoded
directly at a reduced scale (``draft``) when the model needs fewer pixels, so a 12,000 × 9,000
photo never occupies its full size in memory. EXIF orientation is applied, every colour mode
becomes RGB, and the image the model sees is no larger than its processor would make it anyway.
"""

from __future__ import annotations

import hashlib
import io
import os
import warnings
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError

from core.errors import BadInput

#: 12,000 × 12,000: a 108-megapixel phone or camera photo still passes; a bomb of 20,000 × 20,000 does not.
MAX_PIXELS = 144_000_000
#: Smaller than this, an image holds nothing a detector could find.
MIN_SIDE = 32
#: Far above what an upload of a photo needs; stops the server reading a huge file into memory.
MAX_FILE_BYTES = 200 * 2**20
#: Formats a browser, a phone or a camera produces (a phone's MPO opens as JPEG); Pillow's rarer decoders are never reached.
FORMATS = ("JPEG", "PNG", "WEBP", "GIF", "BMP", "TIFF")
_EXIF_ORIENTATION = 0x0112
_TRANSPOSED_ORIENTATIONS = {5, 6, 7, 8}


@dataclass(frozen=True)
class PreparedImage:
    """An RGB image ready for a model, and the facts needed to map results back to the original photo."""

    #: RGB, upright, at most ``model_size`` (the original when it was small enough).
    image: Image.Image
    #: (width, height) of the original, upright photo: boxes are given in these pixels.
    original_size: tuple[int, int]
    #: SHA-256 of the file's bytes (or of the pixels of an in-memory image): the key of cached results.
    digest: str
    format: str
    original_mode: str
    #: The EXIF orientation tag that was applied (1: none).
    orientation: int = 1
    #: (width, height) of the pixels actually decoded (smaller than the original for a JPEG draft).
    decoded_size: tuple[int, int] = (0, 0)

    @property
    def scaled(self) -> bool:
        return self.image.size != self.original_size

    @property
    def rotated(self) -> bool:
        return self.orientation != 1

    @property
    def converted(self) -> bool:
        return self.original_mode != "RGB"


def _no_image() -> BadInput:
    return BadInput(
        "No image given. Upload a photo, take one with the webcam, paste one, or click an example.",
        ko="이미지가 없어요. 사진을 올리거나, 웹캠으로 찍거나, 붙여 넣거나, 예시를 눌러 보세요.",
    )


def _read_bytes(source: str | os.PathLike) -> bytes:
    path = Path(source)
    if not path.is_file():
        raise BadInput(
            f"The image file '{path.name}' was not found. Upload the image again.",
            ko=f"'{path.name}' 이미지 파일을 찾지 못했어요. 이미지를 다시 올려 주세요.",
        )
    size = path.stat().st_size
    if size == 0:
        raise BadInput(
            f"The file '{path.name}' is empty (0 bytes). Upload a photo (JPEG, PNG, WebP, …).",
            ko=f"'{path.name}' 파일이 비어 있어요(0바이트). JPEG, PNG, WebP 같은 사진 파일을 올려 주세요.",
        )
    if size > MAX_FILE_BYTES:
        raise BadInput(
            f"The file '{path.name}' is {size / 2**20:,.0f} MB; the limit is {MAX_FILE_BYTES // 2**20} MB. "
            "Save the photo smaller (for example as a JPEG) and upload it again.",
            ko=f"'{path.name}' 파일이 {size / 2**20:,.0f} MB로 너무 커요(한도 {MAX_FILE_BYTES // 2**20} MB). "
            "JPEG 등으로 더 작게 저장해서 다시 올려 주세요.",
        )
    return path.read_bytes()


def _too_many_pixels(width: int, height: int) -> BadInput:
    return BadInput(
        f"The image claims {width:,} × {height:,} = {width * height / 1e6:,.0f} megapixels; this app accepts at most "
        f"{MAX_PIXELS / 1e6:,.0f} megapixels (a file this large is often a 'decompression bomb'). "
        "Resize the photo and upload it again.",
        ko=f"이미지가 {width:,} × {height:,} = {width * height / 1e6:,.0f}메가픽셀이라고 적혀 있어요. "
        f"이 앱은 최대 {MAX_PIXELS / 1e6:,.0f}메가픽셀까지 받아요(이렇게 큰 파일은 '압축 폭탄'인 경우가 많아요). "
        "사진 크기를 줄여서 다시 올려 주세요.",
    )


def _open(data: bytes, name: str) -> Image.Image:
    """Read only the header: format and size, no pixels yet."""
    try:
        with warnings.catch_warnings():
            # Pillow warns from 89 megapixels on; this module applies its own, documented limit.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            return Image.open(io.BytesIO(data), formats=FORMATS)
    except Image.DecompressionBombError:
        raise BadInput(
            f"The image '{name}' has more than {MAX_PIXELS / 1e6:,.0f} megapixels (a 'decompression bomb'). "
            "Resize it and upload it again.",
            ko=f"'{name}' 이미지는 {MAX_PIXELS / 1e6:,.0f}메가픽셀이 넘어요('압축 폭탄'). 크기를 줄여서 다시 올려 주세요.",
        ) from None
    except (UnidentifiedImageError, OSError, ValueError):
        raise BadInput(
            f"'{name}' is not an image this app can read. Upload a photo in one of these formats: "
            f"{', '.join(FORMATS)}.",
            ko=f"'{name}' 파일은 읽을 수 있는 이미지가 아니에요. 다음 형식의 사진을 올려 주세요: {', '.join(FORMATS)}.",
        ) from None


def _identify(source: str | os.PathLike | Image.Image | None) -> tuple[str, bytes, str]:
    """(name, file bytes, SHA-256 digest) of ``source``; for an in-memory image the digest covers its pixels."""
    if source is None or (isinstance(source, str) and not source.strip()):
        raise _no_image()
    if isinstance(source, Image.Image):
        pixels = f"{source.mode}{source.size}".encode() + source.tobytes()
        return "image", b"", hashlib.sha256(pixels, usedforsecurity=False).hexdigest()
    data = _read_bytes(source)
    return Path(source).name, data, hashlib.sha256(data, usedforsecurity=False).hexdigest()


def image_digest(source: str | os.PathLike | Image.Image | None) -> str:
    """A key for results computed from this image: the same bytes give the same key, whatever the file name."""
    return _identify(source)[2]


def fit_within(size: tuple[int, int], shortest: int | None, longest: int | None) -> tuple[int, int]:
    """``size`` scaled down (never up) so its short side is at most ``shortest`` and its long side ``longest``."""
    width, height = size
    scale = 1.0
    if shortest:
        scale = min(scale, shortest / min(width, height))
    if longest:
        scale = min(scale, longest / max(width, height))
    if scale >= 1.0:
        return size
    return max(1, round(width * scale)), max(1, round(height * scale))


def _to_rgb(image: Image.Image) -> Image.Image:
    """RGB for every mode: transparency is laid on white (as a browser shows it), palettes are expanded."""
    if image.mode == "RGB":
        return image
    if image.mode == "P" and "transparency" in image.info:
        image = image.convert("RGBA")
    if image.mode in ("RGBA", "LA", "PA", "RGBa", "La"):
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    if image.mode in ("I;16", "I;16B", "I;16L", "I"):
        # 16/32-bit greyscale: scale to 8 bits instead of clipping everything above 255 to white.
        image = image.point(lambda value: value / 256).convert("L")
    return image.convert("RGB")


def prepare_image(
    source: str | os.PathLike | Image.Image | None,
    *,
    shortest_edge: int | None = 800,
    longest_edge: int | None = 1333,
) -> PreparedImage:
    """Validate ``source`` (a file path or a PIL image) and make it ready for a model.

    Rules:
    - a file must be a readable image of a common format, at most ``MAX_FILE_BYTES`` long;
    - at most ``MAX_PIXELS`` pixels (checked from the header, before decoding), at least ``MIN_SIDE`` a side;
    - a truncated or damaged file is refused rather than half-decoded;
    - the result is upright (EXIF orientation), RGB, and scaled down to fit ``shortest_edge``/``longest_edge``.
    """
    name, data, digest = _identify(source)
    image = source if isinstance(source, Image.Image) else _open(data, name)
    width, height = image.size
    if width * height > MAX_PIXELS:
        raise _too_many_pixels(width, height)
    if min(width, height) < MIN_SIDE:
        raise BadInput(
            f"The image is only {width} × {height} pixels: too small to hold anything to detect. "
            f"Use an image at least {MIN_SIDE} × {MIN_SIDE} pixels.",
            ko=f"이미지가 {width} × {height}픽셀밖에 안 돼서 찾을 물체가 담길 수 없어요. "
            f"최소 {MIN_SIDE} × {MIN_SIDE}픽셀 이미지를 써 주세요.",
        )
    original_mode, image_format = image.mode, image.format or "in-memory"
    try:
        # A PNG may keep its EXIF after the pixels: reading it can decode the image, so it is checked here too.
        orientation = int(image.getexif().get(_EXIF_ORIENTATION, 1) or 1)
        if orientation not in range(1, 9):
            orientation = 1
        upright = (height, width) if orientation in _TRANSPOSED_ORIENTATIONS else (width, height)
        target = fit_within(upright, shortest_edge, longest_edge)
        if image.format in ("JPEG", "MPO"):
            stored_target = (target[1], target[0]) if orientation in _TRANSPOSED_ORIENTATIONS else target
            image.draft("RGB", stored_target)
        image.load()
    except (OSError, SyntaxError, ValueError) as error:
        raise BadInput(
            f"The image '{name}' is truncated or damaged and cannot be decoded ({error}). "
            "Upload the photo again, or save it again from an image viewer.",
            ko=f"'{name}' 이미지 파일이 잘렸거나 손상되어 읽을 수 없어요. 다시 올리거나, 이미지 뷰어에서 다시 저장해 주세요.",
        ) from None
    decoded_size = image.size
    image = ImageOps.exif_transpose(image) if orientation != 1 else image
    if image.mode not in ("RGB", "L", "RGBA", "LA"):
        image = _to_rgb(image)  # palettes and 16-bit modes cannot be resized smoothly as they are
    if image.size != target:
        # Shrink before converting greyscale to RGB: a third of the bytes to resample.
        image = image.resize(target, Image.Resampling.BILINEAR, reducing_gap=3.0)
    image = _to_rgb(image)
    return PreparedImage(
        image=image,
        original_size=upright,
        digest=digest,
        format=image_format,
        original_mode=original_mode,
        orientation=orientation,
        decoded_size=decoded_size,
    )
