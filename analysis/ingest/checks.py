"""Checks across the files of a source, and which ADB vintage of each year is current.

ADB-MRIO: one file per (edition, year, vintage); two files of the same (edition, year)
without a release date between them (both undated, or both the sample) are ambiguous; every
file of an edition lists the same economies in the same order. Of several vintages of one
(edition, year) the most recent release is current (it feeds the marts); the others stay
landed and are reported as superseded. KOF: one file per release. NBS: one file per table
and year. Letter case in file names does not make two files different.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from analysis.ingest.errors import IngestError

Metas = dict[str, dict[str, Any]]  # raw file name -> what the reader found


def _twice(first: str, second: str, what: str, rule: str) -> IngestError:
    return IngestError(
        f"{first} and {second}: both hold {what} ({rule}; keep one of them in the raw folder)",
        file=second,
        rule=f"{what} twice",
    )


def _unique(metas: Metas, key, what, rule: str) -> None:
    seen: dict[Any, str] = {}
    for name in sorted(metas, key=str.lower):
        k = key(metas[name])
        if k in seen:
            raise _twice(seen[k], name, what(metas[name]), rule)
        seen[k] = name


def _check_economies(metas: Metas) -> None:
    first: dict[str, str] = {}
    for name in sorted(metas):
        meta = metas[name]
        edition, economies = meta["edition"], meta["economies"]
        if edition not in first:
            first[edition] = name
            continue
        other = first[edition]
        known = metas[other]["economies"]
        if economies == known:
            continue
        extra = [e for e in economies if e not in known]
        lacking = [e for e in known if e not in economies]
        detail = (
            f"only in {name}: {extra or 'none'}; only in {other}: {lacking or 'none'}"
            if extra or lacking
            else "same economies in a different order"
        )
        raise IngestError(
            f"{name} and {other}: edition {edition} files must list the same economies in the "
            f"same order ({detail})",
            file=name,
            rule="economies differ within an edition",
        )


def check_adb(metas: Metas) -> list[str]:
    """Cross-file rules of ADB-MRIO files; returns the superseded-vintage notes."""
    _unique(
        metas,
        lambda m: (m["edition"], m["year"], m["vintage"]),
        lambda m: f"the edition-{m['edition']} table of {m['year']}, vintage {m['vintage']}",
        "one file per edition, year and vintage",
    )
    _unique(
        metas,
        lambda m: (m["edition"], m["year"], m["vintage_order"]),
        lambda m: f"an edition-{m['edition']} table of {m['year']} without a release date",
        "two vintages of one year need release dates to tell which is current, e.g. "
        "ADB-MRIO62-2018_June2023.xlsx",
    )
    _check_economies(metas)
    return superseded_notes(metas)


def current_vintages(metas: Metas) -> dict[tuple[str, int], str]:
    """{(edition, year): raw file name of the most recent release}."""
    best: dict[tuple[str, int], str] = {}
    for name, meta in metas.items():
        key = (meta["edition"], meta["year"])
        if key not in best or meta["vintage_order"] > metas[best[key]]["vintage_order"]:
            best[key] = name
    return best


def superseded_notes(metas: Metas) -> list[str]:
    """One note per superseded ADB file, naming the release that replaces it in the marts."""
    current = current_vintages(metas)
    notes = []
    for name in sorted(metas):
        meta = metas[name]
        winner = current[meta["edition"], meta["year"]]
        if winner != name:
            notes.append(
                f"adb_mrio: {name} (vintage {meta['vintage']}) is superseded by {winner} "
                f"(vintage {metas[winner]['vintage']}) for edition {meta['edition']}, "
                f"{meta['year']}: it stays landed; the marts use the most recent release"
            )
    return notes


def check_kof(metas: Metas) -> list[str]:
    """One file per KOF release; notes which release feeds the marts when there are several."""
    _unique(
        metas,
        lambda m: m["vintage"],
        lambda m: f"the KOF release of vintage {m['vintage']}",
        "one file per vintage",
    )
    if len(metas) < 2:
        return []
    latest = max(metas, key=lambda n: metas[n]["vintage"])
    others = ", ".join(sorted(n for n in metas if n != latest))
    return [f"kof: the marts use the latest release {latest}; {others} stay landed"]


def check_nbs(metas: Metas) -> list[str]:
    """One file per NBS table and year."""
    _unique(
        metas,
        lambda m: (m["table"], m["year"]),
        lambda m: f"the NBS {m['table']} table of {m['year']}",
        "one file per table and year",
    )
    return []


CHECKS = {"adb_mrio": check_adb, "kof": check_kof, "nbs": check_nbs}


def editions(metas: Metas) -> dict[str, list[int]]:
    """{edition: sorted years} of the landed ADB files."""
    out: dict[str, set[int]] = defaultdict(set)
    for meta in metas.values():
        out[meta["edition"]].add(meta["year"])
    return {e: sorted(years) for e, years in sorted(out.items())}
