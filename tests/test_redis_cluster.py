"""The Redis index on a real three-node Redis Cluster: one slot per index, nodes that go down, old layouts.

The conformance suite (test_index_conformance.py, kind ``redis-cluster``)
already checks every verdict on the cluster; here: what only a cluster (or
the change of key layout it needed) can break.
"""

from __future__ import annotations

import json
import subprocess

import numpy as np
import pytest
import redis
from index_fixtures import cli_command, cli_env, small_feed, story, write_jsonl

from newsdedup.errors import BackendUnavailable, ConfigError, IndexStoreError
from newsdedup.index import LiveIndex, RedisStore
from newsdedup.index.redis_connect import parse_cluster_url
from newsdedup.models import Article


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        cli_command("index", *args), capture_output=True, text=True, env=cli_env(), timeout=180
    )


def one_line_error(done: subprocess.CompletedProcess, code: int, *needles: str) -> None:
    assert done.returncode == code, (done.returncode, done.stderr)
    assert done.stderr.startswith("Error: ") and done.stderr.count("\n") == 1, done.stderr
    for needle in needles:
        assert needle in done.stderr, done.stderr


def prefixes_on_distinct_nodes(cluster, n: int) -> list[str]:
    """``n`` index prefixes whose slots are served by ``n`` different nodes."""
    found: dict[int, str] = {}
    for i in range(1000):
        found.setdefault(cluster.node_of(f"desk{i}").port, f"desk{i}")
        if len(found) == n:
            return list(found.values())
    raise AssertionError("the cluster's slots are not spread over its nodes")


def test_every_key_of_an_index_is_in_one_slot_and_indexes_spread(redis_cluster, tmp_path):
    names = prefixes_on_distinct_nodes(redis_cluster, 3)
    feed = write_jsonl(tmp_path / "feed.jsonl", small_feed(40))
    for name in names:
        done = cli("add", str(feed), "--redis", redis_cluster.url, "--prefix", name, "-q")
        assert done.returncode == 0, done.stderr
    for name in names:
        node = redis.Redis(port=redis_cluster.node_of(name).port)
        keys = list(node.scan_iter(match="{" + name + "}:*", count=1000))
        assert len(keys) > 40  # article hashes, buckets, counters: all on this node
        slots = {node.execute_command("CLUSTER KEYSLOT", k) for k in keys}
        assert len(slots) == 1, slots
        stats = cli("stats", "--redis", redis_cluster.url, "--prefix", name, "-f", "json")
        assert '"articles": 40' in stats.stdout, stats.stdout


def test_a_cluster_index_finds_copies_across_processes(redis_cluster, tmp_path):
    """One process adds, another (a new client) queries: both see the same index."""
    records = small_feed(30)
    target = ["--redis", redis_cluster.url, "--prefix", "shared-desk"]
    assert cli("add", str(write_jsonl(tmp_path / "a.jsonl", records)), *target).returncode == 0
    query = write_jsonl(tmp_path / "q.jsonl", [{**records[3], "id": "again"}])
    done = cli("query", str(query), *target, "--format", "jsonl")
    assert done.returncode == 0, done.stderr
    assert '"verdict": "exact"' in done.stdout and '"original": "n3"' in done.stdout


def test_the_node_of_the_index_down_exits_3_naming_it(own_redis_cluster, tmp_path):
    feed = write_jsonl(tmp_path / "feed.jsonl", small_feed(20))
    target = ["--redis", own_redis_cluster.url, "--prefix", "wire"]
    assert cli("add", str(feed), *target, "-q").returncode == 0
    node = own_redis_cluster.node_of("wire")
    node.kill()
    for command in (["add", str(feed), "-q"], ["query", str(feed), "-q"]):
        one_line_error(
            cli(*command, *target), 3, f"Redis Cluster node {node.name}", "not reachable"
        )


def test_another_node_down_exits_3_naming_the_failing_node(own_redis_cluster, tmp_path):
    """The index's node is up, but the cluster is down (a slot lost): the error names the lost node."""
    feed = write_jsonl(tmp_path / "feed.jsonl", small_feed(20))
    target = ["--redis", own_redis_cluster.url, "--prefix", "wire"]
    assert cli("add", str(feed), *target, "-q").returncode == 0
    home = own_redis_cluster.node_of("wire")
    other = next(n for n in own_redis_cluster.nodes if n is not home)
    other.kill()
    own_redis_cluster.wait_state("fail")
    for command in (["add", str(feed), "-q"], ["query", str(feed), "-q"]):
        one_line_error(cli(*command, *target), 3, "Redis Cluster is down", other.name)


def test_no_startup_node_answers_exits_3(own_redis_cluster, tmp_path):
    url = own_redis_cluster.url
    own_redis_cluster.stop()
    feed = write_jsonl(tmp_path / "feed.jsonl", small_feed(3))
    one_line_error(
        cli("add", str(feed), "--redis", url, "--prefix", "wire"),
        3,
        "Redis Cluster is not reachable through",
        own_redis_cluster.nodes[0].name,
    )


@pytest.mark.parametrize(
    ("url", "needle"),
    [
        ("redis+cluster://127.0.0.1:notaport", "host:port"),
        ("redis+cluster://127.0.0.1:7000/3", "only database 0"),
    ],
)
def test_a_bad_cluster_url_exits_2(url, needle, tmp_path):
    feed = write_jsonl(tmp_path / "feed.jsonl", small_feed(3))
    one_line_error(cli("add", str(feed), "--redis", url), 2, needle)


def test_a_prefix_with_braces_is_refused(redis_server):
    with pytest.raises(ConfigError, match="without braces"):
        RedisStore(redis_server.url, prefix="a}b")


def test_cluster_urls_parse():
    assert parse_cluster_url("rediss+cluster://u:pw@h1:7000,h2:7001/0?ssl_cert_reqs=none") == (
        "rediss://u:pw@h1:7000?ssl_cert_reqs=none",
        [("h1", 7000), ("h2", 7001)],
    )


def test_an_index_of_the_older_key_layout_is_refused_with_a_pointer(redis_server, tmp_path):
    """Before cluster support keys were ``prefix:...``: such an index is refused, not read as empty."""
    with LiveIndex(RedisStore(redis_server.url, prefix="old")) as index:
        index.add([Article("a", story(1))])
    client = redis.Redis.from_url(redis_server.url)
    for key in list(client.scan_iter(match="{old}:*")):
        client.rename(key, key.replace(b"{old}", b"old", 1))
    with pytest.raises(IndexStoreError, match="index migrate"):
        RedisStore(redis_server.url, prefix="old")
    feed = write_jsonl(tmp_path / "feed.jsonl", small_feed(3))
    one_line_error(
        cli("add", str(feed), "--redis", redis_server.url, "--prefix", "old"),
        1,
        "key layout of newsdedup before cluster support",
        "newsdedup index migrate",
    )


def test_the_manifest_says_the_layout(redis_server):
    with LiveIndex(RedisStore(redis_server.url, prefix="layout")) as index:
        index.add([Article("a", story(2))])
    raw = redis.Redis.from_url(redis_server.url).hget("{layout}:meta", "manifest")
    assert b'"redis_layout": 2' in raw


def test_backend_unavailable_is_the_error_type(own_redis_cluster):
    own_redis_cluster.node_of("x").kill()
    with pytest.raises(BackendUnavailable):
        RedisStore(own_redis_cluster.url, prefix="x")


def _to_layout_1(client, prefix: str) -> None:
    """Rewrite a layout-2 index as newsdedup before cluster support stored it: ``prefix:...`` keys."""
    tag, old = ("{" + prefix + "}").encode(), prefix.encode()
    for key in list(client.scan_iter(match=tag + b":*")):
        rest = key[len(tag) :]
        if client.type(key) == b"hash" and len(rest) in (14, 15) and b"lsh_bucket_" in rest:
            values = client.hgetall(key)  # a band: its values name its buckets
            client.hset(key, mapping={h: old + v[len(tag) :] for h, v in values.items()})
        if rest == b":meta":
            manifest = json.loads(client.hget(key, "manifest"))
            del manifest["redis_layout"]
            client.hset(key, "manifest", json.dumps(manifest))
        client.rename(key, old + rest)


def test_index_migrate_renames_an_older_index_that_then_works(redis_server, tmp_path):
    records = small_feed(40)
    target = ["--redis", redis_server.url, "--prefix", "legacy"]
    assert cli("add", str(write_jsonl(tmp_path / "a.jsonl", records)), *target).returncode == 0
    client = redis.Redis.from_url(redis_server.url)
    before = sorted(client.scan_iter(match="{legacy}:*"))
    _to_layout_1(client, "legacy")
    assert not list(client.scan_iter(match="{legacy}:*"))
    query = write_jsonl(tmp_path / "q.jsonl", [{**records[5], "id": "again"}])
    one_line_error(cli("query", str(query), *target), 1, "index migrate")

    done = cli("migrate", *target)
    assert done.returncode == 0 and done.stdout.startswith("migrated"), done.stderr
    assert sorted(client.scan_iter(match="{legacy}:*")) == before
    assert not list(client.scan_iter(match="legacy:*"))
    bands = [k for k in before if client.type(k) == b"hash" and b"lsh_bucket_" in k]
    assert bands and all(client.exists(v) for k in bands for v in client.hvals(k))
    again = cli("migrate", *target)
    assert again.returncode == 0 and again.stdout.startswith("ok"), again.stderr

    found = cli("query", str(query), *target, "--format", "jsonl")
    assert '"verdict": "exact"' in found.stdout and '"original": "n5"' in found.stdout
    checked = cli("check", *target)
    assert checked.returncode == 0 and checked.stdout.startswith("ok"), checked.stdout


def test_index_migrate_refuses_a_cluster_and_a_missing_index(redis_cluster, redis_server):
    one_line_error(
        cli("migrate", "--redis", redis_cluster.url, "--prefix", "x"),
        2,
        "redis-cli --cluster import",
    )
    one_line_error(
        cli("migrate", "--redis", redis_server.url, "--prefix", "nothing-here"),
        1,
        "no index of the older Redis key layout",
    )


def _move_slot(cluster, prefix: str) -> str:
    """Move the slot of ``prefix`` to another node, as ``redis-cli --cluster reshard`` would."""
    source = cluster.node_of(prefix)
    target = next(n for n in cluster.nodes if n is not source)
    src, dst = redis.Redis(port=source.port), redis.Redis(port=target.port)
    slot = int(src.execute_command("CLUSTER KEYSLOT", "{" + prefix + "}:meta"))
    src_id = src.execute_command("CLUSTER MYID").decode()
    dst_id = dst.execute_command("CLUSTER MYID").decode()
    dst.execute_command("CLUSTER SETSLOT", slot, "IMPORTING", src_id)
    src.execute_command("CLUSTER SETSLOT", slot, "MIGRATING", dst_id)
    keys = list(src.scan_iter(match="{" + prefix + "}:*", count=1000))  # bytes: binary names kept
    for lo in range(0, len(keys), 500):
        src.execute_command(
            "MIGRATE", "127.0.0.1", target.port, "", 0, 10000, "KEYS", *keys[lo : lo + 500]
        )
    assert not src.execute_command("CLUSTER COUNTKEYSINSLOT", slot)
    for node in cluster.nodes:
        redis.Redis(port=node.port).execute_command("CLUSTER SETSLOT", slot, "NODE", dst_id)
    assert cluster.node_of(prefix) is target
    return target.name


def test_a_store_follows_its_slot_to_another_node(own_redis_cluster):
    """After a resharding, the open store finds the slot's new node.

    A pipelined read meets MOVED and is run again on the new node; a single
    command says the slot moved (nothing was done) and the next call works.
    """
    store = RedisStore(own_redis_cluster.url, prefix="moving")
    with LiveIndex(store) as index:
        assert [v.verdict for v in index.add([Article("a", story(1))])] == ["new"]
        doc = store.known(["a"])["a"].doc
        new_home = _move_slot(own_redis_cluster, "moving")
        assert store.summaries(np.array([doc])).ids == ["a"]  # retried on the new node
        assert store._conn.node == new_home
        new_home = _move_slot(own_redis_cluster, "moving")
        with pytest.raises(IndexStoreError, match="slot moved"):
            index.add([Article("b", story(2))])
        assert store._conn.node == new_home
        out = index.add([Article("b", story(2)), Article("a-again", story(1))])
        assert [(v.verdict, v.original) for v in out] == [("new", None), ("exact", "a")]
        assert index.stats().articles == 3


def test_the_memory_benchmark_measures_an_index_on_the_cluster(redis_cluster, tmp_path):
    from benchmarks.index.redis_memory import measure

    target = ["--redis", redis_cluster.url, "--prefix", "memory"]
    assert (
        cli("add", str(write_jsonl(tmp_path / "a.jsonl", small_feed(30))), *target).returncode == 0
    )
    out = measure(redis_cluster.url, "memory")
    assert out["articles"] == 30
    assert {"doc", "lsh band", "lsh bucket", "wlsh band", "meta", "ids"} <= set(out["families"])
    assert out["families"]["doc"]["keys"] == 30
    parts = sum(f["bytes_per_article"] for f in out["families"].values())
    assert abs(parts - out["bytes_per_article"]) <= len(out["families"])  # rounding only
