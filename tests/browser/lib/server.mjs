// The real server binary on a free port with a fresh data directory, and
// the `invite` command beside it, as the secretariat would run them.
import { spawn, execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, createWriteStream, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
export const TARGET = process.env.CARGO_TARGET_DIR
  ? path.resolve(REPO, process.env.CARGO_TARGET_DIR)
  : path.join(REPO, "target");
export const BIN = process.env.SPAM_SURVEY_BIN || path.join(TARGET, "debug", "spam-survey");
/** Where screenshots, saved pages, downloads and the report's PDF go. */
export const ARTIFACTS = path.join(TARGET, "browser");
export const ADMIN_PASSWORD = "a browser test's secretariat password";

/**
 * Starts `spam-survey serve` on 127.0.0.1:0 with a new temporary data
 * directory (or `data`, one the test prepared); resolves once it prints the
 * address it listens on. `surveys` is the folder of definitions (the
 * bundled one unless given).
 */
export async function startServer(name, { surveys = path.join(REPO, "surveys"), data: given } = {}) {
  mkdirSync(ARTIFACTS, { recursive: true });
  // A data directory the test prepared (demo data, say), or a new one.
  const data = given ?? mkdtempSync(path.join(tmpdir(), "spam-survey-browser-"));
  const log = createWriteStream(path.join(ARTIFACTS, `server-${name}.log`));
  const child = spawn(
    BIN,
    ["serve", "--addr", "127.0.0.1:0", "--data", data, "--surveys", surveys],
    {
      cwd: REPO,
      env: { ...process.env, SPAM_SURVEY_ADMIN_PASSWORD: ADMIN_PASSWORD, RUST_LOG: "info" },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  child.stderr.pipe(log);
  const base = await new Promise((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error(`the server did not start within 20 s:\n${out}`)), 20_000);
    child.on("error", (e) => {
      clearTimeout(timer);
      reject(new Error(`cannot start ${BIN} (build it with \`cargo build\`): ${e.message}`));
    });
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`the server exited with ${code} before listening:\n${out}`));
    });
    child.stdout.on("data", (chunk) => {
      out += chunk;
      log.write(chunk);
      const m = out.match(/listening on (http:\/\/127\.0\.0\.1:\d+)/);
      if (m) {
        clearTimeout(timer);
        child.removeAllListeners("exit");
        resolve(m[1]);
      }
    });
  });
  child.stdout.on("data", (chunk) => log.write(chunk));

  return {
    base,
    data,
    /**
     * A member's invitation link, made by the `invite` command beside the
     * running server; `evenIfClosed` for an edition that is closed.
     */
    invite(survey, member, { evenIfClosed = false } = {}) {
      const out = execFileSync(
        BIN,
        ["invite", "--survey", survey, "--member", member, "--data", data,
          "--surveys", surveys, "--base-url", base, ...(evenIfClosed ? ["--even-if-closed"] : [])],
        { cwd: REPO, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] },
      );
      const link = out.trim().split("\n").pop();
      if (!link.startsWith(`${base}/r/`)) throw new Error(`invite printed no link: ${out}`);
      return link;
    },
    async stop() {
      if (child.exitCode === null) {
        const gone = new Promise((r) => child.once("exit", r));
        child.kill("SIGTERM");
        await Promise.race([gone, new Promise((r) => setTimeout(r, 5000))]);
        if (child.exitCode === null) child.kill("SIGKILL");
      }
      log.end();
      rmSync(data, { recursive: true, force: true });
    },
  };
}
