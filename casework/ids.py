"""Record ids from user input (query strings, form data): one parser, so that odd digits never reach int()."""

# PostgreSQL's bigint: the largest id any Hearth table can hold.
MAX_ID = 2**63 - 1


def parse_id(value: object) -> int | None:
    """The id in `value`, or None. Only ASCII digits count: str.isdigit() also accepts "²" and "١٢",
    which int() refuses or reads as another number."""
    text = str(value) if value is not None else ""
    if not text or not text.isascii() or not text.isdigit():
        return None
    number = int(text)
    return number if 0 < number <= MAX_ID else None
