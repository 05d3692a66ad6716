"""Date vocabulary for the fast parsing paths: month names and relative-time words.

Ukrainian and Russian months in the genitive (``23 березня``), nominative and abbreviated forms;
English, German and French months so that common foreign pages skip dateparser too.
"""

from __future__ import annotations

import re

_MONTH_FORMS: dict[int, tuple[str, ...]] = {
    1: (
        "січня",
        "січень",
        "січ",
        "января",
        "январь",
        "янв",
        "january",
        "jan",
        "januar",
        "jänner",
        "jän",
        "janvier",
        "janv",
    ),
    2: (
        "лютого",
        "лютий",
        "лют",
        "февраля",
        "февраль",
        "фев",
        "february",
        "feb",
        "februar",
        "février",
        "fevrier",
        "févr",
        "fevr",
    ),
    3: (
        "березня",
        "березень",
        "бер",
        "марта",
        "март",
        "мар",
        "march",
        "mar",
        "märz",
        "maerz",
        "mär",
        "mars",
    ),
    4: ("квітня", "квітень", "квіт", "апреля", "апрель", "апр", "april", "apr", "avril", "avr"),
    5: ("травня", "травень", "трав", "мая", "май", "may", "mai"),
    6: ("червня", "червень", "черв", "июня", "июнь", "июн", "june", "jun", "juni", "juin"),
    7: ("липня", "липень", "лип", "июля", "июль", "июл", "july", "jul", "juli", "juillet", "juil"),
    8: ("серпня", "серпень", "серп", "августа", "август", "авг", "august", "aug", "août", "aout"),
    9: (
        "вересня",
        "вересень",
        "вер",
        "сентября",
        "сентябрь",
        "сент",
        "сен",
        "september",
        "sept",
        "sep",
        "septembre",
    ),
    10: (
        "жовтня",
        "жовтень",
        "жовт",
        "октября",
        "октябрь",
        "окт",
        "october",
        "oct",
        "oktober",
        "okt",
        "octobre",
    ),
    11: ("листопада", "листопад", "лист", "ноября", "ноябрь", "ноя", "november", "nov", "novembre"),
    12: (
        "грудня",
        "грудень",
        "груд",
        "декабря",
        "декабрь",
        "дек",
        "december",
        "dec",
        "dezember",
        "dez",
        "décembre",
        "decembre",
        "déc",
    ),
}

MONTHS: dict[str, int] = {form: num for num, forms in _MONTH_FORMS.items() for form in forms}

# Longest first so that "марта" wins over "мар"; a month word must not run on into more letters.
MONTH_RE = (
    "(?:" + "|".join(sorted(map(re.escape, MONTHS), key=len, reverse=True)) + r")(?![^\W\d_])"
)

# Relative units -> (field, precision). Matched as word prefixes on lower-cased text.
UNITS: tuple[tuple[str, str, str], ...] = (
    ("секунд", "seconds", "second"),
    ("сек", "seconds", "second"),
    ("second", "seconds", "second"),
    ("sec", "seconds", "second"),
    ("хвилин", "minutes", "minute"),
    ("хв", "minutes", "minute"),
    ("минут", "minutes", "minute"),
    ("мин", "minutes", "minute"),
    ("minute", "minutes", "minute"),
    ("min", "minutes", "minute"),
    ("годин", "hours", "hour"),
    ("год", "hours", "hour"),
    ("час", "hours", "hour"),
    ("ч", "hours", "hour"),
    ("hour", "hours", "hour"),
    ("hr", "hours", "hour"),
    ("дн", "days", "day"),
    ("день", "days", "day"),
    ("дня", "days", "day"),
    ("дней", "days", "day"),
    ("day", "days", "day"),
    ("тиж", "weeks", "day"),
    ("недел", "weeks", "day"),
    ("week", "weeks", "day"),
    # German ("vor 3 Stunden") and French ("il y a 3 heures")
    ("sekunde", "seconds", "second"),
    ("stunde", "hours", "hour"),
    ("std", "hours", "hour"),
    ("tag", "days", "day"),
    ("woche", "weeks", "day"),
    ("heure", "hours", "hour"),
    ("jour", "days", "day"),
    ("semaine", "weeks", "day"),
)
UNIT_RE = "(?:" + "|".join(sorted({u for u, _, _ in UNITS}, key=len, reverse=True)) + r")[\w.]*"

AGO_RE = r"(?:тому|назад|ago)"
AGO_BEFORE_RE = r"(?:vor|il y a)"  # the word comes first: "vor 3 Stunden", "il y a 2 heures"
ONE_WORDS = ("одну", "одна", "один", "a", "an", "one", "einer", "einem", "ein", "une", "un")
JUST_NOW = ("щойно", "только что", "just now", "прямо сейчас", "right now", "gerade eben",
            "soeben", "à l'instant")
DAY_WORDS: dict[str, int] = {
    "сьогодні": 0,
    "сегодня": 0,
    "today": 0,
    "вчора": 1,
    "вчера": 1,
    "yesterday": 1,
    "позавчора": 2,
    "позавчера": 2,
    "heute": 0,
    "gestern": 1,
    "vorgestern": 2,
    "aujourd'hui": 0,
}
DAY_WORD_RE = "(?:" + "|".join(sorted(DAY_WORDS, key=len, reverse=True)) + ")"


def unit_of(word: str) -> tuple[str, str] | None:
    """The (timedelta field, precision) of a relative unit word such as ``години``."""
    for prefix, unit, precision in UNITS:
        if word.startswith(prefix):
            return unit, precision
    return None


# Zone names printed next to a time ("2:05 p.m. ET", "14:05 MSK", "за київським часом"): a region
# (its offset on that day, DST included) or a fixed offset in minutes east of UTC.
ZONE_LABELS: dict[str, str | int] = {
    "et": "America/New_York", "eastern": "America/New_York", "est": -300, "edt": -240,
    "ct": "America/Chicago", "cst": -360, "cdt": -300,
    "mt": "America/Denver", "mst": -420, "mdt": -360,
    "pt": "America/Los_Angeles", "pst": -480, "pdt": -420,
    "bst": 60, "wet": 0, "west": 60,
    "cet": 60, "cest": 120, "mez": 60, "mesz": 120,
    "eet": 120, "eest": 180, "msk": 180, "мск": 180,
    "jst": 540, "kst": 540, "aest": 600, "aedt": 660,
    "за київським часом": "Europe/Kyiv", "за києвом": "Europe/Kyiv",
    "по киевскому времени": "Europe/Kyiv", "по киеву": "Europe/Kyiv",
    "по московскому времени": "Europe/Moscow", "по москве": "Europe/Moscow",
}
LABEL_RE = "(?:" + "|".join(sorted(map(re.escape, ZONE_LABELS), key=len, reverse=True)) + ")"

WEEKDAYS = frozenset((
    "понеділок", "вівторок", "середа", "четвер", "пʼятниця", "п'ятниця", "субота", "неділя",
    "пн", "вт", "ср", "чт", "пт", "сб", "нд",
    "понедельник", "вторник", "среда", "четверг", "пятница", "суббота", "воскресенье", "вс",
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
    "mon", "tue", "tues", "wed", "thu", "thur", "thurs", "fri", "sat", "sun",
    "montag", "dienstag", "mittwoch", "donnerstag", "freitag", "samstag", "sonntag",
    "mo", "di", "mi", "do", "fr", "sa", "so",
))
# Words a date line carries besides the date ("Опубліковано: … о 14:05", "Updated … ET")
DATE_LINE_WORDS = frozenset((
    "о", "об", "в", "во", "at", "um", "am", "pm", "a", "p", "m", "on", "le", "the", "uhr", "h",
    "г", "р", "року", "рік", "года", "год", "of", "и", "і", "та", "and", "und",
    "published", "posted", "updated", "update", "опубліковано", "опубликовано", "оновлено",
    "обновлено", "змінено", "изменено", "veröffentlicht", "aktualisiert", "stand", "datum",
    "date", "дата", "публікація", "публикация", "erstellt", "gepostet", "last", "modified",
    "utc", "gmt", "ago", "тому", "назад", "vor", "il", "y", "heute", "gestern",
))
