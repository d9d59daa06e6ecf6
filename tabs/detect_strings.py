"""The detection tab's result sentences in Korean and English: how many objects passed, and what happened to the
photo on its way to the model. (The tab's labels are in tabs/detect.py's ``STRINGS``, as in every tab.)"""

from core.localized import Localized
from core.vision.detect import DetectionResult


def counts_text(result: DetectionResult, language: str) -> str:
    """One sentence: how many objects of each label passed the threshold."""
    counts = result.counts()
    if not counts:
        return Localized(
            f"No object scored above {result.threshold:.2f}. Try a lower threshold.",
            f"점수가 {result.threshold:.2f}보다 높은 물체가 없어요. 임계값을 낮춰 보세요.",
        ).text(language)
    listed = ", ".join(f"{label} × {n}" for label, n in counts.items())
    return Localized(
        f"**{len(result.detections)} objects** scoring above {result.threshold:.2f}: {listed}",
        f"**물체 {len(result.detections)}개** (점수 > {result.threshold:.2f}): {listed}",
    ).text(language)


def notice_text(result: DetectionResult, language: str) -> str:
    """What happened to the photo on its way to the model, and whether the model ran."""
    prepared, raw = result.raw.prepared, result.raw
    width, height = prepared.original_size
    lines: list[Localized] = []
    if prepared.rotated:
        lines.append(
            Localized(
                "↻ The photo was turned upright as its EXIF orientation says.",
                "↻ 사진의 EXIF 방향 정보대로 돌려서 바로 세웠어요.",
            )
        )
    if prepared.converted:
        lines.append(
            Localized(
                f"🎨 The {prepared.original_mode} image was converted to RGB (transparent parts on white).",
                f"🎨 {prepared.original_mode} 이미지를 RGB로 바꿨어요(투명한 부분은 흰색).",
            )
        )
    model_w, model_h = raw.model_input_size
    if prepared.scaled:
        lines.append(
            Localized(
                f"📐 The {width:,} × {height:,} photo was scaled to {model_w} × {model_h} for the model; "
                "boxes are in the original photo's pixels.",
                f"📐 원본 {width:,} × {height:,}픽셀을 모델 입력 {model_w} × {model_h}로 줄였어요. 상자는 원본 픽셀 좌표예요.",
            )
        )
    if result.found > len(result.detections):
        lines.append(
            Localized(
                f"✂️ {result.found} boxes passed; the {len(result.detections)} most confident are shown.",
                f"✂️ {result.found}개 중 점수가 높은 {len(result.detections)}개만 보여요.",
            )
        )
    if result.cached:
        lines.append(
            Localized(
                f"⚡ Re-filtered the {raw.num_queries} saved answers for this photo and model: the model did not run "
                "again.",
                f"⚡ 이 사진과 모델의 결과(쿼리 {raw.num_queries}개)를 다시 걸렀어요. 모델은 다시 실행하지 않았어요.",
            )
        )
    else:
        lines.append(
            Localized(
                f"⏱️ The model ran in {raw.seconds:.2f} s ({raw.device}, {raw.num_queries} object queries).",
                f"⏱️ 모델 실행 {raw.seconds:.2f}초 ({raw.device}, 객체 쿼리 {raw.num_queries}개).",
            )
        )
    return "\n\n".join(line.text(language) for line in lines)
