from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from bovenwater.accounts.actor import Actor
from bovenwater.accounts.models import Membership, Organisation
from bovenwater.accounts.roles import Role
from bovenwater.audit.models import ProcessingLogEntry
from bovenwater.intake.counts import signal_counts_rebuild
from bovenwater.intake.models import PublicReportDetails, Signal, SignalAttachment, SignalState
from bovenwater.reference.models import ExploitationForm, Municipality

pytestmark = pytest.mark.django_db


def _public_post(**overrides: str) -> dict[str, str]:
    data = {
        "description": "Achter de autowasstraat slapen mannen in een loods.",
        "municipality": str(Municipality.objects.get(code="GM0599").pk),
        "minor": "unknown",
        "form_token": "tok-1",
    }
    data.update(overrides)
    return data


def test_anonymous_report_end_to_end_without_login(
    client: Client, region: dict[str, Organisation]
) -> None:
    page = client.get(reverse("report:new"))
    assert page.status_code == 200
    body = page.content.decode()
    assert "Bel direct 112" in body
    assert "Wij slaan uw IP-adres en uw browser niet op" in body
    response = client.post(reverse("report:new"), _public_post())
    assert response.status_code == 200
    code = response.context["code"]
    assert code in response.content.decode()
    signal = Signal.objects.get()
    assert signal.description.startswith("Achter de autowasstraat")
    again = client.post(reverse("report:new"), _public_post())  # double submit
    assert again.context["code"] is None
    assert Signal.objects.count() == 1
    added = client.post(
        reverse("report:add"), {"receipt_code": code, "text": "Er staat nu ook een bus."}
    )
    assert "Uw aanvulling is ontvangen" in added.content.decode()
    assert "Achter de autowasstraat" not in added.content.decode()  # never read back
    assert signal.additions.count() == 1


def test_public_report_errors_are_dutch_and_keep_input(
    client: Client, region: dict[str, Organisation]
) -> None:
    response = client.post(
        reverse("report:new"),
        _public_post(
            description="",
            place_description="bij de haven",
            contact_opt_in="on",
            contact_email="geen-mail",
        ),
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Beschrijf wat u heeft gezien of gehoord." in body
    assert "Vul een geldig e-mailadres in." in body
    assert 'value="bij de haven"' in body
    assert Signal.objects.count() == 0


def test_honeypot_and_rate_limit_stop_abuse(
    client: Client, region: dict[str, Organisation], settings: object
) -> None:
    cache.clear()
    assert (
        client.post(reverse("report:new"), _public_post(website="http://spam")).status_code == 400
    )
    assert Signal.objects.count() == 0
    settings.PUBLIC_REPORT_RATE_LIMIT = 2  # type: ignore[attr-defined]
    statuses = [
        client.post(reverse("report:new"), _public_post(form_token=f"t{i}")).status_code
        for i in range(3)
    ]
    assert statuses == [200, 200, 429]
    assert Signal.objects.count() == 2
    cache.clear()


def test_no_address_or_user_agent_is_stored(
    client: Client, region: dict[str, Organisation]
) -> None:
    client.post(
        reverse("report:new"),
        _public_post(),
        HTTP_USER_AGENT="Spionage/1.0",
        REMOTE_ADDR="203.0.113.9",
    )
    signal = Signal.objects.get()
    stored = " ".join(
        str(value)
        for model in (signal, PublicReportDetails.objects.get(signal=signal))
        for value in model.__dict__.values()
    ) + " ".join(str(e.details) + e.actor_username for e in ProcessingLogEntry.objects.all())
    assert "203.0.113.9" not in stored
    assert "Spionage" not in stored


def test_professional_signal_with_attachment_and_triage(
    client: Client,
    region: dict[str, Organisation],
    make_member: Callable[..., Membership],
    login_as: Callable[[Membership], Client],
) -> None:
    reporter = make_member(role=Role.SIGNALLER, organisation=region["police"])
    login_as(reporter)
    form = client.get(reverse("intake:create"))
    assert form.status_code == 200
    labour = ExploitationForm.objects.get(code="LABOUR")
    indicator = labour.indicators.first()
    assert indicator is not None
    pdf = SimpleUploadedFile("verklaring.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    response = client.post(
        reverse("intake:create"),
        {
            "description": "Mannen slapen in de kas.",
            "municipality": str(Municipality.objects.get(code="GM0599").pk),
            "exploitation_forms": [str(labour.pk)],
            "urgency": "high",
            "indicator": [indicator.code],
            f"note-{indicator.code}": "gezien op 3 november",
            "victim-estimated_age": "16",
            "victim-gender": "male",
            "other1-alias": "de baas",
            "other1-phone": "0612345678",
            "attachments": [pdf],
            "form_token": "abc",
        },
    )
    assert response.status_code == 302
    signal = Signal.objects.get()
    assert signal.involves_minor is True  # estimated age under 18
    assert signal.indicators.get().note == "gezien op 3 november"
    attachment = SignalAttachment.objects.get(signal=signal)
    download = client.get(reverse("intake:attachment", args=[signal.reference, attachment.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"%PDF-1.4 test"  # type: ignore[attr-defined]

    contact = make_member(role=Role.CONTACT_OFFICER, organisation=region["municipality"])
    login_as(contact)
    detail = client.get(reverse("intake:detail", args=[signal.reference]))
    assert detail.status_code == 200
    assert "Mannen slapen in de kas." in detail.content.decode()
    refused = client.post(
        reverse("intake:triage", args=[signal.reference]), {"to_state": "no_action", "reason": ""}
    )
    assert refused.status_code == 409
    assert "Geef een toelichting bij deze stap." in refused.content.decode()
    done = client.post(
        reverse("intake:triage", args=[signal.reference]),
        {"to_state": "case_opened", "reason": "intake"},
    )
    assert done.status_code == 302
    assert Signal.objects.get().state == SignalState.CASE_OPENED


def test_wrong_attachment_type_is_refused_and_input_kept(
    client: Client,
    region: dict[str, Organisation],
    make_member: Callable[..., Membership],
    login_as: Callable[[Membership], Client],
) -> None:
    login_as(make_member(role=Role.SIGNALLER, organisation=region["police"]))
    exe = SimpleUploadedFile(
        "tool.pdf", b"MZ\x90\x00\x03\x00\x00\x00", content_type="application/pdf"
    )
    response = client.post(
        reverse("intake:create"),
        {
            "description": "Iets gezien",
            "municipality": str(Municipality.objects.get(code="GM0599").pk),
            "urgency": "normal",
            "attachments": [exe],
        },
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "heeft een bestandstype dat niet is toegestaan" in body
    assert "Iets gezien" in body
    assert Signal.objects.count() == 0


@pytest.mark.parametrize("role", list(Role))
def test_no_role_of_another_organisation_reaches_a_signal(
    role: Role,
    client: Client,
    region: dict[str, Organisation],
    submit_signal: Callable[..., Signal],
    make_member: Callable[..., Membership],
    login_as: Callable[[Membership], Client],
    actor_for: Callable[..., Actor],
) -> None:
    signal = submit_signal(description="Geheim-signaal-B over de kas.")
    pdf = SignalAttachment.objects.create(
        signal=signal,
        storage_name="x" * 32,
        original_name="b.pdf",
        content_type="application/pdf",
        size=1,
        sha256="0",
    )
    login_as(make_member(role=role, organisation=region["outsider"]))
    urls = [
        reverse("intake:detail", args=[signal.reference]),
        reverse("intake:attachment", args=[signal.reference, pdf.pk]),
        reverse("api:signal", args=[signal.reference]),
        reverse("api:signals"),
        reverse("intake:list"),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code in (200, 403, 404)
        assert b"Geheim-signaal-B" not in response.content
    for url in (
        reverse("intake:triage", args=[signal.reference]),
        reverse("api:signal-transitions", args=[signal.reference]),
    ):
        response = client.post(url, {"to_state": "assessing", "reason": "x"})
        assert response.status_code in (403, 404)
    assert Signal.objects.get(pk=signal.pk).state == SignalState.NEW
    assert ProcessingLogEntry.objects.filter(
        object_id=signal.reference, details__refused="out_of_scope"
    ).exists()


def test_api_public_report_and_idempotent_signal(
    client: Client,
    region: dict[str, Organisation],
    make_member: Callable[..., Membership],
    login_as: Callable[[Membership], Client],
) -> None:
    payload = {"description": "Via de API gemeld.", "municipality": "GM0599"}
    first = client.post(
        reverse("api:public-reports"),
        payload,
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="abc",
    )
    second = client.post(
        reverse("api:public-reports"),
        payload,
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="abc",
    )
    assert first.status_code == 201
    assert first.json()["receipt_code"]
    assert second.status_code == 200
    assert Signal.objects.count() == 1
    bad = client.post(
        reverse("api:public-reports"), {"municipality": "GM9999"}, content_type="application/json"
    )
    assert bad.status_code == 400
    assert bad["Content-Type"] == "application/problem+json"
    assert {p["name"] for p in bad.json()["invalid_params"]} == {"description", "municipality"}

    login_as(make_member(role=Role.CONTACT_OFFICER, organisation=region["municipality"]))
    signal = Signal.objects.get()
    conflict = client.post(
        reverse("api:signal-transitions", args=[signal.reference]),
        {"to_state": "linked"},
        content_type="application/json",
    )
    assert conflict.status_code == 409
    assert conflict.json()["status"] == 409
    listed = client.get(reverse("api:signals")).json()
    assert [row["reference"] for row in listed["results"]] == [signal.reference]


def test_overdue_signals_are_listed(
    client: Client,
    region: dict[str, Organisation],
    submit_signal: Callable[..., Signal],
    make_member: Callable[..., Membership],
    login_as: Callable[[Membership], Client],
) -> None:
    late = submit_signal()
    Signal.objects.filter(pk=late.pk).update(due_date=date(2020, 1, 1))
    signal_counts_rebuild()  # the shortcut above went past the count table
    submit_signal()
    login_as(make_member(role=Role.CONTACT_OFFICER, organisation=region["municipality"]))
    page = client.get(reverse("intake:list"), {"te_laat": "1"})
    body = page.content.decode()
    assert "1 signaal is over de reactietermijn." in body
    assert page.context["signals"] == [Signal.objects.get(pk=late.pk)]
