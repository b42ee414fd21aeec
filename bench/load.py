"""The benchmark's load generator: signed-in users requesting one page over and over, from a process of its own.

    python -m bench.load < spec.json > result.json

The spec names the page (`path`), one session cookie per virtual user (`cookies`), `concurrency`,
`warmup_seconds`, `seconds`, `max_requests` and `timeout_seconds`. Each user opens a connection, sends one GET,
reads the whole answer and starts again at once (gunicorn's sync workers close the connection after each
answer, as a browser behind a proxy would see it); requests during the warm-up are not counted. The run stops at
`seconds` or at `max_requests`, whichever comes first. Only 127.0.0.1 is ever asked: this is not a tool to
point at someone else's server.

Only the standard library: no Django here, so the generator costs the machine as little as it can.
"""

import asyncio
import json
import math
import sys
import time
from collections import Counter
from dataclasses import dataclass, field

HOST = "127.0.0.1"


@dataclass
class Spec:
    port: int
    path: str
    cookies: list[str] = field(default_factory=lambda: [""])
    concurrency: int = 8
    warmup_seconds: float = 2.0
    seconds: float = 10.0
    max_requests: int = 10_000
    timeout_seconds: float = 30.0
    host: str = HOST
    headers: dict[str, str] = field(default_factory=dict)

    def __post_init__(self):
        if self.host != HOST:
            raise ValueError(f"the load generator only talks to {HOST}, not {self.host!r}")
        if not self.path.startswith("/"):
            raise ValueError("path must start with /")
        if self.concurrency < 1 or self.seconds <= 0 or self.max_requests < 1:
            raise ValueError("concurrency, seconds and max_requests must be positive")


def percentile(sorted_values: list[float], fraction: float) -> float | None:
    """Nearest-rank percentile of already sorted values (fraction 0.95 for p95)."""
    if not sorted_values:
        return None
    rank = max(1, math.ceil(fraction * len(sorted_values)))
    return sorted_values[rank - 1]


def _request_bytes(spec: Spec, cookie: str) -> bytes:
    lines = [f"GET {spec.path} HTTP/1.1", f"Host: {spec.host}:{spec.port}", "Connection: close",
             "User-Agent: opp-bench", "Accept: text/html"]
    if cookie:
        lines.append(f"Cookie: {cookie}")
    lines += [f"{name}: {value}" for name, value in spec.headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


async def _fetch(spec: Spec, request: bytes) -> tuple[int, int]:
    """One request on a fresh connection; returns the status and the size of the body."""
    reader, writer = await asyncio.open_connection(spec.host, spec.port)
    try:
        writer.write(request)
        await writer.drain()
        data = await reader.read()  # the server closes the connection after the answer
    finally:
        writer.close()
    head, _sep, body = data.partition(b"\r\n\r\n")
    status_line = head.split(b"\r\n", 1)[0].split()
    if len(status_line) < 2 or not status_line[1].isdigit():
        raise ConnectionError("no HTTP answer")
    return int(status_line[1]), len(body)


async def run(spec: Spec) -> dict:
    loop = asyncio.get_running_loop()
    requests = [_request_bytes(spec, spec.cookies[i % len(spec.cookies)]) for i in range(spec.concurrency)]
    started = loop.time()
    measure_from = started + spec.warmup_seconds
    stop_at = measure_from + spec.seconds
    latencies: list[float] = []
    statuses: Counter = Counter()
    errors: Counter = Counter()
    sizes: list[int] = []
    counted = 0
    last_done = measure_from

    async def user(n: int) -> None:
        nonlocal counted, last_done
        while True:
            begin = loop.time()
            if begin >= stop_at or counted >= spec.max_requests:
                return
            measuring = begin >= measure_from
            if measuring:
                counted += 1
            try:
                status, size = await asyncio.wait_for(_fetch(spec, requests[n]), spec.timeout_seconds)
            except (OSError, asyncio.TimeoutError, ConnectionError) as exc:
                if measuring:
                    errors[type(exc).__name__] += 1
                await asyncio.sleep(0.05)
                continue
            end = loop.time()
            if measuring:
                latencies.append(end - begin)
                statuses[status] += 1
                sizes.append(size)
                last_done = max(last_done, end)

    await asyncio.gather(*(user(n) for n in range(spec.concurrency)))
    latencies.sort()
    window = max(last_done - measure_from, 1e-9)
    ms = [v * 1000 for v in latencies]
    return {
        "path": spec.path,
        "concurrency": spec.concurrency,
        "requests": len(latencies),
        "errors": sum(errors.values()),
        "error_kinds": dict(errors),
        "statuses": {str(k): v for k, v in sorted(statuses.items())},
        "seconds": round(window, 3),
        "rps": round(len(latencies) / window, 1) if latencies else 0.0,
        "p50_ms": _round(percentile(ms, 0.50)),
        "p95_ms": _round(percentile(ms, 0.95)),
        "p99_ms": _round(percentile(ms, 0.99)),
        "max_ms": _round(ms[-1] if ms else None),
        "mean_ms": _round(sum(ms) / len(ms) if ms else None),
        "bytes": round(sum(sizes) / len(sizes)) if sizes else 0,
    }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def main() -> None:
    spec = Spec(**json.load(sys.stdin))
    started = time.perf_counter()
    result = asyncio.run(run(spec))
    result["wall_seconds"] = round(time.perf_counter() - started, 2)
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    main()
