"""Wagtail's admin works under its Content-Security-Policy: nothing blocked, in a real Chromium.

The staff policy (settings `THESABAN_STAFF_CSP`, core/csp.py) is the looser one; this walks
the screens that use the most script: the dashboard, the page editor (inline panels, date
pickers, rich text, StreamField), a chooser modal, the preview, the image library, and the
public site seen by signed-in staff (Wagtail's user bar runs on the public policy).
Writes through the live server (sign-in), so like the workflow test it opens no test
transaction of its own.
"""

import re
from collections.abc import Iterator

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, expect
from wagtail.models import Page as WagtailPage

from thesaban.browser_testing import DESKTOP, SCREENSHOT_DIR, csp_violations, new_page
from thesaban.pages.demo import _sample_png
from thesaban.pages.models import NewsPage

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "csp-admin-password-2569"


@pytest.fixture(scope="module")
def admin_facts(site_url, django_db_blocker) -> dict:
    from django.contrib.auth import get_user_model

    with django_db_blocker.unblock():
        user = get_user_model().objects.create_superuser(
            "csp-admin", "csp-admin@example.go.th", PASSWORD
        )
        device = TOTPDevice.objects.create(user=user, name="โทรศัพท์", confirmed=True)
        news = NewsPage.objects.live().exclude(listing_image=None).order_by("path").first()
        # The demo's population page holds a table block (Handsontable in the editor).
        table = WagtailPage.objects.get(url_path__endswith="/general/population/")
        return {
            "key": device.bin_key,
            "news_id": news.pk,
            "news_url": news.url,
            "table_page_id": table.pk,
        }


@pytest.fixture
def page(browser) -> Iterator[Page]:
    with new_page(browser, viewport=DESKTOP) as page:
        page.set_default_timeout(30_000)
        yield page


def _sign_in(page: Page, site_url: str, key: bytes) -> None:
    page.goto(f"{site_url}/admin/login/")
    page.fill("input[name=username]", "csp-admin")
    page.fill("input[name=password]", PASSWORD)
    page.locator("form.login-form button[type=submit]").first.click()
    page.fill("input[name=token]", f"{TOTP(key, t0=0).token():06d}")
    page.locator("form.login-form button[type=submit]").first.click()
    expect(page).to_have_url(re.compile(r"/admin/$"))


def test_the_admin_screens_run_with_nothing_blocked(page, site_url, admin_facts):
    blocked: dict[str, list[str]] = {}

    def visit(name: str, url: str | None = None) -> None:
        if url is not None:
            page.goto(f"{site_url}{url}")
        page.wait_for_load_state("networkidle")
        if found := csp_violations(page):
            blocked[name] = found

    try:
        _sign_in(page, site_url, admin_facts["key"])
        visit("dashboard")
        expect(page.locator("#wagtail-sidebar, [data-wagtail-sidebar]").first).to_be_attached()

        visit("page editor", f"/admin/pages/{admin_facts['news_id']}/edit/")
        # Wagtail's scripts ran: the inline panel of attachments and the date picker are wired.
        expect(page.locator("#id_attachments-ADD")).to_be_visible()
        page.locator("#id_date").click()
        expect(page.locator(".xdsoft_datetimepicker:visible")).to_have_count(1)
        page.keyboard.press("Escape")
        visit("date picker")

        # A new attachment (the inline panel's script), then its document chooser: a modal
        # loaded by script, whose own scripts run from the response.
        page.locator("#id_attachments-ADD").click()
        page.locator("#id_attachments-FORMS [data-chooser-action-choose]:visible").last.click()
        modal = page.locator(".modal-dialog")
        expect(modal).to_be_visible()
        expect(modal.locator("a[data-chooser-modal-choice]").first).to_be_visible()
        visit("document chooser")
        modal.locator("a[data-chooser-modal-choice]").first.click()
        expect(modal).to_be_hidden()
        visit("document chosen")

        # The live preview panel frames the page through the admin.
        page.locator("[data-side-panel-toggle='preview']").click()
        expect(page.locator("iframe[title]").first).to_be_attached()
        page.wait_for_timeout(2000)
        visit("preview")

        visit("editor with a table", f"/admin/pages/{admin_facts['table_page_id']}/edit/")
        expect(page.locator(".handsontable").first).to_be_visible()
        visit("page explorer", "/admin/pages/")
        visit("images", "/admin/images/")
        # Uploading shows a preview of the file before it is saved.
        page.goto(f"{site_url}/admin/images/multiple/add/")
        page.set_input_files(
            "#fileupload",
            {"name": "ภาพ.png", "mimeType": "image/png", "buffer": _sample_png(7, (320, 200))},
        )
        expect(page.locator("#upload-list li").first).to_be_visible()
        page.wait_for_timeout(1000)
        visit("image upload")
        visit("image editor", "/admin/images/1/")

        # Signed-in staff on the public site: the user bar under the public policy.
        visit("public page with the user bar", admin_facts["news_url"])
        expect(page.locator("wagtail-userbar")).to_be_attached()
        page.locator("wagtail-userbar").locator("button").first.click()
        visit("user bar open")
    except Exception:
        SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOT_DIR / "admin-csp-failure.png"), full_page=True)
        print("admin CSP test failed at", page.url)
        raise
    assert not blocked, "\n".join(f"{name}: {found}" for name, found in blocked.items())
