import json
import subprocess
import sys
from http.server import ThreadingHTTPServer
from pathlib import Path

import pytest

from bench.load import Spec, percentile

from .conftest import BODY, StandIn, load


def measure(server, **kwargs) -> dict:
    spec = {"port": server.server_address[1], "path": "/", "warmup_seconds": 0, "seconds": 10, **kwargs}
    return load(**spec)


def test_the_generator_stops_at_its_request_limit_with_every_answer_counted(server):
    result = measure(server, cookies=["sessionid=a", "sessionid=b"], concurrency=3, max_requests=25)
    assert result["requests"] == 25 and result["statuses"] == {"200": 25} and result["errors"] == 0
    assert result["bytes"] == len(BODY)
    assert result["p50_ms"] <= result["p95_ms"] <= result["max_ms"]
    assert result["rps"] > 0
    assert server.cookies == {"sessionid=a", "sessionid=b"}


def test_the_generator_stops_at_its_time_limit(server):
    result = measure(server, concurrency=2, seconds=0.3, max_requests=10_000_000)
    assert 0 < result["requests"] < 10_000_000


def test_requests_during_the_warm_up_are_not_counted(server):
    result = measure(server, concurrency=2, warmup_seconds=0.3, seconds=0.3, max_requests=10_000_000)
    assert 0 < result["requests"] < server.hits


def test_answers_other_than_200_are_counted_by_status(server):
    result = measure(server, path="/missing", concurrency=1, max_requests=5)
    assert result["statuses"] == {"404": 5}


def test_a_server_that_is_not_there_counts_as_errors_not_answers():
    with ThreadingHTTPServer(("127.0.0.1", 0), StandIn) as gone:
        port = gone.server_address[1]
    result = load(port=port, path="/", concurrency=1, warmup_seconds=0, seconds=0.3)
    assert result["requests"] == 0 and result["errors"] > 0 and result["p95_ms"] is None


def test_only_this_machine_is_ever_asked():
    with pytest.raises(ValueError, match="127.0.0.1"):
        Spec(port=80, path="/", host="example.org")


def test_the_generator_runs_as_a_process_of_its_own(server):
    spec = {"port": server.server_address[1], "path": "/", "concurrency": 2, "warmup_seconds": 0, "seconds": 5,
            "max_requests": 10}
    done = subprocess.run([sys.executable, "-m", "bench.load"], input=json.dumps(spec), capture_output=True,
                          text=True, cwd=Path(__file__).resolve().parents[2], timeout=60, check=True)
    assert json.loads(done.stdout)["requests"] == 10


def test_percentiles_are_nearest_rank():
    values = [float(v) for v in range(1, 101)]
    assert percentile(values, 0.95) == 95 and percentile(values, 0.5) == 50 and percentile([], 0.5) is None
