from django import template

from reports.reminders.notifications import unread_count

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_notifications(context) -> int:
    """The bell's badge: one COUNT on the (user, read_at) index, once per request."""
    request = context.get("request")
    user = context.get("user")
    if user is None or not user.is_authenticated:
        return 0
    if request is not None and hasattr(request, "_qcdc_unread"):
        return request._qcdc_unread
    count = unread_count(user)
    if request is not None:
        request._qcdc_unread = count
    return count
