"""Views of what happens inside a model: attention weights, attributions and the logit lens.

Each view is a pure function from plain values to a typed result, computed on the same cached
model the task itself runs (loaded with eager attention where the weights must be the real softmax
rows), so a student's "why?" is answered by the model that gave the answer.
"""

from __future__ import annotations

from core.call import Backend, CallContext
from core.errors import BadInput
from core.localized import Localized


def local_only(call: CallContext, why: Localized) -> Localized | None:
    """``why`` when this call runs on the hosted API, which returns answers but no weights, gradients or hidden
    states; ``None`` when the view can run here."""
    return why if call.backend is Backend.REMOTE else None


def require_local(call: CallContext, why: Localized) -> None:
    """``BadInput`` saying ``why`` on the remote backend (see :func:`local_only`)."""
    if local_only(call, why) is not None:
        raise BadInput(why)
