"""The RESULT line every benchmark ends each figure with."""

from __future__ import annotations


def result(
    name: str, value: float, unit: str, bound: float, at_most: bool, target: float = 1.0
) -> bool:
    """Print ``RESULT name=... value=... unit=... bound=... ratio=... target=... PASS|FAIL``.

    ``at_most`` figures pass when ``value / bound <= target``; the others when it is at least
    ``target``. The bound comes from first principles, never from the run it judges.
    """
    ratio = value / bound
    passed = ratio <= target if at_most else ratio >= target
    wanted = f"ratio<={target:g}" if at_most else f"ratio>={target:g}"
    print(
        f"RESULT name={name} value={value:.3f} unit={unit} bound={bound:g} "
        f"ratio={ratio:.3f} target={wanted} {'PASS' if passed else 'FAIL'}",
        flush=True,
    )
    return passed
