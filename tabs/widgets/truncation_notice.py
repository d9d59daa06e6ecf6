"""The one sentence that tells a student the model read only part of a long text."""

from core.inputs.token_window import Truncation
from core.localized import Localized


def truncation_notice(truncation: Truncation | None, language: str) -> str:
    """Empty when everything fit; otherwise how much the model read, in tokens and characters."""
    if truncation is None:
        return ""
    t = truncation
    return Localized(
        f"✂️ The text has {t.tokens:,} tokens ({t.chars:,} characters); the model read only the first "
        f"{t.kept_tokens:,} tokens ({t.kept_chars:,} characters). It did not see the rest.",
        f"✂️ 글이 {t.tokens:,}토큰({t.chars:,}자)이라 모델이 읽을 수 있는 앞부분 {t.kept_tokens:,}토큰"
        f"({t.kept_chars:,}자)만 사용했어요. 뒷부분은 모델이 보지 못했어요.",
    ).text(language)
