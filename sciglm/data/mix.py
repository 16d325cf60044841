"""The training mixture: subjects weighted, general data added, shuffled with a seed, written in
the original SciInstruct format (``{"content", "summary"}``) and as an HF ``datasets`` folder."""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sciglm.data.mix_config import MixConfig
from sciglm.errors import InputError, SciglmError
from sciglm.io.jsonl import iter_jsonl

#: (question field, solution field) pairs accepted for general (non-science) data.
GENERAL_FIELDS = (("content", "summary"), ("question", "response"), ("instruction", "output"),
                  ("prompt", "response"), ("prompt", "completion"))


@dataclass
class MixRow:
    """One training example with its provenance."""

    content: str
    summary: str
    subject: str
    source: str
    stage: str
    teacher: str
    score: float | None
    id: str

    def to_dict(self) -> dict[str, Any]:
        return self.__dict__.copy()


@dataclass
class MixResult:
    """The mixed rows and the counts behind them."""

    rows: list[MixRow]
    available: dict[str, int] = field(default_factory=dict)
    selected: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def parse_weights(spec: str | None) -> dict[str, float]:
    """``math=1,physics=2`` → ``{"math": 1.0, "physics": 2.0}``."""
    weights: dict[str, float] = {}
    for part in (spec or "").split(","):
        if not part.strip():
            continue
        name, sep, value = part.partition("=")
        try:
            weight = float(value)
        except ValueError:
            weight = -1.0
        if not sep or weight < 0:
            raise SciglmError(f"--weights {part!r}: expected SUBJECT=NUMBER (>= 0)")
        weights[name.strip()] = weight
    return weights


def row_from_record(record: dict[str, Any], subject: str, source: str) -> MixRow:
    """A mixture row from an annotated (or filtered) record."""
    teacher = record.get("teacher")
    model = teacher.get("model") if isinstance(teacher, dict) else teacher
    score = record.get("score")
    return MixRow(content=record["question"], summary=record["response"], subject=subject,
                  source=str(record.get("source") or source), stage=str(record.get("stage") or ""),
                  teacher=str(model or ""), score=float(score) if isinstance(score, (int, float))
                  else None, id=str(record.get("id", "")))


def load_rows(path: str, subject: str) -> list[MixRow]:
    """Rows of one filtered file; a record without question or response stops at file:line."""
    if not Path(path).is_file():
        raise InputError("no such file", path)
    rows = []
    for line, record in iter_jsonl(path):
        if not isinstance(record.get("question"), str) or not record["question"].strip():
            raise InputError("record has no 'question' text", path, line)
        if not isinstance(record.get("response"), str) or not record["response"].strip():
            raise InputError("record has no 'response' text (run 'sciglm filter' first)",
                             path, line)
        rows.append(row_from_record(record, subject, Path(path).stem))
    return rows


def load_general(path: str) -> list[MixRow]:
    """General-domain rows from any of the :data:`GENERAL_FIELDS` layouts."""
    if not Path(path).is_file():
        raise InputError("no such file", path)
    rows = []
    for line, record in iter_jsonl(path):
        pair = next(((q, a) for q, a in GENERAL_FIELDS
                     if isinstance(record.get(q), str) and isinstance(record.get(a), str)), None)
        if pair is None:
            names = ", ".join(f"{q}+{a}" for q, a in GENERAL_FIELDS)
            raise InputError(f"no question/answer fields (one of {names})", path, line)
        rows.append(MixRow(record[pair[0]], record[pair[1]], "general", Path(path).stem,
                           "general", "", None, str(record.get("id", f"{Path(path).stem}:{line}"))))
    return rows


def weighted(rows: list[MixRow], weight: float, rng: random.Random) -> list[MixRow]:
    """``weight`` whole copies of every row, plus a random fraction for the remainder."""
    whole = int(weight)
    extra = round((weight - whole) * len(rows))
    return rows * whole + rng.sample(rows, extra)


def mix(by_subject: dict[str, list[MixRow]], weights: dict[str, float],
        general: list[MixRow] | None = None,
        general_ratio: float = MixConfig.general_ratio,
        seed: int = MixConfig.seed) -> MixResult:
    """Weight each subject, add ``general_ratio`` × (science rows) general rows, shuffle."""
    unknown = set(weights) - set(by_subject)
    if unknown:
        raise SciglmError(f"--weights names subjects with no --input: {', '.join(sorted(unknown))}")
    rng = random.Random(seed)
    result = MixResult([])
    for subject, rows in by_subject.items():
        chosen = weighted(rows, weights.get(subject, 1.0), rng)
        result.available[subject] = len(rows)
        result.selected[subject] = len(chosen)
        result.rows.extend(chosen)
    if general is not None:
        wanted = round(general_ratio * len(result.rows))
        take = min(wanted, len(general))
        if take < wanted:
            result.notes.append(f"general data: {wanted} wanted (ratio {general_ratio}), "
                                f"only {len(general)} available; all used")
        result.available["general"] = len(general)
        result.selected["general"] = take
        result.rows.extend(rng.sample(general, take))
    rng.shuffle(result.rows)
    return result


# --- released instruction sets (SciInstruct) as mixture inputs ------------------------------

#: SciInstruct file stem → subject (the released files are split by subject).
INSTRUCTION_SUBJECTS = {"train_cn_math": "math", "train_en_phy_chem": "physics_chemistry",
                        "train_lean": "lean"}


def subject_from_file(path: str | Path) -> str:
    """The subject a released file's name says: ``train_cn_math.json`` → ``math``."""
    stem = Path(path).name.split(".")[0]
    return INSTRUCTION_SUBJECTS.get(stem, stem.removeprefix("train_"))


def is_instruction_file(path: str | Path) -> bool:
    """A file in the released SciInstruct form (``{"content", "summary"}``; a ``.json`` array or
    JSON lines) rather than annotated records (``question``/``response``)."""
    path = Path(path)
    if not path.is_file():
        return False
    with open(path, "rb") as handle:  # a sniff only: reading the file reports bad bytes
        head = handle.read(4096).decode("utf-8-sig", errors="replace").lstrip()
    if head.startswith("["):
        return True
    first = head.split("\n", 1)[0]
    return '"content"' in first and '"question"' not in first


def instruction_records(path: str | Path, provenance: str) -> list[dict[str, Any]]:
    """Annotated-style records (``question``/``response``) from a released instruction file;
    ``provenance`` (e.g. ``zd21/SciInstruct@098a7e88a938:train_cn_math.json``) is kept as each
    record's ``source``. A record without ``content`` or ``summary`` stops at file:row."""
    from sciglm.data.hub import read_json_records

    path = Path(path)
    subject = subject_from_file(path)
    records = []
    for number, row in enumerate(read_json_records(path), start=1):
        for key in ("content", "summary"):
            if not isinstance(row.get(key), str) or not row[key].strip():
                raise InputError(f"row {number}: missing field {key!r}", str(path))
        records.append({
            "id": f"{Path(path).name.split('.')[0]}-{number}", "subject": subject,
            "question": row["content"], "response": row["summary"], "source": provenance,
            "stage": "released", "correct": None,
            "teacher": {"base_url": None, "model": provenance, "parameters": {}},
            "original_subject": row.get("subject")})
    if not records:
        raise InputError("no records", str(path))
    return records


def expand_input(subject: str | None, spec: str, workdir: Path, data_dir: str | None = None
                 ) -> tuple[list[tuple[str | None, str]], dict[str, Any] | None]:
    """One ``--input`` → ``(subject, annotated JSONL path)`` pairs, and its provenance.

    A catalogue name (``sciinstruct``, ``sciinstruct:cn_math``, ``hf:zd21/SciInstruct``) is
    fetched like every public set and each released file converted into ``workdir``; so is a
    released file given by path. Anything else passes through unchanged.
    """
    from sciglm.catalog.data import get_source, is_source_name, local_file

    pairs: list[tuple[str | None, Path, str]] = []
    provenance: dict[str, Any] = {}
    name, sep, split = spec.rpartition(":")
    if not Path(spec).exists() and (is_source_name(spec) or (sep and is_source_name(name))):
        source = get_source(spec if is_source_name(spec) else name)
        splits = list(source.splits) if is_source_name(spec) else [split]
        if splits[0] not in source.splits:
            raise SciglmError(f"--input {spec}: {source.name} has no split {splits[0]!r} "
                              f"(known: {', '.join(source.splits)})")
        files = [local_file(source, s, data_dir) for s in splits]
        label = f"{source.hub_id or source.name}@{(source.revision or 'latest')[:12]}"
        pairs = [(subject, f, f"{label}:{Path(f).name}") for f in files]
        provenance = {"input": spec, "name": source.name, "origin": source.origin,
                      "revision": source.revision, "licence": source.licence,
                      "files": [str(f) for f in files]}
    elif is_instruction_file(spec):
        pairs = [(subject, Path(spec), Path(spec).name)]
        provenance = {"input": spec, "files": [spec]}
    else:
        return [(subject, spec)], None
    from sciglm.io.jsonl import write_jsonl

    workdir.mkdir(parents=True, exist_ok=True)
    out: list[tuple[str | None, str]] = []
    for chosen, file, label in pairs:
        prefix = provenance.get("name") or "file-" + hashlib.sha1(
            str(Path(file).resolve()).encode()).hexdigest()[:8]
        target = workdir / f"{prefix}-{Path(file).name.split('.')[0]}.jsonl"
        write_jsonl(target, instruction_records(file, label))
        out.append((chosen, str(target)))
    return out, provenance
