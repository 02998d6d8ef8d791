"""A second register of our own for the store and endpoint tests (the seed is Connexi's, in Dutch).

Acme Clinic (NL, English labels): special-category data with and without an Art. 9(2) condition, a system
on Calendly (US) like the seed's, a recipient outside the EEA, an inferred link and a few defects, so that
trace, validate and the cross-register query all have something to find.
"""
from __future__ import annotations

from pathlib import Path

from gdprgraph.model import Activity, Controller, Recipient, Ref, Register, Retention, System

ACME_BASE = "https://w3id.org/gdprgraph/register/acme-clinic/"


def acme_register() -> Register:
    systems = (
        System("Calendly", description="Appointment booking", type="Public cloud", provider="Calendly", country="US"),
        System("PatientFile", description="Electronic health record", type="Private cloud", provider="MedSoft",
               country="Netherlands"),
        System("Exact Online", type="Public cloud", provider="Exact", country="Netherlands"),
    )
    activities = (
        Activity(
            title="Appointment booking",
            purposes=("Scheduling appointments",),
            data_subjects=(Ref("Patients"),),
            categories=("Name", "Email address", "Telephone number", "Home address"),
            legal_bases=("Contract",),
            retention=Retention("2 years after the last appointment", "P2Y"),
            measures=("Encryption",),
            no_recipients=True,
            location="EU",
            systems=(Ref("Calendly"),),
        ),
        Activity(
            title="Medical treatment",
            purposes=("Providing care",),
            data_subjects=(Ref("Patients"),),
            categories=("Name", "Health data", "Date of birth"),
            legal_bases=("Legal obligation", "Art. 9(2)(h)"),
            retention=Retention("20 years after the end of treatment", "P20Y"),
            measures=("Access control", "Encryption"),
            recipients=(Recipient("Health insurer", "Netherlands"),),
            location="EU",
            systems=(Ref("PatientFile"),),
        ),
        Activity(
            title="Research newsletter",
            purposes=("Informing patients about studies",),
            data_subjects=(Ref("Patients", inferred=True),),
            categories=("Email address", "Health data"),
            legal_bases=("Consent",),  # defect: special categories without an Art. 9(2) condition
            retention=Retention("As long as the subscription lasts"),
            recipients=(Recipient("Mailing service", "United States"),),  # defect: no transfer safeguard
            systems=(Ref("Calendly", inferred=True),),
        ),
        Activity(
            title="Invoicing",
            purposes=("Billing treatments",),
            data_subjects=(Ref("Patients"),),
            categories=("Name", "Bank account", "Home address"),
            legal_bases=("Legal obligation",),
            retention=Retention("7 years", "P7Y"),
            measures=("Access control",),
            recipients=(Recipient("Accountant", "Netherlands"),),
            location="EU",
            systems=(Ref("Exact Online"),),
        ),
        Activity(
            title="Staff administration",
            purposes=(),  # defect: no purpose
            data_subjects=(Ref("Employees"),),
            categories=("Name", "Salary", "Days of sick leave"),
            legal_bases=("Contract",),
            measures=("Access control",),
            location="EU",
            systems=(Ref("Exact Online"),),
        ),
    )
    return Register(
        controller=Controller("Acme Clinic", country="Netherlands", contact_email="privacy@acme-clinic.example"),
        activities=activities,
        systems=systems,
        language="en",
        date="2025-01-31",
        base=ACME_BASE,
    )


def write_acme(folder: Path) -> Path:
    """The register as Turtle in ``folder``; returns the path."""
    from gdprgraph.build import build_graph

    path = folder / "acme-clinic.ttl"
    path.write_text(build_graph(acme_register()).serialize(format="turtle"), encoding="utf-8")
    return path
