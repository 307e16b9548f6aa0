"""Helpers for the browser tests: axe checks and the visible-focus probe."""
from __future__ import annotations

import re

try:  # without Playwright the `browser` fixture skips (or fails in CI) before any use
    from playwright.sync_api import expect
except ImportError:  # pragma: no cover
    expect = None

AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    # Report nodes only for violations (the library's default, lost when options are
    # given): the same violations, about half the time.
    "resultTypes": ["violations"],
}


def assert_no_axe_violations(page, what: str = "") -> None:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options=AXE_OPTIONS)
    violations = results.response["violations"]
    lines = []
    if violations:
        lines = [f"axe found {len(violations)} violation(s) on {what or page.url}:"]
        for v in violations:
            lines.append(f"- {v['id']} ({v.get('impact')}): {v['help']} <{v.get('helpUrl', '')}>")
            for node in v["nodes"][:10]:
                lines.append(f"    target={node['target']} html={node['html'][:160]!r}")
                summary = (node.get("failureSummary") or "").replace("\n", " ")
                if summary:
                    lines.append(f"      {summary[:300]}")
    assert not violations, "\n".join(lines)


def focus_is_visible(page) -> dict:
    """The focused element and whether its computed style shows a focus indicator."""
    return page.evaluate(
        """() => {
            const el = document.activeElement;
            const s = getComputedStyle(el);
            const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0;
            const shadow = s.boxShadow && s.boxShadow !== 'none';
            return {tag: el.tagName.toLowerCase(), name: el.getAttribute('name'), id: el.id,
                    text: (el.innerText || el.value || '').slice(0, 40),
                    outline: s.outlineStyle + ' ' + s.outlineWidth, boxShadow: s.boxShadow,
                    visible: Boolean(outline || shadow)};
        }"""
    )


def exact(text: str) -> re.Pattern:
    return re.compile(rf"^\s*{re.escape(text)}\s*$")


def tab_to(page, matches, max_steps: int = 60, key: str = "Tab") -> dict:
    """Press Tab until `matches(focus_info)`; every element passed on the way must show
    a visible focus indicator."""
    seen = []
    for _ in range(max_steps):
        page.keyboard.press(key)
        info = focus_is_visible(page)
        seen.append(info)
        assert info["visible"], f"keyboard focus is not visible on {info}"
        if matches(info):
            return info
    raise AssertionError(f"{max_steps} presses of {key} did not reach the target; focus went through {seen}")


def log_in(page, live, email: str, password: str) -> None:
    """Log in through the login form, finding the fields by their visible labels."""
    page.goto("/auth/login")
    page.get_by_label(live.t("Email"), exact=True).fill(email)
    page.get_by_label(live.t("Password"), exact=True).fill(password)
    page.get_by_role("button", name=live.t("Log in"), exact=True).click()
    expect(page.get_by_role("button", name=live.t("Log out"), exact=True)).to_be_visible()
