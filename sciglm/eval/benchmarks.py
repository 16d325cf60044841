"""What a benchmark is, which ones a run asks for, where their files are, and how they load.

A :class:`Benchmark` is one small object registered by a plugin's ``register_benchmarks`` hook
(the built-ins come from the ``sources`` and ``lean`` plugins): its data source and split, its
question loader, the question text and answer form each protocol asks with, and the scorer
each protocol judges with. The runner only iterates; nothing here branches on a name.

``--benchmark NAME=PATH`` points a registered benchmark at another file (``math=…/test.jsonl``
for the full 5,000); ``--benchmark NAME=PATH:SUBJECT`` with a new NAME evaluates any
JSONL/CSV/Parquet with ``question`` and ``reference`` fields by that subject's verifier.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from sciglm import registry
from sciglm.catalog.data import DATA_ENV, DataSource, local_file
from sciglm.catalog.names import canonical
from sciglm.data.files import load_mapped
from sciglm.errors import SciglmError
from sciglm.records import Question, Verdict, VerifyItem

__all__ = ["DATA_ENV", "Benchmark", "load", "parse_benchmarks", "resolve"]

#: The scorer that hands an answer to its subject's verifier (the default).
SUBJECT_SCORER = "subject"
#: The scorer that calls the benchmark's own ``custom_score`` (inside a verifier worker).
CUSTOM_SCORER = "custom"

TextFn = Callable[[Question], str]


@dataclass(frozen=True)
class Benchmark:
    """One benchmark: its data, how each protocol asks its questions, and how each judges."""

    name: str
    title: str
    #: Where the data lives (a catalogue entry, or the benchmark's own) and the scored split.
    source: DataSource | None = None
    split: str = "test"
    #: The split scored under the paper's protocol and beside a paper table (``--protocol
    #: sciglm`` / ``--compare``), where the paper scored another one (MATH: all 5,000).
    paper_split: str | None = None
    #: A dev split whose questions serve as few-shot exemplars (else the file's own tail).
    fewshot_split: str | None = None
    #: A registered question loader; ``None`` reads a field-mapped file (``subject`` needed).
    loader: str | None = None
    loader_options: dict[str, Any] = field(default_factory=dict)
    subject: str | None = None
    #: Which loaded questions are scored (``None``: all).
    keep: Callable[[Question], bool] | None = None
    #: What the final answer should look like, in words ("a number", "the option letter").
    answer_form: str | TextFn = "the answer in simplest form"
    #: protocol → the question text it shows (``"*"``: any protocol); default: the question
    #: with lettered choices, as the subject formats it.
    texts: dict[str, TextFn] = field(default_factory=dict)
    #: protocols under which the text is sent exactly as built, without the prompt format's
    #: wrapper (SciGLM's own SciEval script fed ``prompt + "\ninput:" + question`` bare).
    verbatim: tuple[str, ...] = ()
    #: protocols under which each prompt is generated alone, never in a padded batch
    #: (SciGLM's SciEval script generated one prompt at a time).
    one_at_a_time: tuple[str, ...] = ()
    #: protocol → scorer name (``"*"``: any protocol); see :mod:`sciglm.eval.scorers`.
    scorers: dict[str, str] = field(default_factory=dict)
    #: The subject's own prompt under every protocol (Lean proofs are not answers).
    own_prompt: bool = False
    #: A third party's scorer, used where :attr:`scorers` names ``"custom"``; it runs in a
    #: verifier worker (time and memory bound) and must never evaluate the response as code.
    custom_score: Callable[[VerifyItem], Verdict] | None = None
    #: The cells a question is reported under besides the whole benchmark (default: its
    #: subject); SciEval: its category and category × ability, as the original script reports.
    groups: Callable[[Question], tuple[str, ...]] | None = None
    #: One line for ``--help`` and the docs: how it is scored.
    scoring: str = ""
    #: A file given on the command line (``NAME=PATH``), relative to the working directory.
    path: str | None = None

    def scorer(self, protocol: str) -> str:
        """The scorer this benchmark judges with under ``protocol``."""
        return self.scorers.get(protocol) or self.scorers.get("*") or SUBJECT_SCORER

    def scored_split(self, paper: bool) -> str:
        """The split scored: :attr:`paper_split` for the paper's protocol or table, else
        :attr:`split`."""
        return (self.paper_split or self.split) if paper else self.split

    def cells(self, question: Question) -> tuple[str, ...]:
        """The report cells of ``question``: :attr:`groups`, else its subject."""
        return self.groups(question) if self.groups else (question.subject,)

    def form(self, question: Question) -> str:
        """The answer form asked for, in words, for ``question``."""
        return self.answer_form(question) if callable(self.answer_form) else self.answer_form

    def text(self, question: Question, protocol: str) -> str | None:
        """The question text ``protocol`` shows, or ``None`` for the subject's own formatting."""
        build = self.texts.get(protocol) or self.texts.get("*")
        return build(question) if build else None

    @property
    def mapped(self) -> bool:
        return self.path is not None


def parse_benchmarks(specs: tuple[str, ...] | list[str]) -> list[Benchmark]:
    """``gsm8k,math`` / ``math=PATH`` / ``mine=PATH:physics`` → benchmarks, in order, no repeats."""
    chosen: dict[str, Benchmark] = {}
    for spec in specs:
        for part in (p.strip() for p in spec.split(",")):
            if not part:
                continue
            bench = _one(part)
            if bench.name in chosen:
                raise SciglmError(f"--benchmark {part}: {bench.name!r} is named twice")
            chosen[bench.name] = bench
    if not chosen:
        raise SciglmError("--benchmark: name at least one benchmark")
    return list(chosen.values())


def _one(spec: str) -> Benchmark:
    name, sep, target = spec.partition("=")
    name = canonical(name.strip())
    table = registry.benchmarks()
    if not sep:
        if name not in table:
            raise SciglmError(
                f"unknown benchmark {name!r} (known: {', '.join(sorted(table)) or 'none'}; "
                "or map a file: --benchmark NAME=PATH:SUBJECT)"
            )
        return table[name]
    if not name or not target:
        raise SciglmError(f"--benchmark {spec}: expected NAME=PATH or NAME=PATH:SUBJECT")
    path, subject = target, None
    head, colon, tail = target.rpartition(":")
    if colon and tail and "/" not in tail and "." not in tail:
        path, subject = head, tail
    if name in table and subject is None:
        return replace(table[name], path=path, fewshot_split=None)
    if subject is None:
        raise SciglmError(
            f"--benchmark {spec}: a new benchmark needs a subject: {name}=PATH:SUBJECT"
        )
    registry.get_subject(subject)
    return Benchmark(name, name, loader=None, subject=subject, path=path,
                     scoring=f"{subject} verifier against the file's 'reference'")


def resolve(bench: Benchmark, data_dir: Path | None, split: str | None = None,
            paper: bool = False) -> Path:
    """The file of ``bench``'s scored split (the paper's where ``paper``), or of ``split``; a
    file mapped on the command line wins over the scored split. A one-line error when it is
    missing."""
    if bench.path is not None and split is None:
        path = Path(bench.path).expanduser()
        if not path.is_file():
            raise SciglmError(f"{bench.name}: no such file: {path}")
        return path
    if bench.source is None:
        raise SciglmError(f"{bench.name}: no data source (map a file: --benchmark "
                          f"{bench.name}=PATH)")
    try:
        return local_file(bench.source, split or bench.scored_split(paper), data_dir)
    except SciglmError as exc:
        raise SciglmError(f"benchmark {bench.name}: {exc} (or map a file: --benchmark "
                          f"{bench.name}=PATH)") from exc


def load(bench: Benchmark, path: Path) -> list[Question]:
    """Every scored question of the file, through the benchmark's loader; ids made unique."""
    if bench.loader is None:
        if bench.subject is None:
            raise SciglmError(f"{bench.name}: no loader and no subject to map {path} with")
        questions = list(load_mapped(path, bench.subject, source=bench.name))
    else:
        loader = registry.get_loader(bench.loader).loader
        questions = list(loader(str(path), **bench.loader_options))
    if bench.keep is not None:
        questions = [q for q in questions if bench.keep(q)]
    return _unique_ids(questions)


def _unique_ids(questions: list[Question]) -> list[Question]:
    """Ids are how a run resumes, so a repeated id gets ``#2``, ``#3`` … in file order."""
    seen: Counter[str] = Counter()
    for question in questions:
        seen[question.id] += 1
        if seen[question.id] > 1:
            question.id = f"{question.id}#{seen[question.id]}"
    return questions
