"""What every problem's check step shares: the error that stops the build, and how agreements are recorded."""


class CheckError(RuntimeError):
    """An exact check failed: the PDF would state an agreement that is false. The message names what disagrees
    and the module to fix."""


def stop_on(bad: list[str], what: str) -> None:
    """Stop the build if any exact check failed: ``what`` (the problem and the modules to fix), then each line."""
    if bad:
        raise CheckError(f"{what}:\n  " + "\n  ".join(bad))


def agreement(largest: float | None, tolerance: float) -> dict:
    """A float agreement as the results record it: the largest difference found, the tolerance, and whether it
    is within, and whether the two are exactly equal (largest, agrees and exact are None when nothing was
    compared)."""
    return {
        "largest": largest,
        "tolerance": tolerance,
        "agrees": None if largest is None else largest <= tolerance,
        "exact": None if largest is None else largest == 0,
    }


def within(value: float | None, expected: float, tolerance: float) -> bool | None:
    """Whether a measured value (a fitted slope, say) is within ``tolerance`` of what theory expects; None when
    there is no value."""
    return None if value is None else abs(value - expected) <= tolerance
