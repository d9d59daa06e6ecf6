"""Pictures of a detection: a colour per label, captions on the boxes, and the attention heat map.

Pure PIL and numpy (no gradio): the tab only places these images on the screen.
"""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from core.vision.detect import Detection, RawDetections, attention_map

#: The longest side of a picture sent to the browser: enough to read, small enough to send quickly.
DISPLAY_MAX_SIDE = 1024
#: Twenty colours that stay apart from each other (Kelly's and Tableau's palettes).
PALETTE = (
    "#e6194b", "#3cb44b", "#4363d8", "#f58231", "#911eb4", "#42d4f4", "#f032e6", "#bfef45", "#fabed4", "#469990",
    "#dcbeff", "#9a6324", "#fffac8", "#800000", "#aaffc3", "#808000", "#ffd8b1", "#000075", "#a9a9a9", "#ffe119",
)  # fmt: skip
#: Anchors of the heat map's colour scale: dark blue (ignored) → red → yellow (looked at most).
_HEAT = np.array([[0, 0, 80], [40, 0, 160], [220, 30, 30], [255, 160, 0], [255, 255, 160]], dtype=np.float32)


def label_color(label: str, labels: tuple[str, ...]) -> str:
    """The same colour for a label in every image: picked by the label's class id."""
    index = labels.index(label) if label in labels else sum(map(ord, label))
    return PALETTE[index % len(PALETTE)]


def display_image(raw: RawDetections) -> tuple[Image.Image, float]:
    """The photo as the browser shows it, and the factor from original pixels to its pixels."""
    image = raw.prepared.image
    scale = min(1.0, DISPLAY_MAX_SIDE / max(image.size))
    if scale < 1.0:
        image = image.resize((round(image.width * scale), round(image.height * scale)), Image.Resampling.BILINEAR)
    return image, image.width / raw.prepared.original_size[0]


def scaled_box(detection: Detection, factor: float, size: tuple[int, int]) -> tuple[int, int, int, int]:
    """The box in display pixels, at least one pixel wide and high, inside the picture."""
    box = detection.box
    width, height = size
    xmin = min(int(box["xmin"] * factor), width - 1)
    ymin = min(int(box["ymin"] * factor), height - 1)
    xmax = max(min(round(box["xmax"] * factor), width), xmin + 1)
    ymax = max(min(round(box["ymax"] * factor), height), ymin + 1)
    return xmin, ymin, xmax, ymax


def caption(detection: Detection) -> str:
    return f"{detection.label} {detection.score:.2f}"


def _font(size: int) -> ImageFont.ImageFont | ImageFont.FreeTypeFont:
    try:
        return ImageFont.load_default(size=size)
    except (TypeError, OSError):  # Pillow without FreeType: the small bitmap font
        return ImageFont.load_default()


def captioned(image: Image.Image, detections: list[Detection], factor: float, labels: tuple[str, ...]) -> Image.Image:
    """A copy of ``image`` with each detection's label and score written on the top edge of its box."""
    picture = image.copy()
    draw = ImageDraw.Draw(picture)
    font = _font(max(12, picture.width // 60))
    for detection in reversed(detections):  # the best on top
        xmin, ymin, _, _ = scaled_box(detection, factor, picture.size)
        text = caption(detection)
        left, top, right, bottom = draw.textbbox((0, 0), text, font=font)
        width, height = right - left + 6, bottom - top + 4
        y = ymin - height if ymin >= height else ymin
        x = min(xmin, max(0, picture.width - width))
        draw.rectangle((x, y, x + width, y + height), fill=label_color(detection.label, labels))
        draw.text((x + 3 - left, y + 2 - top), text, fill="black", font=font)
    return picture


def heat_map(image: Image.Image, attention: np.ndarray, box: tuple[int, int, int, int], color: str) -> Image.Image:
    """``attention`` (h, w in [0, 1]) stretched over ``image``, coloured and blended, with ``box`` outlined."""
    grid = Image.fromarray((attention * 255).astype(np.uint8), mode="L")
    smooth = np.asarray(grid.resize(image.size, Image.Resampling.BICUBIC), dtype=np.float32) / 255.0
    position = smooth * (len(_HEAT) - 1)
    low = np.clip(position.astype(int), 0, len(_HEAT) - 2)
    part = (position - low)[..., None]
    colours = _HEAT[low] * (1 - part) + _HEAT[low + 1] * part
    alpha = (0.25 + 0.55 * smooth)[..., None]
    blended = np.asarray(image, dtype=np.float32) * (1 - alpha) + colours * alpha
    picture = Image.fromarray(blended.clip(0, 255).astype(np.uint8), mode="RGB")
    if box[2] > box[0] and box[3] > box[1]:
        ImageDraw.Draw(picture).rectangle(box, outline=color, width=max(2, image.width // 300))
    return picture


def where_it_looked(raw: RawDetections, query: int) -> Image.Image:
    """The photo under object query ``query``'s attention heat map, with the box that query predicted."""
    attention = attention_map(raw, query)
    picture, factor = display_image(raw)
    detection = next((d for d in raw.detections if d.query == query), None)
    if detection is None:  # a query whose guess was not among the post-processed boxes: no box to outline
        return heat_map(picture, attention, (0, 0, 0, 0), PALETTE[0])
    return heat_map(
        picture, attention, scaled_box(detection, factor, picture.size), label_color(detection.label, raw.labels)
    )
