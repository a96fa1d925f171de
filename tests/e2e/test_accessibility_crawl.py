"""Every demo account's pages, crawled in Chromium at desktop (1366 px) and phone (390 px) width: no
serious or critical axe-core violation, no page wider than the screen, no tap target under 24 × 24 px on
the phone (WCAG 2.2, 2.5.8), no link to a page that answers 403, 404 or 5xx to its reader, and the menu on
one line at 1200 and 1366 px. What is crawled, and its bounds, are in ``tests/e2e/crawl.py``: at most 12
URL patterns per account, which keeps the whole test to a few minutes."""

import pytest
from django.core.management import call_command

from tests.e2e import crawl

pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

# The accounts of the README's demo table, one per role (and both wards' reporters).
ACCOUNTS = ["admin", "canbo.bacninh", "lanhdao.bacninh", "baocao.tuson", "truong.tuson", "baocao.dongnguyen"]
DEMO_PASSWORD = "qcdc2026"


def _sign_in(browser, origin: str, username: str):
    context = browser.new_context(viewport=crawl.DESKTOP, locale="vi-VN")
    page = context.new_page()
    page.goto(f"{origin}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{origin}/")
    return context, page


def test_every_demo_accounts_pages_are_accessible_on_desktop_and_phone(browser, live_server):
    call_command("load_demo", "--no-progress", verbosity=0)
    origin = live_server.url
    findings: list[str] = []
    opened_total = 0
    for username in ACCOUNTS:

        def report(url, finding, who=username):
            findings.append(f"{who} {url[len(origin) :]}: {finding}")

        context, page = _sign_in(browser, origin, username)
        for width in (1200, 1366):
            page.set_viewport_size({"width": width, "height": 900})
            for finding in crawl.menu_on_one_line(page):
                report(f"{origin}/", f"{width} px: {finding}")
        page.set_viewport_size(crawl.DESKTOP)
        page.close()
        opened = crawl.crawl(context, origin, report)
        assert len(opened) >= 8, f"{username}: only {sorted(opened)} could be opened"
        crawl.audit_on_phone(browser, context.storage_state(), list(opened.values()), report)
        opened_total += len(opened)
        context.close()
    assert findings == [], f"{len(findings)} problems on {opened_total} pages:\n" + "\n".join(findings)
