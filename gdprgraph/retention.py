"""Retention periods: find the stated number in free text and turn it into an ISO 8601 duration.

Registers state retention as prose ("Alle prospects … worden na 2 jaar verwijderd", "30 jaar na het
einde van het contract", "13 months", "deux ans"). Every reader keeps that text and calls
:func:`parse_duration` to add a machine-readable duration when, and only when, the text states a number.
"""
from __future__ import annotations

import re
import unicodedata

# Unit words (nl, en, fr; singular and plural) → ISO 8601 designator. Hours go in the time part.
_UNITS = {
    "Y": ("jaar", "jaren", "year", "years", "yr", "yrs", "an", "ans", "annee", "annees"),
    "M": ("maand", "maanden", "month", "months", "mois"),
    "W": ("week", "weken", "weeks", "semaine", "semaines"),
    "D": ("dag", "dagen", "day", "days", "jour", "jours"),
    "H": ("uur", "uren", "hour", "hours", "heure", "heures"),
}
_UNIT_OF = {word: code for code, words in _UNITS.items() for word in words}

# Number words 1–12: "twee jaar", "two years", "deux ans". "een"/"un" double as articles ("een jaar"
# = one year), which is what a register means by them.
_NUMBER_WORDS = {
    1: ("een", "one", "un", "une"),
    2: ("twee", "two", "deux"),
    3: ("drie", "three", "trois"),
    4: ("vier", "four", "quatre"),
    5: ("vijf", "five", "cinq"),
    6: ("zes", "six"),
    7: ("zeven", "seven", "sept"),
    8: ("acht", "eight", "huit"),
    9: ("negen", "nine", "neuf"),
    10: ("tien", "ten", "dix"),
    11: ("elf", "eleven", "onze"),
    12: ("twaalf", "twelve", "douze"),
}
_NUMBER_OF = {word: n for n, words in _NUMBER_WORDS.items() for word in words}

_UNIT_RE = "|".join(sorted(_UNIT_OF, key=len, reverse=True))
_NUMBER_RE = r"\d+(?:[.,]\d+)?|" + "|".join(sorted(_NUMBER_OF, key=len, reverse=True))
_DURATION_RE = re.compile(rf"\b({_NUMBER_RE})\s*-?\s*({_UNIT_RE})\b")


def _fold(text: str) -> str:
    """Lower case without accents, so "één jaar", "années" and "EEN JAAR" match the same words."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def parse_duration(text: str | None) -> str | None:
    """The first duration stated in ``text`` as ISO 8601 ("P2Y", "P13M", "P6W", "P30D", "PT24H").

    Returns ``None`` when the text states no number ("gedurende de verjaringstermijn", "until the end of
    the contract"): an event-bound or indeterminate period is not guessed here. A decimal ("1,5 jaar")
    keeps its fraction ("P1.5Y").
    """
    if not text:
        return None
    match = _DURATION_RE.search(_fold(text))
    if match is None:
        return None
    number, unit = match.groups()
    value = str(_NUMBER_OF[number]) if number in _NUMBER_OF else number.replace(",", ".")
    if "." in value:
        value = value.rstrip("0").rstrip(".") or "0"
    else:
        value = str(int(value))
    code = _UNIT_OF[unit]
    return f"PT{value}H" if code == "H" else f"P{value}{code}"
