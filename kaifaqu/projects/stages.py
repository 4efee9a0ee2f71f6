"""A project's stage, derived from its milestone dates (never stored): in Python and in SQL."""

from django.db.models import Case, Exists, OuterRef, Q, Value, When

from .models import Stage, Suspension


def stage_of(project) -> str:
    if project.terminated_on:
        return Stage.TERMINATED
    if project.capacity_on:
        return Stage.AT_CAPACITY
    if project.producing_on:
        return Stage.PRODUCING
    if project.started_on:
        open_suspension = any(s.resumed_on is None for s in project.suspensions.all())
        return Stage.SUSPENDED if open_suspension else Stage.STARTED
    if project.signed_on:
        return Stage.SIGNED
    return Stage.RESERVE


def stage_expression():
    """SQL CASE giving the same stage as :func:`stage_of`, for filtering and counting in the database."""
    suspended = Exists(Suspension.objects.filter(project=OuterRef("pk"), resumed_on__isnull=True))
    return Case(
        When(terminated_on__isnull=False, then=Value(Stage.TERMINATED)),
        When(capacity_on__isnull=False, then=Value(Stage.AT_CAPACITY)),
        When(producing_on__isnull=False, then=Value(Stage.PRODUCING)),
        When(Q(started_on__isnull=False) & suspended, then=Value(Stage.SUSPENDED)),
        When(started_on__isnull=False, then=Value(Stage.STARTED)),
        When(signed_on__isnull=False, then=Value(Stage.SIGNED)),
        default=Value(Stage.RESERVE),
    )
