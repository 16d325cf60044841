"""A stand-in for the Lean REPL: same wire protocol, scripted answers.

Reads JSON commands separated by blank lines; writes pretty-printed JSON answers followed by a
blank line, as the real REPL does.

``fake_repl.py --replay NAME.in NAME.expected.out`` answers each command with the recorded
answer (after checking it is the recorded command). Otherwise it plays a tiny Lean:
imports load a header, ``... := by sorry`` leaves a sorry, and markers in the code script
failures: ``HANG`` (never answers), ``CRASH`` (exits), ``BLOWUP`` (allocates until the memory
limit kills it), ``SLOW`` (0.3 s), ``FAKE_ERROR`` (an elaboration error with goals),
``FAKE_SORRY`` (a sorry warning), ``FAKE_AXIOM`` / ``FAKE_SORRYAX`` (what ``#print axioms``
reports), ``WRONG_TYPE`` (the type check fails). ``--log FILE`` appends ``PID event`` lines.
"""

from __future__ import annotations

import json
import os
import re
import sys
import time

LOG = None


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
        reply: dict = {"env": env}
        if "env" not in command and code.lstrip().startswith("import"):
            log("header")
        elif code.startswith("#print axioms"):
            name = code.split()[2]
            history = envs[env]
            if "FAKE_SORRYAX" in history:
                axioms = "propext, sorryAx, Classical.choice, Quot.sound"
            elif "FAKE_AXIOM" in history:
                axioms = "propext, fake_axiom"
            else:
                axioms = "propext, Classical.choice, Quot.sound"
            msgs = [message("info", f"'{name}' depends on axioms: [{axioms}]")]
            if "WRONG_TYPE" in history:
                msgs.append(message("error", "type mismatch\n  rfl\nhas type ...", 2, 46))
            reply["messages"] = msgs
        elif re.search(r":=\s*by\s+sorry\s*$", code):
            reply["sorries"] = [{"proofState": env, "goal": "⊢ stated", "pos": {"line": 1}}]
            reply["messages"] = [message("warning", "declaration uses `sorry`")]
        else:
            log("proof")
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
        answer(reply)


if __name__ == "__main__":
    args = sys.argv[1:]
    if "--log" in args:
        LOG = args[args.index("--log") + 1]
    if args[:1] == ["--replay"]:
        replay(args[1], args[2])
    else:
        play()
