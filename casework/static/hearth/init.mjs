// Progressive enhancement only: every page works without this file.
import { initAll } from "/static/govuk/govuk-frontend.min.js";

document.body.classList.add("js-enabled", "govuk-frontend-supported");
initAll(); // includes the service navigation's Menu button on small screens

// Loaded only where it is used, so pages the phone keeps for offline (voice's service worker) need
// nothing more than they did.
if (document.querySelector("form[data-words-check]")) {
  import("/static/hearth/words_check.mjs").then(({ initWordsCheck }) => initWordsCheck());
}
if (document.querySelector("[data-check-under-way]")) {
  import("/static/placements/check.mjs").then(({ waitForCheck }) => waitForCheck());
}
