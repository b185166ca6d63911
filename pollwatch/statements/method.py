"""The method and coverage paragraph, written from the mission's own data.

It states what was observed of the total, how stations were chosen, who
observed and for how long, and the limits that follow, so that a statement
never claims more than its coverage supports.
"""

from __future__ import annotations

from pollwatch.statements.mission_facts import MissionCoverage

FORM_NAMES = {
    "en": {
        "opening": "opening",
        "voting": "voting",
        "closing_counting": "closing and counting",
        "tabulation": "tabulation",
        "incident": "incident reports",
        "pvt_form1": "PVT form 1",
        "pvt_form2": "PVT form 2",
        "accessibility": "accessibility",
        "long_term_weekly": "weekly long-term reports",
    },
    "ru": {
        "opening": "открытие",
        "voting": "голосование",
        "closing_counting": "закрытие и подсчёт",
        "tabulation": "подведение итогов",
        "incident": "сообщения об инцидентах",
        "pvt_form1": "форма ПВТ 1",
        "pvt_form2": "форма ПВТ 2",
        "accessibility": "доступность",
        "long_term_weekly": "еженедельные отчёты ДН",
    },
}


def _number(value: int, language: str) -> str:
    text = f"{value:,}"
    return text.replace(",", "\u00a0") if language == "ru" else text


def _percent(share: float, language: str) -> str:
    text = f"{100 * share:.1f}"
    return text.replace(".", ",") if language == "ru" else text


def method_paragraph(coverage: MissionCoverage, language: str = "en") -> str:
    writer = _russian if language == "ru" else _english
    return " ".join(part for part in writer(coverage) if part)


def _english(c: MissionCoverage) -> list[str]:
    def n(value: int) -> str:
        return _number(value, "en")

    forms = ", ".join(FORM_NAMES["en"].get(code, code) for code in c.forms) or "none"
    chosen = (
        f"The stations were chosen at random from the official list of polling stations: {c.design}"
        if c.is_random
        else "The stations were not chosen at random; they were selected by the mission."
    )
    people = (
        f"{n(c.observers)} observers in {n(c.teams)} teams"
        + (f", from {len(c.nationalities)} countries" if c.nationalities else "")
        + (f" ({', '.join(c.organisations)})" if c.organisations else "")
    )
    parts = [
        f"On election day the mission observed {n(c.stations_observed)} of the "
        f"{n(c.stations_total)} polling stations "
        f"({_percent(c.stations_observed / max(c.stations_total, 1), 'en')}%), "
        f"which hold {_percent(c.voter_share, 'en')}% of the registered voters, in "
        f"{n(c.regions_observed)} of {n(c.regions_total)} regions.",
        chosen,
        f"It deployed {people}, and was in the country for {n(c.days_in_country)} days"
        + (
            ", with long-term observers following the pre-election period."
            if c.long_term_observers
            else ", without long-term observers."
        ),
        f"Observers used standard forms: {forms}.",
    ]
    parts += _english_limits(c)
    return parts


def _english_limits(c: MissionCoverage) -> list[str]:
    if not c.is_random:
        limits = [
            "Because the stations were not drawn at random, the shares reported here "
            "describe only the stations observed and cannot be generalised to the "
            "country."
        ]
    else:
        limits = [
            "Shares are estimates, given with 95% confidence "
            "intervals that follow the sampling design."
        ]
    if c.single_region:
        limits.append(
            f"All stations observed lie in {c.single_region}; the findings speak "
            f"for {c.single_region} only."
        )
    limits.append(
        "This statement precedes the end of the process: tabulation and the "
        "resolution of complaints continue."
    )
    return limits


def _russian(c: MissionCoverage) -> list[str]:
    def n(value: int) -> str:
        return _number(value, "ru")

    forms = ", ".join(FORM_NAMES["ru"].get(code, code) for code in c.forms) or "нет"
    chosen = (
        f"Участки отобраны случайным образом из официального списка участков: {c.design}"
        if c.is_random
        else "Участки отобраны не случайно: их выбрала миссия."
    )
    parts = [
        f"В день голосования миссия наблюдала на {n(c.stations_observed)} из "
        f"{n(c.stations_total)} избирательных участков "
        f"({_percent(c.stations_observed / max(c.stations_total, 1), 'ru')}%), где "
        f"зарегистрировано {_percent(c.voter_share, 'ru')}% избирателей, в "
        f"{n(c.regions_observed)} из {n(c.regions_total)} регионов.",
        chosen,
        f"Миссия направила {n(c.observers)} наблюдателей в {n(c.teams)} группах и "
        f"работала в стране {n(c.days_in_country)} дн."
        + (
            " Долгосрочные наблюдатели следили за предвыборным периодом."
            if c.long_term_observers
            else " Долгосрочных наблюдателей не было."
        ),
        f"Наблюдатели заполняли стандартные формы: {forms}.",
    ]
    if not c.is_random:
        parts.append(
            "Поскольку участки отобраны не случайно, приведённые доли описывают "
            "только посещённые участки и не могут быть распространены на всю страну."
        )
    else:
        parts.append("Доли — это оценки с 95% доверительными интервалами с учётом плана выборки.")
    if c.single_region:
        parts.append(
            f"Все посещённые участки находятся в регионе {c.single_region}; выводы "
            f"относятся только к нему."
        )
    parts.append(
        "Заявление сделано до завершения процесса: подведение итогов и "
        "рассмотрение жалоб продолжаются."
    )
    return parts
