"""Every error the core raises on purpose, in one module.

Each also inherits the standard exception it resembles, so a plain ``except ValueError``
still works. The UI turns them into messages in exactly one place (``tabs/boundary.py``).
A message says what was wrong, quotes the bad value, and says what to do.
"""

from __future__ import annotations

from core.localized import Localized


class PlaygroundError(Exception):
    """Base of every error that is meant to be shown to the user."""

    title_en = "Something is not right"
    title_ko = "문제가 생겼어요"

    def __init__(self, message: str | Localized, *, ko: str | None = None) -> None:
        if isinstance(message, Localized):
            message, ko = message.en, message.ko if ko is None else ko
        super().__init__(message)
        self.message = message
        self.message_ko = ko

    @property
    def localized(self) -> Localized:
        """The message as one value in both languages, as a notice is."""
        return Localized(self.message, self.message_ko)

    def text(self, language: str) -> str:
        """The message in ``language`` ("ko" or "en"); English where no Korean was written."""
        return self.localized.text(language)

    def title(self, language: str) -> str:
        return Localized(self.title_en, self.title_ko).text(language)


class BadInput(PlaygroundError, ValueError):
    """The user's input (text, model id, option) cannot be used as given."""

    title_en = "Please check your input"
    title_ko = "입력을 확인해 주세요"


class ModelNotAvailable(PlaygroundError, OSError):
    """The model cannot be loaded: not downloaded while offline, not on the Hub, or unreachable."""

    title_en = "Model not available"
    title_ko = "모델을 불러올 수 없어요"


class WrongModelKind(PlaygroundError, TypeError):
    """The model exists but has the wrong head for this task (e.g. a fill-mask model for sentiment)."""

    title_en = "This model does not do this task"
    title_ko = "이 작업에 맞지 않는 모델이에요"


class RemoteFailure(PlaygroundError, RuntimeError):
    """The hosted Inference API (or another remote server) failed or answered unexpectedly."""

    title_en = "The remote service failed"
    title_ko = "원격 서비스 오류"


class DataNotAvailable(PlaygroundError, OSError):
    """A dataset cannot be read: offline, not on the Hub, gated, or unreachable."""

    title_en = "Dataset not available"
    title_ko = "데이터셋을 불러올 수 없어요"
