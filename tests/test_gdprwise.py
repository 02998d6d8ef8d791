"""The GDPRWise reader: text and PDF exports → model.Register.

The vocabulary is replaced by stubs (``NO_VOCAB``) so that these tests pin the reader's behaviour, not the
contents of ontology/; one test runs the real vocabulary end to end.
"""
from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gdprgraph.errors import InputError
from gdprgraph.model import Controller, Register
from gdprgraph.readers.gdprwise import looks_like_gdprwise, parse_gdprwise_text, read_gdprwise
from gdprgraph.retention import parse_duration
from gdprwise_helpers import activity, compact

SEED_PATH = Path(__file__).parents[1] / "data/connexi/connexi-gdprwise-register.txt"
DATA = Path(__file__).parent / "data/gdprwise"
DENTAL_PATH = DATA / "brightsmile-dental-en.txt"  # English, seed layout, a US recipient, outside the EU
SCHOOL_PATH = DATA / "regenboog-school-nl.txt"  # Dutch, religion / trade-union data, empty section 4
LEDGER_PATH = DATA / "ledgerline-accounting-en.txt"  # pypdf-like: no blank lines, nbsp, 3 footers
DENTAL_PDF = DATA / "brightsmile-dental-en.pdf"  # DENTAL_PATH printed by headless Chromium (text layer)

# Vocabulary labels the stub "finds" in prose, like gdprgraph.vocabulary.find_in_text.
PROSE_LABELS = ("naam", "werk emailadres", "werktelefoonnummer", "telefoonnummer", "btw-nummer",
                "kentekennummer", "name", "work email address", "work phone number", "VAT number")


def find_stub(text: str) -> list[str]:
    """Longest match first, non-overlapping, in text order, as written."""
    hits = sorted((m.start(), -len(label), m.group()) for label in PROSE_LABELS
                  for m in re.finditer(rf"(?<!\w){re.escape(label)}(?!\w)", text, re.I))
    found, end = [], -1
    for start, minus_length, word in hits:
        if start >= end:
            found.append(word)
            end = start - minus_length
    return found


NO_VOCAB = {"known_category": lambda label: False, "find_categories": find_stub}


def parse(path: Path, **options) -> Register:
    return parse_gdprwise_text(path.read_text("utf-8"), str(path), **{**NO_VOCAB, **options})


def systems_of(register: Register) -> list[tuple]:
    return [(s.name, s.type, s.provider, s.sections) for s in register.systems]


def links(register: Register) -> dict[str, list[str]]:
    assert all(ref.inferred for a in register.activities for ref in a.systems)
    return {a.title: [ref.value for ref in a.systems] for a in register.activities}


def without_lines(register: Register) -> Register:
    return dataclasses.replace(register, activities=tuple(
        dataclasses.replace(a, line=None) for a in register.activities))


@pytest.fixture(scope="module")
def seed() -> Register:
    return parse(SEED_PATH)


# --- expected structures ---------------------------------------------------------------------------------
RET_NL = ("Vanaf beëindiging contract, bewaring gedurende de verjaringstermijn en / of verjaringstermijnen "
          "relevant voor juridische actie")
RET_NL_LEGAL = ("Vanaf beëindiging van het contract, bewaring gedurende de wettelijke periode en / of "
                "periode relevant voor gerechtelijke stappen")
TOM_NL = "Functioneel en technisch in overeenstemming met beste standaarden in de sector"
TOM_EN = "Functionally and technically in line with best industry standards"

SEED = [
    {'title': 'Klantenafspraken',
     'section': 'clients',
     'line': 23,
     'description': 'Registratie van klantenafspraken op papier of op computer',
     'purposes': ['Beheer van de beschikbaarheid / kalender'],
     'subjects': ['Clients'],
     'categories': ['Naam van de klant', 'Werk emailadres', 'Datum & tijd'],
     'legal_bases': ['Contract'],
     'retention': (RET_NL, None),
     'measures': [TOM_NL],
     'no_recipients': True,
     'location': 'EU'},
    {'title': 'Nieuwsbrief / promotie',
     'section': 'clients',
     'line': 62,
     'description': 'Cliënten op de hoogte houden van wat het bedrijf te bieden heeft',
     'purposes': ['Zolang de gebruiker ingeschreven blijft op de nieuwsbrief'],
     'subjects': ['Clients'],
     'categories': ['Naam van de klant', 'Persoonlijk emailadres', 'Werk emailadres'],
     'legal_bases': ['Legitimate interests'],
     'retention': (RET_NL, None),
     'measures': [TOM_NL],
     'no_recipients': True,
     'location': 'EU'},
    {'title': 'Klanten prospectie',
     'section': 'clients',
     'line': 100,
     'description': 'Beheer van informatie rond prospecten',
     'purposes': ['Om goederen en diensten aan potentiële klanten te communiceren'],
     'subjects': ['Clients'],
     'categories': ['Naam van de klant',
                    'Persoonlijk telefoonnummer',
                    'Professioneel telefoonnummer',
                    'Werk emailadres',
                    'Bedrijfsfunctie'],
     'legal_bases': ['Legitimate interests'],
     'retention': ('Alle prospects die niet zijn geconverteerd naar klanten, worden na 2 jaar verwijderd',
                   'P2Y'),
     'measures': [TOM_NL],
     'no_recipients': True,
     'location': 'EU'},
    {'title': 'Communicatie met klanten',
     'section': 'clients',
     'line': 137,
     'description': 'Communicatie met klanten op papier of in elektronische vorm',
     'purposes': ['Zorgen voor goede dienstverlening aan de klant'],
     'subjects': ['Clients'],
     'categories': ['Naam van de klant', 'Persoonlijk emailadres', 'Inhoud van correspondentie'],
     'legal_bases': ['Contract'],
     'retention': (RET_NL, None),
     'measures': [TOM_NL],
     'no_recipients': True,
     'location': 'EU'},
    {'title': 'Klanten facturatie en boekhouding',
     'section': 'clients',
     'line': 175,
     'description': 'Berekening van het verschuldigde ereloon of vergoeding, verzorgen van facturatie en '
                    'verkrijgen van betaling',
     'purposes': ['Zorgen voor correcte betaling'],
     'subjects': ['Clients'],
     'categories': ['Naam van de klant',
                    'Werk emailadres',
                    'BTW nummer',
                    'Betalingsoverzicht, klantenrekening',
                    'Thuisadres',
                    'Bedrijfsadres'],
     'legal_bases': ['Contract'],
     'retention': (RET_NL, None),
     'measures': [TOM_NL],
     'no_recipients': True,
     'location': 'EU'},
    {'title': 'Levering van goederen en/of diensten',
     'section': 'clients',
     'line': 216,
     'description': 'Levering van goederen en/of diensten aan klanten',
     'purposes': ['Zorgen voor correcte levering van goederen een/of diensten, mogelijk maken van track & '
                  'trace en feedback'],
     'subjects': ['Clients'],
     'categories': ['Naam van de klant', 'Werkplek', 'Persoonlijk emailadres', 'Thuisadres'],
     'legal_bases': ['Contract'],
     'retention': (RET_NL_LEGAL, None),
     'measures': [TOM_NL],
     'no_recipients': True,
     'location': 'EU'},
    {'title': 'Bedrijfswebsite',
     'section': 'clients',
     'line': 256,
     'description': 'Bedrijfswebsite die kan bezocht worden door cliënten, prospecten en allerhande derden',
     'purposes': ['Cliënten en prospecten informeren'],
     'subjects': ['Clients'],
     'categories': ['Essentiele cookies', 'Elektronische identificatiegegevens'],
     'legal_bases': ['Legitimate interests'],
     'retention': (RET_NL, None),
     'measures': [TOM_NL],
     'no_recipients': True,
     'location': 'EU'},
    {'title': 'Zelfstandige medewerkers',
     'section': 'employees',
     'line': 309,
     'description': 'Gegevens over medewerkers doe geen werknemer zijn',
     'purposes': ['Zorgen voor goede bedrijfsvoering'],
     'subjects': ['Staff'],
     'categories': ['Persoonlijk telefoonnummer',
                    'Handtekening',
                    'Loon- en remuneratiegegevens',
                    'Professioneel telefoonnummer',
                    'Persoonlijk emailadres',
                    'Werk emailadres',
                    'Naam van de betrokken partij'],
     'legal_bases': ['Contract'],
     'retention': (RET_NL_LEGAL, None),
     'measures': [TOM_NL],
     'no_recipients': True,
     'location': 'EU'},
    {'title': 'Aanwerving werknemers',
     'section': 'employees',
     'line': 355,
     'description': 'Evaluatie van sollicitaties, aannemen van werknemers en beëindigen van tewerkstelling',
     'purposes': ['Zorgen voor een geschikt personeelsbestand'],
     'subjects': ['Staff'],
     'categories': ['Geboorteplaats',
                    'Naam van de werknemer',
                    'Persoonlijk telefoonnummer',
                    'Samenstelling gezin',
                    'Handtekening',
                    'Bankrekening',
                    'Persoonlijk emailadres',
                    'Nationaliteit',
                    'Gender',
                    'Thuisadres',
                    'Huwelijkse staat',
                    'Geboortedatum / Leeftijd',
                    'Burgerschapsnummer, rijksregisternummer',
                    'Naam van de betrokken partij',
                    'CV'],
     'legal_bases': ['Legitimate interests'],
     'retention': (RET_NL, None),
     'measures': [TOM_NL],
     'no_recipients': True,
     'location': 'EU'},
    {'title': 'Leveranciers',
     'section': 'suppliers',
     'line': 407,
     'from_prose': True,
     'description': 'Wanneer we gegevens verzamelen, verwerken en opslaan over onze leveranciers, willen we '
                    'ervoor zorgen dat we alleen gegevens verzamelen, verwerken en opslaan die we echt nodig '
                    'hebben en die we op deze manier mogen verwerken. In onze omgang met onze leveranciers '
                    'verzamelen, verwerken en bewaren we doorgaans de naam, het werk emailadres en het '
                    'werktelefoonnummer van de persoon / personen die met ons communiceren. Ook verzamelen, '
                    'verwerken en bewaren we het btw-nummer van onze leveranciers. Als we voertuigen van '
                    'onze leveranciers voorzien van parking of toelaten op ons terrein, dan kunnen we het '
                    'kentekennummer en tijdsgegevens van het bezoek verzamelen, verwerken en opslaan indien '
                    'dit nodig is voor redenen van organisatie of veiligheid. Wij hanteren '
                    'veiligheidsmaatregelen die functioneel en technisch in overeenstemming met beste '
                    'standaarden in de sector. Wij bewaren de gegevens gedurende de verjaringstermijn en / '
                    'of verjaringstermijnen relevant voor juridische actie.',
     'subjects': ['Suppliers?'],
     'categories': ['naam', 'werk emailadres', 'werktelefoonnummer', 'btw-nummer', 'kentekennummer']},
    {'title': 'Boekhouding',
     'section': 'sharing',
     'line': 443,
     'description': 'Delen van gegevens met de accountant',
     'purposes': ['Zorgen voor een correcte boekhouding en/of correcte belastingaangifte en BTW-aangifte'],
     'subjects': ['Clients?', 'Staff?'],
     'categories': ['Naam van de klant',
                    'Naam van de werknemer',
                    'Bankrekening',
                    'Professioneel telefoonnummer',
                    'Werk emailadres',
                    'BTW nummer',
                    'Betalingsoverzicht, klantenrekening',
                    'Thuisadres',
                    'Bedrijfsadres',
                    'Naam van de betrokken partij'],
     'legal_bases': ['Legal obligation'],
     'recipients': [('Titeca Accountancy', 'Belgium', 'third party')]},
    {'title': 'Uitzendarbeid',
     'section': 'sharing',
     'line': 473,
     'description': 'Uitzendwerk via uitzendbureau',
     'purposes': ['Ter ondersteuning van de personeelsbehoefte'],
     'subjects': ['Staff?'],
     'categories': ['Naam van de werknemer',
                    'Handtekening',
                    'Bankrekening',
                    'Datum in dienst',
                    'Persoonlijk emailadres',
                    'Werk emailadres',
                    'Identiteitskaart',
                    'Gender',
                    'Geboortedatum / Leeftijd',
                    'Dagen ziekteverzuim',
                    'CV',
                    'Aanwezigheid op het werk'],
     'legal_bases': ['Contract'],
     'recipients': [('Adecco Personnel Services NV', 'Belgium', 'third party')]},
]
SEED_SYSTEMS = [
    ('Microsoft Outlook & Office', 'Public cloud', 'Microsoft.com', ('client-systems', 'employee-systems')),
    ('Google Gmail & Apps', 'Public cloud', 'Google.com', ('client-systems', 'employee-systems')),
    ('Hubspot', 'Public cloud', 'Hubspot.com', ('client-systems',)),
    ('Calendly', 'Private cloud', 'Calendly', ('client-systems',)),
    ('PCs, Laptops, Smartphones, Tablets', 'Other', 'Diverse', ('client-systems', 'employee-systems')),
    ('Papieren dossiers met documentatie en correspondentie', 'Other', 'Diverse',
     ('client-systems', 'employee-systems')),
]
DENTAL = [
    {'title': 'Patient records',
     'section': 'clients',
     'line': 23,
     'description': 'Clinical records of examinations, treatments and prescriptions',
     'purposes': ['Providing safe and appropriate dental care'],
     'subjects': ['Clients'],
     'categories': ['Name of the client',
                    'Date of birth / Age',
                    'Health data',
                    'Dental X-rays',
                    'Home address',
                    'Personal phone number'],
     'legal_bases': ['Contract', 'Health care (Art. 9(2)(h))'],
     'retention': ('10 years after the last treatment', 'P10Y'),
     'measures': ['Encrypted practice database', 'access limited to clinical staff'],
     'recipients': [('Dentalab BV', 'Netherlands', None), ('OrthoCloud Inc.', 'United States', None)],
     'location': 'outside-EU'},
    {'title': 'Appointment reminders',
     'section': 'clients',
     'line': 61,
     'description': 'Reminding patients of upcoming appointments by text message and e-mail',
     'purposes': ['Reduce missed appointments'],
     'subjects': ['Clients'],
     'categories': ['Name of the client', 'Personal phone number', 'Personal email address'],
     'legal_bases': ['Legitimate interests'],
     'retention': ('six months after the appointment', 'P6M'),
     'measures': [TOM_EN],
     'no_recipients': True,
     'location': 'EU'},
    {'title': 'Invoicing and insurance claims',
     'section': 'clients',
     'line': 97,
     'description': 'Calculating fees, invoicing patients and claiming reimbursements from health insurers',
     'purposes': ['Ensure correct payment'],
     'subjects': ['Clients'],
     'categories': ['Name of the client',
                    'Bank account',
                    'Payment overview, client account',
                    'Insurance number'],
     'legal_bases': ['Contract', 'Legal obligation'],
     'retention': ('7 years (tax law)', 'P7Y'),
     'measures': [TOM_EN],
     'no_recipients': True,
     'location': 'EU'},
    {'title': 'Payroll',
     'section': 'employees',
     'line': 145,
     'description': 'Paying salaries and filing payroll taxes',
     'purposes': ['Correct and timely payment of staff'],
     'subjects': ['Staff'],
     'categories': ['Name of the employee',
                    'Bank account',
                    'Salary details',
                    'National identification number',
                    'Sick leave days'],
     'legal_bases': ['Legal obligation'],
     'retention': ('Five years after employment ends', 'P5Y'),
     'measures': [TOM_EN],
     'recipients': [('Payroll Partners Ltd', None, None)],
     'location': 'EU'},
    {'title': 'Occupational health',
     'section': 'employees',
     'line': 189,
     'description': 'Fitness-for-work assessments by the occupational physician',
     'purposes': ['Protect the health of staff exposed to radiation'],
     'subjects': ['Staff'],
     'categories': ['Name of the employee', 'Health data'],
     'legal_bases': ['Legal obligation'],
     'retention': ('13 months after the assessment', 'P13M'),
     'measures': ['Sealed medical envelopes kept by the practice manager'],
     'no_recipients': True,
     'location': 'EU'},
    {'title': 'Suppliers',
     'section': 'suppliers',
     'line': 245,
     'from_prose': True,
     'description': 'When we collect, process and store data about our suppliers, we want to make sure that '
                    'we only collect, process and store data that we really need and that we are allowed to '
                    'process in this way. In dealing with our suppliers we usually collect, process and '
                    'store the name, work email address and work phone number of the person or persons who '
                    'communicate with us. We also collect the VAT number of our suppliers. We keep these '
                    'data for six years after the last order.',
     'subjects': ['Suppliers?'],
     'categories': ['name', 'work email address', 'work phone number', 'VAT number']},
    {'title': 'Cloud imaging',
     'section': 'sharing',
     'line': 263,
     'description': 'Storing and viewing dental X-rays in the cloud',
     'purposes': ['Diagnosis and second opinions'],
     'subjects': ['Clients?'],
     'categories': ['Name of the client', 'Dental X-rays', 'Health data'],
     'legal_bases': ['Contract'],
     'recipients': [('OrthoCloud Inc.', 'United States', 'third party')]},
]
DENTAL_SYSTEMS = [
    ('Dentally', 'Public cloud', 'Dentally.com', ('client-systems',)),
    ('Microsoft 365', 'Public cloud', 'Microsoft.com', ('client-systems', 'employee-systems')),
    ('X-ray workstation', 'Other', 'Carestream', ('client-systems',)),
    ('BrightPay', 'Private cloud', 'BrightPay.ie', ('employee-systems',)),
]
SCHOOL = [
    {'title': 'Leerlingenadministratie',
     'section': 'clients',
     'line': 23,
     'description': 'Inschrijving en opvolging van leerlingen',
     'purposes': ['Wettelijke leerlingenregistratie en subsidiëring'],
     'subjects': ['Clients'],
     'categories': ['Naam van de klant',
                    'Geboortedatum / Leeftijd',
                    'Burgerschapsnummer, rijksregisternummer',
                    'Religieuze overtuiging',
                    'Thuisadres'],
     'legal_bases': ['Wettelijke verplichting'],
     'retention': ('30 jaar na het verlaten van de school', 'P30Y'),
     'measures': ['Toegang enkel voor directie en secretariaat'],
     'no_recipients': True,
     'location': 'EU'},
    {'title': 'Schoolreizen',
     'section': 'clients',
     'line': 67,
     'description': 'Organisatie van meerdaagse schoolreizen, ook naar het buitenland (Londen)',
     'purposes': ['Veilige organisatie van de reis'],
     'subjects': ['Clients'],
     'categories': ['Naam van de klant', 'Medische gegevens', 'Noodcontact'],
     'legal_bases': ['Toestemming', 'Contract'],
     'retention': ('twee jaar na de reis', 'P2Y'),
     'measures': [TOM_NL],
     'recipients': [('Reisbureau Zonneweg BV', None, None), ('Busbedrijf Vandenbroucke NV', None, None)],
     'location': 'outside-EU'},
    {'title': 'Personeelsadministratie',
     'section': 'employees',
     'line': 117,
     'description': 'Loonadministratie, verloven en vakbondspremies van het personeel',
     'purposes': ['Correcte verloning en personeelsbeheer'],
     'subjects': ['Staff'],
     'categories': ['Naam van de werknemer',
                    'Vakbondslidmaatschap',
                    'Loon- en remuneratiegegevens',
                    'Bankrekening'],
     'legal_bases': ['Wettelijke verplichting', 'Contract'],
     'retention': ('5 jaar na uitdiensttreding', 'P5Y'),
     'measures': [TOM_NL],
     'recipients': [('Sociaal secretariaat Acerta', None, None)],
     'location': 'EU'},
    {'title': 'Aanstelling leerkrachten levensbeschouwing',
     'section': 'employees',
     'line': 167,
     'description': 'Dossiers van leerkrachten godsdienst en zedenleer, met de erkenning door de bevoegde '
                    'instantie',
     'purposes': ['Wettelijke aanstelling'],
     'subjects': ['Staff'],
     'categories': ['Naam van de werknemer', 'Religieuze overtuiging', 'Getuigschrift'],
     'legal_bases': ['Wettelijke verplichting'],
     'retention': ('Zolang de aanstelling loopt', None),
     'measures': [TOM_NL],
     'no_recipients': True,
     'location': 'EU'},
    {'title': 'Leveranciers',
     'section': 'suppliers',
     'line': 219,
     'from_prose': True,
     'description': 'Wanneer we gegevens verzamelen, verwerken en opslaan over onze leveranciers, willen we '
                    'ervoor zorgen dat we alleen gegevens verzamelen, verwerken en opslaan die we echt nodig '
                    'hebben. Van onze leveranciers (catering, busvervoer, onderhoud) bewaren we de naam, het '
                    'werk emailadres en het telefoonnummer van de contactpersoon, en het btw-nummer van de '
                    'leverancier. Wij bewaren deze gegevens tien jaar.',
     'subjects': ['Suppliers?'],
     'categories': ['naam', 'werk emailadres', 'telefoonnummer', 'btw-nummer']},
]
SCHOOL_SYSTEMS = [
    ('Smartschool', 'Public cloud', 'Smartschool.be', ('client-systems',)),
    ('Google Workspace for Education', 'Public cloud', 'Google.com', ('client-systems', 'employee-systems')),
    ('Personeelsdossiers op papier', 'Other', 'Diverse', ('employee-systems',)),
]
LEDGER = [
    {'title': 'Bookkeeping and payroll services',
     'section': 'clients',
     'line': 9,
     'description': 'Keeping the books and running the payroll of small-business clients, including their '
                    'third-party payments',
     'purposes': ['Provide the contracted accounting services'],
     'subjects': ['Clients', 'Staff'],
     'categories': ['Name of the client',
                    'Work email address',
                    'VAT number',
                    'Bank account',
                    'Payment overview, client account',
                    'Name of the employee',
                    'Salary details'],
     'legal_bases': ['Contract'],
     'retention': ('6 years after the end of the financial year', 'P6Y'),
     'measures': ['Two-factor authentication', 'encrypted laptops', 'clean-desk policy'],
     'recipients': [('HM Revenue & Customs', None, None),
                    ('Payroll Partners Ltd', None, None),
                    ('Baker & Co, LLP', 'United Kingdom', None)],
     'location': 'EU'},
    {'title': 'Annual accounts, tax returns and statutory filings for limited companies',
     'section': 'clients',
     'line': 37,
     'description': 'Preparing year-end accounts and corporation tax returns and filing them with Companies '
                    'House and the tax authority',
     'purposes': ['Meet the statutory filing obligations of clients'],
     'subjects': ['Clients'],
     'categories': ['Name of the client',
                    'Home address',
                    'Date of birth / Age',
                    'National Insurance number',
                    'Company function'],
     'legal_bases': ['Contract', 'Legal obligation'],
     'retention': ('Seven years after the end of the engagement', 'P7Y'),
     'measures': [TOM_EN],
     'no_recipients': True,
     'location': 'EU'},
    {'title': 'Recruitment',
     'section': 'employees',
     'line': 61,
     'description': 'Assessing applications and hiring employees',
     'purposes': ['Find suitable staff'],
     'subjects': ['Staff'],
     'categories': ['CV',
                    'Name of the employee',
                    'Personal email address',
                    'Personal phone number',
                    'Criminal convictions'],
     'legal_bases': ['Legitimate interests'],
     'retention': ('6 weeks after the vacancy is filled', 'P6W'),
     'measures': ['Applications are kept in a restricted e-mail folder'],
     'no_recipients': True,
     'location': 'EU'},
    {'title': 'Staff training records',
     'section': 'employees',
     'line': 84,
     'description': 'Recording CPD hours and exam results of trainees',
     'purposes': ['Professional record-keeping required by the professional body'],
     'subjects': ['Staff'],
     'categories': ['Name of the employee', 'Exam results'],
     'legal_bases': ['Legal obligation'],
     'retention': ('For the duration of employment', None),
     'measures': [TOM_EN],
     'recipients': [('ICAEW', 'United Kingdom', None)],
     'location': 'outside-EU'},
    {'title': 'Suppliers',
     'section': 'suppliers',
     'line': 104,
     'from_prose': True,
     'description': 'When we collect, process and store data about our suppliers, we want to make sure that '
                    'we only collect, process and store data that we really need and that we are allowed to '
                    'process in this way. We collect the name, work email address and work phone number of '
                    'our contacts at suppliers, and the VAT number of each supplier, and keep them for 6 '
                    'years.',
     'subjects': ['Suppliers?'],
     'categories': ['name', 'work email address', 'work phone number', 'VAT number']},
    {'title': 'Payroll bureau',
     'section': 'sharing',
     'line': 111,
     'description': 'Outsourcing payslip production',
     'purposes': ['Produce payslips for client employees'],
     'subjects': ['Staff?'],
     'categories': ['Name of the employee', 'Salary details', 'Bank account', 'National Insurance number'],
     'legal_bases': ['Contract'],
     'recipients': [('Payroll Partners Ltd', 'United Kingdom', 'third party')]},
    {'title': 'Audit and tax advice',
     'section': 'sharing',
     'line': 130,
     'description': 'Second opinions on complex tax files',
     'purposes': ['Quality control of client files'],
     'subjects': ['Clients?'],
     'categories': ['Name of the client', 'Payment overview, client account'],
     'legal_bases': ['Legitimate interests'],
     'recipients': [('Baker & Co LLP', 'United Kingdom', 'third party'),
                    ('TaxCloud Inc.', 'United States', 'third party')]},
]
LEDGER_SYSTEMS = [
    ('Xero', 'Public cloud', 'Xero.com', ('client-systems',)),
    ('Microsoft 365', 'Public cloud', 'Microsoft.com', ('client-systems', 'employee-systems')),
    ('BreatheHR', 'Public cloud', 'Breathe', ('employee-systems',)),
]

PCS, PAPER = "PCs, Laptops, Smartphones, Tablets", "Papieren dossiers met documentatie en correspondentie"
SEED_CLIENT_SYSTEMS = ["Microsoft Outlook & Office", "Google Gmail & Apps", "Hubspot", "Calendly", PCS, PAPER]
SEED_STAFF_SYSTEMS = ["Google Gmail & Apps", "Microsoft Outlook & Office", PAPER, PCS]


# --- the seed (Connexi, Dutch) -----------------------------------------------------------------------------
def test_seed_every_activity_and_field(seed):
    assert compact(seed) == SEED


def test_seed_has_seven_client_and_two_employee_activities(seed):
    sections = [a.section for a in seed.activities if not a.from_prose]
    assert sections.count("clients") == 7 and sections.count("employees") == 2
    assert [a.title for a in seed.activities if a.section == "employees"] == [
        "Zelfstandige medewerkers", "Aanwerving werknemers"]


def test_seed_controller_date_language_and_source(seed):
    assert seed.controller == Controller(
        name="Connexi", address="Oude Veldstraat 235 9080 Lochristi", country="Belgium",
        registration_number="600.995.271", contact_name="Frederik Daneels",
        contact_email="frederik@connexi.eu")
    assert (seed.date, seed.language, seed.source) == ("2021-10-06", "nl", "GDPRWise.eu")


def test_seed_prospect_retention_is_two_years(seed):
    [prospectie] = [a for a in seed.activities if a.title == "Klanten prospectie"]
    assert prospectie.retention.duration == "P2Y"
    assert prospectie.retention.text.endswith("worden na 2 jaar verwijderd")


def test_seed_categories_with_a_comma_stay_one_category(seed):
    categories = {c for a in seed.activities for c in a.categories}
    assert {"Burgerschapsnummer, rijksregisternummer", "Betalingsoverzicht, klantenrekening"} <= categories
    assert not categories & {"rijksregisternummer", "klantenrekening", "Betalingsoverzicht"}


def test_seed_heading_inside_a_value_does_not_pollute_it(seed):
    [zelfstandige] = [a for a in seed.activities if a.title == "Zelfstandige medewerkers"]
    assert zelfstandige.retention.text == RET_NL_LEGAL


def test_seed_footer_between_label_and_value_does_not_pollute_it(seed):
    [uitzend] = [a for a in seed.activities if a.title == "Uitzendarbeid"]
    assert uitzend.description == "Uitzendwerk via uitzendbureau"


def test_seed_supplier_prose_is_one_activity_without_the_next_intro(seed):
    [supplier] = [a for a in seed.activities if a.from_prose]
    assert (supplier.section, supplier.line) == ("suppliers", 407)
    assert supplier.description.startswith("Wanneer we gegevens verzamelen, verwerken en opslaan over onze")
    assert supplier.description.endswith("relevant voor juridische actie.")
    assert "delen met derden" not in supplier.description
    assert supplier.categories == (
        "naam", "werk emailadres", "werktelefoonnummer", "btw-nummer", "kentekennummer")


def test_seed_sharing_records_have_recipient_and_inferred_subjects(seed):
    sharing = [a for a in seed.activities if a.section == "sharing"]
    assert [(r.name, r.country) for a in sharing for r in a.recipients] == [
        ("Titeca Accountancy", "Belgium"), ("Adecco Personnel Services NV", "Belgium")]
    assert [[(s.value, s.inferred) for s in a.data_subjects] for a in sharing] == [
        [("Clients", True), ("Staff", True)], [("Staff", True)]]


def test_seed_systems_are_merged_across_sections(seed):
    assert systems_of(seed) == SEED_SYSTEMS
    assert len(seed.systems) == 6


def test_seed_systems_are_linked_per_section_and_marked_inferred(seed):
    expected = {a.title: SEED_CLIENT_SYSTEMS for a in seed.activities if a.section == "clients"}
    expected |= {"Zelfstandige medewerkers": SEED_STAFF_SYSTEMS, "Aanwerving werknemers": SEED_STAFF_SYSTEMS,
                 "Leveranciers": [], "Uitzendarbeid": SEED_STAFF_SYSTEMS,
                 # Boekhouding concerns clients and staff: only the systems listed for both
                 # (a client-only CRM must not be said to hold staff data)
                 "Boekhouding": [s for s in SEED_CLIENT_SYSTEMS if s in SEED_STAFF_SYSTEMS]}
    assert links(seed) == expected


def test_seed_activity_line_is_the_line_of_its_title(seed):
    lines = SEED_PATH.read_text("utf-8").splitlines()
    for activity in seed.activities:
        if not activity.from_prose:
            assert lines[activity.line - 1].strip() == activity.title


def test_seed_with_the_real_vocabulary_keeps_comma_categories():
    register = read_gdprwise(SEED_PATH)
    categories = {c for a in register.activities for c in a.categories}
    assert {"Burgerschapsnummer, rijksregisternummer", "Betalingsoverzicht, klantenrekening"} <= categories
    assert len([a for a in register.activities if not a.from_prose]) == 11


# --- section assignment survives other layouts ------------------------------------------------------------
def _seed_lines() -> list[str]:
    return SEED_PATH.read_text("utf-8").splitlines()


def test_seed_without_blank_or_spacer_lines_reads_the_same(seed):
    text = "\n".join(l for l in _seed_lines() if l.strip("\u00a0 "))
    assert without_lines(parse_gdprwise_text(text, **NO_VOCAB)) == without_lines(seed)


def test_seed_without_any_heading_keeps_its_sections(seed):
    heading = re.compile(r"\d\.( [A-Z ,]+)?|(WAT WE|SYSTEMEN DIE|WERKNEMERS|LEVERANCIERS|KLANTENGEGEVENS"
                         r"|ONZE MEDERWERKERS)[A-Z ,]*")
    text = "\n".join(l for l in _seed_lines() if not heading.fullmatch(l.strip()))
    assert text.count("\n") == len(_seed_lines()) - 1 - 14
    register = parse_gdprwise_text(text, **NO_VOCAB)
    assert [(a.title, a.section) for a in register.activities] == [
        (a.title, a.section) for a in seed.activities]
    assert systems_of(register) == systems_of(seed)


def test_seed_without_the_employee_intro_uses_the_heading_position(seed):
    lines = _seed_lines()
    intro = "Wanneer we gegevens verzamelen, verwerken en opslaan over onze werknemers"
    start = next(i for i, l in enumerate(lines) if l.startswith(intro))
    end = next(i for i in range(start, len(lines)) if lines[i].startswith("privacyprotocol."))
    register = parse_gdprwise_text("\n".join(lines[:start] + lines[end + 1:]), **NO_VOCAB)
    assert [a.section for a in register.activities] == [a.section for a in seed.activities]


@pytest.mark.parametrize("title", ["Bedrijfswebsite", "Nieuwsbrief / promotie"])
def test_seed_heading_floating_into_the_previous_section_does_not_move_records(seed, title):
    lines = [l for l in _seed_lines() if l.strip() not in (
        "2.", "WAT WE VERZAMELEN, VERWERKEN EN OPSLAAN OVER ONZE", "WERKNEMERS")]
    at = lines.index(title)  # a client activity: its title line, then the heading inside the record
    lines[at + 1:at + 1] = ["2.", "WAT WE VERZAMELEN, VERWERKEN EN OPSLAAN OVER ONZE", "WERKNEMERS"]
    register = parse_gdprwise_text("\n".join(lines), **NO_VOCAB)
    assert [a.section for a in register.activities] == [a.section for a in seed.activities]


def _without(lines: list[str], first: str, upto: str) -> list[str]:
    """``lines`` without the block from the line ``first`` up to (not including) the line ``upto``."""
    start = lines.index(first)
    return lines[:start] + lines[lines.index(upto, start):]


def test_register_without_client_activities_puts_its_records_in_employees(seed):
    lines = _without(_seed_lines(), "Klantenafspraken", "\u00a0")  # all seven client records
    register = parse_gdprwise_text("\n".join(lines), **NO_VOCAB)
    assert [(a.title, a.section) for a in register.activities] == [
        (a.title, a.section) for a in seed.activities if a.section != "clients"]


def test_register_without_employee_section_keeps_supplier_prose(seed):
    lines = _seed_lines()
    lines = _without(lines, "Wanneer we gegevens verzamelen, verwerken en opslaan over onze werknemers", "3.")
    register = parse_gdprwise_text("\n".join(lines), **NO_VOCAB)
    assert [(a.title, a.section) for a in register.activities] == [
        (a.title, a.section) for a in seed.activities if a.section != "employees"]
    assert [a.description for a in register.activities if a.from_prose] == [
        a.description for a in seed.activities if a.from_prose]


def test_footer_on_one_line_is_removed(seed):
    lines = _seed_lines()
    at = lines.index("Generated by GDPRWise.eu Page 9")
    start = max(i for i in range(at) if lines[i] == "REGISTER")
    one = "REGISTER woensdag, oktober 6e, 2021 CONNEXI 600.995.271 Oude Veldstraat 235 9080 Lochristi " \
          "Belgium Generated by GDPRWise.eu Page 9"
    register = parse_gdprwise_text("\n".join(lines[:start] + [one] + lines[at + 1:]), **NO_VOCAB)
    assert without_lines(register) == without_lines(seed)


# --- other registers in the same format ----------------------------------------------------------------
def test_dental_practice_in_english_every_activity_and_field():
    register = parse(DENTAL_PATH)
    assert compact(register) == DENTAL
    assert systems_of(register) == DENTAL_SYSTEMS
    assert register.controller == Controller(
        name="BrightSmile Dental Care Ltd", address="12 Harbour Road Dun Laoghaire A96 X2Y3",
        country="Ireland",
        registration_number="IE 654321", contact_name="Aoife Byrne", contact_email="privacy@brightsmile.ie")
    assert (register.date, register.language) == ("2021-03-01", "en")
    clients, staff = ["Dentally", "Microsoft 365", "X-ray workstation"], ["Microsoft 365", "BrightPay"]
    assert links(register) == {"Patient records": clients, "Appointment reminders": clients,
                               "Invoicing and insurance claims": clients, "Payroll": staff,
                               "Occupational health": staff, "Suppliers": [], "Cloud imaging": clients}


def test_school_in_dutch_every_activity_and_field():
    register = parse(SCHOOL_PATH)
    assert compact(register) == SCHOOL
    assert systems_of(register) == SCHOOL_SYSTEMS
    assert register.controller == Controller(
        name="Basisschool De Regenboog vzw", address="Kerkstraat 12 2000 Antwerpen", country="Belgium",
        registration_number="0412.345.678", contact_name="Els Peeters",
        contact_email="privacy@deregenboog.be")
    assert (register.date, register.language) == ("2021-09-06", "nl")
    clients = ["Smartschool", "Google Workspace for Education"]
    staff = ["Google Workspace for Education", "Personeelsdossiers op papier"]
    assert links(register) == {"Leerlingenadministratie": clients, "Schoolreizen": clients,
                               "Personeelsadministratie": staff,
                               "Aanstelling leerkrachten levensbeschouwing": staff, "Leveranciers": []}


def test_accounting_firm_pypdf_layout_every_activity_and_field():
    register = parse(LEDGER_PATH)
    assert compact(register) == LEDGER
    assert systems_of(register) == LEDGER_SYSTEMS
    assert register.controller == Controller(
        name="LedgerLine Accounting LLP", address="4 Mill Lane Cambridge CB2 1RX", country="United Kingdom",
        registration_number="OC412345", contact_name="Tom Ashworth",
        contact_email="dpo-desk@ledgerline.co.uk")
    assert (register.date, register.language) == ("2021-11-04", "en")
    clients, staff = ["Xero", "Microsoft 365"], ["Microsoft 365", "BreatheHR"]
    assert links(register) == {
        "Bookkeeping and payroll services": clients,
        "Annual accounts, tax returns and statutory filings for limited companies": clients,
        "Recruitment": staff, "Staff training records": staff, "Suppliers": [], "Payroll bureau": staff,
        "Audit and tax advice": clients}


def test_empty_sharing_section_leaves_its_intro_out_of_the_supplier_prose():
    [supplier] = [a for a in parse(SCHOOL_PATH).activities if a.from_prose]
    assert supplier.description.endswith("Wij bewaren deze gegevens tien jaar.")
    assert "delen" not in supplier.description


# --- PDF ---------------------------------------------------------------------------------------------------
def test_pdf_export_reads_like_the_text_export():
    pdf, text = read_gdprwise(DENTAL_PDF), read_gdprwise(DENTAL_PATH)
    assert without_lines(pdf) == without_lines(text)
    assert pdf.source_file == str(DENTAL_PDF)


def test_pdf_without_text_layer_is_an_input_error(tmp_path):
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    scanned = tmp_path / "scanned.pdf"
    with scanned.open("wb") as fh:
        writer.write(fh)
    with pytest.raises(InputError, match=r"has no text layer \(scanned\?\)") as error:
        read_gdprwise(scanned)
    assert error.value.path == str(scanned)


def test_damaged_pdf_is_an_input_error(tmp_path):
    damaged = tmp_path / "damaged.pdf"
    damaged.write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog >>\n%%EOF garbage")
    with pytest.raises(InputError, match="PDF"):
        read_gdprwise(damaged)


# --- values -------------------------------------------------------------------------------------------------
ACME = [
    "REGISTER OF PROCESSING ACTIVITIES AS CONTROLLER",
    "This is the register of Acme Ltd located at 1 Main Street Dublin Ireland with company registration "
    "number 123 .",
    "Name of the Privacy Coordinator : Jo Smith",
    "Email of the Privacy Coordinator : jo@acme.example",
]


def read(*lines: str, **options) -> Register:
    return parse_gdprwise_text("\n".join(ACME + list(lines)), "acme.txt", **{**NO_VOCAB, **options})


def test_known_label_with_a_comma_wins_over_the_lower_case_rule():
    known = {"Payment overview, Client account"}.__contains__
    [a] = read(*activity(data_categories="Payment overview, Client account, Name, e-mail address"),
               known_category=known).activities
    assert a.categories == ("Payment overview, Client account", "Name, e-mail address")


def test_unknown_category_labels_are_kept_as_written():
    [a] = read(*activity(data_categories="Favourite colour, Shoe size…")).activities
    assert a.categories == ("Favourite colour", "Shoe size")


@pytest.mark.parametrize("text", ["N/A", "Geen", "None", "-", "n.v.t."])
def test_recipients_none_means_explicitly_no_recipients(text):
    [a] = read(*activity(third_party_recipients=text)).activities
    assert (a.no_recipients, a.recipients) == (True, ())


def test_recipient_list_splits_into_parties_keeping_legal_forms_and_countries():
    [a] = read(*activity(third_party_recipients="Acme Payroll, Ltd, Cloudy Inc. (United States), "
                                                "Courier (express)")).activities
    assert [(r.name, r.country) for r in a.recipients] == [
        ("Acme Payroll, Ltd", None), ("Cloudy Inc.", "United States"), ("Courier (express)", None)]
    assert not a.no_recipients


def test_several_legal_bases_in_one_field():
    [a] = read(*activity(legal_basis="Contract, Legal obligation and Consent")).activities
    assert a.legal_bases == ("Contract", "Legal obligation", "Consent")


def test_location_outside_the_eu_and_absent():
    lines = activity()
    lines[-1] = "Data is processed outside the EU"
    [outside] = read(*lines).activities
    [absent] = read(*activity()[:-1]).activities
    assert (outside.location, absent.location) == ("outside-EU", None)


def test_label_and_value_on_one_line():
    [a] = read("Mailing", "Description: Sending mail", "Purpose : Marketing").activities
    assert (a.description, a.purposes) == ("Sending mail", ("Marketing",))


@pytest.mark.parametrize(("text", "duration"), [
    ("Alle prospects worden na 2 jaar verwijderd", "P2Y"), ("30 jaar na het einde van het contract", "P30Y"),
    ("13 months", "P13M"), ("30 dagen", "P30D"), ("6 weeks", "P6W"), ("twee jaar", "P2Y"),
    ("two years after the contract", "P2Y"), ("deux ans", "P2Y"), ("Twaalf maanden", "P12M"),
    ("één jaar", "P1Y"), ("1,5 jaar", "P1.5Y"), ("a 7-year period", "P7Y"), ("24 uur", "PT24H"),
    ("gedurende de verjaringstermijn", None), ("until the end of the contract", None), ("", None),
    (None, None),
])
def test_parse_duration(text, duration):
    assert parse_duration(text) == duration


# --- bad input ----------------------------------------------------------------------------------------------
def test_empty_text_is_an_input_error():
    for text in ("", "  \n\u00a0\n", "\u200b"):
        with pytest.raises(InputError, match="empty"):
            parse_gdprwise_text(text, "x.txt")


def test_empty_file_is_an_input_error(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    with pytest.raises(InputError, match="empty"):
        read_gdprwise(empty)


def test_binary_file_is_an_input_error(tmp_path):
    binary = tmp_path / "register.txt"
    binary.write_bytes(bytes(range(256)) * 4)
    with pytest.raises(InputError, match="binary"):
        read_gdprwise(binary)


def test_text_neither_utf8_nor_cp1252_is_an_input_error(tmp_path):
    bad = tmp_path / "register.txt"
    bad.write_bytes("REGISTER OF PROCESSING ACTIVITIES".encode() + b"\xff\x81\x8d")
    with pytest.raises(InputError, match="neither UTF-8 nor Windows-1252"):
        read_gdprwise(bad)


def test_cp1252_file_is_decoded(tmp_path):
    legacy = tmp_path / "legacy.txt"
    legacy.write_bytes(SEED_PATH.read_text("utf-8").encode("cp1252"))
    assert without_lines(read_gdprwise(legacy)) == without_lines(read_gdprwise(SEED_PATH))


def test_random_prose_is_not_a_register():
    with pytest.raises(InputError, match="not a GDPRWise register") as error:
        parse_gdprwise_text("Dear customer,\nthank you for your order.\n", "letter.txt")
    assert error.value.line == 1 and str(error.value).startswith("letter.txt:1: ")


def test_register_without_records_is_an_input_error():
    with pytest.raises(InputError, match="no processing records"):
        read("Some intro prose without any records.")


def test_field_label_without_value_names_the_line():
    with pytest.raises(InputError, match="'Purpose' has no value") as error:
        read(*activity(purpose=""))
    assert error.value.line == len(ACME) + 4


def test_record_without_title_names_the_line():
    lines = activity()
    with pytest.raises(InputError, match="no title") as error:
        read(*lines, *activity()[1:])
    assert error.value.line == len(ACME) + len(lines) + 1


def test_missing_file_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        read_gdprwise(tmp_path / "nope.txt")


def test_looks_like_gdprwise():
    assert looks_like_gdprwise(SEED_PATH.read_text("utf-8"))
    assert looks_like_gdprwise(LEDGER_PATH.read_text("utf-8"))
    assert not looks_like_gdprwise("name,purpose\nmailing,marketing\n")


def test_reading_twice_gives_equal_registers():
    assert read_gdprwise(SEED_PATH) == read_gdprwise(SEED_PATH)
    assert parse(LEDGER_PATH) == parse(LEDGER_PATH)


# --- properties ---------------------------------------------------------------------------------------------
def parses_or_input_error(text: str) -> None:
    try:
        assert isinstance(parse_gdprwise_text(text, "fuzz.txt", **NO_VOCAB), Register)
    except InputError:
        pass


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_any_text_gives_a_register_or_an_input_error(text):
    parses_or_input_error(text)


FORMAT_LINES = [
    *ACME, "Description", "Purpose", "Data subjects", "Data categories", "Legal basis", "Retention period",
    "Security measures", "Third party recipients", "Third Party", "Type", "System supplier",
    "Data is processed within the EU", "Data is processed outside the EU", "2.", "N/A", "Belgium",
    "1. WHAT WE COLLECT, PROCESS AND STORE ABOUT OUR CLIENTS", "WHAT WE SHARE WITH OTHERS", "REGISTER",
    "Monday, March 1st, 2021", "Generated by GDPRWise.eu Page 2", "Clients", "Staff", "Name, e-mail,",
    "A short line.", "\u00a0", "", "Beschrijving", "Derde Partij", "Gegevenscategorieën",
]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(st.sampled_from(FORMAT_LINES), st.text(max_size=30)), max_size=60))
def test_any_mix_of_format_lines_gives_a_register_or_an_input_error(lines):
    parses_or_input_error("\n".join(ACME[:1] + lines))


FOOTER = ["REGISTER", "woensdag, oktober 6e, 2021", "CONNEXI", "600.995.271",
          "Oude Veldstraat 235 9080 Lochristi Belgium", "Generated by GDPRWise.eu Page 3"]
MUTATION = st.tuples(st.sampled_from(["drop", "duplicate", "footer", "heading", "cut"]),
                     st.integers(0, 10_000), st.integers(0, 10_000))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(MUTATION, min_size=1, max_size=8))
def test_mutated_seed_gives_a_register_or_an_input_error(mutations):
    lines = _seed_lines()
    for op, a, b in mutations:
        i = a % len(lines)
        if op == "drop":
            del lines[i]
        elif op == "duplicate":
            lines.insert(i, lines[b % len(lines)])
        elif op == "footer":
            lines[i:i] = FOOTER
        elif op == "heading":
            lines[i:i] = ["5.", "SYSTEMEN DIE WE GEBRUIKEN BIJ HET VERWERKEN VAN", "KLANTENGEGEVENS"]
        else:
            lines[i] = lines[i][: b % (len(lines[i]) + 1)]
    parses_or_input_error("\n".join(lines))
