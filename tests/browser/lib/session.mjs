// Small helpers shared by the tests: following a navigation to its page,
// signing the secretariat in, and watching a page for script errors.
import assert from "node:assert/strict";
import { ADMIN_PASSWORD } from "./server.mjs";

/**
 * Runs `action` (a click, a goto...) and returns the response of the page it
 * leads to, after any redirect.
 */
export async function navigate(page, action) {
  const final = page.waitForResponse(
    (r) => r.request().isNavigationRequest() && r.frame() === page.mainFrame() && !(r.status() >= 300 && r.status() < 400),
  );
  const [response] = await Promise.all([final, action()]);
  await page.waitForLoadState("load");
  return response;
}

/** Signs in at /admin as a person would, and lands on the overview. */
export async function signIn(page, base) {
  await page.goto(`${base}/admin`);
  await page.getByLabel("Name").fill("admin");
  await page.getByLabel("Password").fill(ADMIN_PASSWORD);
  const r = await navigate(page, () => page.getByRole("button", { name: "Sign in" }).click());
  assert.equal(r.status(), 200);
  assert.match(page.url(), /\/admin\/s\/spam-2022$/);
  return r;
}

/**
 * Collects what goes wrong in a page: uncaught script errors, console
 * errors (CSP refusals among them) and any resource other than the page
 * itself that fails or answers with an error status.
 */
export function watch(page) {
  const problems = [];
  page.on("pageerror", (e) => problems.push(`script error: ${e.message}`));
  page.on("console", (m) => {
    // Chromium logs an error status of the page itself (a 422 the test
    // expects) and of the /favicon.ico it asks every site for; a resource
    // of the page that fails is caught below, with its address.
    if (m.type() === "error" && !m.text().startsWith("Failed to load resource")) problems.push(`console: ${m.text()} (${m.location().url})`);
  });
  page.on("requestfailed", (r) => problems.push(`failed: ${r.url()} ${r.failure()?.errorText}`));
  page.on("response", (r) => {
    if (r.status() >= 400 && !r.request().isNavigationRequest()) problems.push(`${r.status()}: ${r.url()}`);
  });
  return problems;
}
