"""Register → YAML (docs/yaml-format.md). ``read_yaml(write_yaml(r))`` equals ``r`` for extracted registers."""
from __future__ import annotations

from typing import Any

import yaml

from gdprgraph.model import Activity, Controller, Ref, Register, System
from gdprgraph.readers.yaml import default_duration

HEADER = (
    "# Register of processing activities (GDPR Art. 30), gdprgraph YAML format.\n"
    "# Every key is described in docs/yaml-format.md; import with: gdprgraph import THIS_FILE -o register.ttl\n"
)


class _Dumper(yaml.SafeDumper):
    """Block style, lists indented under their key, multi-line text as literal blocks."""

    def increase_indent(self, flow: bool = False, indentless: bool = False):  # noqa: D401
        return super().increase_indent(flow, False)


def _str(dumper: yaml.SafeDumper, value: str):
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str)


def _compact(mapping: dict[str, Any]) -> dict[str, Any]:
    """Drop keys without a value (None, empty lists); keep False and explicit markers."""
    return {k: v for k, v in mapping.items() if v is not None and v != () and v != [] and v != {}}


def _refs(refs: tuple[Ref, ...]) -> list:
    return [{"inferred": r.value} if r.inferred else r.value for r in refs]


def _person(name: str | None, email: str | None):
    return _compact({"name": name, "email": email}) or None


def _controller(c: Controller) -> dict:
    return _compact({
        "name": c.name,
        "address": c.address,
        "country": c.country,
        "registration_number": c.registration_number,
        "contact": _person(c.contact_name, c.contact_email),
        "dpo": _person(c.dpo_name, c.dpo_email),
        "representative": c.representative,
        "joint_controllers": list(c.joint_controllers),
    })


def _system(s: System) -> dict:
    return _compact({"name": s.name, "description": s.description, "type": s.type, "provider": s.provider,
                     "country": s.country, "sections": list(s.sections)})


def _activity(a: Activity) -> dict:
    retention: Any = None
    if a.retention is not None:
        if a.retention.duration == default_duration(a.retention.text):
            retention = a.retention.text
        else:
            retention = {"text": a.retention.text, "duration": a.retention.duration}
    recipients: Any = [
        _compact({"name": r.name, "country": r.country, "role": r.role}) if (r.country or r.role) else r.name
        for r in a.recipients
    ]
    if a.no_recipients and not a.recipients:
        recipients = "none"
    dpia = _compact({"required": a.dpia_required, "reference": a.dpia_reference}) or None
    return _compact({
        "name": a.title,
        "section": a.section,
        "description": a.description,
        "purposes": list(a.purposes),
        "data_subjects": _refs(a.data_subjects),
        "categories": list(a.categories),
        "data_sources": list(a.data_sources),
        "legal_bases": list(a.legal_bases),
        "special_category_conditions": list(a.special_category_conditions),
        "legitimate_interest_assessment": a.legitimate_interest_assessment,
        "retention": retention,
        "measures": list(a.measures),
        "recipients": recipients,
        "location": a.location,
        "third_countries": list(a.third_countries),
        "transfer_safeguards": list(a.transfer_safeguards),
        "systems": _refs(a.systems),
        "dpia": dpia,
        "automated_decisions": a.automated_decisions,
        "source_line": a.line,
        "from_prose": True if a.from_prose else None,
    })


def register_document(register: Register) -> dict:
    """The register as the plain data the YAML file holds."""
    return _compact({
        "language": register.language,
        "date": register.date,
        "source": register.source,
        "base": register.base,
        "controller": _controller(register.controller),
        "systems": [_system(s) for s in register.systems],
        "activities": [_activity(a) for a in register.activities],
    })


def write_yaml(register: Register) -> str:
    body = yaml.dump(register_document(register), Dumper=_Dumper, sort_keys=False, allow_unicode=True,
                     width=110, default_flow_style=False)
    return HEADER + body
