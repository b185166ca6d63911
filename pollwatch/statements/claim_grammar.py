"""A small grammar of sweeping claims in observation statements (English, Russian, Turkish).

Missions phrase the same claim in endless ways ("we did not notice any
irregularity", «нарушений ... не поступало», "herhangi bir usulsüzlük
kulağımıza gelmedi"), so the check does not look for phrases. It tokenises a
sentence, gives each token a word class (by its stem: the classes are listed
below) and recognises the structures that make a sentence speak for the whole
election:

``negated_perception``
    a negated verb of perception or record with a problem in its scope: "have
    not recorded a single breach", «не выявили ни одного нарушения»,
    «жалоб ... не поступало», "ihlaline rastlamamıştır";
``absence``
    a negative quantifier or preposition over a problem: "no violations",
    "without significant violations", «без нарушений», "hiçbir usulsüzlük";
``materiality``
    a denial that something affected the result: "did not materially affect
    the conduct of the elections", «не повлияли на итоги голосования»;
``manner``
    the election, the vote or the process as subject, with a predicate of
    manner or evaluation: "the vote took place in a calm and orderly
    fashion", «выборы прошли свободно, открыто и прозрачно», "seçim süreci
    sorunsuz bir biçimde geçti";
``attributive``
    the same predicate as an attribute of the process, introduced by a verb
    that asserts it: "it was a very clean and well-run election", "PACE saw
    an orderly election day process";
``equal_conditions``
    equal conditions or opportunities granted: «кандидатам были обеспечены
    равные условия»;
``conformity``
    a predicate of conformity with norms as its object, however long the
    coordination: "was in line with the constitution, the electoral code and
    universally accepted democratic norms", «соответствовали Конституции,
    избирательному законодательству и международным стандартам»,
    "ulusal mevzuata ve uluslararası standartlara uygun".

A structure says nothing of whether it is asserted: denials, hedges and
recommendations are judged by :mod:`pollwatch.statements.claims`. The
grammar only excludes what belongs to the structure itself: an adjective
that modifies something other than the process ("democratic development",
«демократическим нормам»), an attribute in a purpose phrase ("the basis for
democratic elections", «к обеспечению открытых и честных выборов»), and a
mission's description of its own work ("the mission conducted its activities
in accordance with the laws").

Each matching rule looks at a bounded window of tokens, so a sentence is
processed in time linear in its length.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

_WORD = re.compile(r"\w+(?:[-'’]\w+)*|[^\w\s]", re.UNICODE)


@dataclass(frozen=True, slots=True)
class Token:
    """One word or punctuation mark, lower-cased, with its span in the sentence."""

    text: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Structure:
    """A claim structure found in a sentence.

    Attributes
    ----------
    kind : str
        The claim kind it makes (a :class:`~pollwatch.statements.claims.ClaimKind` value).
    structure : str
        Which rule found it (``negated_perception``, ``absence``, ``materiality``,
        ``manner``, ``attributive``, ``equal_conditions``, ``conformity``).
    start, end : int
        Span of the words that make the claim, in the sentence.
    anchor : int
        Where the asserted predicate starts; denials and hedges are looked for before it.
    """

    kind: str
    structure: str
    start: int
    end: int
    anchor: int


def tokenize(text: str) -> list[Token]:
    """Words (with inner hyphens and apostrophes) and punctuation marks, lower-cased."""
    return [
        Token(match.group(0).lower(), match.start(), match.end()) for match in _WORD.finditer(text)
    ]


def _words(*alternatives: str) -> re.Pattern[str]:
    return re.compile("(?:" + "|".join(alternatives) + ")", re.IGNORECASE)


# --- word classes --------------------------------------------------------------------------
# Each class is a pattern a whole token must match; stems carry Russian and
# Turkish inflection.

# What a claim about "the whole process" has as its subject.
PROCESS = _words(
    r"elections?",
    r"votes?",
    r"voting",
    r"ballots?",
    r"polls?",
    r"polling",
    r"process(?:es)?",
    r"counting",
    r"count",
    r"tabulation",
    r"tallying",
    r"referend(?:um|a)",
    r"plebiscite",
    r"campaign",
    r"exercise",
    r"atmosphere",
    r"climate",
    r"environment",
    r"procedures",
    r"opening",
    r"closing",
    r"выбор\w*",
    r"голосовани\w*",
    r"процесс\w*",
    r"подсч[её]т\w*",
    r"референдум\w*",
    r"плебисцит\w*",
    r"кампани\w*",
    r"агитаци\w*",
    r"обстановк\w*",
    r"атмосфер\w*",
    r"организаци\w*",
    r"мероприяти\w*",
    r"волеизъявлени\w*",
    r"seçim\w*",
    r"oylama\w*",
    r"süre[cç]\w*",
    r"sayım\w*",
    r"prosedür\w*",
    r"listelenme\w*",
)
# "polling stations", "election officials": the process word names a place or people.
NOT_PROCESS_HEAD = _words(
    r"stations?",
    r"units?",
    r"cent(?:re|er)s?",
    r"places?",
    r"agents?",
    r"staff",
    r"officials?",
    r"workers?",
    r"materials?",
    r"commissions?",
    r"administration",
    r"observ\w*",
    r"code",
    r"laws?",
    r"legislation",
    r"booths?",
    r"box(?:es)?",
    r"papers?",
    r"lists?",
    r"register",
    r"results?",
    r"purposes",
    r"комисси\w*",
    r"участк\w*",
    r"законодательств\w*",
    r"кодекс\w*",
)
PRONOUN_SUBJECT = _words(r"it", r"they", r"они", r"оно")
COPULA = _words(r"was", r"were", r"is", r"are", r"been", r"были?", r"было", r"была")

# Predicates of manner and evaluation, by the claim kind they make.
PROCEEDED = _words(
    r"calm(?:ly)?",
    r"peaceful(?:ly)?",
    r"orderly",
    r"smooth(?:ly)?",
    r"successful(?:ly)?",
    r"success",
    r"well",
    r"well-\w+",
    r"professional(?:ly)?",
    r"efficient(?:ly)?",
    r"quiet(?:ly)?",
    r"positive(?:ly)?",
    r"good",
    r"clean",
    r"respectful",
    r"commendable",
    r"\w+-free",
    r"спокойн\w*",
    r"мирн\w*",
    r"организованн?(?:о|ым|ыми|ой|ая|ые|ый)",
    r"упорядоченн\w*",
    r"гладк\w*",
    r"успешн\w*",
    r"штатн\w*",
    r"ч[её]тк\w*",
    r"слаженн\w*",
    r"профессиональн\w*",
    r"чист(?:о|ыми|ым|ые|ый)",
    r"sakin\w*",
    r"düzenli\w*",
    r"barışçıl\w*",
    r"huzurlu\w*",
    r"sorunsuz\w*",
    r"olaysız\w*",
    r"başarılı\w*",
    r"yolunda",
)
FREE_AND_FAIR = _words(
    r"free(?:ly)?",
    r"fair",
    r"democratic(?:ally)?",
    r"legitimate(?:ly)?",
    r"credible",
    r"competitive",
    r"open(?:ly)?",
    r"genuine",
    r"honest(?:ly)?",
    r"inclusive",
    r"свободн\w*",
    r"честн\w*",
    r"справедлив\w*",
    r"демократичн\w*",
    r"демократическ\w*",
    r"легитимн\w*",
    r"конкурентн\w*",
    r"открыт(?:ый|ая|ое|ые|ыми|ым|ой|ого|о|ы|а)",
    r"достоверн\w*",
    r"özgür\w*",
    r"adil",
    r"demokratik",
    r"meşru",
    r"rekabetçi",
)
TRANSPARENT = _words(r"transparent(?:ly)?", r"прозрачн(?!ост)\w*", r"транспарентн\w*", r"şeffaf")
# Nouns of a quality, which count inside "an atmosphere of openness and transparency".
QUALITY_NOUNS = {
    "free_and_fair": _words(r"openness", r"открытост\w*", r"гласност\w*", r"конкуренци\w*"),
    "transparent": _words(r"transparency", r"прозрачност\w*"),
}
PREDICATE_CLASSES = (
    ("proceeded_successfully", PROCEEDED),
    ("free_and_fair", FREE_AND_FAIR),
    ("transparent", TRANSPARENT),
)

# "in a calm manner", «в спокойной обстановке», "sorunsuz bir biçimde".
MANNER_NOUN = _words(
    r"manner",
    r"fashion",
    r"way",
    r"atmosphere",
    r"environment",
    r"conditions",
    r"обстановк\w*",
    r"атмосфер\w*",
    r"услови\w*",
    r"основе",
    r"biçimde",
    r"şekilde",
    r"ortamda",
)
ARTICLE = _words(r"a", r"an", r"the", r"bir")
# Words that may follow a predicative adjective (as opposed to the noun it modifies).
AFTER_PREDICATE = _words(
    r"and",
    r"or",
    r"but",
    r"in",
    r"with",
    r"within",
    r"despite",
    r"throughout",
    r"across",
    r"at",
    r"on",
    r"during",
    r"as",
    r"while",
    r"so",
    r"overall",
    r"since",
    r"until",
    r"under",
    r"amid",
    r"without",
    r"by",
    r"from",
    r"according",
    r"и",
    r"или",
    r"а",
    r"но",
    r"в",
    r"во",
    r"на",
    r"с",
    r"со",
    r"при",
    r"по",
    r"без",
    r"ve",
    r"olarak",
    r"nitele\w*",
    r"geç\w*",
    r"gerçekleş\w*",
    r"ol\w*",
    r"idi",
    r"değerlendir\w*",
    r"yapıl\w*",
)
# Verbs that assert an attribute: "it was a calm election", "saw an orderly process".
ASSERTS_ATTRIBUTE = _words(
    r"was",
    r"were",
    r"is",
    r"are",
    r"saw",
    r"see",
    r"witnessed",
    r"commend\w*",
    r"congratulat\w*",
    r"describ\w*",
    r"recogni[sz]\w*",
    r"termed",
    r"ensured",
    r"считает",
    r"был\w*",
    r"являл\w*",
    r"отмеча\w*",
    r"отметил\w*",
    r"признал\w*",
    r"назвал\w*",
    r"оценил\w*",
    r"это",
)
# An attribute in a purpose phrase states an aim, not a finding.
PURPOSE_BEFORE_ATTRIBUTE = _words(
    r"for",
    r"to",
    r"towards",
    r"of",
    r"для",
    r"к",
    r"обеспечени\w*",
    r"проведени\w*",
    r"için",
)

# Problems whose absence is claimed: violations of the law, and incidents
# that disturb the process ("without incident" says how it went).
VIOLATION = _words(
    r"violations?",
    r"irregularit(?:y|ies)",
    r"infringements?",
    r"breach(?:es)?",
    r"fraud",
    r"falsifications?",
    r"complaints?",
    r"interference",
    r"intervention",
    r"intimidation",
    r"нарушени\w*",
    r"фальсификаци\w*",
    r"вброс\w*",
    r"жалоб\w*",
    r"замечани\w*",
    r"факт(?:ов|ы)",
    r"discrepanc(?:y|ies)",
    r"расхождени\w*",
    r"ihlal\w*",
    r"usulsüzlü\w*",
    r"müdahale\w*",
    r"şikayet\w*",
)
INCIDENT = _words(
    r"incidents?",
    r"problems?",
    r"issues?",
    r"glitches",
    r"hitches",
    r"disruptions?",
    r"инцидент\w*",
    r"эксцесс\w*",
    r"проблем\w*",
    r"происшестви\w*",
    r"сбо(?:ев|и|я)",
    r"sorun\w*",
    r"olumsuzluk\w*",
    r"olay\w*",
)
PROBLEM = re.compile(f"(?:{VIOLATION.pattern}|{INCIDENT.pattern})", re.IGNORECASE)


def _problem_kind(token: Token) -> str:
    return "proceeded_successfully" if _is(INCIDENT, token) else "no_violations"


NEGATION = _words(r"not", r"\w*n[’']t", r"cannot", r"never", r"не", r"ни")
# Negative quantifiers and prepositions: "no violations", «без нарушений».
ABSENCE = _words(
    r"no",
    r"none",
    r"nothing",
    r"without",
    r"absence",
    r"без",
    r"никаких",
    r"ни",
    r"отсутств\w*",
    r"hiçbir",
    r"herhangi",
)
PERCEPTION = _words(
    r"record\w*",
    r"notic\w*",
    r"see",
    r"saw",
    r"seen",
    r"observ\w*",
    r"find",
    r"found",
    r"detect\w*",
    r"register\w*",
    r"identif\w*",
    r"reveal\w*",
    r"witness\w*",
    r"receiv\w*",
    r"note[ds]?",
    r"encounter\w*",
    r"report\w*",
    r"establish\w*",
    r"hear",
    r"heard",
    r"выяв\w*",
    r"зафиксир\w*",
    r"обнаруж\w*",
    r"отмеч\w*",
    r"замеч\w*",
    r"замет\w*",
    r"увид\w*",
    r"видел\w*",
    r"установ\w*",
    r"зарегистр\w*",
    r"поступ\w*",
    r"наблюдал\w*",
)
# «не было выявлено»: the auxiliary between the negation and the verb.
AUXILIARY = _words(
    r"have",
    r"has",
    r"had",
    r"did",
    r"do",
    r"does",
    r"were",
    r"was",
    r"been",
    r"be",
    r"could",
    r"a",
    r"any",
    r"single",
    r"было",
    r"были",
    r"был",
    r"была",
    r"bir",
)
# «не было нарушений», «нарушений не было»: existence denied.
EXISTENCE = _words(r"было", r"имелось", r"отмечено", r"выявлено", r"зафиксировано")
# Turkish negates the verb with a suffix: rastlamamıştır, edilmemiştir, gelmedi, yok.
TURKISH_NEGATED_VERB = re.compile(
    r"\w+(?:ma|me)(?:mış|miş|dı|di|dık|dik|yan|yen|sa|se|z)\w*|yok|değil", re.IGNORECASE
)
# Turkish says what will happen with a suffix too: geçeceğini (that it will pass),
# karşılaşılmayacağını (that none will be met). A prediction is not a finding.
TURKISH_FUTURE_VERB = re.compile(r"\w+(?:acak|ecek|acağ|eceğ)\w*", re.IGNORECASE)
# ... and what should happen with a verbal noun and a verb of wishing or advice:
# "yapılmasını tavsiye etmektedir", "olmasını diledi", "yapılması gerekir".
TURKISH_VERBAL_NOUN = re.compile(r"\w+(?:ma|me)(?:sı|si)(?:nı|ni|na|ne)?", re.IGNORECASE)
TURKISH_WISH = ("tavsiye", "öner", "rica", "bekle", "dile", "temenni", "iste", "gerek", "çağır")
AFFECT = _words(
    r"affect\w*",
    r"influenc\w*",
    r"impact\w*",
    r"undermin\w*",
    r"compromis\w*",
    r"distract\w*",
    r"повлия\w*",
    r"влиян\w*",
    r"сомнени\w*",
    r"etkile\w*",
)
OUTCOME = _words(
    r"outcome",
    r"results?",
    r"will",
    r"integrity",
    r"conduct",
    r"credib\w*",
    r"legitimacy",
    r"итог\w*",
    r"результат\w*",
    r"волеизъявлени\w*",
    r"легитимност\w*",
    r"sonuç\w*",
)
EQUAL = _words(r"equal", r"равн\w*", r"eşit")
CONDITIONS = _words(
    r"opportunit\w*",
    r"conditions",
    r"access",
    r"terms",
    r"услови\w*",
    r"возможност\w*",
    r"imkan\w*",
    r"koşul\w*",
    r"şart\w*",
    r"temel\w*",
)

# "all the necessary conditions", «всеми необходимыми условиями», "gerekli şartlar".
EVERY_NECESSARY = _words(r"necessary", r"необходим\w*", r"gerekli", r"bütün", r"tüm")
PROVISIONS = _words(
    r"conditions",
    r"measures",
    r"preparations",
    r"arrangements",
    r"услови\w*",
    r"мер[ыа]?",
    r"мерами",
    r"şart\w*",
    r"koşul\w*",
    r"hazırlık\w*",
    r"tedbir\w*",
    r"önlem\w*",
)

# Conformity: the predicate, and the norms that can be its object.
CONFORMITY_SINGLE = _words(
    r"conform\w*",
    r"compl(?:y|ied|ies|iance|iant)",
    r"consistent",
    r"met",
    r"meets?",
    r"adher\w*",
    r"соответств\w*",
    r"соответстви\w*",
    r"отвечал\w*",
    r"отвечают",
    r"отвечает",
    r"соблюд\w*",
    r"uygun\w*",
    r"riayet",
)
# Two-word predicates "in line", "in accordance", "in keeping".
CONFORMITY_AFTER_IN = _words(r"line", r"accordance", r"keeping", r"conformity", r"compliance")
# "freedoms were respected", «процедуры соблюдались»: the norm as passive subject.
RESPECTED = _words(r"respected", r"upheld", r"observed", r"followed", r"соблюдал\w*")
NORM = _words(
    r"standards?",
    r"norms?",
    r"commitments?",
    r"obligations?",
    r"principles?",
    r"requirements?",
    r"laws?",
    r"legislation",
    r"constitution",
    r"code",
    r"framework",
    r"freedoms",
    r"rights",
    r"procedures",
    r"стандарт\w*",
    r"норм\w*",
    r"обязательств\w*",
    r"принцип\w*",
    r"требовани\w*",
    r"законодательств\w*",
    r"закон\w*",
    r"конституци\w*",
    r"кодекс\w*",
    r"процедур\w*",
    r"mevzuat\w*",
    r"standart\w*",
    r"kanun\w*",
    r"yasa\w*",
    r"usul\w*",
    r"norm\w*",
    r"prosedür\w*",
)
# A mission describing its own work: "conducted its activities in accordance
# with", «действовала ..., руководствуясь законодательством», "faaliyetlerini".
OWN_WORK = _words(
    r"activities",
    r"mandate",
    r"duties",
    r"руководству\w*",
    r"действовал\w*",
    r"соблюдая",
    r"уважая",
    r"faaliyet\w*",
    r"görev\w*",
)
MISSION = _words(
    r"mission",
    r"missions",
    r"delegation",
    r"observers?",
    r"group",
    r"we",
    r"our",
    r"миссия",
    r"миссии",
    r"делегаци\w*",
    r"misyon\w*",
    r"heyet\w*",
)
# Segments end at these: a claim and its scope are read within one segment.
SEGMENT_BREAK = _words(
    r";",
    r":",
    r"but",
    r"however",
    r"while",
    r"whereas",
    r"although",
    r"но",
    r"однако",
    r"хотя",
    r"ancak",
    r"fakat",
    r"ama",
)
_TURKISH_LETTERS = re.compile(r"[çğışöüÇĞİŞÖÜ]")

# How far (in tokens) the parts of a structure may lie apart.
SUBJECT_WINDOW = 20
PERCEPTION_WINDOW = 4
PROBLEM_WINDOW = 8
RUSSIAN_GENITIVE_WINDOW = 25
NORM_WINDOW = 25


def _is(pattern: re.Pattern[str], token: Token) -> bool:
    return pattern.fullmatch(token.text) is not None


def segments(tokens: list[Token]) -> list[tuple[int, int]]:
    """Token ranges ``[start, end)`` between contrastive conjunctions and semicolons."""
    bounds: list[tuple[int, int]] = []
    start = 0
    for index, token in enumerate(tokens):
        if _is(SEGMENT_BREAK, token):
            if index > start:
                bounds.append((start, index))
            start = index + 1
    if start < len(tokens):
        bounds.append((start, len(tokens)))
    return bounds


def segment_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of the segments of ``text`` (see :func:`segments`)."""
    tokens = tokenize(text)
    return [(tokens[start].start, tokens[end - 1].end) for start, end in segments(tokens)]


def looks_turkish(text: str) -> bool:
    """Whether ``text`` reads as Turkish rather than English (see :func:`_looks_turkish`)."""
    return _looks_turkish(tokenize(text))


def _looks_turkish(tokens: list[Token]) -> bool:
    """Turkish letters in several words: "Türkiye" alone does not make English Turkish."""
    marked = sum(1 for token in tokens if _TURKISH_LETTERS.search(token.text))
    return marked >= max(2, len(tokens) // 10)


def find_structures(text: str) -> list[Structure]:
    """Every claim structure in one sentence, in order of the rules above."""
    tokens = tokenize(text)
    turkish = _looks_turkish(tokens)
    found: list[Structure] = []
    for start, end in segments(tokens):
        found.extend(_segment_structures(tokens, start, end, turkish))
    return found


def _segment_structures(
    tokens: list[Token], start: int, end: int, turkish: bool
) -> Iterator[Structure]:
    yield from _negated_perception(tokens, start, end, turkish)
    yield from _absence(tokens, start, end, turkish)
    yield from _materiality(tokens, start, end)
    yield from _predicates(tokens, start, end, turkish)
    yield from _equal_conditions(tokens, start, end, turkish)
    yield from _provision(tokens, start, end, turkish)
    yield from _conformity(tokens, start, end)


def _span(tokens: list[Token], first: int, last: int, kind: str, structure: str) -> Structure:
    return Structure(kind, structure, tokens[first].start, tokens[last].end, tokens[first].start)


def _first_in(tokens: list[Token], pattern: re.Pattern[str], start: int, end: int) -> int | None:
    return next((i for i in range(start, end) if _is(pattern, tokens[i])), None)


# --- negated perception and absence ---------------------------------------------------------


def _negated_perception(
    tokens: list[Token], start: int, end: int, turkish: bool
) -> Iterator[Structure]:
    for index in range(start, end):
        token = tokens[index]
        if _is(NEGATION, token) and not _unable_before(tokens, index, start):
            verb = _perception_after_negation(tokens, index + 1, end)
            if verb is None:
                continue
            problem = _first_in(tokens, PROBLEM, verb + 1, min(end, verb + 1 + PROBLEM_WINDOW))
            if problem is not None:
                kind = _problem_kind(tokens[problem])
                yield _span(tokens, index, problem, kind, "negated_perception")
                return
            # «нарушений ... не выявлено»: the problem stands before, in the genitive.
            earlier = _last_problem_before(
                tokens, max(start, index - RUSSIAN_GENITIVE_WINDOW), index
            )
            if earlier is not None and _is_cyrillic(tokens[earlier]):
                kind = _problem_kind(tokens[earlier])
                yield _span(tokens, earlier, verb, kind, "negated_perception")
                return
        elif _is(PROBLEM, token) and not _is_cyrillic(token):
            negated = _passive_denial(tokens, index + 1, end)
            if negated is None and turkish:
                negated = _turkish_negated_verb_after(tokens, index + 1, end)
            if negated is not None:
                kind = _problem_kind(token)
                yield _span(tokens, index, negated, kind, "negated_perception")
                return


def _unable_before(tokens: list[Token], index: int, start: int) -> bool:
    """ "could not record": an inability, not a finding."""
    return (
        index > start
        and tokens[index - 1].text in {"could", "can", "were", "was"}
        and (
            index + 1 < len(tokens)
            and tokens[index + 1].text in {"record", "see", "observe", "find"}
        )
    )


def _perception_after_negation(tokens: list[Token], start: int, end: int) -> int | None:
    for index in range(start, min(end, start + PERCEPTION_WINDOW)):
        token = tokens[index]
        if _is(PERCEPTION, token):
            return index
        if not (_is(AUXILIARY, token) or _is(EXISTENCE, token) or token.text.endswith("ly")):
            return None
    return None


def _last_problem_before(tokens: list[Token], start: int, end: int) -> int | None:
    return next((i for i in range(end - 1, start - 1, -1) if _is(PROBLEM, tokens[i])), None)


def _passive_denial(tokens: list[Token], start: int, end: int) -> int | None:
    """ "The violations were not recorded": copula, negation, perception verb."""
    window = tokens[start : min(end, start + PERCEPTION_WINDOW + 2)]
    for offset, token in enumerate(window[:-1]):
        if _is(NEGATION, token) and _is(PERCEPTION, window[offset + 1]):
            return start + offset + 1
    return None


def _turkish_negated_verb_after(tokens: list[Token], start: int, end: int) -> int | None:
    for index in range(start, min(end, start + PERCEPTION_WINDOW)):
        text = tokens[index].text
        if not text.isalpha():
            return None
        if TURKISH_NEGATED_VERB.fullmatch(text) and len(text) > 4 or text in {"yok", "değil"}:
            return index
    return None


def _turkish_prediction_after(tokens: list[Token], start: int, end: int) -> bool:
    """A future verb closes the clause ("demokratik bir ortamda geçeceğini söyledi"), or a
    verbal noun with a verb of wishing or advice ("yapılmasını tavsiye etmektedir")."""
    for index in range(start, min(end, start + PERCEPTION_WINDOW)):
        text = tokens[index].text
        if not text.isalpha():
            return False
        if TURKISH_FUTURE_VERB.fullmatch(text):
            return True
        if (
            TURKISH_VERBAL_NOUN.fullmatch(text)
            and index + 1 < end
            and tokens[index + 1].text.startswith(TURKISH_WISH)
        ):
            return True
    return False


def _is_cyrillic(token: Token) -> bool:
    return any("а" <= char <= "я" or char == "ё" for char in token.text)


def _absence(tokens: list[Token], start: int, end: int, turkish: bool) -> Iterator[Structure]:
    for index in range(start, end):
        token = tokens[index]
        if (
            _is(ABSENCE, token)
            or _free_of_or_lack_of(tokens, index, end)
            or _negated_quantifier(tokens, index, end)
        ):
            problem = _first_in(tokens, PROBLEM, index + 1, min(end, index + 4))
            if (
                problem is not None
                and turkish
                and _turkish_prediction_after(tokens, problem + 1, end)
            ):
                continue
            if problem is not None and not _is(AFFECT, tokens[index + 1]):
                yield _span(tokens, index, problem, _problem_kind(tokens[problem]), "absence")
                return
        elif _is(EXISTENCE, token) and index > start and _is(NEGATION, tokens[index - 1]):
            # «не было нарушений» and «нарушений не было»
            after = _first_in(tokens, PROBLEM, index + 1, min(end, index + 3))
            if after is not None:
                yield _span(tokens, index - 1, after, _problem_kind(tokens[after]), "absence")
                return
            before = _last_problem_before(tokens, max(start, index - 4), index - 1)
            if before is not None:
                yield _span(tokens, before, index, _problem_kind(tokens[before]), "absence")
                return


def _negated_quantifier(tokens: list[Token], index: int, end: int) -> bool:
    """ "not a single violation", "not one irregularity"."""
    return (
        _is(NEGATION, tokens[index])
        and index + 1 < end
        and tokens[index + 1].text in {"a", "one", "any", "single"}
    )


def _free_of_or_lack_of(tokens: list[Token], index: int, end: int) -> bool:
    """ "free from fraud", "lack of irregularities"."""
    return (
        tokens[index].text in {"free", "lack"}
        and index + 1 < end
        and tokens[index + 1].text in {"from", "of"}
    )


def _materiality(tokens: list[Token], start: int, end: int) -> Iterator[Structure]:
    for index in range(start, end):
        if not _is(AFFECT, tokens[index]):
            continue
        denial = next(
            (
                i
                for i in range(index - 1, max(start, index - PROBLEM_WINDOW) - 1, -1)
                if _is(NEGATION, tokens[i]) or tokens[i].text in {"none", "nothing", "nor"}
            ),
            None,
        )
        outcome = _first_in(tokens, OUTCOME, index + 1, min(end, index + 1 + PROBLEM_WINDOW))
        if denial is not None and outcome is not None:
            yield _span(tokens, denial, outcome, "free_and_fair", "materiality")
            return


# --- manner and evaluation -----------------------------------------------------------------


def _predicate_kind(token: Token) -> str | None:
    return next((kind for kind, pattern in PREDICATE_CLASSES if _is(pattern, token)), None)


def _is_process(tokens: list[Token], index: int, end: int) -> bool:
    if not _is(PROCESS, tokens[index]):
        return False
    following = index + 1
    return following >= end or not _is(NOT_PROCESS_HEAD, tokens[following])


def _predicates(tokens: list[Token], start: int, end: int, turkish: bool) -> Iterator[Structure]:
    reported: set[str] = set()
    subject: int | None = None
    index = start
    while index < end:
        if _is_process(tokens, index, end) or _pronoun_subject(tokens, index, end):
            subject = index
        if _run_kind(tokens, index, start) is None:
            index += 1
            continue
        first, last, kinds = _coordination(tokens, index, start, end)
        index = last + 1
        if turkish and (
            _turkish_negated_verb_after(tokens, last + 1, end) is not None
            or _turkish_prediction_after(tokens, last + 1, end)
        ):
            continue
        role = _role(tokens, first, last, end)
        has_subject = subject is not None and first - subject <= SUBJECT_WINDOW
        if role == "predicative" and has_subject:
            structure = "manner"
        elif role in {"attributive", "of_manner"} and _attribute_asserted(tokens, first, start):
            # "noted the calm atmosphere in which voting took place"
            structure = "attributive"
        else:
            continue
        for kind in kinds:
            if kind not in reported:
                reported.add(kind)
                yield _span(tokens, first, last, kind, structure)


def _run_kind(tokens: list[Token], index: int, start: int) -> str | None:
    token = tokens[index]
    if token.text == "well" and index > start and tokens[index - 1].text == "as":
        return None  # "as well as"
    return _predicate_kind(token) or _quality_in_atmosphere(tokens, index, start)


# Inside a coordination of predicates: "peaceful, calm and orderly",
# "a “peaceful, transparent, credible and inclusive” poll".
_COORDINATION_GLUE = frozenset(
    {",", "and", "и", "ve", "or", "или", "“", "”", "«", "»", '"', "‘", "’"}
)
_INTENSIFIERS = _words(
    r"very",
    r"highly",
    r"largely",
    r"generally",
    r"mostly",
    r"fully",
    r"absolutely",
    r"extremely",
    r"полностью",
    r"предельно",
    r"абсолютно",
    r"вполне",
    r"весьма",
    r"genel\w*",
    r"oldukça",
    r"son",
    r"derece",
)


def _coordination(
    tokens: list[Token], index: int, start: int, end: int
) -> tuple[int, int, list[str]]:
    """The run of coordinated predicates around ``index``: first, last and their kinds."""
    kinds: list[str] = []
    first = last = index
    position = index
    while position < end:
        kind = _run_kind(tokens, position, start)
        if kind is not None:
            if kind not in kinds:
                kinds.append(kind)
            last = position
        elif not (
            tokens[position].text in _COORDINATION_GLUE or _is(_INTENSIFIERS, tokens[position])
        ):
            break
        position += 1
    return first, last, kinds


def _pronoun_subject(tokens: list[Token], index: int, end: int) -> bool:
    return (
        _is(PRONOUN_SUBJECT, tokens[index]) and index + 1 < end and _is(COPULA, tokens[index + 1])
    )


def _quality_in_atmosphere(tokens: list[Token], index: int, start: int) -> str | None:
    """«в атмосфере открытости и прозрачности», "in an atmosphere of openness"."""
    for kind, pattern in QUALITY_NOUNS.items():
        if _is(pattern, tokens[index]):
            window = tokens[max(start, index - 4) : index]
            if any(_is(MANNER_NOUN, token) for token in window):
                return kind
    return None


def _role(tokens: list[Token], first: int, last: int, end: int) -> str:
    """``predicative``, ``attributive`` (to the process) or ``other`` (to another noun).

    The run ``first..last`` is predicative when it modifies a noun of manner
    ("in a calm manner"), when its head is an adverb, or when what follows it
    cannot be the noun it modifies (punctuation, a conjunction, a preposition).
    """
    following = last + 1
    while following < end and (
        _is(ARTICLE, tokens[following]) or tokens[following].text in _COORDINATION_GLUE
    ):
        following += 1
    if following < end and _is(MANNER_NOUN, tokens[following]):
        adverbial = tokens[following].text not in _MANNER_AS_OBJECT or _after_preposition(
            tokens, first
        )
        return "predicative" if adverbial else "of_manner"
    if following < end and _is_process(tokens, following, end):
        return "attributive"
    head = tokens[last].text
    if head.endswith(("ly", "о")) or head in {"well", "yolunda"}:
        return "predicative"
    nxt = last + 1
    if nxt >= end or not tokens[nxt].text[0].isalnum() or _is(AFTER_PREDICATE, tokens[nxt]):
        return "predicative"
    return "other"


# Manner nouns in a form that can be a subject or an object ("noted the calm
# atmosphere", «отметили спокойную атмосферу»); other forms are adverbial
# («в спокойной обстановке», "sakin bir ortamda").
_MANNER_AS_OBJECT = frozenset(
    {"atmosphere", "environment", "conditions", "атмосферу", "обстановку", "условия"}
)


def _after_preposition(tokens: list[Token], first: int) -> bool:
    """ "in a calm manner", «в спокойной обстановке»: a manner adverbial."""
    before = [
        i
        for i in range(max(0, first - 4), first)
        if not (_is(ARTICLE, tokens[i]) or _is(_INTENSIFIERS, tokens[i]))
    ]
    return bool(before) and tokens[before[-1]].text in {"in", "в", "во", "with", "при", "on"}


def _attribute_asserted(tokens: list[Token], first: int, start: int) -> bool:
    before = [
        i
        for i in range(max(start, first - 4), first)
        if not (_is(ARTICLE, tokens[i]) or tokens[i].text in _COORDINATION_GLUE)
    ]
    # "for democratic elections", "to conduct peaceful elections"
    if before and _is(PURPOSE_BEFORE_ATTRIBUTE, tokens[before[-1]]):
        return False
    if len(before) >= 2 and tokens[before[-2]].text == "to":
        return False
    return any(_is(ASSERTS_ATTRIBUTE, tokens[i]) for i in range(start, first))


def _equal_conditions(
    tokens: list[Token], start: int, end: int, turkish: bool
) -> Iterator[Structure]:
    for index in range(start, end):
        if _is(EQUAL, tokens[index]):
            conditions = _first_in(tokens, CONDITIONS, index + 1, min(end, index + 4))
            if conditions is not None and not (
                turkish
                and (
                    _turkish_negated_verb_after(tokens, conditions + 1, end) is not None
                    or _negated_between(tokens, index + 1, conditions)
                )
            ):
                yield _span(tokens, index, conditions, "free_and_fair", "equal_conditions")
                return


def _negated_between(tokens: list[Token], first: int, last: int) -> bool:
    """ "eşit olmayan şartlarda": the negated participle between adjective and noun."""
    return any(TURKISH_NEGATED_VERB.fullmatch(tokens[i].text) for i in range(first, last))


def _provision(tokens: list[Token], start: int, end: int, turkish: bool) -> Iterator[Structure]:
    """ "All necessary measures were taken", «обеспечены всеми необходимыми условиями»."""
    for index in range(start, end):
        if _is(EVERY_NECESSARY, tokens[index]):
            provided = _first_in(tokens, PROVISIONS, index + 1, min(end, index + 5))
            if provided is not None and not (
                turkish and _turkish_negated_verb_after(tokens, provided + 1, end) is not None
            ):
                yield _span(tokens, index, provided, "free_and_fair", "provision")
                return
        if turkish and tokens[index].text.startswith("irade"):
            ensured = _voters_will_ensured(tokens, index + 1, end)
            if ensured is not None:
                yield _span(tokens, index, ensured, "free_and_fair", "provision")
                return


# "vatandaşlarının iradesinin seçimde tam şekilde temin edildiği": the voters'
# will ensured or reflected.
_ENSURED = ("temin", "sağlan", "yansı")


def _voters_will_ensured(tokens: list[Token], start: int, end: int) -> int | None:
    for index in range(start, min(end, start + 5)):
        if tokens[index].text.startswith(_ENSURED):
            negated = _turkish_negated_verb_after(tokens, index + 1, min(end, index + 2))
            denied = TURKISH_NEGATED_VERB.fullmatch(tokens[index].text) is not None
            return None if negated is not None or denied else index
    return None


# --- conformity ----------------------------------------------------------------------------


def _conformity(tokens: list[Token], start: int, end: int) -> Iterator[Structure]:
    for index in range(start, end):
        predicate_end = _conformity_predicate(tokens, index, end)
        if predicate_end is not None:
            norm = _first_in(tokens, NORM, predicate_end, min(end, predicate_end + NORM_WINDOW))
            if norm is not None and not _own_work(tokens, start, index):
                yield _span(tokens, index, norm, "international_standards", "conformity")
                return
        if _is(NORM, tokens[index]):
            # The norm before its predicate: "freedoms were respected",
            # "usule uygun", "prosedürlerine ... riayet edilmiş".
            after = next(
                (
                    i
                    for i in range(index + 1, min(end, index + 5))
                    if _is(RESPECTED, tokens[i]) or tokens[i].text.startswith(("uygun", "riayet"))
                ),
                None,
            )
            if (
                after is not None
                and not _own_work(tokens, start, index)
                and not _denied_right_after(tokens, after, end)
            ):
                structure = _span(tokens, index, after, "international_standards", "conformity")
                yield Structure(
                    structure.kind,
                    structure.structure,
                    structure.start,
                    structure.end,
                    tokens[after].start,
                )
                return


def _denied_right_after(tokens: list[Token], index: int, end: int) -> bool:
    """ "standartlara uygun olmadığı", "uygun değildi": the conformity itself denied."""
    following = index + 1
    return following < end and (
        tokens[following].text.startswith("değil")
        or TURKISH_NEGATED_VERB.fullmatch(tokens[following].text) is not None
    )


def _conformity_predicate(tokens: list[Token], index: int, end: int) -> int | None:
    """Index after the conformity predicate starting at ``index``, if one starts there."""
    token = tokens[index]
    if token.text == "in" and index + 1 < end and _is(CONFORMITY_AFTER_IN, tokens[index + 1]):
        return index + 2
    if token.text == "в" and index + 1 < end and tokens[index + 1].text.startswith("соответстви"):
        return index + 2
    if _is(CONFORMITY_SINGLE, token):
        return index + 1
    return None


def _own_work(tokens: list[Token], start: int, index: int) -> bool:
    window = tokens[start:index]
    if any(_is(OWN_WORK, token) for token in window):
        return True
    # "the observation mission was in line with the African Charter"
    recent = tokens[max(start, index - 6) : index]
    mission = next((i for i, token in enumerate(recent) if _is(MISSION, token)), None)
    if mission is None:
        return False
    return not any(_is(PROCESS, token) for token in recent[mission + 1 :])
