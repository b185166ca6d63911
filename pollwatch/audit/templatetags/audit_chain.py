"""``{% audit_chain_head as head %}``: the newest link of the audit chain, for public pages."""

from django import template

from pollwatch.audit.chain import ChainHead, chain_head

register = template.Library()


@register.simple_tag
def audit_chain_head() -> ChainHead | None:
    return chain_head()
