// The workspace's mail pages in Chromium, with an SMTP server configured
// (one that does not answer: the messages stay queued, their failure
// shown): each page must be valid HTML (Nu checker) and have no serious or
// critical accessibility violation (axe-core), on a desktop and a phone.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { startServer, ARTIFACTS, REPO } from "./lib/server.mjs";
import { launch, shoot, savePage, vnu, axe, describe } from "./lib/browser.mjs";
import { navigate, signIn, watch } from "./lib/session.mjs";

const PAGES = path.join(ARTIFACTS, "mail-pages");

let server;
let browser;
let surveys;
const pages = [];

/** A port on 127.0.0.1 where nothing listens. */
function freePort() {
  return new Promise((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** The bundled definitions with an address for every member. */
function surveysWithAddresses() {
  const dir = mkdtempSync(path.join(tmpdir(), "spam-survey-mail-"));
  for (const f of ["spam-2021.toml", "spam-2022.toml"]) copyFileSync(path.join(REPO, "surveys", f), path.join(dir, f));
  const lines = readFileSync(path.join(REPO, "surveys", "members.csv"), "utf8").trim().split("\n");
  const out = [`${lines[0]},email`, ...lines.slice(1).map((l) => `${l},focal-${l.slice(0, 2).toLowerCase()}@members.example`)];
  writeFileSync(path.join(dir, "members.csv"), `${out.join("\n")}\n`);
  return dir;
}

before(async () => {
  rmSync(PAGES, { recursive: true, force: true });
  surveys = surveysWithAddresses();
  process.env.SPAM_SURVEY_SMTP_URL = `smtp://mailer:browser-test-secret@127.0.0.1:${await freePort()}`;
  process.env.SPAM_SURVEY_MAIL_FROM = "APT Secretariat <survey@apt.example>";
  server = await startServer("mail", { surveys });
  delete process.env.SPAM_SURVEY_SMTP_URL;
  delete process.env.SPAM_SURVEY_MAIL_FROM;
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
  await shoot(page, `mail-${name}`);
  return html;
}

test("the secretariat previews the invitation, sends the round's invitations in one action and sees each member's last message", { timeout: 120_000 }, async () => {
  const base = server.base;
  const context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
  context.setDefaultTimeout(60_000);
  const page = await context.newPage();
  const problems = watch(page);
  const go = (url) => navigate(page, () => page.goto(url));
  const click = (locator) => navigate(page, () => locator.click());
  await signIn(page, base);
  let html = await keep(page, "mail", await go(`${base}/admin/s/spam-2022/mail`), 200);
  assert.match(html, /smtp:\/\/mailer:\*\*\*@127\.0\.0\.1/);
  assert.doesNotMatch(html, /browser-test-secret/);
  await page.locator("#p-member").selectOption("KR");
  html = await keep(page, "mail-preview", await click(page.getByRole("button", { name: "Preview the messages for this member" })), 200);
  assert.match(html, /invitation to answer/);
  await go(`${base}/admin/s/spam-2022/mail`);
  html = await keep(page, "mail-after-invitations", await click(page.getByRole("button", { name: /Send invitations to the 42 members not yet invited/ })), 200);
  assert.match(html, /42 invitations queued/);
  html = await keep(page, "overview-with-mail", await go(`${base}/admin/s/spam-2022`), 200);
  assert.match(html, /Last message \(UTC\)/);
  await keep(page, "reminders-with-mail", await go(`${base}/admin/s/spam-2022/reminders`), 200);
  await keep(page, "mail-preview-with-history", await go(`${base}/admin/s/spam-2022/mail/preview?member=KR`), 200);
  await go(`${base}/admin/s/spam-2022`);
  await keep(page, "new-link-with-addresses", await click(page.getByRole("button", { name: "New link for Japan" })), 200);
  assert.deepEqual(problems, [], "no script error, no refused or missing resource");
  await context.close();
});

test("every mail page passes the W3C Nu HTML checker and axe-core", { timeout: 180_000 }, async (t) => {
  const errors = await vnu(pages.map((p) => p.file));
  assert.deepEqual(errors, [], `HTML errors:\n${describe(errors)}`);
  const context = await browser.newContext({ bypassCSP: true, viewport: { width: 1100, height: 900 } });
  const page = await context.newPage();
  const found = [];
  for (const p of pages) {
    const address = p.url.replace(/#.*$/, "");
    await page.route((u) => u.href === address, (r) => r.fulfill({ status: p.status, contentType: "text/html; charset=utf-8", body: p.html }));
    await page.goto(address, { waitUntil: "load" });
    await page.unrouteAll();
    for (const [width, height] of [[1100, 900], [360, 740]]) {
      await page.setViewportSize({ width, height });
      for (const v of await axe(page)) found.push({ page: p.name, width, ...v });
    }
  }
  t.diagnostic(`${pages.length} pages checked`);
  await context.close();
  assert.deepEqual(found, [], `accessibility violations:\n${describe(found)}`);
  assert.equal(pages.length, 7, "every page was collected");
});
