def test_one_polling_station_is_singular_in_english_and_russian():
    from pollwatch.statements.claims import check_claims
    from pollwatch.statements.coverage import CoverageFacts, PhaseFindings

    facts = CoverageFacts(
        stations_observed=1,
        stations_total=5273,
        random_selection=False,
        phases=(PhaseFindings("voting", 1, assessed_negative=1),),
    )
    scoped = CoverageFacts(stations_observed=1, stations_total=5273, random_selection=False)

    contradicted = check_claims("Not a single violation was recorded.", facts)[0]
    russian = check_claims("Нарушений не выявлено.", facts)[0]
    not_random = check_claims("The elections were free and fair.", scoped)[0]

    assert "in 1 of 1 polling station observed" in contradicted.reason
    assert "1 polling stations" not in contradicted.reason + contradicted.suggestion
    assert "на 1 из 1 наблюдавшегося участка" in russian.reason
    assert "the 1 polling station observed (of 5,273;" in not_random.suggestion
