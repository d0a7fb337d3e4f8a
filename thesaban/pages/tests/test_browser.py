"""The public site in a real Chromium: menus, keyboard use, small screens, axe-core and the CSP.

The demo municipality is loaded once for the whole module (it takes ~20 s; the fixtures are in
thesaban/browser_testing.py) and served by a real HTTP server, so CSS, fonts and JavaScript
take part as they do for a visitor. Tests only read, so they can share it.

Without /usr/bin/chromium these tests skip, unless THESABAN_REQUIRE_BROWSER=1 (as in CI),
where a missing browser is an error rather than a silent pass.
"""

import re
from collections.abc import Callable
from urllib.parse import unquote

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page, expect

from thesaban.browser_testing import DESKTOP, MOBILE, SCREENSHOT_DIR, csp_violations, new_page
from thesaban.pages import information_architecture as ia

# `django_db` makes pytest-django create the test database even when only this module runs;
# each test's transaction is rolled back, while the module's demo data stays (see `site_url`).
pytestmark = [pytest.mark.browser, pytest.mark.django_db]

MAIN_MENU = 'nav[aria-label="เมนูหลัก"]'
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def _menu_item(page: Page, title: str):
    """The top-level item of the main menu whose own link reads exactly `title`."""
    return page.locator(MAIN_MENU).locator(
        f"xpath=.//ul[@id='main-menu']/li[a[normalize-space()='{title}']]"
    )


def _expect_page_titled(page: Page, title: str) -> None:
    expect(page.locator("h1")).to_have_count(1)
    expect(page.locator("h1")).to_have_text(title)


# Menus ----------------------------------------------------------------------------------------


def _follow_category(page: Page, site_url: str, category: ia.Category) -> None:
    # (a) Open the submenu with its button and follow the category's last item: the bottom
    # of a long submenu is where clipping and overlap show up first.
    page.goto(f"{site_url}/")
    menu_item = _menu_item(page, category.title)
    toggle = menu_item.locator(".submenu-toggle")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    # The pointer now rests on the item, which opens the submenu by CSS hover alone: the class
    # shows the button itself did it.
    expect(menu_item).to_have_class(re.compile(r"\bis-open\b"))
    submenu = menu_item.locator(".submenu")
    expect(submenu).to_be_visible()
    item = category.items[-1]
    submenu.get_by_role("link", name=item.title, exact=True).click()
    _expect_page_titled(page, item.title)
    expect(page).to_have_url(re.compile(rf"/{category.slug}/{item.slug}/$"))

    # (b) Two clicks: the category's own link, then an item on the category page.
    page.goto(f"{site_url}/")
    _menu_item(page, category.title).locator(":scope > a").click()
    _expect_page_titled(page, category.title)
    item = category.items[0]
    page.locator("main").get_by_role("link", name=item.title, exact=True).click()
    _expect_page_titled(page, item.title)
    expect(page).to_have_url(re.compile(rf"/{category.slug}/{item.slug}/$"))


def test_each_category_reaches_an_item_by_submenu_and_by_category_page(page, site_url):
    # One test rather than one per category: each test starts its own Playwright (see
    # `browser`), and every category is still tried and reported.
    failures = []
    for category in ia.CATEGORIES:
        try:
            _follow_category(page, site_url, category)
        except (AssertionError, PlaywrightError) as error:
            failures.append(f"{category.title} ({category.slug}): {error}")
    assert not failures, "\n\n".join(failures)


def test_home_menu_links_work(page, site_url):
    page.goto(f"{site_url}/")
    home_menu = page.locator("section[aria-labelledby='home-menu-heading']")
    links = home_menu.get_by_role("link")
    assert links.count() == len(ia.HOME_MENU)
    hrefs = [links.nth(index).get_attribute("href") for index in range(links.count())]
    broken = [
        (href, status)
        for href in hrefs
        if (status := page.request.get(f"{site_url}{href}").status) != 200
    ]
    assert not broken, f"home menu links that do not answer 200: {broken}"

    home_menu.get_by_role("link", name="ผู้บริหาร", exact=True).click()
    _expect_page_titled(page, "ผู้บริหาร")
    expect(page).to_have_url(re.compile(r"/personnel/executives/$"))


# Keyboard -------------------------------------------------------------------------------------


def test_skip_link_is_first_and_moves_focus_to_main(page, site_url):
    page.goto(f"{site_url}/")
    page.keyboard.press("Tab")
    skip_link = page.get_by_role("link", name="ข้ามไปยังเนื้อหาหลัก")
    expect(skip_link).to_be_focused()
    # It is off screen until focused; a sighted keyboard user must be able to see it.
    expect(skip_link).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()


def test_submenu_opens_with_enter_and_space_and_closes_with_escape(page, site_url):
    page.goto(f"{site_url}/")
    menu_item = _menu_item(page, "ข่าวสาร")
    toggle = menu_item.locator(".submenu-toggle")
    submenu = menu_item.locator(".submenu")
    first_link = submenu.get_by_role("link").first
    toggle.focus()
    expect(submenu).to_be_hidden()

    page.keyboard.press("Enter")
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(submenu).to_be_visible()
    page.keyboard.press("Tab")
    expect(first_link).to_be_focused()

    page.keyboard.press("Escape")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(submenu).to_be_hidden()
    expect(toggle).to_be_focused()

    page.keyboard.press("Space")
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(submenu).to_be_visible()
    page.keyboard.press("Escape")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(submenu).to_be_hidden()


# Small screens --------------------------------------------------------------------------------


def test_mobile_menu_is_behind_its_button_and_page_fits(mobile_page, site_url):
    page = mobile_page
    page.goto(f"{site_url}/")
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= MOBILE["width"], f"home scrolls sideways at 360px: {scroll_width}px"

    menu_toggle = page.locator(MAIN_MENU).get_by_role("button", name="เมนู", exact=True)
    menu = page.locator("#main-menu")
    expect(menu_toggle).to_be_visible()
    expect(menu_toggle).to_have_attribute("aria-expanded", "false")
    expect(menu).to_be_hidden()

    menu_toggle.tap()
    expect(menu_toggle).to_have_attribute("aria-expanded", "true")
    expect(menu).to_be_visible()
    menu_item = _menu_item(page, "บริการประชาชน")
    menu_item.locator(".submenu-toggle").tap()
    # The open small-screen menu has its own layout and colours: check them too.
    violations = _axe_violations(page)
    assert not violations, f"axe, open menu at 360px:\n{_describe(violations)}"
    menu_item.locator(".submenu").get_by_role("link", name="คู่มือประชาชน", exact=True).tap()
    _expect_page_titled(page, "คู่มือประชาชน")


def test_without_javascript_the_small_screen_menu_is_shown_open(browser, site_url):
    """The menu is closed by CSS, not by the script (no layout shift when it arrives); a
    browser without JavaScript gets nojs.css instead, which shows it, and no dead button."""
    options = {"viewport": MOBILE, "is_mobile": True, "java_script_enabled": False}
    with new_page(browser, **options) as page:
        page.goto(f"{site_url}/")
        expect(page.locator("#main-menu")).to_be_visible()
        expect(page.locator(".menu-toggle")).to_be_hidden()
        _menu_item(page, "ข่าวสาร").locator(":scope > a").click()
        _expect_page_titled(page, "ข่าวสาร")


def test_screenshots_of_home(browser, site_url):
    # For people to look at, not compared: the layout is reviewed by eye.
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    mobile = {"viewport": MOBILE, "is_mobile": True, "has_touch": True}
    for name, options, full_page in (
        ("home-desktop-1280.png", {"viewport": DESKTOP}, True),
        ("home-mobile-360.png", mobile, True),
        ("home-mobile-360-menu-open.png", mobile, False),
    ):
        with new_page(browser, **options) as page:
            page.goto(f"{site_url}/")
            page.evaluate("document.fonts.ready.then(() => true)")
            if "menu-open" in name:
                page.locator(".menu-toggle").tap()
                _menu_item(page, "ข่าวสาร").locator(".submenu-toggle").tap()
            path = SCREENSHOT_DIR / name
            page.screenshot(path=path, full_page=full_page)
            assert path.stat().st_size > 0


# axe-core -------------------------------------------------------------------------------------


def _follow_first(selector: str) -> Callable[[Page], None]:
    """Go where a visitor would: follow the first `selector` link in the content."""

    def follow(page: Page) -> None:
        page.locator("main").locator(selector).first.click()
        page.wait_for_load_state()

    return follow


def _open_submenu(page: Page) -> None:
    # Axe skips hidden content, so the submenu's colours are only checked while it is open.
    _menu_item(page, "ข่าวสาร").locator(".submenu-toggle").click()


# One page of every public page type, and the pages outside the tree.
# name: (path to open, what a visitor then does or None, expected HTTP status)
AXE_PAGES = {
    "home": ("/", None, 200),
    "home-submenu-open": ("/", _open_submenu, 200),
    "section": ("/general/", None, 200),
    "content": ("/general/about/", None, 200),
    "privacy-policy": ("/privacy-policy/", None, 200),
    "website-policy": ("/website-policy/", None, 200),
    "accessibility-statement": ("/accessibility/", None, 200),
    "news-listing": ("/news/activities/", None, 200),
    "news-article": ("/news/activities/", _follow_first(".item-list a.item-title"), 200),
    "documents-by-year": (
        "/plans/local-development/",
        _follow_first(".year-filter a[href^='?year=']"),
        200,
    ),
    "document": ("/plans/budget/", _follow_first(".document-table a"), 200),
    "video-listing": ("/news/videos/", None, 200),
    "video": ("/news/videos/", _follow_first(".card-grid a"), 200),
    "executives": ("/personnel/executives/", None, 200),
    "org-chart": ("/personnel/structure/", None, 200),
    "place-listing": ("/landmarks/", None, 200),
    "place": ("/landmarks/", _follow_first(".card-grid a"), 200),
    "not-found": ("/no-such-page/", None, 404),
    "search": ("/search/?q=เทศบาล", None, 200),
    "search-nothing-found": ("/search/?q=ไม่มีคำนี้แน่นอน", None, 200),
}


def _describe(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"  {violation['id']} ({violation['impact']}): {violation['help']}")
        lines.extend(f"      {node['target']}" for node in violation["nodes"])
    return "\n".join(lines)


def _axe_violations(page: Page) -> list[dict]:
    options = {"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]}
    return Axe().run(page, options=options).response["violations"]


def test_every_page_type_has_no_axe_violation_no_csp_violation_and_no_console_error(page, site_url):
    """axe-core finds nothing of any impact; the CSP blocks nothing; nothing fails to load."""
    console_errors: list[str] = []
    page.on(
        "console", lambda message: message.type == "error" and console_errors.append(message.text)
    )
    problems = []
    for name, (path, prepare, status) in AXE_PAGES.items():
        console_errors.clear()
        response = page.goto(f"{site_url}{path}")
        assert response.status == status, f"{name}: {path} answered {response.status}"
        if prepare:
            prepare(page)
        if name == "documents-by-year":
            assert "year=" in page.url, "the document listing offers no year filter"
        page.wait_for_load_state("networkidle")
        where = f"{name} ({unquote(page.url)})"
        if violations := _axe_violations(page):
            problems.append(f"axe on {where}:\n{_describe(violations)}")
        if blocked := csp_violations(page):
            problems.append(f"CSP on {where}: {blocked}")
        # The 404 page logs its own status; anything else (a missing image) is a fault.
        errors = [text for text in console_errors if status == 200 or "404" not in text]
        if errors:
            problems.append(f"console on {where}: {errors}")
    assert not problems, "\n".join(problems)
