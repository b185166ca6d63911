"""Shares and their intervals written one way: a percentage with its sign, rounded."""

from types import SimpleNamespace

from django.template import Context, Template
from django.utils import translation

from pollwatch.findings.templatetags.numbers import as_percent, percent_range


def test_a_share_is_a_rounded_percentage_with_its_sign():
    assert as_percent(0.1239) == "12.4%"  # rounded, where number_format alone truncates
    assert as_percent(0.5, 0) == "50%"
    assert as_percent(None) == "–"


def test_an_interval_is_in_the_same_unit_as_its_share():
    assert percent_range((0.1024, 0.1451)) == "10.2–14.5%"
    assert percent_range(SimpleNamespace(low=0.46071, high=0.46994), 2) == "46.07–46.99%"
    assert percent_range(SimpleNamespace(low=None, high=0.5)) == "–"


def test_the_filters_follow_the_readers_language():
    template = Template("{% load numbers %}{{ share|as_percent }} {{ figure|percent_range }}")
    context = Context({"share": 0.125, "figure": SimpleNamespace(low=0.1, high=0.15)})
    with translation.override("ru"):
        assert template.render(context) == "12,5% 10,0–15,0%"
