"""Latin spellings of Cyrillic place names, and a loose key for spelling variants.

War news spells the same town several ways: the official Ukrainian romanisation (Kreminna,
Hola Prystan), the Russian-era forms agencies still use (Kremennaya, Golaya Pristan, Krivoy
Rog), and mixtures (Hola Pristan). GeoNames lists the Russian Cyrillic names among a town's
alternate names; `russian_latin` turns them into the forms English copy uses (a simplified
BGN/PCGN romanisation, the one news agencies follow). `skeleton` folds what differs between
systems (y/i/j, kh/h/g, ye/e, ya/a, doubled letters) so that "Hola Pristan" finds "Hola
Prystan"; it is a fallback key, used only when the exact name finds nothing. `consonants` is
a looser key still, for the vowels Ukrainian and Russian spell differently in one name (Pisky
and Peski, Dvorichna and Dvurechnoye, Olenivka and Yelenovka): the places stage only trusts it
in a region the text names.
"""

from __future__ import annotations

import re

from . import fold

_RU = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "yo", "ж": "zh", "з": "z",
    "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r",
    "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh",
    "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu", "я": "ya",
    # Ukrainian and Belarusian letters, when a name mixes them in
    "і": "i", "ї": "yi", "є": "ye", "ґ": "g", "ў": "w",
}
_VOWELS = set("аеёиоуыэюяіїє")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")


def is_cyrillic(text: str) -> bool:
    return bool(_CYRILLIC.search(text))


def russian_latin(name: str) -> str:
    """"Кременная" -> "Kremennaya", "Кривой Рог" -> "Krivoy Rog", "Запорожье" -> "Zaporozhye",
    "Енакиево" -> "Yenakiyevo". Characters that are not Cyrillic pass through."""
    out = []
    prev = ""
    for ch in name:
        low = ch.lower()
        if low in _RU:
            latin = _RU[low]
            if low == "е" and (not prev or prev in _VOWELS or prev in "ьъ" or not prev.isalpha()):
                latin = "ye"  # at the start, after a vowel or a sign: Yenakiyevo, Zaporozhye
            if ch != low and latin:
                latin = latin[0].upper() + latin[1:]
            out.append(latin)
        else:
            out.append(ch)
        prev = low
    return "".join(out)


_SKELETON_STEPS = (
    (re.compile(r"shch"), "sch"),
    (re.compile(r"zhzh"), "zh"),
    (re.compile(r"[iy]?[iy]e"), "e"),   # -iye-, ye, ie
    (re.compile(r"[iy]?[iy]a"), "a"),   # -iya, ya, ia
    (re.compile(r"[iy]?[iy]u"), "u"),   # yu, iu
    (re.compile(r"[iy]?[iy]o"), "o"),   # yo, io
    (re.compile(r"[iyj]+"), "i"),
    (re.compile(r"kh|g"), "h"),
    (re.compile(r"tz|ts"), "c"),
    (re.compile(r"w"), "v"),
    (re.compile(r"(.)\1+"), r"\1"),
    # Russian and Ukrainian endings of the same name: Stepanovka/Stepanivka,
    # Kurakhovo/Kurakhove, Arkhangelskoye/Arkhanhelske, Novoye/Nove
    (re.compile(r"[oei]vka\b"), "ivka"),
    (re.compile(r"ovo\b"), "ove"),
    (re.compile(r"(?<=sk)(?:oie|oe|e)\b"), "e"),
    (re.compile(r"(?<=n)(?:oie|oe|e)\b"), "e"),
)


def skeleton(name: str) -> str:
    """A loose key: "Hola Pristan" and "Hola Prystan", "Zaporizhzhia" and "Zaporizhia",
    "Andriivka" and "Andriyivka", "Stepanovka" and "Stepanivka" share one."""
    key = fold(name)
    for pattern, repl in _SKELETON_STEPS:
        key = pattern.sub(repl, key)
    return key


_CONSONANT_STEPS = (
    (re.compile(r"shch"), "sch"),
    (re.compile(r"kh|g"), "h"),
    (re.compile(r"tz|ts"), "c"),
    (re.compile(r"w"), "v"),
    (re.compile(r"['\u2019`]"), ""),
    # a word's first vowel (ye/ya/yo/yu included) is one mark: Olenivka and Yelenovka agree,
    # Amursk and Mayorsk do not
    (re.compile(r"\b(?:y?[aeiou]|y)[aeiouy]*"), "_"),
    (re.compile(r"[aeiouyj]+"), ""),
    (re.compile(r"[\s\-]+"), " "),
    (re.compile(r"(.)\1+"), r"\1"),
)


def consonants(name: str) -> str:
    """The loosest key: the name's consonants, a word's opening vowel as "_". "Pisky" and
    "Peski" give "psk", "Dvorichna" and "Dvurechnoye" "dvrchn", "Kurakhove" and "Kurakhovoy"
    "krhv". Empty when fewer than three consonants are left: shorter keys match too much."""
    key = fold(name)
    for pattern, repl in _CONSONANT_STEPS:
        key = pattern.sub(repl, key)
    key = key.strip()
    return key if sum(ch.isalpha() for ch in key) >= 3 else ""
