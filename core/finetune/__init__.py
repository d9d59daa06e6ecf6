"""The fine-tuning lab: data, training, and its memory budget."""
