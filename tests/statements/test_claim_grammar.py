import pytest
from hypothesis import given
from hypothesis import strategies as st

from pollwatch.statements.claim_grammar import find_structures, segment_spans, tokenize
from pollwatch.statements.claims import ClaimKind, find_claims


def structures(text):
    return {(found.kind, found.structure) for found in find_structures(text)}


@pytest.mark.parametrize(
    ("sentence", "kind", "structure"),
    [
        # negation scope over a quantified problem
        (
            "Our observers have not recorded a single breach of the law.",
            "no_violations",
            "negated_perception",
        ),
        ("We did not notice any irregularity.", "no_violations", "negated_perception"),
        ("We haven't received any complaints from voters.", "no_violations", "negated_perception"),
        ("Наблюдатели не выявили ни одного нарушения.", "no_violations", "negated_perception"),
        (
            "Жалоб и замечаний от наблюдателей политических партий и общественных объединений "
            "в адрес миссии не поступало.",
            "no_violations",
            "negated_perception",
        ),
        (
            "The violations were not recorded during these processes as well.",
            "no_violations",
            "negated_perception",
        ),
        ("Heyet hiçbir usulsüzlük tespit etmedi.", "no_violations", "absence"),
        ("Misyon herhangi bir hukuk ihlaline rastlamamıştır.", "no_violations", "absence"),
        ("There was not a single violation.", "no_violations", "absence"),
        ("Voting took place without any incidents.", "proceeded_successfully", "absence"),
        # manner and evaluation of the process as a whole
        ("The vote took place in a calm and orderly fashion.", "proceeded_successfully", "manner"),
        ("Voting went ahead in an open and democratic way.", "free_and_fair", "manner"),
        ("Выборы прошли спокойно, организованно.", "proceeded_successfully", "manner"),
        ("Seçimler sakin ve düzenli bir ortamda geçti.", "proceeded_successfully", "manner"),
        (
            "Overall it was a very clean and well-run election.",
            "proceeded_successfully",
            "attributive",
        ),
        ("Миссия признала выборы демократичными и прозрачными.", "transparent", "manner"),
        # conformity with long coordinated objects
        (
            "The election was in line with the constitution, the electoral code and universally "
            "accepted democratic norms.",
            "international_standards",
            "conformity",
        ),
        (
            "Выборы соответствовали национальному законодательству и общепризнанным нормам.",
            "international_standards",
            "conformity",
        ),
        (
            "Seçimlerin ulusal mevzuata ve uluslararası standartlara uygun olduğunu belirtti.",
            "international_standards",
            "conformity",
        ),
        # the rest
        (
            "They did not materially affect the conduct of the elections.",
            "free_and_fair",
            "materiality",
        ),
        ("Кандидатам были обеспечены равные условия участия.", "free_and_fair", "equal_conditions"),
        ("All necessary administrative measures were taken.", "free_and_fair", "provision"),
    ],
)
def test_each_structure_is_recognised(sentence, kind, structure):
    assert (kind, structure) in structures(sentence)


@pytest.mark.parametrize(
    "sentence",
    [
        # the mission's own work is no claim about the election
        "The mission conducted its activities in accordance with the laws of Moldova.",
        "The former prime minister said the observation mission was in line with the African "
        "Charter.",
        "Миссия действовала свободно и независимо, руководствуясь законодательством.",
        # an attribute in a purpose phrase states an aim
        "The purpose of the mission was to support efforts to conduct peaceful and credible "
        "elections.",
        "We were briefed on preparedness for the conduct of a peaceful, free and fair election.",
        # adjectives of other nouns, and "as well as"
        "The mission commended their commitment to the democratic development of the country.",
        "These issues could detract from the credibility of future elections as well as trust.",
        # a negation without a perceived problem
        "The mission did not observe the pre-election period and cannot assess the campaign.",
        "He did not go into detail on the other violations observed.",
        "Observers could not record violations because they were denied access.",
        # Turkish negates the verb after the predicate
        "Seçimler adil koşullarda geçmedi.",
        # ... or the participle inside the phrase, or the conformity right after "uygun"
        "Heyet, referandumun eşit olmayan şartlarda gerçekleştiği sonucuna vardı.",
        "Heyet, oylamanın yasal standartlara uygun olmadığı kuşkusunu taşıyor.",
        # a prediction before the vote is no finding
        "Temsilciler, seçimlerin demokratik bir ortamda geçeceğini söyledi.",
        "Nikolayeviç, seçimlerde herhangi bir sorunla karşılaşılmayacağını dile getirdi.",
        "Seçimlerde halkın iradesinin sandığa yansımadığı görüldü.",
        # numbers with bases and criticism
        "In 12 of 150 polling stations observed, the secrecy of the vote was not ensured.",
        "The tabulation process lacked transparency.",
    ],
)
def test_hard_negatives_hold_no_structure(sentence):
    assert structures(sentence) == set()


def test_a_scope_in_another_segment_does_not_limit_the_claim():
    text = (
        "The election campaign was generally well conducted, but counting was assessed as bad "
        "in 48% of polling stations visited."
    )

    (claim,) = find_claims(text)

    assert claim.kind is ClaimKind.PROCEEDED_SUCCESSFULLY
    assert not claim.scoped
    assert len(segment_spans(text)) == 2


@given(st.text(max_size=300))
def test_structures_lie_inside_the_sentence(text):
    for found in find_structures(text):
        assert 0 <= found.start <= found.anchor < found.end <= len(text)


@given(
    st.lists(
        st.sampled_from(
            [
                "not",
                "no",
                "any",
                "violations",
                "elections",
                "were",
                "calm",
                "free",
                "and",
                ",",
                "in",
                "line",
                "with",
                "standards",
                "не",
                "нарушений",
                "выборы",
                "прошли",
                "спокойно",
                "соответствовали",
                "нормам",
                "hiçbir",
                "usulsüzlük",
                "etmedi",
            ]
        ),
        max_size=200,
    )
)
def test_any_sequence_of_grammar_words_is_handled(words):
    text = " ".join(words)

    for found in find_structures(text):
        assert text[found.start : found.end].strip()


def test_a_long_run_of_grammar_words_is_matched_whole():
    # Its time is measured by bench/statement_check.py, not asserted here.
    text = " ".join(["not recorded any elections were calm in line with"] * 200)

    structures = list(find_structures(text))
    assert structures
    for found in structures:
        assert text[found.start : found.end].strip()
    assert len(tokenize(text)) == 9 * 200


def test_the_demo_statement_claim_is_still_found():
    from pollwatch.demo.statement import SWEEPING_CLAIM

    kinds = {claim.kind for claim in find_claims(SWEEPING_CLAIM)}

    assert {ClaimKind.NO_VIOLATIONS, ClaimKind.ALL_STATIONS} <= kinds
