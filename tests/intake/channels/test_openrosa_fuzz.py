"""Whatever a phone posts to the OpenRosa endpoint: never a server error, never a lost payload."""

from __future__ import annotations

import uuid

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pollwatch.intake.models import RawPayload

from .test_openrosa import ANSWERS, collect_post, instance_from_xform, version, xform_xml  # noqa: F401

pytestmark = pytest.mark.django_db

SETTLED = {
    RawPayload.Status.ACCEPTED,
    RawPayload.Status.DUPLICATE,
    RawPayload.Status.INVALID,
    RawPayload.Status.CONFLICT,
}

texts = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=150)
instance_ids = st.one_of(
    st.builds(lambda: f"uuid:{uuid.uuid4()}"),
    texts,
    st.sampled_from(["uuid:../../etc/passwd", "uuid:" + "x" * 150, "", "..", "uuid:a/b"]),
)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    instance_id=instance_ids,
    deprecated=st.one_of(st.none(), instance_ids),
    values=st.dictionaries(st.sampled_from(sorted(ANSWERS)), texts, max_size=5),
)
def test_a_mutated_instance_is_stored_or_reviewed_never_a_500(
    client,
    observer_token,
    xform_xml,  # noqa: F811
    instance_id,
    deprecated,
    values,  # noqa: F811
):
    meta = {"deprecatedID": deprecated} if deprecated is not None else {}
    xml = instance_from_xform(xform_xml, ANSWERS | values, instance_id, **meta)
    response = collect_post(client, observer_token, xml)
    assert response.status_code < 500
    assert set(RawPayload.objects.values_list("status", flat=True)) <= SETTLED


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(body=st.one_of(st.binary(max_size=300), texts.map(lambda t: t.encode("utf-8"))))
def test_any_bytes_as_the_xml_part_are_refused_cleanly(client, observer_token, body):
    response = collect_post(client, observer_token, body)
    assert response.status_code < 500
    assert set(RawPayload.objects.values_list("status", flat=True)) <= SETTLED
