"""The data year a title (or sheet name) states, checked against the year in the file name.

A title may name more than one year ("... 2007 (released July 2008)", "Yearbook 2009: ...
(2008)"). A year right after a publication word (``Yearbook``, also with its subject as in
``Yearbook on Science and Technology``, ``released``, ``published``, ``edition``,
``vintage``, ``revised``, ``updated``, a month name) is a publication date, not a data year.
The rule (docs/raw-layouts.md): the title must name a data year, and the first data year it
names must be the year of the file name.
"""

from __future__ import annotations

import re

YEAR = re.compile(r"(?<!\d)(?:19|20)\d{2}(?!\d)")
_PUBLICATION = re.compile(
    r"\b(?:yearbook(?:\s+(?:on|of)\s+[a-z&,\s-]+?)?|"
    r"released?|published|publication|edition|vintage|revised|updated?|"
    r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?[\s,:]*$",
    re.IGNORECASE,
)


def years_named(text: str) -> tuple[list[int], list[int]]:
    """(data years, publication years) named in ``text``, in order of appearance."""
    data: list[int] = []
    publication: list[int] = []
    for match in YEAR.finditer(text):
        year = int(match[0])
        (publication if _PUBLICATION.search(text[: match.start()]) else data).append(year)
    return data, publication


def year_problem(text: str, year: int, what: str = "the title") -> str | None:
    """None when ``text`` states ``year`` as its (first) data year, else the rule broken.

    ``what`` names the text in the message ('the title', 'the sheet name').
    """
    data, publication = years_named(text)
    if not data and not publication:
        return f"missing year: {what} {text!r} names no year"
    if not data:
        return (
            f"missing year: {what} {text!r} names only publication dates "
            f"({', '.join(map(str, publication))}), not the year of the data "
            f"(the file name says {year})"
        )
    if data[0] == year:
        return None
    listed = ", ".join(map(str, dict.fromkeys(data)))
    if year not in data:
        note = f" ({year} is named only as a publication date)" if year in publication else ""
        return f"year mismatch: {what} names {listed} but the file name says {year}{note}"
    return (
        f"ambiguous year: {what} {text!r} names the years {listed} and the file-name year "
        f"{year} is not the first of them (the first year named must be the year of the data)"
    )
