// Opens pages of a mounted postfs site in Debian's chromium (driven by
// playwright-core) and reports, for each page, width and colour scheme,
// what a reader would notice: console errors, failed requests, horizontal
// overflow, table-of-contents links that go nowhere, text contrast,
// keyboard focus, landmarks.  Takes a full-page screenshot of each.
//
//   node browser.mjs CONFIG.json > report.json
//
// CONFIG: {nodeModules, chromium, base, profile, shots,
//          pages: [{name, path}], widths: [..], schemes: ["light", "dark"]}
// The report is a JSON array, one object per page, width and scheme;
// tests/site/test_site_browser.py judges it.  Exit status 2 when the
// browser cannot be started or driven at all.
import fs from 'node:fs';
import path from 'node:path';

const config = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const { chromium } = await import(
  path.join(config.nodeModules, 'playwright-core', 'index.mjs'));

const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic',
  '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync'];

// Everything below runs in the page.
function inspect() {
  const rgb = (s) => (s.match(/[\d.]+/g) || []).slice(0, 3).map(Number);
  const lum = (c) => {
    const [r, g, b] = c.map((v) => {
      v /= 255;
      return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const contrast = (a, b) => {
    const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p);
    return (x + 0.05) / (y + 0.05);
  };
  const body = getComputedStyle(document.body);
  const bg = rgb(body.backgroundColor);
  const fg = rgb(body.color);
  const link = document.querySelector('main a');
  const muted = document.querySelector('.meta, .lead');
  // elements that stick out of the viewport on the right, outside any
  // scrolling box (a wide table or code block may scroll within itself)
  const wide = [];
  const inScroller = (el) => {
    for (let p = el.parentElement; p; p = p.parentElement) {
      const o = getComputedStyle(p).overflowX;
      if (o === 'auto' || o === 'scroll' || o === 'hidden') return true;
    }
    return false;
  };
  for (const el of document.body.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (r.width && r.right > innerWidth + 0.5 && !inScroller(el)) {
      wide.push(el.tagName.toLowerCase() + (el.className ? '.' + el.className : '') +
        ' right=' + Math.round(r.right));
      if (wide.length >= 5) break;
    }
  }
  const toc = [...document.querySelectorAll('.toc a[href^="#"]')].map((a) => {
    const id = decodeURIComponent(a.getAttribute('href').slice(1));
    return { id, exists: !!document.getElementById(id) };
  });
  return {
    title: document.title,
    lang: document.documentElement.lang,
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth,
    wide,
    background: bg,
    textContrast: contrast(fg, bg),
    linkContrast: link ? contrast(rgb(getComputedStyle(link).color), bg) : null,
    mutedContrast: muted ? contrast(rgb(getComputedStyle(muted).color), bg) : null,
    landmarks: {
      main: document.querySelectorAll('main').length,
      banner: document.querySelectorAll('body > header').length,
      contentinfo: document.querySelectorAll('body > footer').length,
      siteNav: !!document.querySelector('nav[aria-label="Site"]'),
      breadcrumbCurrent: !!document.querySelector('nav[aria-label="Breadcrumb"] [aria-current="page"]'),
      h1: document.querySelectorAll('h1').length,
    },
    toc,
  };
}

async function tocJump(page) {
  const links = await page.$$('.toc a[href^="#"]');
  if (!links.length) return null;
  const last = links[links.length - 1];
  const href = await last.getAttribute('href');
  await last.click();
  await page.waitForTimeout(100);
  return page.evaluate((h) => {
    const el = document.getElementById(decodeURIComponent(h.slice(1)));
    const top = el ? el.getBoundingClientRect().top : null;
    const atBottom = Math.ceil(scrollY + innerHeight) >= document.documentElement.scrollHeight - 1;
    return { href: h, hash: location.hash, top, atBottom, scrollY };
  }, href);
}

async function focusCheck(page) {
  await page.keyboard.press('Tab');
  return page.evaluate(() => {
    const el = document.activeElement;
    if (!el || el === document.body) return { tag: null };
    const s = getComputedStyle(el);
    const r = el.getBoundingClientRect();
    return {
      tag: el.tagName.toLowerCase(),
      cls: el.className,
      href: el.getAttribute('href'),
      outline: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0,
      visible: r.top >= 0 && r.bottom <= innerHeight && r.width > 0,
    };
  });
}

const report = [];
let context;
try {
  context = await chromium.launchPersistentContext(config.profile, {
    executablePath: config.chromium,
    headless: true,
    args: FLAGS,
    viewport: { width: 1280, height: 800 },
  });
} catch (e) {
  console.error('cannot start chromium: ' + e.message);
  process.exit(2);
}
try {
  for (const pg of config.pages) {
    for (const width of config.widths) {
      for (const scheme of config.schemes) {
        const page = await context.newPage();
        const consoleErrors = [];
        const failed = [];
        page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
        page.on('pageerror', (e) => consoleErrors.push(String(e)));
        page.on('requestfailed', (r) => failed.push(r.url() + ' ' + (r.failure() || {}).errorText));
        page.on('response', (r) => { if (r.status() >= 400) failed.push(r.url() + ' ' + r.status()); });
        await page.setViewportSize({ width, height: 800 });
        await page.emulateMedia({ colorScheme: scheme });
        const url = new URL(pg.path, config.base).href;
        const resp = await page.goto(url, { waitUntil: 'load' });
        const entry = {
          page: pg.name, path: pg.path, width, scheme, url,
          status: resp ? resp.status() : null,
          ...(await page.evaluate(inspect)),
        };
        const shot = path.join(config.shots, `${pg.name}-${width}-${scheme}.png`);
        await page.screenshot({ path: shot, fullPage: true });
        entry.screenshot = shot;
        entry.focus = await focusCheck(page);
        entry.tocJump = await tocJump(page);
        entry.consoleErrors = consoleErrors;
        entry.failedRequests = failed;
        report.push(entry);
        await page.close();
      }
    }
  }
} catch (e) {
  console.error('browser run failed: ' + (e.stack || e));
  await context.close();
  process.exit(2);
}
await context.close();
process.stdout.write(JSON.stringify(report, null, 1) + '\n');
