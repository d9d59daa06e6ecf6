"""Korean and English texts of the detection tab: labels, the DETR explanation, and result sentences."""

from core.localized import Localized
from core.vision.detect import DetectionResult

STRINGS = {
    "en": {
        "detect.tab": "📦 Object detection",
        "detect.explain": (
            "**Object detection** finds things in a photo and draws a box around each one, with a label and a "
            "score between 0 and 1.\n\n"
            "**What does `facebook/detr-resnet-50` mean?** *facebook* is who trained it (Meta AI). **DETR** is "
            "*DEtection TRansformer*. **resnet-50** is its *backbone*: a 50-layer convolutional network (ResNet, "
            "loaded through the `timm` library) that turns the photo into a grid of features, one for every 32 × 32 "
            "pixels. A transformer *encoder* lets every place in that grid look at every other; then the *decoder* "
            'asks **100 object queries**, 100 learned questions of the form "is there an object here, and where?". '
            "Each query answers with one of **COCO's 91 class ids** (80 are used: person, cat, cup, …; the unused "
            "ones are called N/A) or *no object*, and one box.\n\n"
            "This is **set prediction**: in training, each real object is matched to exactly one query (the "
            "Hungarian algorithm), so DETR needs no anchor boxes and no non-maximum suppression to remove "
            "duplicates. Most of the 100 answers are *no object*; the **threshold** hides every box whose best "
            "score is not above it. Moving it only re-filters the 100 answers already computed: the model does not "
            "run again."
        ),
        "detect.image": "Photo (upload, webcam or paste)",
        "detect.threshold": "Threshold (minimum score)",
        "detect.threshold_info": "Boxes scoring above this are shown; moving it does not re-run the model",
        "detect.labels": "Only these labels (optional)",
        "detect.labels_info": "Comma-separated class names, e.g. cat, dog; empty shows every class",
        "detect.max": "At most this many boxes",
        "detect.max_info": "The most confident first",
        "detect.result": "Detected objects",
        "detect.table": "Boxes (pixels of the original photo)",
        "detect.look": "🔍 Where did it look?",
        "detect.look_explain": (
            "Each box comes from one object query. Its **cross-attention** in the decoder's last layer says which "
            "parts of the photo that query read before answering (the DETR paper's own figure). Bright = looked "
            "at most. A well-trained model looks at the object's edges: the extremities of a leg, a head, a tail. "
            "YOLOS has no decoder: there it is the attention of the box's detection token over the image patches."
        ),
        "detect.box": "Box",
        "detect.box_info": "Choose a box to see its object query's attention",
        "detect.heat": "Attention of this box's object query",
    },
    "ko": {
        "detect.tab": "📦 객체 탐지",
        "detect.explain": (
            "**객체 탐지**는 사진 속 물체를 찾아 각각에 상자를 그리고, 레이블과 0~1 사이 점수를 붙여요.\n\n"
            "**`facebook/detr-resnet-50`은 무슨 뜻일까요?** *facebook*은 학습시킨 곳(Meta AI)이에요. **DETR**은 "
            "*DEtection TRansformer*(탐지 트랜스포머)의 줄임말이에요. **resnet-50**은 *백본*이에요: 50층짜리 합성곱 "
            "신경망(ResNet, `timm` 라이브러리로 불러와요)이 사진을 32 × 32픽셀마다 하나씩 특징 격자로 바꿔요. "
            "트랜스포머 *인코더*는 격자의 모든 자리가 서로를 보게 하고, *디코더*는 **100개의 객체 쿼리**, 즉 "
            '"여기에 물체가 있나? 어디에?"라는 학습된 질문 100개를 던져요. 쿼리마다 **COCO의 91개 클래스 id** '
            "중 하나(실제로 쓰는 건 80개: person, cat, cup 등, 안 쓰는 id는 N/A) 또는 *물체 없음*과 상자 하나로 "
            "답해요.\n\n"
            "이것을 **집합 예측**이라고 해요: 학습할 때 실제 물체 하나가 쿼리 하나에만 짝지어지므로(헝가리안 "
            "알고리즘), 앵커 박스도, 중복 상자를 지우는 NMS도 필요 없어요. 100개 답 대부분은 *물체 없음*이고, "
            "**임계값**은 최고 점수가 그보다 높지 않은 상자를 숨겨요. 임계값을 움직이면 이미 계산한 100개 답을 "
            "다시 거를 뿐, 모델을 다시 실행하지 않아요."
        ),
        "detect.image": "사진 (업로드, 웹캠, 붙여 넣기)",
        "detect.threshold": "임계값 (최소 점수)",
        "detect.threshold_info": "이 점수보다 높은 상자만 보여요. 움직여도 모델을 다시 실행하지 않아요",
        "detect.labels": "이 레이블만 (선택)",
        "detect.labels_info": "쉼표로 구분한 클래스 이름(예: cat, dog). 비우면 모든 클래스",
        "detect.max": "최대 상자 개수",
        "detect.max_info": "확신이 큰 것부터",
        "detect.result": "찾은 물체",
        "detect.table": "상자 (원본 사진의 픽셀 좌표)",
        "detect.look": "🔍 어디를 봤을까?",
        "detect.look_explain": (
            "상자마다 그것을 찾은 객체 쿼리가 하나씩 있어요. 디코더 마지막 층의 **크로스 어텐션**은 그 쿼리가 "
            "답하기 전에 사진의 어느 부분을 읽었는지 보여 줘요(DETR 논문의 그림과 같아요). 밝을수록 많이 본 "
            "곳이에요. 잘 학습된 모델은 물체의 가장자리(다리 끝, 머리, 꼬리)를 봐요. "
            "YOLOS에는 디코더가 없어서, 그 상자를 찾은 탐지 토큰이 이미지 패치들을 본 어텐션을 보여 줘요."
        ),
        "detect.box": "상자",
        "detect.box_info": "상자를 고르면 그 객체 쿼리의 어텐션을 보여 줘요",
        "detect.heat": "이 상자를 찾은 객체 쿼리의 어텐션",
    },
}


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
