"""Views of what happens inside a model: attention weights, attributions and the logit lens.

Each view is a pure function from plain values to a typed result, computed on the same cached
model the task itself runs (loaded with eager attention where the weights must be the real softmax
rows), so a student's "why?" is answered by the model that gave the answer.
"""
