// Debian's Chromium, headless, driven by playwright-core; and the two
// checkers every page goes through: the W3C Nu HTML checker and axe-core.
import { chromium } from "playwright-core";
import { execFile } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { ARTIFACTS } from "./server.mjs";

const require = createRequire(import.meta.url);
export const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";

/** A fresh headless Chromium (playwright gives it a new, empty profile). */
export function launch() {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

/** Saves a screenshot under target/browser/: the whole page, or with `fullPage: false` what the window shows. */
export async function shoot(page, name, { fullPage = true } = {}) {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage });
}

/** Keeps a page's HTML as the server sent it, for the HTML checker. */
export function savePage(dir, name, html) {
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name}.html`);
  writeFileSync(file, html);
  return file;
}

/**
 * Runs the Nu HTML checker once over `files` (the JVM is slow to start) and
 * returns its messages of type "error", each with its file's name.
 */
export function vnu(files) {
  if (files.length === 0) return Promise.resolve([]);
  const jar = require.resolve("vnu-jar/build/dist/vnu.jar");
  return new Promise((resolve, reject) => {
    execFile(
      "java",
      ["-Xss4m", "-jar", jar, "--errors-only", "--format", "json", ...files],
      { maxBuffer: 64 * 1024 * 1024 },
      (err, stdout, stderr) => {
        // vnu exits 1 when it finds an error and writes its JSON to stderr.
        let report;
        try {
          report = JSON.parse(stderr || stdout);
        } catch {
          return reject(new Error(`the HTML checker failed: ${err?.message}\n${stderr}`));
        }
        const errors = report.messages.filter((m) => m.type === "error" || m.subType === "fatal");
        resolve(errors.map((m) => ({
          file: path.basename(decodeURIComponent(new URL(m.url).pathname)),
          line: m.lastLine,
          message: m.message,
          extract: m.extract,
        })));
      },
    );
  });
}

const AXE = require.resolve("axe-core/axe.min.js");

/**
 * Runs axe-core on the page (its context must bypass the CSP, which
 * rightly refuses the injected script) and returns the violations of
 * impact "serious" or "critical"; with `all`, every violation.
 */
export async function axe(page, { all = false } = {}) {
  if (!(await page.evaluate(() => "axe" in window))) await page.addScriptTag({ path: AXE });
  const violations = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { resultTypes: ["violations"] });
    return r.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      count: v.nodes.length,
      // The first few elements, and how to fix the first.
      nodes: v.nodes.slice(0, 5).map((n) => n.target.join(" ")),
      fix: v.nodes[0]?.failureSummary,
    }));
  });
  return all ? violations : violations.filter((v) => v.impact === "serious" || v.impact === "critical");
}

/** Describes problems for an assertion message. */
export function describe(problems) {
  return problems.map((p) => JSON.stringify(p, null, 1)).join("\n");
}
