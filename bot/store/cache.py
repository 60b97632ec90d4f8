"""A bounded least-recently-used cache for state read on every answer (spoiler settings).

A process caches only what it is asked about, and Discord sends it only the interactions of the servers its shards
own, so each process's cache holds its own servers; the size cap keeps it flat however many servers those are."""

from __future__ import annotations

from collections import OrderedDict
from typing import Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")


class LRUCache(Generic[K, V]):
    """A mapping of at most ``size`` entries; reading or writing one makes it the newest, and the oldest goes."""

    def __init__(self, size: int) -> None:
        if size < 1:
            raise ValueError("an LRU cache needs room for at least one entry")
        self.size = size
        self._entries: OrderedDict[K, V] = OrderedDict()

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, key: object) -> bool:
        return key in self._entries

    def __getitem__(self, key: K) -> V:
        value = self._entries[key]
        self._entries.move_to_end(key)
        return value

    def get(self, key: K, default: V | None = None) -> V | None:
        if key not in self._entries:
            return default
        return self[key]

    def __setitem__(self, key: K, value: V) -> None:
        self._entries[key] = value
        self._entries.move_to_end(key)
        while len(self._entries) > self.size:
            self._entries.popitem(last=False)

    def setdefault(self, key: K, value: V) -> V:
        """The value already cached (made the newest), else ``value`` stored and returned."""
        if key in self._entries:
            return self[key]
        self[key] = value
        return value

    def pop(self, key: K) -> None:
        self._entries.pop(key, None)

    def clear(self) -> None:
        self._entries.clear()
