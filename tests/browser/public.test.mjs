// The public pages of a published edition, as an anonymous visitor sees
// them: demo data of both editions, spam-2022 closed, both published with
// the real commands; the home page, each edition's page and the report,
// each valid HTML (W3C Nu HTML checker) with no serious or critical
// accessibility violation (axe-core), and with no script at all.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { startServer, ARTIFACTS, BIN, REPO } from "./lib/server.mjs";
import { launch, shoot, savePage, vnu, axe, describe } from "./lib/browser.mjs";
import { watch } from "./lib/session.mjs";

const PAGES = path.join(ARTIFACTS, "public-pages");
const SURVEYS = path.join(REPO, "surveys");

let server;
let browser;
/** Each page as served: { name, url, status, html, file }. */
const pages = [];

function run(...args) {
  execFileSync(BIN, [...args, "--surveys", SURVEYS], { cwd: REPO, stdio: ["ignore", "pipe", "pipe"] });
}

before(async () => {
  rmSync(PAGES, { recursive: true, force: true });
  const data = path.join(mkdtempSync(path.join(tmpdir(), "spam-survey-public-")), "data");
  for (const edition of ["spam-2021", "spam-2022"]) run("demo", "--survey", edition, "--data", data);
  run("close", "--survey", "spam-2022", "--data", data);
  for (const edition of ["spam-2021", "spam-2022"]) run("publish", "--survey", edition, "--data", data);
  server = await startServer("public", { data });
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

test("a visitor goes from the home page to an edition, its report and a CSV file, with no script and no sign-in", { timeout: 60_000 }, async () => {
  const context = await browser.newContext({ viewport: { width: 1100, height: 900 }, acceptDownloads: true });
  const page = await context.newPage();
  const problems = watch(page);
  const keep = async (name, response) => {
    assert.equal(response.status(), 200, `${name}: status`);
    const html = await response.text();
    assert.doesNotMatch(html, /<script/i, `${name} runs no script`);
    pages.push({ name, url: page.url(), status: 200, html, file: savePage(PAGES, name, html) });
    await shoot(page, `public-${name}`);
  };
  await keep("home", await page.goto(server.base));
  const [toEdition] = await Promise.all([
    page.waitForNavigation(),
    page.getByRole("link", { name: /Spam\) 2022/ }).first().click(),
  ]);
  await keep("edition-2022", toEdition);
  assert.match(await page.locator("h1").innerText(), /2022/);
  assert.match(await page.content(), /CC-BY-4.0/);
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("link", { name: "spam-2022-responses.csv" }).click(),
  ]);
  assert.equal(download.suggestedFilename(), "spam-2022-responses.csv");
  assert.match(readFileSync(await download.path(), "utf8"), /^member,iso3,member_name,/);
  // A link to an attachment is a navigation the browser turns into a
  // download: Chromium reports that navigation as aborted.
  const downloaded = (p) => p.endsWith("/spam-2022-responses.csv net::ERR_ABORTED");
  const [toReport] = await Promise.all([
    page.waitForNavigation(),
    page.getByRole("link", { name: "Read the report" }).click(),
  ]);
  await keep("report-2022", toReport);
  await keep("edition-2021", await page.goto(`${server.base}/data/spam-2021`));
  assert.deepEqual(problems.filter((p) => !downloaded(p)), [], "no script error, no refused or missing resource");
  await context.close();
});

test("every public page passes the W3C Nu HTML checker with no error", { timeout: 120_000 }, async (t) => {
  const errors = await vnu(pages.map((p) => p.file));
  t.diagnostic(`${pages.length} pages checked, ${errors.length} error(s)`);
  assert.deepEqual(errors, [], `HTML errors:\n${describe(errors)}`);
  assert.equal(pages.length, 4, "every public page was collected");
});

test("axe-core finds no serious or critical accessibility violation on a public page, on a desktop or a phone", { timeout: 120_000 }, async (t) => {
  // As in pages.test.mjs: the CSP rightly refuses the injected axe script,
  // so this context bypasses it and is given each page exactly as served.
  const context = await browser.newContext({ bypassCSP: true, viewport: { width: 1100, height: 900 } });
  const page = await context.newPage();
  const found = [];
  for (const p of pages) {
    await page.route((u) => u.href === p.url, (r) => r.fulfill({ status: p.status, contentType: "text/html; charset=utf-8", body: p.html }));
    await page.goto(p.url, { waitUntil: "load" });
    await page.unrouteAll();
    for (const [width, height] of [[1100, 900], [360, 740]]) {
      await page.setViewportSize({ width, height });
      for (const v of await axe(page, { all: true })) {
        if (v.impact === "serious" || v.impact === "critical") found.push({ page: p.name, width, ...v });
        else t.diagnostic(`${p.name} at ${width} px: ${v.impact}: ${v.id}: ${v.help}`);
      }
    }
    await page.setViewportSize({ width: 1100, height: 900 });
  }
  await context.close();
  assert.deepEqual(found, [], `accessibility violations:\n${describe(found)}`);
  assert.equal(pages.length, 4, "every public page was collected");
});
