"""The text tasks: classification, zero-shot, NER, question answering, fill-mask, similarity."""
