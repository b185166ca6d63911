"""Concurrent store calls of one process, made as one call: application-level group commit.

Storing one report costs the database about as much per call as a batch costs for
hundreds of reports (planning the function's statements, the commit, the flush of
the write-ahead log). Requests served by the threads of one worker process
therefore hand their validated submissions to a ``StoreGathering``: the first to
arrive while no call is running stores its own at once (an idle server adds no
wait); those that arrive meanwhile wait, and when the running call ends, the
first of them stores everything that waits, up to a limit, in one call. Each
request then gets its own items' answers, which are exactly those of a batch
holding them in the order they arrived (the store function answers each item as
if sent alone, one after the other). A request is answered only after the call
that stored its items committed; if that call fails, each of its requests gets
the error, and only they do.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

Item = TypeVar("Item")
Answer = TypeVar("Answer")


class _Request(Generic[Item, Answer]):
    __slots__ = ("answers", "error", "items", "settled")

    def __init__(self, items: Sequence[Item]):
        self.items = items
        self.answers: list[Answer] = []
        self.error: BaseException | None = None
        self.settled = False

    def outcome(self) -> list[Answer]:
        if self.error is not None:
            raise self.error
        return self.answers


class StoreGathering(Generic[Item, Answer]):
    """Gathers the items of concurrent callers into one call of ``store``.

    ``store`` takes a list of items and returns one answer per item, in order; it
    runs in the thread of the request that leads the call (with that thread's
    database connection).
    """

    def __init__(self, store: Callable[[list[Item]], list[Answer]], *, most_items: int):
        self._store = store
        self._most_items = most_items
        self._changed = threading.Condition()
        self._waiting: list[_Request[Item, Answer]] = []
        self._storing = False

    def store(self, items: Sequence[Item]) -> list[Answer]:
        """The answers to ``items``, once the call that stored them has committed."""
        request: _Request[Item, Answer] = _Request(items)
        with self._changed:
            self._waiting.append(request)
            while not request.settled and (self._storing or self._waiting[0] is not request):
                self._changed.wait()
            if request.settled:
                return request.outcome()
            self._storing = True
            taken = self._take_waiting()
        try:
            self._store_for(taken)
        finally:
            with self._changed:
                self._storing = False
                self._changed.notify_all()
        return request.outcome()

    def _take_waiting(self) -> list[_Request[Item, Answer]]:
        """The waiting requests, first come first, up to the limit (at least the first)."""
        taken: list[_Request[Item, Answer]] = []
        count = 0
        for request in self._waiting:
            if taken and count + len(request.items) > self._most_items:
                break
            taken.append(request)
            count += len(request.items)
        del self._waiting[: len(taken)]
        return taken

    def _store_for(self, taken: list[_Request[Item, Answer]]) -> None:
        items = [item for request in taken for item in request.items]
        try:
            answers = self._store(items)
        except BaseException as failed:
            for request in taken:
                request.error = failed
        else:
            start = 0
            for request in taken:
                request.answers = answers[start : start + len(request.items)]
                start += len(request.items)
        for request in taken:
            request.settled = True
