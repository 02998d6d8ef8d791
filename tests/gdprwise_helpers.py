"""Shared by the GDPRWise reader tests: one activity record as export lines, and a register's activities
as plain, comparable data."""
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


def activity(title="Mailing", **fields) -> list[str]:
    """The lines of one GDPRWise activity record: defaults for every field, ``legal_basis="…"`` style
    keywords override one; a value of None leaves the field out, "" leaves its label without a value."""
    values = {"Description": "Sending mail", "Purpose": "Marketing", "Data subjects": "Clients",
              "Data categories": "Name of the client", "Legal basis": "Consent",
              "Retention period": "2 years", "Security measures": "Encryption",
              "Third party recipients": "None"}
    values.update({k.replace("_", " ").capitalize(): v for k, v in fields.items()})
    return [title] + [line for label, value in values.items() if value is not None
                      for line in ([label, value] if value != "" else [label])] + [
        "Data is processed within the EU"]
