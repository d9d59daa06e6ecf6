"""Tiny local datasets, read by ``datasets.load_dataset`` with no network (the fine-tuning lab's Hub data)."""

from __future__ import annotations

from pathlib import Path


def write_tiny_dataset(folder: Path, columns: dict, features: dict | None = None) -> Path:
    """A local dataset folder (one parquet file) that ``datasets.load_dataset`` reads with no network."""
    import datasets

    data = datasets.Dataset.from_dict(columns, features=datasets.Features(features) if features else None)
    (folder / "data").mkdir(parents=True, exist_ok=True)
    data.to_parquet(str(folder / "data" / "train-00000-of-00001.parquet"))
    return folder
