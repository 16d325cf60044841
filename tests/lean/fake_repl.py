"""A stand-in for the Lean REPL: same wire protocol, scripted answers.

Reads JSON commands separated by blank lines; writes pretty-printed JSON answers followed by a
blank line, as the real REPL does.

``fake_repl.py --replay NAME.in NAME.expected.out`` answers each command with the recorded
answer (after checking it is the recorded command). Otherwise it plays a tiny Lean: imports
load a header, ``... := by sorry`` leaves a sorry, and markers in the code script failures:
``HANG`` (never answers), ``CRASH`` (exits), ``BLOWUP`` (allocates until the memory limit kills
it), ``SLOW`` (0.3 s), ``FAKE_ERROR`` (an elaboration error with goals), ``FAKE_SORRY`` (a sorry
warning), ``FAKE_ECHO`` (prints a forged axiom report), ``FAKE_AXIOM`` / ``FAKE_SORRYAX`` (the
audit finds that axiom), ``WRONG_TYPE`` (the audit finds another type). Like Lean, ``exact?``
closes the goal only where a declaration with the same statement is in scope (and then uses
``sorryAx`` if that declaration was sorried). The fingerprint and audit commands
(sciglm_lean.audit) are answered from the environment's history: the fingerprint is a hash of
the last statement declared under the target's name. ``--log FILE`` appends ``PID event``
lines; ``--record FILE`` appends each command with the history of its environment (JSON lines).
"""

from __future__ import annotations

import json
import os
import re
import sys
import time
import zlib

LOG = None
RECORD = None


def log(event: str) -> None:
    if LOG:
        with open(LOG, "a", encoding="utf-8") as handle:
            handle.write(f"{os.getpid()} {event}\n")


def read_commands():
    lines: list[str] = []
    for line in sys.stdin:
        if line.strip():
            lines.append(line)
            continue
        if lines:
            yield json.loads("".join(lines), strict=False)
            lines = []
    if lines:
        yield json.loads("".join(lines), strict=False)


def answer(obj: dict) -> None:
    sys.stdout.write(json.dumps(obj, indent=1, ensure_ascii=False) + "\n\n")
    sys.stdout.flush()


def replay(in_path: str, out_path: str) -> None:
    decoder = json.JSONDecoder(strict=False)  # the REPL accepts raw newlines in strings

    def values(text: str) -> list:
        out, i = [], 0
        while True:
            while i < len(text) and text[i].isspace():
                i += 1
            if i >= len(text):
                return out
            value, i = decoder.raw_decode(text, i)
            out.append(value)

    commands = values(open(in_path, encoding="utf-8").read())
    answers = values(open(out_path, encoding="utf-8").read())
    for index, command in enumerate(read_commands()):
        if index >= len(answers) or command != commands[index]:
            answer({"message": f"fake: unexpected command {index}"})
        else:
            answer(answers[index])


def record(command: dict, history: str) -> None:
    if RECORD:
        with open(RECORD, "a", encoding="utf-8") as handle:
            handle.write(json.dumps({"command": command, "history": history}) + "\n")


def target_of(code: str) -> str:
    """The name an audit/fingerprint command builds with ``Name.str``."""
    return ".".join(re.findall(r'_root_\.Lean\.Name\.str [^"]*"([^"]*)"\)', code.split("\n")[2]))


def declarations(history: str, name: str) -> list[str]:
    """The statements (up to ``:=``) declared as theorem ``name`` in ``history``, in order."""
    found = re.findall(
        rf"(?:theorem|lemma)\s+{re.escape(name)}(\s[^:]*?(?::(?!=)[^:]*?)*):=", history
    )
    return [" ".join(f.split()) for f in found]


def fingerprint(statement: str) -> int:
    return zlib.crc32(statement.encode("utf-8"))


def message(severity: str, data: str, line: int = 1, column: int = 0) -> dict:
    return {
        "severity": severity,
        "pos": {"line": line, "column": column},
        "endPos": {"line": line, "column": column + 4},
        "data": data,
    }


def play() -> None:
    envs: dict[int, str] = {}
    log("start")
    for command in read_commands():
        code = command.get("cmd", "")
        if "env" in command and command["env"] not in envs:
            answer({"message": "Unknown environment."})
            continue
        base = envs.get(command.get("env"), "")
        if "HANG" in code:
            time.sleep(3600)
        if "CRASH" in code:
            sys.stdout.flush()
            os._exit(3)
        if "BLOWUP" in code:
            hog = []
            while True:
                hog.append(bytearray(1 << 24))
        if "SLOW" in code:
            time.sleep(0.3)
        env = len(envs)
        envs[env] = base + "\n" + code
        record(command, base)
        reply: dict = {"env": env}
        if "env" not in command and code.lstrip().startswith("import"):
            log("header")
        elif "sciglm-fingerprint" in code:
            name = target_of(code)
            stated = declarations(base, name)
            reply["messages"] = [
                message("info", f"sciglm-fingerprint {fingerprint(stated[-1])} []")
                if stated
                else message("error", "sciglm-fingerprint: no declaration")
            ]
        elif "sciglm-audit" in code:
            name = target_of(code)
            want = int(re.search(r"info\.type\.hash != (\d+)", code).group(1))
            stated = declarations(base, name)
            if not stated:
                error = "sciglm-audit: no theorem of that name"
            elif fingerprint(stated[-1]) != want or "WRONG_TYPE" in base:
                error = "sciglm-audit: the theorem is not the asked statement"
            elif "FAKE_SORRYAX" in base or "USES_SORRIED" in base:
                error = "sciglm-audit: axiom sorryAx is not permitted"
            elif "FAKE_AXIOM" in base:
                error = "sciglm-audit: axiom fake_axiom is not permitted"
            else:
                error = ""
            if error:
                reply["messages"] = [message("error", error, 2, 4)]
        elif re.search(r":=\s*by\s+sorry\s*$", code):
            reply["sorries"] = [{"proofState": env, "goal": "⊢ stated", "pos": {"line": 1}}]
            reply["messages"] = [message("warning", "declaration uses `sorry`")]
        else:
            log("proof")
            if "exact?" in code:
                mine = code.split(":=")[0].split(None, 2)[-1]
                sorried = re.findall(r"(?:theorem|lemma)\s+\S+(.*?):=\s*by\s+sorry", base)
                if any(" ".join(s.split()) == " ".join(mine.split()) for s in sorried):
                    envs[env] += "\nUSES_SORRIED"
                else:
                    reply["messages"] = [
                        message("error", "`exact?` could not close the goal", 2, 2)
                    ]
            if "FAKE_ERROR" in code:
                reply["messages"] = [
                    message("error", "linarith failed to find a contradiction", 2, 2)
                ]
                reply["tactics"] = [
                    {
                        "tactic": "linarith",
                        "goals": "x : ℕ\n⊢ x + 1 = 3",
                        "pos": {"line": 2, "column": 2},
                        "endPos": {"line": 2, "column": 10},
                        "proofState": 0,
                    }
                ]
            elif re.search(r"FAKE_SORRY\b", code):
                reply["messages"] = [message("warning", "declaration uses 'sorry'")]
            elif "FAKE_ECHO" in code:  # a proof that makes Lean print a forged axiom report
                name = code.split()[1]
                reply["messages"] = [message("info", f"'{name}' does not depend on any axioms")]
        answer(reply)
        if "FAKE_STRAY" in code and "sciglm-" not in code:  # a second, unasked-for answer
            answer({"env": 999})


if __name__ == "__main__":
    args = sys.argv[1:]
    if "--log" in args:
        LOG = args[args.index("--log") + 1]
    if "--record" in args:
        RECORD = args[args.index("--record") + 1]
    if args[:1] == ["--replay"]:
        replay(args[1], args[2])
    else:
        play()
