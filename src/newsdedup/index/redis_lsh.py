"""The LSH part of the Redis backend: datasketch's ``MinHashLSH`` buckets, written a batch at a time.

Why datasketch's layout: any process can query the same buckets with a plain
``MinHashLSH(..., storage_config={"type": "redis", "basename": ...})``. Why
scripts: ``MinHashLSH.insert`` makes two round trips per band and article
(56 bands: ~100 commands an article); the scripts below do exactly the same
writes (``RedisSetStorage._insert``: ``HSET name H key``, ``SADD key member``)
for a whole batch in a few calls, inside the batch's ``MULTI/EXEC``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["BatchScripts", "DatasketchBuckets"]

# KEYS = band hash, bucket set, band hash, bucket set, ...; ARGV = H, member, H, member, ...
_BUCKETS_ADD = """
for i = 1, #KEYS, 2 do
  redis.call('HSET', KEYS[i], ARGV[i], KEYS[i + 1])
  redis.call('SADD', KEYS[i + 1], ARGV[i + 1])
end
return #KEYS / 2
"""
# SREM, then drop an emptied bucket from its band's hash (what MinHashLSH.remove means to do).
_BUCKETS_REMOVE = """
for i = 1, #KEYS, 2 do
  redis.call('SREM', KEYS[i + 1], ARGV[i + 1])
  if redis.call('SCARD', KEYS[i + 1]) == 0 then redis.call('HDEL', KEYS[i], ARGV[i]) end
end
return #KEYS / 2
"""
# HINCRBY of many fields of one hash: ARGV = field, increment, field, increment, ...
_HINCRBY_MANY = """
for i = 1, #ARGV, 2 do redis.call('HINCRBY', KEYS[1], ARGV[i], ARGV[i + 1]) end
return #ARGV / 2
"""

# Capped bucket reads: ARGV[1] = cap, ARGV[1 + i] = 's' (sample a bigger bucket) or 'k' (skip it).
# Reply: for each key, the number of members returned, then those members.
_BUCKETS_READ = """
local cap = tonumber(ARGV[1])
local out = {}
for i = 1, #KEYS do
  local n = redis.call('SCARD', KEYS[i])
  local members = {}
  if n <= cap then members = redis.call('SMEMBERS', KEYS[i])
  elseif ARGV[i + 1] == 's' then members = redis.call('SRANDMEMBER', KEYS[i], cap) end
  out[#out + 1] = #members
  for _, m in ipairs(members) do out[#out + 1] = m end
end
return out
"""
# HMGET of the same fields of many hashes: ARGV = fields; reply = the values, key after key.
_HMGET_MANY = """
local out = {}
for i = 1, #KEYS do
  local values = redis.call('HMGET', KEYS[i], unpack(ARGV))
  for j = 1, #ARGV do out[#out + 1] = values[j] end
end
return out
"""

#: Keys or arguments per script call (Redis takes far more; this bounds one call's memory).
_PER_CALL = 40_000

Bucket = tuple[Any, bytes]  # (datasketch storage object of one band, band hash)


class DatasketchBuckets:
    """The k-gram and word-set ``MinHashLSH`` of one index, used for their bucket names and band hashes.

    Args:
        redis_params: Connection parameters (as ``redis.Redis`` takes them).
        tag: The start of the index's keys, its hash tag ``{prefix}``: buckets live under
            ``{prefix}:lsh`` and ``{prefix}:wlsh`` (one cluster slot, with the rest of the index).
        shape: Bands and rows of both LSH.
        perms: (k-gram, word-set) signature lengths.
    """

    def __init__(
        self,
        redis_params: dict[str, Any],
        tag: str,
        shape: dict[str, int],
        perms: tuple[int, int],
    ) -> None:
        from datasketch import MinHashLSH

        params = {
            k: v
            for k, v in redis_params.items()
            if k not in ("socket_timeout", "socket_connect_timeout")
        }
        config = {"type": "redis", "redis": params}
        self.main = MinHashLSH(
            num_perm=perms[0],
            params=(shape["bands"], shape["rows"]),
            prepickle=False,
            storage_config={**config, "basename": f"{tag}:lsh".encode()},
        )
        self.word = MinHashLSH(
            num_perm=perms[1],
            params=(shape["word_bands"], shape["word_rows"]),
            prepickle=False,
            storage_config={**config, "basename": f"{tag}:wlsh".encode()},
        )

    def of(self, signatures: np.ndarray, word_signatures: np.ndarray) -> list[list[Bucket]]:
        """Every bucket of every row, k-gram bands first, as ``MinHashLSH.insert`` would fill them.

        ``word_signatures`` with zero columns leaves the word-set bands out.
        """
        main, word = self.main, self.word
        out = []
        for i in range(len(signatures)):
            row = [
                (table, main._H(signatures[i, s:e]))
                for (s, e), table in zip(main.hashranges, main.hashtables)
            ]
            if word_signatures.shape[1]:
                row += [
                    (table, word._H(word_signatures[i, s:e]))
                    for (s, e), table in zip(word.hashranges, word.hashtables)
                ]
            out.append(row)
        return out


class BatchScripts:
    """Batch writes as server-side scripts, queued on a pipeline (so they join its transaction)."""

    def __init__(self, client: Any) -> None:
        self._add = client.register_script(_BUCKETS_ADD)
        self._remove = client.register_script(_BUCKETS_REMOVE)
        self._incr = client.register_script(_HINCRBY_MANY)
        self._read = client.register_script(_BUCKETS_READ)
        self._hmget = client.register_script(_HMGET_MANY)

    def read_buckets(self, pipe: Any, keys: list[bytes], sample: list[bool], cap: int) -> None:
        """Queue capped reads of buckets (see ``_BUCKETS_READ``); one reply per call, in chunks."""
        for lo in range(0, len(keys), _PER_CALL // 4):
            part = keys[lo : lo + _PER_CALL // 4]
            modes = ["s" if x else "k" for x in sample[lo : lo + _PER_CALL // 4]]
            self._read(keys=part, args=[cap, *modes], client=pipe)

    def hmget_many(self, pipe: Any, keys: list[str], fields: tuple[str, ...]) -> None:
        """Queue HMGET of ``fields`` for every key, in chunks (replies: flat value lists)."""
        for lo in range(0, len(keys), _PER_CALL // 8):
            self._hmget(keys=keys[lo : lo + _PER_CALL // 8], args=list(fields), client=pipe)

    def add_to_buckets(self, pipe: Any, buckets: list[list[Bucket]], members: list[bytes]) -> None:
        self._buckets(self._add, pipe, buckets, members)

    def remove_from_buckets(
        self, pipe: Any, buckets: list[list[Bucket]], members: list[bytes]
    ) -> None:
        self._buckets(self._remove, pipe, buckets, members)

    @staticmethod
    def _buckets(script: Any, pipe: Any, buckets: list[list[Bucket]], members: list[bytes]) -> None:
        keys: list[bytes] = []
        args: list[bytes] = []
        for bands, member in zip(buckets, members):
            for table, h in bands:
                keys += [table._name, table.redis_key(h)]
                args += [h, member]
        for lo in range(0, len(keys), _PER_CALL):
            script(keys=keys[lo : lo + _PER_CALL], args=args[lo : lo + _PER_CALL], client=pipe)

    def increment(self, pipe: Any, key: str, fields: Any, counts: Any) -> None:
        """HINCRBY ``key`` field by count, for every pair."""
        flat = [
            x
            for pair in zip(np.asarray(fields).tolist(), np.asarray(counts).tolist())
            for x in pair
        ]
        for lo in range(0, len(flat), _PER_CALL):
            self._incr(keys=[key], args=flat[lo : lo + _PER_CALL], client=pipe)
