"""The profile page: the user's reminder preference and API tokens, changed by the user alone."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from api import services
from api.forms import TokenForm
from api.models import ApiToken
from reports.models import ReminderPreference


@never_cache
@login_required
def profile(request):
    """GET lists the tokens; POST makes one and shows its secret on this one response only (never stored)."""
    form = TokenForm(request.POST or None)
    secret = None
    if request.method == "POST" and form.is_valid():
        try:
            days = form.cleaned_data.get("expires_in")
            token, secret = services.token_create(
                user=request.user,
                name=form.cleaned_data["name"],
                expires_at=timezone.now() + datetime.timedelta(days=days) if days else None,
            )
        except ValidationError as exc:
            form.add_error("name" if hasattr(exc, "error_dict") else None, exc.messages)
        else:
            form = TokenForm()
    services.tokens_revoke_stale(user=request.user)
    tokens = ApiToken.objects.filter(user=request.user).order_by("revoked_at", "-created_at", "-id")
    preference = ReminderPreference.objects.filter(user=request.user).first()
    return render(
        request,
        "api/profile.html",
        {
            "form": form,
            "secret": secret,
            "tokens": tokens,
            "max_tokens": services.MAX_ACTIVE_TOKENS,
            "mute_reminders": bool(preference and preference.mute_reminders),
            "nav_section": "profile",
        },
    )


@login_required
@require_POST
def token_revoke(request, pk: int):
    token = get_object_or_404(ApiToken.objects.filter(user=request.user), pk=pk)  # someone else's token: 404
    services.token_revoke(user=request.user, token=token)
    messages.success(request, _("The token “%(name)s” was revoked: it no longer opens the API.") % {"name": token.name})
    return redirect("api:profile")
