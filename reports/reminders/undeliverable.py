"""The messages that could not be delivered, for the committee staff of the units concerned, and sending one
again: atomic and recorded with who and when, like every change."""

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from reports.models import Delivery
from units import permissions, scope
from units.services import audit_record


def deliveries_visible_to(user):
    """Deliveries of the obligations of units within the user's staff scope; None if they are not staff."""
    q = scope.in_scope_q(user, "obligation__unit__path", roles=permissions.MANAGERS)
    return None if q is None else Delivery.objects.filter(q)


def undeliverable_for(user):
    qs = deliveries_visible_to(user)
    if qs is None:
        return None
    return (
        qs.filter(status=Delivery.Status.FAILED)
        .select_related("obligation__unit", "obligation__form", "stage")
        .order_by("-failing_since", "-created_at", "-id")
    )


def waiting_count(user) -> int:
    """E-mails the mail server did not take, still to be tried again (not undeliverable, not lost)."""
    qs = deliveries_visible_to(user)
    if qs is None:
        return 0
    return qs.filter(status=Delivery.Status.PENDING, failing_since__isnull=False).count()


@transaction.atomic
def delivery_resend(*, actor, delivery: Delivery, email: str = "") -> Delivery:
    """Put an undeliverable message back in the queue, to ``email`` if given (a corrected address)."""
    delivery = Delivery.objects.select_for_update().select_related("obligation__unit").get(pk=delivery.pk)
    if delivery.status != Delivery.Status.FAILED:
        raise ValidationError(_("This message is not undeliverable: it was sent or is still being tried."))
    email = email.strip()
    if delivery.channel == Delivery.Channel.EMAIL:
        if email:
            validate_email(email)
        elif not delivery.email:
            raise ValidationError(_("Give an e-mail address to send this message to."))
    before = {"email": delivery.email, "failure": delivery.failure, "error": delivery.error[:200]}
    delivery.email = email or delivery.email
    delivery.status = Delivery.Status.PENDING
    delivery.failure = ""
    delivery.error = ""
    delivery.failing_since = None
    delivery.next_attempt_at = None
    delivery.enqueued_at = None
    delivery.save(
        update_fields=["email", "status", "failure", "error", "failing_since", "next_attempt_at", "enqueued_at"]
    )
    audit_record(
        actor=actor,
        action="reminders.resent",
        obj=delivery,
        unit=delivery.obligation.unit,
        summary=_("Message to %(name)s sent again (%(email)s)") % {"name": delivery.name, "email": delivery.email},
        data={**before, "resent_at": timezone.now().isoformat(), "to": delivery.email},
    )
    obligation_id = delivery.obligation_id

    def queue():
        from reports.reminders.sweep import publish_unsent

        publish_unsent(obligation_ids=[obligation_id])

    transaction.on_commit(queue)
    return delivery
