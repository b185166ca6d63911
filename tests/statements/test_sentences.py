import pytest
from hypothesis import given
from hypothesis import strategies as st

from pollwatch.statements.sentences import ABBREVIATIONS, MAX_SENTENCE_CHARS, split_sentences


def texts(text):
    return [sentence.text for sentence in split_sentences(text)]


def test_english_abbreviations_and_initials_do_not_end_a_sentence():
    text = (
        "The mission, led by Dr. J. Smith, met the U.S. embassy, e.g. on 3 Feb. in the "
        "capital. Voting began at 7 a.m. Observers arrived."
    )

    assert texts(text) == [
        "The mission, led by Dr. J. Smith, met the U.S. embassy, e.g. on 3 Feb. in the capital.",
        "Voting began at 7 a.m. Observers arrived.",
    ]


def test_russian_abbreviations_and_initials_do_not_end_a_sentence():
    text = (
        "Выборы прошли 18 марта 2018 г. в г. Москве и др. городах. Миссию возглавил "
        "А. С. Петров, т.е. глава делегации. Нарушений не выявлено… Итог подведён!"
    )

    assert texts(text) == [
        "Выборы прошли 18 марта 2018 г. в г. Москве и др. городах.",
        "Миссию возглавил А. С. Петров, т.е. глава делегации.",
        "Нарушений не выявлено…",
        "Итог подведён!",
    ]


def test_questions_quotes_and_decimals():
    text = 'Was it fair? "Yes." Turnout was 67.5 per cent. «Да». Next'

    assert texts(text) == ["Was it fair?", '"Yes."', "Turnout was 67.5 per cent.", "«Да».", "Next"]


def test_a_lower_case_word_after_a_stop_continues_the_sentence():
    assert texts("Observers saw approx. ten stations. ok then. Fine.") == [
        "Observers saw approx. ten stations. ok then.",
        "Fine.",
    ]


def test_headings_paragraphs_and_bullets_are_separate_sentences():
    text = "Preliminary statement\n\nFirst finding\nwraps here.\n- a bullet\n- another bullet\n"

    assert texts(text) == [
        "Preliminary statement",
        "First finding wraps here.",
        "- a bullet",
        "- another bullet",
    ]


def test_spans_point_back_into_the_text():
    text = "  First one.   Second\n one!\n\nThird?  "

    for sentence in split_sentences(text):
        assert " ".join(text[sentence.start : sentence.end].split()) == sentence.text


@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=400))
def test_sentences_are_ordered_and_keep_every_visible_character(text):
    sentences = split_sentences(text)

    assert "".join("".join(s.text.split()) for s in sentences) == "".join(text.split())
    ends = [0]
    for sentence in sentences:
        assert sentence.start >= ends[-1]
        assert sentence.end > sentence.start
        ends.append(sentence.end)


@given(
    st.lists(
        st.sampled_from(
            [
                "Dr.",
                "т.е.",
                "г.",
                "No.",
                "J.",
                "etc.",
                "Voting",
                "Выборы",
                "ended.",
                "?",
                "!",
                "…",
                "\n",
                "\n\n",
                "- ",
                "59",
                "«",
                "»",
                '"',
                "e.g.",
                " ",
            ]
        ),
        max_size=60,
    )
)
def test_splitting_tricky_tokens_never_fails(tokens):
    text = " ".join(tokens)

    for sentence in split_sentences(text):
        assert sentence.text == sentence.text.strip()
        assert sentence.text


def test_text_without_stops_is_cut_into_bounded_pieces():
    text = "word " * 3000 + "x" * 5000

    sentences = split_sentences(text)

    assert all(len(sentence.text) <= MAX_SENTENCE_CHARS for sentence in sentences)
    assert "".join(s.text.replace(" ", "") for s in sentences) == text.replace(" ", "")


@pytest.mark.parametrize(
    "text",
    [
        'He said "the vote was free." The count was slow.',
        "He said “the vote was free.” The count was slow.",
        "He said ‘the vote was free.’ The count was slow.",
        "Он сказал: «Выборы прошли честно.» Подсчёт шёл медленно.",
        "Er sagte „die Wahl war frei.“ The count was slow.",
        "He said “the vote was free.”The count was slow.",
        "Он сказал: «Выборы прошли честно!»Подсчёт шёл медленно.",
    ],
    ids=["straight", "curly", "single", "guillemets", "low-high", "no-space", "no-space-ru"],
)
def test_a_quotation_that_closes_a_sentence_ends_it(text):
    first, second = texts(text)

    assert first[-1] in '"”’»“' and first[-2] in ".!"
    assert second.startswith(("The", "Подсчёт"))


QUOTES = [('"', '"'), ("“", "”"), ("‘", "’"), ("«", "»"), ("„", "“"), ("", "")]
WORDS = st.text(
    alphabet="abcdefghijklmnoprstuvwyzабвгдежзиклмнопрстуфхцчшщэюя", min_size=3, max_size=12
).filter(lambda word: word not in ABBREVIATIONS)


@st.composite
def quoted_sentences(draw):
    sentences = []
    for _ in range(draw(st.integers(1, 5))):
        words = draw(st.lists(WORDS, min_size=1, max_size=6))
        words[0] = words[0].capitalize()
        opening, closing = draw(st.sampled_from(QUOTES))
        stop = draw(st.sampled_from([".", "!", "?", "…"]))
        sentences.append(f"{opening}{' '.join(words)}{stop}{closing}")
    return sentences


@given(quoted_sentences(), st.sampled_from([" ", "  ", "\n", " \t"]))
def test_sentences_ending_in_quotations_are_split_where_they_end(sentences, gap):
    assert texts(gap.join(sentences)) == sentences
