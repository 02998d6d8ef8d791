"""The YAML register: the canonical hand-written form (one file per register; see docs/yaml-format.md).

The file is *composed* (``yaml.compose``), not loaded, so every value keeps its line and column for error
messages, and scalars keep the text as typed (``registration_number: 600.995.271`` stays a string).
YAML is authored, so the reader is strict: unknown keys (with a suggestion), wrong shapes, legal bases the
vocabulary does not know, bad dates and durations are errors naming ``file:line:column``.

The value rules (legal bases, roles, locations, yes/no, sections, durations) are shared with the
spreadsheet reader.
"""
from __future__ import annotations

import datetime as _dt
import difflib
import re
from pathlib import Path
from typing import Callable

import yaml

from gdprgraph.errors import InputError
from gdprgraph.model import SECTIONS, Activity, Controller, Recipient, Ref, Register, Retention, System

# -- keys of the format (docs/yaml-format.md) ---------------------------------------------------------
ROOT_KEYS = ("language", "date", "source", "base", "controller", "systems", "activities")
CONTROLLER_KEYS = ("name", "address", "country", "registration_number", "contact", "dpo", "representative",
                   "joint_controllers")
PERSON_KEYS = ("name", "email")
SYSTEM_KEYS = ("name", "description", "type", "provider", "country", "sections")
ACTIVITY_KEYS = (
    "name", "section", "description", "purposes", "data_subjects", "categories", "data_sources",
    "legal_bases", "special_category_conditions", "legitimate_interest_assessment", "retention", "measures",
    "recipients", "location", "third_countries", "transfer_safeguards", "systems", "dpia",
    "automated_decisions", "source_line", "from_prose",
)
RECIPIENT_KEYS = ("name", "country", "role")
RETENTION_KEYS = ("text", "duration")
DPIA_KEYS = ("required", "reference")
REF_KEYS = ("inferred",)

# -- value rules shared with the spreadsheet reader --------------------------------------------------
ROLES = {  # accepted spellings → model.Recipient.role (build.ROLE_TYPES)
    "processor": "processor", "verwerker": "processor", "sous traitant": "processor", "subprocessor": "processor",
    "sub processor": "processor",
    "controller": "controller", "verwerkingsverantwoordelijke": "controller",
    "responsable du traitement": "controller", "independent controller": "controller",
    "joint controller": "joint controller", "gezamenlijke verwerkingsverantwoordelijke": "joint controller",
    "responsable conjoint": "joint controller",
    "third party": "third party", "derde": "third party", "derde partij": "third party", "tiers": "third party",
}
LOCATIONS = {"eu": "EU", "eea": "EU", "inside eu": "EU", "within eu": "EU", "binnen de eu": "EU",
             "outside eu": "outside-EU", "outside eea": "outside-EU", "buiten de eu": "outside-EU"}
TRUE = ("true", "yes", "y", "ja", "oui", "on", "1", "x")
FALSE = ("false", "no", "n", "nee", "non", "off", "0")
NONE_WORDS = ("none", "geen", "aucun", "n/a")
_DURATION = re.compile(r"^P(?=\d|T\d)(\d+(\.\d+)?Y)?(\d+(\.\d+)?M)?(\d+(\.\d+)?W)?(\d+(\.\d+)?D)?"
                       r"(T(?=\d)(\d+(\.\d+)?H)?(\d+(\.\d+)?M)?(\d+(\.\d+)?S)?)?$")


class ValueProblem(ValueError):
    """A value that breaks a rule of the format; the reader adds the place."""


def suggest(word: str, choices, cutoff: float = 0.6) -> str:
    """'; did you mean 'x'?' for the closest choice, or ''."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=cutoff)
    if not close:
        lowered = {c.lower(): c for c in choices}
        close = [lowered[c] for c in difflib.get_close_matches(word.lower(), list(lowered), n=1, cutoff=cutoff)]
    return f"; did you mean {close[0]!r}?" if close else ""


def _key(text: str) -> str:
    return re.sub(r"[-_\s]+", " ", text).strip().lower()


def check_legal_basis(text: str) -> str:
    """Keep ``text`` if the vocabulary maps it to a legal basis; else explain what is accepted."""
    from gdprgraph.vocabulary import all_labels, map_label

    if map_label(text, "legal-basis"):
        return text
    hint = suggest(text, sorted(set(all_labels("legal-basis"))), cutoff=0.5)
    raise ValueProblem(
        f"unknown legal basis {text!r}{hint} (use an article such as 'Art. 6(1)(b)', a CURIE such as "
        f"'eu-gdpr:A6-1-b', or a label the vocabulary knows)")


def parse_role(text: str) -> str:
    role = ROLES.get(_key(text))
    if role is None:
        raise ValueProblem(f"unknown recipient role {text!r}{suggest(_key(text), ROLES)}; expected one of "
                           "processor, controller, joint controller, third party")
    return role


def parse_location(text: str) -> str:
    location = LOCATIONS.get(_key(text).replace("/eea", ""))
    if location is None:
        raise ValueProblem(f"unknown processing location {text!r}; expected EU or outside-EU")
    return location


def parse_bool(text: str) -> bool:
    word = text.strip().lower()
    if word in TRUE:
        return True
    if word in FALSE:
        return False
    raise ValueProblem(f"expected yes or no (true/false), got {text!r}")


def parse_section(text: str) -> str:
    if text in SECTIONS:
        return text
    raise ValueProblem(f"unknown section {text!r}{suggest(text, SECTIONS)}; expected one of {', '.join(SECTIONS)}")


def check_duration(text: str) -> str:
    if not _DURATION.match(text.strip()):
        raise ValueProblem(f"retention duration {text!r} is not an ISO 8601 duration such as P2Y, P6M or P30D")
    return text.strip()


def check_date(text: str) -> str:
    try:
        return _dt.date.fromisoformat(text.strip()).isoformat()
    except ValueError:
        raise ValueProblem(f"date {text!r} is not an ISO date (YYYY-MM-DD)") from None


def check_language(text: str) -> str:
    if not re.fullmatch(r"[a-z]{2,3}(-[A-Za-z0-9]{1,8})*", text.strip()):
        raise ValueProblem(f"language {text!r} is not a language code such as en, nl or fr")
    return text.strip()


def check_base(text: str) -> str:
    if not re.fullmatch(r"https?://\S+", text.strip()):
        raise ValueProblem(f"base {text!r} is not an http(s) IRI")
    return text.strip()


def default_duration(text: str) -> str | None:
    """The duration a retention text states (what every reader adds when none is given)."""
    from gdprgraph.retention import parse_duration

    return parse_duration(text)


# -- the reader ------------------------------------------------------------------------------------
class YamlInputError(InputError):
    """An InputError that also names the column: ``file:line:column: message``."""

    def __init__(self, message: str, path, line: int, column: int) -> None:
        super().__init__(message, path, line)
        self.column = column
        self.args = (f"{path}:{line}:{column}: {message}",)


_NULL = "tag:yaml.org,2002:null"
Node = yaml.Node


class _Reader:
    def __init__(self, path: Path) -> None:
        self.path = path

    def fail(self, node: Node, message: str):
        mark = node.start_mark
        raise YamlInputError(message, self.path, mark.line + 1, mark.column + 1)

    def rule(self, node: Node, check: Callable[[str], object], text: str):
        try:
            return check(text)
        except ValueProblem as exc:
            self.fail(node, str(exc))

    # shapes
    def mapping(self, node: Node, allowed: tuple[str, ...], what: str) -> dict[str, tuple[Node, Node]]:
        if not isinstance(node, yaml.MappingNode):
            self.fail(node, f"{what} must be a mapping of keys to values, got {self.kind(node)}")
        out: dict[str, tuple[Node, Node]] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                self.fail(key_node, f"keys of {what} must be plain words")
            key = key_node.value
            if key not in allowed:
                self.fail(key_node, f"unknown key {key!r} in {what}{suggest(key, allowed)} "
                                    f"(expected one of: {', '.join(allowed)})")
            if key in out:
                self.fail(key_node, f"duplicate key {key!r} in {what}")
            out[key] = (key_node, value_node)
        return out

    @staticmethod
    def kind(node: Node) -> str:
        if isinstance(node, yaml.MappingNode):
            return "a mapping"
        if isinstance(node, yaml.SequenceNode):
            return "a list"
        return f"{node.value!r}"

    def scalar(self, node: Node | None, what: str) -> str | None:
        if node is None or (isinstance(node, yaml.ScalarNode) and node.tag == _NULL):
            return None
        if not isinstance(node, yaml.ScalarNode):
            self.fail(node, f"{what} must be a single value, got {self.kind(node)}")
        text = node.value.strip()
        return text or None

    def required(self, fields: dict, key: str, parent: Node, what: str) -> str:
        value = self.scalar(fields[key][1], f"{what} {key}") if key in fields else None
        if not value:
            self.fail(fields[key][1] if key in fields else parent, f"{what} needs a {key}")
        return value

    def get(self, fields: dict, key: str, what: str, check: Callable[[str], object] | None = None):
        if key not in fields:
            return None
        node = fields[key][1]
        value = self.scalar(node, f"{key} of {what}")
        return self.rule(node, check, value) if check and value is not None else value

    def items(self, node: Node | None) -> list[Node]:
        """A list, or a single value standing for a one-item list."""
        if node is None or (isinstance(node, yaml.ScalarNode) and node.tag == _NULL):
            return []
        if isinstance(node, yaml.SequenceNode):
            return list(node.value)
        return [node]

    def strings(self, fields: dict, key: str, what: str, check: Callable[[str], object] | None = None) -> tuple:
        out = []
        for item in self.items(fields[key][1] if key in fields else None):
            value = self.scalar(item, f"each item of {key} ({what})")
            if value is not None:
                out.append(self.rule(item, check, value) if check else value)
        return tuple(out)

    def refs(self, fields: dict, key: str, what: str) -> tuple[Ref, ...]:
        out = []
        for item in self.items(fields[key][1] if key in fields else None):
            if isinstance(item, yaml.MappingNode):
                inner = self.mapping(item, REF_KEYS, f"an item of {key}")
                value = self.get(inner, "inferred", what)
                if value:
                    out.append(Ref(value, inferred=True))
                continue
            value = self.scalar(item, f"each item of {key} ({what})")
            if value is not None:
                out.append(Ref(value))
        return tuple(out)

    def boolean(self, fields: dict, key: str, what: str) -> bool | None:
        return self.get(fields, key, what, parse_bool)

    # parts
    def person(self, fields: dict, key: str) -> tuple[str | None, str | None]:
        if key not in fields or self.scalar_null(fields[key][1]):
            return None, None
        node = fields[key][1]
        if isinstance(node, yaml.ScalarNode):
            return self.scalar(node, key), None
        inner = self.mapping(node, PERSON_KEYS, f"controller {key}")
        return self.get(inner, "name", key), self.get(inner, "email", key)

    @staticmethod
    def scalar_null(node: Node) -> bool:
        return isinstance(node, yaml.ScalarNode) and (node.tag == _NULL or not node.value.strip())

    def controller(self, node: Node) -> Controller:
        f = self.mapping(node, CONTROLLER_KEYS, "controller")
        contact_name, contact_email = self.person(f, "contact")
        dpo_name, dpo_email = self.person(f, "dpo")
        return Controller(
            name=self.required(f, "name", node, "the controller"),
            address=self.get(f, "address", "controller"),
            country=self.get(f, "country", "controller"),
            registration_number=self.get(f, "registration_number", "controller"),
            contact_name=contact_name,
            contact_email=contact_email,
            dpo_name=dpo_name,
            dpo_email=dpo_email,
            representative=self.get(f, "representative", "controller"),
            joint_controllers=self.strings(f, "joint_controllers", "controller"),
        )

    def system(self, node: Node) -> System:
        if isinstance(node, yaml.ScalarNode) and not self.scalar_null(node):
            return System(name=node.value.strip())
        f = self.mapping(node, SYSTEM_KEYS, "a system")
        name = self.required(f, "name", node, "a system")
        return System(
            name=name,
            description=self.get(f, "description", name),
            type=self.get(f, "type", name),
            provider=self.get(f, "provider", name),
            country=self.get(f, "country", name),
            sections=self.strings(f, "sections", name, parse_section),
        )

    def recipients(self, node: Node | None) -> tuple[tuple[Recipient, ...], bool]:
        if isinstance(node, yaml.ScalarNode) and not self.scalar_null(node) and node.value.strip().lower() in NONE_WORDS:
            return (), True
        out = []
        for item in self.items(node):
            if isinstance(item, yaml.MappingNode):
                f = self.mapping(item, RECIPIENT_KEYS, "a recipient")
                name = self.required(f, "name", item, "a recipient")
                out.append(Recipient(name, self.get(f, "country", name), self.get(f, "role", name, parse_role)))
            else:
                name = self.scalar(item, "each recipient")
                if name:
                    out.append(Recipient(name))
        return tuple(out), False

    def retention(self, node: Node | None) -> Retention | None:
        if node is None or self.scalar_null(node):
            return None
        if isinstance(node, yaml.ScalarNode):
            text = node.value.strip()
            return Retention(text, default_duration(text))
        f = self.mapping(node, RETENTION_KEYS, "retention")
        text = self.required(f, "text", node, "retention")
        if "duration" in f:  # present: as given (null = explicitly none)
            return Retention(text, self.get(f, "duration", "retention", check_duration))
        return Retention(text, default_duration(text))

    def dpia(self, node: Node | None) -> tuple[bool | None, str | None]:
        if node is None or self.scalar_null(node):
            return None, None
        if isinstance(node, yaml.ScalarNode):
            return self.rule(node, parse_bool, node.value), None
        f = self.mapping(node, DPIA_KEYS, "dpia")
        return self.boolean(f, "required", "dpia"), self.get(f, "reference", "dpia")

    def activity(self, node: Node) -> Activity:
        f = self.mapping(node, ACTIVITY_KEYS, "an activity")
        title = self.required(f, "name", node, "an activity")
        what = f"activity {title!r}"
        recipients, none = self.recipients(f["recipients"][1] if "recipients" in f else None)
        dpia_required, dpia_reference = self.dpia(f["dpia"][1] if "dpia" in f else None)
        line = self.get(f, "source_line", what)
        if line is not None and not line.isdigit():
            self.fail(f["source_line"][1], f"source_line must be a line number, got {line!r}")
        return Activity(
            title=title,
            section=self.get(f, "section", what, parse_section),
            description=self.get(f, "description", what),
            purposes=self.strings(f, "purposes", what),
            data_subjects=self.refs(f, "data_subjects", what),
            categories=self.strings(f, "categories", what),
            legal_bases=self.strings(f, "legal_bases", what, check_legal_basis),
            retention=self.retention(f["retention"][1] if "retention" in f else None),
            measures=self.strings(f, "measures", what),
            recipients=recipients,
            no_recipients=none,
            location=self.get(f, "location", what, parse_location),
            third_countries=self.strings(f, "third_countries", what),
            transfer_safeguards=self.strings(f, "transfer_safeguards", what, check_legal_basis),
            systems=self.refs(f, "systems", what),
            legitimate_interest_assessment=self.get(f, "legitimate_interest_assessment", what),
            from_prose=bool(self.boolean(f, "from_prose", what)),
            line=int(line) if line is not None else None,  # provenance of the original source only
            data_sources=self.strings(f, "data_sources", what),
            special_category_conditions=self.strings(f, "special_category_conditions", what, check_legal_basis),
            dpia_required=dpia_required,
            dpia_reference=dpia_reference,
            automated_decisions=self.boolean(f, "automated_decisions", what),
        )

    def register(self, root: Node | None) -> Register:
        if root is None or self.scalar_null(root):
            raise InputError("is empty, expected a YAML register (see docs/yaml-format.md)", self.path)
        f = self.mapping(root, ROOT_KEYS, "the register")
        if "controller" not in f:
            self.fail(root, "the register needs a controller (controller: name: ...)")
        systems = tuple(self.system(n) for n in self.items(f["systems"][1] if "systems" in f else None))
        activities = tuple(self.activity(n) for n in self.items(f["activities"][1] if "activities" in f else None))
        return Register(
            controller=self.controller(f["controller"][1]),
            activities=activities,
            systems=systems,
            date=self.get(f, "date", "the register", check_date),
            language=self.get(f, "language", "the register", check_language),
            source=self.get(f, "source", "the register"),
            source_file=str(self.path),
            base=self.get(f, "base", "the register", check_base),
        )


def read_yaml(path: str | Path) -> Register:
    """Read a YAML register (docs/yaml-format.md) into the model; errors name ``file:line:column``."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"is not UTF-8 text ({exc.reason} at byte {exc.start})", path) from None
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", path) from None
    return read_yaml_text(text, path)


def read_yaml_text(text: str, path: str | Path = "<yaml>") -> Register:
    path = Path(path)
    try:
        root = yaml.compose(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # C parser when built
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = " ".join(f"{exc.context or ''} {exc.problem or ''}".split()) or "malformed YAML"
        if mark is None:
            raise InputError(f"is not valid YAML: {problem}", path) from None
        raise YamlInputError(f"is not valid YAML: {problem}", path, mark.line + 1, mark.column + 1) from None
    except yaml.YAMLError as exc:
        raise InputError(f"is not valid YAML: {' '.join(str(exc).split())}", path) from None
    return _Reader(path).register(root)
