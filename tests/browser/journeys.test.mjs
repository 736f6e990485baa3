// The member's and the secretariat's whole journeys in headless Chromium,
// against the real server binary with a fresh data directory.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, writeFileSync, mkdirSync, readdirSync, rmSync } from "node:fs";
import path from "node:path";
import { startServer, ARTIFACTS } from "./lib/server.mjs";
import { launch, shoot, savePage, vnu, axe, describe } from "./lib/browser.mjs";
import { ANSWERS, box, fill, snapshot, unanswered } from "./lib/questionnaire.mjs";
import { navigate, signIn, watch } from "./lib/session.mjs";

let server;
let browser;

before(async () => {
  server = await startServer("journeys");
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

const CONDITIONAL = ["A3", "A8", "A10", "A11", "B2", "B3", "B5", "E2", "G2"];
const section = (s) => ANSWERS.filter((a) => a.q.replace(/\d+$/, "") === s);
const without = (snap, ...names) => Object.fromEntries(Object.entries(snap).filter(([k]) => !names.includes(k)));

async function confirmation(page, expected) {
  await assert.doesNotReject(page.getByRole("heading", { level: 1, name: "Thank you: your answers are received" }).waitFor());
  assert.equal(await page.locator("dd.none").count(), 0, "every question is answered on the confirmation page");
  const text = await page.locator("main").innerText();
  for (const e of expected) assert.ok(text.includes(e), `the confirmation shows “${e}”`);
}

test("a member fills in the whole form (section A by keyboard), saves a draft, finds it after a reload, fixes a mistake and submits", { timeout: 180_000 }, async () => {
  const link = server.invite("spam-2022", "KR");
  const context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
  context.setDefaultTimeout(10_000);
  const page = await context.newPage();
  const problems = watch(page);

  const first = await page.goto(link);
  assert.equal(first.status(), 200);
  assert.match(await page.title(), /APT Survey on Unsolicited Commercial Messages \(Spam\) 2022 – Korea \(Republic of\)/);
  // The script hides the questions that no answer has made relevant yet.
  for (const q of ["A3", "A8", "A10", "B5", "E2", "G2"]) assert.ok(await box(page, q).isHidden(), `${q} starts hidden`);
  await shoot(page, "member-js-1-empty");

  await fill(page, { steps: section("P") });
  // Section A by keyboard alone: Tab from the last box of P3, Space, arrows, typing.
  await fill(page, { steps: section("A"), keyboard: ["A"] });
  for (const q of ["A3", "A8", "A10", "A11"]) assert.ok(await box(page, q).isVisible(), `${q} shows once its condition is met`);
  // Only the channels picked in A2 are rows to rate in A3.
  assert.equal(await box(page, "A3").locator("tbody tr:visible").count(), 4);
  await fill(page, { steps: ANSWERS.filter((a) => !"PA".includes(a.q[0])) });
  for (const q of CONDITIONAL) assert.ok(await box(page, q).isVisible(), `${q} shows once its condition is met`);
  assert.deepEqual(await unanswered(page), [], "every question has an answer");
  const filled = await snapshot(page);
  await shoot(page, "member-js-2-filled");

  // Save a draft, then reload the page: everything is still there.
  const saved = await navigate(page, () => page.getByRole("button", { name: "Save draft" }).click());
  assert.equal(saved.status(), 200);
  assert.match(page.url(), /\?saved=\d+#main$/);
  await assert.doesNotReject(page.getByRole("status").filter({ hasText: "Draft saved at" }).waitFor());
  await page.reload();
  assert.deepEqual(await snapshot(page), filled, "the reloaded draft holds every answer");
  await shoot(page, "member-js-3-draft-reloaded");

  // A mistake: an e-mail address without @. Submitting shows it beside the question and at the top.
  const email = box(page, "P3").getByRole("textbox", { name: "E-mail (required)" });
  await email.click();
  await email.press("Control+A");
  await email.pressSequentially("minji.kim at example.org");
  const refused = await navigate(page, () => page.getByRole("button", { name: "Submit" }).click());
  assert.equal(refused.status(), 422);
  assert.match(await page.title(), /^Please check 1 question –/);
  const summary = page.locator(".summary[role=alert]");
  await assert.doesNotReject(summary.waitFor());
  const toP3 = summary.getByRole("link", { name: "P3: E-mail: write an e-mail address such as name@example.org." });
  assert.equal(await toP3.getAttribute("href"), "#q-P3");
  const p3 = box(page, "P3");
  assert.match(await p3.getAttribute("class"), /invalid/);
  assert.match(await p3.locator(".error").innerText(), /E-mail: write an e-mail address such as name@example.org/);
  assert.match(await p3.getAttribute("aria-describedby"), /\berr-P3\b/, "the error is tied to the question for screen readers");
  assert.equal(await email.inputValue(), "minji.kim at example.org", "the typed value is kept");
  assert.deepEqual(without(await snapshot(page), "P3_email"), without(filled, "P3_email"), "every other answer is kept");
  await toP3.click();
  assert.match(page.url(), /#q-P3$/);
  await shoot(page, "member-js-4-validation-error");
  await shoot(page, "member-js-4-validation-error-at-P3", { fullPage: false });

  // Corrected, submitted: the confirmation shows the answers as stored.
  await email.click();
  await email.press("Control+A");
  await email.pressSequentially("minji.kim@example.org");
  const done = await navigate(page, () => page.getByRole("button", { name: "Submit" }).click());
  assert.equal(done.status(), 200);
  assert.match(page.url(), /\/r\/[^/]+\/done$/);
  await confirmation(page, [
    "Korea Communications Commission",
    "Other (specified): Joint anti-spam task force",
    "minji.kim@example.org",
    "4 (on a scale of 1 to 5)",
    `Other (specified): ${"Push notifications of fake apps"}`,
    "Caller-ID spoofing",
    "Thank you — 감사합니다.",
    "Estimated from complaint handling costs <and> lost time.",
  ]);
  await shoot(page, "member-js-5-confirmation");
  assert.deepEqual(problems, [], "no script error, no refused or missing resource");
  await context.close();
});

test("without JavaScript every question shows, the server drops what does not apply, and the form works the same", { timeout: 180_000 }, async () => {
  const link = server.invite("spam-2022", "JP");
  const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 1100, height: 900 } });
  context.setDefaultTimeout(10_000);
  const page = await context.newPage();
  assert.equal((await page.goto(link)).status(), 200);
  for (const q of CONDITIONAL) assert.ok(await box(page, q).isVisible(), `${q} is visible without the script`);
  assert.match(await box(page, "E2").locator(".condition").innerText(), /Answer if you chose “Yes” in E1\./);
  assert.equal(await box(page, "A3").locator("tbody tr:visible").count(), 9, "every row of A3 shows");
  await shoot(page, "member-nojs-1-empty");

  // Everything answered, but E1 "No" while E2 is ticked: E2 does not apply.
  const steps = ANSWERS.map((a) => (a.q === "E1" ? { ...a, label: "No" } : a));
  await fill(page, { steps });
  assert.deepEqual(await unanswered(page), []);
  const filled = await snapshot(page);
  const saved = await navigate(page, () => page.getByRole("button", { name: "Save draft" }).click());
  assert.equal(saved.status(), 200);
  await page.reload();
  const reloaded = await snapshot(page);
  assert.equal(reloaded.E2, undefined, "the server dropped E2, which E1 = No makes irrelevant");
  assert.deepEqual(reloaded, without(filled, "E2"), "every other answer is kept");
  await shoot(page, "member-nojs-2-draft-reloaded");

  // E1 "Yes", E2 again; and a mistake in a number: "about 1,000" is not a whole number.
  await fill(page, { steps: ANSWERS.filter((a) => a.q === "E1" || a.q === "E2") });
  const y2019 = box(page, "A10").getByRole("textbox", { name: "2019", exact: true });
  await y2019.click();
  await y2019.press("Control+A");
  await y2019.pressSequentially("about 1,000");
  const refused = await navigate(page, () => page.getByRole("button", { name: "Submit" }).click());
  assert.equal(refused.status(), 422);
  const err = await box(page, "A10").locator(".error").innerText();
  assert.match(err, /2019/);
  const inSummary = page.locator(".summary").getByRole("link", { name: /^A10: 2019/ });
  assert.equal(await inSummary.count(), 1, "the summary at the top names A10");
  assert.equal(await y2019.inputValue(), "about 1,000");
  await shoot(page, "member-nojs-3-validation-error");

  await y2019.click();
  await y2019.press("Control+A");
  await y2019.pressSequentially("1000");
  const done = await navigate(page, () => page.getByRole("button", { name: "Submit" }).click());
  assert.equal(done.status(), 200);
  await confirmation(page, ["Korea Communications Commission", "General public", "Elderly", "Caller-ID spoofing"]);
  await shoot(page, "member-nojs-4-confirmation");
  await context.close();
});

test("the secretariat signs in and finds both members submitted, with their answers", { timeout: 60_000 }, async () => {
  const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
  context.setDefaultTimeout(10_000);
  const page = await context.newPage();
  const problems = watch(page);
  await signIn(page, server.base);
  await assert.doesNotReject(page.getByRole("heading", { level: 1, name: "APT Survey on Unsolicited Commercial Messages (Spam) 2022" }).waitFor());
  for (const [code, name] of [["KR", "Korea (Republic of)"], ["JP", "Japan"]]) {
    const row = page.locator("table.members tbody tr").filter({ has: page.getByRole("link", { name, exact: true }) });
    assert.equal(await row.count(), 1, `${name} has one row`);
    assert.equal(await row.locator(".status").innerText(), "submitted", `${code} is submitted`);
  }
  assert.match(await page.locator(".headline").innerText(), /^2 of \d+ members have submitted/);
  await shoot(page, "secretariat-1-overview");

  await navigate(page, () => page.getByRole("link", { name: "Korea (Republic of)", exact: true }).click());
  assert.match(page.url(), /\/admin\/s\/spam-2022\/m\/KR$/);
  const text = await page.locator("main").innerText();
  assert.ok(text.includes("Korea Communications Commission"));
  assert.match(text, /status: submitted/);
  await shoot(page, "secretariat-2-response-KR");
  assert.deepEqual(problems, []);
  await context.close();
});

/** A CSV file's rows as arrays of cells (RFC 4180 quoting). */
function parseCsv(text) {
  const rows = [];
  let row = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { cell += '"'; i++; }
      else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") { row.push(cell); cell = ""; }
    else if (c === "\n" || c === "\r") {
      if (c === "\r" && text[i + 1] === "\n") i++;
      row.push(cell); rows.push(row); row = []; cell = "";
    } else cell += c;
  }
  if (cell !== "" || row.length) { row.push(cell); rows.push(row); }
  return rows;
}

// The export and the report are built by colleagues in parallel; until their
// work is merged this test fails at its first download, and only this one.
test("the secretariat downloads the responses CSV, generates the report and prints it to an A4 PDF", { timeout: 120_000 }, async () => {
  // No file of an earlier run may pass for this one's.
  for (const f of readdirSync(ARTIFACTS)) if (/^(spam-2022-responses.*\.csv|report-spam-2022\.pdf)$/.test(f)) rmSync(path.join(ARTIFACTS, f));
  const context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1200, height: 900 } });
  context.setDefaultTimeout(15_000);
  const page = await context.newPage();
  await signIn(page, server.base);

  await page.getByLabel("File").selectOption({ value: "responses" });
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("button", { name: "Download CSV" }).click(),
  ]);
  assert.match(download.suggestedFilename(), /^spam-2022-responses.*\.csv$/);
  mkdirSync(ARTIFACTS, { recursive: true });
  const csvFile = path.join(ARTIFACTS, download.suggestedFilename());
  await download.saveAs(csvFile);
  const rows = parseCsv(readFileSync(csvFile, "utf8").replace(/^\uFEFF/, ""));
  assert.ok(rows.length >= 3, "a header and the two members' rows");
  const header = rows[0];
  const width = header.length;
  for (const r of rows.slice(1)) assert.equal(r.length, width, "every row has the header's width");
  const kr = rows.filter((r) => r.includes("KR"));
  assert.equal(kr.length, 1, "one row for Korea");
  assert.ok(kr[0].includes("Korea Communications Commission"), "Korea's row holds its answers");
  assert.ok(kr[0].includes("minji.kim@example.org"));
  assert.equal(rows.filter((r) => r.includes("JP")).length, 1, "one row for Japan");

  await page.goto(`${server.base}/admin/s/spam-2022`);
  const report = await navigate(page, () => page.getByRole("link", { name: "open it" }).click());
  assert.equal(report.status(), 200);
  assert.match(page.url(), /\/admin\/s\/spam-2022\/report$/);
  const html = await report.text();
  const dir = path.join(ARTIFACTS, "report");
  const file = savePage(dir, "report-spam-2022", html);
  assert.ok((await page.title()).length > 0, "the report has a title");
  await shoot(page, "secretariat-3-report");
  const pdf = await page.pdf({ format: "A4", printBackground: true });
  writeFileSync(path.join(ARTIFACTS, "report-spam-2022.pdf"), pdf);
  assert.equal(pdf.subarray(0, 5).toString(), "%PDF-");
  assert.match(pdf.toString("latin1"), /\/MediaBox \[0 0 59[45](\.\d+)? 84[12](\.\d+)?\]/, "A4 pages");

  const invalid = await vnu([file]);
  assert.deepEqual(invalid, [], `the report is valid HTML:\n${describe(invalid)}`);
  const axeContext = await browser.newContext({ bypassCSP: true });
  const axePage = await axeContext.newPage();
  const address = page.url();
  await axePage.route((u) => u.href === address, (r) => r.fulfill({ status: 200, contentType: "text/html; charset=utf-8", body: html }));
  await axePage.goto(address);
  const violations = await axe(axePage);
  assert.deepEqual(violations, [], `the report is accessible:\n${describe(violations)}`);
  await axeContext.close();
  await context.close();
});
