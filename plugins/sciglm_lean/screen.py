"""A static screen for Lean submissions, reading them as Lean's tokenizer does (:mod:`.lexer`).

Allow-lists, not a list of bad words: a submission is a sequence of *commands* and only
``theorem``/``lemma``/``def``/``abbrev`` (with ``private``/``protected``/``noncomputable``),
``open`` and ``set_option`` of a few options are allowed; the asked theorem must be the *last*
command (nothing runs after its proof); attributes come from a short list (no elaborator
attributes such as ``@[command_elab]``, ``@[macro]``, ``@[tactic]``); ``import`` only in the
header, naming modules of Mathlib, Aesop, Batteries, Std or Init. On top of that, terms and tactics
that prove anything without a proof (``sorry``, ``native_decide``, ``run_tac`` …) are refused
wherever they appear as tokens (in ``«»`` quotes too; never inside comments or strings).
Code that Lean runs while elaborating is meta and refused: ``include_str``, ``plausible``,
``slim_check``, ``polyrith`` (calls a web service), ``dbg_trace``, every ``(name := term)`` whose
term is not a literal (tactic configurations are evaluated as code: ``simp (config := …)``,
``decide (config := ⟨…⟩)``), opening ``Lean``, ``IO``, ``System`` (or a child, or a namespace
named ``Elab``/``Meta`` …). Names are read without ``_root_``. ``set_option`` takes only capped
values (``maxHeartbeats 0`` lifts the time bound). A line may only start with an allowed
command word (or code that is plainly not one): a command Lean knows and the screen does not
is refused rather than read as part of a proof.
The screen is a fast first filter: a ``true`` verdict still needs Lean's checks
(:mod:`sciglm_lean.trusted`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sciglm_lean.lexer import (
    HASH_COMMAND,
    IDENT,
    NAME_LITERAL,
    NUMBER,
    SYMBOL,
    LexError,
    Token,
    tokenize,
)


@dataclass(frozen=True)
class ScreenConfig:
    """``allow_native`` lets native-code tactics through (``native_decide``); ``allow_meta``
    lets term-rewriting commands through (``notation``, ``macro``, ``syntax``, ``infix`` …)."""

    allow_native: bool = False
    allow_meta: bool = False


@dataclass(frozen=True)
class ScreenResult:
    """``ok`` when nothing was found; else ``rule`` names the finding and ``reason`` says it."""

    ok: bool
    rule: str = ""
    reason: str = ""
    findings: list[tuple[str, str]] = field(default_factory=list)


OK = ScreenResult(True)

#: Every command keyword of Lean core and Mathlib that the screen knows of. A token among these
#: starts a command wherever it stands (Lean ends a proof at a command keyword).
COMMAND_KEYWORDS = frozenset(
    """theorem lemma def abbrev instance example axiom opaque inductive structure class
    coinductive mutual namespace section end variable universe open export set_option attribute
    macro macro_rules syntax elab elab_rules notation notation3 infix infixl infixr prefix postfix
    declare_syntax_cat initialize builtin_initialize run_cmd run_elab run_meta import deriving
    omit include unseal seal register_option register_builtin_option register_simp_attr
    register_label_attr add_decl_doc alias irreducible_def assert_not_exists library_note
    suppress_compilation unsuppress_compilation compile_inductive compile_def
    initialize_simps_projections mk_iff_of_inductive_prop declare_config_elab simproc dsimproc
    simproc_decl dsimproc_decl builtin_simproc grind_pattern recommended_spelling binder_predicate
    declare_simp_like_tactic gen_injective_theorems% elab_stx_quot add_aesop_rules
    declare_aesop_rule_sets erase_aesop_rules builtin_dsimproc scoped local private protected
    noncomputable partial nonrec unsafe prelude test_extern unif_hint register_tactic_tag
    tactic_extension assert_exists set_premise_selector variable? proof_wanted recall extend_docs
    with_weak_namespace count_heartbeats whatsnew open_locale assert_not_imported""".split()
)
#: Modifiers that may precede an allowed declaration.
MODIFIERS = frozenset({"private", "protected", "noncomputable"})
#: Words that modify the command after them rather than start one.
PREFIX_WORDS = MODIFIERS | {"partial", "nonrec", "unsafe", "local", "scoped"}
DECLARATIONS = frozenset({"theorem", "lemma", "def", "abbrev"})
META_COMMANDS = frozenset(
    {
        "macro",
        "macro_rules",
        "syntax",
        "notation",
        "notation3",
        "infix",
        "infixl",
        "infixr",
        "prefix",
        "postfix",
        "declare_syntax_cat",
    }
)
#: Options a submission may set, with the largest value allowed (0 means "no limit": refused).
OPTION_CAPS = {
    "maxHeartbeats": 1_000_000,
    "synthInstance.maxHeartbeats": 400_000,
    "maxRecDepth": 10_000,
    "synthInstance.maxSize": 10_000,
}
ALLOWED_OPTION_PREFIXES = ("linter.",)
ALLOWED_ATTRIBUTES = frozenset({"simp", "local", "reducible", "←", "<-", ",", "-"})
#: A module name: ASCII identifiers joined by dots (no «…» parts, which may hold ``/`` or ``..``).
PLAIN_MODULE = re.compile(r"[A-Za-z_][A-Za-z0-9_']*(\.[A-Za-z_][A-Za-z0-9_']*)*")
ALLOWED_IMPORT_ROOTS = frozenset({"Mathlib", "Aesop", "Batteries", "Std", "Init"})
#: Terms and tactics that close goals without a proof, trust compiled code, or run meta code.
SORRY = frozenset({"sorry", "admit", "sorryAx", "Lean.sorryAx"})
NATIVE = frozenset(
    {
        "native_decide",
        "ofReduceBool",
        "ofReduceNat",
        "reduceBool",
        "reduceNat",
        "trustCompiler",
        "bv_decide",
        "implemented_by",
        "extern",
        "unsafe",
        "unsafeCast",
        "native",
    }
)
META_TERMS = frozenset(
    {
        "run_tac",
        "by_elab",
        "addDecl",
        "addAndCompile",
        "modifyEnv",
        "setEnv",
        "evalExpr",
        "evalConst",
        "unsafeIO",
        "unsafeBaseIO",
        "unsafeEIO",
        "include_str",
        "plausible",
        "slim_check",
        "polyrith",
        "dbg_trace",
        "dbgTrace",
        "dbgTraceVal",
        "dbgTraceIfShared",
        "dbgSleep",
        "dbgStackTrace",
    }
)
META_NAMESPACES = (
    "Lean.Elab",
    "Lean.Meta",
    "Lean.Environment",
    "Lean.Kernel",
    "Lean.Compiler",
    "IO",
    "EIO",
    "BaseIO",
    "System",
)
#: A namespace with one of these parts may not be opened (its names would escape the checks).
OPEN_FORBIDDEN = frozenset(
    {"Lean", "IO", "EIO", "BaseIO", "System", "Elab", "Meta", "Compiler", "Kernel", "Environment"}
)
#: Words a line may start with (column 0); any other identifier there may be a command.
LINE_STARTS = DECLARATIONS | PREFIX_WORDS | {
    "open",
    "set_option",
    "termination_by",
    "decreasing_by",
    "where",
    "by",
}
#: Literal values a ``(name := value)`` may take (anything else is code Lean may evaluate).
LITERALS = frozenset({"true", "false"})


@dataclass(frozen=True)
class Command:
    """One top-level command: its keyword, the tokens it spans, and its ``open``/``set_option``
    ``… in`` prefixes' tokens (which belong to it)."""

    keyword: str
    tokens: list[Token]
    modifiers: tuple[str, ...] = ()

    @property
    def name(self) -> str | None:
        """The declared name (the identifier after the keyword), if any."""
        index = next(i for i, t in enumerate(self.tokens) if t.text == self.keyword)
        after = self.tokens[index + 1 : index + 2]
        return after[0].text if after and after[0].kind == IDENT else None


def _fail(rule: str, reason: str) -> ScreenResult:
    return ScreenResult(False, rule, reason, [(rule, reason)])


def _is_command_token(token: Token, previous: Token | None = None) -> bool:
    if previous is not None and previous.text == "open" and token.text == "scoped":
        return False  # `open scoped X` is one command
    return token.kind == HASH_COMMAND or (token.kind == IDENT and token.text in COMMAND_KEYWORDS)


def _prefix_in(tokens: list[Token], i: int) -> int | None:
    """For ``open …``/``set_option …`` at ``i``: the index after its ``in`` if it is a prefix."""
    j = i + 1
    while (
        j < len(tokens)
        and not _is_command_token(tokens[j], tokens[j - 1])
        and tokens[j].text != "in"
    ):
        if tokens[j].kind == SYMBOL and tokens[j].text in (":=", "@["):
            return None
        j += 1
    if j < len(tokens) and tokens[j].text == "in" and tokens[j].kind == IDENT:
        return j + 1
    return None


def split_commands(tokens: list[Token]) -> tuple[list[Token], list[Command]]:
    """Tokens before the first command (a bare proof), and the commands that follow.

    ``open X in`` / ``set_option o v in`` are prefixes (of the next command, or inside a proof
    of the term or tactic after them); modifiers and ``@[…]`` attach to the next command.
    """
    lead: list[Token] = []
    commands: list[Command] = []
    current: Command | None = None
    pending: list[Token] = []
    modifiers: list[str] = []
    i, n = 0, len(tokens)
    while i < n:
        tok = tokens[i]
        if tok.kind == SYMBOL and tok.text == "@[":
            j = i
            while j < n - 1 and tokens[j].text != "]":
                j += 1
            if current is not None:
                commands.append(current)
                current = None
            pending.extend(tokens[i : j + 1])
            i = j + 1
            continue
        if tok.kind == IDENT and tok.text in ("open", "set_option"):
            after = _prefix_in(tokens, i)
            if after is not None:
                if current is not None and _inside_term(current.tokens):
                    current.tokens.extend(tokens[i:after])
                else:
                    if current is not None:
                        commands.append(current)
                        current = None
                    pending.extend(tokens[i:after])
                i = after
                continue
        if _is_command_token(tok, tokens[i - 1] if i else None):
            if current is not None:
                commands.append(current)
                current = None
            if tok.text in PREFIX_WORDS:
                pending.append(tok)
                modifiers.append(tok.text)
            else:
                current = Command(tok.text, pending + [tok], tuple(modifiers))
                pending, modifiers = [], []
        elif current is not None:
            current.tokens.append(tok)
        elif pending:
            pending.append(tok)
        else:
            lead.append(tok)
        i += 1
    if current is not None:
        commands.append(current)
    lead.extend(pending)
    return lead, commands


def _inside_term(tokens: list[Token]) -> bool:
    """A command whose ``:=`` (or ``by``) was seen: what follows is its proof or body."""
    return any(t.text in (":=", "by", "|") for t in tokens)


def plain_name(text: str) -> str:
    """A name as Lean resolves it from the root: ``_root_`` parts dropped."""
    return ".".join(part for part in text.split(".") if part != "_root_")


def screen_tokens(tokens: list[Token], config: ScreenConfig, capped: bool = True) -> ScreenResult:
    """Terms, tactics, options and attributes anywhere in ``tokens``; ``capped``: option values
    within :data:`OPTION_CAPS` (a record's header may lift them: miniF2F sets
    ``maxHeartbeats 0``; the REPL's timeout still bounds the check)."""
    for i, tok in enumerate(tokens):
        at = f"line {tok.line}"
        if tok.kind in (IDENT, NAME_LITERAL):
            text = plain_name(tok.text)
            last = text.rsplit(".", 1)[-1]
            if text in SORRY or last in SORRY:
                return _fail("sorry", f"uses {tok.text!r} ({at})")
            if not config.allow_native and (text in NATIVE or last in NATIVE):
                return _fail("native", f"trusts compiled code: {tok.text!r} ({at})")
            if text == "decide" and _follows(tokens, i, ["+", "native"]):
                return _fail("native", f"uses decide +native ({at})")
            if text in META_TERMS or last in META_TERMS or _in_namespaces(text, META_NAMESPACES):
                return _fail("meta", f"meta-programming: {tok.text!r} ({at})")
            if text.startswith("debug.") or text in ("Elab.async", "skipKernelTC"):
                return _fail("kernel", f"option {text!r} changes what Lean checks ({at})")
            if text == "import":
                return _fail("import", f"'import' outside the header ({at})")
            if text == "set_option":
                found = _bad_option(tokens, i, capped)
                if found:
                    return _fail("option", f"{found} ({at})")
            if text == "open" and tok.kind == IDENT:
                opened = _forbidden_open(tokens, i)
                if opened:
                    return _fail("meta", f"opens {opened!r}, a meta-programming namespace ({at})")
        elif tok.kind == HASH_COMMAND:
            return _fail("command", f"command {tok.text!r} is not allowed ({at})")
        elif tok.kind == SYMBOL and tok.text == "(" and _named_argument(tokens, i):
            value = _named_value(tokens, i)
            if value is None:
                name = tokens[i + 1].text
                return _fail(
                    "meta",
                    f"({name} := …) with a value that is not a literal: Lean may evaluate it "
                    f"as code ({at})",
                )
        elif tok.kind == SYMBOL and tok.text == "@[":
            j = i + 1
            while j < len(tokens) and tokens[j].text != "]":
                if tokens[j].text not in ALLOWED_ATTRIBUTES:
                    return _fail("attribute", f"attribute {tokens[j].text!r} is not allowed ({at})")
                j += 1
    return OK


def _bad_option(tokens: list[Token], i: int, capped: bool = True) -> str | None:
    """Why ``set_option`` at ``i`` is refused (an unknown option, an uncapped value), or None."""
    option = tokens[i + 1].text if i + 1 < len(tokens) else ""
    value = tokens[i + 2] if i + 2 < len(tokens) else None
    if option.startswith(ALLOWED_OPTION_PREFIXES):
        if value is None or value.text not in LITERALS:
            return f"set_option {option!r} takes true or false only"
        return None
    if option not in OPTION_CAPS:
        return f"set_option {option!r} is not allowed"
    if not capped:
        return None
    cap = OPTION_CAPS[option]
    try:
        number = int(value.text) if value is not None and value.kind == NUMBER else 0
    except ValueError:
        number = 0
    if not 0 < number <= cap:
        shown = value.text if value is not None else ""
        return f"set_option {option} {shown!r}: the value must be a number from 1 to {cap}"
    return None


def _forbidden_open(tokens: list[Token], i: int) -> str | None:
    """The first namespace ``open`` at ``i`` names that has a forbidden part, else None."""
    for tok in tokens[i + 1 :]:
        if tok.kind != IDENT or tok.text in ("in", "hiding", "renaming"):
            return None
        if tok.text != "scoped" and OPEN_FORBIDDEN & set(plain_name(tok.text).split(".")):
            return tok.text
    return None


def _named_argument(tokens: list[Token], i: int) -> bool:
    """``(name :=`` at ``i``: a named argument or a tactic configuration item."""
    return (
        i + 2 < len(tokens)
        and tokens[i + 1].kind == IDENT
        and tokens[i + 2].kind == SYMBOL
        and tokens[i + 2].text == ":="
    )


def _named_value(tokens: list[Token], i: int) -> Token | None:
    """The value of ``(name := value)`` at ``i`` when it is one literal token, else None."""
    value = tokens[i + 3 : i + 5]
    if len(value) == 2 and value[1].text == ")":
        if value[0].kind == NUMBER or (value[0].kind == IDENT and value[0].text in LITERALS):
            return value[0]
    return None


def screen_line_starts(tokens: list[Token], config: ScreenConfig) -> ScreenResult:
    """A word at the start of a line is an allowed command word: Lean reads a command it knows
    wherever one may start, and the screen cannot know every command of every library."""
    allowed = LINE_STARTS | META_COMMANDS if config.allow_meta else LINE_STARTS
    for tok in tokens:
        if tok.column == 0 and tok.kind == IDENT and tok.text not in allowed:
            return _fail(
                "command",
                f"line {tok.line} starts with {tok.text!r}, which is not an allowed command "
                "(indent proof lines)",
            )
    return OK


def _follows(tokens: list[Token], i: int, texts: list[str]) -> bool:
    return [t.text for t in tokens[i + 1 : i + 1 + len(texts)]] == texts


def _in_namespaces(name: str, namespaces: tuple[str, ...]) -> bool:
    return any(name == ns or name.startswith(ns + ".") for ns in namespaces)


def screen_commands(commands: list[Command], config: ScreenConfig) -> ScreenResult:
    """Every command is on the allow-list."""
    for command in commands:
        keyword = command.keyword
        line = command.tokens[0].line
        if keyword in DECLARATIONS or keyword in ("open", "set_option"):
            continue
        if config.allow_meta and keyword in META_COMMANDS:
            continue
        if keyword == "axiom":
            return _fail("axiom", f"declares an axiom (line {line})")
        if keyword == "import":
            return _fail("import", f"'import' outside the header (line {line})")
        bad = [m for m in command.modifiers if m not in MODIFIERS]
        what = bad[0] if bad else keyword
        return _fail("command", f"command {what!r} is not allowed (line {line})")
    return OK


def screen(code: str, config: ScreenConfig | None = None) -> ScreenResult:
    """Screen Lean ``code`` (a proof, or whole commands) without any Lean."""
    config = config or ScreenConfig()
    try:
        tokens = tokenize(code)
    except LexError as exc:
        return _fail("syntax", str(exc))
    result = screen_tokens(tokens, config)
    if not result.ok:
        return result
    result = screen_commands(split_commands(tokens)[1], config)
    if not result.ok:
        return result
    return screen_line_starts(tokens, config)


def screen_submission(body: str, target: str, config: ScreenConfig | None = None) -> ScreenResult:
    """Screen the code sent to Lean: allowed commands only, and the theorem ``target`` declared
    exactly once, without ``private``/``protected``, as the last command."""
    config = config or ScreenConfig()
    result = screen(body, config)
    if not result.ok:
        return result
    lead, commands = split_commands(tokenize(body))
    if lead:
        return _fail("syntax", f"code before the first command (line {lead[0].line})")
    declared = [c for c in commands if c.keyword in ("theorem", "lemma") and c.name == target]
    if len(declared) != 1:
        return _fail("statement", f"the theorem {target!r} is declared {len(declared)} times")
    if declared[0] is not commands[-1]:
        after = commands[commands.index(declared[0]) + 1]
        return _fail(
            "after",
            f"command {after.keyword!r} after the proof of {target!r} "
            f"(line {after.tokens[0].line})",
        )
    if set(declared[0].modifiers) & {"private", "protected"}:
        return _fail("statement", f"the theorem {target!r} must not be private or protected")
    return OK


def screen_header(header: str) -> ScreenResult:
    """A header holds ``import`` of allowed modules, ``open`` and allowed ``set_option`` only."""
    try:
        tokens = tokenize(header)
    except LexError as exc:
        return _fail("syntax", f"header: {exc}")
    i = 0
    while i < len(tokens) and tokens[i].text == "import":
        module = tokens[i + 1] if i + 1 < len(tokens) else None
        if module is None or module.kind != IDENT:
            return _fail("import", f"header: 'import' without a module (line {tokens[i].line})")
        if not PLAIN_MODULE.fullmatch(module.text):
            return _fail("import", f"header: module name {module.text!r} is not plain")
        if module.text.split(".")[0] not in ALLOWED_IMPORT_ROOTS:
            return _fail("import", f"header: import of {module.text!r} is not allowed")
        i += 2
    rest = tokens[i:]
    result = screen_tokens(rest, ScreenConfig(), capped=False)
    if not result.ok:
        return ScreenResult(False, result.rule, f"header: {result.reason}", result.findings)
    lead, commands = split_commands(rest)
    if lead:
        return _fail("syntax", f"header: code outside a command (line {lead[0].line})")
    for command in commands:
        if command.keyword not in ("open", "set_option"):
            return _fail("command", f"header: command {command.keyword!r} is not allowed")
    return OK


def statement_tokens(text: str) -> list[str]:
    """A theorem statement as Lean tokens (``lemma`` read as ``theorem``), no proof placeholder."""
    words: list[str] = []
    depth = 0
    for token in tokenize(text):
        if token.kind == SYMBOL and token.text in "([{⦃⟨":
            depth += 1
        elif token.kind == SYMBOL and token.text in ")]}⦄⟩":
            depth = max(0, depth - 1)
        elif token.text == ":=" and depth == 0:
            break  # the proof starts here (a default value inside brackets does not count)
        words.append(token.text if token.kind not in ("string", "char") else token.kind)
    if words[:1] == ["lemma"]:
        words[0] = "theorem"
    return words


def same_statement(asked: str, submitted: str) -> ScreenResult:
    """Reject a restated theorem whose tokens differ from the asked one (spacing and comments
    aside); Lean then compares the elaborated types exactly."""
    try:
        want, got = statement_tokens(asked), statement_tokens(submitted)
    except LexError as exc:
        return _fail("syntax", str(exc))
    if want == got:
        return OK
    return _fail(
        "statement",
        f"statement differs from the one asked: {' '.join(got)[:200]!r} "
        f"vs {' '.join(want)[:200]!r}",
    )
