r"""Show LaTeX readably in a terminal: ``\frac{a}{b}`` → ``a/b``, ``x^2`` → ``x²``, ``\pi`` → ``π``.

A small scanner over the text, for display only: nothing is parsed as mathematics or evaluated.
Inside math (``$…$``, ``$$…$$``, ``\(…\)``, ``\[…\]``) commands, superscripts and subscripts are
converted; in prose only backslash commands are (so ``snake_case`` stays as it is). Code spans
and fenced code blocks are left untouched.
"""

from __future__ import annotations

import re

SYMBOLS = {
    # Greek
    "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ε", "varepsilon": "ε",
    "zeta": "ζ", "eta": "η", "theta": "θ", "vartheta": "ϑ", "iota": "ι", "kappa": "κ",
    "lambda": "λ", "mu": "μ", "nu": "ν", "xi": "ξ", "pi": "π", "varpi": "ϖ", "rho": "ρ",
    "sigma": "σ", "varsigma": "ς", "tau": "τ", "upsilon": "υ", "phi": "φ", "varphi": "φ",
    "chi": "χ", "psi": "ψ", "omega": "ω", "Gamma": "Γ", "Delta": "Δ", "Theta": "Θ",
    "Lambda": "Λ", "Xi": "Ξ", "Pi": "Π", "Sigma": "Σ", "Upsilon": "Υ", "Phi": "Φ", "Psi": "Ψ",
    "Omega": "Ω",
    # operators and relations
    "times": "×", "cdot": "·", "div": "÷", "pm": "±", "mp": "∓", "leq": "≤", "le": "≤",
    "geq": "≥", "ge": "≥", "neq": "≠", "ne": "≠", "approx": "≈", "sim": "∼", "equiv": "≡",
    "propto": "∝", "infty": "∞", "partial": "∂", "nabla": "∇", "sum": "∑", "prod": "∏",
    "int": "∫", "oint": "∮", "in": "∈", "notin": "∉", "subset": "⊂", "subseteq": "⊆",
    "cup": "∪", "cap": "∩", "emptyset": "∅", "forall": "∀", "exists": "∃", "neg": "¬",
    "land": "∧", "lor": "∨", "to": "→", "rightarrow": "→", "Rightarrow": "⇒", "leftarrow": "←",
    "Leftarrow": "⇐", "leftrightarrow": "↔", "iff": "⇔", "implies": "⇒", "mapsto": "↦",
    "circ": "∘", "degree": "°", "angle": "∠", "perp": "⊥", "parallel": "∥", "hbar": "ħ",
    "ell": "ℓ", "ldots": "…", "cdots": "⋯", "dots": "…", "vdots": "⋮", "prime": "′",
    "langle": "⟨", "rangle": "⟩", "lfloor": "⌊", "rfloor": "⌋", "lceil": "⌈", "rceil": "⌉",
    "mid": "|", "vert": "|", "Vert": "‖", "lbrace": "{", "rbrace": "}", "ast": "*",
    "star": "⋆", "bullet": "•", "therefore": "∴", "because": "∵", "aleph": "ℵ",
    # spacing and plain words
    "quad": "  ", "qquad": "    ", "space": " ", "displaystyle": "", "textstyle": "",
    "left": "", "right": "", "big": "", "Big": "", "bigg": "", "Bigg": "", "limits": "",
    "nonumber": "", "middle": "",
}
SPACING = {",": " ", ";": " ", ":": " ", "!": "", " ": " ", "\\": "\n"}
ESCAPED = set("{}%$&#_^|")
#: Commands whose single argument is shown as it is (fonts, text, wrappers).
WRAPPERS = {
    "text", "textrm", "textbf", "textit", "mathrm", "mathbf", "mathit", "mathsf", "mathtt",
    "operatorname", "mbox", "hbox", "textnormal", "emph", "bm", "boldsymbol", "mathcal",
    "mathbb", "mathfrak", "overline", "underline", "hat", "bar", "vec", "tilde", "dot",
    "widehat", "widetilde", "pmb",
}
FRACTIONS = {"frac", "dfrac", "tfrac", "cfrac"}
BOLD_SETS = {"R": "ℝ", "N": "ℕ", "Z": "ℤ", "Q": "ℚ", "C": "ℂ"}

SUPERSCRIPTS = dict(zip("0123456789+-=()niabcdefghjklmoprstuvwxyzABDEGHIJKLMNOPRTUVW",
                        "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁿⁱᵃᵇᶜᵈᵉᶠᵍʰʲᵏˡᵐᵒᵖʳˢᵗᵘᵛʷˣʸᶻᴬᴮᴰᴱᴳᴴᴵᴶᴷᴸᴹᴺᴼᴾᴿᵀᵁⱽᵂ", strict=True))
SUPERSCRIPTS.update({"∘": "°", "°": "°", "′": "′", "*": "*", "·": "˙"})
SUBSCRIPTS = dict(zip("0123456789+-=()aehijklmnoprstuvxβγρφχ",
                      "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎ₐₑₕᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓᵦᵧᵨᵩᵪ", strict=True))

_MATH = re.compile(
    r"\$\$(.+?)\$\$|\\\[(.+?)\\\]|\\\((.+?)\\\)"  # $$…$$, \[…\], \(…\)
    r"|(?<![\\$])\$(?!\s)([^$\n]*?[^\s$])\$(?!\d)",  # $…$ (not "$5 and $10")
    re.DOTALL,
)
_CODE = re.compile(r"```.*?(?:```|$)|`[^`\n]*`", re.DOTALL)


def to_unicode(text: str) -> str:
    """``text`` (Markdown with LaTeX) with its LaTeX made readable; code left as it is."""
    pieces: list[str] = []
    position = 0
    for match in _CODE.finditer(text):
        pieces.append(_prose(text[position : match.start()]))
        pieces.append(match.group(0))
        position = match.end()
    pieces.append(_prose(text[position:]))
    return "".join(pieces)


def _prose(text: str) -> str:
    """Math regions fully converted, the prose between them for backslash commands only."""
    pieces: list[str] = []
    position = 0
    for match in _MATH.finditer(text):
        pieces.append(convert(text[position : match.start()], math=False))
        display = match.group(1) is not None or match.group(2) is not None
        body = next(group for group in match.groups() if group is not None)
        converted = re.sub(r"(?<=\S) {2,}(?=\S)", " ", convert(body.strip(), math=True))
        pieces.append(f"\n\n{converted}\n\n" if display else converted)
        position = match.end()
    pieces.append(convert(text[position:], math=False))
    return "".join(pieces)


def convert(text: str, math: bool = True) -> str:
    """Convert one LaTeX fragment; ``math`` also turns ``^`` / ``_`` into super/subscripts."""
    return _Scanner(text, math).run()


class _Scanner:
    def __init__(self, text: str, math: bool) -> None:
        self.text = text
        self.math = math
        self.i = 0

    def run(self) -> str:
        out: list[str] = []
        while self.i < len(self.text):
            out.append(self.item())
        return "".join(out)

    # one unit: a command, a group, a script or a character
    def item(self) -> str:
        char = self.text[self.i]
        if char == "\\":
            return self.command()
        if self.math and char == "{":
            return convert(self.group(), self.math)
        if self.math and char in "^_":
            self.i += 1
            return _script(self.argument(), superscript=char == "^")
        if self.math and char == "~":
            self.i += 1
            return " "
        self.i += 1
        return char

    def command(self) -> str:
        self.i += 1
        if self.i >= len(self.text):
            return "\\"
        char = self.text[self.i]
        if not char.isalpha():
            self.i += 1
            if char in SPACING:
                return SPACING[char]
            return char if char in ESCAPED else "\\" + char
        match = re.match(r"[A-Za-z]+", self.text[self.i :])
        assert match is not None
        name = match.group(0)
        self.i += len(name)
        if name in FRACTIONS:
            top, bottom = self.argument(), self.argument()
            return f"{_wrap(top)}/{_wrap(bottom)}"
        if name in ("binom", "dbinom", "tbinom"):
            top, bottom = self.argument(), self.argument()
            return f"C({top},{bottom})"
        if name == "sqrt":
            index = self.optional()
            body = self.argument()
            root = {"": "√", "2": "√", "3": "∛", "4": "∜"}.get(index)
            if root is None:
                root = _script(index, superscript=True) + "√"
            return root + _wrap(body)
        if name in ("boxed", "fbox"):
            return f"**{self.argument()}**"
        if name == "mathbb":
            body = self.argument()
            return BOLD_SETS.get(body, body)
        if name in WRAPPERS:
            return self.argument()
        if name in ("begin", "end"):
            self.argument()
            return ""
        if name in SYMBOLS:
            return SYMBOLS[name]
        return name  # \sin, \log, \lim and unknown commands: the word itself

    def _skip_spaces(self) -> None:
        while self.i < len(self.text) and self.text[self.i] == " ":
            self.i += 1

    def group(self) -> str:
        """The raw text of the balanced ``{…}`` at the cursor (unclosed: to the end)."""
        depth, start = 0, self.i
        while self.i < len(self.text):
            char = self.text[self.i]
            if char == "\\":
                self.i += 2
                continue
            if char == "{":
                depth += 1
            elif char == "}":
                depth -= 1
                if depth == 0:
                    self.i += 1
                    return self.text[start + 1 : self.i - 1]
            self.i += 1
        return self.text[start + 1 :]

    def argument(self) -> str:
        """The next argument, converted: a ``{…}`` group, a command, or one character."""
        self._skip_spaces()
        if self.i >= len(self.text):
            return ""
        char = self.text[self.i]
        if char == "{":
            return convert(self.group(), math=True)
        if char == "\\":
            return self.command()
        self.i += 1
        return char

    def optional(self) -> str:
        """A ``[…]`` optional argument, converted, or ``""``."""
        if self.i < len(self.text) and self.text[self.i] == "[":
            end = self.text.find("]", self.i)
            if end != -1:
                body = self.text[self.i + 1 : end]
                self.i = end + 1
                return convert(body, math=True)
        return ""


def _script(body: str, superscript: bool) -> str:
    """Unicode super/subscript where every character has one, else ``^(…)`` / ``_(…)``."""
    table = SUPERSCRIPTS if superscript else SUBSCRIPTS
    if body and all(char in table for char in body):
        return "".join(table[char] for char in body)
    mark = "^" if superscript else "_"
    return f"{mark}{body}" if len(body) == 1 else f"{mark}({body})"


def _wrap(text: str) -> str:
    """Parenthesize a compound fraction part: ``a+b`` → ``(a+b)``; ``2``, ``x²`` stay bare."""
    if len(text) <= 1 or re.fullmatch(r"\d+(?:\.\d+)?|\w[²³¹⁰⁴-⁹]*|√\w", text):
        return text
    return f"({text})"
