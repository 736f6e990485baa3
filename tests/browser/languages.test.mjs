// The two-language questionnaire (tests/fixtures/languages) in Chromium:
// the member switches to French by a plain link with JavaScript off, saves
// and submits in French; the secretariat previews it in both languages and
// sees a broken definition's messages. Every page met passes the Nu HTML
// checker with no error and axe-core with no serious or critical violation.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { copyFileSync, mkdtempSync, rmSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { startServer, ARTIFACTS, REPO, ADMIN_PASSWORD } from "./lib/server.mjs";
import { launch, shoot, savePage, vnu, axe, describe } from "./lib/browser.mjs";
import { navigate, watch } from "./lib/session.mjs";

const PAGES = path.join(ARTIFACTS, "languages");
const FIXTURE = path.join(REPO, "tests", "fixtures", "languages");

let server;
let browser;
let surveys;
/** Each page as served: { name, url, status, html, file }. */
const pages = [];

before(async () => {
  rmSync(PAGES, { recursive: true, force: true });
  surveys = mkdtempSync(path.join(tmpdir(), "spam-survey-languages-"));
  for (const f of ["members.csv", "legal-2023.toml"]) copyFileSync(path.join(FIXTURE, f), path.join(surveys, f));
  server = await startServer("languages", { surveys });
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.stop();
  if (surveys) rmSync(surveys, { recursive: true, force: true });
});

async function keep(page, name, response, status) {
  assert.equal(response.status(), status, `${name}: status`);
  const html = await response.text();
  pages.push({ name, url: page.url(), status, html, file: savePage(PAGES, name, html) });
  await shoot(page, `languages-${name}`);
  return html;
}

test("a member switches to French without JavaScript, and the language stays with the link", { timeout: 60_000 }, async () => {
  const link = server.invite("legal-2023", "AF");
  const context = await browser.newContext({ javaScriptEnabled: false });
  context.setDefaultTimeout(10_000);
  const page = await context.newPage();
  const problems = watch(page);
  const go = (url) => navigate(page, () => page.goto(url));
  const click = (locator) => navigate(page, () => locator.click());
  let html = await keep(page, "form-en", await go(link), 200);
  assert.match(html, /<html lang="en">/);
  html = await keep(page, "form-fr", await click(page.getByRole("link", { name: "Français" })), 200);
  assert.match(html, /<html lang="fr">/);
  assert.equal(await page.getByRole("link", { name: "Français" }).getAttribute("aria-current"), "true");
  // Remembered for the link: the bare link opens in French.
  html = (await go(link)).status() === 200 ? await page.content() : "";
  assert.match(html, /Existe-t-il une loi contre le spam/);
  // A submission with a problem comes back in French, then a whole one.
  await page.getByLabel("Intitulé de la loi").fill("Loi n° 2004-575");
  await keep(page, "form-fr-problems", await click(page.getByRole("button", { name: "Envoyer" })), 422);
  assert.match(await page.content(), /Cette question est obligatoire/);
  await page.locator("#f-L1-yes").check();
  await page.locator("#f-L3-email").check();
  html = await keep(page, "done-fr", await click(page.getByRole("button", { name: "Envoyer" })), 200);
  assert.match(html, /Merci : vos réponses sont reçues/);
  assert.deepEqual(problems, []);
  await context.close();
});

test("the secretariat previews the edition in each language and sees a broken definition's messages", { timeout: 60_000 }, async () => {
  const context = await browser.newContext();
  context.setDefaultTimeout(10_000);
  const page = await context.newPage();
  const problems = watch(page);
  const go = (url) => navigate(page, () => page.goto(url));
  const click = (locator) => navigate(page, () => locator.click());
  await page.goto(`${server.base}/admin`);
  await page.getByLabel("Name").fill("admin");
  await page.getByLabel("Password").fill(ADMIN_PASSWORD);
  await click(page.getByRole("button", { name: "Sign in" }));
  let html = await keep(page, "preview-en", await click(page.getByRole("link", { name: "Preview the questionnaire" })), 200);
  assert.match(html, /Preview: this is the questionnaire as a member sees it/);
  html = await keep(page, "preview-fr", await click(page.getByRole("link", { name: "Français" })), 200);
  assert.match(html, /<html lang="fr">/);
  await keep(page, "preview-fr-checked", await click(page.getByRole("button", { name: "Envoyer" })), 200);
  assert.match(await page.content(), /Cette question est obligatoire/);
  // A definition added since the start, with an error: the check's message.
  const broken = readFileSync(path.join(surveys, "legal-2023.toml"), "utf8")
    .replace('id = "legal-2023"', 'id = "legal-2024"')
    .replace('text = { en = "Name of the law", fr = "Intitulé de la loi" }', 'text = { en = "Name of the law" }');
  writeFileSync(path.join(surveys, "legal-2024.toml"), broken);
  html = await keep(page, "preview-errors", await go(`${server.base}/admin/s/legal-2024/preview`), 200);
  assert.match(html, /question L2: the question text lacks a translation into fr/);
  rmSync(path.join(surveys, "legal-2024.toml"));
  assert.deepEqual(problems, []);
  await context.close();
});

const ALL_PAGES = 8;

test("the language and preview pages pass the W3C Nu HTML checker with no error", { timeout: 120_000 }, async (t) => {
  const errors = await vnu(pages.map((p) => p.file));
  t.diagnostic(`${pages.length} pages checked, ${errors.length} error(s)`);
  assert.deepEqual(errors, [], `HTML errors:\n${describe(errors)}`);
  assert.equal(pages.length, ALL_PAGES, "every page was collected");
});

test("axe-core finds no serious or critical violation on the French form or the preview", { timeout: 120_000 }, async (t) => {
  // As in pages.test.mjs: a context that bypasses the CSP, given each page as served.
  const context = await browser.newContext({ bypassCSP: true, viewport: { width: 1100, height: 900 } });
  const page = await context.newPage();
  const found = [];
  for (const p of pages) {
    const address = p.url.replace(/#.*$/, "");
    await page.route((u) => u.href === address, (r) => r.fulfill({ status: p.status, contentType: "text/html; charset=utf-8", body: p.html }));
    await page.goto(address, { waitUntil: "load" });
    await page.unrouteAll();
    for (const v of await axe(page, { all: true })) {
      if (v.impact === "serious" || v.impact === "critical") found.push({ page: p.name, ...v });
      else t.diagnostic(`${p.name}: ${v.impact}: ${v.id}: ${v.help} (${v.count} element(s))`);
    }
  }
  await context.close();
  assert.deepEqual(found, [], `accessibility violations:\n${describe(found)}`);
  assert.equal(pages.length, ALL_PAGES, "every page was collected");
});
