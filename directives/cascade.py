"""The cascade of a directive: what it implements, up to the Politburo, and what implements it, down to the ward.

One query per level (a handful in practice, at most ``MAX_DEPTH`` each way), whatever the number of
directives on a level; only directives the user may see are shown or followed.
"""

from dataclasses import dataclass, field

from directives.models import Directive, DirectiveRelation

MAX_DEPTH = 8
MAX_PER_LEVEL = 200


@dataclass
class Node:
    directive: Directive
    children: list["Node"] = field(default_factory=list)
    relation: DirectiveRelation | None = None  # the link to the node above it in the tree


def _walk(directive: Directive, user, *, upward: bool) -> list[Node]:
    visible = Directive.objects.visible_to(user).values("pk")
    mine, theirs = ("source", "target") if upward else ("target", "source")
    roots: list[Node] = []
    nodes = {directive.pk: Node(directive, roots)}
    frontier = [directive.pk]
    for _level in range(MAX_DEPTH):
        if not frontier:
            break
        links = (
            DirectiveRelation.objects.filter(kind=DirectiveRelation.Kind.IMPLEMENTS, **{f"{mine}_id__in": frontier})
            .filter(**{f"{theirs}__in": visible})
            .select_related(f"{theirs}__doc_type")
            .order_by(f"{theirs}__issued_on", f"{theirs}_id")[:MAX_PER_LEVEL]
        )
        frontier = []
        for link in links:
            other = getattr(link, theirs)
            parent = nodes[getattr(link, f"{mine}_id")]
            if other.pk in nodes:  # reached twice (a diamond): show it once
                continue
            node = Node(other, relation=link)
            nodes[other.pk] = node
            parent.children.append(node)
            frontier.append(other.pk)
    return roots


def cascade_up(directive: Directive, user) -> list[Node]:
    """What the directive implements, and what those implement, as a tree rooted at the nearest ones."""
    return _walk(directive, user, upward=True)


def cascade_down(directive: Directive, user) -> list[Node]:
    """The directives implementing this one, and the ones implementing those."""
    return _walk(directive, user, upward=False)
