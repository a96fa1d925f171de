"""Crawl a signed-in reader's pages in Chromium and list what keeps them from being usable by everyone.

From the home page, in-app links are followed breadth first. Pages are grouped by URL pattern (digits in
the path become ``N``, the query keeps its keys only), and at most ``MAX_PAGES`` patterns are opened per
reader, each at desktop and at phone width. On each page opened:

- axe-core (vendored in ``vendor/axe.min.js``) runs with its default rules; a *serious* or *critical*
  violation is a finding;
- the page must not be wider than the viewport;
- on the phone, every target (link, button, field) is at least 24 × 24 CSS px, or spaced as WCAG 2.2
  success criterion 2.5.8 allows: a 24 px circle centred on it touches no other target and no other
  small target's circle; links inside a sentence are exempt, as the criterion says;
- every link on it must open for this reader: an answer of 403, 404 or 5xx is a finding. Links are
  checked once per path (the query aside: ``?sort=…`` or ``?indicator=…`` does not change who may open
  a page), up to ``MAX_LINKS`` paths per reader and ``MAX_LINKS_PER_PATTERN`` per URL pattern (the
  first met: breadcrumbs and menus come first on every page, so every page's own are checked).

Not followed: the Django admin (its own templates, outside this project), logging out, the language
switch, and the API (only its documentation page ``/api/docs/`` is opened). Files (PDF, Word, Excel) are
fetched for their status but not opened as pages.
"""

import re
from collections import deque
from pathlib import Path
from urllib.parse import parse_qsl, urldefrag, urlsplit

AXE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text()
MAX_PAGES = 12  # URL patterns opened per reader
MAX_LINKS = 150  # distinct link paths whose status is checked per reader
MAX_LINKS_PER_PATTERN = 8  # of these, at most so many per URL pattern (/units/N/…)
DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}
SKIP = re.compile(r"^/(admin/|logout/|i18n/|api/(?!docs/))")

TAP_TARGETS = """() => {
  const sel = 'a[href], button, input:not([type=hidden]), select, textarea, summary, [role=button], [tabindex="0"]';
  const seen = [...document.querySelectorAll(sel)].filter((el) => {
    const r = el.getBoundingClientRect(), s = getComputedStyle(el);
    return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && el.closest('[aria-hidden=true]') === null;
  });
  const inSentence = (el) => {
    if (el.tagName !== 'A' || getComputedStyle(el).display !== 'inline') return false;
    const block = el.parentElement, own = (el.textContent || '').trim().length;
    return block && (block.textContent || '').trim().length > own + 3;
  };
  const boxes = seen.map((el) => ({el, r: el.getBoundingClientRect()}));
  const small = boxes.filter((b) => (b.r.width < 24 || b.r.height < 24) && !inSentence(b.el));
  const centre = (r) => [r.left + r.width / 2, r.top + r.height / 2];
  const gap = ([x, y], r) => Math.hypot(Math.max(r.left - x, 0, x - r.right), Math.max(r.top - y, 0, y - r.bottom));
  const found = [];
  for (const b of small) {
    const c = centre(b.r);
    const near = boxes.find((o) => o !== b && !o.el.contains(b.el) && !b.el.contains(o.el) && (
      gap(c, o.r) < 12 || (small.includes(o) && Math.hypot(c[0] - centre(o.r)[0], c[1] - centre(o.r)[1]) < 24)));
    if (near) {
      const name = (b.el.innerText || b.el.value || b.el.getAttribute('aria-label') || b.el.name || '').trim();
      found.push(`${b.el.tagName.toLowerCase()} "${name.slice(0, 40)}" ${Math.round(b.r.width)}×${Math.round(b.r.height)}`);
    }
  }
  return found;
}"""

AXE_RUN = """async () => {
  const result = await axe.run(document, {resultTypes: ['violations']});
  return result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
}"""


def pattern(url: str) -> str:
    """Pages that differ only by the ids in their path, or by the values of their query, are one pattern."""
    parts = urlsplit(url)
    keys = ",".join(sorted({k for k, _ in parse_qsl(parts.query, keep_blank_values=True)}))
    return re.sub(r"\d+", "N", parts.path) + ("?" + keys if keys else "")


def links_of(page, origin: str) -> list[str]:
    hrefs = page.eval_on_selector_all("a[href]", "els => els.map((a) => a.href)")
    out = []
    for href in hrefs:
        href = urldefrag(href)[0]
        if href.startswith(origin) and not SKIP.match(urlsplit(href).path):
            out.append(href)
    return out


def audit(page, url: str, phone: bool) -> list[str]:
    """The findings on one page, already open."""
    found = []
    page.evaluate(AXE)
    found += page.evaluate(AXE_RUN)
    width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    if width[0] > width[1]:
        found.append(f"wider than the viewport: {width[0]} px > {width[1]} px")
    if phone:
        found += [f"tap target under 24 px: {t}" for t in page.evaluate(TAP_TARGETS)]
    return found


def crawl(context, origin: str, report) -> dict[str, str]:
    """Open the reader's pages breadth first (``context`` is signed in); ``report(url, finding)`` collects
    findings. Returns the pattern → first URL of each page opened."""
    page = context.new_page()
    page.set_default_timeout(30_000)
    opened: dict[str, str] = {}
    status: dict[str, tuple[int, bool]] = {}  # path → (status, is a page)
    per_pattern: dict[str, int] = {}
    queue = deque([f"{origin}/"])
    while queue and len(opened) < MAX_PAGES:
        url = queue.popleft()
        key = pattern(url)
        if key in opened:
            continue
        response = page.goto(url)
        if response is None or response.status >= 400 or "text/html" not in response.headers.get("content-type", ""):
            continue
        opened[key] = url
        for finding in audit(page, url, phone=False):
            report(url, "desktop: " + finding)
        for link in links_of(page, origin):
            path = urlsplit(link).path
            if path not in status:
                shape = pattern(path)
                if len(status) >= MAX_LINKS or per_pattern.get(shape, 0) >= MAX_LINKS_PER_PATTERN:
                    continue
                per_pattern[shape] = per_pattern.get(shape, 0) + 1
                answer = context.request.get(link, max_redirects=5)
                html = "text/html" in answer.headers.get("content-type", "")
                status[path] = (answer.status, html)
                answer.dispose()
            code, html = status[path]
            if code in (403, 404) or code >= 500:
                report(url, f"link answers {code}: {link[len(origin) :]}")
            elif html and pattern(link) not in opened:
                queue.append(link)
    page.close()
    return opened


def audit_on_phone(browser, storage_state, urls, report) -> None:
    context = browser.new_context(viewport=PHONE, locale="vi-VN", storage_state=storage_state, is_mobile=True)
    page = context.new_page()
    page.set_default_timeout(30_000)
    for url in urls:
        page.goto(url)
        for finding in audit(page, url, phone=True):
            report(url, "phone: " + finding)
    context.close()


def menu_on_one_line(page) -> list[str]:
    """At 1200 px and wider the menu is one row and no item wraps onto a second line."""
    return page.evaluate(
        """() => {
      const items = [...document.querySelectorAll('#mainnav .nav-link')].filter((a) => a.offsetParent);
      const tops = new Set(items.map((a) => Math.round(a.getBoundingClientRect().top)));
      const text = (a) => { const s = getComputedStyle(a);
        return a.getBoundingClientRect().height - parseFloat(s.paddingTop) - parseFloat(s.paddingBottom); };
      const out = items.filter((a) => text(a) > 1.5 * parseFloat(getComputedStyle(a).lineHeight))
        .map((a) => `menu item on two lines: ${a.innerText.trim()}`);
      if (tops.size > 1) out.push(`menu on ${tops.size} rows`);
      return out;
    }"""
    )
