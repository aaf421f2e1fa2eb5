"""Wrong keyboard layout: «uhfyn yrj» typed on a Latin layout means «грант нко»."""

from __future__ import annotations

_EN = "qwertyuiop[]asdfghjkl;'zxcvbnm,.`"
_RU = "йцукенгшщзхъфывапролджэячсмитьбюё"
_TO_RU = str.maketrans(_EN, _RU)
_TO_EN = str.maketrans(_RU, _EN)
_EN_CHARS = frozenset(_EN + _EN.upper())
_RU_CHARS = frozenset(_RU + _RU.upper())


def _convertible(chunk: str, alphabet: frozenset[str]) -> bool:
    return any(ch.isalpha() for ch in chunk) and all(ch in alphabet or ch.isdigit() for ch in chunk)


def switch_layout(text: str) -> str | None:
    """The text retyped on the other layout, or None when nothing converts.

    Only whole chunks made of one layout's keys convert, so «44-фз» or a
    mixed-script word are left as they are.
    """
    changed = False
    out: list[str] = []
    for chunk in text.lower().split():
        if _convertible(chunk, _EN_CHARS):
            out.append(chunk.translate(_TO_RU).replace("ё", "е"))
            changed = True
        elif _convertible(chunk, _RU_CHARS):
            out.append(chunk.translate(_TO_EN))
            changed = True
        else:
            out.append(chunk)
    return " ".join(out) if changed else None
