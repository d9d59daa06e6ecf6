"""The tokenizer lab: tokens and ids, comparing tokenizers, training one."""
