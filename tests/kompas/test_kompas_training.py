"""Training that counts: knowledge checks, pass marks, the final assessment, certificates
with public verification, the manager's view, and branching scenarios."""

from __future__ import annotations

import io
import random
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from pypdf import PdfReader

from bovenwater.accounts.actor import Actor
from bovenwater.accounts.models import Membership, User
from bovenwater.accounts.roles import Role
from bovenwater.audit.purposes import Purpose
from bovenwater.kompas import learning, selectors, training, training_services
from bovenwater.kompas.content import ContentError
from bovenwater.kompas.models import Certificate, QuizAttempt

pytestmark = pytest.mark.django_db
PATH = "beleidsmedewerker"


def actor_of(membership: Membership) -> Actor:
    return Actor(user=membership.user, membership=membership)


def _take(actor: Actor, item: learning.Path, module: str | None, right: int) -> QuizAttempt:
    drawn = learning.draw(
        learning.pool_for(item, module), learning.size_for(item, module), random.Random(7)
    )
    answers = {d.question.id: (0 if i < right else 1) for i, d in enumerate(drawn)}
    attempt, _marked = training_services.quiz_submit(
        actor=actor, item=item, module=module, drawn=drawn, answers=answers
    )
    return attempt


def test_every_path_has_modules_with_banks_larger_than_the_check() -> None:
    roles = {p.slug for p in learning.paths()}
    assert {"baliemedewerker", "wijkteam", "toezichthouder", "beleidsmedewerker"} <= roles
    assert "zorgcoordinator" in roles
    for item in learning.paths():
        assert item.pass_mark == 70
        for module in item.modules:
            assert len(learning.banks()[module]) > learning.CHECK_SIZE >= 5


def test_a_check_draws_different_questions_in_varied_order() -> None:
    item = learning.path(PATH)
    assert item is not None
    draws = {
        tuple(
            d.question.id
            for d in learning.draw(learning.pool_for(item, item.modules[0]), 5, random.Random(seed))
        )
        for seed in range(20)
    }
    assert len(draws) > 5
    assert len({frozenset(d) for d in draws}) > 1  # not only reordered: other questions too


def test_pass_mark_is_integer_percent() -> None:
    assert learning.passed(4, 5, 70) and not learning.passed(3, 5, 70)
    assert learning.passed(7, 10, 70) and not learning.passed(6, 10, 70)


def test_completion_requires_passing_and_certificate_is_refused_below_the_pass_mark(
    make_member: Callable[..., Membership],
) -> None:
    learner = actor_of(make_member(role=Role.POLICY_OFFICER))
    item = learning.path(PATH)
    assert item is not None
    low = _take(learner, item, item.modules[0], right=3)  # 60 %
    assert not low.passed
    with pytest.raises(ValidationError):
        training_services.certificate_issue(actor=learner, item=item)
    with pytest.raises(ValidationError):  # final only after every module
        _take(learner, item, None, right=10)
    for module in item.modules:
        assert _take(learner, item, module, right=4).passed  # 80 %
    failed_final = _take(learner, item, None, right=6)  # 60 %
    assert not failed_final.passed
    with pytest.raises(ValidationError):
        training_services.certificate_issue(actor=learner, item=item)
    assert Certificate.objects.count() == 0
    assert _take(learner, item, None, right=7).passed  # exactly 70 %
    certificate = training_services.certificate_issue(actor=learner, item=item)
    assert re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}", certificate.code)
    assert training_services.certificate_issue(actor=learner, item=item).pk == certificate.pk


def test_a_higher_pass_mark_per_path_is_applied(make_member: Callable[..., Membership]) -> None:
    learner = actor_of(make_member())
    item = learning.path(PATH)
    assert item is not None
    strict = learning.Path(**{**item.__dict__, "pass_mark": 90})
    attempt = _take(learner, strict, strict.modules[0], right=4)  # 80 % < 90 %
    assert not attempt.passed


def test_checks_refuse_questions_from_another_module(
    make_member: Callable[..., Membership],
) -> None:
    learner = actor_of(make_member())
    item = learning.path(PATH)
    assert item is not None
    other = learning.draw(learning.banks()["zorg-en-opvang"], 5, random.Random(1))
    with pytest.raises(ValidationError):
        training_services.quiz_submit(
            actor=learner,
            item=item,
            module=item.modules[0],
            drawn=other,
            answers={d.question.id: 0 for d in other},
        )
    assert QuizAttempt.objects.count() == 0


def _pass_everything(client: Client, slug: str) -> None:
    """Walk a path through the web: every check and the final, answering from the bank."""
    item = learning.path(slug)
    assert item is not None
    for module in [*item.modules, None]:
        url = (
            f"/kompas/training/{slug}/toets/{module}/"
            if module
            else f"/kompas/training/{slug}/eindtoets/"
        )
        page = client.get(url).content.decode()
        token = re.search(r'name="toets" value="([^"]+)"', page)
        assert token is not None
        ids = re.findall(r'name="q-([0-9a-f]{10})"', page)
        answers = {f"q-{qid}": "0" for qid in set(ids)}
        result = client.post(url, {"toets": token.group(1), **answers}).content.decode()
        assert 'data-testid="quiz-result"' in result and "Gehaald" in result


def test_the_web_path_from_start_to_a_verifiable_certificate(
    make_member: Callable[..., Membership], login_as: Callable[[Membership], Client]
) -> None:
    member = make_member(role=Role.POLICY_OFFICER)
    client = login_as(member)
    assert client.get(f"/kompas/training/{PATH}/certificaat/").status_code == 302
    assert client.get(f"/kompas/training/{PATH}/eindtoets/").status_code == 302
    _pass_everything(client, PATH)
    response = client.get(f"/kompas/training/{PATH}/certificaat/")
    assert response["Content-Type"] == "application/pdf"
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    certificate = Certificate.objects.get()
    assert certificate.code in text and member.user.display_name in text
    # public: no login, only name, path, date and validity
    public = Client().get(f"/kompas/verificatie/{certificate.code}/")
    page = public.content.decode()
    assert public.status_code == 200
    assert "Geldig" in page and member.user.display_name in page
    assert "Leerroute beleidsmedewerker" in page
    assert member.user.username not in page and member.organisation.name not in page
    assert Client().get("/kompas/verificatie/ABCD-EFGH-JKLM/").status_code == 404
    assert Client().get(f"/kompas/verificatie/?code={certificate.code.lower()}").status_code == 200


def test_manager_sees_completion_and_dates_not_answers_and_can_revoke(
    make_member: Callable[..., Membership], login_as: Callable[[Membership], Client]
) -> None:
    learner = make_member(role=Role.SIGNALLER)
    manager = make_member(role=Role.ADMINISTRATOR, organisation=learner.organisation)
    outsider = make_member(role=Role.ADMINISTRATOR)
    client = login_as(learner)
    _pass_everything(client, "baliemedewerker")
    client.get("/kompas/training/baliemedewerker/certificaat/")
    certificate = Certificate.objects.get()
    question = learning.banks()["wat-is-mensenhandel"][0]
    page = login_as(manager).get("/kompas/training/team/").content.decode()
    assert learner.user.display_name in page and "5 / 5" in page
    assert question.text not in page and question.options[0] not in page
    assert learner.user.display_name not in Client().get("/kompas/training/team/").content.decode()
    other = login_as(outsider)
    assert learner.user.display_name not in other.get("/kompas/training/team/").content.decode()
    assert other.post(f"/kompas/training/team/{certificate.code}/intrekken/").status_code == 404
    signaller = login_as(make_member(role=Role.SIGNALLER, organisation=learner.organisation))
    assert signaller.get("/kompas/training/team/").status_code == 403
    login_as(manager).post(f"/kompas/training/team/{certificate.code}/intrekken/")
    assert (
        "Ingetrokken" in Client().get(f"/kompas/verificatie/{certificate.code}/").content.decode()
    )


def test_the_team_overview_reads_progress_in_two_queries_with_the_same_result(
    make_member: Callable[..., Membership], django_assert_max_num_queries: Callable[..., Any]
) -> None:
    item = learning.path(PATH)
    assert item is not None
    done = actor_of(make_member(role=Role.POLICY_OFFICER))
    organisation = done.organisation
    half = actor_of(make_member(role=Role.POLICY_OFFICER, organisation=organisation))
    for module in item.modules:
        _take(done, item, module, right=2)  # failed first, then passed: the pass counts
        _take(done, item, module, right=5)
    _take(done, item, None, right=10)
    training_services.certificate_issue(actor=done, item=item)
    _take(half, item, item.modules[0], right=4)
    _take(half, item, item.modules[1], right=1)
    for name, actor in (("Jansen", done), ("de Vries", half)):
        User.objects.filter(pk=actor.user.pk).update(last_name=name)
        actor.user.refresh_from_db()
    manager = actor_of(make_member(role=Role.ADMINISTRATOR, organisation=organisation))
    with django_assert_max_num_queries(5):  # memberships, attempts, certificates, log
        rows = selectors.team_progress_for_actor(actor=manager, purpose=Purpose.KOMPAS)
    by_name = {row.name: row.progress for row in rows}
    for actor in (done, half):
        one_by_one = [selectors.path_progress(actor.user.pk, p) for p in learning.paths()]
        assert by_name[actor.user.display_name] == one_by_one
        assert selectors.progress_of_actor(actor=actor) == one_by_one
    assert [p.modules_done for p in by_name[half.user.display_name] if p.path.slug == PATH] == [1]


# -- branching scenarios -------------------------------------------------------------------


def test_at_least_twelve_scenarios_with_four_to_eight_decisions_all_reachable_all_ending() -> None:
    items = training.scenarios()
    assert len(items) >= 12
    for item in items:
        assert 4 <= item.decisions <= 8
        training.check_graph(item)  # reachable, no cycles, known nodes
        paths = training.all_paths(item)
        assert len(paths) > 1  # it branches
        assert len({tuple(p) for p in paths}) == len(paths)
        for path in paths:
            assert training.replay(item, path).finished
        # the choices change what comes next somewhere
        assert any(len({o.next for o in n.options}) > 1 for n in item.nodes.values())


def test_feedback_never_contradicts_its_verdict() -> None:
    praise = re.compile(r"^(Goed|Klopt|Juist|Terecht)\b")
    blame = re.compile(r"^(Niet goed|Nee|Fout|Onjuist)\b")
    for item in training.scenarios():
        for node in item.nodes.values():
            for option in node.options:
                assert option.feedback and option.consequence
                if option.verdict == "goed":
                    assert not blame.match(option.feedback), (item.slug, option.text)
                else:
                    assert not praise.match(option.feedback), (item.slug, option.text)


def test_a_cycle_or_unreachable_node_fails_to_load() -> None:
    item = training.scenarios()[0]
    start = item.nodes[item.start]
    looping = training.Option(**{**start.options[0].__dict__, "next": item.start})
    broken = training.Scenario(
        **{
            **item.__dict__,
            "nodes": {
                **item.nodes,
                item.start: training.Node(
                    **{**start.__dict__, "options": (looping, *start.options[1:])}
                ),
            },
        }
    )
    with pytest.raises(ContentError):
        training.check_graph(broken)


def test_playing_a_scenario_in_the_browser_form_shows_consequences_and_scores(
    make_member: Callable[..., Membership], login_as: Callable[[Membership], Client]
) -> None:
    client = login_as(make_member())
    item = training.scenario("loverboy")
    assert item is not None
    page = client.post(
        "/kompas/casus/loverboy/", {"action": "choose", "pad": "", "keuze": "b"}
    ).content.decode()
    assert "Geen goede keuze." in page
    assert "Lisa loopt boos de klas uit" in page  # the consequence of that choice
    assert "Hoe herstelt u de situatie?" in page  # the branch it leads to
    empty = client.post(
        "/kompas/casus/loverboy/", {"action": "choose", "pad": "s1:b"}
    ).content.decode()
    assert "Kies wat u doet." in empty
    path = next(p for p in training.all_paths(item) if p[0] == "a")
    done = ""
    for index in range(len(path)):
        done = client.post(
            "/kompas/casus/loverboy/",
            {
                "action": "choose",
                "pad": ",".join(f"x:{k}" for k in path[:index]),
                "keuze": path[index],
            },
        ).content.decode()
    assert 'data-testid="scenario-end"' in done
    run = training.replay(item, path)
    assert f"Uw score: {run.points} van {run.max_points} punten" in done
    tampered = client.post(
        "/kompas/casus/loverboy/", {"action": "choose", "pad": "x:z", "keuze": "a"}
    )
    assert "Die keuze past niet bij deze casus." in tampered.content.decode()
