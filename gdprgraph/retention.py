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

# Number words 1–20 and some tens: "twee jaar", "two years", "deux ans", "vijftien jaar". "een"/"un" double
# as articles ("een jaar" = one year), which is what a register means by them.
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
    13: ("dertien", "thirteen", "treize"),
    14: ("veertien", "fourteen", "quatorze"),
    15: ("vijftien", "fifteen", "quinze"),
    16: ("zestien", "sixteen", "seize"),
    17: ("zeventien", "seventeen"),
    18: ("achttien", "eighteen"),
    19: ("negentien", "nineteen"),
    20: ("twintig", "twenty", "vingt"),
    30: ("dertig", "thirty", "trente"),
    40: ("veertig", "forty", "quarante"),
    50: ("vijftig", "fifty", "cinquante"),
    100: ("honderd", "hundred", "cent"),
}
_NUMBER_OF = {word: n for n, words in _NUMBER_WORDS.items() for word in words}

_UNIT_RE = "|".join(sorted(_UNIT_OF, key=len, reverse=True))
_NUMBER_RE = r"\d+(?:[.,]\d+)?|" + "|".join(sorted(_NUMBER_OF, key=len, reverse=True))
_DURATION_RE = re.compile(rf"\b({_NUMBER_RE})\s*-?\s*({_UNIT_RE})\b")
# A further part of the same period: "1 jaar en 6 maanden", "2 years, 3 months", "1 an et 6 mois".
_MORE_RE = re.compile(rf"\s*(?:,|\+|\ben\b|\band\b|\bet\b)?\s*({_NUMBER_RE})\s*-?\s*({_UNIT_RE})\b")
_ORDER = "YMWDH"


def _fold(text: str) -> str:
    """Lower case without accents, so "één jaar", "années" and "EEN JAAR" match the same words."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def _number(word: str) -> str:
    value = str(_NUMBER_OF[word]) if word in _NUMBER_OF else word.replace(",", ".")
    if "." in value:
        return value.rstrip("0").rstrip(".") or "0"
    return str(int(value))


def parse_duration(text: str | None) -> str | None:
    """The first duration stated in ``text`` as ISO 8601 ("P2Y", "P13M", "P6W", "P30D", "PT24H", and
    "P1Y6M" for "1 year and 6 months").

    Returns ``None`` when the text states no number ("gedurende de verjaringstermijn", "until the end of
    the contract"): an event-bound or indeterminate period is not guessed here. A decimal ("1,5 jaar")
    keeps its fraction ("P1.5Y").
    """
    if not text:
        return None
    folded = _fold(text)
    match = _DURATION_RE.search(folded)
    if match is None:
        return None
    parts = {_UNIT_OF[match[2]]: _number(match[1])}
    while (more := _MORE_RE.match(folded, match.end())) and _UNIT_OF[more[2]] not in parts and (
            _ORDER.index(_UNIT_OF[more[2]]) > _ORDER.index(list(parts)[-1])):
        parts[_UNIT_OF[more[2]]] = _number(more[1])  # larger unit first, each unit once
        match = more
    if "W" in parts and len(parts) > 1:  # xsd:duration has no weeks; alone "P6W" is kept as ISO 8601 has it
        weeks = parts.pop("W")
        parts["D"] = _number(str(float(weeks) * 7 + float(parts.get("D", 0))))
    date = "".join(parts[c] + c for c in "YMWD" if c in parts)
    return "P" + date + (f"T{parts['H']}H" if "H" in parts else "")
