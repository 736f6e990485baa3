// The 2022 questionnaire answered in full, as a focal point would: each
// step finds its control by its label (as a screen reader would announce
// it) inside the question's box, then clicks, types or chooses; or, for a
// section answered by keyboard, reaches it with Tab and uses Space, arrow
// keys and typing.
import assert from "node:assert/strict";

const A2_OTHER = "Push notifications of fake apps";
/** The legislation attached in B2a: a small PDF (the server checks its content). */
export const B2A_PDF = Buffer.from("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n% Act on Promotion of Information and Communications Network Utilization\ntrailer << /Root 1 0 R >>\n%%EOF\n");

/** Every question of spam-2022 with an answer; each conditional one is made relevant. */
export const ANSWERS = [
  { q: "P1", type: "text", value: "Korea Communications Commission" },
  { q: "P2", type: "radio", label: "Other", specify: "Joint anti-spam task force" },
  { q: "P3", type: "fields", values: { "Name (required)": "Kim Min-ji", Position: "Deputy director, Spam Response Team", "E-mail (required)": "minji.kim@example.org" } },
  { q: "A1", type: "radio", label: "4" },
  { q: "A2", type: "checks", labels: ["E-mail", "SMS/MMS", "Instant messengers (WhatsApp, LINE, KakaoTalk, WeChat, Viber, Telegram…)", "Other"], specify: { Other: A2_OTHER } },
  { q: "A3", type: "matrix", rows: { "E-mail": "3", "SMS/MMS": "5 – very serious", "Instant messengers (WhatsApp, LINE, KakaoTalk, WeChat, Viber, Telegram…)": "4", Other: "2" } },
  { q: "A4", type: "select", label: "A4: choose one", option: "SMS/MMS" },
  { q: "A5", type: "checks", labels: ["Investment/crypto scams", "Phishing/smishing/malicious links", "Other"], specify: { Other: "Fake job offers & “part-time” tasks" } },
  { q: "A6", type: "matrix", rows: { "E-mail": "Decreased", "SMS/MMS": "Increased", "Voice – live telemarketing": "About the same", "Voice – automated/robocall": "Increased", "Instant messengers (WhatsApp, LINE, KakaoTalk, WeChat, Viber, Telegram…)": "Increased", "Social media": "Increased", "RCS / OTT business messaging": "Unknown", Fax: "Decreased", Other: "Unknown" } },
  { q: "A7", type: "radio", label: "Both about equally" },
  { q: "A8", type: "text", value: "Cambodia, Myanmar, Philippines" },
  { q: "A9", type: "radio", label: "Yes" },
  { q: "A10", type: "fields", values: { 2019: "1250000", 2020: "unknown", 2021: "0" } },
  { q: "A11", type: "fields", values: { "E-mail": "120000", "SMS/MMS": "2400000", "Voice – live telemarketing": "unknown", "Voice – automated/robocall": "35000", "Instant messengers (WhatsApp, LINE, KakaoTalk, WeChat, Viber, Telegram…)": "800", "Social media": "unknown", "RCS / OTT business messaging": "0", Fax: "12", Other: "unknown" } },
  { q: "A12", type: "text", value: "About 1.2 billion KRW a year.\nEstimated from complaint handling costs <and> lost time." },
  { q: "B1", type: "radio", label: "Dedicated anti-spam law" },
  { q: "B2", type: "text", value: "Act on Promotion of Information and Communications Network Utilization, 2001; amended 2021.\nhttps://law.example.org/act?id=1&lang=en" },
  { q: "B2a", type: "file", name: "network-act.pdf", mimeType: "application/pdf", buffer: B2A_PDF },
  { q: "B3", type: "checks", labels: ["E-mail", "SMS/MMS", "Voice – automated/robocall", "Other"], specify: { Other: "App push messages" } },
  { q: "B4", type: "radio", label: "Different by channel" },
  { q: "B5", type: "matrix", rows: { "E-mail": "Opt-out", "SMS/MMS": "Opt-in", "Voice telemarketing": "Opt-in", Robocall: "Opt-in", Messenger: "Not regulated", Fax: "Opt-in" } },
  { q: "B6", type: "checks", labels: ["Sender identification", "Free unsubscribe mechanism", "Label as advertisement (e.g. \"(Ad)\")", "Ban on night-time sending"] },
  { q: "B7", type: "radio", label: "Yes" },
  { q: "B8", type: "checks", labels: ["Administrative fine", "Criminal penalty"] },
  { q: "B9", type: "text", value: "30,000,000 KRW" },
  { q: "B10", type: "radio", label: "No" },
  { q: "B11", type: "text", value: "A revision covering RCS business messaging is planned for 2023." },
  { q: "B12", type: "radio", label: "Yes" },
  { q: "C1", type: "text", value: "Korea Internet & Security Agency (KISA)" },
  { q: "C2", type: "radio", label: "Telecom/ICT regulator" },
  { q: "C3", type: "text", value: "The police investigate fraud; the Fair Trade Commission handles telemarketing." },
  { q: "C4", type: "checks", labels: ["Investigate/inspect", "Impose administrative fines", "Share information with foreign authorities"] },
  { q: "C5", type: "fields", values: { 2019: "310", 2020: "295", 2021: "unknown" } },
  { q: "D1", type: "radio", label: "Yes" },
  { q: "D2", type: "checks", labels: ["Phone hotline", "SMS short code (e.g. 7726)", "Web portal"] },
  { q: "D3", type: "checks", labels: ["E-mail filtering / DNS blocklists", "Operator SMS firewall or content filtering", "AI/ML-based detection"] },
  { q: "D4", type: "radio", label: "Yes" },
  { q: "D5", type: "text", value: "Not estimated." },
  { q: "E1", type: "radio", label: "Yes" },
  { q: "E2", type: "checks", labels: ["General public", "Elderly"] },
  { q: "E3", type: "radio", label: "No" },
  { q: "F1", type: "checks", labels: ["UCENet", "Seoul-Melbourne MoU", "ITU-T SG17"] },
  { q: "F2", type: "text", value: "Three MoUs: Australia, Japan and Singapore." },
  { q: "F3", type: "fields", values: { Sent: "14", Received: "unknown" } },
  { q: "F4", type: "checks", labels: ["Differences in laws (opt-in vs opt-out)", "Language"] },
  { q: "F5", type: "radio", label: "Maybe" },
  { q: "F6", type: "checks", labels: ["Contact-point directory", "Training and capacity building"] },
  { q: "G1", type: "checks", labels: ["Spam from abroad", "New channels (messengers/OTT)", "Caller-ID spoofing", "Limited budget/staff"] },
  { q: "G2", type: "selects", values: { "1st": "Caller-ID spoofing", "2nd": "Spam from abroad", "3rd": "New channels (messengers/OTT)" } },
  { q: "G3", type: "checks", labels: ["Statistics/measurement", "International cooperation"] },
  { q: "G4", type: "text", value: "The 118 spam reporting centre and a national SMS sender-ID registry." },
  { q: "G5", type: "text", value: "Thank you — 감사합니다." },
];

export const box = (page, q) => page.locator(`#q-${q}`);
const exact = (name) => ({ name, exact: true });

/** A step by mouse and typing, as most people fill a form. */
async function byMouse(page, step) {
  const b = box(page, step.q);
  const type = async (field, text) => {
    await field.click();
    if ((await field.inputValue()) !== "") {
      await page.keyboard.press("Control+A");
      await page.keyboard.press("Delete");
    }
    await page.keyboard.type(text);
  };
  switch (step.type) {
    case "text":
      return type(b.getByRole("textbox"), step.value);
    case "fields":
      for (const [label, v] of Object.entries(step.values)) {
        if (v === "unknown") await b.getByRole("checkbox", exact(`Unknown (${label})`)).check();
        else await type(b.getByRole("textbox", exact(label)), v);
      }
      return;
    case "radio":
      await b.getByRole("radio", exact(step.label)).check();
      if (step.specify) await type(b.getByRole("textbox", exact(`${step.label}: please specify`)), step.specify);
      return;
    case "checks":
      for (const label of step.labels) await b.getByRole("checkbox", exact(label)).check();
      for (const [label, text] of Object.entries(step.specify || {})) {
        await type(b.getByRole("textbox", exact(`${label}: please specify`)), text);
      }
      return;
    case "matrix":
      for (const [row, col] of Object.entries(step.rows)) await b.getByRole("radio", exact(`${row}: ${col}`)).check();
      return;
    case "select":
      return b.getByRole("combobox", exact(step.label)).selectOption({ label: step.option });
    case "selects":
      for (const [label, option] of Object.entries(step.values)) {
        await b.getByRole("combobox", exact(label)).selectOption({ label: option });
      }
      return;
    case "file":
      // Once attached, the box offers to replace it: the stored one stays.
      if (await b.locator(".attached").count()) return;
      return b.locator("input[type=file]").setInputFiles({ name: step.name, mimeType: step.mimeType, buffer: step.buffer });
    default:
      throw new Error(`unknown step ${step.type}`);
  }
}

/** Presses Tab until `target` (one element, or any of several) has the focus. */
export async function tabTo(page, target, max = 40) {
  for (let i = 0; i <= max; i++) {
    const there = await target.evaluateAll((els) => els.includes(document.activeElement));
    if (there) return;
    await page.keyboard.press("Tab");
  }
  throw new Error(`Tab did not reach ${target} within ${max} presses`);
}

const focused = (loc) => loc.evaluate((el) => el === document.activeElement);

/** Moves through a radio group with the arrow keys until `target` is checked. */
async function arrowTo(page, group, target) {
  await tabTo(page, group);
  if (await focused(target)) {
    await page.keyboard.press("Space");
  } else {
    const n = await group.count();
    for (let i = 0; i < n && !(await focused(target)); i++) await page.keyboard.press("ArrowDown");
  }
  assert.ok(await target.isChecked(), `the arrow keys did not check ${target}`);
}

/** A step by keyboard alone: Tab to reach, Space and arrows to choose, typing to write. */
async function byKeyboard(page, step) {
  const b = box(page, step.q);
  const type = async (field, text) => {
    await tabTo(page, field);
    await page.keyboard.type(text);
  };
  const space = async (box) => {
    await tabTo(page, box);
    await page.keyboard.press("Space");
    assert.ok(await box.isChecked(), `Space did not tick ${box}`);
  };
  switch (step.type) {
    case "text":
      return type(b.getByRole("textbox"), step.value);
    case "fields":
      for (const [label, v] of Object.entries(step.values)) {
        if (v === "unknown") await space(b.getByRole("checkbox", exact(`Unknown (${label})`)));
        else await type(b.getByRole("textbox", exact(label)), v);
      }
      return;
    case "radio": {
      const target = b.getByRole("radio", exact(step.label));
      await arrowTo(page, b.locator(`input[type=radio][name="${step.q}"]`), target);
      if (step.specify) await type(b.getByRole("textbox", exact(`${step.label}: please specify`)), step.specify);
      return;
    }
    case "checks":
      // In the order of the page, with each "please specify" box right after its option.
      for (const label of step.labels) {
        await space(b.getByRole("checkbox", exact(label)));
        if (step.specify?.[label]) await type(b.getByRole("textbox", exact(`${label}: please specify`)), step.specify[label]);
      }
      return;
    case "matrix":
      for (const [row, col] of Object.entries(step.rows)) {
        const target = b.getByRole("radio", exact(`${row}: ${col}`));
        const name = await target.getAttribute("name");
        await arrowTo(page, b.locator(`input[type=radio][name="${name}"]`), target);
      }
      return;
    case "select": {
      const select = b.getByRole("combobox", exact(step.label));
      await tabTo(page, select);
      const n = await select.locator("option").count();
      for (let i = 0; i < n; i++) {
        const label = await select.evaluate((s) => s.options[s.selectedIndex].label);
        if (label === step.option) return;
        await page.keyboard.press("ArrowDown");
      }
      throw new Error(`the arrow keys did not reach “${step.option}” in ${step.q}`);
    }
    default:
      throw new Error(`no keyboard way for ${step.type}`);
  }
}

/**
 * Answers `steps` (default: every question); the questions of the sections
 * in `keyboard` by keyboard alone, the others by mouse and typing.
 */
export async function fill(page, { steps = ANSWERS, keyboard = [] } = {}) {
  for (const step of steps) {
    if (keyboard.includes(step.q.replace(/\d+$/, ""))) await byKeyboard(page, step);
    else await byMouse(page, step);
  }
}

/** Where focus goes before a section answered by keyboard: the last box of the section before it. */
export async function focusBefore(page, q) {
  await box(page, q).getByRole("textbox").last().focus();
}

/** What the form holds now: each field's value, each choice's checked options. */
export function snapshot(page) {
  return page.evaluate(() => {
    const out = {};
    for (const el of document.querySelector("form[method=post]").elements) {
      // A file box is empty again once its file is stored (the page says it is attached).
      if (!el.name || el.type === "hidden" || el.type === "submit" || el.type === "file") continue;
      if (el.type === "radio" || el.type === "checkbox") {
        if (el.checked) (out[el.name] ??= []).push(el.value);
      } else if (el.value !== "") {
        out[el.name] = el.value;
      }
    }
    return out;
  });
}

/** The questions shown on the page that have no answer at all. */
export function unanswered(page) {
  return page.evaluate(() => {
    const out = [];
    for (const q of document.querySelectorAll("form [id^='q-']")) {
      if (q.closest("[hidden]")) continue;
      const filled = [...q.querySelectorAll("input, select, textarea")].some((f) =>
        f.type === "radio" || f.type === "checkbox" ? f.checked : f.value.trim() !== "");
      if (!filled) out.push(q.id.slice(2));
    }
    return out;
  });
}

/** The required questions only: enough for a submission. */
export const REQUIRED = ANSWERS.filter((s) => ["P1", "P3", "A1", "A2", "B1", "D1", "F5", "G1"].includes(s.q));
