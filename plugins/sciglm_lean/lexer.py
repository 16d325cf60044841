"""Read Lean source into tokens as Lean's own tokenizer does, so the screen sees what Lean runs.

Handled as Lean handles them: nested ``/- -/`` and ``--`` comments (dropped), ``«…»``
identifier parts (``«sorry»`` is the identifier ``sorry``), dotted names, string literals with
escapes, raw strings (``r"…"``, ``r#"…"#``), char literals (``'a'``) versus primes in names
(``h'``), name literals (`` `foo ``), and ``#word`` commands. Characters Lean would not read as
they look are refused rather than guessed at: invisible and bidirectional-control characters
anywhere (they make text look unlike what is parsed), and letters Lean does not accept in names
(Cyrillic ``ѕ`` looks like ``s``) outside comments and strings; lone surrogates anywhere.

Interpolation fails closed: Lean reads a string as interpolated after some tokens (``s!``,
``m!``, ``f!``, ``throwError``, ``dbg_trace`` …, with or without a space before the quote) and
not after others (``panic!"{"`` is a plain string), and any parser may take an interpolated
string. Rather than guess which, a ``{`` inside any string literal is refused: without one, both
readings end the string at the same quote. Text that does not tokenize raises :class:`LexError`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

IDENT, SYMBOL, STRING, CHAR, NUMBER, NAME_LITERAL, HASH_COMMAND = (
    "ident",
    "symbol",
    "string",
    "char",
    "number",
    "name",
    "hash",
)


class LexError(ValueError):
    """The text cannot be read as Lean (unterminated comment or string, refused character)."""


@dataclass(frozen=True)
class Token:
    """One token: ``kind``, ``text`` (an identifier's name with ``«»`` removed), ``line``,
    ``column`` (0-based), and ``start`` (offset into the source)."""

    kind: str
    text: str
    line: int
    column: int
    start: int


def is_letter_like(c: str) -> bool:
    """Lean's ``isLetterLike`` (Greek but λ Π Σ, Coptic, letter-like block, math alphabets)."""
    o = ord(c)
    return (
        (0x3B1 <= o <= 0x3C9 and o != 0x3BB)
        or (0x391 <= o <= 0x3A9 and o not in (0x3A0, 0x3A3))
        or 0x3CA <= o <= 0x3FB
        or 0x1F00 <= o <= 0x1FFE
        or 0x2100 <= o <= 0x214F
        or 0x1D49C <= o <= 0x1D59F
    )


def is_subscript(c: str) -> bool:
    o = ord(c)
    return 0x2080 <= o <= 0x2089 or 0x2090 <= o <= 0x209C or 0x1D62 <= o <= 0x1D6A


def id_begin(c: str) -> bool:
    return (c.isascii() and c.isalpha()) or c == "_" or is_letter_like(c)


def id_rest(c: str) -> bool:
    return (c.isascii() and c.isalnum()) or c in "_'!?" or is_letter_like(c) or is_subscript(c)


#: Characters that are never allowed, even in comments: they change how text looks.
INVISIBLE = re.compile(
    "[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\u00ad\ud800-\udfff]"
)
CHAR_LITERAL = re.compile(r"'(\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|[\\\"'rnt])|[^'\\\n])'")
NUMBER_RE = re.compile(
    r"0[xX][0-9a-fA-F_]+|0[bB][01_]+|0[oO][0-7_]+|[0-9][0-9_]*(\.[0-9]+)?([eE][+-]?[0-9]+)?"
)
RAW_STRING = re.compile(r'r(#*)"')
#: Lean's escapes in a string: \\ \" \' \r \n \t, \xHH, \uHHHH, and a backslash-newline gap.
ESCAPE = re.compile(r"""\\(?:[\\"'rnt]|x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|\n[ \t\r\n]*)""")


def _refused_in_code(c: str) -> bool:
    """A character Lean would not read as it looks (a foreign letter, an odd space)."""
    if c.isascii():
        return not (c.isprintable() or c in "\n\t\r")
    if is_letter_like(c) or is_subscript(c) or c in "λΠΣ":  # λ Π Σ are Lean's own tokens
        return False
    category = unicodedata.category(c)
    if category in ("Lu", "Ll", "Lt", "Lo", "Nd"):
        return True  # Cyrillic ѕ, fullwidth ｓ, Arabic digits …: not part of Lean names
    return category in ("Zs", "Zl", "Zp", "Cc", "Cf", "Co", "Cn", "Cs")


class _Lexer:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens: list[Token] = []
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def where(self, i: int) -> tuple[int, int]:
        lo, hi = 0, len(self.line_starts) - 1
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if self.line_starts[mid] <= i:
                lo = mid
            else:
                hi = mid - 1
        return lo + 1, i - self.line_starts[lo]

    def emit(self, kind: str, text: str, start: int) -> None:
        line, column = self.where(start)
        self.tokens.append(Token(kind, text, line, column, start))

    def fail(self, what: str, i: int) -> LexError:
        line, column = self.where(i)
        return LexError(f"{what} at line {line}, column {column + 1}")

    def block_comment(self, i: int) -> int:
        depth, j, n = 1, i + 2, len(self.text)
        while j < n and depth:
            if self.text.startswith("/-", j):
                depth, j = depth + 1, j + 2
            elif self.text.startswith("-/", j):
                depth, j = depth - 1, j + 2
            else:
                j += 1
        if depth:
            raise self.fail("unterminated comment", i)
        return j

    def string(self, i: int) -> int:
        """Skip the string starting at ``text[i] == '"'``; refuse a ``{`` in it (see above)."""
        j, n = i + 1, len(self.text)
        while j < n:
            c = self.text[j]
            if c == "\\":
                j = self.escape(j)
            elif c == '"':
                self.emit(STRING, "", i)
                return j + 1
            elif c == "{":
                raise self.fail(
                    "'{' inside a string literal (Lean may read it as interpolated code)", j
                )
            else:
                j += 1
        raise self.fail("unterminated string literal", i)

    def escape(self, j: int) -> int:
        """Skip the escape sequence at ``text[j] == '\\'`` as Lean's ``quotedCharCoreFn`` reads
        it; refuse any other: after an invalid escape Lean resumes reading *inside* the string
        (error recovery), where the screen would not look."""
        m = ESCAPE.match(self.text, j)
        if m is None:
            raise self.fail("invalid escape sequence in a string literal", j)
        return m.end()

    def identifier(self, i: int) -> int:
        """Read a (dotted, «»-quoted) name; emit it with the quotes removed."""
        parts: list[str] = []
        j, n = i, len(self.text)
        while True:
            if j < n and self.text[j] == "«":
                end = self.text.find("»", j + 1)
                if end < 0:
                    raise self.fail("unterminated «identifier»", j)
                parts.append(self.text[j + 1 : end])
                j = end + 1
            elif j < n and id_begin(self.text[j]):
                k = j + 1
                while k < n and id_rest(self.text[k]):
                    k += 1
                parts.append(self.text[j:k])
                j = k
            else:
                break
            if (
                j + 1 < n
                and self.text[j] == "."
                and (id_begin(self.text[j + 1]) or self.text[j + 1] == "«")
            ):
                j += 1
                continue
            break
        self.emit(IDENT, ".".join(parts), i)
        return j

    def code(self, i: int) -> int:
        """Read code from ``i`` to the end."""
        text, n = self.text, len(self.text)
        while i < n:
            c = text[i]
            if c.isspace():
                i += 1
            elif text.startswith("--", i):
                end = text.find("\n", i)
                i = n if end < 0 else end
            elif text.startswith("/-", i):
                i = self.block_comment(i)
            elif c == '"':
                i = self.string(i)
            elif c == "r" and RAW_STRING.match(text, i):
                hashes = RAW_STRING.match(text, i).group(1)
                end = text.find('"' + hashes, i + 2 + len(hashes))
                if end < 0:
                    raise self.fail("unterminated raw string", i)
                if "{" in text[i:end]:
                    raise self.fail("'{' inside a string literal", i)
                self.emit(STRING, "", i)
                i = end + 1 + len(hashes)
            elif c == "'" and CHAR_LITERAL.match(text, i):
                self.emit(CHAR, "", i)
                i = CHAR_LITERAL.match(text, i).end()
            elif id_begin(c) or c == "«":
                i = self.identifier(i)
            elif c.isascii() and c.isdigit():
                m = NUMBER_RE.match(text, i)
                assert m is not None
                self.emit(NUMBER, m.group(0), i)
                i = m.end()
            elif (
                c == "`"
                and i + 1 < n
                and (text[i + 1] == "`" or id_begin(text[i + 1]) or text[i + 1] == "«")
            ):
                j = i + 1 + (text[i + 1] == "`")
                if j < n and (id_begin(text[j]) or text[j] == "«"):
                    before = len(self.tokens)
                    j = self.identifier(j)
                    name = self.tokens.pop(before)
                    self.emit(NAME_LITERAL, name.text, i)
                    i = j
                else:
                    self.emit(SYMBOL, "`", i)
                    i += 1
            elif c == "#" and i + 1 < n and id_begin(text[i + 1]):
                j = i + 1
                while j < n and (
                    id_rest(text[j]) or text[j] == "." and j + 1 < n and id_begin(text[j + 1])
                ):
                    j += 1
                self.emit(HASH_COMMAND, text[i:j], i)
                i = j
            elif text.startswith(":=", i) or text.startswith("@[", i):
                self.emit(SYMBOL, text[i : i + 2], i)
                i += 2
            else:
                if _refused_in_code(c):
                    name = unicodedata.name(c, f"U+{ord(c):04X}")
                    raise self.fail(f"character {c!r} ({name}) is not read by Lean as it looks", i)
                self.emit(SYMBOL, c, i)
                i += 1
        return i


def tokenize(text: str) -> list[Token]:
    """The tokens of Lean ``text`` (comments dropped, literals as opaque tokens)."""
    bad = INVISIBLE.search(text)
    if bad:
        lexer = _Lexer(text)
        raise lexer.fail(
            f"invisible, direction-changing or surrogate character U+{ord(bad.group()):04X}",
            bad.start(),
        )
    lexer = _Lexer(text)
    lexer.code(0)
    return lexer.tokens
