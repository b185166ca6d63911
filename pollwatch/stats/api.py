"""The public statistics of pollwatch, framework-free: what the application and the
analyst commands call. Everything else in ``pollwatch.stats`` is an implementation detail."""

from pollwatch.stats.areas import area_breakdown
from pollwatch.stats.design_effect import (
    prior_results,
    station_margin_of_error,
    stations_for_margin,
)
from pollwatch.stats.digits import digit_test, last_digit_null
from pollwatch.stats.distribution import (
    distribution_moments,
    extreme_stations,
    identical_result_vectors,
    turnout_share_relation,
    within_area_relation,
)
from pollwatch.stats.fingerprint import percentage_histogram, turnout_share_fingerprint
from pollwatch.stats.integer_percentages import (
    integer_percentage_test,
    integer_probability,
    monte_carlo_integer_percentage_test,
)
from pollwatch.stats.klimek import ElectionModel, simulate_election
from pollwatch.stats.multiple_testing import holm_adjusted
from pollwatch.stats.proportions import design_share, observed_share
from pollwatch.stats.pvt import estimate_shares, estimate_turnout, stratum_completeness
from pollwatch.stats.sample_size import (
    margin_of_error,
    margin_of_error_for_stations,
    sample_size,
    stations_for_voters,
)
from pollwatch.stats.sampling import (
    describe_design,
    draw_pps_sample,
    draw_simple_random_sample,
    draw_stratified_sample,
)
from pollwatch.stats.zero_events import share_upper_bound, stations_needed_for_bound

__all__ = [
    "ElectionModel",
    "area_breakdown",
    "describe_design",
    "design_share",
    "digit_test",
    "distribution_moments",
    "draw_pps_sample",
    "draw_simple_random_sample",
    "draw_stratified_sample",
    "estimate_shares",
    "estimate_turnout",
    "extreme_stations",
    "holm_adjusted",
    "identical_result_vectors",
    "integer_percentage_test",
    "integer_probability",
    "last_digit_null",
    "margin_of_error",
    "margin_of_error_for_stations",
    "monte_carlo_integer_percentage_test",
    "observed_share",
    "percentage_histogram",
    "prior_results",
    "sample_size",
    "share_upper_bound",
    "simulate_election",
    "station_margin_of_error",
    "stations_for_voters",
    "stations_for_margin",
    "stations_needed_for_bound",
    "stratum_completeness",
    "turnout_share_fingerprint",
    "turnout_share_relation",
    "within_area_relation",
]
