"""Pieces of screen that several tabs (or several sections of one tab) build the same way: the model box,
the examples table, token views and charts, sliders and notices. None of them is a tab."""
