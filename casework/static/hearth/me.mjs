// The child's pages. Progressive enhancement only: every page works without this file.

// A second tap on a button while the page is sending does nothing (the server is safe either way).
for (const form of document.querySelectorAll("form[data-me-form]")) {
  form.addEventListener("submit", (event) => {
    if (form.dataset.sending === "true") {
      event.preventDefault();
      return;
    }
    form.dataset.sending = "true";
    for (const button of form.querySelectorAll("button[type=submit]")) {
      button.setAttribute("aria-disabled", "true");
    }
  });
}

// Move to the list of problems, so a screen reader reads it first.
const summary = document.querySelector("[data-me-error-summary]");
if (summary) {
  summary.focus();
}

// A link in the list of problems moves to the field itself.
for (const link of document.querySelectorAll(".me-error-summary__list a")) {
  link.addEventListener("click", (event) => {
    const field = document.getElementById(link.hash.slice(1));
    if (field) {
      event.preventDefault();
      field.focus();
      field.scrollIntoView({ block: "center" });
    }
  });
}
