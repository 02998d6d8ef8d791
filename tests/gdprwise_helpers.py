"""Shared by the GDPRWise reader tests: a register's activities as plain, comparable data."""
from __future__ import annotations

from gdprgraph.model import Register


def compact(register: Register, with_systems: bool = False) -> list[dict]:
    """Activities as plain data, empty fields left out; an inferred link is written with a trailing "?"."""
    out = []
    for a in register.activities:
        d = {"title": a.title, "section": a.section, "line": a.line}
        if a.from_prose:
            d["from_prose"] = True
        fields = [("description", a.description), ("purposes", list(a.purposes)),
                  ("subjects", [s.value + ("?" if s.inferred else "") for s in a.data_subjects]),
                  ("categories", list(a.categories)), ("legal_bases", list(a.legal_bases)),
                  ("retention", (a.retention.text, a.retention.duration) if a.retention else None),
                  ("measures", list(a.measures)),
                  ("recipients", [(r.name, r.country, r.role) for r in a.recipients]),
                  ("no_recipients", a.no_recipients), ("location", a.location)]
        if with_systems:
            fields.append(("systems", [s.value + ("?" if s.inferred else "") for s in a.systems]))
        for key, val in fields:
            if val:
                d[key] = val
        out.append(d)
    return out
