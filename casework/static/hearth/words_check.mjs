// The share page: each text for the child shows its reading age, and words children dislike, as the
// worker types. The server measures (casework/child_words.py, one way of measuring); this only asks it
// again a moment after typing stops, and puts its answer under the field. Without this file the page
// shows the same check each time it is sent.
const PAUSE_MS = 400;

async function check(field, output, url) {
  const body = new FormData();
  body.append("text", field.value);
  body.append("csrfmiddlewaretoken", field.form.elements.csrfmiddlewaretoken.value);
  const response = await fetch(url, { method: "POST", body, credentials: "same-origin" });
  if (response.ok) {
    output.innerHTML = await response.text(); // Django's template, escaped on the server
  }
}

export function initWordsCheck(root = document) {
  for (const form of root.querySelectorAll("form[data-words-check]")) {
    for (const field of form.querySelectorAll("textarea[data-reading-age]")) {
      const output = document.getElementById(`${field.id}-check`);
      if (!output) continue;
      const url = form.dataset.wordsCheck;
      let timer;
      field.addEventListener("input", () => {
        clearTimeout(timer);
        timer = setTimeout(() => check(field, output, url), PAUSE_MS);
      });
      // Typed before this file arrived: measure what is there now.
      if (field.value !== field.defaultValue) check(field, output, url);
    }
  }
}
