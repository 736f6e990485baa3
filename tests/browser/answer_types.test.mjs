// The date and file answer types in Chromium, on the small edition of
// tests/fixtures/types: a member types a date and attaches a PDF (with
// JavaScript and without), a wrong kind and a date out of range come back
// with the other answers kept, the secretariat downloads the PDF from the
// response page; every one of those pages passes the W3C Nu HTML checker
// and axe-core.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { startServer, ARTIFACTS, REPO, ADMIN_PASSWORD } from "./lib/server.mjs";
import { launch, shoot, savePage, vnu, axe, describe } from "./lib/browser.mjs";
import { navigate, watch } from "./lib/session.mjs";

const PAGES = path.join(ARTIFACTS, "answer-types");
const SURVEYS = path.join(REPO, "tests/fixtures/types");
const PDF = Buffer.from("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n% the Spam Act\ntrailer << /Root 1 0 R >>\n%%EOF\n");
const sha256 = (b) => createHash("sha256").update(b).digest("hex");

let server;
let browser;
/** Each page as served: { name, url, status, html, file }. */
const pages = [];

before(async () => {
  rmSync(PAGES, { recursive: true, force: true });
  server = await startServer("answer-types", { surveys: SURVEYS });
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

async function keep(page, name, response, status) {
  assert.equal(response.status(), status, `${name}: status`);
  const html = await response.text();
  pages.push({ name, url: page.url(), status, html, file: savePage(PAGES, name, html) });
  await shoot(page, `answer-types-${name}`);
}

for (const javaScriptEnabled of [true, false]) {
  const how = javaScriptEnabled ? "with JavaScript" : "without JavaScript";
  test(`a member types a date and attaches a PDF ${how}; a wrong kind and a date out of range come back with the answers kept`, { timeout: 60_000 }, async () => {
    const member = javaScriptEnabled ? "TH" : "VN";
    const context = await browser.newContext({ javaScriptEnabled });
    const page = await context.newPage();
    const problems = watch(page);
    const first = await navigate(page, () => page.goto(server.invite("types-2022", member)));
    if (javaScriptEnabled) await keep(page, "form", first, 200);
    await page.getByLabel("Name of the law").fill("Spam Act");
    await page.locator("#f-L2").fill("2023-05-01");
    await page.getByLabel("Choose a file").setInputFiles({ name: "spam-act.exe", mimeType: "application/pdf", buffer: Buffer.from("MZ\x90\x00 not a document") });
    const refused = await navigate(page, () => page.getByRole("button", { name: "Save draft" }).click());
    if (javaScriptEnabled) await keep(page, "refused", refused, 422);
    else assert.equal(refused.status(), 422);
    const text = await page.locator("#answers").innerText();
    assert.match(text, /The date must be between 2000-01-01 and 2022-12-31\./);
    assert.match(text, /is not a PDF or Word document/);
    assert.equal(await page.getByLabel("Name of the law").inputValue(), "Spam Act", "the other answer is kept");

    await page.locator("#f-L2").fill("2005-03-01");
    await page.getByLabel("Choose a file").setInputFiles({ name: "spam-act.pdf", mimeType: "application/pdf", buffer: PDF });
    const saved = await navigate(page, () => page.getByRole("button", { name: "Save draft" }).click());
    if (javaScriptEnabled) await keep(page, "attached", saved, 200);
    else assert.equal(saved.status(), 200);
    assert.match(await page.locator(".notice").innerText(), /Draft saved at/);
    assert.equal(await page.locator("#f-L2").inputValue(), "2005-03-01");
    assert.match(await page.locator(".attached").innerText(), /Attached: spam-act\.pdf/);
    assert.deepEqual(problems, []);
    await context.close();
  });
}

test("the secretariat downloads the PDF from the response page as a file, never inline", { timeout: 60_000 }, async () => {
  const context = await browser.newContext({ acceptDownloads: true });
  const page = await context.newPage();
  await page.goto(`${server.base}/admin`);
  await page.getByLabel("Name").fill("admin");
  await page.getByLabel("Password").fill(ADMIN_PASSWORD);
  await navigate(page, () => page.getByRole("button", { name: "Sign in" }).click());
  const response = await navigate(page, () => page.goto(`${server.base}/admin/s/types-2022/m/TH`));
  await keep(page, "response", response, 200);
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("link", { name: "spam-act.pdf" }).click(),
  ]);
  assert.equal(download.suggestedFilename(), "spam-act.pdf");
  const bytes = readFileSync(await download.path());
  assert.equal(sha256(bytes), sha256(PDF), "the bytes downloaded are the bytes attached");
  await context.close();
});

test("the pages of dates and attachments pass the W3C Nu HTML checker and axe-core", { timeout: 120_000 }, async (t) => {
  assert.equal(pages.length, 4, "the form, the refused save, the saved form and the response page");
  const errors = await vnu(pages.map((p) => p.file));
  assert.deepEqual(errors, [], `HTML errors:\n${describe(errors)}`);
  // As in pages.test.mjs: the CSP refuses the injected axe script, so this
  // context bypasses it and is given each page exactly as it was served.
  const context = await browser.newContext({ bypassCSP: true, viewport: { width: 1100, height: 900 } });
  const page = await context.newPage();
  const found = [];
  for (const p of pages) {
    const address = p.url.replace(/#.*$/, "");
    await page.route((u) => u.href === address, (r) => r.fulfill({ status: p.status, contentType: "text/html; charset=utf-8", body: p.html }));
    await page.goto(address, { waitUntil: "load" });
    await page.unrouteAll();
    for (const v of await axe(page)) found.push({ page: p.name, ...v });
  }
  t.diagnostic(`${pages.length} pages checked, ${errors.length} HTML error(s), ${found.length} serious or critical violation(s)`);
  await context.close();
  assert.deepEqual(found, [], `accessibility violations:\n${describe(found)}`);
});
