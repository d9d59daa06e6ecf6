"""The text generation tab's notice under the result: which mode ran, its seed and speed, and any cut.

A section of tabs/generate.py, as the tokenizer lab's sections sit beside it.
"""

from core.generation.batcher import Waiting
from core.generation.generate import MAX_PROMPT_TOKENS, GenerationResult
from core.localized import Localized


def generation_notice(result: GenerationResult, language: str) -> str:
    """Which mode ran, with which seed, how fast; and whether the prompt was cut to fit the window."""
    if result.prompt.chat:
        lines = [
            Localized("💬 Chat model: its chat template was applied.", "💬 채팅 모델: 채팅 템플릿을 적용했어요.").text(
                language
            )
        ]
    else:
        lines = [
            Localized("📝 Base model: plain continuation of your text.", "📝 기본 모델: 글을 그대로 이어 써요.").text(
                language
            )
        ]
    if result.waiting is not None:
        lines.append(waiting_line(result.waiting, language))
    settings = result.settings
    if settings.do_sample:
        lines.append(
            f"🎲 seed {settings.seed}" + Localized(" (same seed → same text)", " (같은 seed → 같은 글)").text(language)
        )
    else:
        lines.append(Localized("🎯 greedy: always the same result", "🎯 greedy: 항상 같은 결과").text(language))
    if result.done and result.seconds:
        lines.append(
            f"⏱️ {result.new_tokens} tokens · {result.seconds:.2f} s · {result.new_tokens / result.seconds:.1f} tokens/s"
        )
    cut = result.prompt.truncation
    if cut:
        lines.append(
            Localized(
                f"✂️ The prompt has {cut.tokens:,} tokens; only its last {cut.kept:,} tokens were kept (the model did "
                f"not see the beginning). This model sees {cut.window} tokens in all, prompt and new tokens together, and "
                f"this app feeds at most {MAX_PROMPT_TOKENS:,} prompt tokens so that answers stay quick.",
                f"✂️ 프롬프트가 {cut.tokens:,}토큰이라 마지막 {cut.kept:,}토큰만 남겼어요(앞부분은 모델이 보지 못했어요). "
                f"이 모델은 프롬프트와 새 토큰을 합쳐 {cut.window}토큰까지 보고, 이 앱은 빠른 응답을 위해 프롬프트를 "
                f"{MAX_PROMPT_TOKENS:,}토큰까지만 넣어요.",
            ).text(language)
        )
    return "\n\n".join(lines)


def waiting_line(waiting: Waiting, language: str) -> str:
    """Where a generation stands while every row of the model's batch is taken, and roughly how long it waits."""
    line = Localized(
        f"⏳ Every generation slot is busy: you are number {waiting.position} in line",
        f"⏳ 생성 자리가 모두 차 있어요. 대기 순서 {waiting.position}번째",
    ).text(language)
    if waiting.seconds is not None:
        line += Localized(f", about {waiting.seconds:.0f} s", f", 약 {waiting.seconds:.0f}초").text(language)
    if waiting.tokens_per_second:
        line += Localized(
            f" (the model writes {waiting.tokens_per_second:.0f} tokens/s for everyone now)",
            f" (지금 모델이 모두를 위해 초당 {waiting.tokens_per_second:.0f}토큰을 써요)",
        ).text(language)
    return line + "."
