"""Staff edit a mail in a real browser, in German, with axe-core on every page visited: the list,
the editor whose preview follows the typing (HTMX) and the keyboard, saving with the diff against
the default, a refused template with the reason at the field, and reset after the confirmation."""

from __future__ import annotations

from tests.e2e.conftest import accessible, log_in, submit

EDITOR = "/staff/mail-templates/juror_reminder/de"


async def test_staff_edit_preview_and_reset_a_mail(portal, browser):
    base, _data = portal
    staff = await browser()
    await log_in(staff, base, "staff@demo.leipzig.de")
    await staff.goto(f"{base}/staff/mail-templates")
    await accessible(staff, "mail templates")
    await staff.click(f"a[href='{EDITOR}']")
    await staff.wait_for_url(f"**{EDITOR}")
    await accessible(staff, "mail template editor")

    body = staff.locator("#field-body")
    await body.focus()
    await staff.keyboard.press("Control+End")
    await staff.keyboard.type("\nVielen Dank für Ihre **Mühe**, {{ name }}!")
    preview = staff.locator("#mail-preview .mail-preview__html")
    await preview.locator("strong", has_text="Mühe").wait_for()  # the preview followed the typing
    await accessible(staff, "editor with the preview")

    await submit(staff, "#mail-template-form button[type=submit]")
    assert "done=saved" in staff.url
    assert await staff.locator(".mail-diff ins", has_text="Mühe").count() == 1
    await accessible(staff, "saved version with its diff")

    await body.fill("Hallo {{ name }\n")
    await submit(staff, "#mail-template-form button[type=submit]")
    assert await staff.locator("#error-body").count() == 1
    assert "Zeile 1" in await staff.locator("#error-body").inner_text()
    await accessible(staff, "refused version")

    await staff.goto(f"{base}{EDITOR}")
    await staff.click(f"a[href='{EDITOR}/reset']")
    await staff.wait_for_url(f"**{EDITOR}/reset")
    await accessible(staff, "reset confirmation")
    await submit(staff, f"form[action='{EDITOR}/reset'] button[type=submit]")
    assert "done=reset" in staff.url
    assert await staff.locator(".mail-diff").count() == 0
