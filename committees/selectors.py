"""Reads of members and bodies, scoped to what the user may see."""

from __future__ import annotations

import datetime as dt

from django.db.models import Prefetch, Q, QuerySet

from .models import Body, CadenceRule, Member, Role


def bodies_visible_q(user, prefix: str = "") -> Q:
    """Delegations see the bodies their member takes part in (an empty participant list means every member);
    the other roles see every body. Anonymous users see nothing."""
    if not user.is_authenticated:
        return Q(pk__in=[])
    if user.role == Role.DELEGATION:
        return Q(**{f"{prefix}participants__isnull": True}) | Q(**{f"{prefix}participants": user.member_id})
    return Q()


def bodies_visible_to(user) -> QuerySet[Body]:
    q = bodies_visible_q(user)
    qs = Body.objects.all()
    if q:
        ids = Body.objects.filter(q).values("pk")
        qs = qs.filter(pk__in=ids)
    return qs


def body_list(*, user) -> QuerySet[Body]:
    return (
        bodies_visible_to(user)
        .select_related("parent")
        .prefetch_related("areas", Prefetch("cadence_rules", queryset=CadenceRule.objects.order_by("effective_from")))
    )


def members_active_on(day: dt.date) -> QuerySet[Member]:
    return Member.objects.active_on(day)


def body_members_on(*, body: Body, day: dt.date) -> QuerySet[Member]:
    """The members that sit in ``body`` on ``day``: its participants if it lists any, else every member."""
    members = Member.objects.active_on(day)
    if body.participants.exists():
        members = members.filter(bodies=body)
    return members.order_by("name_en")


def cadence_rule_on(*, body: Body, day: dt.date) -> CadenceRule | None:
    return (
        body.cadence_rules.filter(effective_from__lte=day)
        .filter(Q(effective_to__isnull=True) | Q(effective_to__gte=day))
        .order_by("-effective_from")
        .first()
    )


def dashboard_panels(*, user) -> list[dict]:
    """Panels for the home page: dicts with ``template`` and ``context``."""
    return []
