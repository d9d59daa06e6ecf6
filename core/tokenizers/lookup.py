"""Vocabulary lookups and chat templates: token → id, ids → text, messages → what a chat model reads.

The course's ``tokenizer.vocab['대선']`` and ``tokenizer.decode(ids)``, made robust: a token that is not
in the vocabulary is answered with the pieces the tokenizer would cut it into.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from core.errors import BadInput
from core.inputs.text import require_text, split_lines
from core.runtime.loading import PRIVATE, LoadPolicy
from core.tokenizers.tokenize import TASK, load_tokenizer


@dataclass
class TokenIds:
    """Vocabulary lookups: each token with its id (``tokenizer.vocab['대선']``)."""

    tokenizer: str
    tokens: list[str]
    ids: list[int]

    def to_json(self) -> list[dict[str, Any]]:
        return [{"token": t, "id": i} for t, i in zip(self.tokens, self.ids, strict=True)]


def token_ids(tokenizer: str, tokens: str, *, policy: LoadPolicy = PRIVATE) -> TokenIds:
    """The vocabulary id of each token in ``tokens`` (separated by spaces or commas)."""
    wanted = [t for t in re.split(r"[\s,]+", require_text(tokens, what="token list", what_ko="토큰 목록")) if t]
    loaded = load_tokenizer(tokenizer, policy=policy)
    vocab = loaded.get_vocab()
    missing = [t for t in wanted if t not in vocab]
    if missing:
        splits = "; ".join(f"{t!r} → {loaded.tokenize(t)}" for t in missing[:5])
        raise BadInput(
            f"Not in the vocabulary of '{tokenizer}': {', '.join(map(repr, missing[:10]))}. The tokenizer splits "
            f"such text into pieces: {splits}. Look up those pieces instead.",
            ko=f"'{tokenizer}'의 어휘 사전에 없는 토큰이에요: {', '.join(map(repr, missing[:10]))}. "
            f"토크나이저는 이렇게 조각내요: {splits}. 이 조각들을 찾아보세요.",
        )
    return TokenIds(tokenizer=tokenizer, tokens=wanted, ids=[int(vocab[t]) for t in wanted])


@dataclass
class Decoded:
    """``tokenizer.decode(ids)`` with and without the special tokens, and the token of each id."""

    tokenizer: str
    ids: list[int]
    tokens: list[str]
    text: str
    text_without_special: str

    def to_json(self) -> dict[str, Any]:
        return {
            "ids": self.ids,
            "tokens": self.tokens,
            "text": self.text,
            "text_without_special_tokens": self.text_without_special,
        }


def parse_ids(ids: str, vocabulary_size: int) -> list[int]:
    """Whole numbers from ``ids`` (``[101, 7592, 102]`` or ``101 7592 102``), each a valid id."""
    raw = [p for p in re.split(r"[\s,\[\]()]+", require_text(ids, what="id list", what_ko="id 목록")) if p]
    bad = [p for p in raw if not re.fullmatch(r"-?\d+", p)]
    if bad:
        raise BadInput(
            f"Ids are whole numbers such as 101 or 7592; {', '.join(map(repr, bad[:5]))} is not.",
            ko=f"id는 101, 7592 같은 정수여야 해요. 정수가 아닌 값: {', '.join(map(repr, bad[:5]))}.",
        )
    values = [int(p) for p in raw]
    out_of_range = [v for v in values if not 0 <= v < vocabulary_size]
    if out_of_range:
        raise BadInput(
            f"Id {out_of_range[0]} is outside this vocabulary: ids go from 0 to {vocabulary_size - 1}.",
            ko=f"id {out_of_range[0]} 값은 어휘 사전 범위를 벗어나요. id는 0부터 {vocabulary_size - 1}까지예요.",
        )
    return values


def decode(tokenizer: str, ids: str, *, policy: LoadPolicy = PRIVATE) -> Decoded:
    """Turn ids back into text, as ``tokenizer.decode`` does, with and without special tokens."""
    loaded = load_tokenizer(tokenizer, policy=policy)
    values = parse_ids(ids, len(loaded))
    return Decoded(
        tokenizer=tokenizer,
        ids=values,
        tokens=loaded.convert_ids_to_tokens(values),
        text=loaded.decode(values),
        text_without_special=loaded.decode(values, skip_special_tokens=True),
    )


CHAT_ROLES = ("system", "user", "assistant")


@dataclass
class ChatRendering:
    """A conversation as the chat model really reads it: the template's text, then its tokens."""

    tokenizer: str
    messages: list[dict[str, str]]
    text: str
    tokens: list[str]
    ids: list[int]

    def to_json(self) -> dict[str, Any]:
        return {"messages": self.messages, "text": self.text, "tokens": self.tokens, "input_ids": self.ids}


def chat_model() -> str:
    """The tab's tokenizer that has a chat template (from the registry)."""
    return next((m.id for m in TASK.models if "chat" in m.note), TASK.default.id)


def parse_messages(messages: str) -> list[dict[str, str]]:
    """``role: content`` lines (roles system, user, assistant) as chat messages."""
    parsed = []
    for number, line in enumerate(split_lines(messages), start=1):
        role, colon, content = line.partition(":")
        role = role.strip().lower()
        if not colon or role not in CHAT_ROLES or not content.strip():
            raise BadInput(
                f"Line {number} ({line[:40]!r}) is not a chat message. Write one message a line as "
                f"'role: text', with role {', '.join(CHAT_ROLES)} (e.g. 'user: 안녕하세요').",
                ko=f"{number}번째 줄({line[:40]!r})은 대화 메시지가 아니에요. 한 줄에 하나씩 '역할: 내용'으로 쓰세요. "
                f"역할은 {', '.join(CHAT_ROLES)} 중 하나예요(예: 'user: 안녕하세요').",
            )
        parsed.append({"role": role, "content": content.strip()})
    return parsed


def render_chat(
    tokenizer: str, messages: str, add_generation_prompt: bool = True, *, policy: LoadPolicy = PRIVATE
) -> ChatRendering:
    """``apply_chat_template`` as text, and the tokens that text becomes (the template adds the specials)."""
    conversation = parse_messages(messages)
    loaded = load_tokenizer(tokenizer, policy=policy)
    if not getattr(loaded, "chat_template", None):
        raise BadInput(
            f"'{tokenizer}' has no chat template: it was not trained for conversations. "
            f"Try a chat model's tokenizer such as '{chat_model()}'.",
            ko=f"'{tokenizer}'에는 채팅 템플릿이 없어요(대화용으로 학습되지 않았어요). "
            f"'{chat_model()}' 같은 채팅 모델의 토크나이저를 써 보세요.",
        )
    text = loaded.apply_chat_template(conversation, tokenize=False, add_generation_prompt=bool(add_generation_prompt))
    ids = loaded(text, add_special_tokens=False, verbose=False)["input_ids"]
    return ChatRendering(tokenizer, conversation, text, loaded.convert_ids_to_tokens(ids), list(ids))
