"""Layout checks in a real browser: what a page shows fits its column and nothing overlaps."""

from __future__ import annotations

# Boxes of the main area's leaf elements (Streamlit's element containers that hold no other),
# and of each chart's drawing beside the element that holds it.
BOXES = """() => {
  const main = document.querySelector('[data-testid="stMain"]');
  const box = (element) => {
    const r = element.getBoundingClientRect();
    return {left: r.left, top: r.top, right: r.right, bottom: r.bottom};
  };
  // What a person sees: not the contents of a closed expander (a <details> element), nothing
  // hidden by CSS.
  const shown = (element) => !element.closest('details:not([open])')
    && element.checkVisibility({opacityProperty: true, visibilityProperty: true});
  const leaves = Array.from(main.querySelectorAll('[data-testid="stElementContainer"]'))
    .filter((element) => !element.querySelector('[data-testid="stElementContainer"]'))
    .filter(shown)
    .map((element) => ({
      kind: element.firstElementChild ? element.firstElementChild.getAttribute('data-testid') : '',
      ...box(element),
    }))
    .filter((b) => b.right - b.left > 1 && b.bottom - b.top > 1);
  const charts = Array.from(main.querySelectorAll('.vega-embed')).map((embed) => {
    const drawing = embed.querySelector('canvas, svg');
    const holder = embed.closest('[data-testid="stElementContainer"]');
    return {drawing: box(drawing), holder: box(holder)};
  });
  return {leaves, charts, width: document.documentElement.clientWidth};
}"""


def overlaps(a: dict, b: dict, slack: float = 1.0) -> bool:
    return (
        min(a["right"], b["right"]) - max(a["left"], b["left"]) > slack
        and min(a["bottom"], b["bottom"]) - max(a["top"], b["top"]) > slack
    )


def layout_problems(page) -> list[str]:
    """Charts wider than their element or the window, and elements on top of each other."""
    found = page.evaluate(BOXES)
    problems = []
    for index, chart in enumerate(found["charts"]):
        drawing, holder = chart["drawing"], chart["holder"]
        if drawing["right"] > holder["right"] + 1 or drawing["right"] > found["width"]:
            problems.append(f"chart {index} overflows: {drawing} beyond {holder}")
    leaves = found["leaves"]
    for first in range(len(leaves)):
        for second in range(first + 1, len(leaves)):
            if overlaps(leaves[first], leaves[second]):
                problems.append(f"overlap: {leaves[first]} and {leaves[second]}")
    return problems
