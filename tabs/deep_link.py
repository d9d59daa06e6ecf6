"""Links that open the app ready to go: ``?tab=classify&text=I+like+apple&model=org/name``.

Each tab registers the inputs a link may fill (``link_button``); one page-load event
(``wire_deep_links``) selects the tab and fills them. Values from the URL are checked like
any other input: text loses control characters and is capped, numbers are clamped to the
component's range, fixed choices must be one of the choices, model ids are validated
(Hub ids only in public mode). A value that fails is dropped with a warning, never run.
"""

import json
import unicodedata
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

import gradio as gr

from core.errors import PlaygroundError
from core.inputs.text import MAX_CHARS
from core.localized import Localized
from core.runtime.model_source import resolve_model
from tabs.boundary import resolve_language
from tabs.context import AppContext
from tabs.i18n import tr
from tabs.literal import md_code

#: A URL is not a document: links carry short examples, not books.
MAX_LINK_TEXT = 2_000


@dataclass(frozen=True)
class LinkTarget:
    tab_id: str
    fields: dict[str, gr.components.Component]
    model_fields: frozenset[str] = frozenset({"model"})


def _clean_text(value: str, limit: int) -> str:
    kept = "".join(ch for ch in value if ch in "\n\t" or not unicodedata.category(ch).startswith("C"))
    return kept[:limit]


def _number(value: str, component: Any) -> float | None:
    try:
        number = float(value)
    except ValueError:
        return None
    if number != number:  # NaN
        return None
    low, high = getattr(component, "minimum", None), getattr(component, "maximum", None)
    if low is not None:
        number = max(number, low)
    if high is not None:
        number = min(number, high)
    if isinstance(component, gr.Slider):
        integral = float(component.step).is_integer() and float(component.minimum).is_integer()
    else:
        integral = getattr(component, "precision", None) == 0
    return int(number) if integral else number


def _choice_values(component: Any) -> list[Any]:
    return [choice[1] if isinstance(choice, (tuple, list)) else choice for choice in component.choices or []]


def link_value(name: str, raw: str, component: Any, target: LinkTarget, public: bool) -> Any:
    """The value a URL parameter may give ``component``; ``None`` when it must be dropped."""
    if name in target.model_fields:
        try:
            return resolve_model(raw, allow_local=not public).name
        except PlaygroundError:
            return None
    if isinstance(component, gr.Checkbox):
        return raw.strip().lower() in ("1", "true", "yes", "on")
    if isinstance(component, (gr.Slider, gr.Number)):
        return _number(raw, component)
    if isinstance(component, (gr.Dropdown, gr.Radio)) and not getattr(component, "allow_custom_value", False):
        return raw if raw in _choice_values(component) else None
    return _clean_text(raw, min(MAX_LINK_TEXT, MAX_CHARS))


def link_button(
    ctx: AppContext,
    tab_id: str,
    fields: dict[str, gr.components.Component],
    model_fields: tuple[str, ...] = ("model",),
) -> None:
    """A "copy link" button that turns the tab's current inputs into a URL (also shown for copying).

    ``model_fields`` name the fields that hold a model id (``tokenizer``, ``model_a`` …): checked as one.
    """
    unknown = set(model_fields) - set(fields)
    if unknown:
        raise ValueError(f"model fields {sorted(unknown)} are not among the link's fields {list(fields)}")
    target = LinkTarget(tab_id, dict(fields), frozenset(model_fields))
    ctx.links.append(target)
    button = gr.Button(tr("common.copy_link"), size="sm", variant="secondary")
    shown = gr.Textbox(label=tr("common.link"), visible=True, interactive=False, buttons=["copy"], max_lines=2)
    names = json.dumps(list(fields))
    button.click(
        fn=None,
        inputs=list(fields.values()),
        outputs=shown,
        js=f"""(...values) => {{
            const url = new URL(window.location.href);
            url.search = "";
            url.searchParams.set("tab", {json.dumps(tab_id)});
            {names}.forEach((name, i) => {{
                const v = values[i];
                if (v !== null && v !== undefined && v !== "") url.searchParams.set(name, String(v));
            }});
            const link = url.toString();
            if (navigator.clipboard) navigator.clipboard.writeText(link).catch(() => {{}});
            return link;
        }}""",
    )


def fill_from_url(params: dict[str, str], targets: list[LinkTarget], public: bool) -> tuple[str | None, dict]:
    """The tab to select and ``{component: value}`` to fill, from a page's query parameters."""
    target = next((t for t in targets if t.tab_id == params.get("tab")), None)
    if target is None:
        return None, {}
    values = {}
    for name, component in target.fields.items():
        if name in params:
            value = link_value(name, params[name], component, target, public)
            if value is not None:
                values[component] = value
    return target.tab_id, values


#: A link to a tab this app does not have (a typo, an old link): the first tab opens, and the page says why.
_UNKNOWN_TAB = Localized(
    "⚠️ This link asks for a tab called {name}, which this app does not have, so it opened {first}. "
    "Tabs a link can open: {known}.",
    "⚠️ 링크에 적힌 탭 이름 {name}에 맞는 탭이 이 앱에 없어서 {first} 탭을 열었어요. 링크로 열 수 있는 탭: {known}.",
)
#: How much of an unknown tab name the notice quotes (a URL can be long).
MAX_QUOTED_TAB = 40


def link_notice() -> gr.Markdown:
    """Where the page says why a link did not open the tab it named (empty and hidden otherwise)."""
    return gr.Markdown(visible=False)


def unknown_tab_notice(name: str, tab_ids: list[str], first_title: str, language: str) -> str:
    """The notice for ``?tab=<name>`` when no tab has that id, in ``language``; ``name`` shown as typed."""
    quoted = md_code(name[:MAX_QUOTED_TAB] + ("…" if len(name) > MAX_QUOTED_TAB else ""))
    return _UNKNOWN_TAB.text(language).format(
        name=quoted, first=first_title, known=", ".join(f"`{t}`" for t in tab_ids)
    )


def _tab_title(tab: Any, language: str) -> str:
    """A tab's title as the student sees it in ``language`` (its label is an i18n key of some tab module)."""
    from tabs import tab_modules

    key = getattr(tab.label, "key", tab.label)
    for module in tab_modules():
        title = getattr(module, "STRINGS", {}).get(language, {}).get(key)
        if title:
            return title
    return str(key)


#: Runs in the browser when the page opens: the page's query string, or "" when the address has none.
READ_QUERY_JS = "() => window.location.search.replace(/^[?]/, '')"


def wire_deep_links(ctx: AppContext, tabs: gr.Tabs, notice: gr.Markdown | None = None) -> None:
    """Open the tab a link names, with its inputs filled in.

    The browser reads its own address when the page opens and hands the query to the server only when there
    is one: a page opened without a link sends nothing for links, and the inputs a link may fill (74 today)
    never join the page's status bookkeeping (gradio's client walks every component with a status on each later
    status change). A tab without a link button (the fine-tuning lab, the cache) is still opened by
    ``?tab=<its id>``. A link naming a tab that does not exist opens the first tab, and ``notice``
    (``link_notice``) says so.
    """
    components = [c for target in ctx.links for c in target.fields.values()]
    tab_list = [child for child in tabs.children if isinstance(getattr(child, "id", None), str)]
    tab_ids = [child.id for child in tab_list]
    notices = [notice] if notice is not None else []

    def open_link(query: str, language: str = "auto", request: gr.Request = None) -> list:
        params = dict(parse_qsl(query or "", keep_blank_values=True))
        tab_id, values = fill_from_url(params, ctx.links, ctx.public)
        if tab_id is None and params.get("tab") in tab_ids:
            tab_id = params["tab"]
        tab_update = gr.Tabs(selected=tab_id) if tab_id else gr.Tabs()
        said = gr.skip()
        if tab_id is None and params.get("tab") and tab_list:
            lang = resolve_language(language, request)
            text = unknown_tab_notice(params["tab"], tab_ids, _tab_title(tab_list[0], lang), lang)
            said = gr.Markdown(text, visible=True)
        return [tab_update, *(values.get(c, gr.skip()) for c in components), *([said] if notices else [])]

    query = gr.Textbox(value="", visible="hidden", label="link", interactive=False)
    ctx.blocks.load(None, js=READ_QUERY_JS, outputs=query, api_visibility="private", queue=False)
    query.change(
        open_link,
        inputs=[query, *([ctx.language] if ctx.language is not None else [])],
        outputs=[tabs, *components, *notices],
        api_visibility="private",
        queue=False,
        show_progress="hidden",
    )
