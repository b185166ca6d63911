import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pollwatch.statements.claims import (
    MINIMUM_DAYS_FOR_WHOLE_PROCESS,
    ClaimKind,
    check_claims,
    find_claims,
    sentence_language,
)
from pollwatch.statements.coverage import PHASES, CoverageFacts, PhaseFindings
from pollwatch.stats.zero_events import share_upper_bound

CYRILLIC = re.compile(r"[а-яё]", re.IGNORECASE)

CLAIMS_BY_KIND = [
    # English
    ("There were no violations.", ClaimKind.NO_VIOLATIONS),
    ("Not a single violation was recorded.", ClaimKind.NO_VIOLATIONS),
    ("No serious irregularities were observed.", ClaimKind.NO_VIOLATIONS),
    ("The vote was free from fraud.", ClaimKind.NO_VIOLATIONS),
    ("Voting took place without a single violation.", ClaimKind.NO_VIOLATIONS),
    ("Observers did not see any violations.", ClaimKind.NO_VIOLATIONS),
    ("Voting was orderly in all polling stations.", ClaimKind.ALL_STATIONS),
    ("At every polling station the secrecy of the vote was respected.", ClaimKind.ALL_STATIONS),
    ("All polling stations opened on time.", ClaimKind.ALL_STATIONS),
    ("Voting was calm throughout the country.", ClaimKind.WHOLE_COUNTRY),
    ("Procedures were followed nationwide.", ClaimKind.WHOLE_COUNTRY),
    ("The process was transparent.", ClaimKind.TRANSPARENT),
    ("The count was conducted transparently.", ClaimKind.TRANSPARENT),
    ("The elections were free and fair.", ClaimKind.FREE_AND_FAIR),
    ("The vote was free, fair and transparent.", ClaimKind.FREE_AND_FAIR),
    ("The elections complied with international standards.", ClaimKind.INTERNATIONAL_STANDARDS),
    (
        "The vote was in line with OSCE commitments and international standards.",
        ClaimKind.INTERNATIONAL_STANDARDS,
    ),
    (
        "The elections fully met international democratic standards.",
        ClaimKind.INTERNATIONAL_STANDARDS,
    ),
    ("Election day proceeded successfully.", ClaimKind.PROCEEDED_SUCCESSFULLY),
    ("Voting took place without any incidents.", ClaimKind.PROCEEDED_SUCCESSFULLY),
    ("The elections were a great success.", ClaimKind.PROCEEDED_SUCCESSFULLY),
    # Russian, with inflections
    ("Не было выявлено ни одного нарушения.", ClaimKind.NO_VIOLATIONS),
    ("Наблюдатели не выявили ни единого нарушения.", ClaimKind.NO_VIOLATIONS),
    ("Нарушений не выявлено.", ClaimKind.NO_VIOLATIONS),
    (
        "Серьёзных нарушений избирательного законодательства не зафиксировано.",
        ClaimKind.NO_VIOLATIONS,
    ),
    ("Голосование прошло без каких-либо нарушений.", ClaimKind.NO_VIOLATIONS),
    ("Никаких фальсификаций не было.", ClaimKind.NO_VIOLATIONS),
    ("На всех избирательных участках царил порядок.", ClaimKind.ALL_STATIONS),
    ("Во всех УИК голосование началось вовремя.", ClaimKind.ALL_STATIONS),
    ("Все участки открылись вовремя.", ClaimKind.ALL_STATIONS),
    ("По всей стране голосование было спокойным.", ClaimKind.WHOLE_COUNTRY),
    ("Процедуры повсеместно соблюдались.", ClaimKind.WHOLE_COUNTRY),
    ("Выборы прошли прозрачно.", ClaimKind.TRANSPARENT),
    ("Процесс был прозрачным и открытым.", ClaimKind.TRANSPARENT),
    ("Выборы были свободными и справедливыми.", ClaimKind.FREE_AND_FAIR),
    ("Это были свободные и честные выборы.", ClaimKind.FREE_AND_FAIR),
    ("Выборы прошли честно.", ClaimKind.FREE_AND_FAIR),
    ("Выборы соответствовали международным стандартам.", ClaimKind.INTERNATIONAL_STANDARDS),
    (
        "Голосование полностью отвечало общепризнанным демократическим нормам.",
        ClaimKind.INTERNATIONAL_STANDARDS,
    ),
    ("Выборы прошли успешно.", ClaimKind.PROCEEDED_SUCCESSFULLY),
    ("Голосование прошло спокойно и организованно.", ClaimKind.PROCEEDED_SUCCESSFULLY),
    ("День голосования прошёл без происшествий.", ClaimKind.PROCEEDED_SUCCESSFULLY),
    # Turkish, with its suffixes
    ("Misyon herhangi bir usulsüzlüğe rastlamamıştır.", ClaimKind.NO_VIOLATIONS),
    ("Hiçbir ihlal tespit edilmedi.", ClaimKind.NO_VIOLATIONS),
    ("Tüm sandıklarda oy verme işlemi zamanında başladı.", ClaimKind.ALL_STATIONS),
    ("Oy verme günü ülke genelinde huzurlu bir ortamda gerçekleşmiştir.", ClaimKind.WHOLE_COUNTRY),
    ("Seçimler şeffaf bir şekilde gerçekleştirildi.", ClaimKind.TRANSPARENT),
    ("Seçimler özgür ve adil bir ortamda yapıldı.", ClaimKind.FREE_AND_FAIR),
    (
        "Seçimler ulusal mevzuata ve uluslararası standartlara uygun olarak yapılmıştır.",
        ClaimKind.INTERNATIONAL_STANDARDS,
    ),
    ("Seçimler sakin bir ortamda geçti.", ClaimKind.PROCEEDED_SUCCESSFULLY),
]

NOT_CLAIMS = [
    "We cannot say that there were no violations.",
    "The elections did not comply with international standards.",
    "The process was not transparent.",
    "The authorities should make the count more transparent.",
    "Transparent ballot boxes were used.",
    "The mission deployed observers throughout the country.",
    "The elections were neither free nor fair.",
    "Observers reported 14 violations.",
    "Выборы не были прозрачными.",
    "Выборы не соответствовали международным стандартам.",
    "Использовались прозрачные урны.",
    "Нельзя утверждать, что нарушений не было.",
    "Наблюдатели зафиксировали 14 нарушений.",
    "Процедуры подсчёта следует сделать более прозрачными.",
    "The CEC must ensure that procedures are followed at every polling station.",
    "It is not possible to conclude that the elections were free and fair.",
    "Миссия рекомендует обеспечить доступность всех избирательных участков.",
    "Было ли голосование прозрачным, сказать нельзя.",
    "Seçimler şeffaf değildi.",
    "Seçim Kurulu'nun çalışmaları şeffaf değildi.",
    "Referandum eşit olmayan şartlarda gerçekleşti.",
    "Referandum uluslararası standartlara uygun değildi.",
    "Gözlemciler 14 usulsüzlük bildirdi.",
    "Heyet, seçimlerin demokratik bir ortamda geçeceğini söyledi.",
    'Başkan, "Beklentimiz seçimin adil ve demokratik olarak sonuçlanmasıdır." dedi.',
    "Heyet, seçimlerin özgür ve adil bir ortamda yapılmasını tavsiye etmektedir.",
]


@pytest.mark.parametrize(("sentence", "kind"), CLAIMS_BY_KIND)
def test_every_claim_kind_is_found_in_each_language(sentence, kind):
    assert kind in {claim.kind for claim in find_claims(sentence)}


def test_the_table_covers_every_kind_in_each_language():
    languages = {(kind, sentence_language(sentence)) for sentence, kind in CLAIMS_BY_KIND}

    assert languages == {(kind, language) for kind in ClaimKind for language in ("en", "ru", "tr")}


@pytest.mark.parametrize("sentence", NOT_CLAIMS)
def test_denials_recommendations_and_counts_are_not_categorical_claims(sentence):
    assert find_claims(sentence) == []


def test_claims_keep_their_sentence_and_position():
    text = "Turnout was high. The elections were free and fair. Нарушений не выявлено."

    claims = find_claims(text)

    assert [(claim.kind, claim.language) for claim in claims] == [
        (ClaimKind.FREE_AND_FAIR, "en"),
        (ClaimKind.NO_VIOLATIONS, "ru"),
    ]
    assert text[claims[0].sentence.start : claims[0].sentence.end] == claims[0].sentence.text
    assert claims[0].phrase == "free and fair"


NON_RANDOM = CoverageFacts(stations_observed=59, stations_total=5273, random_selection=False)
RANDOM_SHORT = CoverageFacts(
    stations_observed=59, stations_total=5273, random_selection=True, days_in_country=3
)
RANDOM_LONG = CoverageFacts(
    stations_observed=412,
    stations_total=5273,
    random_selection=True,
    days_in_country=42,
    long_term_observers=True,
    phases=(PhaseFindings("voting", 412), PhaseFindings("counting", 41)),
)


def only_check(text, facts, kind=None):
    (check,) = [check for check in check_claims(text, facts) if kind in (None, check.claim.kind)]
    return check


def test_recorded_negative_assessments_contradict_no_violations():
    facts = CoverageFacts(
        stations_observed=412,
        stations_total=5273,
        random_selection=True,
        phases=(PhaseFindings("voting", 412, assessed_negative=12, critical_incidents=3),),
    )

    check = only_check("Not a single violation was recorded.", facts)

    assert not check.supported
    assert check.situation == "contradicted"
    assert "12 of 412" in check.reason and "3 critical incidents" in check.reason
    assert "12 of 412 polling stations observed (2.9%)" in check.suggestion


def test_a_claim_about_one_phase_is_checked_against_that_phase_only():
    facts = CoverageFacts(
        stations_observed=412,
        stations_total=412,
        random_selection=True,
        phases=(PhaseFindings("voting", 412), PhaseFindings("counting", 41, assessed_negative=9)),
    )

    voting = only_check(
        "Voting proceeded smoothly in all polling stations visited.",
        facts,
        ClaimKind.PROCEEDED_SUCCESSFULLY,
    )
    counting = only_check("Подсчёт голосов прошёл спокойно на посещённых участках.", facts)

    assert voting.supported and voting.situation == "scoped"
    assert counting.situation == "contradicted"
    assert "подсчёта голосов" in counting.reason and "9 из 41" in counting.reason


@pytest.mark.parametrize(
    ("sentence", "negative", "contradicted"),
    [
        ("Voting was generally calm and orderly in the polling stations observed.", 7, False),
        ("Voting was generally calm and orderly in the polling stations observed.", 60, True),
        ("Voting was calm and orderly in the polling stations observed.", 7, True),
        ("В целом голосование прошло спокойно на посещённых участках.", 7, False),
    ],
)
def test_a_qualified_claim_is_contradicted_only_by_a_majority(sentence, negative, contradicted):
    facts = CoverageFacts(
        stations_observed=100,
        stations_total=5273,
        random_selection=True,
        phases=(PhaseFindings("voting", 100, assessed_negative=negative, critical_incidents=1),),
    )

    check = only_check(sentence, facts)

    assert (check.situation == "contradicted") is contradicted
    assert check.supported is not contradicted


def test_a_selection_not_chosen_at_random_cannot_support_claims_about_the_country():
    check = only_check("The elections were free and fair.", NON_RANDOM)

    assert not check.supported
    assert check.situation == "not_random"
    assert "59 of 5,273" in check.reason and "not chosen at random" in check.reason
    assert check.suggestion.startswith("In the 59 polling stations observed (of 5,273;")


def test_random_stations_with_nothing_found_support_only_the_upper_bound():
    check = only_check("Not a single violation was recorded.", RANDOM_SHORT)

    assert not check.supported
    assert check.situation == "only_a_bound"
    assert "under 5.0%" in check.reason
    assert check.suggestion.endswith(
        "at 95% confidence, violations occurred in under 5.0% of all polling stations."
    )


def test_russian_bound_is_worded_in_russian_with_a_decimal_comma():
    check = only_check("Нарушений не выявлено.", RANDOM_SHORT)

    assert "меньше 5,0%" in check.reason
    assert "доля участков с нарушениями меньше 5,0%" in check.suggestion
    assert "59 из 5\u00a0273" in check.suggestion


def test_turkish_claims_get_their_reason_and_wording_in_turkish():
    bound = only_check("Hiçbir ihlal tespit edilmedi.", RANDOM_SHORT)
    not_random = only_check("Seçimler özgür ve adil bir ortamda yapıldı.", NON_RANDOM)

    assert bound.claim.language == not_random.claim.language == "tr"
    assert "%5,0" in bound.reason and "5.273" in bound.suggestion
    assert "rastgele seçilmedi" in not_random.reason
    assert not_random.suggestion.startswith("Gözlemciler gözlemlenen 59 sandıkta")


def test_the_bound_follows_the_number_of_stations():
    facts = CoverageFacts(stations_observed=300, stations_total=10000, random_selection=True)
    expected = share_upper_bound(0, 300).percent_ceiling()

    check = only_check("In all polling stations the secrecy of the vote was respected.", facts)

    assert f"under {expected:.1f}%" in check.reason
    assert expected == 1.0


def test_a_judgement_on_the_whole_election_needs_long_observation():
    short = only_check("The elections were free and fair.", RANDOM_SHORT)
    long = only_check("The elections were free and fair.", RANDOM_LONG)

    assert short.situation == "short_observation"
    assert "3 days" in short.reason
    assert long.supported and long.situation == "representative"
    assert long.suggestion == ""


def test_days_in_country_alone_can_show_long_observation():
    facts = CoverageFacts(
        stations_observed=412,
        stations_total=5273,
        random_selection=True,
        days_in_country=MINIMUM_DAYS_FOR_WHOLE_PROCESS,
    )

    assert only_check("Выборы прошли прозрачно.", facts).supported


def test_election_day_claims_from_a_random_sample_are_supported():
    assert only_check("Election day proceeded successfully.", RANDOM_SHORT).supported


def test_full_coverage_supports_claims_about_every_station():
    facts = CoverageFacts(stations_observed=40, stations_total=40, random_selection=False)

    check = only_check("On election day all polling stations opened on time.", facts)

    assert check.supported and check.situation == "full_coverage"


def test_unknown_coverage_supports_no_categorical_claim():
    check = only_check("Выборы были свободными и справедливыми.", CoverageFacts())

    assert not check.supported
    assert check.situation == "no_base"
    assert CYRILLIC.search(check.reason) and CYRILLIC.search(check.suggestion)


def test_a_claim_limited_to_the_stations_observed_is_supported_when_nothing_contradicts_it():
    check = only_check(
        "In the 59 polling stations observed, observers saw no violations.", NON_RANDOM
    )

    assert check.supported and check.situation == "scoped"


@pytest.mark.parametrize(
    "sentence",
    [
        "There was no evidence of fraud in the stations we saw.",
        "All 59 polling stations visited by the delegation opened on time.",
        "Голосование на участках, которые посетили наблюдатели, прошло организованно.",
        "На посещённых участках нарушений не было.",
        "Voting was calm and orderly in 96% of the 412 polling stations observed.",
    ],
)
def test_limiting_words_mark_a_claim_as_scoped(sentence):
    (claim,) = find_claims(sentence)

    assert claim.scoped


def test_json_of_a_claim_has_exactly_the_documented_fields():
    check = only_check("The process was transparent.", NON_RANDOM)

    assert check.as_json() == {
        "sentence": "The process was transparent.",
        "kind": "transparent",
        "supported": False,
        "reason": check.reason,
        "suggestion": check.suggestion,
    }


def test_facts_reject_inconsistent_counts():
    with pytest.raises(ValueError, match="exceed the total"):
        CoverageFacts(stations_observed=60, stations_total=59)
    with pytest.raises(ValueError, match="unknown phase"):
        PhaseFindings("lunch", 10)
    with pytest.raises(ValueError, match="exceed the 10 stations"):
        PhaseFindings("voting", 10, assessed_negative=11)


WORDS = [
    "no",
    "violations",
    "not",
    "a",
    "single",
    "violation",
    "in",
    "all",
    "polling",
    "stations",
    "observed",
    "free",
    "and",
    "fair",
    "transparent",
    "complied",
    "with",
    "international",
    "standards",
    "proceeded",
    "successfully",
    "throughout",
    "the",
    "country",
    "нарушений",
    "не",
    "выявлено",
    "ни",
    "одного",
    "нарушения",
    "на",
    "всех",
    "избирательных",
    "участках",
    "прозрачно",
    "свободными",
    "и",
    "справедливыми",
    "соответствовали",
    "международным",
    "стандартам",
    "прошли",
    "успешно",
    "посещённых",
    "59",
    "12%",
    "of",
    "из",
    ".",
    ",",
    "!",
    "\n\n",
    "Dr.",
    "т.е.",
]

facts_strategy = st.builds(
    CoverageFacts,
    stations_observed=st.none() | st.integers(0, 500),
    stations_total=st.none() | st.integers(500, 100_000),
    random_selection=st.none() | st.booleans(),
    days_in_country=st.none() | st.integers(0, 90),
    long_term_observers=st.none() | st.booleans(),
    phases=st.lists(
        st.builds(
            lambda phase, assessed, negative, incidents: PhaseFindings(
                phase, assessed, min(negative, assessed), incidents
            ),
            st.sampled_from(PHASES),
            st.integers(0, 500),
            st.integers(0, 20),
            st.integers(0, 5),
        ),
        max_size=4,
        unique_by=lambda finding: finding.phase,
    ).map(tuple),
)


@settings(max_examples=200)
@given(words=st.lists(st.sampled_from(WORDS), max_size=80), facts=facts_strategy)
def test_every_flagged_claim_has_a_reason_and_a_suggestion(words, facts):
    for check in check_claims(" ".join(words), facts):
        assert check.reason
        assert check.supported or check.suggestion
        assert check.claim.sentence.text


@given(text=st.text(max_size=500), facts=facts_strategy)
def test_any_text_can_be_checked(text, facts):
    for check in check_claims(text, facts):
        assert isinstance(check.supported, bool)
        assert check.reason


def test_the_check_imports_no_web_framework():
    code = (
        "import sys, pollwatch.statements.statement_check, pollwatch.stats.zero_events; "
        "print(sorted(name for name in sys.modules if name.split('.')[0] == 'django'))"
    )

    completed = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parents[2],
        check=True,
        timeout=60,
    )

    assert completed.stdout.strip() == "[]"


def test_the_bound_uses_the_finite_number_of_stations_when_it_is_known():
    nearly_all = CoverageFacts(stations_observed=59, stations_total=60, random_selection=True)
    half = CoverageFacts(stations_observed=30, stations_total=60, random_selection=True)

    check = only_check("Not a single violation was recorded.", nearly_all)
    halfway = only_check("Not a single violation was recorded.", half)

    assert "under 5.0%" not in check.reason + check.suggestion
    assert "none of the 60 polling stations" in check.suggestion
    exact = share_upper_bound(0, 30, method="hypergeometric", population=60)
    assert exact.upper < share_upper_bound(0, 30).upper
    assert f"{exact.percent_ceiling():.1f}%" in halfway.reason


def test_what_the_coverage_supports_uses_the_finite_bound():
    from pollwatch.statements.criteria import what_coverage_supports

    text = what_coverage_supports(
        CoverageFacts(stations_observed=59, stations_total=60, random_selection=True)
    )

    assert "under 5.0%" not in text


@settings(max_examples=100, deadline=None)
@given(observed=st.integers(1, 300), unobserved=st.integers(0, 3000))
def test_the_worded_bound_is_never_below_the_exact_bound(observed, unobserved):
    total = observed + unobserved
    facts = CoverageFacts(stations_observed=observed, stations_total=total, random_selection=True)
    exact = share_upper_bound(0, observed, method="hypergeometric", population=total)

    (check,) = check_claims("Not a single violation was recorded.", facts)

    under = re.search(r"under (\d+\.\d)%", check.suggestion)
    if under:
        assert float(under.group(1)) > 100 * exact.upper
    elif not facts.full_coverage:
        assert "none of the" in check.suggestion or "at most" in check.suggestion
