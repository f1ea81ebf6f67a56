"""Fuzz the round trip on imperfect documents for a while; print what breaks.

    python -m tools.fuzz_roundtrip --seconds 300 [--seed N]

Each trial takes a built-in profile's demo document (with ``--real``, also a
real postmortem of ../shared/fixtures, read in place), applies one to three
imperfections (a line of text before or after a block, a dropped section, a
duplicated line, an emptied table cell, a heading a level up or down), then
imports, renders and imports it again and converts it to every built-in
profile. Findings are grouped by what broke; one example of each is written
to ``--out`` for reading. Exit code 1 when anything was found.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections import Counter
from pathlib import Path

from tests.roundtrip_support import MUTATIONS, bases, check_document, mutate, real_bases


def trial(rng: random.Random, documents: tuple[str, ...]) -> str:
    """Return one imperfect document."""
    lines = rng.choice(documents).split("\n")
    for _ in range(rng.randint(1, 3)):
        lines = mutate(lines, rng.choice(MUTATIONS), rng.randint(0, 10_000), rng.randint(0, 11))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Run trials until the time is up; return 1 when a document failed."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=60.0, help="how long to run")
    parser.add_argument("--seed", type=int, default=None, help="random seed (default: the time)")
    parser.add_argument(
        "--real",
        action="store_true",
        help="mutate the real postmortems of ../shared/fixtures too (generic readings)",
    )
    parser.add_argument("--out", type=Path, default=Path("fuzz-findings"), help="examples folder")
    args = parser.parse_args(argv)
    seed = args.seed if args.seed is not None else int(time.time())
    rng = random.Random(seed)
    documents = bases() + (real_bases() if args.real else ())
    found: Counter[str] = Counter()
    trials = 0
    stop = time.monotonic() + args.seconds
    while time.monotonic() < stop:
        text = trial(rng, documents)
        trials += 1
        finding = check_document(text)
        if finding is None:
            continue
        key = f"{finding.stage}: {finding.detail.split(chr(10))[0][:100]}"
        if not found[key]:
            args.out.mkdir(parents=True, exist_ok=True)
            example = args.out / f"finding-{len(found) + 1}.md"
            example.write_text(f"{text}\n\n<!-- {finding} -->\n", encoding="utf-8")
        found[key] += 1
    print(f"seed {seed}: {trials} documents, {sum(found.values())} findings")
    for key, count in found.most_common():
        print(f"{count:5d}  {key}")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
