"""Questions from a source spec: a catalogue set, ``NAME:PATH`` with a named loader, or a plain
file with a field mapping (what ``sciglm questions --source`` accepts)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from sciglm import registry
from sciglm.data.files import load_mapped
from sciglm.errors import SciglmError
from sciglm.records import Question


def parse_source(spec: str) -> tuple[str, str]:
    """``NAME:PATH`` → (loader name, path); a bare path uses the generic ``file`` loader."""
    name, sep, path = spec.partition(":")
    if not sep or "/" in name or "." in name:
        return "file", spec
    return name, path


def catalog_spec(spec: str) -> tuple[str, str | None] | None:
    """``gsm8k`` / ``ceval-sci`` / ``math:test500`` / ``hf:openai/gsm8k`` → (set name, split),
    when ``spec`` names a set (a benchmark or a catalogue entry, or an alias of either) rather
    than a file on disk; else ``None``."""
    from sciglm.catalog.data import get_source, is_source_name
    from sciglm.catalog.names import canonical

    if Path(spec).exists():
        return None
    if canonical(spec) in registry.benchmarks():
        return canonical(spec), None
    if is_source_name(spec):
        return get_source(spec).name, None
    name, sep, split = spec.rpartition(":")
    if sep and is_source_name(name) and split in get_source(name).splits:
        return get_source(name).name, split
    return None


def _of_subject(questions: Iterable[Question], subject: str | None) -> Iterable[Question]:
    if not subject:
        return questions
    registry.get_subject(subject)
    return (q for q in questions if q.subject == subject)


def _catalog_questions(name: str, split: str | None, subject: str | None,
                       data_dir: str | None = None) -> Iterable[Question]:
    from sciglm.catalog.data import get_source, local_file
    from sciglm.eval import benchmarks as bm

    bench = registry.benchmarks().get(name)
    if bench is not None and bench.source is not None and split is None:
        # the set eval scores, its questions kept as eval keeps them
        return _of_subject(bm.load(bench, local_file(bench.source, bench.split, data_dir)),
                           subject)
    source = get_source(name)
    path = local_file(source, split or source.default_split, data_dir)
    if source.loader is None:
        raise SciglmError(f"{name}: no question loader for this set; read {path} as a plain "
                          "file with --subject and --field OURS=THEIRS")
    return _of_subject(registry.get_loader(source.loader).loader(path), subject)


def load_questions(spec: str, subject: str | None, fields: dict[str, str] | None = None,
                   data_dir: str | None = None) -> Iterable[Question]:
    """Questions from ``--source NAME`` (a catalogue set, read where
    :func:`sciglm.catalog.data.data_roots` says, fetched if needed), ``NAME:PATH`` (named
    loader) or a plain file with a field mapping."""
    named = catalog_spec(spec)
    if named is not None:
        return _catalog_questions(named[0], named[1], subject, data_dir)
    name, path = parse_source(spec)
    if name == "file":
        if not subject:
            raise SciglmError(f"{spec}: a plain file needs --subject (or use NAME:PATH)")
        registry.get_subject(subject)
        return load_mapped(path, subject, fields)
    return _of_subject(registry.get_loader(name).loader(path), subject)
