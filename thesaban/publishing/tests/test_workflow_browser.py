"""The whole three-step flow in a real Chromium, with the demo accounts of three people.

The preparer writes a procurement notice and submits it with the attestation, the supervisor
of กองคลัง approves it, the web operator approves and publishes it, and a visitor sees it.
Each signs in through the real sign-in pages: password, then a TOTP code from their device.

Unlike the read-only public-site tests, this test writes through the live server, so it opens
no test transaction of its own (which would lock the SQLite database against the server); the
demo is loaded and the database restored around the module by the shared `site_url` fixture
(thesaban/browser_testing.py).
"""

import re
import time
from collections.abc import Iterator

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, expect

from thesaban.browser_testing import DESKTOP, SCREENSHOT_DIR, new_page
from thesaban.pages.models import NewsIndexPage

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "ประกาศประกวดราคาจ้างก่อสร้างถนนคอนกรีต หมู่ที่ ๕"
PASSWORDS = {
    "preparer": "demo-preparer-2569",
    "supervisor": "demo-supervisor-2569",
    "operator": "demo-operator-2569",
}


@pytest.fixture(scope="module")
def demo_facts(site_url, django_db_blocker) -> dict:
    """TOTP keys of the three accounts and the listing to write in, read before the browser."""
    from django.contrib.auth import get_user_model

    with django_db_blocker.unblock():
        keys = {}
        for username in PASSWORDS:
            user = get_user_model().objects.get(username=username)
            device, _created = TOTPDevice.objects.get_or_create(
                user=user, name="โทรศัพท์", defaults={"confirmed": True}
            )
            keys[username] = device.bin_key
        listing = NewsIndexPage.objects.get(kind="procurement")
        return {"keys": keys, "listing_id": listing.pk, "listing_url": listing.url}


@pytest.fixture
def page(browser) -> Iterator[Page]:
    with new_page(browser, viewport=DESKTOP) as page:
        # The admin's pages are heavier than the public site's; a busy CI machine needs longer.
        page.set_default_timeout(30_000)
        yield page


def _totp(key: bytes, offset: int = 0) -> str:
    totp = TOTP(key)
    totp.time = time.time() + offset
    return f"{totp.token():06d}"


def _sign_in(page: Page, site_url: str, username: str, key: bytes) -> None:
    page.context.clear_cookies()
    page.goto(f"{site_url}/admin/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORDS[username])
    page.locator("form.login-form button[type=submit]").first.click()
    page.fill("input[name=token]", _totp(key))
    page.locator("form.login-form button[type=submit]").first.click()
    expect(page).to_have_url(re.compile(r"/admin/$"))


def _click_action(page: Page, label: str) -> None:
    """Click an action of the editor's footer menu, opening the drop-up if it is hidden there."""
    # Workflow buttons only work once Wagtail's scripts have wired them up.
    page.wait_for_load_state("networkidle")
    button = page.locator("footer").get_by_role("button", name=label, exact=False).first
    if not button.is_visible():
        page.locator("footer [data-w-dropdown-target='toggle']").first.click()
    button.click()


def test_preparer_supervisor_and_operator_publish_a_notice(page, site_url, demo_facts):
    try:
        _flow(page, site_url, demo_facts)
    except Exception:
        # What the browser showed when it failed, for the CI log's reader.
        SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOT_DIR / "workflow-failure.png"), full_page=True)
        print("workflow test failed at", page.url)
        raise


def _flow(page, site_url, demo_facts):
    keys = demo_facts["keys"]

    # 1. The preparer of กองคลัง writes the notice and submits it, attesting it is correct.
    _sign_in(page, site_url, "preparer", keys["preparer"])
    page.goto(f"{site_url}/admin/pages/add/pages/newspage/{demo_facts['listing_id']}/")
    page.fill("#id_title", TITLE)
    page.fill("#id_summary", "เทศบาลประกวดราคาจ้างก่อสร้างถนนคอนกรีตเสริมเหล็ก")
    # Submitting without the attestation is refused, and what was typed stays.
    _click_action(page, "ส่ง")
    expect(page.get_by_text("กรุณายืนยันว่า", exact=False).first).to_be_visible()
    expect(page.locator("#id_title")).to_have_value(TITLE)
    page.locator("footer [data-w-dropdown-target='toggle']").first.click()
    page.locator("input[name=attest]").check()
    page.locator("footer").get_by_role("button", name="ส่ง", exact=False).first.click()
    expect(page.locator(".messages")).to_contain_text(TITLE)

    # 2. The supervisor of กองคลัง approves it.
    _sign_in(page, site_url, "supervisor", keys["supervisor"])
    page.locator("a", has_text=TITLE).first.click()
    _click_action(page, "เห็นชอบให้เผยแพร่")
    expect(page.locator(".messages")).to_contain_text(TITLE)

    # Not public yet.
    visitor = page.context.browser.new_context()
    try:
        public = visitor.new_page()
        public.goto(f"{site_url}{demo_facts['listing_url']}")
        expect(public.get_by_text(TITLE)).to_have_count(0)

        # 3. The web operator reviews it and publishes it.
        _sign_in(page, site_url, "operator", keys["operator"])
        page.locator("a", has_text=TITLE).first.click()
        _click_action(page, "อนุมัติและเผยแพร่")
        expect(page.locator(".messages")).to_contain_text(TITLE)

        # A visitor now finds it in the listing and can open it.
        public.goto(f"{site_url}{demo_facts['listing_url']}")
        public.get_by_role("link", name=TITLE).first.click()
        expect(public.locator("h1")).to_have_text(TITLE)
    finally:
        visitor.close()
