"""Accessibility checks with axe-core, injected from the front-end build's node_modules.

axe reports colour contrast it cannot decide (text on a background it cannot see
through, such as a link styled as a button) as "incomplete" rather than as a
violation. Those are exactly the places where an invisible button hides, so for every
incomplete colour-contrast node this module computes the contrast itself from the
computed styles (the nearest opaque background up the tree) and reports it as a
violation when it is below WCAG's AA ratio (4.5:1, or 3:1 for large text).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

AXE = Path(__file__).resolve().parents[2] / "frontend" / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

# Runs in the page: the contrast of each element named by a CSS selector, from the
# computed colours. Returns [selector, ratio, required, colour, background] per element;
# a background image (gradient, picture) cannot be judged and is skipped.
CONTRAST_JS = """
(selectors) => {
  const parse = (value) => {
    const m = value.match(/rgba?\\(([^)]+)\\)/);
    if (!m) return null;
    const p = m[1].split(/[ ,\\/]+/).filter(Boolean).map(Number);
    return {r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1};
  };
  const lum = (c) => {
    const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b);
  };
  const blend = (top, bottom) => ({
    r: top.r * top.a + bottom.r * (1 - top.a),
    g: top.g * top.a + bottom.g * (1 - top.a),
    b: top.b * top.a + bottom.b * (1 - top.a), a: 1,
  });
  const out = [];
  for (const selector of selectors) {
    const el = document.querySelector(selector);
    if (!el) continue;
    const style = getComputedStyle(el);
    let fg = parse(style.color);
    if (!fg) continue;
    let layers = [];
    let node = el;
    let image = false;
    while (node && node.nodeType === 1) {
      const s = getComputedStyle(node);
      if (s.backgroundImage && s.backgroundImage !== "none") { image = true; break; }
      const bg = parse(s.backgroundColor);
      if (bg && bg.a > 0) { layers.push(bg); if (bg.a >= 1) break; }
      node = node.parentElement;
    }
    if (image) continue;
    let bg = {r: 255, g: 255, b: 255, a: 1};
    for (let i = layers.length - 1; i >= 0; i--) bg = blend(layers[i], bg);
    if (fg.a < 1) fg = blend(fg, bg);
    const l1 = lum(fg), l2 = lum(bg);
    const ratio = (Math.max(l1, l2) + 0.05) / (Math.min(l1, l2) + 0.05);
    const size = parseFloat(style.fontSize);
    const bold = parseInt(style.fontWeight, 10) >= 700;
    const large = size >= 24 || (bold && size >= 18.66);
    out.push([selector, ratio, large ? 3 : 4.5, style.color, style.backgroundColor]);
  }
  return out;
}
"""


@cache
def _axe_source() -> str:
    return AXE.read_text(encoding="utf-8") + "\n;undefined"


def computed_contrast_failures(page: Any, selectors: list[str]) -> list[dict[str, Any]]:
    """The elements among ``selectors`` whose computed contrast is below AA."""
    rows = page.evaluate(CONTRAST_JS, selectors)
    return [
        {
            "id": "color-contrast (computed)",
            "impact": "serious",
            "nodes": [selector],
            "ratio": round(ratio, 2),
            "required": required,
            "colours": [colour, background],
        }
        for selector, ratio, required, colour, background in rows
        if ratio < required
    ]


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """Run axe-core on the current page for WCAG 2.1 A and AA; return the violations.

    Colour contrast that axe leaves "incomplete" is computed here and counts as a
    violation when it is too low.
    """
    # Evaluated through the DevTools protocol rather than added as a <script> element:
    # the pages' strict Content-Security-Policy (rightly) refuses inline scripts.
    page.evaluate(_axe_source())
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS
    )
    violations = [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
    ]
    undecided = [
        target[0]
        for item in result["incomplete"]
        if item["id"] == "color-contrast"
        for node in item["nodes"]
        for target in [node["target"]]
        if len(target) == 1 and isinstance(target[0], str)
    ]
    return violations + computed_contrast_failures(page, undecided)
