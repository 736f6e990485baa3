// Every page the system serves, visited in Chromium as a member and as the
// secretariat: each must be valid HTML (W3C Nu HTML checker, zero errors)
// and have no serious or critical accessibility violation (axe-core); the
// form page must stay light and load nothing from another host.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { startServer, ARTIFACTS, REPO } from "./lib/server.mjs";
import { launch, shoot, savePage, vnu, axe, describe } from "./lib/browser.mjs";
import { REQUIRED, box, fill } from "./lib/questionnaire.mjs";
import { navigate, signIn, watch } from "./lib/session.mjs";

const PAGES = path.join(ARTIFACTS, "pages");
/** The form page and everything it loads, on the wire, gzip as the server sends it. */
const FORM_BUDGET = 100 * 1024;

let server;
let browser;
/** Each page as served: { name, url, status, html, file }. */
const pages = [];

before(async () => {
  rmSync(PAGES, { recursive: true, force: true });
  server = await startServer("pages");
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

test("the form page with its assets stays under 100 KB on the wire and loads nothing from elsewhere", { timeout: 60_000 }, async (t) => {
  const link = server.invite("spam-2022", "TH");
  const context = await browser.newContext();
  const page = await context.newPage();
  const requests = [];
  page.on("requestfinished", (r) => requests.push(r));
  const problems = watch(page);
  const response = await page.goto(link, { waitUntil: "networkidle" });
  assert.equal(response.status(), 200);
  assert.equal(await response.headerValue("content-encoding"), "gzip", "the page is sent compressed");
  const origin = new URL(server.base).origin;
  let bytes = 0;
  const lines = [];
  for (const r of requests) {
    assert.equal(new URL(r.url()).origin, origin, `${r.url()} is on the server's own origin`);
    const s = await r.sizes();
    bytes += s.responseHeadersSize + s.responseBodySize;
    lines.push(`${r.url().replace(origin, "")}: ${s.responseBodySize} B body + ${s.responseHeadersSize} B headers`);
  }
  t.diagnostic(`form page: ${requests.length} request(s), ${bytes} bytes transferred`);
  for (const l of lines) t.diagnostic(l);
  assert.ok(requests.length >= 3, "the page, its stylesheet and its script were loaded");
  assert.ok(bytes < FORM_BUDGET, `${bytes} bytes is under ${FORM_BUDGET}`);
  assert.deepEqual(problems, []);
  await context.close();
});

/** Keeps the page that `response` brought, checking its status. */
async function keep(page, name, response, status) {
  assert.equal(response.status(), status, `${name}: status`);
  assert.match(await response.headerValue("content-type"), /^text\/html; charset=utf-8$/, `${name}: an HTML page`);
  const html = await response.text();
  pages.push({ name, url: page.url(), status, html, file: savePage(PAGES, name, html) });
  await shoot(page, `page-${name}`);
}

test("every page can be reached in the browser: the member's, the secretariat's and the error pages", { timeout: 120_000 }, async () => {
  const base = server.base;
  const context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
  context.setDefaultTimeout(10_000);
  const page = await context.newPage();
  const problems = watch(page);
  const go = (url) => navigate(page, () => page.goto(url));
  const click = (locator) => navigate(page, () => locator.click());
  const tamper = (form) => form.locator("input[name=csrf]").evaluate((el) => { el.value = "forged"; });

  await keep(page, "home", await go(`${base}/`), 200);
  await keep(page, "error-404", await go(`${base}/no/such/page`), 404);

  // The member: an empty form, the form refusing a submission, a saved
  // draft, an out-of-date form, the confirmation.
  const link = server.invite("spam-2022", "KR");
  await keep(page, "form", await go(link), 200);
  await keep(page, "form-with-errors", await click(page.getByRole("button", { name: "Submit" })), 422);
  assert.ok((await page.locator(".summary li").count()) >= 5, "the summary lists every required question");
  // Mistakes of other kinds: a number that is not one, a "please specify"
  // text for an option not chosen, the same option in two places of a ranking.
  await fill(page, { steps: REQUIRED.slice(0, 2) });
  const c5 = box(page, "C5").getByRole("textbox", { name: "2019", exact: true });
  await c5.fill("lots");
  const a5Other = box(page, "A5").getByRole("textbox", { name: "Other: please specify" });
  await a5Other.fill("Fake job offers");
  await box(page, "G1").getByRole("checkbox", { name: "Spam from abroad" }).check();
  await box(page, "G1").getByRole("checkbox", { name: "Caller-ID spoofing" }).check();
  await box(page, "G2").getByLabel("1st").selectOption({ label: "Caller-ID spoofing" });
  await box(page, "G2").getByLabel("2nd").selectOption({ label: "Caller-ID spoofing" });
  await keep(page, "form-with-other-errors", await click(page.getByRole("button", { name: "Submit" })), 422);
  for (const q of ["C5", "A5", "G2"]) assert.equal(await box(page, q).locator(".error").count(), 1, `${q} shows its error`);
  await c5.fill("");
  await a5Other.fill("");
  await box(page, "G2").getByLabel("2nd").selectOption({ label: "Spam from abroad" });
  await keep(page, "form-draft-saved", await click(page.getByRole("button", { name: "Save draft" })), 200);
  await tamper(page.locator("form[method=post]"));
  await keep(page, "form-out-of-date", await click(page.getByRole("button", { name: "Save draft" })), 403);
  await fill(page, { steps: REQUIRED.slice(2) });
  await keep(page, "confirmation", await click(page.getByRole("button", { name: "Submit" })), 200);
  // A closed edition: 2021 closed on 30 June 2021.
  await keep(page, "closed-edition", await go(server.invite("spam-2021", "KR", { evenIfClosed: true })), 200);

  // The secretariat.
  await keep(page, "error-401-sign-in-first", await go(`${base}/admin/audit`), 401);
  await keep(page, "sign-in", await go(`${base}/admin`), 200);
  await page.getByLabel("Name").fill("admin");
  await page.getByLabel("Password").fill("not the password");
  await keep(page, "sign-in-wrong-password", await click(page.getByRole("button", { name: "Sign in" })), 401);
  await signIn(page, base);
  await keep(page, "overview", await go(`${base}/admin/s/spam-2022`), 200);
  await keep(page, "overview-2021", await go(`${base}/admin/s/spam-2021`), 200);
  await keep(page, "response", await go(`${base}/admin/s/spam-2022/m/KR`), 200);
  await keep(page, "response-never-saved", await go(`${base}/admin/s/spam-2022/m/JP`), 200);
  await keep(page, "error-400", await go(`${base}/admin/s/spam-2022/export?kind=nonsense`), 400);
  await keep(page, "reminders", await go(`${base}/admin/s/spam-2022/reminders`), 200);
  const boxes = page.locator("fieldset input[type=checkbox]");
  const n = await boxes.count();
  for (let i = 2; i < n; i++) await boxes.nth(i).uncheck();
  await keep(page, "reminders-prepared", await click(page.getByRole("button", { name: "Prepare the reminders" })), 200);
  assert.equal(await page.locator("section.reminder").count(), 2);
  await go(`${base}/admin/s/spam-2022`);
  await keep(page, "new-link", await click(page.getByRole("button", { name: "Invite Japan" })), 200);
  await keep(page, "audit-log", await go(`${base}/admin/audit`), 200);
  await keep(page, "accounts", await go(`${base}/admin/accounts`), 200);
  await keep(page, "your-account", await go(`${base}/admin/account`), 200);
  await go(`${base}/admin/s/spam-2022`);
  const round = page.locator("form[action$='/round']");
  await tamper(round);
  await keep(page, "error-403", await click(round.getByRole("button")), 403);
  await go(`${base}/admin/s/spam-2022`);
  await keep(page, "overview-closed", await click(page.getByRole("button", { name: "Close the edition now" })), 200);
  await keep(page, "closed-by-secretariat", await go(link), 200);
  assert.ok(await box(page, "P1").count() === 0, "a closed edition shows answers, not the form");

  assert.deepEqual(problems, [], "no script error, no refused or missing resource");
  await context.close();
});

/**
 * A folder of definitions whose 2022 edition has `n` members, as a
 * regulator surveying every licensed operator would have: past 500
 * members the overview pages and offers its filter.
 */
function bigSurveys(n) {
  const dir = mkdtempSync(path.join(tmpdir(), "spam-survey-big-"));
  for (const f of ["spam-2021.toml", "spam-2022.toml"]) copyFileSync(path.join(REPO, "surveys", f), path.join(dir, f));
  const regions = ["East Asia", "Pacific", "South Asia", "South-East Asia"];
  const lines = ["code,iso3,name,subregion,status"];
  for (let i = 0; i < n; i++) {
    const code = `M${String(i).padStart(4, "0")}`;
    lines.push(`${code},,Operator ${code},${regions[i % 4]},${i % 100 === 99 ? "associate" : "member"}`);
  }
  writeFileSync(path.join(dir, "members.csv"), `${lines.join("\n")}\n`);
  return dir;
}

test("a big edition's overview pages, filters and reminders can be reached in the browser", { timeout: 120_000 }, async () => {
  // The APT's overview shows the filter only when a query asks for one.
  const apt = await browser.newContext({ viewport: { width: 1100, height: 900 } });
  const aptPage = await apt.newPage();
  await signIn(aptPage, server.base);
  await keep(aptPage, "overview-filtered", await navigate(aptPage, () => aptPage.goto(`${server.base}/admin/s/spam-2022?status=not-submitted`)), 200);
  await apt.close();

  const surveys = bigSurveys(1_203);
  const big = await startServer("pages-big", { surveys });
  const context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
  context.setDefaultTimeout(10_000);
  const page = await context.newPage();
  const problems = watch(page);
  const go = (url) => navigate(page, () => page.goto(url));
  const click = (locator) => navigate(page, () => locator.click());
  try {
    await signIn(page, big.base);
    await keep(page, "overview-big", await go(`${big.base}/admin/s/spam-2022`), 200);
    assert.equal(await page.locator("table.members tbody tr").count(), 200);
    // The filter, used as a person would: no script needed.
    await page.getByLabel("Status").selectOption({ label: "not submitted, or changed since" });
    await page.getByLabel("Sub-region").selectOption({ label: "Pacific" });
    await keep(page, "overview-big-filtered", await click(page.getByRole("button", { name: "Show these members" })), 200);
    assert.match(await page.locator(".matching").innerText(), /^301 of 1,203 members match/);
    await keep(page, "overview-big-page-2", await click(page.locator("nav.pager").getByRole("link", { name: "Next page" })), 200);
    assert.match(page.url(), /status=not-submitted&subregion=Pacific&sort=status&page=2$/);
    assert.equal(await page.locator("table.members tbody tr").count(), 101);
    await page.getByLabel("Go to page").fill("1");
    await click(page.getByRole("button", { name: "Go", exact: true }));
    assert.match(page.url(), /[?&]page=1$/);
    assert.equal(await page.getByLabel("Sub-region").inputValue(), "Pacific", "the filter is kept");
    await page.getByLabel("Code or name contains").fill("nobody");
    await keep(page, "overview-big-no-match", await click(page.getByRole("button", { name: "Show these members" })), 200);
    await keep(page, "error-400-bad-filter", await go(`${big.base}/admin/s/spam-2022?status=nonsense`), 400);
    await keep(page, "reminders-big", await go(`${big.base}/admin/s/spam-2022/reminders`), 200);
    assert.equal(await page.locator("fieldset input[type=checkbox]").count(), 200);
    assert.deepEqual(problems, [], "no script error, no refused or missing resource");
  } finally {
    await context.close();
    await big.stop();
    rmSync(surveys, { recursive: true, force: true });
  }
});

// The checks below look at every page collected above, even when the visit
// stopped early, and then insist that the visit was complete.
const ALL_PAGES = 33;

test("every page passes the W3C Nu HTML checker with no error", { timeout: 120_000 }, async (t) => {
  const errors = await vnu(pages.map((p) => p.file));
  t.diagnostic(`${pages.length} pages checked, ${errors.length} error(s)`);
  assert.deepEqual(errors, [], `HTML errors:\n${describe(errors)}`);
  assert.equal(pages.length, ALL_PAGES, "every page was collected");
});

test("axe-core finds no serious or critical accessibility violation on any page, on a desktop or a phone", { timeout: 180_000 }, async (t) => {
  // The server's CSP rightly refuses the injected axe script: this context
  // bypasses it, and is given each page exactly as it was served, at its own
  // address (its stylesheet and script come from the server as usual).
  const context = await browser.newContext({ bypassCSP: true, viewport: { width: 1100, height: 900 } });
  const page = await context.newPage();
  const found = [];
  for (const p of pages) {
    const address = p.url.replace(/#.*$/, "");
    let served = 0;
    await page.route((u) => u.href === address, (r) => {
      served += 1;
      return r.fulfill({ status: p.status, contentType: "text/html; charset=utf-8", body: p.html });
    });
    await page.goto(address, { waitUntil: "load" });
    await page.unrouteAll();
    assert.equal(served, 1, `${p.name} was checked as it was served`);
    // On a desktop, then on a phone (what overflows there changes what a
    // keyboard must be able to reach).
    for (const [width, height] of [[1100, 900], [360, 740]]) {
      await page.setViewportSize({ width, height });
      for (const v of await axe(page, { all: true })) {
        if (v.impact === "serious" || v.impact === "critical") found.push({ page: p.name, width, ...v });
        else t.diagnostic(`${p.name} at ${width} px: ${v.impact}: ${v.id}: ${v.help} (${v.count} element(s))`);
      }
    }
    await page.setViewportSize({ width: 1100, height: 900 });
  }
  t.diagnostic(`${pages.length} pages checked, ${found.length} serious or critical violation(s)`);
  await context.close();
  assert.deepEqual(found, [], `accessibility violations:\n${describe(found)}`);
  assert.equal(pages.length, ALL_PAGES, "every page was collected");
});
