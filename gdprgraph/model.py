"""The register as plain data, independent of RDF.

Readers produce a :class:`Register`; :mod:`gdprgraph.build` turns it into triples. Values are the
register's own words (labels): mapping them to DPV is the vocabulary's job, not the reader's, so an
unknown label is kept, never dropped.
"""
from __future__ import annotations

from dataclasses import dataclass, field

# Sections of a GDPRWise-style register. Other readers may leave ``section`` empty.
SECTIONS = ("clients", "employees", "suppliers", "sharing", "client-systems", "employee-systems")


@dataclass(frozen=True)
class Ref:
    """A value plus where it came from: ``inferred`` links were guessed by the importer, not stated."""

    value: str
    inferred: bool = False


@dataclass(frozen=True)
class Controller:
    name: str
    address: str | None = None
    country: str | None = None          # as written ("Belgium", "België", "BE")
    registration_number: str | None = None  # as written
    contact_name: str | None = None      # privacy coordinator / contact person (not a DPO)
    contact_email: str | None = None
    dpo_name: str | None = None
    dpo_email: str | None = None
    representative: str | None = None
    joint_controllers: tuple[str, ...] = ()


@dataclass(frozen=True)
class Retention:
    text: str
    duration: str | None = None  # ISO 8601 duration when the text states one ("P2Y")


@dataclass(frozen=True)
class Recipient:
    name: str
    country: str | None = None  # as written ("Belgium", "US")
    role: str | None = None     # "third party", "processor", "controller", "joint controller" (see build.ROLE_TYPES)


@dataclass(frozen=True)
class System:
    name: str
    description: str | None = None
    type: str | None = None      # "Public cloud", "Private cloud", "Other"
    provider: str | None = None  # "Systeem leverancier" / system supplier
    country: str | None = None   # where the provider is (when the source says)
    sections: tuple[str, ...] = ()  # GDPRWise sections listing it ("client-systems", ...)


@dataclass(frozen=True)
class Activity:
    title: str
    section: str | None = None
    description: str | None = None
    purposes: tuple[str, ...] = ()
    data_subjects: tuple[Ref, ...] = ()
    categories: tuple[str, ...] = ()
    legal_bases: tuple[str, ...] = ()   # Art. 6 bases, Art. 9(2)/10 conditions, as written or as CURIEs
    retention: Retention | None = None
    measures: tuple[str, ...] = ()
    recipients: tuple[Recipient, ...] = ()
    no_recipients: bool = False         # recipients explicitly "none"/"N/A" (not the same as unknown)
    location: str | None = None         # "EU" | "outside-EU" | None (not stated)
    third_countries: tuple[str, ...] = ()
    transfer_safeguards: tuple[str, ...] = ()
    systems: tuple[Ref, ...] = ()       # system names, see Register.systems
    legitimate_interest_assessment: str | None = None
    from_prose: bool = False            # derived from free text rather than a structured record
    line: int | None = None             # where the record starts in the source
    # Extras supervisory authorities ask for (YAML / spreadsheet registers; optional everywhere)
    data_sources: tuple[str, ...] = ()  # where the data comes from ("the data subject", "public registers")
    special_category_conditions: tuple[str, ...] = ()  # Art. 9(2) / Art. 10 conditions, as written or CURIEs
    dpia_required: bool | None = None   # Art. 35: True required, False assessed as not required, None unknown
    dpia_reference: str | None = None   # the DPIA document's reference
    automated_decisions: bool | None = None  # Art. 22 decisions based solely on automated processing


@dataclass(frozen=True)
class Register:
    controller: Controller
    activities: tuple[Activity, ...] = ()
    systems: tuple[System, ...] = ()
    date: str | None = None      # ISO date of the register / export
    language: str | None = None  # "nl", "en", "fr": the language of the register's own labels
    source: str | None = None    # the tool that produced it ("GDPRWise.eu")
    source_file: str | None = field(default=None, compare=False)
    base: str | None = None      # base IRI of the register's own nodes when not the default (round trips)
