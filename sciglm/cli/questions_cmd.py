"""``sciglm questions``: load questions through a subject's loaders and show them normalized."""

from __future__ import annotations

import itertools
import sys

import click

from sciglm import registry
from sciglm.cli.common import console, print_table
from sciglm.data.files import load_mapped
from sciglm.errors import SciglmError
from sciglm.io.jsonl import dumps


def parse_source(spec: str) -> tuple[str, str]:
    """``NAME:PATH`` → (loader name, path); a bare path uses the generic ``file`` loader."""
    name, sep, path = spec.partition(":")
    if not sep or "/" in name or "." in name:
        return "file", spec
    return name, path


def catalog_spec(spec: str) -> tuple[str, str | None] | None:
    """``gsm8k`` / ``math:test500`` / ``hf:openai/gsm8k`` → (catalogue name, split), when
    ``spec`` names a catalogue set rather than a file on disk; else ``None``."""
    from pathlib import Path

    from sciglm.catalog.data import get_source, is_source_name

    if Path(spec).exists():
        return None
    if is_source_name(spec):
        return get_source(spec).name, None
    name, sep, split = spec.rpartition(":")
    if sep and is_source_name(name) and split in get_source(name).splits:
        return get_source(name).name, split
    return None


def _catalog_questions(name: str, split: str | None, subject: str | None):
    from sciglm.catalog.data import get_source, local_file

    source = get_source(name)
    path = local_file(source, split or source.default_split)
    if source.loader is None:
        raise SciglmError(f"{name}: no question loader for this set; read {path} as a plain "
                          "file with --subject and --field OURS=THEIRS")
    questions = registry.get_loader(source.loader).loader(path)
    if subject:
        registry.get_subject(subject)
        questions = (q for q in questions if q.subject == subject)
    return questions


def load_questions(spec: str, subject: str | None, fields: dict[str, str] | None = None):
    """Questions from ``--source NAME`` (a catalogue set, fetched if needed), ``NAME:PATH``
    (named loader) or a plain file with a field mapping."""
    named = catalog_spec(spec)
    if named is not None:
        return _catalog_questions(named[0], named[1], subject)
    name, path = parse_source(spec)
    if name == "file":
        if not subject:
            raise SciglmError(f"{spec}: a plain file needs --subject (or use NAME:PATH)")
        registry.get_subject(subject)
        return load_mapped(path, subject, fields)
    info = registry.get_loader(name)
    questions = info.loader(path)
    if subject:
        registry.get_subject(subject)
        questions = (q for q in questions if q.subject == subject)
    return questions


@click.command()
@click.option(
    "--source",
    "sources",
    multiple=True,
    required=True,
    help="A catalogue set (gsm8k, math, math:test500, scibench, theoremqa, scieval, gaokao, "
    "minif2f …; see 'sciglm data list'), NAME:PATH with a named loader, or a plain "
    "JSONL/JSON/CSV/Parquet path.",
)
@click.option("--subject", help="Keep only this subject (required for a plain file).")
@click.option(
    "--field",
    "fields",
    multiple=True,
    metavar="OURS=THEIRS",
    help="Column mapping for plain files, e.g. --field question=problem.",
)
@click.option("--limit", type=int, default=None, help="Show at most this many questions.")
@click.option("--jsonl", "as_jsonl", is_flag=True, help="Print questions as JSONL on stdout.")
def questions(
    sources: tuple[str, ...],
    subject: str | None,
    fields: tuple[str, ...],
    limit: int | None,
    as_jsonl: bool,
) -> None:
    """Load questions and show them in sciglm's normalized form.

    A catalogue name is read from the mirror in $SCIGLM_DATA or the cache, and downloaded
    into the cache when it is in neither (see 'sciglm data').

    \b
    Examples:
      sciglm questions --source gsm8k --limit 5
      sciglm questions --source scibench --subject physics --jsonl
      sciglm questions --source gsm8k:mirror/gsm8k/test.jsonl --limit 5
      sciglm questions --source mine.csv --subject physics \
        --field question=text --field reference=ans
    """
    mapping = {}
    for item in fields:
        ours, sep, theirs = item.partition("=")
        if not sep:
            raise SciglmError(f"--field {item!r}: expected OURS=THEIRS")
        mapping[ours] = theirs
    loaded = itertools.chain.from_iterable(load_questions(s, subject, mapping) for s in sources)
    shown = list(itertools.islice(loaded, limit))
    if as_jsonl:
        for q in shown:
            sys.stdout.write(dumps(q.to_dict()) + "\n")
        return
    rows = [
        [q.id, q.subject, q.source, _short(q.question, 70), _short(q.reference or "", 20)]
        for q in shown
    ]
    print_table("questions", ["id", "subject", "source", "question", "reference"], rows)
    console.print(f"{len(shown)} question(s)")


def _short(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"
