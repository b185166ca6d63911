from __future__ import annotations

from typing import Any

from django.db import models

from pollwatch.audit.models import AuditEvent


def log_action(
    action: str,
    *,
    actor: Any = None,
    target: models.Model | None = None,
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    """Record that ``actor`` did ``action`` to ``target``; call inside the change's transaction."""
    return AuditEvent.objects.create(**audit_values(action, actor=actor, target=target, data=data))


def audit_values(
    action: str,
    *,
    actor: Any = None,
    target: models.Model | None = None,
    data: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The fields of an audit entry; intake's database function writes them in bulk too."""
    return {
        "actor": actor if getattr(actor, "is_authenticated", False) else None,
        "action": action,
        "target_type": target._meta.label_lower if target is not None else "",
        "target_id": str(target.pk) if target is not None and target.pk is not None else "",
        "target_label": str(target)[:300] if target is not None else "",
        "data": data or {},
    }
