"""The periodic report a directive requires of its units while it runs (e.g. quarterly on the QCDC form
while a plan is in effect): the service, its page, and the directive page's panel that lists them.

It lives in ``reports`` because the obligations are the reports' own; the directive's page shows it
through the ``directive_reports`` template tag, so ``directives`` never imports ``reports``.
"""

import datetime
from collections.abc import Iterable

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from directives.forms import ASSIGNABLE_KINDS, DEFAULT_KINDS
from directives.models import Directive, DirectiveEvent
from reports.generation import form_assign
from reports.models import FormAssignment, Obligation, ReportForm
from reports.models.obligations import FILED, overdue_q
from units import permissions, scope
from units.forms import DayField, add_service_errors
from units.models import Unit, User
from units.services import audit_record


@transaction.atomic
def periodic_report_require(
    *,
    actor: User,
    directive: Directive,
    form: ReportForm,
    root: Unit,
    kinds: Iterable[str],
    include_root: bool = False,
    starts_on: datetime.date | None = None,
    ends_on: datetime.date | None = None,
) -> tuple[FormAssignment, int]:
    """Make the units of ``kinds`` under ``root`` report periodically on ``form`` for ``directive``, from
    ``starts_on`` (the directive's effect, else today) until ``ends_on`` (the end of its effect, if any).

    The obligations carry the directive, so the reports name it; the reminders treat them as any other.
    """
    directive = Directive.objects.select_related("owner_unit").get(pk=directive.pk)
    if not permissions.may_require_report(actor, directive):
        raise PermissionDenied(
            _("Only committee staff or administrators of %(unit)s may do this.") % {"unit": directive.owner_unit.name}
        )
    if directive.status != Directive.Status.IN_FORCE:
        raise ValidationError(_("Only a directive in force can require a report; change its status first."))
    if not form.is_periodic or not form.is_active:
        raise ValidationError({"form": _("Choose a periodic form in use.")})
    starts_on = starts_on or directive.effective_from or timezone.localdate()
    ends_on = ends_on if ends_on is not None else directive.effective_to
    assignment, created = form_assign(
        actor=actor,
        form=form,
        root=root,
        kinds=kinds,
        include_root=include_root,
        starts_on=starts_on,
        ends_on=ends_on,
        directive=directive,
    )
    period = f"{starts_on:%d/%m/%Y} – {ends_on:%d/%m/%Y}" if ends_on else f"{starts_on:%d/%m/%Y} –"
    DirectiveEvent.objects.create(
        directive=directive,
        actor=actor if actor.is_authenticated else None,
        kind=DirectiveEvent.Kind.REPORT_REQUIRED,
        changes={
            "form": ["", form.name],
            "under": ["", root.name],
            "period": ["", period],
            "obligations": ["", str(created)],
        },
    )
    audit_record(
        actor=actor,
        action="directive.report_required",
        obj=directive,
        unit=directive.owner_unit,
        summary=_("%(symbol)s requires %(form)s from the units under %(unit)s")
        % {"symbol": directive.symbol, "form": form.name, "unit": root.name},
        data={"form": form.code, "obligations": created},
    )
    return assignment, created


class RequireReportForm(forms.Form):
    """A periodic report the directive asks of its units while it runs."""

    form = forms.ModelChoiceField(label=gettext_lazy("Report form"), queryset=None)
    kinds = forms.MultipleChoiceField(
        label=gettext_lazy("Every unit of these kinds under it"), required=False, widget=forms.CheckboxSelectMultiple
    )
    include_root = forms.BooleanField(label=gettext_lazy("Also the unit itself"), required=False)
    starts_on = DayField(label=gettext_lazy("Owed from"), required=False)
    ends_on = DayField(label=gettext_lazy("Owed until"), required=False)

    def __init__(self, *args, directive: Directive, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["form"].queryset = (
            ReportForm.objects.active().filter(kind=ReportForm.Kind.PERIODIC).order_by("name")
        )
        self.fields["form"].empty_label = gettext_lazy("— choose the form —")
        self.fields["kinds"].choices = [(k, Unit.Kind(k).label) for k in ASSIGNABLE_KINDS]
        if not self.is_bound:
            self.initial.setdefault("kinds", DEFAULT_KINDS)
            self.initial.setdefault("starts_on", directive.effective_from)
            self.initial.setdefault("ends_on", directive.effective_to)

    def clean(self):
        data = super().clean()
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", gettext_lazy("The end cannot come before the start."))
        return data


@login_required
def require_report_page(request, pk: int):
    """Ask the directive's units for a periodic report on a chosen form while it runs."""
    user = request.user
    directive = get_object_or_404(Directive.objects.visible_to(user).select_related("owner_unit", "doc_type"), pk=pk)
    if not permissions.may_require_report(user, directive):
        raise PermissionDenied(
            _("Only committee staff or administrators of %(unit)s may do this.") % {"unit": directive.owner_unit.name}
        )
    root = directive.owner_unit
    form = RequireReportForm(request.POST or None, directive=directive)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            _row, created = periodic_report_require(
                actor=user,
                directive=directive,
                form=data["form"],
                root=root,
                kinds=data["kinds"],
                include_root=data["include_root"],
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                ngettext(
                    "%(form)s is now required: %(n)d report is owed so far.",
                    "%(form)s is now required: %(n)d reports are owed so far.",
                    created,
                )
                % {"form": data["form"].name, "n": created},
            )
            return redirect(directive)
    return render(
        request,
        "reports/directive_require_report.html",
        {"form": form, "directive": directive, "root": root, "unit_kinds": Unit.Kind, "nav_section": "directives"},
    )


def panel(directive: Directive, user) -> dict:
    """The periodic reports ``directive`` requires, and how many of them the user's units owe and have filed
    (two queries)."""
    rows = list(FormAssignment.objects.filter(directive=directive).select_related("form", "root").order_by("pk"))
    counts = {"owed": 0, "filed": 0, "overdue": 0}
    q = scope.in_scope_q(user, "unit__path")
    if rows and q is not None:
        counts = Obligation.objects.filter(q, directive=directive).aggregate(
            owed=Count("id"),
            filed=Count("id", filter=Q(status__in=FILED)),
            overdue=Count("id", filter=overdue_q(timezone.localdate())),
        )
    for row in rows:
        row.kind_labels = [str(Unit.Kind(k).label) for k in row.kinds if k in Unit.Kind.values]
    may_require = permissions.may_require_report(user, directive) and directive.status == Directive.Status.IN_FORCE
    return {"directive": directive, "rows": rows, "may_require_report": may_require, **counts}
