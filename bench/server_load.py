"""How the team server holds up under load: many clients reading and writing through the REST API.

Run: .venv/bin/python bench/server_load.py [--documents N] [--data FOLDER] [--clients C]
         [--seconds D] [--configs sqlite-1,postgres-1,postgres-2] [--loads closed,RATE...]
         [--json FILE]

Setup, once per database a configuration needs:

1. N postmortems (default 10,000) of bench/server_data.py, every built-in
   profile with its timeline and action items, kept in ``--data`` (default
   a folder in the temporary directory) so the next run skips writing them;
2. an empty database: a SQLite file in a temporary folder, or the
   ``afteraction_bench`` database of the PostgreSQL at 127.0.0.1:5432
   (made when missing, its ``public`` schema dropped and made again);
3. a viewer and an author, each with an API token;
4. the postmortems loaded (bench/server_data.py's ``load``): the first 200
   one at a time through the import use case (what ``POST
   /postmortems/import`` runs, a transaction each), timed to show its cost;
   the rest through the same store in batches of 100 to a transaction (on
   PostgreSQL from a process per core).

Then, for each configuration (SQLite with one worker, PostgreSQL with one
and with two), ``aar serve`` runs as a process of its own; once it answers,
C clients (default 50) of one httpx2 async client send requests back to
back for 5 s of warm-up, then each load of ``--loads`` runs for D seconds
(default 60) that count: ``closed``, the C clients back to back, each
sending its next request when the last is answered (the server's pace sets
the rate: latency is mostly the wait behind the other clients' requests),
or a rate R, requests arriving at random at R a second whatever the
server's pace, at most C at once, each timed from when it arrived. 80%
reads, a third each of a filtered list (status, severity, profile, tag or
since, 50 a page), one postmortem, and one rendered as HTML; 20% writes,
half a timeline event, half an action item's status (open or done, the
states every profile can write), each on a postmortem drawn at random. An
answer that is not 2xx, or a request that fails (30 s timeout), is an error
of its kind. Latencies are of every answer, errors included.

It prints the machine's cores, then a Markdown table per configuration:
requests, requests/s, p50 and p99 in ms and errors of each kind, whether
the kind meets its target (p99 under 100 ms for reads, under 250 ms for
writes, and no error), the overall rate, and where the CPU went: the
server's processes, PostgreSQL (every database of it, so other programs'
too), these clients (on the server's cores, so they take their share),
and the rest of the machine (the kernel, anything else running: the
figures are worth little when that is large). ``--json FILE`` writes every
figure as JSON. The PostgreSQL database is left loaded, to look into.

``floor-1`` (not run unless named) serves bench/server_floor.py instead:
the same routes answering a fixed document, reading and writing nothing,
the floor the framework, uvicorn and these clients set on the machine.

The configurations on PostgreSQL share one load: the writes of the first
run (a few thousand revisions) are there for the second.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import resource
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import httpx2 as httpx
from server_data import (
    ACTION_ITEMS,
    BATCH,
    TAGS,
    Loaded,
    day_of,
    ensure,
    load,
    ref_of,
)

from afteraction.profiles import ProfileRegistry

API = "/api/v1"
CONFIGS = {
    "sqlite-1": ("sqlite", 1),
    "postgres-1": ("postgresql", 1),
    "postgres-2": ("postgresql", 2),
    "floor-1": ("floor", 1),
}
BENCH = Path(__file__).resolve().parent
# Kind, weight (out of 30: reads 24, writes 6), p99 target in ms.
KINDS = {
    "list": (8, 100.0),
    "record": (8, 100.0),
    "render": (8, 100.0),
    "timeline": (3, 250.0),
    "action": (3, 250.0),
}
READS = ("list", "record", "render")
# The states every profile can write: checkbox items hold no "in progress".
ACTION_STATES = ("open", "done")
WARM_UP = 5.0
TIMEOUT = 30.0


# ---------------------------------------------------------------------------- server
def free_port() -> int:
    """Return a TCP port free on the loopback address now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _tree(pid: int) -> list[int]:
    """Return ``pid`` and every process below it (children of any of their threads)."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        for task in Path(f"/proc/{current}").glob("task/*/children"):
            try:
                todo += [int(c) for c in task.read_text().split()]
            except OSError:
                continue
    return found


def _postgres_cpu() -> float:
    """Return the CPU seconds PostgreSQL's processes have used, those that ended included.

    Backends come and go (a pool's overflow connections close when given
    back), so each process's own time is not enough: the postmaster's count
    of its reaped children's time (cutime, cstime) holds those that ended.
    Every database of the server is counted, not the bench's alone.
    """
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for entry in Path("/proc").glob("[0-9]*/comm"):
        try:
            if entry.read_text().strip() != "postgres":
                continue
            fields = (entry.parent / "stat").read_text().rpartition(")")[2].split()
        except OSError:
            continue
        total += sum(int(f) for f in fields[11:15])
    return total / ticks


def _cpu_by_pid(pids: list[int]) -> dict[int, float]:
    """Return the CPU seconds (user + system) each live process of ``pids`` has used."""
    ticks = os.sysconf("SC_CLK_TCK")
    used = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
        except OSError:
            continue
        used[pid] = (int(fields[11]) + int(fields[12])) / ticks
    return used


def _machine_busy() -> float:
    """Return the CPU seconds every core has spent not idle since boot."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
    idle = values[3] + values[4]
    return (sum(values[:8]) - idle) / os.sysconf("SC_CLK_TCK")


class CpuMeter:
    """Where the CPU goes while it runs: the server, PostgreSQL, this client, the rest.

    "Other" is the rest of the machine's busy time: the kernel's work for
    everyone, and whatever else runs on the machine meanwhile.
    """

    def __init__(self, server: int) -> None:
        self.server = server
        self.before = self._sample()

    def _sample(self) -> dict[str, Any]:
        used = resource.getrusage(resource.RUSAGE_SELF)
        return {
            "server": _cpu_by_pid(_tree(self.server)),
            "postgres": _postgres_cpu(),
            "client": used.ru_utime + used.ru_stime,
            "busy": _machine_busy(),
        }

    def cores(self, seconds: float) -> dict[str, float]:
        """Return the cores each part kept busy on average over ``seconds`` since it started."""
        after, before = self._sample(), self.before
        server = sum(v - before["server"].get(pid, 0.0) for pid, v in after["server"].items())
        spent = {"server": server}
        for part in ("postgres", "client"):
            spent[part] = after[part] - before[part]
        busy = after["busy"] - before["busy"]
        spent["other"] = max(0.0, busy - sum(spent.values()))
        return {part: value / seconds for part, value in spent.items()}


@contextmanager
def serving(url: str, workers: int, folder: Path, log: Path) -> Iterator[tuple[str, int]]:
    """Run ``aar serve`` on ``url``; give its base URL and process ID; always stop it."""
    port = free_port()
    if url == "floor":
        command = [sys.executable, "-m", "uvicorn", "--app-dir", str(BENCH), "server_floor:app"]
        command += ["--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"]
    else:
        aar = Path(sys.executable).with_name("aar")
        command = [str(aar)] if aar.exists() else [sys.executable, "-m", "afteraction"]
        command += ["serve", "--host", "127.0.0.1", "--port", str(port)]
        command += ["--workers", str(workers), "--database", url]
    with log.open("wb") as out:
        process = subprocess.Popen(
            command, cwd=folder, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        yield f"http://127.0.0.1:{port}", process.pid
    finally:
        stop(process)


def stop(process: subprocess.Popen[bytes]) -> None:
    """Stop the server's process group: SIGTERM, then SIGKILL after 15 s."""
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(5)
    except ProcessLookupError:
        pass


def wait_until_ready(base: str, token: str, pid: int, log: Path, limit: float = 90.0) -> float:
    """Wait until the server lists postmortems; return the seconds it took to start."""
    started = time.perf_counter()
    headers = {"Authorization": f"Bearer {token}"}
    while time.perf_counter() - started < limit:
        try:
            answer = httpx.get(f"{base}{API}/postmortems?limit=1", headers=headers, timeout=5)
            if answer.status_code == 200:
                return time.perf_counter() - started
        except httpx.HTTPError:
            pass
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            break
        time.sleep(0.2)
    tail = log.read_text(errors="replace")[-3000:]
    raise SystemExit(f"the server did not answer within {limit:.0f} s; its log ends:\n{tail}")


# ---------------------------------------------------------------------------- load
@dataclass
class Tally:
    """The answers of one kind: latencies (s) and errors by what went wrong."""

    latencies: list[float] = field(default_factory=list)
    errors: Counter[str] = field(default_factory=Counter)


@dataclass
class Workload:
    """What the clients draw from: postmortems, their days, filter values, the tokens."""

    refs: list[tuple[str, date]]
    statuses: list[str]
    severities: list[str]
    profiles: list[str]
    last_day: date
    tokens: dict[str, str]

    @classmethod
    def of(cls, paths: list[Path], tokens: dict[str, str]) -> Workload:
        """Return the workload over the postmortems ``paths`` hold."""
        registry = ProfileRegistry.discover()
        profiles = [registry.get(n) for n in registry.names()]
        refs = [(ref_of(p), day_of(i)) for i, p in enumerate(paths)]
        return cls(
            refs,
            sorted({s.name for p in profiles for s in p.statuses}),
            sorted({s.name for p in profiles for s in p.severity}),
            [p.name for p in profiles],
            refs[-1][1],
            tokens,
        )

    def request(self, kind: str, rng: random.Random, serial: int) -> tuple[str, str, Any]:
        """Return the method, path and JSON body of one request of ``kind``."""
        ref, day = rng.choice(self.refs)
        if kind == "list":
            name = rng.choice(("status", "severity", "profile", "tag", "since"))
            if name == "since":
                offset = rng.randrange((self.last_day - day_of(0)).days + 1)
                value = f"{day_of(0) + timedelta(days=offset)}T00:00:00Z"
            else:
                choices = {
                    "status": self.statuses,
                    "severity": self.severities,
                    "profile": self.profiles,
                    "tag": list(TAGS),
                }
                value = rng.choice(choices[name])
            return "GET", f"{API}/postmortems?{name}={value}&limit=50", None
        if kind == "record":
            return "GET", f"{API}/postmortems/{ref}", None
        if kind == "render":
            return "GET", f"{API}/postmortems/{ref}/render?format=html", None
        if kind == "timeline":
            moment = datetime.combine(day, datetime.min.time(), UTC) + timedelta(
                hours=16, seconds=rng.randrange(7200)
            )
            event = {"time": moment.isoformat(), "text": f"Load test note {serial}"}
            return "POST", f"{API}/postmortems/{ref}/timeline", {"events": [event]}
        number = rng.randrange(1, ACTION_ITEMS + 1)
        body = {"status": rng.choice(ACTION_STATES)}
        return "POST", f"{API}/actions/{ref}%23{number}/status", body


async def drive(
    base: str, work: Workload, clients: int, seconds: float, seed: int, rate: float | None = None
) -> tuple[dict[str, Tally], float]:
    """Send requests for ``seconds``; return the tallies and the time it took.

    Without ``rate``, ``clients`` clients send requests back to back (a closed
    loop: the server's pace sets the rate). With ``rate``, requests arrive at
    random (Poisson) at ``rate`` a second whatever the server's pace, at most
    ``clients`` at once (an open loop); a request's latency runs from when it
    arrived, so time spent waiting for a free client counts.
    """
    tallies = {kind: Tally() for kind in KINDS}
    kinds, weights = list(KINDS), [w for w, _ in KINDS.values()]
    headers = {
        kind: {"Authorization": f"Bearer {work.tokens['viewer' if kind in READS else 'author']}"}
        for kind in KINDS
    }
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    serial = 0

    async def send(http: httpx.AsyncClient, rng: random.Random, began: float) -> None:
        nonlocal serial
        kind = rng.choices(kinds, weights)[0]
        serial += 1
        method, path, body = work.request(kind, rng, serial)
        tally = tallies[kind]
        try:
            answer = await http.request(method, path, json=body, headers=headers[kind])
            if not 200 <= answer.status_code < 300:
                tally.errors[f"HTTP {answer.status_code}"] += 1
        except httpx.HTTPError as exc:
            tally.errors[type(exc).__name__] += 1
        tally.latencies.append(time.perf_counter() - began)

    async def client(number: int, http: httpx.AsyncClient, deadline: float) -> None:
        rng = random.Random(seed * 1000 + number)
        while time.perf_counter() < deadline:
            await send(http, rng, time.perf_counter())

    async def arrivals(http: httpx.AsyncClient, deadline: float, rate: float) -> None:
        rng, gate = random.Random(seed), asyncio.Semaphore(clients)
        pending: set[asyncio.Task[None]] = set()

        async def one(arrived: float, draw: random.Random) -> None:
            async with gate:
                await send(http, draw, arrived)

        moment = time.perf_counter()
        while True:
            moment += rng.expovariate(rate)
            if moment >= deadline:
                break
            await asyncio.sleep(max(0.0, moment - time.perf_counter()))
            task = asyncio.create_task(one(moment, random.Random(rng.random())))
            pending.add(task)
            task.add_done_callback(pending.discard)
        await asyncio.gather(*pending)

    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=TIMEOUT) as http:
        began = time.perf_counter()
        deadline = began + seconds
        if rate is None:
            await asyncio.gather(*(client(n, http, deadline) for n in range(clients)))
        else:
            await arrivals(http, deadline, rate)
        return tallies, time.perf_counter() - began


def percentile(values: list[float], share: float) -> float:
    """Return the ``share`` percentile of ``values`` (nearest rank), in ms."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return 1000 * ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def figures(tallies: dict[str, Tally], elapsed: float) -> dict[str, dict[str, Any]]:
    """Return requests, rate, p50, p99, errors and the verdict of each kind, and of all."""
    rows: dict[str, dict[str, Any]] = {}
    for kind, tally in tallies.items():
        count, errors = len(tally.latencies), sum(tally.errors.values())
        p99 = percentile(tally.latencies, 0.99)
        target = KINDS[kind][1]
        rows[kind] = {
            "requests": count,
            "rps": count / elapsed,
            "p50_ms": percentile(tally.latencies, 0.50),
            "p99_ms": p99,
            "errors": errors,
            "errors_by_kind": dict(tally.errors),
            "target_p99_ms": target,
            "met": count > 0 and p99 < target and errors == 0,
        }
    every = [v for t in tallies.values() for v in t.latencies]
    rows["all"] = {
        "requests": len(every),
        "rps": len(every) / elapsed,
        "p50_ms": percentile(every, 0.50),
        "p99_ms": percentile(every, 0.99),
        "errors": sum(r["errors"] for r in rows.values()),
    }
    return rows


def run_config(
    name: str, loaded: Loaded, work: Workload, folder: Path, args: argparse.Namespace
) -> dict[str, Any]:
    """Serve one configuration, warm it up, put each load on it, and return the figures."""
    _, workers = CONFIGS[name]
    log = folder / f"serve-{name}.log"
    runs: dict[str, Any] = {}
    with serving(loaded.url, workers, folder, log) as (base, pid):
        startup = wait_until_ready(base, loaded.tokens["viewer"], pid, log)
        print(f"  {name}: serving at {base} after {startup:.1f} s; warming up", flush=True)
        asyncio.run(drive(base, work, args.clients, WARM_UP, seed=1))
        for pace in args.loads:
            rate = None if pace == "closed" else float(pace)
            meter = CpuMeter(pid)
            print(f"  {name}: {describe(pace, args.clients)} for {args.seconds:.0f} s", flush=True)
            tallies, elapsed = asyncio.run(
                drive(base, work, args.clients, args.seconds, seed=2, rate=rate)
            )
            runs[pace] = {
                "rate": rate,
                "seconds": elapsed,
                "kinds": figures(tallies, elapsed),
                "cpu_cores": meter.cores(elapsed),
            }
    return {
        "workers": workers,
        "database": loaded.url.split(":", 1)[0].split("+")[0],  # or "floor"
        "loads": runs,
    }


def describe(pace: str, clients: int) -> str:
    """Return a load in words: the closed loop, or the rate offered."""
    if pace == "closed":
        return f"{clients} clients back to back"
    return f"{float(pace):g} requests/s arriving at random, at most {clients} at once"


# ---------------------------------------------------------------------------- output
def table(name: str, result: dict[str, Any], pace: str, clients: int) -> str:
    """Return the figures of one configuration under one load as a Markdown table."""
    run = result["loads"][pace]
    lines = [
        f"### {name} ({result['database']}, {result['workers']} worker"
        f"{'s' if result['workers'] > 1 else ''}): {describe(pace, clients)}",
        "",
        "| kind | requests | req/s | p50 ms | p99 ms | errors | target | met |",
        "|---|---:|---:|---:|---:|---:|---|---|",
    ]
    for kind, row in run["kinds"].items():
        if kind == "all":
            target, met = "", ""
        else:
            target = f"p99 < {row['target_p99_ms']:.0f} ms, 0 errors"
            met = "yes" if row["met"] else "**no**"
        lines.append(
            f"| {kind} | {row['requests']:,} | {row['rps']:.1f} | {row['p50_ms']:.1f}"
            f" | {row['p99_ms']:.1f} | {row['errors']:,} | {target} | {met} |"
        )
    errors = [
        f"{kind}: " + ", ".join(f"{n} x {what}" for what, n in row["errors_by_kind"].items())
        for kind, row in run["kinds"].items()
        if row.get("errors_by_kind")
    ]
    cpu = run["cpu_cores"]
    lines += [
        "",
        f"Overall: {run['kinds']['all']['rps']:.1f} requests/s over {run['seconds']:.1f} s."
        f" CPU (cores busy on average, of {os.cpu_count()}): server {cpu['server']:.2f},"
        f" PostgreSQL (all databases) {cpu['postgres']:.2f}, these clients {cpu['client']:.2f},"
        f" other (kernel, other programs) {cpu['other']:.2f}.",
    ]
    if errors:
        lines.append("Errors: " + "; ".join(errors) + ".")
    return "\n".join(lines)


def main(args: argparse.Namespace) -> None:
    """Write or find the postmortems, load each database, then run every configuration."""
    names = [n.strip() for n in args.configs.split(",") if n.strip()]
    unknown = [n for n in names if n not in CONFIGS]
    if unknown:
        raise SystemExit(
            f"unknown configuration {', '.join(unknown)} (known: {', '.join(CONFIGS)})"
        )
    cores = os.cpu_count() or 1
    print(f"{cores} cores; {args.clients} clients; {args.seconds:.0f} s per configuration")
    started = time.perf_counter()
    paths = ensure(args.data, args.documents)
    written = time.perf_counter() - started
    size = sum(p.stat().st_size for p in paths) / len(paths) / 1024
    print(f"{len(paths):,} postmortems of {size:.1f} KB in {args.data} ({written:.1f} s)")
    report: dict[str, Any] = {
        "cores": cores,
        "documents": len(paths),
        "clients": args.clients,
        "seconds": args.seconds,
        "targets": {"read_p99_ms": 100, "write_p99_ms": 250, "errors": 0},
        "setup": {"data_seconds": round(written, 2)},
        "configs": {},
    }
    with tempfile.TemporaryDirectory(prefix="aar-load-") as temporary:
        folder = Path(temporary)
        loads: dict[str, Loaded] = {}
        for name in names:
            backend = CONFIGS[name][0]
            if backend == "floor":
                loads[backend] = Loaded("floor", {"viewer": "-", "author": "-"}, 0, 0, 0, 0, 0)
            if backend not in loads:
                print(f"loading {len(paths):,} postmortems into {backend} ...", flush=True)
                loaded = loads[backend] = load(backend, folder, paths)
                report["setup"][backend] = loaded.to_dict()
                total = loaded.service_seconds + loaded.batch_seconds
                print(
                    f"  {loaded.service_count} through the import use case, one transaction"
                    f" each: {1000 * loaded.service_seconds / max(1, loaded.service_count):.1f}"
                    f" ms each; {loaded.batch_count:,} through the store in batches of"
                    f" {BATCH} ({loaded.processes} process{'es' if loaded.processes > 1 else ''}):"
                    f" {loaded.batch_count / max(1e-9, loaded.batch_seconds):.0f}/s;"
                    f" {total:.1f} s in all",
                    flush=True,
                )
            work = Workload.of(paths, loads[backend].tokens)
            report["configs"][name] = run_config(name, loads[backend], work, folder, args)
    print()
    for name, result in report["configs"].items():
        for pace in result["loads"]:
            print(table(name, result, pace, args.clients))
            print()
    print("Targets: p99 under 100 ms for reads, under 250 ms for writes, no errors.")
    for name, result in report["configs"].items():
        for pace, run in result["loads"].items():
            kinds = {k: v for k, v in run["kinds"].items() if k != "all"}
            met = [k for k, v in kinds.items() if v["met"]]
            missed = [k for k, v in kinds.items() if not v["met"]]
            print(
                f"  {name}, {describe(pace, args.clients)}: met by {', '.join(met) or 'none'};"
                f" missed by {', '.join(missed) or 'none'}"
            )
    if args.json:
        args.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
        print(f"figures written to {args.json}")


def _stop_on_term(signum: int, _frame: object) -> None:
    raise SystemExit(128 + signum)  # unwinds through every `finally`, stopping the server


def parse(argv: list[str]) -> argparse.Namespace:
    """Return the command line's options."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--documents", type=int, default=10_000, help="postmortems (10,000)")
    parser.add_argument(
        "--data",
        type=Path,
        default=Path(tempfile.gettempdir()) / "aar-server-load",
        help="folder the postmortems are kept in between runs",
    )
    parser.add_argument("--clients", type=int, default=50, help="concurrent clients (50)")
    parser.add_argument("--seconds", type=float, default=60.0, help="seconds measured (60)")
    parser.add_argument(
        "--configs",
        default=",".join(c for c in CONFIGS if c != "floor-1"),
        help=f"configurations to run, of {', '.join(CONFIGS)}",
    )
    parser.add_argument(
        "--loads",
        default="closed",
        help="loads to put on each configuration, in turn: 'closed' (the clients back to back)"
        " or a rate in requests/s arriving at random (default: closed)",
    )
    parser.add_argument("--json", type=Path, help="write the figures to this JSON file")
    args = parser.parse_args(argv)
    args.loads = [pace.strip() for pace in args.loads.split(",") if pace.strip()]
    for pace in args.loads:
        if pace != "closed" and not (pace.replace(".", "", 1).isdigit() and float(pace) > 0):
            parser.error(f"--loads: '{pace}' is neither 'closed' nor a positive rate")
    if args.documents < 1 or args.clients < 1 or args.seconds <= 0:
        parser.error("--documents, --clients and --seconds must be positive")
    return args


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, _stop_on_term)
    main(parse(sys.argv[1:]))
