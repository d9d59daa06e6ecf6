"""Korean and English for every visible label, through gradio's own ``gr.I18n``.

Each module that shows labels owns them in a ``STRINGS = {"en": {...}, "ko": {...}}`` table at its top; a tab
built from sections (the tokenizer lab, the fine-tuning lab) spreads its sections' tables into its own, and
``build_i18n`` merges every tab's table with the shared ones below. The browser's language picks
the translation (Korean when the browser asks for it); gradio's Settings panel can change it.
"""

from collections.abc import Iterable
from types import ModuleType

import gradio as gr
from gradio.i18n import I18nData

LANGUAGES = ("en", "ko")

STRINGS: dict[str, dict[str, str]] = {
    "en": {
        "app.title": "# 🤗 Pipeline Playground",
        "app.intro": "Try every Hugging Face `transformers` task in the browser, and see what happens inside: "
        "the raw output, the model, and the Python that reproduces it in a notebook.",
        "app.settings": "Settings",
        "app.device": "Device",
        "app.device_info": "auto uses the GPU when there is one",
        "app.language": "Language of messages",
        "app.language_info": "auto follows the browser",
        "app.mode": "Mode",
        "common.model": "Model",
        "common.model_info": "Pick one, or type a Hub id (org/name)",
        "common.run": "Run",
        "common.raw": "Raw output (JSON, as the pipeline returns it)",
        "common.code": "Python code that reproduces this in a notebook",
        "common.examples": "Examples: click one to fill the inputs",
        "common.about": "What is this?",
        "common.copy_link": "🔗 Copy a link to this example",
        "common.link": "Link that opens this tab with these inputs",
    },
    "ko": {
        "app.title": "# 🤗 파이프라인 플레이그라운드",
        "app.intro": "Hugging Face `transformers`의 모든 작업을 브라우저에서 바로 실행해 보고, 그 안을 들여다보세요: "
        "모델이 돌려준 원본 출력, 모델 정보, 그리고 노트북에서 같은 결과를 내는 파이썬 코드까지.",
        "app.settings": "설정",
        "app.device": "장치",
        "app.device_info": "auto는 GPU가 있으면 GPU를 써요",
        "app.language": "메시지 언어",
        "app.language_info": "auto는 브라우저 언어를 따라요",
        "app.mode": "모드",
        "common.model": "모델",
        "common.model_info": "목록에서 고르거나 Hub id(org/name)를 입력하세요",
        "common.run": "실행",
        "common.raw": "원본 출력 (파이프라인이 돌려주는 JSON)",
        "common.code": "노트북에서 같은 결과를 내는 파이썬 코드",
        "common.examples": "예시: 누르면 입력 칸이 채워져요",
        "common.about": "이게 뭔가요?",
        "common.copy_link": "🔗 이 예시로 바로 여는 링크 복사",
        "common.link": "이 탭을 지금 입력값으로 여는 링크",
    },
}


def tr(key: str) -> I18nData:
    """A label that the browser shows in its language."""
    return I18nData(key)


def build_i18n(modules: Iterable[ModuleType]) -> gr.I18n:
    """One ``gr.I18n`` from the shared strings and every tab module's ``STRINGS``.

    All keys share one namespace in the browser, so a key defined by two modules would silently show the
    later module's text in both tabs: that is refused here, naming the key and both modules.
    """
    merged: dict[str, dict[str, str]] = {lang: dict(STRINGS[lang]) for lang in LANGUAGES}
    owner = {key: __name__ for lang in LANGUAGES for key in STRINGS[lang]}
    clashes = []
    for module in modules:
        table = getattr(module, "STRINGS", {})
        for key in sorted({key for lang in LANGUAGES for key in table.get(lang, {})}):
            if key in owner:
                clashes.append(f"'{key}' ({owner[key]} and {module.__name__})")
            owner[key] = module.__name__
        for lang in LANGUAGES:
            merged[lang].update(table.get(lang, {}))
    if clashes:
        raise ValueError(f"These i18n keys are defined by two modules (the later would win): {', '.join(clashes)}")
    missing = set(merged["en"]) ^ set(merged["ko"])
    if missing:
        raise ValueError(f"These i18n keys lack a Korean or English text: {sorted(missing)}")
    return gr.I18n(**merged)
