"""The scenario file: its declared schema and a strict loader (docs/scenarios.md).

Every rule breaks with one :class:`ScenarioError` naming the file, the scenario (its id, or
its position ``#k`` when the id is unusable), the key and what is accepted. Codes are checked
against the ADB lists of :mod:`analysis.reference` here and against the table when run.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from analysis.errors import BadInput, CannotRun, describe_os_error
from analysis.mrio.scenarios import ALL_METHODS, METHODS
from analysis.reference import ADB62, ADB_ECONOMIES, SECTOR_CODES

#: Keys of the file, of one scenario and of its target, with what each means.
TOP_KEYS: dict[str, str] = {"scenarios": "the list of scenarios (at least one)"}
SCENARIO_KEYS: dict[str, str] = {
    "id": "unique name, letters, digits, '_' and '-' (used in figure file names)",
    "description": "optional text shown on the chart",
    "year": "one data year, e.g. 2018 (or `years`, not both)",
    "years": "a list of data years, e.g. [2008, 2018] (or `year`, not both)",
    "edition": 'optional MRIO edition: the number of economies besides RoW, e.g. "62" or '
    '"72"; default: "62" when the warehouse has it, else its only edition',
    "target": "the shocked economy-sectors: `economies` and/or `sectors`",
    "shock": "fraction in [0, 1] (0.5 = a 50 % cut)",
    "methods": f"optional list, default {list(METHODS)}; also full_extraction (shock 1 only)",
}
TARGET_KEYS: dict[str, str] = {
    "economies": "list of ADB economy codes, e.g. [KOR]; omitted = every economy",
    "sectors": "list of ADB sector codes c1..c35, e.g. [c14]; omitted = every sector",
}
REQUIRED = ("id", "target", "shock")
SINGULAR = {"economies": "economy", "sectors": "sector"}
#: An edition counts the economies besides the rest of the world (ADB: 62, 72).
EDITION = re.compile(r"^[1-9][0-9]*$")
YEARS = range(1990, 2101)
ECONOMY_CODES: tuple[str, ...] = tuple(code for code, *_ in ADB_ECONOMIES)
ID_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,79}")


class ScenarioError(BadInput):
    """A scenario declaration is invalid; the message names the file, scenario and key."""


class ScenarioCannotRun(ScenarioError, CannotRun):
    """The warehouse lacks what a valid scenario asks for (an edition or a year): exit 2.

    Also a :class:`ScenarioError`, so that callers skipping a failing scenario (a scheduled
    refresh) skip this one too.
    """

    exit_code = CannotRun.exit_code


@dataclass(frozen=True)
class Scenario:
    """One declared scenario; ``edition`` None until resolved against the warehouse."""

    id: str
    description: str
    years: tuple[int, ...]
    edition: str | None
    economies: tuple[str, ...]
    sectors: tuple[str, ...]
    shock: float
    methods: tuple[str, ...]

    def parameters(self) -> str:
        """The ``parameters`` JSON of ``scenario_results``."""
        return json.dumps(
            {
                "target": {"economies": list(self.economies), "sectors": list(self.sectors)},
                "shock": self.shock,
                "methods": list(self.methods),
                "edition": self.edition,
            },
            sort_keys=True,
        )


def load_scenarios(path: Path) -> list[Scenario]:
    """Parse and validate the scenario file; ScenarioError on the first broken rule."""
    data = _read_yaml(Path(path))
    items = _scenario_items(path.name, data)
    scenarios: list[Scenario] = []
    position: dict[str, int] = {}
    for k, item in enumerate(items, 1):
        sc = parse_scenario(item, f"{path.name}, scenario #{k}", path.name)
        if sc.id in position:
            raise ScenarioError(
                f"{path.name}, scenario {sc.id} (#{k}): duplicate id; "
                f"scenario #{position[sc.id]} already uses it"
            )
        position[sc.id] = k
        scenarios.append(sc)
    return scenarios


def select(scenarios: list[Scenario], ids: tuple[str, ...], file: str) -> list[Scenario]:
    """The scenarios named in ``ids`` (all when empty); unknown ids name the known ones."""
    known = [s.id for s in scenarios]
    unknown = [i for i in ids if i not in known]
    if unknown:
        raise ScenarioError(
            f"{file}: unknown scenario id {', '.join(map(repr, unknown))}; "
            f"known ids: {', '.join(known)}"
        )
    return [s for s in scenarios if not ids or s.id in ids]


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader refusing a key written twice in one mapping (PyYAML keeps the last)."""

    def construct_mapping(self, node, deep=False):
        seen: set[Any] = set()
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                continue  # `<<: *anchor` may be overridden by the keys given here
            key = self.construct_object(key_node, deep=deep)
            if not isinstance(key, str | int | float | bool | None):
                continue  # unhashable: SafeLoader says so below
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"key {key!r} given twice", key_node.start_mark
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def _read_yaml(path: Path) -> Any:
    if not path.is_file():
        raise ScenarioError(f"{path.name}: scenario file not found at {path}")
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = describe_os_error(exc, "reading") if isinstance(exc, OSError) else str(exc)
        raise ScenarioError(f"{path.name}: cannot read the scenario file ({reason})") from None
    try:
        return yaml.load(text, Loader=_StrictLoader)  # a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f", line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise ScenarioError(f"{path.name}{where}: not valid YAML ({problem})") from None


def _scenario_items(file: str, data: Any) -> list[Any]:
    if data is None:
        raise ScenarioError(f"{file}: no scenarios (the file is empty); expected `scenarios:`")
    if not isinstance(data, dict):
        raise ScenarioError(f"{file}: expected a mapping with key `scenarios:` at the top")
    _no_unknown_keys(file, data, TOP_KEYS, "at the top level")
    items = data.get("scenarios")
    if not isinstance(items, list) or not items:
        raise ScenarioError(
            f"{file}: no scenarios; `scenarios:` must be a non-empty list, got {_show(items)}"
        )
    return items


def _no_unknown_keys(where: str, data: dict, accepted: dict[str, str], place: str) -> None:
    for key in data:
        if key not in accepted:
            raise ScenarioError(
                f"{where}: unknown key {key!r} {place}; accepted: {', '.join(accepted)}"
            )


def _show(value: Any) -> str:
    """A value as the user wrote it, with its type when that is the problem."""
    if value is None:
        return "nothing"
    kind = {str: "text", bool: "true/false", dict: "a mapping", list: "a list"}.get(type(value))
    return f"{value!r} ({kind})" if kind else repr(value)


def parse_scenario(item: Any, where: str, file: str) -> Scenario:
    """One scenario mapping -> :class:`Scenario`; ``where`` is 'file, scenario #k'."""
    if not isinstance(item, dict):
        raise ScenarioError(
            f"{where}: expected a mapping with keys {', '.join(SCENARIO_KEYS)}; got {_show(item)}"
        )
    sid = _id(item, where)
    where = f"{file}, scenario {sid}"
    _no_unknown_keys(where, item, SCENARIO_KEYS, "in the scenario")
    for key in REQUIRED:
        if key not in item:
            raise ScenarioError(f"{where}: missing key {key!r} ({SCENARIO_KEYS[key]})")
    edition = _edition(item.get("edition"), where)
    shock = _shock(item["shock"], where)
    economies, sectors = _target(item["target"], edition, where)
    return Scenario(
        id=sid,
        description=_description(item.get("description", ""), where),
        years=_years(item, where),
        edition=edition,
        economies=economies,
        sectors=sectors,
        shock=shock,
        methods=_methods(item.get("methods", list(METHODS)), shock, where),
    )


def _id(item: dict, where: str) -> str:
    sid = item.get("id")
    if sid is None:
        raise ScenarioError(f"{where}: missing key 'id' ({SCENARIO_KEYS['id']})")
    if not isinstance(sid, str) or not ID_PATTERN.fullmatch(sid):
        raise ScenarioError(
            f"{where}: `id` must be text of 1-80 letters, digits, '_' or '-' starting with a "
            f"letter or digit; got {_show(sid)}"
        )
    return sid


def _description(value: Any, where: str) -> str:
    if not isinstance(value, str):
        raise ScenarioError(f"{where}: `description` must be text; got {_show(value)}")
    return value.strip()


def _years(item: dict, where: str) -> tuple[int, ...]:
    if ("year" in item) == ("years" in item):
        raise ScenarioError(
            f"{where}: give exactly one of `year` (e.g. year: 2018) or `years` "
            f"(e.g. years: [2008, 2018])"
        )
    if "year" in item:
        years = [item["year"]]
    else:
        years = item["years"]
        if not isinstance(years, list) or not years:
            raise ScenarioError(
                f"{where}: `years` must be a non-empty list, e.g. [2008, 2018]; got {_show(years)}"
            )
    key = "year" if "year" in item else "years"
    for y in years:
        if type(y) is not int or y not in YEARS:
            raise ScenarioError(
                f"{where}: `{key}` must be whole years from {YEARS[0]} to {YEARS[-1]} "
                f"(no quotes); got {_show(y)}"
            )
    if len(set(years)) != len(years):
        raise ScenarioError(f"{where}: `years` lists a year twice: {years}")
    return tuple(years)


def _edition(value: Any, where: str) -> str | None:
    if value is None:
        return None
    edition = str(value) if type(value) is int else value
    if not isinstance(edition, str) or not EDITION.match(edition):
        raise ScenarioError(
            f"{where}: `edition` {_show(value)} is not an edition; an edition is the number "
            'of economies besides RoW, e.g. "62" or "72"'
        )
    return edition


def _shock(value: Any, where: str) -> float:
    if type(value) not in (int, float) or math.isnan(value):
        raise ScenarioError(
            f"{where}: `shock` must be a number in [0, 1] (a fraction: 0.5 = 50 %); "
            f"got {_show(value)}"
        )
    if not 0 <= value <= 1:
        percent_like = 1 < value <= 100 and float(value).is_integer()
        hint = f" ({value:g} % is {value / 100:g})" if percent_like else ""
        raise ScenarioError(f"{where}: `shock` must be a fraction in [0, 1]{hint}; got {value!r}")
    return float(value)


def _target(value: Any, edition: str | None, where: str) -> tuple[tuple[str, ...], ...]:
    if not isinstance(value, dict):
        raise ScenarioError(
            f"{where}: `target` must be a mapping with `economies` and/or `sectors`, e.g. "
            f"{{economies: [KOR], sectors: [c14]}}; got {_show(value)}"
        )
    _no_unknown_keys(where, value, TARGET_KEYS, "in target")
    if not value:
        raise ScenarioError(f"{where}: `target` needs `economies` and/or `sectors`")
    economies = ADB62 if edition == "62" else ECONOMY_CODES
    scope = "for edition 62" if edition == "62" else "(ADB economy codes)"
    return (
        _codes(value, "economies", economies, scope, where),
        _codes(value, "sectors", SECTOR_CODES, "(ADB sectors)", where),
    )


def _codes(target: dict, key: str, accepted: tuple[str, ...], scope: str, where: str):
    if key not in target:
        return ()
    codes = target[key]
    example = "[KOR]" if key == "economies" else "[c14]"
    if not isinstance(codes, list) or not codes:
        raise ScenarioError(
            f"{where}: `target.{key}` must be a non-empty list, e.g. {example}; got {_show(codes)}"
        )
    for code in codes:
        if code not in accepted:
            near = [a for a in accepted if str(code).strip().lower() == a.lower()]
            hint = f" (did you mean {near[0]}?)" if near else ""
            raise ScenarioError(
                f"{where}: unknown {SINGULAR[key]} {code!r} in target.{key}{hint}; "
                f"accepted {scope}: {', '.join(accepted)}"
            )
    if len(set(codes)) != len(codes):
        raise ScenarioError(f"{where}: `target.{key}` lists a code twice: {codes}")
    return tuple(codes)


def _methods(value: Any, shock: float, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not value:
        raise ScenarioError(
            f"{where}: `methods` must be a non-empty list, e.g. [leontief_demand]; "
            f"got {_show(value)}"
        )
    for m in value:
        if m not in ALL_METHODS:
            raise ScenarioError(
                f"{where}: unknown method {m!r} in methods; accepted: {', '.join(ALL_METHODS)}"
            )
    if len(set(value)) != len(value):
        raise ScenarioError(f"{where}: `methods` lists a method twice: {value}")
    if "full_extraction" in value and shock != 1:
        raise ScenarioError(
            f"{where}: full_extraction removes the target entirely and needs shock: 1.0 "
            f"(got {shock:g}); use extraction for a partial cut"
        )
    return tuple(value)
