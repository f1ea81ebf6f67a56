"""Generate the JSON-lines logs the timeline benchmarks read.

Run: .venv/bin/python -m bench.log_data FOLDER [SIZE_MB]

Writes, in FOLDER (skipping files already there):

- ``sorted.jsonl``: SIZE_MB (default 1024) of log lines from one day,
  2026-11-03, in time order, as a service writes them;
- ``unsorted.jsonl``: the same lines shuffled in blocks (as several writers
  interleaving, out of order), for the full scan;
- ``merge-{a,b,c}.jsonl``: three time-sorted logs of SIZE_MB * 300 / 1024
  MB each, from three services, for the merge.

Lines look like bunyan/pino output: ``{"time":"...Z","level":"info",...}``,
about 200 bytes, with some warnings and errors among them.
"""

from __future__ import annotations

import random
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

DAY = datetime(2026, 11, 3, tzinfo=UTC)
MESSAGES = [
    ("info", "request handled"),
    ("info", "cache refreshed for tenant"),
    ("debug", "connection pool stats"),
    ("info", "payment authorised"),
    ("warn", "slow upstream response"),
    ("error", "payment gateway timeout"),
]
WEIGHTS = [40, 20, 20, 15, 4, 1]


def lines(service: str, count: int, seed: int) -> list[bytes]:
    """Return ``count`` sorted log lines of one service spread over the day."""
    rng = random.Random(seed)
    step = 86_400 / count
    picks = rng.choices(MESSAGES, WEIGHTS, k=count)
    out = []
    for n, (level, message) in enumerate(picks):
        moment = DAY + timedelta(seconds=n * step)
        stamp = moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond:06d}Z"
        out.append(
            (
                f'{{"time":"{stamp}","level":"{level}","service":"{service}",'
                f'"msg":"{message}","request_id":"{rng.getrandbits(64):016x}",'
                f'"tenant":"t{n % 977}","duration_ms":{rng.randint(1, 900)},'
                f'"path":"/api/v1/orders/{n % 100_000}"}}\n'
            ).encode()
        )
    return out


def write(path: Path, size_mb: float, service: str, seed: int, *, shuffle: bool = False) -> None:
    """Write about ``size_mb`` of log lines to ``path`` (shuffled in blocks when asked)."""
    if path.exists():
        return
    count = int(size_mb * 1024 * 1024 / 199)
    data = lines(service, count, seed)
    if shuffle:
        blocks = [data[i : i + 64] for i in range(0, len(data), 64)]
        random.Random(seed).shuffle(blocks)
        data = [line for block in blocks for line in block]
    with path.open("wb") as out:
        for start in range(0, len(data), 100_000):
            out.write(b"".join(data[start : start + 100_000]))
    print(f"wrote {path} ({path.stat().st_size / 2**20:,.0f} MiB, {count:,} lines)")


def main(folder: Path, size_mb: float) -> None:
    """Write every benchmark log that is missing."""
    folder.mkdir(parents=True, exist_ok=True)
    write(folder / "sorted.jsonl", size_mb, "checkout", 1)
    write(folder / "unsorted.jsonl", size_mb, "checkout", 1, shuffle=True)
    for n, name in enumerate("abc"):
        write(folder / f"merge-{name}.jsonl", size_mb * 300 / 1024, f"svc-{name}", 10 + n)


if __name__ == "__main__":
    main(Path(sys.argv[1]), float(sys.argv[2]) if len(sys.argv) > 2 else 1024)
