"""Where a Redis index lives: one server, or one slot of a Redis Cluster; and how its keys are named.

Why one slot per index: a batch is one ``MULTI/EXEC`` that writes the
article hashes, the id table, the LSH buckets and the counters together, and
the batch scripts read and write many buckets in one call. A Redis Cluster
runs a transaction or a script only when every key it touches hashes to one
slot (else ``CROSSSLOT``). Every key of an index therefore starts with the
hash tag ``{prefix}``: the whole index is one slot, so it lives on one node,
and a batch stays all-or-nothing. Sharding by a tag per bucket group would
spread one index over nodes but split each batch into one transaction per
group, so a crash could store an article without its buckets. Many indexes
(one per feed, desk or language) spread over the cluster's nodes instead.

The cluster client (``redis.cluster.RedisCluster``) finds the node that
serves the index's slot; the store then talks to that node with a plain
client, so pipelines, transactions, scripts and ``SCAN`` work exactly as on
one server. When the slot moves (resharding, failover), the node answers
``MOVED``: the store looks the slot up again (:meth:`Connection.refresh`).

Example:
    >>> parse_cluster_url("redis+cluster://127.0.0.1:7000,127.0.0.1:7001")
    ('redis://127.0.0.1:7000', [('127.0.0.1', 7000), ('127.0.0.1', 7001)])
    >>> hash_tagged("wire")
    '{wire}'
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from ..errors import BackendUnavailable, ConfigError, IndexStoreError

__all__ = [
    "CLUSTER_SCHEMES",
    "LAYOUT",
    "Connection",
    "check_layout",
    "check_reachable",
    "cluster_errors",
    "connect",
    "hash_tagged",
    "parse_cluster_url",
    "refuse_layout_1",
]

#: The key layout written in the manifest of every Redis index (``redis_layout``). Layout 1
#: (no field) named keys ``prefix:...``; layout 2 names them ``{prefix}:...`` (one slot).
LAYOUT = 2

#: URL schemes that mean "a Redis Cluster, reached through any of these nodes".
CLUSTER_SCHEMES = {"redis+cluster": "redis", "rediss+cluster": "rediss"}


def hash_tagged(prefix: str) -> str:
    """The start of every key of the index under ``prefix``: its hash tag ``{prefix}``.

    Raises:
        ConfigError: The prefix is empty or holds a brace (it would end the tag early,
            or move it, and split the index over slots).
    """
    if not prefix or "{" in prefix or "}" in prefix:
        raise ConfigError(f"--prefix must be non-empty and without braces, not {prefix!r}")
    return "{" + prefix + "}"


def parse_cluster_url(url: str) -> tuple[str, list[tuple[str, int]]]:
    """A cluster URL as a one-node URL (credentials, TLS, options) and its startup nodes.

    ``redis+cluster://[user:password@]host:port[,host:port...][/0][?options]``;
    a cluster has only database 0.

    Raises:
        ConfigError: No node, a port that is not a number, or a database other than 0.
    """
    parts = urlsplit(url)
    scheme = CLUSTER_SCHEMES[parts.scheme]
    credentials, _, hosts = parts.netloc.rpartition("@")
    nodes = []
    for item in hosts.split(","):
        host, _, port = item.strip().rpartition(":")
        if not host or not port.isdigit():
            raise ConfigError(
                f"a Redis Cluster URL names nodes as host:port, not {item!r}: {url!r}"
            )
        nodes.append((host.strip("[]"), int(port)))
    if parts.path.strip("/") not in ("", "0"):
        raise ConfigError(f"a Redis Cluster has only database 0, not {parts.path!r}: {url!r}")
    netloc = f"{credentials}@{hosts.split(',')[0]}" if credentials else hosts.split(",")[0]
    return urlunsplit((scheme, netloc, "", parts.query, "")), nodes


@dataclass
class Connection:
    """A client of the server holding an index, and what is needed to find it again.

    ``client`` is a plain ``redis.Redis``: of the server, or of the cluster node that serves
    the index's slot (``node``, ``host:port``; None on one server).
    """

    client: Any
    params: dict[str, Any]
    cluster: Any = None
    node: str | None = None
    tag: str = ""

    def refresh(self) -> None:
        """Look the slot up again (after ``MOVED``) and point ``client`` at its new node."""
        if self.cluster is None:
            return
        self.cluster.nodes_manager.initialize()
        old = self.client
        self.client, self.node = _node_client(self.cluster, self.params, self.tag)
        old.close()

    def close(self) -> None:
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()


def connect(url: str, prefix: str, timeouts: dict[str, float]) -> Connection:
    """Open the server of ``url``, or the cluster node serving the slot of ``prefix``.

    Raises:
        ConfigError: Not a Redis URL.
        BackendUnavailable: No startup node of the cluster answers.
    """
    import redis
    from redis.cluster import ClusterNode, RedisCluster

    tag = hash_tagged(prefix)
    scheme = urlsplit(url).scheme
    one, nodes = parse_cluster_url(url) if scheme in CLUSTER_SCHEMES else (url, [])
    try:
        params = redis.connection.parse_url(one)
    except ValueError as err:
        raise ConfigError(f"not a Redis URL: {url!r} ({err})") from None
    params.update(timeouts)
    if not nodes:
        return Connection(redis.Redis(**params), params, tag=tag)
    options = {k: v for k, v in params.items() if k not in ("host", "port", "db")}
    if params.get("connection_class") is redis.connection.SSLConnection:
        options.pop("connection_class")
        options["ssl"] = True
    names = ", ".join(f"{h}:{p}" for h, p in nodes)
    try:
        cluster = RedisCluster(startup_nodes=[ClusterNode(h, p) for h, p in nodes], **options)
        client, node = _node_client(cluster, params, tag)
    except (redis.exceptions.RedisClusterException, redis.exceptions.RedisError) as err:
        raise BackendUnavailable(
            f"Redis Cluster is not reachable through {names}: {err}", path=url
        ) from None
    return Connection(client, params, cluster, node, tag)


def _node_client(cluster: Any, params: dict[str, Any], tag: str) -> tuple[Any, str]:
    """A plain client of the primary node serving the slot of ``tag``, and its ``host:port``."""
    import redis

    node = cluster.get_node_from_key(f"{tag}:meta")
    return redis.Redis(**{**params, "host": node.host, "port": node.port}), node.name


def failing_nodes(client: Any) -> list[str]:
    """``host:port`` of the nodes the cluster marks as failing (``CLUSTER NODES`` flags)."""
    raw = client.execute_command("CLUSTER NODES")
    if isinstance(raw, dict):  # redis-py parses the reply: {"host:port@bus": {"flags": ...}}
        rows = [(name, str(info.get("flags", ""))) for name, info in raw.items()]
    else:
        text = raw.decode() if isinstance(raw, bytes) else str(raw)
        rows = [(p[1], p[2]) for p in (line.split() for line in text.splitlines()) if len(p) > 2]
    return sorted(
        name.split("@")[0] for name, flags in rows if {"fail", "fail?"} & set(flags.split(","))
    )


def check_reachable(conn: Connection, url: str) -> None:
    """Ping the index's server or node, naming it when it does not answer.

    Raises:
        BackendUnavailable: The server, or the node serving the index's slot, is down.
    """
    import redis

    where = f"Redis Cluster node {conn.node}" if conn.node else "Redis"
    try:
        conn.client.ping()
    except (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError) as err:
        raise BackendUnavailable(f"{where} is not reachable: {err}", path=url) from None


@contextlib.contextmanager
def cluster_errors(conn: Connection, url: str, location: str) -> Iterator[None]:
    """Unreachable server or node, cluster down, slot moved: as newsdedup errors naming the node.

    Other Redis errors pass through (the store decides what they mean).
    """
    import redis

    where = f"Redis Cluster node {conn.node}" if conn.node else "Redis"
    try:
        yield
    except (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError) as err:
        raise BackendUnavailable(f"{where} is not reachable: {err}", path=url) from None
    except redis.exceptions.ClusterDownError as err:
        try:
            failing = failing_nodes(conn.client)
        except redis.exceptions.RedisError:
            failing = []
        named = f"node {', '.join(failing)} failing" if failing else "no node named as failing"
        raise BackendUnavailable(
            f"the Redis Cluster is down ({named}; asked {conn.node}): {err}", path=url
        ) from None
    except redis.exceptions.AskError as err:  # MOVED too: the slot is served elsewhere now
        with contextlib.suppress(Exception):
            conn.refresh()
        raise IndexStoreError(
            f"the index's slot moved to another cluster node ({err}); run again", path=location
        ) from None


def refuse_layout_1(conn: Connection, prefix: str, location: str) -> None:
    """Raise when ``prefix`` holds an index of layout 1 (``prefix:meta``), which must be migrated.

    Layout 1 never ran on a cluster (its batches were CROSSSLOT): asked of one server only.

    Raises:
        IndexStoreError: Naming ``newsdedup index migrate``.
    """
    if not conn.node and conn.client.exists(f"{prefix}:meta"):
        raise IndexStoreError(
            "this index has the Redis key layout of newsdedup before cluster support; "
            f"run `newsdedup index migrate --redis URL --prefix {prefix}` once",
            path=location,
        )


def check_layout(layout: Any, location: str) -> None:
    """Raise unless the manifest's ``redis_layout`` is this newsdedup's.

    Raises:
        IndexStoreError: Another layout (a newer newsdedup, or a hand-edited manifest).
    """
    if layout != LAYOUT:
        raise IndexStoreError(
            f"Redis key layout {layout!r} is not the one of this newsdedup ({LAYOUT})",
            path=location,
        )
