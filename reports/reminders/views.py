"""The user's notifications (the bell's list, mark as read), their choice about reminders, and for the staff the
messages that could not be delivered."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from reports.models import Notification
from reports.reminders import log, notifications, undeliverable
from units import permissions

PAGE = 25


@login_required
@require_safe
def notification_list(request):
    unread_only = request.GET.get("unread") == "1"
    qs = Notification.objects.visible_to(request.user)
    if unread_only:
        qs = qs.unread()
    page = Paginator(qs, PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "reports/notifications.html",
        {
            "page": page,
            "unread_only": unread_only,
            "nav_section": "notifications",
            "is_staff_of_units": permissions.is_manager(request.user),
        },
    )


@login_required
@require_POST
def notification_read(request, pk: int):
    """Mark one of the user's own notifications read (someone else's is a 404), then open it or go back."""
    notification = get_object_or_404(Notification.objects.visible_to(request.user), pk=pk)
    notifications.notification_mark_read(user=request.user, notification=notification)
    target = notification.url if request.POST.get("open") else request.POST.get("next", "")
    if not target or not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        target = "reports:notifications"
    return redirect(target)


@login_required
@require_POST
def notification_read_all(request):
    count = notifications.notification_mark_all_read(user=request.user)
    messages.success(request, _("%(n)d notification(s) marked as read.") % {"n": count})
    return redirect("reports:notifications")


@login_required
@require_POST
def reminder_preference(request):
    mute = request.POST.get("mute_reminders") in ("on", "1", "true")
    notifications.preference_set(user=request.user, mute_reminders=mute)
    if mute:
        messages.success(request, _("Reminders are off for you. Escalations are still sent."))
    else:
        messages.success(request, _("Reminders are on for you."))
    return redirect("api:profile")


@login_required
@require_safe
def undeliverable_list(request):
    """The messages that could not be delivered in the staff's units, with the reason and a button to resend."""
    qs = undeliverable.undeliverable_for(request.user)
    if qs is None:
        raise Http404
    page = Paginator(qs, PAGE * 2).get_page(request.GET.get("page"))
    for delivery in page.object_list:
        delivery.message = log.stage_message(delivery.stage)
    return render(
        request,
        "reports/undeliverable.html",
        {"page": page, "waiting": undeliverable.waiting_count(request.user), "nav_section": "notifications"},
    )


@login_required
@require_POST
def undeliverable_resend(request, pk: int):
    qs = undeliverable.deliveries_visible_to(request.user)
    if qs is None:
        raise Http404
    delivery = get_object_or_404(qs, pk=pk)
    try:
        undeliverable.delivery_resend(actor=request.user, delivery=delivery, email=request.POST.get("email", ""))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The message to %(name)s is queued again.") % {"name": delivery.name})
    return redirect("reports:undeliverable")
