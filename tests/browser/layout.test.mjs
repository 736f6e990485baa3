// How the pages look, measured in Chromium rather than read from the style
// sheet: every text box of the form as tall as the others (the "Other:
// please specify" boxes among them), the sign-in password box styled like
// them, and the secretariat's member table on one line per member at the
// widths of common laptop and desktop screens.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer } from "./lib/server.mjs";
import { launch, shoot } from "./lib/browser.mjs";
import { signIn } from "./lib/session.mjs";

let server;
let browser;

before(async () => {
  server = await startServer("layout");
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

/** Every visible one-line text input of the page: its name, whether it specifies an option, and its height. */
function heights(page) {
  return page.$$eval("input[type=text], input[type=email], input[type=number], input[type=search], input[type=password]", (inputs) =>
    inputs
      .filter((i) => i.offsetParent !== null)
      .map((i) => ({
        name: i.name,
        specify: i.closest(".specify") !== null,
        height: i.getBoundingClientRect().height,
        font: parseFloat(getComputedStyle(i).fontSize),
      })),
  );
}

test("every text box of the form, the specify boxes too, is as tall as the others", { timeout: 60_000 }, async (t) => {
  // Without JavaScript every box is shown, the specify boxes included.
  const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await page.goto(server.invite("spam-2022", "JP"));
  const boxes = await heights(page);
  const specify = boxes.filter((b) => b.specify);
  assert.ok(boxes.length >= 20, `${boxes.length} text boxes measured`);
  assert.ok(specify.length >= 5, `${specify.length} "please specify" boxes measured`);
  const tallest = Math.max(...boxes.map((b) => b.height));
  t.diagnostic(`${boxes.length} boxes (${specify.length} specify): ${Math.min(...boxes.map((b) => b.height))}–${tallest} px`);
  const short = boxes.filter((b) => b.height < tallest - 1);
  assert.deepEqual(short, [], `every box is ${tallest} px tall`);
  // The text fits the box: its height holds the font's line with room to spare.
  for (const b of boxes) assert.ok(b.height >= b.font * 1.5, `${b.name}: ${b.height} px for ${b.font} px text`);
  await shoot(page, "layout-form", { fullPage: false });
  await context.close();
});

test("the sign-in password box is styled like the other text boxes", { timeout: 60_000 }, async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  await page.goto(`${server.base}/admin`);
  const password = page.getByLabel("Password");
  const style = await password.evaluate((i) => {
    const s = getComputedStyle(i);
    return { font: s.fontSize, family: s.fontFamily, border: s.borderTopColor, padding: parseFloat(s.paddingTop), width: i.getBoundingClientRect().width, height: i.getBoundingClientRect().height };
  });
  const body = await page.evaluate(() => ({ font: getComputedStyle(document.body).fontSize, family: getComputedStyle(document.body).fontFamily }));
  assert.equal(style.font, body.font, "the page's text size, not the browser's small default");
  assert.equal(style.family, body.family, "the page's font");
  assert.equal(style.border, "rgb(138, 150, 163)", "the text boxes' border");
  assert.ok(style.padding >= 5, `padding ${style.padding} px`);
  assert.ok(style.height >= 35, `${style.height} px tall`);
  assert.ok(style.width >= 300, `${style.width} px wide`);
  await shoot(page, "layout-sign-in", { fullPage: false });
  await context.close();
});

for (const width of [1280, 1366, 1920]) {
  test(`at ${width} px the member table shows each member on one line, without scrolling sideways`, { timeout: 60_000 }, async () => {
    const context = await browser.newContext({ viewport: { width, height: 900 } });
    const page = await context.newPage();
    await signIn(page, server.base);
    const rows = await page.$$eval("table.members tbody tr", (trs) => trs.map((tr) => ({ name: tr.querySelector("th").textContent.trim(), height: tr.getBoundingClientRect().height })));
    assert.ok(rows.length >= 40, `${rows.length} rows`);
    const lowest = Math.min(...rows.map((r) => r.height));
    const wrapped = rows.filter((r) => r.height > lowest * 1.3);
    assert.deepEqual(wrapped, [], `every row is about ${lowest} px tall`);
    const overflow = await page.$eval("table.members", (t) => ({ table: t.getBoundingClientRect().width, room: t.parentElement.clientWidth }));
    assert.ok(overflow.table <= overflow.room + 1, `the table (${overflow.table} px) fits its ${overflow.room} px`);
    if (width === 1280) await shoot(page, "layout-members-1280", { fullPage: false });
    await context.close();
  });
}
