"""The first-contact checker finds each kind of defect it is meant to find, and only those."""

from __future__ import annotations

import pytest
from tests.core.crawl import page_defects


@pytest.mark.parametrize(
    ("html", "language", "kind"),
    [
        ("<p>Indicator THIRD_PERSON</p>", "nl", "code (UPPER_SNAKE)"),
        ("<td>privacy_officer</td>", "nl", "code (snake_case)"),
        ("<td>kompas.action_item:organisation:31</td>", "nl", "code (app.model)"),
        ("<li>2026-12-07T10:00 gezien</li>", "nl", "ISO date"),
        ("<li>Termijn 2026-12-07</li>", "en", "ISO date"),
        ("<h1>Case scenarios</h1>", "nl", "word of the other language (Case)"),
        ("<button>Opslaan</button>", "en", "word of the other language (Opslaan)"),
        ("<p>Totaal 1,000</p>", "nl", "number in the other language's format"),
        ("<p>risicoscore 0.93</p>", "nl", "number in the other language's format"),
        ("<p>Total 1.064</p>", "en", "number in the other language's format"),
        ("<p>Totaal 11500 registraties</p>", "nl", "number without digit grouping"),
        ('<p title="MODEL NAME">x</p>', "nl", "word of the other language (NAME)"),
        ("<td>GEN-FALSE-PROMISES</td>", "nl", "code (UPPER-KEBAB)"),
    ],
)
def test_the_checker_finds_a_planted_defect(html: str, language: str, kind: str) -> None:
    defects, _links = page_defects(f"<html><body>{html}</body></html>", language)
    assert kind in {defect.kind for defect in defects}


@pytest.mark.parametrize(
    ("html", "language"),
    [
        ("<p>Totaal 1.150 registraties op 7 december 2026; score 0,93</p>", "nl"),
        ("<p>Total 1,150 registrations on 7 December 2026; score 0.93</p>", "en"),
        ('<p>Bron: <cite lang="en">The global report</cite></p>', "nl"),
        ('<p>Signal text: <span translate="no">Zij werkt niet alleen</span></p>', "en"),
        ("<script>const snake_case = 'THE_CODE';</script><p>Klaar</p>", "nl"),
        ("<p>Kolom <code>record_id</code> in bron CVDR726712</p>", "nl"),
        ("<p>Getest op WCAG 2.1 niveau AA; de richtlijnen (WCAG) 2.1</p>", "nl"),
        ("<p>Open ma–vr 9.00–17.00, controle om 03.15 uur</p>", "nl"),
        ("<p>Noodtoegang (break-the-glass) gebruikt</p>", "nl"),
    ],
)
def test_the_checker_accepts_clean_pages(html: str, language: str) -> None:
    defects, _links = page_defects(f"<html><body>{html}</body></html>", language)
    assert defects == []
