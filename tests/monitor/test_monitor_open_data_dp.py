"""The differential-privacy mode of the open-data release (OpenDP).

OpenDP draws its noise from the operating system's secure random source and takes no
seed, so these tests check properties that hold for every draw (shape, public cells,
non-negativity, suppression, exact budget accounting through OpenDP's privacy map) and
statistical properties with bounds that fail by chance with probability below 1e-9.
"""

from __future__ import annotations

import csv
import io
import math
from fractions import Fraction

import opendp.prelude as dp
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client, override_settings
from django.urls import reverse
from tests.monitor.registry_factory import Spec, create

from bovenwater.monitor import privacy
from bovenwater.monitor.fill import fill_counts
from bovenwater.monitor.models import UNKNOWN, CountRow, OpenDataRelease
from bovenwater.monitor.opendata import (
    RELEASE_STATS,
    release_create,
    sensitivity,
    value_domain,
)
from bovenwater.reference.models import ExploitationForm, Nationality, TraffickingMethod

DP = OpenDataRelease.Privacy.DIFFERENTIAL_PRIVACY
FAILURE = 1e-9  # the chance that a statistical test below fails although the code is right


def chernoff_tolerance(scale: float, draws: int, failure: float) -> float:
    """A t with P(|mean of ``draws`` discrete Laplace(scale) draws| >= t) <= failure.

    Chernoff: P(mean >= t) <= exp(-n (lambda t - log M(lambda))) for every 0 < lambda <
    1/scale, with the moment generating function M(lambda) = (1-p)^2 / ((1-p e^lambda)
    (1-p e^-lambda)), p = exp(-1/scale); both tails together give the factor 2. Any
    lambda gives a valid bound, so a grid search is exact enough and never optimistic.
    """
    p = math.exp(-1 / scale)

    def log_mgf(lam: float) -> float:
        return (
            2 * math.log(1 - p) - math.log(1 - p * math.exp(lam)) - math.log(1 - p * math.exp(-lam))
        )

    target = math.log(2 / failure) / draws
    lams = [(i / 1000) / scale for i in range(1, 1000)]
    # For each lambda the bound holds at t = (target + log M(lambda)) / lambda; take the best.
    return min((target + log_mgf(lam)) / lam for lam in lams)


@pytest.fixture
def registrations(db: None) -> None:
    create(
        [
            Spec(2024, "PE-AMSTERDAM", "politie", False, "female", "NL", forms=("SEXUAL",))
            for _ in range(40)
        ]
    )
    create(
        [
            Spec(2024, "PE-ROTTERDAM", "ngo", False, "male", "PL", forms=("LABOUR", "CRIMINAL"))
            for _ in range(12)
        ]
    )
    create([Spec(2023, "PE-LIMBURG", "kmar", True, "female", "NG") for _ in range(4)])
    fill_counts()


def test_budget_split_is_exact_and_checked_by_opendp() -> None:
    share = privacy.epsilon_share(1.0, 9)
    assert Fraction(share) * 9 <= 1
    assert share == pytest.approx(1 / 9, rel=1e-15)
    plans, spent = privacy.plan_release(
        [("total", 1, 1), ("form", 8, 7), ("nationality", 250, 1)], epsilon=0.5
    )
    assert [p.sensitivity for p in plans] == [1, 7, 1]
    for plan in plans:
        # Re-derive the epsilon with OpenDP's own map from the recorded scale.
        measurement = privacy.count_measurement(plan.cells, plan.scale)
        assert privacy.privacy_map(measurement, plan.sensitivity) == plan.epsilon
        assert plan.epsilon <= privacy.epsilon_share(0.5, 3)
        # The scale is the smallest that fits: 1 % less noise would overspend.
        smaller = privacy.count_measurement(plan.cells, plan.scale * 0.99)
        assert privacy.privacy_map(smaller, plan.sensitivity) > privacy.epsilon_share(0.5, 3)
    assert plans[1].scale == pytest.approx(7 * plans[0].scale, rel=1e-9)
    exact = sum(Fraction(p.epsilon) for p in plans)
    assert exact <= Fraction(spent) <= Fraction(0.5)  # recorded: rounded up, within budget
    assert spent == pytest.approx(0.5, rel=1e-9)
    with pytest.raises(ValueError, match="must be positive"):
        privacy.epsilon_share(0.0, 3)
    with pytest.raises(ValueError, match="must be positive"):
        privacy.epsilon_share(math.inf, 3)


def test_noise_is_unbiased_integer_and_really_added() -> None:
    scale = 9.0
    cells, draws = 50, 400
    true = [3 * i for i in range(cells)]
    samples = [privacy.noisy_counts(true, scale) for _ in range(draws)]
    assert all(len(s) == cells and all(type(c) is int for c in s) for s in samples)
    # The pooled mean of all noise, and the mean of every cell (union bound over cells).
    pooled = sum(c - t for s in samples for c, t in zip(s, true, strict=True)) / (cells * draws)
    assert abs(pooled) < chernoff_tolerance(scale, cells * draws, FAILURE / 2)
    per_cell = chernoff_tolerance(scale, draws, FAILURE / 2 / cells)
    for i in range(cells):
        assert abs(sum(s[i] for s in samples) / draws - true[i]) < per_cell
    # P(noise == 0) = (1-p)/(1+p) < 0.06 per cell, so 50 unchanged cells: < 1e-60.
    assert samples[0] != true
    assert privacy.non_negative([-3, 0, 5]) == [0, 0, 5]


def test_chernoff_tolerance_is_sane() -> None:
    # Against the normal approximation (variance 2p/(1-p)^2): same order, never smaller.
    p = math.exp(-1 / 9)
    sd = math.sqrt(2 * p / (1 - p) ** 2 / 20000)
    tolerance = chernoff_tolerance(9.0, 20000, 1e-9)
    assert 6.1 * sd < tolerance < 10 * sd


def test_dp_release_shape_accounting_and_suppression(registrations: None) -> None:
    release = release_create(privacy=DP, epsilon=1.0, years=[2023, 2024], k=10)
    assert release.privacy == DP
    assert release.delta == 0.0
    assert release.library == "OpenDP 0.16.0"
    assert release.accounting["budget"] == 1.0
    assert release.accounting["mechanism"] == "discrete Laplace"
    assert release.accounting["years"] == [2023, 2024]
    plans = release.accounting["tables"]
    assert list(plans) == list(RELEASE_STATS)
    share = privacy.epsilon_share(1.0, len(RELEASE_STATS))
    assert all(plan["epsilon"] <= share for plan in plans.values())
    assert release.epsilon is not None
    exact = sum(Fraction(p["epsilon"]) for p in plans.values())
    assert exact <= Fraction(release.epsilon) <= 1
    assert Fraction(math.nextafter(release.epsilon, 0.0)) < exact  # rounded up, not more
    assert release.epsilon == pytest.approx(1.0, rel=1e-9)
    assert "epsilon = 1 per release" in release.method
    # Sensitivity: one cell for single-valued tables, every code for multi-valued ones.
    assert plans["total"]["sensitivity"] == plans["nationality"]["sensitivity"] == 1
    assert plans["form"]["sensitivity"] == ExploitationForm.objects.count()
    assert plans["method"]["sensitivity"] == TraffickingMethod.objects.count()
    for stat in RELEASE_STATS:
        domain = value_domain(stat)
        assert plans[stat]["cells"] == len(domain)
        assert plans[stat]["sensitivity"] == sensitivity(stat, domain)
        rows = release.tables[stat]
        # Every public cell for every year, whether or not anybody is counted in it.
        assert [(r[0], r[1]) for r in rows] == [(y, v) for y in (2023, 2024) for v in domain]
        for _year, _value, _label, count, shown in rows:
            assert count is None or (type(count) is int and (count == 0 or count >= 10))
            assert shown == ("<10" if count is None else str(count))
    assert len(value_domain("nationality")) == Nationality.objects.count() + 1
    assert value_domain("nationality")[-1] == UNKNOWN
    assert UNKNOWN not in value_domain("melder")
    assert value_domain("total") == [""]


def test_dp_release_uses_no_data_dependent_cells(registrations: None) -> None:
    """A registry without registrations gives a release of the same shape."""
    with_data = release_create(privacy=DP, epsilon=1.0, years=[2024])
    CountRow.objects.all().delete()
    empty = release_create(privacy=DP, epsilon=1.0, years=[2024])
    for stat in RELEASE_STATS:
        assert [r[:3] for r in empty.tables[stat]] == [r[:3] for r in with_data.tables[stat]]
    assert empty.accounting == with_data.accounting


def test_dp_release_is_close_to_the_truth_on_large_counts(registrations: None) -> None:
    """The total of 2024 (52) stays within OpenDP's 1 - 1e-9 accuracy bound."""
    release = release_create(privacy=DP, epsilon=1.0, years=[2024], k=1)
    scale = release.accounting["tables"]["total"]["scale"]
    bound = dp.discrete_laplacian_scale_to_accuracy(scale, FAILURE)
    [[_year, _value, _label, count, _shown]] = release.tables["total"]
    assert abs(count - 52) < bound


def test_default_years_and_settings(registrations: None) -> None:
    with override_settings(OPEN_DATA_PRIVACY=DP, OPEN_DATA_EPSILON=0.25):
        release = release_create()
    assert release.privacy == DP
    assert release.epsilon == pytest.approx(0.25, rel=1e-9)
    years = release.accounting["years"]
    assert years[0] == 2015 and years == list(range(2015, years[-1] + 1))
    assert years[-1] >= 2024
    plain = release_create()
    assert plain.privacy == OpenDataRelease.Privacy.K_ANONYMITY
    assert plain.epsilon is None and plain.delta is None and plain.accounting == {}
    with pytest.raises(ValueError, match="differential-privacy mode only"):
        release_create(epsilon=1.0)
    with pytest.raises(ValueError, match="Unknown open-data privacy method"):
        release_create(privacy="laplace")
    assert OpenDataRelease.objects.count() == 2


def test_publish_command_options(registrations: None) -> None:
    out = io.StringIO()
    call_command(
        "publish_open_data", "--privacy", DP, "--epsilon", "0.5", "--years", "2023-2024", stdout=out
    )
    release = OpenDataRelease.objects.get()
    assert release.privacy == DP
    assert release.accounting["years"] == [2023, 2024]
    assert release.epsilon == pytest.approx(0.5, rel=1e-9)
    assert "differential privacy (epsilon=0.5, delta=0, OpenDP 0.16.0)" in out.getvalue()
    for bad in (["--epsilon", "0"], ["--epsilon", "nan"], ["--years", "2025-2020"]):
        with pytest.raises(CommandError):
            call_command("publish_open_data", "--privacy", DP, *bad, stdout=io.StringIO())
    with pytest.raises(CommandError):
        call_command("publish_open_data", "--epsilon", "1", stdout=io.StringIO())
    assert OpenDataRelease.objects.count() == 1


def test_public_page_explains_dp(registrations: None, client: Client) -> None:
    release = release_create(privacy=DP, epsilon=1.0, years=[2024])
    assert release.epsilon is not None and release.epsilon > 1.0 - 1e-9
    page = client.get(reverse("monitor:open_data"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Differentiële privacy" in html
    assert "tellen niet op tot het totaal" in html
    assert "ε = 1 (δ = 0), gelijk verdeeld over de 9 tabellen" in html
    assert "OpenDP 0.16.0" in html
    assert "Aantal verwerkte registraties" not in html  # an exact figure
    margin = release.accounting["tables"]["melder"]["margin_95"]
    assert f"hoogstens {margin} af" in html
    download = client.get(reverse("monitor:open_data_csv", args=[release.pk, "melder"]))
    rows = list(csv.reader(io.StringIO(download.content.decode())))
    assert rows[0] == ["jaar", "code", "omschrijving", "aantal"]
    assert [r[1] for r in rows[1:]] == value_domain("melder")
