"""``{% rowloop %}`` writes exactly what ``{% for %}`` writes, and refuses what it cannot."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

import pytest
from django.template import Context, Engine, TemplateSyntaxError
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

ENGINE = Engine(libraries={"bw_rows": "bovenwater.core.templatetags.bw_rows"})


@dataclass
class Row:
    url: str
    name: str


def both(body: str, context: dict[str, Any], *, empty: str = "") -> tuple[str, str]:
    """The same body rendered by ``{% for %}`` and by ``{% rowloop %}``."""
    tail = f"{{% empty %}}{empty}" if empty else ""
    plain = ENGINE.from_string(f"{{% for r in rows %}}{body}{tail}{{% endfor %}}")
    fast = ENGINE.from_string(
        f"{{% load bw_rows %}}{{% rowloop r in rows %}}{body}{tail}{{% endrowloop %}}"
    )
    return plain.render(Context(context)), fast.render(Context(context))


BODY = '<tr><td><a href="{{ r.url }}">{{ r.name }}</a></td><td>{{ r.name }}</td><td>{{ label }}</td></tr>\n'


@pytest.mark.parametrize(
    "rows",
    [
        [
            {"url": "/c/1/", "name": "plain"},
            {"url": "/c/2/?a=1&b=2", "name": "<b>\"Ann\" & 'Bo'</b>"},
        ],
        [{"url": "/c/3/", "name": mark_safe("<em>safe</em>")}],  # already escaped: kept
        [{"url": "/c/4/", "name": 1234567}, {"url": "/c/5/", "name": None}],  # not text
        [{"url": "/c/6/", "name": datetime.date(2026, 12, 7)}, {"url": "/c/7/", "name": 1.5}],
        [{"url": "/c/8/", "name": gettext_lazy("Casussen")}],  # a lazy translation
        [{"url": "/c/9/"}],  # no such key: as Django renders a missing variable
        [Row(url="/c/10/", name="<object>")],  # not a dict
        [{"url": "/c/11/", "name": "x\x00y"}],  # a NUL in a value
        [{"url": "/c/{0}/", "name": "{name} {{ r.url }} {}"}],  # braces in values
    ],
)
def test_rows_are_written_as_for_writes_them(rows: list[Any]) -> None:
    plain, fast = both(BODY, {"rows": rows, "label": "Status <nu>"})
    assert fast == plain
    assert "<b>" not in fast  # escaped as autoescaping does


def test_braces_in_the_template_text_are_written_as_they_are() -> None:
    rows = [{"url": "/c/1/", "name": "{x}"}, {"url": "/c/2/", "name": "a&b"}]
    plain, fast = both('<td data-x="{0}">{{ r.name }}</td>{ }} {}\n', {"rows": rows})
    assert fast == plain
    assert '<td data-x="{0}">{x}</td>{ }} {}\n' in fast


def test_the_same_in_a_template_without_autoescaping() -> None:
    rows = [{"url": "/c/1/", "name": "<b>raw</b>"}]
    plain = ENGINE.from_string(
        "{% autoescape off %}{% for r in rows %}" + BODY + "{% endfor %}{% endautoescape %}"
    ).render(Context({"rows": rows, "label": "<i>"}))
    fast = ENGINE.from_string(
        "{% load bw_rows %}{% autoescape off %}{% rowloop r in rows %}"
        + BODY
        + "{% endrowloop %}{% endautoescape %}"
    ).render(Context({"rows": rows, "label": "<i>"}))
    assert fast == plain
    assert "<b>raw</b>" in fast


def test_a_value_shared_by_all_rows_that_holds_the_marker_falls_back_to_the_plain_loop() -> None:
    plain, fast = both(BODY, {"rows": [{"url": "/1/", "name": "a"}], "label": "a\x00name\x00b"})
    assert fast == plain


@pytest.mark.parametrize("rows", [[], None, "missing"])
def test_no_rows_renders_the_empty_branch(rows: Any) -> None:
    context = {} if rows == "missing" else {"rows": rows}
    plain, fast = both(BODY, context, empty="<p>Geen casussen gevonden.</p>")
    assert fast == plain == "<p>Geen casussen gevonden.</p>"
    assert both(BODY, context) == ("", "")


@pytest.mark.parametrize(
    "body",
    [
        "{% if r.name %}x{% endif %}",  # a tag
        "{{ r.name|upper }}",  # a filter on a row value
        "{{ r.owner.name }}",  # a lookup deeper than one key
        "{{ r }}",  # the row itself
        "{{ forloop.counter }}",  # the loop's counter changes per row
    ],
)
def test_what_it_cannot_write_in_one_pass_is_refused_when_compiled(body: str) -> None:
    with pytest.raises(TemplateSyntaxError):
        ENGINE.from_string("{% load bw_rows %}{% rowloop r in rows %}" + body + "{% endrowloop %}")


def test_the_tag_needs_row_in_rows() -> None:
    with pytest.raises(TemplateSyntaxError):
        ENGINE.from_string("{% load bw_rows %}{% rowloop r of rows %}x{% endrowloop %}")
