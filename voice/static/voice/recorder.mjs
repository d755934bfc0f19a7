// Voice notes on a phone: record, keep on the device until the server confirms, send when there
// is signal (exactly once: each note and each new visit carries an id made here), and show the
// transcription's progress. The page works without this file; this adds recording and offline.

import { afterSending, keep } from "./outbox-page.mjs";

const POLL_MS = 2000;

const panel = document.getElementById("voice");
const visitForm = document.getElementById("visit-form");

async function api(path) {
  const response = await fetch(`/api/v1/${path}`, { credentials: "same-origin", headers: { Accept: "application/json" } });
  if (!response.ok) throw new Error(`The server answered ${response.status}.`);
  return response.json();
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

/** Once what waited for this page's visit has reached the server, show it as the server has it. */
function afterSent(sent) {
  const key = visitForm ? new FormData(visitForm).get("idempotency_key") : null;
  const mine = sent.filter((entry) => entry.visitKey === key || (panel.dataset.visit && entry.visitId === Number(panel.dataset.visit)));
  if (!mine.length) return;
  const here = `/visits/${mine[0].visitId}/edit/`;
  if (location.pathname !== here) location.assign(here); // the draft now exists on the server: continue there
  else location.reload();
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
    await keep({
      clientId: crypto.randomUUID(),
      ...visitOfThisPage(),
      visit: panel.dataset.visit ? null : visitFields(), // a new visit is made from what the form holds now
      audio: blob,
      extension,
      seconds: Math.round(elapsed / 1000),
    });
    state.textContent = "Saved on this phone.";
    show("record");
    button("record").textContent = "Record another";
  }
}

function visitOfThisPage() {
  const data = new FormData(visitForm);
  return {
    visitKey: data.get("idempotency_key"),
    visitId: panel.dataset.visit ? Number(panel.dataset.visit) : null,
    basedOn: data.get("version") || null,
  };
}

// --- A visit typed with no signal waits on the phone too --------------------------------------

function setUpOfflineDrafts() {
  if (!visitForm) return;
  visitForm.addEventListener("submit", async (event) => {
    if (navigator.onLine) return; // online: the ordinary form post
    event.preventDefault();
    await keep({ clientId: crypto.randomUUID(), ...visitOfThisPage(), visit: visitFields() });
    const state = panel.querySelector("[data-state]");
    if (state) state.textContent = "Draft saved on this phone. Sign it when it has been sent.";
  });
}

// --- Live status and playback ----------------------------------------------------------------

function pollRecordings() {
  for (const card of panel.querySelectorAll("[data-recording]")) {
    if (["ready", "failed"].includes(card.dataset.status)) continue;
    const poll = async () => {
      try {
        const recording = await api(`recordings/${card.dataset.recording}/`);
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
  afterSending(afterSent);
}
