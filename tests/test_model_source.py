"""What a model box accepts, and the clear refusals of everything else."""

import pytest

from core.errors import BadInput
from core.registry import BUNDLED_MINILM
from core.runtime.model_source import Availability, SourceKind, availability, resolve_model


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", "No model given"),
        ("   ", "No model given"),
        ("org/na..me", "not a valid Hub model id"),
        ("org/--name", "not a valid Hub model id"),
        ("org/name with spaces", "not a valid Hub model id"),
        ("a/b/c", "not a Hub model id"),
        ("https://huggingface.co/gpt2", "not a Hub model id"),
        ("bad\x00id", "control or invisible characters"),
        ("org/\u202ename", "control or invisible characters"),
        ("x" * 400, "400 characters long"),
        ("/no/such/folder", "There is no folder"),
    ],
)
def test_bad_model_names_are_refused_with_the_reason(value, message):
    with pytest.raises(BadInput, match=message):
        resolve_model(value)


@pytest.mark.parametrize("value", ["../../etc", "/etc/passwd", "~/models", "C:\\models\\bert", "."])
def test_public_mode_refuses_paths(value):
    with pytest.raises(BadInput, match="public mode"):
        resolve_model(value, allow_local=False)


def test_public_mode_refuses_a_relative_folder_that_exists_on_the_server(tmp_path, monkeypatch):
    (tmp_path / "org" / "model").mkdir(parents=True)
    monkeypatch.chdir(tmp_path)
    with pytest.raises(BadInput, match="public mode"):
        resolve_model("org/model", allow_local=False)


def test_local_model_folder_is_accepted_outside_public_mode(tiny_classifier):
    source = resolve_model(str(tiny_classifier))
    assert source.kind is SourceKind.LOCAL
    assert availability(source) is Availability.LOCAL


def test_folder_without_config_is_not_a_model(tmp_path):
    with pytest.raises(BadInput, match="no config.json"):
        resolve_model(str(tmp_path))


def test_bundled_model_id_is_served_from_its_package_even_in_public_mode():
    source = resolve_model(BUNDLED_MINILM, allow_local=False)
    assert source.kind is SourceKind.BUNDLED
    assert availability(source) is Availability.BUNDLED


def test_hub_id_not_downloaded_while_offline_is_reported_missing():
    source = resolve_model("  distilbert/distilbert-base-uncased-finetuned-sst-2-english ")
    assert source.name == "distilbert/distilbert-base-uncased-finetuned-sst-2-english"
    assert source.kind is SourceKind.HUB
    assert availability(source) is Availability.MISSING_OFFLINE
