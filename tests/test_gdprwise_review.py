"""Review registers for the GDPRWise reader: five made-up exports unlike the seed (see
tests/data/gdprwise/README.md), each read through the product path (``read_gdprwise`` with the real
vocabulary) and compared field by field, plus the cases they were written to break.
"""
from __future__ import annotations

import dataclasses
import re
from collections import Counter
from pathlib import Path

import pytest

from gdprgraph.errors import InputError
from gdprgraph.model import Controller, Register
from gdprgraph.readers.gdprwise import parse_gdprwise_text, read_gdprwise
from gdprgraph.retention import parse_duration
from gdprwise_helpers import activity, compact

DATA = Path(__file__).parent / "data/gdprwise"
NORTHWIND_PATH = DATA / "northwind-freight-review-en.txt"  # 27 records, 6 footers, pypdf-like, CRLF + BOM
ELISABETH_PATH = DATA / "sint-elisabeth-zorg-review-nl.txt"  # care home, special categories, no section 4
ELISABETH_PDF = DATA / "sint-elisabeth-zorg-review-nl.pdf"  # the same printed by headless Chromium
HEIDEBEEK_PATH = DATA / "heidebeek-gemeente-review-nl.txt"  # municipality, no section 3, empty section 6
PIXELFORGE_PATH = DATA / "pixelforge-labs-review-en.txt"  # start-up, no section 2 or 6, empty section 4
HOLLOWBROOK_PATH = DATA / "hollowbrook-cafe-review-en.txt"  # Windows-1252, paragraphs not wrapped

TOM_EN = "Functionally and technically in line with best industry standards"
TOM_NL = "Functioneel en technisch in overeenstemming met beste standaarden in de sector"


def systems_of(register: Register) -> list[tuple]:
    return [(s.name, s.description, s.type, s.provider, s.sections) for s in register.systems]


def without_lines(register: Register) -> Register:
    return dataclasses.replace(register, activities=tuple(
        dataclasses.replace(a, line=None) for a in register.activities))


@pytest.fixture(scope="module")
def registers() -> dict[str, Register]:
    return {p.stem: read_gdprwise(p) for p in (NORTHWIND_PATH, ELISABETH_PATH, HEIDEBEEK_PATH,
                                               PIXELFORGE_PATH, HOLLOWBROOK_PATH)}


# --- expected structures ---------------------------------------------------------------------------------
def _inferred(*names: str) -> list[str]:
    return [n + "?" for n in names]


NW_CLIENT_SYSTEMS = _inferred("Cargoplanner TMS", "Salesforce Sales Cloud", "Microsoft 365", "Talkdesk",
                              "Handheld scanners")
NW_STAFF_SYSTEMS = _inferred("Microsoft 365", "AFAS Profit", "Webfleet", "Tachograph download station")
NW_SHARED_SYSTEMS = _inferred("Microsoft 365")  # listed for clients and staff: the only ones a mixed share gets
SE_CLIENT_SYSTEMS = _inferred("CareConnect", "Microsoft 365", "Valdetectiesysteem")
SE_STAFF_SYSTEMS = _inferred("SD Worx Payroll", "Microsoft 365")
HB_CLIENT_SYSTEMS = _inferred("Cipal Burgerzaken", "Meldingen-app Fixi", "ANPR-camera's")
PF_CLIENT_SYSTEMS = _inferred("Amazon Web Services", "GitHub", "Zendesk")


NORTHWIND = [
    dict(title='Customer accounts', section='clients', line=10,
         description='Opening and maintaining accounts of shippers and consignees',
         purposes=['Manage the commercial relationship'], subjects=['Clients'],
         categories=['Name of the client', 'Work email address', 'Professional phone number',
                     'Company address', 'VAT number'],
         legal_bases=['Contract'], retention=('7 years after the end of the contract', 'P7Y'),
         measures=['Role-based access', 'encrypted backups'], no_recipients=True, location='EU',
         systems=NW_CLIENT_SYSTEMS),
    dict(title='Shipment booking and delivery', section='clients', line=28,
         description="Booking shipments, planning routes and delivering parcels at the consignee's address",
         purposes=['Deliver the goods that clients send'], subjects=['Clients'],
         categories=['Name of the client', 'Home address', 'Personal phone number', 'Delivery instructions'],
         legal_bases=['Contract'], retention=('18 months after delivery', 'P18M'), measures=[TOM_EN],
         recipients=[('DHL Express', 'Germany', None), ('FedEx Corporation', 'United States', None),
                     ('Evri Ltd', 'United Kingdom', None)],
         location='outside-EU', systems=NW_CLIENT_SYSTEMS),
    dict(title='Customers can track their parcels online.', section='clients', line=46,
         description='Track & trace page showing the status and location of a parcel',
         purposes=['Inform consignees about their delivery'], subjects=['Clients'],
         categories=['Name of the client', 'Tracking number', 'Home address'],
         legal_bases=['Contract', 'Legitimate interests'], retention=('90 days after delivery', 'P90D'),
         measures=[TOM_EN], no_recipients=True, location='EU', systems=NW_CLIENT_SYSTEMS),
    dict(title='Proof of delivery: signatures and photos', section='clients', line=64,
         description='Drivers capture a signature or a photo of the parcel at the door',
         purposes=['Prove that the goods were delivered'], subjects=['Clients'],
         categories=['Name of the client', 'Signature', 'Photo of the delivery location'],
         legal_bases=['Contract'], retention=('One year after delivery', 'P1Y'), measures=[TOM_EN],
         no_recipients=True, location='EU', systems=NW_CLIENT_SYSTEMS),
    dict(title='Invoicing and credit control', section='clients', line=82,
         description=('Invoicing clients, following up payments and handing over unpaid invoices for '
                      'collection'),
         purposes=['Ensure correct payment'], subjects=['Clients'],
         categories=['Name of the client', 'Work email address', 'VAT number', 'Bank account',
                     'Payment overview, customer account', 'Company address'],
         legal_bases=['Contract', 'Legal obligation'],
         retention=('7 years after the end of the financial year', 'P7Y'), measures=[TOM_EN],
         recipients=[('Dun & Bradstreet B.V.', 'Netherlands', None),
                     ('Intrum Nederland B.V.', 'Netherlands', None)],
         location='EU', systems=NW_CLIENT_SYSTEMS),
    dict(title='Data subjects: handling access and erasure requests', section='clients', line=107,
         description='Answering requests of data subjects who want to see, correct or erase their data',
         purposes=['Comply with the rights of data subjects'], subjects=['Clients'],
         categories=['Name of the client', 'Content of correspondence', 'Identity card'],
         legal_bases=['Legal obligation'], retention=('Three years after the request is closed', 'P3Y'),
         measures=[TOM_EN], no_recipients=True, location='EU', systems=NW_CLIENT_SYSTEMS),
    dict(title='Customs declarations', section='clients', line=125,
         description='Filing import and export declarations for goods leaving or entering the EU',
         purposes=['Clear goods through customs'], subjects=['Clients'],
         categories=['Name of the client', 'Citizen service number, national register number', 'EORI number',
                     'Value of goods'],
         legal_bases=['Legal obligation'],
         retention=('Ten years after the declaration, or longer when a customs audit or dispute is pending',
                    'P10Y'),
         measures=[TOM_EN],
         recipients=[('Customs Administration of the Netherlands', 'Netherlands', None),
                     ('HM Revenue & Customs', 'United Kingdom', None)],
         location='outside-EU', systems=NW_CLIENT_SYSTEMS),
    dict(title='Call recording', section='clients', line=150,
         description='Recording calls to the customer service desk',
         purposes=['Training and quality control'], subjects=['Clients'],
         categories=['Name of the client', 'Voice recording', 'Personal phone number'],
         legal_bases=['Consent'], retention=('30 days', 'P30D'),
         measures=['Recordings are encrypted and deleted automatically'],
         recipients=[('Talkdesk Inc.', 'United States', None),
                     ('Teleperformance Philippines', 'Philippines', None)],
         location='outside-EU', systems=NW_CLIENT_SYSTEMS),
    dict(title='Damage claims and complaints', section='clients', line=168,
         description='Handling claims for lost or damaged goods and complaints about deliveries',
         purposes=['Settle claims fairly and improve the service'], subjects=['Clients'],
         categories=['Name of the client', 'Home address', 'Description of the damage, photos and invoices',
                     'Bank account'],
         legal_bases=['Contract', 'Legitimate interests'],
         retention=('Five years after the claim is settled', 'P5Y'), measures=[TOM_EN],
         recipients=[('Allianz Global Corporate & Specialty SE', 'Germany', None)], location='EU',
         systems=NW_CLIENT_SYSTEMS),
    dict(title='Newsletter and marketing', section='clients', line=186,
         description='Sending a monthly newsletter with offers to business clients',
         purposes=['Promote our services'], subjects=['Clients'],
         categories=['Name of the client', 'Work email address', 'Click and open statistics'],
         legal_bases=['Consent'], retention=('Until the subscriber unsubscribes', None), measures=[TOM_EN],
         recipients=[('The Rocket Science Group LLC', 'United States', None)], location='outside-EU',
         systems=NW_CLIENT_SYSTEMS),
    dict(title='Website contact form', section='clients', line=204,
         description='Answering questions sent through the contact form on the website',
         purposes=['Answer questions of clients and prospects'], subjects=['Clients', 'Prospects'],
         categories=['Name of the client', 'Work email address', 'Content of correspondence', 'IP address'],
         legal_bases=['Legitimate interests'], retention=('Two years', 'P2Y'), measures=[TOM_EN],
         no_recipients=True, location='EU', systems=NW_CLIENT_SYSTEMS),
    dict(title='Cookies and website analytics', section='clients', line=222,
         description='Cookies that keep the website working and measure its use',
         purposes=['Improve the website'], subjects=['Clients'],
         categories=['Essential cookies', 'Analytics cookies', 'Electronic identification data'],
         legal_bases=['Consent', 'Legitimate interests'], retention=('13 months', 'P13M'),
         measures=['IP addresses are truncated'], recipients=[('Google Ireland Ltd', 'Ireland', None)],
         location='EU', systems=NW_CLIENT_SYSTEMS),
    dict(title='Dangerous goods consignments', section='clients', line=240,
         description='Registering the emergency contact of each shipper of dangerous goods',
         purposes=['Comply with the ADR rules for the transport of dangerous goods'], subjects=['Clients'],
         categories=['Name of the client', 'Emergency contact', 'Professional phone number'],
         legal_bases=['Legal obligation'], retention=('3 months after delivery', 'P3M'), measures=[TOM_EN],
         no_recipients=True, location='EU', systems=NW_CLIENT_SYSTEMS),
    dict(title='Drivers: screening before hiring', section='employees', line=261,
         description='Checking driving licences, criminal records and references of candidate drivers',
         purposes=['Hire safe and qualified drivers'], subjects=['Staff'],
         categories=['Name of the employee', 'Driving licence', 'Criminal convictions', 'CV', 'References'],
         legal_bases=['Legitimate interests', 'Legal obligation'],
         retention=('6 months after the vacancy is filled', 'P6M'), measures=[TOM_EN],
         recipients=[('Sterling Talent Solutions Ltd', 'United Kingdom', None)], location='outside-EU',
         systems=NW_STAFF_SYSTEMS),
    dict(title='Payroll', section='employees', line=282,
         description='Paying salaries and filing payroll taxes and social security contributions',
         purposes=['Correct and timely payment of staff'], subjects=['Staff'],
         categories=['Name of the employee', 'Bank account', 'Salary details',
                     'Citizen service number, national register number', 'Sick leave days'],
         legal_bases=['Legal obligation', 'Contract'],
         retention=('7 years after the end of the tax year', 'P7Y'), measures=[TOM_EN],
         recipients=[('ADP Nederland B.V.', 'Netherlands', None), ('Belastingdienst', 'Netherlands', None)],
         location='EU', systems=NW_STAFF_SYSTEMS),
    dict(title='Fleet telematics: vehicle location and driving style', section='employees', line=307,
         description='On-board units report the position, speed and braking of every truck',
         purposes=['Plan routes, prevent theft and coach drivers on safe driving'], subjects=['Staff'],
         categories=['Name of the employee', 'Vehicle location, speed and braking data', 'Driving hours'],
         legal_bases=['Legitimate interests'],
         retention=('60 days, or until an incident investigation is closed', 'P60D'),
         measures=['Access limited to planners and the fleet manager'],
         recipients=[('Webfleet Solutions B.V.', 'Netherlands', None)], location='EU',
         systems=NW_STAFF_SYSTEMS),
    dict(title='Tachograph records', section='employees', line=325,
         description='Downloading and archiving the digital tachograph data of drivers',
         purposes=['Comply with driving and rest time rules'], subjects=['Staff'],
         categories=['Name of the employee', 'Driver card number', 'Driving and rest times'],
         legal_bases=['Legal obligation'], retention=('One year', 'P1Y'), measures=[TOM_EN],
         recipients=[('Inspectie Leefomgeving en Transport', 'Netherlands', None)], location='EU',
         systems=NW_STAFF_SYSTEMS),
    dict(title='Alcohol and drug tests', section='employees', line=343,
         description=('Random tests of drivers after an incident, carried out by the occupational health '
                      'service'),
         purposes=['Road safety'], subjects=['Staff'],
         categories=['Name of the employee', 'Health data', 'Test results'],
         legal_bases=['Legal obligation', 'Employment, social security and social protection law'],
         retention=('Six months after the test', 'P6M'),
         measures=['Results are kept by the occupational physician only'],
         recipients=[('Arbo Unie', 'Netherlands', None)], location='EU', systems=NW_STAFF_SYSTEMS),
    dict(title='Sick leave and reintegration', section='employees', line=361,
         description='Registering sick leave and guiding employees back to work',
         purposes=['Meet the obligations of the Dutch Gatekeeper Improvement Act'], subjects=['Staff'],
         categories=['Name of the employee', 'Sick leave days', 'Health data'],
         legal_bases=['Legal obligation'], retention=('two years after the end of reintegration', 'P2Y'),
         measures=[TOM_EN], recipients=[('Arbo Unie', 'Netherlands', None)], location='EU',
         systems=NW_STAFF_SYSTEMS),
    dict(title='Training and certificates', section='employees', line=379,
         description='Keeping track of the Code 95 training and ADR certificates of drivers',
         purposes=['Make sure that drivers are qualified'], subjects=['Staff'],
         categories=['Name of the employee', 'Certificates', 'Code 95 qualifications'],
         legal_bases=['Legal obligation'], retention=('For the duration of employment', None),
         measures=[TOM_EN], no_recipients=True, location='EU', systems=NW_STAFF_SYSTEMS),
    dict(title='CCTV at the depots', section='employees', line=397,
         description='Cameras at the gates and in the warehouses', purposes=['Security of people and goods'],
         subjects=['Staff', 'Visitors'], categories=['Camera images'], legal_bases=['Legitimate interests'],
         retention=('28 days', 'P28D'), measures=['Images are only viewed after an incident'],
         no_recipients=True, location='EU', systems=NW_STAFF_SYSTEMS),
    dict(title='Staff directory', section='employees', line=415,
         description='Internal phone book with photos', purposes=['Help colleagues find each other'],
         subjects=['Staff'],
         categories=['Name of the employee', 'Work email address', 'Work phone number', 'Photo'],
         legal_bases=['Legitimate interests'], retention=('Until employment ends', None), measures=[TOM_EN],
         no_recipients=True, location='EU', systems=NW_STAFF_SYSTEMS),
    dict(title='Suppliers', section='suppliers', line=434, from_prose=True,
         description=('When we collect, process and store data about our suppliers, we want to make sure '
                      'that we only collect, process and store data that we really need and that we are '
                      'allowed to process in this way. In dealing with our suppliers we usually collect, '
                      'process and store the name, work email address and work phone number of the person '
                      'or persons who communicate with us. We also collect the VAT number of our suppliers '
                      'and the licence plates of their trucks at our gates. We keep these data for seven '
                      'years.'),
         subjects=['Suppliers?'],
         categories=['name', 'work email address', 'work phone number', 'VAT number']),
    dict(title='Accountant', section='sharing', line=449,
         description='Sharing the books with the external accountant',
         purposes=['Annual accounts and tax returns'], subjects=['Clients?', 'Staff?'],
         categories=['Name of the client', 'Name of the employee', 'Payment overview, customer account',
                     'Salary details'],
         legal_bases=['Legal obligation'],
         recipients=[('Van Dijk Accountants B.V.', 'Netherlands', 'third party')], systems=NW_SHARED_SYSTEMS),
    dict(title='Subcontracted hauliers', section='sharing', line=462,
         description='Long-distance transport to the Balkans and Turkey by partner hauliers',
         purposes=['Deliver goods outside our own network'], subjects=['Clients?'],
         categories=['Name of the client', 'Home address', 'Delivery instructions'],
         legal_bases=['Contract'],
         recipients=[('Trans-Balkan Logistics d.o.o.', 'Serbia', 'third party'),
                     ('Anatolia Lojistik A.S.', 'Turkey', 'third party')],
         systems=NW_CLIENT_SYSTEMS),
    dict(title='Offshore customer service', section='sharing', line=483,
         description='Handling customer calls outside office hours',
         purposes=['Answer clients around the clock'], subjects=['Clients?'],
         categories=['Name of the client', 'Voice recording', 'Personal phone number'],
         legal_bases=['Contract'],
         recipients=[('Teleperformance Philippines Inc.', 'Philippines', 'third party')],
         systems=NW_CLIENT_SYSTEMS),
    dict(title='Cargo insurance', section='sharing', line=495,
         description='Reporting damage claims to the insurer', purposes=['Settle claims'],
         subjects=['Clients?'],
         categories=['Name of the client', 'Description of the damage, photos and invoices'],
         legal_bases=['Contract', 'Legitimate interests'],
         recipients=[('Allianz Global Corporate & Specialty SE', 'Germany', 'third party')],
         systems=NW_CLIENT_SYSTEMS),
    dict(title='Pension fund', section='sharing', line=507,
         description='Registering employees with the sector pension fund', purposes=['Build up pensions'],
         subjects=['Staff?'], categories=['Name of the employee', 'Salary details', 'Date of birth / Age'],
         legal_bases=['Legal obligation'],
         recipients=[('Pensioenfonds Vervoer', 'Netherlands', 'third party')], systems=NW_STAFF_SYSTEMS),
]


ELISABETH = [
    dict(title='Bewonersdossier', section='clients', line=25,
         description='Zorgdossier van elke bewoner: medische voorgeschiedenis, medicatie en zorgplan',
         purposes=['Veilige en kwaliteitsvolle zorg'], subjects=['Clients'],
         categories=['Naam van de klant', 'Geboortedatum / Leeftijd', 'Gezondheidsgegevens',
                     'Medicatieschema', 'Burgerschapsnummer, rijksregisternummer', 'Thuisadres'],
         legal_bases=['Contract', 'Gezondheidszorg'], retention=('30 jaar na het laatste contact', 'P30Y'),
         measures=['Toegang enkel voor zorgpersoneel', 'logging van elke raadpleging',
                   'versleutelde back-ups'],
         recipients=[('Huisarts van de bewoner', None, None), ('AZ Groeninge', 'Belgium', None)],
         location='EU', systems=SE_CLIENT_SYSTEMS),
    dict(title='Medicatiebeheer: bestelling en toediening', section='clients', line=63,
         description='Bestellen van geneesmiddelen bij de apotheek en registratie van elke toediening',
         purposes=['Juiste medicatie op het juiste moment'], subjects=['Clients'],
         categories=['Naam van de klant', 'Medicatieschema', 'Gezondheidsgegevens'],
         legal_bases=['Wettelijke verplichting', 'Gezondheidszorg'], retention=('vijf jaar', 'P5Y'),
         measures=[TOM_NL], recipients=[('Apotheek Leie', 'Belgium', None)], location='EU',
         systems=SE_CLIENT_SYSTEMS),
    dict(title='Pastorale zorg', section='clients', line=99,
         description=('Bezoek door de pastor of een vertegenwoordiger van de eigen levensbeschouwing, op '
                      'vraag van de bewoner'),
         purposes=['Geestelijke ondersteuning'], subjects=['Clients'],
         categories=['Naam van de klant', 'Religieuze overtuiging'],
         legal_bases=['Uitdrukkelijke toestemming'], retention=('Tot het einde van het verblijf', None),
         measures=[TOM_NL], no_recipients=True, location='EU', systems=SE_CLIENT_SYSTEMS),
    dict(title='Valdetectie met sensoren', section='clients', line=137,
         description=('Sensoren in de kamer melden een val of langdurige inactiviteit aan de verpleegpost '
                      'en aan de mobiele telefoon van de nachtverpleegkundige'),
         purposes=['Snel ingrijpen na een val'], subjects=['Clients'],
         categories=['Naam van de klant', 'Bewegingsgegevens, kamer en tijdstip', 'Gezondheidsgegevens'],
         legal_bases=['Vitaal belang', 'Toestemming'], retention=('72 uur', 'PT72H'), measures=[TOM_NL],
         recipients=[('Televic Healthcare NV', 'Belgium', None), ('CareCloud Inc.', 'United States', None)],
         location='outside-EU', systems=SE_CLIENT_SYSTEMS),
    dict(title='Facturatie aan bewoners en mutualiteiten', section='clients', line=187,
         description=('Maandelijkse factuur van dagprijs en supplementen; derdebetalersregeling met de '
                      'ziekenfondsen'),
         purposes=['Zorgen voor correcte betaling'], subjects=['Clients'],
         categories=['Naam van de klant', 'Bankrekening', 'Betalingsoverzicht, klantenrekening',
                     'Lidmaatschap ziekenfonds'],
         legal_bases=['Contract', 'Wettelijke verplichting'],
         retention=('Zeven jaar na het einde van het boekjaar waarin de factuur werd opgemaakt', 'P7Y'),
         measures=[TOM_NL],
         recipients=[('Christelijke Mutualiteit', 'Belgium', None), ('Solidaris', 'Belgium', None)],
         location='EU', systems=SE_CLIENT_SYSTEMS),
    dict(title='Deelname aan wetenschappelijk onderzoek', section='clients', line=241,
         description='Bewoners die toestemming geven, nemen deel aan onderzoek naar dementie',
         purposes=['Wetenschappelijk onderzoek'], subjects=['Clients'],
         categories=['Naam van de klant', 'Gezondheidsgegevens', 'Genetische gegevens'],
         legal_bases=['Uitdrukkelijke toestemming',
                      'Archivering in het algemeen belang, wetenschappelijk of historisch onderzoek of '
                      'statistiek'],
         retention=('20 jaar na afloop van de studie', 'P20Y'),
         measures=['Gepseudonimiseerd voor het de instelling verlaat'],
         recipients=[('KU Leuven', 'Belgium', None), ('Genomics Research Ltd', 'United Kingdom', None)],
         location='outside-EU', systems=SE_CLIENT_SYSTEMS),
    dict(title='Personeelsdossier', section='employees', line=293,
         description='Aanwerving, loonadministratie en opvolging van het zorgpersoneel',
         purposes=['Correcte verloning en personeelsbeheer'], subjects=['Staff'],
         categories=['Naam van de werknemer', 'Rijksregisternummer', 'Bankrekening',
                     'Loon- en remuneratiegegevens', "Diploma's"],
         legal_bases=['Contract', 'Wettelijke verplichting'],
         retention=('5 jaar na uitdiensttreding', 'P5Y'), measures=[TOM_NL],
         recipients=[('Sociaal secretariaat SD Worx', 'Belgium', None)], location='EU',
         systems=SE_STAFF_SYSTEMS),
    dict(title='Vaccinatiestatus zorgpersoneel', section='employees', line=337,
         description='Registratie van vaccinaties tegen griep en hepatitis B',
         purposes=['Bescherming van bewoners en personeel'], subjects=['Staff'],
         categories=['Naam van de werknemer', 'Gezondheidsgegevens'],
         legal_bases=['Wettelijke verplichting', 'Arbeidsrecht, sociale zekerheid en sociale bescherming'],
         retention=('zolang de tewerkstelling duurt', None),
         measures=['Enkel de arbeidsgeneesheer heeft toegang'],
         recipients=[('Externe preventiedienst Mensura', 'Belgium', None)], location='EU',
         systems=SE_STAFF_SYSTEMS),
    dict(title='Uittreksel uit het strafregister', section='employees', line=373,
         description='Opvragen van een uittreksel model 2 bij aanwerving',
         purposes=['Geschiktheid voor het werken met kwetsbare personen'], subjects=['Staff'],
         categories=['Naam van de werknemer', 'Strafrechtelijke veroordelingen'],
         legal_bases=['Wettelijke verplichting'],
         retention=('Tot de aanwerving is afgerond, daarna 6 maanden', 'P6M'), measures=[TOM_NL],
         no_recipients=True, location='EU', systems=SE_STAFF_SYSTEMS),
    dict(title='Leveranciers', section='suppliers', line=429, from_prose=True,
         description=('Wanneer we gegevens verzamelen, verwerken en opslaan over onze leveranciers, willen '
                      'we ervoor zorgen dat we alleen gegevens verzamelen, verwerken en opslaan die we echt'
                      ' nodig hebben. Van onze leveranciers (voeding, linnen, medisch materiaal) bewaren we'
                      ' de naam, het werk emailadres en het telefoonnummer van de contactpersoon en het '
                      'btw-nummer van de leverancier. Wij bewaren deze gegevens zeven jaar.'),
         subjects=['Suppliers?'], categories=['naam', 'werk emailadres', 'telefoonnummer', 'btw-nummer']),
]


HEIDEBEEK = [
    dict(title='Bevolkingsregister', section='clients', line=9,
         description=('Inschrijving van inwoners, adreswijzigingen en afgifte van uittreksels en '
                      'identiteitskaarten'),
         purposes=['Bijhouden van het bevolkingsregister'], subjects=['Clients'],
         categories=['Naam van de klant', 'Burgerschapsnummer, rijksregisternummer', 'Thuisadres',
                     'Samenstelling gezin', 'Nationaliteit', 'Huwelijkse staat'],
         legal_bases=['Algemeen belang', 'Wettelijke verplichting'],
         retention=('Permanent, overdracht aan het Rijksarchief na 100 jaar', 'P100Y'),
         measures=['Machtiging van het Sectoraal Comité', 'logging van elke raadpleging'],
         recipients=[('Rijksregister', 'Belgium', None), ('FOD Binnenlandse Zaken', 'Belgium', None),
                     ('Politiezone Heidebeek', 'Belgium', None)],
         location='EU', systems=HB_CLIENT_SYSTEMS),
    dict(title='Sociale dienst: leefloondossiers', section='clients', line=36,
         description='Sociaal onderzoek en toekenning van leefloon en aanvullende steun',
         purposes=['Recht op maatschappelijke integratie'], subjects=['Clients'],
         categories=['Naam van de klant', 'Inkomensgegevens', 'Gezondheidsgegevens',
                     'Strafrechtelijke veroordelingen', 'Bankrekening'],
         legal_bases=['Wettelijke verplichting', 'Zwaarwegend algemeen belang'],
         retention=('10 jaar na het afsluiten van het dossier, daarna vernietiging of overdracht aan het '
                    'archief', 'P10Y'),
         measures=[TOM_NL],
         recipients=[('POD Maatschappelijke Integratie', 'Belgium', None),
                     ('Kruispuntbank van de Sociale Zekerheid', 'Belgium', None)],
         location='EU', systems=HB_CLIENT_SYSTEMS),
    dict(title='Wij verwerken meldingen van burgers over de openbare ruimte.', section='clients', line=56,
         description='Meldingen van sluikstort, defecte verlichting en putten in de weg via app of loket',
         purposes=['Herstellingen plannen en de melder op de hoogte houden'], subjects=['Clients'],
         categories=['Naam van de klant', 'Persoonlijk telefoonnummer', 'Persoonlijk emailadres',
                     "Foto's, locatie en omschrijving van de melding"],
         legal_bases=['Algemeen belang'], retention=('twee jaar na afhandeling', 'P2Y'), measures=[TOM_NL],
         no_recipients=True, location='EU', systems=HB_CLIENT_SYSTEMS),
    dict(title='Camerabewaking (ANPR)', section='clients', line=75,
         description='Nummerplaatherkenning aan de invalswegen van de gemeente',
         purposes=['Veiligheid en handhaving van de lage-emissiezone'], subjects=['Clients', 'Bezoekers'],
         categories=['Nummerplaat', 'Camerabeelden', 'Datum & tijd'],
         legal_bases=['Wettelijke verplichting', 'Algemeen belang'], retention=('30 dagen', 'P30D'),
         measures=['Toegang enkel voor de politie'], recipients=[('Politiezone Heidebeek', 'Belgium', None)],
         location='EU', systems=HB_CLIENT_SYSTEMS),
    dict(title='Digitaal loket', section='clients', line=93,
         description='Online aanvragen van attesten en afspraken met de diensten',
         purposes=['Dienstverlening aan de burger'], subjects=['Clients'],
         categories=['Naam van de klant', 'Elektronische identificatiegegevens', 'IP-adres'],
         legal_bases=['Algemeen belang'], retention=('vijftien maanden', 'P15M'),
         measures=['Aanmelden met eID of itsme'],
         recipients=[('Digitaal Vlaanderen', 'Belgium', None), ('Cloudflare Inc.', 'Verenigde Staten', None),
                     ('Microsoft Ireland Operations Ltd', 'Ierland', None)],
         location='outside-EU', systems=HB_CLIENT_SYSTEMS),
    dict(title='Personeelsadministratie', section='employees', line=117,
         description='Aanwerving, verloning en loopbaan van het gemeentepersoneel',
         purposes=['Correcte verloning en personeelsbeheer'], subjects=['Staff'],
         categories=['Naam van de werknemer', 'Rijksregisternummer', 'Loon- en remuneratiegegevens',
                     'Vakbondslidmaatschap'],
         legal_bases=['Wettelijke verplichting', 'Arbeidsrecht, sociale zekerheid en sociale bescherming'],
         retention=('5 jaar na uitdiensttreding', 'P5Y'), measures=[TOM_NL],
         recipients=[('Cipal Schaubroeck NV', 'Belgium', None), ('Federale Pensioendienst', 'Belgium', None)],
         location='EU'),
    dict(title='Tijdsregistratie', section='employees', line=135, description='Prikklok en verlofaanvragen',
         purposes=['Opvolging van arbeidstijd'], subjects=['Staff'],
         categories=['Naam van de werknemer', 'Aanwezigheid op het werk', 'Badgenummer'],
         legal_bases=['Contract'], retention=('drie jaar', 'P3Y'), measures=[TOM_NL], no_recipients=True,
         location='EU'),
    dict(title='Uitwisseling met het OCMW', section='sharing', line=156,
         description='Gegevens van cliënten van de sociale dienst voor het sociaal onderzoek',
         purposes=['Toekennen van steun'], subjects=['Clients?'],
         categories=['Naam van de klant', 'Rijksregisternummer', 'Inkomensgegevens'],
         legal_bases=['Wettelijke verplichting'], recipients=[('OCMW Heidebeek', 'Belgium', 'third party')],
         systems=HB_CLIENT_SYSTEMS),
    dict(title='Afvalophaling', section='sharing', line=169,
         description='Adressen voor de huis-aan-huisophaling en containerpark', purposes=['Afvalbeleid'],
         subjects=['Clients?'], categories=['Naam van de klant', 'Thuisadres'],
         legal_bases=['Algemeen belang'], recipients=[('Intercommunale IVBO', 'Belgium', 'third party')],
         systems=HB_CLIENT_SYSTEMS),
]


PIXELFORGE = [
    dict(title='User accounts', section='clients', line=21,
         description='Sign-up and login of users of the Pixelforge design app',
         purposes=['Provide the service'], subjects=['Clients'],
         categories=['Name of the client', 'Personal email address', 'Login credentials'],
         legal_bases=['Contract'], retention=('Until the account is deleted', None),
         measures=['Passwords are hashed', 'two-factor authentication is available'], no_recipients=True,
         location='EU', systems=PF_CLIENT_SYSTEMS),
    dict(title='Analytics: product usage statistics', section='clients', line=59,
         description='Measuring which features are used, to decide what to build next',
         purposes=['Improve the product'], subjects=['Clients'],
         categories=['Electronic identification data', 'IP address',
                     'Usage data, pages, clicks and session length'],
         legal_bases=['Legitimate interests'], retention=('26 months', 'P26M'), measures=[TOM_EN],
         recipients=[('Mixpanel Inc.', 'United States', None), ('Amplitude, Inc.', 'United States', None)],
         location='outside-EU', systems=PF_CLIENT_SYSTEMS),
    dict(title='Customer support', section='clients', line=95,
         description='Answering questions and bug reports by e-mail and chat', purposes=['Help users'],
         subjects=['Clients'],
         categories=['Name of the client', 'Personal email address', 'Content of correspondence'],
         legal_bases=['Contract', 'Legitimate interests'],
         retention=('3 years after the last ticket', 'P3Y'), measures=[TOM_EN],
         recipients=[('Zendesk, Inc.', 'United States', None),
                     ('Intercom R&D Unlimited Company', 'Ireland', None)],
         location='outside-EU', systems=PF_CLIENT_SYSTEMS),
    dict(title='Subscription billing', section='clients', line=131,
         description='Monthly and yearly subscriptions paid by card', purposes=['Ensure correct payment'],
         subjects=['Clients'],
         categories=['Name of the client', 'Payment overview, customer account',
                     'Credit card number (last 4 digits)', 'Billing address'],
         legal_bases=['Contract', 'Legal obligation'], retention=('7 years', 'P7Y'),
         measures=['Card data never reaches our servers'],
         recipients=[('Stripe Payments Europe Ltd', 'Ireland', None),
                     ('Stripe, Inc.', 'United States', None)],
         location='outside-EU', systems=PF_CLIENT_SYSTEMS),
    dict(title='Beta tester programme: feedback interviews', section='clients', line=169,
         description='Video interviews with users who volunteer to test new features',
         purposes=['Learn what users need'], subjects=['Clients', 'Prospects'],
         categories=['Name of the client', 'Work email address', 'Video recording'], legal_bases=['Consent'],
         retention=('one year and six months after the interview', 'P1Y6M'), measures=[TOM_EN],
         no_recipients=True, location='EU', systems=PF_CLIENT_SYSTEMS),
    dict(title='We send product updates to users who opted in.', section='clients', line=205,
         description='Monthly e-mail about new features', purposes=['Keep users informed'],
         subjects=['Clients'], categories=['Personal email address'], legal_bases=['Consent'],
         retention=('Until the user unsubscribes', None), measures=[TOM_EN],
         recipients=[('Brevo SAS', 'France', None)], location='EU', systems=PF_CLIENT_SYSTEMS),
    dict(title='Suppliers', section='suppliers', line=249, from_prose=True,
         description=('When we collect, process and store data about our suppliers, we want to make sure '
                      'that we only collect, process and store data that we really need and that we are '
                      'allowed to process in this way. We only keep the name and work email address of our '
                      'contacts at suppliers, for as long as we work with them.'),
         subjects=['Suppliers?'], categories=['name', 'work email address']),
]


HOLLOWBROOK = [
    dict(title='Café loyalty card: points and birthday treats', section='clients', line=7,
         description='A stamp card in our app; members get a free cake on their birthday',
         purposes=['Reward regular customers'], subjects=['Clients'],
         categories=['Name of the client', 'Date of birth / Age', 'Personal email address'],
         legal_bases=['Consent'], retention=('1 year and 6 months after the last visit', 'P1Y6M'),
         measures=['None beyond the app’s own'], recipients=[('Loyaltee Inc.', 'United States', None)],
         location='outside-EU', systems=['Square POS?']),
    dict(title='Table reservations', section='clients', line=25,
         description='Booking a table by phone or online', purposes=['Manage the dining room'],
         subjects=['Clients'],
         categories=['Name of the client', 'Personal phone number', 'Dietary requirements'],
         legal_bases=['Contract'], retention=('30 days', 'P30D'), measures=[TOM_EN], no_recipients=True,
         location='EU', systems=['Square POS?']),
    dict(title='Rota and wages', section='employees', line=45,
         description='Weekly rota, hours worked and wages of the café staff',
         purposes=['Pay staff correctly'], subjects=['Staff'],
         categories=['Name of the employee', 'Bank account', 'Salary details', 'Hours worked'],
         legal_bases=['Contract', 'Legal obligation'],
         retention=('six years after the end of the tax year', 'P6Y'), measures=[TOM_EN],
         recipients=[('Revenue Commissioners', 'Ireland', None)], location='EU', systems=['Square Team?']),
    dict(title='Suppliers', section='suppliers', line=70, from_prose=True,
         description=('When we collect, process and store data about our suppliers, we want to make sure '
                      'that we only collect, process and store data that we really need and that we are '
                      'allowed to process in this way. We keep the name, work email address and work phone '
                      'number of the people at our bakeries, dairies and coffee roasters who take our '
                      'orders, for as long as we buy from them.'),
         subjects=['Suppliers?'], categories=['name', 'work email address', 'work phone number', 'orders']),
    dict(title='Accountant', section='sharing', line=73, description='Year-end accounts and payroll returns',
         purposes=['Meet our tax obligations'], subjects=['Staff?'],
         categories=['Name of the employee', 'Salary details'], legal_bases=['Legal obligation'],
         recipients=[('Byrne & Walsh Accountants', 'Ireland', 'third party')], systems=['Square Team?']),
]


CONTROLLERS = {
    "northwind-freight-review-en": (Controller(
        name="Northwind Freight Services B.V.", address="Havenweg 41 3089 JB Rotterdam",
        country="Netherlands", registration_number="24567890", contact_name="Sanne de Wit",
        contact_email="privacy@northwind-freight.nl"), "2023-05-16", "en"),
    "sint-elisabeth-zorg-review-nl": (Controller(
        name="Woonzorgcentrum Sint-Elisabeth vzw", address="Kloosterstraat 5 8500 Kortrijk",
        country="Belgium", registration_number="0456.789.123", contact_name="Dr. An Vermeulen",
        contact_email="dpo@sint-elisabeth.be"), "2023-03-14", "nl"),
    "heidebeek-gemeente-review-nl": (Controller(  # the e-mail is empty in the export
        name="Lokaal Bestuur Heidebeek", address="Marktplein 1 3590 Heidebeek", country="Belgium",
        registration_number="0207.456.321", contact_name="Joris Claes", contact_email=None),
        "2024-01-05", "nl"),
    "pixelforge-labs-review-en": (Controller(
        name="Pixelforge Labs OÜ", address="Telliskivi 60a 10412 Tallinn", country="Estonia",
        registration_number="14998877", contact_name="Kadri Tamm", contact_email="privacy@pixelforge.io"),
        "2024-02-07", "en"),
    "hollowbrook-cafe-review-en": (Controller(
        name="Hollowbrook Café Ltd", address="3 Market Street Galway H91 T2X8", country="Ireland",
        registration_number="702345", contact_name="Niamh O’Connor", contact_email="hello@hollowbrook.ie"),
        "2024-06-07", "en"),
}

SYSTEMS = {
    "northwind-freight-review-en": [
        ("Cargoplanner TMS", "Transport management: bookings, routes and proof of delivery", "Private cloud",
         "Cargoplanner.nl", ("client-systems",)),
        ("Salesforce Sales Cloud", "CRM for business clients", "Public cloud", "Salesforce.com",
         ("client-systems",)),
        ("Microsoft 365", "E-mail, documents and Teams", "Public cloud", "Microsoft.com",
         ("client-systems", "employee-systems")),
        ("Talkdesk", "Cloud call centre", "Public cloud", "Talkdesk.com", ("client-systems",)),
        ("Handheld scanners", "Scanners used by drivers for signatures and photos", "Other",
         "Zebra Technologies", ("client-systems",)),
        ("AFAS Profit", "HR and payroll", "Public cloud", "AFAS Software", ("employee-systems",)),
        ("Webfleet", "Fleet telematics", "Public cloud", "Webfleet Solutions", ("employee-systems",)),
        ("Tachograph download station", "Reads driver cards in the depot", "Other", "Continental VDO",
         ("employee-systems",))],
    "sint-elisabeth-zorg-review-nl": [
        ("CareConnect", "Elektronisch zorgdossier, medicatie en planning", "Private cloud", "Corilus NV",
         ("client-systems",)),
        ("Microsoft 365", "Mail, agenda en documenten", "Public cloud", "Microsoft.com",
         ("client-systems", "employee-systems")),
        ("Valdetectiesysteem", "Sensoren en oproepsysteem in de kamers", "Other", "Televic Healthcare",
         ("client-systems",)),
        ("SD Worx Payroll", "Loonverwerking en personeelsdossier", "Public cloud", "SD Worx",
         ("employee-systems",))],
    "heidebeek-gemeente-review-nl": [
        ("Cipal Burgerzaken", "Bevolking, burgerlijke stand en verkiezingen", "Private cloud",
         "Cipal Schaubroeck", ("client-systems",)),
        ("Meldingen-app Fixi", "App en webformulier voor meldingen", "Public cloud", "Fixi.nl",
         ("client-systems",)),
        ("ANPR-camera's", "Camera's aan de invalswegen", "Other", "Diverse", ("client-systems",))],
    "pixelforge-labs-review-en": [
        ("Amazon Web Services", "Hosting of the app and its database in Frankfurt", "Public cloud",
         "Amazon.com", ("client-systems",)),
        ("GitHub", "Source code and issue tracking", "Public cloud", "GitHub.com", ("client-systems",)),
        ("Zendesk", "Support tickets and chat", "Public cloud", "Zendesk.com", ("client-systems",))],
    "hollowbrook-cafe-review-en": [
        ("Square POS", "Till and card payments", "Public cloud", "Squareup.com", ("client-systems",)),
        ("Square Team", "Rota and timesheets", "Public cloud", "Squareup.com", ("employee-systems",))],
}

EXPECTED = {"northwind-freight-review-en": NORTHWIND, "sint-elisabeth-zorg-review-nl": ELISABETH,
            "heidebeek-gemeente-review-nl": HEIDEBEEK, "pixelforge-labs-review-en": PIXELFORGE,
            "hollowbrook-cafe-review-en": HOLLOWBROOK}


# --- whole registers -------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", EXPECTED)
def test_every_activity_and_field(registers, name):
    assert compact(registers[name], with_systems=True) == EXPECTED[name]


@pytest.mark.parametrize("name", EXPECTED)
def test_controller_date_language_and_source(registers, name):
    register = registers[name]
    assert (register.controller, register.date, register.language) == CONTROLLERS[name]
    assert (register.source, register.source_file) == ("GDPRWise.eu", str(DATA / f"{name}.txt"))


@pytest.mark.parametrize("name", EXPECTED)
def test_systems_and_their_sections(registers, name):
    assert systems_of(registers[name]) == SYSTEMS[name]


def test_large_register_has_every_record_in_its_section(registers):
    counts = Counter(a.section for a in registers["northwind-freight-review-en"].activities)
    assert counts == {"clients": 13, "employees": 9, "suppliers": 1, "sharing": 5}


def test_pdf_export_reads_like_the_text_export():
    assert without_lines(read_gdprwise(ELISABETH_PDF)) == without_lines(read_gdprwise(ELISABETH_PATH))


# --- encodings and line layout --------------------------------------------------------------------------
def test_crlf_bom_tabs_and_trailing_spaces_change_nothing(registers):
    raw = NORTHWIND_PATH.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw and b"\t" in raw
    text = raw.decode("utf-8-sig")
    plain = "\n".join(re.sub(r"[ \t]+", " ", line).strip() for line in text.split("\r\n"))
    for variant in (text, "\ufeff" + text, plain, plain.replace("\n", "\r")):
        assert parse_gdprwise_text(variant, str(NORTHWIND_PATH)) == registers["northwind-freight-review-en"]


def test_blank_lines_after_every_line_or_none_read_the_same(registers):
    text = ELISABETH_PATH.read_text("utf-8")
    assert "\n\n" in text and "\u00a0" in text
    packed = "\n".join(line for line in text.split("\n") if line.strip())
    assert without_lines(parse_gdprwise_text(packed, str(ELISABETH_PATH))) == without_lines(
        registers["sint-elisabeth-zorg-review-nl"])


def test_windows_1252_file_is_decoded(registers):
    raw = HOLLOWBROOK_PATH.read_bytes()
    assert b"Caf\xe9" in raw and b"\xa0" in raw
    first = registers["hollowbrook-cafe-review-en"].activities[0]
    assert first.title == "Café loyalty card: points and birthday treats"


def test_unwrapped_paragraphs_are_not_taken_for_titles(registers):
    register = registers["hollowbrook-cafe-review-en"]
    assert [a.title for a in register.activities] == [
        "Café loyalty card: points and birthday treats", "Table reservations", "Rota and wages", "Suppliers",
        "Accountant"]
    assert not register.activities[3].description.endswith("privacy protocol.")  # not the sharing intro


# --- the cases the registers were written to break ---------------------------------------------------------
ACME = ["REGISTER OF PROCESSING ACTIVITIES AS CONTROLLER",
        "This is the register of Acme Ltd located at 1 Main Street Dublin Ireland with company registration "
        "number 123 .",
        "Name of the Privacy Coordinator : Jo Bloggs",
        "Email of the Privacy Coordinator : jo@acme.example"]


def read(*lines: str, header=ACME, **options) -> Register:
    return parse_gdprwise_text("\n".join([*header, *lines]), "acme.txt", **options)


@pytest.mark.parametrize(("sentence", "name", "address", "country", "number"), [
    (["This is the register of Northwind B.V.", "located at Havenweg 41 Rotterdam Netherlands with company "
      "registration number 24567890 ."],
     "Northwind B.V.", "Havenweg 41 Rotterdam", "Netherlands", "24567890"),
    (["This is the register of Acme Inc."], "Acme Inc.", None, None, None),
    (["This is the register of Acme."], "Acme", None, None, None),
    (["This is the register of Acme Ltd located at 5 Rue Neuve Genève Switzerland with company registration",
      "number CHE-123.456.789."], "Acme Ltd", "5 Rue Neuve Genève", "Switzerland", "CHE-123.456.789"),
    (["Dit is het register van Zorg N.V.", "gevestigd te Markt 1 2000 Antwerpen Belgium met "
      "bedrijfsregistratienummer 0123.456.789 ."], "Zorg N.V.", "Markt 1 2000 Antwerpen", "Belgium",
     "0123.456.789"),
])
def test_controller_sentence_wrapped_after_an_abbreviation(sentence, name, address, country, number):
    title = "REGISTER VAN VERWERKINGSACTIVITEITEN ALS" if sentence[0].startswith("Dit") else ACME[0]
    register = read(*activity(), header=[title, *sentence, *ACME[2:]])
    assert (register.controller.name, register.controller.address, register.controller.country,
            register.controller.registration_number) == (name, address, country, number)
    assert [a.title for a in register.activities] == ["Mailing"]


@pytest.mark.parametrize("after", [
    ["1. WHAT WE COLLECT, PROCESS AND STORE ABOUT OUR CLIENTS"],
    ["When we collect, process and store client data, we want to make sure that we only collect, process",
     "and store data that we really need and that we are allowed to process in this way. This section",
     "helps us design the right privacy protocol."],
    [],
])
def test_empty_coordinator_email_takes_nothing_from_the_next_line(after):
    header = [*ACME[:3], "Email of the Privacy Coordinator :", *after]
    register = read(*activity(), header=header)
    assert (register.controller.contact_name, register.controller.contact_email) == ("Jo Bloggs", None)
    assert [a.title for a in register.activities] == ["Mailing"]


def test_coordinator_values_on_the_next_line_are_read():
    header = [*ACME[:2], "Name of the Privacy Coordinator :", "Jo Bloggs",
              "Email of the Privacy Coordinator :", "jo@acme.example"]
    controller = read(*activity(), header=header).controller
    assert (controller.contact_name, controller.contact_email) == ("Jo Bloggs", "jo@acme.example")


@pytest.mark.parametrize("title", ["Data subjects: access requests", "Purpose: limitation review",
                                   "Type: approval of vehicles", "Legal basis: assessments (LIA)"])
def test_title_that_starts_like_a_label_with_a_colon(title):
    register = read(*activity("Newsletter"), *activity(title), *activity("Payroll"))
    assert [a.title for a in register.activities] == ["Newsletter", title, "Payroll"]
    assert register.activities[1].data_subjects[0].value == "Clients"


def test_label_with_its_value_on_one_line_still_works():
    [a] = read("Mailing", "Description: Sending mail", "Purpose : Marketing").activities
    assert (a.title, a.description, a.purposes) == ("Mailing", "Sending mail", ("Marketing",))


@pytest.mark.parametrize(("text", "expected"), [
    ("Legal obligation, Employment, social security and social protection law",
     ("Legal obligation", "Employment, social security and social protection law")),
    ("Consent and Establishment, exercise or defence of legal claims",
     ("Consent", "Establishment, exercise or defence of legal claims")),
    ("Wettelijke verplichting en Verplichtingen op het gebied van arbeidsrecht en sociale zekerheid",
     ("Wettelijke verplichting", "Verplichtingen op het gebied van arbeidsrecht en sociale zekerheid")),
    ("Contract, Legal obligation and Consent", ("Contract", "Legal obligation", "Consent")),
])
def test_legal_bases_that_contain_a_comma_or_and_stay_whole(text, expected):
    [a] = read(*activity(legal_basis=text)).activities
    assert a.legal_bases == expected


def test_legal_basis_and_country_hooks_replace_the_vocabulary():
    lines = activity(legal_basis="Foo, bar and Baz", third_party_recipients="A (Atlantis), B (Belgium)")
    [a] = read(*lines, known_legal_basis={"Foo, bar"}.__contains__,
               known_country={"Atlantis"}.__contains__).activities
    assert a.legal_bases == ("Foo, bar", "Baz")
    assert [(r.name, r.country) for r in a.recipients] == [("A", "Atlantis"), ("B", "Belgium")]


def test_recipient_countries_beyond_the_eu_and_in_dutch():
    recipients = ("Teleperformance (Philippines), Alibaba Cloud (China), Spotify AB (Zweden), "
                  "Acme, B.V. (Nederland), Zendesk, Inc. (US), Courier (express), Lab (Payroll)")
    [a] = read(*activity(third_party_recipients=recipients)).activities
    assert [(r.name, r.country) for r in a.recipients] == [
        ("Teleperformance", "Philippines"), ("Alibaba Cloud", "China"), ("Spotify AB", "Zweden"),
        ("Acme, B.V.", "Nederland"), ("Zendesk, Inc.", "US"), ("Courier (express)", None),
        ("Lab (Payroll)", None)]


def test_recipients_one_a_line_without_commas():
    lines = activity(third_party_recipients="DHL Express (Germany)\nFedEx Corporation (United States)\nAcme")
    [a] = read(*lines).activities
    assert [(r.name, r.country) for r in a.recipients] == [
        ("DHL Express", "Germany"), ("FedEx Corporation", "United States"), ("Acme", None)]


@pytest.mark.parametrize("title", ["SYSTEMS ACCESS LOGGING", "WHAT WE DO WITH CVS", "CCTV", "2. Payroll"])
def test_upper_case_title_that_opens_like_a_heading(title):
    register = read(*activity(), *activity(title), "6. SYSTEMS WE USE WHEN PROCESSING DATA OF OUR EMPLOYEES")
    assert [(a.title, a.section) for a in register.activities] == [("Mailing", "clients"), (title, "clients")]


@pytest.mark.parametrize(("text", "duration"), [
    ("1 year and 6 months after the last visit", "P1Y6M"), ("2 jaar en 6 maanden", "P2Y6M"),
    ("one year and six months", "P1Y6M"), ("1 an et 6 mois", "P1Y6M"), ("3 years, 2 months", "P3Y2M"),
    ("2 days, 12 hours", "P2DT12H"), ("6 months and 2 years", "P6M"), ("2 years and 2 years", "P2Y"),
    ("1 month and 2 weeks", "P1M14D"), ("6 weeks", "P6W"),
    ("vijftien jaar", "P15Y"), ("twenty years", "P20Y"), ("vijftien maanden", "P15M"),
    ("honderd jaar", "P100Y"),
    ("Ten years after the declaration, or longer", "P10Y"), ("1,5 jaar", "P1.5Y"),
    ("Until the subscriber unsubscribes", None),
])
def test_parse_duration_of_compound_periods_and_number_words(text, duration):
    assert parse_duration(text) == duration


# --- missing and empty sections -------------------------------------------------------------------------
_NW_SECTION_STARTS = {1: "1. WHAT WE", 2: "When we collect, process and store data about our employees",
                      3: "3. WHAT WE", 4: "When we share data", 5: "When we process client data",
                      6: "6. SYSTEMS"}
_HEADING_LINE = re.compile(r"([1-6]\.|WHAT WE|EMPLOYEES$)")


def _northwind_without(sections: tuple[int, ...], headings: bool) -> str:
    lines = NORTHWIND_PATH.read_bytes().decode("utf-8-sig").split("\r\n")
    starts = {n: next(i for i, l in enumerate(lines) if l.startswith(s))
              for n, s in _NW_SECTION_STARTS.items()}
    ends = {n: starts.get(n + 1, len(lines)) for n in starts}
    return "\n".join(l for i, l in enumerate(lines)
                     if not any(starts[n] <= i < ends[n] for n in sections)
                     and (headings or not _HEADING_LINE.match(l)))


@pytest.mark.parametrize("headings", [True, False], ids=["headings", "no-headings"])
@pytest.mark.parametrize("sections", [(1,), (2,), (3,), (4,), (5,), (6,), (3, 4), (2, 6), (1, 5), (5, 6),
                                      (2, 3, 4, 6)], ids=str)
def test_register_without_some_sections_keeps_the_others(registers, sections, headings):
    full = registers["northwind-freight-review-en"]
    register = parse_gdprwise_text(_northwind_without(sections, headings), "northwind.txt")
    number = {"clients": 1, "employees": 2, "suppliers": 3, "sharing": 4}
    assert Counter(a.section for a in register.activities) == Counter(
        a.section for a in full.activities if number[a.section] not in sections)
    gone = {s for n, s in ((5, "client-systems"), (6, "employee-systems")) if n in sections}
    assert {s.name: s.sections for s in register.systems} == {
        s.name: tuple(x for x in s.sections if x not in gone) for s in full.systems if set(s.sections) - gone}


def test_printed_but_empty_sections_add_nothing(registers):
    heidebeek = registers["heidebeek-gemeente-review-nl"]  # section 6 printed without records
    assert {s for system in heidebeek.systems for s in system.sections} == {"client-systems"}
    assert all(not a.systems for a in heidebeek.activities if a.section == "employees")
    pixelforge = registers["pixelforge-labs-review-en"]  # section 4 printed without records
    assert [a.section for a in pixelforge.activities].count("sharing") == 0
    assert "share data" not in pixelforge.activities[-1].description


# --- bad input names the file and the line --------------------------------------------------------------
def test_truncated_register_names_the_file_and_the_label_line(tmp_path):
    lines = ELISABETH_PATH.read_text("utf-8").split("\n")
    cut = next(i for i, l in enumerate(lines) if l == "Rechtsgrond")  # first record's "Rechtsgrond"
    truncated = tmp_path / "truncated.txt"
    truncated.write_text("\n".join(lines[:cut + 1]), "utf-8")
    with pytest.raises(InputError, match="'Rechtsgrond' has no value") as error:
        read_gdprwise(truncated)
    assert str(error.value).startswith(f"{truncated}:{cut + 1}: ")


def test_record_without_title_in_a_crlf_file_names_the_right_line(tmp_path):
    lines = NORTHWIND_PATH.read_bytes().decode("utf-8-sig").split("\r\n")
    title = lines.index("Shipment booking and delivery")  # right after the location line
    broken = tmp_path / "broken.txt"
    broken.write_bytes(("\ufeff" + "\r\n".join(lines[:title] + lines[title + 1:])).encode("utf-8"))
    with pytest.raises(InputError, match="no title") as error:
        read_gdprwise(broken)
    assert str(error.value).startswith(f"{broken}:{title + 1}: ")


def test_missing_controller_sentence_names_the_line(tmp_path):
    lines = PIXELFORGE_PATH.read_bytes().decode("utf-8").split("\r\n")
    start = next(i for i, l in enumerate(lines) if l.startswith("This is the register"))
    bad = tmp_path / "bad.txt"
    bad.write_bytes("\r\n".join(lines[:start] + lines[start + 4:]).encode("utf-8"))
    with pytest.raises(InputError, match="controller sentence") as error:
        read_gdprwise(bad)
    assert error.value.path == str(bad) and error.value.line is not None
