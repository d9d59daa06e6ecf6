"""What went wrong with a remote call, in words a student can act on.

huggingface_hub raises its own errors (``HfHubHTTPError`` with the response, ``GatedRepoError``,
``InferenceTimeoutError``, ``OfflineModeIsEnabled``, ``ValueError`` from the provider helpers);
each becomes one of ours, ``from None`` so no chained message can carry a token anywhere, with
the token scrubbed out of anything the server said.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.errors import BadInput, ModelNotAvailable, PlaygroundError, RemoteFailure, WrongModelKind
from core.remote.retry import RetriesExhausted
from core.remote.tokens import Credential, TokenSource, redact

#: The longest piece of a server's own message we quote.
MAX_QUOTE = 300


@dataclass(frozen=True)
class CallTarget:
    """What was being called: enough to write a helpful message, never the token."""

    hub_task: str
    model: str
    provider: str
    #: Host of a custom --inference-url server, or None for the Hugging Face router.
    server: str | None
    credential: Credential
    timeout: float

    @property
    def where(self) -> str:
        return self.server or f"Hugging Face ({self.provider})"


def _server_said(error: Exception, credential: Credential) -> str:
    """The server's own message (scrubbed, shortened), as ' Server said: "…"', or ''."""
    text = getattr(error, "server_message", None)
    response = getattr(error, "response", None)
    if not text and response is not None:
        try:
            text = response.text
        except Exception:
            text = None
    text = " ".join(redact(str(text or ""), credential.secret).split())[:MAX_QUOTE]
    return f' Server said: "{text}"' if text else ""


def _http_status(error: Exception) -> int | None:
    response = getattr(error, "response", None)
    return getattr(response, "status_code", None)


def translate(error: BaseException, target: CallTarget) -> PlaygroundError:
    """One of our errors for ``error``, in English and Korean, that never contains the token."""
    from huggingface_hub.errors import GatedRepoError, InferenceTimeoutError, OfflineModeIsEnabled

    if isinstance(error, PlaygroundError):
        return error
    model, where, said = target.model, target.where, _server_said(error, target.credential)
    if isinstance(error, RetriesExhausted):
        later = f" Try again in about {error.next_wait:.0f} s." if error.next_wait else " Try again in a minute."
        later_ko = (
            f" 약 {error.next_wait:.0f}초 뒤에 다시 해 보세요." if error.next_wait else " 1분쯤 뒤에 다시 해 보세요."
        )
        what = "rate limit reached (429)" if error.status == 429 else "model busy or loading (503)"
        what_ko = "호출 한도 초과(429)" if error.status == 429 else "모델이 바쁘거나 준비 중(503)"
        return RemoteFailure(
            f"{where}: {what}, still after {error.retries} retries and {error.waited:.1f} s of waiting.{later} "
            "The free Inference API limits calls; signing in or your own token raises the limit, "
            "or switch the backend to local.",
            ko=f"{where}: {what_ko}. {error.retries}번 다시 시도하며 {error.waited:.1f}초 기다렸지만 실패했어요.{later_ko} "
            "무료 Inference API는 호출 수를 제한해요. 로그인하거나 자기 토큰을 쓰면 한도가 늘고, 로컬 실행으로 바꿀 수도 있어요.",
        )
    if isinstance(error, OfflineModeIsEnabled):
        return RemoteFailure(
            "The app is offline (--offline or HF_HUB_OFFLINE=1), so the hosted Inference API cannot be reached. "
            "Run the model locally, or restart the app without --offline.",
            ko="앱이 오프라인 모드(--offline 또는 HF_HUB_OFFLINE=1)라 Inference API에 연결할 수 없어요. "
            "로컬 실행을 쓰거나 --offline 없이 앱을 다시 시작하세요.",
        )
    if isinstance(error, (InferenceTimeoutError, TimeoutError)):
        return RemoteFailure(
            f"{where} did not answer within {target.timeout:g} s for '{model}'. A cold model can take a while "
            "to start: try again in a minute, pick a smaller model, or run it locally.",
            ko=f"{where} 서버가 {target.timeout:g}초 안에 '{model}'의 답을 주지 않았어요. 처음 깨어나는 모델은 "
            "오래 걸릴 수 있어요. 잠시 뒤 다시 하거나, 더 작은 모델이나 로컬 실행을 써 보세요.",
        )
    status = _http_status(error)
    if status == 401:
        if target.credential.source is TokenSource.NONE:
            return no_token(target)
        return BadInput(
            f"{where} refused {target.credential.describe('en')} (401: invalid or expired). "
            "Create a new token at https://huggingface.co/settings/tokens and paste it again.",
            ko=f"{where} 서버가 {target.credential.describe('ko')}을 거부했어요(401: 잘못되었거나 만료됨). "
            "https://huggingface.co/settings/tokens 에서 새 토큰을 만들어 다시 붙여 넣으세요.",
        )
    if isinstance(error, GatedRepoError) or (status == 403 and "gated" in said.lower()):
        return ModelNotAvailable(
            f"'{model}' is a gated model (403). Open https://huggingface.co/{model}, accept its conditions "
            "with your account, and use a token of that account.",
            ko=f"'{model}' 모델은 접근 승인이 필요해요(403). https://huggingface.co/{model} 에서 조건에 "
            "동의한 뒤 그 계정의 토큰을 쓰세요.",
        )
    if status == 403:
        return BadInput(
            f"{where} refused {target.credential.describe('en')} for '{model}' (403: not allowed).{said} "
            "A fine-grained token needs the permission 'Make calls to Inference Providers'.",
            ko=f"{where} 서버가 '{model}'에 대해 {target.credential.describe('ko')}을 허용하지 않았어요(403). "
            "세분화된(fine-grained) 토큰이면 'Make calls to Inference Providers' 권한을 켜세요.",
        )
    if status == 404:
        return ModelNotAvailable(
            f"'{model}' was not found on {where} (404): no such model, or this provider does not serve it "
            f"for {target.hub_task}. Check the id, choose provider 'auto' or another provider, "
            "or run the model locally.",
            ko=f"{where}에서 '{model}' 모델을 찾지 못했어요(404). 없는 모델이거나 이 제공자가 {target.hub_task} 작업으로 "
            "서비스하지 않아요. id를 확인하거나 제공자를 'auto'나 다른 것으로 바꾸거나 로컬에서 실행하세요.",
        )
    if status in (400, 413, 422):
        return BadInput(
            f"{where} refused the input for '{model}' ({status}).{said} Shorten or fix the input and try again.",
            ko=f"{where} 서버가 '{model}'의 입력을 거부했어요({status}). 입력을 줄이거나 고쳐서 다시 해 보세요.",
        )
    if status is not None:
        return RemoteFailure(
            f"{where} failed for '{model}' (HTTP {status}).{said} Try again later, or run the model locally.",
            ko=f"{where}에서 '{model}' 호출이 실패했어요(HTTP {status}). 나중에 다시 하거나 로컬에서 실행하세요.",
        )
    if isinstance(error, ValueError):
        return _provider_refusal(str(error), target)
    if isinstance(error, (ConnectionError, OSError)) or type(error).__module__.startswith(("httpx", "httpcore")):
        return RemoteFailure(
            f"Cannot reach {where} ({type(error).__name__}). Check the internet connection "
            "(or the --inference-url server), then try again.",
            ko=f"{where}에 연결할 수 없어요({type(error).__name__}). 인터넷 연결(또는 --inference-url 서버)을 확인하고 다시 해 보세요.",
        )
    return RemoteFailure(
        f"The call to {where} for '{model}' failed ({type(error).__name__}). Try again, or run the model locally.",
        ko=f"{where}에서 '{model}' 호출이 실패했어요({type(error).__name__}). 다시 하거나 로컬에서 실행하세요.",
    )


def no_token(target: CallTarget) -> BadInput:
    """No token anywhere, for a server that needs one (the Hugging Face router always does)."""
    return BadInput(
        f"{target.where} needs a Hugging Face token and none was given. Sign in with Hugging Face, paste a token "
        "(https://huggingface.co/settings/tokens) in the token box under Settings, or set HF_TOKEN where the app runs.",
        ko=f"{target.where} 서버는 Hugging Face 토큰이 필요한데 토큰이 없어요. Hugging Face로 로그인하거나, 설정의 토큰 칸에 "
        "토큰(https://huggingface.co/settings/tokens)을 붙여 넣거나, 앱을 실행하는 곳에 HF_TOKEN을 설정하세요.",
    )


def _provider_refusal(message: str, target: CallTarget) -> PlaygroundError:
    """huggingface_hub's provider helpers refuse with ValueError; say which refusal it was."""
    model, provider, task = target.model, target.provider, target.hub_task
    lowered = message.lower()
    if "not supported for provider" in lowered or "task" in lowered and "not supported" in lowered:
        return BadInput(
            f"Provider '{provider}' does not offer the task {task} for '{model}'. Choose provider 'auto' "
            "or 'hf-inference', or run the task locally.",
            ko=f"'{provider}' 제공자는 '{model}'의 {task} 작업을 지원하지 않아요. 'auto'나 'hf-inference'를 고르거나 로컬에서 실행하세요.",
        )
    if "is not supported by provider" in lowered or "no provider mapping" in lowered:
        return ModelNotAvailable(
            f"No inference provider serves '{model}'"
            + (f" through '{provider}'" if provider != "auto" else "")
            + ". Pick a model from the list, or run it locally.",
            ko=f"'{model}' 모델을 서비스하는 추론 제공자가 없어요. 목록에서 모델을 고르거나 로컬에서 실행하세요.",
        )
    if "doesn't support task" in lowered or "supported task" in lowered:
        return WrongModelKind(
            f"'{model}' is not a {task} model on the Hub, so the Inference API will not run it for this task. "
            "Pick a model made for this task.",
            ko=f"'{model}' 모델은 Hub에서 {task} 모델이 아니라 이 작업에 쓸 수 없어요. 이 작업용 모델을 고르세요.",
        )
    if "api_key" in lowered or "log in" in lowered or "non-hugging face api key" in lowered:
        return BadInput(
            f"Provider '{provider}' needs a Hugging Face token (hf_…). Sign in or paste a token.",
            ko=f"'{provider}' 제공자는 Hugging Face 토큰(hf_…)이 필요해요. 로그인하거나 토큰을 붙여 넣으세요.",
        )
    return RemoteFailure(
        f"huggingface_hub refused the call: {redact(message, target.credential.secret)[:MAX_QUOTE]}",
        ko=f"huggingface_hub가 호출을 거부했어요: {redact(message, target.credential.secret)[:MAX_QUOTE]}",
    )


def unexpected_answer(task: str, model: str, detail: str) -> RemoteFailure:
    """The server answered, but not with what ``task`` returns."""
    return RemoteFailure(
        f"The answer for '{model}' is not what {task} returns ({detail}). The server may not run this task "
        "for this model: check the model and the --inference-url server.",
        ko=f"'{model}'의 답이 {task} 작업의 형식이 아니에요({detail}). 서버가 이 모델로 이 작업을 하지 않는 것 같아요. "
        "모델과 --inference-url 서버를 확인하세요.",
    )
