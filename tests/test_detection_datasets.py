"""docs/data/detection_datasets.yml: the cited table of detection benchmarks has one shape, and its counts agree with themselves."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
DATA = yaml.safe_load((ROOT / "docs" / "data" / "detection_datasets.yml").read_text(encoding="utf-8"))


def test_the_source_is_given_in_both_languages():
    assert set(DATA) == {"source", "datasets"}
    assert set(DATA["source"]) == {"ja", "en"} and all(DATA["source"].values())


def test_the_four_datasets_of_the_course_in_order():
    assert [d["short"] for d in DATA["datasets"]] == ["VOC12", "ILSVRC17", "MS COCO18", "OICOD18"]


@pytest.mark.parametrize("dataset", DATA["datasets"], ids=lambda d: d["key"])
def test_each_row_has_its_fields_and_consistent_counts(dataset):
    assert set(dataset) == {"key", "name", "short", "classes", "images", "boxes", "boxes_per_image", "note"}
    for field in ("classes", "images", "boxes"):
        assert isinstance(dataset[field], int) and dataset[field] > 0, field
    assert dataset["boxes"] >= dataset["images"]
    # the published boxes per image is the rounded ratio of the published counts
    assert round(dataset["boxes"] / dataset["images"], 1) == dataset["boxes_per_image"]
    assert set(dataset["note"]) == {"ja", "en"} and all(dataset["note"].values())
    assert not any("\u3040" <= ch <= "\u9fff" for ch in dataset["note"]["en"] + dataset["name"])
