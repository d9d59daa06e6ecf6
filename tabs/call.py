"""One call context per event: the global settings row (device, language, backend, provider, token) and the
web request become one ``CallContext``, once, before a task handler runs.

A task handler declares its own parameters and then, keyword-only, ``call: CallContext``::

    @task_handler(ctx)
    def run_classify(text: str, model: str, *, call: CallContext) -> tuple: ...

and is wired with ``inputs=[text, model, *settings_inputs(ctx)]``. Its public signature (what gradio, the API
and MCP see) is its own parameters, then ``device, language, backend, provider, hf_token`` with defaults, then
the request and the sign-in token gradio fills in, then whatever followed ``call`` (``progress``, ``evt``).
Every failure reaches the user as a ``gr.Error`` in the call's language (``tabs/boundary.py``).
"""

import functools
import inspect
from collections.abc import Callable
from typing import Any

import gradio as gr

from core.call import Backend, CallContext
from core.remote.retry import RetryNotice
from core.runtime.imports import import_transformers_once
from tabs.boundary import check_inputs, resolve_language, toast, user_error
from tabs.context import AppContext

_KEYWORD = inspect.Parameter.POSITIONAL_OR_KEYWORD

#: What every task handler takes after its own parameters, in this order (DESIGN.md: more parameters may
#: follow the named ones, all with defaults).
SETTINGS = (
    inspect.Parameter("device", _KEYWORD, default="auto", annotation=str),
    inspect.Parameter("language", _KEYWORD, default="auto", annotation=str),
    inspect.Parameter("backend", _KEYWORD, default=Backend.LOCAL.value, annotation=str),
    inspect.Parameter("provider", _KEYWORD, default="auto", annotation=str),
    inspect.Parameter("hf_token", _KEYWORD, default="", annotation=str),
    inspect.Parameter("request", _KEYWORD, default=None, annotation=gr.Request),
    inspect.Parameter("oauth_token", _KEYWORD, default=None, annotation=gr.OAuthToken | None),
)
_SETTING_NAMES = tuple(parameter.name for parameter in SETTINGS)


def settings_inputs(ctx: AppContext) -> list:
    """The settings row's components, in the order of ``SETTINGS`` (the backend's only when the app has them)."""
    remote = ctx.remote
    backend = [remote.backend, remote.provider, remote.token] if remote is not None else []
    return [ctx.device, ctx.language, *backend]


def call_context(
    ctx: AppContext,
    device: str = "auto",
    language: str = "auto",
    backend: str = Backend.LOCAL.value,
    provider: str = "auto",
    hf_token: str = "",
    request: gr.Request | None = None,
    oauth_token: gr.OAuthToken | None = None,
) -> CallContext:
    """The one ``CallContext`` of this event: the settings as typed values, the app's mode, and a toast for each
    wait of the remote backend's retries."""
    lang = resolve_language(language, request)

    def show_wait(notice: RetryNotice) -> None:
        toast("warning", notice.text(lang), lang, duration=max(3.0, notice.seconds))

    return CallContext(
        device=device or "auto",
        language=lang,
        backend=Backend.parse(backend),
        provider=provider or "auto",
        token=hf_token or None,
        oauth_token=oauth_token.token if oauth_token is not None else None,
        request=request,
        policy=ctx.policy,
        remote=ctx.remote_settings,
        on_wait=show_wait,
    )


def task_handler(ctx: AppContext) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Decorate a task handler whose parameter ``call`` receives this event's ``CallContext`` (see above).

    Works for plain functions and for generators (streaming handlers).
    """

    def decorate(fn: Callable[..., Any]) -> Callable[..., Any]:
        own = list(inspect.signature(fn).parameters.values())
        at = [parameter.name for parameter in own].index("call")
        # What follows ``call`` (keyword-only there) comes after the settings, positional as gradio expects
        # its special parameters to be (``progress``, ``evt``), with a default as a parameter after them must.
        after = [p.replace(kind=_KEYWORD, default=None if p.default is p.empty else p.default) for p in own[at + 1 :]]
        public = inspect.signature(fn).replace(parameters=[*own[:at], *SETTINGS, *after])

        def prepare(args: tuple, kwargs: dict) -> tuple[dict[str, Any], dict[str, Any], str]:
            bound = public.bind(*args, **kwargs)
            bound.apply_defaults()
            values = dict(bound.arguments)
            settings = {name: values.pop(name) for name in _SETTING_NAMES}
            return values, settings, resolve_language(settings["language"], settings["request"])

        def start(values: dict[str, Any], settings: dict[str, Any]) -> CallContext:
            check_inputs({name: value for name, value in values.items() if name != "progress"})
            check_inputs({name: value for name, value in settings.items() if name not in ("request", "oauth_token")})
            import_transformers_once()  # the first requests arrive together; see core/runtime/imports.py
            return call_context(ctx, **settings)

        if inspect.isgeneratorfunction(fn):

            @functools.wraps(fn)
            def stream(*args: Any, **kwargs: Any) -> Any:
                language = "en"
                try:
                    values, settings, language = prepare(args, kwargs)
                    yield from fn(**values, call=start(values, settings))
                except Exception as error:
                    raise user_error(error, language) from None

            wrapper = stream
        else:

            @functools.wraps(fn)
            def call(*args: Any, **kwargs: Any) -> Any:
                language = "en"
                try:
                    values, settings, language = prepare(args, kwargs)
                    return fn(**values, call=start(values, settings))
                except Exception as error:
                    raise user_error(error, language) from None

            wrapper = call
        wrapper.__signature__ = public  # type: ignore[attr-defined]
        wrapper.__annotations__ = {
            **{p.name: p.annotation for p in public.parameters.values() if p.annotation is not p.empty},
            **({"return": public.return_annotation} if public.return_annotation is not public.empty else {}),
        }
        return wrapper

    return decorate
