"""The one place where errors become messages in the browser.

Domain errors from ``core`` become ``gr.Error`` with their message in the user's language;
anything unexpected is logged on the server and shown as a short message, never a stack trace.
gradio renders a toast's message as HTML, so every message is escaped here: a ``<mask>`` it quotes stays.
"""

import functools
import inspect
import logging
import math
from collections.abc import Callable
from typing import Any

import gradio as gr
from gradio.events import Dependency

from core.errors import BadInput, PlaygroundError
from core.localized import Localized
from core.runtime.imports import import_transformers_once
from tabs.literal import toast_text

log = logging.getLogger("playground")


def resolve_language(language: str | None, request: gr.Request | None) -> str:
    """ "ko" or "en": the setting, or for "auto" the browser's Accept-Language header."""
    if language in ("ko", "en"):
        return language
    header = ""
    if request is not None:
        header = (request.headers.get("accept-language") or "").lower()
    return "ko" if header.startswith("ko") else "en"


def user_error(error: BaseException, language: str) -> gr.Error:
    """``error`` as the ``gr.Error`` the user sees, in ``language``; an unexpected one is logged first."""
    if isinstance(error, PlaygroundError):
        return gr.Error(toast_text(error.text(language)), title=error.title(language), print_exception=False)
    if isinstance(error, gr.Error):
        return error
    log.exception("Unexpected error in a tab handler", exc_info=error)
    kind = type(error).__name__
    message = Localized(
        f"An unexpected error ({kind}) happened inside the app. It was logged on the server; "
        "try again, or choose another model.",
        f"예상하지 못한 오류({kind})가 났어요. 서버 로그에 기록했어요. 다시 시도하거나 다른 모델을 골라 보세요.",
    )
    title = Localized("Internal error", "앱 내부 오류")
    return gr.Error(message.text(language), title=title.text(language), print_exception=False)


def _undecodable(value: Any, depth: int = 0) -> tuple[str, int] | None:
    """The first lone surrogate in ``value`` (a string, or one inside a list, dict or table): (the character, its
    position). JSON can carry one (``"\\ud800"``); Python keeps it, and tokenizers and the JSON encoder fail on it."""
    if isinstance(value, str):
        if value.isascii():
            return None
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as error:
            return f"U+{ord(value[error.start]):04X}", error.start
        return None
    if depth > 3:
        return None
    if hasattr(value, "to_numpy") and hasattr(value, "columns"):  # a pandas table
        value = [*value.columns, *value.to_numpy().ravel().tolist()]
    if isinstance(value, dict):
        value = [*value.keys(), *value.values()]
    if isinstance(value, list | tuple):
        for item in value:
            found = _undecodable(item, depth + 1)
            if found:
                return found
    return None


def check_inputs(arguments: dict[str, Any]) -> None:
    """``BadInput`` for a value no handler can use, whatever the tab: text with a lone surrogate (it cannot be
    encoded) or a number that is NaN or infinite (JSON lets a script send both)."""
    for name, value in arguments.items():
        if isinstance(value, float) and not math.isfinite(value):
            raise BadInput(
                f"{name} = {value} is not a number the app can use. Enter a finite number in the range the control "
                "shows.",
                ko=f"{name} = {value} 값은 쓸 수 있는 숫자가 아니에요. 입력란에 보이는 범위 안의 숫자를 넣으세요.",
            )
        found = _undecodable(value)
        if found:
            character, position = found
            raise BadInput(
                f"The {name} contains a character that cannot be read ({character}, a lone surrogate, at position "
                f"{position}). It usually comes from a broken copy-paste: retype that part and try again.",
                ko=f"{name}에 읽을 수 없는 문자({character}, 짝이 없는 서로게이트, {position}번째)가 있어요. "
                "복사-붙여넣기가 깨진 경우가 많아요. 그 부분을 다시 입력하세요.",
            )


def user_errors(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Decorate a tab handler so that every failure reaches the user as a clear ``gr.Error``.

    The handler's ``language`` and ``request`` parameters (when it has them) pick the language.
    Works for plain functions and for generators (streaming handlers).
    """
    signature = inspect.signature(fn)

    def language_of(args: tuple, kwargs: dict) -> str:
        bound = signature.bind_partial(*args, **kwargs).arguments
        return resolve_language(bound.get("language"), bound.get("request"))

    def checked(args: tuple, kwargs: dict) -> None:
        bound = signature.bind_partial(*args, **kwargs).arguments
        check_inputs({k: v for k, v in bound.items() if k not in ("request", "progress")})
        import_transformers_once()  # the first requests arrive together; see core/runtime/imports.py

    if inspect.isgeneratorfunction(fn):

        @functools.wraps(fn)
        def stream(*args: Any, **kwargs: Any) -> Any:
            try:
                checked(args, kwargs)
                yield from fn(*args, **kwargs)
            except Exception as error:
                raise user_error(error, language_of(args, kwargs)) from None

        return stream

    @functools.wraps(fn)
    def call(*args: Any, **kwargs: Any) -> Any:
        try:
            checked(args, kwargs)
            return fn(*args, **kwargs)
        except Exception as error:
            raise user_error(error, language_of(args, kwargs)) from None

    return call


#: Pop-up titles in both languages: gradio's own defaults ("Info", "Warning") are English only.
_TOAST_TITLES = {"info": Localized("Info", "알림"), "warning": Localized("Please wait", "잠시만요")}


def toast(kind: str, message: str | Localized, language: str, duration: float | None = 10) -> None:
    """A pop-up (``kind`` "info" or "warning") whose title is in the user's language, like its message.

    gradio renders a toast's message as HTML: the message is escaped, so a literal ``<mask>`` stays visible.
    """
    if isinstance(message, Localized):
        message = message.text(language)
    show = gr.Info if kind == "info" else gr.Warning
    show(toast_text(message), duration=duration, title=_TOAST_TITLES[kind].text(language))


def say_error_as_warning(error: gr.Error) -> None:
    """A student's error raised where gradio shows no pop-up for it (one part of the page's merged load event):
    a warning pop-up with the words and title the error already has in the student's language."""
    gr.Warning(error.message, duration=10, title=error.title)


#: Events whose outputs describe this machine (the cache, the loaded models), not the inputs of the run that
#: failed: after a refused delete, the list on screen is still true.
KEEP_RESULTS_ON_FAILURE = frozenset(
    {"cache_list", "cache_delete", "prefetch_plan", "prefetch", "loaded_models", "unload"}
)


def _nothing(count: int) -> Callable[[], Any]:
    def clear() -> Any:
        return None if count == 1 else [None] * count

    return clear


def clear_results_on_failure(blocks: gr.Blocks) -> None:
    """After a public event fails, empty the outputs it would have filled: nothing on screen stays from a run
    whose inputs are no longer the ones shown (one model's details under a box that names another).

    One pass over the whole app, so every tab (and every new one) behaves alike. Outputs that are also inputs
    of the event (an editable table) and ``gr.State`` are left alone; the error toast says what went wrong.
    """
    for event in list(blocks.fns.values()):
        if event.api_visibility != "public" or event.fn is None or event.api_name in KEEP_RESULTS_ON_FAILURE:
            continue
        inputs = {block._id for block in event.inputs}
        results = [block for block in event.outputs if block._id not in inputs and not isinstance(block, gr.State)]
        if results:
            Dependency(None, {}, event._id, event.fn).failure(
                _nothing(len(results)),
                None,
                results,
                queue=False,
                show_progress="hidden",
                api_visibility="private",
            )
