"""Semantic diff of two registers, per activity, tagged with the GDPR article each change touches.

Both registers go through the same path (file → graph → :func:`gdprgraph.extract.register_from_graph`),
so a YAML file and the Turtle it was imported into compare equal, and values are compared as the graph
holds them (labels as written; legal bases as DPV terms). Activities are matched by name (in order when
a name occurs more than once). Provenance (source lines, "inferred" marks, the register date) is not
compared: it says where a fact came from, not what the register states.

Tags: ``30(1)(a)`` controller, ``30(1)(b)`` purposes, ``30(1)(c)`` data subjects and categories,
``30(1)(d)`` recipients, ``30(1)(e)`` transfers (third countries, safeguards, location), ``30(1)(f)``
retention, ``30(1)(g)`` security measures, ``6(1)`` legal basis, ``9(2)`` special-category condition,
``6(1)(f)`` legitimate-interest assessment, ``14(2)(f)`` data sources, ``22`` automated decisions,
``35`` DPIA, ``32`` systems, ``30(1)`` anything else about an activity (added, removed, description).
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Callable

from gdprgraph.model import Activity, Recipient, Register, System

REGISTER = "(register)"


@dataclass(frozen=True)
class Change:
    activity: str          # activity name, "(register)" for the controller, "system: NAME" for a system
    article: str           # "30(1)(c)", "6(1)", ...
    field: str             # "categories", "recipients", ...
    change: str            # "added" | "removed" | "changed"
    old: Any = None
    new: Any = None

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass
class Diff:
    old: str
    new: str
    changes: list[Change]

    @property
    def equal(self) -> bool:
        return not self.changes

    def as_dict(self) -> dict:
        return {"old": self.old, "new": self.new, "equal": self.equal, "count": len(self.changes),
                "changes": [c.as_dict() for c in self.changes]}


def _recipient(r: Recipient) -> str:
    details = ", ".join(d for d in (r.country, r.role) if d)
    return f"{r.name} ({details})" if details else r.name


# (field, article, how to get the values of an activity as a set of texts)
_SETS: tuple[tuple[str, str, Callable[[Activity], set]], ...] = (
    ("purposes", "30(1)(b)", lambda a: set(a.purposes)),
    ("data_subjects", "30(1)(c)", lambda a: {r.value for r in a.data_subjects}),
    ("categories", "30(1)(c)", lambda a: set(a.categories)),
    ("third_countries", "30(1)(e)", lambda a: set(a.third_countries)),
    ("transfer_safeguards", "30(1)(e)", lambda a: set(a.transfer_safeguards)),
    ("measures", "30(1)(g)", lambda a: set(a.measures)),
    ("data_sources", "14(2)(f)", lambda a: set(a.data_sources)),
    ("systems", "32", lambda a: {r.value for r in a.systems}),
)
# (field, article, value) compared as a whole
_VALUES: tuple[tuple[str, str, Callable[[Activity], Any]], ...] = (
    ("description", "30(1)", lambda a: a.description),
    ("legal_bases", "6(1)", lambda a: sorted(a.legal_bases) or None),
    ("special_category_conditions", "9(2)", lambda a: sorted(a.special_category_conditions) or None),
    ("legitimate_interest_assessment", "6(1)(f)", lambda a: a.legitimate_interest_assessment),
    ("retention", "30(1)(f)", lambda a: ({"text": a.retention.text, "duration": a.retention.duration}
                                         if a.retention else None)),
    ("no_recipients", "30(1)(d)", lambda a: a.no_recipients or None),
    ("location", "30(1)(e)", lambda a: a.location),
    ("dpia", "35", lambda a: ({"required": a.dpia_required, "reference": a.dpia_reference}
                              if a.dpia_required is not None or a.dpia_reference else None)),
    ("automated_decisions", "22", lambda a: a.automated_decisions),
)
_CONTROLLER = ("name", "address", "country", "registration_number", "contact_name", "contact_email",
               "dpo_name", "dpo_email", "representative")
_SYSTEM = ("description", "type", "provider", "country")


def _value_change(group: str, article: str, field: str, old: Any, new: Any) -> Change | None:
    if old == new:
        return None
    kind = "added" if old is None else "removed" if new is None else "changed"
    return Change(group, article, field, kind, old, new)


def _activity_changes(old: Activity, new: Activity) -> list[Change]:
    name = new.title
    out: list[Change] = []
    for field, article, get in _SETS:
        before, after = get(old), get(new)
        out += [Change(name, article, field, "added", None, v) for v in sorted(after - before)]
        out += [Change(name, article, field, "removed", v, None) for v in sorted(before - after)]
    olds = {r.name: r for r in old.recipients}
    news = {r.name: r for r in new.recipients}
    for key in sorted(news.keys() - olds.keys()):
        out.append(Change(name, "30(1)(d)", "recipients", "added", None, _recipient(news[key])))
    for key in sorted(olds.keys() - news.keys()):
        out.append(Change(name, "30(1)(d)", "recipients", "removed", _recipient(olds[key]), None))
    for key in sorted(olds.keys() & news.keys()):
        if olds[key] != news[key]:
            out.append(Change(name, "30(1)(d)", "recipients", "changed", _recipient(olds[key]),
                              _recipient(news[key])))
    for field, article, get in _VALUES:
        change = _value_change(name, article, field, get(old), get(new))
        if change:
            out.append(change)
    return out


def _match(old: tuple[Activity, ...], new: tuple[Activity, ...]) -> list[tuple[Activity | None, Activity | None]]:
    """Pairs by name; the n-th activity of a name in OLD with the n-th of that name in NEW."""
    pending: dict[str, list[Activity]] = {}
    for activity in old:
        pending.setdefault(activity.title, []).append(activity)
    pairs: list[tuple[Activity | None, Activity | None]] = []
    for activity in new:
        queue = pending.get(activity.title)
        pairs.append((queue.pop(0) if queue else None, activity))
    removed = [a for queue in pending.values() for a in queue]
    order = {id(a): i for i, a in enumerate(old)}
    return pairs + [(a, None) for a in sorted(removed, key=lambda a: order[id(a)])]


def _system_changes(old: tuple[System, ...], new: tuple[System, ...]) -> list[Change]:
    out: list[Change] = []
    olds, news = {s.name: s for s in old}, {s.name: s for s in new}
    for name in sorted(news.keys() - olds.keys()):
        out.append(Change(f"system: {name}", "32", "system", "added", None, name))
    for name in sorted(olds.keys() - news.keys()):
        out.append(Change(f"system: {name}", "32", "system", "removed", name, None))
    for name in sorted(olds.keys() & news.keys()):
        for field in _SYSTEM:
            change = _value_change(f"system: {name}", "32", field, getattr(olds[name], field),
                                   getattr(news[name], field))
            if change:
                out.append(change)
        change = _value_change(f"system: {name}", "32", "sections", list(olds[name].sections) or None,
                               list(news[name].sections) or None)
        if change:
            out.append(change)
    return out


def diff_registers(old: Register, new: Register, old_name: str = "OLD", new_name: str = "NEW") -> Diff:
    """What changed from ``old`` to ``new``: controller, activities (added, removed, per field), systems."""
    changes: list[Change] = []
    for field in _CONTROLLER:
        change = _value_change(REGISTER, "30(1)(a)", f"controller {field.replace('_', ' ')}",
                               getattr(old.controller, field), getattr(new.controller, field))
        if change:
            changes.append(change)
    before, after = set(old.controller.joint_controllers), set(new.controller.joint_controllers)
    changes += [Change(REGISTER, "30(1)(a)", "joint controllers", "added", None, v) for v in sorted(after - before)]
    changes += [Change(REGISTER, "30(1)(a)", "joint controllers", "removed", v, None) for v in sorted(before - after)]
    for a, b in _match(old.activities, new.activities):
        if a is None:
            changes.append(Change(b.title, "30(1)", "activity", "added", None, b.title))
        elif b is None:
            changes.append(Change(a.title, "30(1)", "activity", "removed", a.title, None))
        else:
            changes += _activity_changes(a, b)
    changes += _system_changes(old.systems, new.systems)
    return Diff(old_name, new_name, changes)


def diff_files(old: str | Path, new: str | Path) -> Diff:
    """Diff two register files of any supported format (each read into a graph, then extracted)."""
    from gdprgraph.build import load_graph
    from gdprgraph.extract import register_from_graph

    registers = [register_from_graph(load_graph(path), path) for path in (old, new)]
    return diff_registers(*registers, old_name=str(old), new_name=str(new))


# -- output ----------------------------------------------------------------------------------------
_SIGN = {"added": "+", "removed": "-", "changed": "~"}


def _show(value: Any) -> str:
    if isinstance(value, dict) and "text" in value:  # retention
        return f"{value['text']} ({value['duration']})" if value.get("duration") else str(value["text"])
    if isinstance(value, dict):
        return ", ".join(f"{k}: {_show(v)}" for k, v in value.items() if v is not None) or "-"
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    return "-" if value is None else str(value)


def _describe(c: Change) -> str:
    field = c.field.replace("_", " ")
    if c.field in ("activity", "system"):
        return f"{c.field} {c.change}"
    if c.change == "added":
        return f"{field}: {_show(c.new)}"
    if c.change == "removed":
        return f"{field}: {_show(c.old)}"
    return f"{field}: {_show(c.old)} → {_show(c.new)}"


def _groups(diff: Diff) -> dict[str, list[Change]]:
    groups: dict[str, list[Change]] = {}
    for change in diff.changes:
        groups.setdefault(change.activity, []).append(change)
    return groups


def format_text(diff: Diff) -> str:
    if diff.equal:
        return f"{diff.old} and {diff.new}: no differences\n"
    lines = [f"--- {diff.old}", f"+++ {diff.new}"]
    for group, changes in _groups(diff).items():
        lines.append(group if group.startswith(("(", "system: ")) else f"activity: {group}")
        for c in changes:
            lines.append(f"  {_SIGN[c.change]} [{c.article}] {_describe(c)}")
    lines.append(f"{len(diff.changes)} change{'s' if len(diff.changes) != 1 else ''}")
    return "\n".join(lines) + "\n"


def format_json(diff: Diff) -> str:
    return json.dumps(diff.as_dict(), indent=2, ensure_ascii=False) + "\n"


def format_markdown(diff: Diff) -> str:
    def cell(text: str) -> str:
        return text.replace("|", "\\|").replace("\n", " ")

    lines = ["# Register changes", "", f"From `{diff.old}` to `{diff.new}`: "
             f"{len(diff.changes) or 'no'} change{'s' if len(diff.changes) != 1 else ''}.", ""]
    for group, changes in _groups(diff).items():
        title = group if group.startswith(("(", "system: ")) else f"Activity: {group}"
        lines += [f"## {cell(title)}", "", "| | Art. | Field | Old | New |", "|---|---|---|---|---|"]
        for c in changes:
            lines.append(f"| {_SIGN[c.change]} | {c.article} | {cell(c.field.replace('_', ' '))} | "
                         f"{cell(_show(c.old)) if c.old is not None else ''} | "
                         f"{cell(_show(c.new)) if c.new is not None else ''} |")
        lines.append("")
    return "\n".join(lines)


FORMATTERS = {"text": format_text, "json": format_json, "md": format_markdown}
