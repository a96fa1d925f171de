import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from units import signals, tree
from units.querysets import UnitQuerySet
from units.text import clean_line, name_identity


class Unit(models.Model):
    """One administrative unit, Party organisation, agency or community, current or historic.

    ``path`` is the materialised chain of ids from the root (``/1/27/9367/``), so a subtree is one
    indexed prefix match whatever its depth or size (``units.tree`` keeps it).
    """

    class Kind(models.TextChoices):
        NATION = "nation", _("Nation")
        PROVINCE = "province", _("Province")
        CITY = "city", _("Centrally-run city")
        DISTRICT = "district", _("District level (historic)")
        COMMUNE = "commune", _("Commune")
        WARD = "ward", _("Ward")
        SPECIAL_ZONE = "special_zone", _("Special zone")
        VILLAGE = "village", _("Village")
        RESIDENTIAL_GROUP = "residential_group", _("Residential group")
        PARTY = "party", _("Party organisation")
        AGENCY = "agency", _("Agency")
        ENTERPRISE = "enterprise", _("Enterprise")
        MASS_ORGANISATION = "mass_organisation", _("Mass organisation")

    PROVINCIAL_KINDS = (Kind.PROVINCE, Kind.CITY)
    COMMUNAL_KINDS = (Kind.COMMUNE, Kind.WARD, Kind.SPECIAL_ZONE)
    COMMUNITY_KINDS = (Kind.VILLAGE, Kind.RESIDENTIAL_GROUP)
    ORGANISATION_KINDS = (Kind.PARTY, Kind.AGENCY, Kind.ENTERPRISE, Kind.MASS_ORGANISATION)

    class CodeScheme(models.TextChoices):
        NONE = "", _("No official code")
        CURRENT = "2025", _("Official list from 01/07/2025")
        LEGACY = "legacy", _("Official list before 01/07/2025")
        LOCAL = "local", _("Local code")

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    type_name = models.CharField(
        _("official type"), max_length=60, blank=True, help_text=_("As in the official list, e.g. Thị xã, Phường.")
    )
    code = models.CharField(_("official code"), max_length=20, blank=True)
    code_scheme = models.CharField(_("code list"), max_length=10, choices=CodeScheme.choices, blank=True)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent unit"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    path = models.CharField(_("tree path"), max_length=255, editable=False, default="")
    depth = models.PositiveSmallIntegerField(_("depth"), editable=False, default=0)
    opened_on = models.DateField(_("opening date"), null=True, blank=True)
    closed_on = models.DateField(_("closing date"), null=True, blank=True)
    successors = models.ManyToManyField(
        "self",
        through="UnitSuccession",
        through_fields=("predecessor", "successor"),
        symmetrical=False,
        related_name="predecessors",
        verbose_name=_("successors"),
        blank=True,
    )
    figures_unit = models.ForeignKey(
        "self",
        verbose_name=_("reports count in"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("The unit this one was finally merged into; empty: its own figures."),
    )
    address = models.CharField(_("address"), max_length=255, blank=True)
    search_key = models.CharField(_("search key"), max_length=255, editable=False, default="", db_index=True)
    sort_key = models.CharField(_("sort key"), max_length=610, editable=False, default="")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = UnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["path"]
        constraints = [
            models.UniqueConstraint(
                fields=["code_scheme", "code"], condition=~Q(code=""), name="unit_code_unique_per_list"
            ),
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True)
                | Q(opened_on__isnull=True)
                | Q(closed_on__gte=models.F("opened_on")),
                name="unit_closes_after_opening",
            ),
        ]
        indexes = [
            models.Index(fields=["path"], name="unit_path_prefix", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["parent", "sort_key"], name="unit_children_in_order"),
            # The former units alone: whether a scope leaves any of them out is asked on every request,
            # and must not read the whole list of units to answer.
            models.Index(fields=["path"], name="unit_former_paths", condition=Q(closed_on__isnull=False)),
            # The open units of a subtree by kind, read from the index alone (the communes a national page
            # pairs with the registers' rows: 3,321 of some 14,000 units once the former ones are imported).
            models.Index(
                fields=["path", "kind"],
                name="unit_open_paths",
                opclasses=["varchar_pattern_ops", "varchar_ops"],
                include=["id"],
                condition=Q(closed_on__isnull=True),
            ),
            # Each unit's place by its id, read from the index alone: the dashboard's overdue and late lists
            # order the thousand reports of a due date by their units' places to keep ten.
            models.Index(fields=["id"], name="unit_places", include=["sort_key"]),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        # Whoever saves (form, import, admin): names are stored in NFC without control characters.
        self.name = clean_line(self.name)
        self.address = clean_line(self.address) if self.address else self.address
        tree.derive_keys(self)
        renamed = self.pk is not None and self.__dict__.get("_loaded_sort_key") != self.sort_key
        super().save(*args, **kwargs)
        tree.save_place(self)  # a moved unit carries its whole subtree, whoever saved (service or admin)
        self._loaded_sort_key = self.sort_key
        if renamed:
            signals.sort_keys_changed.send(sender=Unit, unit_ids=[self.pk])

    def get_absolute_url(self) -> str:
        return reverse("units:unit_detail", args=[self.pk])

    @classmethod
    def from_db(cls, db, field_names, values):
        unit = super().from_db(db, field_names, values)
        unit._loaded_sort_key = unit.__dict__.get("sort_key")  # None when the query deferred it
        return unit

    def clean(self):
        super().clean()
        self.name = clean_line(self.name)
        if not self.parent_id or not self.name:
            return
        same = name_identity(self.name)
        siblings = Unit.objects.filter(parent_id=self.parent_id, kind=self.kind, closed_on__isnull=True).exclude(
            pk=self.pk
        )
        if self.closed_on is None and any(name_identity(n) == same for n in siblings.values_list("name", flat=True)):
            raise ValidationError(
                {"name": _("There is already a unit of this kind called “%(name)s” here.") % {"name": self.name}}
            )

    @property
    def ancestor_ids(self) -> list[int]:
        return tree.ancestor_ids_of(self.path)

    def ancestors(self) -> "list[Unit]":
        """The chain from the root down to the parent, in one query."""
        ids = self.ancestor_ids
        by_id = Unit.objects.in_bulk(ids)
        return [by_id[i] for i in ids if i in by_id]

    def is_open_on(self, day: datetime.date) -> bool:
        return (self.opened_on is None or self.opened_on <= day) and (self.closed_on is None or self.closed_on > day)

    @property
    def is_closed(self) -> bool:
        return self.closed_on is not None and self.closed_on <= datetime.date.today()


class UnitSuccession(models.Model):
    """One link of history: ``predecessor`` was merged into, or split into, ``successor``."""

    class Kind(models.TextChoices):
        MERGED = "merged", _("merged into")
        SPLIT = "split", _("split into")
        RENAMED = "renamed", _("renamed to")

    predecessor = models.ForeignKey(
        Unit, verbose_name=_("former unit"), on_delete=models.CASCADE, related_name="succession_links_out"
    )
    successor = models.ForeignKey(
        Unit, verbose_name=_("successor unit"), on_delete=models.CASCADE, related_name="succession_links_in"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.MERGED)
    effective_on = models.DateField(_("effective date"), null=True, blank=True)

    class Meta:
        verbose_name = _("unit succession")
        verbose_name_plural = _("unit successions")
        constraints = [
            models.UniqueConstraint(fields=["predecessor", "successor"], name="unit_succession_unique"),
            models.CheckConstraint(condition=~Q(predecessor=models.F("successor")), name="unit_succession_not_self"),
        ]

    def __str__(self) -> str:
        return f"{self.predecessor} → {self.successor}"

    def save(self, *args, **kwargs):
        # Whoever links (service, import, admin): where the former unit's reports count is resolved now.
        from units.history import history_changing

        with history_changing():
            super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        from units.history import history_changing

        with history_changing():
            return super().delete(*args, **kwargs)
