"""Regions of the Russian Federation grouped by federal district (``federal_districts.toml``)."""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path

DISTRICTS_FILE = Path(__file__).resolve().parent / "federal_districts.toml"
FEDERAL_LEVEL = "Российская Федерация"
OTHER = "не указан"


@cache
def districts() -> dict[str, tuple[str, ...]]:
    """District name → its regions, in the order of the file."""
    with DISTRICTS_FILE.open("rb") as handle:
        data = tomllib.load(handle)
    return {d["name"]: tuple(d["regions"]) for d in data["district"]}


@cache
def _region_index() -> dict[str, str]:
    return {region: name for name, regions in districts().items() for region in regions}


@cache
def _area_index() -> dict[str, str]:
    return {**_region_index(), **{name: name for name in districts()}, OTHER: OTHER}


def district_of(region: str) -> str:
    """The federal district of ``region`` (``OTHER`` for an unknown name or the federal level);
    a district's own name gives itself."""
    return _area_index().get(region, OTHER)


def all_regions() -> list[str]:
    return sorted(_region_index())
