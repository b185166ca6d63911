"""The international mission's briefing: two required modules that most observers completed.

The code of conduct comes with a four-question test; the election-day
procedures are required reading. Every observer in a team passed, most at
once, some at a second try; a few reserve observers, in no team yet, have not
finished, so they are not certified, not accredited and could get no device
token. The mission's staff passed too. The demo logins go to the first members
of each role, all certified.
Each member worked through it on one day of the week before the first round's
voting day: a retake came a few hours after the failed try, and certification
with the step that completed the briefing.
This runs after every other step that adds members, so that none is left out.
"""

from __future__ import annotations

import datetime
import zoneinfo
from typing import Any

import numpy as np

from pollwatch.accounts.certification import is_certified
from pollwatch.briefing.models import BriefingModule, ModuleReading, QuizAttempt
from pollwatch.briefing.quiz_files import QuizUpload
from pollwatch.briefing.services import create_module, mark_read, set_quiz, take_quiz
from pollwatch.missions.models import Member, Mission
from pollwatch.registry.models import Election

NOT_FINISHED = 4
FAIL_FIRST_SHARE = 0.3
# The briefing week: the days before the first round's voting day, in working hours.
BRIEFING_DAYS = 7
SESSION_HOURS = (9.0, 17.0)
# Minutes between reading one module and the next step; hours before a retake.
MINUTES_PER_STEP = (20.0, 60.0)
HOURS_BEFORE_RETAKE = (1.0, 5.0)

CONDUCT_TITLE = {
    "en": "Code of conduct and the secrecy of the vote",
    "ru": "Кодекс поведения и тайна голосования",
    "tr": "Davranış kuralları ve oyun gizliliği",
}
CONDUCT_TEXT = {
    "en": (
        "Observers are impartial: they show no preference for any party or candidate, "
        "wear no party colours and make no public comment on the election.\n\n"
        "Observers watch and record; they never give instructions to election officials, "
        "never touch ballots and never interfere with voting or counting. Concerns are "
        "raised with the chair of the commission and written down in the report.\n\n"
        "The secrecy of the vote is absolute: an observer never looks at a marked ballot "
        "and never asks a voter how they voted."
    ),
    "ru": (
        "Наблюдатели беспристрастны: они не выказывают предпочтения ни одной партии или "
        "кандидату, не носят партийной символики и не комментируют выборы публично.\n\n"
        "Наблюдатели наблюдают и записывают; они никогда не дают указаний членам комиссии, "
        "не трогают бюллетени и не вмешиваются в голосование и подсчёт. О нарушениях "
        "сообщают председателю комиссии и записывают их в отчёт.\n\n"
        "Тайна голосования абсолютна: наблюдатель никогда не смотрит на заполненный "
        "бюллетень и не спрашивает избирателя, как тот проголосовал."
    ),
    "tr": (
        "Gözlemciler tarafsızdır: hiçbir partiye veya adaya yakınlık göstermez, parti "
        "renkleri taşımaz ve seçim hakkında kamuya açık yorum yapmazlar.\n\n"
        "Gözlemciler izler ve kaydeder; seçim görevlilerine asla talimat vermez, oy "
        "pusulalarına dokunmaz, oylamaya veya sayıma karışmazlar. Sorunlar sandık kurulu "
        "başkanına iletilir ve rapora yazılır.\n\n"
        "Oy gizliliği mutlaktır: gözlemci işaretlenmiş bir oy pusulasına asla bakmaz ve "
        "bir seçmene nasıl oy verdiğini sormaz."
    ),
}
PROCEDURES_TITLE = {
    "en": "Election day: opening, voting and counting",
    "ru": "День выборов: открытие, голосование и подсчёт",
    "tr": "Seçim günü: açılış, oylama ve sayım",
}
PROCEDURES_TEXT = {
    "en": (
        "Arrive at your first station before it opens and fill in the opening checklist: "
        "the ballot boxes are shown empty and sealed, the materials counted.\n\n"
        "During voting visit the stations of your route and fill in the voting checklist "
        "at each. Report a critical incident at once from the phone.\n\n"
        "Stay for the whole count at your last station and copy the results protocol."
    ),
    "ru": (
        "Прибудьте на первый участок до открытия и заполните анкету открытия: урны "
        "показаны пустыми и опечатаны, материалы пересчитаны.\n\n"
        "Во время голосования посетите участки своего маршрута и заполните анкету "
        "голосования на каждом. О критическом инциденте сообщайте сразу с телефона.\n\n"
        "Оставайтесь на последнем участке до конца подсчёта и перепишите протокол."
    ),
    "tr": (
        "İlk sandık yerine açılıştan önce varın ve açılış formunu doldurun: sandıklar boş "
        "gösterilip mühürlenir, malzemeler sayılır.\n\n"
        "Oylama sırasında güzergahınızdaki sandık yerlerini ziyaret edin ve her birinde "
        "oylama formunu doldurun. Kritik bir olayı hemen telefondan bildirin.\n\n"
        "Son sandık yerinde sayımın sonuna kadar kalın ve sonuç tutanağını kopyalayın."
    ),
}


def _label(en: str, ru: str, tr: str) -> dict[str, str]:
    return {"en": en, "ru": ru, "tr": tr}


CONDUCT_TEST: dict[str, Any] = {
    "format": 1,
    "code": "briefing_code_of_conduct",
    "phase": "long_term",
    "title": CONDUCT_TITLE,
    "languages": ["en", "ru", "tr"],
    "choice_lists": {
        "concern": [
            {
                "code": "tell_voters",
                "label": _label("Tell the voters", "Сказать избирателям", "Seçmenlere söylemek"),
            },
            {
                "code": "chair",
                "label": _label(
                    "Raise it with the chair and report it",
                    "Сообщить председателю и в отчёте",
                    "Başkana iletmek ve rapor etmek",
                ),
            },
            {
                "code": "stop_voting",
                "label": _label("Stop the voting", "Остановить голосование", "Oylamayı durdurmak"),
            },
        ],
        "conduct": [
            {
                "code": "record",
                "label": _label(
                    "Record what they see", "Записывать увиденное", "Gördüklerini kaydetmek"
                ),
            },
            {
                "code": "instruct",
                "label": _label(
                    "Instruct officials", "Давать указания комиссии", "Görevlilere talimat vermek"
                ),
            },
            {
                "code": "impartial",
                "label": _label("Stay impartial", "Оставаться беспристрастными", "Tarafsız kalmak"),
            },
            {
                "code": "comment",
                "label": _label(
                    "Comment to the press", "Комментировать прессе", "Basına yorum yapmak"
                ),
            },
        ],
    },
    "sections": [
        {
            "code": "conduct",
            "title": CONDUCT_TITLE,
            "questions": [
                {
                    "code": "touch_ballots",
                    "type": "yes_no",
                    "label": _label(
                        "May an observer touch the ballots?",
                        "Может ли наблюдатель трогать бюллетени?",
                        "Gözlemci oy pusulalarına dokunabilir mi?",
                    ),
                },
                {
                    "code": "concern",
                    "type": "single_choice",
                    "choices": "concern",
                    "label": _label(
                        "You see a breach of procedure. What do you do?",
                        "Вы видите нарушение процедуры. Что вы делаете?",
                        "Bir usulsüzlük görüyorsunuz. Ne yaparsınız?",
                    ),
                },
                {
                    "code": "conduct",
                    "type": "multiple_choice",
                    "choices": "conduct",
                    "label": _label(
                        "What do observers do? (tick all that apply)",
                        "Что делают наблюдатели? (отметьте всё верное)",
                        "Gözlemciler ne yapar? (uygun olanların hepsini işaretleyin)",
                    ),
                },
                {
                    "code": "ask_vote",
                    "type": "yes_no",
                    "label": _label(
                        "May an observer ask a voter how they voted?",
                        "Может ли наблюдатель спросить избирателя, как тот проголосовал?",
                        "Gözlemci bir seçmene nasıl oy verdiğini sorabilir mi?",
                    ),
                },
            ],
        }
    ],
}
CONDUCT_ANSWERS: dict[str, Any] = {
    "touch_ballots": "no",
    "concern": "chair",
    "conduct": ["record", "impartial"],
    "ask_vote": "no",
}
# A first try that misses two of four: below the pass mark of 75%.
FIRST_TRY_MISSED = CONDUCT_ANSWERS | {"concern": "stop_voting", "conduct": ["record"]}


def build_demo_briefing(mission: Mission, seed: int) -> list[BriefingModule]:
    """Give the mission its briefing and let its people work through it."""
    rng = np.random.default_rng(seed + 18)
    # Its own generator, so that who retakes the test does not depend on when they took it.
    clock = np.random.default_rng(seed + 19)
    conduct = create_module(mission, title=CONDUCT_TITLE, text=CONDUCT_TEXT, required=True, order=1)
    set_quiz(conduct, QuizUpload(CONDUCT_TEST, CONDUCT_ANSWERS, 75))
    procedures = create_module(
        mission, title=PROCEDURES_TITLE, text=PROCEDURES_TEXT, required=True, order=2
    )
    reserves = _reserve_observers(mission)
    people = list(mission.members.exclude(role=Member.Role.SUPPORT).order_by("id"))
    # The reserves joined last and have not finished: each second one has started.
    unfinished = {m.pk: i % 2 == 0 for i, m in enumerate(reserves)}
    for member in people:
        if member.pk in unfinished:
            _start_without_finishing(member, conduct, procedures, started=unfinished[member.pk])
        else:
            retakes = member.role == Member.Role.OBSERVER and rng.random() < FAIL_FIRST_SHARE
            _complete(member, conduct, procedures, fail_first=retakes)
        spread_over_briefing_week(member, clock)
    return [conduct, procedures]


RESERVES = (
    ("Mia Holm", "Denmark"),
    ("Theo Laine", "Estonia"),
    ("Sara Quinn", "Ireland"),
    ("Jonas Berg", "Norway"),
)


def _reserve_observers(mission: Mission) -> list[Member]:
    """Observers who joined late, in no team: they would replace one who falls ill."""
    delegation = mission.delegations.filter(organisation=mission.lead_organisation).first()
    return [
        Member.objects.create(
            mission=mission,
            full_name=name,
            role=Member.Role.OBSERVER,
            nationality=nationality,
            languages="English",
            delegation=delegation,
            accreditation_status=Member.Accreditation.PENDING,
        )
        for name, nationality in RESERVES[:NOT_FINISHED]
    ]


def _complete(
    member: Member, conduct: BriefingModule, procedures: BriefingModule, *, fail_first: bool
) -> None:
    mark_read(procedures, member, actor=member.user)
    if fail_first:
        take_quiz(conduct, member, FIRST_TRY_MISSED, actor=member.user)
    take_quiz(conduct, member, CONDUCT_ANSWERS, actor=member.user)


def _start_without_finishing(
    member: Member, conduct: BriefingModule, procedures: BriefingModule, *, started: bool
) -> None:
    """Half of those not certified read the procedures and failed the test; half did nothing."""
    if started:
        mark_read(procedures, member, actor=member.user)
        take_quiz(conduct, member, FIRST_TRY_MISSED, actor=member.user)


def complete_briefing(member: Member) -> None:
    """Walk a demo login's member through the required briefing, so they hold a device token."""
    if is_certified(member):
        return
    for module in member.mission.briefing_modules.required():
        if module.quiz:
            take_quiz(module, member, module.answers, actor=member.user)
        else:
            mark_read(module, member, actor=member.user)
    spread_over_briefing_week(member, np.random.default_rng(member.pk))


def spread_over_briefing_week(member: Member, rng: np.random.Generator) -> None:
    """Move the member's reading and attempts, made just now, to a day of the briefing week.

    The steps keep their order: a few minutes apart, a retake a few hours after
    the failed try. A module read by taking its test was read at its first
    attempt, and a certification given now came with the member's last step.
    """
    attempts = list(QuizAttempt.objects.filter(member=member).order_by("taken_at", "pk"))
    tested = {attempt.module_id for attempt in attempts}
    readings = list(ModuleReading.objects.filter(member=member).order_by("read_at", "pk"))
    read_alone = [reading for reading in readings if reading.module_id not in tested]
    moment = _session_start(member.mission.election, rng)
    for reading in read_alone:
        reading.read_at = moment
        moment += datetime.timedelta(minutes=float(rng.uniform(*MINUTES_PER_STEP)))
    for before, attempt in zip([None, *attempts], attempts, strict=False):
        if before is not None and not before.passed:
            moment += datetime.timedelta(hours=float(rng.uniform(*HOURS_BEFORE_RETAKE)))
        attempt.taken_at = moment
        moment += datetime.timedelta(minutes=float(rng.uniform(*MINUTES_PER_STEP)))
    first_attempt: dict[int, datetime.datetime] = {}
    for attempt in attempts:
        first_attempt.setdefault(attempt.module_id, attempt.taken_at)
    for reading in readings:
        reading.read_at = first_attempt.get(reading.module_id, reading.read_at)
    ModuleReading.objects.bulk_update(readings, ["read_at"])
    QuizAttempt.objects.bulk_update(attempts, ["taken_at"])
    if member.certified_at is not None:
        steps = [r.read_at for r in readings] + [a.taken_at for a in attempts]
        member.certified_at = max(steps, default=member.certified_at)
        member.save(update_fields=["certified_at"])


def _session_start(election: Election, rng: np.random.Generator) -> datetime.datetime:
    """A moment in working hours of one of the days before the first round's voting day."""
    first = election.rounds.order_by("number").first()
    voting_day = first.voting_day if first is not None else election.date
    day = voting_day - datetime.timedelta(days=int(rng.integers(1, BRIEFING_DAYS + 1)))
    zone = zoneinfo.ZoneInfo(election.time_zone or "UTC")
    midnight = datetime.datetime.combine(day, datetime.time(0, 0), zone)
    return midnight + datetime.timedelta(hours=float(rng.uniform(*SESSION_HOURS)))
