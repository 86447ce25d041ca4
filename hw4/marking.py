"""The points of each sub-part, for the solutions' marking guide and the autograder.

The homework gives each problem's points (``HOMEWORK_POINTS``, its "(3 points)" headings); the config's
``marking.points`` splits them over the sub-parts, named as the Gradescope page map names them (``q1.a``; ``q2``,
which has none; ``q4.1`` ... ``q4.13``, the notebook's items). A split that does not add up to the homework's
points is refused, naming the keys and the fix.
"""

from fractions import Fraction

HOMEWORK_POINTS = {"q1": 3, "q2": 1, "q3": 2, "q4": 4}
PARTS = {
    "q1": ("q1.a", "q1.b", "q1.c"),
    "q2": ("q2",),
    "q3": ("q3.a", "q3.b"),
    "q4": tuple(f"q4.{k}" for k in range(1, 14)),
}


class MarkingError(ValueError):
    pass


def label(part: str) -> str:
    """How the documents name a sub-part: q1.a -> 1a, q2 -> 2, q4.7 -> 4.7 (the notebook's item 7)."""
    q, _, sub = part.partition(".")
    return q[1:] + ("." if sub.isdigit() else "") + sub


def points_number(points: float) -> str:
    """Points as the documents print them: 1 -> '1', 0.25 -> '0.25', 2.0 -> '2'."""
    value = Fraction(points).limit_denominator(1000)
    return str(value.numerator) if value.denominator == 1 else f"{float(value):g}"


def points_text(points: float) -> str:
    """1 -> '1 point', 0.25 -> '0.25 points', 2.0 -> '2 points'."""
    return f"{points_number(points)} point" + ("" if points == 1 else "s")


def points_table(points: dict, where: str = "marking.points") -> dict:
    """Each problem's points and its sub-parts', checked against the homework's. ``points``: part -> points."""
    unknown = sorted(set(points) - {p for parts in PARTS.values() for p in parts})
    if unknown:
        raise MarkingError(
            f"{where}: unknown sub-parts {unknown}. Fix: use the names {sorted(PARTS)} ... as in the schema"
        )
    problems = []
    for q, parts in PARTS.items():
        missing = [p for p in parts if p not in points]
        if missing:
            raise MarkingError(f"{where}: no points for {missing}. Fix: give every sub-part its points")
        total = sum(Fraction(points[p]).limit_denominator(1000) for p in parts)
        if total != HOMEWORK_POINTS[q]:
            raise MarkingError(
                f"{where}: the sub-parts of Problem {q[1:]} ({', '.join(parts)}) add up to {float(total):g}, but the "
                f"homework gives it {HOMEWORK_POINTS[q]}. Fix: change their points so that they add up to "
                f"{HOMEWORK_POINTS[q]}"
            )
        problems.append(
            {
                "q": q,
                "points": HOMEWORK_POINTS[q],
                "points_text": points_text(HOMEWORK_POINTS[q]),
                "has_parts": len(parts) > 1,
                "parts": [
                    {
                        "part": p,
                        "label": label(p),
                        "points": points[p],
                        "points_number": points_number(points[p]),
                        "points_text": points_text(points[p]),
                    }
                    for p in parts
                ],
            }
        )
    total = sum(HOMEWORK_POINTS.values())
    return {
        "problems": {p["q"]: p for p in problems},
        "parts": {part["part"]: part for p in problems for part in p["parts"]},
        "total": total,
        "total_text": points_text(total),
    }
