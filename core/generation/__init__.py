"""Generation tasks: text generation, next-token views, and the seq2seq tasks v5 removed."""
