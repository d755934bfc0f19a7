// Voice notes on a phone: record, keep on the device until the server confirms, send when there
// is signal (exactly once: each note and each new visit carries an id made here), and show the
// transcription's progress. The page works without this file; this adds recording and offline.

const DB_NAME = "hearth";
const STORE = "outbox";
const POLL_MS = 2000;

const panel = document.getElementById("voice");
const visitForm = document.getElementById("visit-form");
const csrf = () => document.querySelector("input[name=csrfmiddlewaretoken]")?.value ?? "";

// --- The outbox: IndexedDB, so nothing spoken or typed is lost without signal ---------------

function openDb() {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DB_NAME, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(STORE, { keyPath: "clientId" });
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

async function store(mode, action) {
  const db = await openDb();
  return new Promise((resolve, reject) => {
    const tx = db.transaction(STORE, mode);
    const result = action(tx.objectStore(STORE));
    tx.oncomplete = () => resolve(result.result);
    tx.onerror = () => reject(tx.error);
  });
}

const outboxPut = (entry) => store("readwrite", (s) => s.put(entry));
const outboxDelete = (clientId) => store("readwrite", (s) => s.delete(clientId));
const outboxAll = () => store("readonly", (s) => s.getAll());

// --- Sending ---------------------------------------------------------------------------------

async function api(path, options) {
  const response = await fetch(`/api/v1/${path}`, {
    ...options,
    credentials: "same-origin",
    headers: { "X-CSRFToken": csrf(), Accept: "application/json", ...(options.headers || {}) },
  });
  const body = response.headers.get("content-type")?.includes("json") ? await response.json() : {};
  if (!response.ok) {
    const error = new Error(describeError(body) || `The server answered ${response.status}.`);
    error.permanent = response.status >= 400 && response.status < 500;
    throw error;
  }
  return body;
}

function describeError(body) {
  return Object.values(body || {}).flat().filter((v) => typeof v === "string").join(" ");
}

function visitFields() {
  const data = new FormData(visitForm);
  const when = new Date(`${data.get("visited_on")}T${data.get("visited_time") || "00:00"}`);
  return {
    child: Number(panel.dataset.child),
    idempotency_key: data.get("idempotency_key"),
    visit_type: data.get("visit_type"),
    visited_at: Number.isNaN(when.getTime()) ? new Date().toISOString() : when.toISOString(),
    location: data.get("location") || "",
    present: data.get("present") || "",
    seen_alone: data.get("seen_alone") === "on",
    child_said: data.get("child_said") || "",
    observations: data.get("observations") || "",
    analysis: data.get("analysis") || "",
    actions: data.get("actions") || "",
  };
}

async function send(entry) {
  if (!entry.visitId) {
    const visit = await api("visits/", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(entry.visit),
    });
    entry.visitId = visit.id;
    await outboxPut(entry);
  }
  if (entry.audio) {
    const form = new FormData();
    form.append("client_id", entry.clientId);
    form.append("audio", entry.audio, `voice-note.${entry.extension}`);
    const recording = await api(`visits/${entry.visitId}/recordings/`, { method: "POST", body: form });
    entry.recordingId = recording.id;
  }
  await outboxDelete(entry.clientId);
  return entry;
}

let flushing = false;

async function flush() {
  if (flushing) return;
  flushing = true;
  try {
    for (const entry of await outboxAll()) {
      try {
        const sent = await send(entry);
        afterSent(sent);
      } catch (error) {
        if (error.permanent) {
          entry.problem = error.message;
          await outboxPut(entry);
        }
        break; // no signal: try again when it comes back
      }
    }
  } finally {
    flushing = false;
    await showOutbox();
  }
}

function afterSent(entry) {
  const here = `/visits/${entry.visitId}/edit/`;
  if (location.pathname !== here && Number(panel?.dataset.child) === entry.visit?.child) {
    location.assign(here); // the draft now exists on the server: continue there
  } else if (entry.recordingId) {
    location.reload();
  }
}

async function showOutbox() {
  const box = panel?.querySelector("[data-outbox]");
  if (!box) return;
  const waiting = await outboxAll();
  box.hidden = waiting.length === 0;
  const notes = waiting.filter((e) => e.audio).length;
  const drafts = waiting.filter((e) => !e.visitId).length;
  const parts = [];
  if (notes) parts.push(`${notes} voice note${notes > 1 ? "s" : ""}`);
  if (drafts) parts.push(`${drafts} visit draft${drafts > 1 ? "s" : ""}`);
  const problems = waiting.filter((e) => e.problem).map((e) => e.problem);
  box.textContent = waiting.length
    ? `Waiting to be sent from this phone: ${parts.join(" and ")}. They are saved here and will be sent when you have signal.` +
      (problems.length ? ` Problem: ${problems.join(" ")}` : "")
    : "";
}

// --- Recording -------------------------------------------------------------------------------

const TYPES = [
  ["audio/webm;codecs=opus", "webm"],
  ["audio/ogg;codecs=opus", "ogg"],
  ["audio/mp4", "m4a"],
];

function setUpRecorder() {
  const ui = panel.querySelector("[data-recorder]");
  if (!ui || !window.MediaRecorder || !navigator.mediaDevices?.getUserMedia) return;
  ui.hidden = false;
  const button = (name) => ui.querySelector(`[data-action=${name}]`);
  const state = ui.querySelector("[data-state]");
  const timer = ui.querySelector("[data-timer]");
  const level = ui.querySelector("[data-level]");
  let recorder, chunks, started, elapsed, tick, audioContext;

  const show = (...names) => ["record", "pause", "resume", "stop"].forEach((n) => (button(n).hidden = !names.includes(n)));
  const clock = () => {
    const seconds = Math.floor((elapsed + (started ? Date.now() - started : 0)) / 1000);
    timer.textContent = `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}`;
  };

  button("record").addEventListener("click", async () => {
    let stream;
    try {
      stream = await navigator.mediaDevices.getUserMedia({ audio: true });
    } catch {
      state.textContent = "Hearth cannot use the microphone. Allow it in your browser's settings, or upload a file.";
      return;
    }
    const [mimeType, extension] = TYPES.find(([type]) => MediaRecorder.isTypeSupported(type)) || ["", "webm"];
    recorder = new MediaRecorder(stream, mimeType ? { mimeType } : {});
    chunks = [];
    elapsed = 0;
    started = Date.now();
    recorder.ondataavailable = (event) => event.data.size && chunks.push(event.data);
    recorder.onstop = () => save(new Blob(chunks, { type: recorder.mimeType || mimeType }), extension, stream);
    recorder.start(1000); // a chunk a second, so a crash loses at most a second
    meter(stream);
    tick = setInterval(clock, 250);
    ui.querySelector("[data-recording-status]").hidden = false;
    state.textContent = "Recording…";
    show("pause", "stop");
  });

  button("pause").addEventListener("click", () => {
    recorder.pause();
    elapsed += Date.now() - started;
    started = null;
    state.textContent = "Paused";
    show("resume", "stop");
  });

  button("resume").addEventListener("click", () => {
    recorder.resume();
    started = Date.now();
    state.textContent = "Recording…";
    show("pause", "stop");
  });

  button("stop").addEventListener("click", () => {
    if (started) elapsed += Date.now() - started;
    started = null;
    recorder.stop();
    clearInterval(tick);
    clock();
    show();
    state.textContent = "Saving on this phone…";
  });

  function meter(stream) {
    audioContext = new AudioContext();
    const analyser = audioContext.createAnalyser();
    audioContext.createMediaStreamSource(stream).connect(analyser);
    const samples = new Uint8Array(analyser.fftSize);
    const draw = () => {
      if (!recorder || recorder.state === "inactive") return;
      analyser.getByteTimeDomainData(samples);
      const peak = samples.reduce((max, v) => Math.max(max, Math.abs(v - 128)), 0) / 128;
      level.value = recorder.state === "paused" ? 0 : peak;
      requestAnimationFrame(draw);
    };
    draw();
  }

  async function save(blob, extension, stream) {
    stream.getTracks().forEach((track) => track.stop());
    audioContext?.close();
    const entry = {
      clientId: crypto.randomUUID(),
      visitId: panel.dataset.visit ? Number(panel.dataset.visit) : null,
      visit: panel.dataset.visit ? null : visitFields(),
      audio: blob,
      extension,
      seconds: Math.round(elapsed / 1000),
      createdAt: new Date().toISOString(),
    };
    await outboxPut(entry);
    state.textContent = "Saved on this phone. Sending…";
    show("record");
    button("record").textContent = "Record another";
    await flush();
    if (!navigator.onLine) state.textContent = "Saved on this phone. It will be sent when you have signal.";
  }
}

// --- A new visit typed with no signal waits on the phone too ----------------------------------

function setUpOfflineDrafts() {
  if (!visitForm || panel?.dataset.visit) return;
  visitForm.addEventListener("submit", async (event) => {
    if (navigator.onLine) return; // online: the ordinary form post
    event.preventDefault();
    const fields = visitFields();
    await outboxPut({ clientId: fields.idempotency_key, visitId: null, visit: fields, createdAt: new Date().toISOString() });
    await showOutbox();
  });
}

// --- Live status and playback ----------------------------------------------------------------

function pollRecordings() {
  for (const card of panel.querySelectorAll("[data-recording]")) {
    if (["ready", "failed"].includes(card.dataset.status)) continue;
    const poll = async () => {
      try {
        const recording = await api(`recordings/${card.dataset.recording}/`, { method: "GET" });
        const text = card.querySelector("[data-recording-state]");
        if (recording.status === "transcribing") text.textContent = `Transcribing: ${Math.round(recording.progress * 100)}% done`;
        else if (recording.status === "queued") text.textContent = "Waiting to be transcribed";
        if (recording.status === "ready" || recording.status === "failed") {
          location.reload(); // the draft (or the reason it failed) is on the server now
          return;
        }
      } catch {
        /* no signal: keep trying */
      }
      setTimeout(poll, POLL_MS);
    };
    setTimeout(poll, POLL_MS);
  }
}

function setUpPlayback() {
  const childSaid = document.getElementById("id_child_said");
  for (const card of panel.querySelectorAll("[data-recording]")) {
    const player = card.querySelector("[data-audio]");
    for (const link of card.querySelectorAll("[data-seek]")) {
      link.addEventListener("click", (event) => {
        if (!player) return;
        event.preventDefault();
        player.currentTime = Number(link.dataset.seek);
        player.play();
      });
    }
    for (const quote of card.querySelectorAll("[data-quote]")) {
      if (!childSaid) continue;
      quote.hidden = false;
      quote.addEventListener("click", () => {
        const words = quote.parentElement.querySelector("[data-segment-text]").textContent.trim();
        childSaid.value = `${childSaid.value.trim()}\n“${words}”`.trim();
        quote.textContent = "Added";
        quote.disabled = true;
      });
    }
  }
}

if (panel) {
  setUpRecorder();
  setUpOfflineDrafts();
  pollRecordings();
  setUpPlayback();
  panel.querySelector("[data-no-js-hint]")?.remove();
  showOutbox();
  flush();
  window.addEventListener("online", flush);
}

if ("serviceWorker" in navigator) {
  navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(() => {});
}
