"""The RESULT line every benchmark ends each figure with."""

from __future__ import annotations


def result(name: str, value: float, unit: str, bound: float, at_most: bool) -> bool:
    """Print ``RESULT name=... value=... unit=... bound=... ratio=... target=... PASS|FAIL``.

    ``at_most`` figures pass when ``value <= bound`` (ratio at most 1); the others when
    ``value >= bound`` (ratio at least 1).
    """
    ratio = value / bound
    passed = ratio <= 1 if at_most else ratio >= 1
    target = "ratio<=1" if at_most else "ratio>=1"
    print(
        f"RESULT name={name} value={value:.3f} unit={unit} bound={bound:g} "
        f"ratio={ratio:.3f} target={target} {'PASS' if passed else 'FAIL'}",
        flush=True,
    )
    return passed
