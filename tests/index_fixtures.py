"""Fixtures and helpers of the live-index tests: a real redis-server, stores of both backends, articles.

The Redis tests run against a real ``redis-server`` started here on a free
loopback port, without persistence, and stopped afterwards; the Redis Cluster
tests against three real ``redis-server --cluster-enabled yes`` nodes joined
by ``redis-cli --cluster create``. A missing binary is a test *failure*, not
a skip: ``scripts/test`` installs it, so CI never passes without having run
them.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from newsdedup.models import Article

ROOT = Path(__file__).resolve().parent.parent
REDIS_MISSING = (
    "redis-server is not installed: the Redis index tests need it (Debian: apt-get install "
    "redis-server; scripts/test installs it)"
)

_SYLLABLES = (
    "ba",
    "ko",
    "ri",
    "tu",
    "me",
    "sa",
    "lo",
    "ni",
    "da",
    "ve",
    "pu",
    "ga",
    "zo",
    "fi",
    "he",
    "ru",
    "ta",
    "mo",
    "ke",
    "li",
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def free_cluster_port() -> int:
    """A free loopback port whose cluster bus port (port + 10000) is free too."""
    for _ in range(200):
        port = free_port()
        if port + 10000 > 65535:
            continue
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port + 10000))
            except OSError:
                continue
        return port
    raise AssertionError("no free port pair for a Redis Cluster node")


class RedisServer:
    """A throwaway redis-server process (no persistence) on a free loopback port."""

    def __init__(self, workdir: Path, *extra: str) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            pytest.fail(REDIS_MISSING, pytrace=False)
        self.port = free_cluster_port() if "--cluster-enabled" in extra else free_port()
        self.name = f"127.0.0.1:{self.port}"
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = subprocess.Popen(
            [
                binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(workdir),
                "--daemonize",
                "no",
                "--loglevel",
                "warning",
                *extra,
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self._wait_ready()

    def _wait_ready(self) -> None:
        import redis

        deadline = time.monotonic() + 20
        client = redis.Redis(port=self.port, socket_connect_timeout=0.5)
        while True:
            try:
                client.ping()
                return
            except redis.exceptions.ConnectionError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    pytest.fail(f"redis-server did not start on port {self.port}", pytrace=False)
                time.sleep(0.05)

    def kill(self) -> None:
        """SIGKILL: the server vanishes mid-conversation, as in a crash."""
        with contextlib.suppress(ProcessLookupError):
            self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()


class RedisClusterNodes:
    """Three throwaway ``redis-server --cluster-enabled yes`` nodes, joined into one cluster.

    No replicas: killing a node takes its slots down (a short node timeout makes the others
    notice within about a second), which is what the node-down tests need.
    """

    def __init__(self, workdir: Path, nodes: int = 3) -> None:
        self.nodes = []
        for i in range(nodes):
            folder = workdir / f"node{i}"
            folder.mkdir()
            self.nodes.append(
                RedisServer(
                    folder,
                    "--cluster-enabled",
                    "yes",
                    "--cluster-config-file",
                    str(folder / "nodes.conf"),
                    "--cluster-node-timeout",
                    "1000",
                )
            )
        self.url = "redis+cluster://" + ",".join(n.name for n in self.nodes)
        self._create()

    def _create(self) -> None:
        cli = shutil.which("redis-cli")
        if cli is None:
            self.stop()
            pytest.fail(REDIS_MISSING, pytrace=False)
        made = subprocess.run(
            [cli, "--cluster", "create", *(n.name for n in self.nodes)]
            + ["--cluster-replicas", "0", "--cluster-yes"],
            capture_output=True,
            text=True,
            timeout=60,
        )
        if made.returncode != 0:
            self.stop()
            pytest.fail(f"redis-cli --cluster create failed: {made.stdout}{made.stderr}")
        self.wait_state("ok")

    def wait_state(self, state: str, timeout: float = 30) -> None:
        """Wait until every live node reports ``cluster_state:<state>``."""
        import redis

        deadline = time.monotonic() + timeout
        while True:
            seen = []
            for node in self.nodes:
                if node.process.poll() is not None:
                    continue
                with contextlib.suppress(redis.exceptions.RedisError):
                    info = redis.Redis(port=node.port).cluster("INFO")  # parsed: a dict
                    seen.append(info.get("cluster_state") == state)
                    continue
                seen.append(False)
            if seen and all(seen):
                return
            if time.monotonic() > deadline:
                self.stop()
                pytest.fail(f"the Redis Cluster did not reach cluster_state:{state}")
            time.sleep(0.1)

    def node_of(self, prefix: str) -> RedisServer:
        """The node serving the slot of the index under ``prefix`` (``CLUSTER KEYSLOT``)."""
        import redis

        first = redis.Redis(port=self.nodes[0].port)
        slot = int(first.execute_command("CLUSTER KEYSLOT", "{" + prefix + "}:meta"))
        for start, end, primary, *_ in first.execute_command("CLUSTER SLOTS"):
            if start <= slot <= end:
                port = int(primary[1])
                return next(n for n in self.nodes if n.port == port)
        raise AssertionError(f"no node serves slot {slot}")

    def stop(self) -> None:
        for node in self.nodes:
            node.stop()


@pytest.fixture(scope="session")
def redis_cluster(tmp_path_factory) -> Iterator[RedisClusterNodes]:
    cluster = RedisClusterNodes(tmp_path_factory.mktemp("redis-cluster"))
    yield cluster
    cluster.stop()


@pytest.fixture
def own_redis_cluster(tmp_path) -> Iterator[RedisClusterNodes]:
    """A cluster of this test alone (for tests that kill a node)."""
    cluster = RedisClusterNodes(tmp_path)
    yield cluster
    cluster.stop()


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory) -> Iterator[RedisServer]:
    server = RedisServer(tmp_path_factory.mktemp("redis"))
    yield server
    server.stop()


@pytest.fixture
def own_redis_server(tmp_path) -> Iterator[RedisServer]:
    """A server of this test alone (for tests that kill it)."""
    server = RedisServer(tmp_path)
    yield server
    server.stop()


class StoreFactory:
    """Opens stores on one index location, as often as a test wants to (reopen = new object)."""

    def __init__(self, kind: str, tmp_path: Path, redis_url: str | None) -> None:
        self.kind = kind
        self.path = tmp_path / "index.db"
        self.redis_url = redis_url
        self.prefix = f"t{uuid.uuid4().hex[:12]}"

    def __call__(self, create: bool = True):
        from newsdedup.index import RedisStore, SQLiteStore

        if self.kind == "sqlite":
            return SQLiteStore(self.path, create=create)
        return RedisStore(self.redis_url, prefix=self.prefix)

    def open(self, **options):
        """A store with keyword options of its backend's constructor (``manifest=False``, ...)."""
        from newsdedup.index import RedisStore, SQLiteStore

        if self.kind == "sqlite":
            return SQLiteStore(self.path, **options)
        return RedisStore(self.redis_url, prefix=self.prefix, **options)

    def client(self):
        """A raw client of the server or cluster (to damage an index the way a hand edit would)."""
        import redis

        if self.kind == "redis-cluster":
            return redis.cluster.RedisCluster.from_url(
                self.redis_url.replace("+cluster", "").split(",")[0]
            )
        return redis.Redis.from_url(self.redis_url)

    def cli_args(self) -> list[str]:
        if self.kind == "sqlite":
            return ["--db", str(self.path)]
        return ["--redis", self.redis_url, "--prefix", self.prefix]


@pytest.fixture(params=["sqlite", "redis", "redis-cluster"])
def make_store(request, tmp_path) -> StoreFactory:
    """Parametrises a test over the backends (the conformance suite): a file, a server, a cluster."""
    url = {
        "sqlite": lambda: None,
        "redis": lambda: request.getfixturevalue("redis_server").url,
        "redis-cluster": lambda: request.getfixturevalue("redis_cluster").url,
    }[request.param]()
    return StoreFactory(request.param, tmp_path, url)


# --- articles ---------------------------------------------------------------------------
def story(seed: int, words: int = 120) -> str:
    """A distinct article body of ``words`` words (word salad, reproducible, a few numbers)."""
    rng = random.Random(seed)
    out = []
    for i in range(words):
        word = "".join(
            rng.choice(_SYLLABLES) for _ in range(3)
        )  # 8,000 possible words: stories share few
        out.append(str(rng.randint(10, 999)) if i % 37 == 5 else word)
        if i % 12 == 11:
            out[-1] += "."
    return " ".join(out)


def sentences(text: str) -> list[str]:
    return [s.strip() + "." for s in text.split(".") if s.strip()]


def trimmed(text: str, share: float) -> str:
    parts = sentences(text)
    return " ".join(parts[: max(1, int(len(parts) * share))])


def small_feed(n: int, copy_every: int = 10, seed: int = 0, words: int = 40) -> list[dict]:
    """``n`` small JSON records; every ``copy_every``-th is an exact or trimmed copy of an earlier one."""
    rng = random.Random(seed)
    records: list[dict] = []
    for i in range(n):
        if i and i % copy_every == 0:
            source = records[rng.randrange(len(records))]["text"]
            text = source if i % (2 * copy_every) == 0 else source + " Reporting by the desk."
        else:
            text = story(seed * 1_000_003 + i, words)
        records.append(
            {"id": f"n{i}", "text": text, "published": f"2024-01-{1 + i % 28:02d}T10:00:00Z"}
        )
    return records


def write_jsonl(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def articles(records: list[dict]) -> list[Article]:
    from newsdedup.io.fields import FieldMap, article_from_record

    return [article_from_record(r, FieldMap(), r["id"]) for r in records]


def cli_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "newsdedup", *args]


def cli_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "src"), env.get("PYTHONPATH", "")])
    env.pop("NEWSDEDUP_DB", None)
    env.pop("NEWSDEDUP_REDIS", None)
    return env
