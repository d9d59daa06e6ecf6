"""Looking inside a model: its config, parameters, output shapes, embeddings, and comparisons."""
