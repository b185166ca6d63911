"""Who is behind a device token, found with one plain query or remembered from one.

Every request from an observer's phone starts here, hundreds a second on
election day; see :mod:`pollwatch.missions.lookup` for why the SQL is written out.

A report's sender may be *remembered*: the process keeps what a token's lookup
found for a short while, so that a phone sending report after report costs no
lookup and no extra commit. What is remembered is never trusted on its own: the
store call checks, in the transaction that stores the report, that the token is
still unrevoked, its login active and its membership the same (mission and
team); any other answer is given only after a fresh lookup
(:func:`holds_token`), and a sender found changed is looked up afresh
(:func:`sent_as`). A revoked token or a moved observer therefore never has a
report stored under what was remembered.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from django.conf import settings
from django.contrib.auth.models import User

from pollwatch.accounts.models import token_digest
from pollwatch.missions.lookup import users_with_members
from pollwatch.missions.models import Member

_BY_DIGEST = (
    "JOIN accounts_devicetoken t ON t.user_id = u.id"
    " WHERE t.digest = %s AND t.revoked_at IS NULL AND u.is_active"
)


def device_user(token: str) -> User | None:
    """The active user holding this unrevoked token, with ``user.member`` loaded; else None."""
    return _user_by_digest(token_digest(token))


def _user_by_digest(digest: str) -> User | None:
    found = users_with_members(_BY_DIGEST, [digest])
    return found[0] if found else None


@dataclass(frozen=True, slots=True)
class DeviceSender:
    """A token's user as a lookup found it, and the token's digest to check it by."""

    user: User
    digest: str
    remembered: bool


class _Memory:
    """Senders found by token, per process, each for ``seconds``; thread-safe."""

    def __init__(self) -> None:
        self._found: dict[str, tuple[float, User]] = {}
        self._lock = threading.Lock()

    def get(self, digest: str) -> User | None:
        entry = self._found.get(digest)
        if entry is None or entry[0] < time.monotonic():
            return None
        return entry[1]

    def keep(self, digest: str, user: User) -> None:
        now = time.monotonic()
        with self._lock:
            if len(self._found) >= MOST_REMEMBERED:
                self._found = {d: e for d, e in self._found.items() if e[0] >= now}
            self._found[digest] = (now + remembered_seconds(), user)

    def forget(self, digest: str) -> None:
        with self._lock:
            self._found.pop(digest, None)

    def clear(self) -> None:
        with self._lock:
            self._found.clear()


# Beyond this many, expired entries are dropped before a new one is kept.
MOST_REMEMBERED = 20_000
_MEMORY = _Memory()


def remembered_seconds() -> float:
    return float(settings.POLLWATCH_DEVICE_MEMORY_SECONDS)


class SenderChanged(Exception):
    """The remembered sender no longer holds its device token as remembered (revoked,
    login disabled, or the member moved): nothing of the request was stored under it."""


def sending_device(token: str) -> DeviceSender | None:
    """The token's sender, remembered if found lately, else looked up (and remembered).

    Only for sending reports, through :func:`sent_as`. None: unknown, revoked or
    inactive.
    """
    digest = token_digest(token)
    user = _MEMORY.get(digest) if remembered_seconds() > 0 else None
    if user is not None:
        return DeviceSender(user, digest, remembered=True)
    return _looked_up(digest)


def _looked_up(digest: str) -> DeviceSender | None:
    user = _user_by_digest(digest)
    if user is None:
        return None
    if getattr(user, "member", None) is not None and remembered_seconds() > 0:
        _MEMORY.keep(digest, user)
    return DeviceSender(user, digest, remembered=False)


Sent = TypeVar("Sent")


def sent_as(sender: DeviceSender, send: Callable[[User, str | None], Sent]) -> Sent:
    """``send(user, device)`` as the token's sender.

    A remembered sender is sent with its token's digest, for the store to check
    (``device``; None for a sender just looked up). If the token is no longer held
    as remembered, the sender is looked up afresh and ``send`` called again as they
    are now; ``SenderChanged`` if the token is no longer held at all.
    """
    if not sender.remembered:
        return send(sender.user, None)
    try:
        return send(sender.user, sender.digest)
    except SenderChanged:
        _MEMORY.forget(sender.digest)
        fresh = _looked_up(sender.digest)
        if fresh is None:
            raise
        return send(fresh.user, None)


def holds_token(digest: str, member: Member) -> bool:
    """Whether the device token is still held by an active login whose member is
    ``member``, in the same mission and team: looked up afresh."""
    found = getattr(_user_by_digest(digest), "member", None)
    return found is not None and (found.pk, found.mission_id, found.team_id) == (
        member.pk,
        member.mission_id,
        member.team_id,
    )


def forget_remembered_devices() -> None:
    """Forget every remembered sender (tests; a process that changed tokens in bulk)."""
    _MEMORY.clear()
