from __future__ import annotations

from typing import Any, TypedDict

from django.contrib.auth.models import AnonymousUser, User
from django.db import models

from pollwatch.audit.models import AuditEvent


class AuditValues(TypedDict):
    """The fields of one audit entry, as :func:`audit_values` fills them in."""

    actor: User | None
    action: str
    target_type: str
    target_id: str
    target_label: str
    data: dict[str, Any]


def log_action(
    action: str,
    *,
    actor: User | AnonymousUser | None = None,
    target: models.Model | None = None,
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    """Record that ``actor`` did ``action`` to ``target``; call inside the change's transaction."""
    return AuditEvent.objects.create(**audit_values(action, actor=actor, target=target, data=data))


def audit_values(
    action: str,
    *,
    actor: User | AnonymousUser | None = None,
    target: models.Model | None = None,
    data: dict[str, Any] | None = None,
) -> AuditValues:
    """The fields of an audit entry; intake's database function writes them in bulk too."""
    return {
        "actor": actor if isinstance(actor, User) and actor.is_authenticated else None,
        "action": action,
        "target_type": target._meta.label_lower if target is not None else "",
        "target_id": str(target.pk) if target is not None and target.pk is not None else "",
        "target_label": str(target)[:300] if target is not None else "",
        "data": data or {},
    }
