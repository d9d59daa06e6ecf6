"""Imported once by the fork server whose children measure models (``core/inspect/compare.py``).

transformers imports its modules on first use. Without this, every measuring child (two per comparison)
imported the same loading, auto-class and tokenizer machinery again: 2.5 s of a 2.8 s measurement of the
bundled MiniLM on 2 cores. Imported here, each child starts with them, and a warm comparison takes about
1 s instead of 6. The model's own modules (modeling_bert, ...) stay per child: they are small.
"""

import transformers.core_model_loading  # noqa: F401
import transformers.modeling_utils  # noqa: F401
import transformers.models.auto.modeling_auto  # noqa: F401
import transformers.models.auto.tokenization_auto  # noqa: F401
