"""``/beheer/``: the platform administrator's pages for nationwide configuration.

Only an actor in the *platformbeheerder* role gets in (after password and second
factor, like every page); an organisation's *beheerder* does not. What the platform
administrator may see and change follows from the role
(``accounts.backends.PlatformPermissionBackend``): routing rules, organisations,
shelters and their categories; reference data read only.

Every model registered here, by any app, is wrapped so that each change made through
the admin is written to the processing log in the same transaction: who, when, which
object and every changed field as old → new (purpose *platform_configuration*, under
the platform administrator's organisation, where that organisation's privacy officer
reads it).
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Model, QuerySet
from django.forms import ModelForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from bovenwater.accounts.roles import Permission
from bovenwater.audit.models import Action
from bovenwater.audit.purposes import Purpose
from bovenwater.audit.services import log_processing


def _shown(value: Any) -> Any:
    """A JSON-safe rendering of a field value for the log (ids and plain values)."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, Model):
        return f"{value._meta.label_lower}:{value.pk}"
    if isinstance(value, QuerySet | list | tuple | set):
        return sorted(str(_shown(item)) for item in value)
    return str(value)


def _label(obj: Model) -> str:
    return obj._meta.label_lower


class ConfigChangeLogging(admin.ModelAdmin):  # type: ignore[type-arg]
    """Mixed into every registered ModelAdmin: log each change with old → new values."""

    def _log(
        self, request: HttpRequest, action: Action, obj: Model, details: dict[str, Any]
    ) -> None:
        log_processing(
            actor=getattr(request, "actor", None),
            action=action,
            object_type=_label(obj),
            object_id=str(obj.pk),
            purpose=Purpose.PLATFORM_CONFIGURATION,
            details={"object": str(obj)[:200], **details},
        )

    def save_model(
        self, request: HttpRequest, obj: Any, form: ModelForm[Any], change: bool
    ) -> None:
        request._bovenwater_change = {  # type: ignore[attr-defined]
            name: [_shown(form.initial.get(name)), _shown(form.cleaned_data.get(name))]
            for name in form.changed_data
        }
        super().save_model(request, obj, form, change)

    def save_related(
        self, request: HttpRequest, form: ModelForm[Any], formsets: Any, change: bool
    ) -> None:
        super().save_related(request, form, formsets, change)
        changes = getattr(request, "_bovenwater_change", {})
        self._log(
            request,
            Action.UPDATE if change else Action.CREATE,
            form.instance,
            {"changes": changes},
        )

    def save_formset(
        self, request: HttpRequest, form: ModelForm[Any], formset: Any, change: bool
    ) -> None:
        """Inline rows (a shelter's categories): each added, changed or deleted row."""
        changed = [
            (
                inline.instance,
                inline.instance.pk is None,
                {
                    name: [_shown(inline.initial.get(name)), _shown(inline.cleaned_data.get(name))]
                    for name in inline.changed_data
                },
            )
            for inline in formset.forms
            if inline.has_changed() and not formset._should_delete_form(inline)
        ]
        deleted = [
            inline.instance
            for inline in formset.forms
            if inline.instance.pk is not None and formset._should_delete_form(inline)
        ]
        for obj in deleted:
            self._log(
                request, Action.DELETE, obj, {"of": f"{_label(form.instance)}:{form.instance.pk}"}
            )
        super().save_formset(request, form, formset, change)
        for obj, created, changes in changed:
            self._log(
                request,
                Action.CREATE if created else Action.UPDATE,
                obj,
                {"of": f"{_label(form.instance)}:{form.instance.pk}", "changes": changes},
            )

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        self._log(request, Action.DELETE, obj, {})
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        for obj in queryset:
            self._log(request, Action.DELETE, obj, {})
        super().delete_queryset(request, queryset)


class PlatformAdminSite(admin.AdminSite):
    site_header = "Bovenwater platformbeheer"
    site_title = "Bovenwater"

    def has_permission(self, request: HttpRequest) -> bool:
        actor = getattr(request, "actor", None)
        return actor is not None and actor.has(Permission.MANAGE_PLATFORM)

    def login(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        """No second login form: the platform's own login (password + code) or 403."""
        if getattr(request, "actor", None) is None:
            return redirect("accounts:login")
        return render(request, "403.html", status=403)

    def register(self, model_or_iterable: Any, admin_class: Any = None, **options: Any) -> None:
        base = admin_class or admin.ModelAdmin
        logged = type(base.__name__, (ConfigChangeLogging, base), {"__module__": base.__module__})
        super().register(model_or_iterable, logged, **options)
