"""Object detection with DETR: the course's ``detr-resnet-50`` example, made robust and see-through.

Shaped like transformers' object-detection pipeline (preprocess → forward → postprocess with the
image processor's own ``post_process_object_detection``), with three differences a student can see:
the model runs once per image and model, and every object query's best guess is cached, so moving
the threshold re-filters without running the model again; boxes are clipped to the photo and given
in its original, upright pixels even when the model saw a smaller copy; and the attention of each
object query over the image is kept (DETR's decoder cross-attention, YOLOS's detection tokens), to
show where it looked.
"""

from __future__ import annotations

import difflib
import math
import re
import time
from collections import Counter
from dataclasses import dataclass
from typing import Any, TypedDict

import numpy as np

from core.errors import BadInput
from core.inputs.image import PreparedImage, image_digest, prepare_image
from core.registry import get_task
from core.runtime.loading import MODEL_BUILD_LOCK, PRIVATE, LoadedModel, LoadPolicy, load_for_task
from core.runtime.model_cache import ModelCache
from core.runtime.model_source import resolve_model
from core.validators import number_in, whole_number

TASK = get_task("detect")
#: The score DETR's model card filters with; transformers' pipeline defaults to 0.5.
DEFAULT_THRESHOLD = 0.9
DEFAULT_MAX_DETECTIONS = 50
#: Conditional and deformable DETR have 300 object queries; DETR has 100.
MAX_DETECTIONS = 300
#: Raw detections of recent (image, model) pairs: a threshold change is then a filter, not a model call.
DETECTIONS = ModelCache(max_entries=16, max_bytes=512 * 2**20)


class Box(TypedDict):
    xmin: int
    ymin: int
    xmax: int
    ymax: int


@dataclass(frozen=True)
class Detection:
    """One object: its best label and score, its box in original pixels, and which object query found it."""

    score: float
    label: str
    box: Box
    query: int

    def to_json(self) -> dict[str, Any]:
        return {"score": self.score, "label": self.label, "box": dict(self.box)}


@dataclass
class RawDetections:
    """Everything one model call produced for one image: the cached part of a detection."""

    #: Every object query's best guess (score above 0), best first.
    detections: list[Detection]
    prepared: PreparedImage
    #: id2label's values: the classes this model knows.
    labels: tuple[str, ...]
    model: str
    device: str
    #: (width, height) of the tensor the model saw, after its image processor.
    model_input_size: tuple[int, int]
    num_queries: int
    #: Each query's attention over the image in the last layer, averaged over heads: (queries, h, w), or None.
    attention: np.ndarray | None = None
    #: Where ``attention`` comes from: "cross" (DETR's decoder), "tokens" (YOLOS's detection tokens) or None.
    attention_kind: str | None = None
    seconds: float = 0.0

    @property
    def size_bytes(self) -> int:
        width, height = self.prepared.image.size
        attention = self.attention.nbytes if self.attention is not None else 0
        return width * height * 3 + attention + 200 * len(self.detections)


@dataclass
class DetectionResult:
    """The detections that pass the threshold, the label filter and the count limit."""

    detections: list[Detection]
    #: The model call behind them; ``None`` for the hosted API's answer (boxes only: no image, no attention).
    raw: RawDetections | None
    threshold: float
    labels: tuple[str, ...] = ()
    max_detections: int = DEFAULT_MAX_DETECTIONS
    #: How many passed the threshold and filter before ``max_detections`` cut the list.
    found: int = 0
    cached: bool = False

    def to_json(self) -> list[dict[str, Any]]:
        """The pipeline's shape, ``[{"score", "label", "box": {"xmin", "ymin", "xmax", "ymax"}}, …]``, best first."""
        return [d.to_json() for d in self.detections]

    def counts(self) -> dict[str, int]:
        """How many objects of each label, most frequent first."""
        return dict(Counter(d.label for d in self.detections).most_common())


def check_threshold(threshold: float | None) -> float:
    """A score between 0 and 1, inclusive."""
    return number_in(
        threshold,
        "The threshold (a score)",
        0.0,
        1.0,
        name_ko="임계값(점수)",
        hint="0.9 keeps only confident boxes, 0.5 is the pipeline's default.",
        hint_ko="0.9는 확신이 큰 상자만, 0.5는 파이프라인 기본값이에요.",
    )


def check_max_detections(max_detections: int | float | None) -> int:
    """A whole number of boxes between 1 and ``MAX_DETECTIONS``."""
    return whole_number(max_detections, "The maximum number of boxes", 1, MAX_DETECTIONS, name_ko="상자 최대 개수")


def parse_labels(text: str | None, known: tuple[str, ...]) -> tuple[str, ...]:
    """The classes named in ``text`` (comma-separated, any case), spelled as the model spells them.

    Empty means "every class". A name the model does not know is an error that lists close names.
    """
    names = [part.strip() for part in re.split(r"[,，、\n]", text or "") if part.strip()]
    by_lower = {label.lower(): label for label in known}
    chosen, unknown = [], []
    for name in names:
        label = by_lower.get(name.lower())
        (chosen if label else unknown).append(label or name)
    if unknown:
        offered = [label for label in known if label.upper() != "N/A"]
        close = difflib.get_close_matches(unknown[0].lower(), [label.lower() for label in offered], n=3)
        hint = f" Did you mean: {', '.join(by_lower[c] for c in close)}?" if close else ""
        hint_ko = f" 혹시 이것인가요: {', '.join(by_lower[c] for c in close)}?" if close else ""
        sample = ", ".join(offered[:12]) + (", …" if len(offered) > 12 else "")
        raise BadInput(
            f"This model has no class {', '.join(repr(u) for u in unknown)}.{hint} It knows {len(offered)} classes: "
            f"{sample}. Leave the filter empty to see every class.",
            ko=f"이 모델에는 {', '.join(repr(u) for u in unknown)} 클래스가 없어요.{hint_ko} "
            f"이 모델이 아는 클래스 {len(offered)}개: {sample}. 모든 클래스를 보려면 필터를 비워 두세요.",
        )
    return tuple(dict.fromkeys(chosen))


def model_input_limits(processor: Any) -> tuple[int | None, int | None]:
    """(shortest edge, longest edge) the image processor resizes to: the most pixels the model can use."""
    size = getattr(processor, "size", None) or {}

    def read(key: str) -> int | None:
        value = size.get(key) if isinstance(size, dict) else getattr(size, key, None)
        return int(value) if value else None

    if read("shortest_edge") or read("longest_edge"):
        return read("shortest_edge"), read("longest_edge")
    fixed = [v for v in (read("height"), read("width"), read("max_height"), read("max_width")) if v]
    return None, (max(fixed) if fixed else 1333)


def _with_attention(loaded: LoadedModel) -> bool:
    """Switch the model to eager attention once, so it can return attention weights (SDPA cannot)."""
    if "eager_attention" not in loaded.extras:
        with MODEL_BUILD_LOCK:  # once, even when the first requests arrive together
            if "eager_attention" not in loaded.extras:
                try:
                    loaded.model.set_attn_implementation("eager")
                    loaded.extras["eager_attention"] = True
                except (AttributeError, ValueError, NotImplementedError):
                    loaded.extras["eager_attention"] = False
    return loaded.extras["eager_attention"]


def _feature_grid(input_size: tuple[int, int], length: int) -> tuple[int, int] | None:
    """(h, w) of the backbone's feature map whose flattened length is ``length`` (its stride is not in the config)."""
    width, height = input_size
    for stride in (32, 16, 8, 64):
        grid = (math.ceil(height / stride), math.ceil(width / stride))
        if grid[0] * grid[1] == length:
            return grid
    return None


def _cross_attention(outputs: Any, input_size: tuple[int, int]) -> np.ndarray | None:
    """DETR: the last decoder layer's cross-attention over the image, averaged over heads, as (queries, h, w)."""
    layers = getattr(outputs, "cross_attentions", None)
    if not layers or layers[-1] is None or layers[-1].dim() != 4:
        return None
    weights = layers[-1][0].float().mean(0)  # (queries, h*w)
    grid = _feature_grid(input_size, weights.shape[-1])
    if grid is None:
        return None
    return weights.reshape(weights.shape[0], *grid).cpu().numpy()


def _detection_token_attention(outputs: Any, config: Any, input_size: tuple[int, int]) -> np.ndarray | None:
    """YOLOS (no decoder): the last layer's attention of each detection token over the image patches."""
    layers = getattr(outputs, "attentions", None)
    tokens, patch = getattr(config, "num_detection_tokens", None), getattr(config, "patch_size", None)
    if not layers or layers[-1] is None or not tokens or not patch:
        return None
    width, height = input_size
    grid = (height // patch, width // patch)
    weights = layers[-1][0].float().mean(0)  # (sequence, sequence): [CLS], patches, detection tokens
    if weights.shape[-1] != 1 + grid[0] * grid[1] + tokens:
        return None
    return weights[-tokens:, 1 : 1 + grid[0] * grid[1]].reshape(tokens, *grid).cpu().numpy()


def query_attention(outputs: Any, config: Any, input_size: tuple[int, int]) -> tuple[np.ndarray | None, str | None]:
    """Where each object query looked, as (queries, h, w), and from what ("cross" or "tokens"); None, None if nowhere."""
    found = _cross_attention(outputs, input_size)
    if found is not None:
        return found, "cross"
    found = _detection_token_attention(outputs, config, input_size)
    return (found, "tokens") if found is not None else (None, None)


def _query_of(boxes: Any, corners: Any) -> list[int]:
    """For each post-processed box, the object query that predicted it.

    DETR's and YOLOS's post-processing keep one result per query, in query order; conditional and
    deformable DETR's pick their top scores over (query, class) pairs: the query is the nearest box.
    """
    if len(boxes) == len(corners) and bool(((boxes - corners).abs() < 0.5).all()):
        return list(range(len(boxes)))  # one per query, in order (boxes may repeat, so do not search)
    if len(boxes) == 0:
        return []
    distances = (boxes[:, None, :] - corners[None, :, :]).abs().sum(-1)
    return distances.argmin(-1).tolist()


def _clip(box: list[float], width: int, height: int) -> Box:
    """Integer pixels inside the photo: DETR's boxes may reach past its edges."""
    xmin, ymin, xmax, ymax = (int(v) for v in box)
    return Box(
        xmin=min(max(xmin, 0), width),
        ymin=min(max(ymin, 0), height),
        xmax=min(max(xmax, 0), width),
        ymax=min(max(ymax, 0), height),
    )


def _forward(loaded: LoadedModel, prepared: PreparedImage) -> RawDetections:
    """preprocess → model → postprocess, keeping every query's best guess (threshold 0)."""
    import torch
    from transformers.image_transforms import center_to_corners_format

    processor, model = loaded.preprocessor, loaded.model
    attention_ok = _with_attention(loaded)
    started = time.perf_counter()
    inputs = processor(images=[prepared.image], return_tensors="pt").to(model.device)
    inputs["pixel_values"] = inputs["pixel_values"].to(model.dtype)
    height, width = inputs["pixel_values"].shape[-2:]
    with torch.inference_mode():
        outputs = model(**inputs, output_attentions=attention_ok)
    original_w, original_h = prepared.original_size
    found = processor.post_process_object_detection(outputs, threshold=0.0, target_sizes=[(original_h, original_w)])
    found = found[0]
    scale = torch.tensor([original_w, original_h, original_w, original_h], dtype=torch.float32)
    corners = center_to_corners_format(outputs.pred_boxes[0].float().cpu()) * scale
    boxes = found["boxes"].float().cpu()
    id2label = model.config.id2label
    detections = [
        Detection(
            score=float(score),
            label=str(id2label.get(int(label), f"LABEL_{int(label)}")),
            box=_clip(box.tolist(), original_w, original_h),
            query=query,
        )
        for score, label, box, query in zip(
            found["scores"].tolist(), found["labels"].tolist(), boxes, _query_of(boxes, corners), strict=True
        )
    ]
    detections.sort(key=lambda d: d.score, reverse=True)
    input_size = (int(width), int(height))
    attention, attention_kind = query_attention(outputs, model.config, input_size) if attention_ok else (None, None)
    return RawDetections(
        detections=detections,
        prepared=prepared,
        labels=tuple(str(v) for v in id2label.values()),
        model=loaded.source.name,
        device=loaded.device,
        model_input_size=input_size,
        num_queries=int(outputs.pred_boxes.shape[1]),
        attention=attention,
        attention_kind=attention_kind,
        seconds=time.perf_counter() - started,
    )


def raw_detections(
    image: Any, model: str = TASK.default.id, *, device: str = "auto", policy: LoadPolicy = PRIVATE
) -> tuple[RawDetections, bool]:
    """Every query's detection for ``image`` with ``model``, from the cache when this pair ran before.

    Returns the detections and whether they came from the cache (no model call).
    """
    digest = image_digest(image)  # first: "no image" matters more than a model that is not downloaded
    source = resolve_model(model, allow_local=policy.allow_local)
    loaded = load_for_task(TASK, model, device=device, policy=policy)
    shortest, longest = model_input_limits(loaded.preprocessor)
    prepared: list[PreparedImage] = []

    def run() -> RawDetections:
        prepared.append(prepare_image(image, shortest_edge=shortest, longest_edge=longest))
        return _forward(loaded, prepared[0])

    key = (digest, source.location, loaded.device, TASK.id)
    raw = DETECTIONS.get_or_load(key, run, lambda r: r.size_bytes)
    return raw, not prepared


def detect(
    image: Any,
    threshold: float = DEFAULT_THRESHOLD,
    model: str = TASK.default.id,
    labels: str | None = "",
    max_detections: int = DEFAULT_MAX_DETECTIONS,
    *,
    device: str = "auto",
    policy: LoadPolicy = PRIVATE,
) -> DetectionResult:
    """Objects in ``image`` scoring above ``threshold``, best first; only ``labels`` when given."""
    threshold = check_threshold(threshold)
    max_detections = check_max_detections(max_detections)
    raw, cached = raw_detections(image, model, device=device, policy=policy)
    wanted = parse_labels(labels, raw.labels)
    passing = [d for d in raw.detections if d.score > threshold and (not wanted or d.label in wanted)]
    return DetectionResult(
        detections=passing[:max_detections],
        raw=raw,
        threshold=threshold,
        labels=wanted,
        max_detections=max_detections,
        found=len(passing),
        cached=cached,
    )


def attention_map(raw: RawDetections, query: int) -> np.ndarray:
    """Where object query ``query`` looked: its cross-attention over the feature map, scaled to [0, 1]."""
    if raw.attention is None:
        raise BadInput(
            f"'{raw.model}' returns no attention of its object queries over the image to show (DETR and conditional "
            "DETR have decoder cross-attention, YOLOS has detection tokens; deformable DETR samples a few points "
            "instead). Try facebook/detr-resnet-50.",
            ko=f"'{raw.model}' 모델은 객체 쿼리가 이미지를 본 어텐션을 돌려주지 않아요(DETR와 conditional DETR은 디코더 "
            "크로스 어텐션, YOLOS는 탐지 토큰이 있어요. deformable DETR은 몇 개의 점만 봐요). "
            "facebook/detr-resnet-50으로 해 보세요.",
        )
    if not 0 <= query < raw.attention.shape[0]:
        raise BadInput(
            f"There is no object query {query}; this model has {raw.attention.shape[0]}. Choose a box from the list.",
            ko=f"{query}번 객체 쿼리는 없어요(이 모델은 {raw.attention.shape[0]}개). 목록에서 상자를 고르세요.",
        )
    weights = raw.attention[query]
    low, high = float(weights.min()), float(weights.max())
    return (weights - low) / (high - low) if high > low else np.zeros_like(weights)


_ATTENTION_CODE = {
    "cross": """attention = outputs.cross_attentions[-1][0].mean(0)  # (object queries, h * w), averaged over heads
maps = attention.reshape(-1, (height + 31) // 32, (width + 31) // 32)  # one map per object query (stride 32)""",
    "tokens": """tokens, patch = model.config.num_detection_tokens, model.config.patch_size
grid = (height // patch, width // patch)
attention = outputs.attentions[-1][0].mean(0)  # (sequence, sequence): [CLS], patches, detection tokens
maps = attention[-tokens:, 1 : 1 + grid[0] * grid[1]].reshape(tokens, *grid)  # one map per detection token""",
}


def notebook_code(model: str, threshold: float, labels: tuple[str, ...] = (), attention: str | None = "cross") -> str:
    """The Python that reproduces this result in a notebook (Colab, Jupyter).

    ``attention`` adds the "where did it look?" cell: "cross" for DETR's decoder, "tokens" for YOLOS, None for none.
    """
    keep = f"\nresults = [r for r in results if r['label'] in {set(labels)!r}]" if labels else ""
    code = f"""from transformers import pipeline

detector = pipeline("object-detection", model={model!r})

# threshold: the lowest score a box needs to be kept (0 to 1).
results = detector("photo.jpg", threshold={threshold!r}){keep}
for r in results:
    print(r["label"], round(r["score"], 3), r["box"])
"""
    if attention not in _ATTENTION_CODE:
        return code
    return f"""{code}
# Where did it look? The attention of the object query behind each box, over the image.
import torch
from PIL import Image
from transformers import AutoImageProcessor, AutoModelForObjectDetection

processor = AutoImageProcessor.from_pretrained({model!r})
model = AutoModelForObjectDetection.from_pretrained({model!r}, attn_implementation="eager")
image = Image.open("photo.jpg").convert("RGB")
inputs = processor(images=image, return_tensors="pt")
with torch.inference_mode():
    outputs = model(**inputs, output_attentions=True)
found = processor.post_process_object_detection(outputs, threshold={threshold!r}, target_sizes=[image.size[::-1]])[0]
height, width = inputs["pixel_values"].shape[-2:]
{_ATTENTION_CODE[attention]}
print(found["labels"], maps.shape)
"""
