// On every staff page: send what waits on the phone (outbox.mjs) and say what is true about it in one status line:
// waiting, sending, sent, or refused with the server's reason (with Discard and Try again). A send that fails while
// the phone believes it is online is tried again after a growing pause, with no need for an "online" event; where
// the browser has Background Sync, the service worker also sends when no Hearth page is open.

import { discard, enqueue, entriesInOrder, saveSession, sendWaiting, tryAgain, visitKeyOf } from "./outbox.mjs";

const FIRST_PAUSE_MS = 2_000;
const LONGEST_PAUSE_MS = 60_000;
const SYNC_TAG = "hearth-outbox";

const box = document.querySelector("[data-outbox]");
const statusLine = box?.querySelector("[data-outbox-status]");
const refusedList = box?.querySelector("[data-outbox-refused]");
const channel = "BroadcastChannel" in window ? new BroadcastChannel("hearth-outbox") : null;
const whenSent = [];
const session = () => ({ csrf: document.querySelector("input[name=csrfmiddlewaretoken]")?.value ?? "", worker: box?.dataset.worker });

let sending = null;
let again = false; // something was kept while a round was under way: that round may have missed it
let failures = 0;
let retryTimer = null;
let lastSent = [];
let lastProblem = "";

/** Keep an entry on the phone, then try to send it at once. */
export async function keep(entry) {
  const kept = await enqueue({ ...entry, worker: box?.dataset.worker });
  lastSent = [];
  askForBackgroundSync();
  changed();
  sendNow();
  return kept;
}

/** Call back with what was sent, after each round of sending from this page. */
export function afterSending(callback) {
  whenSent.push(callback);
}

export function sendNow() {
  if (sending) {
    again = true;
    return sending;
  }
  clearTimeout(retryTimer);
  sending = sendRound().finally(() => {
    sending = null;
    if (again) {
      again = false;
      sendNow();
    }
  });
  return sending;
}

async function sendRound() {
  if (!navigator.onLine) return show(); // the "online" event starts the next round
  let result;
  try {
    result = await sendWaiting(session(), (entry) => showSending(entry));
  } catch (error) {
    result = { sent: [], refused: [], stopped: String(error?.message ?? error) };
  }
  lastSent = result.sent.length ? result.sent : lastSent;
  lastProblem = result.stopped ?? "";
  failures = result.stopped ? failures + 1 : 0;
  if (result.stopped) retryLater();
  if (result.sent.length || result.refused.length) changed();
  await show();
  if (result.sent.length) whenSent.forEach((callback) => callback(result.sent));
}

function retryLater() {
  const pause = Math.min(LONGEST_PAUSE_MS, FIRST_PAUSE_MS * 2 ** (failures - 1));
  const jitter = pause * (0.8 + Math.random() * 0.4); // phones that lost signal together do not return together
  retryTimer = setTimeout(sendNow, jitter);
  lastProblem = `${lastProblem} Trying again in ${Math.round(jitter / 1000)} seconds.`;
}

async function askForBackgroundSync() {
  try {
    const registration = await navigator.serviceWorker?.getRegistration("/"); // none yet, or blocked: the pages send
    await registration?.sync?.register(SYNC_TAG);
  } catch {
    /* no Background Sync here: the pages send instead */
  }
}

function changed() {
  channel?.postMessage("changed");
}

// --- What the status line says -------------------------------------------------------------------

function describeCount(entries) {
  const notes = entries.filter((e) => e.audio).length;
  const drafts = new Set(entries.filter((e) => e.visit).map(visitKeyOf)).size; // typed words, one draft a visit
  const parts = [];
  if (notes) parts.push(`${notes} voice note${notes > 1 ? "s" : ""}`);
  if (drafts) parts.push(`${drafts} visit draft${drafts > 1 ? "s" : ""}`);
  return parts.join(" and ");
}

function say(text) {
  if (!statusLine) return;
  statusLine.textContent = text;
  statusLine.className = text ? "govuk-body govuk-!-font-weight-bold" : "";
}

function showSending(entry) {
  say(`Sending from this phone: ${describeCount([entry])}…`);
}

async function show() {
  if (!box) return;
  const mine = (entry) => !entry.worker || String(entry.worker) === String(box.dataset.worker);
  const all = (await entriesInOrder()).filter(mine); // another worker's items wait, unseen, for them to sign in
  const refused = all.filter((e) => e.refused);
  const waiting = all.filter((e) => !e.refused);
  if (waiting.length && !navigator.onLine) {
    say(`Waiting to be sent from this phone: ${describeCount(waiting)}. They are saved here and will be sent when you have signal.`);
  } else if (waiting.length && lastProblem) {
    say(`Waiting to be sent from this phone: ${describeCount(waiting)}. Not sent yet: ${lastProblem}`);
  } else if (waiting.length) {
    say(`Waiting to be sent from this phone: ${describeCount(waiting)}.`);
  } else if (lastSent.length) {
    say(`Sent from this phone: ${describeCount(lastSent)}.`);
  } else {
    say("");
  }
  showRefused(refused);
}

function showRefused(refused) {
  refusedList.replaceChildren(...refused.map(refusedItem));
  refusedList.hidden = refused.length === 0;
}

function refusedItem(entry) {
  const item = document.createElement("li");
  item.className = "govuk-inset-text govuk-!-margin-top-2";
  item.dataset.refused = entry.clientId;
  const what = document.createElement("p");
  what.className = "govuk-body govuk-!-margin-bottom-2";
  what.textContent = `Not accepted: ${whatItIs(entry)}. ${entry.refused}`;
  const buttons = document.createElement("div");
  buttons.className = "govuk-button-group govuk-!-margin-bottom-0";
  buttons.append(
    button(entry.currentVersion ? "Send mine over it" : "Try again", "govuk-button--secondary", () => tryAgain(entry.clientId)),
    button("Discard", "govuk-button--warning", () => discard(entry.clientId)),
  );
  item.append(what, buttons);
  return item;
}

function whatItIs(entry) {
  const kind = entry.audio ? "a voice note" : "a visit draft";
  const made = new Date(entry.createdAt);
  return Number.isNaN(made.getTime()) ? kind : `${kind} made at ${made.toLocaleTimeString("en-GB", { hour: "2-digit", minute: "2-digit" })}`;
}

function button(label, style, action) {
  const element = document.createElement("button");
  element.type = "button";
  element.className = `govuk-button ${style} govuk-!-margin-bottom-0`;
  element.textContent = label;
  element.addEventListener("click", async () => {
    element.disabled = true;
    await action();
    changed();
    await show();
    sendNow();
  });
  return element;
}

// --- Start ---------------------------------------------------------------------------------------

if (box) {
  saveSession(session()).then(show).then(sendNow);
  window.addEventListener("online", () => {
    failures = 0;
    sendNow();
  });
  window.addEventListener("offline", () => {
    lastProblem = "";
    show();
  });
  if (channel) channel.onmessage = () => show();
}

if ("serviceWorker" in navigator) {
  navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(() => {});
}
