"""The API's JSON parser: DRF's, with a limit on how deeply a body may nest.

Python's json module recurses once per level, so a body of a few thousand "[" ends in RecursionError
(a server error) before any serializer sees it. No Hearth request nests more than a few levels."""

import codecs
import re
from collections.abc import Mapping
from typing import IO, Any

from rest_framework import parsers
from rest_framework.exceptions import ParseError
from rest_framework.utils import json

MAX_DEPTH = 32
# A JSON string (skipped whole, so brackets inside text do not count) or one bracket.
_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]', re.DOTALL)


def nesting_depth(text: str) -> int:
    """How deeply `text` nests arrays and objects, counted without parsing it (so without recursion)."""
    depth = deepest = 0
    for token in _TOKENS.finditer(text):
        if token.group() in ("[", "{"):
            depth += 1
            deepest = max(deepest, depth)
        elif token.group() in ("]", "}"):
            depth -= 1
    return deepest


class JSONParser(parsers.JSONParser):
    def parse(self, stream: IO[Any], media_type: str | None = None, parser_context: Mapping[str, Any] | None = None) -> Any:
        encoding = parsers.get_encoding(parser_context or {})  # type: ignore[attr-defined]
        try:
            text = codecs.getreader(encoding)(stream).read()
            if nesting_depth(text) > MAX_DEPTH:
                raise ParseError(f"JSON parse error - the body is nested more than {MAX_DEPTH} levels deep.")
            return json.loads(text, parse_constant=json.strict_constant if self.strict else None)
        except ValueError as error:  # UnicodeDecodeError and JSONDecodeError are ValueErrors
            raise ParseError(f"JSON parse error - {error}") from error
