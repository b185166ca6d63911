from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pollwatch.statements.coverage import CoverageFacts
from pollwatch.statements.criteria import CRITERIA, what_coverage_supports
from pollwatch.statements.statement_check import check_statement

FIXTURES = Path(__file__).resolve().parent / "fixtures"

CREDIBLE_FACTS = CoverageFacts(
    stations_observed=412,
    stations_total=5273,
    areas_observed=85,
    areas_total=93,
    random_selection=True,
    days_in_country=42,
    long_term_observers=True,
)
DELEGATION_FACTS = CoverageFacts(
    stations_observed=59, stations_total=5273, random_selection=False, days_in_country=2
)


def statement(name):
    return (FIXTURES / name).read_text(encoding="utf-8")


def verdicts(result):
    return {criterion.name: criterion.met for criterion in result.criteria}


@pytest.mark.parametrize("name", ["credible_en.txt", "credible_ru.txt"])
def test_a_credible_statement_meets_every_criterion(name):
    result = check_statement(statement(name), CREDIBLE_FACTS)

    assert verdicts(result) == dict.fromkeys(CRITERIA, True)
    assert result.flagged == ()


@pytest.mark.parametrize("name", ["biased_en.txt", "biased_ru.txt"])
def test_a_delegation_statement_fails_the_criteria_and_its_claims_are_flagged(name):
    result = check_statement(statement(name), DELEGATION_FACTS)

    assert verdicts(result) == {
        "coverage_stated": False,
        "method_stated": False,
        "numbers_with_bases": True,
        "limits_acknowledged": False,
        "categorical_claims_supported": False,
        "all_stages_observed": False,
    }
    kinds = {str(check.claim.kind) for check in result.flagged}
    assert {"no_violations", "free_and_fair", "international_standards", "all_stations"} <= kinds
    assert all(not check.supported for check in result.claims)


def test_coverage_without_a_total_is_not_enough():
    result = check_statement(statement("biased_en.txt"), DELEGATION_FACTS)
    coverage = result.criteria[CRITERIA.index("coverage_stated")]

    assert "59 polling stations" in coverage.evidence
    assert "total number of polling stations is not given" in coverage.evidence


def test_a_random_sample_statement_claiming_none_is_told_the_bound():
    facts = CoverageFacts(stations_observed=59, stations_total=5273, random_selection=True)

    result = check_statement(statement("random_no_findings_en.txt"), facts)

    (flagged,) = result.flagged
    assert flagged.claim.sentence.text == "Observers recorded no violations."
    assert "under 5.0%" in flagged.suggestion
    claims = result.criteria[CRITERIA.index("categorical_claims_supported")]
    assert not claims.met and "'under 5.0% of polling stations'" in claims.evidence


def test_percentages_without_a_base_are_reported():
    text = "Voting was assessed positively in 95% of polling stations. Turnout was 67%."

    result = check_statement(text, CoverageFacts())
    numbers = result.criteria[CRITERIA.index("numbers_with_bases")]

    assert not numbers.met
    assert numbers.evidence.startswith("2 of 2 sentences with a percentage give no base")


def test_a_confidence_level_is_not_a_figure_needing_a_base():
    text = "Shares are given with 95% confidence intervals. Voting was good in 90% of 300 stations."

    numbers = check_statement(text, CoverageFacts()).criteria[CRITERIA.index("numbers_with_bases")]

    assert numbers.met


def test_a_statement_without_figures_fails_numbers_with_bases():
    result = check_statement("The elections went well.", CoverageFacts())

    assert not verdicts(result)["numbers_with_bases"]


def test_stated_length_of_stay_in_the_text_counts_when_facts_are_silent():
    long = check_statement("The mission observed for six weeks, 6 weeks in all.", CoverageFacts())
    short = check_statement("The delegation spent 3 days in the country.", CoverageFacts())

    assert verdicts(long)["all_stages_observed"]
    assert not verdicts(short)["all_stages_observed"]


@pytest.mark.parametrize(
    ("facts", "expected"),
    [
        (CoverageFacts(), "no coverage is known"),
        (DELEGATION_FACTS, "59 of 5,273 polling stations not chosen at random"),
        # 412 of 5,273 stations: the finite-population bound, 0.7%, not the binomial 0.8%
        (CREDIBLE_FACTS, "'under 0.7% of polling stations'"),
        (CoverageFacts(stations_observed=40, stations_total=40), "all 40 polling stations"),
    ],
)
def test_what_the_coverage_supports_is_said_in_words(facts, expected):
    assert expected in what_coverage_supports(facts)


def test_statement_json_has_exactly_claims_and_criteria():
    result = check_statement(statement("biased_en.txt"), DELEGATION_FACTS)

    document = result.as_json()

    assert set(document) == {"claims", "criteria"}
    assert all(
        set(claim) == {"sentence", "kind", "supported", "reason", "suggestion"}
        for claim in document["claims"]
    )
    assert [criterion["name"] for criterion in document["criteria"]] == list(CRITERIA)
    assert all(set(criterion) == {"name", "met", "evidence"} for criterion in document["criteria"])


@given(text=st.text(max_size=600), observed=st.none() | st.integers(0, 300))
def test_any_text_gets_every_criterion_with_evidence(text, observed):
    facts = CoverageFacts(stations_observed=observed, stations_total=300)

    result = check_statement(text, facts)

    assert [criterion.name for criterion in result.criteria] == list(CRITERIA)
    assert all(criterion.evidence for criterion in result.criteria)
    assert all(check.reason and (check.supported or check.suggestion) for check in result.claims)


@pytest.mark.parametrize(
    ("facts", "expected"),
    [
        (CoverageFacts(stations_observed=1, random_selection=False), "1 polling station not"),
        (CoverageFacts(stations_observed=1, stations_total=1), "the only polling station was"),
        (
            CoverageFacts(stations_observed=59, stations_total=60, random_selection=True),
            "'in none of the 60 polling stations' at 95% confidence, as only 1 polling station",
        ),
    ],
)
def test_what_the_coverage_supports_agrees_in_number_and_uses_the_finite_bound(facts, expected):
    assert expected in what_coverage_supports(facts)
