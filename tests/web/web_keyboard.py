"""Walking a page of the browser workspace with the Tab key (Playwright): every interactive
element reached, in document order and without jumping back up the page, each with a visible
focus indicator."""

from __future__ import annotations

#: Marks the page's tab stops (``data-kb-stop``: their order) and returns how many there are
#: and the interactive elements Tab cannot reach: the elements a keyboard user can focus,
#: in document order — links, buttons, form fields (of a radio group only the checked one,
#: or the first), summaries, anything with a tab index of 0 or more — that are shown.
MARK_STOPS = """() => {
  const selector = 'a[href], area[href], button, input, select, textarea, summary, iframe, '
    + '[tabindex], [contenteditable]';
  const shown = el => el.getClientRects().length && getComputedStyle(el).visibility !== 'hidden';
  const stops = [], problems = [];
  for (const el of document.querySelectorAll(selector)) {
    delete el.dataset.kbStop;
    if (el.disabled || el.tabIndex < 0 || (el.tagName === 'INPUT' && el.type === 'hidden'))
      continue;
    if (!shown(el)) continue;
    if (el.tabIndex > 0) problems.push('positive tabindex on ' + el.outerHTML.slice(0, 80));
    if (el.type === 'radio' && el.name) {
      const group = [...(el.form || document).querySelectorAll('input[type=radio]')]
        .filter(r => r.name === el.name);
      if (el !== (group.find(r => r.checked) || group[0])) continue;
    }
    el.dataset.kbStop = stops.length;
    stops.push(el);
  }
  const acting = '[onclick], [role=button], [role=link], [role=tab], [role=checkbox], '
    + '[role=menuitem], [role=switch], [role=option]';
  for (const el of document.querySelectorAll(acting))
    if (shown(el) && el.dataset.kbStop === undefined && !el.closest('[data-kb-stop]'))
      problems.push('cannot be reached with Tab: ' + el.outerHTML.slice(0, 80));
  return {n: stops.length, problems: problems};
}"""

#: The focused element: its tab stop, a name for messages, its focus style and its place.
FOCUSED = """() => {
  const el = document.activeElement;
  const st = getComputedStyle(el);
  const r = el.getBoundingClientRect();
  return {
    stop: el.dataset ? (el.dataset.kbStop ?? null) : null,
    name: el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
      + (el.textContent.trim() ? ' "' + el.textContent.trim().slice(0, 30) + '"' : ''),
    outline: st.outlineStyle !== 'none' && parseFloat(st.outlineWidth) > 0,
    shadow: st.boxShadow !== 'none',
    top: r.top + window.scrollY, bottom: r.bottom + window.scrollY,
    left: r.left + window.scrollX, width: r.width, height: r.height,
  };
}"""


def tab_walk(page) -> tuple[int, list[str]]:
    """Press Tab from the top of the page through every tab stop; returns the number of
    stops and what is wrong: a stop skipped or visited out of document order, a stop
    without a visible focus indicator or outside the page, a stop entirely above the one
    before it (focus jumping back up), an interactive element Tab cannot reach."""
    page.evaluate("() => { document.activeElement && document.activeElement.blur(); "
                  "window.scrollTo(0, 0); }")  # fmt: skip
    marked = page.evaluate(MARK_STOPS)
    n, problems = marked["n"], list(marked["problems"])
    before = None
    for expected in range(n):
        page.keyboard.press("Tab")
        now = page.evaluate(FOCUSED)
        if now["stop"] != str(expected):
            problems.append(f"Tab {expected + 1} reached {now['name']} (stop {now['stop']})")
            break
        if not (now["outline"] or now["shadow"]):
            problems.append(f"no visible focus indicator on {now['name']}")
        if now["width"] <= 0 or now["height"] <= 0 or now["left"] < 0:
            problems.append(f"{now['name']} is focused outside the page")
        if before is not None and now["bottom"] <= before["top"]:
            problems.append(f"focus jumps back up from {before['name']} to {now['name']}")
        before = now
    return n, problems


def tab_to(page, selector: str, limit: int = 200) -> None:
    """Press Tab until the element ``selector`` has the focus (AssertionError after
    ``limit`` presses)."""
    for _ in range(limit):
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"{selector} not reached with Tab")
