"""Test images made on the spot: shapes on a background, EXIF-rotated copies, broken files, bombs."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

from PIL import Image, ImageDraw


def scene(size: tuple[int, int], mode: str = "RGB") -> Image.Image:
    """A background with a few shapes, so that a detector has edges to look at."""
    width, height = size
    image = Image.new("RGB", size, (40, 120, 200))
    draw = ImageDraw.Draw(image)
    draw.rectangle((width // 8, height // 6, width // 2, height * 5 // 6), fill=(240, 200, 20))
    draw.ellipse((width // 2, height // 10, width * 9 // 10, height // 2), fill=(20, 20, 20))
    return image.convert(mode) if mode != "RGB" else image


def save(image: Image.Image, path: Path, **options) -> Path:
    image.save(path, **options)
    return path


def with_orientation(image: Image.Image, path: Path, orientation: int) -> Path:
    """Save ``image`` with an EXIF orientation tag (as a phone held sideways does)."""
    exif = Image.Exif()
    exif[0x0112] = orientation
    image.save(path, exif=exif)
    return path


def truncated(path: Path, keep: float = 0.5) -> Path:
    """Cut the file after ``keep`` of its bytes: the header still says it is an image."""
    data = path.read_bytes()
    path.write_bytes(data[: int(len(data) * keep)])
    return path


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def png_bomb(path: Path, width: int, height: int) -> Path:
    """A valid 1-bit PNG of ``width`` × ``height`` black pixels: tiny on disk, huge once decoded."""
    row = b"\x00" * (1 + (width + 7) // 8)
    compressor = zlib.compressobj(9)
    body = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    png = b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", body) + _chunk(b"IEND", b"")
    path.write_bytes(png)
    return path
