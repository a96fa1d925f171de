"""The default reminder ladder of a form (a stage falls ``offset`` working days from its anchor:
``reports.periods.add_working_days``)."""

from typing import NamedTuple


class DefaultStage(NamedTuple):
    ladder: str
    code: str
    offset: int
    audience: str
    is_escalation: bool


# Issue 5: 7, 3 and 1 working days before the due date and on it to the reporters; 1 working day after to
# the head of the unit; 3 after to the head of the unit above and the steering committee's standing member.
# A returned report gets a short ladder of its own; a filed one tells the committee that reviews it; one
# sent for signature tells the head who signs it; an accepted one tells the reporters.
DEFAULT_STAGES = (
    DefaultStage("due", "before-7", -7, "reporters", False),
    DefaultStage("due", "before-3", -3, "reporters", False),
    DefaultStage("due", "before-1", -1, "reporters", False),
    DefaultStage("due", "due-day", 0, "reporters", False),
    DefaultStage("due", "overdue-head", 1, "head", True),
    DefaultStage("due", "overdue-parent", 3, "parent", True),
    DefaultStage("returned", "returned", 0, "reporters", False),
    DefaultStage("returned", "returned-late", 3, "head", True),
    DefaultStage("filed", "filed", 0, "reviewers", False),
    DefaultStage("approval", "awaiting-signature", 0, "signers", False),
    DefaultStage("accepted", "accepted", 0, "reporters", False),
)


def install_defaults(stage_model, form_ids) -> int:
    """Give each form of ``form_ids`` the default ladder (works with a migration's historical model too)."""
    rows = [
        stage_model(
            form_id=form_id,
            ladder=s.ladder,
            code=s.code,
            offset=s.offset,
            audience=s.audience,
            is_escalation=s.is_escalation,
        )
        for form_id in form_ids
        for s in DEFAULT_STAGES
    ]
    return len(stage_model.objects.bulk_create(rows, ignore_conflicts=True))
