"""Run the MSE engine over stored overlap tables: a pure function of the inputs.

The same inputs and settings (with the seed) always give the same result, so a stored
run can be re-computed and compared. Warnings are stored as codes with parameters and
shown in plain Dutch by :func:`warning_text`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from itertools import combinations
from typing import Any

import numpy as np
from django.utils.translation import gettext as _

from bovenwater.estimation.overlap import LIST_LABELS, OverlapTable
from bovenwater.mse import ENGINE_VERSION, MSEError, NotEstimableError, estimate
from bovenwater.mse.estimate import DARK_RATIO, SPARSE_LIST, WIDE_RATIO

TOP_MODELS = 5
ProgressCallback = Callable[[int, int], None]


def _num(value: float | None) -> float | None:
    if value is None or not math.isfinite(value):
        return None
    return round(float(value), 6)


def year_seeds(seed: int, years: list[str]) -> dict[str, int]:
    """One independent, reproducible seed per year derived from the run's seed."""
    children = np.random.SeedSequence(seed).spawn(len(years))
    return {
        year: int(child.generate_state(1)[0]) for year, child in zip(years, children, strict=True)
    }


def compute_result(
    inputs: Mapping[str, Any],
    *,
    method: str,
    max_order: int,
    p_threshold: float,
    bootstrap: int,
    seed: int,
    ci: str,
    on_progress: ProgressCallback | None = None,
) -> dict[str, Any]:
    """Estimate every year of ``inputs`` (``{"tables": {year: OverlapTable JSON}}``)."""
    tables: Mapping[str, Any] = inputs.get("tables", {})
    years = sorted(tables)
    seeds = year_seeds(seed, years)
    out: dict[str, Any] = {"engine_version": ENGINE_VERSION, "years": {}}
    for index, year in enumerate(years):
        table = OverlapTable.from_json(tables[year])
        out["years"][year] = estimate_year(
            table,
            method=method,
            max_order=max_order,
            p_threshold=p_threshold,
            bootstrap=bootstrap,
            seed=seeds[year],
            ci=ci,
        )
        if on_progress is not None:
            on_progress(index + 1, len(years))
    return out


def estimate_year(
    table: OverlapTable,
    *,
    method: str,
    max_order: int,
    p_threshold: float,
    bootstrap: int,
    seed: int,
    ci: str,
) -> dict[str, Any]:
    warnings: list[dict[str, Any]] = []
    totals = table.list_totals()
    for name, total in totals.items():
        if total == 0:
            warnings.append({"code": "empty_list", "list": name})
    active = table.active()
    base: dict[str, Any] = {
        "observed": table.observed,
        "lists": list(active.lists),
        "list_totals": {name: totals[name] for name in active.lists},
    }
    if len(active.lists) < 2:
        warnings.append({"code": "too_few_lists", "count": len(active.lists)})
        return {**base, "status": "not_estimable", "warnings": warnings}
    for name in active.lists:
        if totals[name] < SPARSE_LIST:
            warnings.append({"code": "sparse_list", "list": name, "count": totals[name]})
    patterns = active.rows()
    for i, j in combinations(range(len(active.lists)), 2):
        if not any(members[i] and members[j] and count for members, count in patterns):
            warnings.append({"code": "no_overlap", "lists": [active.lists[i], active.lists[j]]})
    order = max(1, min(max_order, len(active.lists) - 1))
    if order < max_order:
        warnings.append({"code": "order_lowered", "order": order})
    try:
        result = estimate(
            active.capture_table(),
            method,
            max_order=order,
            p_threshold=p_threshold,
            bootstrap=bootstrap if ci != "profile" else 0,
            seed=seed,
            ci=ci,
            top=TOP_MODELS,
        )
    except NotEstimableError as exc:
        warnings.append({"code": "not_identifiable", "detail": str(exc)})
        return {**base, "status": "not_estimable", "warnings": warnings}
    except MSEError as exc:
        warnings.append({"code": "invalid", "detail": str(exc)})
        return {**base, "status": "not_estimable", "warnings": warnings}
    fit = result.fit
    selection = result.selection
    if selection.excluded:
        warnings.append(
            {
                "code": "excluded_models",
                "excluded": selection.excluded,
                "models": selection.n_models,
            }
        )
    for term in fit.infinite_terms:
        warnings.append({"code": "infinite_term", "term": term})
    if fit.unobserved > (DARK_RATIO - 1.0) * fit.observed:
        warnings.append({"code": "dark_ratio", "ratio": DARK_RATIO})
    interval = result.interval
    low = high = None
    if interval is not None:
        low, high = _num(interval.low), _num(interval.high)
        if high is None or high > WIDE_RATIO * max(interval.low, 1.0):
            warnings.append({"code": "wide_interval", "ratio": WIDE_RATIO})
        if result.profile is not None and result.profile.upper_unbounded:
            warnings.append({"code": "unbounded"})
        if ci == "profile" and method != "fixed":
            warnings.append({"code": "conditional_interval"})
    if result.bootstrap is not None and result.bootstrap.failed:
        warnings.append(
            {
                "code": "bootstrap_failed",
                "failed": result.bootstrap.failed,
                "requested": result.bootstrap.requested,
            }
        )
    return {
        **base,
        "status": "ok",
        "estimate": _num(fit.total),
        "unobserved": _num(fit.unobserved),
        "ci_low": low,
        "ci_high": high,
        "ci_method": None if interval is None else interval.method,
        "ci_level": result.level,
        "max_order": order,
        "model": fit.terms,
        "top_models": [
            {
                "model": f.terms,
                "estimate": _num(f.total),
                "aic": _num(f.aic),
                "bic": _num(f.bic),
            }
            for f in selection.top(TOP_MODELS)
        ],
        "n_models": selection.n_models,
        "warnings": warnings,
        "engine_warnings": list(result.warnings),
    }


def list_label(code: str) -> str:
    return str(LIST_LABELS.get(code, code))


def model_label(terms: list[str]) -> str:
    """Readable Dutch model: the interaction terms, or independence."""
    if not terms:
        return _("onafhankelijkheid (alleen hoofdeffecten)")
    return ", ".join(" × ".join(list_label(part) for part in term.split(":")) for term in terms)


def warning_text(warning: Mapping[str, Any]) -> str:
    """A stored warning in plain Dutch (translated for the current language)."""
    code = warning.get("code")
    if code == "empty_list":
        return _("%(list)s heeft dit jaar niemand gemeld en telt niet mee als lijst.") % {
            "list": list_label(warning["list"])
        }
    if code == "too_few_lists":
        return _(
            "Geen schatting mogelijk: er zijn minder dan twee lijsten met meldingen. "
            "Een schatting vraagt om personen die op meer dan één lijst staan."
        )
    if code == "sparse_list":
        return _(
            "De lijst %(list)s telt maar %(count)s personen: de schatting is daardoor kwetsbaar."
        ) % {"list": list_label(warning["list"]), "count": warning["count"]}
    if code == "no_overlap":
        first, second = warning["lists"]
        return _("%(first)s en %(second)s hebben niemand gemeen.") % {
            "first": list_label(first),
            "second": list_label(second),
        }
    if code == "order_lowered":
        return _(
            "Er zijn te weinig lijsten: de hoogste interactie-orde is verlaagd naar %(order)s."
        ) % {"order": warning["order"]}
    if code == "not_identifiable":
        return _(
            "Geen betrouwbare schatting: met deze overlap bestaat de schatting niet of is ze "
            "niet eenduidig te bepalen (niet-identificeerbaar). Er wordt geen getal getoond."
        )
    if code == "invalid":
        return _("Geen schatting mogelijk: de overlaptabel is niet bruikbaar.")
    if code == "excluded_models":
        return _(
            "%(excluded)s van de %(models)s modellen vallen af omdat hun schatting niet bestaat "
            "of niet eenduidig is (niet-identificeerbaar)."
        ) % {"excluded": warning["excluded"], "models": warning["models"]}
    if code == "infinite_term":
        return _(
            "Het gekozen model bevat een samenhang tussen lijsten zonder enige overlap (%(term)s)."
        ) % {"term": model_label([warning["term"]])}
    if code == "dark_ratio":
        return _(
            "De schatting is meer dan vijf keer het geregistreerde aantal: ze leunt sterk op de "
            "aannames van het model."
        )
    if code == "wide_interval":
        return _(
            "Het betrouwbaarheidsinterval is breed (de bovengrens is meer dan twee keer de "
            "ondergrens): lees de schatting als een grove orde van grootte."
        )
    if code == "unbounded":
        return _("De bovengrens van het interval is onbegrensd.")
    if code == "conditional_interval":
        return _(
            "Het interval gaat uit van het gekozen model en telt de onzekerheid van de "
            "modelkeuze niet mee; een bootstrap-interval doet dat wel."
        )
    if code == "bootstrap_failed":
        return _(
            "%(failed)s van de %(requested)s bootstrapherhalingen gaven geen schatting en "
            "tellen niet mee."
        ) % {"failed": warning["failed"], "requested": warning["requested"]}
    return str(code)
