from django.db import models
from django.utils.translation import gettext_lazy as _

# The roll-ups' links to their unit, form or indicator: rows derived from the obligations (``rebuild_figures``
# writes them all again), deleted with what they count by the ORM, and led by those columns in their unique
# key or their index by period. The database neither checks each of their millions of rows against the unit
# and the form at every commit, which took half the time of a rebuild, nor keeps a second index of them.
DERIVED = {"on_delete": models.CASCADE, "db_constraint": False, "db_index": False}


class FigureTally(models.Model):
    """The counts the dashboards add up, over the obligations of one unit, form, period end and due date.

    An *own* row (``subtree`` false) counts the unit's own obligations; a *subtree* row everything that
    counts in the unit's figures: its own, its subtree's and those of the former units merged into them
    (``Unit.figures_unit``). Kept in the same transaction as every change that moves them
    (``reports.tallies``); ``rebuild_figures`` writes them again from the obligations.
    """

    subtree = models.BooleanField(_("whole subtree"))
    unit = models.ForeignKey("units.Unit", verbose_name=_("unit"), related_name="tallies", **DERIVED)
    form = models.ForeignKey("reports.ReportForm", verbose_name=_("form"), related_name="+", **DERIVED)
    period_end = models.DateField(_("data until"))
    due_date = models.DateField(_("due date"))
    expected = models.PositiveIntegerField(_("expected"), default=0)
    received = models.PositiveIntegerField(_("received"), default=0)
    filed = models.PositiveIntegerField(_("filed now"), default=0)
    on_time = models.PositiveIntegerField(_("on time"), default=0)
    late = models.PositiveIntegerField(_("late"), default=0)
    accepted = models.PositiveIntegerField(_("accepted"), default=0)
    accepted_on_time = models.PositiveIntegerField(_("accepted by the due date"), default=0)
    returned = models.PositiveIntegerField(_("returned"), default=0)
    returns = models.PositiveIntegerField(_("times returned"), default=0)
    days_late = models.PositiveIntegerField(_("working days late"), default=0)
    not_filed = models.PositiveIntegerField(_("not filed now"), default=0)
    never_filed = models.PositiveIntegerField(_("never filed"), default=0)
    late_or_returned = models.PositiveIntegerField(_("late or returned"), default=0)

    class Meta:
        verbose_name = _("figure tally")
        verbose_name_plural = _("figure tallies")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "subtree", "form", "period_end", "due_date"], name="figure_tally_once"
            )
        ]
        indexes = [models.Index(fields=["form", "period_end"], name="figure_tally_by_period")]

    def __str__(self) -> str:
        return f"{self.unit_id} · {self.form_id} · {self.period_end}"


class IndicatorTally(models.Model):
    """The sum and the number of the values of one indicator in the filed reports of one unit for the
    periods ending on one day: own (``subtree`` false) or of everything counting in the unit's figures."""

    subtree = models.BooleanField(_("whole subtree"))
    unit = models.ForeignKey("units.Unit", verbose_name=_("unit"), related_name="indicator_tallies", **DERIVED)
    indicator = models.ForeignKey("reports.Indicator", verbose_name=_("indicator"), related_name="+", **DERIVED)
    period_end = models.DateField(_("data until"))
    total = models.DecimalField(_("total"), max_digits=24, decimal_places=4, default=0)
    count = models.PositiveIntegerField(_("reports"), default=0)

    class Meta:
        verbose_name = _("indicator tally")
        verbose_name_plural = _("indicator tallies")
        constraints = [
            models.UniqueConstraint(fields=["unit", "subtree", "indicator", "period_end"], name="indicator_tally_once")
        ]
        indexes = [models.Index(fields=["indicator", "period_end"], name="indicator_tally_by_period")]

    def __str__(self) -> str:
        return f"{self.unit_id} · {self.indicator_id} · {self.period_end}"
