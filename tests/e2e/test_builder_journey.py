"""The call builder in a real browser, by keyboard: rows are added with htmx in place (the page
does not reload), typed values stay, the preview follows, and saving creates the call. The
pages pass axe, KERN's component markup and fit 390 px (tests/e2e/conftest.py's checks)."""

from __future__ import annotations

from tests.e2e.conftest import accessible, log_in, submit


async def test_staff_build_questions_and_criteria_by_keyboard(portal, browser):
    base, _data = portal
    staff = await browser()
    await log_in(staff, base, "staff@demo.leipzig.de")
    await staff.goto(f"{base}/staff/calls/new")
    await accessible(staff, "call builder")
    await staff.fill("#field-title", "Smart City Challenge 2029: Baukasten")
    await staff.fill("#field-slug", "baukasten-2029")
    await staff.fill("#field-opens_at", "2029-01-04T09:00")
    await staff.fill("#field-closes_at", "2029-03-31T12:00")
    await staff.fill("#field-budget_cents", "50.000")

    marker = await staff.evaluate("() => (window.builderMarker = 'same page')")
    await staff.focus("#builder-add-questions")
    await staff.keyboard.press("Enter")
    await staff.wait_for_selector("#field-questions-0-label")
    assert await staff.evaluate("() => window.builderMarker") == marker  # swapped in place
    await staff.focus("#field-questions-0-key")
    await staff.keyboard.type("licence")
    await staff.focus("#field-questions-0-label")
    await staff.keyboard.type("Unter welcher Lizenz?")
    await staff.select_option("#field-questions-0-type", "choice")
    await staff.focus("#field-questions-0-choices")
    await staff.keyboard.type("EUPL-1.2\nMIT")
    await staff.focus("#builder-add-questions")
    await staff.keyboard.press("Enter")
    await staff.wait_for_selector("#field-questions-1-label")
    assert await staff.input_value("#field-questions-0-label") == "Unter welcher Lizenz?"
    await staff.fill("#field-questions-1-key", "problem")
    await staff.fill("#field-questions-1-label", "Welches Problem lösen Sie?")
    await staff.focus("#builder-up-questions-1")
    await staff.keyboard.press("Enter")
    await staff.wait_for_function(
        "() => document.querySelector('#field-questions-0-key').value === 'problem'"
    )
    preview = await staff.inner_text(".builder__preview")
    assert "Welches Problem lösen Sie?" in preview and "MIT" in preview
    assert preview.index("Welches Problem") < preview.index("Unter welcher Lizenz")
    await staff.focus("#builder-remove-criteria-2")
    await staff.keyboard.press("Enter")
    await staff.wait_for_function("() => !document.querySelector('#field-criteria-2-key')")
    await accessible(staff, "call builder with rows")

    await staff.check("#type-1")
    await submit(staff, "form[action='/staff/calls/new'] button.kern-btn--primary")
    assert staff.url.endswith("/calls/baukasten-2029"), staff.url
