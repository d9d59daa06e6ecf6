"""The one place where errors become messages in the browser.

Domain errors from ``core`` become ``gr.Error`` with their message in the user's language;
anything unexpected is logged on the server and shown as a short message, never a stack trace.
gradio renders a toast's message as HTML, so every message is escaped here: a ``<mask>`` it quotes stays.
"""

import functools
import inspect
import logging
from collections.abc import Callable
from typing import Any

import gradio as gr
from gradio.events import Dependency

from core.errors import PlaygroundError
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


def _user_error(error: BaseException, language: str) -> gr.Error:
    if isinstance(error, PlaygroundError):
        return gr.Error(toast_text(error.text(language)), title=error.title(language), print_exception=False)
    if isinstance(error, gr.Error):
        return error
    log.exception("Unexpected error in a tab handler", exc_info=error)
    kind = type(error).__name__
    if language == "ko":
        return gr.Error(
            f"예상하지 못한 오류({kind})가 났어요. 서버 로그에 기록했어요. 다시 시도하거나 다른 모델을 골라 보세요.",
            title="앱 내부 오류",
            print_exception=False,
        )
    return gr.Error(
        f"An unexpected error ({kind}) happened inside the app. It was logged on the server; "
        "try again, or choose another model.",
        title="Internal error",
        print_exception=False,
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

    if inspect.isgeneratorfunction(fn):

        @functools.wraps(fn)
        def stream(*args: Any, **kwargs: Any) -> Any:
            try:
                yield from fn(*args, **kwargs)
            except Exception as error:
                raise _user_error(error, language_of(args, kwargs)) from None

        return stream

    @functools.wraps(fn)
    def call(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except Exception as error:
            raise _user_error(error, language_of(args, kwargs)) from None

    return call


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
