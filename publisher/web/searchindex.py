"""A search index that needs no server: names in sharded script files.

Why not Pagefind: its extended build needs ~5.8 GB to index 100k pages (far over the
2 GB bound), and it loads its index with ``fetch``, which browsers refuse for pages
opened from a plain folder (``file://``). This index is small script files that a
page loads with ``<script>`` tags, which work from a folder and from any static host.

What is indexed: each notice, registrant, medium and authority by its names (registrants,
sponsors, media, authorities, decision and registration numbers, credit codes), their
pinyin and pinyin initials (as the release's database computed them). Keys:

- ``c`` + one character and ``b`` + two adjacent characters of a name: a 1- or
  2-character query is answered exactly by one key; a longer one by the keys of its
  first, middle and last pair, then checked against the names;
- ``p`` + the first two letters of a name's pinyin or initials: checked against them
  (pinyin matches from the start of a name, as the read side's search does).

Files (under ``search/``): ``meta.js`` (counts), ``k/<n>.js`` (keys hashed into shards,
each key's document numbers delta-encoded in base 36) and ``d/<n>.js`` (documents: url,
title, kind, date, names, pinyin, initials; :data:`DOCS_PER_SHARD` a file). A key's
shard is the FNV-1a hash of its UTF-16 code units, the same in ``site/assets/search.js``.
"""

from __future__ import annotations

import json
import sys
import unicodedata
from array import array
from collections import defaultdict
from collections.abc import Iterable
from functools import cache, lru_cache
from itertools import pairwise
from typing import NamedTuple

import msgspec

DOCS_PER_SHARD = 500
POSTINGS_PER_SHARD = 40_000
SEP = "\t"


class Doc(NamedTuple):
    url: str
    title: str
    kind: str  # 公告, 广告发布单位, 发布媒介, 登记机关
    date: str
    names: list[str]
    pinyin: list[str]
    initials: list[str]


def _postings() -> array[int]:
    return array("I")


_encode = msgspec.json.Encoder().encode  # compact, non-ASCII as is: as json.dumps was


def norm(text: str) -> str:
    return unicodedata.normalize("NFKC", text).lower()


def fnv1a(key: str) -> int:
    """FNV-1a (32 bits) over the UTF-16 code units of ``key``, as JavaScript sees it."""
    h = 0x811C9DC5
    data = key.encode("utf-16-le")
    for i in range(0, len(data), 2):
        h ^= data[i] | (data[i + 1] << 8)
        h = (h * 0x01000193) & 0xFFFFFFFF
    return h


@cache  # gaps between document numbers repeat: most are small
def _b36(n: int) -> str:
    if n == 0:
        return "0"
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = []
    while n:
        n, r = divmod(n, 36)
        out.append(digits[r])
    return "".join(reversed(out))


@lru_cache(maxsize=1 << 18)  # a registrant's or medium's name is in many documents (at 100k
# notices 206k distinct names: a cache of 65k missed half the time, 1.1 s more)
def name_keys(name: str) -> tuple[str, ...]:
    """A name's keys: ``c`` + each character, ``b`` + each two adjacent ones (interned:
    the cache holds a name's keys as references to the one copy of each key)."""
    chars = norm(name).replace(" ", "")
    keys = {"c" + c for c in chars} | {"b" + a + b for a, b in pairwise(chars)}
    return tuple(map(sys.intern, keys))


def keys_of(doc: Doc) -> set[str]:
    keys: set[str] = set()
    for name in doc.names:
        keys.update(name_keys(name))
    for p in (*doc.pinyin, *doc.initials):
        if len(p) >= 2:
            keys.add("p" + p[:2])
    return keys


class SearchIndex:
    """Documents added in order; ``files()`` gives the index's files (path, bytes)."""

    def __init__(self) -> None:
        self.postings: defaultdict[str, array[int]] = defaultdict(_postings)
        self.docs: list[bytes] = []  # each doc as its JSON text (small in memory)
        self.count = 0

    def add(self, doc: Doc) -> None:
        n = len(self.docs)
        postings = self.postings
        for key in keys_of(doc):
            postings[key].append(n)
        self.docs.append(
            _encode(
                [
                    doc.url,
                    doc.title,
                    doc.kind,
                    doc.date,
                    SEP.join(map(norm, doc.names)),
                    " ".join(doc.pinyin),
                    " ".join(doc.initials),
                ]
            )
        )

    def files(self) -> Iterable[tuple[str, bytes]]:
        total = sum(len(p) for p in self.postings.values())
        shards = 1
        while shards * POSTINGS_PER_SHARD < total and shards < 4096:
            shards *= 2
        buckets: list[list[str]] = [[] for _ in range(shards)]
        for key in sorted(self.postings):
            ids = self.postings[key]
            deltas, last = [], 0
            for i in ids:
                deltas.append(_b36(i - last))
                last = i
            buckets[fnv1a(key) % shards].append(
                json.dumps(key, ensure_ascii=False) + ':"' + ",".join(deltas) + '"'
            )
        self.postings = defaultdict(_postings)
        for i, bucket in enumerate(buckets):
            body = "{" + ",".join(bucket) + "}"
            yield f"search/k/{i}.js", f"adregSearch.keys({i},{body});\n".encode()
        doc_shards = -(-len(self.docs) // DOCS_PER_SHARD)
        for s in range(doc_shards):
            part = self.docs[s * DOCS_PER_SHARD : (s + 1) * DOCS_PER_SHARD]
            yield f"search/d/{s}.js", b"adregSearch.docs(%d,[%s]);\n" % (s, b",".join(part))
        meta = {
            "docs": len(self.docs),
            "docsPerShard": DOCS_PER_SHARD,
            "keyShards": shards,
            "postings": total,
        }
        yield "search/meta.js", f"adregSearch.meta({json.dumps(meta)});\n".encode()
