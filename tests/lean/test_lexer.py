"""The Lean tokenizer behind the screen reads text as Lean does."""

from __future__ import annotations

import pytest
from sciglm_lean.lexer import LexError, tokenize


def words(text: str) -> list[str]:
    return [t.text for t in tokenize(text) if t.kind in ("ident", "hash", "name")]


def test_nested_comments_and_line_comments_are_not_code() -> None:
    text = (
        "theorem t : True := by\n  -- sorry\n  /- a /- nested sorry -/ still comment -/\n  trivial"
    )
    assert "sorry" not in words(text) and words(text)[-1] == "trivial"
    with pytest.raises(LexError, match="unterminated comment at line 1"):
        tokenize("  omega /- sorry")


def test_guillemet_identifiers_are_the_names_inside() -> None:
    assert words("exact «sorry»") == ["exact", "sorry"]
    assert words('have «"» : True := trivial') == ["have", '"', "True", "trivial"]
    assert words("Nat.«add_comm» x") == ["Nat.add_comm", "x"]


def test_raw_and_interpolated_strings() -> None:
    assert words('r#"a"b"# sorry') == ["sorry"]  # the raw string ends at "#, not at the first "
    assert words('r"no escapes \\" sorry') == ["sorry"]
    # interpolation fails closed: Lean interpolates after some tokens only (issue 22)
    for text in ('s!"value {sorry} here"', 'panic!"{"', 's! "{x}"', 'r"{"', 'throwError "{x}"'):
        with pytest.raises(LexError, match="'\\{' inside a string literal"):
            tokenize(text)
    assert words('"sorry" ++ "\\"sorry"') == []
    with pytest.raises(LexError, match="unterminated string"):
        tokenize('"abc')


def test_char_literals_versus_primes() -> None:
    assert words("theorem h' : 'a' = 'a' := rfl") == ["theorem", "h'", "rfl"]
    assert words("f' '\\n' x''") == ["f'", "x''"]
    assert words("'\\u0041' '\\x41' '\\'' x") == ["x"]  # Lean's escapes: \uHHHH, \xHH


def test_names_hash_commands_and_positions() -> None:
    tokens = tokenize("  omega\n#eval `sorryAx\n")
    assert [(t.kind, t.text, t.line, t.column) for t in tokens] == [
        ("ident", "omega", 1, 2),
        ("hash", "#eval", 2, 0),
        ("name", "sorryAx", 2, 6),
    ]
    assert [t.kind for t in tokenize("#[1, 2]")][:2] == ["symbol", "symbol"]


def test_lean_letters_are_identifiers_and_look_alikes_are_refused() -> None:
    assert words("∀ α : Type, ℕ → αᵢ") == ["α", "Type", "ℕ", "αᵢ"]
    assert words("sᶜ ⊆ tᶜ") == ["s", "t"]  # ᶜ (modifier letter) is notation
    assert words("λ x => Σ i, Π j, x") == ["x", "i", "j", "x"]  # keywords, not names
    with pytest.raises(LexError, match="CYRILLIC SMALL LETTER DZE"):
        tokenize("exact ѕorry")  # Cyrillic ѕ looks like s
    with pytest.raises(LexError, match="FULLWIDTH"):
        tokenize("ｓorry")
    with pytest.raises(LexError, match="surrogate character U\\+200B"):
        tokenize("so\u200brry")
    with pytest.raises(LexError, match="U\\+202E"):
        tokenize("-- \u202e comment that reads backwards\n  trivial")
